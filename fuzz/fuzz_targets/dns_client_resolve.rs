//! `/api/dnsClient/resolve`: the forwarder probe's answer (metadata strings, the rcode).
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::ResolveAnswer;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_support::decode::<ResolveAnswer>(Endpoint::DnsClientResolve, data);
});
