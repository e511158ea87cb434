//! What `serve`'s coalescing needs from a collection in flight: a [`Deadline`] that a later,
//! longer waiter can push back, and the [`Progress`] of the fetch, so a waiter whose own
//! deadline comes first still gets the session's result and every part finished by then.
//!
//! A waiter is never told "the server timed out" because it waited for someone else's fetch:
//! only session/get itself not answering in time makes `technitium_up` 0.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::REGISTRY;
use super::options::Options;
use super::shared::lock;
use super::snapshot::{CollectorReport, Outcome, Part, Snapshot};
use super::spec::Requires;
use super::target::SessionData;
use crate::technitium::{ApiError, Charge, Endpoint};

/// When a collection must end; the owner of the [`DeadlineSetter`] may move it later.
#[derive(Debug, Clone)]
pub struct Deadline(watch::Receiver<Instant>);

/// Moves a [`Deadline`] later (never earlier).
#[derive(Debug)]
pub struct DeadlineSetter(watch::Sender<Instant>);

impl Deadline {
    /// A deadline that never moves.
    #[must_use]
    pub fn fixed(at: Instant) -> Self {
        Self::movable(at).0
    }

    /// A deadline and the handle that can push it later.
    #[must_use]
    pub fn movable(at: Instant) -> (Self, DeadlineSetter) {
        let (tx, rx) = watch::channel(at);
        (Self(rx), DeadlineSetter(tx))
    }

    /// The deadline now.
    #[must_use]
    pub fn at(&self) -> Instant {
        *self.0.borrow()
    }

    /// Resolves when the deadline has passed (following any move).
    pub async fn expired(&self) {
        let mut rx = self.0.clone();
        loop {
            let at = *rx.borrow_and_update();
            tokio::select! {
                () = tokio::time::sleep_until(at) => {
                    let now_at = *rx.borrow();
                    if now_at <= Instant::now() {
                        return;
                    }
                }
                changed = rx.changed() => {
                    // The setter is gone: the deadline can no longer move.
                    if changed.is_err() {
                        let at = *rx.borrow();
                        tokio::time::sleep_until(at).await;
                        return;
                    }
                }
            }
        }
    }

    /// Runs `f` until the deadline; `None` when the deadline came first.
    pub async fn within<F: Future>(&self, f: F) -> Option<F::Output> {
        tokio::select! {
            biased;
            r = f => Some(r),
            () = self.expired() => None,
        }
    }
}

impl DeadlineSetter {
    /// Moves the deadline to `at` if that is later.
    pub fn extend(&self, at: Instant) {
        self.0.send_if_modified(|d| {
            let later = at > *d;
            if later {
                *d = at;
            }
            later
        });
    }
}

/// The state of a collection in flight, shared with the requests waiting for it.
#[derive(Debug)]
pub struct Progress {
    state: Mutex<InFlight>,
    changed: watch::Sender<u64>,
}

/// What is known so far of a collection in flight.
#[derive(Debug, Default)]
struct InFlight {
    session: Option<(Result<SessionData, ApiError>, CollectorReport)>,
    parts: Vec<Part>,
    done: Option<Arc<Snapshot>>,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            state: Mutex::new(InFlight::default()),
            changed: watch::channel(0).0,
        }
    }
}

impl Progress {
    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub(super) fn session(
        &self,
        session: &Result<SessionData, ApiError>,
        report: &CollectorReport,
    ) {
        lock(&self.state).session = Some((session.clone(), report.clone()));
        self.bump();
    }

    pub(super) fn part(&self, part: &Part) {
        lock(&self.state).parts.push(part.clone());
        self.bump();
    }

    /// Publishes the finished snapshot.
    pub fn finish(&self, snapshot: Arc<Snapshot>) {
        lock(&self.state).done = Some(snapshot);
        self.bump();
    }

    /// Waits for the finished snapshot until `deadline`; then returns what is known by that
    /// time, with the collectors still running reported as cut off by the deadline.
    pub async fn wait(&self, deadline: Instant, options: &Options, server: &str) -> Arc<Snapshot> {
        let budget = deadline.saturating_duration_since(Instant::now());
        let mut rx = self.changed.subscribe();
        loop {
            if let Some(done) = &lock(&self.state).done {
                return Arc::clone(done);
            }
            tokio::select! {
                changed = rx.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                () = tokio::time::sleep_until(deadline) => break,
            }
        }
        if let Some(done) = &lock(&self.state).done {
            return Arc::clone(done);
        }
        Arc::new(self.partial(options, server, budget))
    }

    /// A snapshot of what is known now; `budget` is how long the waiter could wait.
    fn partial(&self, options: &Options, server: &str, budget: Duration) -> Snapshot {
        let state = lock(&self.state);
        let Some((session, session_report)) = state.session.clone() else {
            // session/get itself has not answered within this waiter's time: that is a timeout.
            let error = ApiError::Timeout {
                server: server.to_owned(),
                endpoint: Endpoint::SessionGet.path(),
                timeout: budget,
                proxy: None,
            };
            return Snapshot::failed(error, budget);
        };
        let mut parts = Vec::new();
        for collector in REGISTRY {
            let spec = collector.spec();
            if !options.is_enabled(spec.name) {
                continue;
            }
            if let Some(p) = state.parts.iter().find(|p| p.report.name() == spec.name) {
                parts.push(p.clone());
            } else if session.is_ok() || spec.requires == Requires::Nothing {
                parts.push(Part {
                    report: CollectorReport {
                        spec,
                        outcome: Outcome::DeadlineExceeded,
                        duration: Duration::ZERO,
                        cached: None,
                    },
                    collector: *collector,
                    data: None,
                    charge: Charge::default(),
                    warning: None,
                    details: Vec::new(),
                });
            }
        }
        let cache_age = options.caches().then(|| {
            parts
                .iter()
                .filter_map(|p| p.report.cached)
                .max()
                .unwrap_or_default()
        });
        Snapshot {
            session,
            session_report,
            parts,
            duration: budget,
            cache_age,
            charge: Charge::default(),
        }
    }
}
