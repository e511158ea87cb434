//! The status part of `/`: the exporter's version, uptime and last reload, and the "Targets"
//! table — the default target, every configured target and every node of their clusters seen
//! so far, each with its URL (never credentials), its last served scrape (age, `up`, duration,
//! the collectors that failed with their reason and error) and a link to its debug output.
//!
//! It reads only what `serve` keeps anyway ([`LastScrape`], the node lists, the self
//! metrics): showing it calls no server. Plain HTML, every value escaped; no script. On a
//! narrow screen the table's rows stack (CSS only).

use std::fmt::Write as _;
use std::time::{Duration, UNIX_EPOCH};

use super::coalesce::ServedTarget;
use super::fleet::Fleet;
use super::metrics::{SelfMetrics, unix_now};
use super::seen::LastScrape;
use super::targets::{DEFAULT_TARGET, Targets};
use crate::technitium::display_base;

/// The page's style: readable on a phone (the table stacks below 700 px).
pub(super) const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1rem;line-height:1.4;max-width:80rem}\
table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}\
td.url{white-space:nowrap}td.failed{overflow-wrap:anywhere}\
td.failed ul{margin:0;padding-left:1.1rem}\
.down{color:#a00020;font-weight:bold}.ok{color:#1b5e20;font-weight:bold}.node td:first-child{padding-left:1.5rem}\
pre{overflow-x:auto;background:#f4f4f4;padding:.5rem}\
@media (max-width:700px){thead{display:none}table,tbody,tr,td{display:block}\
tr{border:1px solid #bbb;margin:0 0 .8rem;padding:.3rem}td{border:none;padding:.15rem .3rem}\
.node td:first-child{padding-left:.3rem}td.url{white-space:normal;overflow-wrap:anywhere}td::before{content:attr(data-label) \": \";font-weight:bold}}";

/// One row of the table.
struct Row {
    /// The target, or `TARGET / NODE`.
    name: String,
    url: String,
    last: Option<LastScrape>,
    /// The debug output's link (not escaped yet).
    debug: String,
    node: bool,
}

/// The status section of `/`: the exporter's facts, then the "Targets" table.
pub(super) fn section(targets: &Targets, metrics: &SelfMetrics, telemetry_path: &str) -> String {
    let mut html = String::from("<h2>Status</h2>\n");
    html.push_str(&facts(metrics));
    html.push_str("<h2>Targets</h2>\n<p>Each target's last scrape as served (to Prometheus or a debug request): this page calls no server. <em>debug</em> runs one real scrape and shows every call it makes.</p>\n<table>\n<thead><tr><th>Target</th><th>URL</th><th>Last scrape</th><th>up</th><th>Duration</th><th>Failed collectors</th><th>Debug</th></tr></thead>\n<tbody>\n");
    for row in rows(targets, telemetry_path) {
        html.push_str(&row_html(&row));
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// Version, uptime, the last reload.
fn facts(metrics: &SelfMetrics) -> String {
    let now = unix_now();
    let (reload, loaded) = metrics.last_reload();
    let loaded = format!("{} ({} ago)", utc(loaded), span(now - loaded));
    let reload = match reload {
        None => format!("none since the start; configuration loaded {loaded}"),
        Some(true) => format!("<span class=\"ok\">successful</span>, {loaded}"),
        Some(false) => format!(
            "<span class=\"down\">failed</span>: the previous configuration is kept (loaded {loaded}); the log says why"
        ),
    };
    format!(
        "<ul>\n<li>Version: {} (revision {})</li>\n<li>Up for: {}, since {}</li>\n<li>Last reload (SIGHUP): {reload}</li>\n</ul>\n",
        escape(env!("CARGO_PKG_VERSION")),
        escape(option_env!("TECHNITIUM_EXPORTER_REVISION").unwrap_or("unknown")),
        span(now - metrics.started()),
        utc(metrics.started()),
    )
}

/// The default target, then the configured ones by name, each followed by its cluster's nodes.
fn rows(targets: &Targets, telemetry_path: &str) -> Vec<Row> {
    let mut rows = vec![Row {
        name: DEFAULT_TARGET.to_owned(),
        url: shown_url(&targets.default),
        last: targets.default.last(),
        debug: format!("{telemetry_path}?debug=true"),
        node: false,
    }];
    let mut names: Vec<&String> = targets.named.keys().collect();
    names.sort_unstable();
    for name in names {
        let Some(target) = targets.named.get(name) else {
            continue;
        };
        rows.push(Row {
            name: name.clone(),
            url: shown_url(target),
            last: target.last(),
            debug: format!("/probe?target={}&debug=true", query_value(name)),
            node: false,
        });
        if let Some(fleet) = targets.fleets.get(name) {
            rows.extend(node_rows(name, fleet));
        }
    }
    rows
}

/// The nodes of a target's cluster seen so far: listed by its last session, scraped or not.
fn node_rows(name: &str, fleet: &Fleet) -> Vec<Row> {
    let scraped = fleet.node_targets();
    fleet
        .listed()
        .into_iter()
        .map(|node| Row {
            name: format!("{name} / {node}"),
            url: fleet.shown_url(&node),
            last: scraped.get(&node).and_then(|t| t.last()),
            debug: format!(
                "/probe?target={}&node={}&debug=true",
                query_value(name),
                query_value(&node)
            ),
            node: true,
        })
        .collect()
}

/// Where a target's collector reaches its server, without credentials.
fn shown_url(target: &ServedTarget) -> String {
    let client = target.collector.client();
    let base = display_base(client.base_url());
    match client.node() {
        Some(node) => format!("{base} (node={node})"),
        None => base,
    }
}

fn row_html(row: &Row) -> String {
    let mut html = format!(
        "<tr{}><td data-label=\"Target\">{}</td><td class=\"url\" data-label=\"URL\">{}</td>",
        if row.node { " class=\"node\"" } else { "" },
        escape(&row.name),
        escape(&row.url),
    );
    match &row.last {
        None => html.push_str("<td data-label=\"Last scrape\">not scraped yet</td><td data-label=\"up\">–</td><td data-label=\"Duration\">–</td><td class=\"failed\" data-label=\"Failed collectors\">–</td>"),
        Some(last) => html.push_str(&last_html(last)),
    }
    let _ = writeln!(
        html,
        "<td data-label=\"Debug\"><a href=\"{}\">debug</a></td></tr>",
        escape(&row.debug)
    );
    html
}

/// The cells of a last scrape: age, up, duration, failed collectors.
fn last_html(last: &LastScrape) -> String {
    let by = if last.debug { " (debug)" } else { "" };
    let up = match (last.up, last.reason) {
        (true, _) => "<span class=\"ok\">1</span>".to_owned(),
        (false, reason) => format!(
            "<span class=\"down\">0</span> ({})",
            escape(reason.unwrap_or("unknown"))
        ),
    };
    let failed = if last.failed.is_empty() {
        "none".to_owned()
    } else {
        let items: String = last
            .failed
            .iter()
            .map(|f| {
                format!(
                    "<li><b>{}</b> <code>{}</code>: {}</li>",
                    escape(f.collector),
                    escape(f.reason),
                    escape(&f.error)
                )
            })
            .collect();
        format!("<ul>{items}</ul>")
    };
    format!(
        "<td data-label=\"Last scrape\">{} ago{by}</td><td data-label=\"up\">{up}</td><td data-label=\"Duration\">{}</td><td class=\"failed\" data-label=\"Failed collectors\">{failed}</td>",
        span(last.at.elapsed().as_secs_f64()),
        duration(last.duration),
    )
}

/// `text` safe inside HTML text and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `value` as a query parameter's value.
fn query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A length of time for people: `42 s`, `5 min`, `3 h 12 min`, `2 d 4 h`.
fn span(seconds: f64) -> String {
    let s = Duration::try_from_secs_f64(seconds.max(0.0)).map_or(0, |d| d.as_secs());
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172_800 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A scrape's duration: `85 ms`, `1.25 s`.
fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// Seconds since the Unix epoch as UTC (RFC 3339, to the second).
fn utc(seconds: f64) -> String {
    Duration::try_from_secs_f64(seconds).map_or_else(
        |_| "an unknown time".to_owned(),
        |d| humantime::format_rfc3339_seconds(UNIX_EPOCH + d).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_that_means_something_in_html_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(query_value("a b&c=d"), "a+b%26c%3Dd");
    }

    #[test]
    fn times_read_as_people_say_them() {
        assert_eq!(span(-3.0), "0 s");
        assert_eq!(span(42.7), "42 s");
        assert_eq!(span(600.0), "10 min");
        assert_eq!(span(3.0 * 3600.0 + 720.0), "3 h 12 min");
        assert_eq!(span(f64::NAN), "0 s");
        assert_eq!(span(2.0 * 86_400.0 + 4.0 * 3600.0), "2 d 4 h");
        assert_eq!(duration(Duration::from_millis(85)), "85 ms");
        assert_eq!(duration(Duration::from_millis(1250)), "1.25 s");
        assert_eq!(utc(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(f64::INFINITY), "an unknown time");
    }
}
