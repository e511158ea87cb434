//! `serve`: the HTTP exporter.
//!
//! Routes: the telemetry path (default `/metrics`: the default target plus the exporter's own
//! metrics), `/probe?target=NAME` (a configured target's metrics only), `/` (landing page),
//! `/-/healthy`, `/-/ready`; anything else is 404.
//!
//! Every scrape goes through the same collector and renderer as `scrape`. Concurrent scrapes of
//! one target share one upstream fetch (coalescing): a request waits for a fetch that finishes
//! after it arrived instead of starting its own. The last snapshot is kept only for that purpose.
//!
//! hyper supplies none of the listener hardening, so it is here: a header-read timeout (hyper's
//! own, with a tokio timer), read/idle and write timeouts on the socket (tokio-io-timeout), a cap
//! on concurrent connections (a semaphore), and graceful shutdown on SIGINT/SIGTERM that stops
//! accepting and drains in-flight requests for a bounded time. SIGHUP reloads the configuration
//! (config file and token files); a bad configuration is logged and the old one kept.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use http_body_util::{Either, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use prometheus::proto::{MetricFamily, MetricType};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;

use crate::app::Exit;
use crate::cli::ServeArgs;
use crate::collector::{Collector, Snapshot, write_families_waited};
use crate::config::{Config, ConfigError, ModuleConfig};
use crate::render::exposition::{Encoder, Format, Kind, Sink};
use crate::render::{encoder_for, estimated_size};
use crate::technitium::client::http_client;
use crate::technitium::{Client, ClientConfig, Endpoint, RequestObserver};
use crate::web::BasicAuth;

/// Default listen address.
pub const DEFAULT_LISTEN: &str = ":9274";
/// Most connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 256;
/// Time a client gets to send the request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a write may stall.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// The name of the `/metrics` target in self-metric labels.
const DEFAULT_TARGET: &str = "default";
/// Expositions expected to be larger than this (about 2 500 zones) are streamed in pieces
/// instead of being built whole: a 100 000-zone exposition is about 42 MB of text.
const STREAM_ABOVE: usize = 1024 * 1024;
/// Size of one streamed piece (before compression).
const STREAM_PIECE: usize = 256 * 1024;

/// A response body: whole for small answers, streamed in pieces for large expositions.
type Body = Either<Full<Bytes>, StreamBody<Pieces>>;

/// The pieces of a streamed exposition, as a blocking task renders them.
struct Pieces(tokio::sync::mpsc::Receiver<Bytes>);

impl futures_util::Stream for Pieces {
    type Item = Result<Frame<Bytes>, Infallible>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0
            .poll_recv(cx)
            .map(|piece| piece.map(|b| Ok(Frame::data(b))))
    }
}

fn whole(body: impl Into<Bytes>) -> Response<Body> {
    Response::new(Either::Left(Full::new(body.into())))
}

/// The exporter's own metrics (served on the telemetry path only).
#[derive(Debug)]
struct SelfMetrics {
    /// When this process started: `process_start_time_seconds` falls back to it where the
    /// sandbox hides `/proc/stat` (systemd's `ProcSubset=pid`), which the process collector
    /// needs for its own computation and otherwise reports as 0.
    started: f64,
    registry: Registry,
    scrapes: IntCounterVec,
    upstream_requests: IntCounterVec,
    upstream_duration: HistogramVec,
}

impl SelfMetrics {
    fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let build = IntGaugeVec::new(
            Opts::new(
                "technitium_exporter_build_info",
                "The exporter's version, as labels; always 1.",
            ),
            &["version", "revision"],
        )?;
        build
            .with_label_values(&[
                env!("CARGO_PKG_VERSION"),
                option_env!("TECHNITIUM_EXPORTER_REVISION").unwrap_or("unknown"),
            ])
            .set(1);
        let scrapes = IntCounterVec::new(
            Opts::new(
                "technitium_exporter_scrapes_total",
                "Scrapes served, by target and result (success: technitium_up 1).",
            ),
            &["target", "result"],
        )?;
        let upstream_requests = IntCounterVec::new(
            Opts::new(
                "technitium_exporter_upstream_requests_total",
                "Requests to the Technitium API, by target, API path and result (success or a technitium_scrape_error reason).",
            ),
            &["target", "endpoint", "result"],
        )?;
        let upstream_duration = HistogramVec::new(
            HistogramOpts::new(
                "technitium_exporter_upstream_request_duration_seconds",
                "Time of requests to the Technitium API, by target and API path.",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["target", "endpoint"],
        )?;
        registry.register(Box::new(build))?;
        registry.register(Box::new(scrapes.clone()))?;
        registry.register(Box::new(upstream_requests.clone()))?;
        registry.register(Box::new(upstream_duration.clone()))?;
        #[cfg(target_os = "linux")]
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64().floor());
        Ok(Self {
            started,
            registry,
            scrapes,
            upstream_requests,
            upstream_duration,
        })
    }
}

/// Feeds upstream request events of one target into the self metrics.
struct Observer {
    target: String,
    metrics: Arc<SelfMetrics>,
}

impl RequestObserver for Observer {
    fn observe(&self, endpoint: Endpoint, result: &'static str, elapsed: Duration) {
        let path = endpoint.path();
        self.metrics
            .upstream_requests
            .with_label_values(&[self.target.as_str(), path, result])
            .inc();
        self.metrics
            .upstream_duration
            .with_label_values(&[self.target.as_str(), path])
            .observe(elapsed.as_secs_f64());
    }
}

/// One target: its collector and the coalescing state.
#[derive(Debug)]
struct Target {
    name: String,
    collector: Collector,
    fetch_lock: tokio::sync::Mutex<()>,
    last: std::sync::Mutex<Option<(Instant, Arc<Snapshot>)>>,
}

impl Target {
    fn new(name: &str, collector: Collector) -> Arc<Self> {
        Arc::new(Self {
            name: name.to_owned(),
            collector,
            fetch_lock: tokio::sync::Mutex::new(()),
            last: std::sync::Mutex::new(None),
        })
    }

    fn last_finished_after(&self, t: Instant) -> Option<Arc<Snapshot>> {
        let last = self.last.lock().ok()?;
        last.as_ref()
            .filter(|(finished, _)| *finished >= t)
            .map(|(_, s)| Arc::clone(s))
    }

    /// A snapshot that finished after `arrived`: joins an in-flight fetch or starts one.
    async fn snapshot(&self, arrived: Instant, deadline: Instant) -> Option<Arc<Snapshot>> {
        let _guard = tokio::time::timeout_at(deadline, self.fetch_lock.lock())
            .await
            .ok()?;
        if let Some(s) = self.last_finished_after(arrived) {
            return Some(s);
        }
        let snapshot = Arc::new(self.collector.collect(deadline).await);
        if let Ok(mut last) = self.last.lock() {
            *last = Some((Instant::now(), Arc::clone(&snapshot)));
        }
        Some(snapshot)
    }
}

/// Most URL targets kept at once (their clients and auth state); the set is cleared when full.
const URL_TARGET_LIMIT: usize = 256;

/// A `[modules.NAME]` with the HTTP client of its TLS profile.
#[derive(Debug)]
struct Module {
    config: ModuleConfig,
    http: reqwest::Client,
}

/// The configured targets, replaced whole on SIGHUP.
#[derive(Debug)]
struct Targets {
    default: Arc<Target>,
    named: HashMap<String, Arc<Target>>,
    modules: HashMap<String, Module>,
    /// URL targets seen through modules, by (module, base URL).
    by_url: std::sync::Mutex<HashMap<(String, String), Arc<Target>>>,
}

impl Targets {
    /// The target for `/probe?target=URL&module=NAME`, or why there is none (for a 400).
    fn url_target(
        &self,
        module: &str,
        target: &str,
        metrics: &Arc<SelfMetrics>,
    ) -> Result<Arc<Target>, String> {
        let Some(m) = self.modules.get(module) else {
            return Err(format!(
                "unknown module {:?}: modules come from [modules.NAME] in the config file",
                truncate(module)
            ));
        };
        if !m.config.allow_url_targets {
            return Err(format!(
                "module {module:?} does not allow URL targets (allow_url_targets = true)"
            ));
        }
        let url = crate::config::parse_url(target, "target").map_err(|e| e.0)?;
        let key = (
            module.to_owned(),
            crate::technitium::client::display_base(&url),
        );
        let mut by_url = self
            .by_url
            .lock()
            .map_err(|_| "internal error".to_owned())?;
        if let Some(t) = by_url.get(&key) {
            return Ok(Arc::clone(t));
        }
        if by_url.len() >= URL_TARGET_LIMIT {
            by_url.clear();
        }
        let config = ClientConfig {
            url,
            ..m.config.client.clone()
        };
        let client =
            Client::with_http(m.http.clone(), &config).with_observer(observer(module, metrics));
        let t = Target::new(module, Collector::new(client, m.config.options.clone()));
        by_url.insert(key, Arc::clone(&t));
        Ok(t)
    }
}

#[derive(Debug)]
struct Shared {
    targets: RwLock<Arc<Targets>>,
    metrics: Arc<SelfMetrics>,
    telemetry_path: String,
    max_timeout: Duration,
    auth: Option<BasicAuth>,
}

fn observer(name: &str, metrics: &Arc<SelfMetrics>) -> Arc<dyn RequestObserver> {
    Arc::new(Observer {
        target: name.to_owned(),
        metrics: Arc::clone(metrics),
    })
}

/// One `reqwest::Client` per distinct TLS profile (CA file, verification on or off), shared by
/// every target that uses it.
#[derive(Default)]
struct Profiles(HashMap<(Option<std::path::PathBuf>, bool), reqwest::Client>);

impl Profiles {
    fn http(&mut self, what: &str, cfg: &ClientConfig) -> Result<reqwest::Client, String> {
        if cfg.insecure_skip_verify {
            tracing::warn!(target_name = %what, "TLS certificate verification is OFF: anyone on the path can read this target's token");
        }
        let key = (cfg.ca_file.clone(), cfg.insecure_skip_verify);
        if let Some(c) = self.0.get(&key) {
            return Ok(c.clone());
        }
        let c = http_client(cfg.ca_file.as_deref(), cfg.insecure_skip_verify)
            .map_err(|e| format!("{what}: {e}"))?;
        self.0.insert(key, c.clone());
        Ok(c)
    }
}

fn build_targets(config: &Config, metrics: &Arc<SelfMetrics>) -> Result<Targets, String> {
    let mut profiles = Profiles::default();
    let mut collector = |name: &str, cfg: &ClientConfig, options: &crate::collector::Options| {
        let http = profiles.http(name, cfg)?;
        let client = Client::with_http(http, cfg).with_observer(observer(name, metrics));
        Ok::<_, String>(Target::new(name, Collector::new(client, options.clone())))
    };
    let default = collector(DEFAULT_TARGET, &config.client, &config.options)?;
    let mut named = HashMap::new();
    for t in &config.targets {
        named.insert(t.name.clone(), collector(&t.name, &t.client, &t.options)?);
    }
    let mut modules = HashMap::new();
    for m in &config.modules {
        let http = profiles.http(&m.name, &m.client)?;
        modules.insert(
            m.name.clone(),
            Module {
                config: m.clone(),
                http,
            },
        );
    }
    Ok(Targets {
        default,
        named,
        modules,
        by_url: std::sync::Mutex::new(HashMap::new()),
    })
}

/// Runs `serve` until SIGINT or SIGTERM. `reload` rebuilds the configuration on SIGHUP.
pub async fn run(
    config: &Config,
    collector: Collector,
    args: &ServeArgs,
    reload: &(dyn Fn() -> Result<Config, ConfigError> + Sync),
) -> Exit {
    let metrics = match SelfMetrics::new() {
        Ok(m) => Arc::new(m),
        Err(e) => {
            eprintln!("error: cannot set up the exporter's own metrics: {e}");
            return Exit::Usage;
        }
    };
    // The default target is rebuilt with the self-metric observer attached.
    drop(collector);
    if config.client.token.is_none() {
        tracing::warn!(
            "no API token configured: every scrape reports technitium_up 0 (reason invalid_token) until one is set with --technitium.token-file, TECHNITIUM_TOKEN_FILE or the systemd credential technitium-token, followed by a reload"
        );
    }
    let targets = match build_targets(config, &metrics) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    let telemetry_path = args
        .telemetry_path
        .clone()
        .or_else(|| config.web.telemetry_path.clone())
        .unwrap_or_else(|| "/metrics".to_owned());
    if !telemetry_path.starts_with('/')
        || matches!(
            telemetry_path.as_str(),
            "/" | "/probe" | "/-/healthy" | "/-/ready"
        )
    {
        eprintln!(
            "error: --web.telemetry-path must start with / and not be /, /probe or /-/...: {telemetry_path:?}"
        );
        return Exit::Usage;
    }
    let addresses = args
        .listen_address
        .clone()
        .or_else(|| config.web.listen_address.clone())
        .unwrap_or_else(|| vec![DEFAULT_LISTEN.to_owned()]);
    let mut listeners = Vec::new();
    for a in &addresses {
        match bind(a).await {
            Ok(l) => listeners.push(l),
            Err(e) => {
                eprintln!("error: cannot listen on {a}: {e}");
                return Exit::Usage;
            }
        }
    }
    let tls = match (&config.web.tls_cert_file, &config.web.tls_key_file) {
        (Some(cert), Some(key)) => match crate::web::tls_acceptor(cert, key) {
            Ok(a) => Some(a),
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::Usage;
            }
        },
        _ => None,
    };
    let auth = match config
        .web
        .basic_auth_users
        .clone()
        .map(BasicAuth::new)
        .transpose()
    {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    let shared = Arc::new(Shared {
        targets: RwLock::new(Arc::new(targets)),
        metrics: Arc::clone(&metrics),
        telemetry_path,
        max_timeout: config.client.timeout,
        auth,
    });
    for l in &listeners {
        if let Ok(addr) = l.local_addr() {
            tracing::info!(address = %addr, tls = tls.is_some(), basic_auth = shared.auth.is_some(), "listening");
        }
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let graceful = Arc::new(GracefulShutdown::new());
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let idle = (config.client.timeout * 2).max(Duration::from_secs(60));
    let mut accept_tasks = Vec::new();
    for listener in listeners {
        let tls = tls.clone();
        let shared = Arc::clone(&shared);
        let mut stop = stop_rx.clone();
        let graceful = Arc::clone(&graceful);
        let connections = Arc::clone(&connections);
        accept_tasks.push(tokio::spawn(async move {
            loop {
                let permit = tokio::select! {
                    p = Arc::clone(&connections).acquire_owned() => p,
                    _ = stop.changed() => break,
                };
                let Ok(permit) = permit else { break };
                let (stream, peer) = tokio::select! {
                    a = listener.accept() => match a {
                        Ok(a) => a,
                        Err(e) => {
                            tracing::debug!(error = %e, "accept failed");
                            continue;
                        }
                    },
                    _ = stop.changed() => break,
                };
                let shared = Arc::clone(&shared);
                let watcher = graceful.watcher();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let mut io = tokio_io_timeout::TimeoutStream::new(stream);
                    io.set_read_timeout(Some(idle));
                    io.set_write_timeout(Some(WRITE_TIMEOUT));
                    let io = Box::pin(io);
                    let result = match tls {
                        None => serve_connection(io, shared, watcher).await,
                        Some(acceptor) => match tokio::time::timeout(HEADER_READ_TIMEOUT, acceptor.accept(io)).await {
                            Ok(Ok(tls_io)) => serve_connection(tls_io, shared, watcher).await,
                            Ok(Err(e)) => {
                                tracing::debug!(peer = %peer, error = %e, "TLS handshake failed");
                                Ok(())
                            }
                            Err(_) => {
                                tracing::debug!(peer = %peer, "TLS handshake timed out");
                                Ok(())
                            }
                        },
                    };
                    if let Err(e) = result {
                        tracing::debug!(peer = %peer, error = %e, "connection ended with an error");
                    }
                    drop(permit);
                });
            }
        }));
    }
    // Reload on SIGHUP until told to stop.
    let reload_task = {
        let shared = Arc::clone(&shared);
        let mut stop = stop_rx.clone();
        async move {
            let Ok(mut hup) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            else {
                return;
            };
            loop {
                tokio::select! {
                    _ = hup.recv() => {}
                    _ = stop.changed() => return,
                }
                match reload() {
                    Ok(new) => match build_targets(&new, &shared.metrics) {
                        Ok(t) => {
                            if let Ok(mut slot) = shared.targets.write() {
                                *slot = Arc::new(t);
                            }
                            tracing::info!(targets = new.targets.len(), "configuration reloaded");
                        }
                        Err(e) => {
                            tracing::error!("reload failed, keeping the old configuration: {e}")
                        }
                    },
                    Err(e) => tracing::error!(
                        "reload failed, keeping the old configuration: {}",
                        e.0.replace('\n', "; ")
                    ),
                }
            }
        }
    };
    tokio::select! {
        () = shutdown_signal() => {}
        () = reload_task => {}
    }
    let _ = stop_tx.send(true);
    for t in accept_tasks {
        let _ = t.await;
    }
    let drain = config.client.timeout + Duration::from_secs(5);
    tracing::info!(
        connections = graceful.count(),
        "shutting down: draining in-flight requests"
    );
    let Ok(graceful) = Arc::try_unwrap(graceful) else {
        return Exit::Ok;
    };
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("drain timeout reached; closing the remaining connections");
    }
    Exit::Ok
}

/// Serves HTTP/1 on one connection until it closes, watched for graceful shutdown.
async fn serve_connection<I>(
    io: I,
    shared: Arc<Shared>,
    watcher: Watcher,
) -> Result<(), hyper::Error>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let service = hyper::service::service_fn(move |req| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(handle(&shared, req).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(io), service);
    watcher.watch(conn).await
}

/// Binds an address; Go-style `:PORT` means every interface (IPv6 and IPv4 when possible).
async fn bind(address: &str) -> std::io::Result<TcpListener> {
    if let Some(port) = address.strip_prefix(':') {
        let port: u16 = port.parse().map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "the port is not a number")
        })?;
        return match TcpListener::bind(SocketAddr::from(([0u16; 8], port))).await {
            Ok(l) => Ok(l),
            Err(_) => TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port))).await,
        };
    }
    TcpListener::bind(address).await
}

/// Resolves when SIGINT or SIGTERM arrives.
async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received"),
        () = term => tracing::info!("SIGTERM received"),
    }
}

fn text(status: StatusCode, body: String) -> Response<Body> {
    let mut r = whole(body);
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn query_param(req: &Request<Incoming>, key: &str) -> Option<String> {
    let q = req.uri().query()?;
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The deadline of one scrape: Prometheus's own timeout (less a margin) or ours, the shorter.
fn deadline(req: &Request<Incoming>, ours: Duration) -> Instant {
    let timeout = req
        .headers()
        .get("x-prometheus-scrape-timeout-seconds")
        .and_then(|v| v.to_str().ok())
        .map_or(ours, |v| scrape_timeout(v, ours));
    let now = Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365))
}

/// How long a scrape may take, from an `X-Prometheus-Scrape-Timeout-Seconds` value: Prometheus's
/// timeout less a margin (a tenth, at most 0.5 s; never below 50 ms), or `ours` when that is
/// shorter or the value is not a positive finite number of seconds. Any value is accepted
/// (`1e20` is clamped to `ours`, not converted to a `Duration` that does not exist).
#[must_use]
pub fn scrape_timeout(header: &str, ours: Duration) -> Duration {
    let Ok(seconds) = header.trim().parse::<f64>() else {
        return ours;
    };
    if !seconds.is_finite() || seconds <= 0.0 {
        return ours;
    }
    let margin = (seconds * 0.1).min(0.5);
    let theirs = Duration::try_from_secs_f64((seconds - margin).max(0.05)).unwrap_or(Duration::MAX);
    theirs.min(ours)
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Body> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are supported\n".to_owned(),
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    // Liveness answers without credentials: it tells nothing but "the process serves", and a
    // supervisor's probe should not need the password.
    if req.uri().path() == "/-/healthy" {
        return text(StatusCode::OK, "Healthy\n".to_owned());
    }
    if let Some(auth) = &shared.auth {
        let header = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if !auth.check(header).await {
            let mut r = text(StatusCode::UNAUTHORIZED, "unauthorized\n".to_owned());
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"technitium-exporter\""),
            );
            return r;
        }
    }
    let path = req.uri().path().to_owned();
    let targets = match shared.targets.read() {
        Ok(t) => Arc::clone(&t),
        Err(_) => {
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error\n".to_owned(),
            );
        }
    };
    match path.as_str() {
        p if p == shared.telemetry_path => scrape(shared, &req, &targets.default, true).await,
        "/probe" => {
            let Some(name) = query_param(&req, "target") else {
                return text(
                    StatusCode::BAD_REQUEST,
                    "missing ?target=NAME (a [targets.NAME] of the config file)\n".to_owned(),
                );
            };
            if let Some(module) = query_param(&req, "module") {
                return match targets.url_target(&module, &name, &shared.metrics) {
                    Ok(t) => scrape(shared, &req, &t, false).await,
                    Err(reason) => text(StatusCode::BAD_REQUEST, format!("{reason}\n")),
                };
            }
            match targets.named.get(&name) {
                Some(t) => scrape(shared, &req, t, false).await,
                None => text(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "unknown target {:?}: only [targets.NAME] from the config file can be probed (URL targets need &module=NAME)\n",
                        truncate(&name)
                    ),
                ),
            }
        }
        "/" => landing(shared, &targets),
        "/-/healthy" => text(StatusCode::OK, "Healthy\n".to_owned()),
        "/-/ready" => text(StatusCode::OK, "Ready\n".to_owned()),
        _ => text(
            StatusCode::NOT_FOUND,
            "not found: see / for the routes\n".to_owned(),
        ),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

async fn scrape(
    shared: &Shared,
    req: &Request<Incoming>,
    target: &Target,
    with_self: bool,
) -> Response<Body> {
    let arrived = Instant::now();
    let deadline = deadline(req, shared.max_timeout);
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let format = if accept.contains("application/openmetrics-text") {
        Format::OpenMetrics
    } else {
        Format::Text
    };
    let gzip = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let snapshot = match target.snapshot(arrived, deadline).await {
        Some(s) => s,
        None => Arc::new(timed_out_snapshot(target, arrived)),
    };
    let result = if snapshot.up() { "success" } else { "failure" };
    shared
        .metrics
        .scrapes
        .with_label_values(&[target.name.as_str(), result])
        .inc();
    if estimated_size(&snapshot) > STREAM_ABOVE {
        let waited = arrived.elapsed();
        return streamed(&shared.metrics, snapshot, waited, format, gzip, with_self);
    }
    let mut enc = encoder_for(&snapshot, format);
    write_families_waited(&snapshot, arrived.elapsed(), &mut enc);
    if with_self {
        write_self_metrics(
            &shared.metrics.registry.gather(),
            shared.metrics.started,
            &mut enc,
        );
    }
    let body = enc.finish();
    let mut response = if gzip {
        let mut gz = flate2::write::GzEncoder::new(
            Vec::with_capacity(body.len() / 4),
            flate2::Compression::fast(),
        );
        match gz.write_all(body.as_bytes()).and_then(|()| gz.finish()) {
            Ok(bytes) => {
                let mut r = whole(bytes);
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                r
            }
            Err(_) => whole(body),
        }
    } else {
        whole(body)
    };
    exposition_headers(&mut response, format);
    response
}

fn exposition_headers(response: &mut Response<Body>, format: Format) {
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
}

/// A large exposition, rendered on a blocking thread and sent in pieces of about
/// [`STREAM_PIECE`] bytes as the client reads them (gzip-compressed piece by piece when asked):
/// memory holds a few pieces, not the whole text. The content is the same as a whole render.
fn streamed(
    metrics: &Arc<SelfMetrics>,
    snapshot: Arc<Snapshot>,
    waited: Duration,
    format: Format,
    gzip: bool,
    with_self: bool,
) -> Response<Body> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    let metrics = Arc::clone(metrics);
    tokio::task::spawn_blocking(move || {
        // A client that went away makes the sends fail; the render then finishes unsent.
        let send = move |bytes: Vec<u8>| {
            if !bytes.is_empty() {
                let _ = tx.blocking_send(Bytes::from(bytes));
            }
        };
        let gz = gzip.then(|| {
            Arc::new(std::sync::Mutex::new(flate2::write::GzEncoder::new(
                Vec::new(),
                flate2::Compression::fast(),
            )))
        });
        let sink: Sink = match &gz {
            Some(gz) => {
                let gz = Arc::clone(gz);
                let send = send.clone();
                Box::new(move |piece: String| {
                    if let Ok(mut gz) = gz.lock()
                        && gz.write_all(piece.as_bytes()).is_ok()
                    {
                        send(std::mem::take(gz.get_mut()));
                    }
                })
            }
            None => {
                let send = send.clone();
                Box::new(move |piece: String| send(piece.into_bytes()))
            }
        };
        let mut enc = Encoder::streaming(format, STREAM_PIECE, sink);
        write_families_waited(&snapshot, waited, &mut enc);
        drop(snapshot);
        if with_self {
            write_self_metrics(&metrics.registry.gather(), metrics.started, &mut enc);
        }
        let _ = enc.finish();
        if let Some(gz) = gz.and_then(Arc::into_inner)
            && let Ok(gz) = gz.into_inner()
            && let Ok(rest) = gz.finish()
        {
            send(rest);
        }
    });
    let mut response = Response::new(Either::Right(StreamBody::new(Pieces(rx))));
    if gzip {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    exposition_headers(&mut response, format);
    response
}

/// What a scrape reports when it could not even wait for the shared fetch in time.
fn timed_out_snapshot(target: &Target, arrived: Instant) -> Snapshot {
    let error = crate::technitium::ApiError::Timeout {
        server: target.collector.client().server().to_owned(),
        endpoint: Endpoint::SessionGet.path(),
        timeout: arrived.elapsed(),
    };
    Snapshot::failed(error, arrived.elapsed())
}

/// Writes `prometheus` crate families (self and process metrics) through our encoder, so both
/// exposition formats carry them.
#[allow(clippy::cast_precision_loss)]
fn write_self_metrics(families: &[MetricFamily], started: f64, enc: &mut Encoder) {
    for f in families {
        let kind = match f.get_field_type() {
            MetricType::COUNTER => Kind::Counter,
            MetricType::HISTOGRAM => Kind::Histogram,
            _ => Kind::Gauge,
        };
        enc.family(f.name(), kind, f.help());
        for m in f.get_metric() {
            let labels: Vec<(&str, &str)> = m
                .get_label()
                .iter()
                .map(|l| (l.name(), l.value()))
                .collect();
            match kind {
                Kind::Counter => enc.sample(&labels, m.get_counter().get_value()),
                Kind::Gauge => {
                    let mut v = m.get_gauge().get_value();
                    if v == 0.0 && f.name() == "process_start_time_seconds" {
                        v = started;
                    }
                    enc.sample(&labels, v);
                }
                Kind::Histogram => {
                    let h = m.get_histogram();
                    for b in h.get_bucket() {
                        let le = format_le(b.upper_bound());
                        let mut with_le = labels.clone();
                        with_le.push(("le", &le));
                        enc.sample_with_suffix("_bucket", &with_le, b.cumulative_count() as f64);
                    }
                    let mut with_inf = labels.clone();
                    with_inf.push(("le", "+Inf"));
                    enc.sample_with_suffix("_bucket", &with_inf, h.get_sample_count() as f64);
                    enc.sample_with_suffix("_sum", &labels, h.get_sample_sum());
                    enc.sample_with_suffix("_count", &labels, h.get_sample_count() as f64);
                }
            }
        }
    }
}

fn format_le(v: f64) -> String {
    if v.is_infinite() {
        "+Inf".to_owned()
    } else {
        format!("{v}")
    }
}

fn landing(shared: &Shared, targets: &Targets) -> Response<Body> {
    let mut names: Vec<&str> = targets.named.keys().map(String::as_str).collect();
    names.sort_unstable();
    let list = if names.is_empty() {
        "<li>none: add <code>[targets.NAME]</code> tables to the config file</li>".to_owned()
    } else {
        names
            .iter()
            .map(|n| {
                let n = html_escape(n);
                format!("<li><a href=\"/probe?target={n}\">{n}</a></li>")
            })
            .collect::<String>()
    };
    let metrics = html_escape(&shared.telemetry_path);
    let example = names.first().map_or("dns2", |n| n);
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Technitium exporter</title></head>\n<body>\n<h1>Technitium exporter</h1>\n<p>Version {version}. A Prometheus exporter for Technitium DNS Server.</p>\n<ul>\n<li><a href=\"{metrics}\">{metrics}</a>: the default target and the exporter's own metrics</li>\n<li><a href=\"/-/healthy\">/-/healthy</a>, <a href=\"/-/ready\">/-/ready</a></li>\n</ul>\n<h2>Configured targets (/probe)</h2>\n<ul>{list}</ul>\n<h2>Prometheus configuration</h2>\n<pre>scrape_configs:\n  - job_name: technitium\n    static_configs:\n      - targets: ['exporter-host:9274']\n  - job_name: technitium-probe\n    metrics_path: /probe\n    static_configs:\n      - targets: ['{example}']\n    relabel_configs:\n      - source_labels: [__address__]\n        target_label: __param_target\n      - source_labels: [__param_target]\n        target_label: instance\n      - target_label: __address__\n        replacement: exporter-host:9274\n</pre>\n</body></html>\n",
        version = env!("CARGO_PKG_VERSION"),
        example = html_escape(example),
    );
    let mut r = whole(body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
