//! `/api/dashboard/metrics/json` (v15+): lifetime counters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::MetricsJson;

fuzz_target!(|data: &[u8]| {
    if let Some(m) = fuzz_support::decode::<MetricsJson>(Endpoint::MetricsJson, data) {
        let c = &m.lifetime_counters;
        let _ = (c.rcodes(), c.outcomes());
    }
});
