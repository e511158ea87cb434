//! `check` rows for the DNS path: one per probed transport, one for the blocked-name check, one
//! per forwarder. Each is `(status, detail, hint)`, for the `check` module to place in its table
//! and JSON; the hints name the setting or server option a person changes.

use std::time::Duration;

use super::forwarders::{ForwarderResult, ForwardersData};
use super::probe::{BlockingResult, DnsData, ProbeError, ProbeResult};
use super::rcode_label;
use super::settings::{DnsSettings, Transport};
use crate::tls::TlsFailure;

/// A certificate expiring sooner than this is a warning (the same as the API's TLS step).
pub const CERT_WARN_DAYS: i64 = 14;

/// The verdict of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// Works.
    Ok,
    /// Works, but something needs attention.
    Warning,
    /// Does not work.
    Failed,
}

/// One row: a stable id, a title for people, and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRow {
    /// `dns_udp`, `dns_tls`, `dns_blocking`, `forwarder`.
    pub id: String,
    /// `DNS over UDP`, `forwarder 9.9.9.9`.
    pub title: String,
    /// The verdict.
    pub status: CheckStatus,
    /// What was seen.
    pub detail: String,
    /// What to do, when something is wrong.
    pub hint: Option<String>,
}

/// The title of a transport's row.
#[must_use]
pub fn transport_title(t: Transport) -> &'static str {
    match t {
        Transport::Udp => "DNS over UDP",
        Transport::Tcp => "DNS over TCP",
        Transport::Tls => "DNS over TLS",
        Transport::Https => "DNS over HTTPS",
        Transport::Quic => "DNS over QUIC",
    }
}

/// Every DNS row of one scrape: each transport, then the blocked-name check when configured.
#[must_use]
pub fn dns_rows(settings: &DnsSettings, data: &DnsData, now: i64) -> Vec<CheckRow> {
    let mut rows: Vec<CheckRow> = data
        .probes
        .iter()
        .map(|p| {
            let (status, detail, hint) = probe_row(settings, p, now);
            CheckRow {
                id: format!("dns_{}", p.transport),
                title: transport_title(p.transport).to_owned(),
                status,
                detail,
                hint,
            }
        })
        .collect();
    if let Some(b) = &data.blocking {
        let (status, detail, hint) = blocking_row(settings, b);
        rows.push(CheckRow {
            id: "dns_blocking".to_owned(),
            title: "Blocking".to_owned(),
            status,
            detail,
            hint,
        });
    }
    rows
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The certificate's expiry for people, and whether it is near (`now`: seconds since the epoch).
fn expiry_text(not_after: i64, now: i64) -> (String, i64) {
    let days = (not_after - now).div_euclid(86_400);
    let date = time::OffsetDateTime::from_unix_timestamp(not_after)
        .map(|d| d.date().to_string())
        .unwrap_or_default();
    (
        format!("certificate valid until {date} ({days} days)"),
        days,
    )
}

/// One transport's row.
#[must_use]
pub fn probe_row(
    settings: &DnsSettings,
    p: &ProbeResult,
    now: i64,
) -> (CheckStatus, String, Option<String>) {
    let cert = p.certificate_expiry.map(|n| expiry_text(n, now));
    let Some(error) = &p.error else {
        return success_row(p, cert);
    };
    let mut detail = format!("{}: {error}", p.endpoint);
    if let Some(r) = &p.response
        && !matches!(error, ProbeError::UnexpectedRcode(_))
    {
        detail.push_str(&format!(" ({})", rcode_label(r.rcode)));
    }
    if let Some((text, _)) = &cert {
        detail.push_str("; ");
        detail.push_str(text);
    }
    (
        CheckStatus::Failed,
        detail,
        failure_hint(settings, p, error),
    )
}

/// The row of a probe that got an expected answer: a warning when its certificate expires soon.
fn success_row(
    p: &ProbeResult,
    cert: Option<(String, i64)>,
) -> (CheckStatus, String, Option<String>) {
    let r = p.response.as_ref();
    let mut detail = format!(
        "{}: {}, {} answer record(s) in {}",
        p.endpoint,
        r.map_or("?", |r| rcode_label(r.rcode)),
        r.map_or(0, |r| r.answers),
        ms(p.duration)
    );
    if r.is_some_and(|r| r.truncated) {
        detail.push_str(" (truncated: a client would retry over TCP)");
    }
    if let Some((text, days)) = &cert {
        detail.push_str("; ");
        detail.push_str(text);
        if *days < CERT_WARN_DAYS {
            let hint = format!(
                "renew the certificate of the {} listener soon (Settings → Optional Protocols)",
                transport_title(p.transport)
            );
            return (CheckStatus::Warning, detail, Some(hint));
        }
    }
    (CheckStatus::Ok, detail, None)
}

/// What to do about a failed probe.
fn failure_hint(settings: &DnsSettings, p: &ProbeResult, error: &ProbeError) -> Option<String> {
    match error {
        ProbeError::Tls(f) => tls_hint(settings, p, f),
        ProbeError::HttpStatus(_) | ProbeError::UnexpectedRcode(_) | ProbeError::AnswerMismatch => {
            answer_hint(settings, error)
        }
        _ => connection_hint(p, error),
    }
}

fn connection_hint(p: &ProbeResult, error: &ProbeError) -> Option<String> {
    let t = p.transport;
    let port_key = format!("--collector.dns.{t}-port");
    match error {
        ProbeError::Resolve(_) => Some(
            "set --collector.dns.address to a name or IP address this machine can resolve"
                .to_owned(),
        ),
        ProbeError::ConnectionRefused => Some(format!(
            "nothing listens on {}: enable the listener in Technitium (Settings → General for UDP/TCP, Settings → Optional Protocols for DoT/DoH/DoQ), or set {port_key}",
            p.endpoint
        )),
        ProbeError::Timeout(_) if t == Transport::Udp => Some(format!(
            "no UDP answer from {}: is the port right ({port_key}), does Technitium listen on this address (Settings → General → DNS Server Local End Points), or does a firewall drop the packets?",
            p.endpoint
        )),
        ProbeError::Timeout(_) => Some(format!(
            "{} accepted no query in time: check the port ({port_key}), firewalls and the server's load, or raise --collector.dns.timeout",
            p.endpoint
        )),
        ProbeError::Closed => Some(format!(
            "the server closed the connection: is {port_key} the {} port?",
            transport_title(t)
        )),
        _ => None,
    }
}

fn tls_hint(settings: &DnsSettings, p: &ProbeResult, failure: &TlsFailure) -> Option<String> {
    let name = settings
        .tls_server_name
        .clone()
        .unwrap_or_else(|| host_of(&p.endpoint));
    match failure {
        TlsFailure::NameMismatch => Some(format!(
            "the certificate is not valid for {name}: set --collector.dns.tls-server-name to the name the certificate was issued for"
        )),
        TlsFailure::Expired | TlsFailure::NotYetValid => Some(
            "renew the certificate of the DNS-over-TLS/HTTPS/QUIC listener (Settings → Optional Protocols), and check both clocks"
                .to_owned(),
        ),
        TlsFailure::UnknownIssuer => Some(
            "pass --technitium.ca-file with the CA that signed the DNS certificate (for a self-signed certificate: the certificate itself), or --technitium.insecure-skip-verify (insecure)"
                .to_owned(),
        ),
        TlsFailure::NotTls => Some(format!(
            "this port does not speak TLS: set --collector.dns.{}-port to the {} port",
            p.transport,
            transport_title(p.transport)
        )),
        TlsFailure::Other(_) => None,
    }
}

fn answer_hint(settings: &DnsSettings, error: &ProbeError) -> Option<String> {
    let hint = match error {
        ProbeError::HttpStatus(404) => {
            return Some(format!(
                "the DoH path {} is wrong: set --collector.dns.https-path (Technitium's is /dns-query)",
                settings.https_path
            ));
        }
        ProbeError::HttpStatus(_) => {
            "check that this port is Technitium's DNS-over-HTTPS listener (a reverse proxy in front of it may refuse the request)"
        }
        ProbeError::UnexpectedRcode(5) => {
            "REFUSED: the server's allowed networks may exclude this exporter's address (Settings → Recursion, or the Access Control settings); allow it, or probe a name the server is authoritative for (--collector.dns.query-name)"
        }
        ProbeError::UnexpectedRcode(2) => {
            "SERVFAIL: the server could not resolve the probe name: check its forwarders or root hints (technitium_forwarder_probe_success), or probe a name it is authoritative for"
        }
        ProbeError::UnexpectedRcode(_) => {
            "probe a name the server answers, or list this code in --collector.dns.expected-rcodes"
        }
        ProbeError::AnswerMismatch => {
            "the answer differs from --collector.dns.answer-regex: check the records, or the regex"
        }
        _ => return None,
    };
    Some(hint.to_owned())
}

fn host_of(endpoint: &str) -> String {
    let rest = endpoint.strip_prefix("https://").unwrap_or(endpoint);
    let host_port = rest.split('/').next().unwrap_or(rest);
    match host_port.rsplit_once(':') {
        Some((host, _)) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
        None => host_port.to_owned(),
    }
}

/// The blocked-name check's row.
#[must_use]
pub fn blocking_row(
    settings: &DnsSettings,
    b: &BlockingResult,
) -> (CheckStatus, String, Option<String>) {
    let name = settings
        .blocked
        .as_ref()
        .map_or_else(String::new, |c| c.name.to_string());
    let answer = |b: &BlockingResult| {
        let rcode = b.response.as_ref().map_or("?", |r| rcode_label(r.rcode));
        if b.addresses.is_empty() {
            rcode.to_owned()
        } else {
            let list: Vec<String> = b.addresses.iter().map(ToString::to_string).collect();
            format!("{rcode} {}", list.join(", "))
        }
    };
    match b.works {
        Some(true) => (
            CheckStatus::Ok,
            format!("{name} A over {}: blocked ({})", b.transport, answer(b)),
            None,
        ),
        Some(false) => (
            CheckStatus::Failed,
            format!("{name} A over {}: not blocked ({})", b.transport, answer(b)),
            Some(
                "is blocking enabled and the name on a block list? With blockingType CustomAddress, list its addresses in --collector.dns.blocking-answer"
                    .to_owned(),
            ),
        ),
        None => (
            CheckStatus::Failed,
            format!(
                "{name} A over {}: {}",
                b.transport,
                b.error
                    .as_ref()
                    .map_or_else(|| "no answer".to_owned(), ToString::to_string)
            ),
            Some(format!("see the {} row", transport_title(b.transport))),
        ),
    }
}

/// One row per probed forwarder, then a warning when some were left out.
#[must_use]
pub fn forwarder_rows(data: &ForwardersData) -> Vec<CheckRow> {
    let mut rows: Vec<CheckRow> = data
        .results
        .iter()
        .map(|r| {
            let (status, detail, hint) = forwarder_row(data, r);
            CheckRow {
                id: "forwarder".to_owned(),
                title: format!("forwarder {}", r.forwarder),
                status,
                detail,
                hint,
            }
        })
        .collect();
    if data.skipped > 0 {
        rows.push(CheckRow {
            id: "forwarder".to_owned(),
            title: "forwarders".to_owned(),
            status: CheckStatus::Warning,
            detail: format!("{} more forwarder(s) not probed", data.skipped),
            hint: Some("raise --collector.forwarders.limit to probe them all".to_owned()),
        });
    }
    rows
}

/// One forwarder's row.
#[must_use]
pub fn forwarder_row(
    data: &ForwardersData,
    r: &ForwarderResult,
) -> (CheckStatus, String, Option<String>) {
    let rtt = r
        .rtt
        .map_or_else(String::new, |s| format!(" in {:.2} ms", s * 1000.0));
    if r.success {
        return (
            CheckStatus::Ok,
            format!(
                "{} over {}{rtt}",
                r.rcode.unwrap_or("answered"),
                data.api_protocol
            ),
            None,
        );
    }
    let hint = match r.rcode {
        Some("REFUSED") => Some(
            "the forwarder refused the server's query: is the server allowed to use it?".to_owned(),
        ),
        Some(_) => Some(
            "the forwarder answered with an unexpected code: see --collector.forwarders.expected-rcodes"
                .to_owned(),
        ),
        None => Some(format!(
            "the server could not reach the forwarder over {}: check the address and protocol under Settings → Proxy & Forwarders",
            data.api_protocol
        )),
    };
    (
        CheckStatus::Failed,
        format!(
            "over {}: {}{rtt}",
            data.api_protocol,
            r.error.as_deref().unwrap_or("failed")
        ),
        hint,
    )
}
