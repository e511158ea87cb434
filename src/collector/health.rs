//! `health` (default on; 15.3+): the server's own health check, `dnsClient/healthCheck`, once
//! per configured domain. The server resolves the name with its own resolver and writes no
//! query-log entry; `localhost` (the default) is answered by the DNS engine itself (15.3+ treats
//! it as a local zone), so it checks that the engine answers, while a real name checks
//! resolution. Each check is one cheap call per scrape.
//!
//! A failed check is data (`technitium_health_check_success 0`, the server's words in `check`);
//! the collector itself fails only when the API cannot be asked (no answer, a denied token). A
//! server older than 15.3 is never asked: the collector does not apply to it; one that claims a
//! newer version but has no such path (HTTP 404) is "not applicable" too, not failed.

use std::time::Duration;

use futures_util::future::join_all;
use tokio::time::Instant;

use super::contract::{Collect, Cx, Detail, DetailStatus, WriteCx};
use super::error::CollectError;
use super::samples::flag;
use super::spec::{OptKind, OptSpec, OptionError, OptionValues, Requires, Spec};
use crate::exposition::{Encoder, Kind};
use crate::technitium::{ApiError, Client, Endpoint, Section};

/// The `health` collector.
#[derive(Debug)]
pub struct Health;

/// The most domains one scrape checks: each is one call, and a failing one can take the server
/// its resolver's whole timeout.
pub const MAX_DOMAINS: usize = 8;

/// Why the collector does not apply to a server that answered 404.
const NO_API: &str = "the server has no dnsClient/healthCheck (HTTP 404): it needs Technitium v15.3 or later, whatever its version says";

/// The domains to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthSettings {
    /// Checked in this order, each once.
    pub domains: Vec<String>,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            domains: vec!["localhost".to_owned()],
        }
    }
}

/// How one check went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// The server resolved the name.
    Resolved,
    /// The server said it could not (its message, redacted and shortened by the client).
    Failed(String),
    /// The API did not answer within the client's timeout.
    NoAnswer(Duration),
}

/// One domain's check.
#[derive(Debug, Clone)]
pub struct Check {
    /// The domain, as configured.
    pub domain: String,
    /// How it went.
    pub outcome: CheckOutcome,
    /// How long the call took, as the exporter measured it.
    pub duration: Duration,
}

impl Collect for Health {
    type Settings = HealthSettings;
    type Data = Vec<Check>;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "health",
        help: "The server's own health check per domain (dnsClient/healthCheck, v15.3+)",
        default_enabled: true,
        sections: &[Section::DnsClient],
        requires: Requires::Version {
            major: 15,
            minor: 3,
            what: "health checks (dnsClient/healthCheck)",
        },
        endpoints: &[Endpoint::HealthCheck],
        options: &[OptSpec {
            key: "domains",
            value_name: "DOMAINS",
            help: "Domains the server resolves with its own resolver, comma-separated, at most 8 (localhost: the DNS engine answers; a real name: resolution works)",
            default: "localhost",
            kind: OptKind::List,
        }],
        ..Spec::DEFAULT
    };

    fn settings(v: &OptionValues<'_>) -> Result<HealthSettings, OptionError> {
        let Some((items, given)) = v.list("domains") else {
            return Ok(HealthSettings::default());
        };
        let mut domains: Vec<String> = Vec::new();
        for item in items {
            if let Some(why) = bad_domain(item) {
                return Err(OptionValues::bad_item(given, format!("{item:?} {why}")));
            }
            let domain = item.to_ascii_lowercase();
            if !domains.contains(&domain) {
                domains.push(domain);
            }
        }
        if domains.is_empty() {
            return Err(OptionValues::bad_item(
                given,
                "no domain given: name at least one (localhost checks that the DNS engine answers), or pass --no-collector.health",
            ));
        }
        if domains.len() > MAX_DOMAINS {
            return Err(OptionValues::bad_item(
                given,
                format!(
                    "{} domains given, at most {MAX_DOMAINS} are checked: each is one call per scrape",
                    domains.len()
                ),
            ));
        }
        Ok(HealthSettings { domains })
    }

    async fn fetch(cx: Cx<'_, Self>) -> Result<Vec<Check>, CollectError> {
        let runs = cx.settings.domains.iter().map(|d| check(cx.client, d));
        join_all(runs).await.into_iter().collect()
    }

    fn write(checks: &Vec<Check>, _: &WriteCx<'_>, enc: &mut Encoder) {
        write(checks, enc);
    }

    fn details(checks: &Vec<Check>, _: &HealthSettings) -> Vec<Detail> {
        checks.iter().map(detail).collect()
    }
}

/// Why `domain` is not a domain name, if it is not one.
fn bad_domain(domain: &str) -> Option<&'static str> {
    let name = domain.strip_suffix('.').unwrap_or(domain);
    if name.is_empty() || name.len() > 253 {
        return Some("is not a domain name (1 to 253 characters)");
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if name.split('.').all(label_ok) {
        None
    } else {
        Some("is not a domain name (letters, digits, - and _ between dots; IDN names as xn--…)")
    }
}

/// One health check of `domain`.
async fn check(client: &Client, domain: &str) -> Result<Check, CollectError> {
    let started = Instant::now();
    let outcome = match client.health_check(domain).await {
        Ok(()) => CheckOutcome::Resolved,
        Err(ApiError::Api { message, .. }) => CheckOutcome::Failed(message),
        Err(ApiError::Timeout { timeout, .. }) => CheckOutcome::NoAnswer(timeout),
        Err(ApiError::HttpStatus { status: 404, .. }) => {
            return Err(CollectError::NotApplicable { why: NO_API });
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Check {
        domain: domain.to_owned(),
        outcome,
        duration: started.elapsed(),
    })
}

fn write(checks: &[Check], enc: &mut Encoder) {
    enc.family(
        "technitium_health_check_success",
        Kind::Gauge,
        "Whether the server resolved the domain with its own resolver (dnsClient/healthCheck) (1) or not (0).",
    );
    for c in checks {
        let ok = c.outcome == CheckOutcome::Resolved;
        enc.sample(&[("domain", &c.domain)], flag(ok));
    }
    enc.family(
        "technitium_health_check_duration_seconds",
        Kind::Gauge,
        "How long the server's health check of the domain took, from the exporter's call to its answer, in seconds.",
    );
    for c in checks {
        enc.sample(&[("domain", &c.domain)], c.duration.as_secs_f64());
    }
}

/// `check`'s row for one domain.
fn detail(c: &Check) -> Detail {
    let (status, detail, hint) = match &c.outcome {
        CheckOutcome::Resolved => (
            DetailStatus::Ok,
            format!("resolved in {:.1} ms", c.duration.as_secs_f64() * 1000.0),
            None,
        ),
        CheckOutcome::Failed(message) => (
            DetailStatus::Failed,
            format!("the server says: {message}"),
            Some(failed_hint(&c.domain)),
        ),
        CheckOutcome::NoAnswer(timeout) => (
            DetailStatus::Failed,
            format!(
                "no answer within {} (--technitium.timeout)",
                humantime::format_duration(*timeout)
            ),
            Some("the API did not answer the health check in time: is the DNS engine stuck? See the server's log (Logs in the web console)".to_owned()),
        ),
    };
    Detail {
        id: "health_check".to_owned(),
        title: format!("health check {}", c.domain),
        status,
        detail,
        hint,
    }
}

fn failed_hint(domain: &str) -> String {
    if domain == "localhost" {
        "localhost is answered by the DNS engine itself: when it fails, the engine does not answer; see the server's log (Logs in the web console)".to_owned()
    } else {
        format!(
            "the server's own resolver could not answer for {domain}: check its forwarders or recursion (Settings), and its log"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::spec::Given;
    use crate::exposition::ExpositionFormat;
    use std::collections::BTreeMap;

    fn parse(value: &str) -> Result<HealthSettings, OptionError> {
        let mut values = BTreeMap::new();
        values.insert("domains", Given::one(value, "--collector.health.domains"));
        Health::settings(&OptionValues::new(&values))
    }

    #[test]
    fn domains_are_checked_names_once_each_and_at_most_eight() {
        assert_eq!(
            parse("localhost, Example.COM., localhost").map(|s| s.domains),
            Ok(vec!["localhost".to_owned(), "example.com.".to_owned()])
        );
        let nine: Vec<String> = (0..9).map(|i| format!("n{i}.lan")).collect();
        let e = parse(&nine.join(",")).map_err(|e| e.to_string());
        assert!(
            e.as_ref()
                .is_err_and(|m| m.contains("9 domains given, at most 8")),
            "{e:?}"
        );
        for bad in ["exa mple.com", "a..b", "http://x", ""] {
            let e = parse(bad).map_err(|e| e.to_string());
            assert!(
                e.as_ref()
                    .is_err_and(|m| m.starts_with("--collector.health.domains: ")),
                "{bad:?}: {e:?}"
            );
        }
    }

    #[test]
    fn writes_success_and_duration_per_domain_and_a_row_each() {
        let checks = vec![
            Check {
                domain: "localhost".to_owned(),
                outcome: CheckOutcome::Resolved,
                duration: Duration::from_millis(3),
            },
            Check {
                domain: "example.com".to_owned(),
                outcome: CheckOutcome::Failed("request timed out".to_owned()),
                duration: Duration::from_millis(2000),
            },
        ];
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Health::write(&checks, &WriteCx { session: None }, &mut enc);
        let text = enc.finish();
        for line in [
            "technitium_health_check_success{domain=\"localhost\"} 1\n",
            "technitium_health_check_success{domain=\"example.com\"} 0\n",
            "technitium_health_check_duration_seconds{domain=\"example.com\"} 2\n",
        ] {
            assert!(text.contains(line), "{line}in {text}");
        }
        let rows = Health::details(&checks, &HealthSettings::default());
        assert_eq!(rows[0].status, DetailStatus::Ok);
        assert_eq!(rows[1].status, DetailStatus::Failed);
        assert_eq!(rows[1].title, "health check example.com");
        assert_eq!(rows[1].detail, "the server says: request timed out");
        assert!(
            rows[1]
                .hint
                .as_deref()
                .is_some_and(|h| h.contains("forwarders"))
        );
    }
}
