//! The `dns` collector's options, declared once (`OPTIONS`), and their parsing into the
//! probes' [`DnsSettings`]; also the DNS-flavoured value parsers the `forwarders` collector
//! shares (names, record types, response codes, timeouts).
//!
//! A key that was not given keeps [`DnsSettings::default`], the real default (the registry's
//! test keeps each option's help default equal to it). A bad value is an [`OptionError`] in the
//! shape `ORIGIN: "VALUE": what is wrong`.

use std::net::IpAddr;
use std::str::FromStr as _;
use std::time::Duration;

use hickory_proto::rr::{Name, RecordType};
use regex::Regex;

use crate::collector::spec::{OptKind, OptSpec, OptionError, OptionValues};
use crate::dnsprobe::{BlockedCheck, BlockingAnswer, DnsSettings, Transport, rcode_from_label};

/// The `dns` collector's options, in help order.
pub(super) static OPTIONS: [OptSpec; 16] = [
    OptSpec {
        key: "transports",
        value_name: "LIST",
        help: "DNS transports to probe, comma-separated: udp, tcp, tls (DoT), https (DoH), quic (DoQ, when built with the dns-quic feature)",
        default: "udp,tcp",
        kind: OptKind::List,
    },
    OptSpec {
        key: "address",
        value_name: "HOST",
        help: "Host name or IP address the probe queries go to (empty: the host of --technitium.url)",
        default: "",
        kind: OptKind::Text,
    },
    port("udp-port", "Port of the UDP listener", "53"),
    port("tcp-port", "Port of the TCP listener", "53"),
    port("tls-port", "Port of the DNS-over-TLS listener", "853"),
    port("https-port", "Port of the DNS-over-HTTPS listener", "443"),
    port("quic-port", "Port of the DNS-over-QUIC listener", "853"),
    OptSpec {
        key: "https-path",
        value_name: "PATH",
        help: "Path of the DNS-over-HTTPS endpoint",
        default: "/dns-query",
        kind: OptKind::Text,
    },
    OptSpec {
        key: "tls-server-name",
        value_name: "NAME",
        help: "Name the DoT/DoH/DoQ certificate must be valid for (empty: the address)",
        default: "",
        kind: OptKind::Text,
    },
    OptSpec {
        key: "query-name",
        value_name: "NAME",
        help: "Name each probe asks for",
        default: ".",
        kind: OptKind::Text,
    },
    OptSpec {
        key: "query-type",
        value_name: "TYPE",
        help: "Record type each probe asks for",
        default: "NS",
        kind: OptKind::Text,
    },
    OptSpec {
        key: "expected-rcodes",
        value_name: "LIST",
        help: "Response codes that count as success, comma-separated (NOERROR, NXDOMAIN, ...)",
        default: "NOERROR",
        kind: OptKind::List,
    },
    OptSpec {
        key: "answer-regex",
        value_name: "REGEX",
        help: "When set, at least one answer record (as `name ttl class type data`) must match",
        default: "",
        kind: OptKind::Regex,
    },
    OptSpec {
        key: "blocked-name",
        value_name: "NAME",
        help: "A name on the server's block list: its A query must get the blocking answer (technitium_dns_probe_blocking_works)",
        default: "",
        kind: OptKind::Text,
    },
    OptSpec {
        key: "blocking-answer",
        value_name: "ANSWER",
        help: "The blocking answer expected for --collector.dns.blocked-name: auto (NXDOMAIN or 0.0.0.0), nxdomain, any-address (0.0.0.0), or the custom blocking addresses, comma-separated",
        default: "auto",
        kind: OptKind::List,
    },
    OptSpec {
        key: "timeout",
        value_name: "DURATION",
        help: "Limit for one probe, connection and handshake included (the scrape deadline also applies)",
        default: "5s",
        kind: OptKind::Duration,
    },
];

/// A listener's port option.
const fn port(key: &'static str, help: &'static str, default: &'static str) -> OptSpec {
    OptSpec {
        key,
        value_name: "PORT",
        help,
        default,
        kind: OptKind::Count,
    }
}

/// The option of a transport's port.
#[must_use]
pub fn port_key(t: Transport) -> &'static str {
    match t {
        Transport::Udp => "udp-port",
        Transport::Tcp => "tcp-port",
        Transport::Tls => "tls-port",
        Transport::Https => "https-port",
        Transport::Quic => "quic-port",
    }
}

/// The values given for one collector's options, read as text (a list's values joined by `,`),
/// with errors that name where the value came from.
#[derive(Clone, Copy)]
pub(crate) struct Values<'v> {
    values: &'v OptionValues<'v>,
    collector: &'static str,
}

/// One value given: its text, and the error for it.
pub(crate) struct Field<'f> {
    /// The text given (a list's values joined by `,`).
    pub(crate) text: &'f str,
    key: &'f str,
    values: Values<'f>,
}

impl Field<'_> {
    /// The error for this value: `ORIGIN: "VALUE": message`.
    pub(crate) fn fail(&self, message: impl Into<String>) -> OptionError {
        self.values.fail(self.key, message)
    }
}

impl<'v> Values<'v> {
    /// The values of `collector`'s options.
    pub(crate) fn new(values: &'v OptionValues<'v>, collector: &'static str) -> Self {
        Self { values, collector }
    }

    /// The text given for `key`, when given.
    fn given(&self, key: &str) -> Option<String> {
        self.values.joined(key)
    }

    /// The text given for `key`, trimmed, when given and not empty.
    fn non_empty(&self, key: &str) -> Option<String> {
        self.given(key)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The error for the value of `key`: `ORIGIN: "VALUE": message`.
    fn fail(&self, key: &str, message: impl Into<String>) -> OptionError {
        OptionError {
            origin: self.values.origin(key).map_or_else(
                || format!("--collector.{}.{key}", self.collector),
                str::to_owned,
            ),
            message: format!(
                "{:?}: {}",
                self.given(key).unwrap_or_default(),
                message.into()
            ),
        }
    }

    /// `key` parsed by `parse` when given (`None` when not: the default stays).
    ///
    /// # Errors
    /// `parse`'s, naming the option.
    pub(crate) fn parse<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&Field<'_>) -> Result<T, OptionError>,
    ) -> Result<Option<T>, OptionError> {
        let Some(text) = self.given(key) else {
            return Ok(None);
        };
        let field = Field {
            text: &text,
            key,
            values: *self,
        };
        parse(&field).map(Some)
    }
}

/// Parses the `dns` options given; the others keep their default.
///
/// # Errors
/// The first value that does not parse, naming it and where it came from.
pub(super) fn parse(values: &OptionValues<'_>) -> Result<DnsSettings, OptionError> {
    let v = Values::new(values, "dns");
    let mut s = DnsSettings::default();
    if let Some(t) = v.parse("transports", parse_transports)? {
        s.transports = t;
    }
    if v.non_empty("address").is_some() {
        s.address = v.parse("address", parse_address)?;
    }
    for t in Transport::ALL {
        if let Some(port) = v.parse(port_key(t), parse_port)? {
            s.set_port(t, port);
        }
    }
    if let Some(path) = v.parse("https-path", parse_https_path)? {
        s.https_path = path;
    }
    s.tls_server_name = v.non_empty("tls-server-name");
    if let Some(name) = v.parse("query-name", parse_name)? {
        s.query_name = name;
    }
    if let Some(t) = v.parse("query-type", parse_type)? {
        s.query_type = t;
    }
    if let Some(codes) = v.parse("expected-rcodes", |f| parse_rcodes(f, RCODE_EXAMPLES))? {
        s.expected_rcodes = codes;
    }
    if v.non_empty("answer-regex").is_some() {
        s.answer_regex = v.parse("answer-regex", |f| {
            Regex::new(f.text.trim()).map_err(|e| f.fail(format!("not a regex ({e})")))
        })?;
    }
    if v.non_empty("blocked-name").is_some() {
        s.blocked = v
            .parse("blocked-name", parse_name)?
            .map(|name| BlockedCheck {
                name,
                answer: BlockingAnswer::Auto,
            });
        if let (Some(check), Some(answer)) = (
            s.blocked.as_mut(),
            v.parse("blocking-answer", parse_blocking_answer)?,
        ) {
            check.answer = answer;
        }
    }
    if let Some(t) = v.parse("timeout", parse_timeout)? {
        s.timeout = t;
    }
    Ok(s)
}

/// The response codes `expected-rcodes`' errors name.
const RCODE_EXAMPLES: &str = "NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...";

pub(crate) fn parse_transports(f: &Field<'_>) -> Result<Vec<Transport>, OptionError> {
    let mut transports = Vec::new();
    for part in f.text.split(',').filter(|p| !p.trim().is_empty()) {
        let t = Transport::parse(part).ok_or_else(|| {
            f.fail(format!(
                "{:?} is not one of udp, tcp, tls, https, quic",
                part.trim()
            ))
        })?;
        if !t.supported() {
            return Err(f.fail(
                "this build has no DNS-over-QUIC support (build with --features dns-quic), drop quic",
            ));
        }
        if !transports.contains(&t) {
            transports.push(t);
        }
    }
    if transports.is_empty() {
        return Err(f.fail("name at least one transport (or turn the collector off)"));
    }
    transports.sort();
    Ok(transports)
}

/// Where the ports go, for an address given with one.
const PORT_OPTIONS: &str = "give only the host: the ports are --collector.dns.udp-port, tcp-port, tls-port, https-port and quic-port, the DoH path https-path";

/// A host name or IP address (an IPv6 address may come in brackets, which are dropped); a
/// URL or an address with a port would only fail when probing, so they fail here.
fn parse_address(f: &Field<'_>) -> Result<String, OptionError> {
    let text = f.text.trim();
    if text.contains('/') {
        return Err(f.fail(format!("a URL, not a host; {PORT_OPTIONS}")));
    }
    let unbracketed = text.strip_prefix('[').and_then(|t| t.strip_suffix(']'));
    if let Some(ip) = unbracketed.and_then(|t| t.parse::<std::net::Ipv6Addr>().ok()) {
        return Ok(ip.to_string());
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(ip.to_string());
    }
    if text.contains(':') {
        return Err(f.fail(format!("a host with a port; {PORT_OPTIONS}")));
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let name = text.strip_suffix('.').unwrap_or(text);
    if name.len() <= 253 && name.split('.').all(label_ok) {
        return Ok(text.to_owned());
    }
    Err(f.fail("not a host name or IP address"))
}

fn parse_port(f: &Field<'_>) -> Result<u16, OptionError> {
    f.text
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| f.fail("not a port number (1-65535)"))
}

fn parse_https_path(f: &Field<'_>) -> Result<String, OptionError> {
    let path = f.text.trim();
    if path.starts_with('/') {
        Ok(path.to_owned())
    } else {
        Err(f.fail("must start with / (Technitium's is /dns-query)"))
    }
}

fn parse_blocking_answer(f: &Field<'_>) -> Result<BlockingAnswer, OptionError> {
    match f
        .text
        .trim()
        .to_ascii_lowercase()
        .replace('_', "-")
        .as_str()
    {
        "" | "auto" => Ok(BlockingAnswer::Auto),
        "nxdomain" | "nx-domain" => Ok(BlockingAnswer::NxDomain),
        "any-address" | "anyaddress" => Ok(BlockingAnswer::AnyAddress),
        list => {
            let mut addresses = Vec::new();
            for part in list.split(',').filter(|p| !p.trim().is_empty()) {
                addresses.push(part.trim().parse::<IpAddr>().map_err(|_| {
                    f.fail(format!(
                        "{:?} is neither auto, nxdomain, any-address nor an IP address",
                        part.trim()
                    ))
                })?);
            }
            Ok(BlockingAnswer::Custom(addresses))
        }
    }
}

/// A DNS name as typed (`.` is the root; a trailing dot is optional).
pub(crate) fn parse_name(f: &Field<'_>) -> Result<Name, OptionError> {
    let s = f.text.trim();
    if s.is_empty() {
        return Err(f.fail("a name is needed (use . for the root)"));
    }
    let mut name = Name::from_str(s).map_err(|e| f.fail(format!("not a DNS name ({e})")))?;
    name.set_fqdn(true);
    Ok(name)
}

/// A record type mnemonic (`A`, `aaaa`, `NS`, …).
pub(crate) fn parse_type(f: &Field<'_>) -> Result<RecordType, OptionError> {
    RecordType::from_str(&f.text.trim().to_ascii_uppercase())
        .map_err(|_| f.fail("not a DNS record type (A, AAAA, NS, SOA, TXT, MX, ...)"))
}

/// A duration like `5s` or `500ms`, more than zero.
pub(crate) fn parse_timeout(f: &Field<'_>) -> Result<Duration, OptionError> {
    let d = humantime::parse_duration(f.text.trim())
        .map_err(|e| f.fail(format!("not a duration ({e}); write e.g. 5s or 500ms")))?;
    if d.is_zero() {
        return Err(f.fail("must be more than zero"));
    }
    Ok(d)
}

/// A comma-separated list of response codes, at least one; `examples` name good ones.
pub(crate) fn parse_rcodes(f: &Field<'_>, examples: &str) -> Result<Vec<u16>, OptionError> {
    let mut codes = Vec::new();
    for part in f.text.split(',').filter(|p| !p.trim().is_empty()) {
        codes.push(rcode_from_label(part).ok_or_else(|| {
            f.fail(format!(
                "{:?} is not a response code ({examples})",
                part.trim()
            ))
        })?);
    }
    if codes.is_empty() {
        return Err(f.fail("name at least one response code (e.g. NOERROR)"));
    }
    Ok(codes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::collector::spec::Given;
    use std::collections::BTreeMap;

    fn parse_pairs(pairs: &[(&'static str, &str)]) -> Result<DnsSettings, OptionError> {
        let values: BTreeMap<&'static str, Given> = pairs
            .iter()
            .map(|(k, v)| (*k, Given::one(*v, format!("--collector.dns.{k}"))))
            .collect();
        parse(&OptionValues::new(&values))
    }

    #[test]
    fn defaults_parse() {
        let s = parse_pairs(&[]).expect("defaults parse");
        assert_eq!(s.transports, vec![Transport::Udp, Transport::Tcp]);
        assert!(s.query_name.is_root());
        assert_eq!(s.query_type, RecordType::NS);
        assert_eq!(s.expected_rcodes, vec![0]);
        assert_eq!(Transport::ALL.map(|t| s.port(t)), [53, 53, 853, 443, 853]);
        assert_eq!(s.https_path, "/dns-query");
        assert!(s.address.is_none() && s.blocked.is_none() && s.answer_regex.is_none());
        assert_eq!(s.timeout, Duration::from_secs(5));
        for o in &OPTIONS {
            assert_eq!(OPTIONS.iter().filter(|p| p.key == o.key).count(), 1);
        }
        for t in Transport::ALL {
            assert!(OPTIONS.iter().any(|o| o.key == port_key(t)), "{t}");
        }
    }

    #[test]
    fn values_parse_and_errors_name_the_option() {
        let s = parse_pairs(&[
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
        for (given, kept) in [("192.0.2.1", "192.0.2.1"), ("dns.lan", "dns.lan"), ("::1", "::1")] {
            let s = parse_pairs(&[("address", given)]).expect("an address");
            assert_eq!(s.address.as_deref(), Some(kept));
        }
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
            ("address", "127.0.0.1:5353", "a host with a port; give only the host: the ports are --collector.dns.udp-port"),
            ("address", "[::1]:53", "udp-port"),
            ("address", "dns.lan:53", "udp-port"),
            ("address", "https://dns.lan/dns-query", "a URL, not a host"),
            ("address", "dns lan", "not a host name"),
        ] {
            let e = parse_pairs(&[(key, value)]).expect_err(key);
            let text = e.to_string();
            assert!(
                text.starts_with(&format!("--collector.dns.{key}: {value:?}: ")),
                "{text}"
            );
            assert!(text.contains(needle), "{text}");
        }
        let e = parse_pairs(&[("blocked-name", "x.test"), ("blocking-answer", "nope")])
            .expect_err("blocking answer");
        assert_eq!(e.origin, "--collector.dns.blocking-answer");
    }

    #[test]
    fn quic_needs_the_feature() {
        let r = parse_pairs(&[("transports", "quic")]);
        assert_eq!(r.is_ok(), cfg!(feature = "dns-quic"));
    }
}
