//! Why a query failed, in the transport's terms ([`TransportFailure`]): what the transports,
//! the answer checks and the channel return, and what [`super::classify`] turns into a
//! [`super::ProbeError`].

use std::io;

use hickory_net::NetError;

/// Why a query failed, in the transport's terms.
pub(super) enum TransportFailure {
    /// The address did not resolve.
    Resolve(String),
    /// A socket error (connect, send, receive, the TLS handshake).
    Io(io::Error),
    /// The server closed the connection before any byte of the answer.
    Closed,
    /// DoQ: hickory-net's error.
    Net(NetError),
    /// DoH: the HTTP client's error (without its URL).
    Http(reqwest::Error),
    /// DoH: a non-2xx status.
    HttpStatus(u16),
    /// An answer that is not one: not a DNS message, another id or question, cut off.
    BadAnswer(String),
    /// No trust was set up for an encrypted transport (a wiring bug).
    NoTrust,
    /// The TLS configuration could not be made.
    Setup(String),
}
