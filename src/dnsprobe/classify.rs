//! What a probe's outcome means: a transport failure as a [`ProbeError`] a person can act on
//! (a certificate verdict recorded during the handshake wins over the transport's words), and
//! whether an answer to the blocked name is the server's blocking answer.

use std::net::IpAddr;
use std::time::Duration;

use hickory_net::NetError;
use hickory_proto::op::DnsResponse;
use hickory_proto::rr::RData;

use super::failure::TransportFailure;
use super::rcode::rcode_label;
use super::settings::BlockingAnswer;
use crate::technitium::shorten;
use crate::tls::{Recorder, TlsFailure};

/// What went wrong with one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeError {
    /// The address did not resolve.
    Resolve(String),
    /// TCP connection refused: nothing listens on the port.
    ConnectionRefused,
    /// No answer within the probe's limit.
    Timeout(Duration),
    /// The TLS handshake failed.
    Tls(TlsFailure),
    /// DoH: the server answered with a non-2xx HTTP status.
    HttpStatus(u16),
    /// The server closed the connection before answering.
    Closed,
    /// Anything else, in the DNS library's words.
    Other(String),
    /// An answer came, with a response code not in `expected-rcodes`.
    UnexpectedRcode(u16),
    /// An answer came, but no record matched `answer-regex`.
    AnswerMismatch,
    /// No trust was set up for an encrypted transport (a wiring bug).
    NoTrust,
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Resolve(e) => write!(f, "cannot resolve the address: {e}"),
            Self::ConnectionRefused => f.write_str("connection refused"),
            Self::Timeout(d) => write!(f, "no answer within {}", shown(*d)),
            Self::Tls(t) => t.fmt(f),
            Self::HttpStatus(s) => write!(f, "the server answered HTTP {s}"),
            Self::Closed => f.write_str("the server closed the connection without answering"),
            Self::Other(s) => f.write_str(s),
            Self::UnexpectedRcode(c) => write!(f, "unexpected response code {}", rcode_label(*c)),
            Self::AnswerMismatch => {
                f.write_str("no answer record matches --collector.dns.answer-regex")
            }
            Self::NoTrust => f.write_str("no TLS trust configured for an encrypted transport"),
        }
    }
}

/// Turns a transport failure into something a person can act on. A certificate verdict
/// recorded during the handshake wins over the transport's words.
pub(super) fn classify(
    failure: TransportFailure,
    recorder: Option<&Recorder>,
    budget: Duration,
) -> ProbeError {
    if let Some(cert_error) = recorder
        .filter(|r| !r.accepts_any())
        .and_then(Recorder::error)
    {
        return ProbeError::Tls(TlsFailure::from_rustls(&cert_error));
    }
    let e = match failure {
        TransportFailure::Resolve(s) => return ProbeError::Resolve(s),
        TransportFailure::HttpStatus(status) => return ProbeError::HttpStatus(status),
        TransportFailure::BadAnswer(s) | TransportFailure::Setup(s) => return ProbeError::Other(s),
        TransportFailure::NoTrust => return ProbeError::NoTrust,
        TransportFailure::Http(e) => return classify_http(&e.without_url(), recorder, budget),
        TransportFailure::Closed => return closed(recorder),
        TransportFailure::Io(io) => return classify_io(&io, recorder, budget),
        TransportFailure::Net(e) => e,
    };
    match &e {
        NetError::Timeout => ProbeError::Timeout(budget),
        NetError::Io(io) => classify_io(io, recorder, budget),
        NetError::RustlsError(tls) => ProbeError::Tls(TlsFailure::from_rustls(tls)),
        NetError::Msg(m) if m.contains("closed") => ProbeError::Closed,
        NetError::Msg(m) => ProbeError::Other(shorten(m)),
        other => ProbeError::Other(shorten(&other.to_string())),
    }
}

/// A socket error: refused, timed out, closed (before a certificate came: not a TLS listener),
/// a TLS error the handshake carried, or the system's words.
fn classify_io(io: &std::io::Error, recorder: Option<&Recorder>, budget: Duration) -> ProbeError {
    if let Some(tls) = io
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return ProbeError::Tls(TlsFailure::from_rustls(tls));
    }
    match io.kind() {
        std::io::ErrorKind::ConnectionRefused => ProbeError::ConnectionRefused,
        std::io::ErrorKind::TimedOut => ProbeError::Timeout(budget),
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::BrokenPipe => closed(recorder),
        _ => ProbeError::Other(shorten(&io.to_string())),
    }
}

/// The server closed the connection: before any certificate came over TLS, it is not a TLS
/// listener.
fn closed(recorder: Option<&Recorder>) -> ProbeError {
    if recorder.is_some_and(|r| r.not_after().is_none()) {
        ProbeError::Tls(TlsFailure::NotTls)
    } else {
        ProbeError::Closed
    }
}

/// A DoH transport failure: the innermost cause says what happened (reqwest's wrappers say
/// only "error sending request").
fn classify_http(e: &reqwest::Error, recorder: Option<&Recorder>, budget: Duration) -> ProbeError {
    if e.is_timeout() {
        return ProbeError::Timeout(budget);
    }
    let mut innermost = e.to_string();
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(inner) = source {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return ProbeError::Tls(TlsFailure::from_rustls(tls));
        }
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return ProbeError::ConnectionRefused,
                std::io::ErrorKind::TimedOut => return ProbeError::Timeout(budget),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => {
                    return closed(recorder);
                }
                _ => {}
            }
        }
        innermost = inner.to_string();
        source = inner.source();
    }
    ProbeError::Other(shorten(&innermost))
}

/// The A and AAAA addresses of an answer.
pub(super) fn addresses(response: &DnsResponse) -> impl Iterator<Item = IpAddr> + '_ {
    response.answers.iter().filter_map(|rr| match &rr.data {
        RData::A(a) => Some(IpAddr::V4(a.0)),
        RData::AAAA(a) => Some(IpAddr::V6(a.0)),
        _ => None,
    })
}

/// Whether `response` to an A query for a blocked name is Technitium's blocking answer
/// (`blockingType`): NxDomain answers NXDOMAIN (with the blocking SOA); AnyAddress answers
/// NOERROR with 0.0.0.0 (`::` for AAAA); CustomAddress answers NOERROR with the configured
/// addresses, or an empty answer when none of them is IPv4.
pub(super) fn is_blocking_answer(expected: &BlockingAnswer, response: &DnsResponse) -> bool {
    let rcode = u16::from(response.metadata.response_code);
    let addrs: Vec<IpAddr> = addresses(response).collect();
    let any_address = rcode == 0 && !addrs.is_empty() && addrs.iter().all(IpAddr::is_unspecified);
    match expected {
        BlockingAnswer::Auto => rcode == 3 || any_address,
        BlockingAnswer::NxDomain => rcode == 3,
        BlockingAnswer::AnyAddress => any_address,
        BlockingAnswer::Custom(list) => {
            rcode == 0
                && addrs.iter().all(|a| list.contains(a))
                && (!addrs.is_empty() || !list.iter().any(IpAddr::is_ipv4))
        }
    }
}

/// A duration for people, to the millisecond (a probe's budget is what is left of the scrape's
/// deadline: "2s 618ms", not "2s 618ms 20us 97ns").
#[must_use]
pub fn shown(d: Duration) -> humantime::FormattedDuration {
    let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    humantime::format_duration(Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_shown_to_the_millisecond() {
        assert_eq!(shown(Duration::new(2, 618_020_097)).to_string(), "2s 618ms");
        assert_eq!(shown(Duration::from_micros(400)).to_string(), "0s");
        assert!(!shown(Duration::MAX).to_string().is_empty());
    }
}
