//! Coalescing: concurrent scrapes of one target share one upstream fetch.
//!
//! A request joins the fetch in flight, if there is one (it finishes after the request arrived,
//! so its data is fresh for it), and otherwise starts one. The fetch runs as its own task, so a
//! client that goes away does not cancel it for the others. Its deadline is the longest
//! waiter's: a request that joins with a later deadline pushes it back. Each request waits only
//! until its own deadline; it then gets the session's result and every collector finished by
//! then, the others reported as cut off by the deadline — never a made-up session timeout.
//!
//! The flight is the only state kept between requests for the scrape, and only while it runs;
//! besides it, a target keeps a short summary of its last served scrape for the status page
//! ([`LastScrape`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::seen::LastScrape;

use crate::collector::{Deadline, DeadlineSetter, Progress, Scraper, Snapshot, lock};

/// A fetch in flight.
#[derive(Debug)]
struct Flight {
    progress: Progress,
    deadline: DeadlineSetter,
}

/// One target: its collector and the fetch in flight.
#[derive(Debug)]
pub(crate) struct ServedTarget {
    pub(super) name: String,
    /// The cluster node, for a per-node target.
    pub(super) node: Option<String>,
    pub(super) collector: Scraper,
    flight: Mutex<Option<Arc<Flight>>>,
    /// The last served scrape, for the status page.
    last: Mutex<Option<LastScrape>>,
    /// Held by the debug scrape running (one at a time per target: see [`Self::debug_slot`]).
    debugging: tokio::sync::Mutex<()>,
}

impl ServedTarget {
    pub(super) fn new(name: &str, collector: Scraper) -> Arc<Self> {
        Self::for_node(name, None, collector)
    }

    /// A target of one cluster node: its own coalescing (and min-interval) state, apart from
    /// the target's and every other node's.
    pub(super) fn for_node(name: &str, node: Option<&str>, collector: Scraper) -> Arc<Self> {
        Arc::new(Self {
            name: name.to_owned(),
            node: node.map(str::to_owned),
            collector,
            flight: Mutex::new(None),
            last: Mutex::new(None),
            debugging: tokio::sync::Mutex::new(()),
        })
    }

    /// The right to run a debug scrape, unless one is running: debug scrapes are neither
    /// shared nor cached, so a burst of them must not become a burst of upstream scrapes.
    pub(super) fn debug_slot(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        self.debugging.try_lock().ok()
    }

    /// Notes a served scrape (what the request waited, and whether `debug=true` asked for it).
    pub(super) fn saw(&self, snapshot: &Snapshot, waited: Duration, debug: bool) {
        *lock(&self.last) = Some(LastScrape::of(snapshot, waited, debug));
    }

    /// The last served scrape, if any.
    pub(super) fn last(&self) -> Option<LastScrape> {
        lock(&self.last).clone()
    }

    /// Takes over `before`'s last scrape when both watch the same server (a reload).
    pub(super) fn inherit_last(&self, before: &Self) {
        if before.collector.client().base_url() == self.collector.client().base_url()
            && before.node == self.node
        {
            *lock(&self.last) = before.last();
        }
    }

    /// A snapshot for a request that must answer by `deadline`: joins the fetch in flight or
    /// starts one.
    pub(super) async fn snapshot(self: &Arc<Self>, deadline: Instant) -> Arc<Snapshot> {
        let flight = self.join_or_start(deadline);
        flight
            .progress
            .wait(
                deadline,
                self.collector.options(),
                self.collector.client().server(),
            )
            .await
    }

    fn join_or_start(self: &Arc<Self>, deadline: Instant) -> Arc<Flight> {
        let mut slot = lock(&self.flight);
        if let Some(flight) = slot.as_ref() {
            flight.deadline.extend(deadline);
            return Arc::clone(flight);
        }
        let (shared_deadline, setter) = Deadline::movable(deadline);
        let flight = Arc::new(Flight {
            progress: Progress::default(),
            deadline: setter,
        });
        *slot = Some(Arc::clone(&flight));
        let target = Arc::clone(self);
        let running = Arc::clone(&flight);
        tokio::spawn(async move {
            let snapshot = target
                .collector
                .collect_with(&shared_deadline, Some(&running.progress))
                .await;
            // Requests arriving from now on start a new fetch: this one's data predates them.
            lock(&target.flight).take();
            running.progress.finish(Arc::new(snapshot));
        });
        flight
    }
}
