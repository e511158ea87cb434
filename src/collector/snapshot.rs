//! What one scrape fetched: the session's result and one [`Part`] per collector that was
//! considered, each with its [`CollectorReport`] and, when it succeeded, its data. Plain data,
//! rendered by [`super::families::write_families`].

use std::any::Any;
use std::fmt;
use std::time::Duration;

use super::contract::{Collect, Detail, Warning};
use super::erased::{AnyData, DynCollect};
use super::error::CollectError;
use super::registry::SESSION;
use super::spec::Spec;
use super::target::SessionData;
use crate::technitium::{ApiError, Charge, Section};

/// How one collector ended in this scrape.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Every call worked.
    Success,
    /// A call failed (the first error is kept), or the collector could not use what came.
    Failed(CollectError),
    /// The scrape deadline cut it off.
    DeadlineExceeded,
    /// The token lacks View on this section; not called.
    NoPermission(Section),
    /// Does not apply to this server (see [`super::spec::Requires`]), or, with a reason, not to this
    /// run (the collector's own [`Collect::not_applicable`]).
    NotApplicable(Option<&'static str>),
}

impl Outcome {
    /// Value of `technitium_scrape_collector_success`; `None` when no series is emitted.
    #[must_use]
    pub fn success_value(&self) -> Option<f64> {
        match self {
            Self::Success => Some(1.0),
            Self::NotApplicable(_) => None,
            _ => Some(0.0),
        }
    }

    /// Whether this counts as failing (for logs, `check` and the success gauge).
    #[must_use]
    pub fn is_failure(&self) -> bool {
        self.success_value() == Some(0.0)
    }

    /// A one-line description for people.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Success => "ok".to_owned(),
            Self::Failed(e) => e.to_string(),
            Self::DeadlineExceeded => "cut off by the scrape deadline".to_owned(),
            Self::NoPermission(section) => format!("token lacks {section}: View"),
            Self::NotApplicable(None) => "not applicable to this server".to_owned(),
            Self::NotApplicable(Some(why)) => format!("not applicable: {why}"),
        }
    }
}

/// One collector's result in a scrape.
#[derive(Debug, Clone)]
pub struct CollectorReport {
    /// Which collector.
    pub spec: &'static Spec,
    /// How it ended.
    pub outcome: Outcome,
    /// How long it took.
    pub duration: Duration,
    /// Age of the reused data when the collector's minimum interval had not passed.
    pub cached: Option<Duration>,
}

impl CollectorReport {
    /// The collector's name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.spec.name
    }
}

/// One collector's part of a snapshot.
#[derive(Clone)]
pub struct Part {
    /// How it went.
    pub report: CollectorReport,
    pub(crate) collector: &'static dyn DynCollect,
    pub(crate) data: Option<AnyData>,
    /// The memory budget `data` holds (its answers' bytes and what they parsed into), given
    /// back when the last clone of the part (and of a cached copy) is dropped.
    pub(crate) charge: Charge,
    /// What the collector wants people to know about its data.
    pub warning: Option<Warning>,
    /// What the collector checked, one row each (for `check`).
    pub details: Vec<Detail>,
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("report", &self.report)
            .field("has_data", &self.data.is_some())
            .field("warning", &self.warning)
            .finish()
    }
}

/// Everything one scrape fetched.
#[derive(Debug)]
pub struct Snapshot {
    /// Session facts, or why the server is down for us.
    pub session: Result<SessionData, ApiError>,
    /// The session's own report (always present).
    pub session_report: CollectorReport,
    /// One part per collector considered, in registry order.
    pub parts: Vec<Part>,
    /// Whole fetch time.
    pub duration: Duration,
    /// Age of the oldest reused part, when a collector has a minimum interval (0 when every
    /// part was fetched for this scrape); `None` when no collector has one.
    pub cache_age: Option<Duration>,
    /// The memory budget the session's answer and the calls collectors shared hold; each part
    /// holds its own (and keeps this one alive).
    pub charge: Charge,
}

impl Snapshot {
    /// A snapshot of a scrape that failed before any collector ran.
    #[must_use]
    pub fn failed(error: ApiError, duration: Duration) -> Self {
        Self {
            session_report: CollectorReport {
                spec: &SESSION,
                outcome: Outcome::Failed(CollectError::Api(error.clone())),
                duration,
                cached: None,
            },
            session: Err(error),
            parts: Vec::new(),
            duration,
            cache_age: None,
            charge: Charge::default(),
        }
    }

    /// `technitium_up`.
    #[must_use]
    pub fn up(&self) -> bool {
        self.session.is_ok()
    }

    /// The session's facts, when session/get worked.
    #[must_use]
    pub fn session(&self) -> Option<&SessionData> {
        self.session.as_ref().ok()
    }

    /// Every report: the session's first, then one per collector considered.
    pub fn reports(&self) -> impl Iterator<Item = &CollectorReport> {
        std::iter::once(&self.session_report).chain(self.parts.iter().map(|p| &p.report))
    }

    /// The report of one collector, if it ran or was considered.
    #[must_use]
    pub fn report(&self, name: &str) -> Option<&CollectorReport> {
        self.reports().find(|r| r.name() == name)
    }

    /// The part of one collector, if it ran or was considered.
    #[must_use]
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.report.name() == name)
    }

    /// Bytes of the memory budget this snapshot's answers hold: the session's and every part's.
    #[must_use]
    pub fn held_bytes(&self) -> u64 {
        self.charge.bytes() + self.parts.iter().map(|p| p.charge.bytes()).sum::<u64>()
    }

    /// Collector `C`'s data, when it ran and succeeded.
    #[must_use]
    pub fn get<C: Collect>(&self) -> Option<&C::Data> {
        let part = self.part(C::SPEC.name)?;
        let data: &(dyn Any + Send + Sync) = part.data.as_deref()?;
        data.downcast_ref::<C::Data>()
    }
}
