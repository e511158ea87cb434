//! Logging setup: `tracing` to stderr (stdout stays pure exposition text for `scrape`), as
//! logfmt or JSON, at `--log.level` unless `RUST_LOG` says otherwise; and how a log line names
//! the server it is about ([`LogName`] and the crate-private `log_as!` macro).
//!
//! It knows nothing of the API or of collectors: whoever logs about a server hands it a
//! [`LogName`]. It never sees a token.

use std::io::{self, Write};

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
pub enum LogFormat {
    /// `key=value` lines (the default).
    Logfmt,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    /// The format's name, as `--log.format` spells it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Logfmt => "logfmt",
            Self::Json => "json",
        }
    }
}

/// Whom log lines about a server name: in `serve` the target (and cluster node) as configured,
/// in the other modes the one server by its URL.
#[derive(Debug, Clone, Copy)]
pub struct LogName<'a> {
    target: Option<(&'a str, Option<&'a str>)>,
    server: &'a str,
}

impl<'a> LogName<'a> {
    /// `target` (and node) when `serve` named the server, else the server as messages name it.
    #[must_use]
    pub fn new(target: Option<(&'a str, Option<&'a str>)>, server: &'a str) -> Self {
        Self { target, server }
    }

    /// The configured target and node, when `serve` named them.
    #[must_use]
    pub fn target(&self) -> Option<(&'a str, Option<&'a str>)> {
        self.target
    }

    /// The server as messages name it.
    #[must_use]
    pub fn server(&self) -> &'a str {
        self.server
    }
}

/// Logs at `$level` naming a [`LogName`]: `target_name` and `node` in `serve`, else `server`.
macro_rules! log_as {
    ($name:expr, $level:ident, $($rest:tt)*) => {{
        let name: $crate::logging::LogName<'_> = $name;
        match name.target() {
            Some((target, node)) => tracing::$level!(target_name = %target, node, $($rest)*),
            None => tracing::$level!(server = %name.server(), $($rest)*),
        }
    }};
}
pub(crate) use log_as;

/// Our own lines at `level`, other crates' warnings and errors, except the TLS libraries': a
/// certificate that fails verification is already our error message (once per change), and
/// rustls would log it again at ERROR on every attempt, with its source paths.
fn default_filter(level: Level) -> String {
    format!(
        "warn,rustls=off,rustls_platform_verifier=off,tokio_rustls=off,hickory_proto=error,hickory_net=error,technitium_exporter={}",
        level.as_str()
    )
}

/// Installs the global subscriber; a second call does nothing. A `RUST_LOG` that is not a
/// filter is said once, as a warning, and `level` applies.
pub fn init(level: Level, format: LogFormat) {
    let rust_log = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let (filter, rejected) = match rust_log.as_deref().map(EnvFilter::try_new) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(e)) => (EnvFilter::new(default_filter(level)), Some(e)),
        None => (EnvFilter::new(default_filter(level)), None),
    };
    install(filter, format);
    if let (Some(e), Some(value)) = (rejected, rust_log) {
        tracing::warn!(
            "RUST_LOG={value:?} is not a log filter ({e}): logging as --log.level says; fix or unset RUST_LOG"
        );
    }
}

fn install(filter: EnvFilter, format: LogFormat) {
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Logfmt => registry
            .with(
                tracing_logfmt::builder()
                    .with_target(false)
                    .with_span_name(false)
                    .with_span_path(false)
                    .layer()
                    .with_writer(|| Logfmt(io::stderr())),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_target(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
}

/// stderr for logfmt lines. tracing-logfmt quotes values with Rust's `escape_debug`, which
/// writes `'` as `\'`; logfmt escapes only `"` and `\`, so readers would show the backslash.
/// This turns `\'` back into `'` (an escaped backslash is `\\`, so a real backslash before a
/// quote survives as `\\'`).
struct Logfmt<W>(W);

impl<W: Write> Write for Logfmt<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !buf.windows(2).any(|w| w == b"\\'") {
            return self.0.write(buf);
        }
        let mut out = Vec::with_capacity(buf.len());
        let mut i = 0;
        while i < buf.len() {
            match buf[i] {
                // An escaped backslash: copy both bytes, so its second byte is not read as the
                // start of `\'`.
                b'\\' if buf.get(i + 1) == Some(&b'\\') => {
                    out.extend_from_slice(b"\\\\");
                    i += 2;
                }
                b'\\' if buf.get(i + 1) == Some(&b'\'') => {
                    out.push(b'\'');
                    i += 2;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        self.0.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(s: &str) -> String {
        let mut w = Logfmt(Vec::new());
        let _ = w.write_all(s.as_bytes());
        String::from_utf8(w.0).unwrap_or_default()
    }

    #[test]
    fn quotes_lose_their_backslash_and_backslashes_stay() {
        let quoted = |s: &str| format!("message=\"{}\"\n", s.escape_debug());
        assert_eq!(
            through(&quoted("this target's token")),
            "message=\"this target's token\"\n"
        );
        assert_eq!(through(&quoted(r"a\b")), "message=\"a\\\\b\"\n");
        assert_eq!(through(&quoted(r"a\'b")), "message=\"a\\\\'b\"\n");
        assert_eq!(through("plain"), "plain");
    }
}
