//! `GET /sd`: Prometheus HTTP service discovery (`http_sd_configs`), so Prometheus scrapes every
//! configured target, and every node of a clustered one, without a static target list.
//!
//! The answer is a JSON list of target groups, `{"targets": ["HOST:PORT"], "labels": {…}}`, one
//! per `[targets.NAME]` in name order, and for a target whose server is in a cluster (with
//! `per_node` on) one per node in name order instead — the node the target's URL reaches
//! included, and never also once without a node, which would scrape that server twice. Each
//! group points at this exporter (`targets`: `--web.external-url`'s host, else the request's
//! `Host`) and carries:
//! - `__metrics_path__` (`/probe`, under the external URL's path) and `__scheme__` (the
//!   external URL's, else the listener's), so the scrape job needs neither;
//! - `__param_target` and, for a node, `__param_node`: the probe's query;
//! - `technitium_target`, and when the cluster is known `technitium_cluster` (its domain) and
//!   `technitium_node`: informative labels Prometheus attaches to every series of the group.
//!
//! It costs the servers next to nothing: node lists come from the sessions scrapes already made
//! (see [`super::fleet`]); a list older than a minute costs one session/get.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use serde::Serialize;
use tokio::time::Instant;
use url::Url;

use super::targets::Targets;

/// One target group of the HTTP SD format.
#[derive(Debug, Serialize)]
pub(super) struct Group {
    targets: Vec<String>,
    labels: BTreeMap<&'static str, String>,
}

/// Where Prometheus reaches this exporter.
#[derive(Debug, Clone)]
pub(super) struct Base {
    /// `HOST[:PORT]`.
    pub(super) address: String,
    /// `http` or `https`.
    pub(super) scheme: &'static str,
    /// The path prefix before `/probe` (empty, or `/technitium`).
    pub(super) prefix: String,
}

impl Base {
    /// From `--web.external-url`.
    pub(super) fn of_url(url: &Url) -> Option<Self> {
        let host = url.host_str()?;
        let address = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Some(Self {
            address,
            scheme: if url.scheme() == "https" {
                "https"
            } else {
                "http"
            },
            prefix: url.path().trim_end_matches('/').to_owned(),
        })
    }

    /// From a request's `Host` header: a host name or address and an optional port, nothing
    /// else (it is the caller's text and goes back into the answer).
    pub(super) fn of_host(host: &str, tls: bool) -> Option<Self> {
        let ok = !host.is_empty()
            && host.len() <= 255
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._:[]".contains(c));
        ok.then(|| Self {
            address: host.to_owned(),
            scheme: if tls { "https" } else { "http" },
            prefix: String::new(),
        })
    }
}

/// The target groups of every named target.
pub(super) async fn groups(targets: &Targets, base: &Base, deadline: Instant) -> Vec<Group> {
    let mut names: Vec<&String> = targets.named.keys().collect();
    names.sort_unstable();
    let each = names.into_iter().map(|name| async move {
        let group = |labels: Vec<(&'static str, &str)>| {
            let mut all: BTreeMap<&'static str, String> = BTreeMap::from([
                ("__metrics_path__", format!("{}/probe", base.prefix)),
                ("__scheme__", base.scheme.to_owned()),
                ("__param_target", name.clone()),
                ("technitium_target", name.clone()),
            ]);
            all.extend(labels.into_iter().map(|(k, v)| (k, v.to_owned())));
            Group {
                targets: vec![base.address.clone()],
                labels: all,
            }
        };
        let Some(fleet) = targets.fleets.get(name.as_str()) else {
            // per_node = false: the target as one server (its cluster, if any, is not listed).
            return vec![group(Vec::new())];
        };
        match fleet.known(deadline).await {
            Ok(known) if known.clustered() => known
                .nodes
                .keys()
                .map(|node| {
                    let mut labels = vec![
                        ("__param_node", node.as_str()),
                        ("technitium_node", node.as_str()),
                    ];
                    if let Some(domain) = &known.domain {
                        labels.push(("technitium_cluster", domain.as_str()));
                    }
                    group(labels)
                })
                .collect(),
            // Not in a cluster, or never reached: one group, whose scrapes say why it is down.
            _ => vec![group(Vec::new())],
        }
    });
    join_all(each).await.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> (String, &'static str, String) {
        let b = Url::parse(url)
            .ok()
            .and_then(|u| Base::of_url(&u))
            .unwrap_or_else(|| panic!("{url}"));
        (b.address, b.scheme, b.prefix)
    }

    #[test]
    fn external_urls_give_address_scheme_and_prefix() {
        assert_eq!(
            base("https://mon.lan/technitium"),
            ("mon.lan".into(), "https", "/technitium".into())
        );
        assert_eq!(
            base("http://10.0.0.5:9274"),
            ("10.0.0.5:9274".into(), "http", String::new())
        );
    }

    #[test]
    fn only_plain_host_headers_are_used() {
        assert!(Base::of_host("exporter:9274", false).is_some());
        assert!(Base::of_host("[::1]:9274", true).is_some_and(|b| b.scheme == "https"));
        for bad in ["", "a b", "x\"y", "evil/path", &"a".repeat(300)] {
            assert!(Base::of_host(bad, false).is_none(), "{bad}");
        }
    }
}
