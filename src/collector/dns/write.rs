//! The `dns` collector's families, written from the probes' results.

use crate::collector::samples::flag;
use crate::dnsprobe::{DnsData, ProbeResult, rcode_label};
use crate::exposition::{Encoder, Kind};

/// Writes the `dns` collector's families.
#[allow(clippy::cast_precision_loss)] // answer counts and Unix seconds: exact far below 2^53
pub fn write_dns(data: &DnsData, enc: &mut Encoder) {
    let probes = &data.probes;
    per_transport(
        enc,
        probes,
        "technitium_dns_probe_success",
        "Whether the DNS probe over a transport got an expected answer (1) or not (0).",
        |p| Some(flag(p.success())),
    );
    per_transport(
        enc,
        probes,
        "technitium_dns_probe_duration_seconds",
        "Time the DNS probe over a transport took, address lookup, connection and handshake included (until the failure when it failed).",
        |p| Some(p.duration.as_secs_f64()),
    );
    if probes.iter().any(|p| p.response.is_some()) {
        enc.family(
            "technitium_dns_probe_rcode",
            Kind::Gauge,
            "The response code the DNS probe over a transport received (1); absent when no answer came.",
        );
        for p in probes {
            if let Some(r) = &p.response {
                let labels = [
                    ("transport", p.transport.as_str()),
                    ("rcode", rcode_label(r.rcode)),
                ];
                enc.sample(&labels, 1.0);
            }
        }
    }
    per_transport(
        enc,
        probes,
        "technitium_dns_probe_answer_records",
        "Records in the answer section of the DNS probe's response.",
        |p| p.response.as_ref().map(|r| r.answers as f64),
    );
    per_transport(
        enc,
        probes,
        "technitium_dns_probe_tls_certificate_expiry_timestamp_seconds",
        "When the certificate of an encrypted DNS listener expires, in seconds since the Unix epoch (also when it failed verification).",
        |p| p.certificate_expiry.map(|t| t as f64),
    );
    if let Some(works) = data.blocking.as_ref().and_then(|b| b.works) {
        enc.family(
            "technitium_dns_probe_blocking_works",
            Kind::Gauge,
            "Whether the configured blocked name got the server's blocking answer (1) or was resolved (0); absent when no answer came.",
        );
        enc.sample(&[], flag(works));
    }
}

/// A gauge family with one sample per transport that has a value; nothing when none has.
fn per_transport(
    enc: &mut Encoder,
    probes: &[ProbeResult],
    name: &str,
    help: &str,
    value: impl Fn(&ProbeResult) -> Option<f64>,
) {
    let mut values = probes
        .iter()
        .filter_map(|p| value(p).map(|v| (p.transport, v)))
        .peekable();
    if values.peek().is_none() {
        return;
    }
    enc.family(name, Kind::Gauge, help);
    for (transport, v) in values {
        enc.sample(&[("transport", transport.as_str())], v);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::dnsprobe::{ProbeError, ResponseSummary, Transport};
    use crate::exposition::ExpositionFormat;
    use std::time::Duration;

    #[test]
    fn a_failed_probe_has_success_and_duration_but_no_answer_series() {
        let answered = ProbeResult {
            transport: Transport::Tls,
            endpoint: "dns.lan:853".to_owned(),
            duration: Duration::from_millis(25),
            response: Some(ResponseSummary {
                rcode: 3,
                answers: 0,
                truncated: false,
            }),
            certificate_expiry: Some(1_800_000_000),
            error: None,
        };
        let failed = ProbeResult {
            transport: Transport::Udp,
            endpoint: "dns.lan:53".to_owned(),
            duration: Duration::from_millis(500),
            response: None,
            certificate_expiry: None,
            error: Some(ProbeError::Timeout(Duration::from_millis(500))),
        };
        let data = DnsData {
            probes: vec![failed, answered],
            blocking: None,
        };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        write_dns(&data, &mut enc);
        let text = enc.finish();
        for line in [
            "technitium_dns_probe_success{transport=\"udp\"} 0\n",
            "technitium_dns_probe_success{transport=\"tls\"} 1\n",
            "technitium_dns_probe_duration_seconds{transport=\"udp\"} 0.5\n",
            "technitium_dns_probe_rcode{transport=\"tls\",rcode=\"NXDOMAIN\"} 1\n",
            "technitium_dns_probe_answer_records{transport=\"tls\"} 0\n",
            "technitium_dns_probe_tls_certificate_expiry_timestamp_seconds{transport=\"tls\"} 1800000000\n",
        ] {
            assert!(text.contains(line), "{line}in {text}");
        }
        assert_eq!(text.matches("transport=\"udp\"").count(), 2, "{text}");
        assert!(!text.contains("blocking_works"), "{text}");
    }

    #[test]
    fn nothing_is_written_without_results() {
        let mut enc = Encoder::new(ExpositionFormat::Text);
        write_dns(&DnsData::default(), &mut enc);
        assert_eq!(enc.finish(), "");
    }
}
