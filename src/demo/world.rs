//! The demo's fixed facts, which every other part of the demo reads: the versions it imitates,
//! its cluster's nodes and their names, versions and start times.
//!
//! Plain values only: nothing here serves, computes traffic or builds an API object.

/// The contacted server's domain (`dns1`, the cluster's primary).
pub(super) const DOMAIN: &str = "dns1.demo.lan";
/// The reachable secondary node, one minor version older.
pub(super) const NODE2: &str = "dns2.demo.lan";
/// The unreachable secondary node.
pub(super) const NODE3: &str = "dns3.demo.lan";
/// The web service port the nodes' URLs name.
pub(super) const NODE_PORT: u16 = 53443;
/// The cluster's domain.
pub(super) const CLUSTER_DOMAIN: &str = "demo.lan";
/// The cluster's catalog zone, whose members every node hosts (15.6's zone list names it).
pub(super) const CLUSTER_CATALOG: &str = "cluster-catalog.demo.lan";

/// Versions the demo server can imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DemoVersion {
    /// v13.6: query-string token only, no cluster, no lifetime counters.
    V13_6,
    /// v14.3: cluster, still query-string token only.
    V14_3,
    /// v15.2: Bearer header, lifetime counters.
    V15_2,
    /// v15.6: the health check and `/api/status` (15.3+), node versions in the node list,
    /// dates left out when unset, no local zones in the zone list.
    #[default]
    V15_6,
}

impl DemoVersion {
    /// The version as `session/get` writes it.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::V13_6 => "13.6",
            Self::V14_3 => "14.3",
            Self::V15_2 => "15.2",
            Self::V15_6 => "15.6",
        }
    }

    /// Whether this version has the Bearer header and lifetime counters (v15+).
    pub(super) fn v15(self) -> bool {
        matches!(self, Self::V15_2 | Self::V15_6)
    }

    /// Whether this version has the health check, `/api/status`, the update-check switch and
    /// RFC 6761 local zones left out of the zone list (15.3+), and node versions (15.6).
    pub(super) fn v15_6(self) -> bool {
        self == Self::V15_6
    }

    /// Whether this version has clusters, the `server` envelope key and `node=` (v14+).
    pub(super) fn clustered(self) -> bool {
        self != Self::V13_6
    }
}

/// The node a call is answered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Node {
    /// `dns1`: the contacted server, the cluster's primary.
    One,
    /// `dns2`: a reachable secondary.
    Two,
}

impl Node {
    /// The node's domain, which names it in `node=` and in the envelope's `server`.
    pub(super) fn domain(self) -> &'static str {
        match self {
            Self::One => DOMAIN,
            Self::Two => NODE2,
        }
    }

    /// The version the node runs: `dns2` is one minor version behind.
    pub(super) fn version(self, v: DemoVersion) -> &'static str {
        match (v, self) {
            (_, Self::One) => v.as_str(),
            (DemoVersion::V14_3, Self::Two) => "14.2",
            (DemoVersion::V15_6, Self::Two) => "15.5",
            (_, Self::Two) => "15.1",
        }
    }

    /// When the node's server process started, given when `dns1`'s did.
    pub(super) fn started(self, server_started: f64) -> f64 {
        match self {
            Self::One => server_started,
            Self::Two => server_started + 600.0,
        }
    }
}
