//! `check`'s walk of a clustered target's nodes: one row per node the target's session lists,
//! each from one real collection of that node (through the target's URL with `node=`, or at
//! its `node_urls` entry), and version skew across them.
//!
//! A row is `ok`; a `warning` when the node is down (unreachable or too slow: the cluster
//! alerts cover that), when its facts are unknown (no Administration: View) or when it runs
//! another version than the newest node (Technitium wants every node of a cluster on one
//! version); `failed` when the exporter cannot read a node that answers (token, permission,
//! answers it does not understand, a collector failing), which makes the target `degraded`.

use tokio::time::Instant;
use url::Url;

use super::hints::api_error_hint;
use super::report::{NodePlan, NodeRow, Status, Target, ms};
use super::spinner::Spinner;
use crate::collector::{
    MAX_NODES, NodeScope, Outcome, Reach, Scraper, Snapshot, TargetInfo, kept_nodes, snake_case,
    write_families,
};
use crate::exposition::{Encoder, ExpositionFormat};
use crate::technitium::ClientBuildError;
use crate::technitium::types::{ClusterNode, parse_version};
use crate::technitium::{ApiError, Client, ClientConfig, Reason};

fn label(value: Option<&str>) -> String {
    value.map_or_else(|| "unknown".to_owned(), snake_case)
}

/// The rows of every node of the target's cluster; none when the target is not in one.
pub(super) async fn walk(
    target: Target<'_>,
    plan: NodePlan<'_>,
    collector: &Scraper,
    snapshot: &Snapshot,
    spinner: &Spinner,
) -> Vec<NodeRow> {
    let Some(session) = snapshot.session() else {
        return Vec::new();
    };
    if !plan.on || !session.clustered() {
        return Vec::new();
    }
    let all = session.info.cluster_nodes.as_deref().unwrap_or_default();
    let kept = kept_nodes(all);
    let mut nodes = kept.kept.clone();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut rows = Vec::with_capacity(nodes.len() + 1);
    for n in nodes {
        let name = n.name.to_ascii_lowercase();
        let mut row = NodeRow {
            name: name.clone(),
            node_type: label(n.node_type.as_deref()),
            state: label(n.state.as_deref()),
            via: "self",
            status: Status::Ok,
            version: None,
            detail: String::new(),
            hint: None,
            duration_ms: None,
            series: None,
            skew: false,
        };
        if row.state == "self" {
            row.version = Some(session.info.version.clone());
            row.series = Some(series(snapshot));
            "this target (the rows above)".clone_into(&mut row.detail);
            rows.push(row);
            continue;
        }
        spinner.step(target.name, &format!("node {name}"));
        let direct = plan.urls.and_then(|u| u.get(&name));
        let node = match node_collector(target, collector.client(), &name, n, direct) {
            Ok(c) => c,
            Err(e) => {
                row.via = "direct";
                row.status = Status::Failed;
                row.detail = e.to_string();
                rows.push(row);
                continue;
            }
        };
        row.via = node.node().map_or("target", |s| s.reach.as_str());
        let started = Instant::now();
        let snap = node.collect(Instant::now() + target.client.timeout).await;
        row.duration_ms = Some(ms(started.elapsed()));
        fill(&mut row, &snap);
        rows.push(row);
    }
    flag_skew(&mut rows);
    if kept.left_out() {
        rows.push(left_out_row(all.len(), kept.invalid, kept.over));
    }
    rows
}

/// The warning row for the nodes `check` did not walk: beyond [`MAX_NODES`] (as `serve` keeps
/// them), or with names that cannot be label values.
fn left_out_row(listed: usize, invalid: usize, over: usize) -> NodeRow {
    let mut parts = Vec::new();
    if over > 0 {
        parts.push(format!(
            "{over} beyond the first {MAX_NODES} (the target's node and the primary first, then by name)"
        ));
    }
    if invalid > 0 {
        parts.push(format!("{invalid} whose name is empty or unusable"));
    }
    NodeRow {
        name: "(not walked)".to_owned(),
        node_type: "-".to_owned(),
        state: "-".to_owned(),
        via: "-",
        status: Status::Warning,
        version: None,
        detail: format!(
            "the cluster lists {listed} nodes; left out: {}",
            parts.join(", ")
        ),
        hint: Some(format!(
            "serve collects at most {MAX_NODES} nodes per target: a cluster this large (or names like these) looks like a broken node list"
        )),
        duration_ms: None,
        series: None,
        skew: false,
    }
}

/// The collector of one node: at its own URL, or through the target's.
fn node_collector(
    target: Target<'_>,
    client: &Client,
    name: &str,
    node: &ClusterNode,
    direct: Option<&Url>,
) -> Result<Scraper, ClientBuildError> {
    let scope = |reach| NodeScope {
        name: name.to_owned(),
        reach,
    };
    match direct {
        Some(url) => {
            let config = ClientConfig {
                url: url.clone(),
                ..target.client.clone()
            };
            let client = Client::new(&config)?;
            Ok(
                Scraper::with_target(client, target.options.clone(), TargetInfo::of(&config))
                    .with_node(scope(Reach::Direct)),
            )
        }
        None => {
            let mut info = TargetInfo::of(target.client);
            if let Some(url) = node.url.as_deref().and_then(|u| Url::parse(u).ok()) {
                info.url = url;
            }
            Ok(
                Scraper::with_target(client.for_node(name), target.options.clone(), info)
                    .with_node(scope(Reach::Proxy)),
            )
        }
    }
}

fn series(snapshot: &Snapshot) -> usize {
    let mut enc = Encoder::new(ExpositionFormat::Text);
    write_families(snapshot, &mut enc);
    enc.samples()
}

/// A row from the node's collection.
fn fill(row: &mut NodeRow, snapshot: &Snapshot) {
    let session = match &snapshot.session {
        Ok(s) => s,
        Err(ApiError::NodeUnreachable { detail, .. }) => {
            row.status = Status::Warning;
            row.detail = format!("down: the target's server cannot reach it ({detail})");
            row.hint = Some(
                "Administration → Cluster on the target's server shows each node's state"
                    .to_owned(),
            );
            return;
        }
        Err(e) => {
            let down = matches!(e.reason(), Reason::Unreachable | Reason::Timeout);
            row.status = if down {
                Status::Warning
            } else {
                Status::Failed
            };
            row.detail = if down {
                format!("down: {e}")
            } else {
                e.to_string()
            };
            row.hint = Some(api_error_hint(e));
            return;
        }
    };
    row.series = Some(series(snapshot));
    let failed: Vec<String> = snapshot
        .parts
        .iter()
        .filter(|p| {
            matches!(
                p.report.outcome,
                Outcome::Failed(_) | Outcome::DeadlineExceeded
            )
        })
        .map(|p| format!("{}: {}", p.report.name(), p.report.outcome.describe()))
        .collect();
    if !failed.is_empty() {
        row.status = Status::Failed;
        row.detail = format!("collectors failed on this node: {}", failed.join("; "));
        row.hint = Some("technitium-exporter scrapes this node through /probe?target=NAME&node=NODE; its collectors fail like a target's (see the collector rows above for what each needs)".to_owned());
        return;
    }
    if session.facts_known() {
        row.version = Some(session.info.version.clone());
        "ok".clone_into(&mut row.detail);
    } else {
        row.status = Status::Warning;
        "answers, but its version, start time and view of the cluster are unknown: the token lacks Administration: View".clone_into(&mut row.detail);
        row.hint = Some("grant the token's user Administration: View, or give the node its own URL in node_urls".to_owned());
    }
}

/// Flags every node not on the newest version of the cluster.
fn flag_skew(rows: &mut [NodeRow]) {
    let newest = rows
        .iter()
        .filter_map(|r| {
            let v = r.version.as_deref()?;
            Some((parse_version(v)?, v.to_owned(), r.name.clone()))
        })
        .max_by(|a, b| a.0.cmp(&b.0));
    let Some((newest, shown, on)) = newest else {
        return;
    };
    for row in rows.iter_mut() {
        let Some(v) = row.version.as_deref() else {
            continue;
        };
        if parse_version(v).is_some_and(|p| p == newest) {
            continue;
        }
        row.skew = true;
        let skew = format!("version skew: runs {v} while {on} runs {shown}");
        if row.status == Status::Ok {
            row.status = Status::Warning;
            row.detail = skew;
        } else {
            row.detail = format!("{}; {skew}", row.detail);
        }
        row.hint.get_or_insert_with(|| {
            "upgrade every node to one version (mixed versions broke clusters in 14.1, 14.2 and 15.0)".to_owned()
        });
    }
}
