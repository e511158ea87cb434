//! Rendering a snapshot: exposition text (0.0.4, OpenMetrics), JSON, or a table for people.

pub mod exposition;
pub mod table;

use crate::collector::{Snapshot, write_families};
use exposition::{Encoder, Format};

/// Renders a snapshot's families in `format`.
#[must_use]
pub fn render(snapshot: &Snapshot, format: Format) -> String {
    let mut enc = encoder_for(snapshot, format);
    write_families(snapshot, &mut enc);
    enc.finish()
}

/// An encoder sized for the snapshot (about 120 bytes per zone series).
#[must_use]
pub fn encoder_for(snapshot: &Snapshot, format: Format) -> Encoder {
    let zones = snapshot.zones.as_ref().map_or(0, |z| z.zones.len());
    Encoder::with_capacity(format, 16 * 1024 + zones * 7 * 120)
}
