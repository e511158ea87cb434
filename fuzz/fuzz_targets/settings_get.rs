//! `/api/settings/get`: a few fields out of a large object, with lenient timestamps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::Settings;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_support::decode::<Settings>(Endpoint::SettingsGet, data);
});
