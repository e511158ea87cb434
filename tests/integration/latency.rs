//! The latency collector against real DNS listeners on loopback (the crate's responder) whose
//! delay and answers the tests control: what `serve`'s background queries accumulate, judged by
//! coarse bucket bounds and counts, never by timing; a blackholed port counts `timeout`, a
//! closed one `failed`, the wrong rcode `unexpected_rcode`; `scrape` sends no background
//! query and reports the collector not applicable.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::{client_config, collect, only, refused_port, sample, set, text};
use hickory_proto::op::{Message, ResponseCode};
use technitium_exporter::collector::Scraper;
use technitium_exporter::demo::responder::{self, Reply, Responder, ResponderConfig};
use technitium_exporter::dnsprobe::Transport;

async fn start(handler: responder::Handler) -> Responder {
    responder::start(ResponderConfig::new(handler))
        .await
        .unwrap()
}

/// A scraper with only the latency collector, every 100 ms over UDP and TCP to `udp` and `tcp`
/// (ports on loopback), the API nowhere.
fn scraper(udp: u16, tcp: u16, timeout: &str) -> Scraper {
    let mut o = only(&["latency"]);
    set(&mut o, "latency", "interval", "100ms");
    set(&mut o, "latency", "timeout", timeout);
    set(&mut o, "dns", "address", "127.0.0.1");
    set(&mut o, "dns", "udp-port", &udp.to_string());
    set(&mut o, "dns", "tcp-port", &tcp.to_string());
    let url = format!("http://127.0.0.1:{}", refused_port());
    crate::common::collector(&client_config(&url), o)
}

fn ports(server: &Responder) -> (u16, u16) {
    (
        server.port(Transport::Udp).unwrap(),
        server.port(Transport::Tcp).unwrap(),
    )
}

fn series(transport: &str, rest: &str) -> String {
    format!("{{transport=\"{transport}\",query=\"local\"{rest}}}")
}

fn result(out: &str, transport: &str, result: &str) -> f64 {
    let labels = series(transport, &format!(",result=\"{result}\""));
    sample(
        out,
        &format!("technitium_dns_latency_queries_total{labels}"),
    )
    .unwrap_or(-1.0)
}

/// Scrapes until `enough` holds for the exposition (at most a minute: a loaded machine is slow,
/// the test does not time anything).
async fn scrape_until(scraper: &Scraper, enough: impl Fn(&str) -> bool) -> String {
    for _ in 0..600 {
        let out = text(&collect(scraper, Duration::from_secs(5)).await);
        if enough(&out) {
            return out;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the background queries did not get there within a minute");
}

/// ~1 ms answers with a 150 ms stall on every 5th query per transport: the stalls are above
/// 0.1 s, most answers below 0.05 s, and every query is counted.
#[tokio::test]
async fn stalls_land_above_the_fast_answers_buckets() {
    let seen = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let counted = Arc::clone(&seen);
    let server = start(Arc::new(move |m: &Message, t: Transport| {
        let n = counted[usize::from(t == Transport::Tcp)].fetch_add(1, Ordering::SeqCst) + 1;
        let answer = Reply::Answer(responder::response_to(m, ResponseCode::NoError));
        if n.is_multiple_of(5) {
            Reply::After(Duration::from_millis(150), Box::new(answer))
        } else {
            answer
        }
    }))
    .await;
    let (udp, tcp) = ports(&server);
    let s = scraper(udp, tcp, "2s");
    s.start_background(false);
    let count = |out: &str, t: &str| {
        sample(
            out,
            &format!("technitium_dns_latency_seconds_count{}", series(t, "")),
        )
        .unwrap_or(0.0)
    };
    let out = scrape_until(&s, |out| {
        count(out, "udp") >= 20.0 && count(out, "tcp") >= 20.0
    })
    .await;
    for t in ["udp", "tcp"] {
        let n = count(&out, t);
        let bucket = |le: &str| {
            let labels = series(t, &format!(",le=\"{le}\""));
            sample(
                &out,
                &format!("technitium_dns_latency_seconds_bucket{labels}"),
            )
            .unwrap()
        };
        // Answers come back in order on one lane: every 5th one stalled.
        let stalls = (n / 5.0).floor();
        assert!(
            bucket("0.1") <= n - stalls,
            "{t}: stalls below 0.1 s\n{out}"
        );
        assert!(
            bucket("0.05") >= n / 2.0,
            "{t}: fast answers above 0.05 s\n{out}"
        );
        assert_eq!(bucket("+Inf"), n, "{t}");
        assert_eq!(result(&out, t, "answered"), n, "{t}");
        assert_eq!(result(&out, t, "timeout"), 0.0, "{t}");
        let sum = sample(
            &out,
            &format!("technitium_dns_latency_seconds_sum{}", series(t, "")),
        )
        .unwrap();
        assert!(sum >= stalls * 0.15, "{t}: the stalls' time is in the sum");
    }
    assert_eq!(
        sample(
            &out,
            "technitium_scrape_collector_success{collector=\"latency\"}"
        ),
        Some(1.0)
    );
}

/// Silence counts `timeout` (UDP: no answer; TCP: a connection that never answers), a closed
/// port `failed`, the wrong rcode `unexpected_rcode`; none of them is observed.
#[tokio::test]
async fn silence_is_a_timeout_a_closed_port_failed_and_a_wrong_rcode_unexpected() {
    let silent = start(Arc::new(|_: &Message, _: Transport| Reply::Silence)).await;
    let (udp, tcp) = ports(&silent);
    let s = scraper(udp, tcp, "200ms");
    s.start_background(false);
    let out = scrape_until(&s, |out| {
        result(out, "udp", "timeout") >= 2.0 && result(out, "tcp", "timeout") >= 2.0
    })
    .await;
    assert_eq!(result(&out, "udp", "answered"), 0.0);
    assert_eq!(result(&out, "tcp", "failed"), 0.0);

    let closed = refused_port();
    let s = scraper(closed, closed, "2s");
    s.start_background(false);
    let out = scrape_until(&s, |out| {
        result(out, "udp", "failed") >= 2.0 && result(out, "tcp", "failed") >= 2.0
    })
    .await;
    assert_eq!(result(&out, "tcp", "timeout"), 0.0);

    let failing = start(Arc::new(|m: &Message, _: Transport| {
        Reply::Answer(responder::response_to(m, ResponseCode::ServFail))
    }))
    .await;
    let (udp, tcp) = ports(&failing);
    let s = scraper(udp, tcp, "2s");
    s.start_background(false);
    let out = scrape_until(&s, |out| {
        result(out, "udp", "unexpected_rcode") >= 2.0
            && result(out, "tcp", "unexpected_rcode") >= 2.0
    })
    .await;
    assert_eq!(
        sample(
            &out,
            &format!("technitium_dns_latency_seconds_count{}", series("udp", ""))
        ),
        Some(0.0)
    );
}

/// Without `serve`'s start, nothing is queried: a scrape reports the collector not applicable,
/// saying why, and the listener hears nothing.
#[tokio::test]
async fn a_single_scrape_sends_no_background_query() {
    let heard = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&heard);
    let server = start(Arc::new(move |m: &Message, _: Transport| {
        counted.fetch_add(1, Ordering::SeqCst);
        Reply::Answer(responder::response_to(m, ResponseCode::NoError))
    }))
    .await;
    let (udp, tcp) = ports(&server);
    let s = scraper(udp, tcp, "2s");
    let snapshot = collect(&s, Duration::from_secs(5)).await;
    let out = text(&snapshot);
    assert!(!out.contains("technitium_dns_latency_seconds"), "{out}");
    let report = snapshot
        .report("latency")
        .map(|r| format!("{:?}", r.outcome));
    assert!(
        report.as_deref().is_some_and(|r| r.contains("serve only")),
        "{report:?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(heard.load(Ordering::SeqCst), 0);
}

/// `serve --demo --collector.latency`: `/metrics` shows every transport's background queries,
/// and a reload that leaves the target unchanged keeps its histograms counting on.
#[tokio::test]
async fn serve_demo_measures_every_transport_and_a_reload_keeps_the_histograms() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[collector]\ndisable_defaults = true\n").unwrap();
    let s = crate::serve::serve(
        &[
            "--demo",
            "--collector.latency",
            "--collector.latency.interval",
            "100ms",
            "--collector.latency.transports",
            "udp,tcp,tls,https",
            "--config.file",
            config.to_str().unwrap(),
        ],
        &[],
    )
    .await;
    let metrics = format!("{}/metrics", s.base);
    let answered = |out: &str, t: &str| result(out, t, "answered");
    let mut before = String::new();
    for _ in 0..600 {
        before = crate::serve::get(&metrics).await.1;
        if ["udp", "tcp", "tls", "https"]
            .iter()
            .all(|t| answered(&before, t) >= 3.0)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for t in ["udp", "tcp", "tls", "https"] {
        assert!(answered(&before, t) >= 3.0, "{t}\n{before}");
    }
    // The reload adds a target; the demo's stays as it was.
    let _other = crate::serve::reload_adding_a_target(&s, &config).await;
    let after = crate::serve::get(&metrics).await.1;
    for t in ["udp", "tcp", "tls", "https"] {
        assert!(
            answered(&after, t) >= answered(&before, t),
            "{t}: the histograms restarted on a reload\n{after}"
        );
    }
}
