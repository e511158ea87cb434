//! Frozen dashboard statistics (upstream #1975, 15.2): the server's minute statistics stop
//! being written while DNS keeps answering. Its lifetime query counter (`metrics/json`, v15+)
//! keeps growing while the last-hour chart shows 0 for every new minute.
//!
//! The rule, with no extra call (the chart and the counter are fetched anyway): the
//! statistics are **stale** when the newest [`STALE_MINUTES`] final minutes of the last-hour
//! chart all show 0 queries, and the lifetime counter grew by at least [`STALE_QUERIES`]
//! between two earlier scrapes whose queries all fall into those minutes.
//!
//! Which minute a query falls into is decided by the chart's own labels, never by comparing
//! clocks. At a scrape whose chart's newest final minute ends at `F`, the server's clock reads
//! between `F + 60 s` and `F + 120 s` (the chart's newest label is the minute that just ended,
//! `F + 60 s`, and it is final some seconds later). So the queries the counter gained after
//! scrape `a` fall into minutes ending after `F_a + 60 s`, and those it had at scrape `b` into
//! minutes ending by `F_b + 120 s`. One minute of slack covers the server's statistics queue.
//!
//! The comparison needs two scrapes within those minutes: a scrape interval of a minute or less.
//! Before the exporter has an earlier scrape of the server to compare with (its first scrape,
//! every `scrape` or `textfile` run, which keep no history), there is no verdict.

use std::collections::VecDeque;

use super::minutes::{MINUTE, Minutes};

/// How many of the newest final minutes must show no queries.
pub const STALE_MINUTES: i64 = 5;
/// How much the lifetime query counter must have grown meanwhile.
pub const STALE_QUERIES: u64 = 50;
/// How far back samples are kept (the rule looks back `STALE_MINUTES` + 1 minutes).
const KEEP: i64 = 10 * MINUTE;

/// The lifetime counter as seen at the scrapes of one chart minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    /// End label of the chart's newest final minute at those scrapes.
    newest_final: i64,
    /// The counter at the first of them.
    first: u64,
    /// The counter at the last of them.
    last: u64,
}

/// The counter samples of recent scrapes of one server (per target and node, in memory).
#[derive(Debug, Clone, Default)]
pub struct StaleTracker {
    seen: VecDeque<Seen>,
}

impl StaleTracker {
    /// Adds this scrape (its last-hour chart and the lifetime query counter) and judges:
    /// `None` without an earlier scrape to compare with, else whether the statistics are
    /// stale.
    pub fn observe(&mut self, chart: &Minutes, queries: u64) -> Option<bool> {
        let newest_final = chart.newest_final()?;
        if let Some(last) = self.seen.back()
            && (queries < last.last || newest_final < last.newest_final)
        {
            // The server restarted (its counter began again) or its clock went back.
            self.seen.clear();
        }
        let verdict = (!self.seen.is_empty()).then(|| self.stale(chart, newest_final));
        match self.seen.back_mut() {
            Some(s) if s.newest_final == newest_final => s.last = queries,
            _ => self.seen.push_back(Seen {
                newest_final,
                first: queries,
                last: queries,
            }),
        }
        while self
            .seen
            .front()
            .is_some_and(|s| s.newest_final < newest_final - KEEP)
        {
            self.seen.pop_front();
        }
        verdict
    }

    /// The rule (see the module documentation) for a chart whose newest final minute ends at
    /// `newest_final`, against the earlier scrapes.
    fn stale(&self, chart: &Minutes, newest_final: i64) -> bool {
        let window_start = newest_final - (STALE_MINUTES - 1) * MINUTE;
        let silent = (0..STALE_MINUTES)
            .map(|i| window_start + i * MINUTE)
            .all(|label| chart.get(label).is_some_and(|m| m.total == 0));
        if !silent {
            return false;
        }
        // Queries gained after scrape `a` end up in minutes ending after `F_a + 60 s`: inside
        // the window once `F_a + 120 s ≥ window_start`, less a minute for the stats queue.
        let after = self
            .seen
            .iter()
            .find(|s| s.newest_final + MINUTE >= window_start);
        // Queries counted by scrape `b` are in minutes ending by `F_b + 120 s`.
        let before = self
            .seen
            .iter()
            .rev()
            .find(|s| s.newest_final + 2 * MINUTE <= newest_final);
        match (after, before) {
            (Some(a), Some(b)) if a.newest_final <= b.newest_final => {
                b.last.saturating_sub(a.first) >= STALE_QUERIES
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::minutes::Minute;
    use super::*;

    /// A last-hour chart whose newest label is `last` (so its newest final minute ends at
    /// `last − 60`), with `total` queries in every minute but the newest `quiet` final ones.
    fn chart(last: i64, total: u64, quiet: i64) -> Minutes {
        let first = last - 59 * MINUTE;
        let rows = (0..60)
            .map(|i| {
                let label = first + i * MINUTE;
                let silent = label > last - MINUTE - quiet * MINUTE;
                Minute {
                    total: if silent { 0 } else { total },
                    ..Minute::default()
                }
            })
            .collect();
        Minutes { first, rows }
    }

    /// Scrapes every 30 s from `start` (a server clock reading), each seeing the chart that
    /// clock gives and the counter at `queries(t)`; the verdicts in order.
    fn run(
        tracker: &mut StaleTracker,
        start: i64,
        scrapes: i64,
        quiet_from: Option<i64>,
        queries: impl Fn(i64) -> u64,
    ) -> Vec<Option<bool>> {
        (0..scrapes)
            .map(|k| {
                let t = start + 30 * k;
                let last = t - t.rem_euclid(MINUTE);
                // Minutes ending after the freeze read 0.
                let quiet = quiet_from.map_or(0, |q| ((last - MINUTE - q) / MINUTE).max(0));
                tracker.observe(&chart(last, 40, quiet), queries(t))
            })
            .collect()
    }

    const T0: i64 = 1_790_000_000 - 1_790_000_000 % 60;

    /// Queries since `from` at one a second (0 before it).
    fn since(t: i64, from: i64) -> u64 {
        u64::try_from(t - from).unwrap_or(0)
    }

    #[test]
    fn a_counter_that_grows_under_a_silent_chart_is_stale() {
        let mut tracker = StaleTracker::default();
        // Frozen at T0: every minute ending after T0 reads 0, while 1 query a second arrives.
        let verdicts = run(&mut tracker, T0, 20, Some(T0), |t| 100_000 + since(t, T0));
        assert_eq!(verdicts[0], None, "no earlier scrape: no verdict");
        assert!(
            verdicts[1..8].iter().all(|v| *v == Some(false)),
            "{verdicts:?}"
        );
        assert_eq!(verdicts.last(), Some(&Some(true)), "{verdicts:?}");
    }

    #[test]
    fn below_the_thresholds_it_is_not() {
        // A counter growing by 40 over the quiet minutes: below STALE_QUERIES.
        let mut tracker = StaleTracker::default();
        let v = run(&mut tracker, T0, 20, Some(T0), |t| {
            100_000 + since(t, T0).min(40)
        });
        assert!(v.iter().all(|v| *v != Some(true)), "{v:?}");
        // Four quiet minutes, then traffic shows in the chart again: fewer than STALE_MINUTES.
        let mut tracker = StaleTracker::default();
        let mut verdicts = run(&mut tracker, T0, 9, Some(T0), |t| 100_000 + since(t, T0));
        let last = T0 + 9 * 30 - (T0 + 9 * 30).rem_euclid(MINUTE);
        verdicts.push(tracker.observe(&chart(last, 40, 4), 200_000));
        assert!(verdicts.iter().all(|v| *v != Some(true)), "{verdicts:?}");
        // An idle server: the chart shows 0 and the counter does not move.
        let mut tracker = StaleTracker::default();
        let v = run(&mut tracker, T0, 20, Some(T0), |_| 100_000);
        assert_eq!(v.last(), Some(&Some(false)));
        // Traffic that resumes after a quiet spell: the new queries are not final yet, and
        // the counter's growth is all after the quiet minutes' scrapes.
        let mut tracker = StaleTracker::default();
        let v = run(&mut tracker, T0, 20, Some(T0), |t| {
            100_000 + since(t, T0 + 20 * 30 - 90) * 50
        });
        assert!(v.iter().all(|v| *v != Some(true)), "{v:?}");
    }

    #[test]
    fn a_restart_forgets_the_samples() {
        let mut tracker = StaleTracker::default();
        run(&mut tracker, T0, 6, Some(T0), |t| 100_000 + since(t, T0));
        // The counter starts again from 0 (the server restarted): no verdict until a second
        // scrape.
        let last = T0 + 6 * 30 - (T0 + 6 * 30).rem_euclid(MINUTE);
        assert_eq!(tracker.observe(&chart(last, 40, 5), 10), None);
        assert_eq!(tracker.seen.len(), 1);
    }
}
