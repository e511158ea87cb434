//! The Technitium API client: one `reqwest::Client` per TLS profile, auth probing, a read-only
//! path allowlist, a response size cap and timeouts.
//!
//! Safety rules this module owns:
//! - only the paths of [`Endpoint`] can be requested, all read-only, and each only with its own
//!   fixed set of query parameters ([`Endpoint::params`], checked where every request is built):
//!   `dnsClient/resolve` also takes `import=true`, which writes zones, and can never be sent it;
//! - the token goes in an `Authorization: Bearer` header, or, for servers before v15 that ignore
//!   the header, in the `token` query parameter, learned once per client ([`AuthMode::Auto`]);
//! - request URLs never reach an error or a log line: `reqwest` errors pass through
//!   [`transport_error`], which drops the URL, and messages name the server by its base URL;
//! - [`Secret`] never prints its content.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use url::Url;

use super::error::ApiError;
use super::types::{
    DashboardStats, DhcpLeases, DhcpScopes, Envelope, ForwarderConfig, MetricsJson, ResolveAnswer,
    SessionInfo, Settings, TopStats, UpdateCheck, ZoneList,
};

/// A secret string (the API token) whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token, trimming surrounding whitespace (token files end with a newline).
    #[must_use]
    pub fn new(s: &str) -> Self {
        Self(s.trim().to_owned())
    }

    /// The secret itself, for the one place that sends it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// How the token is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Bearer header first; fall back to the query parameter once if the server rejects it
    /// (Technitium before v15), and remember which one worked.
    #[default]
    Auto,
    /// Always the `Authorization: Bearer` header (v15+).
    Header,
    /// Always the `token` query parameter (before v15; the token then appears in the server's
    /// request URLs).
    Query,
}

/// The read-only API paths the exporter may request. Nothing else can be requested: Technitium
/// also acts on GET requests, so the allowlist is the type itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Endpoint {
    SessionGet,
    MetricsJson,
    StatsGet,
    StatsGetTop,
    ZonesList,
    DhcpScopesList,
    DhcpLeasesList,
    SettingsGet,
    CheckForUpdate,
    DnsClientResolve,
}

impl Endpoint {
    /// Every endpoint, for self-metric initialisation and docs.
    pub const ALL: [Self; 10] = [
        Self::SessionGet,
        Self::MetricsJson,
        Self::StatsGet,
        Self::StatsGetTop,
        Self::ZonesList,
        Self::DhcpScopesList,
        Self::DhcpLeasesList,
        Self::SettingsGet,
        Self::CheckForUpdate,
        Self::DnsClientResolve,
    ];

    /// The API path.
    #[must_use]
    pub fn path(self) -> &'static str {
        match self {
            Self::SessionGet => "/api/user/session/get",
            Self::MetricsJson => "/api/dashboard/metrics/json",
            Self::StatsGet => "/api/dashboard/stats/get",
            Self::StatsGetTop => "/api/dashboard/stats/getTop",
            Self::ZonesList => "/api/zones/list",
            Self::DhcpScopesList => "/api/dhcp/scopes/list",
            Self::DhcpLeasesList => "/api/dhcp/leases/list",
            Self::SettingsGet => "/api/settings/get",
            Self::CheckForUpdate => "/api/user/checkForUpdate",
            Self::DnsClientResolve => "/api/dnsClient/resolve",
        }
    }

    /// The query parameters a request to this endpoint may carry (besides the `token` the
    /// client adds itself on servers before v15). Anything else is refused before a request
    /// is built: Technitium acts on GET parameters, e.g. `dnsClient/resolve?import=true`
    /// creates and overwrites zones.
    #[must_use]
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Self::StatsGet => &["type", "utc", "dontTrimQueryTypeData"],
            Self::StatsGetTop => &["type", "statsType", "limit", "noReverseLookup"],
            Self::DnsClientResolve => &["server", "domain", "type", "protocol"],
            Self::SessionGet
            | Self::MetricsJson
            | Self::ZonesList
            | Self::DhcpScopesList
            | Self::DhcpLeasesList
            | Self::SettingsGet
            | Self::CheckForUpdate => &[],
        }
    }

    /// The permission section whose View right the endpoint needs, if any.
    #[must_use]
    pub fn section(self) -> Option<&'static str> {
        match self {
            Self::MetricsJson | Self::StatsGet | Self::StatsGetTop => Some("Dashboard"),
            Self::ZonesList => Some("Zones"),
            Self::DhcpScopesList | Self::DhcpLeasesList => Some("DhcpServer"),
            Self::SettingsGet => Some("Settings"),
            Self::DnsClientResolve => Some("DnsClient"),
            Self::SessionGet | Self::CheckForUpdate => None,
        }
    }
}

/// A dashboard window (`type=` of the stats calls).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// The last 60 complete minutes.
    #[value(name = "last_hour")]
    LastHour,
    /// The last 24 hours.
    #[value(name = "last_day")]
    LastDay,
    /// The last 7 days.
    #[value(name = "last_week")]
    LastWeek,
    /// The last 31 days.
    #[value(name = "last_month")]
    LastMonth,
    /// The last 12 months.
    #[value(name = "last_year")]
    LastYear,
}

impl Window {
    /// The API's spelling.
    #[must_use]
    pub fn api_name(self) -> &'static str {
        match self {
            Self::LastHour => "LastHour",
            Self::LastDay => "LastDay",
            Self::LastWeek => "LastWeek",
            Self::LastMonth => "LastMonth",
            Self::LastYear => "LastYear",
        }
    }

    /// The `window` label value.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::LastHour => "last_hour",
            Self::LastDay => "last_day",
            Self::LastWeek => "last_week",
            Self::LastMonth => "last_month",
            Self::LastYear => "last_year",
        }
    }

    /// Nominal length in seconds.
    #[must_use]
    pub fn seconds(self) -> u64 {
        match self {
            Self::LastHour => 3_600,
            Self::LastDay => 86_400,
            Self::LastWeek => 604_800,
            Self::LastMonth => 2_678_400,
            Self::LastYear => 31_536_000,
        }
    }
}

/// Which top list `stats/getTop` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopKind {
    /// `TopClients`.
    Clients,
    /// `TopDomains`.
    Domains,
    /// `TopBlockedDomains`.
    BlockedDomains,
}

impl TopKind {
    fn api_name(self) -> &'static str {
        match self {
            Self::Clients => "TopClients",
            Self::Domains => "TopDomains",
            Self::BlockedDomains => "TopBlockedDomains",
        }
    }
}

/// Receives one event per upstream request (for the exporter's self metrics).
pub trait RequestObserver: Send + Sync {
    /// `result` is `success` or a `technitium_scrape_error` reason.
    fn observe(&self, endpoint: Endpoint, result: &'static str, elapsed: Duration);
}

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
    /// Accept any certificate (loudly warned about).
    pub insecure_skip_verify: bool,
}

/// Builds the shared `reqwest::Client` for a TLS profile.
///
/// # Errors
/// When the CA file cannot be read or parsed.
pub fn http_client(
    ca_file: Option<&std::path::Path>,
    insecure_skip_verify: bool,
) -> Result<reqwest::Client, String> {
    // rustls needs a process-wide crypto provider; ring keeps the build small. A second call
    // finds it installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("technitium-exporter/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(4);
    if let Some(path) = ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read CA file {}: {e}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            format!(
                "CA file {} is not a PEM bundle: {}",
                path.display(),
                e.without_url()
            )
        })?;
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    if insecure_skip_verify {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {}", e.without_url()))
}

const LEARNED_UNKNOWN: u8 = 0;
const LEARNED_HEADER: u8 = 1;
const LEARNED_QUERY: u8 = 2;

/// A client for one Technitium server.
pub struct Client {
    http: reqwest::Client,
    base: Url,
    server: String,
    token: Option<Secret>,
    auth: AuthMode,
    learned: AtomicU8,
    /// A v15+ server rejected the header once while accepting the query token (a proxy strips it).
    header_stripped: AtomicBool,
    timeout: Duration,
    max_response_size: u64,
    observer: Option<Arc<dyn RequestObserver>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.server)
            .field("auth", &self.auth)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

/// How the token goes out on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carrier {
    Header,
    Query,
}

impl Client {
    /// A client with its own `reqwest::Client`.
    ///
    /// # Errors
    /// When the TLS settings cannot be applied.
    pub fn new(config: &ClientConfig) -> Result<Self, String> {
        let http = http_client(config.ca_file.as_deref(), config.insecure_skip_verify)?;
        Ok(Self::with_http(http, config))
    }

    /// A client sharing an existing `reqwest::Client` (one per TLS profile).
    #[must_use]
    pub fn with_http(http: reqwest::Client, config: &ClientConfig) -> Self {
        Self {
            http,
            server: display_base(&config.url),
            base: config.url.clone(),
            token: config.token.clone().filter(|t| !t.is_empty()),
            auth: config.auth,
            learned: AtomicU8::new(LEARNED_UNKNOWN),
            header_stripped: AtomicBool::new(false),
            timeout: config.timeout,
            max_response_size: config.max_response_size,
            observer: None,
        }
    }

    /// Adds an observer of every upstream request.
    #[must_use]
    pub fn with_observer(mut self, observer: Arc<dyn RequestObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The server's base URL as shown to people (no credentials, no query).
    #[must_use]
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The per-request timeout.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether the token is known to go in the query string (a server before v15).
    #[must_use]
    pub fn uses_query_token(&self) -> bool {
        self.carrier() == Carrier::Query
    }

    fn carrier(&self) -> Carrier {
        match self.auth {
            AuthMode::Header => Carrier::Header,
            AuthMode::Query => Carrier::Query,
            AuthMode::Auto => {
                if self.learned.load(Ordering::Relaxed) == LEARNED_QUERY {
                    Carrier::Query
                } else {
                    Carrier::Header
                }
            }
        }
    }

    /// `/api/user/session/get`: validates the token and returns the server's facts.
    ///
    /// In [`AuthMode::Auto`] the first call probes with the Bearer header and, if the server
    /// rejects it while the carrier is still unknown, retries once with the query parameter.
    ///
    /// # Errors
    /// Any [`ApiError`]; `InvalidToken` when both carriers are rejected.
    pub async fn session(&self) -> Result<SessionInfo, ApiError> {
        if self.auth != AuthMode::Auto {
            return self.call(Endpoint::SessionGet, &[], self.carrier()).await;
        }
        match self.learned.load(Ordering::Relaxed) {
            learned @ (LEARNED_QUERY | LEARNED_HEADER) => {
                let carrier = if learned == LEARNED_QUERY {
                    Carrier::Query
                } else {
                    Carrier::Header
                };
                let result = self.call(Endpoint::SessionGet, &[], carrier).await;
                match &result {
                    // A new token or another server version behind the URL: probe again.
                    Err(ApiError::InvalidToken { .. }) => {
                        self.learned.store(LEARNED_UNKNOWN, Ordering::Relaxed)
                    }
                    // Upgraded in place to v15+, which reads the header: stop putting the token
                    // in URLs (unless the header was seen rejected by a v15+ server before).
                    Ok(info)
                        if carrier == Carrier::Query
                            && is_v15(info)
                            && !self.header_stripped.load(Ordering::Relaxed) =>
                    {
                        tracing::info!(server = %self.server, "server is now v15 or later: sending the token in the Bearer header");
                        self.learned.store(LEARNED_HEADER, Ordering::Relaxed);
                    }
                    _ => {}
                }
                result
            }
            _ => match self.call(Endpoint::SessionGet, &[], Carrier::Header).await {
                Ok(info) => {
                    self.learned.store(LEARNED_HEADER, Ordering::Relaxed);
                    Ok(info)
                }
                Err(ApiError::InvalidToken { .. }) => {
                    let info = self.call(Endpoint::SessionGet, &[], Carrier::Query).await?;
                    if is_v15(&info) {
                        self.header_stripped.store(true, Ordering::Relaxed);
                        tracing::warn!(
                            server = %self.server,
                            "a v15+ server rejected the Bearer header but accepted the token as a query parameter: is a proxy stripping the Authorization header? Sending the token in URLs"
                        );
                    } else {
                        tracing::info!(
                            server = %self.server,
                            "server ignores the Bearer header (Technitium before v15): sending the token as a query parameter"
                        );
                    }
                    self.learned.store(LEARNED_QUERY, Ordering::Relaxed);
                    Ok(info)
                }
                Err(e) => Err(e),
            },
        }
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

    async fn get<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        params: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        let result = self.call(endpoint, params, self.carrier()).await;
        if matches!(result, Err(ApiError::InvalidToken { .. })) {
            // The token was revoked or the server changed: probe again on the next session call.
            self.learned.store(LEARNED_UNKNOWN, Ordering::Relaxed);
        }
        result
    }

    async fn call<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        params: &[(&str, &str)],
        carrier: Carrier,
    ) -> Result<T, ApiError> {
        let started = Instant::now();
        let result = match tokio::time::timeout(
            self.timeout,
            self.exchange(endpoint, params, carrier),
        )
        .await
        {
            Ok(r) => r,
            Err(_) => Err(ApiError::Timeout {
                server: self.server.clone(),
                endpoint: endpoint.path(),
                timeout: self.timeout,
            }),
        };
        let result = result.and_then(|body| self.decode(endpoint, &body));
        if let Some(observer) = &self.observer {
            let label = match &result {
                Ok(_) => "success",
                Err(e) => e.reason().as_str(),
            };
            observer.observe(endpoint, label, started.elapsed());
        }
        match &result {
            Ok(_) => {
                tracing::debug!(server = %self.server, endpoint = endpoint.path(), elapsed_ms = started.elapsed().as_millis(), "upstream call done")
            }
            Err(e) => {
                tracing::debug!(server = %self.server, endpoint = endpoint.path(), error = %e, "upstream call failed")
            }
        }
        result
    }

    /// Sends one request and reads the body under the size cap.
    async fn exchange(
        &self,
        endpoint: Endpoint,
        params: &[(&str, &str)],
        carrier: Carrier,
    ) -> Result<Vec<u8>, ApiError> {
        // The one place requests are built: a parameter outside the endpoint's fixed set never
        // reaches the wire.
        if let Some((param, _)) = params.iter().find(|(k, _)| !endpoint.params().contains(k)) {
            return Err(ApiError::ParameterNotAllowed {
                server: self.server.clone(),
                endpoint: endpoint.path(),
                param: (*param).to_owned(),
            });
        }
        let token = self.token.as_ref().ok_or_else(|| ApiError::MissingToken {
            server: self.server.clone(),
        })?;
        let mut url = self.base.clone();
        {
            let base_path = url.path().trim_end_matches('/').to_owned();
            url.set_path(&format!("{base_path}{}", endpoint.path()));
            let mut query = url.query_pairs_mut();
            query.clear();
            for (k, v) in params {
                query.append_pair(k, v);
            }
            if carrier == Carrier::Query {
                query.append_pair("token", token.expose());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let mut request = self.http.get(url);
        if carrier == Carrier::Header {
            request = request.bearer_auth(token.expose());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| self.transport_error(endpoint, e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ApiError::HttpStatus {
                server: self.server.clone(),
                endpoint: endpoint.path(),
                status: status.as_u16(),
                hint: status_hint(status.as_u16()),
            });
        }
        let limit = self.max_response_size;
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(self.too_large(endpoint));
        }
        let capacity = response.content_length().unwrap_or(16 * 1024).min(limit);
        let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(16 * 1024));
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(endpoint, e))?
        {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(self.too_large(endpoint));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn too_large(&self, endpoint: Endpoint) -> ApiError {
        ApiError::TooLarge {
            server: self.server.clone(),
            endpoint: endpoint.path(),
            limit: self.max_response_size,
        }
    }

    /// The one place `reqwest` errors become ours: the URL (which may carry the token) is
    /// dropped before anything reads the error.
    fn transport_error(&self, endpoint: Endpoint, error: reqwest::Error) -> ApiError {
        let error = error.without_url();
        let server = self.server.clone();
        let path = endpoint.path();
        if error.is_timeout() {
            return ApiError::Timeout {
                server,
                endpoint: path,
                timeout: self.timeout,
            };
        }
        let detail = error_chain(&error);
        if error.is_body() || error.is_decode() {
            return ApiError::BadResponse {
                server,
                endpoint: path,
                detail: format!("a response that was cut short ({detail})"),
            };
        }
        ApiError::Unreachable {
            server,
            endpoint: path,
            detail,
        }
    }

    fn decode<T: DeserializeOwned>(&self, endpoint: Endpoint, body: &[u8]) -> Result<T, ApiError> {
        let server = self.server.clone();
        let path = endpoint.path();
        let envelope: Envelope<T> =
            serde_json::from_slice(body).map_err(|e| ApiError::BadResponse {
                server: server.clone(),
                endpoint: path,
                detail: describe_bad_body(body, &e),
            })?;
        match envelope.status.as_str() {
            "ok" => envelope.response.ok_or_else(|| ApiError::BadResponse {
                server,
                endpoint: path,
                detail: "an ok status but no payload".to_owned(),
            }),
            "invalid-token" => Err(ApiError::InvalidToken { server }),
            "2fa-required" => Err(ApiError::TwoFactorRequired { server }),
            "error" => {
                let message = envelope.error_message.unwrap_or_default();
                if message.trim() == "Access was denied." {
                    Err(ApiError::PermissionDenied {
                        server,
                        endpoint: path,
                        section: endpoint.section().unwrap_or("the needed"),
                    })
                } else {
                    Err(ApiError::Api {
                        server,
                        endpoint: path,
                        message: shorten(&message),
                    })
                }
            }
            other => Err(ApiError::BadResponse {
                server,
                endpoint: path,
                detail: format!("an unknown status {:?}", shorten(other)),
            }),
        }
    }
}

/// Whether session info says v15 or later (the Bearer header works).
fn is_v15(info: &SessionInfo) -> bool {
    super::types::parse_version(&info.version).is_some_and(|(major, _)| major >= 15)
}

/// The base URL without userinfo, query or fragment: what messages and logs may show.
#[must_use]
pub fn display_base(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.as_str().trim_end_matches('/').to_owned()
}

fn status_hint(status: u16) -> &'static str {
    match status {
        301 | 302 | 307 | 308 => {
            " (a redirect: point --technitium.url at the final address, e.g. https)"
        }
        401 | 403 => " (a proxy in front of Technitium refused the request)",
        404 => " (this server does not have that API: check the version and --technitium.url)",
        500..=599 => " (the server failed: see its logs)",
        _ => "",
    }
}

/// The error and its sources, joined, without any URL (`without_url` was applied).
///
/// The wrappers on the way down (reqwest's, hyper-util's) say only "error sending request"; the
/// innermost cause says what happened ("Connection refused (os error 111)", "failed to lookup
/// address information: …", "invalid peer certificate: UnknownIssuer"), so that is what people see.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut innermost = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        innermost = inner.to_string();
        source = inner.source();
    }
    innermost
}

fn describe_bad_body(body: &[u8], error: &serde_json::Error) -> String {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &body[i..]);
    if body.is_empty() {
        "an empty body".to_owned()
    } else if start.starts_with(b"<") {
        "an HTML page instead of JSON".to_owned()
    } else if error.is_eof() {
        "JSON that ends too early (truncated)".to_owned()
    } else {
        format!("invalid JSON ({error})")
    }
}

fn shorten(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    if line.chars().count() > 200 {
        let cut: String = line.chars().take(200).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
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
            insecure_skip_verify: false,
        })
        .unwrap()
    }

    /// Technitium acts on GET parameters: no endpoint may carry one that writes (`import` of
    /// dnsClient/resolve), or the token (added by the client itself, only on old servers).
    #[test]
    fn no_endpoint_allows_import_or_token() {
        for e in Endpoint::ALL {
            for forbidden in ["import", "token", "node"] {
                assert!(!e.params().contains(&forbidden), "{e:?} allows {forbidden}");
            }
        }
        assert_eq!(
            Endpoint::DnsClientResolve.params(),
            &["server", "domain", "type", "protocol"]
        );
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
