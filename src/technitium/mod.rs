//! Client for Technitium DNS Server's HTTP API: typed requests and responses, typed errors.

pub mod client;
pub mod error;
pub mod types;

pub use client::{
    AuthMode, Client, ClientConfig, Endpoint, RequestObserver, Secret, TopKind, Window,
};
pub use error::{ApiError, Reason};
