//! The demo's DNS listeners: UDP, TCP, DNS-over-TLS and DNS-over-HTTPS on random loopback ports
//! (the test DNS server in `responder.rs`), answering as a small recursive server would, with a
//! certificate signed by the demo's own CA (`certs/`, compiled in).
//!
//! It answers DNS and says how to reach it; how `--demo` aims the probes at it is `layer.rs`'s.

use std::sync::Arc;

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
    tracing::info!(
        udp = ?responder.udp,
        tcp = ?responder.tcp,
        tls = ?responder.tls,
        https = ?responder.https,
        "demo DNS listeners started"
    );
    Ok(DemoDns { responder })
}

/// The demo zone: `. NS` lists the thirteen root servers, the demo's blocked domains answer
/// 0.0.0.0, `dns1.demo.lan` is 127.0.0.1, every other name is NXDOMAIN.
#[must_use]
pub fn demo_dns_answer(request: &hickory_proto::op::Message, _transport: Transport) -> Reply {
    use hickory_proto::op::ResponseCode;
    use hickory_proto::rr::rdata::{A, NS};
    use hickory_proto::rr::{Name, RData, Record, RecordType};
    let Some(q) = request.queries.first() else {
        return Reply::Answer(response_to(request, ResponseCode::FormErr));
    };
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
    Reply::Answer(m)
}
