//! The exporter's own metrics, served on the telemetry path only: build info, the outcome of the
//! last configuration reload, scrapes and upstream requests per target, and the process
//! collector.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use prometheus::proto::{MetricFamily, MetricType};
use prometheus::{
    Gauge, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
};

use crate::exposition::{Encoder, Kind};
use crate::technitium::{Call, RequestObserver};

/// The exporter's own metrics.
#[derive(Debug)]
pub(super) struct SelfMetrics {
    /// When this process started: `process_start_time_seconds` falls back to it where the
    /// sandbox hides `/proc/stat` (systemd's `ProcSubset=pid`), which the process collector
    /// needs for its own computation and otherwise reports as 0.
    started: f64,
    registry: Registry,
    /// Whether the last reload succeeded (1 from the start until one fails).
    reload_successful: IntGauge,
    /// When the configuration was last loaded: the start, then each successful reload.
    reload_success_time: Gauge,
    /// Reloads tried since the start (the status page tells "none yet" from an outcome).
    reloads: AtomicU64,
    pub(super) scrapes: IntCounterVec,
    upstream_requests: IntCounterVec,
    upstream_duration: HistogramVec,
}

fn build_info() -> Result<IntGaugeVec, prometheus::Error> {
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
    Ok(build)
}

/// The reload gauges (blackbox_exporter's pair): successful, and the time of the last success,
/// which is `now` until a reload succeeds.
fn reload_gauges(now: f64) -> Result<(IntGauge, Gauge), prometheus::Error> {
    let successful = IntGauge::new(
        "technitium_exporter_config_last_reload_successful",
        "Whether the last configuration reload (SIGHUP) succeeded; 1 until one fails.",
    )?;
    successful.set(1);
    let success_time = Gauge::new(
        "technitium_exporter_config_last_reload_success_timestamp_seconds",
        "When the configuration was last loaded successfully, at the start or by a reload (SIGHUP), in seconds since the Unix epoch.",
    )?;
    success_time.set(now);
    Ok((successful, success_time))
}

/// Seconds since the Unix epoch.
pub(super) fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl SelfMetrics {
    pub(super) fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let scrapes = IntCounterVec::new(
            Opts::new(
                "technitium_exporter_scrapes_total",
                "Scrapes served, by target, cluster node (per-node scrapes only) and result (success: technitium_up 1).",
            ),
            &["target", "node", "result"],
        )?;
        let upstream_requests = IntCounterVec::new(
            Opts::new(
                "technitium_exporter_upstream_requests_total",
                "Requests to the Technitium API, by target, cluster node (per-node scrapes only), API path and result (success or a technitium_scrape_error reason).",
            ),
            &["target", "node", "endpoint", "result"],
        )?;
        let upstream_duration = HistogramVec::new(
            HistogramOpts::new(
                "technitium_exporter_upstream_request_duration_seconds",
                "Time of requests to the Technitium API, by target, cluster node (per-node scrapes only) and API path.",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["target", "node", "endpoint"],
        )?;
        let now = unix_now();
        let (reload_successful, reload_success_time) = reload_gauges(now)?;
        registry.register(Box::new(build_info()?))?;
        registry.register(Box::new(reload_successful.clone()))?;
        registry.register(Box::new(reload_success_time.clone()))?;
        registry.register(Box::new(scrapes.clone()))?;
        registry.register(Box::new(upstream_requests.clone()))?;
        registry.register(Box::new(upstream_duration.clone()))?;
        #[cfg(target_os = "linux")]
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        Ok(Self {
            started: now.floor(),
            registry,
            reload_successful,
            reload_success_time,
            reloads: AtomicU64::new(0),
            scrapes,
            upstream_requests,
            upstream_duration,
        })
    }

    /// Records a reload's outcome; a successful one is the new time of the last success.
    pub(super) fn reloaded(&self, ok: bool) {
        self.reloads.fetch_add(1, Ordering::Relaxed);
        self.reload_successful.set(i64::from(ok));
        if ok {
            self.reload_success_time.set(unix_now());
        }
    }

    /// When this process started, in seconds since the Unix epoch.
    pub(super) fn started(&self) -> f64 {
        self.started
    }

    /// The last reload (the status page): `None` before the first, else whether it succeeded;
    /// and when the configuration was last loaded (seconds since the Unix epoch).
    pub(super) fn last_reload(&self) -> (Option<bool>, f64) {
        let outcome =
            (self.reloads.load(Ordering::Relaxed) > 0).then(|| self.reload_successful.get() == 1);
        (outcome, self.reload_success_time.get())
    }

    /// Counts a served scrape (`node` for a per-node scrape).
    pub(super) fn scraped(&self, target: &str, node: Option<&str>, up: bool) {
        let result = if up { "success" } else { "failure" };
        self.scrapes
            .with_label_values(&[target, node.unwrap_or(""), result])
            .inc();
    }

    /// Writes every family through our encoder, so both exposition formats carry them.
    pub(super) fn write(&self, enc: &mut Encoder) {
        for f in &self.registry.gather() {
            write_family(f, self.started, enc);
        }
    }
}

/// An observer that feeds one target's (or one of its nodes') upstream requests into the self
/// metrics.
pub(super) fn observer(
    target: &str,
    node: Option<&str>,
    metrics: &Arc<SelfMetrics>,
) -> Arc<dyn RequestObserver> {
    Arc::new(Observer {
        target: target.to_owned(),
        node: node.unwrap_or("").to_owned(),
        metrics: Arc::clone(metrics),
    })
}

/// Feeds upstream request events of one target into the self metrics.
struct Observer {
    target: String,
    /// The cluster node, or empty (a label that is not written).
    node: String,
    metrics: Arc<SelfMetrics>,
}

impl RequestObserver for Observer {
    fn observe(&self, call: &Call<'_>) {
        // A call cut off by the scrape's deadline has no result to count.
        let Some(result) = call.result_label() else {
            return;
        };
        let path = call.endpoint.path();
        self.metrics
            .upstream_requests
            .with_label_values(&[self.target.as_str(), self.node.as_str(), path, result])
            .inc();
        self.metrics
            .upstream_duration
            .with_label_values(&[self.target.as_str(), self.node.as_str(), path])
            .observe(call.elapsed.as_secs_f64());
    }
}

/// Writes one `prometheus` crate family through our encoder.
fn write_family(f: &MetricFamily, started: f64, enc: &mut Encoder) {
    let kind = match f.get_field_type() {
        MetricType::COUNTER => Kind::Counter,
        MetricType::HISTOGRAM => Kind::Histogram,
        _ => Kind::Gauge,
    };
    enc.family(f.name(), kind, f.help());
    for m in f.get_metric() {
        // An empty label is no label in Prometheus: `node` is written for per-node scrapes only,
        // so the other series keep the labels they always had.
        let labels: Vec<(&str, &str)> = m
            .get_label()
            .iter()
            .filter(|l| !l.value().is_empty())
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
            Kind::Histogram => write_histogram(m.get_histogram(), &labels, enc),
        }
    }
}

fn write_histogram(h: &prometheus::proto::Histogram, labels: &[(&str, &str)], enc: &mut Encoder) {
    let buckets: Vec<(f64, u64)> = h
        .get_bucket()
        .iter()
        .map(|b| (b.upper_bound(), b.cumulative_count()))
        .collect();
    enc.classic_histogram(labels, &buckets, h.get_sample_count(), h.get_sample_sum());
}
