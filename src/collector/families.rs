//! Snapshot → families: everything a scrape writes, in order: the session's families, each
//! collector's, then the scrape's own gauges (`technitium_scrape_*`). Pure and synchronous;
//! `serve`, `scrape`, `textfile` and `check` all write through here.

use std::time::Duration;

use super::contract::WriteCx;
use super::registry::SESSION;
use super::session;
use super::snapshot::{Outcome, Part, Snapshot};
use super::zones::Zones;
use crate::exposition::{Encoder, ExpositionFormat, Kind};

/// A snapshot's families in `format`, as one string.
#[must_use]
pub fn encode(snapshot: &Snapshot, format: ExpositionFormat) -> String {
    let mut enc = encoder_for(snapshot, format);
    write_families(snapshot, &mut enc);
    enc.finish()
}

/// An encoder sized for the snapshot: 16 KiB for the fixed families plus, per zone, about 330
/// bytes of metric names, labels and values and six copies of its name (measured on the text
/// format). Close enough that the buffer neither grows nor reserves twice what it needs.
#[must_use]
pub fn encoder_for(snapshot: &Snapshot, format: ExpositionFormat) -> Encoder {
    Encoder::with_capacity(format, estimated_size(snapshot))
}

/// About how many bytes the text exposition of `snapshot` takes (see [`encoder_for`]).
#[must_use]
pub fn estimated_size(snapshot: &Snapshot) -> usize {
    let zones: usize = snapshot.get::<Zones>().map_or(0, |z| {
        z.zones.iter().map(|zone| 330 + 6 * zone.name.len()).sum()
    });
    16 * 1024 + zones
}

/// Whether `snapshot`'s exposition may be larger than `bytes`, so that it is better rendered in
/// pieces than whole: its per-zone series are expected to be, or its answers hold more than
/// `bytes` of the memory budget (what a long list parsed into can render larger still: a
/// cluster node list gives five series per node).
#[must_use]
pub fn may_exceed(snapshot: &Snapshot, bytes: usize) -> bool {
    estimated_size(snapshot) > bytes || snapshot.held_bytes() > bytes as u64
}

/// Writes every family of a snapshot: the target's metrics and the scrape's own gauges.
pub fn write_families(snapshot: &Snapshot, enc: &mut Encoder) {
    write_families_waited(snapshot, snapshot.duration, enc);
}

/// [`write_families`] for a scrape that waited `waited` for a shared fetch (`serve`'s
/// coalescing): each response reports its own wait as `technitium_scrape_duration_seconds`.
pub fn write_families_waited(snapshot: &Snapshot, waited: Duration, enc: &mut Encoder) {
    session::write(snapshot, enc);
    let cx = WriteCx {
        session: snapshot.session(),
    };
    for part in &snapshot.parts {
        write_part(part, &cx, enc);
    }
    write_scrape_meta(snapshot, waited, enc);
}

/// How many series each collector contributes to `snapshot`'s exposition (for `check`): each
/// collector's families are rendered into a scratch encoder and counted. The scrape's own
/// `technitium_scrape_*` gauges belong to no collector and are not counted.
#[must_use]
pub fn series_per_collector(snapshot: &Snapshot) -> Vec<(&'static str, usize)> {
    let cx = WriteCx {
        session: snapshot.session(),
    };
    let mut session = Encoder::new(ExpositionFormat::Text);
    session::write(snapshot, &mut session);
    let mut counts = vec![(SESSION.name, session.samples())];
    for part in &snapshot.parts {
        let mut enc = Encoder::new(ExpositionFormat::Text);
        write_part(part, &cx, &mut enc);
        counts.push((part.report.name(), enc.samples()));
    }
    counts
}

fn write_part(part: &Part, cx: &WriteCx<'_>, enc: &mut Encoder) {
    match (&part.data, &part.report.outcome) {
        (Some(data), _) => part.collector.write(&**data, cx, enc),
        (None, Outcome::NotApplicable(None)) => part.collector.write_not_applicable(cx, enc),
        (None, _) => {}
    }
}

fn write_scrape_meta(snapshot: &Snapshot, duration: Duration, enc: &mut Encoder) {
    enc.family(
        "technitium_scrape_collector_success",
        Kind::Gauge,
        "Whether a collector's API calls all succeeded in this scrape (1) or not (0).",
    );
    for r in snapshot.reports() {
        if let Some(v) = r.outcome.success_value() {
            enc.sample(&[("collector", r.name())], v);
        }
    }
    enc.family(
        "technitium_scrape_collector_duration_seconds",
        Kind::Gauge,
        "Time a collector spent on its API calls in this scrape.",
    );
    for r in snapshot.reports() {
        if r.outcome.success_value().is_some() {
            enc.sample(&[("collector", r.name())], r.duration.as_secs_f64());
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
