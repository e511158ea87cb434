//! The dns collector inside a whole scrape: wiremock plays the API, the crate's responder plays
//! the DNS listeners, the options come in as flags would (`--collector.dns.*`). A DNS failure
//! never changes `technitium_up`; the probes run even when the API is down.

use std::sync::Arc;
use std::time::Duration;

use crate::common::{Version, client_config, collect, only, sample, set, start_mock, text};
use hickory_proto::op::{Message, ResponseCode};
use technitium_exporter::collector::{Options, Outcome};
use technitium_exporter::demo::responder::{self, Reply, Responder, ResponderConfig};
use technitium_exporter::dnsprobe::Transport;

fn answer(request: &Message, _: Transport) -> Reply {
    Reply::Answer(responder::response_to(request, ResponseCode::NoError))
}

async fn start(handler: responder::Handler) -> Responder {
    responder::start(ResponderConfig::new(handler))
        .await
        .unwrap()
}

/// Only the dns collector, aimed at `server`'s UDP and TCP ports.
fn options(server: &Responder, timeout: &str) -> Options {
    let mut o = only(&["dns"]);
    set(&mut o, "dns", "address", "127.0.0.1");
    set(&mut o, "dns", "timeout", timeout);
    let udp = server.port(Transport::Udp).unwrap().to_string();
    let tcp = server.port(Transport::Tcp).unwrap().to_string();
    set(&mut o, "dns", "udp-port", &udp);
    set(&mut o, "dns", "tcp-port", &tcp);
    o
}

#[tokio::test]
async fn stopping_the_dns_server_fails_the_probe_within_one_scrape_while_up_stays_1() {
    let api = start_mock(Version::V15_2).await;
    let dns = start(Arc::new(answer)).await;
    let collector = crate::common::collector(&client_config(&api.uri()), options(&dns, "500ms"));
    let before = text(&collect(&collector, Duration::from_secs(5)).await);
    assert_eq!(sample(&before, "technitium_up"), Some(1.0));
    let udp = "technitium_dns_probe_success{transport=\"udp\"}";
    assert_eq!(sample(&before, udp), Some(1.0));
    drop(dns);
    tokio::task::yield_now().await;
    let after = text(&collect(&collector, Duration::from_secs(5)).await);
    assert_eq!(sample(&after, "technitium_up"), Some(1.0));
    assert_eq!(sample(&after, udp), Some(0.0));
    assert_eq!(
        sample(&after, "technitium_dns_probe_success{transport=\"tcp\"}"),
        Some(0.0)
    );
    // The probes ran: the collector itself succeeded.
    assert_eq!(
        sample(
            &after,
            "technitium_scrape_collector_success{collector=\"dns\"}"
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn the_probes_run_when_the_api_is_down() {
    let dns = start(Arc::new(answer)).await;
    let url = format!("http://127.0.0.1:{}", crate::common::refused_port());
    let collector = crate::common::collector(&client_config(&url), options(&dns, "500ms"));
    let out = text(&collect(&collector, Duration::from_secs(5)).await);
    assert_eq!(sample(&out, "technitium_up"), Some(0.0));
    assert_eq!(
        sample(&out, "technitium_dns_probe_success{transport=\"udp\"}"),
        Some(1.0)
    );
}

/// Every DNS listener is silent and a probe may take a minute; the scrape has two seconds. The
/// probes give up just before the deadline, so their failures are rendered instead of the
/// collector being cut off.
#[tokio::test]
async fn hanging_probes_end_before_the_scrape_deadline() {
    let api = start_mock(Version::V15_2).await;
    let dns = start(Arc::new(|_: &Message, _: Transport| Reply::Silence)).await;
    let collector = crate::common::collector(&client_config(&api.uri()), options(&dns, "60s"));
    let snapshot = collect(&collector, Duration::from_secs(2)).await;
    let report = snapshot.report("dns").unwrap();
    assert!(
        matches!(report.outcome, Outcome::Success),
        "{:?}",
        report.outcome
    );
    let data = snapshot
        .get::<technitium_exporter::collector::dns::Dns>()
        .unwrap();
    assert!(data.probes.iter().all(|p| !p.success()));
    let out = text(&snapshot);
    assert_eq!(sample(&out, "technitium_up"), Some(1.0));
    assert_eq!(
        sample(&out, "technitium_dns_probe_success{transport=\"udp\"}"),
        Some(0.0)
    );
}

/// `check` shows one row per transport, and a failed probe makes the target degraded.
#[tokio::test]
async fn check_has_a_row_per_transport_and_a_failed_probe_degrades() {
    let api = start_mock(Version::V15_2).await;
    let dns = start(Arc::new(answer)).await;
    let udp = dns.port(Transport::Udp).unwrap().to_string();
    let closed = crate::common::refused_port().to_string();
    let url = api.uri();
    let out = tokio::task::spawn_blocking(move || {
        crate::common::exporter_command()
            .args(["check", "--format", "json", "--technitium.url", &url])
            .args([
                "--technitium.token",
                crate::common::TOKEN,
                "--collector.dns",
            ])
            .args([
                "--collector.dns.address",
                "127.0.0.1",
                "--collector.dns.udp-port",
                &udp,
            ])
            .args([
                "--collector.dns.tcp-port",
                &closed,
                "--collector.dns.timeout",
                "1s",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "degraded", "{report:#}");
    assert_eq!(out.status.code(), Some(3));
    let dns_row = report["targets"][0]["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "dns")
        .unwrap()
        .clone();
    let details = dns_row["details"].as_array().unwrap();
    let status = |id: &str| {
        details
            .iter()
            .find(|d| d["id"] == id)
            .map(|d| d["status"].clone())
    };
    assert_eq!(status("dns_udp"), Some("ok".into()), "{dns_row:#}");
    assert_eq!(status("dns_tcp"), Some("failed".into()), "{dns_row:#}");
    let tcp = details.iter().find(|d| d["id"] == "dns_tcp").unwrap();
    assert!(tcp["hint"].is_string(), "{tcp}");
}

/// `scrape --demo` with the dns collector: the run's stdout, and its exit code.
fn scrape_demo(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = crate::common::exporter_command()
        .args([
            "scrape",
            "--demo",
            "--collector.disable-defaults",
            "--collector.dns",
        ])
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The transports a scrape probed, with their `technitium_dns_probe_success`.
fn probed(text: &str) -> Vec<(String, f64)> {
    crate::common::family_lines(text, "technitium_dns_probe_success")
        .iter()
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let transport = series.split('"').nth(1)?;
            Some((transport.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// `--demo` aims the dns collector at its own listeners (every transport, its blocked name,
/// trusting its CA) as defaults: the environment and the flags still set each option, and an
/// address given aims the probes elsewhere, with none of the demo's defaults.
#[test]
fn the_demo_is_the_dns_collectors_defaults() {
    let all = scrape_demo(&[], &[]);
    let ok = |t: &str| (t.to_owned(), 1.0);
    assert_eq!(
        probed(&all),
        [ok("udp"), ok("tcp"), ok("tls"), ok("https")],
        "{all}"
    );
    assert_eq!(
        sample(&all, "technitium_dns_probe_blocking_works"),
        Some(1.0)
    );

    let env = [("TECHNITIUM_EXPORTER_COLLECTOR_DNS_TRANSPORTS", "udp,tls")];
    let from_env = scrape_demo(&[], &env);
    assert_eq!(probed(&from_env), [ok("udp"), ok("tls")], "{from_env}");
    let flag = scrape_demo(&["--collector.dns.transports", "https"], &env);
    assert_eq!(probed(&flag), [ok("https")], "{flag}");

    let closed = crate::common::refused_port().to_string();
    let elsewhere = scrape_demo(
        &[
            "--collector.dns.address",
            "127.0.0.1",
            "--collector.dns.udp-port",
            &closed,
            "--collector.dns.tcp-port",
            &closed,
            "--collector.dns.timeout",
            "1s",
        ],
        &[],
    );
    let failed = |t: &str| (t.to_owned(), 0.0);
    assert_eq!(
        probed(&elsewhere),
        [failed("udp"), failed("tcp")],
        "{elsewhere}"
    );
    assert_eq!(
        sample(&elsewhere, "technitium_dns_probe_blocking_works"),
        None
    );
}

/// `serve --demo`: `/metrics` and `/probe?target=demo` probe the demo's listeners, and still do
/// after a reload rebuilt the configuration.
#[tokio::test]
async fn serve_demo_probes_its_listeners_before_and_after_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[collector]\ndisable_defaults = true\n").unwrap();
    let s = crate::serve::serve(
        &[
            "--demo",
            "--collector.dns",
            "--config.file",
            config.to_str().unwrap(),
        ],
        &[],
    )
    .await;
    let ok = |t: &str| (t.to_owned(), 1.0);
    let every = [ok("udp"), ok("tcp"), ok("tls"), ok("https")];
    for route in ["/metrics", "/probe?target=demo"] {
        let (status, body) = crate::serve::get(&format!("{}{route}", s.base)).await;
        assert_eq!(status, 200, "{route}: {body}");
        assert_eq!(probed(&body), every, "{route}: {body}");
    }
    // The reload adds a target; the demo's stay as they were.
    let _other = crate::serve::reload_adding_a_target(&s, &config).await;
    for route in ["/metrics", "/probe?target=demo"] {
        let (status, body) = crate::serve::get(&format!("{}{route}", s.base)).await;
        assert_eq!(status, 200, "{route}: {body}");
        assert_eq!(probed(&body), every, "after the reload, {route}: {body}");
    }
}
