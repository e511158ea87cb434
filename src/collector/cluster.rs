//! `cluster`: the cluster as this node sees it, from session/get (v14+; no extra call).

use super::{CollectorName, SessionData, Snapshot, snake_case};
use crate::render::exposition::{Encoder, Kind};

/// Every node state, so the state set always has all members.
const STATES: [&str; 4] = ["self", "connected", "unreachable", "unknown"];

pub(super) fn write(snapshot: &Snapshot, session: &SessionData, enc: &mut Encoder) {
    let ran = snapshot.report(CollectorName::Cluster).is_some();
    if !ran || !session.at_least(14) {
        return;
    }
    let info = &session.info;
    let initialized = info.cluster_initialized == Some(true);
    enc.family(
        "technitium_cluster_initialized",
        Kind::Gauge,
        "Whether this server is part of a Technitium cluster (1) or not (0).",
    );
    enc.sample(&[], if initialized { 1.0 } else { 0.0 });
    let nodes = match (&info.cluster_nodes, initialized) {
        (Some(nodes), true) if !nodes.is_empty() => nodes,
        _ => return,
    };
    enc.family(
        "technitium_cluster_node_info",
        Kind::Gauge,
        "A cluster node and its type, as labels; always 1.",
    );
    for n in nodes {
        let t = n
            .node_type
            .as_deref()
            .map_or_else(|| "unknown".to_owned(), snake_case);
        enc.sample(&[("node", &n.name), ("type", &t)], 1.0);
    }
    enc.family(
        "technitium_cluster_node_state",
        Kind::Gauge,
        "A cluster node's state as this server sees it: 1 for the current state, 0 for the others.",
    );
    for n in nodes {
        let current = n
            .state
            .as_deref()
            .map_or_else(|| "unknown".to_owned(), snake_case);
        let current = if STATES.contains(&current.as_str()) {
            current
        } else {
            "unknown".to_owned()
        };
        for state in STATES {
            enc.sample(
                &[("node", &n.name), ("state", state)],
                if state == current { 1.0 } else { 0.0 },
            );
        }
    }
    if nodes.iter().any(|n| n.last_seen.is_some()) {
        enc.family(
            "technitium_cluster_node_last_seen_timestamp_seconds",
            Kind::Gauge,
            "When this server last heard from a cluster node, in seconds since the Unix epoch.",
        );
        for n in nodes {
            if let Some(t) = n.last_seen {
                enc.sample(&[("node", &n.name)], t.0);
            }
        }
    }
}
