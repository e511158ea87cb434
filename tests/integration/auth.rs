//! How the token travels, checked on the requests the mock servers received: a v15+ server
//! never sees it in a URL; a pre-v15 server gets exactly one Bearer-only probe, then query
//! tokens only; only allowlisted read-only GET paths are ever requested.

use std::time::Duration;

use crate::common::{
    TOKEN, Version, all_options, bearer, client_config, collect, collector, default_options,
    mount_fixtures, start_mock, token_in_url,
};
use technitium_exporter::technitium::{AuthMode, Endpoint};
use wiremock::{MockServer, Request};

fn paths(requests: &[Request]) -> Vec<&str> {
    requests.iter().map(|r| r.url.path()).collect()
}

/// Every request is a GET of an allowlisted path.
fn assert_allowlisted(requests: &[Request]) {
    let allowed: Vec<&str> = Endpoint::ALL.iter().map(|e| e.path()).collect();
    for r in requests {
        assert_eq!(r.method.as_str(), "GET", "{}", r.url.path());
        assert!(allowed.contains(&r.url.path()), "{}", r.url.path());
        assert!(r.body.is_empty());
    }
}

#[tokio::test]
async fn v15_never_sees_the_token_in_a_url() {
    let server = start_mock(Version::V15_2).await;
    let c = collector(&client_config(&server.uri()), all_options());
    for _ in 0..2 {
        let snapshot = collect(&c, Duration::from_secs(10)).await;
        assert!(snapshot.up());
    }
    assert!(!c.client().uses_query_token());
    let requests = server.received_requests().await.unwrap();
    // Two scrapes: session, lifetime, 2 windows of stats and 3 top lists each, zones, 2 dhcp,
    // settings, update.
    assert_eq!(requests.len(), 2 * 15, "{:?}", paths(&requests));
    for r in &requests {
        assert!(!token_in_url(r), "token in the URL of {}", r.url);
        assert!(bearer(r), "no Bearer header on {}", r.url.path());
    }
    assert_allowlisted(&requests);
}

/// Steps through a pre-v15 server's requests: one Bearer-only session/get probe, then only
/// query tokens (also across scrapes: the carrier is remembered).
async fn pre_v15(version: Version) {
    let server = start_mock(version).await;
    let c = collector(&client_config(&server.uri()), all_options());
    for _ in 0..2 {
        let snapshot = collect(&c, Duration::from_secs(10)).await;
        assert!(snapshot.up(), "{:?}", snapshot.session.err());
    }
    assert!(c.client().uses_query_token());
    let requests = server.received_requests().await.unwrap();
    let bearer_only: Vec<&Request> = requests
        .iter()
        .filter(|r| bearer(r) && !token_in_url(r))
        .collect();
    assert_eq!(bearer_only.len(), 1, "{:?}", paths(&requests));
    let first = &requests[0];
    assert_eq!(first.url.path(), Endpoint::SessionGet.path());
    assert!(bearer(first) && !token_in_url(first));
    for r in &requests[1..] {
        assert!(token_in_url(r), "no query token on {}", r.url.path());
        assert!(
            r.headers.get("authorization").is_none(),
            "header sent again on {}",
            r.url.path()
        );
    }
    // The second request is the query retry of the probe.
    assert_eq!(requests[1].url.path(), Endpoint::SessionGet.path());
    // No lifetime call before v15; cluster comes from the session (no extra call).
    assert!(
        !paths(&requests).contains(&Endpoint::MetricsJson.path()),
        "{:?}",
        paths(&requests)
    );
    assert_allowlisted(&requests);
}

#[tokio::test]
async fn v13_6_gets_one_bearer_probe_then_query_tokens() {
    pre_v15(Version::V13_6).await;
}

#[tokio::test]
async fn v14_3_gets_one_bearer_probe_then_query_tokens() {
    pre_v15(Version::V14_3).await;
}

#[tokio::test]
async fn header_mode_never_falls_back_to_the_query() {
    let server = start_mock(Version::V13_6).await;
    let mut config = client_config(&server.uri());
    config.auth = AuthMode::Header;
    let c = collector(&config, default_options());
    let snapshot = collect(&c, Duration::from_secs(5)).await;
    assert_eq!(
        snapshot.session.as_ref().err().unwrap().reason().as_str(),
        "invalid_token"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(requests.iter().all(|r| bearer(r) && !token_in_url(r)));
}

#[tokio::test]
async fn query_mode_skips_the_probe() {
    let server = start_mock(Version::V13_6).await;
    let mut config = client_config(&server.uri());
    config.auth = AuthMode::Query;
    let c = collector(&config, default_options());
    assert!(collect(&c, Duration::from_secs(5)).await.up());
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| token_in_url(r) && !bearer(r)));
}

/// The token is revoked and re-created, or the server behind the URL changes version: a call
/// answering `invalid-token` makes the client probe again instead of sticking to a carrier
/// that no longer works.
#[tokio::test]
async fn a_later_invalid_token_makes_the_client_probe_again() {
    // Learned "header" on a v15 server; the URL now points at a v13 server (header ignored).
    let server = MockServer::start().await;
    mount_fixtures(&server, Version::V15_2).await;
    let c = collector(&client_config(&server.uri()), default_options());
    assert!(collect(&c, Duration::from_secs(5)).await.up());
    assert!(!c.client().uses_query_token());

    server.reset().await;
    mount_fixtures(&server, Version::V13_6).await;
    let mut up = false;
    for _ in 0..2 {
        up = collect(&c, Duration::from_secs(5)).await.up();
        if up {
            break;
        }
    }
    assert!(up, "the client never probed again after invalid-token");
    assert!(c.client().uses_query_token());

    // Learned "query" on a v13 server; the server is upgraded to v15 in place. The query token
    // still works there, so the scrape stays up, and session/get now says v15: the client moves
    // to the header at once, so only that one session call carried the token in its URL.
    server.reset().await;
    mount_fixtures(&server, Version::V15_2).await;
    assert!(collect(&c, Duration::from_secs(5)).await.up());
    assert!(!c.client().uses_query_token());
    let in_url: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(token_in_url)
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(in_url, ["/api/user/session/get"]);
    server.reset().await;
    mount_fixtures(&server, Version::V15_2).await;
    assert!(collect(&c, Duration::from_secs(5)).await.up());
    let requests = server.received_requests().await.unwrap();
    assert!(!requests.is_empty() && requests.iter().all(|r| !token_in_url(r)));
}

#[tokio::test]
async fn the_token_is_sent_exactly_as_configured() {
    let server = start_mock(Version::V15_2).await;
    let mut config = client_config(&server.uri());
    // Token files end with a newline; Secret trims it.
    config.token = Some(technitium_exporter::technitium::Secret::new(&format!(
        "  {TOKEN}\n"
    )));
    let c = collector(&config, default_options());
    assert!(collect(&c, Duration::from_secs(5)).await.up());
    let debug = format!("{:?} {:?}", config, c);
    assert!(!debug.contains(TOKEN), "{debug}");
}

/// A v15 server whose first Bearer session/get is rejected once (a passing failure, or a proxy
/// that stripped the header once), then accepts the header.
async fn v15_rejecting_the_header_once() -> MockServer {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path(Endpoint::SessionGet.path()))
        .and(wiremock::matchers::header_exists("authorization"))
        .respond_with(crate::common::recorded(
            Version::V15_2,
            "error_invalid_token.json",
        ))
        .up_to_n_times(1)
        .with_priority(crate::common::PRIORITY_OVERRIDE)
        .mount(&server)
        .await;
    mount_fixtures(&server, Version::V15_2).await;
    server
}

/// Regression (hostile run): one rejected Bearer attempt pinned `?token=` for the life of the
/// process. The header is tried again later (after 1 min, doubling to 1 h; 0 here), and once
/// it works the token stops going in URLs.
#[tokio::test]
async fn a_v15_server_gets_the_header_again_after_one_rejection() {
    let server = v15_rejecting_the_header_once().await;
    let client = technitium_exporter::technitium::Client::new(&client_config(&server.uri()))
        .unwrap()
        .with_header_retry(Duration::ZERO);
    let c = technitium_exporter::collector::Scraper::new(client, default_options());
    let first = collect(&c, Duration::from_secs(10)).await;
    assert!(first.up());
    assert!(
        c.client().uses_query_token(),
        "fell back to the query parameter"
    );
    let after_first = server.received_requests().await.unwrap().len();
    for _ in 0..2 {
        assert!(collect(&c, Duration::from_secs(10)).await.up());
    }
    assert!(!c.client().uses_query_token(), "back on the header");
    let requests = server.received_requests().await.unwrap();
    for r in &requests[after_first..] {
        assert!(
            !token_in_url(r),
            "token in the URL of {} after the retry",
            r.url
        );
    }
}

/// Without a retry due, the fallback stays (one extra rejected call per backoff, no more).
#[tokio::test]
async fn the_header_is_not_retried_before_its_backoff() {
    let server = v15_rejecting_the_header_once().await;
    let c = collector(&client_config(&server.uri()), default_options());
    for _ in 0..2 {
        assert!(collect(&c, Duration::from_secs(10)).await.up());
    }
    assert!(c.client().uses_query_token());
    let requests = server.received_requests().await.unwrap();
    let header_tries = requests
        .iter()
        .filter(|r| r.url.path() == Endpoint::SessionGet.path() && bearer(r))
        .count();
    assert_eq!(header_tries, 1, "only the first probe sent the header");
}
