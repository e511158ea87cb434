//! `dns` (opt-in): is DNS answering? One real query per configured transport (udp, tcp, tls,
//! https) to the server's own listeners, concurrently and within the scrape deadline. The
//! prober lives in [`crate::dnsprobe`]; this file wires it into the contract.
//!
//! It needs nothing from the API (`Requires::Nothing`): it runs even when session/get fails,
//! and a failed probe is data (`technitium_dns_probe_success 0`), never `technitium_up 0`.
//! Probe queries are real queries: they show up in the server's statistics and query log.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::contract::{Collect, Cx, Detail, DetailStatus, WriteCx};
use super::spec::{OptKind, OptSpec, OptionError, OptionValues, Requires, Spec};
use crate::dnsprobe::check::{CheckRow, CheckStatus, dns_rows};
use crate::dnsprobe::settings::DNS_OPTIONS;
use crate::dnsprobe::{
    ChangeLog, DnsData, DnsSettings, DnsTarget, SettingError, probe_all, write_dns,
};
use crate::exposition::Encoder;
use crate::technitium::ApiError;

/// The `dns` collector.
#[derive(Debug)]
pub struct Dns;

/// Per target: where the probes go and whom they trust (built once: it loads the system's
/// root certificates), and which probes were failing (one log line per change).
#[derive(Debug, Default)]
pub struct DnsState {
    target: OnceLock<Result<Arc<DnsTarget>, String>>,
    changes: ChangeLog,
}

/// The options, from the prober's own list (which holds the defaults), with their kinds.
static OPTIONS: [OptSpec; 16] = [
    OptSpec::from_def(DNS_OPTIONS[0], OptKind::List),
    OptSpec::from_def(DNS_OPTIONS[1], OptKind::Text),
    OptSpec::from_def(DNS_OPTIONS[2], OptKind::Count),
    OptSpec::from_def(DNS_OPTIONS[3], OptKind::Count),
    OptSpec::from_def(DNS_OPTIONS[4], OptKind::Count),
    OptSpec::from_def(DNS_OPTIONS[5], OptKind::Count),
    OptSpec::from_def(DNS_OPTIONS[6], OptKind::Count),
    OptSpec::from_def(DNS_OPTIONS[7], OptKind::Text),
    OptSpec::from_def(DNS_OPTIONS[8], OptKind::Text),
    OptSpec::from_def(DNS_OPTIONS[9], OptKind::Text),
    OptSpec::from_def(DNS_OPTIONS[10], OptKind::Text),
    OptSpec::from_def(DNS_OPTIONS[11], OptKind::List),
    OptSpec::from_def(DNS_OPTIONS[12], OptKind::Regex),
    OptSpec::from_def(DNS_OPTIONS[13], OptKind::Text),
    OptSpec::from_def(DNS_OPTIONS[14], OptKind::List),
    OptSpec::from_def(DNS_OPTIONS[15], OptKind::Duration),
];

/// The values given for `options`, each as one text (a list's values joined by `,`), for the
/// prober's parsers, which take the text of a key.
pub(crate) fn given_values(
    v: &OptionValues<'_>,
    options: &[OptSpec],
) -> Vec<(&'static str, String)> {
    options
        .iter()
        .filter_map(|o| Some((o.key, v.joined(o.key)?)))
        .collect()
}

/// The text given for `key`, if any.
pub(crate) fn lookup<'a>(given: &'a [(&'static str, String)], key: &str) -> Option<&'a str> {
    given
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_str())
}

/// A prober's setting error, with where the value came from.
pub(crate) fn option_error(v: &OptionValues<'_>, e: SettingError) -> OptionError {
    OptionError {
        origin: v.origin(e.key).map_or_else(
            || format!("--collector.{}.{}", e.collector, e.key),
            str::to_owned,
        ),
        message: format!("{:?}: {}", e.value, e.message),
    }
}

impl Collect for Dns {
    type Settings = DnsSettings;
    type Data = DnsData;
    type State = DnsState;
    const SPEC: &'static Spec = &Spec {
        name: "dns",
        help: "Real DNS queries to the server's own listeners, one per transport (udp, tcp, tls, https)",
        default_enabled: false,
        sections: &[],
        requires: Requires::Nothing,
        endpoints: &[],
        options: &OPTIONS,
        default_min_interval: Duration::ZERO,
    };

    fn settings(v: &OptionValues<'_>) -> Result<DnsSettings, OptionError> {
        let given = given_values(v, &OPTIONS);
        DnsSettings::parse(|key| lookup(&given, key)).map_err(|e| option_error(v, e))
    }

    async fn fetch(cx: Cx<'_, Self>) -> Result<DnsData, ApiError> {
        let target = match &cx.settings.target {
            Some(t) => Arc::clone(t),
            None => {
                let built = cx.state.target.get_or_init(|| {
                    let t = cx.target;
                    DnsTarget::new(
                        &t.url,
                        cx.settings,
                        t.ca_file.as_deref(),
                        t.insecure_skip_verify,
                    )
                    .map(Arc::new)
                });
                match built {
                    Ok(t) => Arc::clone(t),
                    Err(e) => {
                        return Err(ApiError::BadResponse {
                            server: cx.client.server().to_owned(),
                            endpoint: "DNS",
                            detail: e.clone(),
                        });
                    }
                }
            }
        };
        let data = probe_all(cx.settings, &target, cx.deadline).await;
        super::probe_log::log_probe_changes(
            cx.client.log_name(),
            &cx.state.changes.note_dns(&data),
        );
        Ok(data)
    }

    fn write(data: &DnsData, _: &WriteCx<'_>, enc: &mut Encoder) {
        write_dns(data, enc);
    }

    fn details(data: &DnsData, settings: &DnsSettings) -> Vec<Detail> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        dns_rows(settings, data, now)
            .into_iter()
            .map(detail)
            .collect()
    }
}

/// A prober row as a [`Detail`].
pub(crate) fn detail(row: CheckRow) -> Detail {
    Detail {
        id: row.id,
        title: row.title,
        status: match row.status {
            CheckStatus::Ok => DetailStatus::Ok,
            CheckStatus::Warning => DetailStatus::Warning,
            CheckStatus::Failed => DetailStatus::Failed,
        },
        detail: row.detail,
        hint: row.hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_are_the_probers_in_order() {
        let keys: Vec<&str> = OPTIONS.iter().map(|o| o.key).collect();
        let probers: Vec<&str> = DNS_OPTIONS.iter().map(|o| o.key).collect();
        assert_eq!(keys, probers);
    }

    #[test]
    fn a_bad_value_names_where_it_came_from() {
        let mut values = std::collections::BTreeMap::new();
        values.insert(
            "transports",
            crate::collector::spec::Given::one("udp,carrier-pigeon", "--collector.dns.transports"),
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
