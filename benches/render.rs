//! Snapshot → exposition, for the demo data (40 zones) and for 1k, 10k and 100k zones with
//! per-zone series on (`zones.limit = 0`), in the text format 0.0.4 and in the delimited
//! protobuf format. The snapshot is fetched once from the built-in demo server; only rendering
//! is measured: time per render (criterion) and bytes allocated per render (dhat, printed as
//! `alloc render_text/N: ...` and `alloc render_protobuf/N: ...` lines on stderr).
//!
//! `cargo bench --bench render`

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use technitium_exporter::collector::{Snapshot, encoder_for, write_families};
use technitium_exporter::exposition::ExpositionFormat;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// One whole render, as `scrape` (text) or a small `serve` answer does it.
fn render(snapshot: &Snapshot, format: ExpositionFormat) -> Vec<u8> {
    let mut enc = encoder_for(snapshot, format);
    write_families(snapshot, &mut enc);
    enc.finish_bytes()
}

fn bench_render(c: &mut Criterion) {
    let snapshots: Vec<(usize, Snapshot)> = common::ZONES
        .iter()
        .map(|z| (*z, common::snapshot(*z)))
        .collect();
    for (name, format) in [
        ("render_text", ExpositionFormat::Text),
        ("render_protobuf", ExpositionFormat::Protobuf),
    ] {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        for (zones, snap) in &snapshots {
            let bytes = render(snap, format).len();
            eprintln!("{name}: {zones} zones: {bytes} bytes of exposition");
            common::report(
                &format!("{name}/{zones}"),
                common::allocations(|| render(snap, format)),
            );
            group.throughput(Throughput::Bytes(bytes as u64));
            group.bench_with_input(BenchmarkId::from_parameter(zones), snap, |b, s| {
                b.iter(|| render(s, format));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
