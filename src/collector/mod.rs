//! Collectors: fetch a [`Snapshot`] of one target concurrently, then turn it into metric
//! families with a pure, synchronous function ([`write_families`]).
//!
//! Nothing here keeps metric values between scrapes: every scrape fetches fresh data and builds
//! fresh families. The only state across scrapes is [`Collector::warned`], which remembers each
//! collector's last outcome so a failing collector logs one warning per change, not one per
//! scrape.

mod cluster;
pub mod counters;
mod dashboard;
mod dhcp;
mod lifetime;
mod session;
mod settings;
mod top;
mod zones;

use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::render::exposition::{Encoder, Kind};
use crate::technitium::types::{
    Counters, DashboardStats, DhcpLeases, DhcpScopes, SessionInfo, Settings, TopStats, UpdateCheck,
    Zone, parse_version,
};
use crate::technitium::{ApiError, Client, Window};

pub use zones::{ZoneFilter, zone_label as zones_label};

/// A collector's name, as in `--collector.NAME` and the `collector` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CollectorName {
    /// `session/get`: up, version, permissions. Always on.
    Session,
    /// v15+ lifetime counters.
    Lifetime,
    /// Dashboard window gauges and live gauges.
    Dashboard,
    /// Per-zone health.
    Zones,
    /// DHCP scopes and leases.
    Dhcp,
    /// Cluster nodes (from the session; no extra call).
    Cluster,
    /// Top clients and domains (opt-in).
    Top,
    /// Blocking settings (opt-in; the endpoint returns secrets we never keep).
    Settings,
    /// Update availability (opt-in; makes the server call out).
    Update,
}

impl CollectorName {
    /// Every collector that can be switched, in output order.
    pub const OPTIONAL: [Self; 8] = [
        Self::Lifetime,
        Self::Dashboard,
        Self::Zones,
        Self::Dhcp,
        Self::Cluster,
        Self::Top,
        Self::Settings,
        Self::Update,
    ];

    /// The label value and flag name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Session => "session",
            Self::Lifetime => "lifetime",
            Self::Dashboard => "dashboard",
            Self::Zones => "zones",
            Self::Dhcp => "dhcp",
            Self::Cluster => "cluster",
            Self::Top => "top",
            Self::Settings => "settings",
            Self::Update => "update",
        }
    }

    /// Whether the collector is on unless switched off.
    #[must_use]
    pub fn default_enabled(self) -> bool {
        !matches!(self, Self::Top | Self::Settings | Self::Update)
    }

    /// The permission section whose View right the collector needs.
    #[must_use]
    pub fn section(self) -> Option<&'static str> {
        match self {
            Self::Lifetime | Self::Dashboard | Self::Top => Some("Dashboard"),
            Self::Zones => Some("Zones"),
            Self::Dhcp => Some("DhcpServer"),
            Self::Settings => Some("Settings"),
            Self::Session | Self::Cluster | Self::Update => None,
        }
    }
}

impl fmt::Display for CollectorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to collect and how much.
#[derive(Debug, Clone)]
pub struct Options {
    /// Enabled optional collectors.
    pub enabled: Vec<CollectorName>,
    /// Dashboard (and top) windows.
    pub windows: Vec<Window>,
    /// Rows per top list.
    pub top_limit: usize,
    /// Ask the server for client names in top lists (slow: reverse lookups).
    pub top_reverse_lookup: bool,
    /// Zone include/exclude filters and the per-zone series limit.
    pub zones: ZoneFilter,
    /// Collectors whose data may be reused while younger than this (`--collector.NAME.min-interval`).
    pub min_interval: BTreeMap<CollectorName, Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            enabled: CollectorName::OPTIONAL
                .into_iter()
                .filter(|c| c.default_enabled())
                .collect(),
            windows: vec![Window::LastHour],
            top_limit: 10,
            top_reverse_lookup: false,
            zones: ZoneFilter::default(),
            min_interval: BTreeMap::new(),
        }
    }
}

impl Options {
    /// Whether an optional collector is on.
    #[must_use]
    pub fn is_enabled(&self, name: CollectorName) -> bool {
        name == CollectorName::Session || self.enabled.contains(&name)
    }
}

/// How one collector ended in this scrape.
#[derive(Debug)]
pub enum Outcome {
    /// Every call worked.
    Success,
    /// A call failed (the first error is kept).
    Failed(ApiError),
    /// The scrape deadline cut it off.
    DeadlineExceeded,
    /// The token lacks View on this section; not called.
    NoPermission(&'static str),
    /// Does not apply to this server (lifetime before v15, cluster before v14 or not set up).
    NotApplicable,
}

impl Outcome {
    /// Value of `technitium_scrape_collector_success`; `None` when no series is emitted.
    #[must_use]
    pub fn success_value(&self) -> Option<f64> {
        match self {
            Self::Success => Some(1.0),
            Self::NotApplicable => None,
            _ => Some(0.0),
        }
    }

    /// A one-line description for people.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Success => "ok".to_owned(),
            Self::Failed(e) => e.to_string(),
            Self::DeadlineExceeded => "cut off by the scrape deadline".to_owned(),
            Self::NoPermission(section) => format!("token lacks {section}: View"),
            Self::NotApplicable => "not applicable to this server".to_owned(),
        }
    }
}

/// One collector's result in a scrape.
#[derive(Debug)]
pub struct Report {
    /// Which collector.
    pub name: CollectorName,
    /// How it ended.
    pub outcome: Outcome,
    /// How long it took.
    pub duration: Duration,
    /// Age of the reused data when the collector's minimum interval had not passed.
    pub cached: Option<Duration>,
}

/// Zones after filtering.
#[derive(Debug, Default)]
pub struct ZonesData {
    /// Zones that passed the filters (empty when truncated).
    pub zones: Vec<Zone>,
    /// Zones left after filtering, before the limit.
    pub matched: usize,
    /// The limit was exceeded: every per-zone family is dropped.
    pub truncated: bool,
}

/// DHCP scopes and their leases.
#[derive(Debug, Default)]
pub struct DhcpData {
    /// Scopes.
    pub scopes: DhcpScopes,
    /// Leases of all scopes.
    pub leases: DhcpLeases,
}

/// The three top lists of one window.
#[derive(Debug, Default)]
pub struct TopData {
    /// Top clients.
    pub clients: TopStats,
    /// Top domains.
    pub domains: TopStats,
    /// Top blocked domains.
    pub blocked: TopStats,
}

/// The server facts from `session/get`.
#[derive(Debug)]
pub struct SessionData {
    /// `info` of session/get.
    pub info: SessionInfo,
    /// Parsed `(major, minor)` version, when it parses.
    pub version: Option<(u32, u32)>,
}

impl SessionData {
    /// Whether the server is at least `major`.
    #[must_use]
    pub fn at_least(&self, major: u32) -> bool {
        self.version.is_some_and(|(m, _)| m >= major)
    }
}

/// Everything one scrape fetched: plain data, rendered by [`write_families`].
#[derive(Debug)]
pub struct Snapshot {
    /// Session facts, or why the server is down for us.
    pub session: Result<SessionData, ApiError>,
    /// v15+ lifetime counters.
    pub lifetime: Option<Arc<Counters>>,
    /// Dashboard stats per window.
    pub dashboard: Arc<Vec<(Window, DashboardStats)>>,
    /// Zones.
    pub zones: Option<Arc<ZonesData>>,
    /// DHCP.
    pub dhcp: Option<Arc<DhcpData>>,
    /// Top lists per window.
    pub top: Arc<Vec<(Window, TopData)>>,
    /// Blocking settings.
    pub settings: Option<Arc<Settings>>,
    /// Update check.
    pub update: Option<Arc<UpdateCheck>>,
    /// One report per collector that was considered.
    pub reports: Vec<Report>,
    /// Whole fetch time.
    pub duration: Duration,
    /// Age of the oldest cached part, when a collector has a minimum interval (0 when every
    /// part was fetched for this scrape); `None` when no collector has one.
    pub cache_age: Option<Duration>,
}

impl Snapshot {
    /// A snapshot of a scrape that failed before any collector ran.
    #[must_use]
    pub fn failed(error: ApiError, duration: Duration) -> Self {
        let report = Report {
            name: CollectorName::Session,
            outcome: Outcome::Failed(error.clone()),
            duration,
            cached: None,
        };
        let mut snapshot = Self::new(Err(error), report);
        snapshot.duration = duration;
        snapshot
    }

    /// A snapshot with the session's result and no collector data yet.
    fn new(session: Result<SessionData, ApiError>, session_report: Report) -> Self {
        Self {
            session,
            lifetime: None,
            dashboard: Arc::default(),
            zones: None,
            dhcp: None,
            top: Arc::default(),
            settings: None,
            update: None,
            reports: vec![session_report],
            duration: Duration::ZERO,
            cache_age: None,
        }
    }

    /// `technitium_up`.
    #[must_use]
    pub fn up(&self) -> bool {
        self.session.is_ok()
    }

    /// The report of one collector, if it ran or was considered.
    #[must_use]
    pub fn report(&self, name: CollectorName) -> Option<&Report> {
        self.reports.iter().find(|r| r.name == name)
    }
}

/// Fetches snapshots of one target and keeps only the log de-duplication state.
#[derive(Debug)]
pub struct Collector {
    client: Client,
    options: Options,
    warned: Mutex<HashMap<CollectorName, bool>>,
    /// Last successful data of collectors with a minimum interval, with when it was fetched.
    cache: Mutex<HashMap<CollectorName, Cached>>,
}

/// A collector's data kept for its minimum interval, with when it was fetched.
type Cached = (Instant, Arc<dyn Any + Send + Sync>);

/// What to do with a collector this scrape.
enum Plan {
    Skip,
    NotApplicable,
    NoPermission(&'static str),
    Run,
}

impl Collector {
    /// A collector over a client.
    #[must_use]
    pub fn new(client: Client, options: Options) -> Self {
        Self {
            client,
            options,
            warned: Mutex::new(HashMap::new()),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The client.
    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The options.
    #[must_use]
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Fetches one snapshot; every collector is cut off at `deadline`.
    pub async fn collect(&self, deadline: Instant) -> Snapshot {
        let started = Instant::now();
        let session = match tokio::time::timeout_at(deadline, self.client.session()).await {
            Ok(result) => result,
            Err(_) => Err(ApiError::Timeout {
                server: self.client.server().to_owned(),
                endpoint: crate::technitium::Endpoint::SessionGet.path(),
                timeout: deadline.saturating_duration_since(started),
            }),
        };
        let session = session.map(|info| SessionData {
            version: parse_version(&info.version),
            info,
        });
        let session_report = Report {
            cached: None,
            name: CollectorName::Session,
            outcome: match &session {
                Ok(_) => Outcome::Success,
                Err(e) => Outcome::Failed(e.clone()),
            },
            duration: started.elapsed(),
        };
        let mut snapshot = Snapshot::new(session, session_report);
        let mut oldest = Duration::ZERO;
        if let Ok(session) = &snapshot.session {
            let c = &self.client;
            let o = &self.options;
            let v14 = session.at_least(14);
            let (lifetime, dashboard, zones, dhcp, top, settings, update) = tokio::join!(
                self.run(CollectorName::Lifetime, session, deadline, || {
                    lifetime::fetch(c)
                }),
                self.run(CollectorName::Dashboard, session, deadline, || {
                    dashboard::fetch(c, &o.windows, v14)
                }),
                self.run(CollectorName::Zones, session, deadline, || zones::fetch(
                    c, &o.zones
                )),
                self.run(CollectorName::Dhcp, session, deadline, || dhcp::fetch(c)),
                self.run(CollectorName::Top, session, deadline, || top::fetch(c, o)),
                self.run(CollectorName::Settings, session, deadline, || {
                    settings::fetch_settings(c)
                }),
                self.run(CollectorName::Update, session, deadline, || {
                    settings::fetch_update(c)
                }),
            );
            let cluster = self
                .run(CollectorName::Cluster, session, deadline, || async {
                    Ok(())
                })
                .await;
            snapshot.lifetime = lifetime.0;
            snapshot.dashboard = dashboard.0.unwrap_or_default();
            snapshot.zones = zones.0;
            snapshot.dhcp = dhcp.0;
            snapshot.top = top.0.unwrap_or_default();
            snapshot.settings = settings.0;
            snapshot.update = update.0;
            let reports = [
                lifetime.1,
                dashboard.1,
                zones.1,
                dhcp.1,
                cluster.1,
                top.1,
                settings.1,
                update.1,
            ];
            for report in reports.iter().flatten() {
                if let Some(age) = report.cached {
                    oldest = oldest.max(age);
                }
            }
            snapshot.reports.extend(reports.into_iter().flatten());
        }
        if !self.options.min_interval.is_empty() {
            snapshot.cache_age = Some(oldest);
        }
        self.log_changes(&snapshot);
        snapshot.duration = started.elapsed();
        snapshot
    }

    fn plan(&self, name: CollectorName, session: &SessionData) -> Plan {
        if !self.options.is_enabled(name) {
            return Plan::Skip;
        }
        let applicable = match name {
            CollectorName::Lifetime => session.at_least(15),
            CollectorName::Cluster => {
                session.at_least(14) && session.info.cluster_initialized == Some(true)
            }
            _ => true,
        };
        if !applicable {
            return Plan::NotApplicable;
        }
        if let Some(section) = name.section() {
            let granted = session
                .info
                .permissions
                .get(section)
                .is_some_and(|p| p.can_view);
            if !granted {
                return Plan::NoPermission(section);
            }
        }
        Plan::Run
    }

    async fn run<T, F, Fut>(
        &self,
        name: CollectorName,
        session: &SessionData,
        deadline: Instant,
        fetch: F,
    ) -> (Option<Arc<T>>, Option<Report>)
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let started = Instant::now();
        let report = |outcome, cached| Report {
            name,
            outcome,
            duration: started.elapsed(),
            cached,
        };
        match self.plan(name, session) {
            Plan::Skip => return (None, None),
            Plan::NotApplicable => return (None, Some(report(Outcome::NotApplicable, None))),
            Plan::NoPermission(section) => {
                return (None, Some(report(Outcome::NoPermission(section), None)));
            }
            Plan::Run => {}
        }
        let interval = self
            .options
            .min_interval
            .get(&name)
            .copied()
            .unwrap_or_default();
        if let Some((age, data)) = self.cached::<T>(name, interval) {
            return (Some(data), Some(report(Outcome::Success, Some(age))));
        }
        match tokio::time::timeout_at(deadline, fetch()).await {
            Ok(Ok(data)) => {
                let data = Arc::new(data);
                if !interval.is_zero()
                    && let Ok(mut cache) = self.cache.lock()
                {
                    let shared: Arc<dyn Any + Send + Sync> = Arc::clone(&data) as _;
                    cache.insert(name, (Instant::now(), shared));
                }
                (
                    Some(data),
                    Some(report(
                        Outcome::Success,
                        Some(Duration::ZERO).filter(|_| !interval.is_zero()),
                    )),
                )
            }
            Ok(Err(e)) => (None, Some(report(Outcome::Failed(e), None))),
            Err(_) => (None, Some(report(Outcome::DeadlineExceeded, None))),
        }
    }

    /// Data of `name` fetched less than `interval` ago, with its age.
    fn cached<T: Send + Sync + 'static>(
        &self,
        name: CollectorName,
        interval: Duration,
    ) -> Option<(Duration, Arc<T>)> {
        if interval.is_zero() {
            return None;
        }
        let cache = self.cache.lock().ok()?;
        let (at, data) = cache.get(&name)?;
        let age = at.elapsed();
        if age >= interval {
            return None;
        }
        Arc::clone(data).downcast::<T>().ok().map(|d| (age, d))
    }

    /// Logs a collector's failure once when it starts failing and once when it recovers.
    fn log_changes(&self, snapshot: &Snapshot) {
        let Ok(mut warned) = self.warned.lock() else {
            return;
        };
        for report in &snapshot.reports {
            let failing = report.outcome.success_value() == Some(0.0);
            let was_failing = warned.insert(report.name, failing).unwrap_or(false);
            if failing && !was_failing {
                let hint = match (&report.outcome, report.name) {
                    (Outcome::NoPermission(_), name) => format!(
                        "; grant it under Administration → Groups, or pass --no-collector.{name}"
                    ),
                    _ => String::new(),
                };
                if report.name == CollectorName::Session {
                    tracing::warn!(server = %self.client.server(), "technitium_up 0: {}", report.outcome.describe());
                } else {
                    tracing::warn!(
                        server = %self.client.server(),
                        collector = %report.name,
                        "collector failed: {}{hint}",
                        report.outcome.describe()
                    );
                }
            } else if !failing && was_failing {
                tracing::info!(server = %self.client.server(), collector = %report.name, "collector recovered");
            }
        }
        if let Some(z) = &snapshot.zones {
            let was = warned
                .insert(CollectorName::Zones, z.truncated)
                .unwrap_or(false);
            if z.truncated && !was {
                tracing::warn!(
                    server = %self.client.server(),
                    zones = z.matched,
                    limit = self.options.zones.limit,
                    "more zones than --collector.zones.limit: per-zone series dropped (technitium_zones_truncated 1); narrow --collector.zones.include/exclude or raise the limit"
                );
            }
        }
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
    if let Ok(session) = &snapshot.session {
        lifetime::write(snapshot, session, enc);
        dashboard::write(snapshot, enc);
        zones::write(snapshot, enc);
        dhcp::write(snapshot, enc);
        cluster::write(snapshot, session, enc);
        top::write(snapshot, enc);
        settings::write(snapshot, enc);
    }
    write_scrape_meta(snapshot, waited, enc);
}

/// How many series each collector contributes to `snapshot`'s exposition (for `check`): each
/// collector's families are rendered into a scratch encoder and counted. The scrape's own
/// `technitium_scrape_*` gauges belong to no collector and are not counted.
#[must_use]
pub fn series_per_collector(snapshot: &Snapshot) -> Vec<(CollectorName, usize)> {
    fn count(write: impl FnOnce(&mut Encoder)) -> usize {
        let mut enc = Encoder::new(crate::render::exposition::Format::Text);
        write(&mut enc);
        enc.samples()
    }
    let Ok(session) = &snapshot.session else {
        return vec![(
            CollectorName::Session,
            count(|e| session::write(snapshot, e)),
        )];
    };
    // settings::write renders both opt-in collectors; `update` is its one gauge.
    let update = usize::from(snapshot.update.is_some());
    vec![
        (
            CollectorName::Session,
            count(|e| session::write(snapshot, e)),
        ),
        (
            CollectorName::Lifetime,
            count(|e| lifetime::write(snapshot, session, e)),
        ),
        (
            CollectorName::Dashboard,
            count(|e| dashboard::write(snapshot, e)),
        ),
        (CollectorName::Zones, count(|e| zones::write(snapshot, e))),
        (CollectorName::Dhcp, count(|e| dhcp::write(snapshot, e))),
        (
            CollectorName::Cluster,
            count(|e| cluster::write(snapshot, session, e)),
        ),
        (CollectorName::Top, count(|e| top::write(snapshot, e))),
        (
            CollectorName::Settings,
            count(|e| settings::write(snapshot, e)).saturating_sub(update),
        ),
        (CollectorName::Update, update),
    ]
}

fn write_scrape_meta(snapshot: &Snapshot, duration: Duration, enc: &mut Encoder) {
    enc.family(
        "technitium_scrape_collector_success",
        Kind::Gauge,
        "Whether a collector's API calls all succeeded in this scrape (1) or not (0).",
    );
    for r in &snapshot.reports {
        if let Some(v) = r.outcome.success_value() {
            enc.sample(&[("collector", r.name.as_str())], v);
        }
    }
    enc.family(
        "technitium_scrape_collector_duration_seconds",
        Kind::Gauge,
        "Time a collector spent on its API calls in this scrape.",
    );
    for r in &snapshot.reports {
        if r.outcome.success_value().is_some() {
            enc.sample(&[("collector", r.name.as_str())], r.duration.as_secs_f64());
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
    use super::snake_case;

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
}
