//! Listener security for `serve`, in the spirit of Prometheus's exporter-toolkit web config:
//! optional TLS (rustls) and HTTP basic auth against bcrypt hashes from the config file's `[web]`
//! section.
//!
//! bcrypt is slow by design (tens of milliseconds per check); a scrape every few seconds should
//! not pay it every time, so successful checks are remembered as a SHA-256 of the user, the
//! password and the stored hash (never the password itself), in a small bounded set.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Most remembered successful checks; the set is cleared when full.
const CACHE_LIMIT: usize = 256;

/// TLS for the listener: the acceptor built from the configured files, and the files' paths.
#[derive(Clone)]
pub struct TlsListener {
    /// Accepts TLS connections with the loaded certificate.
    pub acceptor: TlsAcceptor,
    /// The certificate file.
    pub cert_file: std::path::PathBuf,
    /// The key file.
    pub key_file: std::path::PathBuf,
}

impl std::fmt::Debug for TlsListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsListener")
            .field("cert_file", &self.cert_file)
            .field("key_file", &self.key_file)
            .finish_non_exhaustive()
    }
}

impl TlsListener {
    /// Loads and checks the certificate and key.
    ///
    /// # Errors
    /// When a file cannot be read or parsed, or the key does not fit the certificate.
    pub fn load(cert_file: &Path, key_file: &Path) -> Result<Self, String> {
        Ok(Self {
            acceptor: tls_acceptor(cert_file, key_file)?,
            cert_file: cert_file.to_owned(),
            key_file: key_file.to_owned(),
        })
    }
}

/// Builds a TLS acceptor from PEM files.
///
/// # Errors
/// When a file cannot be read or parsed, or the key does not fit the certificate.
pub fn tls_acceptor(cert_file: &Path, key_file: &Path) -> Result<TlsAcceptor, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_file)
        .and_then(Iterator::collect)
        .map_err(|e| format!("cannot read TLS certificate {}: {e}", cert_file.display()))?;
    if certs.is_empty() {
        return Err(format!("no certificate in {}", cert_file.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key_file)
        .map_err(|e| format!("cannot read TLS key {}: {e}", key_file.display()))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            format!(
                "TLS certificate {} and key {} do not fit: {e}",
                cert_file.display(),
                key_file.display()
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Checks `Authorization: Basic` headers against bcrypt hashes.
#[derive(Debug)]
pub struct BasicAuth {
    users: BTreeMap<String, String>,
    verified: Mutex<HashSet<[u8; 32]>>,
}

impl BasicAuth {
    /// A checker for `user → bcrypt hash`.
    ///
    /// # Errors
    /// When a hash is not a bcrypt hash.
    pub fn new(users: BTreeMap<String, String>) -> Result<Self, String> {
        for (user, hash) in &users {
            if !hash.starts_with("$2") || hash.len() != 60 {
                return Err(format!(
                    "[web] basic_auth_users.{user}: not a bcrypt hash (htpasswd -nBC 10 \"\" | tr -d ':\\n')"
                ));
            }
        }
        Ok(Self {
            users,
            verified: Mutex::new(HashSet::new()),
        })
    }

    /// Whether an `Authorization` header value carries valid credentials.
    #[must_use]
    pub fn check(&self, header: Option<&str>) -> bool {
        let Some(encoded) = header.and_then(|h| h.strip_prefix("Basic ")) else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let Ok(text) = String::from_utf8(decoded) else {
            return false;
        };
        let Some((user, password)) = text.split_once(':') else {
            return false;
        };
        let Some(hash) = self.users.get(user) else {
            // Spend comparable time for unknown users so they cannot be told apart.
            let _ = bcrypt::verify(
                password,
                "$2b$10$abcdefghijklmnopqrstuu3YQ5jz2bMlgdZ0PGe0rSbT8Zq5xQ6tW",
            );
            return false;
        };
        let key = fingerprint(user, password, hash);
        if self.verified.lock().is_ok_and(|v| v.contains(&key)) {
            return true;
        }
        let ok = bcrypt::verify(password, hash).unwrap_or(false);
        if ok && let Ok(mut v) = self.verified.lock() {
            if v.len() >= CACHE_LIMIT {
                v.clear();
            }
            v.insert(key);
        }
        ok
    }
}

fn fingerprint(user: &str, password: &str, hash: &str) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for part in [user, "\0", password, "\0", hash] {
        ctx.update(part.as_bytes());
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_checks_and_remembers() {
        let hash = bcrypt::hash("s3cret", 4).unwrap_or_default();
        let auth = BasicAuth::new([("prom".to_owned(), hash)].into_iter().collect());
        let Ok(auth) = auth else {
            panic!("valid hash rejected")
        };
        let header = |u: &str, p: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )
        };
        assert!(auth.check(Some(&header("prom", "s3cret"))));
        assert!(auth.check(Some(&header("prom", "s3cret"))), "cached check");
        assert!(!auth.check(Some(&header("prom", "wrong"))));
        assert!(!auth.check(Some(&header("other", "s3cret"))));
        assert!(!auth.check(Some("Bearer x")));
        assert!(!auth.check(None));
        assert!(
            BasicAuth::new([("x".to_owned(), "plain".to_owned())].into_iter().collect()).is_err()
        );
    }
}
