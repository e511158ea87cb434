//! What the fuzz targets share: one real client, built once, whose decoding step (envelope,
//! `status`, payload) is the one every API call uses.

use std::sync::OnceLock;
use std::time::Duration;

use serde::de::DeserializeOwned;
use technitium_exporter::technitium::{AuthMode, Client, ClientConfig, Endpoint, Secret};

/// The client the targets decode with (no request is ever sent).
///
/// # Panics
/// When the client cannot be built, which is a setup error, not a finding.
#[must_use]
pub fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let config = ClientConfig {
            url: "http://127.0.0.1:5380".parse().expect("a valid URL"),
            token: Some(Secret::new("fuzz-token")),
            auth: AuthMode::Auto,
            timeout: Duration::from_secs(10),
            max_response_size: 64 * 1024 * 1024,
            ca_file: None,
            extra_ca_pem: None,
            insecure_skip_verify: false,
        };
        Client::new(&config).expect("a client")
    })
}

/// Decodes `body` as `endpoint`'s answer. An error must render as one line that names the
/// server and the endpoint (what logs and `check` print).
pub fn decode<T: DeserializeOwned>(endpoint: Endpoint, body: &[u8]) -> Option<T> {
    match client().decode_body::<T>(endpoint, body) {
        Ok(v) => Some(v),
        Err(e) => {
            let message = e.to_string();
            assert!(!message.contains('\n'), "multi-line error: {message:?}");
            assert!(message.contains("127.0.0.1:5380"), "{message:?}");
            let _ = e.reason().as_str();
            None
        }
    }
}
