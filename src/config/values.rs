//! Checks of single values: URLs, durations, sizes, listen addresses, file and node names. Each
//! says what is wrong in words that name the setting.

use std::time::Duration;

use url::Url;

use super::defaults::{MAX_TIMEOUT, RESPONSE_SIZE_RANGE};
use super::error::ConfigError;
use crate::collector::spec::parse_duration;

/// Parses and checks a Technitium base URL.
///
/// # Errors
/// When it is not an http(s) URL, or carries a query or password (tokens never go in URLs).
pub fn parse_url(s: &str, what: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(s.trim()).map_err(|e| {
        ConfigError::one(format!(
            "{what}: {s:?} is not a URL ({e}); expected e.g. http://dns.lan:5380"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        let hint = if s.contains("://") {
            String::new()
        } else {
            format!(" (write it as http://{})", s.trim())
        };
        return Err(ConfigError::one(format!(
            "{what}: the scheme must be http or https, not {:?}{hint}",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError::one(format!("{what}: {s:?} has no host")));
    }
    if url.query().is_some() || url.password().is_some() {
        return Err(ConfigError::one(format!(
            "{what}: put no query string or password in the URL; pass the token with --technitium.token-file"
        )));
    }
    Ok(url)
}

pub(super) fn duration_setting(s: &str, what: &str) -> Result<Duration, ConfigError> {
    let d = parse_duration(s).map_err(|m| ConfigError::one(format!("{what}: {m}")))?;
    if d.is_zero() {
        return Err(ConfigError::one(format!("{what} must be more than 0s")));
    }
    if d > MAX_TIMEOUT {
        return Err(ConfigError::one(format!(
            "{what} must be at most {}",
            humantime::format_duration(MAX_TIMEOUT)
        )));
    }
    Ok(d)
}

pub(super) fn size_setting(s: &str, what: &str) -> Result<u64, ConfigError> {
    let size = s
        .trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|e| ConfigError::one(format!("{what}: {s:?} is not a size like 64MiB ({e})")))?;
    if !RESPONSE_SIZE_RANGE.contains(&size) {
        return Err(ConfigError::one(format!(
            "{what}: {s:?} is outside {} to {}",
            bytesize::ByteSize(*RESPONSE_SIZE_RANGE.start()),
            bytesize::ByteSize(*RESPONSE_SIZE_RANGE.end())
        )));
    }
    Ok(size)
}

/// Why a `--web.listen-address` value cannot be listened on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListenAddressError {
    /// Not one of the accepted shapes.
    #[error("{0:?} is not :PORT, HOST:PORT or [IPv6]:PORT")]
    Shape(String),
    /// The port is not a port number.
    #[error("{address:?}: the port {port:?} is not a number from 0 to 65535")]
    Port {
        /// The address as given.
        address: String,
        /// Its port part.
        port: String,
    },
}

/// `--web.listen-address` values: `:PORT` (every interface), `HOST:PORT` or `[IPv6]:PORT`.
pub(super) fn check_listen_address(a: &str) -> Result<(), ListenAddressError> {
    let port = match a.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.starts_with('[') => port,
        _ => return Err(ListenAddressError::Shape(a.to_owned())),
    };
    port.parse::<u16>()
        .map(drop)
        .map_err(|_| ListenAddressError::Port {
            address: a.to_owned(),
            port: port.to_owned(),
        })
}

/// `--web.external-url`: an http(s) URL with a host and maybe a path prefix; no credentials,
/// query or fragment (Prometheus gets the address, scheme and path from it). A trailing `/` is
/// dropped.
pub(super) fn external_url(s: &str) -> Result<Url, ConfigError> {
    let what = "--web.external-url";
    let mut url = Url::parse(s.trim()).map_err(|e| {
        ConfigError::one(format!(
            "{what}: {s:?} is not a URL ({e}); expected e.g. https://exporter.lan:9274 or https://mon.lan/technitium"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError::one(format!(
            "{what}: {s:?} must be an http or https URL with a host, e.g. https://exporter.lan:9274"
        )));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(ConfigError::one(format!(
            "{what}: put no user, password, query or fragment in it (Prometheus's http_sd_configs has basic_auth for a protected /sd)"
        )));
    }
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

/// Whether `name` can be a cluster node's name: a host name, lower case (Technitium names a node
/// after its URL's host, lower-cased).
pub(super) fn valid_node_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// Why a name cannot be `textfile`'s output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OutputFileError {
    /// It has a directory in it.
    #[error("give a bare file name; put the directory in --output.dir")]
    NotBare,
    /// It starts with a dot.
    #[error("the name must not start with a dot (hidden files are ours: temp files)")]
    Hidden,
    /// It does not end in `.prom`, or is only that.
    #[error("the name must end in .prom (node_exporter reads only *.prom files)")]
    NotProm,
}

/// A bare file name ending in `.prom` (node_exporter reads only those).
///
/// # Errors
/// What is wrong with the name.
pub fn check_output_file(name: &str) -> Result<(), OutputFileError> {
    if name.contains(['/', '\0']) {
        return Err(OutputFileError::NotBare);
    }
    if name.starts_with('.') {
        return Err(OutputFileError::Hidden);
    }
    match name.strip_suffix(".prom") {
        Some(stem) if !stem.is_empty() => Ok(()),
        _ => Err(OutputFileError::NotProm),
    }
}

/// Whether a target name is usable in `/probe?target=NAME` and in labels.
pub(super) fn valid_target_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}
