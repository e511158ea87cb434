//! `--demo`: a simulated Technitium server on a random loopback port.
//!
//! It answers the exporter's allowlisted endpoints from the same typed structures the client
//! parses (`technitium::types`), so the two cannot drift apart. Numbers are realistic and move
//! slowly with the clock. Query stats are kept per minute as the server keeps them: `LastHour`
//! and short `Custom` ranges answer integer minute buckets (a minute reads 0 until 10 s after it
//! ends, like the server's maintenance lag) whose sums are the window totals and the query-type
//! and protocol charts, so the derived counters move and pass their cross-check; some zones are
//! in trouble, a three-node cluster has one unreachable node (v14+), DHCP scopes have leases.
//! The token has every permission. Version behaviour follows the real servers: before v15 the
//! Bearer header is ignored (query token only), v14+ adds the `server` envelope key and
//! clusters, v15+ adds lifetime counters, 15.6 (the default) the health check and `/api/status`
//! (which needs no token, nor the health check from loopback), node versions in the node list
//! (`dns2` one minor version behind), no local zones in the zone list, catalog members whose
//! copies on `dns2` report notify failed (upstream #2066) and 15.6's settings fields.
//!
//! The cluster answers per node, as a real one does through one URL (v15.2's
//! `WebServiceApiMiddleware`): `node=` names the node a call is proxied to, except
//! `session/get`, which the contacted server (`dns1`, the primary) always answers itself.
//! `dns2` (a secondary one minor version older) answers as itself: its own version and cluster
//! view, secondary copies of `dns1`'s primary zones (one of them a few serials behind), fewer
//! queries, no DHCP. `dns3` is unreachable: its calls fail the way the contacted server fails a
//! proxied request whose connection is refused (HTTP 200, `status: error`, the error written
//! by — and naming — the contacted server). An unknown node gets the server's "No such node
//! exists in the Cluster" error.
//!
//! Its files, each using only the ones listed before it (this file only re-exports them):
//! - [`world`]: the fixed facts (versions, the nodes, their names and start times);
//! - [`traffic`]: the per-minute query counts and every stats answer made from them;
//! - [`objects`]: the synthetic objects (session, cluster view, zones, DHCP, settings);
//! - [`api`]: the HTTP server that answers the API from them;
//! - [`responder`]: a small DNS server on loopback, also used by the tests;
//! - [`dns`]: the demo's DNS listeners on it, with the certificate in `certs/`;
//! - [`layer`]: the server and the listeners started together, and what they give the
//!   configuration (its `--demo` layer, just above the defaults).
//!
//! The demo never contacts anything but loopback, and its token and certificate are not
//! secrets.

pub mod api;
pub mod dns;
pub mod layer;
pub mod objects;
pub mod responder;
pub mod traffic;
pub mod world;

pub use api::{DELAY_ENV, Demo, PRINT_ENV, start};
pub use dns::{DEMO_BLOCKED_NAME, DEMO_DNS_CA_PEM, DemoDns, demo_dns_answer, start_dns};
pub use layer::{RunningDemo, start_all};
pub use objects::DEMO_FORWARDERS;
pub use world::DemoVersion;
