//! `--demo`: a simulated Technitium server on a random loopback port.
//!
//! It answers the exporter's allowlisted endpoints from the same typed structures the client
//! parses (`technitium::types`), so the two cannot drift apart. Numbers are realistic and move
//! slowly with the clock; some zones are in trouble, a three-node cluster has one unreachable
//! node (v14+), DHCP scopes have leases. The token has every permission. Version behaviour
//! follows the real servers: before v15 the Bearer header is ignored (query token only), v14+
//! adds the `server` envelope key and clusters, v15+ adds lifetime counters.
//!
//! The cluster answers per node, as a real one does through one URL (v15.2's
//! `WebServiceApiMiddleware`): `node=` names the node a call is proxied to, except
//! `session/get`, which the contacted server (`dns1`, the primary) always answers itself.
//! `dns2` (a secondary one minor version older) answers as itself: its own version and cluster
//! view, secondary copies of `dns1`'s primary zones (one of them a few serials behind), fewer
//! queries, no DHCP. `dns3` is unreachable: its calls fail the way the contacted server fails a
//! proxied request whose connection is refused (HTTP 200, `status: error`, the error written
//! by — and naming — the contacted server). An unknown node gets the server's "No such node
//! exists in the Cluster" error.

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
    ChartData, ClusterNode, ClusterState, Counters, DashboardStats, Dataset, DhcpLease, DhcpLeases,
    DhcpScope, DhcpScopes, Envelope, MetricsJson, Permission, SessionInfo, Settings, Stats,
    Timestamp, TopEntry, TopStats, UpdateCheck, Zone,
};
use crate::technitium::{Endpoint, Secret};

const DOMAIN: &str = "dns1.demo.lan";
/// The reachable secondary node, one minor version older.
const NODE2: &str = "dns2.demo.lan";
/// The unreachable secondary node.
const NODE3: &str = "dns3.demo.lan";
/// The web service port the nodes' URLs name.
const NODE_PORT: u16 = 53443;

/// Versions the demo server can imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DemoVersion {
    /// v13.6: query-string token only, no cluster, no lifetime counters.
    V13_6,
    /// v14.3: cluster, still query-string token only.
    V14_3,
    /// v15.2: Bearer header, lifetime counters.
    #[default]
    V15_2,
}

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

struct State {
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

/// The node a call is answered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    /// `dns1`: the contacted server, the cluster's primary.
    One,
    /// `dns2`: a reachable secondary.
    Two,
}

impl Node {
    fn domain(self) -> &'static str {
        match self {
            Self::One => DOMAIN,
            Self::Two => NODE2,
        }
    }
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
    let zones = make_zones(zones, now);
    let state = Arc::new(State {
        version,
        token: token.clone(),
        started: now - 3.0 * 86_400.0 - 4.0 * 3600.0 - 17.0 * 60.0,
        zone_count: zones.len(),
        zones_asked: zones.len().saturating_sub(3),
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
    let (stop, mut stopped) = watch::channel(false);
    tokio::spawn(async move {
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
                        Ok::<_, Infallible>(handle(&state, &req))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
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

fn version_str(v: DemoVersion) -> &'static str {
    match v {
        DemoVersion::V13_6 => "13.6",
        DemoVersion::V14_3 => "14.3",
        DemoVersion::V15_2 => "15.2",
    }
}

/// The version a node runs: `dns2` is one minor version behind.
fn node_version(v: DemoVersion, node: Node) -> &'static str {
    match (v, node) {
        (_, Node::One) => version_str(v),
        (DemoVersion::V14_3, Node::Two) => "14.2",
        (_, Node::Two) => "15.1",
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
        server: (version != DemoVersion::V13_6).then(|| server.to_owned()),
    };
    Bytes::from(serde_json::to_vec(&envelope).unwrap_or_default())
}

/// The contacted server's answer to a call it could not proxy to `dns3`: .NET's
/// `HttpRequestException` for a refused connection, written by the contacted server's
/// exception handler.
fn unreachable_node(state: &State) -> Response<Full<Bytes>> {
    let envelope = Envelope::<()> {
        status: "error".to_owned(),
        error_message: Some(format!("Connection refused ({NODE3}:{NODE_PORT})")),
        inner_error_message: Some("Connection refused".to_owned()),
        response: None,
        server: (state.version != DemoVersion::V13_6).then(|| DOMAIN.to_owned()),
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
    state: &State,
    status: &str,
    message: Option<&str>,
    body: Option<T>,
) -> Response<Full<Bytes>> {
    json_bytes_response(envelope_bytes(state.version, DOMAIN, status, message, body))
}

/// An ok answer written by `node`.
fn node_ok<T: Serialize>(state: &State, node: Node, body: T) -> Response<Full<Bytes>> {
    json_bytes_response(envelope_bytes(
        state.version,
        node.domain(),
        "ok",
        None,
        Some(body),
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

fn handle(state: &State, req: &Request<Incoming>) -> Response<Full<Bytes>> {
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
    let presented = match state.version {
        DemoVersion::V15_2 => bearer.or(query.get("token")),
        _ => query.get("token"),
    };
    let Some(endpoint) = Endpoint::ALL
        .into_iter()
        .find(|e| e.path() == req.uri().path())
    else {
        return not_found();
    };
    // The cluster routes the call first (it names the node before it checks the token); a v13
    // server has no cluster and ignores `node`.
    let clustered = state.version != DemoVersion::V13_6;
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
    if presented != Some(state.token.as_str()) {
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

fn session_response(state: &State, now: f64) -> Response<Full<Bytes>> {
    let body = SessionBody {
        status: "ok",
        username: "exporter",
        token_name: "prometheus",
        info: session_info(state, now),
        server: (state.version != DemoVersion::V13_6).then_some(DOMAIN),
    };
    json_bytes_response(Bytes::from(serde_json::to_vec(&body).unwrap_or_default()))
}

/// The answer to an authorised call of `endpoint`, as `node`.
fn answer(
    state: &State,
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
        Endpoint::MetricsJson if v == DemoVersion::V15_2 => {
            let counters = lifetime(node_started(state, node), scale, now);
            node_ok(
                state,
                node,
                MetricsJson {
                    lifetime_counters: counters,
                },
            )
        }
        Endpoint::MetricsJson => not_found(),
        Endpoint::StatsGet => {
            let window = q.get("type").unwrap_or("LastHour");
            let full = v != DemoVersion::V13_6 && q.get("dontTrimQueryTypeData") == Some("true");
            let body = StatsBody {
                main_chart_data: main_chart(window, scale, now),
                stats: stats(window, full, state, scale, now),
            };
            node_ok(state, node, body)
        }
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
        Endpoint::SettingsGet => node_ok(state, node, settings(now)),
        Endpoint::CheckForUpdate => {
            let newer = node_version(v, node) != "15.2";
            let body = UpdateCheck {
                update_available: newer,
                update_version: newer.then(|| "15.2".to_owned()),
            };
            node_ok(state, node, body)
        }
        Endpoint::ClusterState if v == DemoVersion::V13_6 => not_found(),
        Endpoint::ClusterState => node_ok(state, node, cluster_state(state, node, now)),
    }
}

/// When a node's server process started.
fn node_started(state: &State, node: Node) -> f64 {
    match node {
        Node::One => state.started,
        Node::Two => state.started + 600.0,
    }
}

/// The cluster as `node` sees it: itself as `Self`, the other reachable node as connected,
/// `dns3` as unreachable.
fn cluster_nodes(state: &State, node: Node, now: f64) -> Vec<ClusterNode> {
    let entry =
        |name: &str, t: &str, s: &str, last_seen: Option<f64>, up: Option<f64>| ClusterNode {
            name: name.to_owned(),
            url: Some(format!("https://{name}:{NODE_PORT}/")),
            node_type: Some(t.to_owned()),
            state: Some(s.to_owned()),
            last_seen: last_seen.map(Timestamp),
            up_since: up.map(Timestamp),
        };
    let (one, two) = (
        node_started(state, Node::One),
        node_started(state, Node::Two),
    );
    let unreachable = entry(
        NODE3,
        "Secondary",
        "Unreachable",
        Some(now - 47.0 * 60.0),
        None,
    );
    match node {
        Node::One => vec![
            entry(DOMAIN, "Primary", "Self", None, Some(one)),
            entry(NODE2, "Secondary", "Connected", Some(now - 12.0), Some(two)),
            unreachable,
        ],
        Node::Two => vec![
            entry(DOMAIN, "Primary", "Connected", Some(now - 9.0), Some(one)),
            entry(NODE2, "Secondary", "Self", None, Some(two)),
            unreachable,
        ],
    }
}

fn cluster_state(state: &State, node: Node, now: f64) -> ClusterState {
    ClusterState {
        version: node_version(state.version, node).to_owned(),
        dns_server_domain: Some(node.domain().to_owned()),
        cluster_initialized: Some(true),
        cluster_domain: Some("demo.lan".to_owned()),
        cluster_nodes: Some(cluster_nodes(state, node, now)),
    }
}

/// `dns2`'s zones: its own internal zones and a secondary copy of each of `dns1`'s primary
/// and forwarder zones (the cluster syncs them), in sync but for the first primary zone, two
/// serials behind.
fn node2_zones(state: &State) -> &Bytes {
    state.node2_zones_body.get_or_init(|| {
        let now = state.zones_made;
        let mut lagging = true;
        let zones: Vec<Zone> = make_zones(state.zones_asked, now)
            .into_iter()
            .filter_map(|mut z| {
                if z.internal {
                    return Some(z);
                }
                let copy = match z.zone_type.as_str() {
                    "Primary" => "Secondary",
                    "Forwarder" => "SecondaryForwarder",
                    _ => return None,
                };
                z.zone_type = copy.to_owned();
                z.disabled = false;
                z.expiry = Some(Timestamp(now + 86_400.0 * 14.0));
                z.is_expired = Some(false);
                z.sync_failed = Some(false);
                z.notify_failed = Some(false);
                if lagging && copy == "Secondary" {
                    z.soa_serial = z.soa_serial.map(|s| s.saturating_sub(2));
                    lagging = false;
                }
                Some(z)
            })
            .collect();
        envelope_bytes(
            state.version,
            NODE2,
            "ok",
            None,
            Some(ZoneListRef { zones: &zones }),
        )
    })
}

fn settings(now: f64) -> Settings {
    Settings {
        enable_blocking: Some(true),
        temporary_disable_blocking_till: None,
        block_list_next_updated_on: Some(Timestamp(
            ((now / 86_400.0).floor() + 1.0) * 86_400.0 + 3.0 * 3600.0,
        )),
    }
}

/// `stats/get` as the server sends it: the web console's main chart comes too. The exporter does
/// not read it (it parses [`DashboardStats`] and skips the rest), but other exporters do, and its
/// size is part of what a real answer costs to parse.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsBody {
    #[serde(flatten)]
    stats: DashboardStats,
    main_chart_data: MainChart,
}

#[derive(Serialize)]
struct MainChart {
    labels: Vec<String>,
    datasets: Vec<MainDataset>,
}

#[derive(Serialize)]
struct MainDataset {
    label: &'static str,
    data: Vec<u64>,
}

/// The main chart of a window: one point per minute (last hour), hour (last day), day (last
/// week, month) or month (last year), per series, oldest first.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn main_chart(window: &str, scale: f64, now: f64) -> MainChart {
    let (points, step) = match window {
        "LastDay" => (24, 3_600.0),
        "LastWeek" => (7, 86_400.0),
        "LastMonth" => (31, 86_400.0),
        "LastYear" => (12, 2_678_400.0),
        _ => (60, 60.0),
    };
    let start = (now / step).floor() * step - step * f64::from(points - 1);
    let times: Vec<f64> = (0..points).map(|i| start + step * f64::from(i)).collect();
    let labels = times
        .iter()
        .map(|t| {
            time::OffsetDateTime::from_unix_timestamp(*t as i64)
                .ok()
                .and_then(|d| {
                    d.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default()
        })
        .collect();
    let series = |label: &'static str, share: f64| MainDataset {
        label,
        data: times
            .iter()
            .map(|t| (rate(*t) * scale * step * share) as u64)
            .collect(),
    };
    MainChart {
        labels,
        datasets: vec![
            series("Total", 1.0),
            series("No Error", RCODES[0]),
            series("Server Failure", RCODES[1]),
            series("NX Domain", RCODES[2]),
            series("Refused", RCODES[3]),
            series("Authoritative", OUTCOMES[0]),
            series("Recursive", OUTCOMES[1]),
            series("Cached", OUTCOMES[2]),
            series("Blocked", OUTCOMES[3]),
            series("Dropped", OUTCOMES[4]),
            MainDataset {
                label: "Clients",
                data: times
                    .iter()
                    .map(|t| (31.0 + 5.0 * (TAU * t / 7_200.0).sin()) as u64)
                    .collect(),
            },
        ],
    }
}

#[derive(Serialize)]
struct ZoneListRef<'a> {
    zones: &'a [Zone],
}

fn session_info(state: &State, now: f64) -> SessionInfo {
    let all = Permission {
        can_view: true,
        can_modify: false,
        can_delete: false,
    };
    let sections = [
        "Dashboard",
        "Zones",
        "Cache",
        "Allowed",
        "Blocked",
        "Apps",
        "DnsClient",
        "Settings",
        "DhcpServer",
        "Administration",
        "Logs",
    ];
    let clustered = state.version != DemoVersion::V13_6;
    SessionInfo {
        version: version_str(state.version).to_owned(),
        uptimestamp: Some(Timestamp(state.started)),
        dns_server_domain: Some(DOMAIN.to_owned()),
        cluster_initialized: clustered.then_some(true),
        cluster_domain: clustered.then(|| "demo.lan".to_owned()),
        cluster_nodes: clustered.then(|| cluster_nodes(state, Node::One, now)),
        permissions: sections.iter().map(|s| ((*s).to_owned(), all)).collect(),
    }
}

/// Queries per second now: a daily wave plus a slow ripple.
fn rate(t: f64) -> f64 {
    38.0 + 14.0 * (TAU * t / 86_400.0).sin() + 3.0 * (TAU * t / 900.0).sin()
}

/// Shares of the rcode and outcome buckets.
const RCODES: [f64; 4] = [0.885, 0.008, 0.095, 0.002];
const OUTCOMES: [f64; 5] = [0.06, 0.30, 0.55, 0.09, 0.0];

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn counters(total: f64, clients: u64) -> Counters {
    let part = |share: f64| Some((total * share).floor() as u64);
    Counters {
        total_queries: Some(total.floor() as u64),
        total_no_error: part(RCODES[0]),
        total_server_failure: part(RCODES[1]),
        total_nx_domain: part(RCODES[2]),
        total_refused: part(RCODES[3]),
        total_authoritative: part(OUTCOMES[0]),
        total_recursive: part(OUTCOMES[1]),
        total_cached: part(OUTCOMES[2]),
        total_blocked: part(OUTCOMES[3]),
        total_dropped: part(OUTCOMES[4]),
        total_clients: Some(clients),
    }
}

/// Monotonic: the mean rate times the time since start (the ripple integrates to a bounded term
/// smaller than the mean, so the total never decreases).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn lifetime(started: f64, scale: f64, now: f64) -> Counters {
    let elapsed = now - started;
    counters(scale * (38.0 * elapsed + 2_000.0), (57.0 * scale) as u64)
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn stats(window: &str, full_qtypes: bool, state: &State, scale: f64, now: f64) -> DashboardStats {
    let seconds = match window {
        "LastDay" => 86_400.0,
        "LastWeek" => 604_800.0,
        "LastMonth" => 2_678_400.0,
        "LastYear" => 31_536_000.0,
        _ => 3_600.0,
    };
    let total = if seconds > 3_600.0 {
        38.0 * seconds
    } else {
        rate(now) * seconds
    } * scale;
    let clients = if seconds > 3_600.0 {
        57
    } else {
        31 + (5.0 * (TAU * now / 7_200.0).sin()) as u64
    };
    let qtypes: [(&str, f64); 12] = [
        ("A", 0.52),
        ("AAAA", 0.21),
        ("HTTPS", 0.11),
        ("PTR", 0.05),
        ("TXT", 0.03),
        ("SRV", 0.02),
        ("MX", 0.015),
        ("SOA", 0.012),
        ("NS", 0.01),
        ("CNAME", 0.008),
        ("DS", 0.003),
        ("DNSKEY", 0.002),
    ];
    let mut labels: Vec<String> = Vec::new();
    let mut data: Vec<serde_json::Number> = Vec::new();
    let shown = if full_qtypes { qtypes.len() } else { 9 };
    for (name, share) in &qtypes[..shown] {
        labels.push((*name).to_owned());
        data.push(((total * share) as u64).into());
    }
    if !full_qtypes {
        labels.push("Others".to_owned());
        data.push(((total * qtypes[10..].iter().map(|(_, s)| s).sum::<f64>()) as u64).into());
    }
    let protocols = [("Udp", 0.90), ("Tcp", 0.05), ("Https", 0.03), ("Tls", 0.02)];
    let chart = |rows: &[(&str, f64)]| ChartData {
        labels: rows.iter().map(|(l, _)| (*l).to_owned()).collect(),
        datasets: vec![Dataset {
            data: rows
                .iter()
                .map(|(_, s)| ((total * s) as u64).into())
                .collect(),
        }],
    };
    let live_zones = state.zone_count as u64;
    DashboardStats {
        stats: Stats {
            totals: counters(total, clients),
            zones: Some(live_zones),
            cached_entries: Some((24_000.0 + 4_000.0 * (TAU * now / 5_400.0).sin()) as u64),
            allowed_zones: Some(3),
            blocked_zones: Some(12),
            allow_list_zones: Some(148),
            block_list_zones: Some(312_447),
        },
        query_type_chart_data: Some(ChartData {
            labels,
            datasets: vec![Dataset { data }],
        }),
        protocol_type_chart_data: Some(chart(&protocols)),
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn top(kind: &str, limit: usize, scale: f64, now: f64) -> TopStats {
    let scale = scale * rate(now) / 38.0;
    let entries = |names: &[(&str, Option<&str>, f64)]| -> Vec<TopEntry> {
        names
            .iter()
            .take(limit)
            .map(|(n, d, hits)| TopEntry {
                name: (*n).to_owned(),
                domain: d.map(str::to_owned),
                hits: (hits * scale) as u64,
            })
            .collect()
    };
    match kind {
        "TopClients" => TopStats {
            top_clients: Some(entries(&[
                ("192.168.1.20", Some("tv.demo.lan"), 41_200.0),
                ("192.168.1.31", Some("laptop.demo.lan"), 22_900.0),
                ("192.168.1.12", None, 15_300.0),
                ("192.168.1.45", Some("phone.demo.lan"), 9_870.0),
                ("10.10.0.17", None, 4_410.0),
            ])),
            ..TopStats::default()
        },
        "TopDomains" => TopStats {
            top_domains: Some(entries(&[
                ("connectivity-check.example.net", None, 18_200.0),
                ("api.weather.example.com", None, 9_100.0),
                ("cdn.video.example.org", None, 7_700.0),
                ("time.example.org", None, 3_050.0),
            ])),
            ..TopStats::default()
        },
        "TopBlockedDomains" => TopStats {
            top_blocked_domains: Some(entries(&[
                ("telemetry.example.com", None, 6_120.0),
                ("ads.example.net", None, 4_480.0),
                ("tracker.example.org", None, 1_990.0),
            ])),
            ..TopStats::default()
        },
        _ => TopStats::default(),
    }
}

/// The zone list: three internal zones, the root hint as a secondary, then `n` zones of mixed
/// types, a few of them in trouble.
#[allow(clippy::cast_precision_loss)]
fn make_zones(n: usize, now: f64) -> Vec<Zone> {
    let zone = |name: String, t: &str| Zone {
        name,
        zone_type: t.to_owned(),
        last_modified: Some(Timestamp(now - 86_400.0 * 12.0)),
        disabled: false,
        soa_serial: Some(2_026_112_501),
        internal: false,
        dnssec_status: matches!(t, "Primary" | "Secondary").then(|| "Unsigned".to_owned()),
        expiry: None,
        is_expired: None,
        sync_failed: None,
        notify_failed: matches!(t, "Primary" | "Secondary" | "Forwarder").then_some(false),
    };
    let mut zones = Vec::with_capacity(n + 3);
    for name in ["localhost", "0.in-addr.arpa", "127.in-addr.arpa"] {
        let mut z = zone(name.to_owned(), "Primary");
        z.internal = true;
        z.notify_failed = None;
        zones.push(z);
    }
    for i in 0..n {
        let (name, t) = match i % 10 {
            0..=5 => (format!("site{i}.demo.lan"), "Primary"),
            6 | 7 => (format!("branch{i}.demo.lan"), "Secondary"),
            8 => (format!("partner{i}.example"), "Forwarder"),
            _ => (format!("{i}.10.in-addr.arpa"), "Stub"),
        };
        let mut z = zone(name, t);
        z.soa_serial = z.soa_serial.map(|s| s + (i as u64 % 7));
        if matches!(t, "Secondary" | "Stub") {
            z.expiry = Some(Timestamp(now + 86_400.0 * (20.0 + (i % 13) as f64)));
            z.is_expired = Some(false);
            z.sync_failed = Some(false);
        }
        if t == "Primary" && i % 3 == 0 {
            z.dnssec_status = Some(
                if i % 2 == 0 {
                    "SignedWithNSEC3"
                } else {
                    "SignedWithNSEC"
                }
                .to_owned(),
            );
        }
        match i {
            6 => {
                z.is_expired = Some(true);
                z.sync_failed = Some(true);
                z.expiry = Some(Timestamp(now - 3_600.0));
            }
            7 => z.expiry = Some(Timestamp(now + 86_400.0 * 2.5)),
            16 => z.sync_failed = Some(true),
            1 => z.notify_failed = Some(true),
            4 => z.disabled = true,
            _ => {}
        }
        zones.push(z);
    }
    zones
}

fn dhcp_scopes() -> DhcpScopes {
    let scope = |name: &str, enabled, start: &str, end: &str| DhcpScope {
        name: name.to_owned(),
        enabled,
        starting_address: start.to_owned(),
        ending_address: end.to_owned(),
    };
    DhcpScopes {
        scopes: vec![
            scope("Guest", true, "10.10.0.10", "10.10.0.250"),
            scope("LAN", true, "192.168.1.100", "192.168.1.199"),
            scope("Lab", false, "172.16.5.50", "172.16.5.99"),
        ],
    }
}

fn dhcp_leases() -> DhcpLeases {
    let mut leases = Vec::new();
    for i in 0..19u8 {
        leases.push(DhcpLease {
            scope: "Guest".to_owned(),
            lease_type: "Dynamic".to_owned(),
            address: Some(format!("10.10.0.{}", 10 + i)),
        });
    }
    for i in 0..71u8 {
        let lease_type = if i < 8 { "Reserved" } else { "Dynamic" };
        leases.push(DhcpLease {
            scope: "LAN".to_owned(),
            lease_type: lease_type.to_owned(),
            address: Some(format!("192.168.1.{}", 100 + i)),
        });
    }
    DhcpLeases { leases }
}
