//! Forwarder health through `dnsClient/resolve`, against wiremock playing Technitium v15.2: the
//! recorded settings/get, answers good and bad per forwarder, the golden exposition, and proof
//! that no request ever carries a parameter outside the endpoint's fixed set (`import` writes
//! zones).

use std::time::Duration;

use crate::common::{TOKEN, Version, client_config, json, override_endpoint, start_mock};
use technitium_exporter::collector::DetailStatus;
use technitium_exporter::collector::forwarders::{
    Forwarders, fetch_forwarders, forwarder_details, write_forwarders,
};
use technitium_exporter::dnsprobe::{ForwarderSettings, ForwardersData};
use technitium_exporter::exposition::{Encoder, ExpositionFormat};
use technitium_exporter::technitium::{ApiError, Client, Endpoint};
use tokio::time::Instant;
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn settings_body(forwarders: &[&str], protocol: &str) -> String {
    // The recorded v15.2 answer with its forwarders replaced: every other key (TSIG secrets
    // included) is still there for the parser to skip.
    let recorded = crate::common::fixture(Version::V15_2, "settings_get.json");
    let mut v: serde_json::Value = serde_json::from_str(&recorded).unwrap();
    v["response"]["forwarders"] = serde_json::json!(forwarders);
    v["response"]["forwarderProtocol"] = serde_json::json!(protocol);
    v.to_string()
}

fn resolved(rcode: &str, rtt: &str) -> ResponseTemplate {
    json(format!(
        r#"{{"response":{{"result":{{"Metadata":{{"NameServer":"x:53","Protocol":"Udp","DatagramSize":"45 bytes","RoundTripTime":"{rtt}"}},"Identifier":1,"IsResponse":true,"RCODE":"{rcode}","QDCOUNT":1,"ANCOUNT":1,"Question":[],"Answer":[],"Authority":[],"Additional":[]}},"rawResponses":[]}},"status":"ok"}}"#
    ))
}

fn error(message: &str) -> ResponseTemplate {
    json(format!(
        r#"{{"status":"error","errorMessage":"{message}"}}"#
    ))
}

async fn answer_for(server: &MockServer, forwarder: &str, answer: ResponseTemplate) {
    Mock::given(path(Endpoint::DnsClientResolve.path()))
        .and(query_param("server", forwarder))
        .respond_with(answer)
        .with_priority(3)
        .mount(server)
        .await;
}

fn settings(pairs: &[(&'static str, &str)]) -> ForwarderSettings {
    crate::common::collector_settings::<Forwarders>(pairs)
}

async fn fetch(server: &MockServer, s: &ForwarderSettings) -> Result<ForwardersData, ApiError> {
    let client = Client::new(&client_config(&server.uri())).unwrap();
    fetch_forwarders(&client, s, Instant::now() + Duration::from_secs(10)).await
}

fn exposition(data: &ForwardersData) -> String {
    let mut enc = Encoder::new(ExpositionFormat::Text);
    write_forwarders(data, &mut enc);
    enc.finish()
}

/// Every dnsClient/resolve request the server saw carried only the endpoint's own parameters.
async fn assert_only_allowed_params(server: &MockServer) {
    let requests = server.received_requests().await.unwrap_or_default();
    let resolves: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == Endpoint::DnsClientResolve.path())
        .collect();
    assert!(!resolves.is_empty());
    for r in resolves {
        let keys: Vec<String> = r.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        assert_eq!(keys, ["server", "domain", "type", "protocol"], "{}", r.url);
        assert!(!r.url.as_str().contains(TOKEN), "token in a v15 URL");
    }
}

#[tokio::test]
async fn each_forwarder_gets_its_own_verdict() {
    let server = start_mock(Version::V15_2).await;
    let forwarders = [
        "192.0.2.1",
        "192.0.2.2",
        "192.0.2.3",
        "192.0.2.4",
        "192.0.2.5",
    ];
    override_endpoint(
        &server,
        Endpoint::SettingsGet,
        json(settings_body(&forwarders, "Tls")),
    )
    .await;
    answer_for(&server, "192.0.2.1", resolved("NoError", "1.42 ms")).await;
    answer_for(
        &server,
        "192.0.2.2",
        error("DnsClient failed to resolve the request '. NS IN': request timed out."),
    )
    .await;
    answer_for(&server, "192.0.2.3", resolved("NoError", "quick")).await;
    answer_for(
        &server,
        "192.0.2.4",
        resolved("NoError", "1 ms").set_delay(Duration::from_secs(30)),
    )
    .await;
    answer_for(&server, "192.0.2.5", resolved("ServerFailure", "20,5 ms")).await;
    let s = settings(&[("timeout", "300ms")]);
    let data = fetch(&server, &s).await.expect("collector succeeds");
    assert_eq!(
        (data.protocol.as_str(), data.api_protocol.as_str()),
        ("tls", "Tls")
    );
    let verdicts: Vec<(&str, bool, Option<f64>, Option<&str>)> = data
        .results
        .iter()
        .map(|r| (r.forwarder.as_str(), r.success, r.rtt, r.rcode))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("192.0.2.1", true, Some(0.00142), Some("NOERROR")),
            ("192.0.2.2", false, None, None),
            ("192.0.2.3", true, None, Some("NOERROR")),
            ("192.0.2.4", false, None, None),
            ("192.0.2.5", false, Some(0.0205), Some("SERVFAIL")),
        ]
    );
    assert!(
        data.results[1]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("request timed out"))
    );
    assert!(
        data.results[3]
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("no answer from the server's DNS client within"))
    );
    crate::common::assert_golden("forwarders.prom", &exposition(&data));
    assert_only_allowed_params(&server).await;

    let rows = forwarder_details(&data);
    let statuses: Vec<DetailStatus> = rows.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            DetailStatus::Ok,
            DetailStatus::Failed,
            DetailStatus::Ok,
            DetailStatus::Failed,
            DetailStatus::Failed
        ]
    );
    assert_eq!(rows[0].title, "forwarder 192.0.2.1");
    assert!(
        rows[1]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("Proxy & Forwarders"))
    );
}

#[tokio::test]
async fn the_recorded_settings_are_read_and_their_forwarder_probed() {
    let server = start_mock(Version::V15_2).await;
    answer_for(&server, "192.168.10.7", resolved("NoError", "3.07 ms")).await;
    let data = fetch(&server, &ForwarderSettings::default()).await.unwrap();
    assert_eq!(data.protocol, "udp");
    assert_eq!(data.results.len(), 1);
    assert!(data.results[0].success);
    let text = exposition(&data);
    assert!(text.contains(
        "technitium_forwarder_probe_rtt_seconds{forwarder=\"192.168.10.7\",protocol=\"udp\"} 0.00307"
    ));
    let requests = server.received_requests().await.unwrap_or_default();
    let resolve = requests
        .iter()
        .find(|r| r.url.path() == Endpoint::DnsClientResolve.path())
        .unwrap();
    let pairs: Vec<(String, String)> = resolve
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("server", "192.168.10.7"),
            ("domain", "."),
            ("type", "NS"),
            ("protocol", "Udp")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[tokio::test]
async fn denied_fails_the_collector_naming_the_permission() {
    let server = start_mock(Version::V15_2).await;
    answer_for(&server, "192.168.10.7", error("Access was denied.")).await;
    let e = fetch(&server, &ForwarderSettings::default())
        .await
        .expect_err("denied");
    assert!(
        matches!(
            e,
            ApiError::PermissionDenied {
                section: Some(technitium_exporter::technitium::Section::DnsClient),
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("DnsClient: View"), "{e}");

    let server = start_mock(Version::V15_2).await;
    override_endpoint(&server, Endpoint::SettingsGet, error("Access was denied.")).await;
    let e = fetch(&server, &ForwarderSettings::default())
        .await
        .expect_err("denied");
    assert!(
        matches!(
            e,
            ApiError::PermissionDenied {
                section: Some(technitium_exporter::technitium::Section::Settings),
                ..
            }
        ),
        "{e}"
    );
    // Nothing was resolved without the forwarder list.
    let requests = server.received_requests().await.unwrap_or_default();
    assert!(
        requests
            .iter()
            .all(|r| r.url.path() != Endpoint::DnsClientResolve.path())
    );
}

/// One forwarder's call answered 502, 500 or garbage: that forwarder reads `success 0`, the
/// others' series stay. Only every call failing fails the collector.
#[tokio::test]
async fn a_failed_call_is_that_forwarders_failure_not_the_collectors() {
    let server = start_mock(Version::V15_2).await;
    let forwarders = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"];
    override_endpoint(
        &server,
        Endpoint::SettingsGet,
        json(settings_body(&forwarders, "Udp")),
    )
    .await;
    answer_for(&server, "192.0.2.1", resolved("NoError", "1 ms")).await;
    answer_for(&server, "192.0.2.2", ResponseTemplate::new(502)).await;
    answer_for(&server, "192.0.2.3", ResponseTemplate::new(500)).await;
    answer_for(&server, "192.0.2.4", json("<html>not json")).await;
    let data = fetch(&server, &ForwarderSettings::default())
        .await
        .expect("one forwarder's failed call does not fail the collector");
    let verdicts: Vec<(&str, bool)> = data
        .results
        .iter()
        .map(|r| (r.forwarder.as_str(), r.success))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("192.0.2.1", true),
            ("192.0.2.2", false),
            ("192.0.2.3", false),
            ("192.0.2.4", false)
        ]
    );
    for r in &data.results[1..] {
        let e = r.error.as_deref().unwrap_or_default();
        assert!(e.starts_with("the probe's API call failed: "), "{e}");
        assert!(!e.contains(TOKEN));
    }
    let text = exposition(&data);
    assert!(
        text.contains(
            "technitium_forwarder_probe_success{forwarder=\"192.0.2.2\",protocol=\"udp\"} 0\n"
        ),
        "{text}"
    );
    assert!(text.contains(
        "technitium_forwarder_probe_success{forwarder=\"192.0.2.1\",protocol=\"udp\"} 1\n"
    ));

    // Every call failing is the API's problem: the collector fails.
    let server = start_mock(Version::V15_2).await;
    override_endpoint(
        &server,
        Endpoint::SettingsGet,
        json(settings_body(&forwarders[1..3], "Udp")),
    )
    .await;
    for f in &forwarders[1..3] {
        answer_for(&server, f, ResponseTemplate::new(502)).await;
    }
    let e = fetch(&server, &ForwarderSettings::default())
        .await
        .expect_err("every call failed");
    assert!(matches!(e, ApiError::HttpStatus { .. }), "{e}");
}

/// Forwarder texts that cannot be label values (a newline, 300 characters) are not probed and
/// are counted in a warning row; the others are.
#[tokio::test]
async fn unusable_forwarder_names_are_not_probed() {
    let server = start_mock(Version::V15_2).await;
    let long = "f".repeat(300);
    override_endpoint(
        &server,
        Endpoint::SettingsGet,
        json(settings_body(
            &["192.0.2.1", "evil\n} 1\nx", long.as_str()],
            "Udp",
        )),
    )
    .await;
    answer_for(&server, "192.0.2.1", resolved("NoError", "1 ms")).await;
    let data = fetch(&server, &ForwarderSettings::default()).await.unwrap();
    assert_eq!(data.results.len(), 1);
    assert_eq!(data.unusable, 2);
    let rows = forwarder_details(&data);
    assert!(
        rows.iter().any(|r| r.status == DetailStatus::Warning
            && r.detail.starts_with("2 forwarder(s) not probed")),
        "{rows:?}"
    );
    let resolves = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == Endpoint::DnsClientResolve.path())
        .count();
    assert_eq!(resolves, 1);
}

#[tokio::test]
async fn no_forwarders_means_no_series_and_no_calls() {
    for body in [
        settings_body(&[], "Udp"),
        crate::common::fixture(Version::V14_3, "settings_get.json"),
    ] {
        let server = start_mock(Version::V15_2).await;
        override_endpoint(&server, Endpoint::SettingsGet, json(body)).await;
        let data = fetch(&server, &ForwarderSettings::default()).await.unwrap();
        assert!(data.results.is_empty());
        assert_eq!(exposition(&data), "");
        let requests = server.received_requests().await.unwrap_or_default();
        assert!(
            requests
                .iter()
                .all(|r| r.url.path() != Endpoint::DnsClientResolve.path())
        );
    }
}

#[tokio::test]
async fn the_limit_cuts_the_list_and_duplicates_are_probed_once() {
    let server = start_mock(Version::V15_2).await;
    override_endpoint(
        &server,
        Endpoint::SettingsGet,
        json(settings_body(
            &["192.0.2.1", " 192.0.2.1 ", "192.0.2.2", "192.0.2.3"],
            "Udp",
        )),
    )
    .await;
    for f in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
        answer_for(&server, f, resolved("NoError", "2 ms")).await;
    }
    let data = fetch(&server, &settings(&[("limit", "2"), ("concurrency", "1")]))
        .await
        .unwrap();
    let names: Vec<&str> = data.results.iter().map(|r| r.forwarder.as_str()).collect();
    assert_eq!(names, ["192.0.2.1", "192.0.2.2"]);
    assert_eq!(data.skipped, 1);
    let rows = forwarder_details(&data);
    assert_eq!(rows.last().map(|r| r.status), Some(DetailStatus::Warning));
}

/// The secrets of settings/get never reach the parsed data (only two fields are declared).
#[test]
fn only_the_two_fields_are_kept() {
    let body = crate::common::fixture(Version::V15_2, "settings_get.json");
    let envelope: technitium_exporter::technitium::types::Envelope<
        technitium_exporter::technitium::types::ForwarderConfig,
    > = serde_json::from_str(&body).unwrap();
    let kept = serde_json::to_string(&envelope.response.unwrap()).unwrap();
    assert_eq!(
        kept,
        r#"{"forwarders":["192.168.10.7"],"forwarderProtocol":"Udp"}"#
    );
}

/// `serve --demo --collector.forwarders`: every probe's round trip accumulates in
/// `technitium_forwarder_rtt_seconds` (one observation per forwarder per probe); `scrape` has
/// no such family (a single run has no distribution).
#[tokio::test]
async fn serve_accumulates_each_forwarder_probe_round_trip() {
    let s = crate::serve::serve(
        &[
            "--demo",
            "--collector.disable-defaults",
            "--collector.forwarders",
            "--collector.forwarders.min-interval",
            "0s",
        ],
        &[],
    )
    .await;
    let metrics = format!("{}/metrics", s.base);
    crate::serve::get(&metrics).await;
    let (status, body) = crate::serve::get(&metrics).await;
    assert_eq!(status, 200, "{body}");
    let counts: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("technitium_forwarder_rtt_seconds_count{"))
        .collect();
    assert!(!counts.is_empty(), "{body}");
    let answered: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("technitium_forwarder_probe_rtt_seconds{"))
        .collect();
    assert!(!answered.is_empty(), "{body}");
    for line in &answered {
        let labels = &line[line.find('{').unwrap()..=line.find('}').unwrap()];
        let count = format!("technitium_forwarder_rtt_seconds_count{labels} 2");
        assert!(counts.contains(&count.as_str()), "{count} in\n{body}");
    }
    let single = crate::common::exporter_command()
        .args(["scrape", "--demo", "--collector.forwarders"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&single.stdout);
    assert!(out.contains("technitium_forwarder_probe_success"), "{out}");
    assert!(!out.contains("technitium_forwarder_rtt_seconds"), "{out}");
}
