//! Snapshot → exposition text, for the demo data (40 zones) and for 1k, 10k and 100k zones with
//! per-zone series on (`zones.limit = 0`). The snapshot is fetched once from the built-in demo
//! server; only rendering is measured: time per render (criterion) and bytes allocated per
//! render (dhat, printed as `alloc render_text/N: ...` lines on stderr).
//!
//! `cargo bench --bench render`

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use technitium_exporter::collector::encode as render;
use technitium_exporter::exposition::ExpositionFormat;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn bench_render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_text");
    group.sample_size(10);
    for zones in common::ZONES {
        let snap = common::snapshot(zones);
        let bytes = render(&snap, ExpositionFormat::Text).len();
        eprintln!("{zones} zones: {bytes} bytes of exposition text");
        common::report(
            &format!("render_text/{zones}"),
            common::allocations(|| render(&snap, ExpositionFormat::Text)),
        );
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_with_input(BenchmarkId::from_parameter(zones), &snap, |b, s| {
            b.iter(|| render(s, ExpositionFormat::Text));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
