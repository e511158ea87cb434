//! The protobuf exposition: what Prometheus gets when it asks for
//! `application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited`.
//! Our answers are decoded with the message definitions (prost) and compared with the text
//! answers: the same families, help, types, labels and values, and for histograms native
//! buckets that agree with the classic ones.

use std::collections::BTreeMap;
use std::io::Read as _;

use prost::Message as _;
use technitium_exporter::collector::{encoder_for, write_families};
use technitium_exporter::exposition::proto::{self, MetricFamily, MetricType, decode_native};
use technitium_exporter::exposition::{Encoder, ExpositionFormat, Kind};

use crate::common::{Version, all_options, default_options, scrape_version};
use crate::serve::{http, serve};

/// What Prometheus 2.42 sends with `--enable-feature=native-histograms`.
const PROMETHEUS_2_NATIVE: &str = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// What Prometheus 2.42 sends by default.
const PROMETHEUS_2: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// What Prometheus 3.x sends with `scrape_native_histograms: true`.
const PROMETHEUS_3_NATIVE: &str = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";
/// What Prometheus 3.x sends by default.
const PROMETHEUS_3: &str = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

const PROTOBUF_CONTENT_TYPE: &str =
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

/// Every family of a delimited protobuf body.
fn decode(mut body: &[u8]) -> Vec<MetricFamily> {
    let mut families = Vec::new();
    while !body.is_empty() {
        families.push(MetricFamily::decode_length_delimited(&mut body).expect("a MetricFamily"));
    }
    families
}

/// The decoded families written again as text 0.0.4 (histograms by their classic buckets),
/// after checking that each histogram's native buckets agree with its classic ones.
fn as_text(families: &[MetricFamily]) -> String {
    let mut enc = Encoder::new(ExpositionFormat::Text);
    for f in families {
        let kind = match f.r#type.and_then(|t| MetricType::try_from(t).ok()) {
            Some(MetricType::Counter) => Kind::Counter,
            Some(MetricType::Gauge) => Kind::Gauge,
            Some(MetricType::Histogram) => Kind::Histogram,
            other => panic!("{:?}: unexpected type {other:?}", f.name),
        };
        enc.family(f.name(), kind, f.help());
        for m in &f.metric {
            let labels: Vec<(&str, &str)> = m.label.iter().map(|l| (l.name(), l.value())).collect();
            match kind {
                Kind::Counter => {
                    assert!(m.gauge.is_none() && m.histogram.is_none());
                    enc.sample(&labels, m.counter.as_ref().unwrap().value());
                }
                Kind::Gauge => {
                    assert!(m.counter.is_none() && m.histogram.is_none());
                    enc.sample(&labels, m.gauge.as_ref().unwrap().value());
                }
                Kind::Histogram => {
                    let h = m.histogram.as_ref().unwrap();
                    check_native(f.name(), h);
                    let buckets: Vec<(f64, u64)> = h
                        .bucket
                        .iter()
                        .map(|b| (b.upper_bound(), b.cumulative_count()))
                        .collect();
                    enc.classic_histogram(&labels, &buckets, h.sample_count(), h.sample_sum());
                }
            }
        }
    }
    enc.finish()
}

/// A native histogram as Prometheus reads one: schema 3, a zero threshold, spans whose lengths
/// add up to the deltas, counts that add up to the count; and each classic bucket's count
/// between the native buckets wholly below its bound and those starting below it.
fn check_native(name: &str, h: &proto::HistogramMessage) {
    assert_eq!(h.schema, Some(3), "{name}");
    assert!(h.zero_threshold() > 0.0, "{name}: no zero threshold");
    assert!(!h.positive_span.is_empty(), "{name}: no span");
    let lengths: u32 = h.positive_span.iter().map(|s| s.length()).sum();
    assert_eq!(lengths as usize, h.positive_delta.len(), "{name}");
    let native = decode_native(&h.positive_span, &h.positive_delta);
    let total: u64 = native.iter().map(|(_, c)| c).sum::<u64>() + h.zero_count();
    assert_eq!(total, h.sample_count(), "{name}: native buckets vs count");
    let upper = |i: i32| 2f64.powf(f64::from(i) / 8.0);
    for b in &h.bucket {
        let (le, cumulative) = (b.upper_bound(), b.cumulative_count());
        let below: u64 = native
            .iter()
            .filter(|(i, _)| upper(*i) <= le)
            .map(|(_, c)| c)
            .sum();
        let reaching: u64 = native
            .iter()
            .filter(|(i, _)| upper(i - 1) < le)
            .map(|(_, c)| c)
            .sum();
        let (low, high) = (below + h.zero_count(), reaching + h.zero_count());
        assert!(
            (low..=high).contains(&cumulative),
            "{name}: le {le} counts {cumulative}, native says {low}..={high}"
        );
    }
}

/// The protobuf rendering of every golden scenario, decoded and written as text, is the text
/// rendering byte for byte: nothing lost or changed on the way (names, `_total`, help with
/// its `\` and newlines, label order and escapes, values).
#[tokio::test]
async fn protobuf_carries_exactly_what_the_text_format_does() {
    for version in [Version::V13_6, Version::V14_3, Version::V15_2] {
        for options in [default_options(), all_options()] {
            let (_server, snapshot, text) = scrape_version(version, options).await;
            let mut enc = encoder_for(&snapshot, ExpositionFormat::Protobuf);
            write_families(&snapshot, &mut enc);
            let (families, samples) = (enc.families(), enc.samples());
            let decoded = decode(&enc.finish_bytes());
            assert_eq!(decoded.len(), families);
            assert_eq!(
                samples,
                text.lines().filter(|l| !l.starts_with('#')).count()
            );
            assert_eq!(as_text(&decoded), text, "{version:?}");
        }
    }
}

async fn get_as(base: &str, path: &str, accept: &str) -> (String, Vec<u8>) {
    let r = http()
        .get(format!("{base}{path}"))
        .header("Accept", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    (ct, r.bytes().await.unwrap().to_vec())
}

/// Series of a text exposition by family: `name{labels}` without values (`le` kept out).
fn text_series(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut family = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            family = rest.split(' ').next().unwrap().to_owned();
            out.entry(family.clone()).or_default();
        } else if !line.starts_with('#') && !line.contains("_bucket{") {
            let series = line.rsplit_once(' ').unwrap().0;
            out.get_mut(&family).unwrap().push(series.to_owned());
        }
    }
    out
}

/// `serve` answers each Prometheus in the format it prefers, the exporter's own metrics and
/// histograms included; its protobuf answer holds the same series as its text answer, and its
/// own histogram has native buckets that agree with the classic ones.
#[tokio::test]
async fn serve_answers_protobuf_to_a_prometheus_that_asks() {
    let s = serve(&["--demo"], &[]).await;
    for (accept, want) in [
        (PROMETHEUS_2_NATIVE, PROTOBUF_CONTENT_TYPE),
        (PROMETHEUS_3_NATIVE, PROTOBUF_CONTENT_TYPE),
        (
            PROMETHEUS_2,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        ),
        (
            PROMETHEUS_3,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        ),
        ("*/*", "text/plain; version=0.0.4; charset=utf-8"),
    ] {
        assert_eq!(
            get_as(&s.base, "/metrics", accept).await.0,
            want,
            "{accept}"
        );
    }
    let (_, body) = get_as(&s.base, "/metrics", PROMETHEUS_2_NATIVE).await;
    let families = decode(&body);
    let (_, text) = get_as(&s.base, "/metrics", "text/plain").await;
    let text = String::from_utf8(text).unwrap();
    // The same series (values move between the two scrapes: durations, counters).
    assert_eq!(text_series(&as_text(&families)), text_series(&text));
    let by_name: BTreeMap<&str, &MetricFamily> = families.iter().map(|f| (f.name(), f)).collect();
    let up = by_name["technitium_up"].metric[0].gauge.as_ref().unwrap();
    assert_eq!(up.value(), 1.0);
    assert!(by_name.contains_key("process_resident_memory_bytes"));
    let scrapes = by_name["technitium_exporter_scrapes_total"];
    assert_eq!(scrapes.r#type, Some(MetricType::Counter as i32));
    let upstream = by_name["technitium_exporter_upstream_request_duration_seconds"];
    assert_eq!(upstream.r#type, Some(MetricType::Histogram as i32));
    for m in &upstream.metric {
        let h = m.histogram.as_ref().unwrap();
        assert!(h.sample_count() > 0);
        assert!(!h.positive_delta.is_empty(), "a request took some time");
    }

    // /probe carries the target's families only, in protobuf too.
    let (ct, body) = get_as(&s.base, "/probe?target=demo", PROMETHEUS_3_NATIVE).await;
    assert_eq!(ct, PROTOBUF_CONTENT_TYPE);
    let families = decode(&body);
    assert!(families.iter().any(|f| f.name() == "technitium_up"));
    assert!(
        !families
            .iter()
            .any(|f| f.name().starts_with("technitium_exporter_"))
    );
}

/// A large exposition is streamed in pieces and compressed on the way: its protobuf answer
/// decodes whole, with every zone.
#[tokio::test]
async fn a_large_protobuf_answer_streams_and_compresses() {
    let s = serve(&["--demo", "--demo.zones", "5000"], &[]).await;
    let r = http()
        .get(format!("{}/probe?target=demo", s.base))
        .header("Accept", PROMETHEUS_2_NATIVE)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["content-type"], PROTOBUF_CONTENT_TYPE);
    let gz = r.bytes().await.unwrap();
    let mut body = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut body)
        .unwrap();
    assert!(body.len() > 1024 * 1024, "large enough to be streamed");
    let families = decode(&body);
    let zones = families
        .iter()
        .find(|f| f.name() == "technitium_zone_info")
        .unwrap();
    assert!(zones.metric.len() >= 5000, "{}", zones.metric.len());
}
