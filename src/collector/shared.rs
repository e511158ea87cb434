//! What the collectors of one scrape share: the calls several of them need, each made once
//! ([`SharedCalls`]), and the lock every map shared across tasks goes through ([`lock`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::OnceCell;

use super::target::SessionData;
use crate::technitium::types::{self, DashboardStats};
use crate::technitium::{ApiError, Charge, Client, Window};

/// One memoised call: made once, its result shared.
type Memo<T> = Arc<OnceCell<Result<Arc<T>, ApiError>>>;

/// Per-scrape memo of API calls several collectors need: each is made at most once per scrape,
/// whoever asks first (the others wait for it). What these calls parsed stays charged to the
/// memory budget in the scrape's charge, which every collector's charge keeps alive (a
/// collector that failed after another took the data must not take the charge with it).
#[derive(Debug)]
pub struct SharedCalls<'a> {
    client: &'a Client,
    session: Option<&'a SessionData>,
    charge: Charge,
    stats: Mutex<HashMap<Window, Memo<DashboardStats>>>,
    settings: Memo<types::Settings>,
    metrics: Memo<types::MetricsJson>,
}

impl<'a> SharedCalls<'a> {
    pub(super) fn new(
        client: &'a Client,
        session: Option<&'a SessionData>,
        charge: Charge,
    ) -> Self {
        Self {
            client,
            session,
            charge,
            stats: Mutex::new(HashMap::new()),
            settings: Memo::default(),
            metrics: Memo::default(),
        }
    }

    /// The scrape's charge, which the shared calls keep what they parsed in.
    pub(super) fn charge(&self) -> &Charge {
        &self.charge
    }

    /// `settings/get` (only the fields the collectors use are parsed; its secrets never are).
    ///
    /// # Errors
    /// The call's error.
    pub async fn settings(&self) -> Result<Arc<types::Settings>, ApiError> {
        self.settings
            .get_or_init(|| {
                self.charge
                    .keeping(async { self.client.settings().await.map(Arc::new) })
            })
            .await
            .clone()
    }

    /// `dashboard/metrics/json` (v15+): the lifetime counters.
    ///
    /// # Errors
    /// The call's error.
    pub async fn metrics_json(&self) -> Result<Arc<types::MetricsJson>, ApiError> {
        self.metrics
            .get_or_init(|| async { self.client.metrics_json().await.map(Arc::new) })
            .await
            .clone()
    }

    /// `stats/get` for `window`, with every query type on v14+ (`dontTrimQueryTypeData`).
    ///
    /// # Errors
    /// The call's error.
    pub async fn stats(&self, window: Window) -> Result<Arc<DashboardStats>, ApiError> {
        let cell = Arc::clone(lock(&self.stats).entry(window).or_default());
        let full = self.session.is_some_and(|s| s.at_least(14));
        cell.get_or_init(|| {
            self.charge
                .keeping(async move { self.client.stats(window, full).await.map(Arc::new) })
        })
        .await
        .clone()
    }
}

/// Locks a mutex, recovering it when a panic elsewhere poisoned it: every value behind our locks
/// stays consistent between statements (maps of small values), so the data is still good.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
