//! What to try next when the API answered with an error: one hint per kind of failure, shared by
//! the target's steps and its nodes' rows.

use crate::technitium::ApiError;

/// What to try next when session/get (of the target, or of a node) failed with `e`.
pub(super) fn api_error_hint(e: &ApiError) -> String {
    let hint = match e {
        ApiError::MissingToken { .. } => {
            "pass --technitium.token-file PATH (or TECHNITIUM_TOKEN_FILE, or the systemd credential technitium-token)"
        }
        ApiError::InvalidToken { .. } => {
            "use a non-expiring API token (a login session's token expires), and check that the token file holds only the token"
        }
        ApiError::TwoFactorRequired { .. } => "API tokens are not asked for a two-factor code",
        ApiError::PermissionDenied { .. } => {
            "grant the token's user the View permission under Administration → Groups"
        }
        ApiError::Api { .. } | ApiError::Internal { .. } => "the server's log says more",
        ApiError::ParameterNotAllowed { .. } => "a bug in the exporter: please report it",
        ApiError::Unreachable { proxy: Some(_), .. } | ApiError::Timeout { proxy: Some(_), .. } => {
            "the DNS and TCP steps above connect directly, but requests go through the proxy: check it, or list the host in NO_PROXY"
        }
        ApiError::Unreachable { .. } => {
            "check the URL's host and port: the web console listens on 5380 (http) or 53443 (https)"
        }
        ApiError::Timeout { .. } => "raise --technitium.timeout, or check the server's load",
        ApiError::BadResponse { .. } => {
            "the answer did not come from Technitium's API: is a reverse proxy in front of it?"
        }
        ApiError::HttpStatus { .. } => {
            "the answer did not come from Technitium's API: is --technitium.url the web console, and is a reverse proxy in front of it?"
        }
        ApiError::TooLarge { .. } | ApiError::OverBudget { .. } | ApiError::TooMuchData { .. } => {
            "raise --technitium.max-response-size if the server really has that much"
        }
        ApiError::NodeUnreachable { .. } => {
            "the node is down, or the server asked cannot reach its web service: Administration → Cluster on that server shows each node's state"
        }
        ApiError::NodeNotListed { .. } => {
            "the cluster no longer lists this node: remove it from node_urls, or check Administration → Cluster"
        }
        ApiError::WrongNode { hint, .. } => hint,
    };
    hint.to_owned()
}
