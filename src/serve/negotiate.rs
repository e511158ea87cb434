//! Content negotiation of the exposition format from a scrape's `Accept` header.
//!
//! Prometheus lists what it can read with q-values: the text formats by default, and the
//! delimited protobuf format first when native histograms are on (2.x's feature flag; 3.x's
//! `scrape_native_histograms` or `scrape_protocols`). The answer is the acceptable format with
//! the highest q; at equal q an explicit type beats a wildcard, then the earlier one wins (as
//! client_golang's negotiation does). A header naming nothing we write gets the text format.

use crate::exposition::{ExpositionFormat, PROTOBUF_MEDIA_TYPE};

/// The format to answer a scrape whose `Accept` header is `accept`.
#[must_use]
pub(super) fn format(accept: Option<&str>) -> ExpositionFormat {
    let mut best: Option<((f64, bool), ExpositionFormat)> = None;
    for range in accept.unwrap_or("").split(',') {
        let Some((format, q, explicit)) = media_range(range) else {
            continue;
        };
        if q <= 0.0 {
            continue;
        }
        // Strictly better only: at a tie the earlier range stays.
        if best.is_none_or(|((bq, be), _)| q > bq || (q == bq && explicit && !be)) {
            best = Some(((q, explicit), format));
        }
    }
    best.map_or(ExpositionFormat::Text, |(_, f)| f)
}

/// What one media range of an `Accept` header stands for: the format, its q-value and whether
/// it names the type (rather than a wildcard); `None` for a type we do not write.
fn media_range(range: &str) -> Option<(ExpositionFormat, f64, bool)> {
    let mut parts = range.split(';').map(str::trim);
    let media = parts.next()?.to_ascii_lowercase();
    let mut q = 1.0;
    let (mut proto, mut delimited) = (false, false);
    for param in parts {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim().to_ascii_lowercase().as_str() {
            "q" => q = value.parse::<f64>().map_or(0.0, |q| q.clamp(0.0, 1.0)),
            "proto" => proto = value == "io.prometheus.client.MetricFamily",
            "encoding" => delimited = value == "delimited",
            _ => {}
        }
    }
    let (format, explicit) = match media.as_str() {
        PROTOBUF_MEDIA_TYPE if proto && delimited => (ExpositionFormat::Protobuf, true),
        "application/openmetrics-text" => (ExpositionFormat::OpenMetrics, true),
        "text/plain" => (ExpositionFormat::Text, true),
        "text/*" | "*/*" => (ExpositionFormat::Text, false),
        _ => return None,
    };
    Some((format, q, explicit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExpositionFormat::{OpenMetrics, Protobuf, Text};

    /// What Prometheus sends, by version and setting (from its scrape code: 2.42's two fixed
    /// headers, then `acceptHeader` building one from `scrape_protocols` with q = 0.N falling
    /// from the number of protocols it knows plus one; 3.x adds `text/plain;version=1.0.0` and
    /// the `escaping` parameter).
    const PROMETHEUS: &[(&str, &str, ExpositionFormat)] = &[
        (
            "2.42",
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            OpenMetrics,
        ),
        (
            "2.42 --enable-feature=native-histograms",
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            Protobuf,
        ),
        (
            "2.49",
            "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
            OpenMetrics,
        ),
        (
            "2.49 native histograms",
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,application/openmetrics-text;version=1.0.0;q=0.4,application/openmetrics-text;version=0.0.1;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
            Protobuf,
        ),
        (
            "3.x",
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
            OpenMetrics,
        ),
        (
            "3.x scrape_native_histograms",
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
            Protobuf,
        ),
        (
            "3.0 utf-8 names (escaping on every type)",
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,*/*;q=0.1",
            Protobuf,
        ),
        (
            "scrape_protocols: [PrometheusText0.0.4]",
            "text/plain;version=0.0.4;q=0.6,*/*;q=0.5",
            Text,
        ),
        (
            "scrape_protocols: [PrometheusText0.0.4, PrometheusProto]",
            "text/plain;version=0.0.4;q=0.6,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,*/*;q=0.4",
            Text,
        ),
    ];

    #[test]
    fn every_prometheus_gets_what_it_prefers() {
        for (who, accept, want) in PROMETHEUS {
            assert_eq!(format(Some(accept)), *want, "{who}: {accept}");
        }
    }

    #[test]
    fn other_clients_get_text_or_what_they_name() {
        for (accept, want) in [
            (None, Text),
            (Some(""), Text),
            (Some("*/*"), Text),
            (Some("application/json"), Text),
            (Some("text/html,application/xhtml+xml,*/*;q=0.8"), Text),
            (
                Some("application/openmetrics-text; version=1.0.0,text/plain;q=0.5"),
                OpenMetrics,
            ),
            (Some("*/*,application/openmetrics-text"), OpenMetrics),
            (
                Some("text/plain;q=0.9,application/openmetrics-text;q=0.5"),
                Text,
            ),
            (Some("APPLICATION/OpenMetrics-Text"), OpenMetrics),
            // Protobuf only in its delimited MetricFamily form (not text or compact-text).
            (
                Some(
                    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text",
                ),
                Text,
            ),
            (
                Some("application/vnd.google.protobuf;encoding=delimited"),
                Text,
            ),
            (
                Some(
                    "application/vnd.google.protobuf; proto=\"io.prometheus.client.MetricFamily\"; encoding=delimited",
                ),
                Protobuf,
            ),
            // q=0 means "not this".
            (
                Some("application/openmetrics-text;q=0,text/plain;q=0.1"),
                Text,
            ),
            (
                Some(
                    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0",
                ),
                Text,
            ),
        ] {
            assert_eq!(format(accept), want, "{accept:?}");
        }
    }
}
