//! `/api/dhcp/leases/list`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::DhcpLeases;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_support::decode::<DhcpLeases>(Endpoint::DhcpLeasesList, data);
});
