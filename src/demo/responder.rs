//! A small DNS server on loopback for `--demo` (`dns.rs`) and the tests: UDP, TCP,
//! DNS-over-TLS and DNS-over-HTTPS (HTTP/1.1, POST, as Technitium's DoH listener always speaks),
//! all answering through one handler.
//!
//! Messages are parsed and written by hickory-proto, TCP framing is hickory-net's `TcpStream`,
//! TLS is tokio-rustls and HTTP is hyper's HTTP/1.1 server (the demo API's): nothing here
//! hand-writes DNS wire format. The handler
//! decides each answer (or to stay silent, or to wait first), which lets tests play a broken
//! or slow server: SERVFAIL, REFUSED, silence, wrong records, bytes that are no answer,
//! truncation, bad certificates, stalls.
//!
//! Dropping the [`Responder`] stops every listener and connection.

use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use hickory_net::runtime::iocompat::AsyncIoTokioAsStd;
use hickory_net::tcp::TcpStream as DnsTcpStream;
use hickory_net::xfer::DnsStreamHandle as _;
use hickory_proto::op::{Edns, Message, MessageType, ResponseCode, SerialMessage};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::watch;

use crate::dnsprobe::Transport;

/// What the server does with one query.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Send this message.
    Answer(Message),
    /// Send these bytes as the answer (a broken server: not a DNS message, a query, …).
    Raw(Vec<u8>),
    /// Stay silent (the client times out).
    Silence,
    /// Wait this long, then reply (a slow or stalling server).
    After(Duration, Box<Reply>),
}

/// Decides the answer to each query; gets the transport it came over.
pub type Handler = Arc<dyn Fn(&Message, Transport) -> Reply + Send + Sync>;

/// A certificate chain and its key, PEM.
#[derive(Debug, Clone)]
pub struct ServerTls {
    /// The server certificate first, then any intermediates.
    pub cert_chain_pem: Vec<u8>,
    /// The private key.
    pub key_pem: Vec<u8>,
}

/// Which listeners to start and how they answer.
#[derive(Clone)]
pub struct ResponderConfig {
    /// Address to bind (loopback).
    pub bind: IpAddr,
    /// Start a UDP listener.
    pub udp: bool,
    /// Start a TCP listener.
    pub tcp: bool,
    /// Start DoT and DoH listeners with this certificate.
    pub tls: Option<ServerTls>,
    /// The DoH path; other paths answer 404.
    pub https_path: String,
    /// The answers.
    pub handler: Handler,
}

impl std::fmt::Debug for ResponderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponderConfig")
            .field("bind", &self.bind)
            .field("udp", &self.udp)
            .field("tcp", &self.tcp)
            .field("tls", &self.tls.is_some())
            .field("https_path", &self.https_path)
            .finish_non_exhaustive()
    }
}

impl ResponderConfig {
    /// UDP and TCP on 127.0.0.1, no TLS, DoH path `/dns-query`.
    #[must_use]
    pub fn new(handler: Handler) -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            udp: true,
            tcp: true,
            tls: None,
            https_path: "/dns-query".to_owned(),
            handler,
        }
    }
}

/// A running server; its listeners' addresses. Dropping it stops everything.
#[derive(Debug)]
pub struct Responder {
    /// The UDP listener.
    pub udp: Option<SocketAddr>,
    /// The TCP listener.
    pub tcp: Option<SocketAddr>,
    /// The DNS-over-TLS listener.
    pub tls: Option<SocketAddr>,
    /// The DNS-over-HTTPS listener.
    pub https: Option<SocketAddr>,
    _stop: watch::Sender<bool>,
}

impl Responder {
    /// The port of a transport's listener, if it runs.
    #[must_use]
    pub fn port(&self, transport: Transport) -> Option<u16> {
        match transport {
            Transport::Udp => self.udp,
            Transport::Tcp => self.tcp,
            Transport::Tls => self.tls,
            Transport::Https => self.https,
            Transport::Quic => None,
        }
        .map(|a| a.port())
    }
}

/// Starts the configured listeners on random ports of `config.bind`.
///
/// # Errors
/// When a socket cannot be bound or the certificate or key does not parse.
pub async fn start(config: ResponderConfig) -> io::Result<Responder> {
    let (stop, stopped) = watch::channel(false);
    let handler = Arc::clone(&config.handler);
    let any = SocketAddr::new(config.bind, 0);
    let mut responder = Responder {
        udp: None,
        tcp: None,
        tls: None,
        https: None,
        _stop: stop,
    };
    if config.udp {
        let socket = UdpSocket::bind(any).await?;
        responder.udp = Some(socket.local_addr()?);
        tokio::spawn(serve_udp(socket, Arc::clone(&handler), stopped.clone()));
    }
    if config.tcp {
        let listener = TcpListener::bind(any).await?;
        responder.tcp = Some(listener.local_addr()?);
        tokio::spawn(serve_stream(
            listener,
            None,
            Transport::Tcp,
            Arc::clone(&handler),
            stopped.clone(),
        ));
    }
    if let Some(tls) = &config.tls {
        let dot = server_config(tls, Vec::new())?;
        let listener = TcpListener::bind(any).await?;
        responder.tls = Some(listener.local_addr()?);
        tokio::spawn(serve_stream(
            listener,
            Some(tokio_rustls::TlsAcceptor::from(dot)),
            Transport::Tls,
            Arc::clone(&handler),
            stopped.clone(),
        ));
        let doh = server_config(tls, vec![b"http/1.1".to_vec()])?;
        let listener = TcpListener::bind(any).await?;
        responder.https = Some(listener.local_addr()?);
        tokio::spawn(serve_https(
            listener,
            tokio_rustls::TlsAcceptor::from(doh),
            Arc::from(config.https_path.as_str()),
            Arc::clone(&handler),
            stopped,
        ));
    }
    Ok(responder)
}

fn server_config(tls: &ServerTls, alpn: Vec<Vec<u8>>) -> io::Result<Arc<rustls::ServerConfig>> {
    let chain = CertificateDer::pem_slice_iter(&tls.cert_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("certificate: {e}")))?;
    let key = PrivateKeyDer::from_pem_slice(&tls.key_pem)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("key: {e}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    config.alpn_protocols = alpn;
    Ok(Arc::new(config))
}

/// The answer bytes for a request and how long to wait before sending them, or `None` to stay
/// silent. Over UDP an answer larger than the client's payload size is cut to the header and
/// question with the TC bit, as servers do.
fn answer(
    handler: &Handler,
    bytes: &[u8],
    transport: Transport,
    udp_limit: bool,
) -> Option<(Duration, Vec<u8>)> {
    let request = Message::from_vec(bytes).ok()?;
    if request.metadata.message_type != MessageType::Query {
        return None;
    }
    let mut reply = handler(&request, transport);
    let mut delay = Duration::ZERO;
    while let Reply::After(wait, then) = reply {
        delay = delay.saturating_add(wait);
        reply = *then;
    }
    let message = match reply {
        Reply::Answer(message) => message,
        Reply::Raw(bytes) => return Some((delay, bytes)),
        Reply::Silence | Reply::After(..) => return None,
    };
    wire_of(&request, &message, udp_limit).map(|wire| (delay, wire))
}

/// `message` on the wire, cut to its header and question with the TC bit when `udp_limit` and
/// it is larger than the request's UDP payload size.
fn wire_of(request: &Message, message: &Message, udp_limit: bool) -> Option<Vec<u8>> {
    let wire = message.to_vec().ok()?;
    if udp_limit {
        let limit = request
            .edns
            .as_ref()
            .map_or(512, |e| usize::from(e.max_payload().max(512)));
        if wire.len() > limit {
            return message.truncate().to_vec().ok();
        }
    }
    Some(wire)
}

async fn serve_udp(socket: UdpSocket, handler: Handler, mut stopped: watch::Receiver<bool>) {
    let socket = Arc::new(socket);
    let mut buf = vec![0u8; 4096];
    loop {
        let received = tokio::select! {
            r = socket.recv_from(&mut buf) => r,
            _ = stopped.changed() => return,
        };
        let Ok((len, peer)) = received else { continue };
        match answer(&handler, &buf[..len], Transport::Udp, true) {
            Some((delay, wire)) if delay.is_zero() => {
                let _ = socket.send_to(&wire, peer).await;
            }
            Some((delay, wire)) => {
                // A slow answer does not hold up the others.
                let socket = Arc::clone(&socket);
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {
                            let _ = socket.send_to(&wire, peer).await;
                        }
                        _ = stopped.changed() => {}
                    }
                });
            }
            None => {}
        }
    }
}

async fn serve_stream(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    transport: Transport,
    handler: Handler,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stopped.changed() => return,
        };
        let Ok((tcp, peer)) = accepted else { continue };
        let handler = Arc::clone(&handler);
        let tls = tls.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let serve = async {
                match tls {
                    None => {
                        dns_over_stream(AsyncIoTokioAsStd(tcp), peer, transport, &handler).await
                    }
                    Some(acceptor) => {
                        let Ok(Ok(stream)) =
                            tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp))
                                .await
                        else {
                            return;
                        };
                        dns_over_stream(AsyncIoTokioAsStd(stream), peer, transport, &handler).await;
                    }
                }
            };
            tokio::select! {
                () = serve => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

/// Length-prefixed DNS messages on one connection (hickory-net's framing), until it closes.
async fn dns_over_stream<S>(stream: S, peer: SocketAddr, transport: Transport, handler: &Handler)
where
    S: hickory_net::runtime::DnsTcpStream,
{
    let (mut stream, mut sender) = DnsTcpStream::from_stream(stream, peer);
    while let Some(Ok(message)) = stream.next().await {
        if let Some((delay, wire)) = answer(handler, message.bytes(), transport, false) {
            tokio::time::sleep(delay).await;
            if sender.send(SerialMessage::new(wire, peer)).is_err() {
                return;
            }
        }
    }
}

async fn serve_https(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    path: Arc<str>,
    handler: Handler,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stopped.changed() => return,
        };
        let Ok((tcp, _)) = accepted else { continue };
        let acceptor = acceptor.clone();
        let handler = Arc::clone(&handler);
        let path = Arc::clone(&path);
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let serve = async {
                let Ok(Ok(tls)) =
                    tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await
                else {
                    return;
                };
                let service = hyper::service::service_fn(move |req| {
                    let handler = Arc::clone(&handler);
                    let path = Arc::clone(&path);
                    async move { Ok::<_, Infallible>(doh(req, &path, &handler).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            };
            tokio::select! {
                () = serve => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

async fn doh(req: Request<Incoming>, path: &str, handler: &Handler) -> Response<Full<Bytes>> {
    let status = |code: StatusCode| {
        let mut r = Response::new(Full::new(Bytes::new()));
        *r.status_mut() = code;
        r
    };
    if req.uri().path() != path {
        return status(StatusCode::NOT_FOUND);
    }
    if req.method() != hyper::Method::POST {
        return status(StatusCode::METHOD_NOT_ALLOWED);
    }
    let Ok(body) = Limited::new(req.into_body(), 65_535).collect().await else {
        return status(StatusCode::PAYLOAD_TOO_LARGE);
    };
    match answer(handler, &body.to_bytes(), Transport::Https, false) {
        Some((delay, wire)) => {
            tokio::time::sleep(delay).await;
            let mut r = Response::new(Full::new(Bytes::from(wire)));
            r.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("application/dns-message"),
            );
            r
        }
        None => {
            // Silence: hold the request until the client gives up (or the server stops).
            std::future::pending::<()>().await;
            status(StatusCode::GATEWAY_TIMEOUT)
        }
    }
}

/// A response to `request` with `rcode`: same id, question and RD bit, RA set, EDNS echoed when
/// the request had it. The caller adds records.
#[must_use]
pub fn response_to(request: &Message, rcode: ResponseCode) -> Message {
    let mut m = Message::response(request.metadata.id, request.metadata.op_code);
    m.metadata.recursion_desired = request.metadata.recursion_desired;
    m.metadata.recursion_available = true;
    m.metadata.response_code = rcode;
    m.add_queries(request.queries.iter().cloned());
    if request.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(1232);
        m.edns = Some(edns);
    }
    m
}
