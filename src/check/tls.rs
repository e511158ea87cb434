//! The TLS step: a handshake with the client's own trust (system roots through
//! rustls-platform-verifier, as reqwest uses, plus `--technitium.ca-file`), the certificate's
//! expiry, and what a failure means in words.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::CertificateError;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use url::Host;

use super::report::Status;
use crate::technitium::ClientConfig;
use crate::tls::{CERT_WARN_DAYS, Recorder, TlsTrust, cert_not_after};

/// What a TLS row says: its status, detail and hint.
pub(super) type TlsOutcome = (Status, String, Option<String>);

fn not_tls() -> Option<String> {
    Some(
        "this port does not speak TLS: use http:// for it, or the HTTPS port (53443 by default)"
            .to_owned(),
    )
}

fn server_name(host: &Host) -> Result<ServerName<'static>, TlsOutcome> {
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

/// A connector with the client's trust (system roots plus the CA file, or none with
/// `--technitium.insecure-skip-verify`) whose recorder keeps the verifier's verdict, so an
/// insecure run can still say whether the certificate would have verified.
fn connector(
    config: &ClientConfig,
) -> Result<(tokio_rustls::TlsConnector, Arc<Recorder>), TlsOutcome> {
    let trust = TlsTrust::new(config.ca_file.as_deref(), config.insecure_skip_verify)
        .map_err(|e| (Status::Failed, e.to_string(), None))?;
    let (tls, recorder) = trust
        .client_config(&[])
        .map_err(|e| (Status::Failed, e.to_string(), None))?;
    Ok((tokio_rustls::TlsConnector::from(Arc::new(tls)), recorder))
}

/// The TLS step over an open TCP connection.
pub(super) async fn tls_step(
    config: &ClientConfig,
    host: &Host,
    stream: TcpStream,
    timeout: Duration,
) -> TlsOutcome {
    let (name, (connector, verifier)) = match (server_name(host), connector(config)) {
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

fn handshake_failed(verifier: &Recorder, e: &std::io::Error, host: &Host) -> TlsOutcome {
    let tls_error = verifier.error().or_else(|| {
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
    verifier: &Recorder,
    session: &rustls::ClientConnection,
    host: &Host,
) -> TlsOutcome {
    let protocol = match session.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3",
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2",
        _ => "TLS",
    };
    let (expiry_text, days) = expiry(session);
    if config.insecure_skip_verify {
        let (detail, hint) = match verifier.error() {
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

fn describe_tls_error(e: &rustls::Error, host: &Host) -> TlsOutcome {
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
            ce if crate::technitium::is_ca_used_as_end_entity(ce) => (
                crate::technitium::CA_AS_SERVER_CERTIFICATE.to_owned(),
                Some(crate::technitium::CA_AS_SERVER_CERTIFICATE_HINT.to_owned()),
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
