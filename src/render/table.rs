//! `scrape --table`: the headline numbers, each collector's status, and zones needing attention.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ContentArrangement, Table};

use crate::collector::zones_label;
use crate::collector::{CollectorName, Outcome, Snapshot};
use crate::technitium::types::Timestamp;

fn table(header: &[&str]) -> Table {
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
#[allow(clippy::cast_precision_loss)]
pub fn render(snapshot: &Snapshot, server: &str) -> String {
    let mut out = String::new();
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
    if let Some(q) = snapshot.lifetime.as_ref().and_then(|c| c.total_queries) {
        head.add_row(vec!["queries since start".to_owned(), q.to_string()]);
    }
    for (w, s) in snapshot.dashboard.iter() {
        let t = &s.stats.totals;
        if let Some(q) = t.total_queries {
            let mut line = q.to_string();
            if let (Some(b), true) = (t.total_blocked, q > 0) {
                let _ = write!(line, " ({:.1}% blocked)", 100.0 * b as f64 / q as f64);
            }
            head.add_row(vec![
                format!("queries, {}", w.label().replace('_', " ")),
                line,
            ]);
        }
        if let Some(c) = t.total_clients {
            head.add_row(vec![
                format!("clients, {}", w.label().replace('_', " ")),
                c.to_string(),
            ]);
        }
    }
    if let Some((_, s)) = snapshot.dashboard.first() {
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
    let _ = writeln!(out, "{head}");

    let mut collectors = table(&["collector", "status", "time", "detail"]);
    for r in &snapshot.reports {
        let mark = match r.outcome {
            Outcome::Success => "✓",
            Outcome::NotApplicable => "–",
            Outcome::NoPermission(_) => "!",
            _ => "✗",
        };
        let mut detail = r.outcome.describe();
        if let Outcome::NoPermission(_) = r.outcome {
            let _ = write!(detail, " (grant it, or pass --no-collector.{})", r.name);
        }
        collectors.add_row(vec![
            r.name.to_string(),
            mark.to_owned(),
            format!("{:.0} ms", r.duration.as_secs_f64() * 1000.0),
            detail,
        ]);
    }
    let _ = writeln!(out, "{collectors}");

    if let Some(z) = &snapshot.zones {
        let now = Timestamp::now().0;
        let mut attention = table(&["zone", "type", "needs attention"]);
        let mut rows = 0;
        for zone in &z.zones {
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
            if !problems.is_empty() {
                rows += 1;
                attention.add_row(vec![
                    zones_label(&zone.name).to_owned(),
                    zone.zone_type.clone(),
                    problems.join(", "),
                ]);
            }
        }
        if z.truncated {
            let _ = writeln!(
                out,
                "zones: {} matched, more than --collector.zones.limit: per-zone series dropped",
                z.matched
            );
        } else if rows == 0 {
            let _ = writeln!(
                out,
                "zones: {} watched, none needs attention",
                z.zones.len()
            );
        } else {
            let _ = writeln!(out, "{attention}");
        }
    } else if snapshot.report(CollectorName::Zones).is_none() && snapshot.up() {
        let _ = writeln!(out, "zones: collector disabled");
    }
    out
}
