//! `X-Prometheus-Scrape-Timeout-Seconds`: any value gives a timeout in (0, ours].
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use technitium_exporter::serve::scrape_timeout;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    for ours in [
        Duration::from_secs(10),
        Duration::MAX,
        Duration::from_nanos(1),
    ] {
        let t = scrape_timeout(header, ours);
        assert!(t > Duration::ZERO && t <= ours, "{header:?} gave {t:?}");
    }
});
