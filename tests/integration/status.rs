//! The status page (`/`) and the debug output (`debug=true`) of `serve`, without a browser:
//! the same page `scripts/check-browser.sh` loads in headless Chromium (`serve --demo` with a
//! target on a refused port), a server whose error text is HTML, a pre-v15 server whose calls
//! carry the token in the query string, and basic auth in front of both.

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::Duration;

use regex::Regex;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{
    PRIORITY_OVERRIDE, TOKEN, Version, exporter_command, free_port, golden_path, refused_port,
    start_mock,
};
use crate::serve::http;

/// The failing target's token: long enough that the redactor would catch it, in the query
/// string (`auth = "query"`), so any leak would show it whole.
const BROKEN_TOKEN: &str = "b7e1c2d3a4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff";

/// `serve` with its log in a file.
struct Logged {
    child: Child,
    base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Logged {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Logged {
    /// Everything the process logged so far.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Starts `serve` at `--log.level trace` with `config` as its config file and `args`, and waits
/// until it answers.
async fn start(config: &str, args: &[&str], env: &[(&str, &str)]) -> Logged {
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, config).unwrap();
    let log = dir.path().join("serve.log");
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.args(args)
        .arg("--config.file")
        .arg(&config_path)
        .args(["--log.level", "trace", "serve", "--web.listen-address"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let server = Logged {
        child: cmd.spawn().unwrap(),
        base: format!("http://127.0.0.1:{port}"),
        log,
        _dir: dir,
    };
    for _ in 0..200 {
        if http()
            .get(format!("{}/-/healthy", server.base))
            .send()
            .await
            .is_ok()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("serve did not come up:\n{}", server.log());
}

async fn get(base: &str, path: &str) -> (u16, String, String) {
    let r = http().get(format!("{base}{path}")).send().await.unwrap();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (r.status().as_u16(), kind, r.text().await.unwrap())
}

/// What changes from run to run, replaced: loopback ports, ages, durations, byte counts, the
/// derived counters' minute ranges; runs of spaces become one.
fn steady(text: &str) -> String {
    let rules = [
        (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
        (r"\d+ s ago", "AGE ago"),
        (r"\+?\d+ ms\b", "TIME"),
        (r"\b\d+(\.\d+)? s\b", "TIME"),
        (
            r"start=[0-9T:Z-]+&end=[0-9T:Z-]+",
            "start=MINUTE&end=MINUTE",
        ),
        (r" {2,}", " "),
    ];
    let mut text = text.to_owned();
    for (pattern, with) in rules {
        text = Regex::new(pattern)
            .unwrap()
            .replace_all(&text, with)
            .into_owned();
    }
    text
}

/// Compares `text` with `tests/golden/NAME`; `UPDATE_GOLDEN=1` rewrites the file instead.
fn assert_same(name: &str, text: &str) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; UPDATE_GOLDEN=1 creates it", path.display()));
    assert_eq!(
        expected,
        text,
        "{} differs (UPDATE_GOLDEN=1 cargo test accepts the change)",
        path.display()
    );
}

/// The page's "Targets" table, one row a line.
fn targets_table(page: &str) -> &str {
    let start = page.find("<table>").expect("a table");
    let end = page[start..].find("</table>").expect("its end") + start;
    &page[start..end + "</table>".len()]
}

/// A v13.6 server whose zones/list fails with an error text that is HTML.
async fn html_error_server() -> MockServer {
    let server = start_mock(Version::V13_6).await;
    let body = serde_json::json!({
        "status": "error",
        "errorMessage": "<script>alert('zones')</script> & <b>\"bold\"</b>"
    });
    Mock::given(path("/api/zones/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .with_priority(PRIORITY_OVERRIDE)
        .mount(&server)
        .await;
    server
}

fn config(targets: &[(&str, &str, &str)]) -> String {
    targets
        .iter()
        .map(|(name, url, token)| {
            format!("[targets.{name}]\nurl = \"{url}\"\ntoken = \"{token}\"\nauth = \"query\"\n")
        })
        .collect()
}

/// The page Chromium checks in CI: `serve --demo` with a target on a refused port, and one
/// whose error text is HTML. After a scrape of each target and of two cluster nodes, `/` lists
/// every target and node with its last scrape, the failing collectors with their reason and
/// error (escaped), and a debug link each; no token, no script, a phone's viewport.
#[tokio::test]
async fn the_status_page_shows_every_target_and_node_and_what_failed() {
    let html = html_error_server().await;
    let refused = format!("http://127.0.0.1:{}", refused_port());
    let config = config(&[
        ("broken", &refused, BROKEN_TOKEN),
        ("old", &html.uri(), TOKEN),
    ]);
    let s = start(
        &config,
        &["--demo"],
        &[("TECHNITIUM_EXPORTER_DEMO_PRINT", "1")],
    )
    .await;
    let (status, _, before) = get(&s.base, "/").await;
    assert_eq!(status, 200);
    assert!(
        before.contains("<td data-label=\"Last scrape\">not scraped yet</td>"),
        "{before}"
    );
    for p in [
        "/metrics",
        "/probe?target=broken",
        "/probe?target=old",
        "/probe?target=demo",
        "/probe?target=demo&node=dns2.demo.lan",
        "/probe?target=demo&node=dns3.demo.lan",
    ] {
        assert_eq!(get(&s.base, p).await.0, 200, "{p}");
    }
    let (status, kind, page) = get(&s.base, "/").await;
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    assert!(
        page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    assert!(
        page.contains("Last reload (SIGHUP): none since the start"),
        "{page}"
    );
    assert!(!page.to_lowercase().contains("<script"), "{page}");
    assert_same("status_targets.html", &steady(targets_table(&page)));
    let log = s.log();
    let demo_token = Regex::new(r"token=(demo-[0-9a-f]+)")
        .unwrap()
        .captures(&log)
        .map(|c| c[1].to_owned())
        .expect("the demo prints its token");
    for token in [BROKEN_TOKEN, TOKEN, demo_token.as_str()] {
        assert!(!page.contains(token), "a token on the page:\n{page}");
    }
    assert!(!log.contains(BROKEN_TOKEN) && !log.contains(TOKEN), "{log}");
}

/// `debug=true` on a server before v15 (the token goes in the query string): every call in
/// order with its parameters, status, bytes and result, each collector's result, the auth mode
/// and the deadline, then the exposition; the minimum intervals' cache is not read (the normal
/// scrapes before and after use it). The token appears nowhere: not in the answer, not in the
/// trace-level log.
#[tokio::test]
async fn debug_output_shows_each_call_and_never_the_token() {
    let mock = start_mock(Version::V13_6).await;
    let url = mock.uri();
    let args = [
        "--technitium.url",
        url.as_str(),
        "--technitium.token",
        TOKEN,
        "--collector.zones.min-interval",
        "1h",
    ];
    let s = start("", &args, &[]).await;
    let zones_calls = || async {
        let requests = mock.received_requests().await.unwrap_or_default();
        requests
            .iter()
            .filter(|r| r.url.path() == "/api/zones/list")
            .count()
    };
    assert_eq!(get(&s.base, "/metrics").await.0, 200);
    assert_eq!(zones_calls().await, 1);
    let (status, kind, body) = get(&s.base, "/metrics?debug=true").await;
    assert_eq!((status, kind.as_str()), (200, "text/plain; charset=utf-8"));
    assert_eq!(zones_calls().await, 2, "debug fetches what the cache holds");
    assert_eq!(get(&s.base, "/metrics").await.0, 200);
    assert_eq!(zones_calls().await, 2, "the normal scrape reads the cache");
    let (head, exposition) = body.split_once("\nexposition").expect("an exposition");
    assert_same("debug_v13_6.txt", &steady(head));
    assert!(exposition.contains("\ntechnitium_up 1\n"), "{exposition}");
    assert!(
        exposition.contains("\ntechnitium_zone_info{"),
        "{exposition}"
    );
    assert!(!exposition.contains("technitium_exporter_"), "{exposition}");
    let log = s.log();
    assert!(log.contains("upstream call done"), "trace logs seen: {log}");
    assert!(!body.contains(TOKEN), "{body}");
    assert!(!log.contains(TOKEN), "{log}");
    // The token did go in the query string: a leak would have had something to show.
    let requests = mock.received_requests().await.unwrap_or_default();
    assert!(
        requests
            .iter()
            .any(|r| r.url.query().is_some_and(|q| q.contains(TOKEN)))
    );
}

/// `steady`, and the byte counts of the calls' lines too (the demo's answers carry the clock).
fn steady_bytes(text: &str) -> String {
    Regex::new(r"(?m)^( TIME TIME (?:\d{3}|-)) \d+ ")
        .unwrap()
        .replace_all(&steady(text), "$1 BYTES ")
        .into_owned()
}

/// A cluster node's debug output names the node on every proxied call; a target on a refused
/// port shows the one call that failed and why.
#[tokio::test]
async fn debug_output_of_a_node_and_of_a_refused_target() {
    let refused = format!("http://127.0.0.1:{}", refused_port());
    let s = start(
        &config(&[("broken", &refused, BROKEN_TOKEN)]),
        &["--demo"],
        &[],
    )
    .await;
    let (status, _, body) = get(&s.base, "/probe?target=demo&node=dns3.demo.lan&debug=true").await;
    assert_eq!(status, 200);
    let (head, _) = body.split_once("\nexposition").expect("an exposition");
    assert_same("debug_demo_node.txt", &steady_bytes(head));
    let (status, _, body) = get(&s.base, "/probe?target=broken&debug=true").await;
    assert_eq!(status, 200);
    let (head, exposition) = body.split_once("\nexposition").expect("an exposition");
    assert_same("debug_refused.txt", &steady(head));
    assert!(exposition.contains("technitium_scrape_error{reason=\"unreachable\"} 1"));
    assert!(!body.contains(BROKEN_TOKEN) && !s.log().contains(BROKEN_TOKEN));
    // The debug scrape is the target's last one on the status page.
    let (_, _, page) = get(&s.base, "/").await;
    assert!(steady(&page).contains("AGE ago (debug)"), "{page}");
}

/// Debug scrapes are neither shared nor cached: a second one of the same target while one runs
/// is refused (429), not run; another target's runs.
#[tokio::test]
async fn debug_scrapes_of_one_target_run_one_at_a_time() {
    let s = start(
        "",
        &["--demo"],
        &[("TECHNITIUM_EXPORTER_DEMO_DELAY_MS", "1500")],
    )
    .await;
    let debug = |p: &'static str| {
        let base = s.base.clone();
        async move { get(&base, p).await }
    };
    let (a, b, other) = tokio::join!(
        debug("/probe?target=demo&debug=true"),
        debug("/probe?target=demo&debug=true"),
        debug("/metrics?debug=true"),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 429]);
    let refused = if a.0 == 429 { &a.2 } else { &b.2 };
    assert!(refused.contains("one at a time per target"), "{refused}");
    assert_eq!(other.0, 200, "{}", other.2);
}

/// Basic auth guards the status page and the debug output like every route.
#[tokio::test]
async fn basic_auth_guards_the_status_page_and_debug_output() {
    let hash = bcrypt::hash("right", 4).unwrap();
    let config = format!("[web]\nbasic_auth_users = {{ prometheus = \"{hash}\" }}\n");
    let s = start(&config, &["--demo"], &[]).await;
    for p in ["/", "/metrics?debug=true", "/probe?target=demo&debug=true"] {
        assert_eq!(get(&s.base, p).await.0, 401, "{p}");
        let r = http()
            .get(format!("{}{p}", s.base))
            .basic_auth("prometheus", Some("right"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{p}");
    }
}
