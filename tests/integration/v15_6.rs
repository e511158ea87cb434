//! Technitium 15.3–15.6 against wiremock playing the recorded 15.6 answers: the server's own
//! health check, `/api/status` and the token's write rights, the node list's versions and
//! dates, the update-check switch, catalog member zones (#2066) and, on the per-minute
//! simulator, frozen statistics (#1975).

use std::time::Duration;

use serde_json::Value;
use technitium_exporter::collector::{DetailStatus, Options, Outcome};
use technitium_exporter::technitium::Endpoint;
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::{
    PRIORITY_OVERRIDE, TOKEN, Version, client_config, collect, collector, family_lines, fixture,
    json, mock_with, only, sample, scrape_mock, set, text,
};
use crate::minutes::SimServer;

/// A recorded JSON answer of 15.6, edited.
fn edited(name: &str, edit: impl FnOnce(&mut Value)) -> ResponseTemplate {
    let mut v: Value = serde_json::from_str(&fixture(Version::V15_6, name)).unwrap();
    edit(&mut v);
    json(v.to_string())
}

fn success(text: &str, collector: &str) -> Option<f64> {
    sample(
        text,
        &format!("technitium_scrape_collector_success{{collector=\"{collector}\"}}"),
    )
}

async fn requests_to(server: &MockServer, endpoint: Endpoint) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == endpoint.path())
        .collect()
}

// ------------------------------------------------------------------------------------ health

#[tokio::test]
async fn health_checks_each_domain_and_keeps_the_servers_words() {
    let server = mock_with(Version::V15_6, vec![]).await;
    // The server cannot resolve example.org; its message even carries the token (an error page
    // echoing a URL): the client removes it.
    let failed = fixture(Version::V15_6, "dnsClient_healthCheck_error.json").replace(
        "request timed out.",
        &format!("request timed out (token={TOKEN})."),
    );
    Mock::given(path(Endpoint::HealthCheck.path()))
        .and(query_param("domain", "example.org"))
        .respond_with(json(failed))
        .with_priority(PRIORITY_OVERRIDE)
        .mount(&server)
        .await;
    let mut options = only(&["health"]);
    set(&mut options, "health", "domains", "localhost,example.org");
    let (snapshot, text) = scrape_mock(&server, options).await;
    assert_eq!(success(&text, "health"), Some(1.0));
    assert_eq!(
        sample(
            &text,
            "technitium_health_check_success{domain=\"localhost\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "technitium_health_check_success{domain=\"example.org\"}"
        ),
        Some(0.0)
    );
    assert_eq!(
        family_lines(&text, "technitium_health_check_duration_seconds").len(),
        2
    );
    let details = &snapshot.part("health").unwrap().details;
    assert_eq!(details[0].status, DetailStatus::Ok);
    assert_eq!(details[1].status, DetailStatus::Failed);
    assert_eq!(details[1].title, "health check example.org");
    assert!(
        details[1].detail.starts_with(
            "the server says: DnsClient failed to resolve the request 'example.org. A IN': request timed out"
        ),
        "{:?}",
        details[1]
    );
    assert!(!details[1].detail.contains(TOKEN), "{:?}", details[1]);
    // One call per domain, with only the domain parameter (and the token in the header).
    let calls = requests_to(&server, Endpoint::HealthCheck).await;
    let mut asked: Vec<String> = calls
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect();
    asked.sort();
    assert_eq!(asked, ["domain=example.org", "domain=localhost"]);
}

#[tokio::test]
async fn health_is_not_applicable_before_15_3_and_never_asked() {
    let server = mock_with(Version::V15_2, vec![]).await;
    let (snapshot, text) = scrape_mock(&server, Options::default()).await;
    assert!(snapshot.up());
    assert!(matches!(
        snapshot.report("health").map(|r| &r.outcome),
        Some(Outcome::NotApplicable(None))
    ));
    assert_eq!(success(&text, "health"), None);
    assert!(!text.contains("technitium_health_check"));
    assert!(requests_to(&server, Endpoint::HealthCheck).await.is_empty());
}

#[tokio::test]
async fn a_404_from_a_server_claiming_15_3_is_not_applicable_not_failed() {
    let server = mock_with(
        Version::V15_6,
        vec![(Endpoint::HealthCheck, ResponseTemplate::new(404))],
    )
    .await;
    let (snapshot, text) = scrape_mock(&server, only(&["health"])).await;
    let outcome = snapshot.report("health").map(|r| r.outcome.clone());
    assert!(
        matches!(outcome, Some(Outcome::NotApplicable(Some(why))) if why.contains("HTTP 404")),
        "{outcome:?}"
    );
    assert_eq!(success(&text, "health"), None);
    assert!(!text.contains("technitium_health_check"));
}

#[tokio::test]
async fn a_denied_health_check_fails_the_collector_and_without_view_it_is_skipped() {
    let denied = json(fixture(Version::V15_6, "error_access_denied.json"));
    let server = mock_with(Version::V15_6, vec![(Endpoint::HealthCheck, denied)]).await;
    let (snapshot, text) = scrape_mock(&server, only(&["health"])).await;
    assert_eq!(success(&text, "health"), Some(0.0));
    assert!(!text.contains("technitium_health_check_success"));
    let outcome = snapshot.report("health").map(|r| r.outcome.describe());
    assert!(
        outcome
            .as_deref()
            .is_some_and(|o| o.contains("DnsClient: View")),
        "{outcome:?}"
    );

    // A token without DnsClient: View: skipped before any call.
    let session = edited("user_session_get_apiToken.json", |v| {
        v["info"]["permissions"]["DnsClient"]["canView"] = false.into();
    });
    let server = mock_with(Version::V15_6, vec![(Endpoint::SessionGet, session)]).await;
    let (snapshot, text) = scrape_mock(&server, only(&["health"])).await;
    assert!(matches!(
        snapshot.report("health").map(|r| &r.outcome),
        Some(Outcome::NoPermission(_))
    ));
    assert_eq!(success(&text, "health"), Some(0.0));
    assert!(requests_to(&server, Endpoint::HealthCheck).await.is_empty());
}

// ---------------------------------------------------------------------------------- security

#[tokio::test]
async fn default_credentials_and_write_rights_are_reported() {
    // A changed password and a view-only token: zeros, no warning.
    let server = mock_with(Version::V15_6, vec![]).await;
    let (snapshot, text) = scrape_mock(&server, only(&["security"])).await;
    assert_eq!(sample(&text, "technitium_default_credentials"), Some(0.0));
    let write = family_lines(&text, "technitium_permission_write_granted");
    assert_eq!(write.len(), 11, "{text}");
    assert!(write.iter().all(|l| l.ends_with(" 0")), "{write:?}");
    assert_eq!(snapshot.part("security").unwrap().warning, None);
    // /api/status needs no permission, is answered by the contacted server (no node=).
    let calls = requests_to(&server, Endpoint::Status).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].url.query(), None);

    // The default password, and an admin-like token.
    let session = edited("user_session_get_apiToken.json", |v| {
        v["info"]["permissions"]["Zones"]["canModify"] = true.into();
        v["info"]["permissions"]["Settings"]["canDelete"] = true.into();
    });
    let server = mock_with(
        Version::V15_6,
        vec![
            (Endpoint::SessionGet, session),
            (
                Endpoint::Status,
                json(fixture(Version::V15_6, "status_defaultCredentials.json")),
            ),
        ],
    )
    .await;
    let (snapshot, text) = scrape_mock(&server, only(&["security"])).await;
    assert_eq!(sample(&text, "technitium_default_credentials"), Some(1.0));
    for (section, v) in [("zones", 1.0), ("settings", 1.0), ("dashboard", 0.0)] {
        assert_eq!(
            sample(
                &text,
                &format!("technitium_permission_write_granted{{section=\"{section}\"}}")
            ),
            Some(v),
            "{section}"
        );
    }
    let warning = snapshot.part("security").unwrap().warning.clone().unwrap();
    assert_eq!(warning.key, "default_credentials_and_over_privileged");
    assert!(warning.detail.contains("Settings, Zones"), "{warning:?}");
}

#[tokio::test]
async fn before_15_3_security_reports_write_rights_only() {
    let server = mock_with(Version::V15_2, vec![]).await;
    let (_, text) = scrape_mock(&server, only(&["security"])).await;
    assert_eq!(success(&text, "security"), Some(1.0));
    assert!(!text.contains("technitium_default_credentials"), "{text}");
    assert_eq!(
        family_lines(&text, "technitium_permission_write_granted").len(),
        11
    );
    assert!(requests_to(&server, Endpoint::Status).await.is_empty());
}

#[tokio::test]
async fn security_keeps_its_data_for_its_min_interval() {
    let server = mock_with(Version::V15_6, vec![]).await;
    let c = collector(&client_config(&server.uri()), only(&["security"]));
    for _ in 0..3 {
        let snapshot = collect(&c, Duration::from_secs(10)).await;
        assert_eq!(
            sample(&text(&snapshot), "technitium_default_credentials"),
            Some(0.0)
        );
    }
    // Three scrapes, one /api/status call: the default 5-minute min-interval.
    assert_eq!(requests_to(&server, Endpoint::Status).await.len(), 1);
}

// ------------------------------------------------------------------------------ node versions

/// The 15.6 session's node list, edited node by node.
fn nodes_edited(edit: impl FnOnce(&mut Vec<Value>)) -> ResponseTemplate {
    edited("user_session_get_apiToken.json", |v| {
        let nodes = v["info"]["clusterNodes"].as_array_mut().unwrap();
        edit(nodes);
    })
}

#[tokio::test]
async fn node_versions_come_from_one_node_list() {
    // Every node reports a version; server3 (the primary) is one behind.
    let session = nodes_edited(|nodes| {
        nodes[1]["version"] = "15.6".into();
        nodes[2]["version"] = "15.5".into();
    });
    let server = mock_with(Version::V15_6, vec![(Endpoint::SessionGet, session)]).await;
    let (_, text) = scrape_mock(&server, only(&["cluster"])).await;
    assert_eq!(
        family_lines(&text, "technitium_cluster_node_build_info"),
        [
            "technitium_cluster_node_build_info{node=\"server1.example.com\",version=\"15.6\"} 1",
            "technitium_cluster_node_build_info{node=\"server2.example.com\",version=\"15.6\"} 1",
            "technitium_cluster_node_build_info{node=\"server3.example.com\",version=\"15.5\"} 1",
        ]
    );

    // The recorded list: server2 was never heard from since server1 started: no version, not
    // an old one.
    let server = mock_with(Version::V15_6, vec![]).await;
    let (_, text) = scrape_mock(&server, only(&["cluster"])).await;
    let lines = family_lines(&text, "technitium_cluster_node_build_info");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(!text.contains("build_info{node=\"server2.example.com\""));

    // Before 15.6 no node gives a version: no family at all.
    let server = mock_with(Version::V15_2, vec![]).await;
    let (_, text) = scrape_mock(&server, only(&["cluster"])).await;
    assert!(
        !text.contains("technitium_cluster_node_build_info"),
        "{text}"
    );
}

#[tokio::test]
async fn omitted_dates_and_the_old_sentinel_give_no_timestamps() {
    // 15.x leaves unset dates out; older releases sent 0001-01-01T00:00:00 (no Z).
    let session = nodes_edited(|nodes| {
        nodes[0]["upSince"] = "0001-01-01T00:00:00".into();
        nodes[2]["lastSeen"] = "0001-01-01T00:00:00".into();
        nodes[1]
            .as_object_mut()
            .unwrap()
            .retain(|k, _| !["lastSeen", "upSince", "configLastSynced"].contains(&k.as_str()));
    });
    let server = mock_with(Version::V15_6, vec![(Endpoint::SessionGet, session)]).await;
    let (snapshot, text) = scrape_mock(&server, only(&["cluster"])).await;
    assert!(snapshot.up());
    assert!(
        !text.contains("technitium_cluster_node_last_seen_timestamp_seconds"),
        "{text}"
    );
    assert!(!text.contains("technitium_start_time_seconds 0"), "{text}");
    // The session's own start time is its uptimestamp, unaffected.
    assert!(sample(&text, "technitium_start_time_seconds").is_some_and(|t| t > 1.7e9));
    // Nothing at year 1 or 0 anywhere.
    for line in text.lines().filter(|l| l.contains("timestamp_seconds")) {
        let v: f64 = line.rsplit_once(' ').unwrap().1.parse().unwrap();
        assert!(v > 1.0e9, "{line}");
    }
}

// ------------------------------------------------------------------------- update switch

#[tokio::test]
async fn no_confident_zero_when_the_server_does_not_check_for_updates() {
    // The answer says the check is off.
    let off = json(fixture(Version::V15_6, "user_checkForUpdate_disabled.json"));
    let server = mock_with(Version::V15_6, vec![(Endpoint::CheckForUpdate, off)]).await;
    let (snapshot, text) = scrape_mock(&server, only(&["update"])).await;
    assert_eq!(success(&text, "update"), Some(1.0));
    assert!(!text.contains("technitium_update_available"), "{text}");
    let row = &snapshot.part("update").unwrap().details[0];
    assert_eq!(row.status, DetailStatus::Warning);
    assert!(
        row.detail
            .starts_with("the server does not check for updates"),
        "{row:?}"
    );
    assert!(requests_to(&server, Endpoint::SettingsGet).await.is_empty());

    // The answer does not say (as 15.2's never does); settings/get says off.
    let silent = json(fixture(Version::V15_2, "user_checkForUpdate_failed.json"));
    let settings = edited("settings_get.json", |v| {
        v["response"]["dnsServerEnableCheckForUpdate"] = false.into();
    });
    let server = mock_with(
        Version::V15_6,
        vec![
            (Endpoint::CheckForUpdate, silent.clone()),
            (Endpoint::SettingsGet, settings),
        ],
    )
    .await;
    // With the settings collector on too, settings/get is made once between them.
    let (_, text) = scrape_mock(&server, only(&["update", "settings"])).await;
    assert!(!text.contains("technitium_update_available"), "{text}");
    assert_eq!(requests_to(&server, Endpoint::SettingsGet).await.len(), 1);

    // The answer does not say and the token may not view Settings: unknown, no zero.
    let session = edited("user_session_get_apiToken.json", |v| {
        v["info"]["permissions"]["Settings"]["canView"] = false.into();
    });
    let server = mock_with(
        Version::V15_6,
        vec![
            (Endpoint::CheckForUpdate, silent.clone()),
            (Endpoint::SessionGet, session),
        ],
    )
    .await;
    let (snapshot, text) = scrape_mock(&server, only(&["update"])).await;
    assert!(!text.contains("technitium_update_available"), "{text}");
    let row = &snapshot.part("update").unwrap().details[0];
    assert!(
        row.detail
            .starts_with("cannot tell whether the server checks"),
        "{row:?}"
    );
    assert!(requests_to(&server, Endpoint::SettingsGet).await.is_empty());

    // A server that checks (the recorded 15.6 answer says so): a real 0.
    let server = mock_with(Version::V15_6, vec![]).await;
    let (_, text) = scrape_mock(&server, only(&["update"])).await;
    assert_eq!(sample(&text, "technitium_update_available"), Some(0.0));

    // Before 15.3 the server always checks: a failed check still reads 0, as before.
    let server = mock_with(Version::V15_2, vec![(Endpoint::CheckForUpdate, silent)]).await;
    let (_, text) = scrape_mock(&server, only(&["update"])).await;
    assert_eq!(sample(&text, "technitium_update_available"), Some(0.0));
    assert!(requests_to(&server, Endpoint::SettingsGet).await.is_empty());
}

// --------------------------------------------------------------------------- #2066 inputs

/// What `TechnitiumZoneNotifyFailed` joins to stay quiet for #2066 (its promtool tests
/// evaluate it): the recorded 15.6 server is a cluster secondary whose catalog member test0.com
/// reports notify failed, while example.com, outside any catalog, really fails.
#[tokio::test]
async fn a_secondarys_catalog_members_are_marked() {
    let server = mock_with(Version::V15_6, vec![]).await;
    let (_, text) = scrape_mock(&server, only(&["zones", "cluster"])).await;
    for line in [
        "technitium_zone_notify_failed{zone=\"test0.com\"} 1",
        "technitium_zone_notify_failed{zone=\"example.com\"} 1",
        "technitium_zone_catalog_info{zone=\"test0.com\",catalog=\"cluster-catalog.example.com\"} 1",
        "technitium_cluster_node_info{node=\"server1.example.com\",type=\"secondary\"} 1",
        "technitium_cluster_node_state{node=\"server1.example.com\",state=\"self\"} 1",
    ] {
        assert!(text.contains(&format!("{line}\n")), "{line}");
    }
    assert!(!text.contains("technitium_zone_catalog_info{zone=\"example.com\""));
    // 15.3 dropped the built-in local zones from the list.
    assert!(!text.contains("zone=\"localhost\""));
}

// ------------------------------------------------------------------------- frozen statistics

/// Scrapes every 30 s of the simulator's clock, `n` times; the stale gauge of each scrape.
async fn stale_over(sim: &SimServer, start: i64, n: i64) -> Vec<Option<f64>> {
    let c = collector(&client_config(&sim.uri()), only(&["counters", "lifetime"]));
    let mut seen = Vec::new();
    for k in 0..n {
        sim.with(|s| s.now = start + 30 * k);
        let snapshot = collect(&c, Duration::from_secs(10)).await;
        assert_eq!(success(&text(&snapshot), "counters"), Some(1.0));
        seen.push(sample(&text(&snapshot), "technitium_dashboard_stats_stale"));
    }
    seen
}

/// 30 s into a minute.
const T0: i64 = 1_791_200_000 - 1_791_200_000 % 60 + 30;

#[tokio::test]
async fn frozen_statistics_are_stale_and_counted_queries_are_not() {
    // Frozen from T0 on (#1975): the chart reads 0 while about 50 queries a minute arrive.
    let sim = SimServer::start(Version::V15_6, T0).await;
    sim.with(|s| s.frozen_after = Some(T0 - 30));
    let seen = stale_over(&sim, T0, 20).await;
    assert_eq!(seen[0], None, "no earlier scrape: no verdict");
    assert!(seen[1..6].iter().all(|v| *v == Some(0.0)), "{seen:?}");
    assert_eq!(seen.last(), Some(&Some(1.0)), "{seen:?}");
    // No call of its own: the lifetime counter is fetched once per scrape, for both.
    let metrics = requests_to(&sim.mock, Endpoint::MetricsJson).await.len();
    assert_eq!(metrics, 20);

    // The same server, not frozen: the chart shows the queries.
    let sim = SimServer::start(Version::V15_6, T0).await;
    let seen = stale_over(&sim, T0, 20).await;
    assert!(seen[1..].iter().all(|v| *v == Some(0.0)), "{seen:?}");

    // Frozen, but the counter grows by 5 a minute: below the threshold (50 over the window).
    let sim = SimServer::start(Version::V15_6, T0).await;
    sim.with(|s| {
        s.frozen_after = Some(T0 - 30);
        s.lifetime_per_minute = Some(5);
    });
    let seen = stale_over(&sim, T0, 20).await;
    assert!(seen[1..].iter().all(|v| *v == Some(0.0)), "{seen:?}");
}

#[tokio::test]
async fn no_stale_verdict_without_the_lifetime_collector_or_before_v15() {
    let sim = SimServer::start(Version::V15_6, T0).await;
    sim.with(|s| s.frozen_after = Some(T0 - 30));
    let c = collector(&client_config(&sim.uri()), only(&["counters"]));
    for k in 0..20 {
        sim.with(|s| s.now = T0 + 30 * k);
        let t = text(&collect(&c, Duration::from_secs(10)).await);
        assert!(!t.contains("technitium_dashboard_stats_stale"), "{t}");
    }
    // The counters collector made no metrics/json call of its own.
    assert!(
        requests_to(&sim.mock, Endpoint::MetricsJson)
            .await
            .is_empty()
    );

    let sim = SimServer::start(Version::V14_3, T0).await;
    sim.with(|s| s.frozen_after = Some(T0 - 30));
    let c = collector(&client_config(&sim.uri()), only(&["counters", "lifetime"]));
    for k in 0..12 {
        sim.with(|s| s.now = T0 + 30 * k);
        let t = text(&collect(&c, Duration::from_secs(10)).await);
        assert!(!t.contains("technitium_dashboard_stats_stale"), "{t}");
    }
}
