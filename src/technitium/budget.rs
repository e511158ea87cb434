//! [`ResponseBudget`]: how many bytes of answers may be held in memory at once, across every
//! call that shares it: bodies being read, and what they parsed into for as long as a scrape
//! keeps it ([`Charge`]).
//!
//! It only counts: it never reads a body and never decides what a call does when the budget is
//! spent (the transport turns that into an error). Holding is by RAII: a `Held` gives its
//! bytes back when it is dropped, so a failed or cancelled call cannot leak budget.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many bytes of answers may be held in memory at once, across every call that shares the
/// budget: a `serve` process shares one across its targets; a client built alone has its own.
/// A call reserves its body's bytes as they arrive, then what the body parses into as it is
/// parsed (`meter.rs`); inside [`Charge::keeping`] (a scrape's collector) it keeps both until
/// the [`Charge`] is dropped with the data, elsewhere it gives them back once the body is
/// parsed. Hostile upstreams sending many maximal bodies at once, or bodies that parse into many
/// times their size, fail a call instead of growing memory.
#[derive(Debug, Clone)]
pub struct ResponseBudget {
    /// One permit per KiB.
    permits: Arc<Semaphore>,
    bytes: u64,
}

impl ResponseBudget {
    /// The least budget (and the default, with the default 64 MiB response size): room for two
    /// 100 000-zone scrapes at once (each holds its zone list's body and what it parsed into,
    /// about 44 MiB); small enough that a whole scrape stays within a 200 MiB memory limit.
    pub const MIN: u64 = 128 * 1024 * 1024;

    /// A budget of `bytes` (whole KiB).
    #[must_use]
    pub fn new(bytes: u64) -> Self {
        let kib = usize::try_from(bytes / 1024).unwrap_or(Semaphore::MAX_PERMITS);
        Self {
            permits: Arc::new(Semaphore::new(kib.min(Semaphore::MAX_PERMITS))),
            bytes,
        }
    }

    /// The budget for clients whose responses may each be `max_response_size`: room for two
    /// maximal answers at once, and never less than [`ResponseBudget::MIN`].
    #[must_use]
    pub fn for_responses_of(max_response_size: u64) -> Self {
        Self::new(max_response_size.saturating_mul(2).max(Self::MIN))
    }

    /// The budget in bytes.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes not held by any body right now.
    #[must_use]
    pub fn available(&self) -> u64 {
        self.permits.available_permits() as u64 * 1024
    }

    /// Reserves room for `bytes`; `None` when the budget has not that much left.
    pub(super) fn reserve(&self, bytes: u64) -> Option<Held> {
        let mut held = Held {
            budget: Arc::clone(&self.permits),
            permit: None,
            kib: 0,
        };
        held.grow_to(bytes).then_some(held)
    }
}

tokio::task_local! {
    /// Where the calls of the future run by [`Charge::keeping`] keep what they hold.
    static KEEP: Charge;
}

/// Bytes of the budget held by answers whose parsed data is still in use: a collector's fetch
/// runs inside [`Charge::keeping`], and every call it makes keeps its body's bytes and what the
/// body parsed into here, until the charge (and every clone of it) is dropped with the data
/// fetched. Calls made outside `keeping` give their bytes back as soon as they are parsed.
///
/// A charge made with [`Charge::child`] keeps its parent alive too: a scrape's collectors hold
/// children of the scrape's charge, which holds the calls they share, so data a collector took
/// from a shared call stays charged while that collector's data lives.
#[derive(Debug, Clone, Default)]
pub struct Charge(Arc<Kept>);

/// What a charge holds.
#[derive(Debug, Default)]
struct Kept {
    held: Mutex<Vec<Held>>,
    /// Kept alive, never read.
    _parent: Option<Charge>,
}

impl Charge {
    /// A charge that keeps this one alive as long as it lives.
    #[must_use]
    pub fn child(&self) -> Self {
        Self(Arc::new(Kept {
            held: Mutex::default(),
            _parent: Some(self.clone()),
        }))
    }

    /// Runs `fetch`; the calls it makes keep their bytes in this charge.
    pub async fn keeping<F: Future>(&self, fetch: F) -> F::Output {
        KEEP.scope(self.clone(), fetch).await
    }

    /// Bytes this charge holds itself (not its parent's).
    #[must_use]
    pub fn bytes(&self) -> u64 {
        let held = self.0.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.iter().map(|h| h.kib * 1024).sum()
    }

    /// Keeps `held` in the charge of the future being run by [`Charge::keeping`], if any; else
    /// its bytes go back to the budget now.
    pub(super) fn keep(held: Held) {
        let _ = KEEP.try_with(|charge| {
            charge
                .0
                .held
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(held);
        });
    }
}

/// Bytes of a budget held by one body (and what it parsed into), given back when dropped.
#[derive(Debug)]
pub(super) struct Held {
    budget: Arc<Semaphore>,
    permit: Option<OwnedSemaphorePermit>,
    kib: u64,
}

impl Held {
    /// Holds at least `bytes` in all; false when the budget has not that much left.
    pub(super) fn grow_to(&mut self, bytes: u64) -> bool {
        let want = bytes.div_ceil(1024);
        if want <= self.kib {
            return true;
        }
        let Ok(more) = u32::try_from(want - self.kib) else {
            return false;
        };
        match Arc::clone(&self.budget).try_acquire_many_owned(more) {
            Ok(p) => {
                match &mut self.permit {
                    Some(held) => held.merge(p),
                    None => self.permit = Some(p),
                }
                self.kib = want;
                true
            }
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_bytes_come_back_when_dropped() {
        let budget = ResponseBudget::new(8 * 1024);
        let mut held = budget.reserve(1024).unwrap_or_else(|| unreachable!());
        assert_eq!(budget.available(), 7 * 1024);
        assert!(held.grow_to(4 * 1024 + 1), "5 KiB fit");
        assert_eq!(budget.available(), 3 * 1024);
        assert!(!held.grow_to(9 * 1024), "more than the budget");
        assert!(budget.reserve(4 * 1024).is_none());
        drop(held);
        assert_eq!(budget.available(), 8 * 1024);
    }

    #[tokio::test]
    async fn a_charge_keeps_what_calls_inside_it_hold_until_it_is_dropped() {
        let budget = ResponseBudget::new(8 * 1024);
        let charge = Charge::default();
        charge
            .keeping(async {
                let held = budget.reserve(2 * 1024).unwrap_or_else(|| unreachable!());
                Charge::keep(held);
            })
            .await;
        assert_eq!(charge.bytes(), 2 * 1024);
        assert_eq!(budget.available(), 6 * 1024);
        // Outside `keeping`, the bytes go back at once.
        Charge::keep(budget.reserve(1024).unwrap_or_else(|| unreachable!()));
        assert_eq!(budget.available(), 6 * 1024);
        let clone = charge.clone();
        drop(charge);
        assert_eq!(budget.available(), 6 * 1024, "a clone still holds it");
        drop(clone);
        assert_eq!(budget.available(), 8 * 1024);
    }

    #[tokio::test]
    async fn a_child_charge_keeps_its_parent() {
        let budget = ResponseBudget::new(8 * 1024);
        let parent = Charge::default();
        let child = parent.child();
        for (charge, kib) in [(&parent, 1), (&child, 2)] {
            charge
                .keeping(async {
                    Charge::keep(budget.reserve(kib * 1024).unwrap_or_else(|| unreachable!()));
                })
                .await;
        }
        assert_eq!((parent.bytes(), child.bytes()), (1024, 2 * 1024));
        drop(parent);
        assert_eq!(budget.available(), 5 * 1024, "the child keeps its parent");
        drop(child);
        assert_eq!(budget.available(), 8 * 1024);
    }

    #[test]
    fn the_budget_for_large_responses_holds_two() {
        assert_eq!(
            ResponseBudget::for_responses_of(1).bytes(),
            ResponseBudget::MIN
        );
        let big = ResponseBudget::MIN;
        assert_eq!(ResponseBudget::for_responses_of(big).bytes(), 2 * big);
    }
}
