//! Forwarder probes through the server's own DNS client: given the forwarders and protocol of
//! `settings/get`, one `dnsClient/resolve` per forwarder over that protocol, a few at a time,
//! each bounded by its timeout and the scrape deadline, and what each answer means (its
//! response code and Technitium's round-trip time).
//!
//! A forwarder that fails to answer is data (a failed [`ForwarderResult`]), and so is one whose
//! own `dnsClient/resolve` call failed (an HTTP 502, an answer that is not JSON): the other
//! forwarders' series stay. The token or its rights failing, or every call failing, is the
//! API's problem: the probes' error.

use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::time::Instant;

use super::classify::shown;
use super::rcode::{rcode_from_label, rcode_label};
use crate::exposition::labels::Rule;
use crate::technitium::types::{ForwarderConfig, ResolveAnswer};
use crate::technitium::{ApiError, Client};

/// Calls end this long before the scrape deadline, so their results are rendered.
const DEADLINE_MARGIN: Duration = Duration::from_millis(50);

/// What the forwarder probes ask and how many run at once.
#[derive(Debug, Clone)]
pub struct ForwarderSettings {
    /// The name asked for, as sent to the API.
    pub query_name: String,
    /// The record type, as sent to the API.
    pub query_type: String,
    /// Response codes that count as success.
    pub expected_rcodes: Vec<u16>,
    /// Limit of one call.
    pub timeout: Duration,
    /// Calls in flight at once.
    pub concurrency: usize,
    /// Forwarders probed at most.
    pub limit: usize,
}

impl Default for ForwarderSettings {
    /// `. NS` expecting NOERROR, 5 s per call, 4 at a time, the first 32 forwarders.
    fn default() -> Self {
        Self {
            query_name: ".".to_owned(),
            query_type: "NS".to_owned(),
            expected_rcodes: vec![0],
            timeout: Duration::from_secs(5),
            concurrency: 4,
            limit: 32,
        }
    }
}

/// One forwarder's probe.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwarderResult {
    /// The address as configured on the server.
    pub forwarder: String,
    /// Whether an answer with an expected response code came back.
    pub success: bool,
    /// `Metadata.RoundTripTime`, in seconds, when it parsed.
    pub rtt: Option<f64>,
    /// The response code's mnemonic (`NOERROR`, …), when an answer came.
    pub rcode: Option<&'static str>,
    /// Why it failed, for logs and `check`.
    pub error: Option<String>,
}

/// What one scrape of the `forwarders` collector found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForwardersData {
    /// The `protocol` label: `forwarderProtocol` in lower snake case (`udp`, `tls`, `https`, …).
    pub protocol: String,
    /// The protocol as sent to the API (`Udp`, `Tls`, …).
    pub api_protocol: String,
    /// One result per probed forwarder, in configured order.
    pub results: Vec<ForwarderResult>,
    /// Forwarders left out by `--collector.forwarders.limit`.
    pub skipped: usize,
    /// Forwarders left out because their text cannot be a label value (a control character,
    /// longer than 255 bytes): never probed.
    pub unusable: usize,
}

/// Probes each forwarder of `config` (settings/get's answer) through the server's DNS client.
///
/// # Errors
/// A call refused for the token or its rights (or the exporter's own limits); the first
/// call's error when every call failed.
pub async fn probe_forwarders(
    client: &Client,
    config: ForwarderConfig,
    settings: &ForwarderSettings,
    deadline: Instant,
) -> Result<ForwardersData, ApiError> {
    let api_protocol = api_protocol(config.forwarder_protocol.as_deref());
    let mut forwarders: Vec<String> = Vec::new();
    let mut unusable = 0;
    for f in config.forwarders.unwrap_or_default() {
        let f = f.trim().to_owned();
        if f.is_empty() || forwarders.contains(&f) {
            continue;
        }
        if Rule::Name.accepts(&f) {
            forwarders.push(f);
        } else {
            unusable += 1;
        }
    }
    let skipped = forwarders.len().saturating_sub(settings.limit);
    forwarders.truncate(settings.limit);
    let limit = deadline
        .checked_sub(DEADLINE_MARGIN)
        .filter(|l| *l > Instant::now())
        .unwrap_or(deadline);
    let protocol = &api_protocol;
    let probes: Vec<Result<Probe, ApiError>> = futures_util::stream::iter(forwarders)
        .map(|f| probe_one(client, settings, f, protocol, limit))
        .buffered(settings.concurrency)
        .collect()
        .await;
    let mut probes = probes.into_iter().collect::<Result<Vec<_>, _>>()?;
    // One failed call is that forwarder's failure; every call failing is the API's.
    if probes.iter().all(|p| p.call_error.is_some())
        && let Some(e) = probes.first_mut().and_then(|p| p.call_error.take())
    {
        return Err(e);
    }
    let results = probes.into_iter().map(|p| p.result).collect();
    Ok(ForwardersData {
        protocol: api_protocol.to_ascii_lowercase(),
        api_protocol,
        results,
        skipped,
        unusable,
    })
}

/// `forwarderProtocol` as the API takes it; Technitium's default is `Udp`. A value that is not
/// a protocol name (it becomes the `protocol` label) reads as the default.
fn api_protocol(p: Option<&str>) -> String {
    let p = p
        .map(str::trim)
        .filter(|p| Rule::Token.accepts(p))
        .unwrap_or("Udp");
    ["Udp", "Tcp", "Tls", "Https", "Quic"]
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(p))
        .unwrap_or(p)
        .to_owned()
}

/// One forwarder's probe, and the call's own failure when the API (not the forwarder) failed.
struct Probe {
    result: ForwarderResult,
    call_error: Option<ApiError>,
}

/// Whether an error of one `dnsClient/resolve` call stops the whole collector: the token, its
/// rights, a call the exporter must not make, the exporter's own memory budget or node, a bug.
/// Anything else (an HTTP error, an answer that is not JSON, a dropped connection) happened
/// to that one call: it counts as that forwarder's failure.
fn stops_the_collector(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::MissingToken { .. }
            | ApiError::InvalidToken { .. }
            | ApiError::TwoFactorRequired { .. }
            | ApiError::PermissionDenied { .. }
            | ApiError::ParameterNotAllowed { .. }
            | ApiError::OverBudget { .. }
            | ApiError::Internal { .. }
            | ApiError::NodeUnreachable { .. }
            | ApiError::NodeNotListed { .. }
            | ApiError::WrongNode { .. }
    )
}

async fn probe_one(
    client: &Client,
    settings: &ForwarderSettings,
    forwarder: String,
    protocol: &str,
    limit: Instant,
) -> Result<Probe, ApiError> {
    let budget = settings
        .timeout
        .min(limit.saturating_duration_since(Instant::now()));
    let call = client.resolve(
        &forwarder,
        &settings.query_name,
        &settings.query_type,
        protocol,
    );
    let failed = |error: String| ForwarderResult {
        forwarder: forwarder.clone(),
        success: false,
        rtt: None,
        rcode: None,
        error: Some(error),
    };
    let forwarders_fault = |result| {
        Ok(Probe {
            result,
            call_error: None,
        })
    };
    match tokio::time::timeout(budget, call).await {
        Err(_) => forwarders_fault(failed(format!(
            "no answer from the server's DNS client within {}",
            shown(budget)
        ))),
        // Technitium's DNS client gave up (timeout, refused, unreachable): the forwarder's fault.
        Ok(Err(ApiError::Api { message, .. })) => forwarders_fault(failed(message)),
        Ok(Err(ApiError::Timeout { timeout, .. })) => forwarders_fault(failed(format!(
            "the server's DNS client did not answer within {}",
            shown(timeout)
        ))),
        // Token, permission: the collector fails.
        Ok(Err(e)) if stops_the_collector(&e) => Err(e),
        // This call failed (502, garbage, a dropped connection): this forwarder is not known
        // to work, the others' results stand.
        Ok(Err(e)) => Ok(Probe {
            result: failed(format!("the probe's API call failed: {e}")),
            call_error: Some(e),
        }),
        Ok(Ok(answer)) => forwarders_fault(evaluate(&forwarder, settings, &answer)),
    }
}

fn evaluate(
    forwarder: &str,
    settings: &ForwarderSettings,
    answer: &ResolveAnswer,
) -> ForwarderResult {
    let result = answer.result.as_ref();
    let rcode = result.and_then(|r| r.rcode.as_deref()).map(rcode_code);
    let rtt = result
        .and_then(|r| r.metadata.as_ref())
        .and_then(|m| m.round_trip_time.as_deref())
        .and_then(parse_rtt);
    let (success, error) = match rcode {
        None => (false, Some("the answer has no RCODE".to_owned())),
        Some(Some(code)) if settings.expected_rcodes.contains(&code) => (true, None),
        Some(code) => (
            false,
            Some(format!(
                "unexpected response code {}",
                code.map_or("other", rcode_label)
            )),
        ),
    };
    ForwarderResult {
        forwarder: forwarder.to_owned(),
        success,
        rtt,
        rcode: rcode.map(|c| c.map_or("other", rcode_label)),
        error,
    }
}

/// The numeric code of Technitium's `RCODE` text (.NET's `DnsResponseCode` names; an undefined
/// value prints as its number).
fn rcode_code(s: &str) -> Option<u16> {
    let s = s.trim();
    let code = match s.to_ascii_lowercase().as_str() {
        "noerror" => 0,
        "formaterror" => 1,
        "serverfailure" => 2,
        "nxdomain" => 3,
        "notimplemented" => 4,
        "refused" => 5,
        "yxdomain" => 6,
        "yxrrset" => 7,
        "nxrrset" => 8,
        "notauth" => 9,
        "notzone" => 10,
        "badvers" => 16,
        "badcookie" => 23,
        _ => return rcode_from_label(s),
    };
    Some(code)
}

/// `Metadata.RoundTripTime` (`"1.42 ms"`; Technitium writes `Math.Round(rtt, 2) + " ms"` in the
/// server's culture, so `"1,42 ms"` too) in seconds; `None` for anything malformed, negative or
/// not finite.
#[must_use]
pub fn parse_rtt(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-' || c == '+'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number = number.trim();
    // One comma and no dot is a decimal comma; anything else with a comma is ambiguous.
    let number = match (number.matches(',').count(), number.contains('.')) {
        (0, _) => number.to_owned(),
        (1, false) => number.replace(',', "."),
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    let scale = match unit.trim() {
        "ms" => 1e-3,
        "s" => 1.0,
        "us" | "µs" | "μs" => 1e-6,
        "ns" => 1e-9,
        _ => return None,
    };
    let seconds = value * scale;
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_times_parse() {
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-12);
        assert!(close(parse_rtt("1.42 ms"), 0.00142));
        assert!(close(parse_rtt("1,42 ms"), 0.00142));
        assert!(close(parse_rtt(" 12 ms "), 0.012));
        assert!(close(parse_rtt("0.1 ms"), 0.0001));
        assert!(close(parse_rtt("2 s"), 2.0));
        assert!(close(parse_rtt("250 µs"), 0.00025));
        assert!(close(parse_rtt("1234.5ms"), 1.2345));
        for bad in [
            "",
            "ms",
            "fast",
            "1.42",
            "1.42 parsecs",
            "-3 ms",
            "1,234.5 ms",
            "NaN ms",
            "1..2 ms",
        ] {
            assert_eq!(parse_rtt(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dotnet_rcodes_map_to_mnemonics() {
        assert_eq!(rcode_code("NoError"), Some(0));
        assert_eq!(rcode_code("ServerFailure"), Some(2));
        assert_eq!(rcode_code("NxDomain"), Some(3));
        assert_eq!(rcode_code("Refused"), Some(5));
        assert_eq!(rcode_code("11"), Some(11));
        assert_eq!(rcode_code("Whatever"), None);
        assert_eq!(rcode_label(11), "other");
    }

    #[test]
    fn protocols_are_normalised() {
        assert_eq!(api_protocol(None), "Udp");
        assert_eq!(api_protocol(Some("tls")), "Tls");
        assert_eq!(api_protocol(Some("Https")), "Https");
        assert_eq!(api_protocol(Some("HttpsJson")), "HttpsJson");
        assert_eq!(api_protocol(Some("Https\"} 1\nx")), "Udp");
    }
}
