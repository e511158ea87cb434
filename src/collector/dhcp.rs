//! `dhcp`: scopes and lease counts (scopes/list and leases/list, called concurrently).

use std::collections::HashMap;

use super::{DhcpData, Snapshot};
use crate::render::exposition::{Encoder, Kind};
use crate::technitium::{ApiError, Client};

pub(super) async fn fetch(client: &Client) -> Result<DhcpData, ApiError> {
    let (scopes, leases) = tokio::try_join!(client.dhcp_scopes(), client.dhcp_leases())?;
    Ok(DhcpData { scopes, leases })
}

#[allow(clippy::cast_precision_loss)]
pub(super) fn write(snapshot: &Snapshot, enc: &mut Encoder) {
    let Some(data) = &snapshot.dhcp else { return };
    let scopes = &data.scopes.scopes;
    if scopes.is_empty() {
        return;
    }
    enc.family(
        "technitium_dhcp_scope_enabled",
        Kind::Gauge,
        "Whether a DHCP scope is enabled (1) or not (0).",
    );
    for s in scopes {
        enc.sample(&[("scope", &s.name)], if s.enabled { 1.0 } else { 0.0 });
    }
    let mut counts: HashMap<(&str, &str), u64> = HashMap::new();
    for lease in &data.leases.leases {
        let kind = if lease.lease_type.eq_ignore_ascii_case("reserved") {
            "reserved"
        } else {
            "dynamic"
        };
        *counts.entry((lease.scope.as_str(), kind)).or_default() += 1;
    }
    enc.family(
        "technitium_dhcp_scope_leases",
        Kind::Gauge,
        "Leases of a DHCP scope, by lease type.",
    );
    for s in scopes {
        for kind in ["dynamic", "reserved"] {
            let n = counts.get(&(s.name.as_str(), kind)).copied().unwrap_or(0);
            enc.sample(&[("scope", &s.name), ("type", kind)], n as f64);
        }
    }
    if scopes.iter().any(|s| s.range_size().is_some()) {
        enc.family(
            "technitium_dhcp_scope_addresses",
            Kind::Gauge,
            "Addresses in a DHCP scope's range (end - start + 1).",
        );
        for s in scopes {
            if let Some(n) = s.range_size() {
                enc.sample(&[("scope", &s.name)], n as f64);
            }
        }
    }
}
