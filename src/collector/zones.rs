//! `zones`: per-zone health from one unpaged `zones/list` call, filtered and capped.
//!
//! Built to stay lean at 100 000 zones: filtering happens once at fetch time, and rendering
//! walks the list once per family without building intermediate strings.

use regex::Regex;

use super::contract::{Collect, Cx, Warning, WriteCx};
use super::error::CollectError;
use super::samples::{count, flag, snake_case_into};
use super::spec::{OptKind, OptSpec, OptionError, OptionValues, Spec};
use crate::exposition::labels::Rule;
use crate::exposition::{Encoder, Kind};
use crate::technitium::types::Zone;
use crate::technitium::{Endpoint, Section};

/// The `zones` collector.
#[derive(Debug)]
pub struct Zones;

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
    /// Whether a zone gets per-zone series (internal zones never do, nor a zone whose name
    /// cannot be a label value: a control character, over 255 bytes).
    #[must_use]
    pub fn keeps(&self, zone: &Zone) -> bool {
        let name = zone_label(&zone.name);
        if zone.internal || !Rule::Name.accepts(name) {
            return false;
        }
        self.include.as_ref().is_none_or(|r| r.is_match(name))
            && !self.exclude.as_ref().is_some_and(|r| r.is_match(name))
    }
}

/// The `zone` label: the root zone is `.`.
#[must_use]
pub fn zone_label(name: &str) -> &str {
    if name.is_empty() { "." } else { name }
}

/// Zones after filtering.
#[derive(Debug, Default)]
pub struct ZonesData {
    /// Zones that passed the filters (empty when truncated).
    pub zones: Vec<Zone>,
    /// Zones left after filtering, before the limit.
    pub matched: usize,
    /// The limit was exceeded: every per-zone family is dropped.
    pub truncated: bool,
}

impl Collect for Zones {
    type Settings = ZoneFilter;
    type Data = ZonesData;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "zones",
        help: "Per-zone health",
        default_enabled: true,
        sections: &[Section::Zones],
        endpoints: &[Endpoint::ZonesList],
        options: &[
            OptSpec {
                key: "include",
                value_name: "REGEX",
                help: "Only zones whose name matches this regex get per-zone series",
                default: "",
                kind: OptKind::Regex,
            },
            OptSpec {
                key: "exclude",
                value_name: "REGEX",
                help: "Zones whose name matches this regex get no per-zone series",
                default: "",
                kind: OptKind::Regex,
            },
            OptSpec {
                key: "limit",
                value_name: "N",
                help: "Drop all per-zone series when more zones match (0 = no limit)",
                default: "10000",
                kind: OptKind::Count,
            },
        ],
        ..Spec::DEFAULT
    };

    fn settings(v: &OptionValues<'_>) -> Result<ZoneFilter, OptionError> {
        let d = ZoneFilter::default();
        Ok(ZoneFilter {
            include: v.regex("include")?,
            exclude: v.regex("exclude")?,
            limit: v.count("limit")?.unwrap_or(d.limit),
        })
    }

    async fn fetch(cx: Cx<'_, Self>) -> Result<ZonesData, CollectError> {
        let filter = cx.settings;
        let mut zones = cx.client.zones().await?.zones;
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

    fn write(data: &ZonesData, _: &WriteCx<'_>, enc: &mut Encoder) {
        write(data, enc);
    }

    fn warning(data: &ZonesData, filter: &ZoneFilter) -> Option<Warning> {
        data.truncated.then(|| Warning {
            key: "truncated",
            detail: format!(
                "{} zones match, more than --collector.zones.limit ({}): per-zone series dropped (technitium_zones_truncated 1)",
                data.matched, filter.limit
            ),
            hint: Some(
                "narrow --collector.zones.include/exclude or raise --collector.zones.limit"
                    .to_owned(),
            ),
        })
    }
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

fn write(data: &ZonesData, enc: &mut Encoder) {
    enc.family(
        "technitium_zones_truncated",
        Kind::Gauge,
        "Whether more zones matched than --collector.zones.limit, so every per-zone family was dropped (1) or not (0).",
    );
    enc.sample(&[], flag(data.truncated));
    let zones = &data.zones;
    if zones.is_empty() {
        return;
    }
    write_info(zones, enc);
    write_catalogs(zones, enc);
    write_health(zones, enc);
}

/// `technitium_zone_info{zone,type,dnssec_status}`.
fn write_info(zones: &[Zone], enc: &mut Encoder) {
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
        match z.zone_type.as_str() {
            t if Rule::Token.accepts(t) => snake_case_into(&mut zone_type, t),
            _ => zone_type.push_str("unknown"),
        }
        dnssec.clear();
        match z.dnssec_status.as_deref() {
            Some(status) if Rule::Token.accepts(status) => snake_case_into(&mut dnssec, status),
            Some(_) => dnssec.push_str("unknown"),
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
}

/// `technitium_zone_catalog_info{zone,catalog}` for the zones that are members of a catalog
/// zone (the admin names catalog zones: the label stays bounded). On a cluster secondary the
/// member zones report notify failed for ever (upstream #2066, 15.4+): the alert uses this to
/// stay quiet for them.
fn write_catalogs(zones: &[Zone], enc: &mut Encoder) {
    if !zones.iter().any(|z| catalog_of(z).is_some()) {
        return;
    }
    enc.family(
        "technitium_zone_catalog_info",
        Kind::Gauge,
        "The catalog zone a zone is a member of, as a label; always 1 (members only).",
    );
    for z in zones {
        if let Some(catalog) = catalog_of(z) {
            enc.sample(
                &[
                    ("zone", zone_label(&z.name)),
                    ("catalog", zone_label(catalog)),
                ],
                1.0,
            );
        }
    }
}

/// The catalog zone `z` is a member of, if any.
fn catalog_of(z: &Zone) -> Option<&str> {
    z.catalog.as_deref().filter(|c| Rule::Name.accepts(c))
}

/// The per-zone gauges, each only for the zones where the server sent the field.
fn write_health(zones: &[Zone], enc: &mut Encoder) {
    per_zone(
        enc,
        zones,
        "technitium_zone_disabled",
        "Whether the zone is disabled (1) or not (0).",
        |z| Some(flag(z.disabled)),
    );
    per_zone(
        enc,
        zones,
        "technitium_zone_soa_serial",
        "The zone's SOA serial.",
        |z| z.soa_serial.map(count),
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
        |z| z.is_expired.map(flag),
    );
    per_zone(
        enc,
        zones,
        "technitium_zone_sync_failed",
        "Whether the last zone transfer or refresh failed (1) or not (0).",
        |z| z.sync_failed.map(flag),
    );
    per_zone(
        enc,
        zones,
        "technitium_zone_notify_failed",
        "Whether NOTIFY to a secondary failed (1) or not (0).",
        |z| z.notify_failed.map(flag),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::spec::Given;
    use crate::exposition::ExpositionFormat;
    use std::collections::BTreeMap;

    fn zone(name: &str, zone_type: &str) -> Zone {
        Zone {
            name: name.to_owned(),
            zone_type: zone_type.to_owned(),
            last_modified: None,
            disabled: false,
            soa_serial: Some(7),
            internal: false,
            catalog: None,
            dnssec_status: None,
            expiry: None,
            is_expired: None,
            sync_failed: Some(true),
            notify_failed: None,
        }
    }

    #[test]
    fn writes_info_and_only_the_fields_present() {
        let data = ZonesData {
            zones: vec![
                zone("", "Secondary"),
                zone("example.com", "SecondaryForwarder"),
            ],
            matched: 2,
            truncated: false,
        };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Zones::write(&data, &WriteCx { session: None }, &mut enc);
        let text = enc.finish();
        assert!(text.contains("technitium_zones_truncated 0\n"));
        assert!(text.contains(
            "technitium_zone_info{zone=\".\",type=\"secondary\",dnssec_status=\"none\"} 1\n"
        ));
        assert!(text.contains("type=\"secondary_forwarder\""));
        assert!(text.contains("technitium_zone_sync_failed{zone=\"example.com\"} 1\n"));
        assert!(
            !text.contains("technitium_zone_expired"),
            "no field, no family"
        );
        assert!(!text.contains("catalog"), "no member zone, no family");
    }

    #[test]
    fn member_zones_name_their_catalog() {
        let mut member = zone("member.example", "Secondary");
        member.catalog = Some("cluster-catalog.example".into());
        member.notify_failed = Some(true);
        let mut empty = zone("other.example", "Primary");
        empty.catalog = Some("".into());
        let data = ZonesData {
            zones: vec![member, empty],
            matched: 2,
            truncated: false,
        };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Zones::write(&data, &WriteCx { session: None }, &mut enc);
        let text = enc.finish();
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("technitium_zone_catalog_info"))
            .collect();
        assert_eq!(
            lines,
            [
                "technitium_zone_catalog_info{zone=\"member.example\",catalog=\"cluster-catalog.example\"} 1"
            ]
        );
        assert!(text.contains("technitium_zone_notify_failed{zone=\"member.example\"} 1\n"));
    }

    #[test]
    fn truncated_zones_write_only_the_flag_and_warn() {
        let data = ZonesData {
            zones: Vec::new(),
            matched: 12,
            truncated: true,
        };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Zones::write(&data, &WriteCx { session: None }, &mut enc);
        assert_eq!(enc.samples(), 1);
        let filter = ZoneFilter {
            limit: 10,
            ..ZoneFilter::default()
        };
        let w = Zones::warning(&data, &filter).map(|w| w.detail);
        assert!(w.is_some_and(|d| {
            d.starts_with("12 zones match, more than --collector.zones.limit (10)")
        }));
    }

    #[test]
    fn filters_are_anchored_and_internal_zones_never_kept() {
        let mut values = BTreeMap::new();
        values.insert("include", Given::one("example\\.com|\\.", "x"));
        let filter = Zones::settings(&OptionValues::new(&values)).unwrap_or_default();
        assert!(filter.keeps(&zone("example.com", "Primary")));
        assert!(filter.keeps(&zone("", "Primary")), "root zone is \".\"");
        assert!(
            !filter.keeps(&zone("sub.example.com", "Primary")),
            "anchored"
        );
        let mut internal = zone("example.com", "Primary");
        internal.internal = true;
        assert!(!filter.keeps(&internal));
    }
}
