//! `/api/dhcp/scopes/list`: scopes and their address ranges.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::DhcpScopes;

fuzz_target!(|data: &[u8]| {
    if let Some(s) = fuzz_support::decode::<DhcpScopes>(Endpoint::DhcpScopesList, data) {
        for scope in &s.scopes {
            if let Some(n) = scope.range_size() {
                assert!((1..=1u64 << 32).contains(&n), "range size {n}");
            }
        }
    }
});
