//! `counters`: counters that `rate()` works on, on every server version, derived from the
//! server's per-minute stats.
//!
//! This module owns the per-target [`CountersState`] (an [`Engine`] behind an async lock, so
//! concurrent scrapes of one target add each minute once), the fetch orchestration ([`fetch`]:
//! the `LastHour` chart, which the `dashboard` collector usually fetched already, plus at most
//! one `stats/get?type=Custom` call per scrape, none when no minute became final), the pure
//! rendering ([`write`]) and the `textfile` mode's state file ([`state_file`]).
//!
//! Cost: one `Custom` call per newly final minute at most, so about one call a minute whatever
//! the scrape interval (a 15 s interval makes 4 `LastHour` reads, shared with `dashboard`, and 1
//! `Custom` call a minute). Every `stats/get` makes the server reverse-resolve its top clients;
//! that is why the calls are kept this rare.
//!
//! The counting rules are in [`engine`].

pub mod engine;
pub mod state_file;

use tokio::sync::Mutex;

use crate::render::exposition::{Encoder, Kind};
use crate::technitium::types::DashboardStats;
use crate::technitium::{ApiError, Client, Endpoint, Window};

pub use engine::{
    AnchorReason, Applied, CustomAnswer, Engine, Minute, Minutes, Range, Step, Totals, Warning,
};

/// Per-target state of the derived counters, kept across scrapes (in memory in `serve`, in the
/// state file in `textfile`).
///
/// The lock is held for a whole [`fetch`], the `Custom` call included: a second, concurrent
/// scrape waits and then finds the minutes already counted, so it adds nothing twice.
#[derive(Debug, Default)]
pub struct CountersState {
    engine: Mutex<Engine>,
}

impl CountersState {
    /// State continuing from `engine` (e.g. loaded from a state file).
    #[must_use]
    pub fn new(engine: Engine) -> Self {
        Self {
            engine: Mutex::new(engine),
        }
    }

    /// A copy of the engine as it is now (waits for a running fetch), e.g. to save it.
    pub async fn engine(&self) -> Engine {
        self.engine.lock().await.clone()
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

/// What one scrape of the counters collector yields (rendered by [`write`]).
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
    pub warning: Option<Warning>,
    /// What this scrape did.
    pub step: Step,
    /// Whether this scrape made a `Custom` call.
    pub custom_call: bool,
}

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
) -> Result<CountersData, ApiError> {
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
    let lh = Minutes::from_chart(chart).map_err(|d| bad(client, d))?;
    let before = engine.warning.clone();
    let step = engine.plan(&lh, inputs.server);
    let mut custom_call = false;
    match &step {
        Step::Anchor { at, reason } => engine.anchor(*at, reason.clone(), inputs.server),
        Step::Idle => {}
        Step::Hold { newest_final } => engine.hold(*newest_final),
        Step::Fetch(range) => {
            custom_call = true;
            let answer = client
                .stats_custom(&range.start_param(), &range.end_param(), full_query_types)
                .await?;
            let chart = answer.main_chart_data.as_ref().ok_or_else(|| {
                bad(
                    client,
                    "a type=Custom answer without mainChartData".to_owned(),
                )
            })?;
            let custom = CustomAnswer {
                minutes: Minutes::from_chart(chart).map_err(|d| bad(client, d))?,
                query_types: answer.query_type_chart_data.as_ref(),
                protocols: answer.protocol_type_chart_data.as_ref(),
            };
            engine
                .apply(&lh, range, &custom, inputs.server)
                .map_err(|e| bad(client, e.0))?;
        }
    }
    log_change(client.server(), before.as_ref(), engine.warning.as_ref());
    Ok(CountersData {
        totals: engine.totals.clone(),
        watermark: engine.watermark,
        query_totals: !inputs.at_least(15),
        warning: engine.warning.clone(),
        step,
        custom_call,
    })
}

fn bad(client: &Client, detail: String) -> ApiError {
    ApiError::BadResponse {
        server: client.server().to_owned(),
        endpoint: Endpoint::StatsGet.path(),
        detail,
    }
}

/// Logs a warning when the warning's kind changes, and once when it clears.
fn log_change(server: &str, before: Option<&Warning>, after: Option<&Warning>) {
    match (before, after) {
        (_, Some(w)) if before.map(Warning::kind) != Some(w.kind()) => {
            tracing::warn!(server = %server, collector = "counters", "{}", w.describe());
        }
        (Some(_), None) => {
            tracing::info!(server = %server, collector = "counters", "derived counters: the server's per-minute stats agree again");
        }
        _ => {}
    }
}

/// Writes the derived counters.
#[allow(clippy::cast_precision_loss)]
pub fn write(data: &CountersData, enc: &mut Encoder) {
    let t = &data.totals;
    enc.family(
        "technitium_qtype_queries_total",
        Kind::Counter,
        "Queries by query type, summed from the server's per-minute stats since the exporter started counting (the server's Others bucket is qtype=\"other\").",
    );
    for (qtype, v) in &t.qtypes {
        enc.sample(&[("qtype", qtype)], *v as f64);
    }
    enc.family(
        "technitium_protocol_queries_total",
        Kind::Counter,
        "Queries by transport protocol, summed from the server's per-minute stats since the exporter started counting.",
    );
    for (protocol, v) in &t.protocols {
        enc.sample(&[("protocol", protocol)], *v as f64);
    }
    if data.query_totals {
        enc.family(
            "technitium_queries_total",
            Kind::Counter,
            "DNS queries the server received, summed from its per-minute stats since the exporter started counting (servers before v15).",
        );
        enc.sample(&[], t.queries as f64);
        enc.family(
            "technitium_responses_total",
            Kind::Counter,
            "Responses by rcode, summed from the server's per-minute stats since the exporter started counting (servers before v15; other rcodes are in no bucket).",
        );
        for rcode in engine::RCODES {
            let v = t.rcodes.get(rcode).copied().unwrap_or(0);
            enc.sample(&[("rcode", rcode)], v as f64);
        }
        enc.family(
            "technitium_query_outcomes_total",
            Kind::Counter,
            "Queries by how they were answered, summed from the server's per-minute stats since the exporter started counting (servers before v15; upstream-blocked counts as recursive and blocked).",
        );
        for outcome in engine::OUTCOMES {
            let v = t.outcomes.get(outcome).copied().unwrap_or(0);
            enc.sample(&[("outcome", outcome)], v as f64);
        }
    }
    if let Some(at) = data.watermark {
        enc.family(
            "technitium_derived_counters_minute_timestamp_seconds",
            Kind::Gauge,
            "End of the newest server minute included in the derived counters (Unix seconds, by the server's clock).",
        );
        enc.sample(&[], at as f64);
    }
    enc.family(
        "technitium_derived_counters_missed_minute_buckets_total",
        Kind::Counter,
        "Per-minute buckets of the server that the derived counters could not count: left out of the qtype and protocol counters when the server's two per-minute sources disagree, or out of every derived counter when more than 24 hours behind.",
    );
    enc.sample(&[], t.missed_minutes as f64);
}
