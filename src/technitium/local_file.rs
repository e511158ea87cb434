//! Reading the small local files the exporter is configured with (the config file, token
//! files, CA bundles): only regular files, at most a size that fits what each holds, and never
//! for longer than [`READ_TIMEOUT`].
//!
//! A FIFO given as one of them would block `open()` for ever, `/dev/zero` would be read until
//! memory runs out, and a file on a hung network mount would freeze whoever reads it: `serve`
//! reads these files again on every SIGHUP. The file's type is checked before it is opened
//! (and again on the open file), at most `max + 1` bytes are read, and the reading runs on a
//! thread of its own that the caller stops waiting for after [`READ_TIMEOUT`] (the thread is
//! left to finish or hang alone).

use std::fmt;
use std::fs::{File, FileType, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long a read may take before it counts as failed (a local file reads in microseconds).
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What a file holds, as messages name it, and the most bytes it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// Its name in messages: "token file".
    pub what: &'static str,
    /// The most bytes it may have.
    pub max: u64,
}

/// A token file (or systemd credential): one line.
pub const TOKEN_FILE: FileKind = FileKind {
    what: "token file",
    max: 4 * 1024,
};
/// The TOML config file.
pub const CONFIG_FILE: FileKind = FileKind {
    what: "config file",
    max: 1024 * 1024,
};
/// A PEM bundle of CA certificates (the system's own bundle is about 200 KiB).
pub const CA_FILE: FileKind = FileKind {
    what: "CA file",
    max: 10 * 1024 * 1024,
};

/// The certificate chain of `serve`'s own TLS listener (PEM; a chain is a few KiB).
pub const TLS_CERT_FILE: FileKind = FileKind {
    what: "TLS certificate",
    max: 1024 * 1024,
};
/// The private key of `serve`'s own TLS listener (PEM; an RSA 4096 key is about 3 KiB).
pub const TLS_KEY_FILE: FileKind = FileKind {
    what: "TLS key",
    max: 64 * 1024,
};

/// Why a file could not be read; the caller's message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    /// There is no such file (the system's words).
    #[error("{0}")]
    NotFound(String),
    /// The system's words (permission denied…).
    #[error("{0}")]
    Io(String),
    /// A directory, a FIFO, a device, a socket.
    #[error("not a regular file (it is {0}): give the path of a file")]
    NotRegular(&'static str),
    /// More than the kind allows.
    #[error("larger than {max} bytes, more than a {what} holds: is it the right file?")]
    TooLarge {
        /// The file's kind.
        what: &'static str,
        /// Its limit.
        max: u64,
    },
    /// The read did not finish in time.
    #[error("no answer within {} s from the file system (a hung network mount?)", READ_TIMEOUT.as_secs())]
    Timeout,
}

/// A file's path and kind with what went wrong: "cannot read token file PATH: PROBLEM".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file.
    pub path: PathBuf,
    /// Its kind.
    pub kind: FileKind,
    /// What went wrong.
    pub problem: FileProblem,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot read {} {}: {}",
            self.kind.what,
            self.path.display(),
            self.problem
        )
    }
}

impl std::error::Error for FileError {}

/// The bytes of `path`, a regular file of at most `kind.max` bytes, read within
/// [`READ_TIMEOUT`].
///
/// # Errors
/// What [`FileProblem`] lists.
pub fn read(path: &Path, kind: FileKind) -> Result<Vec<u8>, FileError> {
    read_within(path, kind, READ_TIMEOUT)
}

/// [`read`] as text (UTF-8).
///
/// # Errors
/// What [`read`] returns, and text that is not UTF-8.
pub fn read_text(path: &Path, kind: FileKind) -> Result<String, FileError> {
    let bytes = read(path, kind)?;
    String::from_utf8(bytes).map_err(|_| FileError {
        path: path.to_owned(),
        kind,
        problem: FileProblem::Io("stream did not contain valid UTF-8".to_owned()),
    })
}

fn read_within(path: &Path, kind: FileKind, timeout: Duration) -> Result<Vec<u8>, FileError> {
    let error = |problem| FileError {
        path: path.to_owned(),
        kind,
        problem,
    };
    let (tx, rx) = mpsc::sync_channel(1);
    let owned = path.to_owned();
    std::thread::Builder::new()
        .name("file-read".to_owned())
        .spawn(move || {
            let _ = tx.send(read_now(&owned, kind));
        })
        .map_err(|e| error(FileProblem::Io(e.to_string())))?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result.map_err(error),
        Err(_) => Err(error(FileProblem::Timeout)),
    }
}

fn read_now(path: &Path, kind: FileKind) -> Result<Vec<u8>, FileProblem> {
    let io = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            FileProblem::NotFound(e.to_string())
        } else {
            FileProblem::Io(e.to_string())
        }
    };
    regular(&std::fs::metadata(path).map_err(io)?)?;
    let file = File::open(path).map_err(io)?;
    // Replaced between the two looks: the open file is what counts.
    let meta = file.metadata().map_err(io)?;
    regular(&meta)?;
    let too_large = FileProblem::TooLarge {
        what: kind.what,
        max: kind.max,
    };
    if meta.len() > kind.max {
        return Err(too_large);
    }
    // The size may have grown since: never more than the limit and one byte.
    let mut bytes = Vec::new();
    file.take(kind.max + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > kind.max) {
        return Err(too_large);
    }
    Ok(bytes)
}

fn regular(meta: &Metadata) -> Result<(), FileProblem> {
    let t = meta.file_type();
    if t.is_file() {
        Ok(())
    } else {
        Err(FileProblem::NotRegular(type_name(t)))
    }
}

fn type_name(t: FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_their_size_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "abc\n").unwrap();
        assert_eq!(read_text(&token, TOKEN_FILE).unwrap(), "abc\n");

        let e = read(Path::new("/dev/zero"), TOKEN_FILE).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot read token file /dev/zero: not a regular file (it is a character device): give the path of a file"
        );
        let e = read(dir.path(), CONFIG_FILE).unwrap_err();
        assert_eq!(e.problem, FileProblem::NotRegular("a directory"));

        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo");
        let e = read(&fifo, CONFIG_FILE).unwrap_err();
        assert_eq!(e.problem, FileProblem::NotRegular("a FIFO"));

        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 4097]).unwrap();
        let e = read(&big, TOKEN_FILE).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "cannot read token file {}: larger than 4096 bytes, more than a token file holds: is it the right file?",
                big.display()
            )
        );
        std::fs::write(&big, vec![b'a'; 4096]).unwrap();
        assert_eq!(read(&big, TOKEN_FILE).unwrap().len(), 4096);

        let e = read(&dir.path().join("absent"), CA_FILE).unwrap_err();
        assert!(matches!(e.problem, FileProblem::NotFound(_)), "{e}");
    }
}
