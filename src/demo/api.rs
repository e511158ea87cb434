//! The demo's HTTP API: a hyper server on a loopback port that answers the allowlisted
//! endpoints as a Technitium server of the chosen version would, per cluster node.
//!
//! It owns the wire behaviour: the token check (before v15 only the query parameter counts),
//! `node=` routing (`session/get` always answered by the contacted server, `dns3` unreachable,
//! an unknown node refused), the envelope and its `server` key (v14+), errors as the server
//! writes them, and the delays of the slow forwarders. The data comes from `traffic.rs` and
//! `objects.rs`; nothing here makes up numbers.

use std::convert::Infallible;
use std::f64::consts::TAU;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::watch;
use url::Url;

use crate::technitium::types::{
    DhcpLeases, DhcpScopes, Envelope, MetricsJson, ResolveAnswer, ResolveMetadata, ResolveResult,
    ServerStatus, SessionInfo, Timestamp, UpdateCheck, Zone,
};
use crate::technitium::{Endpoint, Secret};

use super::objects::{
    DEMO_FORWARDERS, cluster_state, dhcp_leases, dhcp_scopes, make_zones, secondary_copies,
    session_info, settings,
};
use super::traffic::{custom, last_hour, lifetime, main_chart, stats, top};
use super::world::{DOMAIN, DemoVersion, NODE_PORT, NODE2, NODE3, Node};

/// With this variable set to `1`, the demo prints its URL and token on stderr (for benchmarks
/// that point other programs at it).
pub const PRINT_ENV: &str = "TECHNITIUM_EXPORTER_DEMO_PRINT";
/// Milliseconds the demo waits before each answer (a slow upstream, for coalescing checks).
pub const DELAY_ENV: &str = "TECHNITIUM_EXPORTER_DEMO_DELAY_MS";

/// A running demo server; dropping it stops the server.
#[derive(Debug)]
pub struct Demo {
    /// Its base URL (`http://127.0.0.1:PORT`).
    pub url: Url,
    /// The token it accepts.
    pub token: Secret,
    _stop: watch::Sender<bool>,
}

/// What every answer reads: the version and token, when `dns1` started, and the zone lists made
/// at start.
struct ServerState {
    version: DemoVersion,
    token: String,
    started: f64,
    /// Number of zones, internal ones included (the dashboard's `zones` gauge).
    zone_count: usize,
    /// How many zones were asked for, and when they were made (`dns2`'s copies are made from
    /// the same list, when first asked for).
    zones_asked: usize,
    zones_made: f64,
    /// The whole `zones/list` answer, serialized once: the list does not change, and at
    /// 100 000 zones serializing it per request would dominate the demo's cost.
    zones_body: Bytes,
    /// `dns2`'s `zones/list` answer, made on first use.
    node2_zones_body: std::sync::OnceLock<Bytes>,
}

/// Starts the demo server on `127.0.0.1:0`.
///
/// # Errors
/// When no loopback port can be bound.
pub async fn start(version: DemoVersion, zones: usize) -> std::io::Result<Demo> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let addr = listener.local_addr()?;
    let token = format!(
        "demo-{:016x}",
        std::process::id() as u64 ^ (Timestamp::now().0.to_bits() >> 7)
    );
    let now = Timestamp::now().0;
    let zones_asked = zones;
    let zones = make_zones(version, zones_asked, now);
    let state = Arc::new(ServerState {
        version,
        token: token.clone(),
        started: now - 3.0 * 86_400.0 - 4.0 * 3600.0 - 17.0 * 60.0,
        zone_count: zones.len(),
        zones_asked,
        zones_made: now,
        zones_body: envelope_bytes(
            version,
            DOMAIN,
            "ok",
            None,
            Some(ZoneListRef { zones: &zones }),
        ),
        node2_zones_body: std::sync::OnceLock::new(),
    });
    drop(zones);
    let delay = std::env::var(DELAY_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map(std::time::Duration::from_millis);
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(accept_loop(listener, state, delay, stopped));
    let url = Url::parse(&format!("http://{addr}")).map_err(std::io::Error::other)?;
    // benches/load.sh points other exporters at this server; the demo token is not a secret,
    // but normal output stays clean unless asked.
    if std::env::var_os(PRINT_ENV).is_some_and(|v| v == "1") {
        eprintln!("demo: url={url} token={token}");
    }
    Ok(Demo {
        url,
        token: Secret::new(&token),
        _stop: stop,
    })
}

/// Serves connections until `stopped` changes (the [`Demo`] is dropped).
async fn accept_loop(
    listener: TcpListener,
    state: Arc<ServerState>,
    delay: Option<std::time::Duration>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stopped.changed() => break,
        };
        let Ok((stream, _)) = accepted else { continue };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move {
                    if let Some(delay) = delay {
                        tokio::time::sleep(delay).await;
                    }
                    if let Some(delay) = resolve_delay(&req) {
                        tokio::time::sleep(delay).await;
                    }
                    Ok::<_, Infallible>(handle(&state, &req))
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn envelope_bytes<T: Serialize>(
    version: DemoVersion,
    server: &str,
    status: &str,
    message: Option<&str>,
    body: Option<T>,
) -> Bytes {
    let envelope = Envelope {
        status: status.to_owned(),
        error_message: message.map(str::to_owned),
        inner_error_message: None,
        response: body,
        server: version.clustered().then(|| server.to_owned()),
    };
    Bytes::from(serde_json::to_vec(&envelope).unwrap_or_default())
}

/// The contacted server's answer to a call it could not proxy to `dns3`: .NET's
/// `HttpRequestException` for a refused connection, written by the contacted server's
/// exception handler.
fn unreachable_node(state: &ServerState) -> Response<Full<Bytes>> {
    let envelope = Envelope::<()> {
        status: "error".to_owned(),
        error_message: Some(format!("Connection refused ({NODE3}:{NODE_PORT})")),
        inner_error_message: Some("Connection refused".to_owned()),
        response: None,
        server: state.version.clustered().then(|| DOMAIN.to_owned()),
    };
    json_bytes_response(Bytes::from(
        serde_json::to_vec(&envelope).unwrap_or_default(),
    ))
}

fn json_bytes_response(bytes: Bytes) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(bytes));
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    resp
}

fn json_response<T: Serialize>(
    state: &ServerState,
    status: &str,
    message: Option<&str>,
    body: Option<T>,
) -> Response<Full<Bytes>> {
    json_bytes_response(envelope_bytes(state.version, DOMAIN, status, message, body))
}

/// An ok answer written by `node`.
fn node_ok<T: Serialize>(state: &ServerState, node: Node, body: T) -> Response<Full<Bytes>> {
    json_bytes_response(envelope_bytes(
        state.version,
        node.domain(),
        "ok",
        None,
        Some(body),
    ))
}

/// An error answer written by `node` (a call proxied to it fails there, not on the contacted
/// server).
fn node_error(state: &ServerState, node: Node, message: &str) -> Response<Full<Bytes>> {
    json_bytes_response(envelope_bytes::<()>(
        state.version,
        node.domain(),
        "error",
        Some(message),
        None,
    ))
}

/// Session/get writes `info` at the top level, not under `response`.
#[derive(Serialize)]
struct SessionBody<'a> {
    status: &'a str,
    username: &'a str,
    #[serde(rename = "tokenName")]
    token_name: &'a str,
    info: SessionInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<&'a str>,
}

/// `/api/status` writes its fields at the top level, beside `server` and `status`; the demo's
/// admin password was changed long ago.
fn status_response() -> Response<Full<Bytes>> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct StatusBody<'a> {
        #[serde(flatten)]
        fields: ServerStatus,
        server: &'a str,
        status: &'a str,
    }
    let body = StatusBody {
        fields: ServerStatus {
            has_default_credentials: Some(false),
            sso_enabled: Some(false),
        },
        server: DOMAIN,
        status: "ok",
    };
    json_bytes_response(Bytes::from(serde_json::to_vec(&body).unwrap_or_default()))
}

fn not_found() -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}

/// The query parameters of a request.
struct Query(Vec<(String, String)>);

impl Query {
    fn of(req: &Request<Incoming>) -> Self {
        Self(
            req.uri()
                .query()
                .map(|q| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .into_owned()
                        .collect()
                })
                .unwrap_or_default(),
        )
    }

    fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
}

fn handle(state: &ServerState, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    // benches/load.sh counts upstream calls per scrape from these lines.
    tracing::debug!(endpoint = req.uri().path(), "demo request");
    let query = Query::of(req);
    let node_asked = query
        .get("node")
        .filter(|n| !n.is_empty() && *n != "cluster");
    let bearer = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    // Before v15 the server reads only the query parameter.
    let presented = if state.version.v15() {
        bearer.or(query.get("token"))
    } else {
        query.get("token")
    };
    let Some(endpoint) = Endpoint::ALL
        .into_iter()
        .find(|e| e.path() == req.uri().path())
    else {
        return not_found();
    };
    // The cluster routes the call first (it names the node before it checks the token); a v13
    // server has no cluster and ignores `node`.
    let clustered = state.version.clustered();
    let node = match node_asked {
        Some(n) if clustered && !endpoint.on_contacted_node() => {
            if n.eq_ignore_ascii_case(DOMAIN) {
                Some(Node::One)
            } else if n.eq_ignore_ascii_case(NODE2) {
                Some(Node::Two)
            } else if n.eq_ignore_ascii_case(NODE3) {
                None
            } else {
                let message = format!("No such node exists in the Cluster by name: {n}");
                return json_response::<()>(state, "error", Some(&message), None);
            }
        }
        _ => Some(Node::One),
    };
    // `/api/status` needs no token; from 15.5 the health check needs none from loopback (the
    // demo's only address) when the contacted server answers it itself.
    let anonymous = match endpoint {
        Endpoint::Status => true,
        Endpoint::HealthCheck => {
            state.version.v15_6() && presented.is_none() && node == Some(Node::One)
        }
        _ => false,
    };
    if !anonymous && presented != Some(state.token.as_str()) {
        return json_response::<()>(
            state,
            "invalid-token",
            Some("Invalid token or session expired."),
            None,
        );
    }
    match node {
        Some(node) => answer(state, node, endpoint, &query, Timestamp::now().0),
        None => unreachable_node(state),
    }
}

fn session_response(state: &ServerState, now: f64) -> Response<Full<Bytes>> {
    let body = SessionBody {
        status: "ok",
        username: "exporter",
        token_name: "prometheus",
        info: session_info(state.version, state.started, now),
        server: state.version.clustered().then_some(DOMAIN),
    };
    json_bytes_response(Bytes::from(serde_json::to_vec(&body).unwrap_or_default()))
}

/// The answer to an authorised call of `endpoint`, as `node`.
fn answer(
    state: &ServerState,
    node: Node,
    endpoint: Endpoint,
    q: &Query,
    now: f64,
) -> Response<Full<Bytes>> {
    let v = state.version;
    // dns2 serves fewer clients.
    let scale = if node == Node::Two { 0.55 } else { 1.0 };
    match endpoint {
        Endpoint::SessionGet => session_response(state, now),
        Endpoint::MetricsJson if v.v15() => {
            let counters = lifetime(node.started(state.started), scale, now);
            node_ok(
                state,
                node,
                MetricsJson {
                    lifetime_counters: counters,
                },
            )
        }
        Endpoint::MetricsJson => not_found(),
        Endpoint::StatsGet => stats_response(state, node, q, scale, now),
        Endpoint::StatsGetTop => {
            let limit = q
                .get("limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(1000usize);
            let kind = q.get("statsType").unwrap_or("");
            node_ok(state, node, top(kind, limit, scale, now))
        }
        Endpoint::ZonesList => match node {
            Node::One => json_bytes_response(state.zones_body.clone()),
            Node::Two => json_bytes_response(node2_zones(state).clone()),
        },
        Endpoint::DhcpScopesList => match node {
            Node::One => node_ok(state, node, dhcp_scopes()),
            Node::Two => node_ok(state, node, DhcpScopes { scopes: Vec::new() }),
        },
        Endpoint::DhcpLeasesList => match node {
            Node::One => node_ok(state, node, dhcp_leases()),
            Node::Two => node_ok(state, node, DhcpLeases { leases: Vec::new() }),
        },
        Endpoint::SettingsGet => node_ok(state, node, settings(v, now)),
        Endpoint::DnsClientResolve => resolve(state, node, &q.0),
        Endpoint::CheckForUpdate => {
            // The newest release the demo's moment knows.
            let latest = if v.v15_6() { "15.6" } else { "15.2" };
            let newer = node.version(v) != latest;
            let body = UpdateCheck {
                update_available: newer,
                update_version: newer.then(|| latest.to_owned()),
                dns_server_enable_check_for_update: v.v15_6().then_some(true),
            };
            node_ok(state, node, body)
        }
        // A bare `status: ok`: the node resolved `domain` with its own resolver.
        Endpoint::HealthCheck if v.v15_6() => {
            json_bytes_response(envelope_bytes::<()>(v, node.domain(), "ok", None, None))
        }
        Endpoint::Status if v.v15_6() => status_response(),
        Endpoint::HealthCheck | Endpoint::Status => not_found(),
        Endpoint::ClusterState if v == DemoVersion::V13_6 => not_found(),
        Endpoint::ClusterState => node_ok(state, node, cluster_state(v, node, state.started, now)),
    }
}

/// `stats/get`: LastHour with per-minute data that lags like the server's, Custom ranges
/// consistent with it, and the other windows.
fn stats_response(
    state: &ServerState,
    node: Node,
    q: &Query,
    scale: f64,
    now: f64,
) -> Response<Full<Bytes>> {
    let v = state.version;
    let window = q.get("type").unwrap_or("LastHour");
    let full = v != DemoVersion::V13_6 && q.get("dontTrimQueryTypeData") == Some("true");
    let zones = state.zone_count;
    let answer = match window {
        "LastHour" => Ok(last_hour(full, zones, scale, now)),
        "Custom" => custom(q.get("start"), q.get("end"), full, zones, scale, now),
        _ => {
            let mut stats = stats(window, full, zones, scale, now);
            stats.main_chart_data = Some(main_chart(window, scale, now));
            Ok(stats)
        }
    };
    match answer {
        Ok(stats) => node_ok(state, node, stats),
        Err(e) => json_response::<()>(state, "error", Some(&e.to_string()), None),
    }
}

/// `dns2`'s `zones/list` answer ([`secondary_copies`] of the zones `dns1` was made with), made
/// on first use.
fn node2_zones(state: &ServerState) -> &Bytes {
    state.node2_zones_body.get_or_init(|| {
        let now = state.zones_made;
        let zones = secondary_copies(make_zones(state.version, state.zones_asked, now), now);
        envelope_bytes(
            state.version,
            NODE2,
            "ok",
            None,
            Some(ZoneListRef { zones: &zones }),
        )
    })
}

#[derive(Serialize)]
struct ZoneListRef<'a> {
    zones: &'a [Zone],
}

/// How long `dnsClient/resolve` takes for a forwarder: the slow one's round trip, the failing
/// one's give-up time (shorter than the real server's ten seconds).
fn resolve_delay(req: &Request<Incoming>) -> Option<std::time::Duration> {
    if req.uri().path() != Endpoint::DnsClientResolve.path() {
        return None;
    }
    let server = url::form_urlencoded::parse(req.uri().query()?.as_bytes())
        .find(|(k, _)| k == "server")
        .map(|(_, v)| v.into_owned())?;
    match DEMO_FORWARDERS.iter().position(|f| *f == server) {
        Some(1) => Some(std::time::Duration::from_millis(400)),
        Some(2) => Some(std::time::Duration::from_millis(1500)),
        _ => None,
    }
}

/// `dnsClient/resolve` for the demo's forwarders: the fast one answers in about 12 ms, the slow
/// one in about 410 ms, the third times out (Technitium's error envelope); anything else is
/// refused as the real server refuses an unknown server name.
fn resolve(state: &ServerState, node: Node, query: &[(String, String)]) -> Response<Full<Bytes>> {
    let param = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let server = param("server").unwrap_or_default();
    let domain = param("domain").unwrap_or_default();
    let qtype = param("type").unwrap_or_else(|| "A".to_owned());
    let protocol = param("protocol").unwrap_or_else(|| "Udp".to_owned());
    let question = format!(
        "{} {qtype} IN",
        if domain.is_empty() { "." } else { &domain }
    );
    let now = Timestamp::now().0;
    let rtt = match DEMO_FORWARDERS.iter().position(|f| *f == server) {
        Some(0) => 12.0 + 3.0 * (TAU * now / 300.0).sin(),
        Some(1) => 410.0 + 25.0 * (TAU * now / 420.0).sin(),
        Some(_) => {
            return node_error(
                state,
                node,
                &format!(
                    "DnsClient failed to resolve the request '{question}': request timed out."
                ),
            );
        }
        None => {
            return node_error(
                state,
                node,
                &format!("Invalid name server address: {server}"),
            );
        }
    };
    node_ok(
        state,
        node,
        ResolveAnswer {
            result: Some(ResolveResult {
                metadata: Some(ResolveMetadata {
                    name_server: Some(format!("{server}:53")),
                    protocol: Some(protocol),
                    round_trip_time: Some(format!("{rtt:.2} ms")),
                }),
                rcode: Some("NoError".to_owned()),
            }),
        },
    )
}
