//! Small helpers collectors write samples with: a flag or a count as a sample value, a gauge
//! written only when its value is known, and upstream enum names as label values.

use crate::exposition::{Encoder, Kind};

/// Writes a gauge family with one unlabelled sample when the value is known.
pub(crate) fn gauge_opt(enc: &mut Encoder, name: &str, help: &str, value: Option<f64>) {
    if let Some(v) = value {
        enc.family(name, Kind::Gauge, help);
        enc.sample(&[], v);
    }
}

/// 1 for true, 0 for false.
pub(crate) fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// A count as a sample value (exact below 2^53, which every count here is).
#[allow(clippy::cast_precision_loss)]
pub(crate) fn count(n: u64) -> f64 {
    n as f64
}

/// Lower snake_case of an upstream enum name: `SecondaryForwarder` → `secondary_forwarder`,
/// `SignedWithNSEC3` → `signed_with_nsec3`.
#[must_use]
pub fn snake_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    snake_case_into(&mut out, s);
    out
}

/// [`snake_case`] appended to `out`, so a loop can reuse one buffer.
pub fn snake_case_into(out: &mut String, s: &str) {
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            out.push('_');
            prev_lower = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_follows_the_design() {
        for (input, want) in [
            ("Primary", "primary"),
            ("SecondaryForwarder", "secondary_forwarder"),
            ("SignedWithNSEC3", "signed_with_nsec3"),
            ("SignedWithNSEC", "signed_with_nsec"),
            ("Udp", "udp"),
            ("DhcpServer", "dhcp_server"),
            ("Dynamic", "dynamic"),
        ] {
            assert_eq!(snake_case(input), want);
        }
    }
}
