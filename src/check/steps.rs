//! The walk to one target, one function per step. Each step records its row and returns the
//! value the next one needs, or [`Stop`] when it failed: the `?` in [`Walk::run`] is the one
//! place a failure ends the walk (the later steps are then `skipped`).

use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::Instant;
use url::Host;

use super::hints::api_error_hint;
use super::net::{connect, join_ips, resolve};
use super::report::{ServerFacts, Status, Steps, Target, TargetReport};
use super::spinner::Spinner;
use super::tls::tls_step;
use super::verdict::finish;
use crate::collector::{Scraper, Snapshot};
use crate::technitium::ApiError;
use crate::technitium::types::{SessionInfo, parse_version};

/// Oldest and newest Technitium versions the exporter is tested with.
const SUPPORTED: std::ops::RangeInclusive<(u32, u32)> = (13, 0)..=(15, 6);

/// A step failed; its row says why.
struct Stop;

/// The state of one target's walk.
struct Walk<'a> {
    target: Target<'a>,
    collector: &'a Scraper,
    spinner: &'a Spinner,
    steps: Steps,
    timeout: Duration,
}

/// Walks every step for one target and reports it.
pub(super) async fn walk(
    target: Target<'_>,
    collector: &Scraper,
    spinner: &Spinner,
) -> TargetReport {
    let mut walk = Walk {
        target,
        collector,
        spinner,
        steps: Steps::default(),
        timeout: target.client.timeout,
    };
    let reached = walk.run().await.ok();
    let (server, snapshot) = reached.map_or((None, None), |(s, snap)| (Some(s), Some(snap)));
    let nodes = match &snapshot {
        Some(snap) => super::nodes::walk(target, target.nodes, collector, snap, spinner).await,
        None => Vec::new(),
    };
    let shown = collector.client().server().to_owned();
    finish(target, walk.steps, server, snapshot.as_ref(), nodes, &shown)
}

impl Walk<'_> {
    async fn run(&mut self) -> Result<(ServerFacts, Snapshot), Stop> {
        self.config();
        let (host, port) = self.url()?;
        let addrs = self.dns(&host, port).await?;
        let stream = self.tcp(&addrs).await?;
        self.tls(&host, stream, &addrs).await?;
        let info = self.session().await?;
        let server = self.version(&info);
        self.spinner.step(self.target.name, "collectors");
        // A collector may verify more for `check` (the derived counters compare the server's
        // stored minutes with its chart at once).
        self.collector.prepare_check();
        let snapshot = self.collector.collect(Instant::now() + self.timeout).await;
        Ok((server, snapshot))
    }

    /// A failed row, and the stop.
    fn fail(
        &mut self,
        id: &'static str,
        detail: String,
        hint: Option<String>,
        took: Option<Duration>,
    ) -> Stop {
        self.steps.push(id, Status::Failed, detail, hint, took);
        Stop
    }

    /// The configuration was validated before `check` ran, or it would not be here.
    fn config(&mut self) {
        let enabled: Vec<&str> = self.target.options.enabled().map(|s| s.name).collect();
        let detail = format!(
            "valid; timeout {}; collectors: session, {}",
            humantime::format_duration(self.timeout),
            enabled.join(", ")
        );
        self.steps.push("config", Status::Ok, detail, None, None);
    }

    fn url(&mut self) -> Result<(Host, u16), Stop> {
        self.spinner.step(self.target.name, "URL");
        let url = &self.target.client.url;
        let (Some(host), Some(port)) = (url.host(), url.port_or_known_default()) else {
            let detail = format!("{} has no host or port", self.collector.client().server());
            let hint = Some("set --technitium.url to e.g. http://dns.lan:5380".to_owned());
            return Err(self.fail("url", detail, hint, None));
        };
        let mut detail = format!("{}: host {host}, port {port}", url.scheme());
        if let Some(proxy) = crate::technitium::proxy_for(url) {
            detail.push_str(&format!("; requests go through {proxy}"));
        }
        self.steps.push("url", Status::Ok, detail, None, None);
        Ok((host.to_owned(), port))
    }

    async fn dns(&mut self, host: &Host, port: u16) -> Result<Vec<std::net::SocketAddr>, Stop> {
        self.spinner.step(self.target.name, "DNS resolution");
        let started = Instant::now();
        match resolve(host, port, self.timeout).await {
            Ok(addrs) => {
                let (detail, took) = match host {
                    Host::Domain(d) => (
                        format!("{d} → {}", join_ips(&addrs)),
                        Some(started.elapsed()),
                    ),
                    _ => (
                        format!("{} (an IP address: nothing to resolve)", join_ips(&addrs)),
                        None,
                    ),
                };
                self.steps.push("dns", Status::Ok, detail, None, took);
                Ok(addrs)
            }
            Err(e) => {
                let hint = Some(e.hint().to_owned());
                Err(self.fail("dns", e.to_string(), hint, Some(started.elapsed())))
            }
        }
    }

    async fn tcp(&mut self, addrs: &[std::net::SocketAddr]) -> Result<TcpStream, Stop> {
        self.spinner.step(self.target.name, "TCP connect");
        let started = Instant::now();
        match connect(addrs, self.timeout).await {
            Ok((stream, addr)) => {
                let detail = format!("connected to {addr}");
                self.steps
                    .push("tcp", Status::Ok, detail, None, Some(started.elapsed()));
                Ok(stream)
            }
            Err(e) => {
                let hint = Some(e.hint().to_owned());
                Err(self.fail("tcp", e.to_string(), hint, Some(started.elapsed())))
            }
        }
    }

    async fn tls(
        &mut self,
        host: &Host,
        stream: TcpStream,
        addrs: &[std::net::SocketAddr],
    ) -> Result<(), Stop> {
        if self.target.client.url.scheme() != "https" {
            drop(stream);
            self.plain_http(addrs.iter().all(|a| a.ip().is_loopback()));
            return Ok(());
        }
        self.spinner.step(self.target.name, "TLS handshake");
        let started = Instant::now();
        let (status, detail, hint) = tls_step(self.target.client, host, stream, self.timeout).await;
        self.steps
            .push("tls", status, detail, hint, Some(started.elapsed()));
        if status == Status::Failed {
            Err(Stop)
        } else {
            Ok(())
        }
    }

    fn plain_http(&mut self, loopback: bool) {
        if loopback {
            self.steps.push(
                "tls",
                Status::NotApplicable,
                "plain http on loopback",
                None,
                None,
            );
        } else {
            self.steps.push(
                "tls",
                Status::Warning,
                "plain http: the API token crosses the network unencrypted",
                Some(
                    "use https (Technitium serves its web console over TLS on port 53443 once enabled under Settings → Web Service)"
                        .to_owned(),
                ),
                None,
            );
        }
    }

    /// HTTP and token, from session/get.
    async fn session(&mut self) -> Result<SessionInfo, Stop> {
        self.spinner
            .step(self.target.name, "HTTP and token (session/get)");
        let started = Instant::now();
        let session = self.collector.client().session().await;
        let elapsed = started.elapsed();
        let info = session.map_err(|e| {
            token_failure(&mut self.steps, &e, elapsed);
            Stop
        })?;
        self.steps.push(
            "http",
            Status::Ok,
            "the server answered with Technitium's JSON",
            None,
            Some(elapsed),
        );
        let detail = if self.collector.client().uses_query_token() {
            "accepted, sent as the ?token= query parameter (the server is before v15)"
        } else {
            "accepted, sent in the Authorization: Bearer header"
        };
        self.steps.push("token", Status::Ok, detail, None, None);
        Ok(info)
    }

    fn version(&mut self, info: &SessionInfo) -> ServerFacts {
        version_step(
            &mut self.steps,
            info,
            self.collector.client().uses_query_token(),
        )
    }
}

/// Reports a failed session/get on the http and token rows.
fn token_failure(steps: &mut Steps, e: &ApiError, elapsed: Duration) {
    let (detail, hint) = (e.to_string(), Some(api_error_hint(e)));
    match e {
        ApiError::MissingToken { .. } => {
            steps.push(
                "http",
                Status::Skipped,
                "not checked: no token to send",
                None,
                None,
            );
            steps.push("token", Status::Failed, detail, hint, None);
        }
        ApiError::InvalidToken { .. }
        | ApiError::TwoFactorRequired { .. }
        | ApiError::PermissionDenied { .. }
        | ApiError::Api { .. } => {
            steps.push(
                "http",
                Status::Ok,
                "the server answered with Technitium's JSON",
                None,
                Some(elapsed),
            );
            steps.push("token", Status::Failed, detail, hint, None);
        }
        ApiError::Unreachable { .. }
        | ApiError::Timeout { .. }
        | ApiError::HttpStatus { .. }
        | ApiError::BadResponse { .. }
        | ApiError::TooLarge { .. }
        | ApiError::OverBudget { .. }
        | ApiError::TooMuchData { .. }
        | ApiError::ParameterNotAllowed { .. }
        | ApiError::Internal { .. }
        | ApiError::NodeUnreachable { .. }
        | ApiError::NodeNotListed { .. }
        | ApiError::WrongNode { .. } => {
            steps.push("http", Status::Failed, detail, hint, Some(elapsed));
        }
    }
}

fn version_step(steps: &mut Steps, info: &SessionInfo, token_in_query: bool) -> ServerFacts {
    let version = info.version.trim().to_owned();
    let parsed = parse_version(&version);
    let (first, last) = (SUPPORTED.start(), SUPPORTED.end());
    let range = format!("{}.x–{}.{}", first.0, last.0, last.1);
    let supported = parsed.is_some_and(|v| SUPPORTED.contains(&v));
    let (status, detail, hint) = match parsed {
        Some(_) if supported => (
            Status::Ok,
            format!("Technitium {version} (supported: {range})"),
            None,
        ),
        Some(v) if v < *first => (
            Status::Warning,
            format!("Technitium {version} is older than the oldest tested ({range})"),
            Some("some collectors may fail; upgrade Technitium".to_owned()),
        ),
        Some(_) => (
            Status::Warning,
            format!("Technitium {version} is newer than the latest tested ({range})"),
            Some("new fields may be missing; look for a newer exporter".to_owned()),
        ),
        None => (
            Status::Warning,
            format!("cannot read the server's version {version:?}"),
            None,
        ),
    };
    steps.push("version", status, detail, hint, None);
    ServerFacts {
        version,
        supported,
        domain: info.dns_server_domain.clone(),
        token_in_query,
    }
}
