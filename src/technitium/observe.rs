//! Who hears of each upstream call, and what they hear ([`Call`]): the client's own observer
//! (`serve`'s self metrics) and, for the calls of one piece of work, a recorder in a
//! task-local ([`recording`]: `serve`'s debug output; [`CallLog`] keeps what it heard).
//!
//! A [`Call`] carries no token: the parameters are the endpoint's own (the token is added to
//! the URL by `transport.rs` after they are read), the carrier says only how it went out, and
//! an error is an [`ApiError`], whose text is already free of it.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::endpoints::Endpoint;
use super::error::ApiError;

/// How the token goes out on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// `Authorization: Bearer` (v15+).
    Header,
    /// The `token` query parameter (before v15).
    Query,
}

impl Carrier {
    /// How people read it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Header => "header",
            Self::Query => "query",
        }
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy)]
pub enum CallEnd<'a> {
    /// A usable answer.
    Success,
    /// The call failed.
    Failed(&'a ApiError),
    /// The caller stopped waiting (the scrape's deadline came first): no answer, no error.
    CutOff,
}

/// One upstream call, as observers see it.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The API path.
    pub endpoint: Endpoint,
    /// The endpoint's parameters as sent (never the token).
    pub params: &'a [(&'a str, &'a str)],
    /// The cluster node the call was proxied to (`node=`), when it was.
    pub node: Option<&'a str>,
    /// How the token went out.
    pub carrier: Carrier,
    /// When the call started.
    pub started: Instant,
    /// How long it took.
    pub elapsed: Duration,
    /// The HTTP status, when an answer's head arrived.
    pub status: Option<u16>,
    /// Body bytes read.
    pub bytes: u64,
    /// How it ended.
    pub end: CallEnd<'a>,
}

impl Call<'_> {
    /// `success` or a `technitium_scrape_error` reason; `None` for a call cut off.
    #[must_use]
    pub fn result_label(&self) -> Option<&'static str> {
        match self.end {
            CallEnd::Success => Some("success"),
            CallEnd::Failed(e) => Some(e.reason().as_str()),
            CallEnd::CutOff => None,
        }
    }
}

/// Receives one event per upstream request: when it ends, or when its caller stops waiting.
pub trait RequestObserver: Send + Sync {
    /// One call, finished or cut off.
    fn observe(&self, call: &Call<'_>);
}

tokio::task_local! {
    static RECORDER: Arc<dyn RequestObserver>;
}

/// Runs `work` with `observer` hearing of every upstream call it makes in this task (besides
/// each client's own observer). Calls of other tasks (`serve`'s shared fetches) are not heard.
pub async fn recording<F: Future>(observer: Arc<dyn RequestObserver>, work: F) -> F::Output {
    RECORDER.scope(observer, work).await
}

/// Tells `own` (a client's observer) and the task's recorder, if any, of `call`.
pub(super) fn notify(own: Option<&Arc<dyn RequestObserver>>, call: &Call<'_>) {
    if let Some(o) = own {
        o.observe(call);
    }
    let _ = RECORDER.try_with(|r| r.observe(call));
}

/// Most calls a [`CallLog`] keeps; later ones are only counted.
pub const CALL_LOG_LIMIT: usize = 512;

/// One call as a [`CallLog`] keeps it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The API path.
    pub endpoint: &'static str,
    /// The parameters, `k=v` joined by `&` (the node's `node=` last); empty when none.
    pub params: String,
    /// How the token went out.
    pub carrier: Carrier,
    /// When it started, from the log's start.
    pub offset: Duration,
    /// How long it took.
    pub elapsed: Duration,
    /// The HTTP status, when an answer's head arrived.
    pub status: Option<u16>,
    /// Body bytes read.
    pub bytes: u64,
    /// `success`, a `technitium_scrape_error` reason, or `cut_off`.
    pub result: &'static str,
    /// The error's message (free of the token), when it failed.
    pub error: Option<String>,
}

/// Keeps the calls it hears (at most [`CALL_LOG_LIMIT`]), for one piece of work.
pub struct CallLog {
    started: Instant,
    calls: Mutex<(Vec<Recorded>, usize)>,
}

impl fmt::Debug for CallLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallLog").finish_non_exhaustive()
    }
}

impl Default for CallLog {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            calls: Mutex::new((Vec::new(), 0)),
        }
    }
}

impl CallLog {
    /// The calls in the order they started, and how many more were not kept.
    #[must_use]
    pub fn calls(&self) -> (Vec<Recorded>, usize) {
        let (mut calls, dropped) = self
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        calls.sort_by_key(|c| c.offset);
        (calls, dropped)
    }
}

impl RequestObserver for CallLog {
    fn observe(&self, call: &Call<'_>) {
        let mut kept = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.0.len() >= CALL_LOG_LIMIT {
            kept.1 += 1;
            return;
        }
        let mut params: Vec<String> = call
            .params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if let Some(node) = call.node {
            params.push(format!("node={node}"));
        }
        kept.0.push(Recorded {
            endpoint: call.endpoint.path(),
            params: params.join("&"),
            carrier: call.carrier,
            offset: call.started.saturating_duration_since(self.started),
            elapsed: call.elapsed,
            status: call.status,
            bytes: call.bytes,
            result: call.result_label().unwrap_or("cut_off"),
            error: match call.end {
                CallEnd::Failed(e) => Some(e.to_string()),
                _ => None,
            },
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;
    use crate::technitium::{AuthMode, Client, ClientConfig, Secret, Window};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const TOKEN: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0";

    fn ok(body: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_string(body.to_owned())
    }

    /// A server before v15: the header is ignored, the token goes in the query string.
    async fn pre_v15() -> MockServer {
        let server = MockServer::start().await;
        let session = r#"{"status":"ok","response":{"version":"13.6","permissions":{}}}"#;
        Mock::given(path("/api/user/session/get"))
            .and(query_param("token", TOKEN))
            .respond_with(ok(session))
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(path("/api/user/session/get"))
            .respond_with(ok(r#"{"status":"invalid-token"}"#))
            .mount(&server)
            .await;
        Mock::given(path("/api/dashboard/stats/get"))
            .respond_with(ResponseTemplate::new(500))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/zones/list"))
            .respond_with(ok("{}").set_delay(Duration::from_secs(60)))
            .mount(&server)
            .await;
        server
    }

    /// Every call of the recorded work is heard, in order, with what it did and never the
    /// token; a call whose caller stops waiting is heard as cut off; calls outside are not.
    #[tokio::test]
    async fn a_recording_hears_each_call_of_its_work_and_never_the_token() {
        let server = pre_v15().await;
        let client = Client::new(&ClientConfig {
            url: server.uri().parse().unwrap(),
            token: Some(Secret::new(TOKEN)),
            auth: AuthMode::Auto,
            timeout: Duration::from_secs(30),
            max_response_size: 1 << 20,
            ca_file: None,
            extra_ca_pem: None,
            insecure_skip_verify: false,
        })
        .unwrap();
        let log = Arc::new(CallLog::default());
        recording(log.clone(), async {
            client.session().await.unwrap();
            client.stats(Window::LastHour, false).await.unwrap_err();
            let zones = tokio::time::timeout(Duration::from_millis(100), client.zones());
            assert!(zones.await.is_err(), "zones/list is cut off");
        })
        .await;
        client.session().await.unwrap();
        let (calls, dropped) = log.calls();
        assert_eq!(dropped, 0);
        let seen: Vec<_> = calls
            .iter()
            .map(|c| {
                let status = c.status.map(|s| s.to_string()).unwrap_or_default();
                let (endpoint, params, carrier) = (c.endpoint, &c.params, c.carrier.as_str());
                format!("{endpoint}?{params} {carrier} {status} {}", c.result)
            })
            .collect();
        assert_eq!(
            seen,
            [
                "/api/user/session/get? header 200 invalid_token",
                "/api/user/session/get? query 200 success",
                "/api/dashboard/stats/get?type=LastHour&utc=true query 500 http_error",
                "/api/zones/list? query  cut_off",
            ]
        );
        assert!(calls[1].bytes > 0 && calls[3].bytes == 0);
        assert!(calls[2].error.as_deref().is_some_and(|e| e.contains("500")));
        assert!(!format!("{calls:?}").contains(TOKEN));
    }
}
