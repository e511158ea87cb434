//! The TLS step: a handshake with the client's own trust (system roots through
//! rustls-platform-verifier, as reqwest uses, plus `--technitium.ca-file`), the certificate's
//! expiry, and what a failure means in words.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use tokio::net::TcpStream;
use url::Host;

use super::CERT_WARN_DAYS;
use super::report::Status;
use crate::collector::lock;
use crate::dnsprobe::cert_not_after;
use crate::technitium::{ClientBuildError, ClientConfig};

/// Delegates to the real verifier and remembers its verdict, so an insecure run can still say
/// whether the certificate would have verified.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    accept_any: bool,
    error: Mutex<Option<rustls::Error>>,
}

impl RecordingVerifier {
    fn record<T>(
        &self,
        result: Result<T, rustls::Error>,
        or: impl FnOnce() -> T,
    ) -> Result<T, rustls::Error> {
        match result {
            Ok(v) => Ok(v),
            Err(e) => {
                lock(&self.error).get_or_insert(e.clone());
                if self.accept_any { Ok(or()) } else { Err(e) }
            }
        }
    }

    fn recorded(&self) -> Option<rustls::Error> {
        lock(&self.error).clone()
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
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

/// The client's trust: system roots (rustls-platform-verifier, as reqwest uses) plus the CA file.
fn verifier(config: &ClientConfig) -> Result<RecordingVerifier, ClientBuildError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut extra = Vec::new();
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path).map_err(|e| ClientBuildError::ReadCaFile {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            extra.push(cert.map_err(|e| ClientBuildError::BadCaFile {
                path: path.clone(),
                reason: e.to_string(),
            })?);
        }
    }
    let inner =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider).map_err(|e| {
            ClientBuildError::Build(format!("cannot load the trusted certificates: {e}"))
        })?;
    Ok(RecordingVerifier {
        inner: Arc::new(inner),
        accept_any: config.insecure_skip_verify,
        error: Mutex::new(None),
    })
}

/// What a TLS row says: its status, detail and hint.
pub(super) type Row = (Status, String, Option<String>);

fn not_tls() -> Option<String> {
    Some(
        "this port does not speak TLS: use http:// for it, or the HTTPS port (53443 by default)"
            .to_owned(),
    )
}

fn server_name(host: &Host) -> Result<ServerName<'static>, Row> {
    match host {
        Host::Domain(d) => ServerName::try_from(d.clone()).map_err(|e| {
            (
                Status::Failed,
                format!("{d} is not a valid TLS name: {e}"),
                None,
            )
        }),
        Host::Ipv4(ip) => Ok(ServerName::IpAddress(IpAddr::V4(*ip).into())),
        Host::Ipv6(ip) => Ok(ServerName::IpAddress(IpAddr::V6(*ip).into())),
    }
}

fn connector(verifier: &Arc<RecordingVerifier>) -> Result<tokio_rustls::TlsConnector, Row> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| (Status::Failed, format!("cannot set up TLS: {e}"), None))?;
    let config = builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::clone(verifier) as Arc<dyn ServerCertVerifier>)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// The TLS step over an open TCP connection.
pub(super) async fn tls_step(
    config: &ClientConfig,
    host: &Host,
    stream: TcpStream,
    timeout: Duration,
) -> Row {
    let verifier = match verifier(config) {
        Ok(v) => Arc::new(v),
        Err(e) => return (Status::Failed, e.to_string(), None),
    };
    let (name, connector) = match (server_name(host), connector(&verifier)) {
        (Ok(n), Ok(c)) => (n, c),
        (Err(row), _) | (_, Err(row)) => return row,
    };
    match tokio::time::timeout(timeout, connector.connect(name, stream)).await {
        Err(_) => (
            Status::Failed,
            format!(
                "no TLS handshake within {}",
                humantime::format_duration(timeout)
            ),
            not_tls(),
        ),
        Ok(Err(e)) => handshake_failed(&verifier, &e, host),
        Ok(Ok(conn)) => established(config, &verifier, conn.get_ref().1, host),
    }
}

fn handshake_failed(verifier: &RecordingVerifier, e: &std::io::Error, host: &Host) -> Row {
    let tls_error = verifier.recorded().or_else(|| {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .cloned()
    });
    match tls_error {
        Some(err) => describe_tls_error(&err, host),
        None if e.kind() == std::io::ErrorKind::UnexpectedEof => (
            Status::Failed,
            "the server closed the connection during the TLS handshake".to_owned(),
            not_tls(),
        ),
        None => (Status::Failed, format!("TLS handshake failed: {e}"), None),
    }
}

/// The certificate's expiry as text, and the days left.
fn expiry(session: &rustls::ClientConnection) -> (String, Option<i64>) {
    let expiry = session
        .peer_certificates()
        .and_then(|c| c.first())
        .and_then(|c| cert_not_after(c.as_ref()));
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match expiry {
        Some(t) => {
            let days = (t - now).div_euclid(86_400);
            let date = time::OffsetDateTime::from_unix_timestamp(t)
                .map(|d| d.date().to_string())
                .unwrap_or_default();
            (
                format!("certificate valid until {date} ({days} days)"),
                Some(days),
            )
        }
        None => ("certificate expiry unreadable".to_owned(), None),
    }
}

/// A handshake that worked: the protocol, the certificate's expiry, and whether it was verified.
fn established(
    config: &ClientConfig,
    verifier: &RecordingVerifier,
    session: &rustls::ClientConnection,
    host: &Host,
) -> Row {
    let protocol = match session.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3",
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2",
        _ => "TLS",
    };
    let (expiry_text, days) = expiry(session);
    if config.insecure_skip_verify {
        let (detail, hint) = match verifier.recorded() {
            Some(e) => (
                format!(
                    "{protocol}; certificate NOT verified ({}), accepted because of --technitium.insecure-skip-verify; {expiry_text}",
                    describe_tls_error(&e, host).1
                ),
                "pass --technitium.ca-file with the CA that signed the certificate instead",
            ),
            None => (
                format!(
                    "{protocol}; verification off (--technitium.insecure-skip-verify), though the certificate verifies; {expiry_text}"
                ),
                "drop --technitium.insecure-skip-verify: the certificate is trusted",
            ),
        };
        return (Status::Warning, detail, Some(hint.to_owned()));
    }
    match days {
        Some(d) if d < CERT_WARN_DAYS => (
            Status::Warning,
            format!("{protocol}; certificate verified; {expiry_text}"),
            Some("renew the server's certificate soon".to_owned()),
        ),
        _ => (
            Status::Ok,
            format!("{protocol}; certificate verified; {expiry_text}"),
            None,
        ),
    }
}

fn describe_tls_error(e: &rustls::Error, host: &Host) -> Row {
    let trust = "pass --technitium.ca-file with the CA that signed it (for Technitium's self-signed certificate: the certificate itself), or --technitium.insecure-skip-verify (insecure)";
    let (detail, hint) = match e {
        rustls::Error::InvalidCertificate(ce) => match ce {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => (
                "the certificate is not signed by a trusted CA".to_owned(),
                Some(trust.to_owned()),
            ),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => (
                format!("the certificate is not valid for {host}"),
                Some("use the name the certificate was issued for in --technitium.url".to_owned()),
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => (
                "the certificate has expired".to_owned(),
                Some("renew the server's certificate".to_owned()),
            ),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => (
                "the certificate is not valid yet (check both clocks)".to_owned(),
                None,
            ),
            ce if crate::technitium::client::is_ca_used_as_end_entity(ce) => (
                crate::technitium::client::CA_AS_SERVER_CERTIFICATE.to_owned(),
                Some(crate::technitium::client::CA_AS_SERVER_CERTIFICATE_HINT.to_owned()),
            ),
            other => (format!("invalid certificate: {other:?}"), Some(trust.to_owned())),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => (
            format!("the server did not answer with TLS ({e})"),
            Some("this port does not speak TLS: use http:// for it, or the HTTPS port (53443 by default)".to_owned()),
        ),
        rustls::Error::AlertReceived(alert) => (
            format!("the server refused the TLS handshake (alert {alert:?})"),
            None,
        ),
        other => (format!("TLS handshake failed: {other}"), None),
    };
    (Status::Failed, detail, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The test server certificate (localhost, 127.0.0.1), signed by tests/fixtures/check/ca.pem;
    // `openssl x509 -noout -enddate`: Nov  1 09:06:07 2126 GMT (a GeneralizedTime).
    const CERT: &str = include_str!("../../tests/fixtures/check/cert.pem");
    const CERT_NOT_AFTER: i64 = 4_949_197_567;

    #[test]
    fn reads_not_after_from_a_certificate() {
        let der = CertificateDer::from_pem_slice(CERT.as_bytes()).ok();
        let t = der.as_ref().and_then(|d| cert_not_after(d.as_ref()));
        assert_eq!(t, Some(CERT_NOT_AFTER));
    }

    #[test]
    fn garbage_has_no_expiry() {
        assert_eq!(cert_not_after(&[0x30, 0x85, 1, 2, 3, 4, 5]), None);
        assert_eq!(cert_not_after(&[0x30, 0x02, 0x30]), None);
        assert_eq!(cert_not_after(&[]), None);
    }
}
