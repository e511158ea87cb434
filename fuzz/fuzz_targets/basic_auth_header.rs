//! `Authorization: Basic` parsing: any header value, and the round trip of what a client sends.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use technitium_exporter::web::parse_basic_auth;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(c) = parse_basic_auth(text) {
        assert!(!c.user.contains(':'), "user {:?}", c.user);
    }
    // Any user without ':' and any password survive encoding, in any case of the scheme name.
    if let Some((user, password)) = text.split_once('\0')
        && !user.contains(':')
    {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        for scheme in ["Basic", "basic", "BASIC"] {
            let c = parse_basic_auth(&format!("{scheme} {encoded}"));
            assert!(
                c.as_ref()
                    .is_some_and(|c| c.user == user && c.password == password),
                "{user:?}:{password:?} came back as {c:?}"
            );
        }
    }
});
