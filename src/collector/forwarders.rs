//! `forwarders` (opt-in): upstream forwarder health, measured from the server's own network and
//! over its own transport: the forwarders of settings/get (shared with the `settings`
//! collector: one call per scrape), then one `dnsClient/resolve` per forwarder, with bounded
//! concurrency. The client's allowlist fixes that endpoint's parameters, so `import` (which
//! writes zones) can never be sent.

use super::contract::{Collect, Cx, Detail, WriteCx};
use super::dns::{detail, given_values, lookup, option_error};
use super::spec::{OptKind, OptSpec, OptionError, OptionValues, Requires, Spec};
use crate::dnsprobe::check::forwarder_rows;
use crate::dnsprobe::forwarders::{DEFAULT_MIN_INTERVAL, FORWARDERS_OPTIONS, probe_forwarders};
use crate::dnsprobe::{ChangeLog, ForwarderSettings, ForwardersData, write_forwarders};
use crate::exposition::Encoder;
use crate::technitium::types::ForwarderConfig;
use crate::technitium::{ApiError, Endpoint, Section};

/// The `forwarders` collector.
#[derive(Debug)]
pub struct Forwarders;

/// The options, from the prober's own list (which holds the defaults), with their kinds.
static OPTIONS: [OptSpec; 6] = [
    OptSpec::from_def(FORWARDERS_OPTIONS[0], OptKind::Text),
    OptSpec::from_def(FORWARDERS_OPTIONS[1], OptKind::Text),
    OptSpec::from_def(FORWARDERS_OPTIONS[2], OptKind::List),
    OptSpec::from_def(FORWARDERS_OPTIONS[3], OptKind::Duration),
    OptSpec::from_def(FORWARDERS_OPTIONS[4], OptKind::Count),
    OptSpec::from_def(FORWARDERS_OPTIONS[5], OptKind::Count),
];

impl Collect for Forwarders {
    type Settings = ForwarderSettings;
    type Data = ForwardersData;
    /// Which forwarders were failing, for one log line per change.
    type State = ChangeLog;
    const SPEC: &'static Spec = &Spec {
        name: "forwarders",
        help: "Upstream forwarder health through the server's own DNS client",
        default_enabled: false,
        sections: &[Section::Settings, Section::DnsClient],
        requires: Requires::Session,
        endpoints: &[Endpoint::SettingsGet, Endpoint::DnsClientResolve],
        options: &OPTIONS,
        default_min_interval: DEFAULT_MIN_INTERVAL,
    };

    fn settings(v: &OptionValues<'_>) -> Result<ForwarderSettings, OptionError> {
        let given = given_values(v, &OPTIONS);
        ForwarderSettings::parse(|key| lookup(&given, key)).map_err(|e| option_error(v, e))
    }

    async fn fetch(cx: Cx<'_, Self>) -> Result<ForwardersData, ApiError> {
        let config = ForwarderConfig::from(&*cx.shared.settings().await?);
        let data = probe_forwarders(cx.client, config, cx.settings, cx.deadline).await?;
        super::probe_log::log_probe_changes(cx.client.log_name(), &cx.state.note_forwarders(&data));
        Ok(data)
    }

    fn write(data: &ForwardersData, _: &WriteCx<'_>, enc: &mut Encoder) {
        write_forwarders(data, enc);
    }

    fn details(data: &ForwardersData, _: &ForwarderSettings) -> Vec<Detail> {
        forwarder_rows(data).into_iter().map(detail).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_forwarder_without_an_answer_has_no_rtt_or_rcode_sample() {
        use crate::dnsprobe::ForwarderResult;
        use crate::exposition::ExpositionFormat;
        let data = ForwardersData {
            protocol: "tls".to_owned(),
            api_protocol: "Tls".to_owned(),
            results: vec![
                ForwarderResult {
                    forwarder: "9.9.9.9".to_owned(),
                    success: true,
                    rtt: Some(0.012),
                    rcode: Some("NOERROR"),
                    error: None,
                },
                ForwarderResult {
                    forwarder: "192.0.2.3".to_owned(),
                    success: false,
                    rtt: None,
                    rcode: None,
                    error: Some("timed out".to_owned()),
                },
            ],
            skipped: 0,
        };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Forwarders::write(&data, &WriteCx { session: None }, &mut enc);
        let text = enc.finish();
        for line in [
            "technitium_forwarder_probe_success{forwarder=\"9.9.9.9\",protocol=\"tls\"} 1\n",
            "technitium_forwarder_probe_success{forwarder=\"192.0.2.3\",protocol=\"tls\"} 0\n",
            "technitium_forwarder_probe_rtt_seconds{forwarder=\"9.9.9.9\",protocol=\"tls\"} 0.012\n",
            "technitium_forwarder_probe_rcode{forwarder=\"9.9.9.9\",protocol=\"tls\",rcode=\"NOERROR\"} 1\n",
        ] {
            assert!(text.contains(line), "{line}in {text}");
        }
        assert_eq!(text.matches("192.0.2.3").count(), 1, "{text}");
        let mut empty = Encoder::new(ExpositionFormat::Text);
        Forwarders::write(
            &ForwardersData::default(),
            &WriteCx { session: None },
            &mut empty,
        );
        assert_eq!(empty.finish(), "", "no forwarders, no families");
    }

    #[test]
    fn the_options_are_the_probers_in_order() {
        let keys: Vec<&str> = OPTIONS.iter().map(|o| o.key).collect();
        let probers: Vec<&str> = FORWARDERS_OPTIONS.iter().map(|o| o.key).collect();
        assert_eq!(keys, probers);
        assert_eq!(
            Forwarders::SPEC.default_min_interval,
            Duration::from_secs(60)
        );
    }
}
