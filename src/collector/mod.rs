//! Collectors: fetch a [`Snapshot`] of one target concurrently, then turn it into metric
//! families with a pure, synchronous function ([`write_families`]).
//!
//! # The contract
//! A collector is one file in this directory: a unit struct implementing [`Collect`] — its
//! [`Spec`] (name, default, permission sections, when it applies, the endpoints it calls, its
//! options), how it parses its options into typed settings, how it fetches its data and how it
//! writes its families — plus one row in the `collectors!` list below, which declares its
//! module and puts it in the `REGISTRY`. The command line, the config file, the permission
//! check, `check`'s rows and the `collector` label all come from that row. CONTRIBUTING.md walks
//! through adding one.
//!
//! # Layout
//! Imports point down this list. This file declares the modules, re-exports, and holds the
//! registry list (the collectors below it, what runs them above it); the collectors import the
//! contract from its own files, never from here:
//! - [`scraper`]: the per-target orchestrator ([`Scraper`]);
//! - [`families`]: snapshot → families; `session`: the session's own families;
//! - [`progress`]: a collection in flight, for `serve`'s coalescing;
//! - [`snapshot`]: what one scrape fetched;
//! - [`options`]: each collector's switch, interval and settings for a target;
//! - [`registry`]: the session's spec and the lookups over `REGISTRY`;
//! - this file's `REGISTRY`: every collector in output order; `erased`: the contract,
//!   type-erased;
//! - the collectors, one file (or folder) each;
//! - [`contract`]: what a collector implements and gets; [`spec`](mod@spec): what it declares;
//!   [`samples`], [`probe_log`]: helpers collectors write and log with;
//! - [`shared`]: calls shared within a scrape; [`target`]: the target's facts; [`node`]: a
//!   cluster node's session.

pub mod contract;
mod erased;
pub mod error;
pub mod families;
pub mod node;
pub mod options;
pub mod probe_log;
pub mod progress;
pub mod registry;
pub mod samples;
pub mod scraper;
mod session;
pub mod shared;
pub mod snapshot;
pub mod spec;
pub mod target;

/// Declares each collector's module and lists the collectors, in output order, as
/// `REGISTRY`: a collector is its file and one row here.
macro_rules! collectors {
    ($($module:ident :: $collector:ident,)*) => {
        $(pub mod $module;)*

        /// Every switchable collector, in output order.
        pub(crate) static REGISTRY: &[&dyn erased::DynCollect] = &[
            $(&erased::Erased::<$module::$collector>(std::marker::PhantomData),)*
        ];
    };
}

// The collectors, one row each, in output order.
collectors! {
    lifetime::Lifetime,
    dashboard::Dashboard,
    counters::DerivedCounters,
    zones::Zones,
    dhcp::Dhcp,
    cluster::Cluster,
    health::Health,
    security::Security,
    top::Top,
    settings::ServerSettings,
    update::Update,
    dns::Dns,
    forwarders::Forwarders,
    latency::Latency,
}

pub use contract::{
    BackgroundCx, Collect, Cx, Detail, DetailStatus, SingleRun, StateError, Warning, WriteCx,
};
pub use error::CollectError;
pub use families::{
    encode, encoder_for, estimated_size, may_exceed, series_per_collector, write_families,
    write_families_waited,
};
pub use node::{
    MAX_NODES, NodeList, NodeScope, NodeSession, Reach, kept_nodes, listed_nodes, node_list,
};
pub use options::Options;
pub use progress::{Deadline, DeadlineSetter, Progress};
pub use registry::{SESSION, spec, specs};
pub use samples::{snake_case, snake_case_into};
pub use scraper::Scraper;
pub use shared::{SharedCalls, lock};
pub use snapshot::{CollectorReport, Outcome, Part, Snapshot};
pub use spec::{Given, OptKind, OptSpec, OptionError, OptionValues, Requires, Spec};
pub use target::{SessionData, TargetInfo};
