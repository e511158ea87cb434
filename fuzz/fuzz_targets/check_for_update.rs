//! `/api/user/checkForUpdate`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::{UpdateCheck, parse_version};

fuzz_target!(|data: &[u8]| {
    if let Some(u) = fuzz_support::decode::<UpdateCheck>(Endpoint::CheckForUpdate, data) {
        let _ = u.update_version.as_deref().map(parse_version);
    }
});
