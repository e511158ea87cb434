//! Listener security for `serve`, in the spirit of Prometheus's exporter-toolkit web config:
//! optional TLS (rustls) and HTTP basic auth against bcrypt hashes from the config file's `[web]`
//! section.
//!
//! bcrypt is slow by design (tens of milliseconds per check); a scrape every few seconds should
//! not pay it every time, so successful checks are remembered as a SHA-256 of the user, the
//! password and the stored hash (never the password itself), in a small bounded set. A
//! remembered check is answered inline. Every other check runs bcrypt on tokio's blocking pool,
//! at most [`max_verifications`] at once: `serve` runs on one thread, and a flood of wrong
//! passwords verified inline would stall every other connection, authenticated scrapes and
//! `/-/healthy` included.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine as _;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

use crate::technitium::local_file::{self, FileError};

/// Most remembered successful checks; the set is cleared when full.
const CACHE_LIMIT: usize = 256;

/// Why the listener's TLS certificate or key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsFilesError {
    /// The certificate or key file cannot be read (missing, not a regular file, too large…).
    #[error(transparent)]
    File(#[from] FileError),
    /// The certificate file's PEM cannot be parsed.
    #[error("cannot read TLS certificate {}: {source}", path.display())]
    ReadCert {
        /// The certificate file.
        path: PathBuf,
        /// Why.
        source: pem::Error,
    },
    /// The certificate file holds no certificate.
    #[error("no certificate in {}", path.display())]
    NoCert {
        /// The certificate file.
        path: PathBuf,
    },
    /// The key is passphrase-protected.
    #[error(
        "TLS key {} is encrypted (passphrase-protected), and the exporter cannot ask for a passphrase: decrypt it with `openssl pkey -in {} -out KEY` and point tls_key_file at KEY (readable by the exporter's user only)",
        path.display(),
        path.display()
    )]
    EncryptedKey {
        /// The key file.
        path: PathBuf,
    },
    /// The key file holds no PEM key.
    #[error(
        "no private key in {}: tls_key_file needs a PEM key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)",
        path.display()
    )]
    NoKey {
        /// The key file.
        path: PathBuf,
    },
    /// The key file's PEM cannot be parsed.
    #[error("cannot read TLS key {}: {source}", path.display())]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// Why.
        source: pem::Error,
    },
    /// The key does not belong to the certificate (or rustls refuses them).
    #[error("TLS certificate {} and key {} do not fit: {source}", cert.display(), key.display())]
    Mismatch {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// Why.
        source: rustls::Error,
    },
}

/// Why `[web] basic_auth_users` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BasicAuthError {
    /// No user at all.
    #[error(
        "[web] basic_auth_users is empty, so nobody could log in: add `name = \"BCRYPT HASH\"` entries, or remove the key to serve without basic auth"
    )]
    NoUsers,
    /// A user name with `:`.
    #[error(
        "[web] basic_auth_users: the user name {0:?} contains ':', which HTTP basic auth cannot carry (RFC 7617): pick a name without it"
    )]
    ColonInName(String),
    /// A value that is not a bcrypt hash (the user is named).
    #[error("[web] basic_auth_users.{0}: not a bcrypt hash (htpasswd -nBC 10 \"\" | tr -d ':\\n')")]
    NotBcrypt(String),
}

/// TLS for the listener: the acceptor built from the configured files, and the files' paths.
#[derive(Clone)]
pub struct TlsListener {
    /// Accepts TLS connections with the loaded certificate.
    pub acceptor: TlsAcceptor,
    /// The certificate file.
    pub cert_file: PathBuf,
    /// The key file.
    pub key_file: PathBuf,
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
    pub fn load(cert_file: &Path, key_file: &Path) -> Result<Self, TlsFilesError> {
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
/// When a file cannot be read or parsed (an encrypted key is named as such), or the key does not
/// fit the certificate.
pub fn tls_acceptor(cert_file: &Path, key_file: &Path) -> Result<TlsAcceptor, TlsFilesError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pem = local_file::read(cert_file, local_file::TLS_CERT_FILE)?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<_, _>>()
        .map_err(|source| TlsFilesError::ReadCert {
            path: cert_file.to_owned(),
            source,
        })?;
    if certs.is_empty() {
        return Err(TlsFilesError::NoCert {
            path: cert_file.to_owned(),
        });
    }
    let key = read_key(key_file)?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|source| TlsFilesError::Mismatch {
            cert: cert_file.to_owned(),
            key: key_file.to_owned(),
            source,
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Reads the listener's private key, naming the two cases PEM parsing alone reports as "no items
/// found": a passphrase-protected key (which a service cannot unlock) and a file without a key.
fn read_key(key_file: &Path) -> Result<PrivateKeyDer<'static>, TlsFilesError> {
    let path = key_file.to_owned();
    let pem = local_file::read(key_file, local_file::TLS_KEY_FILE)?;
    if is_encrypted_pem(&pem) {
        return Err(TlsFilesError::EncryptedKey { path });
    }
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| match e {
        pem::Error::NoItemsFound => TlsFilesError::NoKey { path },
        source => TlsFilesError::BadKey { path, source },
    })
}

/// Whether PEM text holds an encrypted key: PKCS#8 `ENCRYPTED PRIVATE KEY`, or the legacy
/// OpenSSL form with a `Proc-Type: 4,ENCRYPTED` header.
fn is_encrypted_pem(pem: &[u8]) -> bool {
    let has = |needle: &[u8]| pem.windows(needle.len()).any(|w| w == needle);
    has(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") || has(b"Proc-Type: 4,ENCRYPTED")
}

/// User and password from an `Authorization: Basic` header. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user id: everything before the first `:`.
    pub user: String,
    /// The password: everything after it (may contain `:`).
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// Parses an `Authorization` header value as HTTP basic credentials (RFC 7617): the scheme name
/// in any case, one or more spaces, then base64 (padding optional) of UTF-8 `user:password`.
/// `None` for anything else.
#[must_use]
pub fn parse_basic_auth(header: &str) -> Option<Credentials> {
    const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let (scheme, encoded) = header.trim_start().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = LENIENT.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some(Credentials {
        user: user.to_owned(),
        password: password.to_owned(),
    })
}

/// Most bcrypt verifications running at once: one core is left to the event loop (at least one
/// verification, at most four).
#[must_use]
pub fn max_verifications() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .clamp(1, 4)
}

/// Checks `Authorization: Basic` headers against bcrypt hashes.
pub struct BasicAuth {
    users: BTreeMap<String, String>,
    verified: Mutex<HashSet<[u8; 32]>>,
    /// Bounds the bcrypt verifications in flight; the rest wait their turn (in arrival order).
    slots: Arc<Semaphore>,
    /// One verification at a time per client address: a flood from one address holds at most
    /// one slot and one place in the queue, so a client arriving from elsewhere (Prometheus
    /// after a restart, its credentials not yet remembered) waits for at most one verification
    /// per flooding address, not for the whole flood.
    turns: Mutex<HashMap<IpAddr, Arc<tokio::sync::Mutex<()>>>>,
}

/// The user names only: a hash is for checking passwords, not for logs.
impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl BasicAuth {
    /// A checker for `user → bcrypt hash`.
    ///
    /// # Errors
    /// When there is no user (an empty table would turn auth on with nobody able to log in), a
    /// user name contains `:` (basic auth cannot carry it) or a hash is not a bcrypt hash.
    pub fn new(users: BTreeMap<String, String>) -> Result<Self, BasicAuthError> {
        if users.is_empty() {
            return Err(BasicAuthError::NoUsers);
        }
        for (user, hash) in &users {
            if user.contains(':') {
                return Err(BasicAuthError::ColonInName(user.clone()));
            }
            if !hash.starts_with("$2") || hash.len() != 60 {
                return Err(BasicAuthError::NotBcrypt(user.clone()));
            }
        }
        Ok(Self {
            users,
            verified: Mutex::new(HashSet::new()),
            slots: Arc::new(Semaphore::new(max_verifications())),
            turns: Mutex::new(HashMap::new()),
        })
    }

    /// Whether an `Authorization` header value, sent from `peer`, carries valid credentials.
    ///
    /// Remembered credentials are answered at once; anything else waits for its address's turn
    /// (one verification at a time per address), then for a bcrypt slot.
    pub async fn check(&self, header: Option<&str>, peer: IpAddr) -> bool {
        let Some(Credentials { user, password }) = header.and_then(parse_basic_auth) else {
            return false;
        };
        // An unknown user is verified against a configured hash anyway and then refused, so it
        // takes as long as a wrong password and the two cannot be told apart.
        let (known, hash) = match self.users.get(&user) {
            Some(hash) => (true, hash.clone()),
            None => match self.users.values().next() {
                Some(hash) => (false, hash.clone()),
                None => return false,
            },
        };
        let key = fingerprint(&user, &password, &hash);
        let verified = || self.verified.lock().unwrap_or_else(PoisonError::into_inner);
        if known && verified().contains(&key) {
            return true;
        }
        let turn = self.turn(peer).lock_owned().await;
        // The request before ours from this address may have verified the same credentials.
        if known && verified().contains(&key) {
            return true;
        }
        let ok = self.verify(password, hash, turn).await && known;
        self.forget_idle_turns();
        if ok {
            let mut v = verified();
            if v.len() >= CACHE_LIMIT {
                v.clear();
            }
            v.insert(key);
        }
        ok
    }

    /// The turn of client address `peer`.
    fn turn(&self, peer: IpAddr) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(turns.entry(peer).or_default())
    }

    /// Drops the turns nobody holds or waits for (the map stays as small as the addresses
    /// being verified right now).
    fn forget_idle_turns(&self) {
        let mut turns = self.turns.lock().unwrap_or_else(PoisonError::into_inner);
        turns.retain(|_, turn| Arc::strong_count(turn) > 1);
    }

    /// One bcrypt verification on the blocking pool, within the concurrency bound. The slot and
    /// the address's turn are held by the blocking task itself, so a client that hangs up cannot
    /// free them early.
    async fn verify(
        &self,
        password: String,
        hash: String,
        turn: tokio::sync::OwnedMutexGuard<()>,
    ) -> bool {
        let Ok(slot) = Arc::clone(&self.slots).acquire_owned().await else {
            return false;
        };
        tokio::task::spawn_blocking(move || {
            let ok = bcrypt::verify(password, &hash).unwrap_or(false);
            drop((slot, turn));
            ok
        })
        .await
        .unwrap_or(false)
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
    fn tls_files_are_read_bounded_and_named() {
        let err = |cert: &Path, key: &Path| match tls_acceptor(cert, key) {
            Ok(_) => panic!("accepted {} and {}", cert.display(), key.display()),
            Err(e) => e.to_string(),
        };
        let zero = Path::new("/dev/zero");
        assert_eq!(
            err(zero, zero),
            "cannot read TLS certificate /dev/zero: not a regular file (it is a character device): give the path of a file"
        );
        let Ok(dir) = tempfile::tempdir() else {
            panic!("a temporary directory")
        };
        let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
        let Ok(pem) = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]) else {
            panic!("a self-signed certificate")
        };
        assert!(std::fs::write(&cert, pem.cert.pem()).is_ok());
        assert!(std::fs::write(&key, "k".repeat(100 * 1024)).is_ok());
        let message = err(&cert, &key);
        assert!(
            message.starts_with("cannot read TLS key ")
                && message.contains("larger than 65536 bytes"),
            "{message}"
        );
    }

    const LOCAL: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn header(user: &str, password: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    }

    fn users(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(u, h)| ((*u).to_owned(), (*h).to_owned()))
            .collect()
    }

    #[tokio::test]
    async fn basic_auth_checks_and_remembers() {
        let hash = bcrypt::hash("s3cret", 4).unwrap_or_default();
        let Ok(auth) = BasicAuth::new(users(&[("prom", &hash)])) else {
            panic!("valid hash rejected")
        };
        assert!(auth.check(Some(&header("prom", "s3cret")), LOCAL).await);
        assert!(
            auth.check(Some(&header("prom", "s3cret")), LOCAL).await,
            "cached check"
        );
        assert!(!auth.check(Some(&header("prom", "wrong")), LOCAL).await);
        // The right password under an unknown name is verified against prom's hash, then refused.
        assert!(!auth.check(Some(&header("other", "s3cret")), LOCAL).await);
        assert!(!auth.check(Some("Bearer x"), LOCAL).await);
        assert!(!auth.check(None, LOCAL).await);
        assert!(BasicAuth::new(users(&[("x", "plain")])).is_err());
    }

    #[tokio::test]
    async fn the_scheme_name_is_case_insensitive() {
        let hash = bcrypt::hash("s3cret", 4).unwrap_or_default();
        let Ok(auth) = BasicAuth::new(users(&[("prom", &hash)])) else {
            panic!("valid hash rejected")
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode("prom:s3cret");
        for scheme in ["basic", "BASIC", "bAsIc"] {
            assert!(
                auth.check(Some(&format!("{scheme} {encoded}")), LOCAL)
                    .await,
                "{scheme}"
            );
        }
        assert!(
            auth.check(Some(&format!("Basic    {encoded}  ")), LOCAL)
                .await
        );
    }

    #[test]
    fn basic_credentials_are_parsed_per_rfc_7617() {
        let parsed = |h: &str| parse_basic_auth(h).map(|c| (c.user, c.password));
        let pair = |u: &str, p: &str| Some((u.to_owned(), p.to_owned()));
        assert_eq!(parsed(&header("prom", "a:b:c")), pair("prom", "a:b:c"));
        assert_eq!(parsed(&header("", "")), pair("", ""));
        assert_eq!(
            parsed(&header("jörg", "pässword")),
            pair("jörg", "pässword")
        );
        // Padding may be left out ("prom:x" is cHJvbTp4).
        assert_eq!(parsed("basic cHJvbTp4"), pair("prom", "x"));
        for bad in [
            "",
            "Basic",
            "Basic ",
            "Basicx cHJvbTp4",
            "Bearer cHJvbTp4",
            "Basic !!!!",
            // No colon: "prom".
            "Basic cHJvbQ==",
            // Not UTF-8: 0xff 0x3a.
            "Basic /zo=",
        ] {
            assert_eq!(parsed(bad), None, "{bad:?}");
        }
        let shown = format!("{:?}", parse_basic_auth(&header("prom", "hunter2")));
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn no_users_or_a_colon_in_a_name_is_a_configuration_error() {
        let hash = bcrypt::hash("s3cret", 4).unwrap_or_default();
        let message = |e: BasicAuthError| e.to_string();
        let err = BasicAuth::new(BTreeMap::new())
            .err()
            .map(message)
            .unwrap_or_default();
        assert!(err.contains("basic_auth_users is empty"), "{err}");
        let err = BasicAuth::new(users(&[("team:prom", &hash)]))
            .err()
            .map(message)
            .unwrap_or_default();
        assert!(
            err.contains("\"team:prom\" contains ':'") && err.contains("RFC 7617"),
            "{err}"
        );
    }

    #[test]
    fn encrypted_and_keyless_pem_files_are_named() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temporary directory")
        };
        let pkcs8 = dir.path().join("pkcs8.key");
        let legacy = dir.path().join("legacy.key");
        let none = dir.path().join("cert-only.pem");
        let body = "MIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n";
        let files = [
            (
                &pkcs8,
                format!(
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{body}-----END ENCRYPTED PRIVATE KEY-----\n"
                ),
            ),
            (
                &legacy,
                format!(
                    "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n{body}-----END RSA PRIVATE KEY-----\n"
                ),
            ),
            (&none, "just text\n".to_owned()),
        ];
        for (path, text) in &files {
            assert!(std::fs::write(path, text).is_ok());
        }
        for path in [&pkcs8, &legacy] {
            let err = read_key(path)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("is encrypted (passphrase-protected)"), "{err}");
        }
        let err = read_key(&none)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("no private key in "), "{err}");
    }
}
