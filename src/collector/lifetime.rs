//! `lifetime`: true counters since the server process started (v15+ `dashboard/metrics/json`).

use super::{SessionData, Snapshot};
use crate::render::exposition::{Encoder, Kind};
use crate::technitium::types::Counters;
use crate::technitium::{ApiError, Client};

pub(super) async fn fetch(client: &Client) -> Result<Counters, ApiError> {
    Ok(client.metrics_json().await?.lifetime_counters)
}

#[allow(clippy::cast_precision_loss)]
pub(super) fn write(snapshot: &Snapshot, _session: &SessionData, enc: &mut Encoder) {
    let Some(c) = &snapshot.lifetime else { return };
    if let Some(q) = c.total_queries {
        enc.family(
            "technitium_queries_total",
            Kind::Counter,
            "DNS queries the server has received since it started.",
        );
        enc.sample(&[], q as f64);
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
                enc.sample(&[("rcode", rcode)], v as f64);
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
                enc.sample(&[("outcome", outcome)], v as f64);
            }
        }
    }
}
