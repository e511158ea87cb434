//! `/api/admin/cluster/state`: a node's version, domain and view of its cluster.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::ClusterState;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_support::decode::<ClusterState>(Endpoint::ClusterState, data);
});
