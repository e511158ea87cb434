//! The exporter's own metrics, served on the telemetry path only: build info, the outcome of the
//! last configuration reload, scrapes and upstream requests per target, and the process
//! collector.
//!
//! The upstream request durations are our own [`Histogram`]s rather than the `prometheus`
//! crate's, which has no native buckets: a scrape that negotiates protobuf gets them too
//! (finer than the classic buckets, and the one histogram every exporter has, so a Prometheus
//! with native histograms on can be checked against it). The classic buckets, and so the text
//! and OpenMetrics output, are what the crate wrote.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use prometheus::proto::{MetricFamily, MetricType};
use prometheus::{Gauge, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

use crate::exposition::{Encoder, Histogram, Kind};
use crate::technitium::{Call, RequestObserver};

/// The upstream request duration histogram's name.
const UPSTREAM_DURATION: &str = "technitium_exporter_upstream_request_duration_seconds";
/// Its classic bounds (seconds).
const UPSTREAM_BOUNDS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Upstream request durations by (endpoint, node, target): the order the `prometheus` crate
/// sorted its series in (by label values, label names alphabetical), kept so the text output
/// did not change when the histogram became ours.
type UpstreamDurations = BTreeMap<(&'static str, String, String), Histogram>;

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
    upstream_duration: Mutex<UpstreamDurations>,
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
        let now = unix_now();
        let (reload_successful, reload_success_time) = reload_gauges(now)?;
        registry.register(Box::new(build_info()?))?;
        registry.register(Box::new(reload_successful.clone()))?;
        registry.register(Box::new(reload_success_time.clone()))?;
        registry.register(Box::new(scrapes.clone()))?;
        registry.register(Box::new(upstream_requests.clone()))?;
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
            upstream_duration: Mutex::new(BTreeMap::new()),
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

    /// Writes every family through our encoder, so every exposition format carries them, in
    /// name order (the registry's, with the upstream durations in their place).
    pub(super) fn write(&self, enc: &mut Encoder) {
        let mut durations_written = false;
        for f in &self.registry.gather() {
            if !durations_written && f.name() > UPSTREAM_DURATION {
                self.write_upstream_durations(enc);
                durations_written = true;
            }
            write_family(f, self.started, enc);
        }
        if !durations_written {
            self.write_upstream_durations(enc);
        }
    }

    /// Counts one upstream request's duration.
    fn observe_upstream(&self, endpoint: &'static str, node: &str, target: &str, seconds: f64) {
        self.upstream_duration
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((endpoint, node.to_owned(), target.to_owned()))
            .or_insert_with(|| Histogram::new(UPSTREAM_BOUNDS))
            .observe(seconds);
    }

    /// The upstream durations' family; none before the first request (as the crate did).
    fn write_upstream_durations(&self, enc: &mut Encoder) {
        let durations = self
            .upstream_duration
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if durations.is_empty() {
            return;
        }
        enc.family(
            UPSTREAM_DURATION,
            Kind::Histogram,
            "Time of requests to the Technitium API, by target, cluster node (per-node scrapes only) and API path.",
        );
        for ((endpoint, node, target), h) in durations.iter() {
            let mut labels = vec![("endpoint", *endpoint)];
            if !node.is_empty() {
                labels.push(("node", node.as_str()));
            }
            labels.push(("target", target.as_str()));
            enc.histogram(&labels, h);
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
            .observe_upstream(path, &self.node, &self.target, call.elapsed.as_secs_f64());
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

/// A `prometheus` crate histogram (classic buckets only; none is registered today).
fn write_histogram(h: &prometheus::proto::Histogram, labels: &[(&str, &str)], enc: &mut Encoder) {
    let buckets: Vec<(f64, u64)> = h
        .get_bucket()
        .iter()
        .map(|b| (b.upper_bound(), b.cumulative_count()))
        .collect();
    enc.classic_histogram(labels, &buckets, h.get_sample_count(), h.get_sample_sum());
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use prometheus::{HistogramOpts, HistogramVec};

    use super::*;
    use crate::exposition::ExpositionFormat;

    /// Observations of three series, one of them a cluster node's.
    const SEEN: &[(&str, &str, &str, f64)] = &[
        ("default", "", "/api/zones/list", 0.004),
        ("default", "", "/api/zones/list", 0.2),
        ("dns2", "", "/api/dashboard/stats/get", 0.03),
        ("dns2", "", "/api/dashboard/stats/get", 12.0),
        ("dns2", "node1.lan", "/api/dashboard/stats/get", 1.0),
        ("default", "", "/api/user/session/get", 0.01),
    ];

    /// The upstream durations as the `prometheus` crate wrote them before they became ours.
    fn as_the_crate_wrote_them(format: ExpositionFormat) -> String {
        let registry = Registry::new();
        let vec = HistogramVec::new(
            HistogramOpts::new(UPSTREAM_DURATION, "Time of requests to the Technitium API, by target, cluster node (per-node scrapes only) and API path.")
                .buckets(UPSTREAM_BOUNDS.to_vec()),
            &["target", "node", "endpoint"],
        )
        .unwrap();
        registry.register(Box::new(vec.clone())).unwrap();
        for (target, node, endpoint, v) in SEEN {
            vec.with_label_values(&[*target, *node, *endpoint])
                .observe(*v);
        }
        let mut enc = Encoder::new(format);
        for f in &registry.gather() {
            write_family(f, 0.0, &mut enc);
        }
        enc.finish()
    }

    #[test]
    fn upstream_durations_read_as_they_did_from_the_crate() {
        let metrics = SelfMetrics::new().unwrap();
        let mut empty = Encoder::new(ExpositionFormat::Text);
        metrics.write_upstream_durations(&mut empty);
        assert_eq!(empty.finish(), "", "no family before the first request");
        for (target, node, endpoint, v) in SEEN {
            metrics.observe_upstream(endpoint, node, target, *v);
        }
        let mut enc = Encoder::new(ExpositionFormat::Text);
        metrics.write_upstream_durations(&mut enc);
        assert_eq!(
            enc.finish(),
            as_the_crate_wrote_them(ExpositionFormat::Text)
        );
    }
}
