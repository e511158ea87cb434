//! `check`'s measurement ([`burst`]): a short burst of queries per transport on one kept
//! channel, summed up as min, median, p90, max and losses ([`Burst`]), and `check`'s row per
//! transport ([`details`]), with a hint when the median is far above the minimum.

use std::time::Duration;

use futures_util::future::join_all;
use tokio::time::Instant;

use super::series::{Class, QueryResult};
use super::task::Plan;
use crate::collector::contract::{Detail, DetailStatus};
use crate::dnsprobe::{Channel, Transport};

/// Queries per transport in `check`'s burst.
pub const BURST_QUERIES: usize = 20;

/// A median this many times the minimum (and at least [`SLOW_GAP`] above it) gets a hint.
const SLOW_FACTOR: u32 = 4;
const SLOW_GAP: Duration = Duration::from_millis(5);

/// One transport's burst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    /// The transport.
    pub transport: Transport,
    /// Round trips of the answered queries, ascending.
    pub answered: Vec<Duration>,
    /// Answers with another response code.
    pub unexpected: usize,
    /// Queries without an answer (timeouts and failures).
    pub lost: usize,
    /// Why the last lost query was lost.
    pub error: Option<String>,
}

impl Burst {
    /// The answered round trip at `percent` (nearest rank: 0 is the minimum, 100 the
    /// maximum), when any was answered.
    #[must_use]
    pub fn percentile(&self, percent: usize) -> Option<Duration> {
        let n = self.answered.len();
        let rank = (percent.min(100) * n).div_ceil(100).clamp(1, n.max(1));
        self.answered.get(rank - 1).copied()
    }
}

/// A burst of [`BURST_QUERIES`] local queries per transport of `plan`, the transports
/// concurrently, each query within the timeout and all before `deadline`.
pub async fn burst(plan: &Plan, deadline: Instant) -> Vec<Burst> {
    join_all(
        plan.settings
            .transports
            .iter()
            .map(|&t| one_transport(plan, t, deadline)),
    )
    .await
}

async fn one_transport(plan: &Plan, transport: Transport, deadline: Instant) -> Burst {
    let mut channel = Channel::new(&plan.dns, &plan.target, transport);
    let mut b = Burst {
        transport,
        answered: Vec::new(),
        unexpected: 0,
        lost: 0,
        error: None,
    };
    for _ in 0..BURST_QUERIES {
        let budget = plan
            .settings
            .timeout
            .min(deadline.saturating_duration_since(Instant::now()));
        let Some(question) = plan.question(Class::Local) else {
            break;
        };
        if budget.is_zero() {
            break;
        }
        let started = Instant::now();
        let outcome = channel.ask(&question, budget).await;
        let took = started.elapsed();
        match plan.judge(Class::Local, &outcome) {
            QueryResult::Answered => b.answered.push(took),
            QueryResult::UnexpectedRcode => b.unexpected += 1,
            QueryResult::Timeout | QueryResult::Failed => {
                b.lost += 1;
                b.error = outcome.err().map(|e| format!("{}: {e}", channel.endpoint()));
            }
        }
    }
    b.answered.sort_unstable();
    b
}

/// `check`'s row per transport.
#[must_use]
pub fn details(bursts: &[Burst]) -> Vec<Detail> {
    bursts.iter().map(detail).collect()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn detail(b: &Burst) -> Detail {
    let sent = b.answered.len() + b.unexpected + b.lost;
    let summary = match (b.percentile(0), b.percentile(50), b.percentile(90), b.percentile(100)) {
        (Some(min), Some(median), Some(p90), Some(max)) => format!(
            "{sent} queries: min {}, median {}, p90 {}, max {}",
            ms(min),
            ms(median),
            ms(p90),
            ms(max)
        ),
        _ => format!("{sent} queries, none answered"),
    };
    let mut detail = format!("{summary}; {} lost", b.lost);
    if b.unexpected > 0 {
        detail.push_str(&format!(", {} with an unexpected response code", b.unexpected));
    }
    let (status, hint) = if b.answered.is_empty() {
        let why = b.error.clone().unwrap_or_else(|| "no answer".to_owned());
        (DetailStatus::Failed, Some(format!("{why}: is the {} listener on (--collector.dns.* ports)?", b.transport)))
    } else if b.lost > 0 || b.unexpected > 0 {
        (DetailStatus::Warning, b.error.clone())
    } else {
        (DetailStatus::Ok, slow_hint(b))
    };
    Detail {
        id: format!("latency_{}", b.transport),
        title: format!("DNS latency over {}", b.transport.as_str().to_ascii_uppercase()),
        status,
        detail,
        hint,
    }
}

/// A hint when the median is far above the minimum: most answers wait for something.
fn slow_hint(b: &Burst) -> Option<String> {
    let (min, median) = (b.percentile(0)?, b.percentile(50)?);
    (median >= min * SLOW_FACTOR && median >= min + SLOW_GAP).then(|| {
        format!(
            "the median ({}) is far above the minimum ({}): most answers wait for something (a busy server, a slow disk or zone store, recursion instead of the cache)",
            ms(median),
            ms(min)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn burst_of(ms: &[u64], lost: usize) -> Burst {
        Burst {
            transport: Transport::Udp,
            answered: ms.iter().map(|m| Duration::from_millis(*m)).collect(),
            unexpected: 0,
            lost,
            error: Some("127.0.0.1:53: no answer within 2s".to_owned()),
        }
    }

    #[test]
    fn rows_sum_up_a_burst_and_hint_at_a_slow_median() {
        let quick = detail(&burst_of(&[1, 1, 1, 1, 2, 2, 2, 3, 3, 9], 0));
        assert_eq!(quick.status, DetailStatus::Ok);
        assert_eq!(
            quick.detail,
            "10 queries: min 1.0 ms, median 2.0 ms, p90 3.0 ms, max 9.0 ms; 0 lost"
        );
        assert_eq!(quick.hint, None);
        let slow = detail(&burst_of(&[1, 20, 20, 20, 30], 0));
        assert!(slow.hint.is_some_and(|h| h.starts_with("the median (20.0 ms)")));
        let lossy = detail(&burst_of(&[1, 1], 1));
        assert_eq!(lossy.status, DetailStatus::Warning);
        let dead = detail(&burst_of(&[], 20));
        assert_eq!(dead.status, DetailStatus::Failed);
        assert_eq!(dead.detail, "20 queries, none answered; 20 lost");
        assert_eq!(dead.id, "latency_udp");
    }
}
