//! technitium-exporter: a Prometheus exporter for Technitium DNS Server.
//!
//! Data flow, the same for every mode:
//! `cli` → [`config::Config`] → [`technitium::Client`] → [`collector::Scraper::collect`]
//! (API calls run concurrently) → [`collector::Snapshot`] → [`collector::families`] through
//! the [`exposition`] encoder (text 0.0.4, OpenMetrics, JSON, protobuf), or [`render`]'s table
//! → a sink (HTTP response, stdout, atomic file).
//!
//! Dependencies point down: `app` (the dispatch) → the modes (`serve`, `scrape`, `textfile`,
//! `check`) → `config` → `cli` → `collector` → `technitium` and `exposition` (leaves).
//!
//! The library is usable without the binary: build a [`technitium::Client`], wrap it in a
//! [`collector::Scraper`], and encode its snapshots ([`collector::encode`]).

pub mod app;
pub mod check;
pub mod cli;
pub mod collector;
pub mod config;
pub mod demo;
pub mod dnsprobe;
pub mod exit;
pub mod exposition;
pub mod logging;
pub mod render;
pub mod scrape;
pub mod serve;
pub mod technitium;
pub mod textfile;
pub mod tls;
pub mod web;
