//! The API token: from the flags, the environment, the config file, `--demo` or the systemd
//! credential, in that order; token files are one line.

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;

use super::defaults::CREDENTIAL_NAME;
use super::error::ConfigError;
use super::file::FileTarget;
use crate::cli::GlobalArgs;
use crate::technitium::Secret;
use crate::technitium::local_file::{self, FileKind, FileProblem};

/// The token in a token file's text: surrounding whitespace and a UTF-8 byte-order mark
/// removed; `None` when there is none.
///
/// # Errors
/// When the text has more than one line (a token is one line).
fn token_in(text: &str, path: &Path) -> Result<Option<Secret>, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.lines().count() > 1 {
        return Err(ConfigError::one(format!(
            "token file {} has more than one line: put only the token in it",
            path.display()
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(ConfigError::one(format!(
            "token file {} has a control character (a NUL, a tab…) in its line: put only the token in it",
            path.display()
        )));
    }
    Ok(Some(Secret::new(text)))
}

/// Reads a token file.
///
/// # Errors
/// When it cannot be read, is empty or has more than one line.
pub fn read_token_file(path: &Path) -> Result<Secret, ConfigError> {
    let text = local_file::read_text(path, local_file::TOKEN_FILE)
        .map_err(|e| ConfigError::one(e.to_string()))?;
    token_in(&text, path)?
        .ok_or_else(|| ConfigError::one(format!("token file {} is empty", path.display())))
}

/// A token given as a value: one without a control character (it goes in an HTTP header).
fn literal(token: &Secret, origin: &str) -> Result<Option<Secret>, ConfigError> {
    if token.expose().chars().any(char::is_control) {
        return Err(ConfigError::one(format!(
            "{origin} has a control character (a NUL, a newline, a tab…): give only the token"
        )));
    }
    Ok(Some(token.clone()))
}

/// Whether a value was given on the command line (not by its environment variable).
fn from_cli(matches: &ArgMatches, id: &str) -> bool {
    matches.value_source(id) == Some(ValueSource::CommandLine)
}

/// The token from the highest layer that has one: flags, environment, the file, the demo's,
/// then the systemd credential.
pub(super) fn resolve_token(
    args: &GlobalArgs,
    matches: &ArgMatches,
    file: &FileTarget,
    demo: Option<&Secret>,
) -> Result<Option<Secret>, ConfigError> {
    let (lit, path) = (args.token.as_ref(), args.token_file.as_deref());
    let (lit_cli, path_cli) = (from_cli(matches, "token"), from_cli(matches, "token_file"));
    // Flags, then environment: a literal and a file in the same layer is ambiguous.
    for cli_layer in [true, false] {
        let lit = lit.filter(|_| lit_cli == cli_layer);
        let path = path.filter(|_| path_cli == cli_layer);
        let layer = if cli_layer { "flags" } else { "environment" };
        match (lit, path) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::one(format!(
                    "both a token and a token file are given in the {layer}: keep one (prefer the file)"
                )));
            }
            (Some(t), None) => return literal(t, &format!("the token given in the {layer}")),
            (None, Some(p)) => return read_token_file(p).map(Some),
            (None, None) => {}
        }
    }
    match (&file.token, &file.token_file) {
        (Some(_), Some(_)) => Err(ConfigError::one(
            "config file: [technitium] has both token and token_file: keep one",
        )),
        (Some(t), None) => literal(t, "config file: [technitium] token"),
        (None, Some(p)) => read_token_file(p).map(Some),
        (None, None) => match demo {
            Some(t) => Ok(Some(t.clone())),
            None => credential_token(),
        },
    }
}

/// The systemd credential, used only when no other source is given. The packaged unit passes
/// an empty credential until the admin writes a token: that is "no token yet" (up 0,
/// invalid_token), not a configuration error.
fn credential_token() -> Result<Option<Secret>, ConfigError> {
    let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") else {
        return Ok(None);
    };
    let path = PathBuf::from(dir).join(CREDENTIAL_NAME);
    let credential = FileKind {
        what: "systemd credential",
        ..local_file::TOKEN_FILE
    };
    match local_file::read_text(&path, credential) {
        Ok(text) => token_in(&text, &path),
        Err(e) if matches!(e.problem, FileProblem::NotFound(_)) => Ok(None),
        Err(e) => Err(ConfigError::one(e.to_string())),
    }
}
