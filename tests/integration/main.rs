//! The integration tests, as one test binary (as ripgrep and fd do): one module per area, the
//! shared helpers in `common`. Everything talks to real servers on loopback: wiremock playing
//! Technitium, raw TCP listeners for broken answers, and the built binary for the CLI.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod auth;
mod check;
mod cli;
mod client_errors;
mod collectors;
mod config;
mod fleet;
mod generated;
mod golden;
mod secrets;
mod serve;
mod textfile;
