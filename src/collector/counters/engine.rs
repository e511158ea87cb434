//! The derived-counter engine: pure, synchronous logic over the server's per-minute buckets.
//!
//! It owns the per-target [`Engine`] (a watermark and monotonic [`Totals`]) and the two decisions
//! of a scrape: [`Engine::plan`] reads the `LastHour` chart and says which minutes became final
//! since the last scrape and whether a `type=Custom` call is needed (and for which range);
//! [`Engine::apply`] adds that call's answer. Nothing here does I/O or reads the wall clock: every
//! time is one of the server's own minute labels (Unix seconds of the END of a minute, from
//! `utc=true` labels), so tests drive it with any timeline.
//!
//! Rules (see `technitium-api.md` §14 for the server facts behind them):
//! - A minute counts once, only when final: the newest `LastHour` bucket is never final (until the
//!   server's 10 s maintenance locks it, it reads 0 or the value of the same minute an hour
//!   earlier), so the newest final minute is the one a full minute older than the newest label.
//! - Never a minute at or before the watermark; never a negative delta (every value is a `u64`
//!   added to a `u64`).
//! - Counting starts at the first successful collection: the watermark is set to the newest final
//!   minute and nothing before it is added.
//! - Labels going back (a server clock set back, another server behind the URL) hold the
//!   watermark, so no minute is counted twice; a jump back of more than [`MAX_HOLD_MINUTES`] or a
//!   different `dnsServerDomain` starts counting afresh from the newest final minute. Counters
//!   never go down.
//! - One `Custom` call covers at most [`MAX_RANGE_MINUTES`] minutes (`end − start` = 2 h, the
//!   longest range the server still answers per minute). A longer gap is caught up exactly in
//!   chunks, one call per scrape; minutes more than [`MAX_BACKLOG_MINUTES`] behind are counted
//!   as missed.
//! - Cross-check: each minute the `Custom` answer shares with the final part of the `LastHour`
//!   chart must have the same `Total`. A mismatch (the server's in-memory-stats setting, which
//!   never writes the store `Custom` reads, or a server mid-restart) leaves the range out of the
//!   qtype and protocol counters and counts its minutes as missed; the query, rcode and outcome
//!   totals still come from the `LastHour` chart, which is right in both cases.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::minutes::{MINUTE, Minute, Minutes, ShapeError, format_label};
use crate::exposition::labels::{self, Rule};
use crate::technitium::range::{CustomRange, MAX_SPAN_MINUTES};
use crate::technitium::types::ChartData;

/// Minutes one `Custom` call may cover. The server answers per minute while
/// `Convert.ToInt32((end − start).TotalHours) + 1 <= 3`, and reads
/// `(end − start) / 1 min + 1` minutes: `end − start` = 120 min gives 121 minute buckets
/// ([`CustomRange`] refuses longer ranges).
pub const MAX_RANGE_MINUTES: i64 = MAX_SPAN_MINUTES + 1;
/// How far behind the newest final minute a gap is still caught up; older minutes are missed.
pub const MAX_BACKLOG_MINUTES: i64 = 24 * 60;
/// Labels going back by at most this many minutes hold the watermark; a longer jump back
/// starts counting afresh.
pub const MAX_HOLD_MINUTES: i64 = 120;
/// Distinct `qtype` label values kept (the seeds included); further types count as `other`.
/// The window gauges keep as many per window ([`labels::MAX_VALUES`], the same rule).
pub const MAX_QTYPES: usize = labels::MAX_VALUES;
/// Distinct `protocol` label values kept.
pub const MAX_PROTOCOLS: usize = 12;

/// Query types whose counters exist from the start (at 0), so `rate()` sees their first
/// increase; rarer types appear when first seen.
pub const SEED_QTYPES: [&str; 11] = [
    "A", "AAAA", "CNAME", "HTTPS", "MX", "NS", "PTR", "SOA", "SRV", "TXT", "other",
];
/// The five transport protocols, always emitted.
pub const PROTOCOLS: [&str; 5] = ["udp", "tcp", "tls", "https", "quic"];
/// rcode label values, in the order of the chart's datasets.
pub const RCODES: [&str; 4] = ["NOERROR", "SERVFAIL", "NXDOMAIN", "REFUSED"];
/// Outcome label values, in the order of the chart's datasets.
pub const OUTCOMES: [&str; 5] = ["authoritative", "recursive", "cached", "blocked", "dropped"];

/// The monotonic totals of one target (all only ever increase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// `technitium_queries_total` (before v15).
    pub queries: u64,
    /// `technitium_responses_total{rcode}`, keyed by [`RCODES`].
    pub rcodes: BTreeMap<String, u64>,
    /// `technitium_query_outcomes_total{outcome}`, keyed by [`OUTCOMES`].
    pub outcomes: BTreeMap<String, u64>,
    /// `technitium_qtype_queries_total{qtype}`.
    pub qtypes: BTreeMap<String, u64>,
    /// `technitium_protocol_queries_total{protocol}`.
    pub protocols: BTreeMap<String, u64>,
    /// `technitium_derived_counters_missed_minute_buckets_total`.
    pub missed_minutes: u64,
}

impl Default for Totals {
    fn default() -> Self {
        let zeros = |keys: &[&str]| keys.iter().map(|k| ((*k).to_owned(), 0)).collect();
        Self {
            queries: 0,
            rcodes: zeros(&RCODES),
            outcomes: zeros(&OUTCOMES),
            qtypes: zeros(&SEED_QTYPES),
            protocols: zeros(&PROTOCOLS),
            missed_minutes: 0,
        }
    }
}

impl Totals {
    fn add_minute(&mut self, m: &Minute) {
        self.queries = self.queries.saturating_add(m.total);
        for (k, v) in RCODES.iter().zip(m.rcodes) {
            add(&mut self.rcodes, k, v);
        }
        for (k, v) in OUTCOMES.iter().zip(m.outcomes) {
            add(&mut self.outcomes, k, v);
        }
    }

    /// Adds a range's query-type chart. `answered` is the range's `Total − Dropped` (dropped
    /// requests have no query type): when the server trimmed the list to its top ten, `other` is
    /// rebuilt as `answered` minus the named types, because the trimmed list counts its tenth
    /// type nowhere.
    fn add_qtypes(&mut self, chart: &ChartData, answered: u64) {
        let trimmed = chart
            .labels
            .iter()
            .any(|l| l.eq_ignore_ascii_case("others"));
        let mut named = 0u64;
        for (label, value) in chart_rows(chart) {
            if label.eq_ignore_ascii_case("others") {
                if !trimmed {
                    add(&mut self.qtypes, "other", value);
                }
                continue;
            }
            named = named.saturating_add(value);
            let key = labels::key(&self.qtypes, label, Rule::Token, MAX_QTYPES);
            add(&mut self.qtypes, key, value);
        }
        if trimmed {
            add(&mut self.qtypes, "other", answered.saturating_sub(named));
        }
    }

    fn add_protocols(&mut self, chart: &ChartData) {
        for (label, value) in chart_rows(chart) {
            if !Rule::Token.accepts(label) {
                continue;
            }
            let key = super::super::samples::snake_case(label);
            if self.protocols.contains_key(&key) || self.protocols.len() < MAX_PROTOCOLS {
                add(&mut self.protocols, &key, value);
            }
        }
    }
}

fn add(map: &mut BTreeMap<String, u64>, key: &str, value: u64) {
    match map.get_mut(key) {
        Some(v) => *v = v.saturating_add(value),
        None => {
            map.insert(key.to_owned(), value);
        }
    }
}

/// `(label, count)` rows of a chart; rows without a non-negative integer are skipped.
fn chart_rows(chart: &ChartData) -> impl Iterator<Item = (&str, u64)> {
    let data = chart.datasets.first().map_or(&[][..], |d| &d.data[..]);
    chart
        .labels
        .iter()
        .zip(data)
        .filter_map(|(l, v)| v.as_u64().map(|v| (l.as_str(), v)))
}

/// A label value the server may legitimately send: an RR type or protocol name, or a type
/// number (`65280`): [`Rule::Token`], the rule every label from upstream data follows.
pub(super) fn valid_label(s: &str) -> bool {
    Rule::Token.accepts(s)
}

/// Why the engine started counting afresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorReason {
    /// The first successful collection (or a fresh state file).
    First,
    /// `dnsServerDomain` changed: another server answers at this URL.
    ServerChanged {
        /// The domain counted so far.
        from: String,
        /// The domain answering now.
        to: String,
    },
    /// The labels jumped back by more than [`MAX_HOLD_MINUTES`].
    ClockBack {
        /// The watermark before.
        watermark: i64,
        /// The newest final minute now.
        newest_final: i64,
    },
}

/// A condition worth a warning (logged once per change, shown by `check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CountersWarning {
    /// The `Custom` answer disagreed with the `LastHour` chart.
    Mismatch {
        /// First minute of the range (end label).
        start: i64,
        /// Last minute of the range (end label).
        end: i64,
        /// Minutes whose `Total` differed.
        minutes: u64,
    },
    /// The labels went back; counting waits until they pass the watermark again.
    ClockBack {
        /// The watermark.
        watermark: i64,
        /// The newest final minute now.
        newest_final: i64,
    },
    /// Counting started afresh (not for the first collection).
    Restarted {
        /// Why.
        reason: AnchorReason,
    },
    /// A gap longer than [`MAX_BACKLOG_MINUTES`]: its oldest minutes were counted as missed.
    Skipped {
        /// Minutes counted as missed.
        minutes: u64,
    },
}

impl CountersWarning {
    /// A sentence for the log and `check`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Mismatch {
                start,
                end,
                minutes,
            } => format!(
                "the server's stored per-minute stats (type=Custom) disagree with its last-hour chart for {minutes} of the minutes {} to {}: those minutes are left out of the qtype and protocol counters and counted in technitium_derived_counters_missed_minute_buckets_total; is \"Enable In-Memory Stats\" on in the server's settings?",
                format_label(*start),
                format_label(*end)
            ),
            Self::ClockBack {
                watermark,
                newest_final,
            } => format!(
                "the server's minute labels went back from {} to {}: the derived counters wait until they pass {} again; check the server's clock",
                format_label(*watermark),
                format_label(*newest_final),
                format_label(*watermark)
            ),
            Self::Restarted { reason } => match reason {
                AnchorReason::First => "derived counters started".to_owned(),
                AnchorReason::ServerChanged { from, to } => format!(
                    "another server answers at this URL ({from} before, {to} now): the derived counters continue from the newest minute of {to}"
                ),
                AnchorReason::ClockBack {
                    watermark,
                    newest_final,
                } => format!(
                    "the server's minute labels jumped back from {} to {}: the derived counters continue from the newest minute; check the server's clock",
                    format_label(*watermark),
                    format_label(*newest_final)
                ),
            },
            Self::Skipped { minutes } => format!(
                "{minutes} minutes were more than {} hours behind and are counted as missed",
                MAX_BACKLOG_MINUTES / 60
            ),
        }
    }

    /// A stable name for the kind of warning (log de-duplication).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Mismatch { .. } => "mismatch",
            Self::ClockBack { .. } => "clock_back",
            Self::Restarted { .. } => "restarted",
            Self::Skipped { .. } => "skipped",
        }
    }
}

/// The minutes of one `Custom` call ([`CustomRange`]: at most 2 hours, never past the newest
/// final minute), and the older minutes the catch-up gave up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The minutes asked for.
    pub span: CustomRange,
    /// Older minutes, beyond the backlog limit, counted as missed when the range is applied.
    pub skipped: u64,
}

impl Range {
    /// End label of the first minute (the call's `start`).
    #[must_use]
    pub fn start(&self) -> i64 {
        self.span.start()
    }

    /// End label of the last minute (the call's `end`).
    #[must_use]
    pub fn end(&self) -> i64 {
        self.span.end()
    }

    /// Number of minutes covered.
    #[must_use]
    pub fn minutes(&self) -> u64 {
        self.span.minutes()
    }

    /// The `start` parameter.
    #[must_use]
    pub fn start_param(&self) -> String {
        self.span.start_param()
    }

    /// The `end` parameter.
    #[must_use]
    pub fn end_param(&self) -> String {
        self.span.end_param()
    }
}

/// What a scrape must do, decided from the `LastHour` chart alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountStep {
    /// Start counting after `at` (no call, nothing added).
    Anchor {
        /// The newest final minute: the new watermark.
        at: i64,
        /// Why.
        reason: AnchorReason,
    },
    /// No minute became final since the last scrape: no call.
    Idle,
    /// The labels went back; nothing is counted until they pass the watermark again.
    Hold {
        /// The newest final minute now.
        newest_final: i64,
    },
    /// Fetch `type=Custom` for this range, then [`Engine::apply`] it.
    Fetch(Range),
}

/// What [`Engine::apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Minutes added to the query, rcode and outcome totals.
    pub counted: u64,
    /// Minutes added to the qtype and protocol counters (the range's, or 0 on a mismatch).
    pub typed: u64,
    /// Minutes added to `missed_minutes`.
    pub missed: u64,
    /// Whether the cross-check found a difference.
    pub mismatch: bool,
}

/// Per-target state of the derived counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engine {
    /// End label of the newest minute counted (or of the newest final minute when counting
    /// started); `None` before the first successful collection.
    pub watermark: Option<i64>,
    /// The `dnsServerDomain` counted, when known.
    pub server: Option<String>,
    /// The counters.
    pub totals: Totals,
    /// Result of the last cross-check that compared minutes with traffic; a range entirely
    /// older than the `LastHour` chart (a long catch-up) has nothing to compare and is trusted
    /// only when this is not `Some(false)`.
    pub custom_agrees: Option<bool>,
    /// The current warning, if any (cleared by the next clean range).
    pub warning: Option<CountersWarning>,
}

impl Engine {
    /// Decides what this scrape does from the `LastHour` chart and the server's domain.
    #[must_use]
    pub fn plan(&self, last_hour: &Minutes, server: Option<&str>) -> CountStep {
        let Some(newest_final) = last_hour.newest_final() else {
            return CountStep::Idle;
        };
        let Some(watermark) = self.watermark else {
            return CountStep::Anchor {
                at: newest_final,
                reason: AnchorReason::First,
            };
        };
        if let (Some(from), Some(to)) = (self.server.as_deref(), server)
            && !from.eq_ignore_ascii_case(to)
        {
            return CountStep::Anchor {
                at: newest_final,
                reason: AnchorReason::ServerChanged {
                    from: from.to_owned(),
                    to: to.to_owned(),
                },
            };
        }
        if newest_final < watermark {
            if watermark - newest_final > MAX_HOLD_MINUTES * MINUTE {
                return CountStep::Anchor {
                    at: newest_final,
                    reason: AnchorReason::ClockBack {
                        watermark,
                        newest_final,
                    },
                };
            }
            return CountStep::Hold { newest_final };
        }
        if newest_final == watermark {
            return CountStep::Idle;
        }
        // A watermark off the minute grid (a hand-edited state file) is realigned onto it.
        let misalign = (newest_final - watermark).rem_euclid(MINUTE);
        let mut start = watermark + misalign + MINUTE;
        if misalign != 0 && start > newest_final {
            return CountStep::Idle;
        }
        let mut skipped = 0;
        let oldest_kept = newest_final - (MAX_BACKLOG_MINUTES - 1) * MINUTE;
        if start < oldest_kept {
            skipped = u64::try_from((oldest_kept - start) / MINUTE).unwrap_or(0);
            start = oldest_kept;
        }
        let end = newest_final.min(start + (MAX_RANGE_MINUTES - 1) * MINUTE);
        match CustomRange::new(start, end, newest_final) {
            Ok(span) => CountStep::Fetch(Range { span, skipped }),
            // Not reached (start and end are on the grid, in order, within 2 hours): never ask.
            Err(_) => CountStep::Idle,
        }
    }

    /// Starts counting after `at`: the counters keep their values, nothing is added.
    pub fn anchor(&mut self, at: i64, reason: AnchorReason, server: Option<&str>) {
        self.watermark = Some(at);
        if matches!(reason, AnchorReason::ServerChanged { .. }) {
            self.custom_agrees = None;
        }
        if server.is_some() {
            self.server = server.map(str::to_owned);
        }
        self.warning = match reason {
            AnchorReason::First => None,
            reason => Some(CountersWarning::Restarted { reason }),
        };
    }

    /// Records a hold (labels went back) as the current warning.
    pub fn hold(&mut self, newest_final: i64) {
        if let Some(watermark) = self.watermark {
            self.warning = Some(CountersWarning::ClockBack {
                watermark,
                newest_final,
            });
        }
    }

    /// Applies the `Custom` answer for `range` (planned from `last_hour`) and moves the
    /// watermark to its end.
    ///
    /// # Errors
    /// When the answer does not cover exactly the range asked (another bucket size, other
    /// labels); nothing is changed then.
    pub fn apply(
        &mut self,
        last_hour: &Minutes,
        range: &Range,
        custom: &CustomAnswer<'_>,
        server: Option<&str>,
    ) -> Result<Applied, ShapeError> {
        let minutes = &custom.minutes;
        check_shape(range, minutes)?;
        let overlap = Overlap::of(last_hour, range, minutes);
        // With no final minute to compare, trust Custom unless it was caught disagreeing.
        let trusted = if overlap.checked > 0 {
            overlap.differ == 0
        } else {
            self.custom_agrees != Some(false)
        };
        let mut applied = Applied {
            counted: 0,
            typed: 0,
            missed: range.skipped,
            mismatch: overlap.differ > 0,
        };
        let (mut total, mut dropped) = (0u64, 0u64);
        for (i, row) in minutes.rows.iter().enumerate() {
            total = total.saturating_add(row.total);
            dropped = dropped.saturating_add(row.outcomes[4]);
            let source = match overlap.last_hour(last_hour, range.start() + MINUTE * i as i64) {
                Some(lh) => Some(lh),
                None if trusted => Some(row),
                None => None,
            };
            if let Some(m) = source {
                self.totals.add_minute(m);
                applied.counted += 1;
            }
        }
        if trusted {
            if let Some(chart) = &custom.query_types {
                self.totals.add_qtypes(chart, total.saturating_sub(dropped));
            }
            if let Some(chart) = &custom.protocols {
                self.totals.add_protocols(chart);
            }
            applied.typed = range.minutes();
        } else {
            applied.missed += range.minutes();
        }
        self.totals.missed_minutes = self.totals.missed_minutes.saturating_add(applied.missed);
        if overlap.checked > 0 && overlap.traffic {
            self.custom_agrees = Some(overlap.differ == 0);
        }
        self.watermark = Some(range.end());
        if server.is_some() {
            self.server = server.map(str::to_owned);
        }
        self.warning = applied_warning(range, overlap.differ, trusted);
        Ok(applied)
    }
}

/// How the server's stored minutes (a `type=Custom` answer) compare with its `LastHour` chart
/// over the same final minutes: what `check` shows before any counting has happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comparison {
    /// The minutes compared.
    pub range: Range,
    /// Minutes present in both.
    pub checked: u64,
    /// Of those, minutes whose `Total` differs.
    pub differ: u64,
    /// Whether any of them had queries (an idle server proves nothing).
    pub traffic: bool,
}

impl Range {
    /// The newest final minutes of `last_hour`, at most `minutes` of them, to compare with a
    /// `Custom` answer; `None` when the chart has no final minute.
    #[must_use]
    pub fn newest(last_hour: &Minutes, minutes: i64) -> Option<Self> {
        let end = last_hour.newest_final()?;
        let start = (end - MINUTE * (minutes - 1)).max(last_hour.first);
        let span = CustomRange::new(start, end, end).ok()?;
        Some(Self { span, skipped: 0 })
    }
}

/// Compares a `type=Custom` answer for `range` with the final minutes of `last_hour`.
///
/// # Errors
/// When the answer does not cover exactly the minutes of `range`.
pub fn compare(
    last_hour: &Minutes,
    range: &Range,
    custom: &Minutes,
) -> Result<Comparison, ShapeError> {
    check_shape(range, custom)?;
    let o = Overlap::of(last_hour, range, custom);
    Ok(Comparison {
        range: *range,
        checked: o.checked,
        differ: o.differ,
        traffic: o.traffic,
    })
}

/// Whether a `type=Custom` answer covers exactly the minutes of `range`.
fn check_shape(range: &Range, minutes: &Minutes) -> Result<(), ShapeError> {
    if minutes.first == range.start() && minutes.last() == Some(range.end()) {
        return Ok(());
    }
    Err(ShapeError(format!(
        "a type=Custom answer for {} … {} labelled {} … {} ({} buckets): not the minutes asked for",
        range.start_param(),
        range.end_param(),
        format_label(minutes.first),
        minutes.last().map(format_label).unwrap_or_default(),
        minutes.rows.len()
    )))
}

/// How a `type=Custom` answer compares with the final minutes of `LastHour` it overlaps.
struct Overlap {
    /// The newest final minute of `LastHour`.
    final_end: i64,
    /// Minutes in both.
    checked: u64,
    /// Of those, minutes whose totals differ.
    differ: u64,
    /// Whether any of those minutes had queries (an idle server proves nothing).
    traffic: bool,
}

impl Overlap {
    fn of(last_hour: &Minutes, range: &Range, minutes: &Minutes) -> Self {
        let mut o = Self {
            final_end: last_hour.newest_final().unwrap_or(i64::MIN),
            checked: 0,
            differ: 0,
            traffic: false,
        };
        for (i, row) in minutes.rows.iter().enumerate() {
            if let Some(lh) = o.last_hour(last_hour, range.start() + MINUTE * i as i64) {
                o.checked += 1;
                o.traffic |= lh.total > 0 || row.total > 0;
                if lh.total != row.total {
                    o.differ += 1;
                }
            }
        }
        o
    }

    /// `LastHour`'s final minute `label`, if it has it.
    fn last_hour<'m>(&self, last_hour: &'m Minutes, label: i64) -> Option<&'m Minute> {
        if label <= self.final_end {
            last_hour.get(label)
        } else {
            None
        }
    }
}

/// The warning after applying a range: minutes that disagree, an answer not trusted, or
/// minutes skipped.
fn applied_warning(range: &Range, differ: u64, trusted: bool) -> Option<CountersWarning> {
    if differ > 0 || !trusted {
        Some(CountersWarning::Mismatch {
            start: range.start(),
            end: range.end(),
            minutes: differ,
        })
    } else if range.skipped > 0 {
        Some(CountersWarning::Skipped {
            minutes: range.skipped,
        })
    } else {
        None
    }
}

/// The parts of a `type=Custom` answer the engine reads.
#[derive(Debug, Clone)]
pub struct CustomAnswer<'a> {
    /// Its main chart, per minute.
    pub minutes: Minutes,
    /// `queryTypeChartData`: sums over the range.
    pub query_types: Option<&'a ChartData>,
    /// `protocolTypeChartData`: sums over the range.
    pub protocols: Option<&'a ChartData>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::technitium::types::Dataset;

    const T0: i64 = 1_778_416_200; // 2026-05-10T12:30:00Z

    fn minute(total: u64) -> Minute {
        Minute {
            total,
            rcodes: [total - total / 10, total / 20, total / 10 - total / 20, 0],
            outcomes: [0, total / 2, total - total / 2, 0, 0],
        }
    }

    /// A LastHour chart whose newest label is `newest`, with `f(label)` per minute.
    fn hour(newest: i64, f: impl Fn(i64) -> u64) -> Minutes {
        let first = newest - 59 * MINUTE;
        Minutes {
            first,
            rows: (0..60).map(|i| minute(f(first + MINUTE * i))).collect(),
        }
    }

    fn chart(rows: &[(&str, u64)]) -> ChartData {
        ChartData {
            labels: rows.iter().map(|(l, _)| (*l).to_owned()).collect(),
            datasets: vec![Dataset {
                data: rows.iter().map(|(_, v)| (*v).into()).collect(),
            }],
        }
    }

    fn custom<'a>(
        range: &Range,
        f: impl Fn(i64) -> u64,
        q: &'a ChartData,
        p: &'a ChartData,
    ) -> CustomAnswer<'a> {
        let n = range.minutes() as i64;
        CustomAnswer {
            minutes: Minutes {
                first: range.start(),
                rows: (0..n)
                    .map(|i| minute(f(range.start() + MINUTE * i)))
                    .collect(),
            },
            query_types: Some(q),
            protocols: Some(p),
        }
    }

    fn traffic(label: i64) -> u64 {
        // Deterministic, never constant: 10..=29 queries a minute.
        10 + (label / MINUTE).rem_euclid(20) as u64
    }

    #[test]
    fn first_collection_anchors_at_the_newest_final_minute() {
        let e = Engine::default();
        let lh = hour(T0, traffic);
        assert_eq!(
            e.plan(&lh, Some("a")),
            CountStep::Anchor {
                at: T0 - MINUTE,
                reason: AnchorReason::First
            }
        );
    }

    #[test]
    fn one_new_final_minute_is_one_range_of_one_minute() {
        let mut e = Engine::default();
        e.anchor(T0 - MINUTE, AnchorReason::First, Some("a"));
        assert_eq!(e.plan(&hour(T0, traffic), Some("a")), CountStep::Idle);
        let lh = hour(T0 + MINUTE, traffic);
        let CountStep::Fetch(range) = e.plan(&lh, Some("a")) else {
            panic!("expected a fetch")
        };
        assert_eq!((range.start(), range.end(), range.skipped), (T0, T0, 0));
        let q = chart(&[("A", 20), ("AAAA", 5), ("TYPE", 1)]);
        let p = chart(&[("Udp", 24), ("Tcp", 2)]);
        let applied = e
            .apply(&lh, &range, &custom(&range, traffic, &q, &p), Some("a"))
            .unwrap();
        assert_eq!(applied.counted, 1);
        assert_eq!(e.totals.queries, traffic(T0));
        assert_eq!(e.totals.qtypes["A"], 20);
        assert_eq!(e.totals.qtypes["TYPE"], 1);
        assert_eq!(e.totals.qtypes["other"], 0);
        assert_eq!(e.totals.protocols["udp"], 24);
        assert_eq!(e.totals.protocols["quic"], 0);
        assert_eq!(e.watermark, Some(T0));
        assert_eq!(e.warning, None);
    }

    #[test]
    fn gaps_are_chunked_and_very_old_minutes_missed() {
        let mut e = Engine::default();
        e.anchor(T0, AnchorReason::First, None);
        // 150 minutes later: first chunk is 121 minutes.
        let lh = hour(T0 + 151 * MINUTE, traffic);
        let CountStep::Fetch(r) = e.plan(&lh, None) else {
            panic!()
        };
        assert_eq!(
            (r.start(), r.end(), r.minutes()),
            (T0 + MINUTE, T0 + 121 * MINUTE, 121)
        );
        // Two days later: only the last 24 hours are caught up.
        let lh = hour(T0 + 2 * 1440 * MINUTE + MINUTE, traffic);
        let CountStep::Fetch(r) = e.plan(&lh, None) else {
            panic!()
        };
        assert_eq!(r.skipped, 1440);
        assert_eq!(r.start(), T0 + 1441 * MINUTE);
        assert_eq!(r.minutes(), 121);
    }

    #[test]
    fn labels_going_back_hold_then_reanchor() {
        let mut e = Engine::default();
        e.anchor(T0, AnchorReason::First, None);
        let back = hour(T0 - 9 * MINUTE, traffic);
        assert_eq!(
            e.plan(&back, None),
            CountStep::Hold {
                newest_final: T0 - 10 * MINUTE
            }
        );
        let far = hour(T0 - 200 * MINUTE, traffic);
        assert!(matches!(
            e.plan(&far, None),
            CountStep::Anchor {
                reason: AnchorReason::ClockBack { .. },
                ..
            }
        ));
    }

    #[test]
    fn another_server_reanchors() {
        let mut e = Engine::default();
        e.anchor(T0, AnchorReason::First, Some("dns1"));
        let lh = hour(T0 + 5 * MINUTE, traffic);
        assert!(matches!(e.plan(&lh, Some("DNS1")), CountStep::Fetch(_)));
        assert!(matches!(
            e.plan(&lh, Some("dns2")),
            CountStep::Anchor {
                reason: AnchorReason::ServerChanged { .. },
                ..
            }
        ));
    }

    #[test]
    fn a_mismatch_counts_totals_but_not_types() {
        let mut e = Engine::default();
        e.anchor(T0, AnchorReason::First, None);
        let lh = hour(T0 + 4 * MINUTE, traffic);
        let CountStep::Fetch(r) = e.plan(&lh, None) else {
            panic!()
        };
        assert_eq!(r.minutes(), 3);
        let q = chart(&[("A", 1)]);
        let p = chart(&[]);
        // In-memory stats: Custom reads 0 everywhere.
        let applied = e.apply(&lh, &r, &custom(&r, |_| 0, &q, &p), None).unwrap();
        assert!(applied.mismatch);
        assert_eq!(applied.counted, 3);
        assert_eq!(applied.missed, 3);
        let want: u64 = (1..=3).map(|i| traffic(T0 + i * MINUTE)).sum();
        assert_eq!(e.totals.queries, want);
        assert_eq!(e.totals.qtypes["A"], 0);
        assert_eq!(e.totals.missed_minutes, 3);
        assert_eq!(e.custom_agrees, Some(false));
        assert!(matches!(
            e.warning,
            Some(CountersWarning::Mismatch { minutes: 3, .. })
        ));
    }

    #[test]
    fn a_wrong_shape_changes_nothing() {
        let mut e = Engine::default();
        e.anchor(T0, AnchorReason::First, None);
        let lh = hour(T0 + 4 * MINUTE, traffic);
        let CountStep::Fetch(r) = e.plan(&lh, None) else {
            panic!()
        };
        let q = chart(&[]);
        let mut answer = custom(&r, traffic, &q, &q);
        answer.minutes.first -= MINUTE;
        let before = e.clone();
        assert!(e.apply(&lh, &r, &answer, None).is_err());
        assert_eq!(e, before);
    }

    #[test]
    fn trimmed_query_types_rebuild_other() {
        let mut t = Totals::default();
        // 11 types on the server; the trimmed answer lost the tenth (count 3) and put 2 in Others.
        let rows = [
            ("A", 50),
            ("AAAA", 20),
            ("HTTPS", 10),
            ("PTR", 6),
            ("TXT", 5),
            ("SRV", 4),
            ("MX", 4),
            ("SOA", 3),
            ("NS", 3),
            ("Others", 2),
        ];
        t.add_qtypes(&chart(&rows), 110);
        assert_eq!(t.qtypes["A"], 50);
        assert_eq!(t.qtypes["other"], 110 - 105);
        // Untrimmed: Others is not special, nothing is rebuilt.
        let mut u = Totals::default();
        u.add_qtypes(&chart(&[("A", 5), ("DS", 1)]), 10);
        assert_eq!(u.qtypes["other"], 0);
        assert_eq!(u.qtypes["DS"], 1);
    }

    #[test]
    fn qtype_labels_are_bounded() {
        let mut t = Totals::default();
        let many: Vec<(String, u64)> = (0..100).map(|i| (format!("T{i}"), 1)).collect();
        let rows: Vec<(&str, u64)> = many.iter().map(|(l, v)| (l.as_str(), *v)).collect();
        t.add_qtypes(&chart(&rows), 0);
        t.add_qtypes(&chart(&[("bad label\"", 7)]), 0);
        assert_eq!(t.qtypes.len(), MAX_QTYPES);
        assert_eq!(
            t.qtypes["other"],
            100 - (MAX_QTYPES - SEED_QTYPES.len()) as u64 + 7
        );
    }

    #[test]
    fn a_range_older_than_the_hour_is_trusted_only_after_agreement() {
        let mut e = Engine::default();
        e.anchor(T0, AnchorReason::First, None);
        e.custom_agrees = Some(false);
        let lh = hour(T0 + 300 * MINUTE, traffic);
        let CountStep::Fetch(r) = e.plan(&lh, None) else {
            panic!()
        };
        let q = chart(&[("A", 9)]);
        let applied = e
            .apply(&lh, &r, &custom(&r, traffic, &q, &q), None)
            .unwrap();
        assert_eq!(applied.counted, 0);
        assert_eq!(applied.missed, 121);
        assert_eq!(e.totals.queries, 0);
        assert_eq!(e.watermark, Some(r.end()));
    }
}
