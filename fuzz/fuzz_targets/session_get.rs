//! `/api/user/session/get`: the envelope with `info`, versions, timestamps, cluster nodes and
//! the permission map.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::technitium::Endpoint;
use technitium_exporter::technitium::types::{SessionInfo, parse_version};

fuzz_target!(|data: &[u8]| {
    if let Some(info) = fuzz_support::decode::<SessionInfo>(Endpoint::SessionGet, data) {
        let _ = parse_version(&info.version);
        for node in info.cluster_nodes.iter().flatten() {
            let _ = (&node.name, node.last_seen.map(|t| t.0));
        }
        let _ = info.permissions.values().filter(|p| p.can_view).count();
    }
});
