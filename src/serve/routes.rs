//! The routes: the telemetry path (default `/metrics`: the default target plus the exporter's
//! own metrics), `/probe?target=NAME` (a configured target's metrics only), `/` (landing page),
//! `/-/healthy`, `/-/ready`; anything else is 404.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use tokio::time::Instant;

use super::coalesce::Target;
use super::metrics::SelfMetrics;
use super::response::{Body, Exposition, whole};
use super::targets::{Targets, truncate};
use crate::render::exposition::Format;
use crate::web::BasicAuth;

/// What every request handler shares.
#[derive(Debug)]
pub(super) struct State {
    pub(super) targets: RwLock<Arc<Targets>>,
    pub(super) metrics: Arc<SelfMetrics>,
    pub(super) telemetry_path: String,
    /// `--technitium.timeout`: no scrape waits longer.
    pub(super) max_timeout: Duration,
    pub(super) auth: Option<Arc<BasicAuth>>,
    /// What the targets' clients share (kept across reloads).
    pub(super) shared: super::targets::Shared,
}

impl State {
    /// The current targets (replaced whole on SIGHUP).
    pub(super) fn targets(&self) -> Arc<Targets> {
        Arc::clone(&self.targets.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Replaces the targets.
    pub(super) fn set_targets(&self, targets: Targets) {
        *self.targets.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(targets);
    }
}

pub(super) fn text(status: StatusCode, body: impl Into<String>) -> Response<Body> {
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

pub(super) async fn handle(state: &State, req: Request<Incoming>) -> Response<Body> {
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
        && !auth.check(header(&req, header::AUTHORIZATION)).await
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
        "/" => landing(state, &targets),
        "/-/ready" => text(StatusCode::OK, "Ready\n"),
        _ => text(StatusCode::NOT_FOUND, "not found: see / for the routes\n"),
    }
}

async fn probe(state: &State, req: &Request<Incoming>, targets: &Targets) -> Response<Body> {
    let Some(name) = query_param(req, "target") else {
        return text(
            StatusCode::BAD_REQUEST,
            "missing ?target=NAME (a [targets.NAME] of the config file)\n",
        );
    };
    if let Some(module) = query_param(req, "module") {
        return match targets.url_target(&module, &name) {
            Ok(t) => scrape(state, req, &t, false).await,
            Err(reason) => text(StatusCode::BAD_REQUEST, format!("{reason}\n")),
        };
    }
    match targets.named.get(&name) {
        Some(t) => scrape(state, req, t, false).await,
        None => text(
            StatusCode::BAD_REQUEST,
            format!(
                "unknown target {:?}: only [targets.NAME] from the config file can be probed (URL targets need &module=NAME)\n",
                truncate(&name)
            ),
        ),
    }
}

async fn scrape(
    state: &State,
    req: &Request<Incoming>,
    target: &Arc<Target>,
    with_self: bool,
) -> Response<Body> {
    let arrived = Instant::now();
    let timeout = header(req, "x-prometheus-scrape-timeout-seconds")
        .map_or(state.max_timeout, |v| scrape_timeout(v, state.max_timeout));
    let format = if header(req, header::ACCEPT)
        .is_some_and(|a| a.contains("application/openmetrics-text"))
    {
        Format::OpenMetrics
    } else {
        Format::Text
    };
    let gzip = header(req, header::ACCEPT_ENCODING)
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let snapshot = target.snapshot(arrived + timeout).await;
    state.metrics.scraped(&target.name, snapshot.up());
    Exposition {
        snapshot,
        waited: arrived.elapsed(),
        format,
        gzip,
        with_self: with_self.then(|| Arc::clone(&state.metrics)),
    }
    .respond()
}

fn landing(state: &State, targets: &Targets) -> Response<Body> {
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
    let metrics = html_escape(&state.telemetry_path);
    let example = html_escape(names.first().map_or("dns2", |n| n));
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Technitium exporter</title></head>\n<body>\n<h1>Technitium exporter</h1>\n<p>Version {version}. A Prometheus exporter for Technitium DNS Server.</p>\n<ul>\n<li><a href=\"{metrics}\">{metrics}</a>: the default target and the exporter's own metrics</li>\n<li><a href=\"/-/healthy\">/-/healthy</a>, <a href=\"/-/ready\">/-/ready</a></li>\n</ul>\n<h2>Configured targets (/probe)</h2>\n<ul>{list}</ul>\n<h2>Prometheus configuration</h2>\n<pre>{config}</pre>\n</body></html>\n",
        version = env!("CARGO_PKG_VERSION"),
        config = scrape_config(&example),
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

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
