//! The DNS transports: one query over UDP, TCP, DNS-over-TLS, DNS-over-HTTPS or (with the
//! `dns-quic` feature) DNS-over-QUIC, on a new connection each, and the address lookup before
//! it. What went wrong is a `TransportFailure` in the transport's own terms; [`super::classify`] turns
//! it into something a person can act on.
//!
//! UDP, TCP and DoT use hickory-net's clients: `UdpClientStream` (up to two sends, a retry
//! after 333 ms of silence, as a stub resolver would), `TcpClientStream`, `tls_exchange`; DoQ,
//! with the `dns-quic` feature, `QuicClientStream`. DoH is an RFC 8484 POST of the hickory-proto
//! message over HTTP/1.1 with reqwest, the HTTP client the API already uses: Technitium's DoH
//! listener always speaks HTTP/1.1 (HTTP/2 only where the platform supports it), and hickory's
//! HTTP/2 client would add the h2 stack, about 650 KB of binary, for the same answer. Nothing is
//! kept between probes: each opens and closes its own connection, so a probe measures what a new
//! client experiences.

use std::net::{IpAddr, SocketAddr};
#[cfg(feature = "dns-quic")]
use std::sync::Arc;
use std::time::Duration;

use hickory_net::NetError;
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::xfer::{DnsHandle as _, DnsRequestSender as _, FirstAnswer as _};
use hickory_proto::op::{DnsRequest, DnsResponse};
use rustls::pki_types::ServerName;

use super::settings::{DnsSettings, Transport};
use super::target::DnsTarget;
use crate::technitium::shorten;

/// UDP sends per probe: the first and one retry.
const UDP_SENDS: u8 = 2;

/// Why a probe could not even start or what the transport said.
pub(super) enum TransportFailure {
    Resolve(String),
    Net(NetError),
    /// DoH: the HTTP client's error (without its URL).
    Http(reqwest::Error),
    /// DoH: a non-2xx status.
    HttpStatus(u16),
    /// DoH: an answer that is not a DNS message.
    BadAnswer(String),
}

/// Largest DoH answer read (a DNS message is at most 65 535 bytes).
const DOH_MAX_ANSWER: usize = 65_535;

/// The address of `host` (an IP address as is, a name through the system's resolver).
pub(super) async fn resolve(host: &str, port: u16) -> Result<SocketAddr, TransportFailure> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let mut addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| TransportFailure::Resolve(format!("{host}: {e}")))?;
    addrs
        .next()
        .ok_or_else(|| TransportFailure::Resolve(format!("{host} has no address")))
}

fn server_name(settings: &DnsSettings, target: &DnsTarget) -> String {
    settings
        .tls_server_name
        .clone()
        .unwrap_or_else(|| target.host().to_owned())
}

/// One query over `transport` to `addr`, within `budget`.
pub(super) async fn send(
    settings: &DnsSettings,
    target: &DnsTarget,
    transport: Transport,
    addr: SocketAddr,
    request: DnsRequest,
    tls: Option<rustls::ClientConfig>,
    budget: Duration,
) -> Result<DnsResponse, TransportFailure> {
    // hickory runs the TCP/TLS connection's background task in the provider's JoinSet, which
    // aborts it when the last provider clone is dropped: this one lives until the answer came.
    let runtime = TokioRuntimeProvider::new();
    let provider = runtime.clone();
    let net = TransportFailure::Net;
    let tls_config = || {
        tls.clone().ok_or(TransportFailure::Net(NetError::from(
            "no TLS configuration",
        )))
    };
    let result = match transport {
        Transport::Udp => {
            let mut stream = hickory_net::udp::UdpClientStream::builder(addr, provider)
                .with_timeout(Some(budget))
                .with_max_retries(UDP_SENDS)
                .build();
            stream
                .send_message(request)
                .first_answer()
                .await
                .map_err(net)
        }
        Transport::Tcp => {
            let exchange =
                hickory_net::tcp::TcpClientStream::exchange(addr, None, budget, None, provider)
                    .await
                    .map_err(net)?;
            exchange.send(request).first_answer().await.map_err(net)
        }
        Transport::Tls => {
            let name = server_name(settings, target);
            dot(addr, name, request, tls_config()?, budget, provider).await
        }
        Transport::Https => doh(settings, target, addr, request, tls_config()?, budget).await,
        #[cfg(feature = "dns-quic")]
        Transport::Quic => {
            let name = server_name(settings, target);
            doq(addr, name, request, tls_config()?, budget).await
        }
        #[cfg(not(feature = "dns-quic"))]
        Transport::Quic => Err(TransportFailure::Net(NetError::from(
            "this build has no DNS-over-QUIC support",
        ))),
    };
    drop(runtime);
    result
}

/// One query over DNS-over-TLS (RFC 7858) on a new connection to `addr`.
async fn dot(
    addr: SocketAddr,
    name: String,
    request: DnsRequest,
    tls: rustls::ClientConfig,
    budget: Duration,
    provider: TokioRuntimeProvider,
) -> Result<DnsResponse, TransportFailure> {
    let net = TransportFailure::Net;
    let name = ServerName::try_from(name).map_err(|e| {
        TransportFailure::Net(NetError::from(format!("not a valid TLS server name: {e}")))
    })?;
    let exchange = hickory_net::tls::tls_exchange(addr, name, tls, budget, None, provider)
        .await
        .map_err(net)?;
    exchange.send(request).first_answer().await.map_err(net)
}

/// One query over DNS-over-QUIC (RFC 9250) on a new connection to `addr`.
#[cfg(feature = "dns-quic")]
async fn doq(
    addr: SocketAddr,
    name: String,
    request: DnsRequest,
    tls: rustls::ClientConfig,
    budget: Duration,
) -> Result<DnsResponse, TransportFailure> {
    let net = TransportFailure::Net;
    let mut stream = hickory_net::quic::QuicClientStream::builder()
        .crypto_config(tls)
        .request_timeout(budget)
        .build(addr, Arc::from(name))
        .await
        .map_err(net)?;
    stream
        .send_message(request)
        .first_answer()
        .await
        .map_err(net)
}

/// One RFC 8484 POST over HTTP/1.1 on a new connection to `addr`, verified for the TLS server
/// name.
async fn doh(
    settings: &DnsSettings,
    target: &DnsTarget,
    addr: SocketAddr,
    request: DnsRequest,
    mut tls: rustls::ClientConfig,
    budget: Duration,
) -> Result<DnsResponse, TransportFailure> {
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = server_name(settings, target);
    let is_ip = name.parse::<IpAddr>().is_ok();
    let host = if name.contains(':') {
        format!("[{name}]")
    } else {
        name.clone()
    };
    let url = format!("https://{host}:{}{}", addr.port(), settings.https_path);
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .http1_only()
        .pool_max_idle_per_host(0)
        .connect_timeout(budget)
        .timeout(budget)
        .user_agent(concat!("technitium-exporter/", env!("CARGO_PKG_VERSION")));
    if !is_ip {
        // The connection goes to the probed address; the name is for TLS and the Host header.
        builder = builder.resolve(&name, addr);
    }
    let client = builder.build().map_err(TransportFailure::Http)?;
    read_doh_answer(client, url, request).await
}

/// Sends the DoH request and reads the answer: a 2xx status, a DNS message content type, at
/// most [`DOH_MAX_ANSWER`] bytes.
async fn read_doh_answer(
    client: reqwest::Client,
    url: String,
    request: DnsRequest,
) -> Result<DnsResponse, TransportFailure> {
    use reqwest::header::{ACCEPT, CONTENT_TYPE};
    const DNS_MESSAGE: &str = "application/dns-message";
    let (mut message, _) = request.into_parts();
    // RFC 8484 4.1: id 0 keeps answers cacheable.
    message.metadata.id = 0;
    let body = message
        .to_vec()
        .map_err(|e| TransportFailure::Net(NetError::from(e)))?;
    let mut response = client
        .post(url)
        .header(CONTENT_TYPE, DNS_MESSAGE)
        .header(ACCEPT, DNS_MESSAGE)
        .body(body)
        .send()
        .await
        .map_err(TransportFailure::Http)?;
    let status = response.status();
    if !status.is_success() {
        return Err(TransportFailure::HttpStatus(status.as_u16()));
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    if let Some(ct) = content_type.filter(|ct| ct != DNS_MESSAGE) {
        return Err(TransportFailure::BadAnswer(format!(
            "the server answered {:?} instead of a DNS message: is --collector.dns.https-path the DoH endpoint?",
            shorten(&ct)
        )));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(TransportFailure::Http)? {
        if bytes.len() + chunk.len() > DOH_MAX_ANSWER {
            return Err(TransportFailure::BadAnswer(
                "the answer is larger than any DNS message".to_owned(),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    DnsResponse::from_buffer(bytes).map_err(|e| {
        TransportFailure::BadAnswer(format!(
            "the answer is not a DNS message ({})",
            shorten(&e.to_string())
        ))
    })
}
