//! Snapshot → exposition text, for the demo data and for 1k, 10k and 100k zones with per-zone
//! series on (`zones.limit = 0`). The snapshot is fetched once from the built-in demo server;
//! only rendering is measured.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use technitium_exporter::cli::DemoVersion;
use technitium_exporter::collector::{Collector, Options, Snapshot, ZoneFilter};
use technitium_exporter::render::exposition::Format;
use technitium_exporter::render::render;
use technitium_exporter::technitium::{AuthMode, Client, ClientConfig};

fn snapshot(zones: usize) -> Option<Snapshot> {
    let rt = tokio::runtime::Runtime::new().ok()?;
    rt.block_on(async {
        let demo = technitium_exporter::demo::start(DemoVersion::V15_2, zones)
            .await
            .ok()?;
        let client = Client::new(&ClientConfig {
            url: demo.url.clone(),
            token: Some(demo.token.clone()),
            auth: AuthMode::Auto,
            timeout: Duration::from_secs(60),
            max_response_size: 512 * 1024 * 1024,
            ca_file: None,
            insecure_skip_verify: false,
        })
        .ok()?;
        let options = Options {
            zones: ZoneFilter {
                limit: 0,
                ..ZoneFilter::default()
            },
            ..Options::default()
        };
        let collector = Collector::new(client, options);
        Some(
            collector
                .collect(tokio::time::Instant::now() + Duration::from_secs(60))
                .await,
        )
    })
}

fn bench_render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_text");
    group.sample_size(10);
    for zones in [40usize, 1_000, 10_000, 100_000] {
        let Some(snap) = snapshot(zones) else {
            eprintln!("could not build a snapshot with {zones} zones");
            continue;
        };
        let bytes = render(&snap, Format::Text).len();
        eprintln!("{zones} zones: {bytes} bytes of exposition text");
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_with_input(BenchmarkId::from_parameter(zones), &snap, |b, s| {
            b.iter(|| render(s, Format::Text));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
