//! `check`'s report printed: tables for people, or one JSON object for scripts (the schema is in
//! the module documentation of `check`).

use super::report::{CheckReport, NodeRow, TargetReport, Verdict, with_hint};
use crate::render::table::table;

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "✓",
        Verdict::Degraded => "!",
        Verdict::Failed => "✗",
    }
}

/// The report as tables for people.
pub(super) fn render_table(report: &CheckReport) -> String {
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
///
/// # Errors
/// When the report cannot be serialised (a bug: its types are plain data).
pub(super) fn render_json(report: &CheckReport) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(report)?;
    text.push('\n');
    Ok(text)
}
