//! What a probe collector (`dns`, `forwarders`) logs about its probes: a warning when one starts
//! failing, a line when it recovers, never one per scrape.

use crate::dnsprobe::ProbeChange;
use crate::logging::{LogName, log_as};

/// Logs what changed for one probe (`dns`, `forwarders`): a warning when it starts failing, a
/// line when it recovers, naming the server as its client does.
pub fn log_probe_changes(name: LogName<'_>, changes: &[(String, ProbeChange)]) {
    for (probe, change) in changes {
        match change {
            ProbeChange::Failed(error) => log_as!(name, warn, probe, "probe failed: {error}"),
            ProbeChange::Recovered => log_as!(name, info, probe, "probe recovered"),
        }
    }
}
