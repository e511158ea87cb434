//! The demo's synthetic objects: the session and its permissions, the cluster as each node sees
//! it, the zones (and `dns2`'s secondary copies of them), the DHCP scopes and leases, the
//! settings and the forwarders, built from the same types the client parses.
//!
//! Pure functions of the demo's facts and the clock: nothing here serves or counts queries.

use serde::Serialize;

use crate::technitium::types::{
    ClusterNode, ClusterState, DhcpLease, DhcpLeases, DhcpScope, DhcpScopes, Permission,
    SessionInfo, Settings, Timestamp, Zone,
};

use super::world::{
    CLUSTER_CATALOG, CLUSTER_DOMAIN, DOMAIN, DemoVersion, NODE_PORT, NODE2, NODE3, Node,
};

/// `session/get`'s `info`: `dns1` with every permission (view only), and its cluster view on
/// v14+.
pub(super) fn session_info(version: DemoVersion, started: f64, now: f64) -> SessionInfo {
    let all = Permission {
        can_view: true,
        can_modify: false,
        can_delete: false,
    };
    let sections = [
        "Dashboard",
        "Zones",
        "Cache",
        "Allowed",
        "Blocked",
        "Apps",
        "DnsClient",
        "Settings",
        "DhcpServer",
        "Administration",
        "Logs",
    ];
    let clustered = version.clustered();
    SessionInfo {
        version: version.as_str().to_owned(),
        uptimestamp: Some(Timestamp(started)),
        dns_server_domain: Some(DOMAIN.to_owned()),
        cluster_initialized: clustered.then_some(true),
        cluster_domain: clustered.then(|| CLUSTER_DOMAIN.to_owned()),
        cluster_nodes: clustered.then(|| cluster_nodes(version, Node::One, started, now)),
        permissions: sections.iter().map(|s| ((*s).to_owned(), all)).collect(),
    }
}

/// The cluster as `node` sees it: itself as `Self`, the other reachable node as connected,
/// `dns3` as unreachable. On 15.6 the reachable nodes carry their versions; `dns3` has not been
/// heard from since the node started, so it has none (and no start time: unset dates are left
/// out).
fn cluster_nodes(version: DemoVersion, node: Node, started: f64, now: f64) -> Vec<ClusterNode> {
    let entry = |n: Option<Node>, name: &str, t: &str, s: &str, seen: Option<f64>| ClusterNode {
        name: name.to_owned(),
        url: Some(format!("https://{name}:{NODE_PORT}/")),
        node_type: Some(t.to_owned()),
        state: Some(s.to_owned()),
        last_seen: seen.map(Timestamp),
        up_since: n.map(|n| Timestamp(n.started(started))),
        version: n
            .filter(|_| version.v15_6())
            .map(|n| n.version(version).to_owned()),
    };
    let unreachable = entry(
        None,
        NODE3,
        "Secondary",
        "Unreachable",
        Some(now - 47.0 * 60.0),
    );
    let (one, two) = (Some(Node::One), Some(Node::Two));
    match node {
        Node::One => vec![
            entry(one, DOMAIN, "Primary", "Self", None),
            entry(two, NODE2, "Secondary", "Connected", Some(now - 12.0)),
            unreachable,
        ],
        Node::Two => vec![
            entry(one, DOMAIN, "Primary", "Connected", Some(now - 9.0)),
            entry(two, NODE2, "Secondary", "Self", None),
            unreachable,
        ],
    }
}

/// `admin/cluster/state` as `node` answers it.
pub(super) fn cluster_state(
    version: DemoVersion,
    node: Node,
    started: f64,
    now: f64,
) -> ClusterState {
    ClusterState {
        version: node.version(version).to_owned(),
        dns_server_domain: Some(node.domain().to_owned()),
        cluster_initialized: Some(true),
        cluster_domain: Some(CLUSTER_DOMAIN.to_owned()),
        cluster_nodes: Some(cluster_nodes(version, node, started, now)),
    }
}

/// `settings/get`: blocking on, the next block list update tomorrow at 03:00, the demo's
/// forwarders; on 15.6 the update-check switch on, and 15.6's cache prefetch switch (which the
/// exporter does not read: it is here so the answer has 15.6's shape).
pub(super) fn settings(version: DemoVersion, now: f64) -> DemoSettings {
    DemoSettings {
        settings: Settings {
            enable_blocking: Some(true),
            temporary_disable_blocking_till: None,
            block_list_next_updated_on: Some(Timestamp(
                ((now / 86_400.0).floor() + 1.0) * 86_400.0 + 3.0 * 3600.0,
            )),
            forwarders: Some(DEMO_FORWARDERS.iter().map(|f| (*f).to_owned()).collect()),
            forwarder_protocol: Some("Udp".to_owned()),
            dns_server_enable_check_for_update: version.v15_6().then_some(true),
        },
        enable_cache_prefetch: version.v15_6().then_some(true),
    }
}

/// The demo's `settings/get` answer: the fields the exporter reads, and 15.6's
/// `enableCachePrefetch`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DemoSettings {
    #[serde(flatten)]
    settings: Settings,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_cache_prefetch: Option<bool>,
}

/// The demo server's forwarders (documentation addresses: nothing is contacted): one fast, one
/// slow, one that never answers.
pub const DEMO_FORWARDERS: [&str; 3] = ["192.0.2.1", "192.0.2.2", "192.0.2.3"];

/// The zone list: three internal zones (before 15.3, which made them RFC 6303/6761 local zones
/// that the list leaves out), then `n` zones of mixed types, a few of them in trouble; on 15.6
/// the primary and forwarder zones are members of the cluster's catalog zone.
#[allow(clippy::cast_precision_loss)]
pub(super) fn make_zones(version: DemoVersion, n: usize, now: f64) -> Vec<Zone> {
    let zone = |name: String, t: &str| Zone {
        name,
        zone_type: t.to_owned(),
        last_modified: Some(Timestamp(now - 86_400.0 * 12.0)),
        disabled: false,
        soa_serial: Some(2_026_112_501),
        internal: false,
        catalog: None,
        dnssec_status: matches!(t, "Primary" | "Secondary").then(|| "Unsigned".to_owned()),
        expiry: None,
        is_expired: None,
        sync_failed: None,
        notify_failed: matches!(t, "Primary" | "Secondary" | "Forwarder").then_some(false),
    };
    let mut zones = Vec::with_capacity(n + 3);
    let internal: &[&str] = if version.v15_6() {
        &[]
    } else {
        &["localhost", "0.in-addr.arpa", "127.in-addr.arpa"]
    };
    for name in internal {
        let mut z = zone((*name).to_owned(), "Primary");
        z.internal = true;
        z.notify_failed = None;
        zones.push(z);
    }
    for i in 0..n {
        let (name, t) = match i % 10 {
            0..=5 => (format!("site{i}.demo.lan"), "Primary"),
            6 | 7 => (format!("branch{i}.demo.lan"), "Secondary"),
            8 => (format!("partner{i}.example"), "Forwarder"),
            _ => (format!("{i}.10.in-addr.arpa"), "Stub"),
        };
        let mut z = zone(name, t);
        z.soa_serial = z.soa_serial.map(|s| s + (i as u64 % 7));
        if version.v15_6() && matches!(t, "Primary" | "Forwarder") {
            z.catalog = Some(CLUSTER_CATALOG.into());
        }
        if matches!(t, "Secondary" | "Stub") {
            z.expiry = Some(Timestamp(now + 86_400.0 * (20.0 + (i % 13) as f64)));
            z.is_expired = Some(false);
            z.sync_failed = Some(false);
        }
        if t == "Primary" && i % 3 == 0 {
            z.dnssec_status = Some(
                if i % 2 == 0 {
                    "SignedWithNSEC3"
                } else {
                    "SignedWithNSEC"
                }
                .to_owned(),
            );
        }
        trouble(&mut z, i, now);
        zones.push(z);
    }
    zones
}

/// The demo's zones in trouble: the `i`th zone's problem, if it has one.
fn trouble(z: &mut Zone, i: usize, now: f64) {
    match i {
        6 => {
            z.is_expired = Some(true);
            z.sync_failed = Some(true);
            z.expiry = Some(Timestamp(now - 3_600.0));
        }
        7 => z.expiry = Some(Timestamp(now + 86_400.0 * 2.5)),
        16 => z.sync_failed = Some(true),
        1 => z.notify_failed = Some(true),
        4 => z.disabled = true,
        _ => {}
    }
}

/// `dns2`'s zones, made from `dns1`'s list `zones` at `now`: its own internal zones and a
/// secondary copy of each primary and forwarder zone (the cluster syncs them), in sync but for
/// the first primary zone, two serials behind. On 15.6 the copies are catalog members that
/// report notify failed for ever (upstream #2066: the secondary notifies itself).
pub(super) fn secondary_copies(zones: Vec<Zone>, now: f64) -> Vec<Zone> {
    let mut lagging = true;
    zones
        .into_iter()
        .filter_map(|mut z| {
            if z.internal {
                return Some(z);
            }
            let copy = match z.zone_type.as_str() {
                "Primary" => "Secondary",
                "Forwarder" => "SecondaryForwarder",
                _ => return None,
            };
            z.zone_type = copy.to_owned();
            z.disabled = false;
            z.expiry = Some(Timestamp(now + 86_400.0 * 14.0));
            z.is_expired = Some(false);
            z.sync_failed = Some(false);
            // #2066: a member zone on a cluster secondary never stops reporting notify failed.
            z.notify_failed = Some(z.catalog.is_some() && copy == "Secondary");
            if lagging && copy == "Secondary" {
                z.soa_serial = z.soa_serial.map(|s| s.saturating_sub(2));
                lagging = false;
            }
            Some(z)
        })
        .collect()
}

/// `dns1`'s DHCP scopes: two enabled, one disabled.
pub(super) fn dhcp_scopes() -> DhcpScopes {
    let scope = |name: &str, enabled, start: &str, end: &str| DhcpScope {
        name: name.to_owned(),
        enabled,
        starting_address: start.to_owned(),
        ending_address: end.to_owned(),
    };
    DhcpScopes {
        scopes: vec![
            scope("Guest", true, "10.10.0.10", "10.10.0.250"),
            scope("LAN", true, "192.168.1.100", "192.168.1.199"),
            scope("Lab", false, "172.16.5.50", "172.16.5.99"),
        ],
    }
}

/// `dns1`'s DHCP leases: 19 in `Guest`, 71 in `LAN` (8 of them reserved).
pub(super) fn dhcp_leases() -> DhcpLeases {
    let mut leases = Vec::new();
    for i in 0..19u8 {
        leases.push(DhcpLease {
            scope: "Guest".to_owned(),
            lease_type: "Dynamic".to_owned(),
            address: Some(format!("10.10.0.{}", 10 + i)),
        });
    }
    for i in 0..71u8 {
        let lease_type = if i < 8 { "Reserved" } else { "Dynamic" };
        leases.push(DhcpLease {
            scope: "LAN".to_owned(),
            lease_type: lease_type.to_owned(),
            address: Some(format!("192.168.1.{}", 100 + i)),
        });
    }
    DhcpLeases { leases }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns2_copies_primaries_and_forwarders_with_one_zone_behind() {
        let zones = make_zones(DemoVersion::V15_2, 20, 0.0);
        let copies = secondary_copies(zones.clone(), 0.0);
        let internal = zones.iter().filter(|z| z.internal).count();
        let copied = zones
            .iter()
            .filter(|z| !z.internal && matches!(z.zone_type.as_str(), "Primary" | "Forwarder"))
            .count();
        assert_eq!(copies.len(), internal + copied);
        assert!(
            copies
                .iter()
                .filter(|z| !z.internal)
                .all(|z| matches!(z.zone_type.as_str(), "Secondary" | "SecondaryForwarder"))
        );
        let behind: Vec<&str> = copies
            .iter()
            .filter(|c| {
                let original = zones.iter().find(|z| z.name == c.name);
                original.is_some_and(|z| z.soa_serial != c.soa_serial)
            })
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(behind, ["site0.demo.lan"]);
    }

    #[test]
    fn only_clustered_versions_report_a_cluster() {
        let v13 = session_info(DemoVersion::V13_6, 0.0, 60.0);
        assert_eq!(v13.cluster_nodes.map(|n| n.len()), None);
        let v15 = session_info(DemoVersion::V15_2, 0.0, 60.0);
        assert_eq!(v15.cluster_nodes.map(|n| n.len()), Some(3));
        assert_eq!(v15.version, "15.2");
    }

    /// 15.6: the node list gives the reachable nodes' versions (dns2 one behind, so the skew
    /// shows), the zone list has no local zones, and dns2's catalog members report notify
    /// failed (#2066).
    #[test]
    fn v15_6_lists_versions_drops_local_zones_and_has_2066() {
        let v = DemoVersion::V15_6;
        let nodes = session_info(v, 0.0, 60.0).cluster_nodes.unwrap_or_default();
        let versions: Vec<Option<&str>> = nodes.iter().map(|n| n.version.as_deref()).collect();
        assert_eq!(versions, [Some("15.6"), Some("15.5"), None]);
        assert!(nodes[2].up_since.is_none());
        let zones = make_zones(v, 20, 0.0);
        assert!(zones.iter().all(|z| !z.internal));
        let copies = secondary_copies(zones, 0.0);
        assert!(copies.iter().any(|z| z.notify_failed == Some(true)));
        assert!(
            copies
                .iter()
                .filter(|z| z.notify_failed == Some(true))
                .all(|z| z.catalog.is_some() && z.zone_type == "Secondary")
        );
    }
}
