//! `debug=true` on `/probe` and on the telemetry path (blackbox_exporter's debug output is the
//! model): one scrape of the target run for this request alone — not joined with other
//! requests' scrapes, the minimum intervals' cache not read — answered as text: every upstream
//! call in the order it started (endpoint, parameters, how the token went, duration, HTTP
//! status, bytes, result), every collector's result, the auth mode, the deadline, then the
//! exposition.
//!
//! The calls are heard through the client's observer mechanism, by a recorder scoped to this
//! request's task ([`recording`]): a call carries no token, and every error in it is already
//! free of one. What is shown is bounded: [`CALL_LOG_LIMIT`](crate::technitium::observe::CALL_LOG_LIMIT)
//! calls, [`EXPOSITION_LIMIT`] bytes of exposition.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::coalesce::ServedTarget;
use crate::collector::{DetailStatus, Part, Snapshot, write_families_waited};
use crate::exposition::{Encoder, ExpositionFormat};
use crate::technitium::{AuthMode, CallLog, Client, Recorded, display_base, recording};

/// Most bytes of the exposition a debug answer shows (a 100 000-zone server's is about 42 MB:
/// its metrics are for Prometheus, which reads them from the same URL without `debug`).
pub(super) const EXPOSITION_LIMIT: usize = 4 * 1024 * 1024;

/// Where the scrape's deadline came from, for the header.
#[derive(Debug)]
pub(super) enum DeadlineFrom {
    /// Prometheus's `X-Prometheus-Scrape-Timeout-Seconds` (its value as sent).
    Prometheus(String),
    /// `--technitium.timeout`, no header.
    Flag,
}

/// Runs one scrape of `target` for this request alone, within `budget`: its snapshot, and the
/// debug answer's text.
pub(super) async fn run(
    target: &ServedTarget,
    budget: Duration,
    from: &DeadlineFrom,
) -> (Arc<Snapshot>, String) {
    let log = Arc::new(CallLog::default());
    let started = Instant::now();
    let scrape = target.collector.collect_uncached(started + budget);
    let snapshot = Arc::new(recording(log.clone(), scrape).await);
    let waited = started.elapsed();
    let mut text = header(target, budget, from, &snapshot, waited);
    calls(&log, &mut text);
    collectors(&snapshot, &mut text);
    text.push_str("\nexposition (text format 0.0.4):\n");
    let rendered = Arc::clone(&snapshot);
    let exposition = tokio::task::spawn_blocking(move || exposition(&rendered, waited))
        .await
        .unwrap_or_else(|_| {
            "# the exposition could not be rendered (a bug: please report it)\n".to_owned()
        });
    text.push_str(&exposition);
    (snapshot, text)
}

/// What was scraped, how, and what came of it.
fn header(
    target: &ServedTarget,
    budget: Duration,
    from: &DeadlineFrom,
    snapshot: &Snapshot,
    waited: Duration,
) -> String {
    let client = target.collector.client();
    let name = match &target.node {
        Some(node) => format!("{} (cluster node {node})", target.name),
        None => target.name.clone(),
    };
    let server = match client.node() {
        Some(node) => format!(
            "{} (proxied to node={node})",
            display_base(client.base_url())
        ),
        None => display_base(client.base_url()),
    };
    let from = match from {
        DeadlineFrom::Prometheus(v) => {
            format!(
                "from X-Prometheus-Scrape-Timeout-Seconds: {v}, less a margin, at most --technitium.timeout"
            )
        }
        DeadlineFrom::Flag => {
            "--technitium.timeout; no X-Prometheus-Scrape-Timeout-Seconds header".to_owned()
        }
    };
    let result = match &snapshot.session {
        Ok(_) => "technitium_up 1".to_owned(),
        Err(e) => format!("technitium_up 0 (reason {})", e.reason().as_str()),
    };
    format!(
        "technitium-exporter {}: debug output of one scrape\n\ntarget:   {name}\nserver:   {server}\ndeadline: {} ({from}); each call at most {}\nauth:     {}\nrun:      for this request alone: not joined with other requests' scrapes, no cached data\nresult:   {result} after {}\n",
        env!("CARGO_PKG_VERSION"),
        for_people(budget),
        for_people(client.timeout()),
        auth(client),
        for_people(waited),
    )
}

/// The auth mode, and for `auto` what was learned.
fn auth(client: &Client) -> &'static str {
    match (client.auth_mode(), client.uses_query_token()) {
        (AuthMode::Header, _) => {
            "header (configured): the token goes in the Authorization: Bearer header"
        }
        (AuthMode::Query, _) => {
            "query (configured): the token goes as the `token` query parameter (its value is never shown)"
        }
        (AuthMode::Auto, true) => {
            "auto: the server takes the token as the `token` query parameter (Technitium before v15; its value is never shown)"
        }
        (AuthMode::Auto, false) => {
            "auto: the token goes in the Authorization: Bearer header (v15 and later; a server that rejects it gets one try with the query parameter)"
        }
    }
}

/// Every upstream call, in the order they started.
fn calls(log: &CallLog, text: &mut String) {
    let (calls, dropped) = log.calls();
    let _ = write!(
        text,
        "\nupstream calls ({}, in the order they started):\n{:>9} {:>9} {:>6} {:>9}  {:<6} {:<20} endpoint\n",
        calls.len() + dropped,
        "start",
        "took",
        "status",
        "bytes",
        "token",
        "result",
    );
    for c in &calls {
        text.push_str(&call_line(c));
    }
    if calls.is_empty() {
        text.push_str("  none\n");
    }
    if dropped > 0 {
        let _ = writeln!(text, "  … and {dropped} more, not shown");
    }
}

fn call_line(c: &Recorded) -> String {
    let query = if c.params.is_empty() {
        String::new()
    } else {
        format!("?{}", c.params)
    };
    let status = c.status.map_or_else(|| "-".to_owned(), |s| s.to_string());
    let mut line = format!(
        "{:>9} {:>9} {status:>6} {:>9}  {:<6} {:<20} {}{query}\n",
        format!("+{}", ms(c.offset)),
        ms(c.elapsed),
        c.bytes,
        c.carrier.as_str(),
        c.result,
        c.endpoint,
    );
    if let Some(error) = &c.error {
        let _ = writeln!(line, "{:>20}error: {error}", "");
    }
    line
}

/// Every collector's result, the session first; their warnings and what they checked.
fn collectors(snapshot: &Snapshot, text: &mut String) {
    text.push_str("\ncollectors:\n");
    let width = snapshot
        .reports()
        .map(|r| r.name().len())
        .max()
        .unwrap_or(0);
    for r in snapshot.reports() {
        let outcome = r.outcome.describe();
        let _ = writeln!(
            text,
            "  {:<width$}  {:>9}  {outcome}",
            r.name(),
            ms(r.duration)
        );
    }
    for part in &snapshot.parts {
        part_notes(part, text);
    }
}

/// A collector's warning and what it checked one by one.
fn part_notes(part: &Part, text: &mut String) {
    let name = part.report.name();
    if let Some(w) = &part.warning {
        let hint = w
            .hint
            .as_deref()
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        let _ = writeln!(text, "  {name}: warning: {}{hint}", w.detail);
    }
    for d in &part.details {
        let verdict = match d.status {
            DetailStatus::Ok => "ok",
            DetailStatus::Warning => "warning",
            DetailStatus::Failed => "failed",
        };
        let _ = writeln!(text, "  {name}: {}: {verdict}: {}", d.title, d.detail);
    }
}

/// The exposition, cut at [`EXPOSITION_LIMIT`] bytes (a line never half shown).
fn exposition(snapshot: &Snapshot, waited: Duration) -> String {
    let kept = Arc::new(Mutex::new((String::new(), 0usize)));
    let sink = Arc::clone(&kept);
    let mut enc = Encoder::streaming(
        ExpositionFormat::Text,
        64 * 1024,
        Box::new(move |piece: Vec<u8>| {
            // A text piece is a whole string: never cut inside a character.
            let piece = String::from_utf8_lossy(&piece);
            let mut k = sink.lock().unwrap_or_else(PoisonError::into_inner);
            let room = EXPOSITION_LIMIT.saturating_sub(k.0.len());
            if k.1 == 0 && piece.len() <= room {
                k.0.push_str(&piece);
            } else {
                let fits = if k.1 == 0 {
                    piece[..floor_char(&piece, room)]
                        .rfind('\n')
                        .map_or(0, |i| i + 1)
                } else {
                    0
                };
                k.0.push_str(&piece[..fits]);
                k.1 += piece.len() - fits;
            }
        }),
    );
    write_families_waited(snapshot, waited, &mut enc);
    let _ = enc.finish();
    let (mut text, cut) = std::mem::take(&mut *kept.lock().unwrap_or_else(PoisonError::into_inner));
    if cut > 0 {
        let _ = writeln!(
            text,
            "# … {cut} more bytes not shown: scrape the same URL without debug=true for all of it"
        );
    }
    text
}

/// The largest char boundary of `s` at or below `at`.
fn floor_char(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// A duration in milliseconds, for the columns (`12 ms`, `9500 ms`).
fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// A duration for the header: milliseconds below a second, else seconds (`850 ms`, `9.5 s`).
fn for_people(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        ms(d)
    } else {
        format!("{} s", (d.as_secs_f64() * 1000.0).round() / 1000.0)
    }
}
