//! The DNS transports, each as the pieces a [`super::channel::Channel`] puts together: the
//! address lookup, a UDP exchange, a TCP or TLS connection (reused by the channel), a
//! DNS-over-HTTPS client (whose connection reqwest keeps) and, with the `dns-quic` feature, one
//! DNS-over-QUIC exchange. What went wrong is a [`TransportFailure`] in the transport's own
//! terms; [`super::classify`] turns it into something a person can act on.
//!
//! UDP, TCP and DoT are written here on tokio and tokio-rustls, so that every transport checks
//! its answers the same way ([`super::wire`]) and a TCP or TLS connection can stay open between
//! queries as a client's would. A UDP exchange uses a connected socket (a closed port's ICMP
//! answer reads as "connection refused") and ignores datagrams with another id, as stub
//! resolvers do. DoH is an RFC 8484 POST over HTTP/1.1 with reqwest, the HTTP client the API
//! already uses: Technitium's DoH listener always speaks HTTP/1.1 (HTTP/2 only where the
//! platform supports it). DoQ, with the `dns-quic` feature, is hickory-net's
//! `QuicClientStream`, on a new connection each time.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
#[cfg(feature = "dns-quic")]
use std::sync::Arc;
use std::time::Duration;

#[cfg(not(feature = "dns-quic"))]
use hickory_net::NetError;
use hickory_proto::op::{DnsResponse, Message};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpStream, UdpSocket};

use super::failure::TransportFailure;
use super::wire::{answer_to, encode, id_of};
use crate::technitium::shorten;

/// Largest answer read (a DNS message is at most 65 535 bytes).
pub(super) const MAX_ANSWER: usize = 65_535;

/// A TCP or TLS connection carrying length-prefixed DNS messages.
pub(super) trait DnsConnection: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> DnsConnection for T {}

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

/// One query over UDP from a new socket connected to `addr`: the first datagram with the
/// query's id is the answer. With `resend`, the query is sent once more after that much
/// silence (as a stub resolver retries).
pub(super) async fn udp_exchange(
    addr: SocketAddr,
    request: &Message,
    resend: Option<Duration>,
) -> Result<DnsResponse, TransportFailure> {
    let wire = encode(request)?;
    let local: SocketAddr = if addr.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let io = TransportFailure::Io;
    let socket = UdpSocket::bind(local).await.map_err(io)?;
    socket.connect(addr).await.map_err(io)?;
    socket.send(&wire).await.map_err(io)?;
    let mut buf = vec![0u8; MAX_ANSWER];
    let mut resend_at = resend.map(|after| tokio::time::Instant::now() + after);
    loop {
        let received = match resend_at {
            Some(at) => match tokio::time::timeout_at(at, socket.recv(&mut buf)).await {
                Ok(r) => r,
                Err(_) => {
                    resend_at = None;
                    socket.send(&wire).await.map_err(io)?;
                    continue;
                }
            },
            None => socket.recv(&mut buf).await,
        }
        .map_err(io)?;
        let Some(bytes) = buf.get(..received) else {
            continue;
        };
        if id_of(bytes) != Some(request.metadata.id) {
            // Not the answer to this query (a stray or forged datagram): keep waiting.
            continue;
        }
        return answer_to(request, bytes.to_vec());
    }
}

/// A new TCP connection to `addr`.
pub(super) async fn connect_tcp(addr: SocketAddr) -> Result<TcpStream, TransportFailure> {
    let tcp = TcpStream::connect(addr)
        .await
        .map_err(TransportFailure::Io)?;
    // Queries are small and answered one at a time: no reason to wait for more to send.
    tcp.set_nodelay(true).map_err(TransportFailure::Io)?;
    Ok(tcp)
}

/// A new DNS-over-TLS connection (RFC 7858) to `addr`, verified for `name`.
pub(super) async fn connect_tls(
    addr: SocketAddr,
    name: &str,
    config: rustls::ClientConfig,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, TransportFailure> {
    let name = ServerName::try_from(name.to_owned()).map_err(|e| {
        TransportFailure::Setup(format!("{name:?} is not a valid TLS server name: {e}"))
    })?;
    let tcp = connect_tcp(addr).await?;
    tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(TransportFailure::Io)
}

/// One query over DNS-over-QUIC (RFC 9250) on a new connection to `addr`.
#[cfg(feature = "dns-quic")]
pub(super) async fn doq(
    addr: SocketAddr,
    name: &str,
    request: Message,
    tls: rustls::ClientConfig,
    budget: Duration,
) -> Result<DnsResponse, TransportFailure> {
    use hickory_net::xfer::{DnsRequestSender as _, FirstAnswer as _};
    use hickory_proto::op::{DnsRequest, DnsRequestOptions};
    let net = TransportFailure::Net;
    let mut stream = hickory_net::quic::QuicClientStream::builder()
        .crypto_config(tls)
        .request_timeout(budget)
        .build(addr, Arc::from(name))
        .await
        .map_err(net)?;
    let checked = request.clone();
    let response = stream
        .send_message(DnsRequest::new(request, DnsRequestOptions::default()))
        .first_answer()
        .await
        .map_err(net)?;
    let (_, bytes) = response.into_parts();
    answer_to(&checked, bytes)
}

/// DoQ without the `dns-quic` feature.
#[cfg(not(feature = "dns-quic"))]
pub(super) fn no_doq() -> TransportFailure {
    TransportFailure::Net(NetError::from("this build has no DNS-over-QUIC support"))
}

/// A DoH client whose connections go to `addr`, verified for `name` (kept between queries:
/// reqwest reuses its connection).
pub(super) fn doh_client(
    addr: SocketAddr,
    name: &str,
    mut tls: rustls::ClientConfig,
    connect_timeout: Duration,
) -> Result<reqwest::Client, TransportFailure> {
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .http1_only()
        .pool_max_idle_per_host(1)
        .connect_timeout(connect_timeout)
        .user_agent(concat!("technitium-exporter/", env!("CARGO_PKG_VERSION")));
    if name.parse::<IpAddr>().is_err() {
        // The connection goes to the probed address; the name is for TLS and the Host header.
        builder = builder.resolve(name, addr);
    }
    builder.build().map_err(TransportFailure::Http)
}

/// The DoH URL of `path` at `name` (the TLS name) and `port`.
pub(super) fn doh_url(name: &str, port: u16, path: &str) -> String {
    let host = if name.contains(':') {
        format!("[{name}]")
    } else {
        name.to_owned()
    };
    format!("https://{host}:{port}{path}")
}

/// Sends `request` (its id 0, RFC 8484 4.1, so answers stay cacheable) as a DoH POST and reads
/// the answer: a 2xx status, a DNS message content type, at most [`MAX_ANSWER`] bytes.
pub(super) async fn doh_exchange(
    client: &reqwest::Client,
    url: &str,
    request: &Message,
    budget: Duration,
) -> Result<DnsResponse, TransportFailure> {
    use reqwest::header::{ACCEPT, CONTENT_TYPE};
    const DNS_MESSAGE: &str = "application/dns-message";
    let body = encode(request)?;
    let mut response = client
        .post(url)
        .header(CONTENT_TYPE, DNS_MESSAGE)
        .header(ACCEPT, DNS_MESSAGE)
        .timeout(budget)
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
        if bytes.len() + chunk.len() > MAX_ANSWER {
            return Err(TransportFailure::BadAnswer(
                "the answer is larger than any DNS message".to_owned(),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    answer_to(request, bytes)
}
