//! `session`: always on. `technitium_up`, the failure reason, and what session/get tells about
//! the server and the token. Its call is made by the orchestrator before any other (every
//! collector depends on it), so this file only writes.

use super::samples::{flag, gauge_opt, snake_case};
use super::snapshot::Snapshot;
use crate::exposition::labels::{MAX_VALUES, Rule};
use crate::exposition::{Encoder, Kind};
use crate::technitium::types::SessionInfo;

pub(super) fn write(snapshot: &Snapshot, enc: &mut Encoder) {
    enc.family(
        "technitium_up",
        Kind::Gauge,
        "Whether the Technitium API answered session/get with the configured token (1) or not (0).",
    );
    enc.sample(&[], flag(snapshot.up()));
    let session = match &snapshot.session {
        Ok(s) => s,
        Err(e) => {
            enc.family(
                "technitium_scrape_error",
                Kind::Gauge,
                "Why technitium_up is 0: 1 for the reason of this scrape's failure.",
            );
            enc.sample(&[("reason", e.reason().as_str())], 1.0);
            return;
        }
    };
    let info = &session.info;
    if !session.facts_known() {
        // A node reached through another server without Administration: View: its version,
        // domain and start time are unknown, and the session's are the other server's.
        write_permissions(info, enc);
        return;
    }
    enc.family(
        "technitium_build_info",
        Kind::Gauge,
        "Technitium DNS Server version, as a label; always 1.",
    );
    let version = Some(info.version.as_str())
        .filter(|v| Rule::Name.accepts(v))
        .unwrap_or("unknown");
    enc.sample(&[("version", version)], 1.0);
    if let Some(domain) = info
        .dns_server_domain
        .as_deref()
        .filter(|d| Rule::Name.accepts(d))
    {
        enc.family(
            "technitium_server_info",
            Kind::Gauge,
            "The server's own domain name, as a label; always 1.",
        );
        enc.sample(&[("server_domain", domain)], 1.0);
    }
    gauge_opt(
        enc,
        "technitium_start_time_seconds",
        "When the Technitium server process started, in seconds since the Unix epoch.",
        info.uptimestamp.map(|t| t.0),
    );
    write_permissions(info, enc);
    enc.family(
        "technitium_lifetime_counters_supported",
        Kind::Gauge,
        "Whether the server has lifetime counters (v15 and later) (1) or only window gauges (0).",
    );
    enc.sample(&[], flag(session.at_least(15)));
}

fn write_permissions(info: &SessionInfo, enc: &mut Encoder) {
    if !info.permissions.is_empty() {
        enc.family(
            "technitium_permission_granted",
            Kind::Gauge,
            "Whether the exporter's token may view a permission section (1) or not (0).",
        );
        // Section names come from the server: tokens, at most MAX_VALUES of them.
        let sections = info
            .permissions
            .iter()
            .filter(|(section, _)| Rule::Token.accepts(section))
            .take(MAX_VALUES);
        for (section, p) in sections {
            enc.sample(&[("section", &snake_case(section))], flag(p.can_view));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::target::SessionData;
    use crate::exposition::{Encoder, ExpositionFormat};
    use crate::technitium::ApiError;
    use crate::technitium::types::Permission;
    use std::time::Duration;

    fn info(version: &str) -> SessionInfo {
        let mut permissions = std::collections::BTreeMap::new();
        permissions.insert("DnsClient".to_owned(), Permission::default());
        SessionInfo {
            version: version.to_owned(),
            uptimestamp: None,
            dns_server_domain: Some("dns1.lan".to_owned()),
            cluster_initialized: None,
            cluster_domain: None,
            cluster_nodes: None,
            permissions,
        }
    }

    fn written(snapshot: &Snapshot) -> String {
        let mut enc = Encoder::new(ExpositionFormat::Text);
        write(snapshot, &mut enc);
        enc.finish()
    }

    #[test]
    fn a_down_server_says_why_and_nothing_else() {
        let error = ApiError::InvalidToken {
            server: "http://dns1.lan:5380".to_owned(),
        };
        let text = written(&Snapshot::failed(error, Duration::ZERO));
        assert!(text.contains("technitium_up 0\n"), "{text}");
        assert!(
            text.contains("technitium_scrape_error{reason=\"invalid_token\"} 1\n"),
            "{text}"
        );
        assert!(!text.contains("build_info"), "{text}");
    }

    #[test]
    fn an_up_server_writes_its_facts_and_permissions() {
        let mut snapshot =
            Snapshot::failed(ApiError::Internal { what: "replaced" }, Duration::ZERO);
        snapshot.session = Ok(SessionData::new(info("15.2")));
        let text = written(&snapshot);
        for line in [
            "technitium_up 1\n",
            "technitium_build_info{version=\"15.2\"} 1\n",
            "technitium_server_info{server_domain=\"dns1.lan\"} 1\n",
            "technitium_permission_granted{section=\"dns_client\"} 0\n",
            "technitium_lifetime_counters_supported 1\n",
        ] {
            assert!(text.contains(line), "{line}in {text}");
        }
        assert!(!text.contains("technitium_scrape_error"), "{text}");
        assert!(
            !text.contains("start_time"),
            "no uptimestamp, no series: {text}"
        );
    }
}
