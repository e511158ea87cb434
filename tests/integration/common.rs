//! Shared helpers for the integration tests: wiremock servers replaying the recorded Technitium
//! responses of one version, the real client and collector pointed at them, golden-file
//! comparison, and raw TCP servers for the broken responses wiremock cannot send.
//!
//! Nothing of our own is mocked: the client talks HTTP to these servers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use technitium_exporter::collector::{
    Collect, Given, OptionValues, Options, Scraper, Snapshot, write_families,
};
use technitium_exporter::exposition::{Encoder, ExpositionFormat};
use technitium_exporter::technitium::{AuthMode, Client, ClientConfig, Endpoint, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

/// The token the fixtures' `user_session_get_apiToken.json` echoes back: using it makes every
/// "the token never appears" assertion also cover the echo.
pub const TOKEN: &str = "5e1c8d0f3a7b29e64c0d1f8a9b2e7c3d4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c";

/// Priority of test-specific overrides (beats everything else).
pub const PRIORITY_OVERRIDE: u8 = 1;
/// Priority of the "wrong or missing token" answer.
const PRIORITY_UNAUTHORIZED: u8 = 2;
/// Priority of the recorded answers.
const PRIORITY_FIXTURE: u8 = 5;

/// A recorded server version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V13_6,
    V14_3,
    V15_2,
    V15_6,
}

impl Version {
    /// The fixture folder name.
    pub fn dir(self) -> &'static str {
        match self {
            Self::V13_6 => "13.6",
            Self::V14_3 => "14.3",
            Self::V15_2 => "15.2",
            Self::V15_6 => "15.6",
        }
    }

    /// Golden-file stem: `v13_6`.
    pub fn stem(self) -> String {
        format!("v{}", self.dir().replace('.', "_"))
    }

    /// v15+ reads `Authorization: Bearer`; older servers only the `token` query parameter.
    pub fn reads_bearer(self) -> bool {
        self.at_least_15()
    }

    /// v15+: lifetime counters.
    pub fn at_least_15(self) -> bool {
        matches!(self, Self::V15_2 | Self::V15_6)
    }

    /// 15.3+: the health check and `/api/status`.
    pub fn at_least_15_3(self) -> bool {
        self == Self::V15_6
    }

    fn at_least_14(self) -> bool {
        self != Self::V13_6
    }
}

/// The built binary with a clean environment (no TECHNITIUM_*, RUST_LOG or systemd credentials
/// from the caller) and no standard input.
pub fn exporter_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_technitium-exporter"));
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("TECHNITIUM_") || k == "RUST_LOG" || k == "CREDENTIALS_DIRECTORY" {
            cmd.env_remove(&key);
        }
    }
    cmd.stdin(std::process::Stdio::null());
    cmd
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Mounts answers by path (any query) that beat the recorded ones.
pub async fn override_paths(server: &MockServer, overrides: Vec<(&str, ResponseTemplate)>) {
    for (p, answer) in overrides {
        Mock::given(path(p))
            .respond_with(answer)
            .with_priority(PRIORITY_OVERRIDE)
            .mount(server)
            .await;
    }
}

/// `tests/fixtures/technitium`.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/technitium")
}

/// One recorded response body.
pub fn fixture(version: Version, name: &str) -> String {
    let p = fixtures_dir().join(version.dir()).join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

/// A 200 JSON answer, as Technitium sends every answer (errors included).
pub fn json(body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into(), "application/json; charset=utf-8")
}

/// A recorded answer.
pub fn recorded(version: Version, name: &str) -> ResponseTemplate {
    json(fixture(version, name))
}

/// Whether a request carries the right token the way `version` reads it: v15 takes the Bearer
/// header and falls back to `token=` without one; older servers read only `token=`.
pub fn authorized(version: Version, r: &Request) -> bool {
    let query_ok = r.url.query_pairs().any(|(k, v)| k == "token" && v == TOKEN);
    let header = r.headers.get("authorization").and_then(|v| v.to_str().ok());
    if version.reads_bearer() && header.is_some() {
        header == Some(format!("Bearer {TOKEN}").as_str())
    } else {
        query_ok
    }
}

/// Matches requests `version` would reject for their token.
struct Unauthorized(Version);

impl Match for Unauthorized {
    fn matches(&self, r: &Request) -> bool {
        !authorized(self.0, r)
    }
}

/// Whether a request carries the token in its URL.
pub fn token_in_url(r: &Request) -> bool {
    r.url.query_pairs().any(|(k, _)| k == "token") || r.url.as_str().contains(TOKEN)
}

/// Whether a request carries `Authorization: Bearer TOKEN`.
pub fn bearer(r: &Request) -> bool {
    r.headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(format!("Bearer {TOKEN}").as_str())
}

/// A wiremock server answering the allowlisted paths with `version`'s recorded responses.
pub async fn start_mock(version: Version) -> MockServer {
    let server = MockServer::start().await;
    mount_fixtures(&server, version).await;
    server
}

/// Mounts `version`'s recorded responses on `server`. Requests that are not exactly what the
/// collectors send (path, query parameters) fall through to wiremock's 404, which is also what
/// a v14+ server answers for an unknown `/api` path.
pub async fn mount_fixtures(server: &MockServer, version: Version) {
    Mock::given(Unauthorized(version))
        .respond_with(recorded(version, "error_invalid_token.json"))
        .with_priority(PRIORITY_UNAUTHORIZED)
        .named("wrong or missing token")
        .mount(server)
        .await;
    let get = |p: Endpoint| Mock::given(method("GET")).and(path(p.path()));
    let mut mocks = vec![
        get(Endpoint::SessionGet).respond_with(recorded(version, "user_session_get_apiToken.json")),
        get(Endpoint::ZonesList)
            .and(query_param_is_missing("pageNumber"))
            .respond_with(AsNode::of(version, "zones_list_all.json")),
        get(Endpoint::DhcpScopesList).respond_with(AsNode::of(version, "dhcp_scopes_list.json")),
        get(Endpoint::DhcpLeasesList).respond_with(AsNode::of(version, "dhcp_leases_list.json")),
        get(Endpoint::SettingsGet).respond_with(AsNode::of(version, "settings_get.json")),
        get(Endpoint::CheckForUpdate).respond_with(AsNode::of(version, "user_checkForUpdate.json")),
        get(Endpoint::DnsClientResolve).respond_with(AsNode::of(version, "dnsClient_resolve.json")),
    ];
    if version.at_least_15() {
        mocks.push(
            get(Endpoint::MetricsJson)
                .respond_with(AsNode::of(version, "dashboard_metrics_json.json")),
        );
    }
    // Before 15.3 both are unknown paths: wiremock's 404, as the server answers.
    if version.at_least_15_3() {
        mocks.push(
            get(Endpoint::HealthCheck)
                .respond_with(AsNode::of(version, "dnsClient_healthCheck.json")),
        );
        mocks.push(get(Endpoint::Status).respond_with(recorded(version, "status.json")));
    }
    if version.at_least_14() {
        mocks.push(get(Endpoint::ClusterState).respond_with(ClusterStateAs(version)));
    }
    for (window, file) in [("LastHour", ""), ("LastDay", "_LastDay")] {
        let stats = get(Endpoint::StatsGet)
            .and(query_param("type", window))
            .and(query_param("utc", "true"));
        let stats = if version.at_least_14() {
            stats.and(query_param("dontTrimQueryTypeData", "true"))
        } else {
            stats.and(query_param_is_missing("dontTrimQueryTypeData"))
        };
        mocks.push(stats.respond_with(AsNode::of(
            version,
            &format!("dashboard_stats_get_{window}.json"),
        )));
        for kind in ["TopClients", "TopDomains", "TopBlockedDomains"] {
            let top = get(Endpoint::StatsGetTop)
                .and(query_param("type", window))
                .and(query_param("statsType", kind));
            let top = if kind == "TopClients" {
                top.and(query_param("noReverseLookup", "true"))
            } else {
                top
            };
            mocks.push(top.respond_with(AsNode::of(
                version,
                &format!("dashboard_stats_getTop_{kind}{file}.json"),
            )));
        }
    }
    // `check` compares the newest stored minutes (type=Custom) with the chart.
    mocks.push(
        get(Endpoint::StatsGet)
            .and(query_param("type", "Custom"))
            .respond_with(CustomFromLastHour(fixture(
                version,
                "dashboard_stats_get_LastHour.json",
            ))),
    );
    for mock in mocks {
        mock.with_priority(PRIORITY_FIXTURE).mount(server).await;
    }
}

/// `stats/get?type=Custom&start=…&end=…`: the minutes asked for, as the recorded `LastHour`
/// chart has them (0 where it has none), as a server whose stored minutes agree with its chart
/// answers.
pub struct CustomFromLastHour(pub String);

impl wiremock::Respond for CustomFromLastHour {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        use technitium_exporter::collector::counters::minutes::{format_label, parse_label};
        let param = |k: &str| {
            r.url
                .query_pairs()
                .find(|(key, _)| key == k)
                .and_then(|(_, v)| parse_label(&v).ok())
        };
        let (Some(start), Some(end)) = (param("start"), param("end")) else {
            return ResponseTemplate::new(400);
        };
        let mut body: serde_json::Value = serde_json::from_str(&self.0).unwrap();
        let chart = &mut body["response"]["mainChartData"];
        let recorded: Vec<i64> = chart["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| parse_label(l.as_str().unwrap()).unwrap())
            .collect();
        let wanted: Vec<i64> = (0..=(end - start) / 60).map(|i| start + 60 * i).collect();
        for dataset in chart["datasets"].as_array_mut().unwrap() {
            let data = dataset["data"].as_array().unwrap().clone();
            dataset["data"] = wanted
                .iter()
                .map(|at| {
                    recorded
                        .iter()
                        .position(|r| r == at)
                        .map_or(serde_json::json!(0), |i| data[i].clone())
                })
                .collect();
        }
        chart["labels"] = wanted
            .iter()
            .map(|at| serde_json::Value::from(format_label(*at)))
            .collect();
        json(body.to_string())
    }
}

/// A recorded answer, written by the node `node=` names when there is one: a cluster proxies
/// the call to that node, whose answer names it as its `server` (the recorded answers are
/// server1's).
pub struct AsNode {
    body: String,
}

impl AsNode {
    pub fn of(version: Version, name: &str) -> Self {
        Self {
            body: fixture(version, name),
        }
    }
}

impl wiremock::Respond for AsNode {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        match r.url.query_pairs().find(|(k, _)| k == "node") {
            Some((_, node)) => json(self.body.replacen(
                "\"server\": \"server1.example.com\"",
                &format!("\"server\": \"{node}\""),
                1,
            )),
            None => json(self.body.clone()),
        }
    }
}

/// `admin/cluster/state` answered as the node `node=` names (the recorded answer otherwise):
/// that node is `Self` and writes the envelope, the recorded `Self` is a connected peer. Every
/// other recorded answer is the same whichever node is asked.
pub struct ClusterStateAs(pub Version);

impl wiremock::Respond for ClusterStateAs {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let text = fixture(self.0, "admin_cluster_state.json");
        let node = r
            .url
            .query_pairs()
            .find(|(k, _)| k == "node")
            .map(|(_, v)| v.into_owned());
        let Some(node) = node else {
            return json(text);
        };
        json(cluster_state_as(&text, &node, None).to_string())
    }
}

/// A recorded cluster state rewritten as node `node` answers it (optionally with another
/// version).
pub fn cluster_state_as(recorded: &str, node: &str, version: Option<&str>) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(recorded).expect("cluster state json");
    for n in v["response"]["clusterNodes"].as_array_mut().expect("nodes") {
        let state = if n["name"] == node {
            "Self"
        } else if n["state"] == "Self" {
            "Connected"
        } else {
            continue;
        };
        n["state"] = state.into();
    }
    v["response"]["dnsServerDomain"] = node.into();
    v["server"] = node.into();
    if let Some(version) = version {
        v["response"]["version"] = version.into();
    }
    v
}

/// Mounts an override for one endpoint (any query), beating the recorded answers.
pub async fn override_endpoint(server: &MockServer, endpoint: Endpoint, answer: ResponseTemplate) {
    Mock::given(path(endpoint.path()))
        .respond_with(answer)
        .with_priority(PRIORITY_OVERRIDE)
        .mount(server)
        .await;
}

/// Client settings for `url` with [`TOKEN`], auto auth and a generous timeout.
pub fn client_config(url: &str) -> ClientConfig {
    ClientConfig {
        url: url.parse().expect("url"),
        token: Some(Secret::new(TOKEN)),
        auth: AuthMode::Auto,
        timeout: Duration::from_secs(5),
        max_response_size: 64 * 1024 * 1024,
        ca_file: None,
        extra_ca_pem: None,
        insecure_skip_verify: false,
    }
}

/// The default options (what a user gets without collector flags).
pub fn default_options() -> Options {
    Options::default()
}

/// Every collector that talks to the API on, with the last hour and last day windows (`dns`
/// sends real DNS queries: its tests start their own DNS server).
pub fn all_options() -> Options {
    let mut o = Options::all();
    o.set_enabled("dns", false);
    set(&mut o, "dashboard", "window", "last_hour,last_day");
    o
}

/// Only these collectors on (the session always is).
pub fn only(names: &[&str]) -> Options {
    let mut o = Options::default();
    o.disable_all();
    for n in names {
        assert!(o.set_enabled(n, true), "no collector {n}");
    }
    o
}

/// Sets a collector option as `--collector.NAME.KEY VALUE` would.
pub fn set(options: &mut Options, name: &str, key: &str, value: &str) {
    options
        .set_option(
            name,
            key,
            Given::one(value, format!("--collector.{name}.{key}")),
        )
        .unwrap();
}

/// Collector `C`'s settings from `(key, value)` pairs given as `--collector.NAME.KEY VALUE`
/// would give them.
pub fn collector_settings<C: Collect>(pairs: &[(&'static str, &str)]) -> C::Settings {
    let values = pairs
        .iter()
        .map(|(key, value)| {
            let origin = format!("--collector.{}.{key}", C::SPEC.name);
            (*key, Given::one(*value, origin))
        })
        .collect();
    C::settings(&OptionValues::new(&values)).expect("settings")
}

/// The real collector over the real client.
pub fn collector(config: &ClientConfig, options: Options) -> Scraper {
    Scraper::new(Client::new(config).expect("client"), options)
}

/// One scrape with a deadline of `timeout` from now.
pub async fn collect(collector: &Scraper, timeout: Duration) -> Snapshot {
    collector
        .collect(tokio::time::Instant::now() + timeout)
        .await
}

/// The Prometheus text exposition of a snapshot.
pub fn text(snapshot: &Snapshot) -> String {
    technitium_exporter::collector::encode(snapshot, ExpositionFormat::Text)
}

/// A mock of `version` with some endpoints answering differently.
pub async fn mock_with(
    version: Version,
    overrides: Vec<(Endpoint, ResponseTemplate)>,
) -> MockServer {
    let server = MockServer::start().await;
    for (endpoint, answer) in overrides {
        override_endpoint(&server, endpoint, answer).await;
    }
    mount_fixtures(&server, version).await;
    server
}

/// One scrape of `server` with `options` (10 s deadline): the snapshot and its text.
pub async fn scrape_mock(server: &MockServer, options: Options) -> (Snapshot, String) {
    let c = collector(&client_config(&server.uri()), options);
    let snapshot = collect(&c, Duration::from_secs(10)).await;
    let text = text(&snapshot);
    (snapshot, text)
}

/// `(families, samples)` of a snapshot's exposition.
pub fn counts(snapshot: &Snapshot) -> (usize, usize) {
    let mut enc = Encoder::new(ExpositionFormat::Text);
    write_families(snapshot, &mut enc);
    (enc.families(), enc.samples())
}

/// Scrapes `version`'s mock with `options`: `(snapshot, exposition)`.
pub async fn scrape_version(version: Version, options: Options) -> (MockServer, Snapshot, String) {
    let server = start_mock(version).await;
    let c = collector(&client_config(&server.uri()), options);
    let snapshot = collect(&c, Duration::from_secs(10)).await;
    let text = text(&snapshot);
    (server, snapshot, text)
}

/// Families whose values change from run to run.
const DURATION_FAMILIES: [&str; 4] = [
    "technitium_scrape_duration_seconds",
    "technitium_scrape_collector_duration_seconds",
    "technitium_dns_probe_duration_seconds",
    "technitium_health_check_duration_seconds",
];

/// Replaces the value of every duration sample with `<duration>`; nothing else changes.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let name = line.split(['{', ' ']).next().unwrap_or("");
        if !line.starts_with('#') && DURATION_FAMILIES.contains(&name) {
            let (series, value) = line.rsplit_once(' ').expect("sample line has a value");
            assert!(
                value.parse::<f64>().is_ok_and(|v| v >= 0.0),
                "bad duration value in {line:?}"
            );
            out.push_str(series);
            out.push_str(" <duration>");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// `tests/golden/NAME`.
pub fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares a (normalised) exposition with `tests/golden/NAME`; `UPDATE_GOLDEN=1` rewrites the
/// file instead.
pub fn assert_golden(name: &str, text: &str) {
    let path = golden_path(name);
    let actual = normalise(text);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "golden file {}: {e}; run `UPDATE_GOLDEN=1 cargo test` to create it",
            path.display()
        )
    });
    if expected != actual {
        let diff = line_diff(&expected, &actual);
        panic!(
            "exposition differs from {} (run `UPDATE_GOLDEN=1 cargo test` to accept):\n{diff}",
            path.display()
        );
    }
}

/// A small line diff: lines only in the golden file (`-`) and only in the output (`+`).
fn line_diff(expected: &str, actual: &str) -> String {
    let exp: Vec<&str> = expected.lines().collect();
    let act: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for l in &exp {
        if !act.contains(l) {
            out.push_str(&format!("- {l}\n"));
        }
    }
    for l in &act {
        if !exp.contains(l) {
            out.push_str(&format!("+ {l}\n"));
        }
    }
    if out.is_empty() {
        out.push_str("(same lines, different order or count)\n");
    }
    out
}

/// The value of one sample (`name` with exactly these labels, in output order), if present.
pub fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let (s, v) = l.rsplit_once(' ')?;
        (s == series).then(|| v.parse().ok()).flatten()
    })
}

/// Every sample line of a family.
pub fn family_lines<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.split(['{', ' ']).next() == Some(name))
        .collect()
}

/// What a raw TCP server does with every connection.
#[derive(Debug, Clone)]
pub enum Raw {
    /// Writes these bytes, then closes.
    SendAndClose(Vec<u8>),
    /// Writes these bytes, then keeps the connection open without sending more.
    SendAndHang(Vec<u8>),
}

/// A loopback TCP server that reads a request head and answers every connection as told; it
/// stops when the test's runtime ends. Returns its base URL and the requests it saw (heads).
pub async fn raw_server(behaviour: Raw) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let behaviour = behaviour.clone();
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                log.lock()
                    .expect("lock")
                    .push(String::from_utf8_lossy(&head).into_owned());
                match behaviour {
                    Raw::SendAndClose(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.shutdown().await;
                    }
                    Raw::SendAndHang(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.flush().await;
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), seen)
}

/// An HTTP/1.1 200 head announcing `content_length` bytes of JSON, followed by `body`.
pub fn http_head_and_body(content_length: usize, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {content_length}\r\n\r\n{body}"
    )
    .into_bytes()
}

/// A loopback port with nothing listening on it (bound, then released).
pub fn refused_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}
