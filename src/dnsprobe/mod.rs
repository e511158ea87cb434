//! DNS data-plane probes: the transports and what their answers mean, nothing else. The `dns`
//! and `forwarders` collectors own the options, the rows `check` shows and the families; this
//! module only sends queries and classifies what comes back.
//!
//! - [`settings`]: what the probes ask, where and how long they wait ([`DnsSettings`], plain
//!   data, and the [`Transport`]s);
//! - [`target`]: where the probes go and whom they trust ([`DnsTarget`], with
//!   [`crate::tls`]'s trust, which `check` shares);
//! - [`wire`]: the query, TCP framing, and the checks every answer passes on every transport;
//! - [`transport`]: the pieces of UDP, TCP, DoT, DoH and (with the `dns-quic` feature) DoQ;
//! - [`channel`]: queries over one transport to one listener, keeping the connection between
//!   them ([`Channel`]);
//! - [`classify`]: a transport failure as a [`ProbeError`], and the blocked name's verdict;
//! - [`probe`]: [`probe_all`] sends one query per configured transport concurrently, each
//!   bounded by its timeout and the scrape deadline, and returns a [`DnsData`];
//! - [`forwarder`]: one `dnsClient/resolve` per forwarder through the server's own DNS client
//!   ([`probe_forwarders`]), and what each answer means;
//! - [`rcode`]: response codes as labels.
//!
//! A failed probe is data, never a failed scrape: `technitium_up` stays "the API answered".

pub mod channel;
pub mod classify;
mod failure;
pub mod forwarder;
pub mod probe;
pub mod rcode;
pub mod settings;
pub mod target;
pub mod transport;
pub mod wire;

pub use channel::Channel;
pub use classify::{ProbeError, shown};
pub use forwarder::{ForwarderResult, ForwarderSettings, ForwardersData, probe_forwarders};
pub use probe::{BlockingResult, DnsData, ProbeResult, ResponseSummary, probe_all};
pub use rcode::{rcode_from_label, rcode_label};
pub use settings::{BlockedCheck, BlockingAnswer, DnsSettings, Transport};
pub use target::{DnsTarget, TargetError};
