//! What the `dns` collector checked, for `check`: one [`Detail`] per probed transport and one
//! for the blocked-name check; the hints name the setting or server option a person changes.

use std::time::Duration;

use crate::collector::contract::{Detail, DetailStatus};
use crate::dnsprobe::{
    BlockingResult, DnsData, DnsSettings, ProbeError, ProbeResult, Transport, rcode_label,
};
use crate::tls::{CERT_WARN_DAYS, TlsFailure};

/// A row's verdict, what was seen and what to do.
type Finding = (DetailStatus, String, Option<String>);

/// The title of a transport's row.
#[must_use]
fn transport_title(t: Transport) -> &'static str {
    match t {
        Transport::Udp => "DNS over UDP",
        Transport::Tcp => "DNS over TCP",
        Transport::Tls => "DNS over TLS",
        Transport::Https => "DNS over HTTPS",
        Transport::Quic => "DNS over QUIC",
    }
}

/// Every DNS detail of one scrape (`now`: seconds since the epoch, for the certificates'
/// expiry): each transport, then the blocked-name check when configured.
#[must_use]
pub fn dns_details(settings: &DnsSettings, data: &DnsData, now: i64) -> Vec<Detail> {
    let mut rows: Vec<Detail> = data
        .probes
        .iter()
        .map(|p| {
            let (status, detail, hint) = probe_row(settings, p, now);
            Detail {
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
        rows.push(Detail {
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
fn probe_row(settings: &DnsSettings, p: &ProbeResult, now: i64) -> Finding {
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
        DetailStatus::Failed,
        detail,
        failure_hint(settings, p, error),
    )
}

/// The row of a probe that got an expected answer: a warning when its certificate expires soon.
fn success_row(p: &ProbeResult, cert: Option<(String, i64)>) -> Finding {
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
            return (DetailStatus::Warning, detail, Some(hint));
        }
    }
    (DetailStatus::Ok, detail, None)
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
fn blocking_row(settings: &DnsSettings, b: &BlockingResult) -> Finding {
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
            DetailStatus::Ok,
            format!("{name} A over {}: blocked ({})", b.transport, answer(b)),
            None,
        ),
        Some(false) => (
            DetailStatus::Failed,
            format!("{name} A over {}: not blocked ({})", b.transport, answer(b)),
            Some(
                "is blocking enabled and the name on a block list? With blockingType CustomAddress, list its addresses in --collector.dns.blocking-answer"
                    .to_owned(),
            ),
        ),
        None => (
            DetailStatus::Failed,
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
