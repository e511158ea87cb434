//! `/api/status` (15.3+): its fields at the top level of the answer, beside `status`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::ServerStatus;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_support::decode::<ServerStatus>(Endpoint::Status, data);
});
