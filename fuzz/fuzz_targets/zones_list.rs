//! `/api/zones/list`: zones with type-dependent fields and lenient timestamps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::ZoneList;

fuzz_target!(|data: &[u8]| {
    if let Some(z) = fuzz_support::decode::<ZoneList>(Endpoint::ZonesList, data) {
        for zone in &z.zones {
            let _ = (zone.expiry.map(|t| t.0), zone.last_modified.map(|t| t.0));
        }
    }
});
