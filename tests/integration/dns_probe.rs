//! The DNS probes against a real DNS server on loopback (the crate's hickory-based responder):
//! UDP, TCP, DNS-over-TLS and DNS-over-HTTPS with rcgen certificates, answers good and bad,
//! silence, truncation, bad certificates, closed ports; the exposition against a golden file;
//! the scrape deadline when every probe hangs.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, NS, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use rcgen::{CertificateParams, CertifiedIssuer, KeyPair};
use technitium_exporter::collector::dns::{Dns, write_dns};
use technitium_exporter::demo::responder::{self, Reply, Responder, ResponderConfig, ServerTls};
use technitium_exporter::dnsprobe::{
    DnsData, DnsSettings, DnsTarget, ProbeError, Transport, probe_all,
};
use technitium_exporter::exposition::{Encoder, ExpositionFormat};
use technitium_exporter::tls::{TlsFailure, TlsTrust};
use tokio::time::Instant;

/// Expiry of the good test certificate: 2030-01-01T00:00:00Z.
const GOOD_NOT_AFTER: i64 = 1_893_456_000;

/// A test CA and certificates it signs.
struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
}

impl Pki {
    fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "dns probe test CA");
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Self { ca }
    }

    fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    /// A server certificate for `names`, valid from 2020 until `not_after` (y, m, d).
    fn server(&self, names: &[&str], not_after: (i32, u8, u8)) -> ServerTls {
        let mut params =
            CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
                .unwrap();
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.ca).unwrap();
        ServerTls {
            cert_chain_pem: cert.pem().into_bytes(),
            key_pem: key.serialize_pem().into_bytes(),
        }
    }
}

fn name(s: &str) -> Name {
    Name::from_str(s).unwrap()
}

/// The test server's zone: what each question gets.
fn zone(request: &Message, _transport: Transport) -> Reply {
    let Some(q) = request.queries.first() else {
        return Reply::Silence;
    };
    let qname = q.name().to_ascii().to_ascii_lowercase();
    let with = |rcode: ResponseCode, records: Vec<Record>| {
        let mut m = responder::response_to(request, rcode);
        m.add_answers(records);
        Reply::Answer(m)
    };
    match qname.as_str() {
        "." if q.query_type() == RecordType::NS => with(
            ResponseCode::NoError,
            ["a.root-servers.net.", "b.root-servers.net."]
                .iter()
                .map(|ns| Record::from_rdata(Name::root(), 518_400, RData::NS(NS(name(ns)))))
                .collect(),
        ),
        "nx.test." => with(ResponseCode::NXDomain, vec![]),
        "servfail.test." => with(ResponseCode::ServFail, vec![]),
        "refused.test." => with(ResponseCode::Refused, vec![]),
        "silent.test." => Reply::Silence,
        "www.test." => with(
            ResponseCode::NoError,
            vec![Record::from_rdata(
                name("www.test."),
                300,
                RData::A(A(Ipv4Addr::new(192, 0, 2, 10))),
            )],
        ),
        // Twenty 200-byte TXT strings: too large for a 1232-byte UDP answer.
        "big.test." => with(
            ResponseCode::NoError,
            (0..20)
                .map(|i| {
                    Record::from_rdata(
                        name("big.test."),
                        300,
                        RData::TXT(TXT::new(vec![format!("{i:02}{}", "x".repeat(198))])),
                    )
                })
                .collect(),
        ),
        "ads.blocked.test." => with(
            ResponseCode::NoError,
            vec![Record::from_rdata(
                name("ads.blocked.test."),
                30,
                RData::A(A(Ipv4Addr::UNSPECIFIED)),
            )],
        ),
        "nx.blocked.test." => with(ResponseCode::NXDomain, vec![]),
        "v6.blocked.test." => with(
            ResponseCode::NoError,
            vec![Record::from_rdata(
                name("v6.blocked.test."),
                30,
                RData::AAAA(AAAA(Ipv6Addr::UNSPECIFIED)),
            )],
        ),
        _ => with(ResponseCode::NXDomain, vec![]),
    }
}

async fn start(tls: Option<ServerTls>, handler: responder::Handler) -> Responder {
    let mut config = ResponderConfig::new(handler);
    config.tls = tls;
    responder::start(config).await.expect("responder starts")
}

/// Settings probing `transports` of `server` for `query` (name, type), with extra options.
fn settings(
    server: &Responder,
    transports: &str,
    query: (&str, &str),
    extra: &[(&'static str, &str)],
) -> DnsSettings {
    let mut pairs = vec![
        ("transports", transports),
        ("query-name", query.0),
        ("query-type", query.1),
        ("timeout", "2s"),
    ];
    pairs.extend_from_slice(extra);
    let mut s = crate::common::collector_settings::<Dns>(&pairs);
    for t in Transport::ALL {
        if let Some(port) = server.port(t) {
            s.set_port(t, port);
        }
    }
    s
}

fn target(host: &str, ca_pem: Option<&str>, insecure: bool) -> DnsTarget {
    let trust = ca_pem.map(|pem| {
        Arc::new(TlsTrust::with_extra_pem(None, Some(pem.as_bytes()), insecure).unwrap())
    });
    DnsTarget::with_trust(host, trust)
}

async fn probe(settings: &DnsSettings, target: &DnsTarget) -> DnsData {
    probe_all(settings, target, Instant::now() + Duration::from_secs(10)).await
}

fn exposition(data: &DnsData) -> String {
    let mut enc = Encoder::new(ExpositionFormat::Text);
    write_dns(data, &mut enc);
    enc.finish()
}

#[tokio::test]
async fn every_transport_answers_noerror_and_the_exposition_matches() {
    let pki = Pki::new();
    let server = start(
        Some(pki.server(&["localhost", "127.0.0.1"], (2030, 1, 1))),
        Arc::new(zone),
    )
    .await;
    let s = settings(&server, "udp,tcp,tls,https", (".", "NS"), &[]);
    let data = probe(&s, &target("127.0.0.1", Some(&pki.ca_pem()), false)).await;
    assert_eq!(data.probes.len(), 4);
    for p in &data.probes {
        assert!(p.success(), "{}: {:?}", p.transport, p.error);
        let r = p.response.as_ref().unwrap();
        assert_eq!((r.rcode, r.answers, r.truncated), (0, 2, false));
        let expiry = p.transport.is_encrypted().then_some(GOOD_NOT_AFTER);
        assert_eq!(p.certificate_expiry, expiry, "{}", p.transport);
    }
    crate::common::assert_golden("dns_probe.prom", &exposition(&data));
}

#[tokio::test]
async fn error_rcodes_fail_unless_expected() {
    let server = start(None, Arc::new(zone)).await;
    let t = target("127.0.0.1", None, false);
    for (qname, code, label) in [
        ("nx.test", 3, "NXDOMAIN"),
        ("servfail.test", 2, "SERVFAIL"),
        ("refused.test", 5, "REFUSED"),
    ] {
        let data = probe(&settings(&server, "udp,tcp", (qname, "A"), &[]), &t).await;
        for p in &data.probes {
            assert_eq!(p.error, Some(ProbeError::UnexpectedRcode(code)), "{qname}");
            assert_eq!(p.response.as_ref().map(|r| r.rcode), Some(code));
        }
        let text = exposition(&data);
        assert!(text.contains(&format!(
            "technitium_dns_probe_rcode{{transport=\"udp\",rcode=\"{label}\"}} 1"
        )));
        assert!(text.contains("technitium_dns_probe_success{transport=\"tcp\"} 0"));
    }
    // Listed in expected-rcodes, NXDOMAIN is a success.
    let s = settings(
        &server,
        "udp",
        ("nx.test", "A"),
        &[("expected-rcodes", "NOERROR,NXDOMAIN")],
    );
    assert!(probe(&s, &t).await.probes[0].success());
}

#[tokio::test]
async fn silence_is_a_timeout_with_no_rcode() {
    let server = start(None, Arc::new(zone)).await;
    let mut s = settings(&server, "udp,tcp", ("silent.test", "A"), &[]);
    s.timeout = Duration::from_millis(400);
    let data = probe(&s, &target("127.0.0.1", None, false)).await;
    for p in &data.probes {
        assert!(
            matches!(p.error, Some(ProbeError::Timeout(_))),
            "{:?}",
            p.error
        );
        assert!(p.response.is_none());
    }
    let text = exposition(&data);
    assert!(!text.contains("technitium_dns_probe_rcode"), "{text}");
    assert!(
        !text.contains("technitium_dns_probe_answer_records"),
        "{text}"
    );
    assert!(text.contains("technitium_dns_probe_success{transport=\"udp\"} 0"));
}

#[tokio::test]
async fn a_wrong_answer_fails_the_regex() {
    let server = start(None, Arc::new(zone)).await;
    let t = target("127.0.0.1", None, false);
    let wrong = settings(
        &server,
        "udp,tcp",
        ("www.test", "A"),
        &[("answer-regex", r"IN A 192\.0\.2\.1$")],
    );
    let data = probe(&wrong, &t).await;
    for p in &data.probes {
        assert_eq!(p.error, Some(ProbeError::AnswerMismatch));
        assert_eq!(p.response.as_ref().map(|r| r.answers), Some(1));
    }
    let right = settings(
        &server,
        "udp,tcp",
        ("www.test", "A"),
        &[("answer-regex", r"IN A 192\.0\.2\.10$")],
    );
    assert!(probe(&right, &t).await.probes.iter().all(|p| p.success()));
}

#[tokio::test]
async fn a_truncated_udp_answer_counts_by_its_rcode() {
    let server = start(None, Arc::new(zone)).await;
    let s = settings(&server, "udp,tcp", ("big.test", "TXT"), &[]);
    let data = probe(&s, &target("127.0.0.1", None, false)).await;
    let udp = &data.probes[0];
    let tcp = &data.probes[1];
    assert!(udp.success(), "{:?}", udp.error);
    assert_eq!(
        udp.response.as_ref().map(|r| (r.truncated, r.answers)),
        Some((true, 0))
    );
    assert_eq!(
        tcp.response.as_ref().map(|r| (r.truncated, r.answers)),
        Some((false, 20))
    );
    // An answer check sees only what arrived.
    let s = settings(
        &server,
        "udp",
        ("big.test", "TXT"),
        &[("answer-regex", "xxxx")],
    );
    assert_eq!(
        probe(&s, &target("127.0.0.1", None, false)).await.probes[0].error,
        Some(ProbeError::AnswerMismatch)
    );
}

#[tokio::test]
async fn an_expired_certificate_fails_but_reports_its_expiry() {
    let pki = Pki::new();
    let server = start(
        Some(pki.server(&["localhost", "127.0.0.1"], (2021, 6, 1))),
        Arc::new(zone),
    )
    .await;
    let s = settings(&server, "tls,https", (".", "NS"), &[]);
    let data = probe(&s, &target("127.0.0.1", Some(&pki.ca_pem()), false)).await;
    for p in &data.probes {
        assert_eq!(
            p.error,
            Some(ProbeError::Tls(TlsFailure::Expired)),
            "{}",
            p.transport
        );
        assert_eq!(p.certificate_expiry, Some(1_622_505_600));
        assert!(p.response.is_none());
    }
    let text = exposition(&data);
    assert!(text.contains(
        "technitium_dns_probe_tls_certificate_expiry_timestamp_seconds{transport=\"tls\"} 1622505600"
    ));
    // insecure_skip_verify accepts it (and still reports the expiry).
    let data = probe(&s, &target("127.0.0.1", Some(&pki.ca_pem()), true)).await;
    assert!(data.probes.iter().all(|p| p.success()), "{:?}", data.probes);
}

#[tokio::test]
async fn a_certificate_for_another_name_fails_and_the_server_name_setting_fixes_it() {
    let pki = Pki::new();
    let server = start(
        Some(pki.server(&["dns.example.test"], (2030, 1, 1))),
        Arc::new(zone),
    )
    .await;
    let ca = pki.ca_pem();
    let s = settings(&server, "tls,https", (".", "NS"), &[]);
    let data = probe(&s, &target("127.0.0.1", Some(&ca), false)).await;
    for p in &data.probes {
        assert_eq!(
            p.error,
            Some(ProbeError::Tls(TlsFailure::NameMismatch)),
            "{}",
            p.transport
        );
    }
    let s = settings(
        &server,
        "tls,https",
        (".", "NS"),
        &[("tls-server-name", "dns.example.test")],
    );
    let data = probe(&s, &target("127.0.0.1", Some(&ca), false)).await;
    assert!(data.probes.iter().all(|p| p.success()), "{:?}", data.probes);
}

#[tokio::test]
async fn an_untrusted_certificate_is_an_unknown_issuer() {
    let pki = Pki::new();
    let other = Pki::new();
    let server = start(
        Some(pki.server(&["127.0.0.1"], (2030, 1, 1))),
        Arc::new(zone),
    )
    .await;
    let s = settings(&server, "tls", (".", "NS"), &[]);
    let data = probe(&s, &target("127.0.0.1", Some(&other.ca_pem()), false)).await;
    assert_eq!(
        data.probes[0].error,
        Some(ProbeError::Tls(TlsFailure::UnknownIssuer))
    );
}

#[tokio::test]
async fn a_wrong_doh_path_is_http_404() {
    let pki = Pki::new();
    let server = start(
        Some(pki.server(&["127.0.0.1"], (2030, 1, 1))),
        Arc::new(zone),
    )
    .await;
    let s = settings(&server, "https", (".", "NS"), &[("https-path", "/dns")]);
    let data = probe(&s, &target("127.0.0.1", Some(&pki.ca_pem()), false)).await;
    assert_eq!(data.probes[0].error, Some(ProbeError::HttpStatus(404)));
}

#[tokio::test]
async fn closed_ports_refuse() {
    let server = start(None, Arc::new(zone)).await;
    let mut s = settings(&server, "udp,tcp,tls,https", (".", "NS"), &[]);
    let closed = crate::common::refused_port();
    for t in Transport::ALL {
        s.set_port(t, closed);
    }
    s.timeout = Duration::from_millis(400);
    let pki = Pki::new();
    let data = probe(&s, &target("127.0.0.1", Some(&pki.ca_pem()), false)).await;
    let errors: Vec<_> = data.probes.iter().map(|p| p.error.clone()).collect();
    // UDP too: the probe's socket is connected, so the closed port's ICMP answer is heard.
    for e in &errors {
        assert_eq!(e, &Some(ProbeError::ConnectionRefused), "{errors:?}");
    }
}

/// The wire form of `message`, for a raw reply.
fn wire(message: &Message) -> Vec<u8> {
    message.to_vec().unwrap()
}

/// Probes `. NS` on every transport of a server answering with `reply`; the error of each.
async fn errors_with(reply: fn(&Message) -> Reply) -> Vec<(Transport, Option<String>)> {
    let pki = Pki::new();
    let server = start(
        Some(pki.server(&["127.0.0.1"], (2030, 1, 1))),
        Arc::new(move |m: &Message, _: Transport| reply(m)),
    )
    .await;
    let mut s = settings(&server, "udp,tcp,tls,https", (".", "NS"), &[]);
    s.timeout = Duration::from_secs(2);
    let data = probe(&s, &target("127.0.0.1", Some(&pki.ca_pem()), false)).await;
    data.probes
        .iter()
        .map(|p| (p.transport, p.error.as_ref().map(ToString::to_string)))
        .collect()
}

/// An answer about another question fails on every transport with the same words (TCP took it
/// for a success).
#[tokio::test]
async fn an_answer_to_another_question_fails_on_every_transport() {
    let errors = errors_with(|request| {
        let mut m = Message::response(request.metadata.id, request.metadata.op_code);
        m.add_query(hickory_proto::op::Query::query(
            name("evil."),
            RecordType::A,
        ));
        m.add_answer(Record::from_rdata(
            name("evil."),
            60,
            RData::A(A(Ipv4Addr::new(192, 0, 2, 66))),
        ));
        Reply::Answer(m)
    })
    .await;
    assert_eq!(errors.len(), 4);
    for (t, e) in errors {
        assert_eq!(
            e.as_deref(),
            Some("the answer is for another question (evil. A), not . NS"),
            "{t}"
        );
    }
}

/// Bytes that are no DNS message (behind the query's id, so UDP reads them) fail on every
/// transport with the decoder's words (TCP said "closed the connection without answering").
#[tokio::test]
async fn an_answer_that_is_not_a_dns_message_fails_on_every_transport() {
    let errors = errors_with(|request| {
        let mut bytes = request.metadata.id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&[0x81, 0x80, 0, 1, 0, 1]);
        Reply::Raw(bytes)
    })
    .await;
    for (t, e) in errors {
        let e = e.unwrap_or_default();
        assert!(
            e.starts_with("the answer is not a DNS message ("),
            "{t}: {e}"
        );
    }
}

/// The query itself sent back (QR clear) is not an answer, on every transport alike.
#[tokio::test]
async fn a_query_sent_back_is_not_an_answer_on_any_transport() {
    let errors = errors_with(|request| Reply::Raw(wire(request))).await;
    let first = errors[0].1.clone().unwrap_or_default();
    assert!(
        first.starts_with("the answer is not a DNS message ("),
        "{first}"
    );
    for (t, e) in errors {
        assert_eq!(e.as_deref(), Some(first.as_str()), "{t}");
    }
}

/// An answer with another id: over TCP, TLS and HTTPS it is reported; over UDP it is ignored
/// (a stray or forged datagram) and the probe times out.
#[tokio::test]
async fn an_answer_with_another_id_fails() {
    let errors = errors_with(|request| {
        let mut m = responder::response_to(request, ResponseCode::NoError);
        m.metadata.id = request.metadata.id.wrapping_add(1);
        Reply::Answer(m)
    })
    .await;
    assert_eq!(errors[0].1.as_deref(), Some("no answer within 2s"));
    for (t, e) in &errors[1..] {
        let e = e.clone().unwrap_or_default();
        assert!(e.starts_with("the answer's id "), "{t}: {e}");
    }
}

/// A ClientHello on a plain DNS-over-TCP port reads as the start of a 5635-byte DNS message:
/// the server waits for the rest, and the probe times out.
#[tokio::test]
async fn a_tls_probe_of_a_plain_dns_port_times_out() {
    let server = start(None, Arc::new(zone)).await;
    let mut s = settings(&server, "tls", (".", "NS"), &[]);
    s.set_port(Transport::Tls, server.port(Transport::Tcp).unwrap());
    s.timeout = Duration::from_millis(400);
    let pki = Pki::new();
    let data = probe(&s, &target("127.0.0.1", Some(&pki.ca_pem()), false)).await;
    assert!(
        matches!(data.probes[0].error, Some(ProbeError::Timeout(_))),
        "{:?}",
        data.probes[0].error
    );
    assert_eq!(data.probes[0].certificate_expiry, None);
}

#[tokio::test]
async fn blocking_works_follows_the_blocking_answer() {
    let server = start(None, Arc::new(zone)).await;
    let t = target("127.0.0.1", None, false);
    for (blocked, answer, works) in [
        ("ads.blocked.test", "auto", Some(true)),
        ("nx.blocked.test", "auto", Some(true)),
        ("ads.blocked.test", "any-address", Some(true)),
        ("nx.blocked.test", "any-address", Some(false)),
        ("nx.blocked.test", "nxdomain", Some(true)),
        ("ads.blocked.test", "nxdomain", Some(false)),
        ("www.test", "auto", Some(false)),
        ("www.test", "192.0.2.10", Some(true)),
        ("www.test", "192.0.2.11", Some(false)),
        ("silent.test", "auto", None),
    ] {
        let mut s = settings(
            &server,
            "udp",
            (".", "NS"),
            &[("blocked-name", blocked), ("blocking-answer", answer)],
        );
        s.timeout = Duration::from_millis(400);
        let data = probe(&s, &t).await;
        let b = data.blocking.as_ref().unwrap();
        assert_eq!(b.works, works, "{blocked} {answer}");
        let text = exposition(&data);
        match works {
            Some(w) => assert!(
                text.contains(&format!(
                    "technitium_dns_probe_blocking_works {}\n",
                    u8::from(w)
                )),
                "{text}"
            ),
            None => assert!(!text.contains("blocking_works"), "{text}"),
        }
    }
}

#[tokio::test]
async fn stopping_the_server_makes_the_next_probe_fail() {
    let server = start(None, Arc::new(zone)).await;
    let mut s = settings(&server, "udp,tcp", (".", "NS"), &[]);
    s.timeout = Duration::from_millis(400);
    let t = target("127.0.0.1", None, false);
    assert!(probe(&s, &t).await.probes.iter().all(|p| p.success()));
    drop(server);
    tokio::task::yield_now().await;
    let data = probe(&s, &t).await;
    assert!(
        data.probes.iter().all(|p| !p.success()),
        "{:?}",
        data.probes
    );
    assert!(exposition(&data).contains("technitium_dns_probe_success{transport=\"udp\"} 0"));
}

/// Every listener accepts and then stays silent; probes allow a minute each, the scrape two
/// seconds: every probe is cut off by the deadline, and `probe_all` returns by it. The clock is
/// tokio's paused clock, which jumps ahead whenever every task waits, so this asserts the order
/// of events, not how long the machine took.
#[tokio::test(start_paused = true)]
async fn the_deadline_holds_when_every_probe_hangs() {
    let pki = Pki::new();
    let server = start(
        Some(pki.server(&["127.0.0.1"], (2030, 1, 1))),
        Arc::new(|_: &Message, _: Transport| Reply::Silence),
    )
    .await;
    let mut s = settings(
        &server,
        "udp,tcp,tls,https",
        (".", "NS"),
        &[("blocked-name", "ads.blocked.test")],
    );
    s.timeout = Duration::from_secs(60);
    let t = target("127.0.0.1", Some(&pki.ca_pem()), false);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(2);
    let data = probe_all(&s, &t, deadline).await;
    assert!(Instant::now() <= deadline, "returned after the deadline");
    assert_eq!(data.probes.len(), 4);
    for p in &data.probes {
        assert!(!p.success(), "{}", p.transport);
        assert!(p.response.is_none());
        assert!(p.duration <= Duration::from_secs(2));
    }
    assert_eq!(data.blocking.as_ref().and_then(|b| b.works), None);
}

#[tokio::test]
async fn an_ipv6_loopback_target_works() {
    let mut config = ResponderConfig::new(Arc::new(zone));
    config.bind = IpAddr::V6(Ipv6Addr::LOCALHOST);
    let Ok(server) = responder::start(config).await else {
        // No IPv6 loopback on this machine: nothing to test.
        return;
    };
    let s = settings(&server, "udp,tcp", (".", "NS"), &[]);
    let data = probe(&s, &target("::1", None, false)).await;
    assert!(data.probes.iter().all(|p| p.success()), "{:?}", data.probes);
    assert_eq!(
        data.probes[0].endpoint,
        format!("[::1]:{}", s.port(Transport::Udp))
    );
}

/// `check` rows: each failure names its cause and the setting that fixes it.
#[tokio::test]
async fn check_rows_give_hints() {
    use technitium_exporter::collector::DetailStatus;
    use technitium_exporter::collector::dns::dns_details;
    let now = 1_800_000_000; // 2027-01-15, before the good certificate's expiry
    let pki = Pki::new();
    let ca = pki.ca_pem();
    let good = start(
        Some(pki.server(&["127.0.0.1"], (2030, 1, 1))),
        Arc::new(zone),
    )
    .await;
    let cases: Vec<(DnsSettings, &str, DetailStatus, &str)> = vec![
        (
            settings(&good, "udp,tcp,tls,https", (".", "NS"), &[]),
            "",
            DetailStatus::Ok,
            "NOERROR, 2 answer record(s)",
        ),
        (
            settings(&good, "udp", ("refused.test", "A"), &[]),
            "allowed networks",
            DetailStatus::Failed,
            "unexpected response code REFUSED",
        ),
        (
            settings(&good, "https", (".", "NS"), &[("https-path", "/resolve")]),
            "--collector.dns.https-path",
            DetailStatus::Failed,
            "HTTP 404",
        ),
        (
            settings(
                &good,
                "tls",
                (".", "NS"),
                &[("tls-server-name", "localhost")],
            ),
            "--collector.dns.tls-server-name",
            DetailStatus::Failed,
            "not valid for the server name",
        ),
    ];
    for (s, hint, status, detail) in cases {
        let data = probe(&s, &target("127.0.0.1", Some(&ca), false)).await;
        for row in dns_details(&s, &data, now) {
            assert_eq!(row.status, status, "{row:?}");
            assert!(row.detail.contains(detail), "{row:?}");
            if hint.is_empty() {
                assert!(row.hint.is_none(), "{row:?}");
            } else {
                assert!(
                    row.hint.as_deref().is_some_and(|h| h.contains(hint)),
                    "{row:?}"
                );
            }
        }
    }
    // A closed TCP port names the listener settings; a certificate that expires within two
    // weeks is a warning.
    let mut s = settings(&good, "tcp,tls", (".", "NS"), &[]);
    s.set_port(Transport::Tcp, crate::common::refused_port());
    let data = probe(&s, &target("127.0.0.1", Some(&ca), false)).await;
    let rows = dns_details(&s, &data, GOOD_NOT_AFTER - 3 * 86_400);
    assert_eq!(rows[0].id, "dns_tcp");
    assert!(
        rows[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("--collector.dns.tcp-port"))
    );
    assert_eq!(rows[1].status, DetailStatus::Warning, "{:?}", rows[1]);
    assert!(rows[1].detail.contains("(3 days)"), "{:?}", rows[1]);
}

/// `--demo`'s DNS listeners answer every transport with its built-in certificate, and block
/// the demo's blocked name: probed with the dns collector's settings from the demo's layer, to
/// a target that trusts the demo's CA (as `TargetInfo::extra_ca_pem` carries it).
#[tokio::test]
async fn the_demo_answers_dns_on_every_transport() {
    use technitium_exporter::demo;
    let running = demo::start_all(demo::DemoVersion::V15_2, 5).await.unwrap();
    let layer = running.layer();
    let preset = &layer.presets[0];
    assert_eq!(preset.collector, "dns");
    let pairs: Vec<(&'static str, &str)> = preset
        .values
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let s = crate::common::collector_settings::<Dns>(&pairs);
    let ca = preset.ca_pem.as_deref().map(str::as_bytes);
    let target = DnsTarget::new(&layer.url, s.address.as_deref(), true, None, ca, false).unwrap();
    let data = probe(&s, &target).await;
    assert_eq!(data.probes.len(), 4);
    for p in &data.probes {
        assert!(p.success(), "{}: {:?}", p.transport, p.error);
        assert_eq!(p.response.as_ref().map(|r| r.answers), Some(13));
    }
    // Nov  7 20:23:16 2126 GMT (openssl x509 -enddate of src/demo/certs/server.pem).
    assert_eq!(data.probes[2].certificate_expiry, Some(4_949_756_596));
    assert_eq!(data.blocking.and_then(|b| b.works), Some(true));
    // Without the demo's CA, its certificate is from an unknown issuer.
    let untrusted = DnsTarget::new(&layer.url, s.address.as_deref(), true, None, None, false);
    let data = probe(&s, &untrusted.unwrap()).await;
    assert!(!data.probes[2].success(), "{:?}", data.probes[2]);
}

/// The demo API answers dnsClient/resolve for its three forwarders: one fast, one slow, one
/// failing.
#[tokio::test]
async fn the_demo_answers_resolve_for_its_forwarders() {
    use technitium_exporter::collector::forwarders::fetch_forwarders;
    use technitium_exporter::dnsprobe::ForwarderSettings;
    use technitium_exporter::technitium::{AuthMode, Client, ClientConfig};
    let demo = technitium_exporter::demo::start(technitium_exporter::demo::DemoVersion::V15_2, 5)
        .await
        .unwrap();
    let client = Client::new(&ClientConfig {
        url: demo.url.clone(),
        token: Some(demo.token.clone()),
        auth: AuthMode::Auto,
        timeout: Duration::from_secs(5),
        max_response_size: 1 << 24,
        ca_file: None,
        extra_ca_pem: None,
        insecure_skip_verify: false,
    })
    .unwrap();
    let data = fetch_forwarders(
        &client,
        &ForwarderSettings::default(),
        Instant::now() + Duration::from_secs(10),
    )
    .await
    .unwrap();
    let verdicts: Vec<(bool, bool)> = data
        .results
        .iter()
        .map(|r| (r.success, r.rtt.is_some()))
        .collect();
    assert_eq!(verdicts, [(true, true), (true, true), (false, false)]);
    assert!(data.results[1].rtt.is_some_and(|rtt| rtt > 0.3));
}
