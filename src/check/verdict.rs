//! `check`'s verdicts: one target's report from its steps and its collection, and the overall
//! verdict, the worst target's.

use super::collectors::collector_rows;
use super::report::{
    CheckReport, CollectorRow, NodeRow, ServerFacts, Status, Steps, Target, TargetReport, Verdict,
    with_hint,
};
use crate::collector::{Snapshot, write_families};
use crate::exit::Exit;
use crate::exposition::{Encoder, ExpositionFormat};

/// The worst target decides: failed, then degraded, then ok.
pub(super) fn overall(targets: Vec<TargetReport>) -> CheckReport {
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
    CheckReport {
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
    server: Option<ServerFacts>,
    snapshot: Option<&Snapshot>,
    nodes: Vec<NodeRow>,
    shown: &str,
) -> TargetReport {
    if steps.failed() {
        steps.skip_rest();
    }
    let collectors = collector_rows(target, snapshot);
    let series = snapshot.filter(|s| s.up()).map(|s| {
        let mut enc = Encoder::new(ExpositionFormat::Text);
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
    let warn = ok_remarks(collectors, nodes, warnings);
    (
        Verdict::Ok,
        format!(
            "all good: {shown} answers, the token works and every enabled collector succeeded; {} series{warn}",
            series.unwrap_or(0)
        ),
    )
}

/// What an "all good" line still mentions: what collectors warn about their data (default
/// credentials, a token that may change the server, zones left out, named rather than only
/// counted), nodes behind the cluster's newest version, and how many warnings the table shows.
fn ok_remarks(collectors: &[CollectorRow], nodes: &[NodeRow], warnings: usize) -> String {
    let count = match warnings {
        0 => String::new(),
        1 => " (1 warning above)".to_owned(),
        n => format!(" ({n} warnings above)"),
    };
    let skewed: Vec<String> = nodes
        .iter()
        .filter(|n| n.skew)
        .map(|n| format!("{} ({})", n.name, n.version.as_deref().unwrap_or("?")))
        .collect();
    let skew = if skewed.is_empty() {
        count
    } else {
        format!(
            "; version skew in the cluster: {} behind the newest node{count}",
            skewed.join(", ")
        )
    };
    let warned: String = collectors
        .iter()
        .filter_map(|c| c.warned.as_ref().map(|w| format!("; but {}: {w}", c.name)))
        .collect();
    format!("{warned}{skew}")
}
