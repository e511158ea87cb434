//! `scrape --table`: the headline numbers, each collector's status, and zones needing attention.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ContentArrangement, Table};

use crate::collector::dashboard::Dashboard;
use crate::collector::lifetime::Lifetime;
use crate::collector::zones::{Zones, ZonesData, zone_label};
use crate::collector::{Collect, Outcome, Snapshot};
use crate::technitium::types::{Timestamp, Zone};

/// A table in the house style: condensed UTF-8 borders, at most 110 columns.
#[must_use]
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(110)
        .set_header(header.iter().copied().map(Cell::new));
    t
}

fn human_duration(secs: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let s = secs.max(0.0) as u64;
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3_600, (s % 3_600) / 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else {
        format!("{m}m {}s", s % 60)
    }
}

/// Renders the three tables.
#[must_use]
pub fn render(snapshot: &Snapshot, server: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", headline(snapshot, server));
    let _ = writeln!(out, "{}", collectors(snapshot));
    out.push_str(&zones(snapshot));
    out
}

/// Up or not, the server's facts and the headline numbers.
fn headline(snapshot: &Snapshot, server: &str) -> Table {
    let mut head = table(&["", "value"]);
    head.add_row(vec!["server", server]);
    match &snapshot.session {
        Err(e) => {
            head.add_row(vec![
                "up".to_owned(),
                format!("✗ no ({})", e.reason().as_str()),
            ]);
            head.add_row(vec!["error".to_owned(), e.to_string()]);
        }
        Ok(s) => {
            head.add_row(vec!["up", "✓ yes"]);
            head.add_row(vec!["version", s.info.version.as_str()]);
            if let Some(d) = &s.info.dns_server_domain {
                head.add_row(vec!["server domain", d.as_str()]);
            }
            if let Some(t) = s.info.uptimestamp {
                head.add_row(vec![
                    "uptime".to_owned(),
                    human_duration(Timestamp::now().0 - t.0),
                ]);
            }
        }
    }
    if let Some(q) = snapshot.get::<Lifetime>().and_then(|c| c.total_queries) {
        head.add_row(vec!["queries since start".to_owned(), q.to_string()]);
    }
    add_dashboard_rows(&mut head, snapshot);
    head
}

#[allow(clippy::cast_precision_loss)]
fn percent(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole as f64
}

fn add_dashboard_rows(head: &mut Table, snapshot: &Snapshot) {
    let windows = snapshot.get::<Dashboard>().map_or(&[][..], Vec::as_slice);
    for (w, s) in windows {
        let t = &s.stats.totals;
        let window = w.label().replace('_', " ");
        if let Some(q) = t.total_queries {
            let mut line = q.to_string();
            if let (Some(b), true) = (t.total_blocked, q > 0) {
                let _ = write!(line, " ({:.1}% blocked)", percent(b, q));
            }
            head.add_row(vec![format!("queries, {window}"), line]);
        }
        if let Some(c) = t.total_clients {
            head.add_row(vec![format!("clients, {window}"), c.to_string()]);
        }
    }
    if let Some((_, s)) = windows.first() {
        let live = &s.stats;
        for (label, v) in [
            ("cache entries", live.cached_entries),
            ("zones", live.zones),
            ("block-list domains", live.block_list_zones),
        ] {
            if let Some(v) = v {
                head.add_row(vec![label.to_owned(), v.to_string()]);
            }
        }
    }
}

/// One row per collector: how it went, how long it took, and what to do.
fn collectors(snapshot: &Snapshot) -> Table {
    let mut collectors = table(&["collector", "status", "time", "detail"]);
    for r in snapshot.reports() {
        let warning = snapshot.part(r.name()).and_then(|p| p.warning.as_ref());
        let mark = match (&r.outcome, warning) {
            (Outcome::Success, None) => "✓",
            (Outcome::Success, Some(_)) | (Outcome::NoPermission(_), _) => "!",
            (Outcome::NotApplicable(_), _) => "–",
            _ => "✗",
        };
        let mut detail = match warning {
            Some(w) if matches!(r.outcome, Outcome::Success) => w.detail.clone(),
            _ => r.outcome.describe(),
        };
        if let Outcome::NoPermission(_) = r.outcome {
            let _ = write!(detail, " (grant it, or pass --no-collector.{})", r.name());
        }
        collectors.add_row(vec![
            r.name().to_owned(),
            mark.to_owned(),
            format!("{:.0} ms", r.duration.as_secs_f64() * 1000.0),
            detail,
        ]);
    }
    collectors
}

/// What is wrong with a zone, if anything.
fn problems(zone: &Zone, now: f64) -> Vec<String> {
    let mut problems = Vec::new();
    if zone.is_expired == Some(true) {
        problems.push("expired".to_owned());
    } else if let Some(exp) = zone.expiry.filter(|e| e.0 - now < 7.0 * 86_400.0) {
        problems.push(format!("expires in {}", human_duration(exp.0 - now)));
    }
    if zone.sync_failed == Some(true) {
        problems.push("sync failed".to_owned());
    }
    if zone.notify_failed == Some(true) {
        problems.push("notify failed".to_owned());
    }
    if zone.disabled {
        problems.push("disabled".to_owned());
    }
    problems
}

/// Zones that need attention, or one line saying none does.
fn zones(snapshot: &Snapshot) -> String {
    let Some(z) = snapshot.get::<Zones>() else {
        return if snapshot.report(Zones::SPEC.name).is_none() && snapshot.up() {
            "zones: collector disabled\n".to_owned()
        } else {
            String::new()
        };
    };
    zones_table(z)
}

fn zones_table(z: &ZonesData) -> String {
    if z.truncated {
        return format!(
            "zones: {} matched, more than --collector.zones.limit: per-zone series dropped\n",
            z.matched
        );
    }
    let now = Timestamp::now().0;
    let mut attention = table(&["zone", "type", "needs attention"]);
    let mut rows = 0;
    for zone in &z.zones {
        let problems = problems(zone, now);
        if !problems.is_empty() {
            rows += 1;
            attention.add_row(vec![
                zone_label(&zone.name).to_owned(),
                zone.zone_type.clone(),
                problems.join(", "),
            ]);
        }
    }
    if rows == 0 {
        format!("zones: {} watched, none needs attention\n", z.zones.len())
    } else {
        format!("{attention}\n")
    }
}
