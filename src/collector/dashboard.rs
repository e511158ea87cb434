//! `dashboard`: the dashboard's sliding-window sums (gauges: they go down as the window slides)
//! and its live, unwindowed gauges.

use futures_util::future::try_join_all;

use super::{Snapshot, gauge_opt, snake_case};
use crate::render::exposition::{Encoder, Kind};
use crate::technitium::types::DashboardStats;
use crate::technitium::{ApiError, Client, Window};

/// The five transport protocols, always emitted (the server omits zero rows).
const PROTOCOLS: [&str; 5] = ["Udp", "Tcp", "Tls", "Https", "Quic"];

pub(super) async fn fetch(
    client: &Client,
    windows: &[Window],
    full_query_types: bool,
) -> Result<Vec<(Window, DashboardStats)>, ApiError> {
    try_join_all(
        windows
            .iter()
            .map(|w| async move { Ok((*w, client.stats(*w, full_query_types).await?)) }),
    )
    .await
}

#[allow(clippy::cast_precision_loss)]
pub(super) fn write(snapshot: &Snapshot, enc: &mut Encoder) {
    let windows: &[(Window, DashboardStats)] = &snapshot.dashboard;
    if windows.is_empty() {
        return;
    }
    enc.family(
        "technitium_window_seconds",
        Kind::Gauge,
        "Nominal length of a dashboard window.",
    );
    for (w, _) in windows {
        enc.sample(&[("window", w.label())], w.seconds() as f64);
    }
    let any = |f: &dyn Fn(&DashboardStats) -> bool| windows.iter().any(|(_, s)| f(s));
    if any(&|s| s.stats.totals.total_queries.is_some()) {
        enc.family(
            "technitium_window_queries",
            Kind::Gauge,
            "Queries received in the dashboard window (a sliding sum: goes up and down).",
        );
        for (w, s) in windows {
            if let Some(v) = s.stats.totals.total_queries {
                enc.sample(&[("window", w.label())], v as f64);
            }
        }
    }
    if any(&|s| s.stats.totals.rcodes().iter().any(|(_, v)| v.is_some())) {
        enc.family(
            "technitium_window_responses",
            Kind::Gauge,
            "Responses in the dashboard window, by rcode (a sliding sum).",
        );
        for (w, s) in windows {
            for (rcode, v) in s.stats.totals.rcodes() {
                if let Some(v) = v {
                    enc.sample(&[("window", w.label()), ("rcode", rcode)], v as f64);
                }
            }
        }
    }
    if any(&|s| s.stats.totals.outcomes().iter().any(|(_, v)| v.is_some())) {
        enc.family(
            "technitium_window_query_outcomes",
            Kind::Gauge,
            "Queries in the dashboard window, by how they were answered (a sliding sum).",
        );
        for (w, s) in windows {
            for (outcome, v) in s.stats.totals.outcomes() {
                if let Some(v) = v {
                    enc.sample(&[("window", w.label()), ("outcome", outcome)], v as f64);
                }
            }
        }
    }
    if any(&|s| s.stats.totals.total_clients.is_some()) {
        enc.family(
            "technitium_window_clients",
            Kind::Gauge,
            "Distinct client addresses seen in the dashboard window.",
        );
        for (w, s) in windows {
            if let Some(v) = s.stats.totals.total_clients {
                enc.sample(&[("window", w.label())], v as f64);
            }
        }
    }
    if any(&|s| s.query_type_chart_data.is_some()) {
        enc.family("technitium_window_qtype_queries", Kind::Gauge, "Queries in the dashboard window, by query type (the server's Others bucket is qtype=\"other\").");
        for (w, s) in windows {
            let Some(chart) = &s.query_type_chart_data else {
                continue;
            };
            let mut seen = std::collections::HashSet::new();
            for (label, v) in chart.rows() {
                let qtype = if label.eq_ignore_ascii_case("others") {
                    "other".to_owned()
                } else {
                    label.to_owned()
                };
                if seen.insert(qtype.clone()) {
                    enc.sample(&[("window", w.label()), ("qtype", &qtype)], v);
                }
            }
        }
    }
    if any(&|s| s.protocol_type_chart_data.is_some()) {
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
    // Live gauges: the same in every window's answer; take the first.
    let live = &windows[0].1.stats;
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
        gauge_opt(enc, name, help, v.map(|v| v as f64));
    }
}
