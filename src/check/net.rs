//! The network steps' probes: DNS resolution of the target's host and a TCP connect, each with
//! a message and a hint a person can act on.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpStream;
use url::Host;

/// Why the target's host name did not resolve.
#[derive(Debug, thiserror::Error)]
pub(super) enum ResolveError {
    /// No answer in time.
    #[error("no answer for {domain} within {}", humantime::format_duration(*.timeout))]
    Timeout { domain: String, timeout: Duration },
    /// The resolver said no.
    #[error("cannot resolve {domain}: {source}")]
    Failed {
        domain: String,
        source: std::io::Error,
    },
    /// The name has no address.
    #[error("{domain} has no address")]
    NoAddress { domain: String },
}

impl ResolveError {
    /// What to try next.
    pub(super) fn hint(&self) -> &'static str {
        "check the host name in --technitium.url and this machine's resolver (/etc/resolv.conf)"
    }
}

/// The addresses of `host` (an IP address is its own).
pub(super) async fn resolve(
    host: &Host,
    port: u16,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, ResolveError> {
    let domain = match host {
        Host::Ipv4(ip) => return Ok(vec![SocketAddr::new(IpAddr::V4(*ip), port)]),
        Host::Ipv6(ip) => return Ok(vec![SocketAddr::new(IpAddr::V6(*ip), port)]),
        Host::Domain(d) => d.clone(),
    };
    match tokio::time::timeout(timeout, tokio::net::lookup_host((domain.clone(), port))).await {
        Err(_) => Err(ResolveError::Timeout { domain, timeout }),
        Ok(Err(source)) => Err(ResolveError::Failed { domain, source }),
        Ok(Ok(addrs)) => {
            let mut addrs: Vec<SocketAddr> = addrs.collect();
            addrs.dedup();
            if addrs.is_empty() {
                Err(ResolveError::NoAddress { domain })
            } else {
                Ok(addrs)
            }
        }
    }
}

pub(super) fn join_ips(addrs: &[SocketAddr]) -> String {
    let mut ips: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    ips.dedup();
    ips.join(", ")
}

/// Why no address of the target took a TCP connection.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to {}", .attempts.join("; "))]
pub(super) struct ConnectError {
    /// What each address answered (`ADDR: connection refused`).
    attempts: Vec<String>,
    /// Whether one refused the connection (nothing listens there).
    refused: bool,
}

impl ConnectError {
    /// What to try next.
    pub(super) fn hint(&self) -> &'static str {
        if self.refused {
            "nothing listens there: is Technitium running, and is the port right? (web console: 5380 for http, 53443 for https)"
        } else {
            "check that the host is up and that no firewall blocks the port"
        }
    }
}

/// A connection to the first address that takes one.
pub(super) async fn connect(
    addrs: &[SocketAddr],
    timeout: Duration,
) -> Result<(TcpStream, SocketAddr), ConnectError> {
    let mut attempts = Vec::new();
    let mut refused = false;
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok((stream, *addr)),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                refused = true;
                attempts.push(format!("{addr}: connection refused"));
            }
            Ok(Err(e)) => attempts.push(format!("{addr}: {e}")),
            Err(_) => attempts.push(format!(
                "{addr}: no answer within {} (a firewall dropping packets?)",
                humantime::format_duration(timeout)
            )),
        }
    }
    Err(ConnectError { attempts, refused })
}
