//! The encoder: a small streaming writer of the Prometheus text format 0.0.4, OpenMetrics 1.0,
//! the Prometheus protobuf format (delimited `MetricFamily` messages) and a JSON rendering of
//! the same families.
//!
//! A leaf: it knows families, samples, histograms and labels, nothing of collectors, snapshots
//! or the API. The collectors write into it, and so do `serve`'s own metrics and `check`.
//!
//! The target's families are written straight from the snapshot into one buffer instead of
//! building `prometheus::proto::MetricFamily` objects: those cost a few hundred bytes per series,
//! which at 100 000 zones (about 700 000 series) would dominate the exporter's memory. The
//! protobuf format keeps that property: each series is encoded as it is written (from one
//! reused message), and only the current family's encoded series are held, since a family's
//! length comes before it on the wire.
//!
//! [`histogram`] counts observations for classic and native histograms at once; [`proto`] holds
//! the protobuf messages and turns a histogram into spans and deltas; [`labels`] is the rule for
//! label values taken from upstream data (checked, bounded, the rest in `other`).

pub mod histogram;
pub mod labels;
pub mod proto;

use std::fmt::Write as _;

use prost::Message as _;

pub use histogram::{Histogram, LATENCY_BOUNDS};

/// The media type of the delimited protobuf format, as Prometheus asks for it.
pub const PROTOBUF_MEDIA_TYPE: &str = "application/vnd.google.protobuf";

/// Output format of an exposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpositionFormat {
    /// Prometheus text format 0.0.4.
    Text,
    /// OpenMetrics 1.0 text.
    OpenMetrics,
    /// A JSON array of families (for scripts; not a Prometheus format).
    Json,
    /// Prometheus's protobuf format: length-delimited `io.prometheus.client.MetricFamily`
    /// messages, histograms with native buckets too. Binary: see [`Encoder::finish_bytes`].
    Protobuf,
}

impl ExpositionFormat {
    /// The HTTP `Content-Type` of this format.
    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Text => "text/plain; version=0.0.4; charset=utf-8",
            Self::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Self::Json => "application/json",
            Self::Protobuf => {
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
            }
        }
    }
}

/// Metric type of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Goes up and down.
    Gauge,
    /// Only goes up (resets on restart); the name ends in `_total`.
    Counter,
    /// Buckets, sum and count: written with [`Encoder::histogram`].
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Gauge => "gauge",
            Self::Counter => "counter",
            Self::Histogram => "histogram",
        }
    }

    fn metric_type(self) -> proto::MetricType {
        match self {
            Self::Gauge => proto::MetricType::Gauge,
            Self::Counter => proto::MetricType::Counter,
            Self::Histogram => proto::MetricType::Histogram,
        }
    }
}

/// Receives the output of a streaming encoder in pieces (see [`Encoder::streaming`]).
pub type Sink = Box<dyn FnMut(Vec<u8>) + Send>;

/// Least size of a segment of a protobuf family's series (a streaming encoder's are a piece).
const SEGMENT: usize = 64 * 1024;

/// The protobuf family being written: its header, its encoded series, and the message reused
/// for every series.
#[derive(Default)]
struct ProtoFamily {
    /// The `MetricFamily` fields before the series (name, help, type), encoded.
    header: Vec<u8>,
    /// Each series as the `metric` field's key and its length-delimited `Metric`, in segments:
    /// a family of 100 000 series grows by new segments, never by copying what it holds (a
    /// growing buffer would need up to three times the family's size while it moves).
    segments: Vec<Vec<u8>>,
    /// Bytes in `segments`.
    len: usize,
    scratch: proto::Metric,
    open: bool,
}

/// Writes families and samples into a buffer, counting both.
pub struct Encoder {
    /// The text formats' output.
    out: String,
    /// The protobuf output (finished families).
    bin: Vec<u8>,
    proto: ProtoFamily,
    format: ExpositionFormat,
    name: String,
    kind: Kind,
    families: usize,
    samples: usize,
    samples_in_family: usize,
    /// When set, the output is handed over whenever it reaches `chunk` bytes.
    sink: Option<Sink>,
    chunk: usize,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("format", &self.format)
            .field("families", &self.families)
            .field("samples", &self.samples)
            .field("streaming", &self.sink.is_some())
            .finish_non_exhaustive()
    }
}

impl Encoder {
    /// An empty encoder.
    #[must_use]
    pub fn new(format: ExpositionFormat) -> Self {
        Self::with_capacity(format, 16 * 1024)
    }

    /// An empty encoder with room for `bytes` of output.
    #[must_use]
    pub fn with_capacity(format: ExpositionFormat, bytes: usize) -> Self {
        let (text, binary) = match format {
            ExpositionFormat::Protobuf => (0, bytes),
            _ => (bytes, 0),
        };
        let mut out = String::with_capacity(text);
        if format == ExpositionFormat::Json {
            out.push('[');
        }
        Self {
            out,
            bin: Vec::with_capacity(binary),
            proto: ProtoFamily::default(),
            format,
            name: String::new(),
            kind: Kind::Gauge,
            families: 0,
            samples: 0,
            samples_in_family: 0,
            sink: None,
            chunk: 0,
        }
    }

    /// An encoder that hands its output to `sink` in pieces of about `chunk` bytes instead of
    /// keeping all of it: the memory of a 100 000-zone exposition stays at one piece (in
    /// protobuf, at one family, whose length comes first: a family of `chunk` bytes or more
    /// follows as pieces of its own). The pieces, concatenated, are exactly what
    /// [`Encoder::finish_bytes`] would have returned.
    #[must_use]
    pub fn streaming(format: ExpositionFormat, chunk: usize, sink: Sink) -> Self {
        let mut enc = Self::with_capacity(format, chunk + 4 * 1024);
        enc.sink = Some(sink);
        enc.chunk = chunk;
        enc
    }

    /// Hands a full piece to the sink, if streaming.
    fn maybe_flush(&mut self) {
        let Some(sink) = &mut self.sink else {
            return;
        };
        if self.out.len() >= self.chunk {
            let piece =
                std::mem::replace(&mut self.out, String::with_capacity(self.chunk + 4 * 1024));
            sink(piece.into_bytes());
        }
        if self.bin.len() >= self.chunk {
            let piece = std::mem::replace(&mut self.bin, Vec::with_capacity(self.chunk + 4 * 1024));
            sink(piece);
        }
    }

    /// The format being written.
    #[must_use]
    pub fn format(&self) -> ExpositionFormat {
        self.format
    }

    /// Number of families written so far.
    #[must_use]
    pub fn families(&self) -> usize {
        self.families
    }

    /// Number of samples written so far: the lines of the text format, so a histogram counts
    /// its buckets (`+Inf` included), its sum and its count, whatever the format.
    #[must_use]
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Starts a family. A counter's `name` ends in `_total`; OpenMetrics headers drop it (the
    /// protobuf format keeps it, as Prometheus's clients do).
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        self.close_family();
        self.maybe_flush();
        self.families += 1;
        self.samples_in_family = 0;
        self.name.clear();
        self.name.push_str(name);
        self.kind = kind;
        match self.format {
            ExpositionFormat::Text => {
                let _ = write!(self.out, "# HELP {name} ");
                escape_into(&mut self.out, help, false);
                let _ = writeln!(self.out, "\n# TYPE {name} {}", kind.as_str());
            }
            ExpositionFormat::OpenMetrics => {
                let base = if kind == Kind::Counter {
                    name.strip_suffix("_total").unwrap_or(name)
                } else {
                    name
                };
                let _ = writeln!(self.out, "# TYPE {base} {}", kind.as_str());
                let _ = write!(self.out, "# HELP {base} ");
                escape_into(&mut self.out, help, true);
                self.out.push('\n');
            }
            ExpositionFormat::Json => {
                if self.families > 1 {
                    self.out.push(',');
                }
                let _ = write!(
                    self.out,
                    "{{\"name\":{},\"type\":\"{}\",\"help\":{},\"samples\":[",
                    json_string(name),
                    kind.as_str(),
                    json_string(help)
                );
            }
            ExpositionFormat::Protobuf => self.open_proto_family(name, kind, help),
        }
    }

    /// Writes a sample of the current (gauge or counter) family.
    pub fn sample(&mut self, labels: &[(&str, &str)], value: f64) {
        self.maybe_flush();
        self.samples += 1;
        self.samples_in_family += 1;
        match self.format {
            ExpositionFormat::Json => self.json_sample(labels, value),
            ExpositionFormat::Protobuf => {
                let m = &mut self.proto.scratch;
                proto::set_labels(m, labels);
                m.histogram = None;
                if self.kind == Kind::Counter {
                    m.gauge = None;
                    m.counter = Some(proto::Counter { value: Some(value) });
                } else {
                    m.counter = None;
                    m.gauge = Some(proto::Gauge { value: Some(value) });
                }
                self.push_proto_metric();
            }
            _ => self.line("", labels, None, value),
        }
    }

    /// Writes one histogram of the current family (started with [`Kind::Histogram`]): in the
    /// text formats its cumulative `_bucket` series (`le` last, `+Inf` at the end), `_sum` and
    /// `_count`; in protobuf its classic and native buckets; in JSON one object with the
    /// classic buckets.
    pub fn histogram(&mut self, labels: &[(&str, &str)], h: &Histogram) {
        if self.format == ExpositionFormat::Protobuf {
            self.count_histogram(h.cumulative().count());
            self.proto_histogram(labels, proto::histogram_message(h));
        } else {
            let buckets: Vec<(f64, u64)> = h.cumulative().filter(|b| b.0.is_finite()).collect();
            self.classic_histogram(labels, &buckets, h.count(), h.sum());
        }
    }

    /// Writes a histogram that has classic buckets only (the `prometheus` crate's): `buckets`
    /// are `(upper bound, cumulative count)` by ascending finite bound; `count` is the `+Inf`
    /// bucket.
    pub fn classic_histogram(
        &mut self,
        labels: &[(&str, &str)],
        buckets: &[(f64, u64)],
        count: u64,
        sum: f64,
    ) {
        let finite = || buckets.iter().copied().filter(|b| b.0.is_finite());
        self.count_histogram(finite().count() + 1);
        match self.format {
            ExpositionFormat::Protobuf => {
                self.proto_histogram(labels, proto::classic_message(finite(), count, sum));
            }
            ExpositionFormat::Json => self.json_histogram(labels, finite(), count, sum),
            format => {
                for (bound, cumulative) in finite().chain([(f64::INFINITY, count)]) {
                    let le = le_value(bound, format);
                    self.line("_bucket", labels, Some(&le), count_value(cumulative));
                }
                self.line("_sum", labels, None, sum);
                self.line("_count", labels, None, count_value(count));
            }
        }
    }

    /// Counts a histogram's lines (`buckets` with `+Inf`, the sum and the count).
    fn count_histogram(&mut self, buckets: usize) {
        self.maybe_flush();
        self.samples += buckets + 2;
        self.samples_in_family += 1;
    }

    /// One line of the text formats: name + `suffix`, the labels (and `le`), the value.
    fn line(&mut self, suffix: &str, labels: &[(&str, &str)], le: Option<&str>, value: f64) {
        self.out.push_str(&self.name);
        self.out.push_str(suffix);
        if !labels.is_empty() || le.is_some() {
            self.out.push('{');
            let le = le.map(|v| ("le", v));
            for (i, (k, v)) in labels.iter().chain(le.as_ref()).enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                self.out.push_str(k);
                self.out.push_str("=\"");
                escape_into(&mut self.out, v, true);
                self.out.push('"');
            }
            self.out.push('}');
        }
        self.out.push(' ');
        push_number(&mut self.out, value);
        self.out.push('\n');
    }

    /// Opens a JSON sample object up to its labels (`{"name":…,"labels":{…}`).
    fn json_open(&mut self, labels: &[(&str, &str)]) {
        if self.samples_in_family > 1 {
            self.out.push(',');
        }
        self.out.push_str("{\"name\":");
        self.out.push_str(&json_string(&self.name));
        self.out.push_str(",\"labels\":{");
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let _ = write!(self.out, "{}:{}", json_string(k), json_string(v));
        }
        self.out.push('}');
    }

    fn json_sample(&mut self, labels: &[(&str, &str)], value: f64) {
        self.json_open(labels);
        self.out.push_str(",\"value\":");
        push_json_number(&mut self.out, value);
        self.out.push('}');
    }

    /// A histogram as one JSON object: `count`, `sum` and the cumulative `buckets`, each with
    /// its `le` as the text format writes it (`"+Inf"` last).
    fn json_histogram(
        &mut self,
        labels: &[(&str, &str)],
        buckets: impl Iterator<Item = (f64, u64)>,
        count: u64,
        sum: f64,
    ) {
        self.json_open(labels);
        let _ = write!(self.out, ",\"count\":{count},\"sum\":");
        push_json_number(&mut self.out, sum);
        self.out.push_str(",\"buckets\":[");
        for (i, (bound, cumulative)) in buckets.chain([(f64::INFINITY, count)]).enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let le = le_value(bound, ExpositionFormat::Text);
            let _ = write!(self.out, "{{\"le\":\"{le}\",\"count\":{cumulative}}}");
        }
        self.out.push_str("]}");
    }

    /// Starts a protobuf family: its header is encoded now, its series as they come.
    fn open_proto_family(&mut self, name: &str, kind: Kind, help: &str) {
        let header = proto::MetricFamily {
            name: Some(name.to_owned()),
            help: Some(help.to_owned()),
            r#type: Some(kind.metric_type() as i32),
            metric: Vec::new(),
        };
        self.proto.header.clear();
        let _ = header.encode(&mut self.proto.header);
        self.proto.open = true;
    }

    /// Appends the reused message as one series of the current protobuf family.
    fn push_proto_metric(&mut self) {
        let size = self.chunk.max(SEGMENT);
        let p = &mut self.proto;
        if p.segments.last().is_none_or(|s| s.len() >= size) {
            p.segments.push(Vec::with_capacity(size + 1024));
        }
        if let Some(segment) = p.segments.last_mut() {
            let before = segment.len();
            segment.push(proto::METRIC_FIELD_KEY);
            let _ = p.scratch.encode_length_delimited(&mut *segment);
            p.len += segment.len() - before;
        }
    }

    fn proto_histogram(&mut self, labels: &[(&str, &str)], h: proto::HistogramMessage) {
        let m = &mut self.proto.scratch;
        proto::set_labels(m, labels);
        m.gauge = None;
        m.counter = None;
        m.histogram = Some(h);
        self.push_proto_metric();
        self.proto.scratch.histogram = None;
    }

    /// Ends the current family: a JSON family's closing brackets; a protobuf family's length,
    /// header and series (a family of a piece or more goes to the sink segment by segment).
    fn close_family(&mut self) {
        match self.format {
            ExpositionFormat::Json if self.families > 0 => self.out.push_str("]}"),
            ExpositionFormat::Protobuf if self.proto.open => {
                let p = &mut self.proto;
                p.open = false;
                let _ = prost::encode_length_delimiter(p.header.len() + p.len, &mut self.bin);
                self.bin.extend_from_slice(&p.header);
                match &mut self.sink {
                    Some(sink) if p.len >= self.chunk => {
                        sink(std::mem::take(&mut self.bin));
                        p.segments.drain(..).for_each(&mut *sink);
                    }
                    _ => {
                        p.segments
                            .iter()
                            .for_each(|s| self.bin.extend_from_slice(s));
                        // Keep one segment's room for the next family.
                        p.segments.truncate(1);
                        p.segments.iter_mut().for_each(Vec::clear);
                    }
                }
                p.len = 0;
            }
            _ => {}
        }
    }

    /// Ends a text exposition (text, OpenMetrics, JSON) and returns it (a streaming encoder
    /// hands the rest to its sink and returns an empty string). A protobuf exposition is
    /// binary: end it with [`Encoder::finish_bytes`].
    #[must_use]
    pub fn finish(mut self) -> String {
        debug_assert_ne!(
            self.format,
            ExpositionFormat::Protobuf,
            "a protobuf exposition is binary: use finish_bytes"
        );
        match self.format {
            ExpositionFormat::OpenMetrics => self.out.push_str("# EOF\n"),
            ExpositionFormat::Json => {
                self.close_family();
                self.out.push_str("]\n");
            }
            ExpositionFormat::Text | ExpositionFormat::Protobuf => {}
        }
        match self.sink.take() {
            Some(mut sink) => {
                if !self.out.is_empty() {
                    sink(std::mem::take(&mut self.out).into_bytes());
                }
                String::new()
            }
            None => self.out,
        }
    }

    /// Ends the exposition, whatever its format, and returns its bytes (a streaming encoder
    /// hands the rest to its sink and returns nothing).
    #[must_use]
    pub fn finish_bytes(mut self) -> Vec<u8> {
        if self.format != ExpositionFormat::Protobuf {
            return self.finish().into_bytes();
        }
        self.close_family();
        match self.sink.take() {
            Some(mut sink) => {
                if !self.bin.is_empty() {
                    sink(std::mem::take(&mut self.bin));
                }
                Vec::new()
            }
            None => self.bin,
        }
    }
}

/// A histogram count as a sample value (exact below 2^53, which no count reaches).
#[allow(clippy::cast_precision_loss)]
fn count_value(n: u64) -> f64 {
    n as f64
}

/// The `le` label of a bucket bound: the text format writes Rust's shortest form (`0.005`,
/// `1`, as the exporter always has); OpenMetrics requires its canonical numbers, Go's `%g`
/// with `.0` on an integer (`1.0`, `1e-05`, `1e+06`), which is also what Prometheus 2 makes
/// of a protobuf bucket's bound, so the series keep their labels when the format changes.
fn le_value(bound: f64, format: ExpositionFormat) -> String {
    if bound.is_infinite() {
        return if bound > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if format != ExpositionFormat::OpenMetrics || bound.is_nan() {
        return format!("{bound}");
    }
    let scientific = format!("{bound:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exponent) {
        let fixed = format!("{bound}");
        if fixed.contains('.') {
            fixed
        } else {
            fixed + ".0"
        }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    }
}

/// Escapes `\` and newlines (and `"` when `quote`) as the exposition formats require.
fn escape_into(out: &mut String, s: &str, quote: bool) {
    if !s.contains(['\\', '\n', '"']) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quote => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

/// Writes a float the way Prometheus parses it: integers without a fraction, `+Inf`, `NaN`.
fn push_number(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        let _ = write!(out, "{}", v as i64);
    } else {
        let _ = write!(out, "{v}");
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A JSON number, or `null` for what JSON cannot hold (NaN, infinities).
fn push_json_number(out: &mut String, v: f64) {
    if v.is_finite() {
        push_number(out, v);
    } else {
        out.push_str("null");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn text_and_openmetrics_differ_only_where_specified() {
        for (format, expected) in [
            (
                ExpositionFormat::Text,
                "# HELP a_total Things \\\\ \"seen\".\n# TYPE a_total counter\na_total{x=\"q\\\"\\n\"} 3\n# HELP b B.\n# TYPE b gauge\nb 0.25\nb{y=\"z\"} +Inf\n",
            ),
            (
                ExpositionFormat::OpenMetrics,
                "# TYPE a counter\n# HELP a Things \\\\ \\\"seen\\\".\na_total{x=\"q\\\"\\n\"} 3\n# TYPE b gauge\n# HELP b B.\nb 0.25\nb{y=\"z\"} +Inf\n# EOF\n",
            ),
        ] {
            let mut e = Encoder::new(format);
            e.family("a_total", Kind::Counter, "Things \\ \"seen\".");
            e.sample(&[("x", "q\"\n")], 3.0);
            e.family("b", Kind::Gauge, "B.");
            e.sample(&[], 0.25);
            e.sample(&[("y", "z")], f64::INFINITY);
            assert_eq!((e.families(), e.samples()), (2, 3));
            assert_eq!(e.finish(), expected);
        }
    }

    /// Twenty families of fifty samples, every fifth family a histogram.
    fn write_many(e: &mut Encoder) {
        let mut h = Histogram::new(LATENCY_BOUNDS);
        for f in 0..20 {
            let kind = if f % 5 == 4 {
                Kind::Histogram
            } else {
                Kind::Gauge
            };
            e.family(&format!("f{f}"), kind, "Help.");
            for i in 0..50 {
                let i = i.to_string();
                if kind == Kind::Histogram {
                    h.observe(0.001 * f64::from(f));
                    e.histogram(&[("i", &i)], &h);
                } else {
                    e.sample(&[("i", &i)], f64::from(f) / 4.0);
                }
            }
        }
    }

    #[test]
    fn streaming_pieces_add_up_to_the_whole() {
        use std::sync::{Arc, Mutex};
        for format in [
            ExpositionFormat::Text,
            ExpositionFormat::OpenMetrics,
            ExpositionFormat::Json,
            ExpositionFormat::Protobuf,
        ] {
            let mut whole = Encoder::new(format);
            write_many(&mut whole);
            let whole = whole.finish_bytes();
            let pieces = Arc::new(Mutex::new(Vec::new()));
            let seen = Arc::clone(&pieces);
            let mut e = Encoder::streaming(
                format,
                1000,
                Box::new(move |p| seen.lock().unwrap_or_else(|e| e.into_inner()).push(p)),
            );
            write_many(&mut e);
            assert!(e.finish_bytes().is_empty());
            let pieces = pieces.lock().unwrap_or_else(|e| e.into_inner());
            assert!(pieces.len() > 10, "{format:?}");
            // A text piece ends past the chunk by less than a sample (a histogram's 16 lines
            // here); a protobuf piece is the finished families past the chunk, or one whole
            // family (50 series; the histograms' about 12 KB).
            let limit = if format == ExpositionFormat::Protobuf {
                13_000
            } else {
                2500
            };
            assert!(
                pieces.iter().all(|p| p.len() < limit),
                "{format:?}: {:?}",
                pieces.iter().map(Vec::len).collect::<Vec<_>>()
            );
            assert_eq!(pieces.concat(), whole, "{format:?}");
        }
    }

    #[test]
    fn a_large_protobuf_family_streams_in_segments() {
        use prost::Message as _;
        use std::sync::{Arc, Mutex};
        let write = |e: &mut Encoder| {
            e.family("zone_info", Kind::Gauge, "One per zone.");
            for i in 0..20_000 {
                e.sample(&[("zone", &format!("zone-{i}.example.com"))], 1.0);
            }
            e.family("after", Kind::Gauge, "A small family after it.");
            e.sample(&[], 2.0);
        };
        let mut whole = Encoder::new(ExpositionFormat::Protobuf);
        write(&mut whole);
        let whole = whole.finish_bytes();
        let mut buf = whole.as_slice();
        let big = proto::MetricFamily::decode_length_delimited(&mut buf).unwrap();
        assert_eq!(big.metric.len(), 20_000);
        assert_eq!(
            big.metric[19_999].label[0].value(),
            "zone-19999.example.com"
        );
        let after = proto::MetricFamily::decode_length_delimited(&mut buf).unwrap();
        assert_eq!((after.name(), buf.len()), ("after", 0));

        let pieces = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&pieces);
        let mut e = Encoder::streaming(
            ExpositionFormat::Protobuf,
            100_000,
            Box::new(move |p| seen.lock().unwrap_or_else(|e| e.into_inner()).push(p)),
        );
        write(&mut e);
        assert!(e.finish_bytes().is_empty());
        let pieces = pieces.lock().unwrap_or_else(|e| e.into_inner());
        assert_eq!(pieces.concat(), whole);
        // The header, then segments of a piece each (the family is about 640 KB).
        let sizes: Vec<usize> = pieces.iter().map(Vec::len).collect();
        assert!(sizes.len() >= 7, "{sizes:?}");
        assert!(sizes.iter().all(|s| *s < 102_000), "{sizes:?}");
    }

    #[test]
    fn histograms_in_the_text_formats() {
        let mut h = Histogram::new(&[0.5, 1.0, 10.0]);
        for v in [0.25, 0.75, 1.0, 20.0] {
            h.observe(v);
        }
        for (format, expected) in [
            (
                ExpositionFormat::Text,
                "# HELP d_seconds D.\n# TYPE d_seconds histogram\nd_seconds_bucket{t=\"a\",le=\"0.5\"} 1\nd_seconds_bucket{t=\"a\",le=\"1\"} 3\nd_seconds_bucket{t=\"a\",le=\"10\"} 3\nd_seconds_bucket{t=\"a\",le=\"+Inf\"} 4\nd_seconds_sum{t=\"a\"} 22\nd_seconds_count{t=\"a\"} 4\nd_seconds_bucket{le=\"0.5\"} 0\nd_seconds_bucket{le=\"1\"} 0\nd_seconds_bucket{le=\"10\"} 0\nd_seconds_bucket{le=\"+Inf\"} 0\nd_seconds_sum 0\nd_seconds_count 0\n",
            ),
            (
                ExpositionFormat::OpenMetrics,
                "# TYPE d_seconds histogram\n# HELP d_seconds D.\nd_seconds_bucket{t=\"a\",le=\"0.5\"} 1\nd_seconds_bucket{t=\"a\",le=\"1.0\"} 3\nd_seconds_bucket{t=\"a\",le=\"10.0\"} 3\nd_seconds_bucket{t=\"a\",le=\"+Inf\"} 4\nd_seconds_sum{t=\"a\"} 22\nd_seconds_count{t=\"a\"} 4\nd_seconds_bucket{le=\"0.5\"} 0\nd_seconds_bucket{le=\"1.0\"} 0\nd_seconds_bucket{le=\"10.0\"} 0\nd_seconds_bucket{le=\"+Inf\"} 0\nd_seconds_sum 0\nd_seconds_count 0\n# EOF\n",
            ),
        ] {
            let mut e = Encoder::new(format);
            e.family("d_seconds", Kind::Histogram, "D.");
            e.histogram(&[("t", "a")], &h);
            e.histogram(&[], &Histogram::new(&[0.5, 1.0, 10.0]));
            assert_eq!((e.families(), e.samples()), (1, 12));
            assert_eq!(e.finish(), expected);
        }
    }

    #[test]
    fn json_histograms_are_one_object() {
        let mut h = Histogram::new(&[0.5, 1.0]);
        h.observe(0.7);
        let mut e = Encoder::new(ExpositionFormat::Json);
        e.family("d_seconds", Kind::Histogram, "D.");
        e.histogram(&[("t", "a")], &h);
        e.histogram(&[("t", "b")], &h);
        let v: serde_json::Value = serde_json::from_str(&e.finish()).unwrap_or_default();
        let sample = &v[0]["samples"][1];
        assert_eq!(sample["labels"]["t"], "b");
        assert_eq!(sample["count"], 1);
        assert_eq!(sample["sum"], 0.7);
        assert_eq!(
            sample["buckets"],
            serde_json::json!([{"le": "0.5", "count": 0}, {"le": "1", "count": 1}, {"le": "+Inf", "count": 1}])
        );
    }

    #[test]
    fn openmetrics_le_values_are_canonical() {
        // The spec's examples (OpenMetrics 1.0, "Canonical Numbers").
        for (v, want) in [
            (0.0, "0.0"),
            (0.001, "0.001"),
            (0.95, "0.95"),
            (1.0, "1.0"),
            (1.7, "1.7"),
            (10.0, "10.0"),
            (1e-10, "1e-10"),
            (1e-9, "1e-09"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (100_000.0, "100000.0"),
            (1e6, "1e+06"),
            (1e10, "1e+10"),
            (1.1e23, "1.1e+23"),
            (0.0005, "0.0005"),
            (f64::INFINITY, "+Inf"),
        ] {
            assert_eq!(le_value(v, ExpositionFormat::OpenMetrics), want);
        }
        assert_eq!(le_value(1.0, ExpositionFormat::Text), "1");
        assert_eq!(le_value(0.0005, ExpositionFormat::Text), "0.0005");
    }

    #[test]
    fn protobuf_families_decode_to_what_was_written() {
        use prost::Message as _;
        let mut h = Histogram::new(LATENCY_BOUNDS);
        for v in [0.0004, 0.003, 0.003, 0.15] {
            h.observe(v);
        }
        let mut e = Encoder::new(ExpositionFormat::Protobuf);
        e.family("a_total", Kind::Counter, "Things \\ \"seen\".");
        e.sample(&[("x", "q\"\n")], 3.0);
        e.family("b", Kind::Gauge, "B.");
        e.sample(&[], 0.25);
        e.sample(&[("y", "z"), ("w", "v")], f64::INFINITY);
        e.family("empty", Kind::Gauge, "No series.");
        e.family("d_seconds", Kind::Histogram, "D.");
        e.histogram(&[("t", "udp")], &h);
        assert_eq!(
            (e.families(), e.samples()),
            (4, 3 + LATENCY_BOUNDS.len() + 3)
        );
        let bytes = e.finish_bytes();
        let mut buf = bytes.as_slice();
        let mut families = Vec::new();
        while !buf.is_empty() {
            families.push(proto::MetricFamily::decode_length_delimited(&mut buf).unwrap());
        }
        let [a, b, empty, d] = families.as_slice() else {
            panic!("{families:?}");
        };
        assert_eq!(a.name.as_deref(), Some("a_total"), "a counter keeps _total");
        assert_eq!(
            a.help.as_deref(),
            Some("Things \\ \"seen\"."),
            "help unescaped"
        );
        assert_eq!(a.r#type, Some(proto::MetricType::Counter as i32));
        assert_eq!(
            a.metric[0].counter.as_ref().and_then(|c| c.value),
            Some(3.0)
        );
        assert_eq!(a.metric[0].label[0].value.as_deref(), Some("q\"\n"));
        assert!(a.metric[0].gauge.is_none());
        assert_eq!(b.r#type, Some(proto::MetricType::Gauge as i32));
        assert!(
            b.metric[0].label.is_empty(),
            "the reused message kept no label"
        );
        let labels: Vec<_> = b.metric[1]
            .label
            .iter()
            .map(|l| (l.name.as_deref(), l.value.as_deref()))
            .collect();
        assert_eq!(labels, [(Some("y"), Some("z")), (Some("w"), Some("v"))]);
        assert_eq!(
            b.metric[1].gauge.as_ref().and_then(|g| g.value),
            Some(f64::INFINITY)
        );
        assert!(empty.metric.is_empty());
        assert_eq!(d.r#type, Some(proto::MetricType::Histogram as i32));
        let dh = d.metric[0].histogram.as_ref().unwrap();
        assert_eq!(*dh, proto::histogram_message(&h));
        assert!(d.metric[0].gauge.is_none() && d.metric[0].counter.is_none());
    }

    #[test]
    fn a_prometheus_crate_histogram_stays_classic_in_protobuf() {
        use prost::Message as _;
        let mut e = Encoder::new(ExpositionFormat::Protobuf);
        e.family("c_seconds", Kind::Histogram, "C.");
        e.classic_histogram(&[], &[(0.1, 2), (1.0, 3)], 4, 2.5);
        let bytes = e.finish_bytes();
        let f = proto::MetricFamily::decode_length_delimited(bytes.as_slice()).unwrap();
        let h = f.metric[0].histogram.as_ref().unwrap();
        assert_eq!(
            (h.sample_count, h.sample_sum, h.bucket.len()),
            (Some(4), Some(2.5), 2)
        );
        assert!(h.schema.is_none() && h.zero_threshold.is_none() && h.positive_span.is_empty());
    }

    #[test]
    fn json_is_valid() {
        let mut e = Encoder::new(ExpositionFormat::Json);
        e.family("a", Kind::Gauge, "A.");
        e.sample(&[("k", "v\"")], 1.5);
        e.sample(&[], f64::NAN);
        e.family("b", Kind::Gauge, "B.");
        let v: serde_json::Value = serde_json::from_str(&e.finish()).unwrap_or_default();
        assert_eq!(v[0]["samples"][0]["labels"]["k"], "v\"");
        assert_eq!(v[0]["samples"][1]["value"], serde_json::Value::Null);
        assert_eq!(v[1]["samples"].as_array().map(Vec::len), Some(0));
    }
}
