//! Per-node collection: which cluster node a [`super::scraper::Scraper`] reads, and how that
//! node's session facts are made.
//!
//! Technitium's `session/get` always answers for the server it is sent to, whatever `node=`
//! says (`DnsWebService.GetClusterNodeTypeForPath` pins it to the contacted node). So a node
//! reached through another server's URL ([`Reach::Proxy`]) gets its facts in two calls:
//! - `session/get` on the contacted server: the token is valid, and the node is one this
//!   server's cluster lists — never an arbitrary name; the token's permissions (users and
//!   groups are the same on every node: the cluster syncs them);
//! - `admin/cluster/state?node=NODE`, proxied to the node: its version, domain, start time (its
//!   own node entry's `upSince`) and its view of the cluster. This needs Administration: View;
//!   without it the node's facts are unknown: no version, server, start-time or cluster series
//!   are written for it (they would be the contacted server's), and collectors are planned with
//!   the contacted server's version, which a cluster shares while it is healthy.
//!
//! A node with a URL of its own ([`Reach::Direct`], `node_urls`) is asked directly: its own
//! session has all of it, and it must list itself, under the expected name, as `Self`.

use crate::exposition::labels::{self, Admitted, Rule};
use crate::technitium::display_base;
use crate::technitium::types::{ClusterNode, SessionInfo};
use crate::technitium::{ApiError, Client, Section};

/// How a collector reaches its node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Through the target's URL, every call but session/get with `node=NODE`.
    Proxy,
    /// At the node's own URL.
    Direct,
}

impl Reach {
    /// For people and `check`: `target` (through the target's URL) or `direct`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proxy => "target",
            Self::Direct => "direct",
        }
    }
}

/// The node a collector reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeScope {
    /// The node's name, as the cluster lists it (its domain, lower case).
    pub name: String,
    /// How it is reached.
    pub reach: Reach,
}

/// What a per-node session adds to [`super::target::SessionData`].
#[derive(Debug, Clone)]
pub struct NodeSession {
    /// The node.
    pub scope: NodeScope,
    /// Whether the node's own facts (version, domain, start, cluster view) are known.
    pub facts: bool,
    /// The node names the session that validated the node listed, sorted ([`listed_nodes`]).
    pub listed: Vec<String>,
    /// The cluster's domain, as that session says.
    pub cluster_domain: Option<String>,
}

/// Most cluster nodes the exporter reads one by one, writes series for, lists in `/sd` and walks
/// in `check` (a Technitium cluster is a handful of servers; a list of thousands is a broken or
/// hostile server).
pub const MAX_NODES: usize = labels::MAX_VALUES;

/// The nodes of a session's cluster the exporter keeps (see [`kept_nodes`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeList {
    /// Their names in lower case, sorted.
    pub names: Vec<String>,
    /// Nodes left out because their name cannot be a label value (empty, a control character,
    /// longer than 255 bytes).
    pub invalid: usize,
    /// Nodes left out beyond [`MAX_NODES`].
    pub over: usize,
}

impl NodeList {
    /// A warning about the nodes left out, if any were: for a log line.
    #[must_use]
    pub fn left_out(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.invalid > 0 {
            parts.push(format!(
                "{} node(s) whose name is empty or not a usable name are skipped",
                self.invalid
            ));
        }
        if self.over > 0 {
            parts.push(format!(
                "{} node(s) beyond the first {MAX_NODES} (the node the URL reaches and the primary first, then by name) are left out",
                self.over
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Where a node comes in the order nodes are kept: the node answering (`Self`), the primary,
/// then the others.
fn rank(n: &ClusterNode) -> u8 {
    let is =
        |v: &Option<String>, want: &str| v.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(want));
    if is(&n.state, "self") {
        0
    } else if is(&n.node_type, "primary") {
        1
    } else {
        2
    }
}

/// The nodes of a cluster list the exporter keeps: names that can be label values, each once
/// (compared in lower case), `Self` and the primary first, then by name, at most
/// [`MAX_NODES`]. The node the URL reaches and the primary never fall out of a long list.
#[must_use]
pub fn kept_nodes(nodes: &[ClusterNode]) -> Admitted<'_, ClusterNode> {
    let mut ordered: Vec<(u8, String, &ClusterNode)> = nodes
        .iter()
        .map(|n| (rank(n), n.name.to_ascii_lowercase(), n))
        .collect();
    ordered.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut seen = std::collections::HashSet::new();
    ordered.retain(|(_, lower, _)| seen.insert(lower.clone()));
    labels::admit(
        ordered.into_iter().map(|(_, _, n)| n),
        |n| n.name.as_str(),
        Rule::Name,
        MAX_NODES,
    )
}

/// The nodes a session lists ([`kept_nodes`] of an initialised v14+ cluster; none otherwise).
#[must_use]
pub fn node_list(info: &SessionInfo) -> NodeList {
    let clustered = crate::technitium::types::parse_version(&info.version)
        .is_some_and(|(major, _)| major >= 14)
        && info.cluster_initialized == Some(true);
    let nodes = match (&info.cluster_nodes, clustered) {
        (Some(nodes), true) => nodes.as_slice(),
        _ => &[],
    };
    let kept = kept_nodes(nodes);
    let mut names: Vec<String> = kept
        .kept
        .iter()
        .map(|n| n.name.to_ascii_lowercase())
        .collect();
    names.sort_unstable();
    NodeList {
        names,
        invalid: kept.invalid,
        over: kept.over,
    }
}

/// The node names of a session in lower case, sorted (the nodes [`node_list`] keeps); empty
/// when the server is not in a cluster (v14+).
#[must_use]
pub fn listed_nodes(info: &SessionInfo) -> Vec<String> {
    node_list(info).names
}

fn self_node(nodes: Option<&Vec<ClusterNode>>) -> Option<&ClusterNode> {
    nodes?.iter().find(|n| {
        n.state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("self"))
    })
}

/// The session facts of `scope`'s node, through `client` (see the module documentation), and
/// what the node adds to them.
///
/// # Errors
/// The calls' errors; [`ApiError::NodeNotListed`] when the node is not in the session's
/// cluster; [`ApiError::WrongNode`] when the node's answer came from another server.
pub(super) async fn session(
    client: &Client,
    scope: &NodeScope,
) -> Result<(SessionInfo, NodeSession), ApiError> {
    let local = client.session().await?;
    let listed = listed_nodes(&local);
    if !listed.contains(&scope.name) {
        return Err(ApiError::NodeNotListed {
            server: display_base(client.base_url()),
            node: scope.name.clone(),
            listed,
        });
    }
    let node = |facts| NodeSession {
        scope: scope.clone(),
        facts,
        listed: listed.clone(),
        cluster_domain: local.cluster_domain.clone(),
    };
    match scope.reach {
        Reach::Direct => {
            own_entry(
                client,
                scope,
                local.cluster_nodes.as_ref(),
                "point this node's node_urls entry at the node's own web console",
            )?;
            let node = node(true);
            Ok((local, node))
        }
        Reach::Proxy => {
            let can_view = local
                .permissions
                .get(Section::Administration.api_name())
                .is_some_and(|p| p.can_view);
            if !can_view {
                let info = SessionInfo {
                    version: local.version.clone(),
                    uptimestamp: None,
                    dns_server_domain: None,
                    cluster_initialized: Some(true),
                    cluster_domain: local.cluster_domain.clone(),
                    cluster_nodes: None,
                    permissions: local.permissions.clone(),
                };
                return Ok((info, node(false)));
            }
            let node = node(true);
            let info = proxied_facts(client, scope, listed, local).await?;
            Ok((info, node))
        }
    }
}

/// The node's own facts through the contacted server: `admin/cluster/state?node=`, checked to
/// come from the node, with the contacted session's permissions.
async fn proxied_facts(
    client: &Client,
    scope: &NodeScope,
    listed: Vec<String>,
    local: SessionInfo,
) -> Result<SessionInfo, ApiError> {
    let state = match client.cluster_state().await {
        Ok(state) => state,
        // The node left between the two calls: the list is the session's, without it.
        Err(ApiError::NodeNotListed { server, node, .. }) => {
            let listed = listed.into_iter().filter(|n| *n != node).collect();
            return Err(ApiError::NodeNotListed {
                server,
                node,
                listed,
            });
        }
        Err(e) => return Err(e),
    };
    let up_since = own_entry(
        client,
        scope,
        state.cluster_nodes.as_ref(),
        "is a proxy in front of Technitium dropping the node= parameter?",
    )?
    .up_since;
    Ok(SessionInfo {
        uptimestamp: up_since,
        version: state.version,
        dns_server_domain: state.dns_server_domain,
        cluster_initialized: state.cluster_initialized,
        cluster_domain: state.cluster_domain,
        cluster_nodes: state.cluster_nodes,
        permissions: local.permissions,
    })
}

/// The entry an answer's node list marks `Self`, which must be the node asked for.
///
/// # Errors
/// [`ApiError::WrongNode`] (with `hint`) when another server answered.
fn own_entry<'a>(
    client: &Client,
    scope: &NodeScope,
    nodes: Option<&'a Vec<ClusterNode>>,
    hint: &'static str,
) -> Result<&'a ClusterNode, ApiError> {
    match self_node(nodes) {
        Some(own) if own.name.eq_ignore_ascii_case(&scope.name) => Ok(own),
        other => Err(ApiError::WrongNode {
            server: client.server().to_owned(),
            node: scope.name.clone(),
            found: other.map_or_else(
                || "a server that names no node as itself".to_owned(),
                |n| n.name.to_ascii_lowercase(),
            ),
            hint,
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;

    fn info(version: &str, clustered: bool, names: &[&str]) -> SessionInfo {
        SessionInfo {
            version: version.to_owned(),
            uptimestamp: None,
            dns_server_domain: None,
            cluster_initialized: Some(clustered),
            cluster_domain: None,
            cluster_nodes: Some(
                names
                    .iter()
                    .map(|n| ClusterNode {
                        name: (*n).to_owned(),
                        url: None,
                        node_type: None,
                        state: None,
                        last_seen: None,
                        up_since: None,
                        version: None,
                    })
                    .collect(),
            ),
            permissions: Default::default(),
        }
    }

    #[test]
    fn only_an_initialised_v14_cluster_lists_nodes_sorted_and_lower_case() {
        assert_eq!(
            listed_nodes(&info("15.2", true, &["B.lan", "a.lan", "b.lan", ""])),
            ["a.lan", "b.lan"]
        );
        let list = node_list(&info("15.2", true, &["a.lan", "", "bad\nname"]));
        assert_eq!((list.names.len(), list.invalid, list.over), (1, 2, 0));
        assert!(list.left_out().is_some_and(|w| w.starts_with("2 node(s)")));
        assert!(listed_nodes(&info("15.2", false, &["a.lan"])).is_empty());
        assert!(listed_nodes(&info("13.6", true, &["a.lan"])).is_empty());
    }

    /// 100 nodes, the one the URL reaches and the primary last by name: both are kept, with
    /// the first 62 others by name.
    #[test]
    fn a_long_node_list_keeps_self_and_the_primary() {
        let names: Vec<String> = (0..100).map(|i| format!("node{i:03}.lan")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut session = info("15.2", true, &refs);
        let nodes = session.cluster_nodes.as_mut().unwrap();
        nodes[99].state = Some("Self".to_owned());
        nodes[98].node_type = Some("Primary".to_owned());
        let list = node_list(&session);
        assert_eq!(list.names.len(), MAX_NODES);
        assert_eq!(list.names[0], "node000.lan");
        assert_eq!(
            &list.names[MAX_NODES - 3..],
            ["node061.lan", "node098.lan", "node099.lan"]
        );
        assert_eq!((list.invalid, list.over), (0, 36));
    }
}
