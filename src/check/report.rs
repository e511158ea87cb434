//! `check`'s report: the rows, the verdict, and the table and JSON renderings. Nothing here
//! talks to the network: the walk (`steps.rs`) fills the rows.

use std::time::Duration;

use serde::Serialize;

use super::collectors::collector_rows;
use super::nodes::{NodePlan, NodeRow};
use crate::collector::{Options, Snapshot, write_families};
use crate::exit::Exit;
use crate::render::exposition::{Encoder, Format};
use crate::render::table::table;
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
    fn mark(self) -> &'static str {
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
pub(super) struct Step {
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
pub(super) struct Server {
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
    name: String,
    target: String,
    verdict: Verdict,
    exit_code: u8,
    summary: String,
    warnings: usize,
    series: Option<usize>,
    server: Option<Server>,
    steps: Vec<Step>,
    collectors: Vec<CollectorRow>,
    nodes: Vec<NodeRow>,
}

/// The whole report (the `--format json` object).
#[derive(Debug, Serialize)]
pub(super) struct Report {
    schema_version: u32,
    exporter_version: &'static str,
    pub(super) verdict: Verdict,
    exit_code: u8,
    summary: String,
    targets: Vec<TargetReport>,
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
pub(super) struct Steps(pub(super) Vec<Step>);

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
        self.0.push(Step {
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
                self.0.push(Step {
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

pub(super) fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// The worst target decides: failed, then degraded, then ok.
pub(super) fn overall(targets: Vec<TargetReport>) -> Report {
    let verdict = if targets.iter().any(|t| t.verdict == Verdict::Failed) {
        Verdict::Failed
    } else if targets.iter().any(|t| t.verdict == Verdict::Degraded) {
        Verdict::Degraded
    } else {
        Verdict::Ok
    };
    let summary = match targets.as_slice() {
        [only] => only.summary.clone(),
        _ => {
            let each: Vec<String> = targets
                .iter()
                .map(|t| format!("{} {}", t.name, verdict_word(t.verdict)))
                .collect();
            format!(
                "{} targets checked, {}: {}",
                targets.len(),
                verdict_word(verdict),
                each.join(", ")
            )
        }
    };
    Report {
        schema_version: 1,
        exporter_version: env!("CARGO_PKG_VERSION"),
        verdict,
        exit_code: exit_code(verdict),
        summary,
        targets,
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Degraded => "degraded",
        Verdict::Failed => "failed",
    }
}

fn exit_code(v: Verdict) -> u8 {
    match v {
        Verdict::Ok => Exit::Ok,
        Verdict::Failed => Exit::Down,
        Verdict::Degraded => Exit::Degraded,
    }
    .code()
}

/// One target's report from its steps and, when the server answered, its collection.
pub(super) fn finish(
    target: Target<'_>,
    mut steps: Steps,
    server: Option<Server>,
    snapshot: Option<&Snapshot>,
    nodes: Vec<NodeRow>,
    shown: &str,
) -> TargetReport {
    if steps.failed() {
        steps.skip_rest();
    }
    let collectors = collector_rows(target, snapshot);
    let series = snapshot.filter(|s| s.up()).map(|s| {
        let mut enc = Encoder::new(Format::Text);
        write_families(s, &mut enc);
        enc.samples()
    });
    let warnings = steps
        .0
        .iter()
        .map(|s| s.status)
        .chain(collectors.iter().map(|c| c.status))
        .chain(nodes.iter().map(|n| n.status))
        .filter(|s| *s == Status::Warning)
        .count();
    let (verdict, summary) = verdict(
        &steps,
        snapshot,
        (&collectors, &nodes),
        shown,
        (warnings, series),
    );
    TargetReport {
        name: target.name.to_owned(),
        target: shown.to_owned(),
        verdict,
        exit_code: exit_code(verdict),
        summary,
        warnings,
        series,
        server,
        steps: steps.0,
        collectors,
        nodes,
    }
}

/// The verdict and the summary line: a failed step, then a session that failed during the
/// collection, then failed collectors, else all good.
fn verdict(
    steps: &Steps,
    snapshot: Option<&Snapshot>,
    (collectors, nodes): (&[CollectorRow], &[NodeRow]),
    shown: &str,
    (warnings, series): (usize, Option<usize>),
) -> (Verdict, String) {
    if let Some(step) = steps.0.iter().find(|s| s.status == Status::Failed) {
        let why = with_hint(&step.detail, step.hint.as_ref());
        return (Verdict::Failed, format!("failed at {}: {why}", step.title));
    }
    if let Some(Err(e)) = snapshot.map(|s| &s.session) {
        // The session worked a moment ago but the collection's did not.
        return (Verdict::Failed, format!("failed: {e}"));
    }
    let bad: Vec<String> = collectors
        .iter()
        .filter(|c| matches!(c.status, Status::Failed | Status::NoPermission))
        .map(|c| format!("{}: {}", c.name, with_hint(&c.detail, c.hint.as_ref())))
        .chain(
            nodes
                .iter()
                .filter(|n| n.status == Status::Failed)
                .map(|n| format!("node {}: {}", n.name, with_hint(&n.detail, n.hint.as_ref()))),
        )
        .collect();
    if !bad.is_empty() {
        return (
            Verdict::Degraded,
            format!(
                "degraded: {shown} answers and the token works, but {}",
                bad.join("; ")
            ),
        );
    }
    let warn = match warnings {
        0 => String::new(),
        1 => " (1 warning above)".to_owned(),
        n => format!(" ({n} warnings above)"),
    };
    let skewed: Vec<String> = nodes
        .iter()
        .filter(|n| n.skew)
        .map(|n| format!("{} ({})", n.name, n.version.as_deref().unwrap_or("?")))
        .collect();
    let warn = if skewed.is_empty() {
        warn
    } else {
        format!(
            "; version skew in the cluster: {} behind the newest node{warn}",
            skewed.join(", ")
        )
    };
    (
        Verdict::Ok,
        format!(
            "all good: {shown} answers, the token works and every enabled collector succeeded; {} series{warn}",
            series.unwrap_or(0)
        ),
    )
}

fn with_hint(detail: &str, hint: Option<&String>) -> String {
    match hint {
        Some(h) => format!("{detail} — {h}"),
        None => detail.to_owned(),
    }
}

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "✓",
        Verdict::Degraded => "!",
        Verdict::Failed => "✗",
    }
}

/// The report as tables for people.
pub(super) fn render_table(report: &Report) -> String {
    let many = report.targets.len() > 1;
    let mut out = String::new();
    for t in &report.targets {
        if many {
            out.push_str(&format!("target {} ({})\n", t.name, t.target));
        }
        out.push_str(&render_target(t, !many));
        if many {
            out.push('\n');
        }
    }
    if many {
        out.push_str(&format!(
            "{} {} (exit {})\n",
            mark(report.verdict),
            report.summary,
            report.exit_code
        ));
    }
    out
}

fn render_target(report: &TargetReport, show_exit: bool) -> String {
    let mut steps = table(&["", "check", "result", "time"]);
    for s in &report.steps {
        steps.add_row(vec![
            s.status.mark().to_owned(),
            s.title.to_owned(),
            with_hint(&s.detail, s.hint.as_ref()),
            s.duration_ms.map(|d| format!("{d} ms")).unwrap_or_default(),
        ]);
    }
    let mut collectors = table(&["", "collector", "permission", "result", "time", "series"]);
    for c in &report.collectors {
        let permission = match (&c.permission, c.permission_granted) {
            (None, _) => "none needed".to_owned(),
            (Some(s), Some(true)) => format!("{s}: View ✓"),
            (Some(s), Some(false)) => format!("{s}: View ✗"),
            (Some(s), None) => format!("{s}: View"),
        };
        collectors.add_row(vec![
            c.status.mark().to_owned(),
            c.name.to_owned(),
            permission,
            with_hint(&c.detail, c.hint.as_ref()),
            c.duration_ms.map(|d| format!("{d} ms")).unwrap_or_default(),
            c.series.map(|n| n.to_string()).unwrap_or_default(),
        ]);
        for d in &c.details {
            collectors.add_row(vec![
                d.status.mark().to_owned(),
                format!("  {}", d.title),
                String::new(),
                with_hint(&d.detail, d.hint.as_ref()),
                String::new(),
                String::new(),
            ]);
        }
    }
    let collectors = if report.server.is_some() {
        format!("{collectors}\n")
    } else {
        "– collectors: not checked (the server is not reachable with this token)\n".to_owned()
    };
    let collectors = if report.nodes.is_empty() {
        collectors
    } else {
        format!("{collectors}{}\n", render_nodes(&report.nodes))
    };
    let exit = if show_exit {
        format!(" (exit {})", report.exit_code)
    } else {
        String::new()
    };
    format!(
        "{steps}\n{collectors}{} {}{exit}\n",
        mark(report.verdict),
        report.summary,
    )
}

/// The cluster's nodes, one row each.
fn render_nodes(nodes: &[NodeRow]) -> String {
    let mut t = table(&[
        "", "node", "seen as", "via", "version", "result", "time", "series",
    ]);
    for n in nodes {
        t.add_row(vec![
            n.status.mark().to_owned(),
            n.name.clone(),
            format!("{}, {}", n.node_type, n.state),
            n.via.to_owned(),
            n.version.clone().unwrap_or_default(),
            with_hint(&n.detail, n.hint.as_ref()),
            n.duration_ms.map(|d| format!("{d} ms")).unwrap_or_default(),
            n.series.map(|s| s.to_string()).unwrap_or_default(),
        ]);
    }
    t.to_string()
}

/// The report as one JSON object (the schema is in the module documentation).
pub(super) fn render_json(report: &Report) -> String {
    serde_json::to_string_pretty(report)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .unwrap_or_default()
}
