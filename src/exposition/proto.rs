//! The Prometheus protobuf exposition (`application/vnd.google.protobuf;
//! proto=io.prometheus.client.MetricFamily; encoding=delimited`): the messages of
//! `io.prometheus.client` (client_model's `metrics.proto`, proto2), written here with `prost`'s
//! derive from the published field numbers, and what turns a [`Histogram`] into one.
//!
//! A body is a sequence of `MetricFamily` messages, each preceded by its length as a varint.
//! Only the fields the exporter writes are declared: a decoder skips the others (exemplars,
//! created timestamps, summaries, float histograms), which is how protobuf stays compatible.
//! Repeated numbers are not packed, as proto2 defines them (Prometheus reads either form).
//!
//! A histogram carries both kinds of bucket: the classic ones (`bucket`, cumulative, without
//! the `+Inf` one, which the count stands for) and the native ones at [`SCHEMA`]. Prometheus
//! reads a histogram as native when it has a zero threshold, a zero count or spans; ours always
//! has the threshold (and a no-op span while it has no bucket), so an empty histogram is never
//! mistaken for a classic-only one.

use super::histogram::{Histogram, SCHEMA, ZERO_THRESHOLD};

/// The key of `MetricFamily.metric` (field 4, length-delimited): the encoder writes each metric
/// as this byte and the metric's length-delimited encoding, so a family's metrics need not be
/// held as messages before the family is written.
pub const METRIC_FIELD_KEY: u8 = (4 << 3) | 2;

/// `io.prometheus.client.MetricType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum MetricType {
    /// Uses `Metric.counter`.
    Counter = 0,
    /// Uses `Metric.gauge`.
    Gauge = 1,
    /// Uses `Metric.summary` (never written here).
    Summary = 2,
    /// Uses `Metric.untyped` (never written here).
    Untyped = 3,
    /// Uses `Metric.histogram`.
    Histogram = 4,
    /// Uses `Metric.histogram` (never written here).
    GaugeHistogram = 5,
}

/// `io.prometheus.client.LabelPair`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LabelPair {
    /// The label's name.
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    /// The label's value.
    #[prost(string, optional, tag = "2")]
    pub value: Option<String>,
}

/// `io.prometheus.client.Gauge`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Gauge {
    /// The value.
    #[prost(double, optional, tag = "1")]
    pub value: Option<f64>,
}

/// `io.prometheus.client.Counter` (without the exemplar and the created timestamp).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Counter {
    /// The value.
    #[prost(double, optional, tag = "1")]
    pub value: Option<f64>,
}

/// `io.prometheus.client.Bucket`: one classic bucket.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Bucket {
    /// Observations at or below `upper_bound`.
    #[prost(uint64, optional, tag = "1")]
    pub cumulative_count: Option<u64>,
    /// The inclusive upper bound.
    #[prost(double, optional, tag = "2")]
    pub upper_bound: Option<f64>,
}

/// `io.prometheus.client.BucketSpan`: `length` consecutive native buckets, `offset` buckets
/// after the previous span (the first span's offset is its first bucket's index).
#[derive(Clone, PartialEq, prost::Message)]
pub struct BucketSpan {
    /// Gap to the previous span, or the first bucket's index for the first span.
    #[prost(sint32, optional, tag = "1")]
    pub offset: Option<i32>,
    /// Number of consecutive buckets.
    #[prost(uint32, optional, tag = "2")]
    pub length: Option<u32>,
}

/// `io.prometheus.client.Histogram`: classic and native (integer counts) buckets.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HistogramMessage {
    /// Number of observations.
    #[prost(uint64, optional, tag = "1")]
    pub sample_count: Option<u64>,
    /// Sum of the observations.
    #[prost(double, optional, tag = "2")]
    pub sample_sum: Option<f64>,
    /// Classic buckets, by increasing upper bound (`+Inf` left out).
    #[prost(message, repeated, tag = "3")]
    pub bucket: Vec<Bucket>,
    /// Native schema: each power of two is divided into 2^schema buckets.
    #[prost(sint32, optional, tag = "5")]
    pub schema: Option<i32>,
    /// Breadth of the zero bucket.
    #[prost(double, optional, tag = "6")]
    pub zero_threshold: Option<f64>,
    /// Observations in the zero bucket.
    #[prost(uint64, optional, tag = "7")]
    pub zero_count: Option<u64>,
    /// Spans of the positive native buckets.
    #[prost(message, repeated, tag = "12")]
    pub positive_span: Vec<BucketSpan>,
    /// Count of each positive native bucket as the difference to the previous one.
    #[prost(sint64, repeated, packed = "false", tag = "13")]
    pub positive_delta: Vec<i64>,
}

/// `io.prometheus.client.Metric`: one series (or one histogram) of a family.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Metric {
    /// The labels, in the order the encoder was given them.
    #[prost(message, repeated, tag = "1")]
    pub label: Vec<LabelPair>,
    /// A gauge's value.
    #[prost(message, optional, tag = "2")]
    pub gauge: Option<Gauge>,
    /// A counter's value.
    #[prost(message, optional, tag = "3")]
    pub counter: Option<Counter>,
    /// A histogram.
    #[prost(message, optional, tag = "7")]
    pub histogram: Option<HistogramMessage>,
}

/// `io.prometheus.client.MetricFamily`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MetricFamily {
    /// The family's name (a counter's keeps its `_total`).
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    /// The help text, unescaped.
    #[prost(string, optional, tag = "2")]
    pub help: Option<String>,
    /// The type.
    #[prost(enumeration = "MetricType", optional, tag = "3")]
    pub r#type: Option<i32>,
    /// The series.
    #[prost(message, repeated, tag = "4")]
    pub metric: Vec<Metric>,
}

/// Sets `metric`'s labels to `labels`, reusing its strings: the encoder keeps one `Metric` and
/// fills it for every sample, so a sample allocates nothing once the strings have grown.
pub fn set_labels(metric: &mut Metric, labels: &[(&str, &str)]) {
    metric.label.truncate(labels.len());
    while metric.label.len() < labels.len() {
        metric.label.push(LabelPair::default());
    }
    for (pair, (name, value)) in metric.label.iter_mut().zip(labels) {
        let n = pair.name.get_or_insert_with(String::new);
        n.clear();
        n.push_str(name);
        let v = pair.value.get_or_insert_with(String::new);
        v.clear();
        v.push_str(value);
    }
}

/// A classic-only histogram message: `buckets` are `(upper bound, cumulative count)` by
/// ascending finite bound; `count` stands for the `+Inf` bucket.
#[must_use]
pub fn classic_message(
    buckets: impl Iterator<Item = (f64, u64)>,
    count: u64,
    sum: f64,
) -> HistogramMessage {
    HistogramMessage {
        sample_count: Some(count),
        sample_sum: Some(sum),
        bucket: buckets
            .filter(|(bound, _)| bound.is_finite())
            .map(|(bound, cumulative)| Bucket {
                cumulative_count: Some(cumulative),
                upper_bound: Some(bound),
            })
            .collect(),
        ..HistogramMessage::default()
    }
}

/// A histogram message with both kinds of bucket: count, sum and classic buckets, and the
/// native ones at [`SCHEMA`] with Prometheus's default zero threshold.
#[must_use]
pub fn histogram_message(h: &Histogram) -> HistogramMessage {
    let mut msg = classic_message(h.cumulative(), h.count(), h.sum());
    let (spans, deltas) = spans_and_deltas(h.native_buckets());
    msg.schema = Some(SCHEMA);
    msg.zero_threshold = Some(ZERO_THRESHOLD);
    msg.zero_count = Some(h.zero_count());
    msg.positive_span = if spans.is_empty() {
        // A no-op span: native even for a reader that looks at spans only.
        vec![BucketSpan {
            offset: Some(0),
            length: Some(0),
        }]
    } else {
        spans
    };
    msg.positive_delta = deltas;
    msg
}

/// The spans and deltas of native buckets given as `(index, count)` in ascending index order.
/// A gap of one or two empty buckets is filled with zero counts instead of opening a new span
/// (cheaper on the wire, as client_golang does); a wider gap starts a span.
pub fn spans_and_deltas(buckets: impl Iterator<Item = (i32, u64)>) -> (Vec<BucketSpan>, Vec<i64>) {
    let mut spans: Vec<BucketSpan> = Vec::new();
    let mut deltas = Vec::new();
    let mut previous_count: i64 = 0;
    let mut next_index: Option<i32> = None;
    let mut push = |count: u64, deltas: &mut Vec<i64>| {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        deltas.push(count - previous_count);
        previous_count = count;
    };
    for (index, count) in buckets {
        match next_index {
            Some(next) if index - next <= 2 => {
                for _ in next..index {
                    push(0, &mut deltas);
                }
                if let Some(span) = spans.last_mut() {
                    let gap = u32::try_from(index - next).unwrap_or(0);
                    span.length = Some(span.length.unwrap_or(0) + gap + 1);
                }
            }
            _ => spans.push(BucketSpan {
                offset: Some(next_index.map_or(index, |next| index - next)),
                length: Some(1),
            }),
        }
        push(count, &mut deltas);
        next_index = Some(index + 1);
    }
    (spans, deltas)
}

/// The native buckets that `spans` and `deltas` describe, as `(index, count)` with the zero
/// counts of filled gaps left out: the inverse of [`spans_and_deltas`] (for readers and tests).
#[must_use]
pub fn decode_native(spans: &[BucketSpan], deltas: &[i64]) -> Vec<(i32, u64)> {
    let mut out = Vec::new();
    let mut deltas = deltas.iter();
    let mut index = 0;
    let mut count: i64 = 0;
    for (i, span) in spans.iter().enumerate() {
        let offset = span.offset.unwrap_or(0);
        index = if i == 0 { offset } else { index + offset };
        for _ in 0..span.length.unwrap_or(0) {
            count += deltas.next().copied().unwrap_or(0);
            if count != 0 {
                out.push((index, u64::try_from(count).unwrap_or(0)));
            }
            index += 1;
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use prost::Message as _;

    use super::*;
    use crate::exposition::histogram::LATENCY_BOUNDS;

    fn span(offset: i32, length: u32) -> BucketSpan {
        BucketSpan {
            offset: Some(offset),
            length: Some(length),
        }
    }

    #[test]
    fn spans_and_deltas_follow_client_model() {
        // Buckets -3 (2), -2 (5), 0 (1): gap of one filled; 10 (4): a new span 9 after 1.
        let buckets = [(-3, 2), (-2, 5), (0, 1), (10, 4)];
        let (spans, deltas) = spans_and_deltas(buckets.iter().copied());
        assert_eq!(spans, vec![span(-3, 4), span(9, 1)]);
        assert_eq!(deltas, vec![2, 3, -5, 1, 3]);
        assert_eq!(decode_native(&spans, &deltas), buckets.to_vec());
        assert_eq!(spans_and_deltas(std::iter::empty()), (vec![], vec![]));
    }

    #[test]
    fn a_gap_of_three_opens_a_span() {
        let (spans, deltas) = spans_and_deltas([(1, 1), (5, 1)].into_iter());
        assert_eq!(spans, vec![span(1, 1), span(3, 1)]);
        assert_eq!(deltas, vec![1, 0]);
    }

    #[test]
    fn an_empty_histogram_is_still_native() {
        let h = Histogram::new(LATENCY_BOUNDS);
        let msg = histogram_message(&h);
        assert_eq!(msg.positive_span, vec![span(0, 0)]);
        assert!(msg.zero_threshold.unwrap() > 0.0);
        assert_eq!(msg.bucket.len(), LATENCY_BOUNDS.len(), "no +Inf bucket");
        let classic = classic_message(h.cumulative(), h.count(), h.sum());
        assert!(classic.positive_span.is_empty() && classic.zero_threshold.is_none());
    }

    #[test]
    fn observations_come_back_from_the_wire() {
        let mut h = Histogram::new(LATENCY_BOUNDS);
        for i in 0..500 {
            h.observe(0.0003 * 1.03f64.powi(i % 200));
        }
        h.observe(0.0);
        let bytes = histogram_message(&h).encode_to_vec();
        let msg = HistogramMessage::decode(bytes.as_slice()).unwrap();
        let native: Vec<(i32, u64)> = h.native_buckets().collect();
        assert_eq!(
            decode_native(&msg.positive_span, &msg.positive_delta),
            native
        );
        assert_eq!(msg.zero_count, Some(1));
        assert_eq!(msg.schema, Some(3));
        assert_eq!(msg.sample_count, Some(501));
        let classic: Vec<(f64, u64)> = h.cumulative().filter(|b| b.0.is_finite()).collect();
        let decoded: Vec<(f64, u64)> = msg
            .bucket
            .iter()
            .map(|b| (b.upper_bound.unwrap(), b.cumulative_count.unwrap()))
            .collect();
        assert_eq!(decoded, classic);
    }
}
