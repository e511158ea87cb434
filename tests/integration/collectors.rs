//! Collector behaviour at HTTP level: partial and total failure, permissions, applicability,
//! the zone filters and limit, label rules, absent fields, deadlines. Family and sample counts
//! are exact so any change in the output shows up here too.

use std::time::Duration;

use crate::common::{
    Version, all_options, assert_golden, client_config, collect, collector, counts,
    default_options, family_lines, fixture, json, mock_with, sample, scrape_mock, text,
};
use serde_json::{Value, json as j};
use technitium_exporter::collector::{Options, Outcome};
use technitium_exporter::technitium::Endpoint;
use wiremock::{Request, ResponseTemplate};

/// A recorded JSON answer, edited.
fn edited(version: Version, name: &str, edit: impl FnOnce(&mut Value)) -> ResponseTemplate {
    let mut v: Value = serde_json::from_str(&fixture(version, name)).unwrap();
    edit(&mut v);
    json(v.to_string())
}

fn success(text: &str, collector: &str) -> Option<f64> {
    sample(
        text,
        &format!("technitium_scrape_collector_success{{collector=\"{collector}\"}}"),
    )
}

fn requested(requests: &[Request], endpoint: Endpoint) -> bool {
    requests.iter().any(|r| r.url.path() == endpoint.path())
}

#[tokio::test]
async fn partial_failure_keeps_the_rest() {
    // One of dhcp's two calls fails: the whole collector fails, nothing else does.
    let server = mock_with(
        Version::V15_2,
        vec![(Endpoint::DhcpLeasesList, ResponseTemplate::new(500))],
    )
    .await;
    let (snapshot, text) = scrape_mock(&server, default_options()).await;
    assert!(snapshot.up());
    assert_eq!(success(&text, "dhcp"), Some(0.0));
    for ok in ["session", "lifetime", "dashboard", "zones", "cluster"] {
        assert_eq!(success(&text, ok), Some(1.0), "{ok}");
    }
    assert!(!text.contains("technitium_dhcp_"));
    assert!(!text.contains("technitium_scrape_error"));
    assert!(text.contains("technitium_zone_info{zone=\".\""));
    assert!(text.contains("technitium_queries_total 21908"));
    assert!(
        text.contains("technitium_scrape_collector_duration_seconds{collector=\"dhcp\"} "),
        "a failed collector still reports its duration"
    );
    // v15.2 defaults (47 families, 167 samples) without the 3 dhcp families (8 samples).
    assert_eq!(counts(&snapshot), (44, 159));
}

#[tokio::test]
async fn lifetime_failure_on_v15_is_a_collector_failure() {
    let server = mock_with(
        Version::V15_2,
        vec![(Endpoint::MetricsJson, ResponseTemplate::new(404))],
    )
    .await;
    let (snapshot, text) = scrape_mock(&server, default_options()).await;
    assert_eq!(success(&text, "lifetime"), Some(0.0));
    assert_eq!(
        sample(&text, "technitium_lifetime_counters_supported"),
        Some(1.0)
    );
    assert!(!text.contains("technitium_queries_total"));
    // v15.2 defaults (47, 167) without the 3 lifetime families (10 samples).
    assert_eq!(counts(&snapshot), (44, 157));
}

#[tokio::test]
async fn total_failure_emits_up_reason_and_duration() {
    let server = mock_with(
        Version::V15_2,
        vec![(
            Endpoint::SessionGet,
            json(fixture(Version::V15_2, "error_invalid_token.json")),
        )],
    )
    .await;
    let (snapshot, text) = scrape_mock(&server, all_options()).await;
    assert!(!snapshot.up());
    assert_golden("v15_2_down_invalid_token.prom", &text);
    // up, error, collector success and duration (session), the cache age (forwarders has a
    // default min-interval), the scrape duration.
    assert_eq!(counts(&snapshot), (6, 6));
    // Nothing but the session probe and its retry was requested.
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests
            .iter()
            .all(|r| r.url.path() == Endpoint::SessionGet.path())
    );
}

#[tokio::test]
async fn collectors_without_permission_are_skipped() {
    let session = edited(Version::V15_2, "user_session_get_apiToken.json", |v| {
        v["info"]["permissions"]["DhcpServer"]["canView"] = j!(false);
        v["info"]["permissions"]["Settings"]["canView"] = j!(false);
        v["info"]["permissions"]["Dashboard"]["canView"] = j!(false);
    });
    let server = mock_with(Version::V15_2, vec![(Endpoint::SessionGet, session)]).await;
    let (snapshot, text) = scrape_mock(&server, all_options()).await;
    assert!(snapshot.up());
    for (collector, section) in [
        ("dhcp", "DhcpServer"),
        ("settings", "Settings"),
        ("dashboard", "Dashboard"),
        ("lifetime", "Dashboard"),
        ("top", "Dashboard"),
    ] {
        assert_eq!(success(&text, collector), Some(0.0), "{collector}");
        let outcome = &snapshot.report(collector).unwrap().outcome;
        assert!(
            matches!(outcome, Outcome::NoPermission(s) if s.api_name() == section),
            "{outcome:?}"
        );
    }
    for ok in ["zones", "cluster", "update"] {
        assert_eq!(success(&text, ok), Some(1.0), "{ok}");
    }
    for (section, v) in [("dhcp_server", 0.0), ("settings", 0.0), ("zones", 1.0)] {
        assert_eq!(
            sample(
                &text,
                &format!("technitium_permission_granted{{section=\"{section}\"}}")
            ),
            Some(v)
        );
    }
    let requests = server.received_requests().await.unwrap();
    for endpoint in [
        Endpoint::DhcpScopesList,
        Endpoint::DhcpLeasesList,
        Endpoint::SettingsGet,
        Endpoint::StatsGet,
        Endpoint::StatsGetTop,
        Endpoint::MetricsJson,
    ] {
        assert!(!requested(&requests, endpoint), "{endpoint:?} was called");
    }
    assert!(requested(&requests, Endpoint::ZonesList));
}

#[tokio::test]
async fn not_applicable_collectors_emit_no_success_series() {
    // v14.3 with the cluster not set up: no cluster call, no cluster success series, and the
    // cluster reads as not initialised.
    let session = edited(Version::V14_3, "user_session_get_apiToken.json", |v| {
        v["info"]["clusterInitialized"] = j!(false);
        let info = v["info"].as_object_mut().unwrap();
        info.remove("clusterDomain");
        info.remove("clusterNodes");
    });
    let server = mock_with(Version::V14_3, vec![(Endpoint::SessionGet, session)]).await;
    let (snapshot, text) = scrape_mock(&server, default_options()).await;
    assert!(matches!(
        snapshot.report("cluster").unwrap().outcome,
        Outcome::NotApplicable(None)
    ));
    assert_eq!(success(&text, "cluster"), None);
    assert_eq!(success(&text, "lifetime"), None);
    assert_eq!(sample(&text, "technitium_cluster_initialized"), Some(0.0));
    assert!(!text.contains("technitium_cluster_node"));
    assert!(!text.contains("technitium_scrape_collector_duration_seconds{collector=\"cluster\"}"));

    // v13.6: neither lifetime nor cluster apply; neither family nor success series appears
    // (technitium_queries_total is there, derived by the counters collector).
    let server = mock_with(Version::V13_6, vec![]).await;
    let (_, text) = scrape_mock(&server, all_options()).await;
    assert_eq!(success(&text, "cluster"), None);
    assert_eq!(success(&text, "lifetime"), None);
    assert!(!text.contains("technitium_cluster_"));
    assert!(!text.contains("since it started"), "no lifetime family");
    assert!(
        text.contains("technitium_queries_total 0"),
        "derived, from 0"
    );
    assert_eq!(
        sample(&text, "technitium_lifetime_counters_supported"),
        Some(0.0)
    );
}

/// Only the zones collector, with these `(key, value)` options.
fn zone_options(values: &[(&str, &str)]) -> Options {
    let mut o = crate::common::only(&["zones"]);
    for (k, v) in values {
        crate::common::set(&mut o, "zones", k, v);
    }
    o
}

fn zone_names(text: &str) -> Vec<String> {
    family_lines(text, "technitium_zone_info")
        .iter()
        .map(|l| {
            let start = l.find("zone=\"").unwrap() + 6;
            let end = start + l[start..].find('"').unwrap();
            l[start..end].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn zones_leave_out_internal_zones_and_name_the_root_dot() {
    let server = mock_with(Version::V15_2, vec![]).await;
    let (_, text) = scrape_mock(&server, zone_options(&[])).await;
    assert_eq!(
        zone_names(&text),
        [
            ".",
            "example.com",
            "test0.com",
            "test1.com",
            "test2.com",
            "test3.com",
            "xn--mnchen-3ya.de"
        ]
    );
    // Type-dependent fields: only the zones that have them get the series.
    let expiry: Vec<&str> = family_lines(&text, "technitium_zone_expiry_timestamp_seconds");
    assert_eq!(expiry.len(), 2, "{expiry:?}");
    assert_eq!(
        sample(
            &text,
            "technitium_zone_sync_failed{zone=\"xn--mnchen-3ya.de\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        family_lines(&text, "technitium_zone_notify_failed").len(),
        6
    );
    assert!(text.contains(
        "technitium_zone_info{zone=\"xn--mnchen-3ya.de\",type=\"stub\",dnssec_status=\"none\"} 1"
    ));
}

#[tokio::test]
async fn zone_filters_and_limit() {
    let server = mock_with(Version::V15_2, vec![]).await;
    let (_, text) = scrape_mock(
        &server,
        zone_options(&[("include", r"test\d\.com"), ("exclude", "test1.com")]),
    )
    .await;
    assert_eq!(zone_names(&text), ["test0.com", "test2.com", "test3.com"]);
    assert_eq!(sample(&text, "technitium_zones_truncated"), Some(0.0));

    // Exactly at the limit: kept. Internal zones do not count.
    let (_, text) = scrape_mock(&server, zone_options(&[("limit", "7")])).await;
    assert_eq!(zone_names(&text).len(), 7);
    assert_eq!(sample(&text, "technitium_zones_truncated"), Some(0.0));

    // One over: every per-zone family is dropped, none partially.
    let (snapshot, text) = scrape_mock(&server, zone_options(&[("limit", "6")])).await;
    assert_eq!(sample(&text, "technitium_zones_truncated"), Some(1.0));
    assert!(!text.contains("technitium_zone_"), "{text}");
    assert_eq!(success(&text, "zones"), Some(1.0));
    assert_eq!(
        snapshot
            .get::<technitium_exporter::collector::zones::Zones>()
            .unwrap()
            .matched,
        7
    );

    // 0 = no limit.
    let (_, text) = scrape_mock(&server, zone_options(&[("limit", "0")])).await;
    assert_eq!(zone_names(&text).len(), 7);
}

#[tokio::test]
async fn labels_follow_the_design() {
    // A stats answer with the server's Others bucket, protocols missing from the chart, and an
    // odd casing: qtype "other", all five protocols, mnemonics as is.
    let stats = edited(Version::V15_2, "dashboard_stats_get_LastHour.json", |v| {
        let r = &mut v["response"];
        r["queryTypeChartData"]["labels"] = j!(["A", "AAAA", "Others"]);
        r["queryTypeChartData"]["datasets"][0]["data"] = j!([600, 300, 25]);
        r["protocolTypeChartData"]["labels"] = j!(["Udp", "Quic"]);
        r["protocolTypeChartData"]["datasets"][0]["data"] = j!([900, 25]);
    });
    let server = mock_with(Version::V15_2, vec![(Endpoint::StatsGet, stats)]).await;
    let (_, text) = scrape_mock(&server, crate::common::only(&["dashboard"])).await;
    assert_eq!(
        family_lines(&text, "technitium_window_qtype_queries"),
        [
            "technitium_window_qtype_queries{window=\"last_hour\",qtype=\"A\"} 600",
            "technitium_window_qtype_queries{window=\"last_hour\",qtype=\"AAAA\"} 300",
            "technitium_window_qtype_queries{window=\"last_hour\",qtype=\"other\"} 25",
        ]
    );
    assert_eq!(
        family_lines(&text, "technitium_window_protocol_queries"),
        [
            "technitium_window_protocol_queries{window=\"last_hour\",protocol=\"udp\"} 900",
            "technitium_window_protocol_queries{window=\"last_hour\",protocol=\"tcp\"} 0",
            "technitium_window_protocol_queries{window=\"last_hour\",protocol=\"tls\"} 0",
            "technitium_window_protocol_queries{window=\"last_hour\",protocol=\"https\"} 0",
            "technitium_window_protocol_queries{window=\"last_hour\",protocol=\"quic\"} 25",
        ]
    );
    let rcodes: Vec<&str> = family_lines(&text, "technitium_window_responses");
    assert_eq!(rcodes.len(), 4);
    for rcode in ["NOERROR", "SERVFAIL", "NXDOMAIN", "REFUSED"] {
        assert!(
            rcodes
                .iter()
                .any(|l| l.contains(&format!("rcode=\"{rcode}\""))),
            "{rcode}"
        );
    }
}

/// The query type is a field any DNS client chooses: 500 injected types (and a few label values
/// no server sends) give at most 64 `qtype` values per window, the rest summed into `other`,
/// nothing lost.
#[tokio::test]
async fn window_qtypes_are_bounded_per_window() {
    let mut labels: Vec<String> = (0..500).map(|i| format!("TYPE{}", 1000 + i)).collect();
    labels.extend(["A\nB", "{x=\"y\"}", ""].map(str::to_owned));
    labels.push("Others".to_owned());
    let data: Vec<u64> = (0..labels.len() as u64).map(|i| i + 1).collect();
    let sum: u64 = data.iter().sum();
    let stats = edited(Version::V15_2, "dashboard_stats_get_LastHour.json", |v| {
        let r = &mut v["response"];
        r["queryTypeChartData"]["labels"] = j!(labels);
        r["queryTypeChartData"]["datasets"][0]["data"] = j!(data);
    });
    let server = mock_with(Version::V15_2, vec![(Endpoint::StatsGet, stats)]).await;
    let mut options = crate::common::only(&["dashboard"]);
    crate::common::set(
        &mut options,
        "dashboard",
        "window",
        "last_hour,last_day,last_week,last_month,last_year",
    );
    let (_, text) = scrape_mock(&server, options).await;
    let lines = family_lines(&text, "technitium_window_qtype_queries");
    for window in [
        "last_hour",
        "last_day",
        "last_week",
        "last_month",
        "last_year",
    ] {
        let of_window: Vec<&&str> = lines
            .iter()
            .filter(|l| l.contains(&format!("window=\"{window}\"")))
            .collect();
        assert_eq!(of_window.len(), 64, "{window}: {:?}…", &of_window[..3]);
        let total: f64 = of_window
            .iter()
            .map(|l| l.rsplit_once(' ').unwrap().1.parse::<f64>().unwrap())
            .sum();
        assert_eq!(total, sum as f64, "{window}: every query counted once");
    }
    assert!(
        lines[0].contains("qtype=\"TYPE1000\""),
        "server order: {}",
        lines[0]
    );
    assert!(
        !text.contains("A\\nB") && !text.contains("x=\\\"y"),
        "{text}"
    );
}

/// Names that come from upstream and cannot be label values (a newline, 300 bytes) have no
/// series: DHCP scopes, zones, catalog zones, top domains and client names, the server's
/// domain; a zone type like that reads `unknown`. The good names around them stay.
#[tokio::test]
async fn upstream_names_that_cannot_be_label_values_have_no_series() {
    let bad = "evil\n} 1\nx";
    let long = "a".repeat(300);
    let scopes = edited(Version::V15_2, "dhcp_scopes_list.json", |v| {
        let list = v["response"]["scopes"].as_array_mut().unwrap();
        list.push(list[1].clone());
        list[0]["name"] = j!(bad);
        list[1]["name"] = j!(long);
    });
    let zones = edited(Version::V15_2, "zones_list_all.json", |v| {
        let list = &mut v["response"]["zones"];
        list[5]["name"] = j!(bad);
        list[7]["type"] = j!("Primary\"} 1");
        list[8]["catalog"] = j!(long);
    });
    let top = edited(
        Version::V15_2,
        "dashboard_stats_getTop_TopClients.json",
        |v| {
            let list = v["response"]["topClients"].as_array_mut().unwrap();
            list[0]["domain"] = j!(bad);
            list[1]["name"] = j!(long);
        },
    );
    let session = edited(Version::V15_2, "user_session_get_apiToken.json", |v| {
        v["info"]["dnsServerDomain"] = j!(bad);
    });
    let server = mock_with(
        Version::V15_2,
        vec![
            (Endpoint::DhcpScopesList, scopes),
            (Endpoint::ZonesList, zones),
            (Endpoint::StatsGetTop, top),
            (Endpoint::SessionGet, session),
        ],
    )
    .await;
    let mut options = all_options();
    crate::common::set(&mut options, "top", "reverse-lookup", "true");
    let (_, text) = scrape_mock(&server, options).await;
    assert!(!text.contains("evil") && !text.contains(&long), "{text}");
    for family in [
        "technitium_dhcp_scope_enabled",
        "technitium_zone_disabled",
        "technitium_top_client_queries",
        "technitium_build_info",
    ] {
        assert!(!family_lines(&text, family).is_empty(), "{family}: {text}");
    }
    assert!(
        family_lines(&text, "technitium_top_client_queries")
            .iter()
            .any(|l| l.contains("client_name=\"none\"")),
        "{text}"
    );
    assert!(family_lines(&text, "technitium_server_info").is_empty());
    assert!(
        family_lines(&text, "technitium_zone_info")
            .iter()
            .any(|l| l.contains("zone=\"test0.com\",type=\"unknown\"")),
        "{text}"
    );
}

#[tokio::test]
async fn absent_fields_give_absent_series() {
    let session = edited(Version::V15_2, "user_session_get_apiToken.json", |v| {
        let info = v["info"].as_object_mut().unwrap();
        info.remove("dnsServerDomain");
        info.remove("uptimestamp");
        // A node never seen has no lastSeen: only server3 has one in the recording.
    });
    let stats = edited(Version::V15_2, "dashboard_stats_get_LastHour.json", |v| {
        let r = v["response"].as_object_mut().unwrap();
        r.remove("protocolTypeChartData");
        r.remove("queryTypeChartData");
        let s = r["stats"].as_object_mut().unwrap();
        for k in [
            "totalNoError",
            "totalServerFailure",
            "totalNxDomain",
            "totalRefused",
            "totalClients",
            "cachedEntries",
        ] {
            s.remove(k);
        }
    });
    let metrics = edited(Version::V15_2, "dashboard_metrics_json.json", |v| {
        let c = v["response"]["lifetimeCounters"].as_object_mut().unwrap();
        c.remove("totalDropped");
        c.remove("totalQueries");
    });
    let server = mock_with(
        Version::V15_2,
        vec![
            (Endpoint::SessionGet, session),
            (Endpoint::StatsGet, stats),
            (Endpoint::MetricsJson, metrics),
        ],
    )
    .await;
    let (snapshot, text) = scrape_mock(&server, default_options()).await;
    assert!(snapshot.up());
    for absent in [
        "technitium_server_info",
        "technitium_start_time_seconds",
        "technitium_window_responses",
        "technitium_window_clients",
        "technitium_window_qtype_queries",
        "technitium_window_protocol_queries",
        "technitium_cache_entries",
        "technitium_queries_total",
        "technitium_query_outcomes_total{outcome=\"dropped\"}",
    ] {
        assert!(!text.contains(absent), "{absent} should be absent");
    }
    assert!(text.contains("technitium_query_outcomes_total{outcome=\"cached\"} 11485"));
    assert!(text.contains("technitium_window_queries{window=\"last_hour\"} 925"));
    assert_eq!(
        family_lines(&text, "technitium_cluster_node_last_seen_timestamp_seconds").len(),
        1
    );
    // v15.2 defaults (47, 167) without 8 families (19 samples) and one outcome sample.
    assert_eq!(counts(&snapshot), (39, 147));
}

#[tokio::test]
async fn update_and_settings_variants() {
    // A failed update check reads 0; blocking temporarily disabled has its end time.
    let update = json(fixture(Version::V15_2, "user_checkForUpdate_failed.json"));
    let settings = edited(Version::V15_2, "settings_get.json", |v| {
        v["response"]["enableBlocking"] = j!(false);
        v["response"]["temporaryDisableBlockingTill"] = j!("2026-05-10T13:00:00Z");
    });
    let server = mock_with(
        Version::V15_2,
        vec![
            (Endpoint::CheckForUpdate, update),
            (Endpoint::SettingsGet, settings),
        ],
    )
    .await;
    let options = crate::common::only(&["settings", "update"]);
    let (_, text) = scrape_mock(&server, options.clone()).await;
    assert_eq!(sample(&text, "technitium_update_available"), Some(0.0));
    assert_eq!(success(&text, "update"), Some(1.0));
    assert_eq!(sample(&text, "technitium_blocking_enabled"), Some(0.0));
    assert_eq!(
        sample(
            &text,
            "technitium_blocking_disabled_until_timestamp_seconds"
        ),
        Some(1_778_418_000.0)
    );
    // The settings body carries secrets: none reaches the output.
    assert!(!text.contains("REDACTED-EXAMPLE"));

    let server = mock_with(
        Version::V15_2,
        vec![(
            Endpoint::CheckForUpdate,
            json(fixture(Version::V15_2, "user_checkForUpdate_noUpdate.json")),
        )],
    )
    .await;
    let (_, text) = scrape_mock(&server, options).await;
    assert_eq!(sample(&text, "technitium_update_available"), Some(0.0));
    assert_eq!(sample(&text, "technitium_blocking_enabled"), Some(1.0));
}

#[tokio::test]
async fn the_scrape_deadline_cuts_off_slow_collectors() {
    let slow_zones =
        json(fixture(Version::V15_2, "zones_list_all.json")).set_delay(Duration::from_secs(3));
    let server = mock_with(Version::V15_2, vec![(Endpoint::ZonesList, slow_zones)]).await;
    let c = collector(&client_config(&server.uri()), default_options());
    let started = std::time::Instant::now();
    let snapshot = collect(&c, Duration::from_secs(1)).await;
    assert!(started.elapsed() < Duration::from_millis(2500));
    let text = text(&snapshot);
    assert!(snapshot.up());
    assert!(matches!(
        snapshot.report("zones").unwrap().outcome,
        Outcome::DeadlineExceeded
    ));
    assert_eq!(success(&text, "zones"), Some(0.0));
    assert_eq!(success(&text, "dashboard"), Some(1.0));

    // A session slower than the deadline is a timeout.
    let slow_session = json(fixture(Version::V15_2, "user_session_get_apiToken.json"))
        .set_delay(Duration::from_secs(3));
    let server = mock_with(Version::V15_2, vec![(Endpoint::SessionGet, slow_session)]).await;
    let c = collector(&client_config(&server.uri()), default_options());
    let snapshot = collect(&c, Duration::from_millis(300)).await;
    assert_eq!(
        snapshot.session.as_ref().err().unwrap().reason().as_str(),
        "timeout"
    );
}

#[tokio::test]
async fn families_never_hold_duplicate_series() {
    // Duplicate rows upstream (the same client twice, a repeated qtype) still give one series.
    let stats = edited(Version::V15_2, "dashboard_stats_get_LastHour.json", |v| {
        let r = &mut v["response"];
        r["queryTypeChartData"]["labels"] = j!(["A", "A", "Others", "others"]);
        r["queryTypeChartData"]["datasets"][0]["data"] = j!([1, 2, 3, 4]);
    });
    let top = edited(
        Version::V15_2,
        "dashboard_stats_getTop_TopClients.json",
        |v| {
            let list = v["response"]["topClients"].as_array_mut().unwrap();
            let first = list[0].clone();
            list.push(first);
        },
    );
    let server = mock_with(
        Version::V15_2,
        vec![(Endpoint::StatsGet, stats), (Endpoint::StatsGetTop, top)],
    )
    .await;
    let (_, text) = scrape_mock(&server, all_options()).await;
    let mut seen = std::collections::HashSet::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let series = line.rsplit_once(' ').unwrap().0;
        assert!(seen.insert(series.to_owned()), "duplicate series {series}");
    }
    let mut families = std::collections::HashSet::new();
    for line in text.lines().filter(|l| l.starts_with("# TYPE ")) {
        assert!(families.insert(line.to_owned()), "duplicate family {line}");
    }
}

/// Log lines written while a closure runs (this thread only).
async fn logs_of<F: std::future::Future>(f: F) -> String {
    use std::sync::{Arc, Mutex};
    #[derive(Clone)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Capture(Arc::new(Mutex::new(Vec::new())));
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    f.await;
    drop(guard);
    let bytes = captured.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

/// Regression: "failing" and "truncated" shared one key, so every scrape of a truncated zone
/// list logged "collector recovered" and the truncation warning again.
#[tokio::test]
async fn a_truncated_zone_list_warns_once_over_several_scrapes() {
    let server = crate::common::start_mock(Version::V15_2).await;
    let mut options = crate::common::only(&["zones"]);
    crate::common::set(&mut options, "zones", "limit", "1");
    let c = crate::common::collector(&crate::common::client_config(&server.uri()), options);
    let logs = logs_of(async {
        for _ in 0..4 {
            let s = crate::common::collect(&c, std::time::Duration::from_secs(10)).await;
            assert!(s.part("zones").and_then(|p| p.warning.as_ref()).is_some());
        }
    })
    .await;
    assert_eq!(logs.matches("per-zone series dropped").count(), 1, "{logs}");
    assert!(!logs.contains("recovered"), "{logs}");
}

/// Counts the TCP connections made to `upstream` through it.
async fn counting_proxy(
    upstream: std::net::SocketAddr,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = std::sync::Arc::new(AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (format!("http://{addr}"), accepted)
}

/// Regression: with 4 idle connections kept per host, each scrape's 5 concurrent calls opened
/// one connection more (a TCP and often a TLS handshake on both sides) and dropped it again.
/// After the first scrape, later ones reuse the pool.
#[tokio::test]
async fn later_scrapes_reuse_the_connections_of_the_first() {
    let server = mock_with(Version::V15_2, vec![]).await;
    let (url, accepted) = counting_proxy(*server.address()).await;
    let c = collector(&client_config(&url), default_options());
    let first = collect(&c, Duration::from_secs(10)).await;
    assert!(text(&first).contains("technitium_up 1\n"));
    let after_first = accepted.load(std::sync::atomic::Ordering::SeqCst);
    for _ in 0..5 {
        collect(&c, Duration::from_secs(10)).await;
    }
    let after = accepted.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        after,
        after_first,
        "5 more scrapes opened {} new connections (the first opened {after_first})",
        after - after_first
    );
}
