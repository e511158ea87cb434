//! The collector contract: what a collector is ([`Collect`]), what it gets to fetch ([`Cx`]) and
//! to write ([`WriteCx`]), and what it may say about its data besides its families
//! ([`Warning`], [`Detail`]).
//!
//! Every collector file imports from here (and from [`spec`](mod@super::spec) for its
//! metadata); this file imports no collector, so the registry that lists them sits above it.

use std::any::Any;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use tokio::time::Instant;

use super::error::CollectError;
use super::shared::SharedCalls;
use super::spec::{OptionError, OptionValues, Spec};
use super::target::{SessionData, TargetInfo};
use crate::exposition::Encoder;
use crate::technitium::Client;

/// A collector: one file under `src/collector/`, one row in the registry
/// ([`super::registry`]).
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
    /// The default is for a collector without options: its settings are their `Default`. A
    /// collector that declares options implements it.
    ///
    /// # Errors
    /// A bad value, with its origin.
    fn settings(_values: &OptionValues<'_>) -> Result<Self::Settings, OptionError> {
        Ok(Self::Settings::default())
    }

    /// Fetches this scrape's data (the orchestrator bounds it by the scrape deadline).
    ///
    /// # Errors
    /// Why there is no data this scrape: a failed API call, DNS probes that cannot be sent, an
    /// answer the collector cannot use.
    fn fetch(cx: Cx<'_, Self>) -> impl Future<Output = Result<Self::Data, CollectError>> + Send;

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

    /// Before a single run (`scrape`, `textfile`): restores what the collector keeps between
    /// runs (the derived counters lock and read `--state.file`, or without one do not run);
    /// nothing for most.
    ///
    /// # Errors
    /// When the run must not go on: a state that exists but cannot be read, or that another run
    /// is using (the run then stops before collecting, so it never reports counters restarted).
    fn load_state(
        _state: &Self::State,
        _run: SingleRun<'_>,
    ) -> impl Future<Output = Result<(), StateError>> + Send {
        async { Ok(()) }
    }

    /// After a single run's collection, before its output is written: keeps what the next run
    /// continues from; nothing for most. Whatever `load_state` holds (a lock) is kept until the
    /// run ends, so the output is ordered with the state.
    ///
    /// # Errors
    /// When the state cannot be kept (the run then writes no output and fails).
    fn save_state(
        _state: &Self::State,
        _run: SingleRun<'_>,
    ) -> impl Future<Output = Result<(), StateError>> + Send {
        async { Ok(()) }
    }

    /// Before `check` collects: turns on what the collector verifies for `check` only (the
    /// derived counters compare the server's stored minutes with its chart at once); nothing
    /// for most.
    fn prepare_check(_state: &Self::State) {}

    /// In `serve` only, whenever a target's (or a cluster node's) scraper is made — at start,
    /// on a reload, at a node's first `/probe` — starts what the collector runs between scrapes
    /// (the `latency` collector's background queries), or with the collector off
    /// (`cx.settings` is `None`) stops it. What it starts belongs to `state`: it stops when the
    /// state is dropped (a reload that removes the target). Nothing for most.
    fn background(_state: &Self::State, _cx: BackgroundCx<'_, Self>) {}
}

/// What [`Collect::background`] gets.
#[derive(Debug)]
pub struct BackgroundCx<'a, C: Collect + ?Sized> {
    /// The collector's settings; `None` when it is off for this target.
    pub settings: Option<&'a C::Settings>,
    /// The target's API client (its log name, its server).
    pub client: &'a Client,
    /// The target's URL and TLS settings (for a cluster node, the node's own URL).
    pub target: &'a TargetInfo,
    /// The target's other collectors' settings.
    pub options: &'a dyn OtherSettings,
    /// Whether the scraper was made on demand, at the first `/probe` of a cluster node or of a
    /// module's URL target: what runs for it stops once it goes unscraped for a while.
    pub on_demand: bool,
}

impl<C: Collect + ?Sized> BackgroundCx<'_, C> {
    /// Collector `D`'s settings for this target.
    #[must_use]
    pub fn settings_of<D: Collect>(&self) -> Option<&D::Settings> {
        self.options
            .erased(D::SPEC.name)?
            .downcast_ref::<D::Settings>()
    }
}

/// A single run (`scrape`, `textfile`), for a collector that keeps state from one run to the
/// next ([`Collect::load_state`], [`Collect::save_state`]).
#[derive(Debug, Clone, Copy)]
pub struct SingleRun<'a> {
    /// `--state.file`, when given: where the state is kept between runs.
    pub state_file: Option<&'a Path>,
    /// The server, as people see it (its base URL): a state kept for another is not continued.
    pub server: &'a str,
    /// How long the run's collection may take (`--technitium.timeout`): a run waiting for
    /// another one that uses the same state waits a little longer than this, then gives up.
    pub timeout: Duration,
}

/// Why a single run cannot keep a collector's state between runs
/// ([`Collect::load_state`], [`Collect::save_state`]): the run stops with this message.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The state's place can never work (`--state.file` on something that is not a regular
    /// file): a usage error, exit 2.
    #[error("{0}")]
    Usage(Box<dyn std::error::Error + Send + Sync>),
    /// This run cannot read, lock or keep the state: exit 1.
    #[error("{0}")]
    Failed(Box<dyn std::error::Error + Send + Sync>),
}

/// What [`Collect::fetch`] gets.
#[derive(Debug)]
pub struct Cx<'a, C: Collect + ?Sized> {
    /// The target's API client.
    pub client: &'a Client,
    /// The session's facts (`None` only for
    /// [`Requires::Nothing`](super::spec::Requires::Nothing) collectors when session/get
    /// failed).
    pub session: Option<&'a SessionData>,
    /// The collector's settings.
    pub settings: &'a C::Settings,
    /// The collector's state for this target.
    pub state: &'a C::State,
    /// When the scrape ends.
    pub deadline: Instant,
    /// Calls shared with other collectors in this scrape.
    pub shared: &'a SharedCalls<'a>,
    /// The target's URL and TLS settings.
    pub target: &'a TargetInfo,
    /// The target's other collectors' settings (`top` follows `dashboard`'s windows): read
    /// them with [`Cx::settings_of`].
    pub options: &'a dyn OtherSettings,
}

impl<C: Collect + ?Sized> Cx<'_, C> {
    /// Collector `D`'s settings for this target.
    #[must_use]
    pub fn settings_of<D: Collect>(&self) -> Option<&D::Settings> {
        self.options
            .erased(D::SPEC.name)?
            .downcast_ref::<D::Settings>()
    }
}

/// The settings of every collector of a target, type-erased, by collector name: what a
/// collector sees of the others' (the per-target options implement it).
pub trait OtherSettings: std::fmt::Debug + Send + Sync {
    /// The settings of collector `name`, when there is one.
    fn erased(&self, name: &str) -> Option<&(dyn Any + Send + Sync)>;

    /// Whether collector `name` is on and fetches every scrape (no minimum interval): a call
    /// it makes can then be shared through [`SharedCalls`] without costing one more.
    fn fetches_every_scrape(&self, name: &str) -> bool;
}

/// What [`Collect::write`] gets.
#[derive(Debug, Clone, Copy)]
pub struct WriteCx<'a> {
    /// The session's facts, when session/get worked.
    pub session: Option<&'a SessionData>,
}

/// Something a collector wants people to know about data it did get (zones truncated by the
/// limit, say): logged once per change, shown by `check` and `scrape --table` as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What kind of warning (`truncated`, `mismatch`): it is logged again only when this changes.
    pub key: &'static str,
    /// What is going on.
    pub detail: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// One thing a collector checked, for `check`'s table and JSON: a DNS transport, a forwarder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    /// A stable id (`dns_udp`, `forwarder`).
    pub id: String,
    /// A title for people (`DNS over UDP`, `forwarder 9.9.9.9`).
    pub title: String,
    /// The verdict.
    pub status: DetailStatus,
    /// What was seen.
    pub detail: String,
    /// What to do, when something is wrong.
    pub hint: Option<String>,
}

/// The verdict of a [`Detail`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailStatus {
    /// Works.
    Ok,
    /// Works, but needs attention.
    Warning,
    /// Does not work: `check` reports the target degraded.
    Failed,
}
