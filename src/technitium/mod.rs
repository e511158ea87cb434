//! Client for Technitium DNS Server's HTTP API: typed requests and responses, typed errors.
//!
//! This is the library's HTTP layer: it knows nothing of the command line or of metrics. Its
//! files, each using only the ones listed before it (this file only re-exports them):
//! - [`section`], [`secret`], [`range`]: permission sections, the token, the only range a
//!   `type=Custom` call can ask for (upstream #1975);
//! - [`budget`]: the memory budget shared by a process's calls (bodies being read, and what
//!   they parsed into while a scrape keeps it);
//! - [`meter`]: what an answer's lists parse into, counted as they are parsed;
//! - [`types`]: the API's shapes (their lists parsed through `meter`);
//! - [`endpoints`]: the allowlist, one row per endpoint (path, parameters, permission section);
//! - [`error`]: [`ApiError`], one message per way a call fails;
//! - [`local_file`]: the config, token and CA files, read bounded (regular files only, a size
//!   cap, a timeout);
//! - [`redact`]: what text about a server may leave the client (token removed, short lines);
//! - [`observe`]: who hears of each call and what (never the token): a client's observer, and
//!   a recorder for the calls of one piece of work (`serve`'s debug output);
//! - [`transport`]: the HTTP client and one call, from endpoint and parameters to typed answer;
//! - [`auth`]: how the token goes out (Bearer header or, before v15, query parameter);
//! - [`client`]: [`Client`] and its typed API methods.
//!
//! Safety rules the folder owns:
//! - only the paths of [`Endpoint`] can be requested, all read-only, and each only with its own
//!   fixed set of query parameters ([`Endpoint::params`], checked where every request is built):
//!   `dnsClient/resolve` also takes `import=true`, which writes zones, and can never be sent it;
//! - the token goes in an `Authorization: Bearer` header, or, for servers before v15 that ignore
//!   the header, in the `token` query parameter, learned once per client ([`AuthMode::Auto`]);
//! - request URLs never reach an error or a log line: `reqwest` errors lose the URL in
//!   `transport.rs`, and messages name the server by its base URL or configured name;
//! - [`Secret`] never prints its content.

pub mod auth;
pub mod budget;
pub mod client;
pub mod endpoints;
pub mod error;
pub mod local_file;
pub mod meter;
pub mod observe;
pub mod range;
pub mod redact;
pub mod secret;
pub mod section;
pub mod transport;
pub mod types;

pub use auth::AuthMode;
pub use budget::{Charge, ResponseBudget};
pub use client::{Client, ClientConfig};
pub use endpoints::{Endpoint, Payload, TopKind, Window};
pub use error::{ApiError, Reason};
pub use observe::{Call, CallEnd, CallLog, Carrier, Recorded, RequestObserver, recording};
pub use range::{CustomRange, RangeError};
pub(crate) use redact::shorten;
pub use redact::{display_base, proxy_for};
pub use secret::Secret;
pub use section::Section;
pub use transport::{
    CA_AS_SERVER_CERTIFICATE, CA_AS_SERVER_CERTIFICATE_HINT, ClientBuildError, http_client,
    is_ca_used_as_end_entity,
};
