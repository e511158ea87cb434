//! Hostile input at the edges (issue 12): the listener's basic auth under a flood of wrong
//! passwords, `/-/healthy` without credentials, Prometheus's scrape-timeout header with any
//! value, configuration mistakes in `[web]`, and TLS trust files that cannot work (an empty CA
//! file, a CA certificate used as the server's own). Each test failed before its fix.

use std::net::IpAddr;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::{TOKEN, exporter_command, free_port};
use base64::Engine as _;
use technitium_exporter::serve::scrape_timeout;
use technitium_exporter::technitium::{AuthMode, Client, ClientConfig, Secret};
use technitium_exporter::technitium::{
    CA_AS_SERVER_CERTIFICATE, CA_AS_SERVER_CERTIFICATE_HINT, http_client,
};

/// A `serve` child process, killed on drop.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn plain_client() -> reqwest::Client {
    http_client(None, false).unwrap()
}

/// `serve --demo` with `config` as its config file, once it answers HTTP at all.
async fn serve_demo(config: &Path) -> Server {
    let port = free_port();
    let child = exporter_command()
        .args(["serve", "--demo", "--config.file", config.to_str().unwrap()])
        .args(["--web.listen-address", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = plain_client();
    for _ in 0..200 {
        if client
            .get(format!("{}/-/ready", server.base))
            .send()
            .await
            .is_ok()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("serve did not come up");
}

/// A config file with one basic-auth user `prometheus` whose password is `right`.
fn auth_config(dir: &Path, cost: u32) -> std::path::PathBuf {
    let hash = bcrypt::hash("right", cost).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("[web]\nbasic_auth_users = {{ prometheus = \"{hash}\" }}\n"),
    )
    .unwrap();
    config
}

fn basic(scheme: &str, user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("{scheme} {encoded}")
}

/// 40 connections send wrong passwords back to back while an already verified client scrapes.
///
/// No clock is read: the yardstick is the flood itself. A wrong password costs a full bcrypt
/// verification (cost 10), and at most a core's worth of them run at once, off the event loop;
/// the remembered client's scrape needs no bcrypt at all, so it completes while the flood has
/// answered at most a few of its requests, however loaded the machine is (both slow down
/// together). When bcrypt ran on the event loop, every turn of the loop verified a password for
/// each of the 40 connections before the scrape's next step, so the flood answered dozens of
/// requests (and the scrape took seconds) before the scrape could finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_flood_does_not_starve_authenticated_scrapes() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_demo(&auth_config(dir.path(), 10)).await;
    let metrics = format!("{}/metrics", server.base);
    let scraper = plain_client();
    let right = basic("Basic", "prometheus", "right");
    // The first scrape pays bcrypt once; later ones are remembered.
    let first = scraper
        .get(&metrics)
        .header("authorization", &right)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);

    let (outcome, during) = scrape_under_flood(&metrics, IpAddr::from([127, 0, 0, 1]), || {
        scraper.get(&metrics).header("authorization", &right).send()
    })
    .await;
    let Some((status, body)) = outcome else {
        panic!(
            "the flood had {during} wrong passwords answered while one remembered client's scrape was still waiting"
        );
    };
    assert_eq!(status, 200);
    assert!(body.contains("technitium_up 1\n"), "{body}");
    assert!(
        during < FLOOD / 2,
        "{during} flood requests answered during one scrape"
    );
}

/// A client whose credentials are not remembered yet (Prometheus right after the exporter
/// restarted) is not queued behind a flood from another address: each address gets one
/// verification at a time, so it waits for one or two, not for forty.
#[tokio::test]
async fn a_new_client_is_not_queued_behind_a_flood_from_another_address() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_demo(&auth_config(dir.path(), 10)).await;
    let metrics = format!("{}/metrics", server.base);
    let scraper = plain_client();
    let right = basic("Basic", "prometheus", "right");
    let (outcome, during) = scrape_under_flood(&metrics, IpAddr::from([127, 0, 0, 2]), || {
        scraper.get(&metrics).header("authorization", &right).send()
    })
    .await;
    let Some((status, _)) = outcome else {
        panic!(
            "{during} wrong passwords from 127.0.0.2 were answered before one new client's scrape"
        );
    };
    assert_eq!(status, 200);
    assert!(during < FLOOD / 2, "{during} flood requests answered first");
}

/// Wrong passwords from this many clients at once.
const FLOOD: usize = 40;

/// Starts FLOOD clients sending wrong passwords to `url` from address `from`, one connection
/// each, as separate attackers would; once their first refusals arrive, sends `scrape` and
/// waits for its answer, or until the flood has had FLOOD / 2 more answers (`None`: starved).
/// Returns the answer and how many flood requests were answered meanwhile.
async fn scrape_under_flood<F, Fut>(
    url: &str,
    from: IpAddr,
    scrape: F,
) -> (Option<(u16, String)>, usize)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    let refused = Arc::new(AtomicUsize::new(0));
    let mut flood = Vec::new();
    for i in 0..FLOOD {
        let (url, refused) = (url.to_owned(), Arc::clone(&refused));
        flood.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .local_address(from)
                .build()
                .unwrap();
            let wrong = basic("Basic", "prometheus", &format!("wrong-{i}"));
            loop {
                let Ok(r) = client
                    .get(&url)
                    .header("authorization", &wrong)
                    .send()
                    .await
                else {
                    continue;
                };
                assert_eq!(r.status(), 401);
                let _ = r.bytes().await;
                refused.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    // The flood is under way once its first refusals arrive.
    while refused.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let before = refused.load(Ordering::SeqCst);
    let limit = before + FLOOD / 2;
    let scrape = async {
        let r = scrape().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    let starved = async {
        while refused.load(Ordering::SeqCst) < limit {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let outcome = tokio::select! {
        biased;
        done = scrape => Some(done),
        () = starved => None,
    };
    let during = refused.load(Ordering::SeqCst) - before;
    for task in &flood {
        task.abort();
    }
    (outcome, during)
}

#[tokio::test]
async fn healthy_needs_no_credentials_and_the_basic_scheme_is_case_insensitive() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_demo(&auth_config(dir.path(), 4)).await;
    let client = plain_client();
    let get = |path: &str, auth: Option<String>| {
        let mut request = client.get(format!("{}{path}", server.base));
        if let Some(a) = auth {
            request = request.header("authorization", a);
        }
        async move {
            let r = request.send().await.unwrap();
            r.status().as_u16()
        }
    };
    assert_eq!(
        get("/-/healthy", None).await,
        200,
        "liveness without credentials"
    );
    assert_eq!(get("/-/ready", None).await, 401);
    assert_eq!(get("/metrics", None).await, 401);
    assert_eq!(get("/", None).await, 401);
    for scheme in ["Basic", "basic", "BASIC"] {
        assert_eq!(
            get("/metrics", Some(basic(scheme, "prometheus", "right"))).await,
            200,
            "{scheme}"
        );
    }
    assert_eq!(
        get("/metrics", Some(basic("basic", "prometheus", "wrong"))).await,
        401
    );
}

/// Any `X-Prometheus-Scrape-Timeout-Seconds` value gives a timeout in (0, ours], ours when the
/// value is not a positive finite number, and longer timeouts for longer values.
#[test]
fn scrape_timeout_is_total_bounded_and_monotonic() {
    let ours = Duration::from_secs(10);
    let check = |header: &str| {
        let t = scrape_timeout(header, ours);
        assert!(t > Duration::ZERO && t <= ours, "{header:?} gave {t:?}");
        t
    };
    for header in [
        "1e20",
        "18446744073709551616",
        "18446744073709551615.5",
        "1.8e19",
        "1e308",
        "1.7976931348623157e308",
        "inf",
        "-inf",
        "+Infinity",
        "NaN",
        "-1",
        "-0",
        "0",
        "0.0",
        "5e-324",
        "1e-400",
        "",
        " ",
        "abc",
        "10s",
        "0x10",
        "١٠",
    ] {
        check(header);
    }
    assert_eq!(check("1e20"), ours);
    assert_eq!(check("NaN"), ours);
    assert_eq!(check("-1"), ours);
    assert_eq!(check(" 5 "), Duration::from_millis(4500));
    assert_eq!(check("1"), Duration::from_millis(900));
    assert_eq!(check("5e-324"), Duration::from_millis(50));
    // Every bit pattern of an f64, as Rust and as exponent notation would print it.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut previous: Option<(f64, Duration)> = None;
    for _ in 0..200_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let v = f64::from_bits(state);
        check(&format!("{v}"));
        let t = check(&format!("{v:e}"));
        if v.is_finite() && v > 0.0 {
            if let Some((pv, pt)) = previous {
                if v > pv {
                    assert!(t >= pt, "{pv} → {pt:?} but {v} → {t:?}");
                } else {
                    assert!(t <= pt, "{pv} → {pt:?} but {v} → {t:?}");
                }
            }
            previous = Some((v, t));
        }
    }
}

#[tokio::test]
async fn an_absurd_scrape_timeout_header_is_clamped_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let server = serve_demo(&config).await;
    let client = plain_client();
    for value in ["1e20", "18446744073709551616", "1e308", "NaN", "-5", "0"] {
        let r = client
            .get(format!("{}/metrics", server.base))
            .header("x-prometheus-scrape-timeout-seconds", value)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{value}: no answer ({e})"));
        assert_eq!(r.status(), 200, "{value}");
        assert!(
            r.text().await.unwrap().contains("technitium_up 1\n"),
            "{value}"
        );
    }
}

/// `scrape --demo` with a config file: the configuration error it prints, or its exit code.
fn scrape_with_config(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, text).unwrap();
    let out = exporter_command()
        .args([
            "scrape",
            "--demo",
            "--config.file",
            config.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_empty_user_table_or_a_colon_in_a_user_name_is_a_configuration_error() {
    let (code, stderr) = scrape_with_config("[web]\nbasic_auth_users = {}\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("basic_auth_users is empty, so nobody could log in"),
        "{stderr}"
    );
    let hash = bcrypt::hash("x", 4).unwrap();
    let (code, stderr) = scrape_with_config(&format!(
        "[web]\nbasic_auth_users = {{ \"ops:prom\" = \"{hash}\" }}\n"
    ));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("the user name \"ops:prom\" contains ':'"),
        "{stderr}"
    );
}

#[test]
fn a_ca_file_without_certificates_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("empty.pem", String::new()),
        ("notes.txt", "this is not a certificate\n".to_owned()),
        (
            "key.pem",
            rcgen::KeyPair::generate().unwrap().serialize_pem(),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let err = http_client(Some(&path), false)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("holds no certificate"), "{name}: {err:?}");
        assert!(err.contains(name), "{err}");
    }
}

/// A TLS server on loopback presenting a self-signed certificate with basicConstraints CA:TRUE
/// (what `openssl req -x509` makes by default), and that certificate's PEM file.
async fn ca_certificate_server(dir: &Path) -> (u16, std::path::PathBuf) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    let (cert_file, key_file) = (dir.join("server.pem"), dir.join("server.key"));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    let acceptor = technitium_exporter::web::tls_acceptor(&cert_file, &key_file).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            // The client gives up during the handshake; nothing is served.
            tokio::spawn(async move {
                let _ = acceptor.accept(tcp).await;
            });
        }
    });
    (port, cert_file)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ca_certificate_as_the_servers_own_gets_a_clear_message_and_hint() {
    let dir = tempfile::tempdir().unwrap();
    let (port, cert_file) = ca_certificate_server(dir.path()).await;
    let url = format!("https://localhost:{port}");

    // The client's own error (scrape, serve, textfile).
    let config = ClientConfig {
        url: url.parse().unwrap(),
        token: Some(Secret::new(TOKEN)),
        auth: AuthMode::Auto,
        timeout: Duration::from_secs(5),
        max_response_size: 1 << 20,
        ca_file: Some(cert_file.clone()),
        extra_ca_pem: None,
        insecure_skip_verify: false,
    };
    let err = Client::new(&config)
        .unwrap()
        .session()
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains(CA_AS_SERVER_CERTIFICATE), "{err}");
    assert!(err.contains(CA_AS_SERVER_CERTIFICATE_HINT), "{err}");
    assert!(!err.contains("CaUsedAsEndEntity"), "{err}");

    // check's TLS step.
    let out = exporter_command()
        .args([
            "check",
            "--technitium.url",
            &url,
            "--technitium.token",
            TOKEN,
        ])
        .args(["--technitium.ca-file", cert_file.to_str().unwrap()])
        .args(["--collector.disable-defaults", "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let tls = report["targets"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "tls")
        .unwrap_or_else(|| panic!("no tls step: {report:#}"))
        .clone();
    assert_eq!(tls["status"], "failed", "{tls:#}");
    assert_eq!(tls["detail"], CA_AS_SERVER_CERTIFICATE, "{tls:#}");
    assert_eq!(tls["hint"], CA_AS_SERVER_CERTIFICATE_HINT, "{tls:#}");
}

/// Regression (hostile run): a certificate that fails verification made rustls log an ERROR with
/// its build paths on every scrape, beside our own one warning.
#[tokio::test]
async fn a_failing_certificate_logs_only_our_own_words() {
    let dir = tempfile::tempdir().unwrap();
    let (port, _) = ca_certificate_server(dir.path()).await;
    let url = format!("https://127.0.0.1:{port}");
    let out = tokio::task::spawn_blocking(move || {
        crate::common::exporter_command()
            .args([
                "scrape",
                "--technitium.url",
                &url,
                "--technitium.token",
                "t0ken-0123456789",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("level=warn"), "{stderr}");
    assert!(
        !stderr.contains("log.file") && !stderr.contains("level=error"),
        "{stderr}"
    );
}
