//! `check`'s collector rows: for each collector, whether it is on, the permission it needs and
//! whether the token has it, how its call went, and how many series it produced.

use std::time::Duration;

use super::report::{CollectorRow, DetailRow, Status, Target, ms, with_hint};
use crate::collector::{
    self, CollectError, DetailStatus, Outcome, Requires, SESSION, SessionData, Snapshot, Spec,
    series_per_collector,
};
use crate::technitium::ApiError;

fn collector_hint(name: &str, outcome: &Outcome, timeout: Duration) -> Option<String> {
    let grant = || format!("grant it under Administration → Groups, or pass --no-collector.{name}");
    match outcome {
        Outcome::NoPermission(_)
        | Outcome::Failed(CollectError::Api(ApiError::PermissionDenied { .. })) => Some(grant()),
        Outcome::Failed(_) => Some(format!(
            "or pass --no-collector.{name} to stop collecting it"
        )),
        Outcome::DeadlineExceeded => Some(format!(
            "raise --technitium.timeout (now {}), or pass --no-collector.{name}",
            humantime::format_duration(timeout)
        )),
        Outcome::Success | Outcome::NotApplicable(_) => None,
    }
}

/// Why a collector does not apply to this server.
fn not_applicable_detail(spec: &Spec, session: &SessionData) -> String {
    let version = &session.info.version;
    match spec.requires {
        Requires::Version {
            major,
            minor: 0,
            what,
        } => {
            format!("not applicable: {what} need Technitium v{major} or later (this is {version})")
        }
        Requires::Version { major, minor, what } => format!(
            "not applicable: {what} need Technitium v{major}.{minor} or later (this is {version})"
        ),
        Requires::Cluster if !session.at_least(14) => {
            format!("not applicable: clusters need Technitium v14 or later (this is {version})")
        }
        Requires::Cluster => "not applicable: this server is not part of a cluster".to_owned(),
        Requires::Session | Requires::Nothing => "not applicable to this server".to_owned(),
    }
}

/// The sections a collector needs, for people (`Settings, DnsClient`).
fn sections(spec: &Spec) -> Option<String> {
    let names: Vec<&str> = spec.sections.iter().map(|s| s.api_name()).collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// One row per collector: the session first, then every switchable one.
pub(super) fn collector_rows(target: Target<'_>, snapshot: Option<&Snapshot>) -> Vec<CollectorRow> {
    let session = snapshot.and_then(Snapshot::session);
    let series = snapshot.map(series_per_collector).unwrap_or_default();
    std::iter::once(&SESSION)
        .chain(collector::specs())
        .map(|spec| {
            let mut row = CollectorRow {
                name: spec.name,
                enabled: target.options.is_enabled(spec.name),
                permission: sections(spec),
                permission_granted: session
                    .filter(|_| !spec.sections.is_empty())
                    .map(|s| spec.sections.iter().all(|sec| s.can_view(*sec))),
                status: Status::Skipped,
                detail: String::new(),
                hint: None,
                duration_ms: None,
                series: None,
                details: Vec::new(),
                warned: None,
            };
            fill(&mut row, spec, target, snapshot, session);
            if let Some(part) = snapshot.and_then(|s| s.part(spec.name)) {
                add_details(&mut row, &part.details);
            }
            if !matches!(
                row.status,
                Status::NotApplicable | Status::Disabled | Status::Skipped
            ) {
                row.series = series
                    .iter()
                    .find(|(n, _)| *n == spec.name)
                    .map(|(_, c)| *c);
            }
            row
        })
        .collect()
}

/// Status, detail, hint and duration of one row.
fn fill(
    row: &mut CollectorRow,
    spec: &Spec,
    target: Target<'_>,
    snapshot: Option<&Snapshot>,
    session: Option<&SessionData>,
) {
    if !row.enabled {
        row.status = Status::Disabled;
        row.detail = format!("off (turn on with --collector.{})", spec.name);
        return;
    }
    let (Some(snapshot), Some(session)) = (snapshot, session) else {
        row.detail = "not checked: the server is not reachable with this token".to_owned();
        return;
    };
    let Some(report) = snapshot.report(spec.name) else {
        row.detail = "did not run".to_owned();
        return;
    };
    row.duration_ms = Some(ms(report.duration));
    row.hint = collector_hint(spec.name, &report.outcome, target.client.timeout);
    let warning = snapshot.part(spec.name).and_then(|p| p.warning.as_ref());
    (row.status, row.detail) = match (&report.outcome, warning) {
        (Outcome::Success, None) => (Status::Ok, "ok".to_owned()),
        (Outcome::Success, Some(w)) => {
            row.hint.clone_from(&w.hint);
            row.warned = Some(with_hint(&w.detail, w.hint.as_ref()));
            (Status::Warning, w.detail.clone())
        }
        (Outcome::NoPermission(section), _) => {
            row.duration_ms = None;
            (Status::NoPermission, format!("token lacks {section}: View"))
        }
        (Outcome::Failed(e), _) => (Status::Failed, e.to_string()),
        (Outcome::DeadlineExceeded, _) => (Status::Failed, report.outcome.describe()),
        (Outcome::NotApplicable(why), _) => {
            row.duration_ms = None;
            let detail = why.map_or_else(
                || not_applicable_detail(spec, session),
                |why| format!("not applicable: {why}"),
            );
            (Status::NotApplicable, detail)
        }
    };
}

/// The collector's own checks under its row; a failed one fails the row (the target is then
/// degraded), a warning makes it a warning.
fn add_details(row: &mut CollectorRow, details: &[collector::Detail]) {
    row.details = details
        .iter()
        .map(|d| DetailRow {
            id: d.id.clone(),
            title: d.title.clone(),
            status: match d.status {
                DetailStatus::Ok => Status::Ok,
                DetailStatus::Warning => Status::Warning,
                DetailStatus::Failed => Status::Failed,
            },
            detail: d.detail.clone(),
            hint: d.hint.clone(),
        })
        .collect();
    let failed = row
        .details
        .iter()
        .filter(|d| d.status == Status::Failed)
        .count();
    let warned = row.details.iter().any(|d| d.status == Status::Warning);
    if row.status == Status::Ok && failed > 0 {
        row.status = Status::Failed;
        row.detail = format!("{failed} of {} checks failed (below)", row.details.len());
    } else if row.status == Status::Ok && warned {
        row.status = Status::Warning;
        row.detail = "works, with warnings (below)".to_owned();
    }
}
