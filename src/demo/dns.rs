//! The demo's DNS listeners: UDP, TCP, DNS-over-TLS and DNS-over-HTTPS on random loopback ports
//! (the test DNS server in `responder.rs`), answering as a small recursive server would, with a
//! certificate signed by the demo's own CA (`certs/`, compiled in).
//!
//! Its answers take as long as a real server's ([`demo_delay`]): a few milliseconds, a long
//! tail, and a 150 ms stall during the 30th second of every minute (as a server that freezes
//! for a garbage collection once a minute), so `serve --demo --collector.latency` shows a
//! latency heatmap with a stall in it.
//!
//! It answers DNS and says how to reach it; how `--demo` aims the probes at it is `layer.rs`'s.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::dnsprobe::Transport;

use super::responder::{self, Reply, Responder, ResponderConfig, ServerTls, response_to};

/// The demo's CA (PEM): trust it to verify the demo's DoT/DoH certificate.
pub const DEMO_DNS_CA_PEM: &str = include_str!("certs/ca.pem");
const DEMO_DNS_CERT_PEM: &str = include_str!("certs/server.pem");
const DEMO_DNS_KEY_PEM: &str = include_str!("certs/server.key");

/// A name the demo server blocks (it answers 0.0.0.0, Technitium's `AnyAddress` blocking).
pub const DEMO_BLOCKED_NAME: &str = "ads.example.net";

/// The demo's DNS listeners: UDP, TCP, DNS-over-TLS and DNS-over-HTTPS on random loopback
/// ports, answering as a small recursive server would (see [`demo_dns_answer`]). Dropping it
/// stops them.
#[derive(Debug)]
pub struct DemoDns {
    /// The running listeners.
    pub responder: Responder,
}

/// Starts the demo's DNS listeners on 127.0.0.1.
///
/// # Errors
/// When a loopback port cannot be bound.
pub async fn start_dns() -> std::io::Result<DemoDns> {
    let mut config = ResponderConfig::new(Arc::new(demo_dns_answer));
    config.tls = Some(ServerTls {
        cert_chain_pem: DEMO_DNS_CERT_PEM.as_bytes().to_vec(),
        key_pem: DEMO_DNS_KEY_PEM.as_bytes().to_vec(),
    });
    let responder = responder::start(config).await?;
    Ok(DemoDns { responder })
}

/// How long the demo waits before answering: 150 ms during the 30th second of each minute
/// (the stall); else 0.5–6.6 ms (mostly around 3 ms), and one answer in fifty 10–60 ms (the
/// tail).
#[must_use]
pub fn demo_delay() -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    delay_at(now.as_secs() % 60, random_bytes())
}

/// The delay at second `second` of a minute for the random bytes `r`.
fn delay_at(second: u64, r: [u8; 4]) -> Duration {
    if second == STALL_SECOND {
        return Duration::from_millis(150);
    }
    let tail = u16::from_be_bytes([r[0], r[1]]);
    if tail < 1_311 {
        // 2 %: 10 to 60 ms.
        return Duration::from_micros(10_000 + u64::from(tail) * 38);
    }
    // The sum of three bytes is bell-shaped: 0.5 to 6.6 ms around 3.6 ms.
    let spread = u64::from(r[1]) + u64::from(r[2]) + u64::from(r[3]);
    Duration::from_micros(500 + spread * 8)
}

/// The second of each minute during which the demo stalls.
const STALL_SECOND: u64 = 30;

fn random_bytes() -> [u8; 4] {
    use ring::rand::SecureRandom as _;
    let mut r = [0u8; 4];
    // Without randomness every answer takes the same few milliseconds.
    let _ = ring::rand::SystemRandom::new().fill(&mut r);
    r
}

/// The demo zone: `. NS` lists the thirteen root servers, the demo's blocked domains answer
/// 0.0.0.0, `dns1.demo.lan` is 127.0.0.1, every other name is NXDOMAIN.
#[must_use]
pub fn demo_dns_answer(request: &hickory_proto::op::Message, _transport: Transport) -> Reply {
    use hickory_proto::op::ResponseCode;
    let Some(q) = request.queries.first() else {
        return Reply::Answer(response_to(request, ResponseCode::FormErr));
    };
    Reply::After(
        demo_delay(),
        Box::new(Reply::Answer(zone_answer(request, q))),
    )
}

/// The demo zone's answer to `q` (see [`demo_dns_answer`]).
fn zone_answer(
    request: &hickory_proto::op::Message,
    q: &hickory_proto::op::Query,
) -> hickory_proto::op::Message {
    use hickory_proto::op::ResponseCode;
    use hickory_proto::rr::rdata::{A, NS};
    use hickory_proto::rr::{Name, RData, Record, RecordType};
    let qname = q.name().to_ascii().to_ascii_lowercase();
    let qname = qname.trim_end_matches('.');
    let mut m = response_to(request, ResponseCode::NoError);
    let name = q.name().clone();
    match (qname, q.query_type()) {
        ("", RecordType::NS) => {
            for letter in 'a'..='m' {
                if let Ok(ns) = Name::from_ascii(format!("{letter}.root-servers.net.")) {
                    m.add_answer(Record::from_rdata(Name::root(), 518_400, RData::NS(NS(ns))));
                }
            }
        }
        ("", _) => {}
        ("telemetry.example.com" | "ads.example.net" | "tracker.example.org", t) => {
            if t == RecordType::A {
                m.add_answer(Record::from_rdata(
                    name,
                    30,
                    RData::A(A(std::net::Ipv4Addr::UNSPECIFIED)),
                ));
            }
        }
        ("dns1.demo.lan", RecordType::A) => {
            m.add_answer(Record::from_rdata(
                name,
                3600,
                RData::A(A(std::net::Ipv4Addr::LOCALHOST)),
            ));
        }
        ("dns1.demo.lan", _) => {}
        _ => m.metadata.response_code = ResponseCode::NXDomain,
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_spread_over_a_few_milliseconds_with_a_tail_and_a_stall_once_a_minute() {
        let ms = |second, r| delay_at(second, r).as_secs_f64() * 1000.0;
        assert!((ms(30, [0, 0, 0, 0]) - 150.0).abs() < 1e-9);
        assert!(
            (ms(31, [0, 0, 0, 0]) - 10.0).abs() < 1e-9,
            "the tail starts at 10 ms"
        );
        assert!(
            (ms(0, [0x05, 0x1e, 0, 0]) - 59.78).abs() < 1e-9,
            "the tail ends at 60 ms"
        );
        assert!((ms(0, [0xff, 0xff, 0xff, 0xff]) - 6.62).abs() < 1e-9);
        assert!((ms(0, [0xff, 0x80, 0x80, 0x80]) - 3.572).abs() < 1e-9);
        let tail = (0..=u16::MAX)
            .filter(|t| {
                let [a, b] = t.to_be_bytes();
                delay_at(0, [a, b, 0, 0]) >= Duration::from_millis(10)
            })
            .count();
        assert_eq!(tail, 1_311, "one answer in fifty");
    }
}
