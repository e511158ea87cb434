//! `counters`: counters that `rate()` works on, on every server version, derived from the
//! server's per-minute stats.
//!
//! This module owns the per-target [`CountersState`] (an [`Engine`] behind an async lock, so
//! concurrent scrapes of one target add each minute once), the fetch orchestration ([`fetch`]:
//! the `LastHour` chart, which the `dashboard` collector usually fetched already, plus at most
//! one `stats/get?type=Custom` call per scrape, none when no minute became final), the pure
//! rendering ([`write`](fn@write)) and the single runs' state file ([`state_file`], locked by
//! [`state_lock`]).
//!
//! Cost: one `Custom` call per newly final minute at most, so about one call a minute whatever
//! the scrape interval (a 15 s interval makes 4 `LastHour` reads, shared with `dashboard`, and 1
//! `Custom` call a minute). Every `stats/get` makes the server reverse-resolve its top clients;
//! that is why the calls are kept this rare.
//!
//! The counting rules are in [`engine`]; reading the per-minute chart is [`minutes`].

pub mod engine;
pub mod minutes;
pub mod stale;
pub mod state_file;
pub mod state_lock;

use std::sync::PoisonError;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Mutex;

use super::contract::{Collect, Cx, Detail, DetailStatus, SingleRun, StateError, WriteCx};
use super::error::CollectError;
use super::lifetime::Lifetime;
use super::samples::{count, flag};
use super::shared::lock;
use super::spec::Spec;
use crate::exposition::{Encoder, Kind};
use crate::technitium::types::DashboardStats;
use crate::technitium::{Client, Endpoint, Section, Window};

/// The `counters` collector: counters derived from the per-minute stats.
#[derive(Debug)]
pub struct DerivedCounters;

impl Collect for DerivedCounters {
    type Settings = ();
    type Data = CountersData;
    type State = CountersState;
    const SPEC: &'static Spec = &Spec {
        name: "counters",
        help: "Counters that rate() works on, by query type and protocol (every version), from the per-minute stats",
        default_enabled: true,
        sections: &[Section::Dashboard],
        endpoints: &[Endpoint::StatsGet],
        ..Spec::DEFAULT
    };

    async fn fetch(cx: Cx<'_, Self>) -> Result<CountersData, CollectError> {
        // The LastHour answer is shared with `dashboard` (one call per scrape between them).
        let last_hour = cx.shared.stats(Window::LastHour).await?;
        let session = cx.session;
        let inputs = Inputs {
            last_hour: Some(&last_hour),
            server: session.and_then(|s| s.info.dns_server_domain.as_deref()),
            version: session.and_then(|s| s.version),
        };
        let mut data = fetch(cx.client, cx.state, inputs).await?;
        data.stale = stale_stats(&cx, &last_hour).await;
        Ok(data)
    }

    fn write(data: &CountersData, _: &WriteCx<'_>, enc: &mut Encoder) {
        write(data, enc);
    }

    fn warning(data: &CountersData, (): &()) -> Option<super::contract::Warning> {
        let counted = data.warning.as_ref().map(|w| super::contract::Warning {
            key: w.kind(),
            detail: w.describe(),
            hint: None,
        });
        counted.or_else(|| (data.stale == Some(true)).then(stale_warning))
    }

    fn details(data: &CountersData, (): &()) -> Vec<Detail> {
        data.verified.iter().map(verified_detail).collect()
    }

    fn not_applicable(state: &CountersState) -> Option<&'static str> {
        state.one_shot.load(Ordering::Relaxed).then_some(
            "a single run has nothing to count against: give scrape or textfile --state.file to keep the counters between runs",
        )
    }

    /// Locks `--state.file` for the run and continues from it; without one, a single run has
    /// nothing to count against and the collector does not run.
    async fn load_state(state: &CountersState, run: SingleRun<'_>) -> Result<(), StateError> {
        let Some(path) = run.state_file else {
            state.set_one_shot(true);
            return Ok(());
        };
        let lock = state_lock::acquire(path, run.timeout + state_lock::MARGIN).await?;
        let (engine, loaded) = state_file::load(path, run.server, state_file::unix_now())?;
        if let state_file::Loaded::Discarded(why) = loaded {
            tracing::warn!(path = %path.display(), "derived counters start afresh: {why}");
        }
        state.restore(engine).await;
        state.keep_lock(lock);
        Ok(())
    }

    /// Saves the counters to `--state.file` (the lock is kept until the run ends); a failure
    /// fails the run, which then writes nothing its next run would contradict.
    async fn save_state(state: &CountersState, run: SingleRun<'_>) -> Result<(), StateError> {
        let Some(path) = run.state_file else {
            return Ok(());
        };
        state_file::save(path, run.server, &state.engine().await)?;
        Ok(())
    }

    /// `check` compares the stored minutes with the chart at once (one `Custom` call),
    /// instead of only starting to count.
    fn prepare_check(state: &CountersState) {
        state.set_verify(true);
    }
}

pub use engine::{
    AnchorReason, Applied, Comparison, CountStep, CountersWarning, CustomAnswer, Engine, Range,
    Totals,
};
pub use minutes::{Minute, Minutes, ShapeError};
pub use stale::StaleTracker;

/// Per-target state of the derived counters, kept across scrapes (in memory in `serve`, in the
/// state file in `textfile`).
///
/// The lock is held for a whole [`fetch`], the `Custom` call included: a second, concurrent
/// scrape waits and then finds the minutes already counted, so it adds nothing twice.
#[derive(Debug, Default)]
pub struct CountersState {
    engine: Mutex<Engine>,
    /// A single run (`scrape`, `textfile`) without a state file: nothing to count against.
    one_shot: AtomicBool,
    /// A `check` run: the first collection also compares the stored minutes with the chart.
    verify: AtomicBool,
    /// A single run's lock of its state file, held until the run ends.
    lock: std::sync::Mutex<Option<state_lock::StateLock>>,
    /// The lifetime counter at recent scrapes, to tell frozen statistics ([`stale`]).
    stale: std::sync::Mutex<StaleTracker>,
}

impl CountersState {
    /// State continuing from `engine` (e.g. loaded from a state file).
    #[must_use]
    pub fn new(engine: Engine) -> Self {
        Self {
            engine: Mutex::new(engine),
            one_shot: AtomicBool::new(false),
            verify: AtomicBool::new(false),
            lock: std::sync::Mutex::new(None),
            stale: std::sync::Mutex::default(),
        }
    }

    /// A copy of the engine as it is now (waits for a running fetch), e.g. to save it.
    pub async fn engine(&self) -> Engine {
        self.engine.lock().await.clone()
    }

    /// Continues from `engine` (loaded from a state file).
    pub async fn restore(&self, engine: Engine) {
        *self.engine.lock().await = engine;
    }

    /// Keeps the state file's lock until this state is dropped (the run's end).
    fn keep_lock(&self, lock: state_lock::StateLock) {
        *self.lock.lock().unwrap_or_else(PoisonError::into_inner) = Some(lock);
    }

    /// Marks a single run without a state file: the collector then does not run (it would only
    /// ever report its first collection's zeros).
    fn set_one_shot(&self, one_shot: bool) {
        self.one_shot.store(one_shot, Ordering::Relaxed);
    }

    /// Marks a `check` run: a collection that starts counting (which makes no `Custom` call)
    /// then makes one for the newest [`VERIFY_MINUTES`] final minutes and compares them with
    /// the chart, so that a server whose two sources disagree (in-memory stats) shows at once,
    /// not only after a minute of counting.
    fn set_verify(&self, verify: bool) {
        self.verify.store(verify, Ordering::Relaxed);
    }
}

/// Whether the dashboard statistics look frozen ([`stale`]), when it can be told: on v15+, when
/// the `lifetime` collector fetches the lifetime counter this scrape (the call is shared; none
/// is added for this), after an earlier scrape to compare with.
async fn stale_stats(cx: &Cx<'_, DerivedCounters>, last_hour: &DashboardStats) -> Option<bool> {
    let v15 = cx.session.is_some_and(|s| s.at_least(15));
    if !v15 || !cx.options.fetches_every_scrape(Lifetime::SPEC.name) {
        return None;
    }
    let queries = cx
        .shared
        .metrics_json()
        .await
        .ok()?
        .lifetime_counters
        .total_queries?;
    let chart = Minutes::from_chart(last_hour.main_chart_data.as_ref()?).ok()?;
    lock(&cx.state.stale).observe(&chart, queries)
}

fn stale_warning() -> super::contract::Warning {
    super::contract::Warning {
        key: "stats_stale",
        detail: format!(
            "the server's dashboard statistics look frozen: its lifetime query counter grew by {} or more while the last-hour chart shows no query in its newest {} final minutes (technitium_dashboard_stats_stale 1)",
            stale::STALE_QUERIES,
            stale::STALE_MINUTES
        ),
        hint: Some("restart the Technitium service; upstream #1975 (15.2) left the hourly stats writer failing until a restart".to_owned()),
    }
}

/// What [`fetch`] needs besides the client and the state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    /// The `stats/get?type=LastHour&utc=true` answer when another collector (`dashboard`)
    /// already fetched it in this scrape; `None` makes [`fetch`] request it.
    pub last_hour: Option<&'a DashboardStats>,
    /// The server's `dnsServerDomain` (session/get): a different one starts counting afresh.
    pub server: Option<&'a str>,
    /// The server's `(major, minor)` version: v14+ gets `dontTrimQueryTypeData=true`; before
    /// v15 the query, rcode and outcome totals are emitted too.
    pub version: Option<(u32, u32)>,
}

impl Inputs<'_> {
    fn at_least(&self, major: u32) -> bool {
        self.version.is_some_and(|(m, _)| m >= major)
    }
}

/// What one scrape of the counters collector yields (rendered by [`write`](fn@write)).
#[derive(Debug, Clone)]
pub struct CountersData {
    /// The counters after this scrape.
    pub totals: Totals,
    /// End label of the newest minute included.
    pub watermark: Option<i64>,
    /// Emit `technitium_queries_total`, `technitium_responses_total` and
    /// `technitium_query_outcomes_total` (servers before v15, which have no lifetime counters).
    pub query_totals: bool,
    /// The current warning, for `check` and `--table`.
    pub warning: Option<CountersWarning>,
    /// What this scrape did.
    pub step: CountStep,
    /// Whether this scrape made a `Custom` call.
    pub custom_call: bool,
    /// In a `check` run that started counting: how the stored minutes compare with the chart,
    /// or why they could not be compared.
    pub verified: Option<Result<Comparison, VerifyError>>,
    /// Whether the dashboard statistics look frozen (v15+, see [`stale`]); `None` when that
    /// cannot be told.
    pub stale: Option<bool>,
}

/// Why a `check` run could not compare the stored minutes with the chart.
#[derive(Debug, Clone, thiserror::Error)]
pub enum VerifyError {
    /// The chart has no minute that is final yet (a server that just started).
    #[error("the last-hour chart has no final minute yet")]
    NoFinalMinute,
    /// The `Custom` call failed, or its answer cannot be read.
    #[error(transparent)]
    Fetch(#[from] CollectError),
    /// The `Custom` answer is for other minutes than asked.
    #[error(transparent)]
    Shape(#[from] ShapeError),
}

/// How many final minutes a `check` run compares.
pub const VERIFY_MINUTES: i64 = 5;

/// One scrape: reads the `LastHour` chart (from `inputs` or the server), counts the minutes that
/// became final with one `Custom` call when there are any, and returns the counters.
///
/// Cancel-safe: dropping the future (the scrape deadline) before the `Custom` answer arrives
/// changes nothing; the next scrape asks for the same minutes again.
///
/// # Errors
/// A failed call, or an answer without usable per-minute data; the state is then unchanged.
pub async fn fetch(
    client: &Client,
    state: &CountersState,
    inputs: Inputs<'_>,
) -> Result<CountersData, CollectError> {
    let full_query_types = inputs.at_least(14);
    let mut engine = state.engine.lock().await;
    let fetched;
    let last_hour = match inputs.last_hour {
        Some(stats) => stats,
        None => {
            fetched = client.stats(Window::LastHour, full_query_types).await?;
            &fetched
        }
    };
    let chart = last_hour
        .main_chart_data
        .as_ref()
        .ok_or_else(|| bad(client, "a LastHour answer without mainChartData".to_owned()))?;
    let lh = Minutes::from_chart(chart).map_err(|e| bad(client, e.0))?;
    let step = engine.plan(&lh, inputs.server);
    let mut custom_call = false;
    let mut verified = None;
    match &step {
        CountStep::Anchor { at, reason } => {
            engine.anchor(*at, reason.clone(), inputs.server);
            if state.verify.load(Ordering::Relaxed) {
                custom_call = true;
                verified = Some(verify(client, &lh, full_query_types).await);
            }
        }
        CountStep::Idle => {}
        CountStep::Hold { newest_final } => engine.hold(*newest_final),
        CountStep::Fetch(range) => {
            custom_call = true;
            let (answer, minutes) = custom(client, range, full_query_types).await?;
            let custom = CustomAnswer {
                minutes,
                query_types: answer.query_type_chart_data.as_ref(),
                protocols: answer.protocol_type_chart_data.as_ref(),
            };
            engine
                .apply(&lh, range, &custom, inputs.server)
                .map_err(|e| bad(client, e.0))?;
        }
    }
    Ok(CountersData {
        totals: engine.totals.clone(),
        watermark: engine.watermark,
        query_totals: !inputs.at_least(15),
        warning: engine.warning.clone(),
        step,
        custom_call,
        verified,
        stale: None,
    })
}

/// The `type=Custom` answer for `range`, with its per-minute chart read.
async fn custom(
    client: &Client,
    range: &Range,
    full_query_types: bool,
) -> Result<(DashboardStats, Minutes), CollectError> {
    let answer = client
        .stats_custom(range.span, full_query_types)
        .await?;
    let chart = answer.main_chart_data.as_ref().ok_or_else(|| {
        bad(
            client,
            "a type=Custom answer without mainChartData".to_owned(),
        )
    })?;
    let minutes = Minutes::from_chart(chart).map_err(|e| bad(client, e.0))?;
    Ok((answer, minutes))
}

/// One `Custom` call for the newest final minutes of `last_hour`, compared with them.
async fn verify(
    client: &Client,
    last_hour: &Minutes,
    full_query_types: bool,
) -> Result<Comparison, VerifyError> {
    let range = Range::newest(last_hour, VERIFY_MINUTES).ok_or(VerifyError::NoFinalMinute)?;
    let (_, custom) = custom(client, &range, full_query_types).await?;
    Ok(engine::compare(last_hour, &range, &custom)?)
}

/// `check`'s row for the comparison of the stored minutes with the chart.
fn verified_detail(verified: &Result<Comparison, VerifyError>) -> Detail {
    let (status, detail, hint) = match verified {
        Err(e) => (
            DetailStatus::Failed,
            format!("could not compare: {e}"),
            None,
        ),
        Ok(c) if c.differ > 0 => (
            DetailStatus::Failed,
            format!(
                "{} of the minutes {} to {} differ: the qtype and protocol counters would leave them out (counted as missed)",
                c.differ,
                c.range.start_param(),
                c.range.end_param()
            ),
            Some("is \"Enable In-Memory Stats\" on in the server's settings? It keeps the minutes from being stored, and the counters need them".to_owned()),
        ),
        Ok(c) if !c.traffic => (
            DetailStatus::Ok,
            format!(
                "{} minutes without queries: nothing to compare yet",
                c.checked
            ),
            None,
        ),
        Ok(c) => (
            DetailStatus::Ok,
            format!(
                "the newest {} final minutes agree with the last-hour chart",
                c.checked
            ),
            None,
        ),
    };
    Detail {
        id: "counters_minutes".to_owned(),
        title: "stored minutes".to_owned(),
        status,
        detail,
        hint,
    }
}

/// A `stats/get` answer whose per-minute data cannot be counted.
fn bad(client: &Client, detail: String) -> CollectError {
    CollectError::Unusable {
        server: client.server().to_owned(),
        endpoint: Endpoint::StatsGet.path(),
        detail,
    }
}

/// Writes the derived counters.
pub fn write(data: &CountersData, enc: &mut Encoder) {
    let t = &data.totals;
    enc.family(
        "technitium_qtype_queries_total",
        Kind::Counter,
        "Queries by query type, summed from the server's per-minute stats since the exporter started counting (the server's Others bucket is qtype=\"other\").",
    );
    for (qtype, v) in &t.qtypes {
        enc.sample(&[("qtype", qtype)], count(*v));
    }
    enc.family(
        "technitium_protocol_queries_total",
        Kind::Counter,
        "Queries by transport protocol, summed from the server's per-minute stats since the exporter started counting.",
    );
    for (protocol, v) in &t.protocols {
        enc.sample(&[("protocol", protocol)], count(*v));
    }
    if data.query_totals {
        enc.family(
            "technitium_queries_total",
            Kind::Counter,
            "DNS queries the server received, summed from its per-minute stats since the exporter started counting (servers before v15).",
        );
        enc.sample(&[], count(t.queries));
        enc.family(
            "technitium_responses_total",
            Kind::Counter,
            "Responses by rcode, summed from the server's per-minute stats since the exporter started counting (servers before v15; other rcodes are in no bucket).",
        );
        for rcode in engine::RCODES {
            let v = t.rcodes.get(rcode).copied().unwrap_or(0);
            enc.sample(&[("rcode", rcode)], count(v));
        }
        enc.family(
            "technitium_query_outcomes_total",
            Kind::Counter,
            "Queries by how they were answered, summed from the server's per-minute stats since the exporter started counting (servers before v15; upstream-blocked counts as recursive and blocked).",
        );
        for outcome in engine::OUTCOMES {
            let v = t.outcomes.get(outcome).copied().unwrap_or(0);
            enc.sample(&[("outcome", outcome)], count(v));
        }
    }
    if let Some(at) = data.watermark {
        enc.family(
            "technitium_derived_counters_minute_timestamp_seconds",
            Kind::Gauge,
            "End of the newest server minute included in the derived counters (Unix seconds, by the server's clock).",
        );
        #[allow(clippy::cast_precision_loss)] // Unix seconds: exact far beyond any date
        enc.sample(&[], at as f64);
    }
    write_stale(data.stale, enc);
    enc.family(
        "technitium_derived_counters_missed_minute_buckets_total",
        Kind::Counter,
        "Per-minute buckets of the server that the derived counters could not count: left out of the qtype and protocol counters when the server's two per-minute sources disagree, or out of every derived counter when more than 24 hours behind.",
    );
    enc.sample(&[], count(t.missed_minutes));
}

impl From<state_file::StateFileError> for StateError {
    fn from(e: state_file::StateFileError) -> Self {
        if e.is_usage() {
            Self::Usage(Box::new(e))
        } else {
            Self::Failed(Box::new(e))
        }
    }
}

/// `technitium_dashboard_stats_stale`, when it can be told.
fn write_stale(stale: Option<bool>, enc: &mut Encoder) {
    if let Some(stale) = stale {
        enc.family(
            "technitium_dashboard_stats_stale",
            Kind::Gauge,
            "Whether the server's dashboard statistics look frozen (1) or not (0): its lifetime query counter grew while the last-hour chart shows no query in its newest final minutes (v15+; the README gives the thresholds).",
        );
        enc.sample(&[], flag(stale));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;
    use crate::exposition::ExpositionFormat;
    use crate::technitium::CustomRange;

    fn data(query_totals: bool, watermark: Option<i64>) -> CountersData {
        let mut totals = Totals {
            queries: 90,
            missed_minutes: 2,
            ..Totals::default()
        };
        totals.qtypes.insert("A".to_owned(), 60);
        totals.protocols.insert("udp".to_owned(), 80);
        totals.rcodes.insert("NXDOMAIN".to_owned(), 7);
        CountersData {
            totals,
            watermark,
            query_totals,
            warning: None,
            step: CountStep::Idle,
            custom_call: false,
            verified: None,
            stale: None,
        }
    }

    fn render(data: &CountersData) -> String {
        let mut enc = Encoder::new(ExpositionFormat::Text);
        write(data, &mut enc);
        enc.finish()
    }

    #[test]
    fn before_v15_the_query_totals_are_written_too() {
        let text = render(&data(true, Some(1_778_414_460)));
        for line in [
            "technitium_qtype_queries_total{qtype=\"A\"} 60\n",
            "technitium_protocol_queries_total{protocol=\"udp\"} 80\n",
            "technitium_protocol_queries_total{protocol=\"quic\"} 0\n",
            "technitium_queries_total 90\n",
            "technitium_responses_total{rcode=\"NXDOMAIN\"} 7\n",
            "technitium_query_outcomes_total{outcome=\"dropped\"} 0\n",
            "technitium_derived_counters_minute_timestamp_seconds 1778414460\n",
            "technitium_derived_counters_missed_minute_buckets_total 2\n",
        ] {
            assert!(text.contains(line), "{line}in {text}");
        }
    }

    #[test]
    fn from_v15_only_qtype_and_protocol_and_no_timestamp_before_the_first_minute() {
        let text = render(&data(false, None));
        assert!(text.contains("technitium_qtype_queries_total{qtype=\"A\"} 60\n"));
        assert!(!text.contains("technitium_queries_total"), "{text}");
        assert!(!text.contains("technitium_responses_total"), "{text}");
        assert!(!text.contains("minute_timestamp_seconds"), "{text}");
        assert!(text.contains("technitium_derived_counters_missed_minute_buckets_total 2\n"));
    }

    #[test]
    fn the_check_row_says_what_the_comparison_found() {
        let range = Range {
            span: CustomRange::new(1_778_414_220, 1_778_414_460, 1_778_414_460).unwrap(),
            skipped: 0,
        };
        let row = |c: Result<Comparison, VerifyError>| verified_detail(&c);
        let agree = row(Ok(Comparison {
            range,
            checked: 5,
            differ: 0,
            traffic: true,
        }));
        assert_eq!(agree.status, DetailStatus::Ok);
        let differ = row(Ok(Comparison {
            range,
            checked: 5,
            differ: 3,
            traffic: true,
        }));
        assert_eq!(differ.status, DetailStatus::Failed);
        assert!(
            differ.detail.starts_with("3 of the minutes "),
            "{}",
            differ.detail
        );
        assert!(differ.hint.is_some_and(|h| h.contains("In-Memory")));
        let idle = row(Ok(Comparison {
            range,
            checked: 5,
            differ: 0,
            traffic: false,
        }));
        assert_eq!(idle.status, DetailStatus::Ok);
        assert!(idle.detail.contains("nothing to compare"));
        let failed = row(Err(VerifyError::NoFinalMinute));
        assert_eq!(failed.status, DetailStatus::Failed);
    }
}
