//! Rendering a snapshot: exposition text (0.0.4, OpenMetrics), JSON, or a table for people.
//!
//! The encoder ([`crate::exposition`]) is a leaf that collectors write into; this module and
//! [`table`] sit above the collectors.

pub mod table;

use crate::collector::{Snapshot, Zones, write_families};
use crate::exposition::{Encoder, ExpositionFormat};

/// Renders a snapshot's families in `format`.
#[must_use]
pub fn render(snapshot: &Snapshot, format: ExpositionFormat) -> String {
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
