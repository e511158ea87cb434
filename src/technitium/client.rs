//! [`Client`]: one Technitium server (or one cluster node reached through it), and one typed
//! method per API call the exporter makes.
//!
//! A method names its [`Endpoint`] and fills in that endpoint's parameters; everything else is
//! delegated: how the token goes out to `auth.rs`, the request, its limits, the envelope and
//! the errors to `transport.rs`. It holds the token but never prints it (its `Debug` redacts it).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use url::Url;

use super::auth::{Auth, AuthMode, HEADER_RETRY_FIRST};
use super::budget::ResponseBudget;
use super::endpoints::{Endpoint, TopKind, Window};
use super::error::ApiError;
use super::observe::RequestObserver;
use super::range::CustomRange;
use super::redact::{Redactor, display_base, proxy_for};
use super::secret::Secret;
use super::transport::{ClientBuildError, Upstream, http_client};
use super::types::{
    ClusterState, DashboardStats, DhcpLeases, DhcpScopes, ForwarderConfig, MetricsJson,
    ResolveAnswer, ServerStatus, SessionInfo, Settings, TopStats, UpdateCheck, ZoneList,
};
use crate::logging::LogName;

/// Settings of one upstream server.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL, e.g. `http://localhost:5380`.
    pub url: Url,
    /// The API token; `None` makes every call fail with [`ApiError::MissingToken`].
    pub token: Option<Secret>,
    /// How the token is sent.
    pub auth: AuthMode,
    /// Limit for one request, connect to last byte.
    pub timeout: Duration,
    /// Largest accepted response body in bytes.
    pub max_response_size: u64,
    /// Extra CA bundle (PEM) to trust.
    pub ca_file: Option<PathBuf>,
    /// A CA (PEM) the server's DNS listeners chain to, which the DNS probes trust besides the
    /// system roots and `ca_file` (`--demo`'s listeners); the API client does not read it.
    pub extra_ca_pem: Option<Arc<str>>,
    /// Accept any certificate (loudly warned about).
    pub insecure_skip_verify: bool,
}

/// A client for one Technitium server.
pub struct Client {
    /// The server as calls reach it.
    up: Upstream,
    /// How the token goes out; shared with the clients of the server's cluster nodes
    /// ([`Client::for_node`]), which reach it through the same URL.
    auth: Auth,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.up.server)
            .field("auth", &self.auth.mode())
            .field("token", &self.up.token.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with its own `reqwest::Client`.
    ///
    /// # Errors
    /// When the TLS settings cannot be applied.
    pub fn new(config: &ClientConfig) -> Result<Self, ClientBuildError> {
        let http = http_client(config.ca_file.as_deref(), config.insecure_skip_verify)?;
        Ok(Self::with_http(http, config))
    }

    /// A client sharing an existing `reqwest::Client` (one per TLS profile).
    #[must_use]
    pub fn with_http(http: reqwest::Client, config: &ClientConfig) -> Self {
        let token = config.token.clone().filter(|t| !t.is_empty());
        let up = Upstream {
            http,
            server: display_base(&config.url),
            base: config.url.clone(),
            redactor: Redactor::new(token.as_ref()),
            proxy: proxy_for(&config.url),
            token,
            node: None,
            timeout: config.timeout,
            max_response_size: config.max_response_size,
            budget: ResponseBudget::for_responses_of(config.max_response_size),
            observer: None,
            log_name: None,
        };
        Self {
            up,
            auth: Auth::new(config.auth, HEADER_RETRY_FIRST),
        }
    }

    /// Shares a response budget with other clients (`serve` gives every target the same one).
    #[must_use]
    pub fn with_budget(mut self, budget: ResponseBudget) -> Self {
        self.up.budget = budget;
        self
    }

    /// Sets the first wait before a header the server rejected is tried again (tests use 0).
    #[must_use]
    pub fn with_header_retry(mut self, first: Duration) -> Self {
        self.auth = Auth::new(self.auth.mode(), first);
        self
    }

    /// Adds an observer of every upstream request.
    #[must_use]
    pub fn with_observer(mut self, observer: Arc<dyn RequestObserver>) -> Self {
        self.up.observer = Some(observer);
        self
    }

    /// A client for cluster node `node`, reached through this client's server: every call but
    /// the ones the server always answers itself ([`Endpoint::on_contacted_node`]) carries
    /// `node=NODE`, so the server proxies it to that node with its own cluster token (the
    /// node checks the permissions of this token's user). The token, what was learned about
    /// sending it, the HTTP client, the memory budget and the observer are shared; messages
    /// name the server as "node NODE through URL".
    #[must_use]
    pub fn for_node(&self, node: &str) -> Self {
        let mut up = self.up.clone();
        up.server = format!("node {node} through {}", display_base(&self.up.base));
        up.node = Some(node.to_owned());
        up.log_name = self
            .up
            .log_name
            .as_ref()
            .map(|(target, _)| (target.clone(), Some(node.to_owned())));
        Self {
            up,
            auth: self.auth.clone(),
        }
    }

    /// Names the server in logs and in error messages by a configured target name (and
    /// cluster node) instead of its URL (`serve`, whose configuration maps names to URLs):
    /// "target NAME", "node NODE of target NAME" for a node reached directly, "node NODE
    /// through target NAME" for one reached through the target ([`Client::for_node`]).
    #[must_use]
    pub fn with_log_name(mut self, target: &str, node: Option<&str>) -> Self {
        self.up.server = match (node, &self.up.node) {
            (Some(node), Some(_)) => format!("node {node} through target {target}"),
            (Some(node), None) => format!("node {node} of target {target}"),
            (None, _) => format!("target {target}"),
        };
        self.up.log_name = Some((target.to_owned(), node.map(str::to_owned)));
        self
    }

    /// The cluster node this client's calls are proxied to ([`Client::for_node`]).
    #[must_use]
    pub fn node(&self) -> Option<&str> {
        self.up.node.as_deref()
    }

    /// The server's base URL.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.up.base
    }

    /// Whom log lines about this client's server name.
    #[must_use]
    pub fn log_name(&self) -> LogName<'_> {
        self.up.log_name()
    }

    /// The server as messages name it: its base URL as shown to people (no credentials, no
    /// query), or the configured name given to [`Client::with_log_name`].
    #[must_use]
    pub fn server(&self) -> &str {
        &self.up.server
    }

    /// The per-request timeout.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.up.timeout
    }

    /// How the token is configured to go out.
    #[must_use]
    pub fn auth_mode(&self) -> AuthMode {
        self.auth.mode()
    }

    /// Whether the token is known to go in the query string (a server before v15).
    #[must_use]
    pub fn uses_query_token(&self) -> bool {
        self.auth.uses_query()
    }

    /// `/api/user/session/get`: validates the token and returns the server's facts.
    ///
    /// In [`AuthMode::Auto`] the first call probes with the Bearer header and, if the server
    /// rejects it while the carrier is still unknown, retries once with the query parameter.
    ///
    /// # Errors
    /// Any [`ApiError`]; `InvalidToken` when both carriers are rejected.
    pub async fn session(&self) -> Result<SessionInfo, ApiError> {
        self.auth.session(&self.up).await
    }

    /// `/api/dashboard/metrics/json` (v15+ only).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn metrics_json(&self) -> Result<MetricsJson, ApiError> {
        self.get(Endpoint::MetricsJson, &[]).await
    }

    /// `/api/dashboard/stats/get` for one window. `full_query_types` asks v14+ servers for every
    /// query type instead of the top ten.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn stats(
        &self,
        window: Window,
        full_query_types: bool,
    ) -> Result<DashboardStats, ApiError> {
        let mut params = vec![("type", window.api_name()), ("utc", "true")];
        if full_query_types {
            params.push(("dontTrimQueryTypeData", "true"));
        }
        self.get(Endpoint::StatsGet, &params).await
    }

    /// `/api/dashboard/stats/get?type=Custom` over the minutes of `range` (end labels `start` …
    /// `end`). The server reads `(end − start) / 1 min + 1` minutes starting one minute before
    /// `start`, so the answer's labels are exactly `start` … `end`. A [`CustomRange`] is at most
    /// 2 hours long (answered per minute) and never reaches past the newest final minute
    /// (upstream #1975): this call cannot ask for anything else. `full_query_types` asks v14+
    /// servers for every query type instead of the top ten.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn stats_custom(
        &self,
        range: CustomRange,
        full_query_types: bool,
    ) -> Result<DashboardStats, ApiError> {
        let (start, end) = (range.start_param(), range.end_param());
        let mut params = vec![
            ("type", "Custom"),
            ("utc", "true"),
            ("start", start.as_str()),
            ("end", end.as_str()),
        ];
        if full_query_types {
            params.push(("dontTrimQueryTypeData", "true"));
        }
        self.get(Endpoint::StatsGet, &params).await
    }

    /// `/api/dashboard/stats/getTop` for one list and window.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn top(
        &self,
        window: Window,
        kind: TopKind,
        limit: usize,
        reverse_lookup: bool,
    ) -> Result<TopStats, ApiError> {
        let limit = limit.to_string();
        let mut params = vec![
            ("type", window.api_name()),
            ("statsType", kind.api_name()),
            ("limit", limit.as_str()),
        ];
        if kind == TopKind::Clients && !reverse_lookup {
            params.push(("noReverseLookup", "true"));
        }
        self.get(Endpoint::StatsGetTop, &params).await
    }

    /// `/api/zones/list`, unpaged.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn zones(&self) -> Result<ZoneList, ApiError> {
        self.get(Endpoint::ZonesList, &[]).await
    }

    /// `/api/dhcp/scopes/list`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn dhcp_scopes(&self) -> Result<DhcpScopes, ApiError> {
        self.get(Endpoint::DhcpScopesList, &[]).await
    }

    /// `/api/dhcp/leases/list`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn dhcp_leases(&self) -> Result<DhcpLeases, ApiError> {
        self.get(Endpoint::DhcpLeasesList, &[]).await
    }

    /// `/api/settings/get`; only the blocking fields are kept.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn settings(&self) -> Result<Settings, ApiError> {
        self.get(Endpoint::SettingsGet, &[]).await
    }

    /// `/api/user/checkForUpdate`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn check_for_update(&self) -> Result<UpdateCheck, ApiError> {
        self.get(Endpoint::CheckForUpdate, &[]).await
    }

    /// `/api/settings/get`; only `forwarders` and `forwarderProtocol` are kept (the body's
    /// secrets are skipped while parsing, never stored or logged).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn forwarder_settings(&self) -> Result<ForwarderConfig, ApiError> {
        self.get(Endpoint::SettingsGet, &[]).await
    }

    /// `/api/dnsClient/resolve?server=&domain=&type=&protocol=`: the server's own DNS client
    /// queries `server` (never with `import`, which [`Endpoint::params`] does not allow).
    ///
    /// # Errors
    /// Any [`ApiError`]; a failed resolution is Technitium's `status: error` ([`ApiError::Api`]).
    pub async fn resolve(
        &self,
        server: &str,
        domain: &str,
        record_type: &str,
        protocol: &str,
    ) -> Result<ResolveAnswer, ApiError> {
        let params = [
            ("server", server),
            ("domain", domain),
            ("type", record_type),
            ("protocol", protocol),
        ];
        self.get(Endpoint::DnsClientResolve, &params).await
    }

    /// `/api/admin/cluster/state` (v14+; Administration: View): the version, domain and cluster
    /// view of the server, or, through [`Client::for_node`], of the node.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn cluster_state(&self) -> Result<ClusterState, ApiError> {
        self.get(Endpoint::ClusterState, &[]).await
    }

    /// `/api/dnsClient/healthCheck?domain=` (15.3+; DnsClient: View): the server resolves
    /// `domain` (type A) with its own resolver. `Ok` is the server's bare `status: ok`.
    ///
    /// # Errors
    /// Any [`ApiError`]; a failed resolution is Technitium's `status: error` ([`ApiError::Api`],
    /// with the server's redacted message), a server before 15.3 answers HTTP 404
    /// ([`ApiError::HttpStatus`]).
    pub async fn health_check(&self, domain: &str) -> Result<(), ApiError> {
        let _: serde::de::IgnoredAny = self
            .get(Endpoint::HealthCheck, &[("domain", domain)])
            .await?;
        Ok(())
    }

    /// `/api/status` (15.3+; needs no permission): whether the built-in admin account still has
    /// its default password. The contacted server answers it, whatever `node=` says.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn status(&self) -> Result<ServerStatus, ApiError> {
        self.get(Endpoint::Status, &[]).await
    }

    /// A call of `endpoint` with `params` (which must be among [`Endpoint::params`]).
    async fn get<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        params: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        self.auth.get(&self.up, endpoint, params).await
    }

    /// Decodes a response body exactly as an API call does (envelope, `status`, payload, what
    /// its lists parse into counted against the client's budget): the entry point of the fuzz
    /// targets (`fuzz/`), not otherwise needed outside this module.
    ///
    /// # Errors
    /// As an API call's decoding step.
    #[doc(hidden)]
    pub fn decode_body<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        body: &[u8],
    ) -> Result<T, ApiError> {
        self.up
            .decode_metered(endpoint, body)
            .map(|(value, _)| value)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn client(url: &str) -> Client {
        Client::new(&ClientConfig {
            url: url.parse().unwrap(),
            token: Some(Secret::new("t0k3n")),
            auth: AuthMode::Header,
            timeout: Duration::from_secs(5),
            max_response_size: 1 << 20,
            ca_file: None,
            extra_ca_pem: None,
            insecure_skip_verify: false,
        })
        .unwrap()
    }

    /// `import=true` can never reach the wire: the request is refused where requests are built,
    /// and the server sees nothing.
    #[tokio::test]
    async fn import_never_reaches_the_wire() {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(
                wiremock::ResponseTemplate::new(200).set_body_string(
                    r#"{"status":"ok","response":{"result":{"RCODE":"NoError"}}}"#,
                ),
            )
            .mount(&server)
            .await;
        let c = client(&server.uri());
        for params in [
            &[
                ("server", "1.1.1.1"),
                ("domain", "example.com"),
                ("import", "true"),
            ][..],
            &[("import", "true")][..],
            &[("server", "1.1.1.1"), ("IMPORT", "true")][..],
            &[("token", "other")][..],
        ] {
            let result: Result<serde_json::Value, ApiError> =
                c.get(Endpoint::DnsClientResolve, params).await;
            let e = result.expect_err("refused");
            assert!(matches!(e, ApiError::ParameterNotAllowed { .. }), "{e}");
            assert!(e.to_string().contains("nothing was sent"), "{e}");
        }
        // Parameters of another endpoint are refused too.
        let result: Result<serde_json::Value, ApiError> =
            c.get(Endpoint::ZonesList, &[("type", "LastHour")]).await;
        assert!(matches!(result, Err(ApiError::ParameterNotAllowed { .. })));
        assert!(
            server
                .received_requests()
                .await
                .unwrap_or_default()
                .is_empty()
        );

        // What resolve() sends: exactly its four parameters.
        c.resolve("1.1.1.1", ".", "NS", "Udp")
            .await
            .expect("resolves");
        let requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 1);
        let pairs: Vec<(String, String)> = requests[0]
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("server", "1.1.1.1"),
                ("domain", "."),
                ("type", "NS"),
                ("protocol", "Udp")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }
}
