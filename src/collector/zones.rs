//! `zones`: per-zone health from one unpaged `zones/list` call, filtered and capped.
//!
//! Built to stay lean at 100 000 zones: filtering happens once at fetch time, and rendering
//! walks the list once per family without building intermediate strings.

use regex::Regex;

use super::{Snapshot, ZonesData, snake_case_into};
use crate::render::exposition::{Encoder, Kind};
use crate::technitium::types::Zone;
use crate::technitium::{ApiError, Client};

/// Which zones get per-zone series.
#[derive(Debug, Clone)]
pub struct ZoneFilter {
    /// Only zones whose name matches (anchored regex).
    pub include: Option<Regex>,
    /// Leave out zones whose name matches (anchored regex).
    pub exclude: Option<Regex>,
    /// Drop every per-zone family when more zones than this remain (0 = no limit).
    pub limit: usize,
}

impl Default for ZoneFilter {
    fn default() -> Self {
        Self {
            include: None,
            exclude: None,
            limit: 10_000,
        }
    }
}

impl ZoneFilter {
    /// Whether a zone gets per-zone series (internal zones never do).
    #[must_use]
    pub fn keeps(&self, zone: &Zone) -> bool {
        if zone.internal {
            return false;
        }
        let name = zone_label(&zone.name);
        self.include.as_ref().is_none_or(|r| r.is_match(name))
            && !self.exclude.as_ref().is_some_and(|r| r.is_match(name))
    }
}

/// The `zone` label: the root zone is `.`.
#[must_use]
pub fn zone_label(name: &str) -> &str {
    if name.is_empty() { "." } else { name }
}

pub(super) async fn fetch(client: &Client, filter: &ZoneFilter) -> Result<ZonesData, ApiError> {
    let mut zones = client.zones().await?.zones;
    zones.retain(|z| filter.keeps(z));
    let matched = zones.len();
    let truncated = filter.limit > 0 && matched > filter.limit;
    if truncated {
        zones = Vec::new();
    }
    Ok(ZonesData {
        zones,
        matched,
        truncated,
    })
}

fn bool_value(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Writes one per-zone family for the zones where `value` is known.
fn per_zone(
    enc: &mut Encoder,
    zones: &[Zone],
    name: &str,
    help: &str,
    value: impl Fn(&Zone) -> Option<f64>,
) {
    if !zones.iter().any(|z| value(z).is_some()) {
        return;
    }
    enc.family(name, Kind::Gauge, help);
    for z in zones {
        if let Some(v) = value(z) {
            enc.sample(&[("zone", zone_label(&z.name))], v);
        }
    }
}

#[allow(clippy::cast_precision_loss)]
pub(super) fn write(snapshot: &Snapshot, enc: &mut Encoder) {
    let Some(data) = &snapshot.zones else { return };
    enc.family(
        "technitium_zones_truncated",
        Kind::Gauge,
        "Whether more zones matched than --collector.zones.limit, so every per-zone family was dropped (1) or not (0).",
    );
    enc.sample(&[], bool_value(data.truncated));
    let zones = &data.zones;
    if zones.is_empty() {
        return;
    }
    enc.family(
        "technitium_zone_info",
        Kind::Gauge,
        "A zone's type and DNSSEC status, as labels; always 1.",
    );
    // Two label buffers reused across zones: no allocation per zone.
    let mut zone_type = String::new();
    let mut dnssec = String::new();
    for z in zones {
        zone_type.clear();
        snake_case_into(&mut zone_type, &z.zone_type);
        dnssec.clear();
        match z.dnssec_status.as_deref() {
            Some(status) => snake_case_into(&mut dnssec, status),
            None => dnssec.push_str("none"),
        }
        enc.sample(
            &[
                ("zone", zone_label(&z.name)),
                ("type", &zone_type),
                ("dnssec_status", &dnssec),
            ],
            1.0,
        );
    }
    per_zone(
        enc,
        zones,
        "technitium_zone_disabled",
        "Whether the zone is disabled (1) or not (0).",
        |z| Some(bool_value(z.disabled)),
    );
    per_zone(
        enc,
        zones,
        "technitium_zone_soa_serial",
        "The zone's SOA serial.",
        |z| z.soa_serial.map(|s| s as f64),
    );
    per_zone(
        enc,
        zones,
        "technitium_zone_last_modified_timestamp_seconds",
        "When the zone last changed, in seconds since the Unix epoch.",
        |z| z.last_modified.map(|t| t.0),
    );
    per_zone(
        enc,
        zones,
        "technitium_zone_expiry_timestamp_seconds",
        "When a secondary or stub zone expires unless refreshed, in seconds since the Unix epoch.",
        |z| z.expiry.map(|t| t.0),
    );
    per_zone(
        enc,
        zones,
        "technitium_zone_expired",
        "Whether a secondary or stub zone has expired (1) or not (0).",
        |z| z.is_expired.map(bool_value),
    );
    per_zone(
        enc,
        zones,
        "technitium_zone_sync_failed",
        "Whether the last zone transfer or refresh failed (1) or not (0).",
        |z| z.sync_failed.map(bool_value),
    );
    per_zone(
        enc,
        zones,
        "technitium_zone_notify_failed",
        "Whether NOTIFY to a secondary failed (1) or not (0).",
        |z| z.notify_failed.map(bool_value),
    );
}
