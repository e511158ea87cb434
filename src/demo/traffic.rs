//! The demo's query traffic: a rate that moves with the clock, cut into integer per-minute
//! counts as the server keeps them, and every stats answer made from those counts: `LastHour`
//! and short `Custom` ranges per minute (a minute reads 0 until `LOCK_LAG` after it ends, like
//! the server's maintenance lag), hour buckets for longer `Custom` ranges, the day-or-longer
//! windows, the lifetime counters and the top lists.
//!
//! Sums over any range are exact, so the `counters` collector's cross-check passes. Pure
//! functions of the clock: nothing here serves or knows the cluster.

use std::f64::consts::TAU;

use time::format_description::well_known::Rfc3339;

use crate::collector::counters::minutes::DATASETS;
use crate::technitium::types::{
    ChartData, DashboardStats, Dataset, MainChartData, NamedDataset, QueryTotals, Stats, TopEntry,
    TopStats,
};

/// Why the demo refuses a `type=Custom` range; the messages are the real server's (but the
/// last, where the server would answer per day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(super) enum CustomRangeError {
    /// `start` is not an ISO-8601 time.
    #[error("Invalid start date format.")]
    BadStart,
    /// `end` is not an ISO-8601 time.
    #[error("Invalid end date format.")]
    BadEnd,
    /// `start` is after `end`.
    #[error("Start date must be less than or equal to end date.")]
    Reversed,
    /// The range is longer than 7 days.
    #[error("The demo answers type=Custom for up to 7 days.")]
    TooLong,
}

/// Queries per second now: a daily wave plus a slow ripple.
fn rate(t: f64) -> f64 {
    38.0 + 14.0 * (TAU * t / 86_400.0).sin() + 3.0 * (TAU * t / 900.0).sin()
}

/// Shares of the rcode and outcome buckets.
const RCODES: [f64; 4] = [0.885, 0.008, 0.095, 0.002];
const OUTCOMES: [f64; 5] = [0.06, 0.30, 0.55, 0.09, 0.0];

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn counters(total: f64, clients: u64) -> QueryTotals {
    let part = |share: f64| Some((total * share).floor() as u64);
    QueryTotals {
        total_queries: Some(total.floor() as u64),
        total_no_error: part(RCODES[0]),
        total_server_failure: part(RCODES[1]),
        total_nx_domain: part(RCODES[2]),
        total_refused: part(RCODES[3]),
        total_authoritative: part(OUTCOMES[0]),
        total_recursive: part(OUTCOMES[1]),
        total_cached: part(OUTCOMES[2]),
        total_blocked: part(OUTCOMES[3]),
        total_dropped: part(OUTCOMES[4]),
        total_clients: Some(clients),
    }
}

/// Monotonic: the mean rate times the time since start (the ripple integrates to a bounded term
/// smaller than the mean, so the total never decreases).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(super) fn lifetime(started: f64, scale: f64, now: f64) -> QueryTotals {
    let elapsed = now - started;
    counters(scale * (38.0 * elapsed + 2_000.0), (57.0 * scale) as u64)
}

/// The unwindowed gauges of every `stats/get` answer.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn live_stats(zones: usize, now: f64) -> Stats {
    Stats {
        totals: QueryTotals::default(),
        zones: Some(zones as u64),
        cached_entries: Some((24_000.0 + 4_000.0 * (TAU * now / 5_400.0).sin()) as u64),
        allowed_zones: Some(3),
        blocked_zones: Some(12),
        allow_list_zones: Some(148),
        block_list_zones: Some(312_447),
    }
}

/// Seconds after a minute ends until the server's maintenance timer (every 10 s) locks its
/// counter: until then the minute reads 0, as on the real server.
const LOCK_LAG: i64 = 10;

/// Query types and their shares of the answered queries (the demo drops none).
const QTYPES: [(&str, f64); 12] = [
    ("A", 0.52),
    ("AAAA", 0.21),
    ("HTTPS", 0.11),
    ("PTR", 0.05),
    ("TXT", 0.03),
    ("SRV", 0.02),
    ("MX", 0.015),
    ("SOA", 0.012),
    ("NS", 0.01),
    ("CNAME", 0.008),
    ("DS", 0.003),
    ("DNSKEY", 0.002),
];
const PROTOCOLS: [(&str, f64); 5] = [
    ("Udp", 0.90),
    ("Tcp", 0.05),
    ("Tls", 0.02),
    ("Https", 0.03),
    ("Quic", 0.0),
];

/// One minute of demo traffic: integers, so sums over any range are exact.
#[derive(Clone, Copy, Default)]
struct MinuteCounts {
    total: u64,
    rcodes: [u64; 4],
    outcomes: [u64; 5],
    qtypes: [u64; 12],
    protocols: [u64; 5],
    clients: u64,
}

/// The final counts of the minute ending at `label` (the rate at the minute's middle).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn minute_counts(label: i64, scale: f64) -> MinuteCounts {
    let total = (rate(label as f64 - 30.0) * scale * 60.0) as u64;
    let part = |share: f64| (total as f64 * share) as u64;
    let mut m = MinuteCounts {
        total,
        clients: (31.0 + 5.0 * (TAU * label as f64 / 7_200.0).sin()) as u64,
        ..MinuteCounts::default()
    };
    for (i, share) in RCODES.iter().enumerate() {
        m.rcodes[i] = part(*share);
    }
    for (i, share) in OUTCOMES.iter().enumerate() {
        m.outcomes[i] = part(*share);
    }
    // Every answered query has one type and one protocol: the first row takes the rest.
    for (i, (_, share)) in QTYPES.iter().enumerate().skip(1) {
        m.qtypes[i] = part(*share);
    }
    m.qtypes[0] = total - m.qtypes[1..].iter().sum::<u64>();
    for (i, (_, share)) in PROTOCOLS.iter().enumerate().skip(1) {
        m.protocols[i] = part(*share);
    }
    m.protocols[0] = total - m.protocols[1..].iter().sum::<u64>();
    m
}

/// What the server reports for the minute ending at `label`: 0 until it is locked.
fn reported(label: i64, now: i64, scale: f64) -> MinuteCounts {
    if now >= label + LOCK_LAG {
        minute_counts(label, scale)
    } else {
        MinuteCounts::default()
    }
}

/// `type=LastHour`: the 60 minutes ending at the last whole minute.
#[allow(clippy::cast_possible_truncation)]
pub(super) fn last_hour(full_qtypes: bool, zones: usize, scale: f64, now: f64) -> DashboardStats {
    let now = now.floor() as i64;
    let newest = now.div_euclid(60) * 60;
    let labels: Vec<i64> = (0..60).map(|i| newest - (59 - i) * 60).collect();
    minute_stats(&labels, full_qtypes, zones, scale, now)
}

/// `type=Custom`: per minute for ranges up to 2 hours (the server's rule:
/// `Convert.ToInt32(hours) + 1 <= 3`), labelled by the END of each minute from `start` to
/// `end`; per hour up to 7 days.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)]
pub(super) fn custom(
    start: Option<&str>,
    end: Option<&str>,
    full_qtypes: bool,
    zones: usize,
    scale: f64,
    now: f64,
) -> Result<DashboardStats, CustomRangeError> {
    let parse = |s: Option<&str>| {
        s.and_then(|s| time::OffsetDateTime::parse(s, &Rfc3339).ok())
            .map(time::OffsetDateTime::unix_timestamp)
    };
    let start = parse(start).ok_or(CustomRangeError::BadStart)?;
    let end = parse(end).ok_or(CustomRangeError::BadEnd)?;
    if start > end {
        return Err(CustomRangeError::Reversed);
    }
    let now = now.floor() as i64;
    let seconds = (end - start) as f64;
    if (seconds / 86_400.0).round_ties_even() + 1.0 > 7.0 {
        return Err(CustomRangeError::TooLong);
    }
    let hours = (seconds / 3_600.0).round_ties_even();
    if hours + 1.0 > 3.0 {
        // Hour buckets: each the sum of its minutes.
        let first = start.div_euclid(3600) * 3600 + 3600;
        let labels: Vec<i64> = (0..=hours as i64).map(|i| first + i * 3600).collect();
        let mut stats = minute_stats(&labels, full_qtypes, zones, scale, now);
        if let Some(chart) = &mut stats.main_chart_data {
            for (i, hour) in labels.iter().enumerate() {
                let mut sum = MinuteCounts::default();
                for m in 0..60 {
                    add_counts(&mut sum, &reported(hour - 3600 + (m + 1) * 60, now, scale));
                }
                for (d, v) in chart.datasets.iter_mut().zip(series_values(&sum)) {
                    d.data[i] = v.into();
                }
            }
        }
        return Ok(stats);
    }
    let minutes = (seconds / 60.0).round_ties_even() as i64 + 1;
    let labels: Vec<i64> = (0..minutes).map(|i| start + i * 60).collect();
    Ok(minute_stats(&labels, full_qtypes, zones, scale, now))
}

fn add_counts(sum: &mut MinuteCounts, m: &MinuteCounts) {
    sum.total += m.total;
    sum.clients = sum.clients.max(m.clients);
    for i in 0..4 {
        sum.rcodes[i] += m.rcodes[i];
    }
    for i in 0..5 {
        sum.outcomes[i] += m.outcomes[i];
        sum.protocols[i] += m.protocols[i];
    }
    for i in 0..12 {
        sum.qtypes[i] += m.qtypes[i];
    }
}

/// The main chart's 11 values of one bucket, in dataset order.
fn series_values(m: &MinuteCounts) -> [u64; 11] {
    let r = m.rcodes;
    let o = m.outcomes;
    [
        m.total, r[0], r[1], r[2], r[3], o[0], o[1], o[2], o[3], o[4], m.clients,
    ]
}

/// A `stats/get` answer over consecutive minute buckets: the main chart per minute, the
/// totals and the query-type and protocol charts summed over them, as the server merges its
/// minute counters. Without `full_qtypes` the type list is trimmed as the server trims it
/// (nine types, then `Others`, which leaves out the tenth).
fn minute_stats(
    labels: &[i64],
    full_qtypes: bool,
    zones: usize,
    scale: f64,
    now: i64,
) -> DashboardStats {
    let values: Vec<MinuteCounts> = labels.iter().map(|l| reported(*l, now, scale)).collect();
    let mut sum = MinuteCounts::default();
    for m in &values {
        add_counts(&mut sum, m);
    }
    let names = DATASETS.iter().copied().chain(std::iter::once("Clients"));
    let datasets = names
        .enumerate()
        .map(|(k, name)| NamedDataset {
            label: name.to_owned(),
            data: values.iter().map(|m| series_values(m)[k].into()).collect(),
        })
        .collect();
    let mut qtypes = chart_rows(&QTYPES, &sum.qtypes);
    if !full_qtypes && qtypes.len() > 10 {
        let others: u64 = qtypes[10..].iter().map(|(_, c)| c).sum();
        qtypes.truncate(9);
        qtypes.push(("Others", others));
    }
    let protocols = chart_rows(&PROTOCOLS, &sum.protocols);
    let chart = |rows: &[(&str, u64)]| ChartData {
        labels: rows.iter().map(|(l, _)| (*l).to_owned()).collect(),
        datasets: vec![Dataset {
            data: rows.iter().map(|(_, c)| (*c).into()).collect(),
        }],
    };
    let r = sum.rcodes;
    let o = sum.outcomes;
    DashboardStats {
        stats: Stats {
            totals: QueryTotals {
                total_queries: Some(sum.total),
                total_no_error: Some(r[0]),
                total_server_failure: Some(r[1]),
                total_nx_domain: Some(r[2]),
                total_refused: Some(r[3]),
                total_authoritative: Some(o[0]),
                total_recursive: Some(o[1]),
                total_cached: Some(o[2]),
                total_blocked: Some(o[3]),
                total_dropped: Some(o[4]),
                total_clients: Some(sum.clients),
            },
            ..live_stats(zones, unix_seconds(now))
        },
        query_type_chart_data: Some(chart(&qtypes)),
        protocol_type_chart_data: Some(chart(&protocols)),
        main_chart_data: Some(MainChartData {
            labels: labels.iter().map(|l| label(*l)).collect(),
            datasets,
        }),
    }
}

/// A chart's rows as the server orders them: the names with queries, most queries first.
fn chart_rows(names: &[(&'static str, f64)], counts: &[u64]) -> Vec<(&'static str, u64)> {
    let mut rows: Vec<(&str, u64)> = names
        .iter()
        .zip(counts)
        .map(|((n, _), c)| (*n, *c))
        .filter(|(_, c)| *c > 0)
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    rows
}

/// A day-or-longer window (`LastDay` … `LastYear`): the mean rate over its length.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
pub(super) fn stats(
    window: &str,
    full_qtypes: bool,
    zones: usize,
    scale: f64,
    now: f64,
) -> DashboardStats {
    let seconds = match window {
        "LastWeek" => 604_800.0,
        "LastMonth" => 2_678_400.0,
        "LastYear" => 31_536_000.0,
        _ => 86_400.0,
    };
    let total = 38.0 * seconds * scale;
    let mut labels: Vec<String> = Vec::new();
    let mut data: Vec<serde_json::Number> = Vec::new();
    let shown = if full_qtypes { QTYPES.len() } else { 9 };
    for (name, share) in &QTYPES[..shown] {
        labels.push((*name).to_owned());
        data.push(((total * share) as u64).into());
    }
    if !full_qtypes {
        labels.push("Others".to_owned());
        data.push(((total * QTYPES[10..].iter().map(|(_, s)| s).sum::<f64>()) as u64).into());
    }
    let protocols: Vec<(&str, f64)> = PROTOCOLS
        .iter()
        .copied()
        .filter(|(_, s)| *s > 0.0)
        .collect();
    let chart = |rows: &[(&str, f64)]| ChartData {
        labels: rows.iter().map(|(l, _)| (*l).to_owned()).collect(),
        datasets: vec![Dataset {
            data: rows
                .iter()
                .map(|(_, s)| ((total * s) as u64).into())
                .collect(),
        }],
    };
    DashboardStats {
        stats: Stats {
            totals: counters(total, 57),
            ..live_stats(zones, now)
        },
        query_type_chart_data: Some(ChartData {
            labels,
            datasets: vec![Dataset { data }],
        }),
        protocol_type_chart_data: Some(chart(&protocols)),
        main_chart_data: None,
    }
}

/// The main chart of a day-or-longer window: one point per hour (last day), day (last week,
/// month) or month (last year), per series, oldest first.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
pub(super) fn main_chart(window: &str, scale: f64, now: f64) -> MainChartData {
    let (points, step) = match window {
        "LastDay" => (24, 3_600.0),
        "LastWeek" => (7, 86_400.0),
        "LastMonth" => (31, 86_400.0),
        _ => (12, 2_678_400.0),
    };
    let start = (now / step).floor() * step - step * f64::from(points - 1);
    let times: Vec<f64> = (0..points).map(|i| start + step * f64::from(i)).collect();
    let labels = times.iter().map(|t| label(*t as i64)).collect();
    let series = |label: &str, share: f64| NamedDataset {
        label: label.to_owned(),
        data: times
            .iter()
            .map(|t| ((rate(*t) * scale * step * share) as u64).into())
            .collect(),
    };
    let mut datasets = vec![series(DATASETS[0], 1.0)];
    for (i, name) in SERIES[..4].iter().enumerate() {
        datasets.push(series(name, RCODES[i]));
    }
    for (i, name) in SERIES[4..].iter().enumerate() {
        datasets.push(series(name, OUTCOMES[i]));
    }
    datasets.push(NamedDataset {
        label: "Clients".to_owned(),
        data: times
            .iter()
            .map(|t| ((31.0 + 5.0 * (TAU * t / 7_200.0).sin()) as u64).into())
            .collect(),
    });
    MainChartData { labels, datasets }
}

/// The main chart's rcode and outcome series after `Total`, in the server's order.
const SERIES: &[&str] = DATASETS.split_at(1).1;

/// A label as the server writes it with `utc=true`.
fn label(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(super) fn top(kind: &str, limit: usize, scale: f64, now: f64) -> TopStats {
    let scale = scale * rate(now) / 38.0;
    let entries = |names: &[(&str, Option<&str>, f64)]| -> Vec<TopEntry> {
        names
            .iter()
            .take(limit)
            .map(|(n, d, hits)| TopEntry {
                name: (*n).to_owned(),
                domain: d.map(str::to_owned),
                hits: (hits * scale) as u64,
            })
            .collect()
    };
    match kind {
        "TopClients" => TopStats {
            top_clients: Some(entries(&[
                ("192.168.1.20", Some("tv.demo.lan"), 41_200.0),
                ("192.168.1.31", Some("laptop.demo.lan"), 22_900.0),
                ("192.168.1.12", None, 15_300.0),
                ("192.168.1.45", Some("phone.demo.lan"), 9_870.0),
                ("10.10.0.17", None, 4_410.0),
            ])),
            ..TopStats::default()
        },
        "TopDomains" => TopStats {
            top_domains: Some(entries(&[
                ("connectivity-check.example.net", None, 18_200.0),
                ("api.weather.example.com", None, 9_100.0),
                ("cdn.video.example.org", None, 7_700.0),
                ("time.example.org", None, 3_050.0),
            ])),
            ..TopStats::default()
        },
        "TopBlockedDomains" => TopStats {
            top_blocked_domains: Some(entries(&[
                ("telemetry.example.com", None, 6_120.0),
                ("ads.example.net", None, 4_480.0),
                ("tracker.example.org", None, 1_990.0),
            ])),
            ..TopStats::default()
        },
        _ => TopStats::default(),
    }
}

/// Whole Unix seconds as the `f64` the rest of the demo computes with (exact for any date).
#[allow(clippy::cast_precision_loss)]
fn unix_seconds(t: i64) -> f64 {
    t as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-01T12:00:00Z, a whole minute.
    const NOON: i64 = 1_767_268_800;

    fn sum(data: &[serde_json::Number]) -> u64 {
        data.iter().filter_map(serde_json::Number::as_u64).sum()
    }

    #[test]
    fn a_custom_range_has_one_minute_per_label_and_sums_to_its_totals() {
        let now = unix_seconds(NOON + 3600);
        let answer = custom(
            Some("2026-01-01T12:01:00Z"),
            Some("2026-01-01T12:10:00Z"),
            true,
            7,
            1.0,
            now,
        );
        let stats = answer.unwrap_or_else(|e| panic!("{e}"));
        let chart = stats.main_chart_data.unwrap_or_default();
        assert_eq!(chart.labels.len(), 10);
        assert_eq!(chart.labels[0], "2026-01-01T12:01:00Z");
        let total = chart.series("Total").map(sum);
        assert_eq!(total, stats.stats.totals.total_queries);
        assert!(total.is_some_and(|t| t > 0));
        let qtypes = stats.query_type_chart_data.unwrap_or_default();
        assert_eq!(Some(sum(&qtypes.datasets[0].data)), total);
        assert_eq!(stats.stats.zones, Some(7));
    }

    #[test]
    fn a_minute_reads_zero_until_it_is_locked() {
        assert_eq!(reported(NOON, NOON + LOCK_LAG - 1, 1.0).total, 0);
        assert!(reported(NOON, NOON + LOCK_LAG, 1.0).total > 0);
    }

    #[test]
    fn bad_custom_ranges_get_the_servers_words() {
        let now = unix_seconds(NOON);
        let err = |start: &str, end: &str| custom(Some(start), Some(end), false, 0, 1.0, now).err();
        let ok = "2026-01-01T12:00:00Z";
        assert_eq!(err("yesterday", ok), Some(CustomRangeError::BadStart));
        assert_eq!(err(ok, "2026-13-01"), Some(CustomRangeError::BadEnd));
        assert_eq!(
            err(ok, "2026-01-01T11:00:00Z").map(|e| e.to_string()),
            Some("Start date must be less than or equal to end date.".to_owned())
        );
        assert_eq!(
            err(ok, "2026-01-31T12:00:00Z"),
            Some(CustomRangeError::TooLong)
        );
    }

    #[test]
    fn lifetime_counters_never_go_down() {
        let a = lifetime(0.0, 1.0, 1_000.0).total_queries;
        let b = lifetime(0.0, 1.0, 1_001.0).total_queries;
        assert!(a.is_some_and(|a| b.is_some_and(|b| b > a)), "{a:?} {b:?}");
    }
}
