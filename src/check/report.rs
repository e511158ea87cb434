//! `check`'s report, as data: the rows, the verdicts, and what `check` knows about a target.
//! Nothing here decides or prints: [`super::verdict`] judges the rows the walk filled in, and
//! [`super::output`] renders them as tables or JSON.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::collector::Options;
use crate::technitium::ClientConfig;

/// Result of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Status {
    Ok,
    Warning,
    Failed,
    NoPermission,
    NotApplicable,
    Disabled,
    Skipped,
}

impl Status {
    /// The mark in the tables' first column.
    pub(super) fn mark(self) -> &'static str {
        match self {
            Self::Ok => "✓",
            Self::Warning => "!",
            Self::Failed | Self::NoPermission => "✗",
            Self::NotApplicable | Self::Disabled | Self::Skipped => "–",
        }
    }
}

/// One step of the chain.
#[derive(Debug, Serialize)]
pub(super) struct StepRow {
    pub(super) id: &'static str,
    pub(super) title: &'static str,
    pub(super) status: Status,
    pub(super) detail: String,
    pub(super) hint: Option<String>,
    pub(super) duration_ms: Option<f64>,
}

/// One collector's row.
#[derive(Debug, Serialize)]
pub(super) struct CollectorRow {
    pub(super) name: &'static str,
    pub(super) enabled: bool,
    pub(super) permission: Option<String>,
    pub(super) permission_granted: Option<bool>,
    pub(super) status: Status,
    pub(super) detail: String,
    pub(super) hint: Option<String>,
    pub(super) duration_ms: Option<f64>,
    pub(super) series: Option<usize>,
    /// What the collector checked, one row each (DNS transports, forwarders).
    pub(super) details: Vec<DetailRow>,
    /// The collector's own warning about its data, with its hint, for the verdict (default
    /// credentials, an over-privileged token, truncated zones).
    #[serde(skip)]
    pub(super) warned: Option<String>,
}

/// One thing a collector checked.
#[derive(Debug, Serialize)]
pub(super) struct DetailRow {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) status: Status,
    pub(super) detail: String,
    pub(super) hint: Option<String>,
}

/// Facts about the server.
#[derive(Debug, Serialize)]
pub(super) struct ServerFacts {
    pub(super) version: String,
    pub(super) supported: bool,
    pub(super) domain: Option<String>,
    pub(super) token_in_query: bool,
}

/// Overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Verdict {
    Ok,
    Degraded,
    Failed,
}

/// One target's report.
#[derive(Debug, Serialize)]
pub(super) struct TargetReport {
    pub(super) name: String,
    pub(super) target: String,
    pub(super) verdict: Verdict,
    pub(super) exit_code: u8,
    pub(super) summary: String,
    pub(super) warnings: usize,
    pub(super) series: Option<usize>,
    pub(super) server: Option<ServerFacts>,
    pub(super) steps: Vec<StepRow>,
    pub(super) collectors: Vec<CollectorRow>,
    pub(super) nodes: Vec<NodeRow>,
}

/// The whole report (the `--format json` object).
#[derive(Debug, Serialize)]
pub(super) struct CheckReport {
    pub(super) schema_version: u32,
    pub(super) exporter_version: &'static str,
    pub(super) verdict: Verdict,
    pub(super) exit_code: u8,
    pub(super) summary: String,
    pub(super) targets: Vec<TargetReport>,
}

/// What `check` needs to know about one target.
#[derive(Debug, Clone, Copy)]
pub(super) struct Target<'a> {
    pub(super) name: &'a str,
    pub(super) client: &'a ClientConfig,
    pub(super) options: &'a Options,
    /// Whether (and how) its cluster's nodes are walked.
    pub(super) nodes: NodePlan<'a>,
}

/// One node's row.
#[derive(Debug, Serialize)]
pub(super) struct NodeRow {
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) node_type: String,
    /// The node's state as the target's server sees it.
    pub(super) state: String,
    /// `self` (the target itself), `target` (through the target's URL) or `direct`.
    pub(super) via: &'static str,
    pub(super) status: Status,
    pub(super) version: Option<String>,
    pub(super) detail: String,
    pub(super) hint: Option<String>,
    pub(super) duration_ms: Option<f64>,
    pub(super) series: Option<usize>,
    /// Runs another version than the newest node (for the summary).
    #[serde(skip)]
    pub(super) skew: bool,
}

/// Whether `check` walks the target's nodes, and which have a URL of their own.
#[derive(Debug, Clone, Copy)]
pub(super) struct NodePlan<'a> {
    /// `per_node` (the default target: always).
    pub(super) on: bool,
    /// `node_urls`.
    pub(super) urls: Option<&'a BTreeMap<String, Url>>,
}

const STEPS: [(&str, &str); 8] = [
    ("config", "configuration"),
    ("url", "URL"),
    ("dns", "DNS resolution"),
    ("tcp", "TCP connect"),
    ("tls", "TLS handshake"),
    ("http", "HTTP (session/get)"),
    ("token", "API token"),
    ("version", "server version"),
];

fn title(id: &str) -> &'static str {
    STEPS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or("step", |(_, t)| t)
}

/// Builds the step list; after the first failure every later step is `skipped`.
#[derive(Debug, Default)]
pub(super) struct Steps(pub(super) Vec<StepRow>);

impl Steps {
    pub(super) fn failed(&self) -> bool {
        self.0.iter().any(|s| s.status == Status::Failed)
    }

    pub(super) fn push(
        &mut self,
        id: &'static str,
        status: Status,
        detail: impl Into<String>,
        hint: Option<String>,
        elapsed: Option<Duration>,
    ) {
        self.0.push(StepRow {
            id,
            title: title(id),
            status,
            detail: detail.into(),
            hint,
            duration_ms: elapsed.map(ms),
        });
    }

    /// Marks every step not yet reported as skipped.
    pub(super) fn skip_rest(&mut self) {
        let cause = self
            .0
            .iter()
            .find(|s| s.status == Status::Failed)
            .map_or("an earlier step", |s| s.title);
        for (id, t) in STEPS {
            if !self.0.iter().any(|s| s.id == id) {
                self.0.push(StepRow {
                    id,
                    title: t,
                    status: Status::Skipped,
                    detail: format!("not checked: {cause} failed"),
                    hint: None,
                    duration_ms: None,
                });
            }
        }
    }
}

/// A duration in milliseconds, to a tenth.
pub(super) fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// A row's detail with its hint, as one line.
pub(super) fn with_hint(detail: &str, hint: Option<&String>) -> String {
    match hint {
        Some(h) => format!("{detail} — {h}"),
        None => detail.to_owned(),
    }
}
