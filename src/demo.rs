//! `--demo`: a simulated Technitium server on a random loopback port.
//!
//! It answers the exporter's allowlisted endpoints from the same typed structures the client
//! parses (`technitium::types`), so the two cannot drift apart. Numbers are realistic and move
//! slowly with the clock. Query stats are kept per minute as the server keeps them: `LastHour`
//! and short `Custom` ranges answer integer minute buckets (a minute reads 0 until 10 s after it
//! ends, like the server's maintenance lag) whose sums are the window totals and the query-type
//! and protocol charts, so the derived counters move and pass their cross-check; some zones are
//! in trouble, a three-node cluster has one unreachable
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

use time::format_description::well_known::Rfc3339;

use crate::collector::counters::engine::DATASETS;
use crate::technitium::types::{
    ChartData, ClusterNode, ClusterState, DashboardStats, Dataset, DhcpLease, DhcpLeases,
    DhcpScope, DhcpScopes, Envelope, MainChartData, MetricsJson, NamedDataset, Permission,
    QueryTotals, ResolveAnswer, ResolveMetadata, ResolveResult, SessionInfo, Settings, Stats,
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
    state: Arc<State>,
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

/// An error answer written by `node` (a call proxied to it fails there, not on the contacted
/// server).
fn node_error(state: &State, node: Node, message: &str) -> Response<Full<Bytes>> {
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
        Endpoint::SettingsGet => node_ok(state, node, settings(now)),
        Endpoint::DnsClientResolve => resolve(state, node, &q.0),
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

/// `stats/get`: LastHour with per-minute data that lags like the server's, Custom ranges
/// consistent with it, and the other windows.
fn stats_response(
    state: &State,
    node: Node,
    q: &Query,
    scale: f64,
    now: f64,
) -> Response<Full<Bytes>> {
    let v = state.version;
    let window = q.get("type").unwrap_or("LastHour");
    let full = v != DemoVersion::V13_6 && q.get("dontTrimQueryTypeData") == Some("true");
    let answer = match window {
        "LastHour" => Ok(last_hour(full, state, scale, now)),
        "Custom" => custom(q.get("start"), q.get("end"), full, state, scale, now),
        _ => {
            let mut stats = stats(window, full, state, scale, now);
            stats.main_chart_data = Some(main_chart(window, scale, now));
            Ok(stats)
        }
    };
    match answer {
        Ok(stats) => node_ok(state, node, stats),
        Err(message) => json_response::<()>(state, "error", Some(message), None),
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
        forwarders: Some(DEMO_FORWARDERS.iter().map(|f| (*f).to_owned()).collect()),
        forwarder_protocol: Some("Udp".to_owned()),
    }
}

/// The main chart of a day-or-longer window: one point per hour (last day), day (last week,
/// month) or month (last year), per series, oldest first.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn main_chart(window: &str, scale: f64, now: f64) -> MainChartData {
    let (points, step) = match window {
        "LastDay" => (24, 3_600.0),
        "LastWeek" => (7, 86_400.0),
        "LastMonth" => (31, 86_400.0),
        _ => (12, 2_678_400.0),
    };
    let start = (now / step).floor() * step - step * f64::from(points - 1);
    let times: Vec<f64> = (0..points).map(|i| start + step * f64::from(i)).collect();
    let labels = times.iter().map(|t| label(*t as i64)).collect();
    let series = |label: &str, share: f64| NamedDataset {
        label: label.to_owned(),
        data: times
            .iter()
            .map(|t| ((rate(*t) * scale * step * share) as u64).into())
            .collect(),
    };
    let mut datasets = vec![series(DATASETS[0], 1.0)];
    for (i, name) in SERIES[..4].iter().enumerate() {
        datasets.push(series(name, RCODES[i]));
    }
    for (i, name) in SERIES[4..].iter().enumerate() {
        datasets.push(series(name, OUTCOMES[i]));
    }
    datasets.push(NamedDataset {
        label: "Clients".to_owned(),
        data: times
            .iter()
            .map(|t| ((31.0 + 5.0 * (TAU * t / 7_200.0).sin()) as u64).into())
            .collect(),
    });
    MainChartData { labels, datasets }
}

/// The main chart's rcode and outcome series after `Total`, in the server's order.
const SERIES: &[&str] = DATASETS.split_at(1).1;

/// A label as the server writes it with `utc=true`.
fn label(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Seconds after a minute ends until the server's maintenance timer (every 10 s) locks its
/// counter: until then the minute reads 0, as on the real server.
const LOCK_LAG: i64 = 10;

/// Query types and their shares of the answered queries (the demo drops none).
const QTYPES: [(&str, f64); 12] = [
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
const PROTOCOLS: [(&str, f64); 5] = [
    ("Udp", 0.90),
    ("Tcp", 0.05),
    ("Tls", 0.02),
    ("Https", 0.03),
    ("Quic", 0.0),
];

/// One minute of demo traffic: integers, so sums over any range are exact.
#[derive(Clone, Copy, Default)]
struct MinuteCounts {
    total: u64,
    rcodes: [u64; 4],
    outcomes: [u64; 5],
    qtypes: [u64; 12],
    protocols: [u64; 5],
    clients: u64,
}

/// The final counts of the minute ending at `label` (the rate at the minute's middle).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn minute_counts(label: i64, scale: f64) -> MinuteCounts {
    let total = (rate(label as f64 - 30.0) * scale * 60.0) as u64;
    let part = |share: f64| (total as f64 * share) as u64;
    let mut m = MinuteCounts {
        total,
        clients: (31.0 + 5.0 * (TAU * label as f64 / 7_200.0).sin()) as u64,
        ..MinuteCounts::default()
    };
    for (i, share) in RCODES.iter().enumerate() {
        m.rcodes[i] = part(*share);
    }
    for (i, share) in OUTCOMES.iter().enumerate() {
        m.outcomes[i] = part(*share);
    }
    // Every answered query has one type and one protocol: the first row takes the rest.
    for (i, (_, share)) in QTYPES.iter().enumerate().skip(1) {
        m.qtypes[i] = part(*share);
    }
    m.qtypes[0] = total - m.qtypes[1..].iter().sum::<u64>();
    for (i, (_, share)) in PROTOCOLS.iter().enumerate().skip(1) {
        m.protocols[i] = part(*share);
    }
    m.protocols[0] = total - m.protocols[1..].iter().sum::<u64>();
    m
}

/// What the server reports for the minute ending at `label`: 0 until it is locked.
fn reported(label: i64, now: i64, scale: f64) -> MinuteCounts {
    if now >= label + LOCK_LAG {
        minute_counts(label, scale)
    } else {
        MinuteCounts::default()
    }
}

/// `type=LastHour`: the 60 minutes ending at the last whole minute.
#[allow(clippy::cast_possible_truncation)]
fn last_hour(full_qtypes: bool, state: &State, scale: f64, now: f64) -> DashboardStats {
    let now = now.floor() as i64;
    let newest = now.div_euclid(60) * 60;
    let labels: Vec<i64> = (0..60).map(|i| newest - (59 - i) * 60).collect();
    minute_stats(&labels, full_qtypes, state, scale, now)
}

/// `type=Custom`: per minute for ranges up to 2 hours (the server's rule:
/// `Convert.ToInt32(hours) + 1 <= 3`), labelled by the END of each minute from `start` to
/// `end`; per hour up to 7 days.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)]
fn custom(
    start: Option<&str>,
    end: Option<&str>,
    full_qtypes: bool,
    state: &State,
    scale: f64,
    now: f64,
) -> Result<DashboardStats, &'static str> {
    let parse = |s: Option<&str>| {
        s.and_then(|s| time::OffsetDateTime::parse(s, &Rfc3339).ok())
            .map(time::OffsetDateTime::unix_timestamp)
    };
    let start = parse(start).ok_or("Invalid start date format.")?;
    let end = parse(end).ok_or("Invalid end date format.")?;
    if start > end {
        return Err("Start date must be less than or equal to end date.");
    }
    let now = now.floor() as i64;
    let seconds = (end - start) as f64;
    if (seconds / 86_400.0).round_ties_even() + 1.0 > 7.0 {
        return Err("The demo answers type=Custom for up to 7 days.");
    }
    let hours = (seconds / 3_600.0).round_ties_even();
    if hours + 1.0 > 3.0 {
        // Hour buckets: each the sum of its minutes.
        let first = start.div_euclid(3600) * 3600 + 3600;
        let labels: Vec<i64> = (0..=hours as i64).map(|i| first + i * 3600).collect();
        let mut stats = minute_stats(&labels, full_qtypes, state, scale, now);
        if let Some(chart) = &mut stats.main_chart_data {
            for (i, hour) in labels.iter().enumerate() {
                let mut sum = MinuteCounts::default();
                for m in 0..60 {
                    add_counts(&mut sum, &reported(hour - 3600 + (m + 1) * 60, now, scale));
                }
                for (d, v) in chart.datasets.iter_mut().zip(series_values(&sum)) {
                    d.data[i] = v.into();
                }
            }
        }
        return Ok(stats);
    }
    let minutes = (seconds / 60.0).round_ties_even() as i64 + 1;
    let labels: Vec<i64> = (0..minutes).map(|i| start + i * 60).collect();
    Ok(minute_stats(&labels, full_qtypes, state, scale, now))
}

fn add_counts(sum: &mut MinuteCounts, m: &MinuteCounts) {
    sum.total += m.total;
    sum.clients = sum.clients.max(m.clients);
    for i in 0..4 {
        sum.rcodes[i] += m.rcodes[i];
    }
    for i in 0..5 {
        sum.outcomes[i] += m.outcomes[i];
        sum.protocols[i] += m.protocols[i];
    }
    for i in 0..12 {
        sum.qtypes[i] += m.qtypes[i];
    }
}

/// The main chart's 11 values of one bucket, in dataset order.
fn series_values(m: &MinuteCounts) -> [u64; 11] {
    let r = m.rcodes;
    let o = m.outcomes;
    [
        m.total, r[0], r[1], r[2], r[3], o[0], o[1], o[2], o[3], o[4], m.clients,
    ]
}

/// A `stats/get` answer over consecutive minute buckets: the main chart per minute, the
/// totals and the query-type and protocol charts summed over them, as the server merges its
/// minute counters. Without `full_qtypes` the type list is trimmed as the server trims it
/// (nine types, then `Others`, which leaves out the tenth).
fn minute_stats(
    labels: &[i64],
    full_qtypes: bool,
    state: &State,
    scale: f64,
    now: i64,
) -> DashboardStats {
    let values: Vec<MinuteCounts> = labels.iter().map(|l| reported(*l, now, scale)).collect();
    let mut sum = MinuteCounts::default();
    for m in &values {
        add_counts(&mut sum, m);
    }
    let names = DATASETS.iter().copied().chain(std::iter::once("Clients"));
    let datasets = names
        .enumerate()
        .map(|(k, name)| NamedDataset {
            label: name.to_owned(),
            data: values.iter().map(|m| series_values(m)[k].into()).collect(),
        })
        .collect();
    let mut qtypes = chart_rows(&QTYPES, &sum.qtypes);
    if !full_qtypes && qtypes.len() > 10 {
        let others: u64 = qtypes[10..].iter().map(|(_, c)| c).sum();
        qtypes.truncate(9);
        qtypes.push(("Others", others));
    }
    let protocols = chart_rows(&PROTOCOLS, &sum.protocols);
    let chart = |rows: &[(&str, u64)]| ChartData {
        labels: rows.iter().map(|(l, _)| (*l).to_owned()).collect(),
        datasets: vec![Dataset {
            data: rows.iter().map(|(_, c)| (*c).into()).collect(),
        }],
    };
    let r = sum.rcodes;
    let o = sum.outcomes;
    DashboardStats {
        stats: Stats {
            totals: QueryTotals {
                total_queries: Some(sum.total),
                total_no_error: Some(r[0]),
                total_server_failure: Some(r[1]),
                total_nx_domain: Some(r[2]),
                total_refused: Some(r[3]),
                total_authoritative: Some(o[0]),
                total_recursive: Some(o[1]),
                total_cached: Some(o[2]),
                total_blocked: Some(o[3]),
                total_dropped: Some(o[4]),
                total_clients: Some(sum.clients),
            },
            ..live_stats(state, unix_seconds(now))
        },
        query_type_chart_data: Some(chart(&qtypes)),
        protocol_type_chart_data: Some(chart(&protocols)),
        main_chart_data: Some(MainChartData {
            labels: labels.iter().map(|l| label(*l)).collect(),
            datasets,
        }),
    }
}

/// A chart's rows as the server orders them: the names with queries, most queries first.
fn chart_rows(names: &[(&'static str, f64)], counts: &[u64]) -> Vec<(&'static str, u64)> {
    let mut rows: Vec<(&str, u64)> = names
        .iter()
        .zip(counts)
        .map(|((n, _), c)| (*n, *c))
        .filter(|(_, c)| *c > 0)
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    rows
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
fn counters(total: f64, clients: u64) -> QueryTotals {
    let part = |share: f64| Some((total * share).floor() as u64);
    QueryTotals {
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
fn lifetime(started: f64, scale: f64, now: f64) -> QueryTotals {
    let elapsed = now - started;
    counters(scale * (38.0 * elapsed + 2_000.0), (57.0 * scale) as u64)
}

/// The unwindowed gauges of every `stats/get` answer.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn live_stats(state: &State, now: f64) -> Stats {
    Stats {
        totals: QueryTotals::default(),
        zones: Some(state.zone_count as u64),
        cached_entries: Some((24_000.0 + 4_000.0 * (TAU * now / 5_400.0).sin()) as u64),
        allowed_zones: Some(3),
        blocked_zones: Some(12),
        allow_list_zones: Some(148),
        block_list_zones: Some(312_447),
    }
}

/// A day-or-longer window (`LastDay` … `LastYear`): the mean rate over its length.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn stats(window: &str, full_qtypes: bool, state: &State, scale: f64, now: f64) -> DashboardStats {
    let seconds = match window {
        "LastWeek" => 604_800.0,
        "LastMonth" => 2_678_400.0,
        "LastYear" => 31_536_000.0,
        _ => 86_400.0,
    };
    let total = 38.0 * seconds * scale;
    let mut labels: Vec<String> = Vec::new();
    let mut data: Vec<serde_json::Number> = Vec::new();
    let shown = if full_qtypes { QTYPES.len() } else { 9 };
    for (name, share) in &QTYPES[..shown] {
        labels.push((*name).to_owned());
        data.push(((total * share) as u64).into());
    }
    if !full_qtypes {
        labels.push("Others".to_owned());
        data.push(((total * QTYPES[10..].iter().map(|(_, s)| s).sum::<f64>()) as u64).into());
    }
    let protocols: Vec<(&str, f64)> = PROTOCOLS
        .iter()
        .copied()
        .filter(|(_, s)| *s > 0.0)
        .collect();
    let chart = |rows: &[(&str, f64)]| ChartData {
        labels: rows.iter().map(|(l, _)| (*l).to_owned()).collect(),
        datasets: vec![Dataset {
            data: rows
                .iter()
                .map(|(_, s)| ((total * s) as u64).into())
                .collect(),
        }],
    };
    DashboardStats {
        stats: Stats {
            totals: counters(total, 57),
            ..live_stats(state, now)
        },
        query_type_chart_data: Some(ChartData {
            labels,
            datasets: vec![Dataset { data }],
        }),
        protocol_type_chart_data: Some(chart(&protocols)),
        main_chart_data: None,
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

/// Whole Unix seconds as the `f64` the rest of the demo computes with (exact for any date).
#[allow(clippy::cast_precision_loss)]
fn unix_seconds(t: i64) -> f64 {
    t as f64
}

/// The demo server's forwarders (documentation addresses: nothing is contacted): one fast, one
/// slow, one that never answers.
pub const DEMO_FORWARDERS: [&str; 3] = ["192.0.2.1", "192.0.2.2", "192.0.2.3"];

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
fn resolve(state: &State, node: Node, query: &[(String, String)]) -> Response<Full<Bytes>> {
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

/// The demo's DNS listeners: UDP, TCP, DNS-over-TLS and DNS-over-HTTPS on random loopback
/// ports, answering as a small recursive server would (see [`demo_dns_answer`]). Dropping it
/// stops them.
#[derive(Debug)]
pub struct DemoDns {
    /// The running listeners.
    pub responder: crate::dnsprobe::responder::Responder,
}

/// The demo's CA (PEM): trust it to verify the demo's DoT/DoH certificate.
pub const DEMO_DNS_CA_PEM: &str = include_str!("dnsprobe/demo_tls/ca.pem");
const DEMO_DNS_CERT_PEM: &str = include_str!("dnsprobe/demo_tls/server.pem");
const DEMO_DNS_KEY_PEM: &str = include_str!("dnsprobe/demo_tls/server.key");

/// A name the demo server blocks (it answers 0.0.0.0, Technitium's `AnyAddress` blocking).
pub const DEMO_BLOCKED_NAME: &str = "ads.example.net";

/// Starts the demo's DNS listeners on 127.0.0.1.
///
/// # Errors
/// When a loopback port cannot be bound.
pub async fn start_dns() -> std::io::Result<DemoDns> {
    use crate::dnsprobe::responder::{self, ResponderConfig, ServerTls};
    let mut config = ResponderConfig::new(Arc::new(demo_dns_answer));
    config.tls = Some(ServerTls {
        cert_chain_pem: DEMO_DNS_CERT_PEM.as_bytes().to_vec(),
        key_pem: DEMO_DNS_KEY_PEM.as_bytes().to_vec(),
    });
    let responder = responder::start(config).await?;
    tracing::info!(
        udp = ?responder.udp,
        tcp = ?responder.tcp,
        tls = ?responder.tls,
        https = ?responder.https,
        "demo DNS listeners started"
    );
    Ok(DemoDns { responder })
}

impl DemoDns {
    /// Points `settings` at these listeners (address 127.0.0.1, their ports).
    pub fn apply(&self, settings: &mut crate::dnsprobe::DnsSettings) {
        use crate::dnsprobe::Transport;
        settings.address = Some("127.0.0.1".to_owned());
        for t in Transport::ALL {
            if let Some(port) = self.responder.port(t) {
                settings.set_port(t, port);
            }
        }
    }

    /// The probe target: 127.0.0.1, trusting the demo CA besides the system roots.
    ///
    /// # Errors
    /// When the system roots cannot be loaded.
    pub fn target(&self) -> Result<crate::dnsprobe::DnsTarget, String> {
        let trust = crate::dnsprobe::TlsTrust::with_extra_pem(DEMO_DNS_CA_PEM.as_bytes(), false)?;
        Ok(crate::dnsprobe::DnsTarget::with_trust(
            "127.0.0.1",
            Some(Arc::new(trust)),
        ))
    }
}

/// The demo zone: `. NS` lists the thirteen root servers, the demo's blocked domains answer
/// 0.0.0.0, `dns1.demo.lan` is 127.0.0.1, every other name is NXDOMAIN.
#[must_use]
pub fn demo_dns_answer(
    request: &hickory_proto::op::Message,
    _transport: crate::dnsprobe::Transport,
) -> crate::dnsprobe::responder::Reply {
    use crate::dnsprobe::responder::{Reply, response_to};
    use hickory_proto::op::ResponseCode;
    use hickory_proto::rr::rdata::{A, NS};
    use hickory_proto::rr::{Name, RData, Record, RecordType};
    let Some(q) = request.queries.first() else {
        return Reply::Answer(response_to(request, ResponseCode::FormErr));
    };
    let qname = q.name().to_ascii().to_ascii_lowercase();
    let qname = qname.trim_end_matches('.');
    let mut m = response_to(request, ResponseCode::NoError);
    let name = q.name().clone();
    match (qname, q.query_type()) {
        ("", RecordType::NS) => {
            for letter in 'a'..='m' {
                if let Ok(ns) = Name::from_ascii(format!("{letter}.root-servers.net.")) {
                    m.add_answer(Record::from_rdata(Name::root(), 518_400, RData::NS(NS(ns))));
                }
            }
        }
        ("", _) => {}
        ("telemetry.example.com" | "ads.example.net" | "tracker.example.org", t) => {
            if t == RecordType::A {
                m.add_answer(Record::from_rdata(
                    name,
                    30,
                    RData::A(A(std::net::Ipv4Addr::UNSPECIFIED)),
                ));
            }
        }
        ("dns1.demo.lan", RecordType::A) => {
            m.add_answer(Record::from_rdata(
                name,
                3600,
                RData::A(A(std::net::Ipv4Addr::LOCALHOST)),
            ));
        }
        ("dns1.demo.lan", _) => {}
        _ => m.metadata.response_code = ResponseCode::NXDomain,
    }
    Reply::Answer(m)
}
