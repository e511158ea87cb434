//! The probes: one real query per configured transport to the server's own listeners, all
//! concurrently, each bounded by `--collector.dns.timeout` and the scrape deadline (address
//! lookup, connection and handshake included in the measured duration), plus the optional
//! blocked-name query; and [`write_dns`], which renders the results.
//!
//! UDP, TCP and DoT use hickory-net's clients: `UdpClientStream` (up to two sends, a retry
//! after 333 ms of silence, as a stub resolver would), `TcpClientStream`, `tls_exchange`; DoQ,
//! with the `dns-quic` feature, `QuicClientStream`. DoH is an RFC 8484 POST of the hickory-proto
//! message over HTTP/1.1 with reqwest, the HTTP client the API already uses: Technitium's DoH
//! listener always speaks HTTP/1.1 (HTTP/2 only where the platform supports it), and hickory's
//! HTTP/2 client would add the h2 stack, about 650 KB of binary, for the same answer. Nothing is
//! kept between probes: each opens and closes its own connection, so a probe measures what a new
//! client experiences.
//!
//! A truncated UDP answer (TC bit) counts as an answer: its response code decides success and
//! the answer checks see only the records that arrived (a client would retry over TCP, which the
//! `tcp` transport probes).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use hickory_net::NetError;
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::xfer::{DnsHandle as _, DnsRequestSender as _, FirstAnswer as _};
use hickory_proto::op::{DnsRequest, DnsRequestOptions, DnsResponse, Query};
use hickory_proto::rr::{RData, RecordType};
use rustls::pki_types::ServerName;
use tokio::time::Instant;
use url::{Host, Url};

use super::rcode_label;
use super::settings::{BlockingAnswer, DnsSettings, Transport};
use crate::exposition::{Encoder, Kind};
use crate::technitium::shorten;
use crate::tls::{Recorder, TlsFailure, TlsTrust};

/// Probes end this long before the scrape deadline, so their results (timeouts included) are
/// rendered instead of the whole collector being cut off.
const DEADLINE_MARGIN: Duration = Duration::from_millis(50);
/// UDP sends per probe: the first and one retry.
const UDP_SENDS: u8 = 2;

/// Where the probes go and whom they trust: built once per target.
#[derive(Debug, Clone)]
pub struct DnsTarget {
    host: String,
    trust: Option<Arc<TlsTrust>>,
}

impl DnsTarget {
    /// The target of `settings` for a server whose API is at `api_url`: the configured address,
    /// else the URL's host; trust from the target's TLS settings when an encrypted transport is
    /// configured.
    ///
    /// # Errors
    /// When the URL has no host and no address is configured, or the CA file is unusable.
    pub fn new(
        api_url: &Url,
        settings: &DnsSettings,
        ca_file: Option<&std::path::Path>,
        insecure_skip_verify: bool,
    ) -> Result<Self, String> {
        let host = match &settings.address {
            Some(a) => a.clone(),
            None => match api_url.host() {
                Some(Host::Domain(d)) => d.to_owned(),
                Some(Host::Ipv4(ip)) => ip.to_string(),
                Some(Host::Ipv6(ip)) => ip.to_string(),
                None => {
                    return Err(format!(
                        "{api_url} has no host to send DNS probes to: set --collector.dns.address"
                    ));
                }
            },
        };
        let trust = if settings.transports.iter().any(|t| t.is_encrypted()) {
            Some(Arc::new(
                TlsTrust::new(ca_file, insecure_skip_verify).map_err(|e| e.to_string())?,
            ))
        } else {
            None
        };
        Ok(Self { host, trust })
    }

    /// A target with an explicit host and trust (the demo, tests).
    #[must_use]
    pub fn with_trust(host: impl Into<String>, trust: Option<Arc<TlsTrust>>) -> Self {
        Self {
            host: host.into(),
            trust,
        }
    }

    /// The host the probes go to.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }
}

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
            Self::Timeout(d) => write!(f, "no answer within {}", super::shown(*d)),
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

/// What came back, when something did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseSummary {
    /// The response code (EDNS extended bits included).
    pub rcode: u16,
    /// Records in the answer section.
    pub answers: usize,
    /// The TC bit.
    pub truncated: bool,
}

/// One transport's probe.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    /// Which transport.
    pub transport: Transport,
    /// Where it went (`host:port`, the DoH URL).
    pub endpoint: String,
    /// From the start (address lookup) to the decoded answer or the failure.
    pub duration: Duration,
    /// The answer, when one came.
    pub response: Option<ResponseSummary>,
    /// `notAfter` of the server's certificate, when a TLS handshake got that far.
    pub certificate_expiry: Option<i64>,
    /// Why the probe failed; `None` on success.
    pub error: Option<ProbeError>,
}

impl ProbeResult {
    /// Whether the probe succeeded.
    #[must_use]
    pub fn success(&self) -> bool {
        self.error.is_none()
    }
}

/// The blocked-name query's result.
#[derive(Debug, Clone)]
pub struct BlockingResult {
    /// The transport it used (the first configured one).
    pub transport: Transport,
    /// The answer, when one came.
    pub response: Option<ResponseSummary>,
    /// The addresses in the answer (the first eight, for `check`).
    pub addresses: Vec<IpAddr>,
    /// `Some(true)` when the answer is the blocking answer; `None` when no answer came.
    pub works: Option<bool>,
    /// Why no answer came.
    pub error: Option<ProbeError>,
}

/// Everything one scrape of the `dns` collector found.
#[derive(Debug, Clone, Default)]
pub struct DnsData {
    /// One result per configured transport, in transport order.
    pub probes: Vec<ProbeResult>,
    /// The blocked-name check, when configured.
    pub blocking: Option<BlockingResult>,
}

/// Runs every configured probe concurrently; returns by `deadline` (less a small margin).
pub async fn probe_all(settings: &DnsSettings, target: &DnsTarget, deadline: Instant) -> DnsData {
    let limit = deadline
        .checked_sub(DEADLINE_MARGIN)
        .filter(|l| *l > Instant::now())
        .unwrap_or(deadline);
    let question = Query::query(settings.query_name.clone(), settings.query_type);
    let probes = join_all(
        settings
            .transports
            .iter()
            .map(|t| probe(settings, target, *t, question.clone(), limit)),
    );
    let blocked = async {
        let check = settings.blocked.as_ref()?;
        let transport = *settings.transports.first()?;
        let question = Query::query(check.name.clone(), RecordType::A);
        let (result, response) = exchange_timed(settings, target, transport, question, limit).await;
        let addresses: Vec<IpAddr> = response
            .as_ref()
            .map(|r| addresses(r).take(8).collect())
            .unwrap_or_default();
        let works = response
            .as_ref()
            .map(|r| is_blocking_answer(&check.answer, r));
        Some(BlockingResult {
            transport,
            response: result.response.clone(),
            addresses,
            works,
            error: result.error,
        })
    };
    let (probes, blocking) = tokio::join!(probes, blocked);
    DnsData { probes, blocking }
}

async fn probe(
    settings: &DnsSettings,
    target: &DnsTarget,
    transport: Transport,
    question: Query,
    limit: Instant,
) -> ProbeResult {
    let (mut result, response) = exchange_timed(settings, target, transport, question, limit).await;
    if let (Some(summary), Some(response)) = (&result.response, &response) {
        if !settings.expected_rcodes.contains(&summary.rcode) {
            result.error = Some(ProbeError::UnexpectedRcode(summary.rcode));
        } else if let Some(re) = &settings.answer_regex
            && !response
                .answers
                .iter()
                .any(|rr| re.is_match(&rr.to_string()))
        {
            result.error = Some(ProbeError::AnswerMismatch);
        }
    }
    result
}

/// One query over one transport, timed; the result has no verdict on the answer yet.
async fn exchange_timed(
    settings: &DnsSettings,
    target: &DnsTarget,
    transport: Transport,
    question: Query,
    limit: Instant,
) -> (ProbeResult, Option<DnsResponse>) {
    let started = Instant::now();
    let budget = settings
        .timeout
        .min(limit.saturating_duration_since(started));
    let port = settings.port(transport);
    let endpoint = endpoint_text(settings, target, transport);
    let tls = match tls_for(target, transport) {
        Ok(tls) => tls,
        Err(e) => return (failed(transport, endpoint, started, e), None),
    };
    let recorder = tls.as_ref().map(|(_, r)| Arc::clone(r));
    let run = async {
        let addr = resolve(&target.host, port).await?;
        let mut options = DnsRequestOptions::default();
        options.recursion_desired = true;
        let request = DnsRequest::from_query(question, options);
        send(
            settings,
            target,
            transport,
            addr,
            request,
            tls.map(|(c, _)| c),
            budget,
        )
        .await
    };
    let outcome = tokio::time::timeout(budget, run).await;
    let duration = started.elapsed();
    let certificate_expiry = recorder.as_ref().and_then(|r| r.not_after());
    let (response, error) = match outcome {
        Err(_) => (None, Some(ProbeError::Timeout(budget))),
        Ok(Err(e)) => (None, Some(classify(e, recorder.as_deref(), budget))),
        Ok(Ok(r)) => (Some(r), None),
    };
    let result = ProbeResult {
        transport,
        endpoint,
        duration,
        response: response.as_ref().map(|r| ResponseSummary {
            rcode: u16::from(r.metadata.response_code),
            answers: r.answers.len(),
            truncated: r.metadata.truncation,
        }),
        certificate_expiry,
        error,
    };
    (result, response)
}

/// The TLS client configuration of an encrypted transport, and the recorder of the
/// certificate it sees; `None` for plain DNS.
fn tls_for(
    target: &DnsTarget,
    transport: Transport,
) -> Result<Option<(rustls::ClientConfig, Arc<Recorder>)>, ProbeError> {
    if !transport.is_encrypted() {
        return Ok(None);
    }
    match target.trust.as_ref().map(|t| t.client_config(&[])) {
        Some(Ok(c)) => Ok(Some(c)),
        Some(Err(e)) => Err(ProbeError::Other(e.to_string())),
        None => Err(ProbeError::NoTrust),
    }
}

fn failed(
    transport: Transport,
    endpoint: String,
    started: Instant,
    error: ProbeError,
) -> ProbeResult {
    ProbeResult {
        transport,
        endpoint,
        duration: started.elapsed(),
        response: None,
        certificate_expiry: None,
        error: Some(error),
    }
}

/// Where a transport's probe goes, for people.
fn endpoint_text(settings: &DnsSettings, target: &DnsTarget, transport: Transport) -> String {
    let host = if target.host.contains(':') {
        format!("[{}]", target.host)
    } else {
        target.host.clone()
    };
    let port = settings.port(transport);
    match transport {
        Transport::Https => format!("https://{host}:{port}{}", settings.https_path),
        _ => format!("{host}:{port}"),
    }
}

/// Why a probe could not even start or what the transport said.
enum Failure {
    Resolve(String),
    Net(NetError),
    /// DoH: the HTTP client's error (without its URL).
    Http(reqwest::Error),
    /// DoH: a non-2xx status.
    HttpStatus(u16),
    /// DoH: an answer that is not a DNS message.
    BadAnswer(String),
}

/// Largest DoH answer read (a DNS message is at most 65 535 bytes).
const DOH_MAX_ANSWER: usize = 65_535;

async fn resolve(host: &str, port: u16) -> Result<SocketAddr, Failure> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let mut addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| Failure::Resolve(format!("{host}: {e}")))?;
    addrs
        .next()
        .ok_or_else(|| Failure::Resolve(format!("{host} has no address")))
}

fn server_name(settings: &DnsSettings, target: &DnsTarget) -> String {
    settings
        .tls_server_name
        .clone()
        .unwrap_or_else(|| target.host.clone())
}

async fn send(
    settings: &DnsSettings,
    target: &DnsTarget,
    transport: Transport,
    addr: SocketAddr,
    request: DnsRequest,
    tls: Option<rustls::ClientConfig>,
    budget: Duration,
) -> Result<DnsResponse, Failure> {
    // hickory runs the TCP/TLS connection's background task in the provider's JoinSet, which
    // aborts it when the last provider clone is dropped: this one lives until the answer came.
    let runtime = TokioRuntimeProvider::new();
    let provider = runtime.clone();
    let net = Failure::Net;
    let tls_config = || {
        tls.clone()
            .ok_or(Failure::Net(NetError::from("no TLS configuration")))
    };
    let result = match transport {
        Transport::Udp => {
            let mut stream = hickory_net::udp::UdpClientStream::builder(addr, provider)
                .with_timeout(Some(budget))
                .with_max_retries(UDP_SENDS)
                .build();
            stream
                .send_message(request)
                .first_answer()
                .await
                .map_err(net)
        }
        Transport::Tcp => {
            let exchange =
                hickory_net::tcp::TcpClientStream::exchange(addr, None, budget, None, provider)
                    .await
                    .map_err(net)?;
            exchange.send(request).first_answer().await.map_err(net)
        }
        Transport::Tls => {
            let name = server_name(settings, target);
            dot(addr, name, request, tls_config()?, budget, provider).await
        }
        Transport::Https => doh(settings, target, addr, request, tls_config()?, budget).await,
        #[cfg(feature = "dns-quic")]
        Transport::Quic => {
            let name = server_name(settings, target);
            doq(addr, name, request, tls_config()?, budget).await
        }
        #[cfg(not(feature = "dns-quic"))]
        Transport::Quic => Err(Failure::Net(NetError::from(
            "this build has no DNS-over-QUIC support",
        ))),
    };
    drop(runtime);
    result
}

/// One query over DNS-over-TLS (RFC 7858) on a new connection to `addr`.
async fn dot(
    addr: SocketAddr,
    name: String,
    request: DnsRequest,
    tls: rustls::ClientConfig,
    budget: Duration,
    provider: TokioRuntimeProvider,
) -> Result<DnsResponse, Failure> {
    let net = Failure::Net;
    let name = ServerName::try_from(name)
        .map_err(|e| Failure::Net(NetError::from(format!("not a valid TLS server name: {e}"))))?;
    let exchange = hickory_net::tls::tls_exchange(addr, name, tls, budget, None, provider)
        .await
        .map_err(net)?;
    exchange.send(request).first_answer().await.map_err(net)
}

/// One query over DNS-over-QUIC (RFC 9250) on a new connection to `addr`.
#[cfg(feature = "dns-quic")]
async fn doq(
    addr: SocketAddr,
    name: String,
    request: DnsRequest,
    tls: rustls::ClientConfig,
    budget: Duration,
) -> Result<DnsResponse, Failure> {
    let net = Failure::Net;
    let mut stream = hickory_net::quic::QuicClientStream::builder()
        .crypto_config(tls)
        .request_timeout(budget)
        .build(addr, Arc::from(name))
        .await
        .map_err(net)?;
    stream
        .send_message(request)
        .first_answer()
        .await
        .map_err(net)
}

/// One RFC 8484 POST over HTTP/1.1 on a new connection to `addr`, verified for the TLS server
/// name.
async fn doh(
    settings: &DnsSettings,
    target: &DnsTarget,
    addr: SocketAddr,
    request: DnsRequest,
    mut tls: rustls::ClientConfig,
    budget: Duration,
) -> Result<DnsResponse, Failure> {
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = server_name(settings, target);
    let is_ip = name.parse::<IpAddr>().is_ok();
    let host = if name.contains(':') {
        format!("[{name}]")
    } else {
        name.clone()
    };
    let url = format!("https://{host}:{}{}", addr.port(), settings.https_path);
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .http1_only()
        .pool_max_idle_per_host(0)
        .connect_timeout(budget)
        .timeout(budget)
        .user_agent(concat!("technitium-exporter/", env!("CARGO_PKG_VERSION")));
    if !is_ip {
        // The connection goes to the probed address; the name is for TLS and the Host header.
        builder = builder.resolve(&name, addr);
    }
    let client = builder.build().map_err(Failure::Http)?;
    read_doh_answer(client, url, request).await
}

/// Sends the DoH request and reads the answer: a 2xx status, a DNS message content type, at
/// most [`DOH_MAX_ANSWER`] bytes.
async fn read_doh_answer(
    client: reqwest::Client,
    url: String,
    request: DnsRequest,
) -> Result<DnsResponse, Failure> {
    use reqwest::header::{ACCEPT, CONTENT_TYPE};
    const DNS_MESSAGE: &str = "application/dns-message";
    let (mut message, _) = request.into_parts();
    // RFC 8484 4.1: id 0 keeps answers cacheable.
    message.metadata.id = 0;
    let body = message
        .to_vec()
        .map_err(|e| Failure::Net(NetError::from(e)))?;
    let mut response = client
        .post(url)
        .header(CONTENT_TYPE, DNS_MESSAGE)
        .header(ACCEPT, DNS_MESSAGE)
        .body(body)
        .send()
        .await
        .map_err(Failure::Http)?;
    let status = response.status();
    if !status.is_success() {
        return Err(Failure::HttpStatus(status.as_u16()));
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    if let Some(ct) = content_type.filter(|ct| ct != DNS_MESSAGE) {
        return Err(Failure::BadAnswer(format!(
            "the server answered {:?} instead of a DNS message: is --collector.dns.https-path the DoH endpoint?",
            shorten(&ct)
        )));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Failure::Http)? {
        if bytes.len() + chunk.len() > DOH_MAX_ANSWER {
            return Err(Failure::BadAnswer(
                "the answer is larger than any DNS message".to_owned(),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    DnsResponse::from_buffer(bytes).map_err(|e| {
        Failure::BadAnswer(format!(
            "the answer is not a DNS message ({})",
            shorten(&e.to_string())
        ))
    })
}

/// Turns a transport failure into something a person can act on. A certificate verdict
/// recorded during the handshake wins over the transport's words.
fn classify(failure: Failure, recorder: Option<&Recorder>, budget: Duration) -> ProbeError {
    if let Some(cert_error) = recorder
        .filter(|r| !r.accepts_any())
        .and_then(Recorder::error)
    {
        return ProbeError::Tls(TlsFailure::from_rustls(&cert_error));
    }
    let e = match failure {
        Failure::Resolve(s) => return ProbeError::Resolve(s),
        Failure::HttpStatus(status) => return ProbeError::HttpStatus(status),
        Failure::BadAnswer(s) => return ProbeError::Other(s),
        Failure::Http(e) => return classify_http(&e.without_url(), recorder, budget),
        Failure::Net(e) => e,
    };
    match &e {
        NetError::Timeout => ProbeError::Timeout(budget),
        NetError::Io(io) => {
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
                | std::io::ErrorKind::BrokenPipe => {
                    if recorder.is_some_and(|r| r.not_after().is_none()) {
                        // Closed before any certificate came: not a TLS listener.
                        ProbeError::Tls(TlsFailure::NotTls)
                    } else {
                        ProbeError::Closed
                    }
                }
                _ => ProbeError::Other(shorten(&io.to_string())),
            }
        }
        NetError::RustlsError(tls) => ProbeError::Tls(TlsFailure::from_rustls(tls)),
        NetError::Msg(m) if m.contains("closed") => ProbeError::Closed,
        NetError::Msg(m) => ProbeError::Other(shorten(m)),
        other => ProbeError::Other(shorten(&other.to_string())),
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
                    return if recorder.is_some_and(|r| r.not_after().is_none()) {
                        ProbeError::Tls(TlsFailure::NotTls)
                    } else {
                        ProbeError::Closed
                    };
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
fn addresses(response: &DnsResponse) -> impl Iterator<Item = IpAddr> + '_ {
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
fn is_blocking_answer(expected: &BlockingAnswer, response: &DnsResponse) -> bool {
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

/// The question name as the probes ask it (for `check` and logs).
#[must_use]
pub fn question_text(settings: &DnsSettings) -> String {
    format!("{} {}", settings.query_name, settings.query_type)
}

/// Writes the `dns` collector's families.
#[allow(clippy::cast_precision_loss)]
pub fn write_dns(data: &DnsData, enc: &mut Encoder) {
    let probes = &data.probes;
    per_transport(
        enc,
        probes,
        "technitium_dns_probe_success",
        "Whether the DNS probe over a transport got an expected answer (1) or not (0).",
        |p| Some(if p.success() { 1.0 } else { 0.0 }),
    );
    per_transport(
        enc,
        probes,
        "technitium_dns_probe_duration_seconds",
        "Time the DNS probe over a transport took, address lookup, connection and handshake included (until the failure when it failed).",
        |p| Some(p.duration.as_secs_f64()),
    );
    if probes.iter().any(|p| p.response.is_some()) {
        enc.family(
            "technitium_dns_probe_rcode",
            Kind::Gauge,
            "The response code the DNS probe over a transport received (1); absent when no answer came.",
        );
        for p in probes {
            if let Some(r) = &p.response {
                let labels = [
                    ("transport", p.transport.as_str()),
                    ("rcode", rcode_label(r.rcode)),
                ];
                enc.sample(&labels, 1.0);
            }
        }
    }
    per_transport(
        enc,
        probes,
        "technitium_dns_probe_answer_records",
        "Records in the answer section of the DNS probe's response.",
        |p| p.response.as_ref().map(|r| r.answers as f64),
    );
    per_transport(
        enc,
        probes,
        "technitium_dns_probe_tls_certificate_expiry_timestamp_seconds",
        "When the certificate of an encrypted DNS listener expires, in seconds since the Unix epoch (also when it failed verification).",
        |p| p.certificate_expiry.map(|t| t as f64),
    );
    if let Some(works) = data.blocking.as_ref().and_then(|b| b.works) {
        enc.family(
            "technitium_dns_probe_blocking_works",
            Kind::Gauge,
            "Whether the configured blocked name got the server's blocking answer (1) or was resolved (0); absent when no answer came.",
        );
        enc.sample(&[], if works { 1.0 } else { 0.0 });
    }
}

/// A gauge family with one sample per transport that has a value; nothing when none has.
fn per_transport(
    enc: &mut Encoder,
    probes: &[ProbeResult],
    name: &str,
    help: &str,
    value: impl Fn(&ProbeResult) -> Option<f64>,
) {
    let mut values = probes
        .iter()
        .filter_map(|p| value(p).map(|v| (p.transport, v)))
        .peekable();
    if values.peek().is_none() {
        return;
    }
    enc.family(name, Kind::Gauge, help);
    for (transport, v) in values {
        enc.sample(&[("transport", transport.as_str())], v);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_probe_has_success_and_duration_but_no_answer_series() {
        let answered = ProbeResult {
            transport: Transport::Tls,
            endpoint: "dns.lan:853".to_owned(),
            duration: Duration::from_millis(25),
            response: Some(ResponseSummary {
                rcode: 3,
                answers: 0,
                truncated: false,
            }),
            certificate_expiry: Some(1_800_000_000),
            error: None,
        };
        let failed = ProbeResult {
            transport: Transport::Udp,
            endpoint: "dns.lan:53".to_owned(),
            duration: Duration::from_millis(500),
            response: None,
            certificate_expiry: None,
            error: Some(ProbeError::Timeout(Duration::from_millis(500))),
        };
        let data = DnsData {
            probes: vec![failed, answered],
            blocking: None,
        };
        let mut enc = Encoder::new(crate::exposition::ExpositionFormat::Text);
        write_dns(&data, &mut enc);
        let text = enc.finish();
        for line in [
            "technitium_dns_probe_success{transport=\"udp\"} 0\n",
            "technitium_dns_probe_success{transport=\"tls\"} 1\n",
            "technitium_dns_probe_duration_seconds{transport=\"udp\"} 0.5\n",
            "technitium_dns_probe_rcode{transport=\"tls\",rcode=\"NXDOMAIN\"} 1\n",
            "technitium_dns_probe_answer_records{transport=\"tls\"} 0\n",
            "technitium_dns_probe_tls_certificate_expiry_timestamp_seconds{transport=\"tls\"} 1800000000\n",
        ] {
            assert!(text.contains(line), "{line}in {text}");
        }
        assert_eq!(text.matches("transport=\"udp\"").count(), 2, "{text}");
        assert!(!text.contains("blocking_works"), "{text}");
    }

    #[test]
    fn nothing_is_written_without_results() {
        let mut enc = Encoder::new(crate::exposition::ExpositionFormat::Text);
        write_dns(&DnsData::default(), &mut enc);
        assert_eq!(enc.finish(), "");
    }
}
