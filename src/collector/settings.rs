//! `settings` (opt-in): blocking state from settings/get. The body also holds secrets (TSIG
//! keys, the proxy password): only the fields of [`Settings`](crate::technitium::types::Settings)
//! are parsed, so the rest is never kept.

use super::contract::{Collect, Cx, WriteCx};
use super::error::CollectError;
use super::samples::{flag, gauge_opt};
use super::spec::Spec;
use crate::exposition::Encoder;
use crate::technitium::types;
use crate::technitium::{Endpoint, Section};

/// The `settings` collector: the server's blocking settings.
#[derive(Debug)]
pub struct ServerSettings;

impl Collect for ServerSettings {
    type Settings = ();
    type Data = types::Settings;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "settings",
        help: "Blocking settings (needs Settings: View, which also exposes secrets)",
        sections: &[Section::Settings],
        endpoints: &[Endpoint::SettingsGet],
        ..Spec::DEFAULT
    };

    async fn fetch(cx: Cx<'_, Self>) -> Result<types::Settings, CollectError> {
        // Shared with `forwarders`: one settings/get per scrape between them.
        Ok(types::Settings::clone(&*cx.shared.settings().await?))
    }

    fn write(s: &types::Settings, _: &WriteCx<'_>, enc: &mut Encoder) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::ExpositionFormat;

    #[test]
    fn absent_fields_give_no_series() {
        let s = types::Settings {
            enable_blocking: Some(false),
            ..types::Settings::default()
        };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        ServerSettings::write(&s, &WriteCx { session: None }, &mut enc);
        assert_eq!(enc.samples(), 1);
        assert!(enc.finish().contains("technitium_blocking_enabled 0\n"));
    }
}
