//! What the status page keeps of a target's last served scrape ([`LastScrape`]): a summary
//! made when the response is built, never the scrape's data. Its size is bounded: one row per
//! failed collector (the registry's collectors at most), each error cut to [`ERROR_CHARS`].

use std::time::{Duration, Instant};

use crate::collector::{CollectError, Outcome, Snapshot};

/// Most characters of an error kept (the messages are already free of the token).
pub(super) const ERROR_CHARS: usize = 400;

/// A failed collector of the last scrape.
#[derive(Debug, Clone)]
pub(super) struct Failure {
    /// The collector (`session` when the server was down).
    pub(super) collector: &'static str,
    /// Why, as a label: a `technitium_scrape_error` reason, `deadline`, `no_permission`, …
    pub(super) reason: &'static str,
    /// The error, cut to [`ERROR_CHARS`].
    pub(super) error: String,
}

/// The last scrape of one target (or cluster node) that was served.
#[derive(Debug, Clone)]
pub(super) struct LastScrape {
    /// When it was served.
    pub(super) at: Instant,
    /// `technitium_up`.
    pub(super) up: bool,
    /// Why `up` is 0.
    pub(super) reason: Option<&'static str>,
    /// What the request waited (`technitium_scrape_duration_seconds`).
    pub(super) duration: Duration,
    /// The collectors that failed, the session first.
    pub(super) failed: Vec<Failure>,
    /// Whether a `debug=true` request made it.
    pub(super) debug: bool,
}

impl LastScrape {
    /// The summary of `snapshot`, served after `waited`.
    pub(super) fn of(snapshot: &Snapshot, waited: Duration, debug: bool) -> Self {
        let failed = snapshot
            .reports()
            .filter(|r| r.outcome.is_failure())
            .map(|r| Failure {
                collector: r.name(),
                reason: reason(&r.outcome),
                error: cut(&r.outcome.describe()),
            })
            .collect();
        Self {
            at: Instant::now(),
            up: snapshot.up(),
            reason: snapshot.session.as_ref().err().map(|e| e.reason().as_str()),
            duration: waited,
            failed,
            debug,
        }
    }
}

/// A failed outcome as a short label.
pub(super) fn reason(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Failed(CollectError::Api(e)) => e.reason().as_str(),
        Outcome::Failed(CollectError::Probe { .. }) => "dns_probe",
        Outcome::Failed(CollectError::Unusable { .. }) => "bad_response",
        Outcome::Failed(CollectError::Internal { .. }) => "internal",
        Outcome::DeadlineExceeded => "deadline",
        Outcome::NoPermission(_) => "no_permission",
        Outcome::Success => "success",
        // A fetch's NotApplicable becomes Outcome::NotApplicable in the scraper.
        Outcome::NotApplicable(_) | Outcome::Failed(CollectError::NotApplicable { .. }) => {
            "not_applicable"
        }
    }
}

/// At most [`ERROR_CHARS`] characters of `text`, an ellipsis marking a cut.
fn cut(text: &str) -> String {
    if text.chars().count() <= ERROR_CHARS {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(ERROR_CHARS).collect();
    kept.push('…');
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::technitium::ApiError;

    #[test]
    fn a_down_scrape_keeps_its_reason_and_a_short_error() {
        let error = ApiError::BadResponse {
            server: "target dns2".to_owned(),
            endpoint: "/api/user/session/get",
            detail: "x".repeat(2 * ERROR_CHARS),
        };
        let seen = LastScrape::of(
            &Snapshot::failed(error, Duration::ZERO),
            Duration::ZERO,
            false,
        );
        assert!(!seen.up);
        assert_eq!(seen.reason, Some("bad_response"));
        assert_eq!(seen.failed.len(), 1);
        assert_eq!(seen.failed[0].collector, "session");
        assert_eq!(seen.failed[0].error.chars().count(), ERROR_CHARS + 1);
    }
}
