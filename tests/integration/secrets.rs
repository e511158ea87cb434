//! The token and the server's own secrets never reach a person or a scraper: every mode (and
//! `serve`'s status page and debug output), at `--log.level trace` (and once with
//! `RUST_LOG=trace`), against good and failing pre-v15 servers — whose request URLs carry the
//! token — including servers that echo the request URL back in their error messages, as reverse
//! proxies and exception texts do.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::{
    PRIORITY_OVERRIDE, TOKEN, Version, exporter_command, fixture, free_port, override_endpoint,
    refused_port, start_mock,
};
use technitium_exporter::technitium::Endpoint;

/// A TSIG key secret and a proxy password in the server's settings: never kept, never shown.
const SETTINGS_SECRETS: [&str; 2] = ["tsig-9f8e7d6c5b4a3f2e", "proxy-pass-5c4b3a2f1e"];

/// Answers with an error whose message is the request's path and query, as a proxy's error
/// page or an exception text would.
struct Echo;

impl Respond for Echo {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let seen = format!("{}?{}", r.url.path(), r.url.query().unwrap_or(""));
        let body = json!({"status": "error", "errorMessage": format!("Error processing {seen}")});
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// Answers `ok` with the request URL where a list belongs: the parse error quotes it.
struct EchoBadType;

impl Respond for EchoBadType {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let body = json!({"status": "ok", "response": {"zones": r.url.to_string()}});
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// v13.6 with secrets in its settings.
async fn good() -> MockServer {
    let server = start_mock(Version::V13_6).await;
    let mut settings: Value =
        serde_json::from_str(&fixture(Version::V13_6, "settings_get.json")).unwrap();
    settings["response"]["tsigKeys"][0]["sharedSecret"] = json!(SETTINGS_SECRETS[0]);
    settings["response"]["proxy"] = json!({"type": "Http", "address": "p", "port": 3128,
        "username": "u", "password": SETTINGS_SECRETS[1], "bypass": []});
    override_endpoint(
        &server,
        Endpoint::SettingsGet,
        ResponseTemplate::new(200).set_body_json(settings),
    )
    .await;
    server
}

/// v13.6 whose session works and whose every other endpoint echoes the request URL.
async fn echoing() -> MockServer {
    let server = start_mock(Version::V13_6).await;
    for endpoint in Endpoint::ALL {
        let mock = Mock::given(wiremock::matchers::path(endpoint.path()));
        let mock = match endpoint {
            Endpoint::SessionGet => continue,
            Endpoint::ZonesList => mock.respond_with(EchoBadType),
            _ => mock.respond_with(Echo),
        };
        mock.with_priority(PRIORITY_OVERRIDE).mount(&server).await;
    }
    server
}

/// Every endpoint, session/get included, echoes (the token goes in the query: `auth query`).
async fn echoing_session() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Echo)
        .mount(&server)
        .await;
    server
}

/// Everything a run printed.
fn run(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = exporter_command();
    cmd.args(args).args([
        "--log.level",
        "trace",
        "--collector.top",
        "--collector.settings",
        "--collector.update",
    ]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn target_args<'a>(url: &'a str, auth: &'a str) -> Vec<&'a str> {
    vec![
        "--technitium.url",
        url,
        "--technitium.token",
        TOKEN,
        "--technitium.auth",
        auth,
        "--technitium.timeout",
        "3s",
    ]
}

/// Every one-shot mode and output format against one upstream.
fn one_shot_modes(url: &str, auth: &str) -> String {
    let mut all = String::new();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().to_str().unwrap().to_owned();
    let modes: [&[&str]; 7] = [
        &["scrape", "--format", "text"],
        &["scrape", "--format", "openmetrics"],
        &["scrape", "--format", "json"],
        &["scrape", "--table"],
        &["check"],
        &["check", "--format", "json"],
        &["textfile", "--output.dir", &output],
    ];
    for mode in modes {
        let mut args = target_args(url, auth);
        args.extend(mode);
        all.push_str(&run(&args, &[]));
    }
    let mut args = target_args(url, auth);
    args.push("scrape");
    all.push_str(&run(&args, &[("RUST_LOG", "trace")]));
    if let Ok(file) = std::fs::read_to_string(dir.path().join("technitium.prom")) {
        all.push_str(&file);
    }
    all
}

/// `serve` with the upstreams as targets: its pages and its whole log.
async fn serve_pages(targets: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut config = String::new();
    for (name, url) in targets {
        config.push_str(&format!("[targets.{name}]\nurl = \"{url}\"\n"));
    }
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, config).unwrap();
    let log_path = dir.path().join("serve.log");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut args = target_args(targets[0].1, "auto");
    args.extend(["--config.file", config_path.to_str().unwrap(), "serve"]);
    args.extend(["--web.listen-address", &listen]);
    let mut child = exporter_command()
        .args(&args)
        .args([
            "--log.level",
            "trace",
            "--collector.settings",
            "--collector.top",
        ])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let base = format!("http://{listen}");
    let http = technitium_exporter::technitium::http_client(None, false).unwrap();
    let mut pages = String::new();
    let mut paths = vec!["/metrics".to_owned(), "/metrics?debug=true".to_owned()];
    paths.extend(targets.iter().map(|(n, _)| format!("/probe?target={n}")));
    paths.extend(
        targets
            .iter()
            .map(|(n, _)| format!("/probe?target={n}&debug=true")),
    );
    // Last: the status page, with every target's last scrape.
    paths.push("/".to_owned());
    for path in &paths {
        for _ in 0..100 {
            if let Ok(r) = http.get(format!("{base}{path}")).send().await {
                pages.push_str(&r.text().await.unwrap_or_default());
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    pages.push_str(&std::fs::read_to_string(&log_path).unwrap_or_default());
    pages
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what}: the token leaked:\n{text}");
    for secret in SETTINGS_SECRETS {
        assert!(
            !text.contains(secret),
            "{what}: a settings secret leaked:\n{text}"
        );
    }
}

#[tokio::test]
async fn no_mode_ever_shows_the_token_or_a_settings_secret() {
    let (good, echo, echo_all) = (good().await, echoing().await, echoing_session().await);
    let refused = format!("http://127.0.0.1:{}", refused_port());
    for (what, url, auth) in [
        ("a good v13 server", good.uri(), "auto"),
        ("a v13 server echoing request URLs", echo.uri(), "auto"),
        ("a server echoing session/get", echo_all.uri(), "query"),
        ("a refused port", refused.clone(), "query"),
    ] {
        let out = one_shot_modes(&url, auth);
        assert_clean(what, &out);
        if what.contains("echo") {
            // The echoes did reach the output, redacted: this test can fail.
            assert!(
                out.contains("token=[redacted]"),
                "{what}: no echo seen:\n{out}"
            );
        }
    }
    let pages = serve_pages(&[
        ("good", &good.uri()),
        ("echo", &echo.uri()),
        ("down", &refused),
    ])
    .await;
    assert_clean("serve", &pages);
    assert!(
        pages.contains("token=[redacted]"),
        "serve: no echo seen:\n{pages}"
    );
    // The good server's settings were fetched (and their secrets dropped at parse time).
    assert!(pages.contains("technitium_blocking_enabled"), "{pages}");
}
