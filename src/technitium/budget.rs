//! [`ResponseBudget`]: how many response bytes may be held in memory at once, across every call
//! that shares it.
//!
//! It only counts: it never reads a body and never decides what a call does when the budget is
//! spent (the transport turns that into an error). Holding is by RAII: a `Held` gives its
//! bytes back when it is dropped, so a failed or cancelled call cannot leak budget.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many response bytes may be held in memory at once, across every call that shares the
/// budget: a `serve` process shares one across its targets; a client built alone has its own.
/// A call reserves its bytes as they arrive and gives them back once its body is parsed, so
/// hostile upstreams sending many maximal bodies at once fail a call instead of growing memory.
#[derive(Debug, Clone)]
pub struct ResponseBudget {
    /// One permit per KiB.
    permits: Arc<Semaphore>,
    bytes: u64,
}

impl ResponseBudget {
    /// The least budget: enough for a 100 000-zone list and a few other answers at once.
    pub const MIN: u64 = 256 * 1024 * 1024;

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

/// Bytes of a budget held by one body, given back when it is dropped.
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
