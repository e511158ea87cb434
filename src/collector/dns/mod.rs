//! `dns` (opt-in): is DNS answering? One real query per configured transport (udp, tcp, tls,
//! https) to the server's own listeners, concurrently and within the scrape deadline. The
//! transports and what their answers mean are [`crate::dnsprobe`]'s; this collector owns its
//! options ([`options`]), the rows `check` shows ([`rows`]) and its families
//! ([`write`](mod@write)).
//!
//! It needs nothing from the API (`Requires::Nothing`): it runs even when session/get fails,
//! and a failed probe is data (`technitium_dns_probe_success 0`), never `technitium_up 0`.
//! Probe queries are real queries: they show up in the server's statistics and query log.

pub mod options;
pub mod rows;
pub mod write;

use std::sync::{Arc, OnceLock};

use super::contract::{Collect, Cx, Detail, WriteCx};
use super::error::CollectError;
use super::probe_log::ChangeLog;
use super::spec::{OptionError, OptionValues, Requires, Spec};
use super::target::TargetInfo;
use crate::dnsprobe::{DnsData, DnsSettings, DnsTarget, TargetError, probe_all};
use crate::exposition::Encoder;

pub use rows::dns_details;
pub use write::write_dns;

/// The `dns` collector.
#[derive(Debug)]
pub struct Dns;

/// Per target: where the probes go and whom they trust (built once: it loads the system's
/// root certificates), and which probes were failing (one log line per change).
#[derive(Debug, Default)]
pub struct DnsState {
    target: OnceLock<Result<Arc<DnsTarget>, TargetError>>,
    changes: ChangeLog,
}

impl Collect for Dns {
    type Settings = DnsSettings;
    type Data = DnsData;
    type State = DnsState;
    const SPEC: &'static Spec = &Spec {
        name: "dns",
        help: "Real DNS queries to the server's own listeners, one per transport (udp, tcp, tls, https)",
        requires: Requires::Nothing,
        options: &options::OPTIONS,
        ..Spec::DEFAULT
    };

    fn settings(v: &OptionValues<'_>) -> Result<DnsSettings, OptionError> {
        options::parse(v)
    }

    async fn fetch(cx: Cx<'_, Self>) -> Result<DnsData, CollectError> {
        let built = cx
            .state
            .target
            .get_or_init(|| dns_target(cx.target, cx.settings).map(Arc::new));
        let target = match built {
            Ok(t) => Arc::clone(t),
            Err(e) => {
                return Err(CollectError::Probe {
                    server: cx.client.server().to_owned(),
                    error: e.clone(),
                });
            }
        };
        let data = probe_all(cx.settings, &target, cx.deadline).await;
        cx.state
            .changes
            .note_all(cx.client.log_name(), probe_states(&data));
        Ok(data)
    }

    fn write(data: &DnsData, _: &WriteCx<'_>, enc: &mut Encoder) {
        write_dns(data, enc);
    }

    fn details(data: &DnsData, settings: &DnsSettings) -> Vec<Detail> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        dns_details(settings, data, now)
    }
}

/// Where `settings`' probes go for the server at `target`, and whom they trust.
fn dns_target(target: &TargetInfo, settings: &DnsSettings) -> Result<DnsTarget, TargetError> {
    DnsTarget::new(
        &target.url,
        settings.address.as_deref(),
        settings.transports.iter().any(|t| t.is_encrypted()),
        target.ca_file.as_deref(),
        target.extra_ca_pem.as_deref().map(str::as_bytes),
        target.insecure_skip_verify,
    )
}

/// Each probe of a scrape (`dns udp`, `dns blocking`, …) and why it failed, if it did.
fn probe_states(data: &DnsData) -> Vec<(String, Option<String>)> {
    let mut probes: Vec<(String, Option<String>)> = data
        .probes
        .iter()
        .map(|p| {
            let failure = p.error.as_ref().map(|e| format!("{}: {e}", p.endpoint));
            (format!("dns {}", p.transport), failure)
        })
        .collect();
    if let Some(b) = &data.blocking {
        let failure = match b.works {
            Some(true) => None,
            Some(false) => Some("the blocked name was resolved, not blocked".to_owned()),
            None => Some(
                b.error
                    .as_ref()
                    .map_or_else(|| "no answer".to_owned(), ToString::to_string),
            ),
        };
        probes.push(("dns blocking".to_owned(), failure));
    }
    probes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::spec::Given;
    use std::collections::BTreeMap;

    #[test]
    fn a_bad_value_names_where_it_came_from() {
        let mut values = BTreeMap::new();
        values.insert(
            "transports",
            Given::one("udp,carrier-pigeon", "--collector.dns.transports"),
        );
        let e = Dns::settings(&OptionValues::new(&values))
            .err()
            .map(|e| e.to_string());
        assert!(
            e.as_deref().is_some_and(
                |e| e.starts_with("--collector.dns.transports: \"udp,carrier-pigeon\": ")
            ),
            "{e:?}"
        );
    }
}
