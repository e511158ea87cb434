//! `serve` end to end: the real binary on a loopback port, in front of wiremock servers playing
//! Technitium (or the built-in demo), spoken to over HTTP.

use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{TOKEN, Version, free_port, recorded, start_mock};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP client (installs the TLS crypto provider reqwest needs).
pub(crate) fn http() -> reqwest::Client {
    technitium_exporter::technitium::http_client(None, false).unwrap()
}

/// Starts `serve` with `args` and waits until `/-/healthy` answers.
pub(crate) async fn serve(args: &[&str], env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_technitium-exporter"));
    cmd.arg("serve")
        .arg("--web.listen-address")
        .arg(format!("127.0.0.1:{port}"))
        .args(args)
        .env_remove("TECHNITIUM_TOKEN")
        .env_remove("TECHNITIUM_TOKEN_FILE")
        .env_remove("CREDENTIALS_DIRECTORY")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        let healthy = http()
            .get(format!("{}/-/healthy", server.base))
            .send()
            .await;
        if healthy.is_ok_and(|r| r.status() == 200) {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("serve did not come up");
}

pub(crate) async fn get(url: &str) -> (u16, String) {
    let r = http().get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn demo_serves_metrics_landing_health_and_errors() {
    let s = serve(&["--demo"], &[]).await;
    let (status, body) = get(&format!("{}/metrics", s.base)).await;
    assert_eq!(status, 200);
    assert!(body.contains("technitium_up 1\n"), "{body}");
    assert!(body.contains("technitium_exporter_build_info{"));
    assert!(
        body.contains("technitium_exporter_scrapes_total{result=\"success\",target=\"default\"} 1")
    );
    assert!(body.contains("process_resident_memory_bytes"));
    let (status, body) = get(&format!("{}/", s.base)).await;
    assert_eq!(status, 200);
    assert!(body.contains("Technitium exporter") && body.contains("__param_target"));
    assert_eq!(get(&format!("{}/-/ready", s.base)).await.0, 200);
    assert_eq!(get(&format!("{}/nope", s.base)).await.0, 404);
    let (status, body) = get(&format!("{}/probe?target=nope", s.base)).await;
    assert_eq!(status, 400);
    assert!(body.contains("unknown target"));
    assert_eq!(get(&format!("{}/probe", s.base)).await.0, 400);
    // Under --demo the demo server is also a /probe target.
    let (status, body) = get(&format!("{}/probe?target=demo", s.base)).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("technitium_up 1\n") && !body.contains("technitium_exporter_"),
        "{body}"
    );
}

#[tokio::test]
async fn openmetrics_and_gzip_are_negotiated() {
    let s = serve(&["--demo"], &[]).await;
    let client = http();
    let r = client
        .get(format!("{}/metrics", s.base))
        .header(
            "Accept",
            "application/openmetrics-text; version=1.0.0,text/plain;q=0.5",
        )
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let body = r.text().await.unwrap();
    assert!(body.ends_with("# EOF\n"));
    assert!(body.contains("# TYPE technitium_queries counter\n"));
    assert!(body.contains("\ntechnitium_queries_total "));

    let r = client
        .get(format!("{}/metrics", s.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let bytes = r.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains("technitium_up 1\n"));
}

async fn mock_with_token(token: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/user/session/get"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(recorded(Version::V15_2, "user_session_get_apiToken.json"))
        .mount(&server)
        .await;
    server
}

fn write_config(path: &Path, targets: &[(&str, &str, &str)]) {
    let mut text = String::new();
    for (name, url, token) in targets {
        text.push_str(&format!(
            "[targets.{name}]\nurl = \"{url}\"\ntoken = \"{token}\"\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

#[tokio::test]
async fn probe_uses_each_targets_own_url_and_token_and_sighup_reloads() {
    let a = mock_with_token("token-a").await;
    let b = mock_with_token("token-b").await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    write_config(&config, &[("a", &a.uri(), "token-a")]);
    let s = serve(
        &[
            "--collector.disable-defaults",
            "--config.file",
            config.to_str().unwrap(),
        ],
        &[],
    )
    .await;

    let (status, body) = get(&format!("{}/probe?target=a", s.base)).await;
    assert_eq!(status, 200);
    assert!(body.contains("technitium_up 1\n"), "{body}");
    assert!(
        !body.contains("technitium_exporter_"),
        "self metrics only on /metrics"
    );
    assert_eq!(get(&format!("{}/probe?target=b", s.base)).await.0, 400);

    // A valid new file adds b.
    write_config(
        &config,
        &[("a", &a.uri(), "token-a"), ("b", &b.uri(), "token-b")],
    );
    hup(&s);
    let mut ok = false;
    for _ in 0..50 {
        let (status, body) = get(&format!("{}/probe?target=b", s.base)).await;
        if status == 200 {
            assert!(body.contains("technitium_up 1\n"), "{body}");
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ok, "SIGHUP did not load target b");

    // An invalid file is rejected and the old configuration kept.
    std::fs::write(&config, "[targets.c]\nurll = \"x\"\n").unwrap();
    hup(&s);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(get(&format!("{}/probe?target=b", s.base)).await.0, 200);
    assert_eq!(get(&format!("{}/probe?target=a", s.base)).await.0, 200);
    // Wrong tokens never crossed: each mock saw only its own.
    for (mock, token) in [(&a, "token-a"), (&b, "token-b")] {
        for r in mock.received_requests().await.unwrap() {
            let auth = r
                .headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(auth.as_deref(), Some(format!("Bearer {token}").as_str()));
        }
    }
}

fn signal(s: &Server, sig: &str) {
    // The shell's own `kill`: no procps needed on a bare machine.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -{sig} {}", s.child.id()))
        .status()
        .unwrap();
    assert!(status.success());
}

pub(crate) fn hup(s: &Server) {
    signal(s, "HUP");
}

/// Rewrites `config` to one target `other` (a new v15.2 mock, returned), all collectors off,
/// sends SIGHUP and waits until `/probe?target=other` answers 200 (it panics otherwise).
pub(crate) async fn reload_adding_a_target(s: &Server, config: &Path) -> MockServer {
    let other = start_mock(Version::V15_2).await;
    std::fs::write(
        config,
        format!(
            "[collector]\ndisable_defaults = true\n[targets.other]\nurl = \"{}\"\n",
            other.uri()
        ),
    )
    .unwrap();
    hup(s);
    let added = format!("{}/probe?target=other", s.base);
    for _ in 0..100 {
        if get(&added).await.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(get(&added).await.0, 200, "the reload happened");
    other
}

#[tokio::test]
async fn concurrent_scrapes_share_one_upstream_fetch() {
    let mock = start_mock(Version::V15_2).await;
    crate::common::override_endpoint(
        &mock,
        technitium_exporter::technitium::Endpoint::SessionGet,
        recorded(Version::V15_2, "user_session_get_apiToken.json")
            .set_delay(Duration::from_millis(400)),
    )
    .await;
    let s = serve(
        &["--technitium.url", &mock.uri(), "--technitium.token", TOKEN],
        &[],
    )
    .await;
    let url = format!("{}/metrics", s.base);
    let requests: Vec<_> = (0..8)
        .map(|_| tokio::spawn(get_owned(url.clone())))
        .collect();
    for r in requests {
        let (status, body) = r.await.unwrap();
        assert_eq!(status, 200);
        assert!(body.contains("technitium_up 1\n"));
    }
    let seen = mock.received_requests().await.unwrap();
    for endpoint in [
        "/api/user/session/get",
        "/api/zones/list",
        "/api/dashboard/stats/get",
    ] {
        let n = seen.iter().filter(|r| r.url.path() == endpoint).count();
        assert_eq!(
            n, 1,
            "{endpoint} was called {n} times for 8 concurrent scrapes"
        );
    }
}

async fn get_owned(url: String) -> (u16, String) {
    get(&url).await
}

#[tokio::test]
async fn a_hanging_collector_is_cut_off_at_the_scrape_deadline() {
    let mock = start_mock(Version::V15_2).await;
    crate::common::override_endpoint(
        &mock,
        technitium_exporter::technitium::Endpoint::ZonesList,
        recorded(Version::V15_2, "zones_list_all.json").set_delay(Duration::from_secs(30)),
    )
    .await;
    let s = serve(
        &[
            "--technitium.url",
            &mock.uri(),
            "--technitium.token",
            TOKEN,
            "--technitium.timeout",
            "20s",
        ],
        &[],
    )
    .await;
    let r = http()
        .get(format!("{}/metrics", s.base))
        .header("X-Prometheus-Scrape-Timeout-Seconds", "1")
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the page must come back long before the hanging endpoint answers");
    let body = r.text().await.unwrap();
    assert!(body.contains("technitium_up 1\n"));
    assert!(
        body.contains("technitium_scrape_collector_success{collector=\"zones\"} 0"),
        "{body}"
    );
    assert!(body.contains("technitium_scrape_collector_success{collector=\"dashboard\"} 1"));
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_scrape_finish_then_exits_zero() {
    let mock = start_mock(Version::V15_2).await;
    crate::common::override_endpoint(
        &mock,
        technitium_exporter::technitium::Endpoint::ZonesList,
        recorded(Version::V15_2, "zones_list_all.json").set_delay(Duration::from_millis(1200)),
    )
    .await;
    let mut s = serve(
        &["--technitium.url", &mock.uri(), "--technitium.token", TOKEN],
        &[],
    )
    .await;
    let url = format!("{}/metrics", s.base);
    let in_flight = tokio::spawn(get_owned(url));
    tokio::time::sleep(Duration::from_millis(400)).await;
    signal(&s, "TERM");
    let (status, body) = in_flight.await.unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("technitium_scrape_collector_success{collector=\"zones\"} 1"));
    let mut code = None;
    for _ in 0..100 {
        if let Some(st) = s.child.try_wait().unwrap() {
            code = st.code();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(code, Some(0));
}

#[tokio::test]
async fn starts_without_a_token_and_reports_invalid_token() {
    let s = serve(&["--technitium.url", "http://127.0.0.1:9"], &[]).await;
    let (status, body) = get(&format!("{}/metrics", s.base)).await;
    assert_eq!(status, 200);
    assert!(body.contains("technitium_up 0\n"));
    assert!(body.contains("technitium_scrape_error{reason=\"invalid_token\"} 1"));
}

#[tokio::test]
async fn min_interval_reuses_a_collectors_data_and_reports_its_age() {
    let mock = start_mock(Version::V15_2).await;
    let s = serve(
        &[
            "--technitium.url",
            &mock.uri(),
            "--technitium.token",
            TOKEN,
            "--collector.zones.min-interval",
            "1h",
        ],
        &[],
    )
    .await;
    let url = format!("{}/metrics", s.base);
    let (_, first) = get(&url).await;
    assert!(
        first.contains("technitium_scrape_cache_age_seconds 0\n"),
        "{first}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (_, second) = get(&url).await;
    let age = second
        .lines()
        .find_map(|l| l.strip_prefix("technitium_scrape_cache_age_seconds "))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap();
    assert!(age > 0.0, "{second}");
    assert!(second.contains("technitium_zone_info{"));
    let seen = mock.received_requests().await.unwrap();
    let count = |p: &str| seen.iter().filter(|r| r.url.path() == p).count();
    assert_eq!(
        count("/api/zones/list"),
        1,
        "zones/list must be reused within the interval"
    );
    assert_eq!(
        count("/api/user/session/get"),
        2,
        "the session is fetched every scrape"
    );
}

#[tokio::test]
async fn url_targets_need_a_module_that_allows_them_with_its_own_token() {
    let lab = mock_with_token("token-lab").await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[modules.lab]\nallow_url_targets = true\ntoken = \"token-lab\"\n[modules.closed]\ntoken = \"x\"\n",
    )
    .unwrap();
    let s = serve(
        &[
            "--collector.disable-defaults",
            "--config.file",
            config.to_str().unwrap(),
            "--technitium.token",
            "default-token",
        ],
        &[],
    )
    .await;
    let probe =
        |target: &str, module: &str| format!("{}/probe?target={target}&module={module}", s.base);
    let (status, body) = get(&probe(&lab.uri(), "lab")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("technitium_up 1\n"), "{body}");
    assert_eq!(get(&probe(&lab.uri(), "closed")).await.0, 400);
    assert_eq!(get(&probe(&lab.uri(), "nope")).await.0, 400);
    assert_eq!(get(&probe("ftp://x", "lab")).await.0, 400);
    // The default token never went to the caller-chosen host.
    for r in lab.received_requests().await.unwrap() {
        let auth = r
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(auth.as_deref(), Some("Bearer token-lab"));
        assert!(!r.url.as_str().contains("default-token"));
    }
    // Self metrics label the module, never the URL.
    let (_, metrics) = get(&format!("{}/metrics", s.base)).await;
    assert!(
        metrics.contains("technitium_exporter_scrapes_total{result=\"success\",target=\"lab\"} 1"),
        "{metrics}"
    );
    assert!(!metrics.contains(&lab.uri()));
}

#[test]
fn a_module_allowing_url_targets_without_its_own_token_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[modules.lab]\nallow_url_targets = true\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_technitium-exporter"))
        .args([
            "serve",
            "--web.listen-address",
            "127.0.0.1:0",
            "--config.file",
            config.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("[modules.lab]") && stderr.contains("own token"),
        "{stderr}"
    );
}

#[tokio::test]
async fn tls_and_basic_auth_protect_the_listener() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let hash = bcrypt::hash("right", 4).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[web]\ntls_cert_file = \"{}\"\ntls_key_file = \"{}\"\nbasic_auth_users = {{ prometheus = \"{hash}\" }}\n",
            cert.display(),
            key.display()
        ),
    )
    .unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_technitium-exporter"))
        .args(["serve", "--demo", "--config.file", config.to_str().unwrap()])
        .args(["--web.listen-address", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = technitium_exporter::technitium::http_client(Some(&cert), false).unwrap();
    let url = format!("https://localhost:{port}/metrics");
    let mut status = None;
    for _ in 0..100 {
        if let Ok(r) = client
            .get(&url)
            .basic_auth("prometheus", Some("wrong"))
            .send()
            .await
        {
            status = Some(r.status().as_u16());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, Some(401), "wrong password");
    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401, "no credentials");
    assert!(r.headers().contains_key("www-authenticate"));
    let r = client
        .get(&url)
        .basic_auth("prometheus", Some("right"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("technitium_up 1\n"));
    // Service discovery is a route like the others: credentials first; its targets say https.
    let sd = format!("https://localhost:{port}/sd");
    assert_eq!(client.get(&sd).send().await.unwrap().status(), 401);
    let r = client
        .get(&sd)
        .basic_auth("prometheus", Some("right"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("\"__scheme__\":\"https\""), "{body}");
    // Plain HTTP to the TLS port gets no metrics.
    let plain = http()
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await;
    assert!(
        plain.map_or(true, |r| r.status() != 200),
        "plain HTTP must not get metrics from the TLS listener"
    );
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn large_expositions_are_streamed_with_the_same_content() {
    // 5 000 zones is above the streaming threshold (about 2 500 zones).
    let args = [
        "--demo",
        "--demo.zones",
        "5000",
        "--collector.zones.limit",
        "0",
    ];
    let s = serve(&args, &[]).await;
    let client = http();
    let zone_info = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("technitium_zone_info{"))
            .map(str::to_owned)
            .collect()
    };
    let r = client
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.content_length(), None, "a large exposition is streamed");
    let plain = r.text().await.unwrap();
    assert_eq!(zone_info(&plain).len(), 5000);
    assert_eq!(
        plain.matches("# TYPE technitium_zone_info gauge\n").count(),
        1
    );
    assert!(plain.contains("\ntechnitium_up 1\n"));
    assert!(plain.contains("\ntechnitium_exporter_build_info{"));
    assert!(plain.ends_with('\n'));
    for line in plain.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(
            value.parse::<f64>().is_ok() || value == "+Inf",
            "bad sample line {line:?}"
        );
    }

    let r = client
        .get(format!("{}/metrics", s.base))
        .header("Accept-Encoding", "gzip")
        .header("Accept", "application/openmetrics-text; version=1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let bytes = r.bytes().await.unwrap();
    let mut om = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut om)
        .unwrap();
    assert!(om.ends_with("# EOF\n"));
    assert_eq!(om.matches("# EOF").count(), 1);
    assert_eq!(zone_info(&om), zone_info(&plain));

    // `scrape` (which prints in pieces too, as tests/integration/cli.rs checks against a whole
    // render) has the same per-zone series.
    let out = Command::new(env!("CARGO_BIN_EXE_technitium-exporter"))
        .arg("scrape")
        .args(args)
        .output()
        .unwrap();
    let whole = String::from_utf8(out.stdout).unwrap();
    assert_eq!(zone_info(&whole), zone_info(&plain));
}

/// A scrape with Prometheus's timeout header, as a spawned request.
async fn get_with_timeout(url: String, seconds: &'static str) -> String {
    http()
        .get(url)
        .header("X-Prometheus-Scrape-Timeout-Seconds", seconds)
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A serve whose stats/get answers after 1.5 s (session/get at once).
async fn slow_dashboard() -> (wiremock::MockServer, Server) {
    let mock = start_mock(Version::V15_2).await;
    crate::common::override_endpoint(
        &mock,
        technitium_exporter::technitium::Endpoint::StatsGet,
        recorded(Version::V15_2, "dashboard_stats_get_LastHour.json")
            .set_delay(Duration::from_millis(1500)),
    )
    .await;
    let s = serve(
        &["--technitium.url", &mock.uri(), "--technitium.token", TOKEN],
        &[],
    )
    .await;
    (mock, s)
}

/// Regression (hostile run): a short scrape joining a long one in flight reported
/// `technitium_up 0, reason="timeout"` although session/get had answered at once.
#[tokio::test]
async fn a_short_scrape_joining_a_long_one_keeps_the_session_result() {
    let (mock, s) = slow_dashboard().await;
    let url = format!("{}/metrics", s.base);
    let long = tokio::spawn(get_with_timeout(url.clone(), "10"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let short = get_with_timeout(url, "1").await;
    assert!(short.contains("technitium_up 1\n"), "{short}");
    assert!(!short.contains("technitium_scrape_error{"), "{short}");
    assert!(
        short.contains("technitium_scrape_collector_success{collector=\"dashboard\"} 0"),
        "the short scrape's own deadline cut the dashboard off: {short}"
    );
    assert!(short.contains("technitium_scrape_collector_success{collector=\"zones\"} 1"));
    let long = long.await.unwrap();
    assert!(long.contains("technitium_scrape_collector_success{collector=\"dashboard\"} 1"));
    let seen = mock.received_requests().await.unwrap();
    let sessions = seen
        .iter()
        .filter(|r| r.url.path() == "/api/user/session/get")
        .count();
    assert_eq!(sessions, 1, "both scrapes share one fetch");
}

/// Regression (hostile run): a long scrape joining a short one inherited its cut-off.
#[tokio::test]
async fn a_long_scrape_joining_a_short_one_gets_its_own_deadline() {
    let (_mock, s) = slow_dashboard().await;
    let url = format!("{}/metrics", s.base);
    let short = tokio::spawn(get_with_timeout(url.clone(), "1"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let long = get_with_timeout(url, "10").await;
    assert!(
        long.contains("technitium_scrape_collector_success{collector=\"dashboard\"} 1"),
        "the long scrape extends the shared fetch: {long}"
    );
    let short = short.await.unwrap();
    assert!(short.contains("technitium_up 1\n"), "{short}");
    assert!(short.contains("technitium_scrape_collector_success{collector=\"dashboard\"} 0"));
}

/// A reload keeps the derived counters of a cluster node scraped through its target's URL
/// (`/probe?target=NAME&node=NODE`), as it does a target's.
#[tokio::test]
async fn a_reload_keeps_a_nodes_derived_counters() {
    use crate::minutes::SimServer;
    const T0: i64 = 1_778_414_400;
    let sim = SimServer::start(Version::V15_2, T0 + 5).await;
    sim.with(|x| x.clustered = true);
    let other = start_mock(Version::V15_2).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    write_config(&config, &[("sim", &sim.uri(), TOKEN)]);
    let s = serve(
        &[
            "--collector.disable-defaults",
            "--collector.counters",
            "--config.file",
            config.to_str().unwrap(),
        ],
        &[],
    )
    .await;
    let udp = |body: &str| {
        crate::common::sample(body, "technitium_protocol_queries_total{protocol=\"udp\"}")
    };
    let probe = format!("{}/probe?target=sim&node=dns2.sim.lan", s.base);
    let first = get(&probe).await.1;
    assert_eq!(udp(&first), Some(0.0), "counting starts at 0: {first}");
    sim.with(|x| x.now = T0 + 5 + 180);
    let before = udp(&get(&probe).await.1).unwrap();
    assert!(before > 0.0, "three minutes counted");
    reload_with_one_more_target(&s, &config, &sim.uri(), &other.uri()).await;
    sim.with(|x| x.now = T0 + 5 + 240);
    let after = udp(&get(&probe).await.1).unwrap();
    assert!(
        after > before,
        "the node still counts after the reload: {before} → {after}"
    );
}

/// Rewrites the config with `other` beside `sim` (whose URL stays the same), sends SIGHUP and
/// waits until `other` answers: the reload happened.
async fn reload_with_one_more_target(s: &Server, config: &Path, sim: &str, other: &str) {
    write_config(config, &[("sim", sim, TOKEN), ("other", other, TOKEN)]);
    hup(s);
    let reloaded = format!("{}/probe?target=other", s.base);
    for _ in 0..100 {
        if get(&reloaded).await.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(get(&reloaded).await.0, 200, "the reload happened");
}

/// A reload (SIGHUP) keeps a target's derived counters while its URL stays the same: they go
/// on counting instead of starting again at 0.
#[tokio::test]
async fn a_reload_keeps_the_derived_counters() {
    use crate::minutes::SimServer;
    const T0: i64 = 1_778_414_400;
    let sim = SimServer::start(Version::V13_6, T0 + 5).await;
    let other = start_mock(Version::V15_2).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    write_config(&config, &[("sim", &sim.uri(), TOKEN)]);
    let s = serve(
        &[
            "--collector.disable-defaults",
            "--collector.dashboard",
            "--collector.counters",
            "--config.file",
            config.to_str().unwrap(),
        ],
        &[],
    )
    .await;
    let queries = |body: &str| crate::common::sample(body, "technitium_queries_total");
    let probe = format!("{}/probe?target=sim", s.base);
    assert_eq!(
        queries(&get(&probe).await.1),
        Some(0.0),
        "counting starts at 0"
    );
    sim.with(|x| x.now = T0 + 5 + 180);
    let before = queries(&get(&probe).await.1).unwrap();
    assert!(before > 0.0, "three minutes counted");
    reload_with_one_more_target(&s, &config, &sim.uri(), &other.uri()).await;
    sim.with(|x| x.now = T0 + 5 + 240);
    let after = queries(&get(&probe).await.1).unwrap();
    assert!(
        after > before,
        "still counting after the reload: {before} → {after}"
    );
}

/// Starts `serve` with `args`, logging JSON lines to `log`; read the log after dropping the
/// server.
fn serve_logging_json(args: &[&str], log: &Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_technitium-exporter"))
        .args(["serve", "--log.format", "json"])
        .args(["--web.listen-address", &format!("127.0.0.1:{port}")])
        .args(args)
        .env_remove("TECHNITIUM_TOKEN")
        .env_remove("TECHNITIUM_TOKEN_FILE")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

/// The first answer at `url`, once the server listens.
async fn first_answer(url: &str) -> String {
    for _ in 0..300 {
        if let Ok(r) = http().get(url).send().await {
            return r.text().await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no answer at {url}");
}

/// The JSON log lines in `text` whose fields match `pick`.
fn log_lines(text: &str, pick: impl Fn(&serde_json::Value) -> bool) -> Vec<serde_json::Value> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| pick(&l["fields"]))
        .collect()
}

/// A failing probe's log line names the target as configured (`target_name`), as every other
/// log line of a collector in `serve` does, not the server's URL: with several targets, or the
/// nodes of a cluster, that is what tells an operator which one it is.
#[tokio::test]
async fn a_failing_probe_logs_the_target_name() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let server = serve_logging_json(
        &[
            "--demo",
            "--collector.disable-defaults",
            "--collector.forwarders",
        ],
        &log,
    );
    let body = first_answer(&format!("{}/probe?target=demo", server.base)).await;
    // The demo's third forwarder never answers.
    assert!(
        body.contains(
            "technitium_forwarder_probe_success{forwarder=\"192.0.2.3\",protocol=\"udp\"} 0"
        ),
        "{body}"
    );
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    let failed = log_lines(&text, |f| f["probe"] == "forwarder 192.0.2.3");
    assert_eq!(failed.len(), 1, "one line for the failure: {text}");
    let fields = &failed[0]["fields"];
    assert_eq!(fields["target_name"], "demo", "{text}");
    assert!(fields.get("server").is_none(), "no URL: {text}");
    assert!(
        fields["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("probe failed: ")),
        "{text}"
    );
}

/// In `serve`, an error's words name the target as configured, not its URL (the configuration
/// maps one to the other): "technitium_up 0: target lab …".
#[tokio::test]
async fn a_target_that_is_down_is_named_in_the_log_not_its_url() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let port = crate::common::refused_port();
    let url = format!("http://127.0.0.1:{port}");
    write_config(&config, &[("lab", &url, TOKEN)]);
    let log = dir.path().join("serve.log");
    let server = serve_logging_json(&["--config.file", config.to_str().unwrap()], &log);
    let body = first_answer(&format!("{}/probe?target=lab", server.base)).await;
    assert!(body.contains("technitium_up 0\n"), "{body}");
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    let down = log_lines(&text, |f| {
        f["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("technitium_up 0"))
    });
    assert_eq!(down.len(), 1, "{text}");
    let fields = &down[0]["fields"];
    assert_eq!(fields["target_name"], "lab", "{text}");
    let message = fields["message"].as_str().unwrap();
    assert!(message.contains(" target lab "), "{message}");
    assert!(
        message.contains("check the target's url in the config file"),
        "where to look: {message}"
    );
    assert!(!message.contains(&port.to_string()), "no URL: {message}");
}

/// What a reload says: "configuration reloaded" and, when `[web]` changed, that the listener
/// keeps its old settings until a restart; a configuration that does not validate is
/// "reload failed, keeping the old configuration" and never "reloaded".
#[tokio::test]
async fn a_reload_says_what_it_did() {
    let mock = start_mock(Version::V15_2).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    write_config(&config, &[("a", &mock.uri(), TOKEN)]);
    let log = dir.path().join("serve.log");
    let server = serve_logging_json(&["--config.file", config.to_str().unwrap()], &log);
    first_answer(&format!("{}/probe?target=a", server.base)).await;
    let logged = |what: &str| {
        let text = std::fs::read_to_string(&log).unwrap();
        log_lines(&text, |f| {
            f["message"].as_str().is_some_and(|m| m.starts_with(what))
        })
        .len()
    };
    let wait_for = |what: &'static str, n: usize| async move {
        for _ in 0..200 {
            if logged(what) >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no {what:?} in the log");
    };

    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("[web]\ntelemetry_path = \"/m\"\n{text}")).unwrap();
    hup(&server);
    wait_for(
        "[web] or --web.* changed: the listener keeps its old settings",
        1,
    )
    .await;
    assert_eq!(logged("configuration reloaded"), 1);

    std::fs::write(&config, "[targets.a]\nurl = \"not a url\"\n").unwrap();
    hup(&server);
    wait_for("reload failed, keeping the old configuration: ", 1).await;
    assert_eq!(
        logged("configuration reloaded"),
        1,
        "the failed reload said nothing else"
    );
    let (status, body) = get(&format!("{}/probe?target=a", server.base)).await;
    assert_eq!(status, 200, "the old configuration still serves: {body}");
}

/// The reload gauges on `/metrics`: successful and the time of the last success, which is the
/// start until a reload succeeds. A bad reload turns the first to 0 and keeps the time; a good
/// one turns it back to 1 and moves the time.
#[tokio::test]
async fn the_last_reload_is_on_metrics() {
    const OK: &str = "technitium_exporter_config_last_reload_successful";
    const AT: &str = "technitium_exporter_config_last_reload_success_timestamp_seconds";
    let mock = start_mock(Version::V15_2).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    write_config(&config, &[("a", &mock.uri(), TOKEN)]);
    let s = serve(&["--config.file", config.to_str().unwrap()], &[]).await;
    let metrics = format!("{}/metrics", s.base);
    let read = || async {
        let body = get(&metrics).await.1;
        (
            crate::common::sample(&body, OK),
            crate::common::sample(&body, AT),
        )
    };
    let wait_for = |want: f64| async move {
        for _ in 0..200 {
            if read().await.0 == Some(want) {
                return read().await.1;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{OK} never became {want}");
    };
    let (ok, started) = read().await;
    assert_eq!(ok, Some(1.0), "a good start counts as a successful load");
    let started = started.unwrap_or_else(|| panic!("no {AT}"));
    assert!(started > 1.5e9, "seconds since the epoch: {started}");

    std::fs::write(&config, "[targets.a]\nurl = \"not a url\"\n").unwrap();
    hup(&s);
    assert_eq!(
        wait_for(0.0).await,
        Some(started),
        "a bad reload keeps the time"
    );

    write_config(&config, &[("a", &mock.uri(), TOKEN)]);
    hup(&s);
    let reloaded = wait_for(1.0).await.unwrap_or_else(|| panic!("no {AT}"));
    assert_ne!(
        reloaded, started,
        "a good reload is the new time of the last success"
    );
}
