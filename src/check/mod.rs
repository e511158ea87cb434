//! `check`: configuration, connectivity, token and permissions, step by step, with a verdict.
//!
//! The configuration was validated before this runs (every problem is reported there, exit 2).
//! `check` then walks the chain to each target — the default one (`[technitium]`, flags,
//! environment), then every `[targets.NAME]` of the config file — one step at a time, stopping
//! at a target's first failure (its later steps are `skipped`): URL, DNS resolution, TCP
//! connect, TLS handshake (https only; the client's trust: system roots through
//! rustls-platform-verifier plus `--technitium.ca-file`; certificate expiry shown), HTTP
//! reachability and token validity (`session/get`), server version (13.x–15.6 supported, others
//! a warning), and then every collector: permission, result, latency and the number of series it
//! produces (one real collection). For a server in a cluster it then walks every node the
//! session lists ([`nodes`]): one real collection of each, through the target's URL with
//! `node=` or at its `node_urls` entry, and version skew across them.
//!
//! Exit codes, for the worst target: 1 failed (unreachable, TLS, HTTP, token rejected), else
//! 3 degraded (an enabled collector failed or its token lacks permission; a collector that does
//! not apply to the server never degrades; a node the exporter cannot read while it answers),
//! else 0 (warnings allowed: a node that is down or runs another version is one). The token is never
//! printed. A spinner runs on stderr only when stderr is a terminal.
//!
//! # `--format json`
//!
//! One JSON object on stdout:
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "exporter_version": "0.2.0",
//!   "verdict": "ok" | "degraded" | "failed",   // the worst target's
//!   "exit_code": 0 | 1 | 3,
//!   "summary": "…",                             // the verdict line, without its mark
//!   "targets": [                                // "default" first, then [targets.NAME] by name
//!     {
//!       "name": "default" | "NAME",
//!       "target": "http://127.0.0.1:5380",      // base URL, never with a token
//!       "verdict": "ok" | "degraded" | "failed",
//!       "exit_code": 0 | 1 | 3,
//!       "summary": "…",
//!       "warnings": 0,                          // rows with status "warning"
//!       "series": 337 | null,                   // series the exposition would hold; null when down
//!       "server": null | {                      // null when session/get did not succeed
//!         "version": "15.2",
//!         "supported": true,                    // 13.x–15.6
//!         "domain": "dns1.example.com" | null,
//!         "token_in_query": false               // true: the server is before v15 (?token=)
//!       },
//!       "steps": [                              // always all eight, in this order
//!         {
//!           "id": "config" | "url" | "dns" | "tcp" | "tls" | "http" | "token" | "version",
//!           "title": "TCP connect",
//!           "status": "ok" | "warning" | "failed" | "skipped" | "not_applicable",
//!           "detail": "…",
//!           "hint": "…" | null,                 // what to do about it
//!           "duration_ms": 1.2 | null
//!         }
//!       ],
//!       "collectors": [                         // session first, then every optional collector
//!         {
//!           "name": "zones",
//!           "enabled": true,
//!           "permission": "Zones" | null,       // section whose View right it needs
//!           "permission_granted": true | false | null,  // null: none needed, or not known
//!           "status": "ok" | "warning" | "failed" | "no_permission" | "not_applicable"
//!                     | "disabled" | "skipped",
//!           "detail": "…",
//!           "hint": "…" | null,
//!           "duration_ms": 3.4 | null,
//!           "series": 42 | null,                // null when it did not run
//!           "details": [                        // what it checked itself (dns: one per
//!             {                                 // transport; forwarders: one per forwarder;
//!                                               // counters: the stored minutes; health: one
//!                                               // per domain; security: the admin password
//!                                               // and the token's rights; update: the check)
//!               "id": "dns_udp",
//!               "title": "DNS over UDP",
//!               "status": "ok" | "warning" | "failed",
//!               "detail": "…",
//!               "hint": "…" | null
//!             }
//!           ]
//!         }
//!       ],
//!       "nodes": [                              // one per node of the server's cluster, by
//!         {                                     // name; [] outside a cluster or with
//!                                               // per_node = false (an addition: schema 1's
//!                                               // other keys are unchanged)
//!           "name": "dns2.example.com",
//!           "type": "primary" | "secondary" | "unknown",
//!           "state": "self" | "connected" | "unreachable" | "unknown",  // as the target sees it
//!           "via": "self" | "target" | "direct",  // the target itself; through its URL
//!                                                 // (node=); at its node_urls entry
//!           "status": "ok" | "warning" | "failed",
//!           "version": "15.2" | null,             // null when not known
//!           "detail": "…",
//!           "hint": "…" | null,
//!           "duration_ms": 8.1 | null,            // its collection; null for self
//!           "series": 317 | null                  // null when it is down
//!         }
//!       ]
//!     }
//!   ]
//! }
//! ```
//! A `failed` step makes a target `failed`; a `failed` or `no_permission` collector, or a
//! `failed` node, makes it `degraded` (so does a failed detail: its collector's row is then
//! `failed`); `warning`s never change a verdict (`warnings` counts the node rows' too).

//!
//! The files, each using only those listed before it: [`report`] (the rows and verdicts, as
//! data), [`hints`], [`spinner`], [`net`] and [`tls`] (the network steps' probes),
//! [`collectors`] (the collector rows), [`verdict`] (a target's verdict and the overall one),
//! [`output`] (tables and JSON), [`nodes`] (a cluster's nodes), [`steps`] (the walk to one
//! target), and this file's [`run`].

mod collectors;
mod hints;
mod net;
mod nodes;
mod output;
mod report;
mod spinner;
mod steps;
mod tls;
mod verdict;

use crate::collector::Scraper;
use crate::config::Config;
use crate::exit::{Exit, Fatal, write_stdout};
use crate::technitium::Client;
use crate::technitium::display_base;
use report::{NodePlan, Status, Steps, Target, Verdict};
use spinner::Spinner;

/// How `check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Tables for people.
    Table,
    /// One JSON object for scripts.
    Json,
}

/// Runs `check` on the default target and every `[targets.NAME]`.
///
/// # Errors
/// When stdout cannot be written (a closed pipe is not an error).
pub async fn run(
    config: &Config,
    collector: &Scraper,
    format: ReportFormat,
) -> Result<Exit, Fatal> {
    let spinner = Spinner::new();
    let mut reports = Vec::with_capacity(1 + config.targets.len());
    let default = Target {
        name: "default",
        client: &config.client,
        options: &config.options,
        // The default target's cluster is walked through its URL.
        nodes: NodePlan {
            on: true,
            urls: None,
        },
    };
    reports.push(steps::walk(default, collector, &spinner).await);
    // The named `/probe` targets of the config file, each with its own client.
    for t in &config.targets {
        let target = Target {
            name: &t.name,
            client: &t.client,
            options: &t.options,
            nodes: NodePlan {
                on: t.per_node,
                urls: Some(&t.node_urls),
            },
        };
        let report = match Client::new(&t.client) {
            Ok(client) => {
                let collector = Scraper::with_target(
                    client,
                    t.options.clone(),
                    crate::collector::TargetInfo::of(&t.client),
                );
                steps::walk(target, &collector, &spinner).await
            }
            Err(e) => {
                let mut steps = Steps::default();
                steps.push("config", Status::Failed, e.to_string(), None, None);
                verdict::finish(
                    target,
                    steps,
                    None,
                    None,
                    Vec::new(),
                    &display_base(&t.client.url),
                )
            }
        };
        reports.push(report);
    }
    spinner.finish();
    let report = verdict::overall(reports);
    let text = match format {
        ReportFormat::Table => output::render_table(&report),
        ReportFormat::Json => output::render_json(&report).map_err(Fatal::ReportJson)?,
    };
    write_stdout(&text)?;
    Ok(match report.verdict {
        Verdict::Ok => Exit::Ok,
        Verdict::Degraded => Exit::Degraded,
        Verdict::Failed => Exit::Down,
    })
}
