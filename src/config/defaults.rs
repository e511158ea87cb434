//! Every default of the configuration, once (collector options' defaults live in each
//! collector's settings), and the limits settings are checked against.

use std::time::Duration;

use crate::logging;

/// Default Technitium URL.
pub const DEFAULT_URL: &str = "http://localhost:5380";
/// Default upstream timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest accepted timeout: deadlines are computed from it, and a scrape that waits
/// longer than this has lost its purpose.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// Default response size cap.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 64 * 1024 * 1024;
/// The accepted range of `--technitium.max-response-size`.
pub const RESPONSE_SIZE_RANGE: std::ops::RangeInclusive<u64> = 1024..=1024 * 1024 * 1024;
/// Default listen address (Go style: every interface).
pub const DEFAULT_LISTEN: &str = ":9274";
/// Default path of the exporter's metrics.
pub const DEFAULT_TELEMETRY_PATH: &str = "/metrics";
/// Where Debian's node_exporter reads textfiles.
pub const DEFAULT_OUTPUT_DIR: &str = "/var/lib/prometheus/node-exporter";
/// The default textfile name.
pub const DEFAULT_OUTPUT_FILE: &str = "technitium.prom";
/// Default log level.
pub const DEFAULT_LOG_LEVEL: logging::Level = logging::Level::Info;
/// Default log format.
pub const DEFAULT_LOG_FORMAT: logging::LogFormat = logging::LogFormat::Logfmt;
/// Name of the systemd credential holding the token.
pub const CREDENTIAL_NAME: &str = "technitium-token";
