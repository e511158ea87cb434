//! `forwarders` (opt-in): upstream forwarder health, measured from the server's own network and
//! over its own transport: the forwarders of settings/get (shared with the `settings`
//! collector: one call per scrape), then one `dnsClient/resolve` per forwarder, with bounded
//! concurrency ([`crate::dnsprobe::forwarder`]). The client's allowlist fixes that endpoint's
//! parameters, so `import` (which writes zones) can never be sent.
//!
//! A forwarder that fails to answer is data (`technitium_forwarder_probe_success 0`), and so is
//! one whose own call failed (an HTTP 502, garbage): the other forwarders' series stay, so a
//! down forwarder's alert keeps firing. The token or its rights failing, or every call failing,
//! fails the collector. The calls cost the server real queries, hence the default minimum
//! interval of a minute.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::contract::{BackgroundCx, Collect, Cx, Detail, DetailStatus, WriteCx};
use super::dns::options::{Field, Values, parse_name, parse_rcodes, parse_timeout, parse_type};
use super::error::CollectError;
use super::probe_log::ChangeLog;
use super::samples::flag;
use super::shared::lock;
use super::spec::{OptKind, OptSpec, OptionError, OptionValues, Spec};
use crate::dnsprobe::{ForwarderResult, ForwarderSettings, ForwardersData, probe_forwarders};
use crate::exposition::{Encoder, Histogram, Kind, LATENCY_BOUNDS};
use crate::technitium::types::ForwarderConfig;
use crate::technitium::{ApiError, Client, Endpoint, Section};

/// The `forwarders` collector.
#[derive(Debug)]
pub struct Forwarders;

/// The `forwarders` collector's default `--collector.forwarders.min-interval`.
pub const DEFAULT_MIN_INTERVAL: Duration = Duration::from_secs(60);

/// The `forwarders` collector's options, in help order.
static OPTIONS: [OptSpec; 6] = [
    OptSpec {
        key: "query-name",
        value_name: "NAME",
        help: "Name the server's DNS client asks each forwarder for",
        default: ".",
        kind: OptKind::Text,
    },
    OptSpec {
        key: "query-type",
        value_name: "TYPE",
        help: "Record type asked for",
        default: "NS",
        kind: OptKind::Text,
    },
    OptSpec {
        key: "expected-rcodes",
        value_name: "LIST",
        help: "Response codes that count as success, comma-separated",
        default: "NOERROR",
        kind: OptKind::List,
    },
    OptSpec {
        key: "timeout",
        value_name: "DURATION",
        help: "Limit for one forwarder's dnsClient/resolve call (the scrape deadline also applies)",
        default: "5s",
        kind: OptKind::Duration,
    },
    OptSpec {
        key: "concurrency",
        value_name: "N",
        help: "dnsClient/resolve calls in flight at once",
        default: "4",
        kind: OptKind::Count,
    },
    OptSpec {
        key: "limit",
        value_name: "N",
        help: "Forwarders probed at most (the first ones as configured)",
        default: "32",
        kind: OptKind::Count,
    },
];

/// Per target: which forwarders were failing (one log line per change) and, in `serve`, each
/// forwarder's round trips so far.
#[derive(Debug, Default)]
pub struct ForwardersState {
    changes: ChangeLog,
    /// By forwarder and protocol; `None` outside `serve` (a single run has one probe, no
    /// distribution). Only the forwarders of the last probe are kept.
    rtt: Mutex<Option<BTreeMap<(String, String), Histogram>>>,
}

impl ForwardersState {
    /// Observes each round trip of `data` (in `serve`) and gives every forwarder's histogram.
    fn observe(&self, data: &ForwardersData) -> Vec<(String, Histogram)> {
        let mut rtt = lock(&self.rtt);
        let Some(by_forwarder) = rtt.as_mut() else {
            return Vec::new();
        };
        let key = |r: &ForwarderResult| (r.forwarder.clone(), data.protocol.clone());
        by_forwarder.retain(|k, _| data.results.iter().any(|r| key(r) == *k));
        for r in &data.results {
            let h = by_forwarder
                .entry(key(r))
                .or_insert_with(|| Histogram::new(LATENCY_BOUNDS));
            if let Some(secs) = r.rtt {
                h.observe(secs);
            }
        }
        data.results
            .iter()
            .filter_map(|r| Some((r.forwarder.clone(), by_forwarder.get(&key(r))?.clone())))
            .collect()
    }
}

/// What one fetch of the `forwarders` collector gives: the probes, and in `serve` each
/// forwarder's accumulated round trips.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForwardersReport {
    /// This fetch's probes.
    pub probes: ForwardersData,
    /// Each probed forwarder's round trips so far (`serve` only), in configured order.
    pub rtt: Vec<(String, Histogram)>,
}

impl Collect for Forwarders {
    type Settings = ForwarderSettings;
    type Data = ForwardersReport;
    type State = ForwardersState;
    const SPEC: &'static Spec = &Spec {
        name: "forwarders",
        help: "Upstream forwarder health through the server's own DNS client",
        sections: &[Section::Settings, Section::DnsClient],
        endpoints: &[Endpoint::SettingsGet, Endpoint::DnsClientResolve],
        options: &OPTIONS,
        default_min_interval: DEFAULT_MIN_INTERVAL,
        ..Spec::DEFAULT
    };

    fn settings(v: &OptionValues<'_>) -> Result<ForwarderSettings, OptionError> {
        parse(v)
    }

    async fn fetch(cx: Cx<'_, Self>) -> Result<ForwardersReport, CollectError> {
        let config = ForwarderConfig::from(&*cx.shared.settings().await?);
        let probes = probe_forwarders(cx.client, config, cx.settings, cx.deadline).await?;
        cx.state
            .changes
            .note_all(cx.client.log_name(), probe_states(&probes));
        let rtt = cx.state.observe(&probes);
        Ok(ForwardersReport { probes, rtt })
    }

    fn write(data: &ForwardersReport, _: &WriteCx<'_>, enc: &mut Encoder) {
        write_forwarders(&data.probes, enc);
        write_rtt(data, enc);
    }

    fn details(data: &ForwardersReport, _: &ForwarderSettings) -> Vec<Detail> {
        forwarder_details(&data.probes)
    }

    /// In `serve` the round trips accumulate; with the collector off they are dropped.
    fn background(state: &ForwardersState, cx: BackgroundCx<'_, Self>) {
        let mut rtt = lock(&state.rtt);
        match (cx.settings, rtt.is_some()) {
            (Some(_), false) => *rtt = Some(BTreeMap::new()),
            (None, _) => *rtt = None,
            (Some(_), true) => {}
        }
    }
}

/// `technitium_forwarder_rtt_seconds`: each forwarder's round trips so far (`serve` only).
fn write_rtt(data: &ForwardersReport, enc: &mut Encoder) {
    if data.rtt.is_empty() {
        return;
    }
    enc.family(
        "technitium_forwarder_rtt_seconds",
        Kind::Histogram,
        "Round-trip times of the server's queries to a forwarder, as the server measured them, accumulated over serve's forwarder probes.",
    );
    for (forwarder, h) in &data.rtt {
        let labels = [
            ("forwarder", forwarder.as_str()),
            ("protocol", data.probes.protocol.as_str()),
        ];
        enc.histogram(&labels, h);
    }
}

/// Reads the forwarders (settings/get) and probes each through the server's DNS client.
///
/// # Errors
/// settings/get failing, a probe refused for the token or its rights, or every probe's call
/// failing; a forwarder that does not answer, or whose one call failed, is not an error.
pub async fn fetch_forwarders(
    client: &Client,
    settings: &ForwarderSettings,
    deadline: Instant,
) -> Result<ForwardersData, ApiError> {
    let config = client.forwarder_settings().await?;
    probe_forwarders(client, config, settings, deadline).await
}

/// Parses the `forwarders` options given; the others keep their default.
///
/// # Errors
/// The first value that does not parse, naming it and where it came from.
fn parse(values: &OptionValues<'_>) -> Result<ForwarderSettings, OptionError> {
    let v = Values::new(values, "forwarders");
    let mut s = ForwarderSettings::default();
    if let Some(name) = v.parse("query-name", |f| {
        parse_name(f).map(|_| f.text.trim().to_owned())
    })? {
        s.query_name = name;
    }
    if let Some(t) = v.parse("query-type", parse_type)? {
        s.query_type = t.to_string();
    }
    if let Some(codes) = v.parse("expected-rcodes", |f| {
        parse_rcodes(f, "NOERROR, NXDOMAIN, ...")
    })? {
        s.expected_rcodes = codes;
    }
    if let Some(t) = v.parse("timeout", parse_timeout)? {
        s.timeout = t;
    }
    if let Some(n) = v.parse("concurrency", |f| in_range(f, 64))? {
        s.concurrency = n;
    }
    if let Some(n) = v.parse("limit", |f| in_range(f, 1000))? {
        s.limit = n;
    }
    Ok(s)
}

/// A whole number from 1 to `max`.
fn in_range(f: &Field<'_>, max: usize) -> Result<usize, OptionError> {
    f.text
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| f.fail(format!("a whole number from 1 to {max}")))
}

/// Each forwarder probed (`forwarder ADDRESS`) and why it failed, if it did.
fn probe_states(data: &ForwardersData) -> Vec<(String, Option<String>)> {
    data.results
        .iter()
        .map(|r| {
            let failure =
                (!r.success).then(|| r.error.clone().unwrap_or_else(|| "failed".to_owned()));
            (format!("forwarder {}", r.forwarder), failure)
        })
        .collect()
}

/// Writes the `forwarders` collector's families.
pub fn write_forwarders(data: &ForwardersData, enc: &mut Encoder) {
    if data.results.is_empty() {
        return;
    }
    let protocol = data.protocol.as_str();
    enc.family(
        "technitium_forwarder_probe_success",
        Kind::Gauge,
        "Whether the server's DNS client got an expected answer from a forwarder (1) or not (0).",
    );
    for r in &data.results {
        enc.sample(
            &[("forwarder", &r.forwarder), ("protocol", protocol)],
            flag(r.success),
        );
    }
    if data.results.iter().any(|r| r.rtt.is_some()) {
        enc.family(
            "technitium_forwarder_probe_rtt_seconds",
            Kind::Gauge,
            "Round-trip time of the server's query to a forwarder, as the server measured it.",
        );
        for r in &data.results {
            if let Some(rtt) = r.rtt {
                enc.sample(&[("forwarder", &r.forwarder), ("protocol", protocol)], rtt);
            }
        }
    }
    if data.results.iter().any(|r| r.rcode.is_some()) {
        enc.family(
            "technitium_forwarder_probe_rcode",
            Kind::Gauge,
            "The response code a forwarder answered the server's query with (1); absent when no answer came.",
        );
        for r in &data.results {
            if let Some(rcode) = r.rcode {
                enc.sample(
                    &[
                        ("forwarder", &r.forwarder),
                        ("protocol", protocol),
                        ("rcode", rcode),
                    ],
                    1.0,
                );
            }
        }
    }
}

/// What the collector checked, for `check`: one detail per probed forwarder, then a warning
/// when some were left out.
#[must_use]
pub fn forwarder_details(data: &ForwardersData) -> Vec<Detail> {
    let mut rows: Vec<Detail> = data
        .results
        .iter()
        .map(|r| {
            let (status, detail, hint) = forwarder_row(data, r);
            Detail {
                id: "forwarder".to_owned(),
                title: format!("forwarder {}", r.forwarder),
                status,
                detail,
                hint,
            }
        })
        .collect();
    if data.unusable > 0 {
        rows.push(Detail {
            id: "forwarder".to_owned(),
            title: "forwarders".to_owned(),
            status: DetailStatus::Warning,
            detail: format!(
                "{} forwarder(s) not probed: their text has a control character or is longer than 255 bytes, so it cannot be a label value",
                data.unusable
            ),
            hint: Some("fix the forwarder list under Settings → Proxy & Forwarders".to_owned()),
        });
    }
    if data.skipped > 0 {
        rows.push(Detail {
            id: "forwarder".to_owned(),
            title: "forwarders".to_owned(),
            status: DetailStatus::Warning,
            detail: format!("{} more forwarder(s) not probed", data.skipped),
            hint: Some("raise --collector.forwarders.limit to probe them all".to_owned()),
        });
    }
    rows
}

/// One forwarder's verdict, what was seen and what to do.
fn forwarder_row(
    data: &ForwardersData,
    r: &ForwarderResult,
) -> (DetailStatus, String, Option<String>) {
    let rtt = r
        .rtt
        .map_or_else(String::new, |s| format!(" in {:.2} ms", s * 1000.0));
    if r.success {
        return (
            DetailStatus::Ok,
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
        DetailStatus::Failed,
        format!(
            "over {}: {}{rtt}",
            data.api_protocol,
            r.error.as_deref().unwrap_or("failed")
        ),
        hint,
    )
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use crate::collector::spec::Given;
    use std::collections::BTreeMap;

    #[test]
    fn a_forwarder_without_an_answer_has_no_rtt_or_rcode_sample() {
        use crate::exposition::ExpositionFormat;
        let data = ForwardersData {
            protocol: "tls".to_owned(),
            api_protocol: "Tls".to_owned(),
            results: vec![
                ForwarderResult {
                    forwarder: "9.9.9.9".to_owned(),
                    success: true,
                    rtt: Some(0.012),
                    rcode: Some("NOERROR"),
                    error: None,
                },
                ForwarderResult {
                    forwarder: "192.0.2.3".to_owned(),
                    success: false,
                    rtt: None,
                    rcode: None,
                    error: Some("timed out".to_owned()),
                },
            ],
            skipped: 0,
            unusable: 0,
        };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        let report = ForwardersReport {
            probes: data,
            rtt: Vec::new(),
        };
        Forwarders::write(&report, &WriteCx { session: None }, &mut enc);
        let text = enc.finish();
        for line in [
            "technitium_forwarder_probe_success{forwarder=\"9.9.9.9\",protocol=\"tls\"} 1\n",
            "technitium_forwarder_probe_success{forwarder=\"192.0.2.3\",protocol=\"tls\"} 0\n",
            "technitium_forwarder_probe_rtt_seconds{forwarder=\"9.9.9.9\",protocol=\"tls\"} 0.012\n",
            "technitium_forwarder_probe_rcode{forwarder=\"9.9.9.9\",protocol=\"tls\",rcode=\"NOERROR\"} 1\n",
        ] {
            assert!(text.contains(line), "{line}in {text}");
        }
        assert_eq!(text.matches("192.0.2.3").count(), 1, "{text}");
        let mut empty = Encoder::new(ExpositionFormat::Text);
        Forwarders::write(
            &ForwardersReport::default(),
            &WriteCx { session: None },
            &mut empty,
        );
        assert_eq!(empty.finish(), "", "no forwarders, no families");
    }

    fn probed(rtts: &[(&str, Option<f64>)]) -> ForwardersData {
        ForwardersData {
            protocol: "udp".to_owned(),
            api_protocol: "Udp".to_owned(),
            results: rtts
                .iter()
                .map(|(f, rtt)| ForwarderResult {
                    forwarder: (*f).to_owned(),
                    success: rtt.is_some(),
                    rtt: *rtt,
                    rcode: rtt.map(|_| "NOERROR"),
                    error: None,
                })
                .collect(),
            skipped: 0,
            unusable: 0,
        }
    }

    #[test]
    fn round_trips_accumulate_in_serve_only_and_follow_the_forwarder_list() {
        let state = ForwardersState::default();
        let data = probed(&[("9.9.9.9", Some(0.012)), ("1.1.1.1", Some(0.3))]);
        assert!(state.observe(&data).is_empty(), "not in serve");
        *lock(&state.rtt) = Some(BTreeMap::new());
        state.observe(&data);
        let rtt = state.observe(&probed(&[
            ("9.9.9.9", Some(0.015)),
            ("1.1.1.1", None),
        ]));
        let counts: Vec<(&str, u64)> = rtt.iter().map(|(f, h)| (f.as_str(), h.count())).collect();
        assert_eq!(counts, [("9.9.9.9", 2), ("1.1.1.1", 1)]);
        let rtt = state.observe(&probed(&[("9.9.9.9", Some(0.02))]));
        assert_eq!(rtt.len(), 1, "a forwarder no longer listed is dropped");
        assert_eq!(lock(&state.rtt).as_ref().map(BTreeMap::len), Some(1));
        let mut enc = Encoder::new(crate::exposition::ExpositionFormat::Text);
        write_rtt(
            &ForwardersReport {
                probes: probed(&[("9.9.9.9", Some(0.02))]),
                rtt,
            },
            &mut enc,
        );
        let text = enc.finish();
        assert!(
            text.contains("technitium_forwarder_rtt_seconds_bucket{forwarder=\"9.9.9.9\",protocol=\"udp\",le=\"0.02\"} 3\n"),
            "{text}"
        );
        assert!(text.contains("# TYPE technitium_forwarder_rtt_seconds histogram\n"));
    }

    #[test]
    fn settings_parse() {
        let s = ForwarderSettings::default();
        assert_eq!((s.concurrency, s.limit), (4, 32));
        assert_eq!(s.query_type, "NS");
        assert_eq!(
            Forwarders::SPEC.default_min_interval,
            Duration::from_secs(60)
        );
        let mut values = BTreeMap::new();
        values.insert(
            "concurrency",
            Given::one("0", "--collector.forwarders.concurrency"),
        );
        let e = Forwarders::settings(&OptionValues::new(&values)).expect_err("0");
        assert_eq!(e.origin, "--collector.forwarders.concurrency");
        assert!(e.message.starts_with("\"0\": a whole number"), "{e}");
    }
}
