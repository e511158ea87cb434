//! `top` (opt-in): the busiest clients and domains per window, capped by
//! `--collector.top.limit`. Client names only with `--collector.top.reverse-lookup`.

use futures_util::future::try_join_all;

use super::contract::{Collect, Cx, WriteCx};
use super::dashboard::Dashboard;
use super::error::CollectError;
use super::samples::count;
use super::spec::{OptKind, OptSpec, OptionError, OptionValues, Spec};
use crate::exposition::labels::Rule;
use crate::exposition::{Encoder, Kind};
use crate::technitium::types::{TopEntry, TopStats};
use crate::technitium::{ApiError, Client, Endpoint, Section, TopKind, Window};

/// The `top` collector.
#[derive(Debug)]
pub struct Top;

/// `top`'s settings (its windows are the dashboard collector's `--collector.dashboard.window`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopSettings {
    /// Rows per list.
    pub limit: usize,
    /// Ask the server for client names (slow: reverse lookups).
    pub reverse_lookup: bool,
}

impl Default for TopSettings {
    fn default() -> Self {
        Self {
            limit: 10,
            reverse_lookup: false,
        }
    }
}

/// The three top lists of one window.
#[derive(Debug, Default)]
pub struct TopData {
    /// Top clients.
    pub clients: TopStats,
    /// Top domains.
    pub domains: TopStats,
    /// Top blocked domains.
    pub blocked: TopStats,
}

impl Collect for Top {
    type Settings = TopSettings;
    type Data = Vec<(Window, TopData)>;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "top",
        help: "Top clients and domains",
        sections: &[Section::Dashboard],
        endpoints: &[Endpoint::StatsGetTop],
        options: &[
            OptSpec {
                key: "limit",
                value_name: "N",
                help: "Rows per top list (at least 1)",
                default: "10",
                kind: OptKind::Count,
            },
            OptSpec {
                key: "reverse-lookup",
                value_name: "BOOL",
                help: "Let the server resolve client names for top clients (slow)",
                default: "false",
                kind: OptKind::Bool,
            },
        ],
        ..Spec::DEFAULT
    };

    fn settings(v: &OptionValues<'_>) -> Result<TopSettings, OptionError> {
        let d = TopSettings::default();
        Ok(TopSettings {
            limit: v.count("limit")?.unwrap_or(d.limit).max(1),
            reverse_lookup: v.bool("reverse-lookup")?.unwrap_or(d.reverse_lookup),
        })
    }

    async fn fetch(cx: Cx<'_, Self>) -> Result<Self::Data, CollectError> {
        let windows = cx
            .settings_of::<Dashboard>()
            .map_or_else(|| vec![Window::LastHour], |d| d.windows.clone());
        Ok(fetch(cx.client, &windows, cx.settings).await?)
    }

    fn write(data: &Self::Data, _: &WriteCx<'_>, enc: &mut Encoder) {
        write(data, enc);
    }
}

async fn fetch(
    client: &Client,
    windows: &[Window],
    settings: &TopSettings,
) -> Result<Vec<(Window, TopData)>, ApiError> {
    let (limit, reverse) = (settings.limit, settings.reverse_lookup);
    try_join_all(windows.iter().map(|w| async move {
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

fn list<'a>(
    enc: &mut Encoder,
    top: &'a [(Window, TopData)],
    pick: impl Fn(&'a TopData) -> Option<&'a Vec<TopEntry>>,
    write: impl Fn(&mut Encoder, Window, &TopEntry),
) {
    for (w, data) in top {
        let mut seen = std::collections::HashSet::new();
        // A DNS client chooses the names it asks for: one that cannot be a label value (a
        // control character, over 255 bytes) has no series.
        for entry in pick(data).into_iter().flatten() {
            if Rule::Name.accepts(&entry.name) && seen.insert(entry.name.as_str()) {
                write(enc, *w, entry);
            }
        }
    }
}

fn write(top: &[(Window, TopData)], enc: &mut Encoder) {
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
                .filter(|d| Rule::Name.accepts(d))
                .unwrap_or("none");
            enc.sample(
                &[
                    ("window", w.label()),
                    ("client", &e.name),
                    ("client_name", name),
                ],
                count(e.hits),
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
            enc.sample(&[("window", w.label()), ("domain", &e.name)], count(e.hits));
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
            enc.sample(&[("window", w.label()), ("domain", &e.name)], count(e.hits));
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::ExpositionFormat;

    fn entry(name: &str, domain: Option<&str>, hits: u64) -> TopEntry {
        TopEntry {
            name: name.to_owned(),
            domain: domain.map(str::to_owned),
            hits,
        }
    }

    fn render(data: &Vec<(Window, TopData)>) -> String {
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Top::write(data, &WriteCx { session: None }, &mut enc);
        enc.finish()
    }

    #[test]
    fn each_list_is_written_per_window_and_a_client_without_a_name_is_none() {
        let data = vec![(
            Window::LastHour,
            TopData {
                clients: TopStats {
                    top_clients: Some(vec![
                        entry("10.0.0.5", Some("laptop.lan"), 40),
                        entry("10.0.0.6", Some(""), 3),
                    ]),
                    ..TopStats::default()
                },
                domains: TopStats {
                    top_domains: Some(vec![entry("example.com", None, 12)]),
                    ..TopStats::default()
                },
                blocked: TopStats::default(),
            },
        )];
        let text = render(&data);
        assert!(text.contains("technitium_top_client_queries{window=\"last_hour\",client=\"10.0.0.5\",client_name=\"laptop.lan\"} 40\n"), "{text}");
        assert!(text.contains("technitium_top_client_queries{window=\"last_hour\",client=\"10.0.0.6\",client_name=\"none\"} 3\n"), "{text}");
        assert!(
            text.contains(
                "technitium_top_domain_queries{window=\"last_hour\",domain=\"example.com\"} 12\n"
            ),
            "{text}"
        );
        assert!(
            !text.contains("blocked_domain_queries{"),
            "no rows, no samples: {text}"
        );
    }

    #[test]
    fn no_window_writes_nothing() {
        assert_eq!(render(&Vec::new()), "");
    }
}
