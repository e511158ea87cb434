//! `--state.file`: the derived counters' state as `state_file::parse` reads it (format,
//! version, URL, and every value checked), then what a run does with a file it accepts: the
//! checks' promises asserted, the engine continued on a last-hour chart around `NOW` (a plan
//! and, when it asks for one, a catch-up), its families written, and the state saved and read
//! back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::collector::counters::engine::{MAX_PROTOCOLS, MAX_QTYPES};
use technitium_exporter::collector::counters::state_file::{
    self, MAX_COUNT, MAX_WATERMARK_DISTANCE,
};
use technitium_exporter::collector::counters::{
    self as counters, CountStep, CountersData, CustomAnswer, Minute, Minutes,
};
use technitium_exporter::exposition::{Encoder, ExpositionFormat};

const URL: &str = "http://127.0.0.1:5380";
/// 2026-05-10T12:30:00Z: the seeds' watermarks are near it.
const NOW: i64 = 1_778_416_200;

/// `n` consecutive minutes, the first ending at `first`, ten queries each.
fn minutes(first: i64, n: usize) -> Minutes {
    let row = Minute {
        total: 10,
        rcodes: [7, 1, 1, 1],
        outcomes: [1, 5, 2, 1, 1],
    };
    Minutes {
        first,
        rows: vec![row; n],
    }
}

fuzz_target!(|data: &[u8]| {
    let mut engine = match state_file::parse(data, URL, NOW) {
        Ok(engine) => engine,
        Err(why) => {
            // A reason for one warning line, quoting a bounded part of the file.
            let why = why.to_string();
            assert!(!why.contains('\n'), "{why:?}");
            assert!(why.len() < 600, "{} bytes: {why:?}", why.len());
            return;
        }
    };
    // What the checks promise.
    if let Some(w) = engine.watermark {
        assert_eq!(w.rem_euclid(60), 0);
        assert!((w - NOW).abs() <= MAX_WATERMARK_DISTANCE);
    }
    let t = &engine.totals;
    assert!(t.qtypes.len() <= MAX_QTYPES && t.protocols.len() <= MAX_PROTOCOLS);
    assert!(t.rcodes.len() <= 4 && t.outcomes.len() <= 5);
    for v in t.qtypes.values().chain(t.protocols.values()) {
        assert!(*v <= MAX_COUNT);
    }
    // What save writes is read back as it was.
    let body = state_file::encode(URL, &engine).expect("a state encodes");
    assert_eq!(state_file::parse(&body, URL, NOW).as_ref(), Ok(&engine));

    // A run continues it: the last hour up to now, then the catch-up it plans.
    let last_hour = minutes(NOW - 59 * 60, 60);
    let step = engine.plan(&last_hour, Some("fuzz.lan"));
    match &step {
        CountStep::Anchor { at, reason } => engine.anchor(*at, reason.clone(), Some("fuzz.lan")),
        CountStep::Hold { newest_final } => engine.hold(*newest_final),
        CountStep::Idle => {}
        CountStep::Fetch(range) => {
            let n = usize::try_from(range.minutes()).expect("a range of at most 121 minutes");
            assert!(n <= 121, "{range:?}");
            let custom = CustomAnswer {
                minutes: minutes(range.start(), n),
                query_types: None,
                protocols: None,
            };
            engine
                .apply(&last_hour, range, &custom, Some("fuzz.lan"))
                .expect("the answer planned for");
        }
    }
    if let Some(w) = &engine.warning {
        assert!(!w.describe().contains('\n'));
    }
    let data = CountersData {
        totals: engine.totals.clone(),
        watermark: engine.watermark,
        query_totals: true,
        warning: engine.warning.clone(),
        step,
        custom_call: false,
        verified: None,
        stale: None,
    };
    let mut enc = Encoder::new(ExpositionFormat::Text);
    counters::write(&data, &mut enc);
    let text = enc.finish();
    assert!(text.lines().count() < 400, "{} lines", text.lines().count());
});
