//! `settings` (opt-in): blocking state from settings/get, whose body also holds secrets that are
//! never kept (only the fields below are parsed), and `update` (opt-in): update availability.

use super::{Snapshot, gauge_opt};
use crate::render::exposition::Encoder;
use crate::technitium::types::{Settings, UpdateCheck};
use crate::technitium::{ApiError, Client};

pub(super) async fn fetch_settings(client: &Client) -> Result<Settings, ApiError> {
    client.settings().await
}

pub(super) async fn fetch_update(client: &Client) -> Result<UpdateCheck, ApiError> {
    client.check_for_update().await
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

pub(super) fn write(snapshot: &Snapshot, enc: &mut Encoder) {
    if let Some(s) = &snapshot.settings {
        gauge_opt(
            enc,
            "technitium_blocking_enabled",
            "Whether blocking is enabled (1) or not (0).",
            s.enable_blocking.map(flag),
        );
        gauge_opt(
            enc,
            "technitium_blocking_disabled_until_timestamp_seconds",
            "When temporarily disabled blocking turns back on, in seconds since the Unix epoch (only while disabled).",
            s.temporary_disable_blocking_till.map(|t| t.0),
        );
        gauge_opt(
            enc,
            "technitium_blocklist_next_update_timestamp_seconds",
            "When the server next downloads its block lists, in seconds since the Unix epoch.",
            s.block_list_next_updated_on.map(|t| t.0),
        );
    }
    if let Some(u) = &snapshot.update {
        gauge_opt(
            enc,
            "technitium_update_available",
            "Whether the server reports a newer Technitium version (1) or not, or could not check (0).",
            Some(flag(u.update_available)),
        );
    }
}
