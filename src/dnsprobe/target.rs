//! Where the probes go and whom they trust ([`DnsTarget`]): built once per target, from the
//! configured address or the API URL's host, and the target's TLS settings.

use std::path::Path;
use std::sync::Arc;

use url::{Host, Url};

use crate::tls::{TlsTrust, TrustError};

/// Where the probes go and whom they trust: built once per target (loading the trust reads the
/// system's root certificates).
#[derive(Debug, Clone)]
pub struct DnsTarget {
    host: String,
    trust: Option<Arc<TlsTrust>>,
}

/// Why a [`DnsTarget`] cannot be built: the probes cannot be sent at all.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TargetError {
    /// No address configured, and the API URL has no host.
    #[error("{url} has no host to send DNS probes to: set --collector.dns.address")]
    NoHost {
        /// The API's URL.
        url: Url,
    },
    /// The trust for the encrypted transports cannot be set up (an unusable CA file).
    #[error(transparent)]
    Trust(#[from] TrustError),
}

impl DnsTarget {
    /// The target of a server whose API is at `api_url`: `address` when given, else the URL's
    /// host; with `encrypted` (an encrypted transport is probed), trust as the API client's
    /// (the system roots plus `ca_file`, or none with `insecure_skip_verify`) and the target's
    /// `extra_ca_pem` (the CA its DNS listeners chain to, such as the demo's).
    ///
    /// # Errors
    /// When the URL has no host and no address is given, or a CA is unusable.
    pub fn new(
        api_url: &Url,
        address: Option<&str>,
        encrypted: bool,
        ca_file: Option<&Path>,
        extra_ca_pem: Option<&[u8]>,
        insecure_skip_verify: bool,
    ) -> Result<Self, TargetError> {
        let host = match address {
            Some(a) => a.to_owned(),
            None => match api_url.host() {
                Some(Host::Domain(d)) => d.to_owned(),
                Some(Host::Ipv4(ip)) => ip.to_string(),
                Some(Host::Ipv6(ip)) => ip.to_string(),
                None => {
                    return Err(TargetError::NoHost {
                        url: api_url.clone(),
                    });
                }
            },
        };
        let trust = if encrypted {
            let trust = TlsTrust::with_extra_pem(ca_file, extra_ca_pem, insecure_skip_verify)?;
            Some(Arc::new(trust))
        } else {
            None
        };
        Ok(Self { host, trust })
    }

    /// A target with an explicit host and trust (tests).
    #[must_use]
    pub fn with_trust(host: impl Into<String>, trust: Option<Arc<TlsTrust>>) -> Self {
        Self {
            host: host.into(),
            trust,
        }
    }

    /// The host the probes go to.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The trust of the encrypted transports, when one is set up.
    #[must_use]
    pub fn trust(&self) -> Option<&TlsTrust> {
        self.trust.as_deref()
    }
}
