//! The encoder: a small streaming writer of the Prometheus text format 0.0.4, OpenMetrics 1.0
//! and a JSON rendering of the same families.
//!
//! A leaf: it knows families, samples and labels, nothing of collectors, snapshots or the API.
//! The collectors write into it, and so do `serve`'s own metrics and `check`; a new format (a
//! protobuf one, say) is one more [`ExpositionFormat`] here.
//!
//! The target's families are written straight from the snapshot into one buffer instead of
//! building `prometheus::proto::MetricFamily` objects: those cost a few hundred bytes per series,
//! which at 100 000 zones (about 700 000 series) would dominate the exporter's memory.
//!
//! [`histogram`] counts observations for classic and native histograms at once.

pub mod histogram;

use std::fmt::Write as _;

pub use histogram::{Histogram, LATENCY_BOUNDS};

/// Output format of an exposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpositionFormat {
    /// Prometheus text format 0.0.4.
    Text,
    /// OpenMetrics 1.0 text.
    OpenMetrics,
    /// A JSON array of families (for scripts; not a Prometheus format).
    Json,
}

impl ExpositionFormat {
    /// The HTTP `Content-Type` of this format.
    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Text => "text/plain; version=0.0.4; charset=utf-8",
            Self::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Self::Json => "application/json",
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
    /// Buckets, sum and count.
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
}

/// Receives the output of a streaming encoder in pieces (see [`Encoder::streaming`]).
pub type Sink = Box<dyn FnMut(String) + Send>;

/// Writes families and samples into a string, counting both.
pub struct Encoder {
    out: String,
    format: ExpositionFormat,
    name: String,
    families: usize,
    samples: usize,
    samples_in_family: usize,
    /// When set, `out` is handed over whenever it reaches `chunk` bytes.
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
        let mut out = String::with_capacity(bytes);
        if format == ExpositionFormat::Json {
            out.push('[');
        }
        Self {
            out,
            format,
            name: String::new(),
            families: 0,
            samples: 0,
            samples_in_family: 0,
            sink: None,
            chunk: 0,
        }
    }

    /// An encoder that hands its output to `sink` in pieces of about `chunk` bytes instead of
    /// keeping all of it: the memory of a 100 000-zone exposition stays at one piece. The
    /// pieces, concatenated, are exactly what [`Encoder::finish`] would have returned.
    #[must_use]
    pub fn streaming(format: ExpositionFormat, chunk: usize, sink: Sink) -> Self {
        let mut enc = Self::with_capacity(format, chunk + 4 * 1024);
        enc.sink = Some(sink);
        enc.chunk = chunk;
        enc
    }

    /// Hands a full piece to the sink, if streaming.
    fn maybe_flush(&mut self) {
        if self.out.len() >= self.chunk
            && let Some(sink) = &mut self.sink
        {
            let piece =
                std::mem::replace(&mut self.out, String::with_capacity(self.chunk + 4 * 1024));
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

    /// Number of samples written so far.
    #[must_use]
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Starts a family. A counter's `name` ends in `_total`; OpenMetrics headers drop it.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        self.maybe_flush();
        self.close_json_family();
        self.families += 1;
        self.samples_in_family = 0;
        self.name.clear();
        self.name.push_str(name);
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
        }
    }

    /// Writes a sample of the current family.
    pub fn sample(&mut self, labels: &[(&str, &str)], value: f64) {
        self.sample_with_suffix("", labels, value);
    }

    /// Writes a sample named family name + `suffix` (histogram `_bucket`, `_sum`, `_count`).
    pub fn sample_with_suffix(&mut self, suffix: &str, labels: &[(&str, &str)], value: f64) {
        self.maybe_flush();
        self.samples += 1;
        self.samples_in_family += 1;
        if self.format == ExpositionFormat::Json {
            if self.samples_in_family > 1 {
                self.out.push(',');
            }
            self.out.push_str("{\"name\":");
            let full = format!("{}{suffix}", self.name);
            self.out.push_str(&json_string(&full));
            self.out.push_str(",\"labels\":{");
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{}:{}", json_string(k), json_string(v));
            }
            self.out.push_str("},\"value\":");
            if value.is_finite() {
                push_number(&mut self.out, value);
            } else {
                self.out.push_str("null");
            }
            self.out.push('}');
            return;
        }
        self.out.push_str(&self.name);
        self.out.push_str(suffix);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
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

    fn close_json_family(&mut self) {
        if self.format == ExpositionFormat::Json && self.families > 0 {
            self.out.push_str("]}");
        }
    }

    /// Ends the exposition and returns it (a streaming encoder hands the rest to its sink and
    /// returns an empty string).
    #[must_use]
    pub fn finish(mut self) -> String {
        match self.format {
            ExpositionFormat::Text => {}
            ExpositionFormat::OpenMetrics => self.out.push_str("# EOF\n"),
            ExpositionFormat::Json => {
                self.close_json_family();
                self.out.push_str("]\n");
            }
        }
        match self.sink.take() {
            Some(mut sink) => {
                if !self.out.is_empty() {
                    sink(std::mem::take(&mut self.out));
                }
                String::new()
            }
            None => self.out,
        }
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

#[cfg(test)]
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

    #[test]
    fn streaming_pieces_add_up_to_the_whole() {
        use std::sync::{Arc, Mutex};
        for format in [
            ExpositionFormat::Text,
            ExpositionFormat::OpenMetrics,
            ExpositionFormat::Json,
        ] {
            let write = |e: &mut Encoder| {
                for f in 0..20 {
                    e.family(&format!("f{f}"), Kind::Gauge, "Help.");
                    for i in 0..50 {
                        e.sample(&[("i", &i.to_string())], f64::from(i) / 4.0);
                    }
                }
            };
            let mut whole = Encoder::new(format);
            write(&mut whole);
            let whole = whole.finish();
            let pieces = Arc::new(Mutex::new(Vec::new()));
            let seen = Arc::clone(&pieces);
            let mut e = Encoder::streaming(
                format,
                1000,
                Box::new(move |p| seen.lock().unwrap_or_else(|e| e.into_inner()).push(p)),
            );
            write(&mut e);
            assert_eq!(e.finish(), "");
            let pieces = pieces.lock().unwrap_or_else(|e| e.into_inner());
            assert!(pieces.len() > 10);
            assert!(pieces.iter().all(|p| p.len() < 1200));
            assert_eq!(pieces.concat(), whole);
        }
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
