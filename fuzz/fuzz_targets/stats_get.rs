//! `/api/dashboard/stats/get`: window sums (a flattened struct), the chart data, and the derived
//! counters' reading of the per-minute chart (labels, buckets) and their arithmetic on it (a
//! first collection, then the same answer counted as a `Custom` catch-up and as `check`'s
//! comparison).
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::collector::counters::engine::{self, CustomAnswer, Engine, Range};
use technitium_exporter::collector::counters::minutes::Minutes;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::DashboardStats;

fuzz_target!(|data: &[u8]| {
    if let Some(s) = fuzz_support::decode::<DashboardStats>(Endpoint::StatsGet, data) {
        let _ = (s.stats.totals.rcodes(), s.stats.totals.outcomes());
        for chart in [&s.query_type_chart_data, &s.protocol_type_chart_data]
            .into_iter()
            .flatten()
        {
            let _ = chart
                .rows()
                .map(|(label, v)| label.len() as f64 + v)
                .sum::<f64>();
        }
        let Some(chart) = &s.main_chart_data else {
            return;
        };
        let Ok(minutes) = Minutes::from_chart(chart) else {
            return;
        };
        let mut counters = Engine::default();
        let _ = counters.plan(&minutes, Some("fuzz"));
        let Some(range) = Range::newest(&minutes, 120) else {
            return;
        };
        let _ = engine::compare(&minutes, &range, &minutes);
        let custom = CustomAnswer {
            minutes: minutes.clone(),
            query_types: s.query_type_chart_data.as_ref(),
            protocols: s.protocol_type_chart_data.as_ref(),
        };
        counters.anchor(
            range.start().saturating_sub(60),
            engine::AnchorReason::First,
            Some("fuzz"),
        );
        let _ = counters.apply(&minutes, &range, &custom, Some("fuzz"));
    }
});
