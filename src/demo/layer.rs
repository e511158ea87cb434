//! How `--demo` configures the exporter: its server and DNS listeners, started together
//! ([`start_all`]), and what they give the configuration ([`RunningDemo::layer`]): the server's
//! URL and token, and the `dns` collector aimed at the listeners as its defaults, trusting the
//! demo's CA. [`crate::config::Config::build`] applies that layer once, below the config file,
//! the environment and the flags, at start and at every reload.

use std::sync::Arc;

use crate::collector::Collect as _;
use crate::collector::dns::Dns;
use crate::collector::dns::options::port_key;
use crate::config::{DemoLayer, Preset};
use crate::dnsprobe::Transport;

use super::api::{Demo, start};
use super::dns::{DEMO_BLOCKED_NAME, DEMO_DNS_CA_PEM, DemoDns, start_dns};
use super::responder::Responder;
use super::world::DemoVersion;

/// The demo's server and DNS listeners, for the whole run; dropping it stops them.
#[derive(Debug)]
pub struct RunningDemo {
    /// The simulated API.
    pub api: Demo,
    /// The DNS listeners.
    pub dns: DemoDns,
}

/// Starts the demo server, imitating `version` with `zones` zones, and its DNS listeners (a
/// few loopback sockets, so they are there whichever collectors a reload switches on).
///
/// # Errors
/// When a loopback port cannot be bound.
pub async fn start_all(version: DemoVersion, zones: usize) -> std::io::Result<RunningDemo> {
    Ok(RunningDemo {
        api: start(version, zones).await?,
        dns: start_dns().await?,
    })
}

impl RunningDemo {
    /// What the demo gives the configuration, just above the defaults.
    #[must_use]
    pub fn layer(&self) -> DemoLayer {
        DemoLayer {
            url: self.api.url.clone(),
            token: self.api.token.clone(),
            presets: vec![dns_preset(&self.dns.responder)],
        }
    }
}

/// The `dns` collector aimed at `listeners`: every transport they have, the demo's blocked
/// name, and its CA; none of it when an address is given (the probes go elsewhere).
fn dns_preset(listeners: &Responder) -> Preset {
    let open: Vec<(Transport, u16)> = Transport::ALL
        .into_iter()
        .filter_map(|t| Some((t, listeners.port(t)?)))
        .collect();
    let transports: Vec<&str> = open.iter().map(|(t, _)| t.as_str()).collect();
    let mut values = vec![
        ("address", "127.0.0.1".to_owned()),
        ("transports", transports.join(",")),
        ("blocked-name", DEMO_BLOCKED_NAME.to_owned()),
    ];
    values.extend(
        open.iter()
            .map(|(t, port)| (port_key(*t), port.to_string())),
    );
    Preset {
        collector: Dns::SPEC.name,
        aim: "address",
        values,
        ca_pem: Some(Arc::from(DEMO_DNS_CA_PEM)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::spec::{Given, OptionValues};
    use std::collections::BTreeMap;

    /// The preset's keys are the dns collector's, and its values parse into settings aimed at
    /// the listeners.
    #[tokio::test]
    async fn the_dns_preset_aims_the_probes_at_the_listeners() {
        let dns = start_dns().await.unwrap_or_else(|e| panic!("{e}"));
        let preset = dns_preset(&dns.responder);
        assert!(preset.values.iter().any(|(k, _)| *k == preset.aim));
        let values: BTreeMap<&'static str, Given> = preset
            .values
            .iter()
            .map(|(k, v)| (*k, Given::one(v.as_str(), "--demo")))
            .collect();
        let settings = Dns::settings(&OptionValues::new(&values)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(settings.address.as_deref(), Some("127.0.0.1"));
        let probed = [
            Transport::Udp,
            Transport::Tcp,
            Transport::Tls,
            Transport::Https,
        ];
        assert_eq!(settings.transports, probed);
        for t in probed {
            assert_eq!(Some(settings.port(t)), dns.responder.port(t), "{t}");
        }
        assert!(settings.blocked.is_some());
    }
}
