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
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use serde::de::DeserializeOwned;
use url::Url;

use super::error::ApiError;
use super::section::Section;
use super::types::{
    ClusterState, DashboardStats, DhcpLeases, DhcpScopes, Envelope, ForwarderConfig, MetricsJson,
    ResolveAnswer, SessionInfo, Settings, TopStats, UpdateCheck, ZoneList,
};
use crate::logging::{LogName, log_as};

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

/// `--technitium.token VALUE`.
impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

/// `token = "…"` in the config file.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Self::new(&s))
    }
}

/// How the token is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
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
    ClusterState,
}

impl Endpoint {
    /// Every endpoint, for self-metric initialisation and docs.
    pub const ALL: [Self; 11] = [
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
        Self::ClusterState,
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
            Self::ClusterState => "/api/admin/cluster/state",
        }
    }

    /// The query parameters a request to this endpoint may carry (besides the `token` the
    /// client adds itself on servers before v15, and the `node` a node's client adds to
    /// every call but [`Endpoint::on_contacted_node`]'s). Anything else is refused before a
    /// request is built: Technitium acts on GET parameters, e.g.
    /// `dnsClient/resolve?import=true` creates and overwrites zones.
    #[must_use]
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Self::StatsGet => &["type", "utc", "dontTrimQueryTypeData", "start", "end"],
            Self::StatsGetTop => &["type", "statsType", "limit", "noReverseLookup"],
            Self::DnsClientResolve => &["server", "domain", "type", "protocol"],
            Self::SessionGet
            | Self::MetricsJson
            | Self::ZonesList
            | Self::DhcpScopesList
            | Self::DhcpLeasesList
            | Self::SettingsGet
            | Self::CheckForUpdate
            | Self::ClusterState => &[],
        }
    }

    /// Whether the server always answers this call itself, whatever `node=` says: in a cluster,
    /// v15.2's `DnsWebService.GetClusterNodeTypeForPath` pins `/api/user/login`, `logout`,
    /// `session/get` and `session/delete` (and SSO) to the contacted node; every other path
    /// we call is proxied to the node that `node=` names.
    #[must_use]
    pub fn on_contacted_node(self) -> bool {
        matches!(self, Self::SessionGet)
    }

    /// The permission section whose View right the endpoint needs, if any.
    #[must_use]
    pub fn section(self) -> Option<Section> {
        match self {
            Self::MetricsJson | Self::StatsGet | Self::StatsGetTop => Some(Section::Dashboard),
            Self::ZonesList => Some(Section::Zones),
            Self::DhcpScopesList | Self::DhcpLeasesList => Some(Section::DhcpServer),
            Self::SettingsGet => Some(Section::Settings),
            Self::DnsClientResolve => Some(Section::DnsClient),
            Self::ClusterState => Some(Section::Administration),
            Self::SessionGet | Self::CheckForUpdate => None,
        }
    }
}

/// A dashboard window (`type=` of the stats calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Window {
    /// The last 60 complete minutes.
    LastHour,
    /// The last 24 hours.
    LastDay,
    /// The last 7 days.
    LastWeek,
    /// The last 31 days.
    LastMonth,
    /// The last 12 months.
    LastYear,
}

impl Window {
    /// Every window, shortest first.
    pub const ALL: [Self; 5] = [
        Self::LastHour,
        Self::LastDay,
        Self::LastWeek,
        Self::LastMonth,
        Self::LastYear,
    ];

    /// The window whose `window` label is `label` (`last_hour`, …).
    #[must_use]
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.label() == label)
    }

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
        let pem = std::fs::read(path).map_err(|e| ClientBuildError::ReadCaFile {
            path: path.to_owned(),
            reason: e.to_string(),
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

/// How many response bytes may be held in memory at once, across every call that shares the
/// budget: a `serve` process shares one across its targets; a client built alone has its own.
/// A call reserves its bytes as they arrive and gives them back once its body is parsed, so
/// hostile upstreams sending many maximal bodies at once fail a call instead of growing memory.
#[derive(Debug, Clone)]
pub struct ResponseBudget {
    /// One permit per KiB.
    permits: Arc<Semaphore>,
    bytes: u64,
}

impl ResponseBudget {
    /// The least budget: enough for a 100 000-zone list and a few other answers at once.
    pub const MIN: u64 = 256 * 1024 * 1024;

    /// A budget of `bytes` (whole KiB).
    #[must_use]
    pub fn new(bytes: u64) -> Self {
        let kib = usize::try_from(bytes / 1024).unwrap_or(Semaphore::MAX_PERMITS);
        Self {
            permits: Arc::new(Semaphore::new(kib.min(Semaphore::MAX_PERMITS))),
            bytes,
        }
    }

    /// The budget for clients whose responses may each be `max_response_size`: room for two
    /// maximal answers at once, and never less than [`ResponseBudget::MIN`].
    #[must_use]
    pub fn for_responses_of(max_response_size: u64) -> Self {
        Self::new(max_response_size.saturating_mul(2).max(Self::MIN))
    }

    /// The budget in bytes.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes not held by any body right now.
    #[must_use]
    pub fn available(&self) -> u64 {
        self.permits.available_permits() as u64 * 1024
    }

    /// Reserves room for `bytes`; `None` when the budget has not that much left.
    fn reserve(&self, bytes: u64) -> Option<Held> {
        let mut held = Held {
            budget: Arc::clone(&self.permits),
            permit: None,
            kib: 0,
        };
        held.grow_to(bytes).then_some(held)
    }
}

/// Bytes of a budget held by one body, given back when it is dropped.
#[derive(Debug)]
struct Held {
    budget: Arc<Semaphore>,
    permit: Option<OwnedSemaphorePermit>,
    kib: u64,
}

impl Held {
    /// Holds at least `bytes` in all; false when the budget has not that much left.
    fn grow_to(&mut self, bytes: u64) -> bool {
        let want = bytes.div_ceil(1024);
        if want <= self.kib {
            return true;
        }
        let Ok(more) = u32::try_from(want - self.kib) else {
            return false;
        };
        match Arc::clone(&self.budget).try_acquire_many_owned(more) {
            Ok(p) => {
                match &mut self.permit {
                    Some(held) => held.merge(p),
                    None => self.permit = Some(p),
                }
                self.kib = want;
                true
            }
            Err(_) => false,
        }
    }
}

/// A response body and the budget it holds until it is parsed.
struct Body {
    bytes: Vec<u8>,
    _held: Held,
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
    /// What was learned about the token's carrier; shared with the clients of the server's
    /// cluster nodes ([`Client::for_node`]), which reach it through the same URL.
    state: Arc<AuthState>,
    /// The first wait before the header is tried again (doubling up to [`HEADER_RETRY_MAX`]).
    header_retry_first: Duration,
    /// The cluster node every call but the ones the server always runs itself is proxied to
    /// (`node=`), for a client made by [`Client::for_node`].
    node: Option<String>,
    timeout: Duration,
    max_response_size: u64,
    budget: ResponseBudget,
    /// The token, for removing it from text that came from the server.
    redactor: Redactor,
    /// The proxy requests go through, from the environment, for messages.
    proxy: Option<String>,
    observer: Option<Arc<dyn RequestObserver>>,
    /// How logs name this client's server: a configured target name and node (`serve`), or
    /// its base URL when unset.
    log_name: Option<(String, Option<String>)>,
}

/// Logs naming this client's server ([`Client::log_name`]).
macro_rules! log {
    ($client:expr, $level:ident, $($rest:tt)*) => {
        log_as!($client.log_name(), $level, $($rest)*)
    };
}

/// How the token goes out to one server, as learned from its answers.
#[derive(Debug)]
struct AuthState {
    learned: AtomicU8,
    /// A v15+ server rejected the header once while accepting the query token (a proxy strips
    /// it, or the rejection was a passing one).
    header_stripped: AtomicBool,
    /// While `header_stripped`: when to try the header again, and the wait after that.
    header_retry: Mutex<(Instant, Duration)>,
}

impl AuthState {
    fn new(first: Duration) -> Self {
        Self {
            learned: AtomicU8::new(LEARNED_UNKNOWN),
            header_stripped: AtomicBool::new(false),
            header_retry: Mutex::new((Instant::now(), first)),
        }
    }
}

/// The first wait before a header the server rejected is tried again.
pub const HEADER_RETRY_FIRST: Duration = Duration::from_secs(60);
/// The longest wait between two tries of a rejected header.
pub const HEADER_RETRY_MAX: Duration = Duration::from_secs(3600);

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
    pub fn new(config: &ClientConfig) -> Result<Self, ClientBuildError> {
        let http = http_client(config.ca_file.as_deref(), config.insecure_skip_verify)?;
        Ok(Self::with_http(http, config))
    }

    /// A client sharing an existing `reqwest::Client` (one per TLS profile).
    #[must_use]
    pub fn with_http(http: reqwest::Client, config: &ClientConfig) -> Self {
        let token = config.token.clone().filter(|t| !t.is_empty());
        Self {
            http,
            server: display_base(&config.url),
            base: config.url.clone(),
            redactor: Redactor::new(token.as_ref()),
            proxy: proxy_for(&config.url),
            token,
            auth: config.auth,
            state: Arc::new(AuthState::new(HEADER_RETRY_FIRST)),
            header_retry_first: HEADER_RETRY_FIRST,
            node: None,
            timeout: config.timeout,
            max_response_size: config.max_response_size,
            budget: ResponseBudget::for_responses_of(config.max_response_size),
            observer: None,
            log_name: None,
        }
    }

    /// Shares a response budget with other clients (`serve` gives every target the same one).
    #[must_use]
    pub fn with_budget(mut self, budget: ResponseBudget) -> Self {
        self.budget = budget;
        self
    }

    /// Sets the first wait before a header the server rejected is tried again (tests use 0).
    #[must_use]
    pub fn with_header_retry(mut self, first: Duration) -> Self {
        self.header_retry_first = first;
        self.state = Arc::new(AuthState::new(first));
        self
    }

    /// Adds an observer of every upstream request.
    #[must_use]
    pub fn with_observer(mut self, observer: Arc<dyn RequestObserver>) -> Self {
        self.observer = Some(observer);
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
        Self {
            http: self.http.clone(),
            base: self.base.clone(),
            server: format!("node {node} through {}", display_base(&self.base)),
            token: self.token.clone(),
            auth: self.auth,
            state: Arc::clone(&self.state),
            header_retry_first: self.header_retry_first,
            node: Some(node.to_owned()),
            timeout: self.timeout,
            max_response_size: self.max_response_size,
            budget: self.budget.clone(),
            redactor: self.redactor.clone(),
            proxy: self.proxy.clone(),
            observer: self.observer.clone(),
            log_name: self
                .log_name
                .as_ref()
                .map(|(target, _)| (target.clone(), Some(node.to_owned()))),
        }
    }

    /// Names the server in logs and in error messages by a configured target name (and
    /// cluster node) instead of its URL (`serve`, whose configuration maps names to URLs):
    /// "target NAME", "node NODE of target NAME" for a node reached directly, "node NODE
    /// through target NAME" for one reached through the target ([`Client::for_node`]).
    #[must_use]
    pub fn with_log_name(mut self, target: &str, node: Option<&str>) -> Self {
        self.server = match (node, &self.node) {
            (Some(node), Some(_)) => format!("node {node} through target {target}"),
            (Some(node), None) => format!("node {node} of target {target}"),
            (None, _) => format!("target {target}"),
        };
        self.log_name = Some((target.to_owned(), node.map(str::to_owned)));
        self
    }

    /// The cluster node this client's calls are proxied to ([`Client::for_node`]).
    #[must_use]
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// The server's base URL.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Whom log lines about this client's server name.
    #[must_use]
    pub fn log_name(&self) -> LogName<'_> {
        let target = self
            .log_name
            .as_ref()
            .map(|(t, n)| (t.as_str(), n.as_deref()));
        LogName::new(target, &self.server)
    }

    /// The server as messages name it: its base URL as shown to people (no credentials, no
    /// query), or the configured name given to [`Client::with_log_name`].
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
                if self.state.learned.load(Ordering::Relaxed) == LEARNED_QUERY {
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
        match self.state.learned.load(Ordering::Relaxed) {
            LEARNED_HEADER => self.session_learned(Carrier::Header).await,
            LEARNED_QUERY if self.header_retry_due() => self.retry_header().await,
            LEARNED_QUERY => self.session_learned(Carrier::Query).await,
            _ => self.probe().await,
        }
    }

    /// session/get with the carrier learned earlier.
    async fn session_learned(&self, carrier: Carrier) -> Result<SessionInfo, ApiError> {
        let result = self.call(Endpoint::SessionGet, &[], carrier).await;
        match &result {
            // A new token or another server version behind the URL: probe again.
            Err(ApiError::InvalidToken { .. }) => {
                self.state.learned.store(LEARNED_UNKNOWN, Ordering::Relaxed);
            }
            // Upgraded in place to v15+, which reads the header: stop putting the token in URLs
            // (unless a v15+ server rejected the header before: then it is retried with backoff).
            Ok(info)
                if carrier == Carrier::Query
                    && is_v15(info)
                    && !self.state.header_stripped.load(Ordering::Relaxed) =>
            {
                log!(
                    self,
                    info,
                    "server is now v15 or later: sending the token in the Bearer header"
                );
                self.state.learned.store(LEARNED_HEADER, Ordering::Relaxed);
            }
            _ => {}
        }
        result
    }

    /// The first session/get: the Bearer header, then once the query parameter.
    async fn probe(&self) -> Result<SessionInfo, ApiError> {
        match self.call(Endpoint::SessionGet, &[], Carrier::Header).await {
            Ok(info) => {
                self.state.learned.store(LEARNED_HEADER, Ordering::Relaxed);
                Ok(info)
            }
            Err(ApiError::InvalidToken { .. }) => {
                let info = self.call(Endpoint::SessionGet, &[], Carrier::Query).await?;
                if is_v15(&info) {
                    self.state.header_stripped.store(true, Ordering::Relaxed);
                    self.schedule_header_retry(true);
                    log!(
                        self,
                        warn,
                        "a v15+ server rejected the Bearer header but accepted the token as a query parameter: is a proxy stripping the Authorization header? Sending the token in URLs for now, trying the header again later"
                    );
                } else {
                    log!(
                        self,
                        info,
                        "server ignores the Bearer header (Technitium before v15): sending the token as a query parameter"
                    );
                }
                self.state.learned.store(LEARNED_QUERY, Ordering::Relaxed);
                Ok(info)
            }
            Err(e) => Err(e),
        }
    }

    /// Whether a v15+ server that rejected the header is due another try of it.
    fn header_retry_due(&self) -> bool {
        self.state.header_stripped.load(Ordering::Relaxed)
            && Instant::now()
                >= self
                    .state
                    .header_retry
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
    }

    /// The next try of the header: after the first wait when `reset`, else after twice the last
    /// wait (at most [`HEADER_RETRY_MAX`]).
    fn schedule_header_retry(&self, reset: bool) {
        let mut retry = self
            .state
            .header_retry
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let wait = if reset {
            self.header_retry_first
        } else {
            (retry.1 * 2).clamp(self.header_retry_first, HEADER_RETRY_MAX)
        };
        *retry = (Instant::now() + wait, wait);
    }

    /// Tries the header on a v15+ server that rejected it before; on success the token stops
    /// going in URLs, else the query parameter is used and the next try waits longer.
    async fn retry_header(&self) -> Result<SessionInfo, ApiError> {
        match self.call(Endpoint::SessionGet, &[], Carrier::Header).await {
            Ok(info) => {
                self.state.header_stripped.store(false, Ordering::Relaxed);
                self.state.learned.store(LEARNED_HEADER, Ordering::Relaxed);
                log!(
                    self,
                    info,
                    "the server accepts the Bearer header again: the token no longer goes in URLs"
                );
                Ok(info)
            }
            Err(ApiError::InvalidToken { .. }) => {
                self.schedule_header_retry(false);
                self.session_learned(Carrier::Query).await
            }
            Err(e) => Err(e),
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

    /// `/api/dashboard/stats/get?type=Custom` over the minutes whose END labels are `start` …
    /// `end` (both whole UTC minutes, ISO-8601 with a `Z`). The server reads
    /// `(end − start) / 1 min + 1` minutes starting one minute before `start`, so the answer's
    /// labels are exactly `start` … `end`; it answers per minute only while `end − start` is at
    /// most 2 hours (longer ranges come back per hour or per day). `full_query_types` asks v14+
    /// servers for every query type instead of the top ten.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn stats_custom(
        &self,
        start: &str,
        end: &str,
        full_query_types: bool,
    ) -> Result<DashboardStats, ApiError> {
        let mut params = vec![
            ("type", "Custom"),
            ("utc", "true"),
            ("start", start),
            ("end", end),
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

    async fn get<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        params: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        let result = self.call(endpoint, params, self.carrier()).await;
        if matches!(result, Err(ApiError::InvalidToken { .. })) {
            // The token was revoked or the server changed: probe again on the next session call.
            self.state.learned.store(LEARNED_UNKNOWN, Ordering::Relaxed);
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
                proxy: self.proxy.clone(),
            }),
        };
        let result = result.and_then(|body| self.decode(endpoint, &body.bytes));
        if let Some(observer) = &self.observer {
            let label = match &result {
                Ok(_) => "success",
                Err(e) => e.reason().as_str(),
            };
            observer.observe(endpoint, label, started.elapsed());
        }
        match &result {
            Ok(_) => {
                log!(
                    self,
                    debug,
                    endpoint = endpoint.path(),
                    elapsed_ms = started.elapsed().as_millis(),
                    "upstream call done"
                );
            }
            Err(e) => {
                log!(self, debug, endpoint = endpoint.path(), error = %e, "upstream call failed");
            }
        }
        result
    }

    /// The request URL: the base, the endpoint's path, the parameters and, for the query
    /// carrier, the token. It never leaves this module: errors drop it (see
    /// [`Client::transport_error`]).
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
            if let Some(node) = self
                .node
                .as_deref()
                .filter(|_| !endpoint.on_contacted_node())
            {
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
    ) -> Result<Body, ApiError> {
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
        if !status.is_success() {
            return Err(ApiError::HttpStatus {
                server: self.server.clone(),
                endpoint: endpoint.path(),
                status: status.as_u16(),
                hint: status_hint(status.as_u16()),
            });
        }
        self.read_body(endpoint, response).await
    }

    /// Reads a body chunk by chunk, reserving each chunk's bytes from the budget first.
    async fn read_body(
        &self,
        endpoint: Endpoint,
        mut response: reqwest::Response,
    ) -> Result<Body, ApiError> {
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
            bytes.extend_from_slice(&chunk);
        }
        Ok(Body { bytes, _held: held })
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
}

impl Client {
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

/// Removes the token from text: the literal token, and the value of any `token=` parameter or
/// `Bearer` credential, whatever it is.
#[derive(Clone)]
struct Redactor {
    token: Option<String>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redactor([redacted])")
    }
}

/// `token=VALUE` (a query or form parameter) and `Bearer VALUE`, any case.
static CREDENTIAL: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?i)(\btoken=|\bbearer\s+)[^&\s"'<>#;,)]+"#).ok()
});

impl Redactor {
    /// The literal token is removed only when it is long enough to be told from ordinary text
    /// (Technitium's tokens are 64 hex digits; a test's `x` would otherwise be cut out of every
    /// word). Shorter ones are still caught wherever they appear as a `token=` or `Bearer`
    /// value, which is how a server or proxy echoes them.
    fn new(token: Option<&Secret>) -> Self {
        Self {
            token: token
                .map(|t| t.expose().to_owned())
                .filter(|t| t.chars().count() >= 8),
        }
    }

    fn clean(&self, text: &str) -> String {
        let mut text = match &self.token {
            Some(t) if text.contains(t.as_str()) => text.replace(t.as_str(), "[redacted]"),
            _ => text.to_owned(),
        };
        if let Some(re) = CREDENTIAL.as_ref()
            && re.is_match(&text)
        {
            text = re.replace_all(&text, "${1}[redacted]").into_owned();
        }
        text
    }
}

/// Whether session info says v15 or later (the Bearer header works).
fn is_v15(info: &SessionInfo) -> bool {
    super::types::parse_version(&info.version).is_some_and(|(major, _)| major >= 15)
}

/// The proxy the HTTP client will use for `url`, as reqwest's system-proxy reads it from the
/// environment (`HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`, lower case too, unless `NO_PROXY`
/// lists the host), shown for people: "the proxy http://proxy:3128 (HTTPS_PROXY)", without any
/// password. Only messages use it.
#[must_use]
pub fn proxy_for(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    let no_proxy = env_any(&["NO_PROXY", "no_proxy"])
        .map(|(_, v)| v)
        .unwrap_or_default();
    let excluded = no_proxy.split(',').map(str::trim).any(|n| {
        let n = n.trim_start_matches('.');
        n == "*" || (!n.is_empty() && (host == n || host.ends_with(&format!(".{n}"))))
    });
    if excluded {
        return None;
    }
    let names: &[&str] = if url.scheme() == "https" {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    let (name, value) = env_any(names)?;
    let shown =
        Url::parse(&value).map_or_else(|_| "an unparsable URL".to_owned(), |u| display_base(&u));
    Some(format!("the proxy {shown} ({name})"))
}

fn env_any(names: &[&'static str]) -> Option<(&'static str, String)> {
    names.iter().find_map(|n| {
        std::env::var(n)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*n, v))
    })
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

/// The first line of a message, trimmed and cut at 200 characters (an ellipsis marks the cut):
/// what an error keeps of text it did not write itself.
pub(crate) fn shorten(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    if line.chars().count() > 200 {
        let cut: String = line.chars().take(200).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

impl Client {
    /// Decodes a response body exactly as an API call does (envelope, `status`, payload): the
    /// entry point of the fuzz targets (`fuzz/`), not otherwise needed outside this module.
    ///
    /// # Errors
    /// As an API call's decoding step.
    #[doc(hidden)]
    pub fn decode_body<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        body: &[u8],
    ) -> Result<T, ApiError> {
        self.decode(endpoint, body)
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
