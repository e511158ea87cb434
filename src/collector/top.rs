//! `top` (opt-in): the busiest clients and domains per window, capped by
//! `--collector.top.limit`. Client names only with `--collector.top.reverse-lookup`.

use futures_util::future::try_join_all;

use super::{Options, Snapshot, TopData};
use crate::render::exposition::{Encoder, Kind};
use crate::technitium::types::TopEntry;
use crate::technitium::{ApiError, Client, TopKind, Window};

pub(super) async fn fetch(
    client: &Client,
    o: &Options,
) -> Result<Vec<(Window, TopData)>, ApiError> {
    let (limit, reverse) = (o.top_limit, o.top_reverse_lookup);
    try_join_all(o.windows.iter().map(|w| async move {
        let (mut clients, mut domains, mut blocked) = tokio::try_join!(
            client.top(*w, TopKind::Clients, limit, reverse),
            client.top(*w, TopKind::Domains, limit, reverse),
            client.top(*w, TopKind::BlockedDomains, limit, reverse),
        )?;
        // The server honours `limit`; cut anyway, so cardinality never depends on it.
        for list in [
            &mut clients.top_clients,
            &mut domains.top_domains,
            &mut blocked.top_blocked_domains,
        ]
        .into_iter()
        .flatten()
        {
            list.truncate(limit);
        }
        Ok((
            *w,
            TopData {
                clients,
                domains,
                blocked,
            },
        ))
    }))
    .await
}

#[allow(clippy::cast_precision_loss)]
fn list<'a>(
    enc: &mut Encoder,
    top: &'a [(Window, TopData)],
    pick: impl Fn(&'a TopData) -> Option<&'a Vec<TopEntry>>,
    write: impl Fn(&mut Encoder, Window, &TopEntry),
) {
    for (w, data) in top {
        let mut seen = std::collections::HashSet::new();
        for entry in pick(data).into_iter().flatten() {
            if seen.insert(entry.name.as_str()) {
                write(enc, *w, entry);
            }
        }
    }
}

#[allow(clippy::cast_precision_loss)]
pub(super) fn write(snapshot: &Snapshot, enc: &mut Encoder) {
    let top: &[(Window, TopData)] = &snapshot.top;
    if top.is_empty() {
        return;
    }
    enc.family(
        "technitium_top_client_queries",
        Kind::Gauge,
        "Queries from one of the busiest clients in the window.",
    );
    list(
        enc,
        top,
        |d| d.clients.top_clients.as_ref(),
        |enc, w, e| {
            let name = e
                .domain
                .as_deref()
                .filter(|d| !d.is_empty())
                .unwrap_or("none");
            enc.sample(
                &[
                    ("window", w.label()),
                    ("client", &e.name),
                    ("client_name", name),
                ],
                e.hits as f64,
            );
        },
    );
    enc.family(
        "technitium_top_domain_queries",
        Kind::Gauge,
        "Queries for one of the most asked domains in the window.",
    );
    list(
        enc,
        top,
        |d| d.domains.top_domains.as_ref(),
        |enc, w, e| {
            enc.sample(&[("window", w.label()), ("domain", &e.name)], e.hits as f64);
        },
    );
    enc.family(
        "technitium_top_blocked_domain_queries",
        Kind::Gauge,
        "Queries for one of the most blocked domains in the window.",
    );
    list(
        enc,
        top,
        |d| d.blocked.top_blocked_domains.as_ref(),
        |enc, w, e| {
            enc.sample(&[("window", w.label()), ("domain", &e.name)], e.hits as f64);
        },
    );
}
