//! A [`Channel`]: queries over one transport to one of the server's listeners, keeping what a
//! client keeps between them (the address, a TCP or TLS connection, a DoH client and its
//! connection), and dropping all of it after a failure so that the next query starts afresh.
//!
//! The `dns` collector's probes use a new channel each (a probe measures what a new client
//! sees: lookup, connection and handshake included); the `latency` collector keeps one per
//! transport and class (it measures what a client with an open connection sees).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::op::{DnsResponse, Message, Query};

use super::classify::{ProbeError, classify};
use super::failure::TransportFailure;
use super::settings::{DnsSettings, Transport};
use super::target::DnsTarget;
use super::transport::{
    DnsConnection, connect_tcp, connect_tls, doh_client, doh_exchange, doh_url, resolve,
    udp_exchange,
};
use super::wire::{answer_to, encode, query, read_framed, write_framed};
use crate::tls::Recorder;

/// Queries over one transport to one listener (see the module docs).
pub struct Channel {
    transport: Transport,
    target: DnsTarget,
    port: u16,
    https_path: String,
    /// The name the certificate must be valid for (the TLS server name, or the host).
    tls_name: String,
    /// UDP: send once more after this much silence.
    udp_resend: Option<Duration>,
    addr: Option<SocketAddr>,
    connection: Option<Box<dyn DnsConnection>>,
    doh: Option<reqwest::Client>,
    /// What the last TLS handshake saw of the certificate.
    recorder: Option<Arc<Recorder>>,
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("transport", &self.transport)
            .field("endpoint", &self.endpoint())
            .field(
                "connected",
                &(self.connection.is_some() || self.doh.is_some()),
            )
            .finish_non_exhaustive()
    }
}

impl Channel {
    /// A channel over `transport` to the listener `settings` name at `target`'s host.
    #[must_use]
    pub fn new(settings: &DnsSettings, target: &DnsTarget, transport: Transport) -> Self {
        Self {
            transport,
            target: target.clone(),
            port: settings.port(transport),
            https_path: settings.https_path.clone(),
            tls_name: settings
                .tls_server_name
                .clone()
                .unwrap_or_else(|| target.host().to_owned()),
            udp_resend: None,
            addr: None,
            connection: None,
            doh: None,
            recorder: None,
        }
    }

    /// Over UDP, sends the query once more after `after` of silence (as a stub resolver does).
    #[must_use]
    pub fn with_udp_resend(mut self, after: Duration) -> Self {
        self.udp_resend = Some(after);
        self
    }

    /// The transport.
    #[must_use]
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// Where the queries go, for people (`host:port`, the DoH URL).
    #[must_use]
    pub fn endpoint(&self) -> String {
        let host = if self.target.host().contains(':') {
            format!("[{}]", self.target.host())
        } else {
            self.target.host().to_owned()
        };
        match self.transport {
            Transport::Https => format!("https://{host}:{}{}", self.port, self.https_path),
            _ => format!("{host}:{}", self.port),
        }
    }

    /// `notAfter` of the server's certificate, when a TLS handshake got that far.
    #[must_use]
    pub fn certificate_expiry(&self) -> Option<i64> {
        self.recorder.as_ref().and_then(|r| r.not_after())
    }

    /// Whether a connection (TCP, TLS or DoH) is open for the next query.
    #[must_use]
    pub fn is_connected(&self) -> bool {
        self.connection.is_some() || self.doh.is_some()
    }

    /// Asks `question` within `budget` (address lookup, connection and handshake included when
    /// the channel has none open). After a failure the channel drops its connection and
    /// address: the next query reconnects.
    ///
    /// # Errors
    /// No answer within `budget`, or what went wrong, as a person can act on it.
    pub async fn ask(
        &mut self,
        question: &Query,
        budget: Duration,
    ) -> Result<DnsResponse, ProbeError> {
        let outcome = tokio::time::timeout(budget, self.exchange(question, budget)).await;
        let error = match outcome {
            Ok(Ok(response)) => return Ok(response),
            Ok(Err(failure)) => classify(failure, self.recorder.as_deref(), budget),
            Err(_) => ProbeError::Timeout(budget),
        };
        self.reset();
        Err(error)
    }

    fn reset(&mut self) {
        self.addr = None;
        self.connection = None;
        self.doh = None;
    }

    async fn exchange(
        &mut self,
        question: &Query,
        budget: Duration,
    ) -> Result<DnsResponse, TransportFailure> {
        let addr = match self.addr {
            Some(addr) => addr,
            None => {
                let addr = resolve(self.target.host(), self.port).await?;
                self.addr = Some(addr);
                addr
            }
        };
        let mut request = query(question);
        match self.transport {
            Transport::Udp => udp_exchange(addr, &request, self.udp_resend).await,
            Transport::Tcp | Transport::Tls => self.stream_exchange(addr, &request).await,
            Transport::Https => {
                // RFC 8484 4.1: id 0 keeps answers cacheable.
                request.metadata.id = 0;
                self.doh_query(addr, &request, budget).await
            }
            #[cfg(feature = "dns-quic")]
            Transport::Quic => {
                let tls = self.tls_config(&[])?;
                super::transport::doq(addr, &self.tls_name, request, tls, budget).await
            }
            #[cfg(not(feature = "dns-quic"))]
            Transport::Quic => Err(super::transport::no_doq()),
        }
    }

    /// One query on the open TCP or TLS connection (opened first when there is none). When a
    /// connection kept from an earlier query turns out closed before any byte of the answer
    /// (the server closed it while idle), the query is sent once more on a new one, as a
    /// client would.
    async fn stream_exchange(
        &mut self,
        addr: SocketAddr,
        request: &Message,
    ) -> Result<DnsResponse, TransportFailure> {
        let wire = encode(request)?;
        let reused = self.connection.is_some();
        let bytes = match self.on_connection(addr, &wire).await {
            Err(failure) if reused && closed_while_idle(&failure) => {
                self.connection = None;
                self.on_connection(addr, &wire).await
            }
            other => other,
        }?;
        answer_to(request, bytes)
    }

    async fn on_connection(
        &mut self,
        addr: SocketAddr,
        wire: &[u8],
    ) -> Result<Vec<u8>, TransportFailure> {
        let connection = match &mut self.connection {
            Some(c) => c,
            None => {
                let opened: Box<dyn DnsConnection> = match self.transport {
                    Transport::Tls => {
                        let tls = self.tls_config(&[])?;
                        Box::new(connect_tls(addr, &self.tls_name, tls).await?)
                    }
                    _ => Box::new(connect_tcp(addr).await?),
                };
                self.connection.insert(opened)
            }
        };
        write_framed(connection, wire).await?;
        read_framed(connection).await
    }

    async fn doh_query(
        &mut self,
        addr: SocketAddr,
        request: &Message,
        budget: Duration,
    ) -> Result<DnsResponse, TransportFailure> {
        let client = match &self.doh {
            Some(c) => c.clone(),
            None => {
                let tls = self.tls_config(&[])?;
                let c = doh_client(addr, &self.tls_name, tls, budget)?;
                self.doh.insert(c).clone()
            }
        };
        let url = doh_url(&self.tls_name, addr.port(), &self.https_path);
        doh_exchange(&client, &url, request, budget).await
    }

    /// A new TLS client configuration, whose recorder becomes the channel's.
    fn tls_config(&mut self, alpn: &[&[u8]]) -> Result<rustls::ClientConfig, TransportFailure> {
        let trust = self.target.trust().ok_or(TransportFailure::NoTrust)?;
        let (config, recorder) = trust
            .client_config(alpn)
            .map_err(|e| TransportFailure::Setup(e.to_string()))?;
        self.recorder = Some(recorder);
        Ok(config)
    }
}

/// Whether a failure on a kept connection means the server had closed it before the query.
fn closed_while_idle(failure: &TransportFailure) -> bool {
    match failure {
        TransportFailure::Closed => true,
        TransportFailure::Io(e) => matches!(
            e.kind(),
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
        ),
        _ => false,
    }
}
