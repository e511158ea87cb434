//! The TLS trust that `check`'s TLS step and the encrypted DNS probes (DoT, DoH, DoQ) share:
//! the trust the API client uses (system roots through rustls-platform-verifier plus the
//! target's CA file, or no verification with `insecure_skip_verify`), a verifier that records
//! the peer certificate and the verdict, the certificate's expiry read with x509-parser, and
//! what a failed handshake means ([`TlsFailure`]).
//!
//! The recording verifier is what lets a probe report the certificate's expiry even when the
//! handshake fails (an expired certificate still has a `notAfter`), and tell a name mismatch from
//! an unknown issuer without parsing error strings.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

use crate::technitium::ClientBuildError;
use crate::technitium::local_file;

/// A certificate expiring sooner than this many days is a warning, for the API's TLS step in
/// `check` and for the encrypted DNS listeners alike.
pub const CERT_WARN_DAYS: i64 = 14;

/// Why a trust or a TLS configuration could not be set up.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TrustError {
    /// The CA file or the system roots could not be loaded (the API client's own words).
    #[error(transparent)]
    Load(#[from] ClientBuildError),
    /// PEM text given in place of a CA file holds no certificate, or does not parse.
    #[error("not a PEM bundle: {0}")]
    Pem(String),
    /// rustls refused the configuration.
    #[error("cannot set up TLS: {0}")]
    Setup(String),
}

/// `notAfter` of a DER X.509 certificate, in seconds since the Unix epoch; `None` when the bytes
/// are not a certificate.
#[must_use]
pub fn cert_not_after(der: &[u8]) -> Option<i64> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(cert.validity().not_after.timestamp())
}

/// Why a TLS handshake failed, as far as a person can act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFailure {
    /// The certificate is not signed by a trusted CA.
    UnknownIssuer,
    /// The certificate is not valid for the name asked for.
    NameMismatch,
    /// The certificate has expired.
    Expired,
    /// The certificate is not valid yet.
    NotYetValid,
    /// The peer did not speak TLS.
    NotTls,
    /// Anything else, in rustls's words.
    Other(String),
}

impl TlsFailure {
    /// Classifies a rustls error.
    #[must_use]
    pub fn from_rustls(e: &rustls::Error) -> Self {
        match e {
            rustls::Error::InvalidCertificate(ce) => match ce {
                CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                    Self::UnknownIssuer
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => Self::NameMismatch,
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    Self::Expired
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    Self::NotYetValid
                }
                other => Self::Other(format!("invalid certificate: {other:?}")),
            },
            rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
                Self::NotTls
            }
            other => Self::Other(other.to_string()),
        }
    }
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownIssuer => f.write_str("the certificate is not signed by a trusted CA"),
            Self::NameMismatch => f.write_str("the certificate is not valid for the server name"),
            Self::Expired => f.write_str("the certificate has expired"),
            Self::NotYetValid => f.write_str("the certificate is not valid yet"),
            Self::NotTls => f.write_str("the server did not answer with TLS"),
            Self::Other(s) => write!(f, "TLS handshake failed: {s}"),
        }
    }
}

/// The trust of one target: built once (loading the system roots reads every file in the
/// system's CA directory), shared by every probe of every scrape.
#[derive(Debug, Clone)]
pub struct TlsTrust {
    inner: Arc<dyn ServerCertVerifier>,
    insecure: bool,
}

impl TlsTrust {
    /// System roots plus `ca_file` (PEM), as the API client trusts; with `insecure_skip_verify`
    /// every certificate is accepted (the verdict is still recorded for `check`).
    ///
    /// # Errors
    /// When the CA file cannot be read or holds no PEM certificate, or no roots can be loaded.
    pub fn new(
        ca_file: Option<&Path>,
        insecure_skip_verify: bool,
    ) -> Result<Self, ClientBuildError> {
        let extra = match ca_file {
            None => Vec::new(),
            Some(path) => read_ca_file(path)?,
        };
        Self::with_roots(extra, insecure_skip_verify)
    }

    /// [`TlsTrust::new`] that also trusts the PEM certificates in `extra_pem` (a CA the
    /// target's DNS listeners chain to, such as the demo's).
    ///
    /// # Errors
    /// When the CA file is unusable, `extra_pem` holds no certificate, or no roots can be
    /// loaded.
    pub fn with_extra_pem(
        ca_file: Option<&Path>,
        extra_pem: Option<&[u8]>,
        insecure_skip_verify: bool,
    ) -> Result<Self, TrustError> {
        let mut extra = match ca_file {
            None => Vec::new(),
            Some(path) => read_ca_file(path)?,
        };
        if let Some(pem) = extra_pem {
            extra.extend(parse_pem_certs(pem).map_err(|e| match e {
                PemError::Empty => TrustError::Pem("no certificate in it".to_owned()),
                PemError::Bad(reason) => TrustError::Pem(reason),
            })?);
        }
        Ok(Self::with_roots(extra, insecure_skip_verify)?)
    }

    fn with_roots(
        extra: Vec<CertificateDer<'static>>,
        insecure_skip_verify: bool,
    ) -> Result<Self, ClientBuildError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let inner = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
            .map_err(|e| {
                ClientBuildError::Build(format!("cannot load the trusted certificates: {e}"))
            })?;
        Ok(Self {
            inner: Arc::new(inner),
            insecure: insecure_skip_verify,
        })
    }

    /// Whether certificates are accepted without verification.
    #[must_use]
    pub fn insecure(&self) -> bool {
        self.insecure
    }

    /// A rustls client configuration for one probe, with its recorder.
    ///
    /// # Errors
    /// When the ring provider does not support the default protocol versions (it does).
    pub(crate) fn client_config(
        &self,
        alpn: &[&[u8]],
    ) -> Result<(rustls::ClientConfig, Arc<Recorder>), TrustError> {
        let recorder = Arc::new(Recorder {
            inner: Arc::clone(&self.inner),
            accept_any: self.insecure,
            seen: Mutex::new(Seen::default()),
        });
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TrustError::Setup(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::clone(&recorder) as Arc<dyn ServerCertVerifier>)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok((config, recorder))
    }
}

/// The certificates of a CA file, with the API client's words when it is unusable.
fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, ClientBuildError> {
    let pem =
        local_file::read(path, local_file::CA_FILE).map_err(|e| ClientBuildError::ReadCaFile {
            path: path.to_owned(),
            reason: e.problem.to_string(),
        })?;
    parse_pem_certs(&pem).map_err(|e| match e {
        PemError::Empty => ClientBuildError::EmptyCaFile {
            path: path.to_owned(),
        },
        PemError::Bad(reason) => ClientBuildError::BadCaFile {
            path: path.to_owned(),
            reason,
        },
    })
}

/// Why a PEM bundle gave no certificates.
enum PemError {
    /// It holds none.
    Empty,
    /// It does not parse: the parser's words.
    Bad(String),
}

/// The certificates in a PEM bundle.
fn parse_pem_certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, PemError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PemError::Bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(PemError::Empty);
    }
    Ok(certs)
}

#[derive(Debug, Default)]
struct Seen {
    not_after: Option<i64>,
    error: Option<rustls::Error>,
}

/// Delegates to the target's verifier, remembering the peer certificate's expiry and the
/// verdict.
#[derive(Debug)]
pub(crate) struct Recorder {
    inner: Arc<dyn ServerCertVerifier>,
    accept_any: bool,
    seen: Mutex<Seen>,
}

impl Recorder {
    /// What was seen, also after a panic elsewhere poisoned the lock (the values stay whole).
    fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `notAfter` of the end-entity certificate the server presented, if a handshake got that far.
    pub(crate) fn not_after(&self) -> Option<i64> {
        self.seen().not_after
    }

    /// Whether verification is off (`insecure_skip_verify`).
    pub(crate) fn accepts_any(&self) -> bool {
        self.accept_any
    }

    /// The verification error, if verification failed (recorded also when it was overridden).
    pub(crate) fn error(&self) -> Option<rustls::Error> {
        self.seen().error.clone()
    }

    fn record<T>(
        &self,
        result: Result<T, rustls::Error>,
        or: impl FnOnce() -> T,
    ) -> Result<T, rustls::Error> {
        match result {
            Ok(v) => Ok(v),
            Err(e) => {
                self.seen().error.get_or_insert(e.clone());
                if self.accept_any { Ok(or()) } else { Err(e) }
            }
        }
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.seen().not_after = cert_not_after(end_entity.as_ref());
        self.record(
            self.inner.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ),
            ServerCertVerified::assertion,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.record(
            self.inner.verify_tls12_signature(message, cert, dss),
            HandshakeSignatureValid::assertion,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.record(
            self.inner.verify_tls13_signature(message, cert, dss),
            HandshakeSignatureValid::assertion,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    // tests/fixtures/check/cert.pem: `openssl x509 -noout -enddate` says
    // Nov  1 09:06:07 2126 GMT (a GeneralizedTime).
    const CERT: &str = include_str!("../tests/fixtures/check/cert.pem");

    #[test]
    fn reads_not_after() {
        let der = CertificateDer::from_pem_slice(CERT.as_bytes()).ok();
        let t = der.as_ref().and_then(|d| cert_not_after(d.as_ref()));
        assert_eq!(t, Some(4_949_197_567));
        assert_eq!(cert_not_after(&[0x30, 0x85, 1, 2, 3, 4, 5]), None);
        assert_eq!(cert_not_after(&[0x30, 0x02, 0x30]), None);
        assert_eq!(cert_not_after(b""), None);
    }

    #[test]
    fn classifies_certificate_errors() {
        for (e, want) in [
            (CertificateError::UnknownIssuer, TlsFailure::UnknownIssuer),
            (CertificateError::NotValidForName, TlsFailure::NameMismatch),
            (CertificateError::Expired, TlsFailure::Expired),
            (CertificateError::NotValidYet, TlsFailure::NotYetValid),
        ] {
            assert_eq!(
                TlsFailure::from_rustls(&rustls::Error::InvalidCertificate(e)),
                want
            );
        }
    }

    #[test]
    fn a_bad_ca_file_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate").expect("write");
        let e = TlsTrust::new(Some(&path), false)
            .expect_err("no certificate")
            .to_string();
        assert!(e.contains("ca.pem") && e.contains("PEM"), "{e}");
        let e = TlsTrust::new(Some(&dir.path().join("missing.pem")), false)
            .expect_err("missing")
            .to_string();
        assert!(e.starts_with("cannot read CA file"), "{e}");
    }
}
