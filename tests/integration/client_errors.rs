//! Table-driven client tests at HTTP level: every way an upstream call can fail, the
//! `technitium_scrape_error{reason}` it produces, and that the token never shows up in the
//! exposition (any format), the table, the snapshot's Debug, or any error's Display or Debug.

use std::time::Duration;

use crate::common::{
    PRIORITY_OVERRIDE, Raw, TOKEN, Version, client_config, collect, collector, default_options,
    fixture, http_head_and_body, json, mount_fixtures, override_endpoint, raw_server, refused_port,
    sample, set, start_mock, text,
};
use technitium_exporter::collector::{Outcome, Snapshot};
use technitium_exporter::exposition::ExpositionFormat;
use technitium_exporter::technitium::{AuthMode, ClientConfig, Endpoint};
use wiremock::matchers::{any, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Everything a person or a scraper could see of a snapshot, in one string.
fn everything(snapshot: &Snapshot, server: &str) -> String {
    let mut all = String::new();
    for format in [
        ExpositionFormat::Text,
        ExpositionFormat::OpenMetrics,
        ExpositionFormat::Json,
    ] {
        all.push_str(&technitium_exporter::collector::encode(snapshot, format));
    }
    all.push_str(&technitium_exporter::render::table::render(
        snapshot, server,
    ));
    all.push_str(&format!("{snapshot:?}"));
    if let Err(e) = &snapshot.session {
        all.push_str(&format!("{e}\n{e:?}\n"));
    }
    for r in snapshot.reports() {
        all.push_str(&r.outcome.describe());
        if let Outcome::Failed(e) = &r.outcome {
            all.push_str(&format!("{e}\n{e:?}\n"));
        }
    }
    all
}

/// Asserts the token appears nowhere a person or a scraper could see it.
fn assert_no_token(snapshot: &Snapshot, server: &str) {
    let all = everything(snapshot, server);
    // The haystack is real output: it names the server.
    assert!(all.contains(server), "{all}");
    assert!(
        !all.contains(TOKEN),
        "the token leaked into the output:\n{all}"
    );
    assert!(!all.contains("token="), "a token parameter leaked:\n{all}");
}

/// Scrapes once with default collectors and checks `up` and the reason.
async fn check(config: &ClientConfig, want_reason: Option<&str>) -> (Snapshot, String) {
    let c = collector(config, default_options());
    let snapshot = collect(&c, Duration::from_secs(5)).await;
    let text = text(&snapshot);
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("technitium_scrape_error"))
        .collect();
    match want_reason {
        None => {
            assert_eq!(sample(&text, "technitium_up"), Some(1.0), "{text}");
            assert!(errors.is_empty(), "{errors:?}");
        }
        Some(reason) => {
            assert_eq!(sample(&text, "technitium_up"), Some(0.0), "{text}");
            assert_eq!(
                errors,
                vec![format!("technitium_scrape_error{{reason=\"{reason}\"}} 1").as_str()],
                "{:?}",
                snapshot.session.as_ref().err()
            );
            // A down target still reports how long the scrape took.
            assert!(text.contains("\ntechnitium_scrape_duration_seconds "));
        }
    }
    assert_no_token(&snapshot, c.client().server());
    (snapshot, text)
}

/// A v15.2 mock whose session/get answers with `answer`.
async fn session_answer(answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    override_endpoint(&server, Endpoint::SessionGet, answer).await;
    mount_fixtures(&server, Version::V15_2).await;
    server
}

fn html_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        "<!DOCTYPE html><html><head><title>Login</title></head><body>Technitium</body></html>",
        "text/html",
    )
}

#[tokio::test]
async fn wiremock_cases() {
    let v = Version::V15_2;
    let cases: Vec<(&str, ResponseTemplate, Option<&str>)> = vec![
        (
            "success",
            json(fixture(v, "user_session_get_apiToken.json")),
            None,
        ),
        (
            "HTTP 500",
            ResponseTemplate::new(500).set_body_string("oops"),
            Some("http_error"),
        ),
        ("HTTP 404", ResponseTemplate::new(404), Some("http_error")),
        (
            "status error",
            json(fixture(v, "error_generic.json")),
            Some("api_error"),
        ),
        (
            "invalid-token",
            json(fixture(v, "error_invalid_token.json")),
            Some("invalid_token"),
        ),
        (
            "2fa-required",
            json(fixture(v, "error_2fa_required.json")),
            Some("two_factor_required"),
        ),
        (
            "invalid JSON",
            json("{\"status\": ok, \"info\": }"),
            Some("bad_response"),
        ),
        ("empty body", json(""), Some("bad_response")),
        ("HTML page with 200", html_page(), Some("bad_response")),
        (
            "unknown status",
            json("{\"status\":\"maybe\"}"),
            Some("bad_response"),
        ),
        (
            "ok without payload",
            json("{\"status\":\"ok\"}"),
            Some("bad_response"),
        ),
    ];
    for (name, answer, reason) in cases {
        let server = session_answer(answer).await;
        let (snapshot, _) = check(&client_config(&server.uri()), reason).await;
        assert_eq!(snapshot.up(), reason.is_none(), "case {name}");
    }
}

#[tokio::test]
async fn invalid_token_is_retried_once_with_the_query_parameter() {
    let server = session_answer(json(fixture(Version::V15_2, "error_invalid_token.json"))).await;
    check(&client_config(&server.uri()), Some("invalid_token")).await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "one Bearer probe and one query retry");
    assert!(crate::common::bearer(&requests[0]) && !crate::common::token_in_url(&requests[0]));
    assert!(crate::common::token_in_url(&requests[1]) && !crate::common::bearer(&requests[1]));
}

#[tokio::test]
async fn missing_token_reads_as_invalid_token_without_any_request() {
    let server = start_mock(Version::V15_2).await;
    let mut config = client_config(&server.uri());
    config.token = None;
    let (snapshot, _) = check(&config, Some("invalid_token")).await;
    let message = snapshot.session.err().unwrap().to_string();
    assert!(message.contains("no API token configured"), "{message}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn access_denied_on_an_optional_endpoint_fails_only_that_collector() {
    let server = MockServer::start().await;
    override_endpoint(
        &server,
        Endpoint::ZonesList,
        json(fixture(Version::V15_2, "error_access_denied.json")),
    )
    .await;
    mount_fixtures(&server, Version::V15_2).await;
    let (snapshot, text) = check(&client_config(&server.uri()), None).await;
    assert_eq!(
        sample(
            &text,
            "technitium_scrape_collector_success{collector=\"zones\"}"
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &text,
            "technitium_scrape_collector_success{collector=\"dashboard\"}"
        ),
        Some(1.0)
    );
    assert!(!text.contains("technitium_zone_info"));
    assert!(text.contains("technitium_window_queries{window=\"last_hour\"} 925"));
    let zones = snapshot.report("zones").unwrap();
    let message = zones.outcome.describe();
    assert!(
        message.contains("Zones: View") && message.contains("access denied"),
        "{message}"
    );
}

#[tokio::test]
async fn http_timeout_reads_as_timeout() {
    let server = session_answer(
        json(fixture(Version::V15_2, "user_session_get_apiToken.json"))
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let mut config = client_config(&server.uri());
    config.timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let (snapshot, _) = check(&config, Some("timeout")).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    let message = snapshot.session.err().unwrap().to_string();
    assert!(message.contains("300ms"), "{message}");
}

#[tokio::test]
async fn connection_refused_reads_as_unreachable() {
    let config = client_config(&format!("http://127.0.0.1:{}", refused_port()));
    check(&config, Some("unreachable")).await;
}

#[tokio::test]
async fn body_over_the_size_cap_is_a_bad_response() {
    // With a Content-Length (wiremock always sends one): refused before reading.
    let server = start_mock(Version::V15_2).await;
    let mut config = client_config(&server.uri());
    config.max_response_size = 512;
    let (snapshot, _) = check(&config, Some("bad_response")).await;
    let message = snapshot.session.err().unwrap().to_string();
    assert!(message.contains("max-response-size"), "{message}");

    // Chunked, without a length: cut off while reading.
    let body = fixture(Version::V15_2, "user_session_get_apiToken.json");
    let mut chunked =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for part in body.as_bytes().chunks(100) {
        chunked.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        chunked.extend_from_slice(part);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (url, _) = raw_server(Raw::SendAndClose(chunked)).await;
    let mut config = client_config(&url);
    config.max_response_size = 512;
    check(&config, Some("bad_response")).await;
    // The same chunked body under a normal cap parses: the cap, not the framing, failed it.
    check(&client_config(&url), None).await;
}

#[tokio::test]
async fn truncated_body_is_a_bad_response() {
    let body = fixture(Version::V15_2, "user_session_get_apiToken.json");
    let half = &body[..body.len() / 2];
    let (url, seen) = raw_server(Raw::SendAndClose(http_head_and_body(body.len(), half))).await;
    check(&client_config(&url), Some("bad_response")).await;
    assert!(!seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn body_that_never_ends_is_a_timeout() {
    let body = fixture(Version::V15_2, "user_session_get_apiToken.json");
    let half = &body[..body.len() / 2];
    let (url, _) = raw_server(Raw::SendAndHang(http_head_and_body(body.len(), half))).await;
    let mut config = client_config(&url);
    config.timeout = Duration::from_millis(300);
    check(&config, Some("timeout")).await;
}

#[tokio::test]
async fn headers_that_never_come_are_a_timeout() {
    let (url, _) = raw_server(Raw::SendAndHang(Vec::new())).await;
    let mut config = client_config(&url);
    config.timeout = Duration::from_millis(300);
    check(&config, Some("timeout")).await;
}

#[tokio::test]
async fn garbage_instead_of_http_is_unreachable_or_bad_response() {
    let (url, _) = raw_server(Raw::SendAndClose(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec())).await;
    let c = collector(&client_config(&url), default_options());
    let snapshot = collect(&c, Duration::from_secs(5)).await;
    let reason = snapshot.session.as_ref().err().unwrap().reason().as_str();
    assert!(matches!(reason, "unreachable" | "bad_response"), "{reason}");
    assert_no_token(&snapshot, c.client().server());
}

/// A pre-v15 target sends the token in the URL: its transport errors (which reqwest builds with
/// that URL) must still never show it.
#[tokio::test]
async fn query_token_target_errors_never_show_the_token() {
    // Told to use the query parameter, against a refused port.
    let mut config = client_config(&format!("http://127.0.0.1:{}", refused_port()));
    config.auth = AuthMode::Query;
    check(&config, Some("unreachable")).await;

    // Told to use the query parameter, against a server that answers too late.
    let slow = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            json(fixture(Version::V13_6, "user_session_get_apiToken.json"))
                .set_delay(Duration::from_secs(3)),
        )
        .with_priority(PRIORITY_OVERRIDE)
        .mount(&slow)
        .await;
    let mut config = client_config(&slow.uri());
    config.auth = AuthMode::Query;
    config.timeout = Duration::from_millis(300);
    check(&config, Some("timeout")).await;
    let requests = slow.received_requests().await.unwrap();
    assert!(
        requests.iter().all(crate::common::token_in_url),
        "query mode puts the token in the URL"
    );

    // Learned: a v13.6 server first works (the client learns "query"), then gets slow on one
    // optional endpoint, then goes away. A server of its own, so dropping it closes the port.
    let server = MockServer::builder().start().await;
    mount_fixtures(&server, Version::V13_6).await;
    let mut config = client_config(&server.uri());
    config.timeout = Duration::from_secs(1);
    let c = collector(&config, default_options());
    let first = collect(&c, Duration::from_secs(5)).await;
    assert!(first.up());
    assert!(c.client().uses_query_token());
    assert_no_token(&first, c.client().server());

    server.reset().await;
    override_endpoint(
        &server,
        Endpoint::ZonesList,
        json(fixture(Version::V13_6, "zones_list_all.json")).set_delay(Duration::from_secs(3)),
    )
    .await;
    mount_fixtures(&server, Version::V13_6).await;
    let second = collect(&c, Duration::from_secs(5)).await;
    assert!(second.up());
    let zones = second.report("zones").unwrap();
    assert!(
        matches!(&zones.outcome, Outcome::Failed(e) if e.api().is_some_and(|e| e.reason().as_str() == "timeout")),
        "{:?}",
        zones.outcome
    );
    assert_no_token(&second, c.client().server());
    assert_eq!(
        sample(
            &text(&second),
            "technitium_scrape_collector_success{collector=\"zones\"}"
        ),
        Some(0.0)
    );
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(crate::common::token_in_url));

    // The server goes away: the learned query carrier now meets a closed port.
    let addr = *server.address();
    drop(server);
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let down = collect(&c, Duration::from_secs(5)).await;
    assert!(c.client().uses_query_token());
    assert_eq!(
        down.session.as_ref().err().unwrap().reason().as_str(),
        "unreachable",
        "{:?}",
        down.session
    );
    assert_no_token(&down, c.client().server());
}

/// Error messages name the server and say what to do; none carries the path's query.
#[tokio::test]
async fn messages_read_well() {
    let server = session_answer(json(fixture(Version::V15_2, "error_invalid_token.json"))).await;
    let c = collector(&client_config(&server.uri()), default_options());
    let snapshot = collect(&c, Duration::from_secs(5)).await;
    let message = snapshot.session.err().unwrap().to_string();
    assert!(
        message.starts_with(&format!("token rejected by {}", server.uri())),
        "{message}"
    );
    assert!(message.contains("Create Token"), "{message}");

    let server = session_answer(ResponseTemplate::new(500)).await;
    let c = collector(&client_config(&server.uri()), default_options());
    let message = collect(&c, Duration::from_secs(5))
        .await
        .session
        .err()
        .unwrap()
        .to_string();
    assert!(message.contains("HTTP 500"), "{message}");
    assert!(message.contains("/api/user/session/get"), "{message}");

    let server = session_answer(html_page()).await;
    let c = collector(&client_config(&server.uri()), default_options());
    let message = collect(&c, Duration::from_secs(5))
        .await
        .session
        .err()
        .unwrap()
        .to_string();
    assert!(message.contains("HTML page"), "{message}");
}

/// Regression (hostile run): 64 MiB answers to every call of a scrape at once peaked at
/// 1.05 GiB. Bodies being read hold their bytes in a shared budget; a call that would exceed
/// it fails at once instead of growing memory, and the bytes come back when a body is done.
#[tokio::test]
async fn responses_read_at_once_stay_within_the_memory_budget() {
    use technitium_exporter::technitium::{Client, ResponseBudget};
    let budget = ResponseBudget::new(1024 * 1024);
    let big = 700 * 1024;
    // A server that announces 700 KiB and then never finishes: it holds its share.
    let (hanging, seen) = raw_server(Raw::SendAndHang(http_head_and_body(big, "{"))).await;
    let mut patient = client_config(&hanging);
    patient.timeout = Duration::from_secs(1);
    let holder = Client::new(&patient).unwrap().with_budget(budget.clone());
    let held = tokio::spawn(async move { holder.session().await });
    while budget.available() == budget.bytes() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(!seen.lock().unwrap().is_empty());
    // A second 700 KiB answer does not fit beside it.
    let padded = format!(
        "{}{}",
        fixture(Version::V15_2, "user_session_get_apiToken.json"),
        " ".repeat(big)
    );
    let (url, _) = raw_server(Raw::SendAndClose(http_head_and_body(padded.len(), &padded))).await;
    let client = Client::new(&client_config(&url))
        .unwrap()
        .with_budget(budget.clone());
    let e = client
        .session()
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("exceed the exporter's memory budget of 1.0 MiB"),
        "{e}"
    );
    // Once the first is given up (its timeout), its bytes are back and the same answer fits.
    let _ = held.await;
    assert_eq!(budget.available(), budget.bytes());
    assert!(client.session().await.is_ok());
}

/// Regression (issue 21, item 12): what bodies parse into was not bounded, only the bodies. A
/// zones/list of 40 000 one-letter zones is a body of under 1 MiB, far within the size cap,
/// that parses into more than 8 MiB (each zone a struct of about 130 bytes and two heap
/// strings, in a list that doubles as it grows). The lists now count against the budget as
/// they are parsed: with a 4 MiB budget the zones collector fails with `bad_response` and a
/// message that says what to do, while the rest of the scrape stands; what the scrape's
/// answers parsed into stays charged while the snapshot lives, and comes back once it is
/// dropped. With room for it, the same list parses, and is charged for more than its body.
#[tokio::test]
async fn what_answers_parse_into_counts_against_the_memory_budget() {
    use technitium_exporter::collector::{CollectError, Scraper};
    use technitium_exporter::technitium::{Client, ResponseBudget};
    let server = start_mock(Version::V15_2).await;
    let zones = 40_000;
    let body = format!(
        r#"{{"status":"ok","response":{{"zones":[{}{{"name":"a","type":"b"}}]}}}}"#,
        r#"{"name":"a","type":"b"},"#.repeat(zones - 1)
    );
    assert!(body.len() < 1 << 20);
    override_endpoint(&server, Endpoint::ZonesList, json(body.clone())).await;
    let scraper = |budget: &ResponseBudget| {
        let client = Client::new(&client_config(&server.uri())).unwrap();
        Scraper::new(client.with_budget(budget.clone()), default_options())
    };

    let budget = ResponseBudget::new(4 << 20);
    let small = scraper(&budget);
    let snapshot = collect(&small, Duration::from_secs(5)).await;
    assert!(snapshot.up());
    let Some(Outcome::Failed(CollectError::Api(e))) =
        snapshot.report("zones").map(|r| r.outcome.clone())
    else {
        panic!("zones did not fail: {:?}", snapshot.report("zones"));
    };
    assert_eq!(e.reason().as_str(), "bad_response");
    let message = e.to_string();
    assert!(
        message.contains("/api/zones/list with lists that parse into more than the")
            && message.contains("left of the exporter's memory budget of 4.0 MiB")
            && message.contains("raise --technitium.max-response-size"),
        "{message}"
    );
    for other in ["lifetime", "dashboard", "dhcp"] {
        let outcome = snapshot.report(other).map(|r| r.outcome.clone());
        assert!(
            matches!(outcome, Some(Outcome::Success)),
            "{other}: {outcome:?}"
        );
    }
    // Everything the budget lacks is what the snapshot's answers hold, until it is dropped.
    let held = snapshot.held_bytes();
    assert!(held > 0);
    assert_eq!(budget.available(), budget.bytes() - held);
    drop(snapshot);
    // The security collector's data stays cached for its minimum interval (5 min), with its
    // charge and the scrape's it may have taken data from, until the scraper lets it go.
    assert!(budget.available() < budget.bytes());
    drop(small);
    assert_eq!(budget.available(), budget.bytes());

    let budget = ResponseBudget::new(64 << 20);
    let roomy = scraper(&budget);
    let snapshot = collect(&roomy, Duration::from_secs(5)).await;
    let outcome = snapshot.report("zones").map(|r| r.outcome.clone());
    assert!(matches!(outcome, Some(Outcome::Success)), "{outcome:?}");
    // The body, the zones' slots and their two strings each.
    let parsed = (zones * (100 + 2 * 32)) as u64;
    assert!(snapshot.held_bytes() > body.len() as u64 + parsed);
    assert_eq!(budget.available(), budget.bytes() - snapshot.held_bytes());
    drop((snapshot, roomy));
    assert_eq!(budget.available(), budget.bytes());

    // A call collectors share stays charged to the scrape, not to the collector that made it:
    // the dashboard makes the LastHour call the counters also read, then fails on its second
    // window (too much data); the LastHour answer is still in use, and still charged.
    let labels = format!(
        r#"{{"status":"ok","response":{{"stats":{{}},"mainChartData":{{"labels":[{}"a"]}}}}}}"#,
        r#""a","#.repeat(250_000)
    );
    Mock::given(path(Endpoint::StatsGet.path()))
        .and(query_param("type", "LastDay"))
        .respond_with(json(labels))
        .with_priority(PRIORITY_OVERRIDE)
        .mount(&server)
        .await;
    let mut options = default_options();
    set(&mut options, "dashboard", "window", "last_hour,last_day");
    let budget = ResponseBudget::new(4 << 20);
    let client = Client::new(&client_config(&server.uri())).unwrap();
    let shared = Scraper::new(client.with_budget(budget.clone()), options);
    let snapshot = collect(&shared, Duration::from_secs(5)).await;
    let outcome = |name| snapshot.report(name).map(|r| r.outcome.clone());
    let failed = outcome("dashboard");
    assert!(
        matches!(&failed, Some(Outcome::Failed(CollectError::Api(e))) if e.to_string().contains("/api/dashboard/stats/get with lists that parse into more than")),
        "{failed:?}"
    );
    assert!(matches!(outcome("counters"), Some(Outcome::Success)));
    let last_hour = fixture(Version::V15_2, "dashboard_stats_get_LastHour.json").len();
    assert!(snapshot.charge.bytes() > last_hour as u64);
    assert_eq!(budget.available(), budget.bytes() - snapshot.held_bytes());
}

/// Broken answers the recorded fixtures never show, for the session and for every data endpoint:
/// deeply nested JSON, numbers out of range, invalid UTF-8, an unknown status, a wrong type, a
/// null payload. Never a panic: the session's failure is `up 0` with a reason; a data endpoint's
/// fails only its own collector, and the rest of the scrape is still there.
#[tokio::test]
async fn hostile_answers_on_every_endpoint_fail_only_what_they_touch() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let faults: Vec<(&str, ResponseTemplate)> = vec![
        (
            "deeply nested",
            json(format!("{{\"status\":\"ok\",\"response\":{deep}}}")),
        ),
        (
            "number out of range",
            json(
                r#"{"status":"ok","response":{"zones":[{"name":"a","type":"Primary","soaSerial":1e400}],"stats":{"totalQueries":-1}},"info":{"version":"15.2","uptimestamp":"9999-99-99"}}"#,
            ),
        ),
        (
            "invalid UTF-8",
            ResponseTemplate::new(200).set_body_raw(
                b"{\"status\":\"ok\",\"response\":\"\xff\xfe\"}".to_vec(),
                "application/json",
            ),
        ),
        (
            "unknown status",
            json(r#"{"status":"\u0000weird\u202e","errorMessage":"x"}"#),
        ),
        (
            "wrong type",
            json(r#"{"status":"ok","response":[1,2,3],"info":"nope"}"#),
        ),
        (
            "null payload",
            json(r#"{"status":"ok","response":null,"info":null}"#),
        ),
    ];
    // What fails without any fault (a collector the fixtures' token may not run).
    let clean = {
        let server = MockServer::start().await;
        mount_fixtures(&server, Version::V15_2).await;
        let c = collector(&client_config(&server.uri()), crate::common::all_options());
        let snapshot = collect(&c, Duration::from_secs(10)).await;
        let failed: Vec<&'static str> = snapshot
            .reports()
            .filter(|r| r.outcome.is_failure())
            .map(|r| r.name())
            .collect();
        failed
    };
    for (fault, answer) in &faults {
        for endpoint in Endpoint::ALL {
            let server = MockServer::start().await;
            override_endpoint(&server, endpoint, answer.clone()).await;
            mount_fixtures(&server, Version::V15_2).await;
            let c = collector(&client_config(&server.uri()), crate::common::all_options());
            let snapshot = collect(&c, Duration::from_secs(10)).await;
            let text = crate::common::text(&snapshot);
            assert!(
                text.contains("technitium_scrape_duration_seconds "),
                "{fault} on {endpoint:?}"
            );
            if endpoint == Endpoint::SessionGet {
                let reason = snapshot.session.as_ref().err().map(|e| e.reason().as_str());
                assert_eq!(reason, Some("bad_response"), "{fault} on session/get");
                continue;
            }
            assert!(
                snapshot.up(),
                "{fault} on {endpoint:?} took the session down"
            );
            let failed: Vec<&str> = snapshot
                .reports()
                .filter(|r| r.outcome.is_failure() && !clean.contains(&r.name()))
                .map(|r| r.name())
                .collect();
            assert!(
                failed.iter().all(|n| {
                    technitium_exporter::collector::spec(n)
                        .is_some_and(|s| s.endpoints.contains(&endpoint))
                }),
                "{fault} on {endpoint:?} failed {failed:?}"
            );
            assert!(text.contains("technitium_up 1\n"));
        }
    }
}

/// An honest large server fits the default budget with room to spare: a 100 000-zone scrape
/// (the demo's, v15.2, default collectors) succeeds with a client's own default budget
/// (`ResponseBudget::MIN`, 128 MiB, with the default 64 MiB response size), and what its answers
/// hold while the snapshot lives (about 44 MiB: the zone list's body and what it parsed into)
/// is less than half of it, so `serve` can scrape two such targets at once.
#[tokio::test]
async fn a_100k_zone_scrape_fits_the_default_budget_twice() {
    use technitium_exporter::collector::Scraper;
    use technitium_exporter::demo::{DemoVersion, start};
    use technitium_exporter::technitium::{AuthMode, Client, ClientConfig, ResponseBudget};
    let demo = start(DemoVersion::V15_2, 100_000).await.unwrap();
    let client = Client::new(&ClientConfig {
        url: demo.url.clone(),
        token: Some(demo.token.clone()),
        auth: AuthMode::Auto,
        timeout: Duration::from_secs(60),
        max_response_size: 64 * 1024 * 1024,
        ca_file: None,
        extra_ca_pem: None,
        insecure_skip_verify: false,
    })
    .unwrap();
    let scraper = Scraper::new(client, default_options());
    let snapshot = collect(&scraper, Duration::from_secs(60)).await;
    for part in &snapshot.parts {
        assert!(
            matches!(
                part.report.outcome,
                Outcome::Success | Outcome::NotApplicable(_)
            ),
            "{}: {:?}",
            part.report.name(),
            part.report.outcome
        );
    }
    let zones = snapshot.report("zones").map(|r| r.outcome.clone());
    assert!(matches!(zones, Some(Outcome::Success)), "{zones:?}");
    let held = snapshot.held_bytes();
    assert!(
        held > 30 << 20 && held < ResponseBudget::MIN / 2,
        "{held} bytes held"
    );
}
