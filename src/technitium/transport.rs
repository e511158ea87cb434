//! One call to the API, from an [`Endpoint`] and its parameters to a typed answer or an
//! [`ApiError`]: the shared `reqwest::Client` ([`http_client`]), the request URL, the size cap
//! and the memory budget while the body is read, the envelope's status, the check that a
//! proxied answer came from the node asked for, and the one place `reqwest` errors become ours.
//!
//! Rules it owns, and must keep:
//! - a parameter outside the endpoint's row of the allowlist never reaches the wire
//!   (`Upstream::call` refuses it before a request is built);
//! - the request URL (which carries the token on servers before v15) never leaves this file:
//!   `reqwest` errors lose it in `Upstream::transport_error`, and messages name the server by
//!   its base URL or configured name;
//! - text that came from the server passes through the `Redactor` before an error keeps it.
//!
//! It does not decide how the token goes out (the caller passes a `Carrier`: see `auth.rs`)
//! and knows no endpoint's payload but the envelope.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use url::Url;

use super::budget::{Charge, Held, ResponseBudget};
use super::endpoints::{Endpoint, Payload};
use super::error::ApiError;
use super::local_file;
use super::meter;
pub(super) use super::observe::Carrier;
use super::observe::{Call, CallEnd, RequestObserver, notify};
use super::redact::{Redactor, display_base, shorten};
use super::secret::Secret;
use super::types::Envelope;
use crate::logging::{LogName, log_as};

/// Why the HTTP client for a TLS profile could not be built.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientBuildError {
    /// The CA file could not be read.
    #[error("cannot read CA file {path}: {reason}")]
    ReadCaFile {
        /// The file.
        path: PathBuf,
        /// The system's words.
        reason: String,
    },
    /// The CA file is not a PEM bundle.
    #[error("CA file {path} is not a PEM bundle: {reason}")]
    BadCaFile {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// The CA file has no certificate in it.
    #[error(
        "CA file {} holds no certificate: it needs one or more PEM blocks -----BEGIN CERTIFICATE----- (the CA that signed the server's certificate, or a self-signed certificate itself)",
        path.display()
    )]
    EmptyCaFile {
        /// The file.
        path: PathBuf,
    },
    /// reqwest refused the settings.
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
}

/// Idle connections kept per upstream host: a scrape's concurrent calls reuse them.
pub const POOL_IDLE_PER_HOST: usize = 8;

/// Builds the shared `reqwest::Client` for a TLS profile.
///
/// # Errors
/// When the CA file cannot be read or parsed.
pub fn http_client(
    ca_file: Option<&std::path::Path>,
    insecure_skip_verify: bool,
) -> Result<reqwest::Client, ClientBuildError> {
    // rustls needs a process-wide crypto provider; ring keeps the build small. A second call
    // finds it installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("technitium-exporter/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .pool_idle_timeout(Duration::from_secs(90))
        // A default scrape makes 5 calls at once after session/get (more with the opt-in
        // collectors): with fewer idle connections kept, every scrape opened one more (a TCP
        // and often a TLS handshake on both sides) and closed it again.
        .pool_max_idle_per_host(POOL_IDLE_PER_HOST);
    if let Some(path) = ca_file {
        let pem = local_file::read(path, local_file::CA_FILE).map_err(|e| {
            ClientBuildError::ReadCaFile {
                path: path.to_owned(),
                reason: e.problem.to_string(),
            }
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            ClientBuildError::BadCaFile {
                path: path.to_owned(),
                reason: e.without_url().to_string(),
            }
        })?;
        if certs.is_empty() {
            return Err(ClientBuildError::EmptyCaFile {
                path: path.to_owned(),
            });
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    if insecure_skip_verify {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    builder
        .build()
        .map_err(|e| ClientBuildError::Build(e.without_url().to_string()))
}

/// Body length past which a body of unknown length is given a buffer of the whole size cap.
const WHOLE_CAP_PAST: u64 = 1024 * 1024;

/// A response body and the budget it holds until it is parsed.
struct HeldBody {
    bytes: Vec<u8>,
    held: Held,
}

/// One server as a call reaches it: the HTTP client, the URL and node, the token, the limits and
/// how messages and logs name the server. A `Client` holds one; the clients of
/// its cluster nodes hold copies that differ in `node`, `server` and `log_name`.
#[derive(Clone)]
pub(super) struct Upstream {
    pub(super) http: reqwest::Client,
    pub(super) base: Url,
    /// The server as messages name it: its base URL as shown to people, or a configured name.
    pub(super) server: String,
    pub(super) token: Option<Secret>,
    /// The cluster node every call but the ones the server always runs itself is proxied to
    /// (`node=`).
    pub(super) node: Option<String>,
    pub(super) timeout: Duration,
    pub(super) max_response_size: u64,
    pub(super) budget: ResponseBudget,
    /// The token, for removing it from text that came from the server.
    pub(super) redactor: Redactor,
    /// The proxy requests go through, from the environment, for messages.
    pub(super) proxy: Option<String>,
    pub(super) observer: Option<Arc<dyn RequestObserver>>,
    /// How logs name this server: a configured target name and node (`serve`), or its base URL
    /// when unset.
    pub(super) log_name: Option<(String, Option<String>)>,
}

/// What one call saw on the wire so far.
#[derive(Debug, Default)]
struct Wire {
    status: Option<u16>,
    bytes: u64,
}

/// One call under way, for its observers: reported once when it ends, or, when its caller
/// stops waiting and drops it unfinished, as cut off.
struct Watch<'a> {
    up: &'a Upstream,
    endpoint: Endpoint,
    params: &'a [(&'a str, &'a str)],
    carrier: Carrier,
    started: Instant,
    wire: Wire,
    reported: bool,
}

impl<'a> Watch<'a> {
    fn new(
        up: &'a Upstream,
        endpoint: Endpoint,
        params: &'a [(&'a str, &'a str)],
        carrier: Carrier,
    ) -> Self {
        Self {
            up,
            endpoint,
            params,
            carrier,
            started: Instant::now(),
            wire: Wire::default(),
            reported: false,
        }
    }

    fn report(&mut self, end: CallEnd<'_>) {
        self.reported = true;
        let call = Call {
            endpoint: self.endpoint,
            params: self.params,
            node: self.up.node_for(self.endpoint),
            carrier: self.carrier,
            started: self.started,
            elapsed: self.started.elapsed(),
            status: self.wire.status,
            bytes: self.wire.bytes,
            end,
        };
        notify(self.up.observer.as_ref(), &call);
    }
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        if !self.reported {
            self.report(CallEnd::CutOff);
        }
    }
}

impl Upstream {
    /// Whom log lines about this server name.
    pub(super) fn log_name(&self) -> LogName<'_> {
        let target = self
            .log_name
            .as_ref()
            .map(|(t, n)| (t.as_str(), n.as_deref()));
        LogName::new(target, &self.server)
    }

    /// One call: the request under the timeout, then the body decoded; every call is observed
    /// (also when its caller stops waiting: see [`Watch`]) and logged at debug.
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        params: &[(&str, &str)],
        carrier: Carrier,
    ) -> Result<T, ApiError> {
        let mut watch = Watch::new(self, endpoint, params, carrier);
        let result = match tokio::time::timeout(
            self.timeout,
            self.exchange(endpoint, params, carrier, &mut watch.wire),
        )
        .await
        {
            Ok(r) => r,
            Err(_) => Err(ApiError::Timeout {
                server: self.server.clone(),
                endpoint: endpoint.path(),
                timeout: self.timeout,
                proxy: self.proxy.clone(),
            }),
        };
        let result = result.and_then(|body| self.decode_held(endpoint, body));
        watch.report(match &result {
            Ok(_) => CallEnd::Success,
            Err(e) => CallEnd::Failed(e),
        });
        match &result {
            Ok(_) => {
                log_as!(
                    self.log_name(),
                    debug,
                    endpoint = endpoint.path(),
                    elapsed_ms = watch.started.elapsed().as_millis(),
                    "upstream call done"
                );
            }
            Err(e) => {
                log_as!(self.log_name(), debug, endpoint = endpoint.path(), error = %e, "upstream call failed");
            }
        }
        result
    }

    /// The cluster node a call to `endpoint` is proxied to (`node=`), if any.
    fn node_for(&self, endpoint: Endpoint) -> Option<&str> {
        self.node
            .as_deref()
            .filter(|_| !endpoint.on_contacted_node())
    }

    /// The request URL: the base, the endpoint's path, the parameters and, for the query
    /// carrier, the token. It never leaves this module: errors drop it (see
    /// [`Upstream::transport_error`]).
    fn request_url(
        &self,
        endpoint: Endpoint,
        params: &[(&str, &str)],
        token: Option<&Secret>,
    ) -> Url {
        let mut url = self.base.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base_path}{}", endpoint.path()));
        {
            let mut query = url.query_pairs_mut();
            query.clear();
            for (k, v) in params {
                query.append_pair(k, v);
            }
            if let Some(node) = self.node_for(endpoint) {
                query.append_pair("node", node);
            }
            if let Some(token) = token {
                query.append_pair("token", token.expose());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        url
    }

    /// Sends one request and reads the body under the size cap and the memory budget.
    async fn exchange(
        &self,
        endpoint: Endpoint,
        params: &[(&str, &str)],
        carrier: Carrier,
        wire: &mut Wire,
    ) -> Result<HeldBody, ApiError> {
        // The one place requests are built: a parameter outside the endpoint's fixed set (such
        // as dnsClient/resolve's `import`, which writes zones) never reaches the wire.
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
        let in_url = (carrier == Carrier::Query).then_some(token);
        let mut request = self.http.get(self.request_url(endpoint, params, in_url));
        if carrier == Carrier::Header {
            request = request.bearer_auth(token.expose());
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_error(endpoint, e))?;
        let status = response.status();
        wire.status = Some(status.as_u16());
        if !status.is_success() {
            return Err(ApiError::HttpStatus {
                server: self.server.clone(),
                endpoint: endpoint.path(),
                status: status.as_u16(),
                hint: status_hint(status.as_u16()),
            });
        }
        self.read_body(endpoint, response, wire).await
    }

    /// Reads a body chunk by chunk, reserving each chunk's bytes from the budget first.
    async fn read_body(
        &self,
        endpoint: Endpoint,
        mut response: reqwest::Response,
        wire: &mut Wire,
    ) -> Result<HeldBody, ApiError> {
        let limit = self.max_response_size;
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(self.too_large(endpoint));
        }
        let capacity = response.content_length().unwrap_or(16 * 1024).min(limit);
        let mut held = self
            .budget
            .reserve(capacity)
            .ok_or_else(|| self.over_budget(endpoint))?;
        let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(16 * 1024));
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(endpoint, e))?
        {
            let len = (bytes.len() + chunk.len()) as u64;
            if len > limit {
                return Err(self.too_large(endpoint));
            }
            if !held.grow_to(len) {
                return Err(self.over_budget(endpoint));
            }
            if bytes.capacity() - bytes.len() < chunk.len() && len >= WHOLE_CAP_PAST {
                // A large body of unknown length gets a buffer of the whole size cap at once
                // instead of doubling: the allocator maps a buffer that large straight from the
                // system, its untouched pages take no memory, it is never copied again as it
                // grows, and it goes back to the system when dropped. Doubling left the old
                // copies behind in the heap (hostile answers peaked up to 60 MiB higher). Where
                // the system refuses that much address space (strict overcommit), the buffer
                // grows as before instead of aborting the process.
                let cap = usize::try_from(limit).unwrap_or(usize::MAX);
                let _ = bytes.try_reserve_exact(cap.saturating_sub(bytes.len()));
            }
            bytes.extend_from_slice(&chunk);
            wire.bytes = len;
        }
        Ok(HeldBody { bytes, held })
    }

    fn over_budget(&self, endpoint: Endpoint) -> ApiError {
        ApiError::OverBudget {
            server: self.server.clone(),
            endpoint: endpoint.path(),
            budget: self.budget.bytes(),
        }
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
                proxy: self.proxy.clone(),
            };
        }
        let detail = self.redactor.clean(&error_chain(&error));
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
            proxy: self.proxy.clone(),
        }
    }

    /// Text that came from the server, made safe to keep, log and print: the token and any
    /// `token=` parameter removed (an error page may echo the request URL, which carries the
    /// token on servers before v15), then cut to one short line.
    fn upstream_text(&self, raw: &str) -> String {
        shorten(&self.redactor.clean(raw))
    }

    /// Decodes a body read under the budget. What it parses into is counted as it is parsed
    /// ([`Upstream::decode_metered`]); then the body is freed, and its bytes and the parsed
    /// data's stay held in the charge of the fetch that made the call ([`Charge::keep`]),
    /// for as long as the data lives: the body's bytes stand for the parsed strings, which
    /// are never longer than the text they came from.
    fn decode_held<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        body: HeldBody,
    ) -> Result<T, ApiError> {
        let HeldBody { bytes, mut held } = body;
        let (value, parsed) = self.decode_metered(endpoint, &bytes)?;
        let total = (bytes.len() as u64).saturating_add(parsed);
        drop(bytes);
        // The meter's room was what the budget had left, so this only fails when another
        // thread took budget meanwhile.
        if !held.grow_to(total) {
            return Err(self.over_budget(endpoint));
        }
        Charge::keep(held);
        Ok(value)
    }

    /// [`Upstream::decode`], with what the body's lists parse into counted (`meter.rs`) against
    /// what the budget has left; returns the value and the bytes counted.
    pub(super) fn decode_metered<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        body: &[u8],
    ) -> Result<(T, u64), ApiError> {
        let room = self.budget.available();
        let (result, measured) = meter::measure(room, || self.decode(endpoint, body));
        if measured.exceeded {
            return Err(ApiError::TooMuchData {
                server: self.server.clone(),
                endpoint: endpoint.path(),
                room,
                budget: self.budget.bytes(),
            });
        }
        result.map(|value| (value, measured.used))
    }

    /// Decodes a body: the envelope, the node check, then the status and payload.
    fn decode<T: DeserializeOwned>(&self, endpoint: Endpoint, body: &[u8]) -> Result<T, ApiError> {
        let server = self.server.clone();
        let path = endpoint.path();
        let envelope: Envelope<T> =
            serde_json::from_slice(body).map_err(|e| ApiError::BadResponse {
                server: server.clone(),
                endpoint: path,
                detail: self.redactor.clean(&describe_bad_body(body, &e)),
            })?;
        if let Some(e) = self.node_error(endpoint, &envelope) {
            return Err(e);
        }
        match envelope.status.as_str() {
            "ok" => self.payload(endpoint, envelope.response, body),
            "invalid-token" => Err(ApiError::InvalidToken { server }),
            "2fa-required" => Err(ApiError::TwoFactorRequired { server }),
            "error" => {
                let message = envelope.error_message.unwrap_or_default();
                if message.trim() == "Access was denied." {
                    Err(ApiError::PermissionDenied {
                        server,
                        endpoint: path,
                        section: endpoint.section(),
                    })
                } else {
                    Err(ApiError::Api {
                        server,
                        endpoint: path,
                        message: self.upstream_text(&message),
                    })
                }
            }
            other => Err(ApiError::BadResponse {
                server,
                endpoint: path,
                detail: format!("an unknown status {:?}", self.upstream_text(other)),
            }),
        }
    }

    /// The payload of an ok answer, where the endpoint carries it ([`Payload`]): under
    /// `response`, at the top level (parsed again from the whole body), or nowhere (`T` is then
    /// made from nothing: `()` or `IgnoredAny`; a type that needs fields fails).
    fn payload<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        wrapped: Option<T>,
        body: &[u8],
    ) -> Result<T, ApiError> {
        let bad = |detail: String| ApiError::BadResponse {
            server: self.server.clone(),
            endpoint: endpoint.path(),
            detail,
        };
        match (endpoint.payload(), wrapped) {
            (Payload::Wrapped | Payload::Nothing, Some(payload)) => Ok(payload),
            (Payload::Wrapped, None) => Err(bad("an ok status but no payload".to_owned())),
            (Payload::Nothing, None) => {
                T::deserialize(serde::de::value::UnitDeserializer::<serde::de::value::Error>::new())
                    .map_err(|e| bad(format!("an ok status but no payload ({e})")))
            }
            (Payload::TopLevel, _) => serde_json::from_slice(body)
                .map_err(|e| bad(self.redactor.clean(&describe_bad_body(body, &e)))),
        }
    }

    /// For a call proxied to a cluster node: the error when the answer did not come from that
    /// node. Every v14+ answer names the server that wrote it (`server`); a proxied answer is
    /// copied from the node, so it names the node (a node's name is its domain, lower case),
    /// while an error the contacted server raised itself names the contacted server: "No such
    /// node exists in the Cluster by name: …" when the node left the cluster, anything else
    /// (the proxied request's own failure, e.g. "Connection refused (node:53443)") when the
    /// node could not be reached. An ok answer from another server means the `node=` parameter
    /// was lost on the way (a proxy in front of Technitium).
    fn node_error<T>(&self, endpoint: Endpoint, envelope: &Envelope<T>) -> Option<ApiError> {
        let node = self.node.as_deref()?;
        if endpoint.on_contacted_node() {
            return None;
        }
        let from = envelope.server.as_deref()?;
        if from.eq_ignore_ascii_case(node) {
            return None;
        }
        let server = self.server.clone();
        let node = node.to_owned();
        match envelope.status.as_str() {
            "error" => {
                let message = envelope.error_message.as_deref().unwrap_or_default();
                Some(
                    if message.starts_with("No such node exists in the Cluster") {
                        ApiError::NodeNotListed {
                            server: display_base(&self.base),
                            node,
                            listed: Vec::new(),
                        }
                    } else {
                        ApiError::NodeUnreachable {
                            server,
                            node,
                            endpoint: endpoint.path(),
                            detail: self.upstream_text(message),
                        }
                    },
                )
            }
            "ok" => Some(ApiError::WrongNode {
                server,
                node,
                found: shorten(&self.redactor.clean(from)),
                hint: "is a proxy in front of Technitium dropping the node= parameter?",
            }),
            // invalid-token and 2fa-required are the contacted server's verdict on the token.
            _ => None,
        }
    }
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
    if let Some(advice) = error.source().and_then(certificate_advice) {
        return advice;
    }
    let mut innermost = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        innermost = inner.to_string();
        source = inner.source();
    }
    innermost
}

/// What the server's certificate is when it is a CA certificate (webpki's `CaUsedAsEndEntity`).
pub const CA_AS_SERVER_CERTIFICATE: &str = "the server's certificate is a CA certificate (basicConstraints CA:TRUE, as `openssl req -x509` makes by default), and TLS refuses a CA certificate as a server's own, even when it is given as --technitium.ca-file";
/// What to do about it.
pub const CA_AS_SERVER_CERTIFICATE_HINT: &str = "give the server a certificate with basicConstraints CA:FALSE (self-signed: `openssl req -x509 -addext basicConstraints=critical,CA:FALSE ...`), or one signed by your CA, and pass that certificate (or the CA) as --technitium.ca-file; --technitium.insecure-skip-verify works but is insecure";

/// Whether a certificate error is webpki's `CaUsedAsEndEntity`: rustls passes that one on only
/// as an opaque `Other` error, so its name is the one handle on it.
#[must_use]
pub fn is_ca_used_as_end_entity(error: &rustls::CertificateError) -> bool {
    matches!(error, rustls::CertificateError::Other(other) if other.to_string() == "CaUsedAsEndEntity")
}

/// Our own words for TLS verdicts whose rustls text names an internal type. The rustls error
/// sits in the chain itself or inside `io::Error`s (nested: hyper-util wraps the connector's),
/// whose `source()` skips the error they wrap, so each link is unwrapped by hand.
fn certificate_advice(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut link = Some(error);
    while let Some(e) = link {
        let mut inner = e;
        while let Some(wrapped) = inner
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            inner = wrapped;
        }
        if let Some(rustls::Error::InvalidCertificate(ce)) = inner.downcast_ref::<rustls::Error>()
            && is_ca_used_as_end_entity(ce)
        {
            return Some(format!(
                "{CA_AS_SERVER_CERTIFICATE}: {CA_AS_SERVER_CERTIFICATE_HINT}"
            ));
        }
        link = e.source();
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    fn described(body: &str) -> String {
        let error = serde_json::from_slice::<serde_json::Value>(body.as_bytes()).err();
        error.map_or_else(String::new, |e| describe_bad_body(body.as_bytes(), &e))
    }

    #[test]
    fn a_bad_body_is_described_for_people() {
        assert_eq!(described(""), "an empty body");
        assert_eq!(
            described("  <html><body>login</body></html>"),
            "an HTML page instead of JSON"
        );
        assert_eq!(
            described(r#"{"status":"ok","#),
            "JSON that ends too early (truncated)"
        );
        assert!(described("{nope}").starts_with("invalid JSON ("));
    }

    /// The innermost cause is what people see, not reqwest's "error sending request".
    #[test]
    fn the_innermost_cause_names_the_failure() {
        #[derive(Debug, thiserror::Error)]
        #[error("error sending request")]
        struct Outer(#[source] std::io::Error);
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused here");
        assert_eq!(error_chain(&Outer(refused)), "refused here");
    }

    #[test]
    fn status_hints_point_at_the_fix() {
        assert!(status_hint(308).contains("--technitium.url"));
        assert!(status_hint(404).contains("version"));
        assert_eq!(status_hint(418), "");
    }
}
