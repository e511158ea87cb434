//! `/api/dnsClient/healthCheck` (15.3+): a bare `status: ok`, no payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;
use technitium_exporter::technitium::Endpoint;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_support::decode::<IgnoredAny>(Endpoint::HealthCheck, data);
});
