//! The `dns` collector's options: one list of keys with defaults ([`DNS_OPTIONS`], the shape of
//! the collector contract's `OptSpec`), parsed once into typed [`DnsSettings`].
//!
//! Defaults live only in the list; [`DnsSettings::parse`] asks a lookup for each key and falls
//! back to the list's default, so flags, environment and config file all reach the same parser.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr as _;
use std::time::Duration;

use hickory_proto::rr::{Name, RecordType};
use regex::Regex;

use super::rcode_from_label;

/// One option of a collector: `--collector.NAME.KEY VALUE_NAME`, its default and help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptDef {
    /// The key (`--collector.dns.KEY`; `[collector.dns] key` with `-` as `_`).
    pub key: &'static str,
    /// The value's placeholder in help text.
    pub value_name: &'static str,
    /// The default, as it would be typed.
    pub default: &'static str,
    /// One line of help.
    pub help: &'static str,
}

/// The `dns` collector's options, in help order.
pub const DNS_OPTIONS: &[OptDef] = &[
    OptDef {
        key: "transports",
        value_name: "LIST",
        default: "udp,tcp",
        help: "DNS transports to probe, comma-separated: udp, tcp, tls (DoT), https (DoH), quic (DoQ, when built with the dns-quic feature)",
    },
    OptDef {
        key: "address",
        value_name: "HOST",
        default: "",
        help: "Host name or IP address the probe queries go to (empty: the host of --technitium.url)",
    },
    OptDef {
        key: "udp-port",
        value_name: "PORT",
        default: "53",
        help: "Port of the UDP listener",
    },
    OptDef {
        key: "tcp-port",
        value_name: "PORT",
        default: "53",
        help: "Port of the TCP listener",
    },
    OptDef {
        key: "tls-port",
        value_name: "PORT",
        default: "853",
        help: "Port of the DNS-over-TLS listener",
    },
    OptDef {
        key: "https-port",
        value_name: "PORT",
        default: "443",
        help: "Port of the DNS-over-HTTPS listener",
    },
    OptDef {
        key: "quic-port",
        value_name: "PORT",
        default: "853",
        help: "Port of the DNS-over-QUIC listener",
    },
    OptDef {
        key: "https-path",
        value_name: "PATH",
        default: "/dns-query",
        help: "Path of the DNS-over-HTTPS endpoint",
    },
    OptDef {
        key: "tls-server-name",
        value_name: "NAME",
        default: "",
        help: "Name the DoT/DoH/DoQ certificate must be valid for (empty: the address)",
    },
    OptDef {
        key: "query-name",
        value_name: "NAME",
        default: ".",
        help: "Name each probe asks for",
    },
    OptDef {
        key: "query-type",
        value_name: "TYPE",
        default: "NS",
        help: "Record type each probe asks for",
    },
    OptDef {
        key: "expected-rcodes",
        value_name: "LIST",
        default: "NOERROR",
        help: "Response codes that count as success, comma-separated (NOERROR, NXDOMAIN, ...)",
    },
    OptDef {
        key: "answer-regex",
        value_name: "REGEX",
        default: "",
        help: "When set, at least one answer record (as `name ttl class type data`) must match",
    },
    OptDef {
        key: "blocked-name",
        value_name: "NAME",
        default: "",
        help: "A name on the server's block list: its A query must get the blocking answer (technitium_dns_probe_blocking_works)",
    },
    OptDef {
        key: "blocking-answer",
        value_name: "ANSWER",
        default: "auto",
        help: "The blocking answer expected for --collector.dns.blocked-name: auto (NXDOMAIN or 0.0.0.0), nxdomain, any-address (0.0.0.0), or the custom blocking addresses, comma-separated",
    },
    OptDef {
        key: "timeout",
        value_name: "DURATION",
        default: "5s",
        help: "Limit for one probe, connection and handshake included (the scrape deadline also applies)",
    },
];

/// A DNS transport the probe can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transport {
    /// Plain DNS over UDP.
    Udp,
    /// Plain DNS over TCP.
    Tcp,
    /// DNS over TLS (RFC 7858).
    Tls,
    /// DNS over HTTPS (RFC 8484), over HTTP/1.1.
    Https,
    /// DNS over QUIC (RFC 9250).
    Quic,
}

impl Transport {
    /// Every transport, in output order.
    pub const ALL: [Self; 5] = [Self::Udp, Self::Tcp, Self::Tls, Self::Https, Self::Quic];

    /// The `transport` label value and option spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Udp => "udp",
            Self::Tcp => "tcp",
            Self::Tls => "tls",
            Self::Https => "https",
            Self::Quic => "quic",
        }
    }

    /// Whether the transport is encrypted (has a certificate).
    #[must_use]
    pub fn is_encrypted(self) -> bool {
        matches!(self, Self::Tls | Self::Https | Self::Quic)
    }

    /// Whether this build can probe the transport (DoQ needs the `dns-quic` feature).
    #[must_use]
    pub fn supported(self) -> bool {
        self != Self::Quic || cfg!(feature = "dns-quic")
    }

    fn index(self) -> usize {
        match self {
            Self::Udp => 0,
            Self::Tcp => 1,
            Self::Tls => 2,
            Self::Https => 3,
            Self::Quic => 4,
        }
    }

    fn port_key(self) -> &'static str {
        match self {
            Self::Udp => "udp-port",
            Self::Tcp => "tcp-port",
            Self::Tls => "tls-port",
            Self::Https => "https-port",
            Self::Quic => "quic-port",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .or(match s.as_str() {
                "dot" => Some(Self::Tls),
                "doh" => Some(Self::Https),
                "doq" => Some(Self::Quic),
                _ => None,
            })
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What answer to `blocked-name` means "blocked" (Technitium's `blockingType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockingAnswer {
    /// `NxDomain` or `AnyAddress`: NXDOMAIN, or NOERROR whose addresses are all 0.0.0.0 / `::`.
    Auto,
    /// `NxDomain`: the answer is NXDOMAIN.
    NxDomain,
    /// `AnyAddress`: NOERROR with at least one address, all of them 0.0.0.0 / `::`.
    AnyAddress,
    /// `CustomAddress`: NOERROR whose addresses are all among these (with no IPv4 address
    /// configured, an empty answer is the blocking answer to an A query).
    Custom(Vec<IpAddr>),
}

/// The blocked-name check.
#[derive(Debug, Clone)]
pub struct BlockedCheck {
    /// The name asked for (type A).
    pub name: Name,
    /// The answer that means blocked.
    pub answer: BlockingAnswer,
}

/// An option value that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid --collector.{collector}.{key} {value:?}: {message}")]
pub struct SettingError {
    /// The collector (`dns`, `forwarders`).
    pub collector: &'static str,
    /// The option key.
    pub key: &'static str,
    /// The value given.
    pub value: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// The parsed `dns` options.
#[derive(Debug, Clone)]
pub struct DnsSettings {
    /// Transports to probe, in output order, without duplicates.
    pub transports: Vec<Transport>,
    /// Where queries go; `None`: the host of the target's API URL.
    pub address: Option<String>,
    ports: [u16; 5],
    /// Path of the DoH endpoint.
    pub https_path: String,
    /// Certificate name for DoT/DoH/DoQ; `None`: the address.
    pub tls_server_name: Option<String>,
    /// The probe question's name.
    pub query_name: Name,
    /// The probe question's type.
    pub query_type: RecordType,
    /// Response codes that count as success.
    pub expected_rcodes: Vec<u16>,
    /// An answer record must match this, when set.
    pub answer_regex: Option<Regex>,
    /// The blocked-name check, when configured.
    pub blocked: Option<BlockedCheck>,
    /// Limit of one probe.
    pub timeout: Duration,
    /// Where the probes go and whom they trust, when set by the program rather than derived
    /// from the API's URL and TLS settings (`--demo` points it at its own listeners).
    pub target: Option<std::sync::Arc<super::probe::DnsTarget>>,
}

impl Default for DnsSettings {
    fn default() -> Self {
        // The defaults of DNS_OPTIONS always parse (a unit test proves it); the fallback only
        // satisfies the no-panic rule.
        Self::parse(|_| None).unwrap_or_else(|_| Self {
            transports: vec![Transport::Udp, Transport::Tcp],
            address: None,
            ports: [53, 53, 853, 443, 853],
            https_path: "/dns-query".to_owned(),
            tls_server_name: None,
            query_name: Name::root(),
            query_type: RecordType::NS,
            expected_rcodes: vec![0],
            answer_regex: None,
            blocked: None,
            timeout: Duration::from_secs(5),
            target: None,
        })
    }
}

/// The option values of one collector: given ones through `lookup`, the defaults of `options`
/// otherwise, and errors that name the collector, the key and the value.
pub(crate) struct Values<'l, 'a> {
    pub(crate) lookup: &'l dyn Fn(&str) -> Option<&'a str>,
    pub(crate) options: &'static [OptDef],
    pub(crate) collector: &'static str,
}

impl<'a> Values<'_, 'a> {
    /// The value of `key`, given or default.
    pub(crate) fn get(&self, key: &'static str) -> &'a str {
        (self.lookup)(key).unwrap_or_else(|| default_of(self.options, key))
    }

    /// The value of `key`, trimmed, when not empty.
    pub(crate) fn non_empty(&self, key: &'static str) -> Option<String> {
        Some(self.get(key).trim().to_owned()).filter(|s| !s.is_empty())
    }

    /// The error for `key`'s value.
    pub(crate) fn fail(&self, key: &'static str, message: impl Into<String>) -> SettingError {
        SettingError {
            collector: self.collector,
            key,
            value: self.get(key).to_owned(),
            message: message.into(),
        }
    }

    /// A comma-separated list of response codes, at least one.
    pub(crate) fn rcodes(&self, key: &'static str) -> Result<Vec<u16>, SettingError> {
        let mut codes = Vec::new();
        for part in self.get(key).split(',').filter(|p| !p.trim().is_empty()) {
            codes.push(rcode_from_label(part).ok_or_else(|| {
                self.fail(
                    key,
                    format!(
                        "{:?} is not a response code (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...)",
                        part.trim()
                    ),
                )
            })?);
        }
        if codes.is_empty() {
            return Err(self.fail(key, "name at least one response code (e.g. NOERROR)"));
        }
        Ok(codes)
    }
}

fn parse_transports(v: &Values<'_, '_>) -> Result<Vec<Transport>, SettingError> {
    let mut transports = Vec::new();
    for part in v
        .get("transports")
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        let t = Transport::parse(part).ok_or_else(|| {
            v.fail(
                "transports",
                format!("{:?} is not one of udp, tcp, tls, https, quic", part.trim()),
            )
        })?;
        if !t.supported() {
            return Err(v.fail(
                "transports",
                "this build has no DNS-over-QUIC support (build with --features dns-quic), drop quic",
            ));
        }
        if !transports.contains(&t) {
            transports.push(t);
        }
    }
    if transports.is_empty() {
        return Err(v.fail(
            "transports",
            "name at least one transport (or turn the collector off)",
        ));
    }
    transports.sort();
    Ok(transports)
}

fn parse_ports(v: &Values<'_, '_>) -> Result<[u16; 5], SettingError> {
    let mut ports = [0u16; 5];
    for t in Transport::ALL {
        let key = t.port_key();
        ports[t.index()] = v
            .get(key)
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| v.fail(key, "not a port number (1-65535)"))?;
    }
    Ok(ports)
}

fn parse_blocked(v: &Values<'_, '_>) -> Result<Option<BlockedCheck>, SettingError> {
    let Some(name) = v.non_empty("blocked-name") else {
        return Ok(None);
    };
    Ok(Some(BlockedCheck {
        name: parse_name(&name).map_err(|m| v.fail("blocked-name", m))?,
        answer: parse_blocking_answer(v.get("blocking-answer"))
            .map_err(|m| v.fail("blocking-answer", m))?,
    }))
}

/// The default of `key` in `options`.
pub(crate) fn default_of(options: &[OptDef], key: &str) -> &'static str {
    options
        .iter()
        .find(|o| o.key == key)
        .map_or("", |o| o.default)
}

/// A DNS name as typed (`.` is the root; a trailing dot is optional).
pub(crate) fn parse_name(s: &str) -> Result<Name, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("a name is needed (use . for the root)".to_owned());
    }
    let mut name = Name::from_str(s).map_err(|e| format!("not a DNS name ({e})"))?;
    name.set_fqdn(true);
    Ok(name)
}

/// A record type mnemonic (`A`, `aaaa`, `NS`, …).
pub(crate) fn parse_type(s: &str) -> Result<RecordType, String> {
    RecordType::from_str(&s.trim().to_ascii_uppercase())
        .map_err(|_| "not a DNS record type (A, AAAA, NS, SOA, TXT, MX, ...)".to_owned())
}

/// A duration like `5s` or `500ms`, more than zero.
pub(crate) fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("not a duration ({e}); write e.g. 5s or 500ms"))?;
    if d.is_zero() {
        return Err("must be more than zero".to_owned());
    }
    Ok(d)
}

impl DnsSettings {
    /// Parses every option; `lookup(key)` returns the configured value, `None` for the default.
    ///
    /// # Errors
    /// The first option that does not parse, naming it and the value.
    pub fn parse<'a>(lookup: impl Fn(&str) -> Option<&'a str>) -> Result<Self, SettingError> {
        let v = Values {
            lookup: &lookup,
            options: DNS_OPTIONS,
            collector: "dns",
        };
        let https_path = v.get("https-path").trim().to_owned();
        if !https_path.starts_with('/') {
            return Err(v.fail(
                "https-path",
                "must start with / (Technitium's is /dns-query)",
            ));
        }
        let address = v
            .non_empty("address")
            .map(|a| a.trim_start_matches('[').trim_end_matches(']').to_owned());
        let answer_regex = match v.non_empty("answer-regex") {
            None => None,
            Some(r) => Some(
                Regex::new(&r).map_err(|e| v.fail("answer-regex", format!("not a regex ({e})")))?,
            ),
        };
        Ok(Self {
            transports: parse_transports(&v)?,
            address,
            ports: parse_ports(&v)?,
            https_path,
            tls_server_name: v.non_empty("tls-server-name"),
            query_name: parse_name(v.get("query-name")).map_err(|m| v.fail("query-name", m))?,
            query_type: parse_type(v.get("query-type")).map_err(|m| v.fail("query-type", m))?,
            expected_rcodes: v.rcodes("expected-rcodes")?,
            answer_regex,
            blocked: parse_blocked(&v)?,
            timeout: parse_timeout(v.get("timeout")).map_err(|m| v.fail("timeout", m))?,
            target: None,
        })
    }

    /// The port of a transport's listener.
    #[must_use]
    pub fn port(&self, transport: Transport) -> u16 {
        self.ports[transport.index()]
    }

    /// Sets the port of a transport's listener (the demo's listeners are on random ports).
    pub fn set_port(&mut self, transport: Transport, port: u16) {
        self.ports[transport.index()] = port;
    }
}

fn parse_blocking_answer(s: &str) -> Result<BlockingAnswer, String> {
    match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "" | "auto" => Ok(BlockingAnswer::Auto),
        "nxdomain" | "nx-domain" => Ok(BlockingAnswer::NxDomain),
        "any-address" | "anyaddress" => Ok(BlockingAnswer::AnyAddress),
        list => {
            let mut addresses = Vec::new();
            for part in list.split(',').filter(|p| !p.trim().is_empty()) {
                addresses.push(part.trim().parse::<IpAddr>().map_err(|_| {
                    format!(
                        "{:?} is neither auto, nxdomain, any-address nor an IP address",
                        part.trim()
                    )
                })?);
            }
            Ok(BlockingAnswer::Custom(addresses))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<DnsSettings, SettingError> {
        DnsSettings::parse(|k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| *v))
    }

    #[test]
    fn defaults_parse() {
        let s = parse(&[]).expect("defaults parse");
        assert_eq!(s.transports, vec![Transport::Udp, Transport::Tcp]);
        assert!(s.query_name.is_root());
        assert_eq!(s.query_type, RecordType::NS);
        assert_eq!(s.expected_rcodes, vec![0]);
        assert_eq!(Transport::ALL.map(|t| s.port(t)), [53, 53, 853, 443, 853]);
        assert_eq!(s.https_path, "/dns-query");
        assert!(s.address.is_none() && s.blocked.is_none() && s.answer_regex.is_none());
        assert_eq!(s.timeout, Duration::from_secs(5));
        // Every key the parser reads has exactly one definition.
        for o in DNS_OPTIONS {
            assert_eq!(DNS_OPTIONS.iter().filter(|p| p.key == o.key).count(), 1);
        }
    }

    #[test]
    fn values_parse_and_errors_name_the_option() {
        let s = parse(&[
            ("transports", "tcp, DoT,https,udp,tcp"),
            ("address", "[::1]"),
            ("expected-rcodes", "noerror,NXDOMAIN,5"),
            ("query-name", "example.com"),
            ("query-type", "aaaa"),
            ("blocked-name", "ads.example.net"),
            ("blocking-answer", "192.0.2.1, 2001:db8::1"),
            ("timeout", "750ms"),
        ])
        .expect("parses");
        assert_eq!(
            s.transports,
            vec![
                Transport::Udp,
                Transport::Tcp,
                Transport::Tls,
                Transport::Https
            ]
        );
        assert_eq!(s.address.as_deref(), Some("::1"));
        assert_eq!(s.expected_rcodes, vec![0, 3, 5]);
        assert_eq!(s.query_name.to_string(), "example.com.");
        assert_eq!(s.query_type, RecordType::AAAA);
        assert!(matches!(
            s.blocked.as_ref().map(|b| &b.answer),
            Some(BlockingAnswer::Custom(a)) if a.len() == 2
        ));
        assert_eq!(s.timeout, Duration::from_millis(750));

        for (key, value, needle) in [
            ("transports", "udp,smoke", "\"smoke\" is not one of"),
            ("transports", ",", "at least one transport"),
            ("tcp-port", "0", "port number"),
            ("https-path", "dns-query", "must start with /"),
            ("query-type", "BOGUS", "record type"),
            ("expected-rcodes", "FINE", "not a response code"),
            ("answer-regex", "(", "not a regex"),
            ("timeout", "0s", "more than zero"),
        ] {
            let e = parse(&[(key, value)]).expect_err(key);
            let text = e.to_string();
            assert!(
                text.starts_with(&format!("invalid --collector.dns.{key} ")),
                "{text}"
            );
            assert!(text.contains(needle), "{text}");
        }
        let e = parse(&[("blocked-name", "x.test"), ("blocking-answer", "nope")])
            .expect_err("blocking answer");
        assert_eq!(e.key, "blocking-answer");
    }

    #[test]
    fn quic_needs_the_feature() {
        let r = parse(&[("transports", "quic")]);
        assert_eq!(r.is_ok(), cfg!(feature = "dns-quic"));
    }
}
