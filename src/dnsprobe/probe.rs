//! The probes: one real query per configured transport to the server's own listeners, all
//! concurrently, each bounded by `--collector.dns.timeout` and the scrape deadline (address
//! lookup, connection and handshake included in the measured duration), plus the optional
//! blocked-name query. The results are plain data ([`DnsData`]); the `dns` collector writes them.
//!
//! A truncated UDP answer (TC bit) counts as an answer: its response code decides success and
//! the answer checks see only the records that arrived (a client would retry over TCP, which the
//! `tcp` transport probes).

use std::net::IpAddr;
use std::time::Duration;

use futures_util::future::join_all;
use hickory_proto::op::{DnsResponse, Query};
use hickory_proto::rr::RecordType;
use tokio::time::Instant;

use super::channel::Channel;
use super::classify::{ProbeError, addresses, is_blocking_answer};
use super::settings::{DnsSettings, Transport};
use super::target::DnsTarget;

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

/// UDP probes send the query once more after this much silence, as a stub resolver would.
const UDP_RESEND: Duration = Duration::from_millis(333);

/// One query over one transport on a new channel, timed; the result has no verdict on the
/// answer yet.
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
    let mut channel = Channel::new(settings, target, transport).with_udp_resend(UDP_RESEND);
    let outcome = channel.ask(&question, budget).await;
    let duration = started.elapsed();
    let (response, error) = match outcome {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(e)),
    };
    let result = ProbeResult {
        transport,
        endpoint: channel.endpoint(),
        duration,
        response: response.as_ref().map(|r| ResponseSummary {
            rcode: u16::from(r.metadata.response_code),
            answers: r.answers.len(),
            truncated: r.metadata.truncation,
        }),
        certificate_expiry: channel.certificate_expiry(),
        error,
    };
    (result, response)
}
