//! Logging setup: `tracing` to stderr (stdout stays pure exposition text for `scrape`), as
//! logfmt or JSON, at `--log.level` unless `RUST_LOG` says otherwise.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// How much to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Everything, including each upstream call.
    Trace,
    /// Upstream calls and decisions.
    Debug,
    /// Start, stop, reloads and state changes (the default).
    Info,
    /// Problems the exporter works around.
    Warn,
    /// Problems it cannot work around.
    Error,
}

impl Level {
    /// The level's name, as `--log.level` and `RUST_LOG` spell it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trace => "trace",
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `key=value` lines (the default).
    Logfmt,
    /// One JSON object per line.
    Json,
}

impl Format {
    /// The format's name, as `--log.format` spells it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Logfmt => "logfmt",
            Self::Json => "json",
        }
    }
}

/// Installs the global subscriber; a second call does nothing.
pub fn init(level: Level, format: Format) {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(format!("warn,technitium_exporter={}", level.as_str())));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        Format::Logfmt => registry
            .with(
                tracing_logfmt::builder()
                    .with_target(false)
                    .with_span_name(false)
                    .with_span_path(false)
                    .layer()
                    .with_writer(std::io::stderr),
            )
            .try_init(),
        Format::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_target(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
}
