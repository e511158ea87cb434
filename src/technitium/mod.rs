//! Client for Technitium DNS Server's HTTP API: typed requests and responses, typed errors.
//!
//! This is the library's HTTP layer: it knows nothing of the command line or of metrics.

pub mod client;
pub mod error;
pub mod section;
pub mod types;

pub use client::{
    AuthMode, Client, ClientBuildError, ClientConfig, Endpoint, RequestObserver, ResponseBudget,
    Secret, TopKind, Window,
};
pub use error::{ApiError, Reason};
pub use section::Section;
