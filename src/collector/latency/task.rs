//! The background queries ([`Plan`], [`spawn`]): one task per target, in which every transport
//! and class has its own lane — a [`Channel`] kept between queries (tcp, tls and https reuse
//! their connection and reconnect after a failure) and its own ticker — so a slow transport
//! never delays another. Each query is judged ([`judge`]) and counted in the target's
//! [`Series`]. An on-demand target's lanes end once no scrape has read the series for
//! [`IDLE_LIMIT`].
//!
//! The task belongs to the collector's state through a [`Task`], which aborts it when dropped.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use hickory_proto::op::{DnsResponse, Query};
use hickory_proto::rr::{Name, RecordType};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use super::options::LatencySettings;
use super::series::{Class, QueryResult, Series};
use crate::dnsprobe::{Channel, DnsSettings, DnsTarget, ProbeError, Transport};

/// An on-demand target (a cluster node, a module's URL target) unscraped this long stops its
/// queries; its next scrape starts them again.
pub const IDLE_LIMIT: Duration = Duration::from_secs(600);

/// NOERROR and NXDOMAIN: the answers to a random name under the recursive domain.
const RECURSIVE_RCODES: [u16; 2] = [0, 3];

/// What one target's task does: where its queries go, what they ask, how often.
#[derive(Debug)]
pub struct Plan {
    /// The collector's settings.
    pub settings: LatencySettings,
    /// The `dns` collector's settings: the listeners' ports, TLS name, DoH path, the local
    /// question and its expected response codes.
    pub dns: DnsSettings,
    /// The host and the trust of the encrypted transports.
    pub target: Arc<DnsTarget>,
    /// `Some(IDLE_LIMIT)` for an on-demand target.
    pub idle_limit: Option<Duration>,
}

impl Plan {
    /// Every transport and class queried, in output order.
    #[must_use]
    pub fn lanes(&self) -> Vec<(Transport, Class)> {
        let mut classes = vec![Class::Local];
        if self.settings.recursive_domain.is_some() {
            classes.push(Class::Recursive);
        }
        self.settings
            .transports
            .iter()
            .flat_map(|&t| classes.iter().map(move |&c| (t, c)))
            .collect()
    }

    /// The question of `class`: the configured one, or a fresh random name under the
    /// recursive domain (`None` when it cannot be made).
    #[must_use]
    pub fn question(&self, class: Class) -> Option<Query> {
        match class {
            Class::Local => Some(Query::query(
                self.dns.query_name.clone(),
                self.dns.query_type,
            )),
            Class::Recursive => {
                let domain = self.settings.recursive_domain.as_ref()?;
                let name = Name::from_ascii(random_label()?)
                    .ok()?
                    .append_domain(domain)
                    .ok()?;
                Some(Query::query(name, RecordType::A))
            }
        }
    }

    /// What an outcome of a `class` query counts as.
    #[must_use]
    pub fn judge(&self, class: Class, outcome: &Result<DnsResponse, ProbeError>) -> QueryResult {
        match outcome {
            Ok(response) => {
                let rcode = u16::from(response.metadata.response_code);
                let expected = match class {
                    Class::Local => self.dns.expected_rcodes.as_slice(),
                    Class::Recursive => RECURSIVE_RCODES.as_slice(),
                };
                if expected.contains(&rcode) {
                    QueryResult::Answered
                } else {
                    QueryResult::UnexpectedRcode
                }
            }
            Err(ProbeError::Timeout(_)) => QueryResult::Timeout,
            Err(_) => QueryResult::Failed,
        }
    }
}

/// 16 random hex digits, a label no cache has seen.
fn random_label() -> Option<String> {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 8];
    ring::rand::SystemRandom::new().fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A running task; dropping it aborts the task.
#[derive(Debug)]
pub struct Task(JoinHandle<()>);

impl Task {
    /// Whether the task has ended (an on-demand target went unscraped).
    #[must_use]
    pub fn ended(&self) -> bool {
        self.0.is_finished()
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts `plan`'s queries into `series`; `None` outside a tokio runtime.
#[must_use]
pub fn spawn(plan: Arc<Plan>, series: Arc<Series>) -> Option<Task> {
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    series.touch();
    Some(Task(runtime.spawn(run(plan, series))))
}

async fn run(plan: Arc<Plan>, series: Arc<Series>) {
    let lanes = plan.lanes();
    join_all(
        lanes
            .into_iter()
            .map(|(transport, class)| lane(&plan, &series, transport, class)),
    )
    .await;
}

/// One transport and class: a query per interval on a kept channel, until the target goes
/// unscraped (on-demand targets only).
async fn lane(plan: &Plan, series: &Series, transport: Transport, class: Class) {
    let mut channel = Channel::new(&plan.dns, &plan.target, transport);
    let mut ticks = tokio::time::interval(plan.settings.interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if plan.idle_limit.is_some_and(|limit| series.unread_for(limit)) {
            return;
        }
        let Some(question) = plan.question(class) else {
            series.record(transport, class, QueryResult::Failed, Duration::ZERO);
            continue;
        };
        let started = Instant::now();
        let outcome = channel.ask(&question, plan.settings.timeout).await;
        let took = started.elapsed();
        series.record(transport, class, plan.judge(class, &outcome), took);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(domain: Option<&str>) -> Plan {
        Plan {
            settings: LatencySettings {
                recursive_domain: domain.and_then(|d| Name::from_ascii(d).ok()),
                ..LatencySettings::default()
            },
            dns: DnsSettings::default(),
            target: Arc::new(DnsTarget::with_trust("127.0.0.1", None)),
            idle_limit: None,
        }
    }

    #[test]
    fn the_recursive_class_asks_a_fresh_name_under_its_domain() {
        let p = plan(Some("probe.example.org."));
        assert_eq!(p.lanes().len(), 4);
        let a = p.question(Class::Recursive).map(|q| q.name().to_string());
        let b = p.question(Class::Recursive).map(|q| q.name().to_string());
        assert_ne!(a, b);
        assert!(
            a.as_deref().is_some_and(|n| n.ends_with(".probe.example.org.") && n.len() == 35),
            "{a:?}"
        );
        assert_eq!(plan(None).lanes().len(), 2);
        assert_eq!(
            plan(None).question(Class::Local).map(|q| q.to_string()),
            Some(Query::query(Name::root(), RecordType::NS).to_string())
        );
    }
}
