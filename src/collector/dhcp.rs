//! `dhcp`: scopes and lease counts (scopes/list and leases/list, called concurrently).

use std::collections::HashMap;

use super::contract::{Collect, Cx, WriteCx};
use super::error::CollectError;
use super::samples::{count, flag};
use super::spec::Spec;
use crate::exposition::labels::{self, Rule};
use crate::exposition::{Encoder, Kind};
use crate::technitium::types::{DhcpLeases, DhcpScopes};
use crate::technitium::{Endpoint, Section};

/// The `dhcp` collector.
#[derive(Debug)]
pub struct Dhcp;

/// DHCP scopes and their leases.
#[derive(Debug, Default)]
pub struct DhcpData {
    /// Scopes.
    pub scopes: DhcpScopes,
    /// Leases of all scopes.
    pub leases: DhcpLeases,
}

impl Collect for Dhcp {
    type Settings = ();
    type Data = DhcpData;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "dhcp",
        help: "DHCP scopes and leases",
        default_enabled: true,
        sections: &[Section::DhcpServer],
        endpoints: &[Endpoint::DhcpScopesList, Endpoint::DhcpLeasesList],
        ..Spec::DEFAULT
    };

    async fn fetch(cx: Cx<'_, Self>) -> Result<DhcpData, CollectError> {
        let (scopes, leases) = tokio::try_join!(cx.client.dhcp_scopes(), cx.client.dhcp_leases())?;
        Ok(DhcpData { scopes, leases })
    }

    fn write(data: &DhcpData, _: &WriteCx<'_>, enc: &mut Encoder) {
        write(data, enc);
    }
}

/// Most DHCP scopes written (a server has a handful; one per VLAN at most).
pub const MAX_SCOPES: usize = 256;

fn write(data: &DhcpData, enc: &mut Encoder) {
    // Scope names are the admin's: each checked, each once, at most MAX_SCOPES.
    let scopes = labels::admit(&data.scopes.scopes, |s| s.name.as_str(), Rule::Name, MAX_SCOPES).kept;
    if scopes.is_empty() {
        return;
    }
    enc.family(
        "technitium_dhcp_scope_enabled",
        Kind::Gauge,
        "Whether a DHCP scope is enabled (1) or not (0).",
    );
    for s in &scopes {
        enc.sample(&[("scope", &s.name)], flag(s.enabled));
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
    for s in &scopes {
        for kind in ["dynamic", "reserved"] {
            let n = counts.get(&(s.name.as_str(), kind)).copied().unwrap_or(0);
            enc.sample(&[("scope", &s.name), ("type", kind)], count(n));
        }
    }
    if scopes.iter().any(|s| s.range_size().is_some()) {
        enc.family(
            "technitium_dhcp_scope_addresses",
            Kind::Gauge,
            "Addresses in a DHCP scope's range (end - start + 1).",
        );
        for s in &scopes {
            if let Some(n) = s.range_size() {
                enc.sample(&[("scope", &s.name)], count(n));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::ExpositionFormat;
    use crate::technitium::types::{DhcpLease, DhcpScope};

    #[test]
    fn both_lease_types_are_always_written() {
        let data = DhcpData {
            scopes: DhcpScopes {
                scopes: vec![DhcpScope {
                    name: "LAN".into(),
                    enabled: true,
                    starting_address: "10.0.0.10".into(),
                    ending_address: "10.0.0.19".into(),
                }],
            },
            leases: DhcpLeases {
                leases: vec![DhcpLease {
                    scope: "LAN".into(),
                    lease_type: "Dynamic".into(),
                    address: None,
                }],
            },
        };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Dhcp::write(&data, &WriteCx { session: None }, &mut enc);
        let text = enc.finish();
        assert!(text.contains("technitium_dhcp_scope_leases{scope=\"LAN\",type=\"dynamic\"} 1\n"));
        assert!(text.contains("technitium_dhcp_scope_leases{scope=\"LAN\",type=\"reserved\"} 0\n"));
        assert!(text.contains("technitium_dhcp_scope_addresses{scope=\"LAN\"} 10\n"));
    }
}
