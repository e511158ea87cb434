//! `dashboard`: the dashboard's sliding-window sums (gauges: they go down as the window slides)
//! and its live, unwindowed gauges.

use std::sync::Arc;

use futures_util::future::try_join_all;

use super::contract::{Collect, Cx, WriteCx};
use super::error::CollectError;
use super::samples::{count, gauge_opt, snake_case};
use super::spec::{OptKind, OptSpec, OptionError, OptionValues, Spec};
use crate::exposition::labels::{Folded, MAX_VALUES, OTHER, Rule};
use crate::exposition::{Encoder, Kind};
use crate::technitium::types::{ChartData, DashboardStats};
use crate::technitium::{Endpoint, Section, Window};

/// The five transport protocols, always emitted (the server omits zero rows).
const PROTOCOLS: [&str; 5] = ["Udp", "Tcp", "Tls", "Https", "Quic"];

/// The `dashboard` collector.
#[derive(Debug)]
pub struct Dashboard;

/// `dashboard`'s settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardSettings {
    /// The windows to fetch (also the `top` collector's), sorted, no duplicates, never empty.
    pub windows: Vec<Window>,
}

impl Default for DashboardSettings {
    fn default() -> Self {
        Self {
            windows: vec![Window::LastHour],
        }
    }
}

/// Each window's stats, in window order.
pub type DashboardData = Vec<(Window, Arc<DashboardStats>)>;

impl Collect for Dashboard {
    type Settings = DashboardSettings;
    type Data = DashboardData;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "dashboard",
        help: "Dashboard window and live gauges",
        default_enabled: true,
        sections: &[Section::Dashboard],
        endpoints: &[Endpoint::StatsGet],
        options: &[OptSpec {
            key: "window",
            value_name: "WINDOW",
            help: "Dashboard windows, repeatable: last_hour, last_day, last_week, last_month, last_year",
            default: "last_hour",
            kind: OptKind::List,
        }],
        ..Spec::DEFAULT
    };

    fn settings(v: &OptionValues<'_>) -> Result<DashboardSettings, OptionError> {
        let Some((items, given)) = v.list("window") else {
            return Ok(DashboardSettings::default());
        };
        let mut windows = Vec::new();
        for item in items {
            let w = Window::from_label(item).ok_or_else(|| {
                OptionValues::bad_item(
                    given,
                    format!(
                        "{item:?} is not a window (last_hour, last_day, last_week, last_month, last_year)"
                    ),
                )
            })?;
            windows.push(w);
        }
        windows.sort();
        windows.dedup();
        if windows.is_empty() {
            windows.push(Window::LastHour);
        }
        Ok(DashboardSettings { windows })
    }

    async fn fetch(cx: Cx<'_, Self>) -> Result<DashboardData, CollectError> {
        let shared = cx.shared;
        try_join_all(
            cx.settings
                .windows
                .iter()
                .map(|w| async move { Ok((*w, shared.stats(*w).await?)) }),
        )
        .await
    }

    fn write(data: &DashboardData, _: &WriteCx<'_>, enc: &mut Encoder) {
        write(data, enc);
    }
}

fn write(windows: &[(Window, Arc<DashboardStats>)], enc: &mut Encoder) {
    let Some((_, first)) = windows.first() else {
        return;
    };
    enc.family(
        "technitium_window_seconds",
        Kind::Gauge,
        "Nominal length of a dashboard window.",
    );
    for (w, _) in windows {
        enc.sample(&[("window", w.label())], count(w.seconds()));
    }
    write_totals(windows, enc);
    write_query_types(windows, enc);
    write_protocols(windows, enc);
    write_live(first, enc);
}

/// A window family with one sample per window where `value` is known (no family when none is).
fn per_window(
    enc: &mut Encoder,
    windows: &[(Window, Arc<DashboardStats>)],
    (name, help): (&str, &str),
    value: impl Fn(&DashboardStats) -> Option<u64>,
) {
    if !windows.iter().any(|(_, s)| value(s).is_some()) {
        return;
    }
    enc.family(name, Kind::Gauge, help);
    for (w, s) in windows {
        if let Some(v) = value(s) {
            enc.sample(&[("window", w.label())], count(v));
        }
    }
}

/// A window family split by one more label (`rcode`, `outcome`).
fn per_window_by<const N: usize>(
    enc: &mut Encoder,
    windows: &[(Window, Arc<DashboardStats>)],
    (name, help, label): (&str, &str, &str),
    rows: impl Fn(&DashboardStats) -> [(&'static str, Option<u64>); N],
) {
    if !windows
        .iter()
        .any(|(_, s)| rows(s).iter().any(|(_, v)| v.is_some()))
    {
        return;
    }
    enc.family(name, Kind::Gauge, help);
    for (w, s) in windows {
        for (key, v) in rows(s) {
            if let Some(v) = v {
                enc.sample(&[("window", w.label()), (label, key)], count(v));
            }
        }
    }
}

fn write_totals(windows: &[(Window, Arc<DashboardStats>)], enc: &mut Encoder) {
    per_window(
        enc,
        windows,
        (
            "technitium_window_queries",
            "Queries received in the dashboard window (a sliding sum: goes up and down).",
        ),
        |s| s.stats.totals.total_queries,
    );
    per_window_by(
        enc,
        windows,
        (
            "technitium_window_responses",
            "Responses in the dashboard window, by rcode (a sliding sum).",
            "rcode",
        ),
        |s| s.stats.totals.rcodes(),
    );
    per_window_by(
        enc,
        windows,
        (
            "technitium_window_query_outcomes",
            "Queries in the dashboard window, by how they were answered (a sliding sum).",
            "outcome",
        ),
        |s| s.stats.totals.outcomes(),
    );
    per_window(
        enc,
        windows,
        (
            "technitium_window_clients",
            "Distinct client addresses seen in the dashboard window.",
        ),
        |s| s.stats.totals.total_clients,
    );
}

fn write_query_types(windows: &[(Window, Arc<DashboardStats>)], enc: &mut Encoder) {
    if !windows
        .iter()
        .any(|(_, s)| s.query_type_chart_data.is_some())
    {
        return;
    }
    enc.family(
        "technitium_window_qtype_queries",
        Kind::Gauge,
        "Queries in the dashboard window, by query type (the server's Others bucket is qtype=\"other\").",
    );
    for (w, s) in windows {
        let Some(chart) = &s.query_type_chart_data else {
            continue;
        };
        for (qtype, v) in query_types(chart).rows() {
            enc.sample(&[("window", w.label()), ("qtype", qtype)], *v);
        }
    }
}

/// A window's query types under the derived counters' rule: the query type is a field any DNS
/// client chooses, so at most [`MAX_VALUES`] label values per window, each an RR type name or
/// number; the server's `Others`, the rest and anything else are summed into `other`.
fn query_types(chart: &ChartData) -> Folded<'_> {
    let mut folded = Folded::new(Rule::Token, MAX_VALUES);
    for (label, v) in chart.rows() {
        if label.eq_ignore_ascii_case("others") {
            folded.add(OTHER, v);
        } else {
            folded.add(label, v);
        }
    }
    folded
}

fn write_protocols(windows: &[(Window, Arc<DashboardStats>)], enc: &mut Encoder) {
    if !windows
        .iter()
        .any(|(_, s)| s.protocol_type_chart_data.is_some())
    {
        return;
    }
    enc.family(
        "technitium_window_protocol_queries",
        Kind::Gauge,
        "Queries in the dashboard window, by transport protocol.",
    );
    for (w, s) in windows {
        let Some(chart) = &s.protocol_type_chart_data else {
            continue;
        };
        for proto in PROTOCOLS {
            let v = chart
                .rows()
                .find(|(l, _)| l.eq_ignore_ascii_case(proto))
                .map_or(0.0, |(_, v)| v);
            enc.sample(
                &[("window", w.label()), ("protocol", &snake_case(proto))],
                v,
            );
        }
    }
}

/// Live gauges: the same in every window's answer; the first window's are written.
fn write_live(first: &DashboardStats, enc: &mut Encoder) {
    let live = &first.stats;
    let gauges: [(&str, &str, Option<u64>); 6] = [
        (
            "technitium_cache_entries",
            "Records in the DNS cache now.",
            live.cached_entries,
        ),
        (
            "technitium_zones",
            "Authoritative zones on the server now.",
            live.zones,
        ),
        (
            "technitium_allowed_zones",
            "Zones on the manual allow list now.",
            live.allowed_zones,
        ),
        (
            "technitium_blocked_zones",
            "Zones on the manual block list now.",
            live.blocked_zones,
        ),
        (
            "technitium_allowlist_zones",
            "Domains allowed through allow-list URLs now.",
            live.allow_list_zones,
        ),
        (
            "technitium_blocklist_zones",
            "Domains blocked through block-list URLs now.",
            live.block_list_zones,
        ),
    ];
    for (name, help, v) in gauges {
        gauge_opt(enc, name, help, v.map(count));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::spec::Given;
    use crate::exposition::ExpositionFormat;
    use crate::technitium::types::{Dataset, Stats};

    fn stats(queries: u64) -> Arc<DashboardStats> {
        let mut s = Stats::default();
        s.totals.total_queries = Some(queries);
        s.zones = Some(3);
        Arc::new(DashboardStats {
            stats: s,
            query_type_chart_data: Some(ChartData {
                labels: vec!["A".into(), "Others".into()],
                datasets: vec![Dataset {
                    data: vec![7.into(), 3.into()],
                }],
            }),
            protocol_type_chart_data: Some(ChartData {
                labels: vec!["Udp".into()],
                datasets: vec![Dataset {
                    data: vec![10.into()],
                }],
            }),
            main_chart_data: None,
        })
    }

    #[test]
    fn writes_windows_charts_and_live_gauges() {
        let data = vec![(Window::LastHour, stats(10)), (Window::LastDay, stats(240))];
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Dashboard::write(&data, &WriteCx { session: None }, &mut enc);
        let text = enc.finish();
        for line in [
            "technitium_window_seconds{window=\"last_day\"} 86400\n",
            "technitium_window_queries{window=\"last_hour\"} 10\n",
            "technitium_window_qtype_queries{window=\"last_hour\",qtype=\"other\"} 3\n",
            "technitium_window_protocol_queries{window=\"last_day\",protocol=\"quic\"} 0\n",
            "technitium_zones 3\n",
        ] {
            assert!(text.contains(line), "{line} missing in\n{text}");
        }
        assert!(
            !text.contains("technitium_window_clients"),
            "absent field, no family"
        );
        let live = text
            .lines()
            .filter(|l| l.starts_with("technitium_zones "))
            .count();
        assert_eq!(live, 1, "live gauges once");
    }

    #[test]
    fn windows_parse_sorted_and_deduplicated() {
        let mut values = std::collections::BTreeMap::new();
        values.insert("window", Given::one("last_day,last_hour,last_day", "--x"));
        let s = Dashboard::settings(&OptionValues::new(&values));
        assert_eq!(
            s.map(|s| s.windows),
            Ok(vec![Window::LastHour, Window::LastDay])
        );
        values.insert("window", Given::one("yesterday", "--x"));
        let e = Dashboard::settings(&OptionValues::new(&values)).err();
        assert!(e.is_some_and(|e| {
            e.to_string()
                .starts_with("--x: \"yesterday\" is not a window")
        }));
    }
}
