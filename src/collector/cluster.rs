//! `cluster`: the cluster as this node sees it, from session/get (v14+; no extra call).

use super::contract::{Collect, Cx, WriteCx};
use super::error::CollectError;
use super::node::kept_nodes;
use super::samples::{flag, snake_case};
use super::spec::{Requires, Spec};
use super::target::SessionData;
use crate::exposition::labels::Rule;
use crate::exposition::{Encoder, Kind};
use crate::technitium::types::ClusterNode;

/// Every node state, so the state set always has all members.
const STATES: [&str; 4] = ["self", "connected", "unreachable", "unknown"];

/// The `cluster` collector.
#[derive(Debug)]
pub struct Cluster;

impl Collect for Cluster {
    type Settings = ();
    /// Nothing of its own: the nodes come with the session.
    type Data = ();
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "cluster",
        help: "Cluster nodes, from the session (v14+)",
        default_enabled: true,
        requires: Requires::Cluster,
        ..Spec::DEFAULT
    };

    async fn fetch(_: Cx<'_, Self>) -> Result<(), CollectError> {
        Ok(())
    }

    fn write((): &(), cx: &WriteCx<'_>, enc: &mut Encoder) {
        if let Some(session) = cx.session {
            write(session, enc);
        }
    }

    /// A v14+ server outside a cluster still says so: `technitium_cluster_initialized 0`.
    fn write_not_applicable(cx: &WriteCx<'_>, enc: &mut Encoder) {
        if let Some(session) = cx.session {
            write(session, enc);
        }
    }
}

fn write(session: &SessionData, enc: &mut Encoder) {
    // A node reached through another server without Administration: View: its view of the
    // cluster is unknown (the session's is the other server's).
    if !session.at_least(14) || !session.facts_known() {
        return;
    }
    let info = &session.info;
    let initialized = info.cluster_initialized == Some(true);
    enc.family(
        "technitium_cluster_initialized",
        Kind::Gauge,
        "Whether this server is part of a Technitium cluster (1) or not (0).",
    );
    enc.sample(&[], flag(initialized));
    let nodes = match (&info.cluster_nodes, initialized) {
        (Some(nodes), true) if !nodes.is_empty() => nodes,
        _ => return,
    };
    write_nodes(nodes, enc);
}

/// The nodes written: those [`kept_nodes`] keeps (at most [`super::node::MAX_NODES`], the node
/// answering and the primary first, names that can be label values), in the server's order.
fn written(nodes: &[ClusterNode]) -> Vec<&ClusterNode> {
    let kept = kept_nodes(nodes);
    nodes
        .iter()
        .filter(|n| kept.kept.iter().any(|k| std::ptr::eq(*k, *n)))
        .collect()
}

/// A node's `type` label: the server's type in snake case, `unknown` when absent or not a type
/// name.
fn node_type(n: &ClusterNode) -> String {
    n.node_type
        .as_deref()
        .filter(|t| Rule::Token.accepts(t))
        .map_or_else(|| "unknown".to_owned(), snake_case)
}

fn write_nodes(nodes: &[ClusterNode], enc: &mut Encoder) {
    let nodes = written(nodes);
    enc.family(
        "technitium_cluster_node_info",
        Kind::Gauge,
        "A cluster node and its type, as labels; always 1.",
    );
    for n in &nodes {
        enc.sample(&[("node", &n.name), ("type", &node_type(n))], 1.0);
    }
    enc.family(
        "technitium_cluster_node_state",
        Kind::Gauge,
        "A cluster node's state as this server sees it: 1 for the current state, 0 for the others.",
    );
    for n in &nodes {
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
    write_versions(&nodes, enc);
    if nodes.iter().any(|n| n.last_seen.is_some()) {
        enc.family(
            "technitium_cluster_node_last_seen_timestamp_seconds",
            Kind::Gauge,
            "When this server last heard from a cluster node, in seconds since the Unix epoch.",
        );
        for n in &nodes {
            if let Some(t) = n.last_seen {
                enc.sample(&[("node", &n.name)], t.0);
            }
        }
    }
}

/// `technitium_cluster_node_build_info{node,version}` for every node the list gives a version
/// of (15.6+: the `Self` entry always, a peer after its first heartbeat since this server
/// started). A version that is not digits and dots is left out (the label stays bounded).
fn write_versions(nodes: &[&ClusterNode], enc: &mut Encoder) {
    if !nodes.iter().any(|n| node_version(n).is_some()) {
        return;
    }
    enc.family(
        "technitium_cluster_node_build_info",
        Kind::Gauge,
        "A cluster node's Technitium version as this server knows it (v15.6+; a peer's after its first heartbeat), as a label; always 1.",
    );
    for n in nodes {
        if let Some(v) = node_version(n) {
            enc.sample(&[("node", &n.name), ("version", v)], 1.0);
        }
    }
}

/// A node's version when the list gives one that reads as a version.
fn node_version(n: &ClusterNode) -> Option<&str> {
    n.version.as_deref().map(str::trim).filter(|v| {
        !v.is_empty() && v.len() <= 32 && v.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::ExpositionFormat;
    use crate::technitium::types::SessionInfo;

    fn session(version: &str, nodes: Option<Vec<ClusterNode>>) -> SessionData {
        SessionData::new(SessionInfo {
            version: version.to_owned(),
            uptimestamp: None,
            dns_server_domain: None,
            cluster_initialized: Some(nodes.is_some()),
            cluster_domain: None,
            cluster_nodes: nodes,
            permissions: Default::default(),
        })
    }

    fn render(s: &SessionData) -> String {
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Cluster::write(&(), &WriteCx { session: Some(s) }, &mut enc);
        enc.finish()
    }

    #[test]
    fn every_state_is_written_once_per_node_and_odd_states_are_unknown() {
        let node = |name: &str, state: &str| ClusterNode {
            name: name.to_owned(),
            url: None,
            node_type: Some("Secondary".to_owned()),
            state: Some(state.to_owned()),
            last_seen: None,
            up_since: None,
            version: None,
        };
        let text = render(&session(
            "14.3",
            Some(vec![node("a", "Connected"), node("b", "Weird")]),
        ));
        assert!(text.contains("technitium_cluster_initialized 1\n"));
        assert!(text.contains("technitium_cluster_node_state{node=\"a\",state=\"connected\"} 1\n"));
        assert!(text.contains("technitium_cluster_node_state{node=\"b\",state=\"unknown\"} 1\n"));
        assert_eq!(text.matches("node=\"b\",state=").count(), 4);
        assert!(!text.contains("last_seen"), "no node was seen: no family");
        assert!(
            !text.contains("build_info"),
            "no node has a version: no family"
        );
    }

    /// 15.6's node list: every node's version from one scrape; a peer not heard from since the
    /// server started has none (absent ≠ old); dates omitted or the old "never" sentinel give
    /// no timestamp, never 0 or year 1.
    #[test]
    fn versions_come_from_the_node_list_and_unknown_dates_give_no_series() {
        let json = r#"[
            {"name":"dns1.lan","type":"Primary","state":"Self","version":"15.6","upSince":"2026-10-05T08:00:00Z"},
            {"name":"dns2.lan","type":"Secondary","state":"Connected","version":"15.5.1","lastSeen":"2026-10-05T09:59:50Z","upSince":"0001-01-01T00:00:00"},
            {"name":"dns3.lan","type":"Secondary","state":"Unreachable","lastSeen":"0001-01-01T00:00:00"},
            {"name":"dns4.lan","type":"Secondary","state":"Connected","version":"15.6 <script>"}
        ]"#;
        let nodes: Vec<ClusterNode> = serde_json::from_str(json).unwrap_or_default();
        assert_eq!(nodes.len(), 4);
        assert!(nodes[1].up_since.is_none() && nodes[2].last_seen.is_none());
        let text = render(&session("15.6", Some(nodes)));
        for line in [
            "technitium_cluster_node_build_info{node=\"dns1.lan\",version=\"15.6\"} 1\n",
            "technitium_cluster_node_build_info{node=\"dns2.lan\",version=\"15.5.1\"} 1\n",
        ] {
            assert!(text.contains(line), "{line}in {text}");
        }
        assert!(!text.contains("build_info{node=\"dns3.lan\""), "{text}");
        assert!(!text.contains("build_info{node=\"dns4.lan\""), "{text}");
        let seen: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("technitium_cluster_node_last_seen"))
            .collect();
        assert_eq!(seen.len(), 1, "{text}");
        assert!(seen[0].starts_with(
            "technitium_cluster_node_last_seen_timestamp_seconds{node=\"dns2.lan\"} 17"
        ));
    }

    #[test]
    fn outside_a_cluster_only_the_flag_and_never_before_v14() {
        assert_eq!(
            render(&session("14.3", None)).lines().last(),
            Some("technitium_cluster_initialized 0")
        );
        assert_eq!(render(&session("13.6", None)), "");
    }

    /// Node names and types come from the server: at most 64 nodes (the node answering and the
    /// primary among them), no unusable name, no free-text type.
    #[test]
    fn node_labels_are_bounded_and_checked() {
        let mut nodes: Vec<ClusterNode> = (0..100)
            .map(|i| ClusterNode {
                name: format!("n{i:03}.lan"),
                url: None,
                node_type: Some("Secondary".to_owned()),
                state: Some("Connected".to_owned()),
                last_seen: None,
                up_since: None,
                version: None,
            })
            .collect();
        nodes[99].state = Some("Self".to_owned());
        nodes[98].node_type = Some("Primary".to_owned());
        nodes[0].name = String::new();
        nodes[1].name = "evil\nnode".to_owned();
        nodes[2].node_type = Some("x\" y".to_owned());
        let text = render(&session("15.2", Some(nodes)));
        let info: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("technitium_cluster_node_info{"))
            .collect();
        assert_eq!(info.len(), 64);
        assert!(text.contains("technitium_cluster_node_info{node=\"n099.lan\",type=\"secondary\"} 1"));
        assert!(text.contains("technitium_cluster_node_info{node=\"n098.lan\",type=\"primary\"} 1"));
        assert!(text.contains("technitium_cluster_node_info{node=\"n002.lan\",type=\"unknown\"} 1"));
        assert!(!text.contains("node=\"\"") && !text.contains("evil"), "{text}");
        assert_eq!(text.matches(",state=\"self\"} 1").count(), 1);
    }
}
