//! The per-target orchestrator ([`Scraper`]): one snapshot per call, the session first, then
//! every enabled collector concurrently under the scrape deadline, each planned (applies to
//! this server? permitted?), reused from its cache while younger than its minimum interval, or
//! fetched.
//!
//! # State between scrapes
//! Every scrape fetches fresh data and builds fresh families. What a [`Scraper`] keeps across
//! scrapes, and why:
//! - each collector's last outcome, so a failure or a warning is logged once per change, not
//!   once per scrape;
//! - a collector's last data while it is younger than its `--collector.NAME.min-interval`
//!   (only when one is set);
//! - a collector's own [`State`](super::contract::Collect::State) (empty for all but the
//!   collectors that derive counters or log their probes' changes).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::join_all;
use tokio::time::Instant;

use super::REGISTRY;
use super::contract::{SingleRun, StateError};
use super::erased::{AnyData, AnySettings, AnyState, DynBackgroundCx, DynCollect, DynCx};
use super::error::CollectError;
use super::node::{self, NodeScope};
use super::options::{Entry, Options};
use super::progress::{Deadline, Progress};
use super::registry::SESSION;
use super::shared::{SharedCalls, lock};
use super::snapshot::{CollectorReport, Outcome, Part, Snapshot};
use super::spec::{Requires, Spec};
use super::target::{SessionData, TargetInfo};
use crate::logging::log_as;
use crate::technitium::{ApiError, Charge, Client, Endpoint, Section};

/// Fetches snapshots of one target: the per-target orchestrator of the collectors.
#[derive(Debug)]
pub struct Scraper {
    client: Client,
    options: Options,
    target: TargetInfo,
    /// The cluster node this scraper reads, for a per-node collection.
    node: Option<NodeScope>,
    /// Each collector's state for this target, in registry order.
    states: Vec<AnyState>,
    /// Whether each collector was failing at the last scrape, for one log line per change.
    failing: Mutex<HashMap<&'static str, bool>>,
    /// Each collector's warning kind at the last scrape, for one log line per change.
    warned: Mutex<HashMap<&'static str, Option<&'static str>>>,
    /// Last successful data of collectors with a minimum interval, with when it was fetched
    /// and the memory budget it holds.
    cache: Mutex<HashMap<&'static str, (Instant, AnyData, Charge)>>,
}

/// How one collection runs: its deadline, who follows its progress, whether the minimum
/// intervals' cache may answer.
struct Pass<'a> {
    deadline: &'a Deadline,
    progress: Option<&'a Progress>,
    reuse: bool,
}

/// What to do with a collector this scrape.
enum Plan {
    NotApplicable,
    NoPermission(Section),
    Run,
}

impl Scraper {
    /// A scraper over a client; collectors that do not use the API (DNS probes) aim at the
    /// client's URL.
    #[must_use]
    pub fn new(client: Client, options: Options) -> Self {
        let target = TargetInfo {
            url: client.base_url().clone(),
            ca_file: None,
            extra_ca_pem: None,
            insecure_skip_verify: false,
        };
        Self::with_target(client, options, target)
    }

    /// [`Scraper::new`] with the target's TLS settings.
    #[must_use]
    pub fn with_target(client: Client, options: Options, target: TargetInfo) -> Self {
        Self {
            client,
            options,
            target,
            node: None,
            states: REGISTRY.iter().map(|c| c.new_state()).collect(),
            failing: Mutex::new(HashMap::new()),
            warned: Mutex::new(HashMap::new()),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Makes this a scraper of cluster node `scope`: its session is the node's (see [`node`]);
    /// `client` reaches the node through the target (a [`Client::for_node`]) or directly.
    #[must_use]
    pub fn with_node(mut self, scope: NodeScope) -> Self {
        self.node = Some(scope);
        self
    }

    /// The client.
    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The node this scraper reads, for a per-node collection.
    #[must_use]
    pub fn node(&self) -> Option<&NodeScope> {
        self.node.as_ref()
    }

    /// The session: the server's, or for a per-node collection the node's.
    async fn session(&self) -> Result<SessionData, ApiError> {
        match &self.node {
            None => self.client.session().await.map(SessionData::new),
            Some(scope) => node::session(&self.client, scope)
                .await
                .map(|(info, node)| SessionData::with_node(info, node)),
        }
    }

    /// The options.
    #[must_use]
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Before a single run (`scrape`, `textfile`): each collector restores what it keeps
    /// between runs, from `state_file` (`--state.file`) when given
    /// ([`load_state`](super::contract::Collect::load_state)).
    ///
    /// # Errors
    /// The first collector's reason the run must not go on (its state cannot be read or is in
    /// use by another run); the run then stops before collecting.
    pub async fn load_states(&self, state_file: Option<&Path>) -> Result<(), StateError> {
        let run = self.single_run(state_file);
        for (c, state) in REGISTRY.iter().zip(&self.states) {
            c.load_state(&**state, run).await?;
        }
        Ok(())
    }

    /// After a single run's collection, before its output: each collector keeps what the next
    /// run continues from ([`save_state`](super::contract::Collect::save_state)).
    ///
    /// # Errors
    /// The first state that could not be kept (every collector still tries).
    pub async fn save_states(&self, state_file: Option<&Path>) -> Result<(), StateError> {
        let run = self.single_run(state_file);
        let mut first = Ok(());
        for (c, state) in REGISTRY.iter().zip(&self.states) {
            let saved = c.save_state(&**state, run).await;
            if first.is_ok() {
                first = saved;
            }
        }
        first
    }

    /// Before `check` collects: each collector turns on what it verifies for `check` only
    /// ([`prepare_check`](super::contract::Collect::prepare_check)).
    pub fn prepare_check(&self) {
        for (c, state) in REGISTRY.iter().zip(&self.states) {
            c.prepare_check(&**state);
        }
    }

    /// In `serve`, once the scraper is made (and has adopted a reloaded target's states): each
    /// collector starts what it runs between scrapes, or stops it when it is off
    /// ([`background`](super::contract::Collect::background)). No other mode calls it, so
    /// `scrape`, `textfile` and `check` never start background work.
    /// `on_demand`: the scraper was made at a `/probe` (a cluster node, a module's URL target),
    /// so what it starts stops once the target goes unscraped for a while.
    pub fn start_background(&self, on_demand: bool) {
        let each = REGISTRY.iter().zip(&self.options.entries).zip(&self.states);
        for ((c, entry), state) in each {
            let cx = DynBackgroundCx {
                settings: entry.enabled.then_some(&*entry.settings),
                client: &self.client,
                target: &self.target,
                options: &self.options,
                on_demand,
            };
            c.background(&**state, cx);
        }
    }

    fn single_run<'a>(&'a self, state_file: Option<&'a Path>) -> SingleRun<'a> {
        SingleRun {
            state_file,
            server: self.client.server(),
            timeout: self.client.timeout(),
        }
    }

    /// Takes over `other`'s per-collector states when it watches the same server (a reload
    /// keeps derived counters counting).
    pub fn adopt_states(&mut self, other: &Scraper) {
        if other.client.base_url() == self.client.base_url() {
            self.states.clone_from(&other.states);
        }
    }

    /// Fetches one snapshot; every collector is cut off at `deadline`.
    pub async fn collect(&self, deadline: Instant) -> Snapshot {
        self.collect_with(&Deadline::fixed(deadline), None).await
    }

    /// [`Scraper::collect`] without the minimum intervals' cache: every collector fetches
    /// (`serve`'s debug output shows what a scrape really does).
    pub async fn collect_uncached(&self, deadline: Instant) -> Snapshot {
        let pass = Pass {
            deadline: &Deadline::fixed(deadline),
            progress: None,
            reuse: false,
        };
        self.collect_pass(&pass).await
    }

    /// [`Scraper::collect`] under a deadline that may move later, publishing its progress
    /// (`serve`'s coalescing: requests that wait for this collection read it).
    pub async fn collect_with(&self, deadline: &Deadline, progress: Option<&Progress>) -> Snapshot {
        let pass = Pass {
            deadline,
            progress,
            reuse: true,
        };
        self.collect_pass(&pass).await
    }

    async fn collect_pass(&self, pass: &Pass<'_>) -> Snapshot {
        let (deadline, progress) = (pass.deadline, pass.progress);
        let started = Instant::now();
        // The scrape's charge of the memory budget: the session's answer and the calls the
        // collectors share; each collector's own calls are charged to a child of it.
        let charge = Charge::default();
        let session = match deadline.within(charge.keeping(self.session())).await {
            Some(result) => result,
            None => Err(ApiError::Timeout {
                server: self.client.server().to_owned(),
                endpoint: Endpoint::SessionGet.path(),
                timeout: deadline.at().saturating_duration_since(started),
                proxy: None,
            }),
        };
        let session_report = CollectorReport {
            spec: &SESSION,
            outcome: match &session {
                Ok(_) => Outcome::Success,
                Err(e) => Outcome::Failed(CollectError::Api(e.clone())),
            },
            duration: started.elapsed(),
            cached: None,
        };
        if let Some(p) = progress {
            p.session(&session, &session_report);
        }
        let parts = {
            let shared = SharedCalls::new(&self.client, session.as_ref().ok(), charge.clone());
            let runs = REGISTRY
                .iter()
                .zip(&self.options.entries)
                .zip(&self.states)
                .filter(|((_, entry), _)| entry.enabled)
                .map(|((c, entry), state)| async {
                    let part = self
                        .run(*c, entry, state, session.as_ref().ok(), pass, &shared)
                        .await;
                    if let (Some(p), Some(part)) = (progress, &part) {
                        p.part(part);
                    }
                    part
                });
            join_all(runs).await.into_iter().flatten().collect()
        };
        let mut snapshot = Snapshot {
            session,
            session_report,
            parts,
            duration: Duration::ZERO,
            cache_age: None,
            charge,
        };
        if self.options.caches() {
            let oldest = snapshot.parts.iter().filter_map(|p| p.report.cached).max();
            snapshot.cache_age = Some(oldest.unwrap_or_default());
        }
        self.log_changes(&snapshot);
        snapshot.duration = started.elapsed();
        snapshot
    }

    fn plan(spec: &Spec, session: &SessionData) -> Plan {
        let applicable = match spec.requires {
            Requires::Session | Requires::Nothing => true,
            Requires::Version { major, minor, .. } => session.at_least_release(major, minor),
            Requires::Cluster => session.clustered(),
        };
        if !applicable {
            return Plan::NotApplicable;
        }
        match spec.sections.iter().find(|s| !session.can_view(**s)) {
            Some(missing) => Plan::NoPermission(*missing),
            None => Plan::Run,
        }
    }

    /// Runs one collector: its plan, its cache, its fetch under the deadline.
    async fn run(
        &self,
        collector: &'static dyn DynCollect,
        entry: &Entry,
        state: &AnyState,
        session: Option<&SessionData>,
        pass: &Pass<'_>,
        shared: &SharedCalls<'_>,
    ) -> Option<Part> {
        let deadline = pass.deadline;
        let spec = collector.spec();
        let started = Instant::now();
        let settings = &*entry.settings;
        let part = |outcome, cached, fetched| {
            new_part(collector, settings, started, outcome, cached, fetched)
        };
        match session.map(|s| Self::plan(spec, s)) {
            None if spec.requires != Requires::Nothing => return None,
            Some(Plan::NotApplicable) => {
                return Some(part(Outcome::NotApplicable(None), None, None));
            }
            Some(Plan::NoPermission(s)) => return Some(part(Outcome::NoPermission(s), None, None)),
            Some(Plan::Run) | None => {}
        }
        if let Some(why) = collector.not_applicable(&**state) {
            return Some(part(Outcome::NotApplicable(Some(why)), None, None));
        }
        if let Some((age, data, charge)) =
            self.cached(spec, entry.min_interval).filter(|_| pass.reuse)
        {
            return Some(part(Outcome::Success, Some(age), Some((data, charge))));
        }
        let cx = DynCx {
            client: &self.client,
            session,
            settings: &*entry.settings,
            state: &**state,
            deadline: deadline.at(),
            shared,
            target: &self.target,
            options: &self.options,
        };
        // What the fetch's calls parsed stays charged to the memory budget while its data lives.
        let charge = shared.charge().child();
        match deadline.within(charge.keeping(collector.fetch(cx))).await {
            Some(Ok(data)) => {
                let fresh = (!entry.min_interval.is_zero()).then(|| {
                    let entry = (Instant::now(), Arc::clone(&data), charge.clone());
                    lock(&self.cache).insert(spec.name, entry);
                    Duration::ZERO
                });
                Some(part(Outcome::Success, fresh, Some((data, charge))))
            }
            Some(Err(CollectError::NotApplicable { why })) => {
                Some(part(Outcome::NotApplicable(Some(why)), None, None))
            }
            Some(Err(e)) => Some(part(Outcome::Failed(e), None, None)),
            None => Some(part(Outcome::DeadlineExceeded, None, None)),
        }
    }

    /// Data of `spec` fetched less than `interval` ago, with its age and charge.
    fn cached(&self, spec: &Spec, interval: Duration) -> Option<(Duration, AnyData, Charge)> {
        if interval.is_zero() {
            return None;
        }
        let cache = lock(&self.cache);
        let (at, data, charge) = cache.get(spec.name)?;
        let age = at.elapsed();
        (age < interval).then(|| (age, Arc::clone(data), charge.clone()))
    }

    /// Logs a collector's failure once when it starts failing and once when it recovers, and
    /// each warning once when it appears or changes kind.
    fn log_changes(&self, snapshot: &Snapshot) {
        let name = self.client.log_name();
        macro_rules! log {
            ($level:ident, $($rest:tt)*) => { log_as!(name, $level, $($rest)*) };
        }
        {
            let mut failing_before = lock(&self.failing);
            for report in snapshot.reports() {
                let failing = report.outcome.is_failure();
                let was = failing_before
                    .insert(report.name(), failing)
                    .unwrap_or(false);
                match (failing, was) {
                    (true, false) if report.spec.name == SESSION.name => {
                        log!(warn, "technitium_up 0: {}", report.outcome.describe());
                    }
                    (true, false) => {
                        log!(
                            warn,
                            collector = report.name(),
                            "collector failed: {}{}",
                            report.outcome.describe(),
                            failure_hint(report)
                        );
                    }
                    (false, true) => log!(info, collector = report.name(), "collector recovered"),
                    _ => {}
                }
            }
        }
        let mut warned = lock(&self.warned);
        for part in &snapshot.parts {
            let key = part.warning.as_ref().map(|w| w.key);
            let before = warned.insert(part.report.name(), key).flatten();
            match (&part.warning, before) {
                (Some(w), before) if before != Some(w.key) => {
                    let hint = w
                        .hint
                        .as_deref()
                        .map(|h| format!("; {h}"))
                        .unwrap_or_default();
                    log!(warn, collector = part.report.name(), "{}{hint}", w.detail);
                }
                (None, Some(_)) if part.report.outcome.success_value() == Some(1.0) => {
                    log!(
                        info,
                        collector = part.report.name(),
                        "collector warning cleared"
                    );
                }
                _ => {}
            }
        }
    }
}

/// One collector's part of a snapshot: its report, and what its data (fetched with its
/// charge) has to say.
fn new_part(
    collector: &'static dyn DynCollect,
    settings: &dyn AnySettings,
    started: Instant,
    outcome: Outcome,
    cached: Option<Duration>,
    fetched: Option<(AnyData, Charge)>,
) -> Part {
    let (data, charge) = fetched.unzip();
    let warning = data.as_deref().and_then(|d| collector.warning(d, settings));
    let details = data
        .as_deref()
        .map(|d| collector.details(d, settings))
        .unwrap_or_default();
    Part {
        report: CollectorReport {
            spec: collector.spec(),
            outcome,
            duration: started.elapsed(),
            cached,
        },
        collector,
        data,
        charge: charge.unwrap_or_default(),
        warning,
        details,
    }
}

/// What to do about a collector's failure, when there is something to do.
fn failure_hint(report: &CollectorReport) -> String {
    match report.outcome {
        Outcome::NoPermission(_) => format!(
            "; grant it under Administration → Groups, or pass --no-collector.{}",
            report.name()
        ),
        _ => String::new(),
    }
}
