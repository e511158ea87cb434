//! The TOML config file, through `FileConfig::parse` (what `--config.file` reads).
#![no_main]

use libfuzzer_sys::fuzz_target;
use technitium_exporter::config::FileConfig;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = FileConfig::parse(text);
    }
});
