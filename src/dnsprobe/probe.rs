//! The probes: one real query per configured transport to the server's own listeners, all
//! concurrently, each bounded by `--collector.dns.timeout` and the scrape deadline (address
//! lookup, connection and handshake included in the measured duration), plus the optional
//! blocked-name query. The results are plain data ([`DnsData`]); the `dns` collector writes them.
//!
//! A truncated UDP answer (TC bit) counts as an answer: its response code decides success and
//! the answer checks see only the records that arrived (a client would retry over TCP, which the
//! `tcp` transport probes).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use hickory_proto::op::{DnsRequest, DnsRequestOptions, DnsResponse, Query};
use hickory_proto::rr::RecordType;
use tokio::time::Instant;

use super::classify::{ProbeError, addresses, classify, is_blocking_answer};
use super::settings::{DnsSettings, Transport};
use super::target::DnsTarget;
use super::transport::{resolve, send};
use crate::tls::Recorder;

/// Probes end this long before the scrape deadline, so their results (timeouts included) are
/// rendered instead of the whole collector being cut off.
const DEADLINE_MARGIN: Duration = Duration::from_millis(50);

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
        let addr = resolve(target.host(), port).await?;
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
    match target.trust().map(|t| t.client_config(&[])) {
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
    let host = if target.host().contains(':') {
        format!("[{}]", target.host())
    } else {
        target.host().to_owned()
    };
    let port = settings.port(transport);
    match transport {
        Transport::Https => format!("https://{host}:{port}{}", settings.https_path),
        _ => format!("{host}:{port}"),
    }
}
