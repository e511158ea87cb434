//! Clusters through one URL: per-node collection with `node=` against wiremock playing a
//! three-node cluster (server1 is the server the URL reaches; server2 is unreachable from it;
//! server3 runs another version), node validation, `/sd` in Prometheus's http_sd format,
//! coalescing and min-interval per node, nodes at their own URL, `check`'s node rows, and the
//! demo's cluster.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value;
use technitium_exporter::collector::{NodeScope, Reach, Scraper};
use technitium_exporter::technitium::{ApiError, Client, Endpoint};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::{
    PRIORITY_OVERRIDE, TOKEN, Version, all_options, assert_golden, client_config, cluster_state_as,
    collect, exporter_command, family_lines, fixture, json, refused_port, start_mock, text,
};
use crate::serve::{get, http, serve};

const NODE1: &str = "server1.example.com";
/// Unreachable from server1.
const NODE2: &str = "server2.example.com";
/// On 15.1.
const NODE3: &str = "server3.example.com";

/// What server1 answers for a call it cannot proxy to server2: the error its own exception
/// handler writes (HTTP 200), naming server1.
fn unreachable() -> ResponseTemplate {
    json(format!(
        r#"{{"server":"{NODE1}","status":"error","errorMessage":"Connection refused ({NODE2}:53443)","innerErrorMessage":"Connection refused"}}"#
    ))
}

/// The recorded session, with or without server3 in its node list, and with or without
/// Administration: View.
fn session(with_node3: bool, admin: bool) -> String {
    session_of(with_node3, admin, false)
}

/// [`session`], with 97 more nodes whose names sort before the three (`a000.example.com` …)
/// and one without a name when `many`.
fn session_of(with_node3: bool, admin: bool, many: bool) -> String {
    let text = fixture(Version::V15_2, "user_session_get_apiToken.json");
    let mut v: Value = serde_json::from_str(&text).unwrap();
    if many {
        let nodes = v["info"]["clusterNodes"].as_array_mut().unwrap();
        for i in 0..97 {
            nodes.push(serde_json::json!({
                "name": format!("a{i:03}.example.com"), "type": "Secondary", "state": "Connected"
            }));
        }
        nodes.push(serde_json::json!({"name": "", "type": "Secondary", "state": "Connected"}));
    }
    if !with_node3 {
        v["info"]["clusterNodes"]
            .as_array_mut()
            .unwrap()
            .retain(|n| n["name"] != NODE3);
    }
    v["info"]["permissions"]["Administration"]["canView"] = admin.into();
    // The forwarders collector asks each node's own DNS client.
    v["info"]["permissions"]["DnsClient"]["canView"] = true.into();
    v.to_string()
}

/// How the cluster's session/get answers.
#[derive(Default)]
struct Control {
    /// server3 is not listed.
    node3_gone: AtomicBool,
    /// The token lacks Administration: View.
    no_admin: AtomicBool,
    /// Answers take 300 ms.
    slow: AtomicBool,
    /// 98 more nodes are listed ([`session_of`]).
    many: AtomicBool,
}

/// session/get as [`Control`] says.
struct Session(Arc<Control>);

impl wiremock::Respond for Session {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let c = &self.0;
        let body = session_of(
            !c.node3_gone.load(Ordering::SeqCst),
            !c.no_admin.load(Ordering::SeqCst),
            c.many.load(Ordering::SeqCst),
        );
        let delay = if c.slow.load(Ordering::SeqCst) {
            300
        } else {
            0
        };
        json(body).set_delay(Duration::from_millis(delay))
    }
}

/// The cluster behind server1's URL, and what its sessions say.
async fn cluster() -> (MockServer, Arc<Control>) {
    let server = start_mock(Version::V15_2).await;
    let listed = Arc::new(Control::default());
    Mock::given(method("GET"))
        .and(path(Endpoint::SessionGet.path()))
        .and(wiremock::matchers::header(
            "authorization",
            format!("Bearer {TOKEN}").as_str(),
        ))
        .respond_with(Session(Arc::clone(&listed)))
        .with_priority(PRIORITY_OVERRIDE)
        .mount(&server)
        .await;
    Mock::given(query_param("node", NODE2))
        .respond_with(unreachable())
        .with_priority(PRIORITY_OVERRIDE)
        .mount(&server)
        .await;
    let state = cluster_state_as(
        &fixture(Version::V15_2, "admin_cluster_state.json"),
        NODE3,
        Some("15.1"),
    );
    Mock::given(path(Endpoint::ClusterState.path()))
        .and(query_param("node", NODE3))
        .respond_with(json(state.to_string()))
        .with_priority(PRIORITY_OVERRIDE)
        .mount(&server)
        .await;
    (server, listed)
}

fn node_collector(server: &MockServer, node: &str) -> Scraper {
    let client = Client::new(&client_config(&server.uri())).unwrap();
    Scraper::new(client.for_node(node), all_options()).with_node(NodeScope {
        name: node.to_owned(),
        reach: Reach::Proxy,
    })
}

fn node_param(r: &Request) -> Option<String> {
    r.url
        .query_pairs()
        .find(|(k, _)| k == "node")
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn a_node_is_collected_through_the_target_url_as_itself() {
    let (server, _) = cluster().await;
    let snapshot = collect(&node_collector(&server, NODE3), Duration::from_secs(10)).await;
    let text = text(&snapshot);
    assert_golden("v15_2_node_through_target.prom", &text);
    // The node's own facts, not server1's.
    for line in [
        "technitium_up 1",
        "technitium_build_info{version=\"15.1\"} 1",
        "technitium_server_info{server_domain=\"server3.example.com\"} 1",
        "technitium_cluster_node_state{node=\"server3.example.com\",state=\"self\"} 1",
        "technitium_cluster_node_state{node=\"server1.example.com\",state=\"connected\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
    // Every call but session/get went to the node; session/get never carries node=.
    let seen = server.received_requests().await.unwrap();
    assert!(seen.len() > 5);
    for r in &seen {
        let want = (r.url.path() != Endpoint::SessionGet.path()).then(|| NODE3.to_owned());
        assert_eq!(node_param(r), want, "{}", r.url);
    }
}

#[tokio::test]
async fn an_unreachable_node_is_down_with_reason_unreachable() {
    let (server, _) = cluster().await;
    let snapshot = collect(&node_collector(&server, NODE2), Duration::from_secs(10)).await;
    let text = text(&snapshot);
    assert_golden("v15_2_node_unreachable.prom", &text);
    assert!(text.contains("technitium_scrape_error{reason=\"unreachable\"} 1\n"));
    let Err(e) = &snapshot.session else {
        panic!("server2 should be down")
    };
    let message = e.to_string();
    assert!(
        message.starts_with(&format!(
            "node {NODE2} through {}: the contacted server could not reach the node for /api/admin/cluster/state (Connection refused ({NODE2}:53443))",
            server.uri()
        )),
        "{message}"
    );
}

#[tokio::test]
async fn a_node_the_session_does_not_list_is_refused_before_any_node_call() {
    let (server, _) = cluster().await;
    let snapshot = collect(
        &node_collector(&server, "server9.example.com"),
        Duration::from_secs(10),
    )
    .await;
    match &snapshot.session {
        Err(ApiError::NodeNotListed { node, listed, .. }) => {
            assert_eq!(node, "server9.example.com");
            assert_eq!(listed, &[NODE1, NODE2, NODE3]);
        }
        other => panic!("{other:?}"),
    }
    let seen = server.received_requests().await.unwrap();
    assert!(seen.iter().all(|r| node_param(r).is_none()), "{seen:?}");
}

#[tokio::test]
async fn without_administration_view_a_nodes_own_facts_are_left_out() {
    let (server, control) = cluster().await;
    control.no_admin.store(true, Ordering::SeqCst);
    let snapshot = collect(&node_collector(&server, NODE3), Duration::from_secs(10)).await;
    let text = text(&snapshot);
    assert!(text.contains("technitium_up 1\n"), "{text}");
    for family in [
        "technitium_build_info",
        "technitium_server_info",
        "technitium_start_time_seconds",
        "technitium_lifetime_counters_supported",
        "technitium_cluster_initialized",
        "technitium_cluster_node_state",
    ] {
        assert!(family_lines(&text, family).is_empty(), "{family}\n{text}");
    }
    assert!(!family_lines(&text, "technitium_zone_info").is_empty());
    let seen = server.received_requests().await.unwrap();
    assert!(
        seen.iter()
            .all(|r| r.url.path() != Endpoint::ClusterState.path())
    );
}

fn write(dir: &tempfile::TempDir, text: &str) -> String {
    let p = dir.path().join("config.toml");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

fn target(name: &str, url: &str, extra: &str) -> String {
    format!("[targets.{name}]\nurl = \"{url}\"\ntoken = \"{TOKEN}\"\n{extra}\n")
}

#[tokio::test]
async fn probe_node_takes_only_nodes_the_session_lists() {
    let (server, listed) = cluster().await;
    let listed = &*listed;
    let solo = start_mock(Version::V13_6).await;
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        &dir,
        &[
            target("c", &server.uri(), ""),
            target("off", &server.uri(), "per_node = false"),
            target("solo", &solo.uri(), ""),
        ]
        .concat(),
    );
    let s = serve(
        &["--collector.disable-defaults", "--config.file", &config],
        &[],
    )
    .await;
    let probe = |q: &str| get_owned(format!("{}/probe?{q}", s.base));

    let (status, body) = probe("target=c&node=server9.example.com").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        "node \"server9.example.com\" is not a node of target \"c\"'s cluster (its nodes: server1.example.com, server2.example.com, server3.example.com)\n"
    );
    // Node names are host names: any case.
    let (status, body) = probe("target=c&node=Server3.Example.COM").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("technitium_build_info{version=\"15.1\"} 1\n"),
        "{body}"
    );
    let (status, body) = probe(&format!("target=c&node={NODE2}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("technitium_up 0\n"), "{body}");

    // server3 leaves the cluster: the next scrape of it is refused, and so are later ones.
    listed.node3_gone.store(true, Ordering::SeqCst);
    let (status, body) = probe(&format!("target=c&node={NODE3}")).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        "node \"server3.example.com\" is no longer a node of target \"c\"'s cluster (its nodes: server1.example.com, server2.example.com)\n"
    );
    let (status, body) = probe(&format!("target=c&node={NODE3}")).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("is not a node of target \"c\"'s cluster"),
        "{body}"
    );
    // It comes back.
    listed.node3_gone.store(false, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(10)).await;
    let (status, _) = probe("target=c").await;
    assert_eq!(status, 200);
    assert_eq!(probe(&format!("target=c&node={NODE3}")).await.0, 200);

    for (q, words) in [
        (
            "target=off&node=server3.example.com",
            "target \"off\" has per_node = false",
        ),
        (
            "target=solo&node=server3.example.com",
            "target \"solo\" is not part of a cluster",
        ),
        ("target=nope&node=server3.example.com", "unknown target"),
        (
            "target=http://x:5380&module=m&node=server3.example.com",
            "node= works with configured targets only",
        ),
    ] {
        let (status, body) = probe(q).await;
        assert_eq!(status, 400, "{q}");
        assert!(body.contains(words), "{q}: {body}");
    }
}

async fn get_owned(url: String) -> (u16, String) {
    get(&url).await
}

/// Checks a body against Prometheus's HTTP SD format: a JSON list of objects, each with
/// exactly `targets` (a non-empty list of `host[:port]` strings) and `labels` (an object of
/// label names to strings).
fn assert_http_sd(body: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let groups = v.as_array().expect("a JSON list").clone();
    for g in &groups {
        let obj = g.as_object().expect("a group is an object");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["labels", "targets"], "{g}");
        let targets = g["targets"].as_array().unwrap();
        assert!(!targets.is_empty());
        for t in targets {
            let t = t.as_str().expect("a target is a string");
            assert!(!t.contains('/') && !t.is_empty(), "{t}");
        }
        for (name, value) in g["labels"].as_object().unwrap() {
            let mut chars = name.chars();
            assert!(
                chars
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "label name {name}"
            );
            assert!(value.is_string(), "{name}: {value}");
        }
    }
    groups
}

fn labels(g: &Value) -> Vec<(String, String)> {
    g["labels"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// Four targets: a cluster, a server that is down, the cluster with `per_node = false`, and a
/// server outside any cluster.
fn sd_config(dir: &tempfile::TempDir, cluster: &MockServer, solo: &MockServer) -> String {
    let down = format!("http://127.0.0.1:{}", refused_port());
    write(
        dir,
        &[
            target("c", &cluster.uri(), ""),
            target("down", &down, ""),
            target("off", &cluster.uri(), "per_node = false"),
            target("solo", &solo.uri(), ""),
        ]
        .concat(),
    )
}

#[tokio::test]
async fn sd_lists_every_target_and_every_node_of_a_cluster() {
    let (server, _) = cluster().await;
    let solo = start_mock(Version::V13_6).await;
    let dir = tempfile::tempdir().unwrap();
    let config = sd_config(&dir, &server, &solo);
    let s = serve(
        &["--collector.disable-defaults", "--config.file", &config],
        &[],
    )
    .await;
    let r = http()
        .get(format!("{}/sd", s.base))
        .header("host", "prometheus-sees-me:9274")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let groups = assert_http_sd(&r.text().await.unwrap());
    let common = |target: &str| {
        vec![
            ("__metrics_path__".to_owned(), "/probe".to_owned()),
            ("__param_target".to_owned(), target.to_owned()),
            ("__scheme__".to_owned(), "http".to_owned()),
            ("technitium_target".to_owned(), target.to_owned()),
        ]
    };
    let node = |n: &str| {
        let mut l = common("c");
        l.extend([
            ("__param_node".to_owned(), n.to_owned()),
            ("technitium_cluster".to_owned(), "example.com".to_owned()),
            ("technitium_node".to_owned(), n.to_owned()),
        ]);
        l.sort();
        l
    };
    let got: Vec<Vec<(String, String)>> = groups.iter().map(labels).collect();
    assert_eq!(
        got,
        [
            node(NODE1),
            node(NODE2),
            node(NODE3),
            common("down"),
            common("off"),
            common("solo"),
        ]
    );
    for g in &groups {
        assert_eq!(g["targets"], serde_json::json!(["prometheus-sees-me:9274"]));
    }
    // The node lists came from one session/get of the clustered target (per_node = false
    // asks nothing), and a second /sd within the minute asks nothing more.
    let sessions = || async {
        server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == Endpoint::SessionGet.path())
            .count()
    };
    assert_eq!(sessions().await, 1);
    assert_eq!(get(&format!("{}/sd", s.base)).await.0, 200);
    assert_eq!(sessions().await, 1);
    // A Host header that is not a plain host:port is not echoed.
    let r = http()
        .get(format!("{}/sd", s.base))
        .header("host", "evil\"host")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

/// A cluster listing 101 nodes (97 whose names sort first, one without a name): `/sd` lists
/// 64 of them, the node the URL reaches (server1) and the primary (server3) among them, and
/// never the nameless one.
#[tokio::test]
async fn sd_keeps_the_targets_node_and_the_primary_of_a_long_list() {
    let (server, control) = cluster().await;
    control.many.store(true, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let config = write(&dir, &target("c", &server.uri(), ""));
    let s = serve(
        &["--collector.disable-defaults", "--config.file", &config],
        &[],
    )
    .await;
    let (status, body) = get(&format!("{}/sd", s.base)).await;
    assert_eq!(status, 200);
    let nodes: Vec<String> = assert_http_sd(&body)
        .iter()
        .map(|g| g["labels"]["technitium_node"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(nodes.len(), 64, "{nodes:?}");
    for kept in [NODE1, NODE3, "a000.example.com", "a061.example.com"] {
        assert!(nodes.iter().any(|n| n == kept), "{kept} missing: {nodes:?}");
    }
    assert!(
        !nodes
            .iter()
            .any(|n| n.is_empty() || n == "a062.example.com")
    );
    // The node the URL reaches still answers /probe with node=.
    let (status, body) = get(&format!("{}/probe?target=c&node={NODE1}", s.base)).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn sd_behind_a_reverse_proxy_uses_the_external_url() {
    let (server, _) = cluster().await;
    let solo = start_mock(Version::V13_6).await;
    let dir = tempfile::tempdir().unwrap();
    let config = sd_config(&dir, &server, &solo);
    // --web.external-url gives the address, the scheme and the path prefix.
    let s = serve(
        &[
            "--collector.disable-defaults",
            "--config.file",
            &config,
            "--web.external-url",
            "https://mon.lan/technitium/",
        ],
        &[],
    )
    .await;
    let (status, body) = get(&format!("{}/sd", s.base)).await;
    assert_eq!(status, 200);
    let groups = assert_http_sd(&body);
    assert_eq!(groups.len(), 6);
    for g in &groups {
        assert_eq!(g["targets"], serde_json::json!(["mon.lan"]));
        assert_eq!(g["labels"]["__scheme__"], "https");
        assert_eq!(g["labels"]["__metrics_path__"], "/technitium/probe");
    }
    let (_, landing) = get(&format!("{}/", s.base)).await;
    assert!(
        landing.contains("http_sd_configs:\n      - url: https://mon.lan/technitium/sd"),
        "{landing}"
    );
}

#[tokio::test]
async fn each_node_has_its_own_coalescing_and_min_interval() {
    let (server, control) = cluster().await;
    // Slow sessions make concurrent scrapes overlap.
    control.slow.store(true, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let config = write(&dir, &target("c", &server.uri(), ""));
    let s = serve(
        &[
            "--collector.disable-defaults",
            "--collector.zones",
            "--collector.zones.min-interval",
            "1h",
            "--config.file",
            &config,
        ],
        &[],
    )
    .await;
    let url = |node: &str| format!("{}/probe?target=c&node={node}", s.base);
    let zones_calls = |node: Option<&'static str>| {
        let server = &server;
        async move {
            server
                .received_requests()
                .await
                .unwrap()
                .iter()
                .filter(|r| r.url.path() == Endpoint::ZonesList.path())
                .filter(|r| node_param(r).as_deref() == node)
                .count()
        }
    };
    // Concurrent scrapes of two nodes: one fetch per node.
    let requests: Vec<_> = (0..6)
        .flat_map(|_| [url(NODE1), url(NODE3)])
        .map(|u| tokio::spawn(get_owned(u)))
        .collect();
    for r in requests {
        let (status, body) = r.await.unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("technitium_up 1\n"), "{body}");
    }
    assert_eq!(zones_calls(Some(NODE1)).await, 1);
    assert_eq!(zones_calls(Some(NODE3)).await, 1);
    // Later scrapes reuse each node's own data while it is younger than the interval; the
    // target's own scrape has its own.
    let (_, body) = get(&url(NODE3)).await;
    assert!(
        body.contains("technitium_scrape_cache_age_seconds "),
        "{body}"
    );
    get(&format!("{}/probe?target=c", s.base)).await;
    get(&format!("{}/probe?target=c", s.base)).await;
    assert_eq!(zones_calls(Some(NODE1)).await, 1);
    assert_eq!(zones_calls(Some(NODE3)).await, 1);
    assert_eq!(zones_calls(None).await, 1);
    // Self metrics name the target and the node.
    let (_, metrics) = get(&format!("{}/metrics", s.base)).await;
    for line in [
        "technitium_exporter_scrapes_total{node=\"server3.example.com\",result=\"success\",target=\"c\"} 7",
        "technitium_exporter_scrapes_total{node=\"server1.example.com\",result=\"success\",target=\"c\"} 6",
        "technitium_exporter_scrapes_total{result=\"success\",target=\"c\"} 2",
        "technitium_exporter_upstream_requests_total{endpoint=\"/api/zones/list\",node=\"server3.example.com\",result=\"success\",target=\"c\"} 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line}\n{metrics}");
    }
    assert!(!metrics.contains(&server.uri()), "no URL in self metrics");
}

#[tokio::test]
async fn a_node_with_its_own_url_is_asked_directly() {
    let (server, _) = cluster().await;
    // server3's own URL: its session names it as Self.
    let own = start_mock(Version::V15_2).await;
    let mut v: Value = serde_json::from_str(&session(true, true)).unwrap();
    for n in v["info"]["clusterNodes"].as_array_mut().unwrap() {
        n["state"] = if n["name"] == NODE3 {
            "Self"
        } else {
            "Connected"
        }
        .into();
    }
    v["info"]["version"] = "15.1".into();
    Mock::given(path(Endpoint::SessionGet.path()))
        .respond_with(json(v.to_string()))
        .with_priority(PRIORITY_OVERRIDE)
        .mount(&own)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        &dir,
        &[
            target(
                "c",
                &server.uri(),
                &format!("node_urls = {{ \"{NODE3}\" = \"{}\" }}", own.uri()),
            ),
            // A pin that reaches another node.
            target(
                "wrong",
                &server.uri(),
                &format!("node_urls = {{ \"{NODE3}\" = \"{}\" }}", server.uri()),
            ),
        ]
        .concat(),
    );
    let s = serve(&["--config.file", &config], &[]).await;
    let (status, body) = get(&format!("{}/probe?target=c&node={NODE3}", s.base)).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("technitium_build_info{version=\"15.1\"} 1\n"),
        "{body}"
    );
    let seen = own.received_requests().await.unwrap();
    assert!(seen.len() > 3 && seen.iter().all(|r| node_param(r).is_none()));
    let through = server.received_requests().await.unwrap();
    assert!(through.iter().all(|r| node_param(r).is_none()));
    // The wrong pin: server1 answers as itself, so the node is not read.
    let (status, body) = get(&format!("{}/probe?target=wrong&node={NODE3}", s.base)).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("technitium_scrape_error{reason=\"bad_response\"} 1\n"),
        "{body}"
    );
}

#[test]
fn check_walks_every_node_and_flags_version_skew() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (server, _) = rt.block_on(cluster());
    let out = exporter_command()
        .args([
            "check",
            "--format",
            "json",
            "--technitium.url",
            &server.uri(),
        ])
        .args(["--technitium.token", TOKEN])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &report["targets"][0];
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(t["verdict"], "ok");
    let rows: Vec<(String, String, String)> = t["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["name"].as_str().unwrap().to_owned(),
                n["via"].as_str().unwrap().to_owned(),
                n["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let row = |n: &str, via: &str, status: &str| (n.to_owned(), via.to_owned(), status.to_owned());
    assert_eq!(
        rows,
        [
            row(NODE1, "self", "ok"),
            row(NODE2, "target", "warning"),
            row(NODE3, "target", "warning"),
        ]
    );
    assert_eq!(
        t["nodes"][2]["detail"],
        "version skew: runs 15.1 while server1.example.com runs 15.2"
    );
    assert_eq!(t["nodes"][2]["version"], "15.1");
    assert!(
        t["nodes"][1]["detail"]
            .as_str()
            .unwrap()
            .starts_with("down: the target's server cannot reach it"),
        "{t:#}"
    );
    assert_eq!(t["warnings"], 2);
}

/// `check` walks at most 64 nodes of a long list (the target's and the primary among them)
/// and says what it left out in a warning row.
#[test]
fn check_walks_at_most_64_nodes_with_a_warning_row() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (server, control) = rt.block_on(cluster());
    control.many.store(true, Ordering::SeqCst);
    let out = exporter_command()
        .args([
            "check",
            "--format",
            "json",
            "--technitium.url",
            &server.uri(),
        ])
        .args(["--collector.disable-defaults", "--technitium.token", TOKEN])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = report["targets"][0]["nodes"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 65, "{report:#}");
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&NODE1) && names.contains(&NODE3),
        "{names:?}"
    );
    let last = &rows[64];
    assert_eq!(last["status"], "warning");
    assert_eq!(
        last["detail"],
        "the cluster lists 101 nodes; left out: 36 beyond the first 64 (the target's node and the primary first, then by name), 1 whose name is empty or unusable"
    );
    let asked: std::collections::BTreeSet<String> = rt
        .block_on(server.received_requests())
        .unwrap()
        .iter()
        .filter_map(node_param)
        .collect();
    assert_eq!(asked.len(), 63, "{asked:?}");
}

#[tokio::test]
async fn the_demo_cluster_answers_per_node() {
    let s = serve(&["--demo"], &[]).await;
    let (status, body) = get(&format!("{}/sd", s.base)).await;
    assert_eq!(status, 200);
    let groups = assert_http_sd(&body);
    let nodes: Vec<&str> = groups
        .iter()
        .map(|g| g["labels"]["technitium_node"].as_str().unwrap())
        .collect();
    assert_eq!(nodes, ["dns1.demo.lan", "dns2.demo.lan", "dns3.demo.lan"]);
    assert!(
        groups
            .iter()
            .all(|g| g["labels"]["technitium_cluster"] == "demo.lan")
    );
    let probe = |node: &str| get_owned(format!("{}/probe?target=demo&node={node}", s.base));
    let (status, one) = probe("dns1.demo.lan").await;
    assert_eq!(status, 200);
    assert!(one.contains("technitium_build_info{version=\"15.6\"} 1\n"));
    // 15.6: dns1's node list alone shows dns2 one version behind; dns3 was never heard from.
    assert!(
        one.contains(
            "technitium_cluster_node_build_info{node=\"dns2.demo.lan\",version=\"15.5\"} 1\n"
        ),
        "{one}"
    );
    assert!(!one.contains("technitium_cluster_node_build_info{node=\"dns3.demo.lan\""));
    let (status, two) = probe("dns2.demo.lan").await;
    assert_eq!(status, 200);
    assert!(
        two.contains("technitium_build_info{version=\"15.5\"} 1\n"),
        "{two}"
    );
    // #2066: dns2, a secondary, hosts catalog members that report notify failed.
    assert!(two.contains("technitium_zone_catalog_info{zone=\"site0.demo.lan\",catalog=\"cluster-catalog.demo.lan\"} 1\n"));
    assert!(two.contains("technitium_zone_notify_failed{zone=\"site0.demo.lan\"} 1\n"));
    assert!(one.contains("technitium_zone_notify_failed{zone=\"site0.demo.lan\"} 0\n"));
    assert!(two.contains("technitium_server_info{server_domain=\"dns2.demo.lan\"} 1\n"));
    // dns2 holds secondary copies of dns1's primary zones, one of them behind.
    assert!(
        two.contains("technitium_zone_info{zone=\"site0.demo.lan\",type=\"secondary\""),
        "{two}"
    );
    let serial = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("technitium_zone_soa_serial{zone=\"site0.demo.lan\"}"))
            .and_then(|l| l.rsplit_once(' '))
            .map(|(_, v)| v.parse::<f64>().unwrap())
            .unwrap()
    };
    assert_eq!(serial(&one) - serial(&two), 2.0);
    let (status, three) = probe("dns3.demo.lan").await;
    assert_eq!(status, 200);
    assert!(three.contains("technitium_up 0\n") && three.contains("reason=\"unreachable\""));
    assert_eq!(probe("dns4.demo.lan").await.0, 400);
}
