//! `latency` (opt-in; `serve` only): how fast is DNS answering, continuously? In `serve`, one
//! background task per target (and per cluster node, straight to the node's host) sends a
//! query every `interval` per transport and class to the listeners the `dns` collector's
//! options describe ([`task`]), and accumulates a latency histogram and a count per result
//! ([`series`]). A scrape only reads what accumulated. `scrape` and `textfile` send no
//! background query (the collector is not applicable there); `check` measures a burst per
//! transport instead ([`burst`]).
//!
//! The task is started through the contract's [`Collect::background`] hook and belongs to the
//! collector's per-target [`LatencyState`]: a reload that leaves the target unchanged keeps it
//! and its histograms, one that changes where or how it queries restarts it, and dropping the
//! state (a reload that removes the target) stops it. These queries are real queries: they
//! show up in the server's statistics and query log.

pub mod burst;
pub mod options;
pub mod series;
pub mod task;

use std::sync::{Arc, Mutex};

use self::burst::Burst;
use self::options::LatencySettings;
use self::series::{Lane, QueryResult, Series};
use self::task::{IDLE_LIMIT, Plan, Task};
use super::contract::{BackgroundCx, Collect, Cx, Detail, WriteCx};
use super::dns::Dns;
use super::error::CollectError;
use super::samples::count;
use super::shared::lock;
use super::spec::{OptionError, OptionValues, Requires, Spec};
use super::target::TargetInfo;
use crate::dnsprobe::{DnsSettings, DnsTarget, TargetError};
use crate::exposition::{Encoder, Kind};
use crate::logging::log_as;

/// The `latency` collector.
#[derive(Debug)]
pub struct Latency;

/// Why the collector does not run in `scrape` and `textfile`.
const SERVE_ONLY: &str = "serve only: its queries run in the background between scrapes (check measures a burst instead)";

/// Per target: what the collector does in this mode, and in `serve` its running task.
#[derive(Debug, Default)]
pub struct LatencyState {
    mode: Mutex<Mode>,
}

#[derive(Debug, Default)]
enum Mode {
    /// `scrape`, `textfile`, or `serve` with the collector off: nothing runs.
    #[default]
    Single,
    /// `check`: a burst per transport.
    Check,
    /// `serve`: the background queries.
    Serve(Box<Running>),
}

/// The background queries of one target.
#[derive(Debug)]
struct Running {
    /// What they were started from (a reload with the same keeps them).
    key: Key,
    /// The plan, or why the queries cannot be sent.
    plan: Result<Arc<Plan>, TargetError>,
    series: Arc<Series>,
    task: Option<Task>,
}

/// Everything the queries depend on: a reload that changes none of it keeps them running.
#[derive(Debug, PartialEq)]
struct Key {
    settings: LatencySettings,
    listeners: String,
    target: String,
    on_demand: bool,
}

impl Key {
    fn new(settings: &LatencySettings, dns: &DnsSettings, target: &TargetInfo, on_demand: bool) -> Self {
        let ports: Vec<u16> = settings.transports.iter().map(|t| dns.port(*t)).collect();
        Self {
            settings: settings.clone(),
            listeners: format!(
                "{:?} {ports:?} {} {:?} {} {} {:?}",
                dns.address,
                dns.https_path,
                dns.tls_server_name,
                dns.query_name,
                dns.query_type,
                dns.expected_rcodes
            ),
            target: format!(
                "{} {:?} {:?} {}",
                target.url, target.ca_file, target.extra_ca_pem, target.insecure_skip_verify
            ),
            on_demand,
        }
    }
}

/// What a scrape reads: every lane's histogram and counts (`serve`), or `check`'s bursts.
#[derive(Debug, Default)]
pub struct LatencyData {
    /// Each transport and class, in output order.
    pub lanes: Vec<Lane>,
    /// `check`'s burst per transport.
    pub bursts: Vec<Burst>,
}

impl Collect for Latency {
    type Settings = LatencySettings;
    type Data = LatencyData;
    type State = LatencyState;
    const SPEC: &'static Spec = &Spec {
        name: "latency",
        help: "Continuous latency of the server's DNS listeners: background queries per transport (serve only; check measures a burst)",
        requires: Requires::Nothing,
        options: &options::OPTIONS,
        ..Spec::DEFAULT
    };

    fn settings(v: &OptionValues<'_>) -> Result<LatencySettings, OptionError> {
        options::parse(v)
    }

    async fn fetch(cx: Cx<'_, Self>) -> Result<LatencyData, CollectError> {
        let probe = |error| CollectError::Probe {
            server: cx.client.server().to_owned(),
            error,
        };
        if let Some(read) = cx.state.read() {
            return read.map_err(probe);
        }
        if !matches!(*lock(&cx.state.mode), Mode::Check) {
            return Ok(LatencyData::default());
        }
        let dns = cx.settings_of::<Dns>().cloned().unwrap_or_default();
        let plan = plan(cx.settings, dns, cx.target, false).map_err(probe)?;
        Ok(LatencyData {
            lanes: Vec::new(),
            bursts: burst::burst(&plan, cx.deadline).await,
        })
    }

    fn write(data: &LatencyData, _: &WriteCx<'_>, enc: &mut Encoder) {
        write_latency(&data.lanes, enc);
    }

    fn details(data: &LatencyData, _: &LatencySettings) -> Vec<Detail> {
        burst::details(&data.bursts)
    }

    fn not_applicable(state: &LatencyState) -> Option<&'static str> {
        matches!(*lock(&state.mode), Mode::Single).then_some(SERVE_ONLY)
    }

    fn prepare_check(state: &LatencyState) {
        *lock(&state.mode) = Mode::Check;
    }

    fn background(state: &LatencyState, cx: BackgroundCx<'_, Self>) {
        let dns = cx.settings_of::<Dns>().cloned().unwrap_or_default();
        if let Err(e) = state.serve(cx.settings, dns, cx.target, cx.on_demand) {
            log_as!(
                cx.client.log_name(),
                warn,
                "latency: the background queries cannot be sent: {e}"
            );
        }
    }
}

impl LatencyState {
    /// In `serve`: starts the background queries `settings` describe, keeps them when they
    /// already run as described, or stops them (`settings` is `None`: the collector is off).
    ///
    /// # Errors
    /// Why the queries cannot be sent (no host, an unusable CA); scrapes then fail with it.
    pub fn serve(
        &self,
        settings: Option<&LatencySettings>,
        dns: DnsSettings,
        target: &TargetInfo,
        on_demand: bool,
    ) -> Result<(), TargetError> {
        let mut mode = lock(&self.mode);
        let Some(settings) = settings else {
            *mode = Mode::Single;
            return Ok(());
        };
        let key = Key::new(settings, &dns, target, on_demand);
        if let Mode::Serve(running) = &*mode
            && running.key == key
        {
            return running.plan.as_ref().map(|_| ()).map_err(Clone::clone);
        }
        let plan = plan(settings, dns, target, on_demand).map(Arc::new);
        let series = Arc::new(Series::new(
            &plan.as_ref().map(|p| p.lanes()).unwrap_or_default(),
        ));
        let task = plan
            .as_ref()
            .ok()
            .and_then(|p| task::spawn(Arc::clone(p), Arc::clone(&series)));
        let result = plan.as_ref().map(|_| ()).map_err(Clone::clone);
        *mode = Mode::Serve(Box::new(Running {
            key,
            plan,
            series,
            task,
        }));
        result
    }

    /// What a scrape in `serve` reads (`None` in other modes); an on-demand target's ended
    /// queries start again.
    ///
    /// # Errors
    /// Why the queries cannot be sent.
    pub fn read(&self) -> Option<Result<LatencyData, TargetError>> {
        match &mut *lock(&self.mode) {
            Mode::Serve(running) => Some(read(running)),
            _ => None,
        }
    }

    /// Whether background queries are running (tests: a reload, the idle limit).
    #[must_use]
    pub fn running(&self) -> bool {
        match &*lock(&self.mode) {
            Mode::Serve(r) => r.task.as_ref().is_some_and(|t| !t.ended()),
            _ => false,
        }
    }
}

/// The plan of a target's queries, or why they cannot be sent.
fn plan(
    settings: &LatencySettings,
    dns: DnsSettings,
    target: &TargetInfo,
    on_demand: bool,
) -> Result<Plan, TargetError> {
    let dns_target = DnsTarget::new(
        &target.url,
        dns.address.as_deref(),
        settings.transports.iter().any(|t| t.is_encrypted()),
        target.ca_file.as_deref(),
        target.extra_ca_pem.as_deref().map(str::as_bytes),
        target.insecure_skip_verify,
    )?;
    Ok(Plan {
        settings: settings.clone(),
        dns,
        target: Arc::new(dns_target),
        idle_limit: on_demand.then_some(IDLE_LIMIT),
    })
}

/// A scrape's read of the running queries; an on-demand target's ended task starts again.
fn read(running: &mut Running) -> Result<LatencyData, TargetError> {
    let plan = running.plan.as_ref().map_err(Clone::clone)?;
    let lanes = running.series.read();
    if running.task.as_ref().is_some_and(Task::ended) {
        running.task = task::spawn(Arc::clone(plan), Arc::clone(&running.series));
    }
    Ok(LatencyData {
        lanes,
        bursts: Vec::new(),
    })
}

/// `technitium_dns_latency_seconds` and `technitium_dns_latency_queries_total`.
pub fn write_latency(lanes: &[Lane], enc: &mut Encoder) {
    if lanes.is_empty() {
        return;
    }
    enc.family(
        "technitium_dns_latency_seconds",
        Kind::Histogram,
        "Round trip of the answered background queries to the server's DNS listeners, by transport and query class",
    );
    for lane in lanes {
        let labels = [
            ("transport", lane.transport.as_str()),
            ("query", lane.class.as_str()),
        ];
        enc.histogram(&labels, &lane.latency);
    }
    enc.family(
        "technitium_dns_latency_queries_total",
        Kind::Counter,
        "Background queries to the server's DNS listeners, by transport, query class and result",
    );
    for lane in lanes {
        for result in QueryResult::ALL {
            let labels = [
                ("transport", lane.transport.as_str()),
                ("query", lane.class.as_str()),
                ("result", result.as_str()),
            ];
            enc.sample(&labels, count(lane.count(result)));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::time::Duration;

    impl LatencyState {
        fn series(&self) -> Option<Arc<Series>> {
            match &*lock(&self.mode) {
                Mode::Serve(r) => Some(Arc::clone(&r.series)),
                _ => None,
            }
        }
    }

    fn target() -> TargetInfo {
        TargetInfo {
            url: url::Url::parse("http://127.0.0.1:5380").unwrap(),
            ca_file: None,
            extra_ca_pem: None,
            insecure_skip_verify: false,
        }
    }

    /// `dns` settings aimed at a closed port on loopback (every query fails at once).
    fn closed() -> DnsSettings {
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut dns = DnsSettings::default();
        dns.set_port(crate::dnsprobe::Transport::Udp, port);
        dns.set_port(crate::dnsprobe::Transport::Tcp, port);
        dns
    }

    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_reload_keeps_unchanged_queries_restarts_changed_ones_and_stops_removed_ones() {
        let state = LatencyState::default();
        let dns = closed();
        let settings = LatencySettings::default();
        assert_eq!(Latency::not_applicable(&state), Some(SERVE_ONLY));
        state.serve(Some(&settings), dns.clone(), &target(), false).unwrap();
        assert!(state.running());
        assert_eq!(Latency::not_applicable(&state), None);
        let first = state.series().unwrap();
        // The same settings again (a reload that leaves the target unchanged): same histograms.
        state.serve(Some(&settings), dns.clone(), &target(), false).unwrap();
        assert!(Arc::ptr_eq(&first, &state.series().unwrap()));
        // Another interval: the queries start afresh.
        let faster = LatencySettings {
            interval: Duration::from_millis(500),
            ..settings.clone()
        };
        state.serve(Some(&faster), dns.clone(), &target(), false).unwrap();
        let second = state.series().unwrap();
        assert!(!Arc::ptr_eq(&first, &second));
        settle().await;
        drop(first);
        let watched = Arc::downgrade(&second);
        drop(second);
        // The collector turned off: nothing runs, nothing holds the series.
        state.serve(None, dns.clone(), &target(), false).unwrap();
        assert!(!state.running());
        settle().await;
        assert!(watched.upgrade().is_none(), "the task still runs");
        // A removed target: its state is dropped, and with it the task.
        let removed = LatencyState::default();
        removed.serve(Some(&settings), dns, &target(), false).unwrap();
        let watched = Arc::downgrade(&removed.series().unwrap());
        drop(removed);
        settle().await;
        assert!(watched.upgrade().is_none(), "the task outlived its state");
    }

    #[tokio::test(start_paused = true)]
    async fn an_on_demand_target_stops_after_its_idle_limit_and_its_next_scrape_restarts_it() {
        let state = LatencyState::default();
        let settings = LatencySettings::default();
        state.serve(Some(&settings), closed(), &target(), true).unwrap();
        tokio::time::sleep(IDLE_LIMIT / 2).await;
        assert!(state.read().is_some_and(|r| r.is_ok()));
        tokio::time::sleep(IDLE_LIMIT / 2 + Duration::from_secs(5)).await;
        assert!(state.running(), "read halfway: not idle yet");
        tokio::time::sleep(IDLE_LIMIT / 2 + Duration::from_secs(5)).await;
        settle().await;
        assert!(!state.running(), "unread for the idle limit: stopped");
        let lanes = state.read().unwrap().unwrap().lanes;
        assert_eq!(lanes.len(), 2, "the histograms are kept");
        assert!(state.running(), "a scrape starts the queries again");
        // A configured target never stops for want of scrapes.
        let configured = LatencyState::default();
        configured.serve(Some(&settings), closed(), &target(), false).unwrap();
        tokio::time::sleep(IDLE_LIMIT * 2).await;
        assert!(configured.running());
    }

    #[test]
    fn the_families_have_classic_buckets_and_every_result() {
        let series = Series::new(&[(crate::dnsprobe::Transport::Udp, series::Class::Local)]);
        for ms in [1, 3, 150] {
            series.record(
                crate::dnsprobe::Transport::Udp,
                series::Class::Local,
                QueryResult::Answered,
                Duration::from_millis(ms),
            );
        }
        let mut enc = Encoder::new(crate::exposition::ExpositionFormat::Text);
        write_latency(&series.read(), &mut enc);
        let text = enc.finish();
        for line in [
            "technitium_dns_latency_seconds_bucket{transport=\"udp\",query=\"local\",le=\"0.001\"} 1",
            "technitium_dns_latency_seconds_bucket{transport=\"udp\",query=\"local\",le=\"0.005\"} 2",
            "technitium_dns_latency_seconds_bucket{transport=\"udp\",query=\"local\",le=\"0.1\"} 2",
            "technitium_dns_latency_seconds_bucket{transport=\"udp\",query=\"local\",le=\"0.2\"} 3",
            "technitium_dns_latency_seconds_bucket{transport=\"udp\",query=\"local\",le=\"+Inf\"} 3",
            "technitium_dns_latency_seconds_count{transport=\"udp\",query=\"local\"} 3",
            "technitium_dns_latency_queries_total{transport=\"udp\",query=\"local\",result=\"answered\"} 3",
            "technitium_dns_latency_queries_total{transport=\"udp\",query=\"local\",result=\"timeout\"} 0",
        ] {
            assert!(text.contains(line), "{line} missing in\n{text}");
        }
    }
}
