//! `check`: configuration, connectivity, token and permissions, step by step, with a verdict.
//!
//! The configuration was validated before this runs (every problem is reported there, exit 2).
//! `check` then walks the chain to each target — the default one (`[technitium]`, flags,
//! environment), then every `[targets.NAME]` of the config file — one step at a time, stopping
//! at a target's first failure (its later steps are `skipped`): URL, DNS resolution, TCP
//! connect, TLS handshake (https only; the client's trust: system roots through
//! rustls-platform-verifier plus `--technitium.ca-file`; certificate expiry shown), HTTP
//! reachability and token validity (`session/get`), server version (13.x–15.x supported, others
//! a warning), and then every collector: permission, result, latency and the number of series it
//! produces (one real collection).
//!
//! Exit codes, for the worst target: 1 failed (unreachable, TLS, HTTP, token rejected), else
//! 3 degraded (an enabled collector failed or its token lacks permission; a collector that does
//! not apply to the server never degrades), else 0 (warnings allowed). The token is never
//! printed. A spinner runs on stderr only when stderr is a terminal.
//!
//! # `--format json`
//!
//! One JSON object on stdout:
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "exporter_version": "0.1.0",
//!   "verdict": "ok" | "degraded" | "failed",   // the worst target's
//!   "exit_code": 0 | 1 | 3,
//!   "summary": "…",                             // the verdict line, without its mark
//!   "targets": [                                // "default" first, then [targets.NAME] by name
//!     {
//!       "name": "default" | "NAME",
//!       "target": "http://127.0.0.1:5380",      // base URL, never with a token
//!       "verdict": "ok" | "degraded" | "failed",
//!       "exit_code": 0 | 1 | 3,
//!       "summary": "…",
//!       "warnings": 0,                          // rows with status "warning"
//!       "series": 337 | null,                   // series the exposition would hold; null when down
//!       "server": null | {                      // null when session/get did not succeed
//!         "version": "15.2",
//!         "supported": true,                    // 13.x–15.x
//!         "domain": "dns1.example.com" | null,
//!         "token_in_query": false               // true: the server is before v15 (?token=)
//!       },
//!       "steps": [                              // always all eight, in this order
//!         {
//!           "id": "config" | "url" | "dns" | "tcp" | "tls" | "http" | "token" | "version",
//!           "title": "TCP connect",
//!           "status": "ok" | "warning" | "failed" | "skipped" | "not_applicable",
//!           "detail": "…",
//!           "hint": "…" | null,                 // what to do about it
//!           "duration_ms": 1.2 | null
//!         }
//!       ],
//!       "collectors": [                         // session first, then every optional collector
//!         {
//!           "name": "zones",
//!           "enabled": true,
//!           "permission": "Zones" | null,       // section whose View right it needs
//!           "permission_granted": true | false | null,  // null: none needed, or not known
//!           "status": "ok" | "warning" | "failed" | "no_permission" | "not_applicable"
//!                     | "disabled" | "skipped",
//!           "detail": "…",
//!           "hint": "…" | null,
//!           "duration_ms": 3.4 | null,
//!           "series": 42 | null                 // null when it did not run
//!         }
//!       ]
//!     }
//!   ]
//! }
//! ```
//! A `failed` step makes a target `failed`; a `failed` or `no_permission` collector makes it
//! `degraded`; `warning`s never change a verdict.

use std::io::IsTerminal as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use serde::Serialize;
use tokio::net::TcpStream;
use tokio::time::Instant;
use url::Host;

use crate::app::Exit;
use crate::cli::{CheckArgs, CheckFormat};
use crate::collector::Options;
use crate::collector::{
    Collector, CollectorName, Outcome, SessionData, Snapshot, series_per_collector, write_families,
};
use crate::config::Config;
use crate::render::exposition::{Encoder, Format};
use crate::technitium::client::display_base;
use crate::technitium::types::{SessionInfo, parse_version};
use crate::technitium::{ApiError, Client, ClientConfig};

/// Oldest and newest Technitium major versions the exporter is tested with.
const SUPPORTED_MAJORS: std::ops::RangeInclusive<u32> = 13..=15;
/// A certificate expiring sooner than this is a warning.
const CERT_WARN_DAYS: i64 = 14;

/// Result of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Ok,
    Warning,
    Failed,
    NoPermission,
    NotApplicable,
    Disabled,
    Skipped,
}

impl Status {
    fn mark(self) -> &'static str {
        match self {
            Self::Ok => "✓",
            Self::Warning => "!",
            Self::Failed | Self::NoPermission => "✗",
            Self::NotApplicable | Self::Disabled | Self::Skipped => "–",
        }
    }
}

/// One step of the chain.
#[derive(Debug, Serialize)]
struct Step {
    id: &'static str,
    title: &'static str,
    status: Status,
    detail: String,
    hint: Option<String>,
    duration_ms: Option<f64>,
}

/// One collector's row.
#[derive(Debug, Serialize)]
struct CollectorRow {
    name: &'static str,
    enabled: bool,
    permission: Option<&'static str>,
    permission_granted: Option<bool>,
    status: Status,
    detail: String,
    hint: Option<String>,
    duration_ms: Option<f64>,
    series: Option<usize>,
}

/// Facts about the server.
#[derive(Debug, Serialize)]
struct Server {
    version: String,
    supported: bool,
    domain: Option<String>,
    token_in_query: bool,
}

/// Overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Verdict {
    Ok,
    Degraded,
    Failed,
}

/// One target's report.
#[derive(Debug, Serialize)]
struct TargetReport {
    name: String,
    target: String,
    verdict: Verdict,
    exit_code: u8,
    summary: String,
    warnings: usize,
    series: Option<usize>,
    server: Option<Server>,
    steps: Vec<Step>,
    collectors: Vec<CollectorRow>,
}

/// The whole report (the `--format json` object).
#[derive(Debug, Serialize)]
struct Report {
    schema_version: u32,
    exporter_version: &'static str,
    verdict: Verdict,
    exit_code: u8,
    summary: String,
    targets: Vec<TargetReport>,
}

/// What `check` needs to know about one target.
#[derive(Debug, Clone, Copy)]
struct Target<'a> {
    name: &'a str,
    client: &'a ClientConfig,
    options: &'a Options,
}

const STEPS: [(&str, &str); 8] = [
    ("config", "configuration"),
    ("url", "URL"),
    ("dns", "DNS resolution"),
    ("tcp", "TCP connect"),
    ("tls", "TLS handshake"),
    ("http", "HTTP (session/get)"),
    ("token", "API token"),
    ("version", "server version"),
];

fn title(id: &str) -> &'static str {
    STEPS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or("step", |(_, t)| t)
}

/// Builds the step list; after the first failure every later step is `skipped`.
#[derive(Debug, Default)]
struct Steps(Vec<Step>);

impl Steps {
    fn failed(&self) -> bool {
        self.0.iter().any(|s| s.status == Status::Failed)
    }

    fn push(
        &mut self,
        id: &'static str,
        status: Status,
        detail: impl Into<String>,
        hint: Option<String>,
        elapsed: Option<Duration>,
    ) {
        self.0.push(Step {
            id,
            title: title(id),
            status,
            detail: detail.into(),
            hint,
            duration_ms: elapsed.map(ms),
        });
    }

    /// Marks every step not yet reported as skipped.
    fn skip_rest(&mut self) {
        let cause = self
            .0
            .iter()
            .find(|s| s.status == Status::Failed)
            .map_or("an earlier step", |s| s.title);
        for (id, t) in STEPS {
            if !self.0.iter().any(|s| s.id == id) {
                self.0.push(Step {
                    id,
                    title: t,
                    status: Status::Skipped,
                    detail: format!("not checked: {cause} failed"),
                    hint: None,
                    duration_ms: None,
                });
            }
        }
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// A spinner on stderr while a step runs, only when stderr is a terminal.
struct Progress(Option<ProgressBar>);

impl Progress {
    fn new() -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            pb.set_style(style);
        }
        pb.enable_steady_tick(Duration::from_millis(100));
        Self(Some(pb))
    }

    fn step(&self, target: &str, what: &str) {
        if let Some(pb) = &self.0 {
            pb.set_message(format!("{target}: {what}…"));
        }
    }

    fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

/// Runs `check`.
pub async fn run(config: &Config, collector: &Collector, args: &CheckArgs) -> Exit {
    let progress = Progress::new();
    let mut reports = Vec::with_capacity(1 + config.targets.len());
    let default = Target {
        name: "default",
        client: &config.client,
        options: &config.options,
    };
    reports.push(walk(default, collector, &progress).await);
    // The named `/probe` targets of the config file, each with its own client.
    for t in &config.targets {
        let target = Target {
            name: &t.name,
            client: &t.client,
            options: &t.options,
        };
        let report = match Client::new(&t.client) {
            Ok(client) => {
                walk(
                    target,
                    &Collector::new(client, t.options.clone()),
                    &progress,
                )
                .await
            }
            Err(e) => {
                let mut steps = Steps::default();
                steps.push("config", Status::Failed, e, None, None);
                finish(target, steps, None, None, &display_base(&t.client.url))
            }
        };
        reports.push(report);
    }
    progress.finish();
    let report = overall(reports);
    let text = match args.format {
        CheckFormat::Table => render_table(&report),
        CheckFormat::Json => serde_json::to_string_pretty(&report)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .unwrap_or_default(),
    };
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    match report.verdict {
        Verdict::Ok => Exit::Ok,
        Verdict::Degraded => Exit::Degraded,
        Verdict::Failed => Exit::Down,
    }
}

/// The worst target decides: failed, then degraded, then ok.
fn overall(targets: Vec<TargetReport>) -> Report {
    let verdict = if targets.iter().any(|t| t.verdict == Verdict::Failed) {
        Verdict::Failed
    } else if targets.iter().any(|t| t.verdict == Verdict::Degraded) {
        Verdict::Degraded
    } else {
        Verdict::Ok
    };
    let summary = match targets.as_slice() {
        [only] => only.summary.clone(),
        _ => {
            let each: Vec<String> = targets
                .iter()
                .map(|t| format!("{} {}", t.name, verdict_word(t.verdict)))
                .collect();
            format!(
                "{} targets checked, {}: {}",
                targets.len(),
                verdict_word(verdict),
                each.join(", ")
            )
        }
    };
    Report {
        schema_version: 1,
        exporter_version: env!("CARGO_PKG_VERSION"),
        verdict,
        exit_code: exit_code(verdict),
        summary,
        targets,
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Degraded => "degraded",
        Verdict::Failed => "failed",
    }
}

fn exit_code(v: Verdict) -> u8 {
    match v {
        Verdict::Ok => Exit::Ok as u8,
        Verdict::Failed => Exit::Down as u8,
        Verdict::Degraded => Exit::Degraded as u8,
    }
}

#[allow(clippy::too_many_lines)]
async fn walk(target: Target<'_>, collector: &Collector, progress: &Progress) -> TargetReport {
    let client_config = target.client;
    let url = &client_config.url;
    let timeout = client_config.timeout;
    let server_shown = collector.client().server().to_owned();
    let mut steps = Steps::default();

    // Configuration: already validated, or we would not be here.
    let enabled: Vec<&str> = CollectorName::OPTIONAL
        .into_iter()
        .filter(|c| target.options.is_enabled(*c))
        .map(CollectorName::as_str)
        .collect();
    steps.push(
        "config",
        Status::Ok,
        format!(
            "valid; timeout {}; collectors: session, {}",
            humantime::format_duration(timeout),
            enabled.join(", ")
        ),
        None,
        None,
    );

    // URL.
    progress.step(target.name, "URL");
    let port = url.port_or_known_default();
    let (host, port) = match (url.host(), port) {
        (Some(h), Some(p)) => (h.to_owned(), p),
        _ => {
            steps.push(
                "url",
                Status::Failed,
                format!("{server_shown} has no host or port"),
                Some("set --technitium.url to e.g. http://dns.lan:5380".to_owned()),
                None,
            );
            return finish(target, steps, None, None, &server_shown);
        }
    };
    steps.push(
        "url",
        Status::Ok,
        format!("{}: host {host}, port {port}", url.scheme()),
        None,
        None,
    );

    // DNS.
    progress.step(target.name, "DNS resolution");
    let started = Instant::now();
    let addrs = match resolve(&host, port, timeout).await {
        Ok(addrs) => {
            let (detail, elapsed) = match &host {
                Host::Domain(d) => (
                    format!("{d} → {}", join_ips(&addrs)),
                    Some(started.elapsed()),
                ),
                _ => (
                    format!("{} (an IP address: nothing to resolve)", join_ips(&addrs)),
                    None,
                ),
            };
            steps.push("dns", Status::Ok, detail, None, elapsed);
            addrs
        }
        Err((detail, hint)) => {
            steps.push(
                "dns",
                Status::Failed,
                detail,
                Some(hint),
                Some(started.elapsed()),
            );
            return finish(target, steps, None, None, &server_shown);
        }
    };
    let loopback = addrs.iter().all(|a| a.ip().is_loopback());

    // TCP.
    progress.step(target.name, "TCP connect");
    let started = Instant::now();
    let stream = match connect(&addrs, timeout).await {
        Ok((stream, addr)) => {
            steps.push(
                "tcp",
                Status::Ok,
                format!("connected to {addr}"),
                None,
                Some(started.elapsed()),
            );
            stream
        }
        Err((detail, hint)) => {
            steps.push(
                "tcp",
                Status::Failed,
                detail,
                Some(hint),
                Some(started.elapsed()),
            );
            return finish(target, steps, None, None, &server_shown);
        }
    };

    // TLS.
    if url.scheme() == "https" {
        progress.step(target.name, "TLS handshake");
        let started = Instant::now();
        let (status, detail, hint) = tls_step(client_config, &host, stream, timeout).await;
        steps.push("tls", status, detail, hint, Some(started.elapsed()));
        if status == Status::Failed {
            return finish(target, steps, None, None, &server_shown);
        }
    } else {
        drop(stream);
        if loopback {
            steps.push(
                "tls",
                Status::NotApplicable,
                "plain http on loopback",
                None,
                None,
            );
        } else {
            steps.push(
                "tls",
                Status::Warning,
                "plain http: the API token crosses the network unencrypted",
                Some(
                    "use https (Technitium serves its web console over TLS on port 53443 once enabled under Settings → Web Service)"
                        .to_owned(),
                ),
                None,
            );
        }
    }

    // HTTP and token.
    progress.step(target.name, "HTTP and token (session/get)");
    let started = Instant::now();
    let session = collector.client().session().await;
    let elapsed = started.elapsed();
    let info = match session {
        Ok(info) => info,
        Err(e) => {
            token_failure(&mut steps, &e, elapsed);
            return finish(target, steps, None, None, &server_shown);
        }
    };
    steps.push(
        "http",
        Status::Ok,
        "the server answered with Technitium's JSON",
        None,
        Some(elapsed),
    );
    let token_in_query = collector.client().uses_query_token();
    steps.push(
        "token",
        Status::Ok,
        if token_in_query {
            "accepted, sent as the ?token= query parameter (the server is before v15)"
        } else {
            "accepted, sent in the Authorization: Bearer header"
        },
        None,
        None,
    );

    // Version.
    let server = version_step(&mut steps, &info, token_in_query);

    // Collectors: one real collection.
    progress.step(target.name, "collectors");
    let snapshot = collector
        .collect(Instant::now() + client_config.timeout)
        .await;
    finish(target, steps, Some(server), Some(&snapshot), &server_shown)
}

/// Reports a failed session/get on the http and token rows.
fn token_failure(steps: &mut Steps, e: &ApiError, elapsed: Duration) {
    let detail = e.to_string();
    match e {
        ApiError::MissingToken { .. } => {
            steps.push(
                "http",
                Status::Skipped,
                "not checked: no token to send",
                None,
                None,
            );
            steps.push("token", Status::Failed, detail, None, None);
        }
        ApiError::InvalidToken { .. }
        | ApiError::TwoFactorRequired { .. }
        | ApiError::PermissionDenied { .. }
        | ApiError::Api { .. } => {
            steps.push(
                "http",
                Status::Ok,
                "the server answered with Technitium's JSON",
                None,
                Some(elapsed),
            );
            steps.push("token", Status::Failed, detail, None, None);
        }
        ApiError::Unreachable { .. }
        | ApiError::Timeout { .. }
        | ApiError::HttpStatus { .. }
        | ApiError::BadResponse { .. }
        | ApiError::TooLarge { .. }
        | ApiError::ParameterNotAllowed { .. } => {
            steps.push("http", Status::Failed, detail, None, Some(elapsed));
        }
    }
}

fn version_step(steps: &mut Steps, info: &SessionInfo, token_in_query: bool) -> Server {
    let version = info.version.trim().to_owned();
    let parsed = parse_version(&version);
    let (first, last) = (SUPPORTED_MAJORS.start(), SUPPORTED_MAJORS.end());
    let range = format!("{first}.x–{last}.x");
    let supported = parsed.is_some_and(|(major, _)| SUPPORTED_MAJORS.contains(&major));
    let (status, detail, hint) = match parsed {
        Some(_) if supported => (
            Status::Ok,
            format!("Technitium {version} (supported: {range})"),
            None,
        ),
        Some((major, _)) if major < *first => (
            Status::Warning,
            format!("Technitium {version} is older than the oldest tested ({range})"),
            Some("some collectors may fail; upgrade Technitium".to_owned()),
        ),
        Some(_) => (
            Status::Warning,
            format!("Technitium {version} is newer than the latest tested ({range})"),
            Some("new fields may be missing; look for a newer exporter".to_owned()),
        ),
        None => (
            Status::Warning,
            format!("cannot read the server's version {version:?}"),
            None,
        ),
    };
    steps.push("version", status, detail, hint, None);
    Server {
        version,
        supported,
        domain: info.dns_server_domain.clone(),
        token_in_query,
    }
}

async fn resolve(
    host: &Host,
    port: u16,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, (String, String)> {
    let domain = match host {
        Host::Ipv4(ip) => return Ok(vec![SocketAddr::new(IpAddr::V4(*ip), port)]),
        Host::Ipv6(ip) => return Ok(vec![SocketAddr::new(IpAddr::V6(*ip), port)]),
        Host::Domain(d) => d.as_str(),
    };
    let hint =
        "check the host name in --technitium.url and this machine's resolver (/etc/resolv.conf)"
            .to_owned();
    match tokio::time::timeout(timeout, tokio::net::lookup_host((domain, port))).await {
        Err(_) => Err((
            format!(
                "no answer for {domain} within {}",
                humantime::format_duration(timeout)
            ),
            hint,
        )),
        Ok(Err(e)) => Err((format!("cannot resolve {domain}: {e}"), hint)),
        Ok(Ok(addrs)) => {
            let mut addrs: Vec<SocketAddr> = addrs.collect();
            addrs.dedup();
            if addrs.is_empty() {
                Err((format!("{domain} has no address"), hint))
            } else {
                Ok(addrs)
            }
        }
    }
}

fn join_ips(addrs: &[SocketAddr]) -> String {
    let mut ips: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    ips.dedup();
    ips.join(", ")
}

async fn connect(
    addrs: &[SocketAddr],
    timeout: Duration,
) -> Result<(TcpStream, SocketAddr), (String, String)> {
    let mut errors = Vec::new();
    let mut refused = false;
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok((stream, *addr)),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                refused = true;
                errors.push(format!("{addr}: connection refused"));
            }
            Ok(Err(e)) => errors.push(format!("{addr}: {e}")),
            Err(_) => errors.push(format!(
                "{addr}: no answer within {} (a firewall dropping packets?)",
                humantime::format_duration(timeout)
            )),
        }
    }
    let hint = if refused {
        "nothing listens there: is Technitium running, and is the port right? (web console: 5380 for http, 53443 for https)"
    } else {
        "check that the host is up and that no firewall blocks the port"
    };
    Err((
        format!("cannot connect to {}", errors.join("; ")),
        hint.to_owned(),
    ))
}

/// Delegates to the real verifier and remembers its verdict, so an insecure run can still say
/// whether the certificate would have verified.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    accept_any: bool,
    error: Mutex<Option<rustls::Error>>,
}

impl RecordingVerifier {
    fn record<T>(
        &self,
        result: Result<T, rustls::Error>,
        or: impl FnOnce() -> T,
    ) -> Result<T, rustls::Error> {
        match result {
            Ok(v) => Ok(v),
            Err(e) => {
                if let Ok(mut slot) = self.error.lock() {
                    slot.get_or_insert(e.clone());
                }
                if self.accept_any { Ok(or()) } else { Err(e) }
            }
        }
    }

    fn recorded(&self) -> Option<rustls::Error> {
        self.error.lock().ok().and_then(|e| e.clone())
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.record(
            self.inner.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ),
            ServerCertVerified::assertion,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.record(
            self.inner.verify_tls12_signature(message, cert, dss),
            HandshakeSignatureValid::assertion,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.record(
            self.inner.verify_tls13_signature(message, cert, dss),
            HandshakeSignatureValid::assertion,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The client's trust: system roots (rustls-platform-verifier, as reqwest uses) plus the CA file.
fn verifier(config: &ClientConfig) -> Result<RecordingVerifier, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut extra = Vec::new();
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read CA file {}: {e}", path.display()))?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            extra.push(
                cert.map_err(|e| format!("CA file {} is not a PEM bundle: {e}", path.display()))?,
            );
        }
    }
    let inner = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
        .map_err(|e| format!("cannot load the trusted certificates: {e}"))?;
    Ok(RecordingVerifier {
        inner: Arc::new(inner),
        accept_any: config.insecure_skip_verify,
        error: Mutex::new(None),
    })
}

async fn tls_step(
    config: &ClientConfig,
    host: &Host,
    stream: TcpStream,
    timeout: Duration,
) -> (Status, String, Option<String>) {
    let verifier = match verifier(config) {
        Ok(v) => Arc::new(v),
        Err(e) => return (Status::Failed, e, None),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = match rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
    {
        Ok(b) => b
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth(),
        Err(e) => return (Status::Failed, format!("cannot set up TLS: {e}"), None),
    };
    let name: ServerName<'static> = match host {
        Host::Domain(d) => match ServerName::try_from(d.clone()) {
            Ok(n) => n,
            Err(e) => {
                return (
                    Status::Failed,
                    format!("{d} is not a valid TLS name: {e}"),
                    None,
                );
            }
        },
        Host::Ipv4(ip) => ServerName::IpAddress(IpAddr::V4(*ip).into()),
        Host::Ipv6(ip) => ServerName::IpAddress(IpAddr::V6(*ip).into()),
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(tls));
    let not_tls = || {
        Some("this port does not speak TLS: use http:// for it, or the HTTPS port (53443 by default)".to_owned())
    };
    let conn = match tokio::time::timeout(timeout, connector.connect(name, stream)).await {
        Err(_) => {
            return (
                Status::Failed,
                format!(
                    "no TLS handshake within {}",
                    humantime::format_duration(timeout)
                ),
                not_tls(),
            );
        }
        Ok(Err(e)) => {
            let tls_error = verifier.recorded().or_else(|| {
                e.get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                    .cloned()
            });
            return match tls_error {
                Some(err) => describe_tls_error(&err, host),
                None if e.kind() == std::io::ErrorKind::UnexpectedEof => (
                    Status::Failed,
                    "the server closed the connection during the TLS handshake".to_owned(),
                    not_tls(),
                ),
                None => (Status::Failed, format!("TLS handshake failed: {e}"), None),
            };
        }
        Ok(Ok(conn)) => conn,
    };
    let (_, session) = conn.get_ref();
    let protocol = match session.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3",
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2",
        _ => "TLS",
    };
    let expiry = session
        .peer_certificates()
        .and_then(|c| c.first())
        .and_then(|c| cert_not_after(c.as_ref()));
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let (expiry_text, days) = match expiry {
        Some(t) => {
            let days = (t - now).div_euclid(86_400);
            let date = time::OffsetDateTime::from_unix_timestamp(t)
                .map(|d| d.date().to_string())
                .unwrap_or_default();
            (
                format!("certificate valid until {date} ({days} days)"),
                Some(days),
            )
        }
        None => ("certificate expiry unreadable".to_owned(), None),
    };
    if config.insecure_skip_verify {
        let (detail, hint) = match verifier.recorded() {
            Some(e) => (
                format!(
                    "{protocol}; certificate NOT verified ({}), accepted because of --technitium.insecure-skip-verify; {expiry_text}",
                    describe_tls_error(&e, host).1
                ),
                "pass --technitium.ca-file with the CA that signed the certificate instead",
            ),
            None => (
                format!(
                    "{protocol}; verification off (--technitium.insecure-skip-verify), though the certificate verifies; {expiry_text}"
                ),
                "drop --technitium.insecure-skip-verify: the certificate is trusted",
            ),
        };
        return (Status::Warning, detail, Some(hint.to_owned()));
    }
    match days {
        Some(d) if d < CERT_WARN_DAYS => (
            Status::Warning,
            format!("{protocol}; certificate verified; {expiry_text}"),
            Some("renew the server's certificate soon".to_owned()),
        ),
        _ => (
            Status::Ok,
            format!("{protocol}; certificate verified; {expiry_text}"),
            None,
        ),
    }
}

fn describe_tls_error(e: &rustls::Error, host: &Host) -> (Status, String, Option<String>) {
    let trust = "pass --technitium.ca-file with the CA that signed it (for Technitium's self-signed certificate: the certificate itself), or --technitium.insecure-skip-verify (insecure)";
    let (detail, hint) = match e {
        rustls::Error::InvalidCertificate(ce) => match ce {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => (
                "the certificate is not signed by a trusted CA".to_owned(),
                Some(trust.to_owned()),
            ),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => (
                format!("the certificate is not valid for {host}"),
                Some("use the name the certificate was issued for in --technitium.url".to_owned()),
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => (
                "the certificate has expired".to_owned(),
                Some("renew the server's certificate".to_owned()),
            ),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => (
                "the certificate is not valid yet (check both clocks)".to_owned(),
                None,
            ),
            other => (format!("invalid certificate: {other:?}"), Some(trust.to_owned())),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => (
            format!("the server did not answer with TLS ({e})"),
            Some("this port does not speak TLS: use http:// for it, or the HTTPS port (53443 by default)".to_owned()),
        ),
        rustls::Error::AlertReceived(alert) => (
            format!("the server refused the TLS handshake (alert {alert:?})"),
            None,
        ),
        other => (format!("TLS handshake failed: {other}"), None),
    };
    (Status::Failed, detail, hint)
}

/// `notAfter` of a DER X.509 certificate, in seconds since the Unix epoch.
fn cert_not_after(der: &[u8]) -> Option<i64> {
    let (0x30, cert, _) = der_next(der)? else {
        return None;
    };
    let (0x30, tbs, _) = der_next(cert)? else {
        return None;
    };
    let (tag, _, mut rest) = der_next(tbs)?;
    if tag != 0xa0 {
        // No explicit version: that was the serial number already.
        rest = der_next(tbs)?.2;
        for _ in 0..2 {
            rest = der_next(rest)?.2;
        }
    } else {
        // serial, signature algorithm, issuer
        for _ in 0..3 {
            rest = der_next(rest)?.2;
        }
    }
    let (0x30, validity, _) = der_next(rest)? else {
        return None;
    };
    let (_, _, after) = der_next(validity)?;
    let (tag, time, _) = der_next(after)?;
    der_time(tag, time)
}

/// One DER TLV: `(tag, content, rest)`.
fn der_next(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (bytes, rest) = rest.split_at_checked(n)?;
        (
            bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b)),
            rest,
        )
    };
    let (content, rest) = rest.split_at_checked(len)?;
    Some((tag, content, rest))
}

/// UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn der_time(tag: u8, content: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(content).ok()?.strip_suffix('Z')?;
    let num = |a: usize, b: usize| s.get(a..b)?.parse::<u16>().ok();
    let (year, rest) = match tag {
        0x17 => {
            let yy = i32::from(num(0, 2)?);
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, 2)
        }
        0x18 => (i32::from(num(0, 4)?), 4),
        _ => return None,
    };
    if s.len() != rest + 10 {
        return None;
    }
    let month = time::Month::try_from(u8::try_from(num(rest, rest + 2)?).ok()?).ok()?;
    let field = |i: usize| num(rest + i, rest + i + 2).and_then(|v| u8::try_from(v).ok());
    let date = time::Date::from_calendar_date(year, month, field(2)?).ok()?;
    let t = time::Time::from_hms(field(4)?, field(6)?, field(8)?).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, t)
            .assume_utc()
            .unix_timestamp(),
    )
}

fn collector_hint(name: CollectorName, outcome: &Outcome, timeout: Duration) -> Option<String> {
    match outcome {
        Outcome::NoPermission(_) => Some(format!(
            "grant it under Administration → Groups, or pass --no-collector.{name}"
        )),
        Outcome::Failed(ApiError::PermissionDenied { .. }) => Some(format!(
            "grant it under Administration → Groups, or pass --no-collector.{name}"
        )),
        Outcome::Failed(_) => Some(format!(
            "or pass --no-collector.{name} to stop collecting it"
        )),
        Outcome::DeadlineExceeded => Some(format!(
            "raise --technitium.timeout (now {}), or pass --no-collector.{name}",
            humantime::format_duration(timeout)
        )),
        Outcome::Success | Outcome::NotApplicable => None,
    }
}

fn not_applicable_detail(name: CollectorName, session: &SessionData) -> String {
    let version = &session.info.version;
    match name {
        CollectorName::Lifetime => {
            format!(
                "not applicable: lifetime counters need Technitium v15 or later (this is {version})"
            )
        }
        CollectorName::Cluster if !session.at_least(14) => {
            format!("not applicable: clusters need Technitium v14 or later (this is {version})")
        }
        CollectorName::Cluster => "not applicable: this server is not part of a cluster".to_owned(),
        _ => "not applicable to this server".to_owned(),
    }
}

fn collector_rows(target: Target<'_>, snapshot: Option<&Snapshot>) -> Vec<CollectorRow> {
    let timeout = target.client.timeout;
    let session = snapshot.and_then(|s| s.session.as_ref().ok());
    let series = snapshot.map(series_per_collector).unwrap_or_default();
    let mut names = vec![CollectorName::Session];
    names.extend(CollectorName::OPTIONAL);
    names
        .into_iter()
        .map(|name| {
            let enabled = target.options.is_enabled(name);
            let permission = name.section();
            let permission_granted = match (permission, session) {
                (Some(section), Some(s)) => Some(
                    s.info
                        .permissions
                        .get(section)
                        .is_some_and(|p| p.can_view),
                ),
                _ => None,
            };
            let mut row = CollectorRow {
                name: name.as_str(),
                enabled,
                permission,
                permission_granted,
                status: Status::Skipped,
                detail: String::new(),
                hint: None,
                duration_ms: None,
                series: None,
            };
            if !enabled {
                row.status = Status::Disabled;
                row.detail = format!("off (turn on with --collector.{name})");
                return row;
            }
            let (Some(snapshot), Some(session)) = (snapshot, session) else {
                row.detail = "not checked: the server is not reachable with this token".to_owned();
                return row;
            };
            let Some(report) = snapshot.report(name) else {
                row.detail = "did not run".to_owned();
                return row;
            };
            row.duration_ms = Some(ms(report.duration));
            row.hint = collector_hint(name, &report.outcome, timeout);
            match &report.outcome {
                Outcome::Success => {
                    row.status = Status::Ok;
                    row.detail = "ok".to_owned();
                    if name == CollectorName::Zones
                        && let Some(z) = snapshot.zones.as_ref().filter(|z| z.truncated)
                    {
                        row.status = Status::Warning;
                        row.detail = format!(
                            "{} zones match, more than --collector.zones.limit ({}): per-zone series dropped",
                            z.matched, target.options.zones.limit
                        );
                        row.hint = Some(
                            "narrow --collector.zones.include/exclude or raise --collector.zones.limit"
                                .to_owned(),
                        );
                    }
                }
                Outcome::NoPermission(section) => {
                    row.duration_ms = None;
                    row.status = Status::NoPermission;
                    row.detail = format!("token lacks {section}: View");
                }
                Outcome::Failed(e) => {
                    row.status = Status::Failed;
                    row.detail = e.to_string();
                }
                Outcome::DeadlineExceeded => {
                    row.status = Status::Failed;
                    row.detail = report.outcome.describe();
                }
                Outcome::NotApplicable => {
                    row.status = Status::NotApplicable;
                    row.detail = not_applicable_detail(name, session);
                    row.duration_ms = None;
                }
            }
            if row.status != Status::NotApplicable {
                row.series = series.iter().find(|(n, _)| *n == name).map(|(_, c)| *c);
            }
            row
        })
        .collect()
}

fn finish(
    target: Target<'_>,
    mut steps: Steps,
    server: Option<Server>,
    snapshot: Option<&Snapshot>,
    shown: &str,
) -> TargetReport {
    if steps.failed() {
        steps.skip_rest();
    }
    let collectors = collector_rows(target, snapshot);
    let series = snapshot.filter(|s| s.up()).map(|s| {
        let mut enc = Encoder::new(Format::Text);
        write_families(s, &mut enc);
        enc.samples()
    });
    let warnings = steps
        .0
        .iter()
        .map(|s| s.status)
        .chain(collectors.iter().map(|c| c.status))
        .filter(|s| *s == Status::Warning)
        .count();
    let bad: Vec<String> = collectors
        .iter()
        .filter(|c| matches!(c.status, Status::Failed | Status::NoPermission))
        .map(|c| format!("{}: {}", c.name, with_hint(&c.detail, c.hint.as_ref())))
        .collect();
    let (verdict, summary) = if let Some(step) = steps.0.iter().find(|s| s.status == Status::Failed)
    {
        (
            Verdict::Failed,
            format!(
                "failed at {}: {}",
                step.title,
                with_hint(&step.detail, step.hint.as_ref())
            ),
        )
    } else if let Some(snapshot) = snapshot.filter(|s| !s.up()) {
        // The session worked a moment ago but the collection's did not.
        let why = snapshot
            .session
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        (Verdict::Failed, format!("failed: {why}"))
    } else if !bad.is_empty() {
        (
            Verdict::Degraded,
            format!(
                "degraded: {shown} answers and the token works, but {}",
                bad.join("; ")
            ),
        )
    } else {
        let warn = match warnings {
            0 => String::new(),
            1 => " (1 warning above)".to_owned(),
            n => format!(" ({n} warnings above)"),
        };
        (
            Verdict::Ok,
            format!(
                "all good: {shown} answers, the token works and every enabled collector succeeded; {} series{warn}",
                series.unwrap_or(0)
            ),
        )
    };
    TargetReport {
        name: target.name.to_owned(),
        target: shown.to_owned(),
        verdict,
        exit_code: exit_code(verdict),
        summary,
        warnings,
        series,
        server,
        steps: steps.0,
        collectors,
    }
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(110)
        .set_header(header.iter().copied().map(Cell::new));
    t
}

fn with_hint(detail: &str, hint: Option<&String>) -> String {
    match hint {
        Some(h) => format!("{detail} — {h}"),
        None => detail.to_owned(),
    }
}

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "✓",
        Verdict::Degraded => "!",
        Verdict::Failed => "✗",
    }
}

fn render_table(report: &Report) -> String {
    let many = report.targets.len() > 1;
    let mut out = String::new();
    for t in &report.targets {
        if many {
            out.push_str(&format!("target {} ({})\n", t.name, t.target));
        }
        out.push_str(&render_target(t, !many));
        if many {
            out.push('\n');
        }
    }
    if many {
        out.push_str(&format!(
            "{} {} (exit {})\n",
            mark(report.verdict),
            report.summary,
            report.exit_code
        ));
    }
    out
}

fn render_target(report: &TargetReport, show_exit: bool) -> String {
    let mut steps = table(&["", "check", "result", "time"]);
    for s in &report.steps {
        steps.add_row(vec![
            s.status.mark().to_owned(),
            s.title.to_owned(),
            with_hint(&s.detail, s.hint.as_ref()),
            s.duration_ms.map(|d| format!("{d} ms")).unwrap_or_default(),
        ]);
    }
    let mut collectors = table(&["", "collector", "permission", "result", "time", "series"]);
    for c in &report.collectors {
        let permission = match (c.permission, c.permission_granted) {
            (None, _) => "none needed".to_owned(),
            (Some(s), Some(true)) => format!("{s}: View ✓"),
            (Some(s), Some(false)) => format!("{s}: View ✗"),
            (Some(s), None) => format!("{s}: View"),
        };
        collectors.add_row(vec![
            c.status.mark().to_owned(),
            c.name.to_owned(),
            permission,
            with_hint(&c.detail, c.hint.as_ref()),
            c.duration_ms.map(|d| format!("{d} ms")).unwrap_or_default(),
            c.series.map(|n| n.to_string()).unwrap_or_default(),
        ]);
    }
    let collectors = if report.server.is_some() {
        format!("{collectors}\n")
    } else {
        "– collectors: not checked (the server is not reachable with this token)\n".to_owned()
    };
    let exit = if show_exit {
        format!(" (exit {})", report.exit_code)
    } else {
        String::new()
    };
    format!(
        "{steps}\n{collectors}{} {}{exit}\n",
        mark(report.verdict),
        report.summary,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // The test server certificate (localhost, 127.0.0.1), signed by tests/fixtures/check/ca.pem;
    // `openssl x509 -noout -enddate`: Nov  1 09:06:07 2126 GMT (a GeneralizedTime).
    const CERT: &str = include_str!("../tests/fixtures/check/cert.pem");
    const CERT_NOT_AFTER: i64 = 4_949_197_567;

    #[test]
    fn reads_not_after_from_a_certificate() {
        let der = CertificateDer::from_pem_slice(CERT.as_bytes()).ok();
        let t = der.as_ref().and_then(|d| cert_not_after(d.as_ref()));
        assert_eq!(t, Some(CERT_NOT_AFTER));
    }

    #[test]
    fn der_times_parse() {
        assert_eq!(der_time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(der_time(0x17, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(der_time(0x18, b"20380119031408Z"), Some(2_147_483_648));
        assert_eq!(der_time(0x18, b"2038011903140Z"), None);
        assert_eq!(der_time(0x17, b"701301000000Z"), None);
        assert_eq!(cert_not_after(&[0x30, 0x85, 1, 2, 3, 4, 5]), None);
        assert_eq!(cert_not_after(&[0x30, 0x02, 0x30]), None);
    }
}
