//! The `latency` collector's options ([`OPTIONS`]) and their parsing into [`LatencySettings`].
//! Where the queries go (address, ports, TLS name, the local question) is the `dns`
//! collector's options: one place says where the listeners are.

use std::str::FromStr as _;
use std::time::Duration;

use hickory_proto::rr::Name;

use crate::collector::dns::options::{Field, Values, parse_timeout, parse_transports};
use crate::collector::spec::{OptKind, OptSpec, OptionError, OptionValues};
use crate::dnsprobe::Transport;

/// Shortest interval accepted (a query per 100 ms per transport and class is already a load).
const MIN_INTERVAL: Duration = Duration::from_millis(100);
/// Longest recursive domain accepted: room for the random label in a 255-byte name.
const MAX_DOMAIN: usize = 200;

/// The `latency` collector's options, in help order.
pub(super) static OPTIONS: [OptSpec; 4] = [
    OptSpec {
        key: "interval",
        value_name: "DURATION",
        help: "Time between two background queries per transport and class (serve only)",
        default: "1s",
        kind: OptKind::Duration,
    },
    OptSpec {
        key: "transports",
        value_name: "LIST",
        help: "Transports queried, comma-separated: udp, tcp, tls, https (the listeners --collector.dns.* describe)",
        default: "udp,tcp",
        kind: OptKind::List,
    },
    OptSpec {
        key: "timeout",
        value_name: "DURATION",
        help: "Limit of one background query (connection and handshake included when one is opened)",
        default: "2s",
        kind: OptKind::Duration,
    },
    OptSpec {
        key: "recursive-domain",
        value_name: "NAME",
        help: "A domain you control: each interval also asks a fresh random name under it (query=\"recursive\", always a cache miss); empty: no recursive class",
        default: "",
        kind: OptKind::Text,
    },
];

/// What the background queries do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatencySettings {
    /// Time between two queries per transport and class.
    pub interval: Duration,
    /// Transports queried, in output order.
    pub transports: Vec<Transport>,
    /// Limit of one query.
    pub timeout: Duration,
    /// The recursive class's domain; `None`: no recursive class.
    pub recursive_domain: Option<Name>,
}

impl Default for LatencySettings {
    /// A query per second over UDP and TCP, 2 s each, the local class only.
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(1),
            transports: vec![Transport::Udp, Transport::Tcp],
            timeout: Duration::from_secs(2),
            recursive_domain: None,
        }
    }
}

/// Parses the `latency` options given; the others keep their default.
///
/// # Errors
/// The first value that does not parse, naming it and where it came from.
pub(super) fn parse(values: &OptionValues<'_>) -> Result<LatencySettings, OptionError> {
    let v = Values::new(values, "latency");
    let mut s = LatencySettings::default();
    if let Some(d) = v.parse("interval", parse_interval)? {
        s.interval = d;
    }
    if let Some(t) = v.parse("transports", parse_latency_transports)? {
        s.transports = t;
    }
    if let Some(d) = v.parse("timeout", parse_timeout)? {
        s.timeout = d;
    }
    s.recursive_domain = v.parse("recursive-domain", parse_domain)?.flatten();
    Ok(s)
}

fn parse_interval(f: &Field<'_>) -> Result<Duration, OptionError> {
    let d = parse_timeout(f)?;
    if d < MIN_INTERVAL {
        return Err(f.fail("must be at least 100ms"));
    }
    Ok(d)
}

fn parse_latency_transports(f: &Field<'_>) -> Result<Vec<Transport>, OptionError> {
    let transports = parse_transports(f)?;
    if transports.contains(&Transport::Quic) {
        return Err(f.fail("quic is not measured continuously: use udp, tcp, tls or https"));
    }
    Ok(transports)
}

fn parse_domain(f: &Field<'_>) -> Result<Option<Name>, OptionError> {
    let s = f.text.trim().trim_end_matches('.');
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > MAX_DOMAIN {
        return Err(f.fail("longer than 200 characters: leave room for the random label"));
    }
    let mut name = Name::from_str(s).map_err(|e| f.fail(format!("not a DNS name ({e})")))?;
    name.set_fqdn(true);
    Ok(Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::spec::Given;
    use std::collections::BTreeMap;

    fn parsed(pairs: &[(&'static str, &str)]) -> Result<LatencySettings, String> {
        let mut values = BTreeMap::new();
        for (k, v) in pairs {
            values.insert(*k, Given::one(*v, format!("--collector.latency.{k}")));
        }
        parse(&OptionValues::new(&values)).map_err(|e| e.to_string())
    }

    #[test]
    fn options_parse_and_say_what_is_wrong() {
        assert_eq!(parsed(&[]), Ok(LatencySettings::default()));
        let s = parsed(&[
            ("interval", "100ms"),
            ("transports", "https,udp,dot"),
            ("recursive-domain", "probe.example.org."),
        ]);
        let s = s.unwrap_or_default();
        assert_eq!(s.interval, Duration::from_millis(100));
        assert_eq!(
            s.transports,
            [Transport::Udp, Transport::Tls, Transport::Https]
        );
        assert_eq!(
            s.recursive_domain.map(|n| n.to_string()).as_deref(),
            Some("probe.example.org.")
        );
        assert_eq!(
            parsed(&[("interval", "10ms")]),
            Err("--collector.latency.interval: \"10ms\": must be at least 100ms".to_owned())
        );
        assert!(
            parsed(&[("transports", "quic")]).is_err_and(|e| e.contains("not measured")
                || e.contains("no DNS-over-QUIC"))
        );
        assert!(parsed(&[("recursive-domain", "a..b")]).is_err());
        assert_eq!(parsed(&[("recursive-domain", " ")]), Ok(LatencySettings::default()));
    }
}
