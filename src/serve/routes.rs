//! The routes: the telemetry path (default `/metrics`: the default target plus the exporter's
//! own metrics), `/probe?target=NAME` (a configured target's metrics only; `&node=NODE` for one
//! node of its cluster), `/sd` (Prometheus HTTP service discovery), `/` (landing and status
//! page), `/-/healthy`, `/-/ready`; anything else is 404. `debug=true` on a scrape answers
//! with what one scrape of the target did ([`debug`]).

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use tokio::time::Instant;

use super::coalesce::ServedTarget;
use super::debug::{self, DeadlineFrom};
use super::fleet::{Fleet, Refused};
use super::metrics::SelfMetrics;
use super::negotiate;
use super::response::{Exposition, ResponseBody, whole};
use super::sd;
use super::status::{self, escape};
use super::targets::{Targets, truncate};
use crate::technitium::ApiError;
use crate::web::BasicAuth;

/// What every request handler shares.
#[derive(Debug)]
pub(super) struct ServeState {
    pub(super) targets: RwLock<Arc<Targets>>,
    pub(super) metrics: Arc<SelfMetrics>,
    pub(super) telemetry_path: String,
    /// `--technitium.timeout`: no scrape waits longer.
    pub(super) max_timeout: Duration,
    pub(super) auth: Option<Arc<BasicAuth>>,
    /// What the targets' clients share (kept across reloads).
    pub(super) kit: super::kit::TargetKit,
    /// `--web.external-url`: where `/sd` says Prometheus reaches the exporter.
    pub(super) external_url: Option<url::Url>,
    /// Whether the listener speaks TLS (the scheme `/sd` gives without an external URL).
    pub(super) tls: bool,
}

impl ServeState {
    /// The current targets (replaced whole on SIGHUP).
    pub(super) fn targets(&self) -> Arc<Targets> {
        Arc::clone(&self.targets.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Replaces the targets.
    pub(super) fn set_targets(&self, targets: Targets) {
        *self.targets.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(targets);
    }
}

pub(super) fn text(status: StatusCode, body: impl Into<String>) -> Response<ResponseBody> {
    let mut r = whole(body.into());
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

/// How long a scrape may take, from an `X-Prometheus-Scrape-Timeout-Seconds` value:
/// Prometheus's timeout less a margin (a tenth, at most 0.5 s; never below 50 ms), or `ours`
/// when that is shorter or the value is not a positive finite number of seconds. Any value is
/// safe: `1e20` is clamped to `ours`, never converted to a `Duration` that does not exist.
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

fn header(req: &Request<Incoming>, name: impl header::AsHeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

pub(super) async fn handle(
    state: &ServeState,
    req: Request<Incoming>,
    peer: std::net::IpAddr,
) -> Response<ResponseBody> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are supported\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    // Liveness answers without credentials: it says nothing but "the process serves", and a
    // supervisor's probe should not need the password.
    if req.uri().path() == "/-/healthy" {
        return text(StatusCode::OK, "Healthy\n");
    }
    if let Some(auth) = &state.auth
        && !auth.check(header(&req, header::AUTHORIZATION), peer).await
    {
        let mut r = text(StatusCode::UNAUTHORIZED, "unauthorized\n");
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"technitium-exporter\""),
        );
        return r;
    }
    let targets = state.targets();
    match req.uri().path() {
        p if p == state.telemetry_path => scrape(state, &req, &targets.default, true).await,
        "/probe" => probe(state, &req, &targets).await,
        "/sd" => service_discovery(state, &req, &targets).await,
        "/" => landing(state, &targets),
        "/-/ready" => text(StatusCode::OK, "Ready\n"),
        _ => text(StatusCode::NOT_FOUND, "not found: see / for the routes\n"),
    }
}

async fn probe(
    state: &ServeState,
    req: &Request<Incoming>,
    targets: &Targets,
) -> Response<ResponseBody> {
    let Some(name) = query_param(req, "target") else {
        return text(
            StatusCode::BAD_REQUEST,
            "missing ?target=NAME (a [targets.NAME] of the config file)\n",
        );
    };
    if let Some(node) = query_param(req, "node") {
        return probe_node(state, req, targets, &name, &node).await;
    }
    if let Some(module) = query_param(req, "module") {
        return match targets.url_target(&module, &name) {
            Ok(t) => scrape(state, req, &t, false).await,
            Err(reason) => text(StatusCode::BAD_REQUEST, format!("{reason}\n")),
        };
    }
    match targets.named.get(&name) {
        Some(t) => {
            let fleet = targets.fleets.get(&name).map(|f| &**f);
            scrape_target(state, req, t, false, fleet).await
        }
        None => text(
            StatusCode::BAD_REQUEST,
            format!(
                "unknown target {:?}: only [targets.NAME] from the config file can be probed (URL targets need &module=NAME)\n",
                truncate(&name)
            ),
        ),
    }
}

/// `/probe?target=NAME&node=NODE`: one node of a configured target's cluster, which must be a
/// node the target's server lists (else 400, also when a later session no longer lists it).
async fn probe_node(
    state: &ServeState,
    req: &Request<Incoming>,
    targets: &Targets,
    name: &str,
    node: &str,
) -> Response<ResponseBody> {
    let bad = |why: String| text(StatusCode::BAD_REQUEST, format!("{why}\n"));
    let shown = truncate(node);
    if query_param(req, "module").is_some() {
        return bad(
            "node= works with configured targets only, not with module= URL targets".into(),
        );
    }
    let Some(fleet) = targets.fleets.get(name) else {
        return bad(if targets.named.contains_key(name) {
            format!(
                "target {name:?} has per_node = false: only its own node can be probed (drop &node=)"
            )
        } else {
            format!(
                "unknown target {:?}: only [targets.NAME] from the config file can be probed",
                truncate(name)
            )
        });
    };
    let arrived = Instant::now();
    let deadline = arrived + deadline_of(state, req);
    let node = node.to_ascii_lowercase();
    let target = match fleet.node(&node, deadline).await {
        Ok(t) => t,
        Err(refused) => return bad(refusal(&refused, name, &shown)),
    };
    if wants_debug(req) {
        return debug_scrape(state, req, &target, Some(fleet)).await;
    }
    let snapshot = target.snapshot(deadline).await;
    fleet.observe(&snapshot);
    if let Err(ApiError::NodeNotListed { listed, .. }) = &snapshot.session {
        return bad(format!(
            "node {shown:?} is no longer a node of target {name:?}'s cluster (its nodes: {})",
            if listed.is_empty() {
                "none: the server left its cluster".to_owned()
            } else {
                listed.join(", ")
            }
        ));
    }
    respond(state, req, &target, snapshot, arrived, false)
}

/// Why `/probe?target=NAME&node=NODE` cannot probe that node, for its 400 answer. The reason
/// only: a caller of /probe learns nothing of the target's URL.
fn refusal(refused: &Refused, name: &str, shown: &str) -> String {
    match refused {
        Refused::NotClustered => {
            format!("target {name:?} is not part of a cluster: drop &node={shown:?}")
        }
        Refused::NotListed(listed) => format!(
            "node {shown:?} is not a node of target {name:?}'s cluster (its nodes: {})",
            listed.join(", ")
        ),
        Refused::Unknown(e) => format!(
            "cannot tell whether {shown:?} is a node of target {name:?}: its node list could not be read (session/get failed: {}); the exporter's log says more",
            e.reason().as_str()
        ),
    }
}

/// `/sd`: Prometheus HTTP service discovery (see [`sd`]).
async fn service_discovery(
    state: &ServeState,
    req: &Request<Incoming>,
    targets: &Targets,
) -> Response<ResponseBody> {
    let base = match &state.external_url {
        Some(url) => sd::Base::of_url(url),
        None => header(req, header::HOST)
            .or_else(|| {
                req.uri()
                    .authority()
                    .map(hyper::http::uri::Authority::as_str)
            })
            .and_then(|h| sd::Base::of_host(h, state.tls)),
    };
    let Some(base) = base else {
        return text(
            StatusCode::BAD_REQUEST,
            "no usable Host header to build target addresses from: set --web.external-url (or [web] external_url)\n",
        );
    };
    let groups = sd::groups(targets, &base, Instant::now() + state.max_timeout).await;
    let mut body = serde_json::to_string(&groups).unwrap_or_else(|_| "[]".to_owned());
    body.push('\n');
    let mut r = whole(body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// How long a request may take (see [`scrape_timeout`]).
fn deadline_of(state: &ServeState, req: &Request<Incoming>) -> Duration {
    header(req, "x-prometheus-scrape-timeout-seconds")
        .map_or(state.max_timeout, |v| scrape_timeout(v, state.max_timeout))
}

async fn scrape(
    state: &ServeState,
    req: &Request<Incoming>,
    target: &Arc<ServedTarget>,
    with_self: bool,
) -> Response<ResponseBody> {
    scrape_target(state, req, target, with_self, None).await
}

/// A scrape; a scrape of a clustered target's own URL (`fleet`) refreshes its node list for
/// free.
async fn scrape_target(
    state: &ServeState,
    req: &Request<Incoming>,
    target: &Arc<ServedTarget>,
    with_self: bool,
    fleet: Option<&Fleet>,
) -> Response<ResponseBody> {
    if wants_debug(req) {
        return debug_scrape(state, req, target, fleet).await;
    }
    let arrived = Instant::now();
    let snapshot = target.snapshot(arrived + deadline_of(state, req)).await;
    if let Some(fleet) = fleet {
        fleet.observe(&snapshot);
    }
    respond(state, req, target, snapshot, arrived, with_self)
}

/// Whether the request asks for the debug output (`debug=true`).
fn wants_debug(req: &Request<Incoming>) -> bool {
    query_param(req, "debug").is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// `debug=true`: one scrape for this request alone, answered as text (see [`debug`]).
async fn debug_scrape(
    state: &ServeState,
    req: &Request<Incoming>,
    target: &Arc<ServedTarget>,
    fleet: Option<&Fleet>,
) -> Response<ResponseBody> {
    let from = header(req, "x-prometheus-scrape-timeout-seconds").map_or(DeadlineFrom::Flag, |v| {
        DeadlineFrom::Prometheus(truncate(v))
    });
    let Some(_slot) = target.debug_slot() else {
        return text(
            StatusCode::TOO_MANY_REQUESTS,
            "a debug scrape of this target is running: try again when it has answered (one at a time per target)\n",
        );
    };
    let (snapshot, body) = debug::run(target, deadline_of(state, req), &from).await;
    if let Some(fleet) = fleet {
        fleet.observe(&snapshot);
    }
    target.saw(&snapshot, snapshot.duration, true);
    text(StatusCode::OK, body)
}

fn respond(
    state: &ServeState,
    req: &Request<Incoming>,
    target: &Arc<ServedTarget>,
    snapshot: Arc<crate::collector::Snapshot>,
    arrived: Instant,
    with_self: bool,
) -> Response<ResponseBody> {
    let format = negotiate::format(header(req, header::ACCEPT));
    let gzip = header(req, header::ACCEPT_ENCODING)
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    state
        .metrics
        .scraped(&target.name, target.node.as_deref(), snapshot.up());
    let waited = arrived.elapsed();
    target.saw(&snapshot, waited, false);
    Exposition {
        snapshot,
        waited,
        format,
        gzip,
        with_self: with_self.then(|| Arc::clone(&state.metrics)),
    }
    .respond()
}

fn landing(state: &ServeState, targets: &Targets) -> Response<ResponseBody> {
    let mut names: Vec<&str> = targets.named.keys().map(String::as_str).collect();
    names.sort_unstable();
    let list = if names.is_empty() {
        "<li>none: add <code>[targets.NAME]</code> tables to the config file</li>".to_owned()
    } else {
        names
            .iter()
            .map(|n| {
                let n = escape(n);
                format!("<li><a href=\"/probe?target={n}\">{n}</a></li>")
            })
            .collect::<String>()
    };
    let metrics = escape(&state.telemetry_path);
    let example = escape(names.first().map_or("dns2", |n| n));
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Technitium exporter</title><style>{style}</style></head>\n<body>\n<h1>Technitium exporter</h1>\n<p>Version {version}. A Prometheus exporter for Technitium DNS Server.</p>\n<ul>\n<li><a href=\"{metrics}\">{metrics}</a>: the default target and the exporter's own metrics</li>\n<li><a href=\"/sd\">/sd</a>: Prometheus HTTP service discovery of every configured target and every node of their clusters</li>\n<li><a href=\"/-/healthy\">/-/healthy</a>, <a href=\"/-/ready\">/-/ready</a></li>\n</ul>\n{status}<h2>Configured targets (/probe)</h2>\n<ul>{list}</ul>\n<h2>Prometheus configuration</h2>\n<pre>{config}</pre>\n<h2>Or: service discovery (every target, every cluster node)</h2>\n<p>A target whose server is in a Technitium cluster is listed once per node (<code>/probe?target=NAME&amp;node=NODE</code>, proxied through the target's URL with <code>node=</code>).</p>\n<pre>{sd}</pre>\n</body></html>\n",
        version = env!("CARGO_PKG_VERSION"),
        style = status::STYLE,
        status = status::section(targets, &state.metrics, &state.telemetry_path),
        config = scrape_config(&example),
        sd = escape(&sd_config(state.external_url.as_ref())),
    );
    let mut r = whole(body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// The landing page's example scrape configuration.
fn scrape_config(example: &str) -> String {
    format!(
        "scrape_configs:\n  - job_name: technitium\n    static_configs:\n      - targets: ['exporter-host:9274']\n  - job_name: technitium-probe\n    metrics_path: /probe\n    static_configs:\n      - targets: ['{example}']\n    relabel_configs:\n      - source_labels: [__address__]\n        target_label: __param_target\n      - source_labels: [__param_target]\n        target_label: instance\n      - target_label: __address__\n        replacement: exporter-host:9274\n"
    )
}

/// The landing page's example of a job discovering its targets through `/sd`.
fn sd_config(external: Option<&url::Url>) -> String {
    let url = external.map_or_else(
        || "http://exporter-host:9274/sd".to_owned(),
        |u| format!("{}/sd", u.as_str().trim_end_matches('/')),
    );
    format!(
        "scrape_configs:\n  - job_name: technitium-sd\n    http_sd_configs:\n      - url: {url}\n        # basic_auth and tls_config as for the scrapes, when [web] sets them\n    relabel_configs:            # instance: the node, else the target name\n      - source_labels: [technitium_target]\n        target_label: instance\n      - source_labels: [technitium_node]\n        regex: (.+)\n        target_label: instance\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_scrape_timeout_header_is_safe() {
        let ours = Duration::from_secs(10);
        for bad in [
            "1e20",
            "1e400",
            "-3",
            "0",
            "NaN",
            "inf",
            "",
            "x",
            "18446744073709551616",
        ] {
            assert_eq!(scrape_timeout(bad, ours), ours, "{bad}");
        }
        assert_eq!(scrape_timeout("5", ours), Duration::from_secs_f64(4.5));
        assert_eq!(scrape_timeout("0.01", ours), Duration::from_secs_f64(0.05));
        assert_eq!(scrape_timeout("30", ours), ours);
    }
}
