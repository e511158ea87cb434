//! What the derived counters add to a scrape: exporter CPU per scrape of the engine (criterion)
//! and upstream calls per minute (counted on a simulated 15 s timeline, printed on stderr).
//!
//! - `counters/idle`: a scrape where no minute became final (3 of 4 at a 15 s interval): read
//!   the shared `LastHour` chart, plan, render the counters.
//! - `counters/minute`: a scrape where one minute became final: the same plus parsing the
//!   1-minute `type=Custom` body and applying it.
//! - `counters/catch_up_121`: a 2-hour catch-up (121 minutes in one `Custom` body).
//! - `counters/last_hour_parse`: parsing the `LastHour` body with the main chart (what every
//!   scrape now parses) against the same body without it (what the dashboard parsed before).
//!
//! Bodies come from the built-in demo (v14.3 shapes). `cargo bench --bench counters`

#![allow(clippy::expect_used)]

mod common;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use technitium_exporter::collector::counters::{
    self, AnchorReason, CountStep, CountersData, CustomAnswer, Engine, Minutes,
};
use technitium_exporter::demo::DemoVersion;
use technitium_exporter::exposition::{Encoder, ExpositionFormat};
use technitium_exporter::technitium::types::{ChartData, DashboardStats, Envelope, Stats};
use technitium_exporter::technitium::{AuthMode, Client, ClientConfig, CustomRange, Window};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// `DashboardStats` as it was before the counters: no main chart.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct WithoutChart {
    stats: Stats,
    query_type_chart_data: Option<ChartData>,
    protocol_type_chart_data: Option<ChartData>,
}

struct Bodies {
    last_hour: Vec<u8>,
    minute: Vec<u8>,
    two_hours: Vec<u8>,
    newest_final: i64,
}

fn bodies() -> Bodies {
    let rt = common::runtime();
    let demo = rt
        .block_on(technitium_exporter::demo::start(DemoVersion::V14_3, 40))
        .expect("demo");
    let client = Client::new(&ClientConfig {
        url: demo.url.clone(),
        token: Some(demo.token.clone()),
        auth: AuthMode::Query,
        timeout: std::time::Duration::from_secs(10),
        max_response_size: 64 * 1024 * 1024,
        ca_file: None,
        extra_ca_pem: None,
        insecure_skip_verify: false,
    })
    .expect("client");
    let wrap = |s: &DashboardStats| {
        serde_json::to_vec(&Envelope {
            status: "ok".to_owned(),
            error_message: None,
            inner_error_message: None,
            response: Some(s),
            server: Some("dns1.demo.lan".to_owned()),
        })
        .expect("json")
    };
    rt.block_on(async {
        let lh = client
            .stats(Window::LastHour, true)
            .await
            .expect("last hour");
        let minutes =
            Minutes::from_chart(lh.main_chart_data.as_ref().expect("chart")).expect("chart");
        let f = minutes.newest_final().expect("final");
        let range = |start| CustomRange::new(start, f, f).expect("range");
        let one = client.stats_custom(range(f), true).await.expect("custom");
        let two = client
            .stats_custom(range(f - 7200), true)
            .await
            .expect("custom");
        Bodies {
            last_hour: wrap(&lh),
            minute: wrap(&one),
            two_hours: wrap(&two),
            newest_final: f,
        }
    })
}

fn parse(body: &[u8]) -> DashboardStats {
    serde_json::from_slice::<Envelope<DashboardStats>>(body)
        .expect("parse")
        .response
        .expect("payload")
}

fn render(data: &CountersData) -> usize {
    let mut enc = Encoder::new(ExpositionFormat::Text);
    counters::write(data, &mut enc);
    enc.finish().len()
}

/// One scrape of the engine over already-parsed answers: what the collector adds.
fn scrape(engine: &mut Engine, last_hour: &DashboardStats, custom: Option<&[u8]>) -> usize {
    let lh = Minutes::from_chart(last_hour.main_chart_data.as_ref().expect("chart")).expect("lh");
    let step = engine.plan(&lh, Some("dns1.demo.lan"));
    if let CountStep::Fetch(range) = &step {
        let answer = parse(custom.expect("a custom body"));
        let custom = CustomAnswer {
            minutes: Minutes::from_chart(answer.main_chart_data.as_ref().expect("chart"))
                .expect("custom"),
            query_types: answer.query_type_chart_data.as_ref(),
            protocols: answer.protocol_type_chart_data.as_ref(),
        };
        engine
            .apply(&lh, range, &custom, Some("dns1.demo.lan"))
            .expect("apply");
    }
    render(&CountersData {
        totals: engine.totals.clone(),
        watermark: engine.watermark,
        query_totals: true,
        warning: engine.warning.clone(),
        step,
        custom_call: custom.is_some(),
        verified: None,
        stale: None,
    })
}

fn anchored(at: i64) -> Engine {
    let mut e = Engine::default();
    e.anchor(at, AnchorReason::First, Some("dns1.demo.lan"));
    e
}

/// Calls per minute on a simulated 15 s timeline of one hour.
fn calls_per_minute() {
    let chart_at = |now: i64| {
        let newest = now.div_euclid(60) * 60;
        Minutes {
            first: newest - 59 * 60,
            rows: vec![counters::Minute::default(); 60],
        }
    };
    let mut engine = anchored(0);
    let (mut scrapes, mut customs) = (0u32, 0u32);
    let start = 1_778_414_400 + 20;
    engine.anchor(
        chart_at(start).newest_final().expect("final"),
        AnchorReason::First,
        None,
    );
    for i in 1..=240 {
        let lh = chart_at(start + 15 * i);
        scrapes += 1;
        if let CountStep::Fetch(range) = engine.plan(&lh, None) {
            customs += 1;
            let custom = CustomAnswer {
                minutes: Minutes {
                    first: range.start(),
                    rows: vec![
                        counters::Minute::default();
                        usize::try_from(range.minutes()).expect("minutes")
                    ],
                },
                query_types: None,
                protocols: None,
            };
            engine.apply(&lh, &range, &custom, None).expect("apply");
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let per_minute = |n: u32| f64::from(n) / 60.0;
    eprintln!(
        "calls per minute at a 15 s scrape interval: stats/get LastHour {:.2} (shared with the dashboard collector: 0 added), stats/get Custom {:.2}",
        per_minute(scrapes),
        per_minute(customs)
    );
}

fn bench_counters(c: &mut Criterion) {
    calls_per_minute();
    let b = bodies();
    let last_hour = parse(&b.last_hour);
    eprintln!(
        "bodies: LastHour {} bytes, Custom 1 minute {} bytes, Custom 121 minutes {} bytes",
        b.last_hour.len(),
        b.minute.len(),
        b.two_hours.len()
    );
    let mut group = c.benchmark_group("counters");
    group.bench_function("idle", |bench| {
        let mut engine = anchored(b.newest_final);
        bench.iter(|| scrape(&mut engine, &last_hour, None));
    });
    group.bench_function("minute", |bench| {
        bench.iter_batched(
            || anchored(b.newest_final - 60),
            |mut engine| scrape(&mut engine, &last_hour, Some(&b.minute)),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("catch_up_121", |bench| {
        bench.iter_batched(
            || anchored(b.newest_final - 121 * 60),
            |mut engine| scrape(&mut engine, &last_hour, Some(&b.two_hours)),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("last_hour_parse/with_chart", |bench| {
        bench.iter(|| parse(&b.last_hour));
    });
    group.bench_function("last_hour_parse/without_chart", |bench| {
        bench.iter(|| {
            serde_json::from_slice::<Envelope<WithoutChart>>(&b.last_hour).expect("parse")
        });
    });
    group.finish();
    common::report(
        "counters/minute",
        common::allocations(|| {
            let mut engine = anchored(b.newest_final - 60);
            scrape(&mut engine, &last_hour, Some(&b.minute))
        }),
    );
}

criterion_group!(benches, bench_counters);
criterion_main!(benches);
