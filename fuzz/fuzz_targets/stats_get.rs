//! `/api/dashboard/stats/get`: window sums (a flattened struct) and the chart data.
#![no_main]

use libfuzzer_sys::fuzz_target;
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
    }
});
