//! `/api/dashboard/stats/getTop`: top clients, domains and blocked domains.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::TopStats;

fuzz_target!(|data: &[u8]| {
    if let Some(t) = fuzz_support::decode::<TopStats>(Endpoint::StatsGetTop, data) {
        for list in [&t.top_clients, &t.top_domains, &t.top_blocked_domains]
            .into_iter()
            .flatten()
        {
            let _ = list.iter().map(|e| e.hits).fold(0u64, u64::saturating_add);
        }
    }
});
