//! The listener: binding, the accept loop, one HTTP/1 connection, and graceful drain.
//!
//! hyper supplies none of the listener hardening, so it is here: a header-read timeout (hyper's
//! own, with a tokio timer), read/idle and write timeouts on the socket (tokio-io-timeout), a
//! cap on concurrent connections (a semaphore), a TLS handshake timeout, and graceful shutdown
//! that stops accepting and drains in-flight requests for a bounded time.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinHandle;

use super::routes::{ServeState, handle};
use crate::exit::Fatal;
use crate::web::TlsListener;

/// Most connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 256;
/// Time a client gets to send the request headers (and to finish a TLS handshake).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a write may stall.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Binds an address; Go-style `:PORT` means every interface (IPv6 and IPv4 when possible).
async fn bind(address: &str) -> std::io::Result<TcpListener> {
    if let Some(port) = address.strip_prefix(':') {
        let port: u16 = port.parse().map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "the port is not a number")
        })?;
        return match TcpListener::bind(SocketAddr::from(([0u16; 8], port))).await {
            Ok(l) => Ok(l),
            Err(_) => TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port))).await,
        };
    }
    TcpListener::bind(address).await
}

/// Binds every address, or says which one failed.
pub(super) async fn bind_all(addresses: &[String]) -> Result<Vec<TcpListener>, Fatal> {
    let mut listeners = Vec::new();
    for a in addresses {
        let l = bind(a).await.map_err(|source| Fatal::Listen {
            address: a.clone(),
            source,
        })?;
        listeners.push(l);
    }
    Ok(listeners)
}

/// Resolves when SIGINT or SIGTERM arrives.
pub(super) async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received"),
        () = term => tracing::info!("SIGTERM received"),
    }
}

/// The running accept loops.
pub(super) struct Server {
    stop: watch::Sender<bool>,
    accepting: Vec<JoinHandle<()>>,
    graceful: Arc<GracefulShutdown>,
}

/// What every connection of a listener needs.
#[derive(Clone)]
struct Conn {
    state: Arc<ServeState>,
    tls: Option<TlsListener>,
    /// Read and idle timeout of a connection.
    idle: Duration,
}

impl Server {
    /// Starts one accept loop per listener.
    pub(super) fn start(
        listeners: Vec<TcpListener>,
        state: &Arc<ServeState>,
        tls: Option<TlsListener>,
        idle: Duration,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let graceful = Arc::new(GracefulShutdown::new());
        let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let conn = Conn {
            state: Arc::clone(state),
            tls,
            idle,
        };
        let accepting = listeners
            .into_iter()
            .map(|l| {
                let accepted = Accepted {
                    conn: conn.clone(),
                    graceful: Arc::clone(&graceful),
                    permits: Arc::clone(&permits),
                };
                tokio::spawn(accept_loop(l, accepted, stopped.clone()))
            })
            .collect();
        Self {
            stop,
            accepting,
            graceful,
        }
    }

    /// A receiver that turns true when the server stops.
    pub(super) fn stopping(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    /// Stops accepting, then waits up to `limit` for in-flight requests.
    pub(super) async fn drain(self, limit: Duration) {
        let _ = self.stop.send(true);
        for t in self.accepting {
            let _ = t.await;
        }
        tracing::info!(
            connections = self.graceful.count(),
            "shutting down: draining in-flight requests"
        );
        // The accept loops are done, so this is the last handle (connections hold watchers).
        let Ok(graceful) = Arc::try_unwrap(self.graceful) else {
            return;
        };
        if tokio::time::timeout(limit, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("drain timeout reached; closing the remaining connections");
        }
    }
}

/// What an accept loop hands each connection.
struct Accepted {
    conn: Conn,
    graceful: Arc<GracefulShutdown>,
    permits: Arc<Semaphore>,
}

async fn accept_loop(listener: TcpListener, accepted: Accepted, mut stop: watch::Receiver<bool>) {
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&accepted.permits).acquire_owned() => p,
            _ = stop.changed() => break,
        };
        let Ok(permit) = permit else { break };
        let (stream, peer) = tokio::select! {
            a = listener.accept() => match a {
                Ok(a) => a,
                Err(e) => {
                    tracing::debug!(error = %e, "accept failed");
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let watcher = accepted.graceful.watcher();
        tokio::spawn(connection(
            stream,
            peer,
            accepted.conn.clone(),
            watcher,
            permit,
        ));
    }
}

/// One connection, with its timeouts and, when configured, TLS.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    conn: Conn,
    watcher: Watcher,
    permit: OwnedSemaphorePermit,
) {
    let mut io = tokio_io_timeout::TimeoutStream::new(stream);
    io.set_read_timeout(Some(conn.idle));
    io.set_write_timeout(Some(WRITE_TIMEOUT));
    let io = Box::pin(io);
    let result = match &conn.tls {
        None => serve_http(io, conn.state, watcher, peer).await,
        Some(tls) => match tokio::time::timeout(HEADER_READ_TIMEOUT, tls.acceptor.accept(io)).await
        {
            Ok(Ok(tls_io)) => serve_http(tls_io, conn.state, watcher, peer).await,
            Ok(Err(e)) => {
                tracing::debug!(peer = %peer, error = %e, "TLS handshake failed");
                Ok(())
            }
            Err(_) => {
                tracing::debug!(peer = %peer, "TLS handshake timed out");
                Ok(())
            }
        },
    };
    if let Err(e) = result {
        tracing::debug!(peer = %peer, error = %e, "connection ended with an error");
    }
    drop(permit);
}

/// Serves HTTP/1 on one connection until it closes, watched for graceful shutdown.
async fn serve_http<I>(
    io: I,
    state: Arc<ServeState>,
    watcher: Watcher,
    peer: SocketAddr,
) -> Result<(), hyper::Error>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let service = hyper::service::service_fn(move |req| {
        let state = Arc::clone(&state);
        async move { Ok::<_, Infallible>(handle(&state, req, peer.ip()).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(io), service);
    watcher.watch(conn).await
}
