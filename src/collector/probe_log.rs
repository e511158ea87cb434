//! What a probe collector (`dns`, `forwarders`) logs about its probes: a warning when one starts
//! failing, a line when it recovers, never one per scrape ([`ChangeLog`], kept per target as the
//! collector's state).

use std::collections::HashMap;
use std::sync::Mutex;

use super::shared::lock;
use crate::logging::{LogName, log_as};

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
    failing: Mutex<HashMap<String, String>>,
}

impl ChangeLog {
    /// Notes one probe's outcome (`failure` is `None` on success, else what went wrong) and
    /// returns what changed, if anything.
    pub fn note(&self, probe: &str, failure: Option<String>) -> Option<ProbeChange> {
        let mut failing = lock(&self.failing);
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

    /// Notes every probe of a scrape (`probe` name, failure or `None`) and logs what changed,
    /// naming the server as its client does.
    pub fn note_all(
        &self,
        name: LogName<'_>,
        probes: impl IntoIterator<Item = (String, Option<String>)>,
    ) {
        for (probe, failure) in probes {
            match self.note(&probe, failure) {
                Some(ProbeChange::Failed(error)) => {
                    log_as!(name, warn, probe, "probe failed: {error}");
                }
                Some(ProbeChange::Recovered) => log_as!(name, info, probe, "probe recovered"),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
