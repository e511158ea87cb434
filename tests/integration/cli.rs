//! The built binary, run as a person would: `scrape` against the demo and against wiremock
//! servers, exit codes, and that the token never reaches stdout or stderr (also with every log
//! line on, for a pre-v15 target whose request URLs carry the token).

use std::time::Duration;

use crate::common::{
    PRIORITY_OVERRIDE, TOKEN, Version, fixture, json, refused_port, sample, start_mock,
};
use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

/// A token the mock servers reject.
const WRONG_TOKEN: &str = "wrong-7f3a9c1e5b2d4f6a8c0e2b4d6f8a1c3e";

/// The binary with a clean environment (no TECHNITIUM_* or proxy variables from outside).
fn exporter() -> Command {
    let mut cmd = cargo_bin_cmd!("technitium-exporter");
    cmd.env_clear().timeout(Duration::from_secs(30));
    cmd
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn assert_no_secret(run: &Run, secret: &str) {
    assert!(
        !run.stdout.contains(secret),
        "token on stdout:\n{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains(secret),
        "token on stderr:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("token="),
        "token parameter on stderr:\n{}",
        run.stderr
    );
}

#[test]
fn scrape_demo_prints_metrics() {
    exporter()
        .args(["scrape", "--demo"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\ntechnitium_up 1\n"))
        .stdout(predicate::str::contains("technitium_queries_total "))
        .stdout(predicate::str::contains("technitium_scrape_error").not());
}

/// A `RUST_LOG` that is not a filter is said once, and the default level applies (its info
/// lines show); a valid one still rules.
#[test]
fn a_bad_rust_log_is_said_and_the_level_applies() {
    let r = run(exporter()
        .env("RUST_LOG", "dns=loud")
        .args(["scrape", "--demo"]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let said: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("RUST_LOG"))
        .collect();
    assert_eq!(said.len(), 1, "{}", r.stderr);
    assert!(said[0].contains("level=warn"), "{}", said[0]);
    assert!(said[0].contains("fix or unset RUST_LOG"), "{}", said[0]);
    assert!(
        r.stderr.contains("demo Technitium server started"),
        "{}",
        r.stderr
    );
    let quiet = run(exporter()
        .env("RUST_LOG", "error")
        .args(["scrape", "--demo"]));
    assert_eq!(quiet.stderr, "", "a valid RUST_LOG rules");
}

#[test]
fn scrape_demo_table() {
    let r = run(exporter().args(["scrape", "--demo", "--table"]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("✓ yes"), "{}", r.stdout);
    for collector in [
        "session",
        "lifetime",
        "dashboard",
        "zones",
        "dhcp",
        "cluster",
    ] {
        assert!(
            r.stdout.contains(collector),
            "{collector} missing:\n{}",
            r.stdout
        );
    }
    assert!(!r.stdout.contains("# TYPE"));
    // --format table is the same thing.
    let r2 = run(exporter().args(["scrape", "--demo", "--format", "table"]));
    assert_eq!(r2.code, Some(0));
    assert!(r2.stdout.contains("✓ yes"));
}

#[test]
fn scrape_demo_json_is_valid() {
    let r = run(exporter().args(["scrape", "--demo", "--format", "json"]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let families = v.as_array().unwrap();
    let up = families
        .iter()
        .find(|f| f["name"] == "technitium_up")
        .unwrap();
    assert_eq!(up["type"], "gauge");
    assert_eq!(up["samples"][0]["value"], 1);
    assert!(families.len() > 20);
}

#[test]
fn scrape_demo_older_versions() {
    for (version, lifetime) in [
        ("13.6", false),
        ("14.3", false),
        ("15.2", true),
        ("15.6", true),
    ] {
        let r = run(exporter().args(["scrape", "--demo", "--demo.version", version]));
        assert_eq!(r.code, Some(0), "{version}: {}", r.stderr);
        assert!(
            r.stdout
                .contains(&format!("technitium_build_info{{version=\"{version}\"}} 1")),
            "{version}"
        );
        assert_eq!(
            sample(&r.stdout, "technitium_lifetime_counters_supported"),
            Some(if lifetime { 1.0 } else { 0.0 })
        );
        assert_eq!(r.stdout.contains("technitium_queries_total"), lifetime);
        assert_eq!(
            r.stdout.contains("technitium_cluster_initialized 1"),
            version != "13.6"
        );
    }
}

#[test]
fn scrape_demo_openmetrics_ends_with_eof() {
    let r = run(exporter().args(["scrape", "--format", "openmetrics", "--demo"]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.ends_with("# EOF\n"), "{}", r.stdout);
    assert_eq!(r.stdout.matches("# EOF").count(), 1);
    assert!(r.stdout.contains("# TYPE technitium_queries counter\n"));
    assert!(r.stdout.contains("\ntechnitium_queries_total "));
}

/// A scrape whose exposition may be large is printed in pieces as it is rendered, never whole
/// (its text can be larger than the answers it came from): the pieces make the same text as a
/// whole render, in every format; `textfile` writes its file the same way.
#[tokio::test]
async fn a_large_scrape_is_printed_in_pieces_with_the_same_content() {
    use technitium_exporter::collector::{Given, Options, Scraper, encode};
    use technitium_exporter::demo::{DemoVersion, start};
    use technitium_exporter::exposition::ExpositionFormat;
    use technitium_exporter::technitium::{AuthMode, Client, ClientConfig};
    // 5 000 zones is above the size printed whole (1 MiB, about 2 500 zones).
    let zones = 5000;
    let zone_info = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("technitium_zone_info{"))
            .map(str::to_owned)
            .collect()
    };
    let demo = start(DemoVersion::V15_2, zones).await.unwrap();
    let client = Client::new(&ClientConfig {
        url: demo.url.clone(),
        token: Some(demo.token.clone()),
        auth: AuthMode::Auto,
        timeout: Duration::from_secs(30),
        max_response_size: 64 * 1024 * 1024,
        ca_file: None,
        extra_ca_pem: None,
        insecure_skip_verify: false,
    })
    .unwrap();
    let mut options = Options::default();
    options
        .set_option("zones", "limit", Given::one("0", "test"))
        .unwrap();
    let snapshot = Scraper::new(client, options)
        .collect(tokio::time::Instant::now() + Duration::from_secs(30))
        .await;
    let whole = encode(&snapshot, ExpositionFormat::Text);
    assert_eq!(zone_info(&whole).len(), zones);

    let scrape = |format: &str| {
        run(exporter().args([
            "scrape",
            "--demo",
            "--demo.zones",
            "5000",
            "--collector.zones.limit",
            "0",
            "--format",
            format,
        ]))
    };
    let text = scrape("text");
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    assert_eq!(zone_info(&text.stdout), zone_info(&whole));
    assert!(text.stdout.starts_with("# HELP technitium_up "));
    assert!(text.stdout.ends_with('\n'));
    assert_eq!(
        text.stdout
            .matches("# TYPE technitium_zone_info gauge\n")
            .count(),
        1
    );
    let om = scrape("openmetrics");
    assert!(om.stdout.ends_with("# EOF\n"), "{}", om.stderr);
    assert_eq!(om.stdout.matches("# EOF").count(), 1);
    assert_eq!(zone_info(&om.stdout), zone_info(&whole));
    let json = scrape("json");
    let families: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let info = families
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "technitium_zone_info")
        .unwrap();
    assert_eq!(info["samples"].as_array().map(Vec::len), Some(zones));

    // `textfile` writes its temp file in pieces the same way.
    let dir = tempfile::tempdir().unwrap();
    let out = run(exporter()
        .args(["textfile", "--demo", "--demo.zones", "5000"])
        .args(["--collector.zones.limit", "0", "--output.dir"])
        .arg(dir.path()));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let written = std::fs::read_to_string(dir.path().join("technitium.prom")).unwrap();
    assert_eq!(zone_info(&written), zone_info(&whole));
    assert!(written.starts_with("# HELP technitium_up ") && written.ends_with('\n'));
}

#[test]
fn scrape_demo_with_every_collector() {
    let r = run(exporter().args([
        "scrape",
        "--demo",
        "--collector.top",
        "--collector.settings",
        "--collector.update",
    ]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for c in ["top", "settings", "update"] {
        assert_eq!(
            sample(
                &r.stdout,
                &format!("technitium_scrape_collector_success{{collector=\"{c}\"}}")
            ),
            Some(1.0),
            "{c}"
        );
    }
}

async fn rejecting_server() -> MockServer {
    start_mock(Version::V15_2).await
}

fn assert_rejected(r: &Run) {
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        sample(&r.stdout, "technitium_up"),
        Some(0.0),
        "{}",
        r.stdout
    );
    assert_eq!(
        sample(
            &r.stdout,
            "technitium_scrape_error{reason=\"invalid_token\"}"
        ),
        Some(1.0)
    );
    assert!(r.stdout.contains("technitium_scrape_duration_seconds "));
    assert!(r.stderr.contains("token rejected"), "{}", r.stderr);
    assert_no_secret(r, WRONG_TOKEN);
}

#[tokio::test]
async fn rejected_token_flag_exits_1_with_metrics() {
    let server = rejecting_server().await;
    let r = run(exporter().args([
        "scrape",
        "--technitium.url",
        &server.uri(),
        "--technitium.token",
        WRONG_TOKEN,
    ]));
    assert_rejected(&r);
}

#[tokio::test]
async fn rejected_token_env_exits_1_with_metrics() {
    let server = rejecting_server().await;
    let r = run(exporter()
        .args(["scrape", "--technitium.url", &server.uri()])
        .env("TECHNITIUM_TOKEN", WRONG_TOKEN));
    assert_rejected(&r);
}

#[tokio::test]
async fn rejected_token_file_exits_1_with_metrics() {
    let server = rejecting_server().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{WRONG_TOKEN}\n")).unwrap();
    let r = run(exporter()
        .args(["scrape", "--technitium.url", &server.uri()])
        .env("TECHNITIUM_TOKEN_FILE", &file));
    assert_rejected(&r);
}

#[tokio::test]
async fn good_token_against_a_v13_server_with_every_log_line_on() {
    // A v13.6 server: the token travels in request URLs. Nothing prints it, even at trace
    // level for every crate (RUST_LOG=trace overrides --log.level).
    let server = start_mock(Version::V13_6).await;
    for log in [
        vec![("RUST_LOG", "trace")],
        vec![("TECHNITIUM_EXPORTER_LOG_LEVEL", "trace")],
        vec![
            ("RUST_LOG", "trace"),
            ("TECHNITIUM_EXPORTER_LOG_FORMAT", "json"),
        ],
    ] {
        let r = run(exporter()
            .args([
                "scrape",
                "--technitium.url",
                &server.uri(),
                "--collector.top",
                "--collector.settings",
                "--collector.update",
            ])
            .env("TECHNITIUM_TOKEN", TOKEN)
            .envs(log.clone()));
        assert_eq!(r.code, Some(0), "{log:?}: {}", r.stderr);
        assert_eq!(sample(&r.stdout, "technitium_up"), Some(1.0));
        assert!(!r.stderr.is_empty(), "{log:?}: expected log lines");
        assert_no_secret(&r, TOKEN);
    }
    // Three processes, each with one Bearer-only probe; every other request had the token in
    // its URL, so the logs above had it within reach.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests
            .iter()
            .filter(|r| !crate::common::token_in_url(r))
            .count(),
        3
    );
}

#[tokio::test]
async fn pre_v15_target_timeout_never_prints_the_token() {
    let slow = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            json(fixture(Version::V13_6, "user_session_get_apiToken.json"))
                .set_delay(Duration::from_secs(3)),
        )
        .with_priority(PRIORITY_OVERRIDE)
        .mount(&slow)
        .await;
    let r = run(exporter()
        .args([
            "scrape",
            "--technitium.url",
            &slow.uri(),
            "--technitium.auth",
            "query",
            "--technitium.timeout",
            "300ms",
        ])
        .env("TECHNITIUM_TOKEN", TOKEN)
        .env("RUST_LOG", "trace"));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        sample(&r.stdout, "technitium_scrape_error{reason=\"timeout\"}"),
        Some(1.0),
        "{}",
        r.stdout
    );
    assert_no_secret(&r, TOKEN);
    // It did go out in the URL: the test exercised the dangerous path.
    let requests = slow.received_requests().await.unwrap();
    assert!(!requests.is_empty() && requests.iter().all(crate::common::token_in_url));
}

#[test]
fn refused_port_exits_1_unreachable() {
    for auth in ["auto", "query"] {
        let r = run(exporter()
            .args([
                "scrape",
                "--technitium.url",
                &format!("http://127.0.0.1:{}", refused_port()),
                "--technitium.auth",
                auth,
                "--technitium.token",
                TOKEN,
            ])
            .env("RUST_LOG", "trace"));
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert_eq!(
            sample(&r.stdout, "technitium_scrape_error{reason=\"unreachable\"}"),
            Some(1.0),
            "{}",
            r.stdout
        );
        assert!(r.stderr.contains("cannot reach"), "{}", r.stderr);
        assert_no_secret(&r, TOKEN);
    }
}

#[test]
fn table_of_a_down_target_exits_1() {
    let r = run(exporter().args([
        "scrape",
        "--table",
        "--technitium.url",
        &format!("http://127.0.0.1:{}", refused_port()),
        "--technitium.token",
        TOKEN,
    ]));
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("unreachable"), "{}", r.stdout);
    assert_no_secret(&r, TOKEN);
}

fn usage_error(args: &[&str], message: &str) {
    let r = run(exporter().args(args));
    assert_eq!(r.code, Some(2), "{args:?}: {}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(message),
        "{args:?}: expected {message:?} in:\n{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    usage_error(&["scrape", "--no-such-flag"], "--no-such-flag");
    usage_error(&["frobnicate"], "frobnicate");
    usage_error(
        &["scrape", "--format", "yaml", "--demo"],
        "invalid value 'yaml'",
    );
    usage_error(
        &[
            "scrape",
            "--technitium.url",
            "not a url",
            "--technitium.token",
            "x",
        ],
        "--technitium.url",
    );
    usage_error(
        &[
            "scrape",
            "--technitium.url",
            "ftp://dns.lan",
            "--technitium.token",
            "x",
        ],
        "scheme must be http or https",
    );
    usage_error(
        &[
            "scrape",
            "--technitium.timeout",
            "10 parsecs",
            "--technitium.token",
            "x",
        ],
        "not a duration",
    );
    usage_error(
        &[
            "scrape",
            "--technitium.max-response-size",
            "lots",
            "--technitium.token",
            "x",
        ],
        "not a size",
    );
    usage_error(
        &[
            "scrape",
            "--collector.zones.include",
            "(",
            "--technitium.token",
            "x",
        ],
        "invalid regex",
    );
    usage_error(&["scrape", "--demo.version", "12.0", "--demo"], "12.0");
}

#[test]
fn token_and_token_file_together_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, TOKEN).unwrap();
    let r = run(exporter().args([
        "scrape",
        "--technitium.token",
        TOKEN,
        "--technitium.token-file",
        file.to_str().unwrap(),
    ]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("both a token and a token file"),
        "{}",
        r.stderr
    );
    assert_no_secret(&r, TOKEN);

    // In the environment too.
    let r = run(exporter()
        .arg("scrape")
        .env("TECHNITIUM_TOKEN", TOKEN)
        .env("TECHNITIUM_TOKEN_FILE", &file));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_no_secret(&r, TOKEN);

    // A flag beats the environment: no conflict across layers.
    let r = run(exporter()
        .args(["scrape", "--technitium.token-file", file.to_str().unwrap()])
        .args([
            "--technitium.url",
            &format!("http://127.0.0.1:{}", refused_port()),
        ])
        .env("TECHNITIUM_TOKEN", "other"));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
}

#[test]
fn unreadable_or_empty_token_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    usage_error(
        &["scrape", "--technitium.token-file", empty.to_str().unwrap()],
        "is empty",
    );
    let missing = dir.path().join("missing");
    usage_error(
        &[
            "scrape",
            "--technitium.token-file",
            missing.to_str().unwrap(),
        ],
        "cannot read token file",
    );
}

/// `scrape | head`: the reader closing the pipe early is success (as ripgrep), not an error.
#[test]
fn a_closed_stdout_pipe_is_success() {
    for mode in ["scrape", "check"] {
        let mut child = crate::common::exporter_command()
            .args([mode, "--demo"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before the exporter writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{mode}: {stderr}");
        assert!(!stderr.contains("error"), "{mode}: {stderr}");
    }
}

/// Output that cannot be written (a full disk behind a redirect) is a clear error, exit 1.
#[test]
fn an_unwritable_stdout_is_a_clear_error() {
    for args in [
        &["scrape", "--demo"][..],
        &["check", "--demo", "--format", "json"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = crate::common::exporter_command()
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}
