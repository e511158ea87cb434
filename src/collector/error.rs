//! What can go wrong when a collector fetches ([`CollectError`]): an API call, the DNS probes,
//! the collector's own reading of an answer, or a bug. Kept apart so that each reads as what it
//! is: only an API call's failure talks about tokens, URLs and the web console.

use crate::dnsprobe::TargetError;
use crate::technitium::ApiError;

/// Why a collector got no data this scrape (it then reads `technitium_scrape_collector_success
/// 0`; its families are left out).
#[derive(Debug, Clone, thiserror::Error)]
pub enum CollectError {
    /// An API call failed (its message, unchanged).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The DNS probes cannot be sent at all: no host to send them to, or no usable trust for
    /// the encrypted transports. (A probe that fails is data, not an error.)
    #[error("{server}: the DNS probes cannot be sent: {error}")]
    Probe {
        /// Base URL of the server.
        server: String,
        /// Why.
        error: TargetError,
    },
    /// The server answered, but with data the collector cannot use (a per-minute chart of
    /// another shape than the one asked for).
    #[error("{server} answered {endpoint} with {detail}; the collector cannot use it")]
    Unusable {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// What is wrong with the data.
        detail: String,
    },
    /// What the collector reads turned out to be missing on this server although its version
    /// says it should be there (an unknown API path): the collector does not apply, which is not
    /// a failure (no success series, "not applicable" in `check`).
    #[error("not applicable: {why}")]
    NotApplicable {
        /// Why, for people.
        why: &'static str,
    },
    /// A bug in the exporter (it never happens; it exists so a bug fails one collector instead
    /// of the process).
    #[error("internal error: {what}; please report it")]
    Internal {
        /// What went wrong.
        what: &'static str,
    },
}

impl CollectError {
    /// The API call's error, when an API call failed.
    #[must_use]
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_error_reads_as_itself_and_the_others_do_not_pose_as_one() {
        let api = ApiError::InvalidToken {
            server: "http://dns:5380".to_owned(),
        };
        let e = CollectError::from(api.clone());
        assert_eq!(e.to_string(), api.to_string());
        assert!(e.api().is_some());
        let url = url::Url::parse("unix:/run/technitium.sock").ok();
        let probe = url.map(|url| CollectError::Probe {
            server: "http://dns:5380".to_owned(),
            error: TargetError::NoHost { url },
        });
        let text = probe.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(text.contains("set --collector.dns.address"), "{text}");
        assert!(!text.contains("web console"), "{text}");
        assert!(probe.is_some_and(|p| p.api().is_none()));
    }
}
