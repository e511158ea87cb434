//! What the background queries accumulate ([`Series`]): per transport and class a latency
//! histogram and a count per result, plus when a scrape last read them (an on-demand target's
//! queries stop once it goes unread). A scrape reads a copy ([`Series::read`]); it never waits
//! for a query.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::collector::shared::lock;
use crate::dnsprobe::Transport;
use crate::exposition::{Histogram, LATENCY_BOUNDS};

/// The class of a query: the `query` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// The configured name, answered from the cache or a zone.
    Local,
    /// A fresh random name under the recursive domain: always a cache miss.
    Recursive,
}

impl Class {
    /// The `query` label value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Recursive => "recursive",
        }
    }
}

/// How one query ended: the `result` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryResult {
    /// An answer with an expected response code (observed in the histogram).
    Answered,
    /// An answer with another response code.
    UnexpectedRcode,
    /// No answer within the timeout.
    Timeout,
    /// No answer: refused, reset, a TLS or HTTP failure, an answer that is not one.
    Failed,
}

impl QueryResult {
    /// Every result, in output order.
    pub const ALL: [Self; 4] = [
        Self::Answered,
        Self::UnexpectedRcode,
        Self::Timeout,
        Self::Failed,
    ];

    /// The `result` label value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::UnexpectedRcode => "unexpected_rcode",
            Self::Timeout => "timeout",
            Self::Failed => "failed",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Answered => 0,
            Self::UnexpectedRcode => 1,
            Self::Timeout => 2,
            Self::Failed => 3,
        }
    }
}

/// One transport and class: its histogram and its count per result.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The transport.
    pub transport: Transport,
    /// The class.
    pub class: Class,
    /// Answered queries' round trips (seconds).
    pub latency: Histogram,
    /// Queries per result, in [`QueryResult::ALL`]'s order.
    pub results: [u64; 4],
}

impl Lane {
    /// Queries that ended with `result`.
    #[must_use]
    pub fn count(&self, result: QueryResult) -> u64 {
        self.results[result.index()]
    }
}

/// What the background queries of one target accumulate (see the module docs).
#[derive(Debug)]
pub struct Series {
    lanes: Mutex<BTreeMap<(Transport, Class), Lane>>,
    read: Mutex<Instant>,
}

impl Series {
    /// Empty lanes for every transport and class queried (so every series is there from the
    /// first scrape on, at 0).
    #[must_use]
    pub fn new(pairs: &[(Transport, Class)]) -> Self {
        let lanes = pairs
            .iter()
            .map(|&(transport, class)| {
                let lane = Lane {
                    transport,
                    class,
                    latency: Histogram::new(LATENCY_BOUNDS),
                    results: [0; 4],
                };
                ((transport, class), lane)
            })
            .collect();
        Self {
            lanes: Mutex::new(lanes),
            read: Mutex::new(Instant::now()),
        }
    }

    /// Counts one query; an answered one's round trip goes into the histogram.
    pub fn record(&self, transport: Transport, class: Class, result: QueryResult, took: Duration) {
        let mut lanes = lock(&self.lanes);
        if let Some(lane) = lanes.get_mut(&(transport, class)) {
            lane.results[result.index()] += 1;
            if result == QueryResult::Answered {
                lane.latency.observe(took.as_secs_f64());
            }
        }
    }

    /// A copy of every lane, in output order; the time of this read is kept.
    #[must_use]
    pub fn read(&self) -> Vec<Lane> {
        *lock(&self.read) = Instant::now();
        lock(&self.lanes).values().cloned().collect()
    }

    /// Whether no scrape read the series for `limit` or longer.
    #[must_use]
    pub fn unread_for(&self, limit: Duration) -> bool {
        lock(&self.read).elapsed() >= limit
    }

    /// Counts the unread time from now (a restarted task's first round).
    pub fn touch(&self) {
        *lock(&self.read) = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answered_queries_are_observed_and_every_result_counted() {
        let s = Series::new(&[(Transport::Udp, Class::Local)]);
        s.record(
            Transport::Udp,
            Class::Local,
            QueryResult::Answered,
            Duration::from_millis(3),
        );
        s.record(
            Transport::Udp,
            Class::Local,
            QueryResult::Timeout,
            Duration::from_secs(2),
        );
        s.record(
            Transport::Tcp,
            Class::Local,
            QueryResult::Answered,
            Duration::from_millis(3),
        );
        let lanes = s.read();
        assert_eq!(lanes.len(), 1);
        assert_eq!(lanes[0].latency.count(), 1);
        assert_eq!(lanes[0].results, [1, 0, 1, 0]);
    }
}
