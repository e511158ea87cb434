//! How the token goes out: [`AuthMode`] as configured, and, for [`AuthMode::Auto`], what was
//! learned about one server from its answers to `session/get`.
//!
//! Auto sends the `Authorization: Bearer` header (v15+) first; when the server rejects it while
//! the carrier is still unknown, it tries the `token` query parameter once (servers before v15
//! ignore the header) and remembers which worked. A v15+ server that rejects the header but
//! takes the query token (a proxy stripping `Authorization`) is warned about, and the header is
//! tried again with a doubling wait. What is learned is shared with the clients of the server's
//! cluster nodes, which reach it through the same URL.
//!
//! It decides the `Carrier` of each call and nothing else: requests are built and sent by
//! `transport.rs`.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use super::endpoints::Endpoint;
use super::error::ApiError;
use super::transport::{Carrier, Upstream};
use super::types::{SessionInfo, parse_version};
use crate::logging::log_as;

/// How the token is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Bearer header first; fall back to the query parameter once if the server rejects it
    /// (Technitium before v15), and remember which one worked.
    #[default]
    Auto,
    /// Always the `Authorization: Bearer` header (v15+).
    Header,
    /// Always the `token` query parameter (before v15; the token then appears in the server's
    /// request URLs).
    Query,
}

/// The first wait before a header the server rejected is tried again.
pub const HEADER_RETRY_FIRST: Duration = Duration::from_secs(60);
/// The longest wait between two tries of a rejected header.
pub const HEADER_RETRY_MAX: Duration = Duration::from_secs(3600);

const LEARNED_UNKNOWN: u8 = 0;
const LEARNED_HEADER: u8 = 1;
const LEARNED_QUERY: u8 = 2;

/// How the token goes out to one server, as learned from its answers.
#[derive(Debug)]
struct AuthState {
    learned: AtomicU8,
    /// A v15+ server rejected the header once while accepting the query token (a proxy strips
    /// it, or the rejection was a passing one).
    header_stripped: AtomicBool,
    /// While `header_stripped`: when to try the header again, and the wait after that.
    header_retry: Mutex<(Instant, Duration)>,
    /// The first wait before the header is tried again (doubling up to [`HEADER_RETRY_MAX`]).
    header_retry_first: Duration,
}

/// The configured mode and what was learned; clones share what was learned.
#[derive(Debug, Clone)]
pub(super) struct Auth {
    mode: AuthMode,
    state: Arc<AuthState>,
}

impl Auth {
    /// Nothing learned yet; a rejected header is first tried again after `header_retry_first`.
    pub(super) fn new(mode: AuthMode, header_retry_first: Duration) -> Self {
        Self {
            mode,
            state: Arc::new(AuthState {
                learned: AtomicU8::new(LEARNED_UNKNOWN),
                header_stripped: AtomicBool::new(false),
                header_retry: Mutex::new((Instant::now(), header_retry_first)),
                header_retry_first,
            }),
        }
    }

    /// The configured mode.
    pub(super) fn mode(&self) -> AuthMode {
        self.mode
    }

    /// Whether the token is known to go in the query string (a server before v15).
    pub(super) fn uses_query(&self) -> bool {
        self.carrier() == Carrier::Query
    }

    /// How the token goes out on the next call.
    pub(super) fn carrier(&self) -> Carrier {
        match self.mode {
            AuthMode::Header => Carrier::Header,
            AuthMode::Query => Carrier::Query,
            AuthMode::Auto => {
                if self.state.learned.load(Ordering::Relaxed) == LEARNED_QUERY {
                    Carrier::Query
                } else {
                    Carrier::Header
                }
            }
        }
    }

    /// A call with the current carrier; a rejected token is probed again on the next
    /// `session/get` (it was revoked, or another server answers the URL now).
    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        up: &Upstream,
        endpoint: Endpoint,
        params: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        let result = up.call(endpoint, params, self.carrier()).await;
        if matches!(result, Err(ApiError::InvalidToken { .. })) {
            self.state.learned.store(LEARNED_UNKNOWN, Ordering::Relaxed);
        }
        result
    }

    /// `session/get`, probing the carrier first in [`AuthMode::Auto`] (see the module's doc).
    pub(super) async fn session(&self, up: &Upstream) -> Result<SessionInfo, ApiError> {
        if self.mode != AuthMode::Auto {
            return up.call(Endpoint::SessionGet, &[], self.carrier()).await;
        }
        match self.state.learned.load(Ordering::Relaxed) {
            LEARNED_HEADER => self.session_learned(up, Carrier::Header).await,
            LEARNED_QUERY if self.header_retry_due() => self.retry_header(up).await,
            LEARNED_QUERY => self.session_learned(up, Carrier::Query).await,
            _ => self.probe(up).await,
        }
    }

    /// session/get with the carrier learned earlier.
    async fn session_learned(
        &self,
        up: &Upstream,
        carrier: Carrier,
    ) -> Result<SessionInfo, ApiError> {
        let result = up.call(Endpoint::SessionGet, &[], carrier).await;
        match &result {
            // A new token or another server version behind the URL: probe again.
            Err(ApiError::InvalidToken { .. }) => {
                self.state.learned.store(LEARNED_UNKNOWN, Ordering::Relaxed);
            }
            // Upgraded in place to v15+, which reads the header: stop putting the token in URLs
            // (unless a v15+ server rejected the header before: then it is retried with backoff).
            Ok(info)
                if carrier == Carrier::Query
                    && is_v15(info)
                    && !self.state.header_stripped.load(Ordering::Relaxed) =>
            {
                log_as!(
                    up.log_name(),
                    info,
                    "server is now v15 or later: sending the token in the Bearer header"
                );
                self.state.learned.store(LEARNED_HEADER, Ordering::Relaxed);
            }
            _ => {}
        }
        result
    }

    /// The first session/get: the Bearer header, then once the query parameter.
    async fn probe(&self, up: &Upstream) -> Result<SessionInfo, ApiError> {
        match up.call(Endpoint::SessionGet, &[], Carrier::Header).await {
            Ok(info) => {
                self.state.learned.store(LEARNED_HEADER, Ordering::Relaxed);
                Ok(info)
            }
            Err(ApiError::InvalidToken { .. }) => {
                let info = up.call(Endpoint::SessionGet, &[], Carrier::Query).await?;
                if is_v15(&info) {
                    self.state.header_stripped.store(true, Ordering::Relaxed);
                    self.schedule_header_retry(true);
                    log_as!(
                        up.log_name(),
                        warn,
                        "a v15+ server rejected the Bearer header but accepted the token as a query parameter: is a proxy stripping the Authorization header? Sending the token in URLs for now, trying the header again later"
                    );
                } else {
                    log_as!(
                        up.log_name(),
                        info,
                        "server ignores the Bearer header (Technitium before v15): sending the token as a query parameter"
                    );
                }
                self.state.learned.store(LEARNED_QUERY, Ordering::Relaxed);
                Ok(info)
            }
            Err(e) => Err(e),
        }
    }

    /// Whether a v15+ server that rejected the header is due another try of it.
    fn header_retry_due(&self) -> bool {
        self.state.header_stripped.load(Ordering::Relaxed)
            && Instant::now()
                >= self
                    .state
                    .header_retry
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
    }

    /// The next try of the header: after the first wait when `reset`, else after twice the last
    /// wait (at most [`HEADER_RETRY_MAX`]).
    fn schedule_header_retry(&self, reset: bool) {
        let first = self.state.header_retry_first;
        let mut retry = self
            .state
            .header_retry
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let wait = if reset {
            first
        } else {
            (retry.1 * 2).clamp(first, HEADER_RETRY_MAX)
        };
        *retry = (Instant::now() + wait, wait);
    }

    /// Tries the header on a v15+ server that rejected it before; on success the token stops
    /// going in URLs, else the query parameter is used and the next try waits longer.
    async fn retry_header(&self, up: &Upstream) -> Result<SessionInfo, ApiError> {
        match up.call(Endpoint::SessionGet, &[], Carrier::Header).await {
            Ok(info) => {
                self.state.header_stripped.store(false, Ordering::Relaxed);
                self.state.learned.store(LEARNED_HEADER, Ordering::Relaxed);
                log_as!(
                    up.log_name(),
                    info,
                    "the server accepts the Bearer header again: the token no longer goes in URLs"
                );
                Ok(info)
            }
            Err(ApiError::InvalidToken { .. }) => {
                self.schedule_header_retry(false);
                self.session_learned(up, Carrier::Query).await
            }
            Err(e) => Err(e),
        }
    }
}

/// Whether session info says v15 or later (the Bearer header works).
fn is_v15(info: &SessionInfo) -> bool {
    parse_version(&info.version).is_some_and(|(major, _)| major >= 15)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_modes_never_change_their_carrier() {
        assert_eq!(
            Auth::new(AuthMode::Header, HEADER_RETRY_FIRST).carrier(),
            Carrier::Header
        );
        assert_eq!(
            Auth::new(AuthMode::Query, HEADER_RETRY_FIRST).carrier(),
            Carrier::Query
        );
        let auto = Auth::new(AuthMode::Auto, HEADER_RETRY_FIRST);
        assert_eq!(
            auto.carrier(),
            Carrier::Header,
            "the header until told otherwise"
        );
        auto.clone()
            .state
            .learned
            .store(LEARNED_QUERY, Ordering::Relaxed);
        assert_eq!(
            auto.carrier(),
            Carrier::Query,
            "clones share what was learned"
        );
    }

    #[test]
    fn the_header_retry_doubles_up_to_the_cap() {
        let auth = Auth::new(AuthMode::Auto, Duration::from_secs(1000));
        auth.schedule_header_retry(true);
        let wait = || {
            auth.state
                .header_retry
                .lock()
                .map(|r| r.1)
                .unwrap_or_default()
        };
        assert_eq!(wait(), Duration::from_secs(1000));
        auth.schedule_header_retry(false);
        assert_eq!(wait(), Duration::from_secs(2000));
        auth.schedule_header_retry(false);
        assert_eq!(wait(), HEADER_RETRY_MAX);
        assert!(
            !auth.header_retry_due(),
            "only after a v15+ server rejected the header"
        );
    }
}
