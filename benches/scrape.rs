//! The whole collect + render path of one scrape against the in-process demo server: the
//! session call, the concurrent collector calls over loopback HTTP, JSON decoding, filtering and
//! rendering to exposition text. At the default size (40 zones, default collectors, default
//! zone limit) and at 100 000 zones with per-zone series on (`zones.limit = 0`).
//!
//! The demo server runs in the same process and runtime, so its work (routing, serializing the
//! answers) is in these figures too; benches/load.sh measures the exporter process alone.
//! Allocation lines (`alloc scrape/N: ...`, stderr) count both sides as well.
//!
//! `cargo bench --bench scrape`

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use technitium_exporter::collector::encode as render;
use technitium_exporter::exposition::ExpositionFormat;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn bench_scrape(c: &mut Criterion) {
    let mut group = c.benchmark_group("collect_render");
    group.sample_size(10);
    let rt = common::runtime();
    for (zones, limit) in [(40usize, 10_000usize), (100_000, 0)] {
        let demo = common::demo(&rt, zones);
        let collector = common::collector(&demo, limit);
        let scrape = || {
            rt.block_on(async {
                let snapshot = collector.collect(common::deadline()).await;
                render(&snapshot, ExpositionFormat::Text)
            })
        };
        // Warm up the connection pool and the auth probe before counting.
        let text = scrape();
        assert!(
            text.contains("technitium_up 1"),
            "the demo scrape did not succeed"
        );
        common::report(&format!("scrape/{zones}"), common::allocations(scrape));
        group.bench_function(BenchmarkId::from_parameter(zones), |b| b.iter(scrape));
    }
    group.finish();
}

criterion_group!(benches, bench_scrape);
criterion_main!(benches);
