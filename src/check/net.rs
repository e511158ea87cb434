//! The network steps' probes: DNS resolution of the target's host and a TCP connect, each with
//! a message and a hint a person can act on.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpStream;
use url::Host;

pub(super) async fn resolve(
    host: &Host,
    port: u16,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, (String, String)> {
    let domain = match host {
        Host::Ipv4(ip) => return Ok(vec![SocketAddr::new(IpAddr::V4(*ip), port)]),
        Host::Ipv6(ip) => return Ok(vec![SocketAddr::new(IpAddr::V6(*ip), port)]),
        Host::Domain(d) => d.as_str(),
    };
    let hint =
        "check the host name in --technitium.url and this machine's resolver (/etc/resolv.conf)"
            .to_owned();
    match tokio::time::timeout(timeout, tokio::net::lookup_host((domain, port))).await {
        Err(_) => Err((
            format!(
                "no answer for {domain} within {}",
                humantime::format_duration(timeout)
            ),
            hint,
        )),
        Ok(Err(e)) => Err((format!("cannot resolve {domain}: {e}"), hint)),
        Ok(Ok(addrs)) => {
            let mut addrs: Vec<SocketAddr> = addrs.collect();
            addrs.dedup();
            if addrs.is_empty() {
                Err((format!("{domain} has no address"), hint))
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

pub(super) async fn connect(
    addrs: &[SocketAddr],
    timeout: Duration,
) -> Result<(TcpStream, SocketAddr), (String, String)> {
    let mut errors = Vec::new();
    let mut refused = false;
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok((stream, *addr)),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                refused = true;
                errors.push(format!("{addr}: connection refused"));
            }
            Ok(Err(e)) => errors.push(format!("{addr}: {e}")),
            Err(_) => errors.push(format!(
                "{addr}: no answer within {} (a firewall dropping packets?)",
                humantime::format_duration(timeout)
            )),
        }
    }
    let hint = if refused {
        "nothing listens there: is Technitium running, and is the port right? (web console: 5380 for http, 53443 for https)"
    } else {
        "check that the host is up and that no firewall blocks the port"
    };
    Err((
        format!("cannot connect to {}", errors.join("; ")),
        hint.to_owned(),
    ))
}
