//! DNS data-plane checks: real DNS queries to the server's own listeners (the `dns` collector)
//! and upstream forwarder health through the server's DNS client API (the `forwarders`
//! collector).
//!
//! Everything here is plain functions and types, independent of the collector registry that
//! wires them in:
//! - [`settings`]: the `dns` collector's options ([`settings::DNS_OPTIONS`]) parsed into
//!   [`DnsSettings`];
//! - [`probe`]: [`probe_all`] sends one query per configured transport (udp, tcp, tls, https,
//!   and quic when built with the `dns-quic` feature) concurrently, each bounded by its timeout
//!   and the scrape deadline, and returns a [`DnsData`]; [`write_dns`] renders it;
//! - the trust used for DoT/DoH/DoQ is [`crate::tls`]'s, which `check` shares;
//! - [`forwarders`]: settings/get's `forwarders` and `forwarderProtocol`, one
//!   `dnsClient/resolve` per forwarder with bounded concurrency ([`fetch_forwarders`]), and
//!   [`write_forwarders`];
//! - [`check`]: `check` rows per DNS transport and per forwarder, as (status, detail, hint);
//! - [`ChangeLog`]: one log line per change of a probe's state, not one per scrape.
//!
//! A failed probe is data (`technitium_dns_probe_success 0`), never a failed scrape:
//! `technitium_up` stays "the API answered".

pub mod check;
pub mod forwarders;
pub mod probe;
pub mod settings;

pub use forwarders::{
    ForwarderResult, ForwarderSettings, ForwardersData, fetch_forwarders, write_forwarders,
};
pub use probe::{
    BlockingResult, DnsData, DnsTarget, ProbeError, ProbeResult, ResponseSummary, probe_all,
    write_dns,
};
pub use settings::{DnsSettings, OptDef, SettingError, Transport};

/// The DNS mnemonic of a response code as the `rcode` label spells it (`NOERROR`, `SERVFAIL`,
/// `NXDOMAIN`, `REFUSED`, …); codes without a mnemonic are `other`, so the label stays bounded.
#[must_use]
pub fn rcode_label(code: u16) -> &'static str {
    match code {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        16 => "BADVERS",
        23 => "BADCOOKIE",
        _ => "other",
    }
}

/// The response code of a mnemonic (`NOERROR`, case-insensitive) or a number.
#[must_use]
pub fn rcode_from_label(s: &str) -> Option<u16> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u16>() {
        return Some(n);
    }
    (0u16..=23).find(|c| rcode_label(*c) != "other" && rcode_label(*c).eq_ignore_ascii_case(s))
}

/// A duration for people, to the millisecond (a probe's budget is what is left of the scrape's
/// deadline: "2s 618ms", not "2s 618ms 20us 97ns").
#[must_use]
pub fn shown(d: std::time::Duration) -> humantime::FormattedDuration {
    let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    humantime::format_duration(std::time::Duration::from_millis(ms))
}

/// What changed for one probe since the scrape before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeChange {
    /// It started failing, for this reason.
    Failed(String),
    /// It works again.
    Recovered,
}

/// Remembers which probes were failing, so each logs one warning when it starts failing and one
/// line when it recovers, not one per scrape (the collector logs what [`ChangeLog::note`]
/// returns, naming the target). Kept per target across scrapes (the collector's state); keys are
/// bounded by the configured transports and the server's forwarder list.
#[derive(Debug, Default)]
pub struct ChangeLog {
    failing: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl ChangeLog {
    /// Notes one probe's outcome (`failure` is `None` on success, else what went wrong) and
    /// returns what changed, if anything.
    pub fn note(&self, probe: &str, failure: Option<String>) -> Option<ProbeChange> {
        let mut failing = self
            .failing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match failure {
            // Once per start of a failure: the details (a timeout's length, a server's message)
            // may differ from scrape to scrape without anything having changed.
            Some(error) if !failing.contains_key(probe) => {
                failing.insert(probe.to_owned(), error.clone());
                Some(ProbeChange::Failed(error))
            }
            Some(_) => None,
            None => failing
                .remove(probe)
                .is_some()
                .then_some(ProbeChange::Recovered),
        }
    }

    /// Notes every result of a `dns` scrape (`probe` keys: `dns udp`, `dns blocking`, …).
    pub fn note_dns(&self, data: &DnsData) -> Vec<(String, ProbeChange)> {
        let mut changes = Vec::new();
        let mut note = |probe: String, failure: Option<String>| {
            if let Some(change) = self.note(&probe, failure) {
                changes.push((probe, change));
            }
        };
        for p in &data.probes {
            note(
                format!("dns {}", p.transport),
                p.error.as_ref().map(|e| format!("{}: {e}", p.endpoint)),
            );
        }
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
            note("dns blocking".to_owned(), failure);
        }
        changes
    }

    /// Notes every result of a `forwarders` scrape (`probe` keys: `forwarder ADDRESS`).
    pub fn note_forwarders(&self, data: &ForwardersData) -> Vec<(String, ProbeChange)> {
        data.results
            .iter()
            .filter_map(|r| {
                let probe = format!("forwarder {}", r.forwarder);
                let failure =
                    (!r.success).then(|| r.error.clone().unwrap_or_else(|| "failed".to_owned()));
                self.note(&probe, failure).map(|change| (probe, change))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rcode_labels_round_trip() {
        for code in [0u16, 1, 2, 3, 4, 5, 9, 16, 23] {
            assert_eq!(rcode_from_label(rcode_label(code)), Some(code));
        }
        assert_eq!(rcode_from_label("nxdomain"), Some(3));
        assert_eq!(rcode_label(12), "other");
        assert_eq!(rcode_from_label("other"), None);
    }

    #[test]
    fn durations_are_shown_to_the_millisecond() {
        use std::time::Duration;
        assert_eq!(shown(Duration::new(2, 618_020_097)).to_string(), "2s 618ms");
        assert_eq!(shown(Duration::from_micros(400)).to_string(), "0s");
        assert!(!shown(Duration::MAX).to_string().is_empty());
    }

    #[test]
    fn the_change_log_reports_a_failure_once_and_its_recovery_once() {
        let log = ChangeLog::default();
        let failed = log.note("dns udp", Some("timeout".to_owned()));
        assert_eq!(failed, Some(ProbeChange::Failed("timeout".to_owned())));
        assert_eq!(log.note("dns udp", Some("timeout again".to_owned())), None);
        assert_eq!(
            log.note("dns tcp", None),
            None,
            "never failed: nothing to say"
        );
        assert_eq!(log.note("dns udp", None), Some(ProbeChange::Recovered));
        assert_eq!(log.note("dns udp", None), None);
    }
}
