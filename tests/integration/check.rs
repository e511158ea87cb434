//! `check` against the built binary: the all-green demo, each failure class with its exit code
//! and human message, the JSON schema, TLS with a private CA, and that the token never shows.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use crate::common::{
    TOKEN, Version, exporter_command, free_port, json, override_paths, start_mock,
};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::{MockServer, ResponseTemplate};

/// A v15.2 server with the recorded answers; `overrides` win over them.
async fn upstream(overrides: Vec<(&str, ResponseTemplate)>) -> MockServer {
    let server = start_mock(Version::V15_2).await;
    override_paths(&server, overrides).await;
    server
}

fn exporter() -> Command {
    exporter_command()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(name: &str) -> String {
    crate::common::fixture(Version::V15_2, name)
}

/// What a run printed.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The verdict line (the table's last line).
    fn verdict(&self) -> &str {
        self.stdout.lines().last().unwrap_or("")
    }

    /// The whole JSON object.
    fn full(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    /// The default target's report (the only one without a config file); the top level agrees.
    fn json(&self) -> Value {
        let full = self.full();
        let targets = full["targets"].as_array().unwrap();
        assert_eq!(targets.len(), 1, "{full:#}");
        let t = targets[0].clone();
        assert_eq!(t["name"], "default");
        for key in ["verdict", "exit_code", "summary"] {
            assert_eq!(full[key], t[key], "{key}");
        }
        assert_eq!(Some(i64::from(self.code.unwrap())), t["exit_code"].as_i64());
        t
    }
}

fn check(url: &str, extra: &[&str]) -> Run {
    let mut cmd = exporter();
    cmd.args([
        "check",
        "--technitium.url",
        url,
        "--technitium.token",
        TOKEN,
    ])
    .args(extra);
    finish(&cmd.output().unwrap())
}

fn finish(out: &Output) -> Run {
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    // Never the token; never an animation when stderr is not a terminal.
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
        assert!(
            !text.contains('\r') && !text.contains('\u{1b}'),
            "animated output: {text:?}"
        );
    }
    run
}

fn step<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id}"))
}

fn collector<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no collector {name}"))
}

#[test]
fn demo_is_all_green() {
    let run = finish(&exporter().args(["check", "--demo"]).output().unwrap());
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.verdict().starts_with("✓ all good: "), "{}", run.stdout);
    assert!(run.verdict().ends_with("(exit 0)"), "{}", run.stdout);
    assert!(!run.stdout.contains("✗"), "{}", run.stdout);
    // The demo's cluster: dns2 runs an older version, dns3 is down; warnings, not failures.
    assert!(
        run.verdict().contains(
            "; version skew in the cluster: dns2.demo.lan (15.5) behind the newest node (2 warnings above)"
        ),
        "{}",
        run.stdout
    );
    for row in [
        "│ ✓ ┆ dns1.demo.lan ",
        "│ ! ┆ dns2.demo.lan ",
        "│ ! ┆ dns3.demo.lan ",
    ] {
        assert!(run.stdout.contains(row), "{row}: {}", run.stdout);
    }
    let warned: Vec<&str> = run.stdout.lines().filter(|l| l.contains("│ ! ┆")).collect();
    assert_eq!(warned.len(), 2, "{}", run.stdout);
    for row in [
        "DNS resolution",
        "TCP connect",
        "TLS handshake",
        "HTTP (session/get)",
        "API token",
        "Technitium 15.6 (supported: 13.x–15.6)",
        "│ ✓ ┆ health ",
        "│ ✓ ┆ security ",
        "│ ✓ ┆ zones ",
        "│ ✓ ┆ lifetime ",
    ] {
        assert!(run.stdout.contains(row), "{row}: {}", run.stdout);
    }
}

#[test]
fn old_demo_lists_not_applicable_collectors_without_degrading() {
    let run = finish(
        &exporter()
            .args([
                "check",
                "--demo",
                "--demo.version",
                "13.6",
                "--format",
                "json",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["verdict"], "ok");
    assert_eq!(report["server"]["token_in_query"], true);
    for name in ["lifetime", "cluster", "health"] {
        let c = collector(&report, name);
        assert_eq!(c["status"], "not_applicable", "{c}");
        assert_eq!(c["series"], Value::Null);
    }
}

/// The sorted keys of a JSON object.
fn keys(v: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[test]
fn json_output_follows_the_schema() {
    let run = finish(
        &exporter()
            .args(["check", "--demo", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let full = run.full();
    assert_eq!(
        keys(&full),
        [
            "exit_code",
            "exporter_version",
            "schema_version",
            "summary",
            "targets",
            "verdict"
        ]
    );
    assert_eq!(full["schema_version"], 1);
    assert_eq!(full["exporter_version"], env!("CARGO_PKG_VERSION"));
    let report = run.json();
    assert_eq!(
        keys(&report),
        [
            "collectors",
            "exit_code",
            "name",
            "nodes",
            "series",
            "server",
            "steps",
            "summary",
            "target",
            "verdict",
            "warnings"
        ]
    );
    assert_eq!(report["verdict"], "ok");
    assert_eq!(report["exit_code"], 0);
    // The two node rows of the demo's cluster.
    assert_eq!(report["warnings"], 2);
    nodes_follow_the_schema(&report);
    assert!(report["series"].as_u64().unwrap() > 100);
    assert!(
        report["target"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    assert_eq!(report["server"]["version"], "15.6");
    assert_eq!(report["server"]["supported"], true);
    assert_eq!(report["server"]["token_in_query"], false);
    assert!(report["server"]["domain"].is_string());
    steps_follow_the_schema(&report);
    collectors_follow_the_schema(&report);
}

fn nodes_follow_the_schema(report: &Value) {
    let nodes = report["nodes"].as_array().unwrap();
    let names: Vec<&str> = nodes.iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["dns1.demo.lan", "dns2.demo.lan", "dns3.demo.lan"]);
    for n in nodes {
        assert_eq!(
            keys(n),
            [
                "detail",
                "duration_ms",
                "hint",
                "name",
                "series",
                "state",
                "status",
                "type",
                "version",
                "via"
            ]
        );
    }
    let field = |i: usize, k: &str| nodes[i][k].clone();
    assert_eq!(
        (field(0, "via"), field(0, "state"), field(0, "type")),
        ("self".into(), "self".into(), "primary".into())
    );
    assert_eq!(field(0, "status"), "ok");
    assert_eq!(field(0, "series"), report["series"]);
    assert_eq!(field(1, "via"), "target");
    assert_eq!(field(1, "version"), "15.5");
    assert_eq!(field(1, "status"), "warning");
    assert_eq!(
        field(1, "detail"),
        "version skew: runs 15.5 while dns1.demo.lan runs 15.6"
    );
    assert!(field(1, "series").as_u64().unwrap() > 100);
    assert_eq!(field(2, "state"), "unreachable");
    assert_eq!(field(2, "status"), "warning");
    assert_eq!(field(2, "version"), Value::Null);
    assert_eq!(field(2, "series"), Value::Null);
    assert!(
        field(2, "detail")
            .as_str()
            .unwrap()
            .starts_with("down: the target's server cannot reach it (Connection refused"),
        "{}",
        nodes[2]
    );
}

fn steps_follow_the_schema(report: &Value) {
    let ids: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "config", "url", "dns", "tcp", "tls", "http", "token", "version"
        ]
    );
    for s in report["steps"].as_array().unwrap() {
        assert_eq!(
            keys(s),
            ["detail", "duration_ms", "hint", "id", "status", "title"]
        );
        assert!(
            ["ok", "not_applicable"].contains(&s["status"].as_str().unwrap()),
            "{s}"
        );
    }
    assert_eq!(step(report, "tls")["status"], "not_applicable");
}

fn collectors_follow_the_schema(report: &Value) {
    let names: Vec<&str> = report["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let registry: Vec<&str> = std::iter::once("session")
        .chain(technitium_exporter::collector::specs().map(|s| s.name))
        .collect();
    assert_eq!(names, registry, "session first, then the registry's order");
    let (mut sum, mut ran) = (0, 0);
    for c in report["collectors"].as_array().unwrap() {
        assert_eq!(
            keys(c),
            [
                "detail",
                "details",
                "duration_ms",
                "enabled",
                "hint",
                "name",
                "permission",
                "permission_granted",
                "series",
                "status"
            ]
        );
        if c["enabled"] == true {
            assert_eq!(c["status"], "ok", "{c}");
            assert!(c["duration_ms"].is_number(), "{c}");
            sum += c["series"].as_u64().unwrap();
            ran += 1;
        } else {
            assert_eq!(c["status"], "disabled", "{c}");
            assert_eq!(c["series"], Value::Null);
        }
    }
    // Per-collector series plus the scrape's own gauges make up the whole exposition: a success
    // and a duration per collector that ran, the scrape's duration and (the security
    // collector's default min-interval) the cache age.
    let total = report["series"].as_u64().unwrap();
    assert_eq!(total - sum, 2 * ran + 2, "{sum} of {total}");
    let zones = collector(report, "zones");
    assert_eq!(zones["permission"], "Zones");
    assert_eq!(zones["permission_granted"], true);
    assert_eq!(collector(report, "cluster")["permission"], Value::Null);
}

#[test]
fn a_bad_url_is_a_usage_error() {
    let out = exporter()
        .args(["check", "--technitium.url", "not a url"])
        .output()
        .unwrap();
    let run = finish(&out);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: --technitium.url: \"not a url\" is not a URL (relative URL without a base); expected e.g. http://dns.lan:5380"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());

    let out = exporter()
        .args(["check", "--technitium.url", "ftp://dns.lan"])
        .output()
        .unwrap();
    let run = finish(&out);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("must be http or https"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_refused_port_fails_at_tcp_connect() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let run = check(&url, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.verdict()
            .starts_with("✗ failed at TCP connect: cannot connect to 127.0.0.1:"),
        "{}",
        run.stdout
    );
    assert!(
        run.verdict()
            .contains("connection refused — nothing listens there")
    );
    assert!(run.stdout.contains("not checked: TCP connect failed"));

    let report = check(&url, &["--format", "json"]).json();
    assert_eq!(report["verdict"], "failed");
    assert_eq!(report["exit_code"], 1);
    assert_eq!(report["server"], Value::Null);
    assert_eq!(report["series"], Value::Null);
    assert_eq!(step(&report, "dns")["status"], "ok");
    assert_eq!(step(&report, "tcp")["status"], "failed");
    assert!(step(&report, "tcp")["hint"].is_string());
    for id in ["tls", "http", "token", "version"] {
        assert_eq!(step(&report, id)["status"], "skipped", "{id}");
    }
    assert_eq!(collector(&report, "zones")["status"], "skipped");
}

#[test]
fn an_unresolvable_host_fails_at_dns() {
    let report = check(
        "http://no-such-host.invalid:5380",
        &["--technitium.timeout", "3s", "--format", "json"],
    )
    .json();
    assert_eq!(report["exit_code"], 1);
    let dns = step(&report, "dns");
    assert_eq!(dns["status"], "failed", "{dns}");
    // "cannot resolve …", or "no answer for …" where no resolver answers at all.
    assert!(
        dns["detail"]
            .as_str()
            .unwrap()
            .contains("no-such-host.invalid"),
        "{dns}"
    );
    assert!(dns["hint"].as_str().unwrap().contains("--technitium.url"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_token_fails() {
    let server = upstream(vec![(
        "/api/user/session/get",
        json(fixture("error_invalid_token.json")),
    )])
    .await;
    let run = check(&server.uri(), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.verdict().starts_with(&format!(
            "✗ failed at API token: token rejected by {}",
            server.uri()
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Create Token"));
    let report = check(&server.uri(), &["--format", "json"]).json();
    assert_eq!(step(&report, "http")["status"], "ok");
    assert_eq!(step(&report, "token")["status"], "failed");
    assert_eq!(step(&report, "version")["status"], "skipped");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_permission_degrades() {
    let session = fixture("user_session_get_apiToken.json").replacen(
        "\"Zones\": {\n\t\t\t\t\"canView\": true",
        "\"Zones\": {\n\t\t\t\t\"canView\": false",
        1,
    );
    assert!(session.contains("\"Zones\": {\n\t\t\t\t\"canView\": false"));
    let server = upstream(vec![("/api/user/session/get", json(session))]).await;
    let run = check(&server.uri(), &[]);
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.verdict().contains(
            "zones: token lacks Zones: View — grant it under Administration → Groups, or pass --no-collector.zones"
        ),
        "{}",
        run.stdout
    );
    assert!(run.verdict().starts_with("! degraded: "), "{}", run.stdout);
    assert!(run.stdout.contains("Zones: View ✗"), "{}", run.stdout);

    let report = check(&server.uri(), &["--format", "json"]).json();
    assert_eq!(report["verdict"], "degraded");
    assert_eq!(report["exit_code"], 3);
    let zones = collector(&report, "zones");
    assert_eq!(zones["status"], "no_permission");
    assert_eq!(zones["permission_granted"], false);
    assert_eq!(zones["detail"], "token lacks Zones: View");
    assert_eq!(
        zones["hint"],
        "grant it under Administration → Groups, or pass --no-collector.zones"
    );
    assert_eq!(collector(&report, "dhcp")["status"], "ok");

    // Turning the collector off is the other fix.
    let run = check(&server.uri(), &["--no-collector.zones"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn http_500_on_an_optional_endpoint_degrades() {
    let server = upstream(vec![(
        "/api/dhcp/scopes/list",
        ResponseTemplate::new(500).set_body_string("boom"),
    )])
    .await;
    let run = check(&server.uri(), &[]);
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.verdict().contains(&format!(
            "dhcp: {} answered /api/dhcp/scopes/list with HTTP 500 (the server failed: see its logs) — or pass --no-collector.dhcp",
            server.uri()
        )),
        "{}",
        run.stdout
    );
    let report = check(&server.uri(), &["--format", "json"]).json();
    assert_eq!(collector(&report, "dhcp")["status"], "failed");
    assert_eq!(collector(&report, "dhcp")["series"], 0);
    assert_eq!(collector(&report, "zones")["status"], "ok");
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_json_on_session_get_fails() {
    let server = upstream(vec![(
        "/api/user/session/get",
        json("{\"status\": \"ok\", \"info\": {".to_owned()),
    )])
    .await;
    let run = check(&server.uri(), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.verdict().starts_with(&format!(
            "✗ failed at HTTP (session/get): {} answered /api/user/session/get with JSON that ends too early (truncated)",
            server.uri()
        )),
        "{}",
        run.stdout
    );

    let server = upstream(vec![(
        "/api/user/session/get",
        ResponseTemplate::new(200).set_body_raw("<html>router login</html>", "text/html"),
    )])
    .await;
    let run = check(&server.uri(), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.verdict().contains("an HTML page instead of JSON"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_to_a_plain_http_port_fails() {
    let server = upstream(vec![]).await;
    let url = server.uri().replace("http://", "https://");
    let run = check(&url, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.verdict()
            .starts_with("✗ failed at TLS handshake: the server did not answer with TLS"),
        "{}",
        run.stdout
    );
    assert!(
        run.verdict().contains("use http:// for it"),
        "{}",
        run.stdout
    );
}

/// An https Technitium stand-in: a certificate for 127.0.0.1 signed by the test CA, answering
/// session/get for every request.
async fn tls_upstream() -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(fixtures().join("check/cert.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(fixtures().join("check/server.key")).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // One server outside a cluster (it answers session/get to everything, so no node could be
    // asked through it).
    let body = fixture("user_session_get_apiToken.json").replacen(
        "\"clusterInitialized\": true",
        "\"clusterInitialized\": false",
        1,
    );
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, body) = (acceptor.clone(), body.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_with_a_private_ca() {
    let port = tls_upstream().await;
    let url = format!("https://127.0.0.1:{port}");
    let ca = fixtures().join("check/ca.pem");
    let ca = ca.to_str().unwrap();

    // Trusted through --technitium.ca-file: verified, with the expiry date.
    let report = check(
        &url,
        &[
            "--technitium.ca-file",
            ca,
            "--collector.disable-defaults",
            "--format",
            "json",
        ],
    )
    .json();
    assert_eq!(report["verdict"], "ok", "{report:#}");
    let tls = step(&report, "tls");
    assert_eq!(tls["status"], "ok");
    assert_eq!(
        tls["detail"].as_str().unwrap().split("(").next().unwrap(),
        "TLS 1.3; certificate verified; certificate valid until 2126-11-01 "
    );

    // Without the CA: not trusted.
    let run = check(&url, &["--collector.disable-defaults"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.verdict().starts_with(
            "✗ failed at TLS handshake: the certificate is not signed by a trusted CA — pass --technitium.ca-file"
        ),
        "{}",
        run.stdout
    );

    // Insecure: works, with a warning that says why it would not verify.
    let report = check(
        &url,
        &[
            "--technitium.insecure-skip-verify",
            "--collector.disable-defaults",
            "--format",
            "json",
        ],
    )
    .json();
    assert_eq!(report["verdict"], "ok", "{report:#}");
    assert_eq!(report["warnings"], 1);
    let tls = step(&report, "tls");
    assert_eq!(tls["status"], "warning");
    assert!(
        tls["detail"]
            .as_str()
            .unwrap()
            .contains("certificate NOT verified (the certificate is not signed by a trusted CA)"),
        "{tls}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_token_fails_at_the_token_step() {
    let server = upstream(vec![]).await;
    let mut cmd = exporter();
    cmd.args(["check", "--technitium.url", &server.uri()]);
    let run = finish(&cmd.output().unwrap());
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.verdict().starts_with(&format!(
            "✗ failed at API token: no API token configured for {}",
            server.uri()
        )),
        "{}",
        run.stdout
    );
    // Nothing was sent without a token.
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn untested_server_versions_are_a_warning_not_a_failure() {
    for (version, words) in [
        ("16.0", "is newer than the latest tested (13.x–15.6)"),
        ("15.7", "is newer than the latest tested (13.x–15.6)"),
        ("12.1", "is older than the oldest tested (13.x–15.6)"),
    ] {
        // One server, outside a cluster: its nodes would be another version. Its token may
        // view DnsClient: the health collector then finds no health check (HTTP 404 from the
        // v15.2 mock) and does not apply, as /api/status's absence leaves the credentials
        // unknown.
        let session = fixture("user_session_get_apiToken.json")
            .replacen(
                "\"version\": \"15.2\"",
                &format!("\"version\": \"{version}\""),
                1,
            )
            .replacen(
                "\"clusterInitialized\": true",
                "\"clusterInitialized\": false",
                1,
            )
            .replacen(
                "\"DnsClient\": {\n\t\t\t\t\"canView\": false",
                "\"DnsClient\": {\n\t\t\t\t\"canView\": true",
                1,
            );
        // Before v14 the client stops asking for every query type; the recorded v15.2 mock only
        // answers the v14+ form, so answer the LastHour chart whatever its other parameters.
        let server = upstream(vec![("/api/user/session/get", json(session))]).await;
        wiremock::Mock::given(wiremock::matchers::path("/api/dashboard/stats/get"))
            .and(wiremock::matchers::query_param("type", "LastHour"))
            .respond_with(json(fixture("dashboard_stats_get_LastHour.json")))
            .with_priority(crate::common::PRIORITY_OVERRIDE)
            .mount(&server)
            .await;
        let report = check(&server.uri(), &["--format", "json"]).json();
        assert_eq!(report["exit_code"], 0, "{report:#}");
        assert_eq!(report["verdict"], "ok");
        assert_eq!(report["server"]["supported"], false);
        let v = step(&report, "version");
        assert_eq!(v["status"], "warning");
        assert_eq!(v["detail"], format!("Technitium {version} {words}"));
        assert!(v["hint"].is_string());
        let run = check(&server.uri(), &[]);
        assert_eq!(run.code, Some(0));
        assert!(
            run.stdout.contains("│ ! ┆ server version"),
            "{}",
            run.stdout
        );
        assert!(
            run.verdict().contains("(1 warning above)"),
            "{}",
            run.stdout
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_configured_target_is_checked_and_the_worst_decides() {
    let good = upstream(vec![]).await;
    let session = fixture("user_session_get_apiToken.json").replacen(
        "\"DhcpServer\": {\n\t\t\t\t\"canView\": true",
        "\"DhcpServer\": {\n\t\t\t\t\"canView\": false",
        1,
    );
    let degraded = upstream(vec![("/api/user/session/get", json(session))]).await;
    let dead = format!("http://127.0.0.1:{}", free_port());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let write = |targets: &str| {
        fs::write(
            &config,
            format!(
                "[technitium]\nurl = \"{}\"\ntoken = \"{TOKEN}\"\n{targets}",
                good.uri()
            ),
        )
        .unwrap();
    };
    let run_with_config = || {
        let mut cmd = exporter();
        cmd.args(["check", "--format", "json", "--config.file"])
            .arg(&config);
        finish(&cmd.output().unwrap())
    };

    // A degraded named target: exit 3.
    write(&format!("[targets.dns2]\nurl = \"{}\"\n", degraded.uri()));
    let run = run_with_config();
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    let full = run.full();
    let names: Vec<&str> = full["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "dns2"]);
    assert_eq!(full["targets"][0]["verdict"], "ok");
    assert_eq!(full["targets"][1]["verdict"], "degraded");
    assert_eq!(full["verdict"], "degraded");
    assert_eq!(
        full["summary"],
        "2 targets checked, degraded: default ok, dns2 degraded"
    );

    // Add one that is down: failed wins, exit 1.
    write(&format!(
        "[targets.dns2]\nurl = \"{}\"\n[targets.dns3]\nurl = \"{dead}\"\n",
        degraded.uri()
    ));
    let run = run_with_config();
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    let full = run.full();
    assert_eq!(full["verdict"], "failed");
    assert_eq!(full["targets"][2]["name"], "dns3");
    assert_eq!(full["targets"][2]["target"], dead);
    assert_eq!(full["targets"][2]["verdict"], "failed");

    // The table names each target and ends with the overall verdict.
    let mut cmd = exporter();
    cmd.args(["check", "--config.file"]).arg(&config);
    let run = finish(&cmd.output().unwrap());
    assert_eq!(run.code, Some(1));
    for heading in [
        format!("target default ({})", good.uri()),
        format!("target dns2 ({})", degraded.uri()),
        format!("target dns3 ({dead})"),
    ] {
        assert!(run.stdout.contains(&heading), "{heading}: {}", run.stdout);
    }
    assert_eq!(
        run.verdict(),
        "✗ 3 targets checked, failed: default ok, dns2 degraded, dns3 failed (exit 1)"
    );
}

/// Regression (hostile run): failed http and token steps had `"hint": null`.
#[tokio::test]
async fn failed_http_and_token_steps_say_what_to_do() {
    let dead = format!("http://127.0.0.1:{}", free_port());
    let http = check(&dead, &["--format", "json"]).json();
    // A refused port fails at TCP; a server that answers garbage fails at http.
    assert!(step(&http, "tcp")["hint"].is_string(), "{http:#}");
    let server = upstream(vec![("/api/user/session/get", json("<html>proxy</html>"))]).await;
    let garbage = check(&server.uri(), &["--format", "json"]).json();
    assert_eq!(step(&garbage, "http")["status"], "failed");
    assert!(step(&garbage, "http")["hint"].is_string(), "{garbage:#}");
    let rejecting = upstream(vec![(
        "/api/user/session/get",
        json(fixture("error_invalid_token.json")),
    )])
    .await;
    let token = check(&rejecting.uri(), &["--format", "json"]).json();
    assert_eq!(step(&token, "token")["status"], "failed");
    let hint = step(&token, "token")["hint"].as_str().unwrap_or("");
    assert!(hint.contains("non-expiring API token"), "{token:#}");
}

/// Regression (hostile run): a dead proxy looked like a dead server.
#[test]
fn a_proxy_from_the_environment_is_named_without_its_password() {
    let proxy = format!("http://user:s3cret-pw@127.0.0.1:{}", free_port());
    let target = format!("http://192.0.2.1:{}", free_port());
    let out = exporter()
        .args(["check", "--format", "json", "--technitium.url", &target])
        .args(["--technitium.token", TOKEN, "--technitium.timeout", "2s"])
        .env("HTTP_PROXY", &proxy)
        .output()
        .unwrap();
    let run = finish(&out);
    assert!(!run.stdout.contains("s3cret-pw") && !run.stderr.contains("s3cret-pw"));
    let report = run.json();
    let url = step(&report, "url")["detail"].as_str().unwrap_or("");
    assert!(
        url.contains("requests go through the proxy http://127.0.0.1:"),
        "{url}"
    );
    assert!(url.contains("(HTTP_PROXY)"), "{url}");
}

/// `check` compares the server's newest stored minutes (type=Custom) with its last-hour chart
/// at once, instead of only starting to count: where they agree the counters' row says so;
/// with in-memory stats the minutes never reach the store, and the row fails (the target is
/// degraded) naming the setting to look at.
#[tokio::test(flavor = "multi_thread")]
async fn check_compares_the_stored_minutes_with_the_chart() {
    use crate::minutes::SimServer;
    let sim = SimServer::start(Version::V15_2, 1_778_414_400 + 5).await;
    let args = [
        "--collector.disable-defaults",
        "--collector.dashboard",
        "--collector.counters",
        "--format",
        "json",
    ];
    let minutes = |report: &Value| collector(report, "counters")["details"][0].clone();
    let report = check(&sim.uri(), &args).json();
    assert_eq!(report["exit_code"], 0, "{report:#}");
    let agree = minutes(&report);
    assert_eq!(agree["status"], "ok", "{report:#}");
    assert_eq!(
        agree["detail"],
        "the newest 5 final minutes agree with the last-hour chart"
    );
    assert_eq!(sim.with(|s| s.custom_calls.len()), 1, "one Custom call");

    sim.with(|s| s.in_memory = true);
    let report = check(&sim.uri(), &args).json();
    assert_eq!(report["exit_code"], 3, "{report:#}");
    assert_eq!(collector(&report, "counters")["status"], "failed");
    let differ = minutes(&report);
    assert_eq!(differ["status"], "failed");
    assert!(
        differ["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("5 of the minutes ")),
        "{differ:#}"
    );
    assert!(
        differ["hint"]
            .as_str()
            .is_some_and(|h| h.contains("Enable In-Memory Stats")),
        "{differ:#}"
    );
}

/// 15.6: the default admin password and a token that may change the server are warnings, each
/// with a row under `security` and named with its fix in the verdict; never a failure.
#[tokio::test(flavor = "multi_thread")]
async fn default_credentials_and_an_over_privileged_token_are_named_in_the_verdict() {
    let server = start_mock(Version::V15_6).await;
    let mut session: Value = serde_json::from_str(&crate::common::fixture(
        Version::V15_6,
        "user_session_get_apiToken.json",
    ))
    .unwrap();
    // One server, outside a cluster; its token may modify zones and delete settings.
    session["info"]["clusterInitialized"] = false.into();
    session["info"]["permissions"]["Zones"]["canModify"] = true.into();
    session["info"]["permissions"]["Settings"]["canDelete"] = true.into();
    let status = crate::common::fixture(Version::V15_6, "status_defaultCredentials.json");
    override_paths(
        &server,
        vec![
            ("/api/user/session/get", json(session.to_string())),
            ("/api/status", json(status)),
        ],
    )
    .await;
    let run = check(&server.uri(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let verdict = run.verdict();
    assert!(verdict.starts_with("✓ all good: "), "{verdict}");
    assert!(
        verdict.contains(
            "; but security: the server's built-in admin account still has its default password (anyone who reaches the web console can take the server over), and the exporter's token may modify or delete in Settings, Zones: a leaked token could change the server — log in to the web console as admin and change the password"
        ),
        "{verdict}"
    );
    assert!(
        verdict
            .contains("create a user (or group) with only View on the sections the exporter reads"),
        "{verdict}"
    );
    for row in ["│ ! ┆ security ", "default admin password", "token rights"] {
        assert!(run.stdout.contains(row), "{row}: {}", run.stdout);
    }
    let report = check(&server.uri(), &["--format", "json"]).json();
    let security = collector(&report, "security");
    assert_eq!(security["status"], "warning", "{security}");
    let ids: Vec<&str> = security["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["default_credentials", "token_rights"]);
    assert!(
        security["details"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "warning")
    );
    assert_eq!(report["verdict"], "ok");
    // The health check ran (15.6), one row for localhost.
    let health = collector(&report, "health");
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["details"][0]["title"], "health check localhost");
}

/// `check --collector.latency` measures a burst per transport and shows it as the collector's
/// details (min, median, p90, max, losses); `scrape` reports the collector not applicable.
#[test]
fn check_measures_a_latency_burst_per_transport() {
    let run = finish(
        &exporter()
            .args([
                "check",
                "--demo",
                "--collector.latency",
                "--collector.latency.transports",
                "udp,tcp,tls",
                "--format",
                "json",
            ])
            .output()
            .unwrap(),
    );
    let report = run.json();
    let latency = collector(&report, "latency");
    assert_eq!(latency["status"], "ok", "{latency}");
    let details = latency["details"].as_array().unwrap();
    let ids: Vec<&str> = details.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["latency_udp", "latency_tcp", "latency_tls"],
        "{latency}"
    );
    for d in details {
        let text = d["detail"].as_str().unwrap();
        assert!(text.starts_with("20 queries: min "), "{text}");
        assert!(
            text.contains(", median ") && text.contains(", p90 "),
            "{text}"
        );
        assert!(text.ends_with("; 0 lost"), "{text}");
    }
    let table = run_table(&["scrape", "--demo", "--collector.latency", "--table"]);
    assert!(table.contains("serve only"), "{table}");
}

fn run_table(args: &[&str]) -> String {
    let out = exporter().args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}
