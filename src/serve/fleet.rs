//! Clusters behind configured targets: each `[targets.NAME]` with `per_node` on keeps its
//! cluster's node list and one collector per node, for `/probe?target=NAME&node=NODE` and `/sd`.
//!
//! What is kept between requests, and why:
//! - the node list (names, the cluster's domain, each node's URL) from the newest session of the
//!   target's URL: every scrape of the target or of one of its nodes makes one, so `/sd` and the
//!   node check mostly read what scrapes already fetched. When the list is older than
//!   [`NODE_LIST_TTL`] they ask session/get once more (one call at a time per target, at most
//!   one try per TTL); when that fails the last known list stays (its nodes' scrapes then say
//!   why with `technitium_up 0`), so a passing outage does not reshuffle Prometheus's targets.
//! - one collector per node (its own coalescing, min-interval and derived-counter state; a
//!   reload hands it to the new one), made on the first
//!   request for a listed node and dropped as soon as a session no longer lists it: never more
//!   than the cluster's nodes, and never more than [`MAX_NODES`] (the node the URL reaches and
//!   the primary first, then by name; names that cannot be label values are skipped, with a
//!   warning). A name the list does not hold never gets one: the request is answered 400 first.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use url::Url;

use super::coalesce::ServedTarget;
use super::kit::TargetKit;
use super::metrics::observer;
use crate::collector::{
    MAX_NODES, NodeScope, NodeSession, Options, Reach, Scraper, SessionData, Snapshot, TargetInfo,
    lock, node_list,
};
use crate::config::TargetConfig;
use crate::technitium::types::SessionInfo;
use crate::technitium::{ApiError, Client, ClientConfig, display_base};

/// How long a node list is used before `/sd` or a node check asks session/get again (scrapes
/// refresh it more often; Prometheus re-reads `/sd` every minute by default).
pub(super) const NODE_LIST_TTL: Duration = Duration::from_secs(60);

/// A listed node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Listed {
    /// Its web console URL as the cluster knows it (where DNS-level probes find its host).
    pub(super) url: Option<Url>,
}

/// What the newest session of the target's URL said about its cluster.
#[derive(Debug, Clone)]
pub(super) struct Known {
    /// When.
    at: Instant,
    /// The cluster's domain, when clustered.
    pub(super) domain: Option<String>,
    /// The nodes by name (lower case); empty when the server is not in a cluster.
    pub(super) nodes: BTreeMap<String, Listed>,
}

impl Known {
    /// Whether the server is in a cluster.
    pub(super) fn clustered(&self) -> bool {
        !self.nodes.is_empty()
    }
}

/// Why a node cannot be served.
#[derive(Debug)]
pub(super) enum Refused {
    /// The node list could not be read and was never known.
    Unknown(ApiError),
    /// The server is not in a cluster.
    NotClustered,
    /// Not a listed node.
    NotListed(Vec<String>),
}

/// The list and the node collectors.
#[derive(Debug, Default)]
struct Nodes {
    known: Option<Known>,
    /// When session/get was last tried for the list (rate-limits failing refreshes), and its
    /// error when it failed.
    tried: Option<Instant>,
    failed: Option<ApiError>,
    collectors: BTreeMap<String, Arc<ServedTarget>>,
    /// What the last list left out (nodes beyond [`MAX_NODES`], unusable names), as logged
    /// once per change.
    left_out: Option<String>,
}

/// One target's cluster.
#[derive(Debug)]
pub(super) struct Fleet {
    name: String,
    /// The target itself: its client asks for the node list, and reaches the nodes (`node=`).
    target: Arc<ServedTarget>,
    /// The target's settings, for nodes with a URL of their own.
    client_config: ClientConfig,
    http: reqwest::Client,
    options: Options,
    node_urls: BTreeMap<String, Url>,
    kit: TargetKit,
    nodes: Mutex<Nodes>,
    /// Node collectors of the same target before a reload: a node's collector, when first
    /// made again, takes over its per-collector state (derived counters go on counting).
    inherited: Mutex<BTreeMap<String, Arc<ServedTarget>>>,
    /// One node-list refresh at a time.
    refreshing: tokio::sync::Mutex<()>,
}

impl Fleet {
    pub(super) fn new(
        config: &TargetConfig,
        target: Arc<ServedTarget>,
        http: reqwest::Client,
        kit: &TargetKit,
    ) -> Self {
        Self {
            name: config.name.clone(),
            target,
            client_config: config.client.clone(),
            http,
            options: config.options.clone(),
            node_urls: config.node_urls.clone(),
            kit: kit.settled(),
            nodes: Mutex::new(Nodes::default()),
            inherited: Mutex::new(
                kit.previous
                    .as_ref()
                    .and_then(|p| p.nodes.get(&config.name).cloned())
                    .unwrap_or_default(),
            ),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The node list, refreshed first when it is older than [`NODE_LIST_TTL`] (one session/get
    /// within `deadline`); the last known list when the refresh fails.
    ///
    /// # Errors
    /// The refresh's error when no list was ever known.
    pub(super) async fn known(&self, deadline: Instant) -> Result<Known, ApiError> {
        if let Some(k) = self.fresh()? {
            return Ok(k);
        }
        let _one = self.refreshing.lock().await;
        // Someone else may have refreshed it while this request waited.
        if let Some(k) = self.fresh()? {
            return Ok(k);
        }
        let client = self.target.collector.client();
        let result = tokio::time::timeout_at(deadline, client.session()).await;
        let error = match result {
            Ok(Ok(info)) => {
                self.observe_session(&info);
                None
            }
            Ok(Err(e)) => Some(e),
            Err(_) => Some(ApiError::Timeout {
                server: client.server().to_owned(),
                endpoint: crate::technitium::Endpoint::SessionGet.path(),
                timeout: client.timeout(),
                proxy: None,
            }),
        };
        let mut nodes = lock(&self.nodes);
        nodes.tried = Some(Instant::now());
        match (&nodes.failed, &error) {
            (None, Some(e)) => {
                tracing::warn!(target_name = %self.name, "cannot read the cluster's node list (the last known one is used, if any): {e}");
            }
            (Some(_), None) => {
                tracing::info!(target_name = %self.name, "the cluster's node list can be read again");
            }
            _ => {}
        }
        nodes.failed.clone_from(&error);
        match (nodes.known.clone(), error) {
            (Some(k), _) => Ok(k),
            (None, Some(e)) => Err(e),
            (None, None) => Err(ApiError::Internal {
                what: "a node list was read but not kept",
            }),
        }
    }

    /// The known list when it is young enough, or when the last try was recent (and failed):
    /// then the last known list, or that try's error when none was ever known.
    fn fresh(&self) -> Result<Option<Known>, ApiError> {
        let nodes = lock(&self.nodes);
        let recent = |at: Instant| at.elapsed() < NODE_LIST_TTL;
        match (&nodes.known, nodes.tried, &nodes.failed) {
            (Some(k), tried, _) if recent(tried.map_or(k.at, |t| t.max(k.at))) => {
                Ok(Some(k.clone()))
            }
            (None, Some(tried), Some(e)) if recent(tried) => Err(e.clone()),
            _ => Ok(None),
        }
    }

    /// The collector of `node` (lower case), made on first use, or why there is none.
    pub(super) async fn node(
        &self,
        node: &str,
        deadline: Instant,
    ) -> Result<Arc<ServedTarget>, Refused> {
        let known = self.known(deadline).await.map_err(Refused::Unknown)?;
        if !known.clustered() {
            return Err(Refused::NotClustered);
        }
        let Some(listed) = known.nodes.get(node) else {
            return Err(Refused::NotListed(known.nodes.keys().cloned().collect()));
        };
        let mut nodes = lock(&self.nodes);
        if let Some(t) = nodes.collectors.get(node) {
            return Ok(Arc::clone(t));
        }
        let t = self.make(node, listed);
        nodes.collectors.insert(node.to_owned(), Arc::clone(&t));
        Ok(t)
    }

    /// The nodes of the last known list, by name.
    pub(super) fn listed(&self) -> Vec<String> {
        lock(&self.nodes)
            .known
            .as_ref()
            .map_or_else(Vec::new, |k| k.nodes.keys().cloned().collect())
    }

    /// Where `node`'s collector reaches it, for people: its own URL when `node_urls` names
    /// one, else the target's URL with `node=`.
    pub(super) fn shown_url(&self, node: &str) -> String {
        match self.node_urls.get(node) {
            Some(url) => display_base(url),
            None => format!(
                "{} (node={node})",
                display_base(self.target.collector.client().base_url())
            ),
        }
    }

    /// The node collectors made so far, by node name.
    pub(super) fn node_targets(&self) -> BTreeMap<String, Arc<ServedTarget>> {
        lock(&self.nodes).collectors.clone()
    }

    /// A new collector for a listed node: at its own URL when `node_urls` names one, else
    /// through the target's URL.
    fn make(&self, node: &str, listed: &Listed) -> Arc<ServedTarget> {
        let metrics = observer(&self.name, Some(node), &self.kit.metrics);
        let (client, reach, info) = match self.node_urls.get(node) {
            Some(url) => {
                let config = ClientConfig {
                    url: url.clone(),
                    ..self.client_config.clone()
                };
                let client = Client::with_http(self.http.clone(), &config)
                    .with_observer(metrics)
                    .with_budget(self.kit.budget.clone())
                    .with_log_name(&self.name, Some(node));
                (client, Reach::Direct, TargetInfo::of(&config))
            }
            None => {
                let client = self
                    .target
                    .collector
                    .client()
                    .for_node(node)
                    .with_observer(metrics)
                    .with_log_name(&self.name, Some(node));
                let mut info = TargetInfo::of(&self.client_config);
                if let Some(url) = &listed.url {
                    info.url = url.clone();
                }
                (client, Reach::Proxy, info)
            }
        };
        let scope = NodeScope {
            name: node.to_owned(),
            reach,
        };
        let mut collector =
            Scraper::with_target(client, self.options.clone(), info).with_node(scope);
        let before = lock(&self.inherited).remove(node);
        if let Some(before) = &before {
            collector.adopt_states(&before.collector);
        }
        collector.start_background(true);
        let served = ServedTarget::for_node(&self.name, Some(node), collector);
        if let Some(before) = &before {
            served.inherit_last(before);
        }
        served
    }

    /// Learns the node list from a session of the target's URL.
    pub(super) fn observe_session(&self, info: &SessionInfo) {
        let list = node_list(info);
        let mut nodes = Vec::with_capacity(list.names.len());
        for name in list.names.iter() {
            let entry = info
                .cluster_nodes
                .iter()
                .flatten()
                .find(|n| n.name.eq_ignore_ascii_case(name));
            let url = entry
                .and_then(|n| n.url.as_deref())
                .and_then(|u| Url::parse(u).ok());
            nodes.push((name.clone(), Listed { url }));
        }
        let domain = info.cluster_domain.clone().filter(|_| !nodes.is_empty());
        self.note_left_out(list.left_out());
        self.replace(domain, nodes);
    }

    /// Learns the node list from a scrape: of the target (its session), or of a node (the
    /// session that checked the node, or the answer that it is gone).
    pub(super) fn observe(&self, snapshot: &Snapshot) {
        match &snapshot.session {
            Ok(SessionData {
                node: Some(node), ..
            }) => self.observe_node(node),
            Ok(session) => self.observe_session(&session.info),
            Err(ApiError::NodeNotListed { listed, .. }) if !listed.is_empty() => {
                let domain = lock(&self.nodes)
                    .known
                    .as_ref()
                    .and_then(|k| k.domain.clone());
                self.observe_names(listed, domain);
            }
            Err(ApiError::NodeNotListed { .. }) => self.replace(None, Vec::new()),
            Err(_) => {}
        }
    }

    fn observe_node(&self, node: &NodeSession) {
        self.observe_names(&node.listed, node.cluster_domain.clone());
    }

    /// A list of names only (already kept by [`node_list`]): what was known of each node still
    /// listed is kept.
    fn observe_names(&self, names: &[String], domain: Option<String>) {
        let before = lock(&self.nodes).known.clone();
        let nodes = names
            .iter()
            .map(|name| {
                let listed = before
                    .as_ref()
                    .and_then(|k| k.nodes.get(name).cloned())
                    .unwrap_or(Listed { url: None });
                (name.clone(), listed)
            })
            .collect();
        self.replace(domain, nodes);
    }

    /// Logs what a node list left out, once per change.
    fn note_left_out(&self, left_out: Option<String>) {
        let mut nodes = lock(&self.nodes);
        if nodes.left_out == left_out {
            return;
        }
        match &left_out {
            Some(what) => {
                tracing::warn!(target_name = %self.name, limit = MAX_NODES, "the cluster's node list: {what}");
            }
            None => {
                tracing::info!(target_name = %self.name, "the cluster's node list is kept whole again");
            }
        }
        nodes.left_out = left_out;
    }

    /// Replaces the list (the nodes [`node_list`] keeps: at most [`MAX_NODES`], the node the URL
    /// reaches and the primary among them) and drops the collectors of nodes no longer in it.
    fn replace(&self, domain: Option<String>, listed: Vec<(String, Listed)>) {
        let listed: BTreeMap<String, Listed> = listed.into_iter().take(MAX_NODES).collect();
        let mut nodes = lock(&self.nodes);
        nodes.collectors.retain(|name, _| listed.contains_key(name));
        nodes.known = Some(Known {
            at: Instant::now(),
            domain,
            nodes: listed,
        });
    }
}
