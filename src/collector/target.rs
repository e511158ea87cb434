//! What a collector knows about its target: the session's facts ([`SessionData`], from
//! `session/get`, or for a cluster node from [`super::node`]) and where the server is
//! ([`TargetInfo`], for collectors that talk to it other than through the API).

use std::sync::Arc;

use url::Url;

use super::node::NodeSession;
use crate::technitium::types::{SessionInfo, parse_version};
use crate::technitium::{ClientConfig, Section};

/// The server facts from `session/get`.
#[derive(Debug, Clone)]
pub struct SessionData {
    /// `info` of session/get.
    pub info: SessionInfo,
    /// Parsed `(major, minor)` version, when it parses.
    pub version: Option<(u32, u32)>,
    /// For a per-node collection: the node, and whether `info` holds its own facts.
    pub node: Option<NodeSession>,
}

impl SessionData {
    /// Session facts from `info`.
    #[must_use]
    pub fn new(info: SessionInfo) -> Self {
        Self {
            version: parse_version(&info.version),
            info,
            node: None,
        }
    }

    /// Session facts of a cluster node (see [`super::node`]).
    #[must_use]
    pub fn with_node(info: SessionInfo, node: NodeSession) -> Self {
        Self {
            node: Some(node),
            ..Self::new(info)
        }
    }

    /// Whether `info`'s version, domain, start time and cluster view are the server's own: always,
    /// but for a node reached through another server without Administration: View.
    #[must_use]
    pub fn facts_known(&self) -> bool {
        self.node.as_ref().is_none_or(|n| n.facts)
    }

    /// Whether the server is at least `major`.
    #[must_use]
    pub fn at_least(&self, major: u32) -> bool {
        self.version.is_some_and(|(m, _)| m >= major)
    }

    /// Whether the server is at least `major.minor`.
    #[must_use]
    pub fn at_least_release(&self, major: u32, minor: u32) -> bool {
        self.version.is_some_and(|v| v >= (major, minor))
    }

    /// Whether the token may view `section`.
    #[must_use]
    pub fn can_view(&self, section: Section) -> bool {
        self.info
            .permissions
            .get(section.api_name())
            .is_some_and(|p| p.can_view)
    }

    /// Whether this server is part of an initialised cluster (v14+).
    #[must_use]
    pub fn clustered(&self) -> bool {
        self.at_least(14) && self.info.cluster_initialized == Some(true)
    }
}

/// What a collector may know about its target besides the client: its URL and TLS settings
/// (for collectors that talk to the server other than through the API).
#[derive(Debug, Clone)]
pub struct TargetInfo {
    /// The API's base URL.
    pub url: Url,
    /// Extra CA bundle for TLS.
    pub ca_file: Option<std::path::PathBuf>,
    /// A CA (PEM) the target's DNS listeners chain to, trusted besides the system roots and
    /// `ca_file` (the demo's listeners).
    pub extra_ca_pem: Option<Arc<str>>,
    /// Whether certificate checks are off.
    pub insecure_skip_verify: bool,
}

impl TargetInfo {
    /// The target of a client configuration.
    #[must_use]
    pub fn of(config: &ClientConfig) -> Self {
        Self {
            url: config.url.clone(),
            ca_file: config.ca_file.clone(),
            extra_ca_pem: config.extra_ca_pem.clone(),
            insecure_skip_verify: config.insecure_skip_verify,
        }
    }
}
