//! The integration tests, as one test binary (as ripgrep and fd do): one module per area, the
//! shared helpers in `common`. Everything talks to real servers on loopback: wiremock playing
//! Technitium, raw TCP listeners for broken answers, and the built binary for the CLI.

// Tests compare small counts and Unix times as f64 sample values: the casts are exact here.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// A scenario reads best as one function; clippy.toml's 65-line limit is for src/.
#![allow(clippy::too_many_lines)]
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

mod common;

mod auth;
mod check;
mod cli;
mod client_errors;
mod collectors;
mod config;
mod counters;
mod dns_collector;
mod dns_probe;
mod docs;
mod files;
mod fleet;
mod forwarders;
mod generated;
mod golden;
mod hardening;
mod kubernetes;
mod latency;
mod minutes;
mod protobuf;
mod secrets;
mod serve;
mod state_file;
mod status;
mod textfile;
mod v15_6;
