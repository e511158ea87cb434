//! Collectors: fetch a [`Snapshot`] of one target concurrently, then turn it into metric
//! families with a pure, synchronous function ([`write_families`]).
//!
//! # The contract
//! A collector is one file in this directory: a unit struct implementing [`Collect`] — its
//! [`Spec`] (name, default, permission sections, when it applies, the endpoints it calls, its
//! options), how it parses its options into typed settings, how it fetches its data and how it
//! writes its families — plus one row in the [`collectors!`] list below. The command line, the
//! config file, the permission check, `check`'s rows and the `collector` label all come from
//! that row. CONTRIBUTING.md walks through adding one.
//!
//! # State between scrapes
//! Every scrape fetches fresh data and builds fresh families. What [`Collector`] keeps across
//! scrapes, and why:
//! - each collector's last outcome, so a failure or a warning is logged once per change, not
//!   once per scrape;
//! - a collector's last data while it is younger than its `--collector.NAME.min-interval`
//!   (only when one is set);
//! - a collector's own [`Collect::State`] (empty for all but collectors that derive counters).

pub mod node;
pub mod progress;
mod registry;
pub mod snapshot;
pub mod spec;

use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::future::join_all;
use tokio::sync::OnceCell;
use tokio::time::Instant;
use url::Url;

use crate::dnsprobe::ProbeChange;
use crate::exposition::{Encoder, ExpositionFormat, Kind};
use crate::logging::{LogName, log_as};
use crate::technitium::types::{self, DashboardStats, SessionInfo, parse_version};
use crate::technitium::{ApiError, Client, ClientConfig, Endpoint, Section, Window};
use registry::{AnySettings, DynCollect, DynCx, Erased, State};

pub use node::{NodeScope, NodeSession, Reach, listed_nodes};
pub use progress::{Deadline, DeadlineSetter, Progress};
pub use snapshot::{Detail, DetailStatus, Outcome, Part, Report, Snapshot, Warning};
pub use spec::{Given, OptKind, OptSpec, OptionError, OptionValues, Requires, Spec};

/// A collector: one file under `src/collector/`, one row in [`collectors!`].
pub trait Collect: Send + Sync + 'static {
    /// Typed settings parsed from the collector's options. `Default` is the real default of
    /// every option (a test keeps the help text's `[default: …]` equal to it).
    type Settings: Default + std::fmt::Debug + Send + Sync + 'static;
    /// What one fetch returns, rendered by [`Collect::write`].
    type Data: std::fmt::Debug + Send + Sync + 'static;
    /// State kept per target across scrapes (`()` for most collectors).
    type State: Default + std::fmt::Debug + Send + Sync + 'static;
    /// The collector's metadata.
    const SPEC: &'static Spec;

    /// Parses the given option values; keys not given keep their default.
    ///
    /// # Errors
    /// A bad value, with its origin.
    fn settings(values: &OptionValues<'_>) -> Result<Self::Settings, OptionError>;

    /// Fetches this scrape's data (the orchestrator bounds it by the scrape deadline).
    fn fetch(cx: Cx<'_, Self>) -> impl Future<Output = Result<Self::Data, ApiError>> + Send;

    /// Writes the collector's families.
    fn write(data: &Self::Data, cx: &WriteCx<'_>, enc: &mut Encoder);

    /// Something about the data people should know (logged once per change).
    fn warning(_data: &Self::Data, _settings: &Self::Settings) -> Option<Warning> {
        None
    }

    /// What the collector checked, one row each, for `check` (a DNS transport, a forwarder);
    /// nothing for most.
    fn details(_data: &Self::Data, _settings: &Self::Settings) -> Vec<Detail> {
        Vec::new()
    }

    /// Why the collector does not run this time although the server supports it (`counters` in
    /// a single run with nothing to count against); `None` for most.
    fn not_applicable(_state: &Self::State) -> Option<&'static str> {
        None
    }

    /// What the collector writes when it does not apply to the server (nothing, for most;
    /// `cluster` says `technitium_cluster_initialized 0` on a v14+ server outside a cluster).
    fn write_not_applicable(_cx: &WriteCx<'_>, _enc: &mut Encoder) {}
}

/// Declares the collector modules and the registry, in output order.
macro_rules! collectors {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        $(pub mod $module;)*
        $(pub use $module::$ty;)*
        /// Every switchable collector, in output order.
        static REGISTRY: &[&dyn DynCollect] = &[$(&Erased::<$module::$ty>(PhantomData)),*];
    };
}

collectors! {
    lifetime::Lifetime,
    dashboard::Dashboard,
    counters::Counters,
    zones::Zones,
    dhcp::Dhcp,
    cluster::Cluster,
    top::Top,
    settings::Settings,
    update::Update,
    dns::Dns,
    forwarders::Forwarders,
}

mod session;

/// The session's spec: always on, first, cannot be switched off (`technitium_up`).
pub static SESSION: Spec = Spec {
    name: "session",
    help: "Server version, start time and the token's permissions (always on)",
    default_enabled: true,
    sections: &[],
    requires: Requires::Session,
    endpoints: &[Endpoint::SessionGet],
    options: &[],
    default_min_interval: Duration::ZERO,
};

/// Every switchable collector's spec, in output order.
pub fn specs() -> impl Iterator<Item = &'static Spec> {
    REGISTRY.iter().map(|c| c.spec())
}

/// The spec of the switchable collector `name`.
#[must_use]
pub fn spec(name: &str) -> Option<&'static Spec> {
    specs().find(|s| s.name == name)
}

/// The server facts from `session/get`.
#[derive(Debug, Clone)]
pub struct SessionData {
    /// `info` of session/get.
    pub info: SessionInfo,
    /// Parsed `(major, minor)` version, when it parses.
    pub version: Option<(u32, u32)>,
    /// For a per-node collection: the node, and whether `info` holds its own facts.
    pub node: Option<NodeSession>,
}

impl SessionData {
    /// Session facts from `info`.
    #[must_use]
    pub fn new(info: SessionInfo) -> Self {
        Self {
            version: parse_version(&info.version),
            info,
            node: None,
        }
    }

    /// Session facts of a cluster node (see [`node`]).
    #[must_use]
    pub fn with_node(info: SessionInfo, node: NodeSession) -> Self {
        Self {
            node: Some(node),
            ..Self::new(info)
        }
    }

    /// Whether `info`'s version, domain, start time and cluster view are the server's own: always,
    /// but for a node reached through another server without Administration: View.
    #[must_use]
    pub fn facts_known(&self) -> bool {
        self.node.as_ref().is_none_or(|n| n.facts)
    }

    /// Whether the server is at least `major`.
    #[must_use]
    pub fn at_least(&self, major: u32) -> bool {
        self.version.is_some_and(|(m, _)| m >= major)
    }

    /// Whether the token may view `section`.
    #[must_use]
    pub fn can_view(&self, section: Section) -> bool {
        self.info
            .permissions
            .get(section.api_name())
            .is_some_and(|p| p.can_view)
    }

    /// Whether this server is part of an initialised cluster (v14+).
    #[must_use]
    pub fn clustered(&self) -> bool {
        self.at_least(14) && self.info.cluster_initialized == Some(true)
    }
}

/// What a collector may know about its target besides the client: its URL and TLS settings
/// (for collectors that talk to the server other than through the API).
#[derive(Debug, Clone)]
pub struct TargetInfo {
    /// The API's base URL.
    pub url: Url,
    /// Extra CA bundle for TLS.
    pub ca_file: Option<std::path::PathBuf>,
    /// Whether certificate checks are off.
    pub insecure_skip_verify: bool,
}

impl TargetInfo {
    /// The target of a client configuration.
    #[must_use]
    pub fn of(config: &ClientConfig) -> Self {
        Self {
            url: config.url.clone(),
            ca_file: config.ca_file.clone(),
            insecure_skip_verify: config.insecure_skip_verify,
        }
    }
}

/// One memoised call: made once, its result shared.
type Memo<T> = Arc<OnceCell<Result<Arc<T>, ApiError>>>;

/// Per-scrape memo of API calls several collectors need: each is made at most once per scrape,
/// whoever asks first (the others wait for it).
#[derive(Debug)]
pub struct Shared<'a> {
    client: &'a Client,
    session: Option<&'a SessionData>,
    stats: Mutex<HashMap<Window, Memo<DashboardStats>>>,
    settings: Memo<types::Settings>,
}

impl<'a> Shared<'a> {
    fn new(client: &'a Client, session: Option<&'a SessionData>) -> Self {
        Self {
            client,
            session,
            stats: Mutex::new(HashMap::new()),
            settings: Memo::default(),
        }
    }

    /// `settings/get` (only the fields the collectors use are parsed; its secrets never are).
    ///
    /// # Errors
    /// The call's error.
    pub async fn settings(&self) -> Result<Arc<types::Settings>, ApiError> {
        self.settings
            .get_or_init(|| async { self.client.settings().await.map(Arc::new) })
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
        cell.get_or_init(|| async move { self.client.stats(window, full).await.map(Arc::new) })
            .await
            .clone()
    }
}

/// Logs what changed for one probe (`dns`, `forwarders`): a warning when it starts failing, a
/// line when it recovers, naming the server as its client does.
pub fn log_probe_changes(name: LogName<'_>, changes: &[(String, ProbeChange)]) {
    for (probe, change) in changes {
        match change {
            ProbeChange::Failed(error) => log_as!(name, warn, probe, "probe failed: {error}"),
            ProbeChange::Recovered => log_as!(name, info, probe, "probe recovered"),
        }
    }
}

/// What [`Collect::fetch`] gets.
#[derive(Debug)]
pub struct Cx<'a, C: Collect + ?Sized> {
    /// The target's API client.
    pub client: &'a Client,
    /// The session's facts (`None` only for [`Requires::Nothing`] collectors when session/get
    /// failed).
    pub session: Option<&'a SessionData>,
    /// The collector's settings.
    pub settings: &'a C::Settings,
    /// The collector's state for this target.
    pub state: &'a C::State,
    /// When the scrape ends.
    pub deadline: Instant,
    /// Calls shared with other collectors in this scrape.
    pub shared: &'a Shared<'a>,
    /// The target's URL and TLS settings.
    pub target: &'a TargetInfo,
    /// The target's options (another collector's settings, e.g. `top` uses `dashboard`'s
    /// windows).
    pub options: &'a Options,
}

/// What [`Collect::write`] gets.
#[derive(Debug, Clone, Copy)]
pub struct WriteCx<'a> {
    /// The session's facts, when session/get worked.
    pub session: Option<&'a SessionData>,
}

/// One collector's switch, interval and settings for one target.
#[derive(Clone)]
struct Entry {
    enabled: bool,
    min_interval: Duration,
    values: BTreeMap<&'static str, Given>,
    settings: Arc<dyn AnySettings>,
}

impl std::fmt::Debug for Entry {
    /// The resolved switch, interval and settings (not the raw values they came from).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("enabled", &self.enabled)
            .field("min_interval", &self.min_interval)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// What to collect from one target: each collector's switch, minimum interval and settings.
#[derive(Debug, Clone)]
pub struct Options {
    entries: Vec<Entry>,
}

impl Default for Options {
    /// Every collector at its defaults.
    fn default() -> Self {
        Self {
            entries: REGISTRY
                .iter()
                .map(|c| Entry {
                    enabled: c.spec().default_enabled,
                    min_interval: c.spec().default_min_interval,
                    values: BTreeMap::new(),
                    settings: c.default_settings(),
                })
                .collect(),
        }
    }
}

impl Options {
    /// Every collector on, at its defaults.
    #[must_use]
    pub fn all() -> Self {
        let mut o = Self::default();
        for e in &mut o.entries {
            e.enabled = true;
        }
        o
    }

    fn index(name: &str) -> Option<usize> {
        REGISTRY.iter().position(|c| c.spec().name == name)
    }

    /// Whether a collector is on (the session always is).
    #[must_use]
    pub fn is_enabled(&self, name: &str) -> bool {
        name == SESSION.name
            || Self::index(name)
                .and_then(|i| self.entries.get(i))
                .is_some_and(|e| e.enabled)
    }

    /// Switches a collector on or off; `false` when there is no such collector.
    pub fn set_enabled(&mut self, name: &str, on: bool) -> bool {
        match Self::index(name).and_then(|i| self.entries.get_mut(i)) {
            Some(e) => {
                e.enabled = on;
                true
            }
            None => false,
        }
    }

    /// Switches every collector off (`--collector.disable-defaults`).
    pub fn disable_all(&mut self) {
        for e in &mut self.entries {
            e.enabled = false;
        }
    }

    /// The enabled collectors' specs, in output order.
    pub fn enabled(&self) -> impl Iterator<Item = &'static Spec> + '_ {
        REGISTRY
            .iter()
            .zip(&self.entries)
            .filter(|(_, e)| e.enabled)
            .map(|(c, _)| c.spec())
    }

    /// Sets a collector's minimum interval.
    pub fn set_min_interval(&mut self, name: &str, interval: Duration) -> bool {
        match Self::index(name).and_then(|i| self.entries.get_mut(i)) {
            Some(e) => {
                e.min_interval = interval;
                true
            }
            None => false,
        }
    }

    /// A collector's minimum interval (0: fresh every scrape).
    #[must_use]
    pub fn min_interval(&self, name: &str) -> Duration {
        Self::index(name)
            .and_then(|i| self.entries.get(i))
            .map_or(Duration::ZERO, |e| e.min_interval)
    }

    /// Whether any enabled collector reuses data (its minimum interval is set).
    #[must_use]
    pub fn caches(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.enabled && !e.min_interval.is_zero())
    }

    /// Gives option `key` of collector `name` a value (replacing an earlier one) and re-parses
    /// the collector's settings.
    ///
    /// # Errors
    /// An unknown collector or key, or a bad value.
    pub fn set_option(&mut self, name: &str, key: &str, given: Given) -> Result<(), OptionError> {
        let unknown = |what: String| OptionError {
            origin: given.origin.clone(),
            message: what,
        };
        let i = Self::index(name).ok_or_else(|| unknown(format!("no collector named {name:?}")))?;
        let collector = REGISTRY[i];
        let opt = collector
            .spec()
            .option(key)
            .ok_or_else(|| unknown(format!("collector {name} has no option {key:?}")))?;
        let entry = &mut self.entries[i];
        entry.values.insert(opt.key, given);
        entry.settings = collector.settings(&OptionValues::new(&entry.values))?;
        Ok(())
    }

    /// Whether option `key` of collector `name` was given (not left at its default).
    #[must_use]
    pub fn is_given(&self, name: &str, key: &str) -> bool {
        Self::index(name)
            .and_then(|i| self.entries.get(i))
            .is_some_and(|e| e.values.contains_key(key))
    }

    /// Changes collector `C`'s settings in place (the program's own adjustments, such as
    /// `--demo` pointing the DNS probes at its listeners); a later [`Options::set_option`]
    /// re-parses them from the given values and drops such changes.
    pub fn update_settings<C: Collect>(&mut self, change: impl FnOnce(&mut C::Settings))
    where
        C::Settings: Clone,
    {
        let Some(entry) = Self::index(C::SPEC.name).and_then(|i| self.entries.get_mut(i)) else {
            return;
        };
        let any: &dyn Any = &*entry.settings;
        if let Some(current) = any.downcast_ref::<C::Settings>() {
            let mut changed = current.clone();
            change(&mut changed);
            entry.settings = Arc::new(changed);
        }
    }

    /// Collector `C`'s settings.
    #[must_use]
    pub fn settings<C: Collect>(&self) -> Option<&C::Settings> {
        let entry = self.entries.get(Self::index(C::SPEC.name)?)?;
        let any: &dyn Any = &*entry.settings;
        any.downcast_ref::<C::Settings>()
    }
}

/// Locks a mutex, recovering it when a panic elsewhere poisoned it: every value behind our locks
/// stays consistent between statements (maps of small values), so the data is still good.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Fetches snapshots of one target.
#[derive(Debug)]
pub struct Collector {
    client: Client,
    options: Options,
    target: TargetInfo,
    /// The cluster node this collector reads, for a per-node collection.
    node: Option<NodeScope>,
    /// Each collector's state for this target, in registry order.
    states: Vec<State>,
    /// Whether each collector was failing at the last scrape, for one log line per change.
    failing: Mutex<HashMap<&'static str, bool>>,
    /// Each collector's warning kind at the last scrape, for one log line per change.
    warned: Mutex<HashMap<&'static str, Option<&'static str>>>,
    /// Last successful data of collectors with a minimum interval, with when it was fetched.
    cache: Mutex<HashMap<&'static str, (Instant, snapshot::Data)>>,
}

/// What to do with a collector this scrape.
enum Plan {
    NotApplicable,
    NoPermission(Section),
    Run,
}

impl Collector {
    /// A collector over a client; `target` tells collectors that do not use the API (DNS
    /// probes) where the server is.
    #[must_use]
    pub fn new(client: Client, options: Options) -> Self {
        let target = TargetInfo {
            url: client.base_url().clone(),
            ca_file: None,
            insecure_skip_verify: false,
        };
        Self::with_target(client, options, target)
    }

    /// [`Collector::new`] with the target's TLS settings.
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

    /// Makes this a collector of cluster node `scope`: its session is the node's (see [`node`]);
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

    /// The node this collector reads, for a per-node collection.
    #[must_use]
    pub fn node(&self) -> Option<&NodeScope> {
        self.node.as_ref()
    }

    /// The session: the server's, or for a per-node collection the node's.
    async fn session(&self) -> Result<SessionData, ApiError> {
        match &self.node {
            None => self.client.session().await.map(SessionData::new),
            Some(scope) => node::session(&self.client, scope).await,
        }
    }

    /// The options.
    #[must_use]
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Collector `C`'s state for this target (to load or save it, as `textfile` does).
    #[must_use]
    pub fn state<C: Collect>(&self) -> Option<&C::State> {
        let i = Options::index(C::SPEC.name)?;
        self.states.get(i)?.downcast_ref::<C::State>()
    }

    /// Takes over `other`'s per-collector states when it watches the same server (a reload
    /// keeps derived counters counting).
    pub fn adopt_states(&mut self, other: &Collector) {
        if other.client.base_url() == self.client.base_url() {
            self.states.clone_from(&other.states);
        }
    }

    /// Fetches one snapshot; every collector is cut off at `deadline`.
    pub async fn collect(&self, deadline: Instant) -> Snapshot {
        self.collect_with(&Deadline::fixed(deadline), None).await
    }

    /// [`Collector::collect`] under a deadline that may move later, publishing its progress
    /// (`serve`'s coalescing: requests that wait for this collection read it).
    pub async fn collect_with(&self, deadline: &Deadline, progress: Option<&Progress>) -> Snapshot {
        let started = Instant::now();
        let session = match deadline.within(self.session()).await {
            Some(result) => result,
            None => Err(ApiError::Timeout {
                server: self.client.server().to_owned(),
                endpoint: Endpoint::SessionGet.path(),
                timeout: deadline.at().saturating_duration_since(started),
                proxy: None,
            }),
        };
        let session_report = Report {
            spec: &SESSION,
            outcome: match &session {
                Ok(_) => Outcome::Success,
                Err(e) => Outcome::Failed(e.clone()),
            },
            duration: started.elapsed(),
            cached: None,
        };
        if let Some(p) = progress {
            p.session(&session, &session_report);
        }
        let parts = {
            let shared = Shared::new(&self.client, session.as_ref().ok());
            let runs = REGISTRY
                .iter()
                .zip(&self.options.entries)
                .zip(&self.states)
                .filter(|((_, entry), _)| entry.enabled)
                .map(|((c, entry), state)| async {
                    let part = self
                        .run(*c, entry, state, session.as_ref().ok(), deadline, &shared)
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
            Requires::Version { major, .. } => session.at_least(major),
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
        state: &State,
        session: Option<&SessionData>,
        deadline: &Deadline,
        shared: &Shared<'_>,
    ) -> Option<Part> {
        let spec = collector.spec();
        let started = Instant::now();
        let settings = &*entry.settings;
        let part =
            |outcome, cached, data| new_part(collector, settings, started, outcome, cached, data);
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
        if let Some((age, data)) = self.cached(spec, entry.min_interval) {
            return Some(part(Outcome::Success, Some(age), Some(data)));
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
        match deadline.within(collector.fetch(cx)).await {
            Some(Ok(data)) => {
                let fresh = (!entry.min_interval.is_zero()).then(|| {
                    lock(&self.cache).insert(spec.name, (Instant::now(), Arc::clone(&data)));
                    Duration::ZERO
                });
                Some(part(Outcome::Success, fresh, Some(data)))
            }
            Some(Err(e)) => Some(part(Outcome::Failed(e), None, None)),
            None => Some(part(Outcome::DeadlineExceeded, None, None)),
        }
    }

    /// Data of `spec` fetched less than `interval` ago, with its age.
    fn cached(&self, spec: &Spec, interval: Duration) -> Option<(Duration, snapshot::Data)> {
        if interval.is_zero() {
            return None;
        }
        let cache = lock(&self.cache);
        let (at, data) = cache.get(spec.name)?;
        let age = at.elapsed();
        (age < interval).then(|| (age, Arc::clone(data)))
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

/// One collector's part of a snapshot: its report, and what its data has to say.
fn new_part(
    collector: &'static dyn DynCollect,
    settings: &dyn AnySettings,
    started: Instant,
    outcome: Outcome,
    cached: Option<Duration>,
    data: Option<snapshot::Data>,
) -> Part {
    let warning = data.as_deref().and_then(|d| collector.warning(d, settings));
    let details = data
        .as_deref()
        .map(|d| collector.details(d, settings))
        .unwrap_or_default();
    Part {
        report: Report {
            spec: collector.spec(),
            outcome,
            duration: started.elapsed(),
            cached,
        },
        collector,
        data,
        warning,
        details,
    }
}

/// What to do about a collector's failure, when there is something to do.
fn failure_hint(report: &Report) -> String {
    match report.outcome {
        Outcome::NoPermission(_) => format!(
            "; grant it under Administration → Groups, or pass --no-collector.{}",
            report.name()
        ),
        _ => String::new(),
    }
}

/// Writes every family of a snapshot: the target's metrics and the scrape's own gauges.
pub fn write_families(snapshot: &Snapshot, enc: &mut Encoder) {
    write_families_waited(snapshot, snapshot.duration, enc);
}

/// [`write_families`] for a scrape that waited `waited` for a shared fetch (`serve`'s
/// coalescing): each response reports its own wait as `technitium_scrape_duration_seconds`.
pub fn write_families_waited(snapshot: &Snapshot, waited: Duration, enc: &mut Encoder) {
    session::write(snapshot, enc);
    let cx = WriteCx {
        session: snapshot.session(),
    };
    for part in &snapshot.parts {
        write_part(part, &cx, enc);
    }
    write_scrape_meta(snapshot, waited, enc);
}

/// How many series each collector contributes to `snapshot`'s exposition (for `check`): each
/// collector's families are rendered into a scratch encoder and counted. The scrape's own
/// `technitium_scrape_*` gauges belong to no collector and are not counted.
#[must_use]
pub fn series_per_collector(snapshot: &Snapshot) -> Vec<(&'static str, usize)> {
    let cx = WriteCx {
        session: snapshot.session(),
    };
    let mut session = Encoder::new(ExpositionFormat::Text);
    session::write(snapshot, &mut session);
    let mut counts = vec![(SESSION.name, session.samples())];
    for part in &snapshot.parts {
        let mut enc = Encoder::new(ExpositionFormat::Text);
        write_part(part, &cx, &mut enc);
        counts.push((part.report.name(), enc.samples()));
    }
    counts
}

fn write_part(part: &Part, cx: &WriteCx<'_>, enc: &mut Encoder) {
    match (&part.data, &part.report.outcome) {
        (Some(data), _) => part.collector.write(&**data, cx, enc),
        (None, Outcome::NotApplicable(None)) => part.collector.write_not_applicable(cx, enc),
        (None, _) => {}
    }
}

fn write_scrape_meta(snapshot: &Snapshot, duration: Duration, enc: &mut Encoder) {
    enc.family(
        "technitium_scrape_collector_success",
        Kind::Gauge,
        "Whether a collector's API calls all succeeded in this scrape (1) or not (0).",
    );
    for r in snapshot.reports() {
        if let Some(v) = r.outcome.success_value() {
            enc.sample(&[("collector", r.name())], v);
        }
    }
    enc.family(
        "technitium_scrape_collector_duration_seconds",
        Kind::Gauge,
        "Time a collector spent on its API calls in this scrape.",
    );
    for r in snapshot.reports() {
        if r.outcome.success_value().is_some() {
            enc.sample(&[("collector", r.name())], r.duration.as_secs_f64());
        }
    }
    if let Some(age) = snapshot.cache_age {
        enc.family(
            "technitium_scrape_cache_age_seconds",
            Kind::Gauge,
            "Age of the oldest reused collector data in this scrape (0 when all was fetched fresh); only with a --collector.NAME.min-interval.",
        );
        enc.sample(&[], age.as_secs_f64());
    }
    enc.family(
        "technitium_scrape_duration_seconds",
        Kind::Gauge,
        "Time this scrape of the Technitium API took.",
    );
    enc.sample(&[], duration.as_secs_f64());
}

/// Writes a gauge family with one unlabelled sample when the value is known.
pub(crate) fn gauge_opt(enc: &mut Encoder, name: &str, help: &str, value: Option<f64>) {
    if let Some(v) = value {
        enc.family(name, Kind::Gauge, help);
        enc.sample(&[], v);
    }
}

/// 1 for true, 0 for false.
pub(crate) fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// A count as a sample value (exact below 2^53, which every count here is).
#[allow(clippy::cast_precision_loss)]
pub(crate) fn count(n: u64) -> f64 {
    n as f64
}

/// Lower snake_case of an upstream enum name: `SecondaryForwarder` → `secondary_forwarder`,
/// `SignedWithNSEC3` → `signed_with_nsec3`.
#[must_use]
pub fn snake_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    snake_case_into(&mut out, s);
    out
}

/// [`snake_case`] appended to `out`, so a loop can reuse one buffer.
pub fn snake_case_into(out: &mut String, s: &str) {
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            out.push('_');
            prev_lower = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_follows_the_design() {
        for (input, want) in [
            ("Primary", "primary"),
            ("SecondaryForwarder", "secondary_forwarder"),
            ("SignedWithNSEC3", "signed_with_nsec3"),
            ("SignedWithNSEC", "signed_with_nsec"),
            ("Udp", "udp"),
            ("DhcpServer", "dhcp_server"),
            ("Dynamic", "dynamic"),
        ] {
            assert_eq!(snake_case(input), want);
        }
    }

    /// Each option's help text default, given explicitly, yields the real default settings:
    /// the help cannot lie about a default.
    #[test]
    fn help_defaults_are_the_real_defaults() {
        for c in REGISTRY {
            let spec = c.spec();
            let default = format!("{:?}", c.default_settings());
            let none = c.settings(&OptionValues::none()).map(|s| format!("{s:?}"));
            assert_eq!(none.as_ref(), Ok(&default), "{}: no values", spec.name);
            for opt in spec.options.iter().filter(|o| !o.default.is_empty()) {
                let mut values = BTreeMap::new();
                values.insert(opt.key, Given::one(opt.default, "test"));
                let given = c
                    .settings(&OptionValues::new(&values))
                    .map(|s| format!("{s:?}"));
                assert_eq!(given, Ok(default.clone()), "{}.{}", spec.name, opt.key);
            }
        }
    }

    #[test]
    fn names_are_unique_and_flag_safe() {
        let mut names: Vec<&str> = specs().map(|s| s.name).collect();
        names.push(SESSION.name);
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), before);
        for spec in specs() {
            assert!(
                spec.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
            for o in spec.options {
                assert!(o.key.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
                assert_ne!(o.key, "min-interval", "{}: reserved key", spec.name);
            }
        }
    }
}
