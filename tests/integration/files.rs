//! Local files that are not what they should be, and values that would only fail at run time
//! (issue 21, items 4 and 11): a device, a FIFO or a huge file as the config, token or CA
//! file is refused by name, at start (exit 2) and on a reload (the old configuration kept,
//! `serve` answering all along); a token with a control character and a DNS probe address with
//! a port or a scheme exit 2 at start (an empty node name is tested in `fleet`). Each test
//! failed before its fix.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{exporter_command, free_port};

/// Runs `cmd`, killed after 30 s (before the fix, `/dev/zero` was read until memory ran out).
fn run_bounded(cmd: &mut Command) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        if rx.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = Command::new("sh")
                .arg("-c")
                .arg(format!("kill -9 {id}"))
                .status();
        }
    });
    let out = child.wait_with_output().unwrap();
    let _ = tx.send(());
    out
}

/// `scrape` with `args` exits 2 and says `message` on stderr.
fn exits_2(args: &[&str], message: &str) {
    let out = run_bounded(exporter_command().arg("scrape").args(args));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.contains(message),
        "{args:?}: {message:?} not in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_device_as_the_config_token_or_ca_file_exits_2_naming_it() {
    let refused = format!("http://127.0.0.1:{}", free_port());
    let device = "not a regular file (it is a character device)";
    exits_2(
        &[
            "--technitium.url",
            &refused,
            "--technitium.token-file",
            "/dev/zero",
        ],
        &format!("cannot read token file /dev/zero: {device}"),
    );
    exits_2(
        &["--config.file", "/dev/zero"],
        &format!("cannot read config file /dev/zero: {device}"),
    );
    exits_2(
        &[
            "--technitium.url",
            &refused.replace("http:", "https:"),
            "--technitium.token",
            "t",
            "--technitium.ca-file",
            "/dev/zero",
        ],
        &format!("cannot read CA file /dev/zero: {device}"),
    );
}

#[test]
fn an_oversized_token_file_or_a_control_character_in_it_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let refused = format!("http://127.0.0.1:{}", free_port());
    let big = dir.path().join("big");
    std::fs::write(&big, "a".repeat(50 * 1024)).unwrap();
    exits_2(
        &[
            "--technitium.url",
            &refused,
            "--technitium.token-file",
            s(&big),
        ],
        "larger than 4096 bytes, more than a token file holds",
    );
    for token in ["abc\0def", "abc\u{1b}def", "abc\tdef"] {
        let file = dir.path().join("token");
        std::fs::write(&file, format!("{token}\n")).unwrap();
        exits_2(
            &[
                "--technitium.url",
                &refused,
                "--technitium.token-file",
                s(&file),
            ],
            "has a control character",
        );
    }
    let out = run_bounded(
        exporter_command()
            .args(["scrape", "--technitium.url", &refused])
            .env("TECHNITIUM_TOKEN", "abc\u{7f}def"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the token given in the environment has a control character"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("abc"),
        "the token is never shown: {stderr}"
    );
}

#[test]
fn a_dns_address_with_a_port_or_a_scheme_exits_2_pointing_at_the_port_options() {
    for address in ["127.0.0.1:5353", "https://127.0.0.1/dns-query", "[::1]:53"] {
        exits_2(
            &[
                "--demo",
                "--collector.dns",
                "--collector.dns.address",
                address,
            ],
            "give only the host: the ports are --collector.dns.udp-port",
        );
    }
}

/// `serve` whose config file becomes a FIFO: SIGHUP fails the reload with a log line naming
/// the file, keeps the old configuration, and `/-/healthy` and the scrapes answer throughout
/// (before the fix, the reload blocked the only runtime thread in `open()` for ever).
#[tokio::test]
async fn a_fifo_as_the_config_on_reload_fails_the_reload_not_serve() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let log = dir.path().join("stderr");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = exporter_command()
        .args(["serve", "--demo", "--config.file", s(&config)])
        .args(["--web.listen-address", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let server = crate::serve::Server {
        child,
        base: base.clone(),
    };
    let _ = crate::serve::http(); // installs the TLS crypto provider reqwest needs
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let healthy = async |client: &reqwest::Client| {
        client
            .get(format!("{base}/-/healthy"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
    };
    let start = Instant::now();
    while !healthy(&client).await {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "serve did not come up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::fs::remove_file(&config).unwrap();
    let made = Command::new("mkfifo").arg(&config).status().unwrap();
    assert!(made.success(), "mkfifo");
    crate::serve::hup(&server);
    let mut failed = false;
    for _ in 0..100 {
        assert!(healthy(&client).await, "/-/healthy stopped answering");
        let logged = std::fs::read_to_string(&log).unwrap_or_default();
        if logged.contains("reload failed") {
            assert!(
                logged.contains(&format!(
                    "cannot read config file {}: not a regular file (it is a FIFO)",
                    config.display()
                )),
                "{logged}"
            );
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(failed, "no failed reload logged");
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("technitium_exporter_config_last_reload_successful 0\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("technitium_up 1\n"),
        "the old configuration still scrapes"
    );
}
