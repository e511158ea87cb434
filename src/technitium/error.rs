//! Typed errors of the Technitium client.
//!
//! Every message names the server by its base URL (never with a token: the token is never part
//! of the base URL, and request URLs, which may hold `?token=` on old servers, never reach a
//! message) and says what a person can do about it.

use std::time::Duration;

use super::section::Section;

/// The reason label of `technitium_scrape_error{reason}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// DNS, TCP or TLS failed.
    Unreachable,
    /// No complete answer in time.
    Timeout,
    /// The token was rejected (or none was configured).
    InvalidToken,
    /// The token's user needs a TOTP code (a session token, not an API token).
    TwoFactorRequired,
    /// An HTTP status other than 2xx.
    HttpError,
    /// Not Technitium's JSON, cut short, or too large.
    BadResponse,
    /// Technitium answered `status: error`.
    ApiError,
}

impl Reason {
    /// The label value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unreachable => "unreachable",
            Self::Timeout => "timeout",
            Self::InvalidToken => "invalid_token",
            Self::TwoFactorRequired => "two_factor_required",
            Self::HttpError => "http_error",
            Self::BadResponse => "bad_response",
            Self::ApiError => "api_error",
        }
    }
}

/// What went wrong with one API call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// Could not connect (DNS, TCP, TLS).
    #[error(
        "cannot reach {server} ({endpoint}){}: {detail}; check {} and that the server is running{}",
        through(proxy.as_deref()), url_setting(server), proxy_hint(proxy.as_deref())
    )]
    Unreachable {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// The transport's own words, without any URL.
        detail: String,
        /// The proxy the request went through (from the environment), for people.
        proxy: Option<String>,
    },
    /// No complete answer in time.
    #[error("{server} did not answer {endpoint} within {}{}; raise --technitium.timeout or check the server's load{}", humantime::format_duration(*.timeout), through(proxy.as_deref()), proxy_hint(proxy.as_deref()))]
    Timeout {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// The limit that was hit.
        timeout: Duration,
        /// The proxy the request went through (from the environment), for people.
        proxy: Option<String>,
    },
    /// No token configured.
    #[error(
        "no API token configured for {server}: create one under Administration → Sessions → Create Token and pass it with --technitium.token-file (or TECHNITIUM_TOKEN_FILE)"
    )]
    MissingToken {
        /// Base URL of the server.
        server: String,
    },
    /// `invalid-token`.
    #[error(
        "token rejected by {server}: create an API token under Administration → Sessions → Create Token (session tokens expire)"
    )]
    InvalidToken {
        /// Base URL of the server.
        server: String,
    },
    /// `2fa-required`.
    #[error(
        "{server} requires a two-factor code for this token's user: use a non-expiring API token (Administration → Sessions → Create Token) instead of a login session"
    )]
    TwoFactorRequired {
        /// Base URL of the server.
        server: String,
    },
    /// Non-2xx HTTP status.
    #[error("{server} answered {endpoint} with HTTP {status}{hint}")]
    HttpStatus {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// The status code.
        status: u16,
        /// Extra advice for well-known statuses.
        hint: &'static str,
    },
    /// The body was not what Technitium sends.
    #[error(
        "{server} answered {endpoint} with {detail}; does {} point at the Technitium web console (default port 5380)?",
        url_setting(server)
    )]
    BadResponse {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// What was wrong with it.
        detail: String,
    },
    /// The body exceeded the size cap.
    #[error("{server} sent more than {} for {endpoint}; raise --technitium.max-response-size if this server really has that much", bytesize::ByteSize(*.limit))]
    TooLarge {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// The cap in bytes.
        limit: u64,
    },
    /// The responses in flight at once would exceed the exporter's memory budget.
    #[error("{server} sent too much at once for {endpoint}: responses being read together would exceed the exporter's memory budget of {}; scrape fewer windows or targets at once, or raise --technitium.max-response-size (the budget is twice it)", bytesize::ByteSize(*.budget))]
    OverBudget {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// The budget in bytes.
        budget: u64,
    },
    /// What a body parses into would exceed what is left of the exporter's memory budget.
    #[error("{server} answered {endpoint} with lists that parse into more than the {} left of the exporter's memory budget of {}; if the server really has that much, raise --technitium.max-response-size (the budget is twice it), or scrape fewer windows or targets at once", bytesize::ByteSize(*.room), bytesize::ByteSize(*.budget))]
    TooMuchData {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// Bytes of the budget that were left for what the body parses into.
        room: u64,
        /// The budget in bytes.
        budget: u64,
    },
    /// `status: error` with "Access was denied.".
    #[error(
        "the token may not read {endpoint} on {server} (access denied): grant {} to the token's user under Administration → Groups",
        section.map_or_else(|| "the View permission this call needs".to_owned(), |s| format!("{}: View", s.api_name()))
    )]
    PermissionDenied {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// The permission section the endpoint needs, when known.
        section: Option<Section>,
    },
    /// A bug in the exporter (it never happens; it exists so a bug fails one collector instead
    /// of the process).
    #[error("internal error: {what}; please report it")]
    Internal {
        /// What went wrong.
        what: &'static str,
    },
    /// A request with a query parameter its endpoint does not allow was refused before sending
    /// (a bug in the exporter: nothing was sent).
    #[error(
        "refused to send {param:?} to {endpoint} on {server}: not one of the endpoint's allowed parameters (nothing was sent; please report this bug)"
    )]
    ParameterNotAllowed {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// The refused parameter's name.
        param: String,
    },
    /// A call proxied to a cluster node (`node=`) failed on the way: the contacted server
    /// answered for the node that it could not reach it.
    #[error(
        "{server}: the contacted server could not reach the node for {endpoint} ({detail}); check that the node runs and that the other nodes reach its web service port (Administration → Cluster shows each node's state)"
    )]
    NodeUnreachable {
        /// The node, and the server it was asked through.
        server: String,
        /// The node's name.
        node: String,
        /// API path.
        endpoint: &'static str,
        /// The contacted server's message (trimmed and shortened).
        detail: String,
    },
    /// The node asked for is not one the server's cluster lists (any more).
    #[error(
        "{node} is not a node of the cluster {server} belongs to{}: use a node name from its list (Administration → Cluster)",
        listed_nodes(listed)
    )]
    NodeNotListed {
        /// Base URL of the server asked.
        server: String,
        /// The node asked for.
        node: String,
        /// The nodes the server listed, when known.
        listed: Vec<String>,
    },
    /// The answer for a node came from another server.
    #[error("{server} answered as {found}, not as node {node}: {hint}")]
    WrongNode {
        /// The node, and how it was reached.
        server: String,
        /// The node asked for.
        node: String,
        /// The server that answered (its domain).
        found: String,
        /// What to check.
        hint: &'static str,
    },
    /// `status: error` with another message.
    #[error("{server} reported an error for {endpoint}: {message}")]
    Api {
        /// Base URL of the server.
        server: String,
        /// API path.
        endpoint: &'static str,
        /// The server's message (trimmed and shortened).
        message: String,
    },
}

fn listed_nodes(listed: &[String]) -> String {
    match listed {
        [] => String::new(),
        nodes => format!(" (its nodes: {})", nodes.join(", ")),
    }
}

fn through(proxy: Option<&str>) -> String {
    proxy.map(|p| format!(" through {p}")).unwrap_or_default()
}

/// Where the server's URL was set: `serve` names its configured targets and nodes
/// ([`crate::technitium::Client::with_log_name`]), whose URLs are in the config file.
fn url_setting(server: &str) -> &'static str {
    if server.starts_with("target ") {
        "the target's url in the config file"
    } else if server.starts_with("node ") {
        "the target's url (or its node_urls entry) in the config file"
    } else {
        "--technitium.url"
    }
}

fn proxy_hint(proxy: Option<&str>) -> &'static str {
    if proxy.is_some() {
        ", and that the proxy works (or list the host in NO_PROXY)"
    } else {
        ""
    }
}

impl ApiError {
    /// The `technitium_scrape_error` reason for this error.
    #[must_use]
    pub fn reason(&self) -> Reason {
        match self {
            Self::Unreachable { .. } | Self::NodeUnreachable { .. } => Reason::Unreachable,
            Self::Timeout { .. } => Reason::Timeout,
            Self::MissingToken { .. } | Self::InvalidToken { .. } => Reason::InvalidToken,
            Self::TwoFactorRequired { .. } => Reason::TwoFactorRequired,
            Self::HttpStatus { .. } => Reason::HttpError,
            Self::BadResponse { .. }
            | Self::TooLarge { .. }
            | Self::OverBudget { .. }
            | Self::TooMuchData { .. }
            | Self::Internal { .. }
            | Self::WrongNode { .. } => Reason::BadResponse,
            Self::PermissionDenied { .. }
            | Self::Api { .. }
            | Self::ParameterNotAllowed { .. }
            | Self::NodeNotListed { .. } => Reason::ApiError,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_denied_call_names_the_permission_or_says_it_is_the_one_the_call_needs() {
        let denied = |section| ApiError::PermissionDenied {
            server: "http://dns:5380".to_owned(),
            endpoint: "/api/zones/list",
            section,
        };
        let named = denied(Some(Section::Zones)).to_string();
        assert!(
            named.contains("grant Zones: View to the token's user"),
            "{named}"
        );
        let unknown = denied(None).to_string();
        assert!(
            unknown.contains("grant the View permission this call needs to the token's user"),
            "{unknown}"
        );
        assert!(
            !unknown.contains("needed: View"),
            "the hostile run's wording: {unknown}"
        );
    }
}
