//! What the DNS probes ask, where and how long they wait: [`DnsSettings`], plain data. The `dns`
//! collector declares the options and parses them into it; [`DnsSettings::default`] is the real
//! default of every option (a test keeps the help text's defaults equal to it).

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use hickory_proto::rr::{Name, RecordType};
use regex::Regex;

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

    /// A transport by its name (`udp`, …) or its usual abbreviation (`dot`, `doh`, `doq`),
    /// case-insensitive.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
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

/// What the probes ask, where and how long they wait.
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
}

impl Default for DnsSettings {
    /// UDP and TCP on port 53 of the API's host, `. NS` expecting NOERROR, 5 s per probe.
    fn default() -> Self {
        Self {
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
        }
    }
}

impl DnsSettings {
    /// The port of a transport's listener.
    #[must_use]
    pub fn port(&self, transport: Transport) -> u16 {
        self.ports[transport.index()]
    }

    /// Sets the port of a transport's listener.
    pub fn set_port(&mut self, transport: Transport, port: u16) {
        self.ports[transport.index()] = port;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transports_parse_by_name_or_abbreviation() {
        assert_eq!(Transport::parse(" DoT"), Some(Transport::Tls));
        assert_eq!(Transport::parse("https"), Some(Transport::Https));
        assert_eq!(Transport::parse("smoke"), None);
        let s = DnsSettings::default();
        assert_eq!(Transport::ALL.map(|t| s.port(t)), [53, 53, 853, 443, 853]);
    }
}
