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
//! - [`tls`]: the trust used for DoT/DoH/DoQ (system roots plus the target's CA file, or none
//!   with `insecure_skip_verify`), a verifier that records the peer certificate, and
//!   [`cert_not_after`] (x509-parser), which `check` can share;
//! - [`forwarders`]: settings/get's `forwarders` and `forwarderProtocol`, one
//!   `dnsClient/resolve` per forwarder with bounded concurrency ([`fetch_forwarders`]), and
//!   [`write_forwarders`];
//! - [`check`]: `check` rows per DNS transport and per forwarder, as (status, detail, hint);
//! - [`responder`]: a small DNS server on loopback (UDP, TCP, DoT, DoH) built on hickory-proto,
//!   used by `--demo` and by the tests.
//!
//! A failed probe is data (`technitium_dns_probe_success 0`), never a failed scrape:
//! `technitium_up` stays "the API answered".

pub mod check;
pub mod forwarders;
pub mod probe;
pub mod responder;
pub mod settings;
pub mod tls;

pub use forwarders::{
    ForwarderResult, ForwarderSettings, ForwardersData, fetch_forwarders, write_forwarders,
};
pub use probe::{
    BlockingResult, DnsData, DnsTarget, ProbeError, ProbeResult, ResponseSummary, probe_all,
    write_dns,
};
pub use settings::{DnsSettings, OptDef, SettingError, Transport};
pub use tls::{TlsTrust, cert_not_after};

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
