//! `lifetime`: true counters since the server process started (v15+ `dashboard/metrics/json`).

use super::contract::{Collect, Cx, WriteCx};
use super::error::CollectError;
use super::samples::count;
use super::spec::{Requires, Spec};
use crate::exposition::{Encoder, Kind};
use crate::technitium::types::QueryTotals;
use crate::technitium::{Endpoint, Section};

/// The `lifetime` collector.
#[derive(Debug)]
pub struct Lifetime;

impl Collect for Lifetime {
    type Settings = ();
    type Data = QueryTotals;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "lifetime",
        help: "Lifetime counters from v15+ servers",
        default_enabled: true,
        sections: &[Section::Dashboard],
        requires: Requires::Version {
            major: 15,
            minor: 0,
            what: "lifetime counters",
        },
        endpoints: &[Endpoint::MetricsJson],
        ..Spec::DEFAULT
    };

    async fn fetch(cx: Cx<'_, Self>) -> Result<QueryTotals, CollectError> {
        // Shared with `counters`, which compares the total with the chart (stale statistics).
        Ok(cx.shared.metrics_json().await?.lifetime_counters.clone())
    }

    fn write(c: &QueryTotals, _: &WriteCx<'_>, enc: &mut Encoder) {
        write_counters(c, enc);
    }
}

/// `technitium_queries_total`, `technitium_responses_total{rcode}` and
/// `technitium_query_outcomes_total{outcome}` from counters that can only go up.
pub fn write_counters(c: &QueryTotals, enc: &mut Encoder) {
    if let Some(q) = c.total_queries {
        enc.family(
            "technitium_queries_total",
            Kind::Counter,
            "DNS queries the server has received since it started.",
        );
        enc.sample(&[], count(q));
    }
    let rcodes = c.rcodes();
    if rcodes.iter().any(|(_, v)| v.is_some()) {
        enc.family(
            "technitium_responses_total",
            Kind::Counter,
            "Responses since the server started, by rcode (other rcodes are in no bucket).",
        );
        for (rcode, v) in rcodes {
            if let Some(v) = v {
                enc.sample(&[("rcode", rcode)], count(v));
            }
        }
    }
    let outcomes = c.outcomes();
    if outcomes.iter().any(|(_, v)| v.is_some()) {
        enc.family(
            "technitium_query_outcomes_total",
            Kind::Counter,
            "Queries since the server started, by how they were answered (upstream-blocked counts as recursive and blocked).",
        );
        for (outcome, v) in outcomes {
            if let Some(v) = v {
                enc.sample(&[("outcome", outcome)], count(v));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::ExpositionFormat;

    #[test]
    fn writes_only_the_counters_the_server_sent() {
        let c = QueryTotals {
            total_queries: Some(10),
            total_no_error: Some(9),
            total_blocked: Some(1),
            ..QueryTotals::default()
        };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Lifetime::write(&c, &WriteCx { session: None }, &mut enc);
        let text = enc.finish();
        assert!(text.contains("technitium_queries_total 10\n"), "{text}");
        assert!(text.contains("technitium_responses_total{rcode=\"NOERROR\"} 9\n"));
        assert!(
            !text.contains("SERVFAIL"),
            "absent field, no series: {text}"
        );
        assert!(text.contains("technitium_query_outcomes_total{outcome=\"blocked\"} 1\n"));
    }
}
