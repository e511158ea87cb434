//! Shared by the criterion benches: the demo server, a client for it, and allocation counting
//! with dhat (the crate forbids `unsafe`, so the counting allocator comes from a dev-dependency).
//!
//! Each bench binary installs `dhat::Alloc` as its global allocator. While no profiler runs it
//! only forwards to the system allocator, so timings are unaffected; [`allocations`] runs a
//! closure once under a profiler in testing mode (no file written) and reports what it
//! allocated.

#![allow(dead_code, clippy::expect_used)]

use std::time::Duration;

use technitium_exporter::collector::{Given, Options, Scraper, Snapshot};
use technitium_exporter::demo::{Demo, DemoVersion};
use technitium_exporter::technitium::{AuthMode, Client, ClientConfig};

/// Zone counts the benches use; 40 is `--demo`'s default.
pub const ZONES: [usize; 4] = [40, 1_000, 10_000, 100_000];

/// A 2-worker runtime, like `serve` on this 2-core machine.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Starts the demo server with `zones` zones on `rt`.
pub fn demo(rt: &tokio::runtime::Runtime, zones: usize) -> Demo {
    rt.block_on(technitium_exporter::demo::start(DemoVersion::V15_2, zones))
        .expect("demo server")
}

/// A collector for the demo with the default collectors; `zone_limit` 0 keeps every zone.
pub fn collector(demo: &Demo, zone_limit: usize) -> Scraper {
    let client = Client::new(&ClientConfig {
        url: demo.url.clone(),
        token: Some(demo.token.clone()),
        auth: AuthMode::Auto,
        timeout: Duration::from_secs(60),
        max_response_size: 512 * 1024 * 1024,
        ca_file: None,
        extra_ca_pem: None,
        insecure_skip_verify: false,
    })
    .expect("client");
    let mut options = Options::default();
    options
        .set_option(
            "zones",
            "limit",
            Given::one(zone_limit.to_string(), "bench"),
        )
        .expect("zones.limit");
    Scraper::new(client, options)
}

/// One snapshot with `zones` zones and per-zone series on (`zones.limit 0`).
pub fn snapshot(zones: usize) -> Snapshot {
    let rt = runtime();
    let demo = demo(&rt, zones);
    let collector = collector(&demo, 0);
    rt.block_on(collector.collect(deadline()))
}

/// A generous scrape deadline.
pub fn deadline() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(60)
}

/// What one run of a closure allocated.
#[derive(Debug, Clone, Copy)]
pub struct Allocated {
    /// Allocations made.
    pub blocks: u64,
    /// Bytes allocated in total.
    pub bytes: u64,
    /// Most bytes live at once (allocated during the run and not yet freed).
    pub peak: usize,
}

/// Runs `f` once under dhat and returns what it allocated.
pub fn allocations<T>(f: impl FnOnce() -> T) -> Allocated {
    let profiler = dhat::Profiler::builder().testing().build();
    let out = f();
    let stats = dhat::HeapStats::get();
    drop(out);
    drop(profiler);
    Allocated {
        blocks: stats.total_blocks,
        bytes: stats.total_bytes,
        peak: stats.max_bytes,
    }
}

/// Prints one line of the allocation report (stderr keeps criterion's stdout parseable).
pub fn report(what: &str, a: Allocated) {
    #[allow(clippy::cast_precision_loss)]
    let mib = |b: f64| b / (1024.0 * 1024.0);
    #[allow(clippy::cast_precision_loss)]
    {
        eprintln!(
            "alloc {what}: {} allocations, {:.2} MiB allocated, {:.2} MiB peak live",
            a.blocks,
            mib(a.bytes as f64),
            mib(a.peak as f64)
        );
    }
}
