//! A histogram that accumulates observations for both kinds of Prometheus histogram at once:
//! classic buckets with fixed upper bounds, and native (sparse, exponential) buckets.
//!
//! Native buckets follow Prometheus's definition with a fixed schema ([`SCHEMA`] = 3): bucket
//! `i` holds the observations in `(2^((i-1)/8), 2^(i/8)]`, so neighbouring bounds differ by
//! 2^(1/8) ≈ 9 %: the "roughly 10 % resolution" the latency work asks for. Observations at or
//! below [`ZERO_THRESHOLD`] (and NaN or negative ones, which durations never are) count in the
//! zero bucket. Only buckets that were hit are kept, in a sorted map; for durations between a
//! microsecond and a minute that is at most about 210 buckets per histogram, so no resolution
//! reduction is needed.
//!
//! This module only counts. Writing a histogram (classic `_bucket` lines in text and
//! OpenMetrics, spans and deltas in protobuf) is the encoder's job.

use std::collections::BTreeMap;

/// The native schema: 2^3 = 8 buckets per power of two.
pub const SCHEMA: i32 = 3;

/// Observations at or below this count in the zero bucket (Prometheus's own default, 2^-128).
pub const ZERO_THRESHOLD: f64 = 2.938_735_877_055_719e-39;

/// The classic upper bounds of every latency histogram (seconds), from the design's metric
/// contract; `+Inf` is implied.
pub const LATENCY_BOUNDS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
];

/// 2^(k/8) / 2 for k in 0..8: the lower edges, within [0.5, 1), of the eight native buckets
/// of one power of two, as `frexp`'s fraction sees them.
const FRACTION_BOUNDS: [f64; 8] = [
    0.5,
    0.545_253_866_332_628_8,
    0.594_603_557_501_360_5,
    0.648_419_777_325_504_8,
    0.707_106_781_186_547_5,
    0.771_105_412_703_970_4,
    0.840_896_415_253_714_6,
    0.917_004_043_204_671_2,
];

/// Counts of one histogram (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    bounds: &'static [f64],
    /// Non-cumulative count per classic bucket; the last one is `+Inf`.
    classic: Vec<u64>,
    count: u64,
    sum: f64,
    zero_count: u64,
    /// Native bucket index → count (only buckets that were hit).
    native: BTreeMap<i32, u64>,
}

impl Histogram {
    /// An empty histogram with these classic upper bounds (ascending, finite; `+Inf` implied).
    #[must_use]
    pub fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            classic: vec![0; bounds.len() + 1],
            count: 0,
            sum: 0.0,
            zero_count: 0,
            native: BTreeMap::new(),
        }
    }

    /// Counts one observation.
    pub fn observe(&mut self, value: f64) {
        let slot = self
            .bounds
            .iter()
            .position(|b| value <= *b)
            .unwrap_or(self.bounds.len());
        if let Some(c) = self.classic.get_mut(slot) {
            *c += 1;
        }
        self.count += 1;
        if value.is_finite() {
            self.sum += value;
        }
        match native_index(value) {
            Some(i) => *self.native.entry(i).or_insert(0) += 1,
            None => self.zero_count += 1,
        }
    }

    /// Number of observations.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sum of the (finite) observations.
    #[must_use]
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// The classic buckets as `(upper bound, cumulative count)`, ending with `(+Inf, count)`.
    pub fn cumulative(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        let bounds = self.bounds.iter().copied().chain([f64::INFINITY]);
        bounds.zip(self.classic.iter().scan(0u64, |acc, c| {
            *acc += c;
            Some(*acc)
        }))
    }

    /// Observations in the native zero bucket.
    #[must_use]
    pub fn zero_count(&self) -> u64 {
        self.zero_count
    }

    /// The native buckets that were hit, as `(index, count)` in ascending index order; bucket
    /// `i` covers `(2^((i-1)/8), 2^(i/8)]`.
    pub fn native_buckets(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        self.native.iter().map(|(i, c)| (*i, *c))
    }
}

/// The native bucket of `value` at [`SCHEMA`], or `None` for the zero bucket.
#[must_use]
pub fn native_index(value: f64) -> Option<i32> {
    if value.is_nan() || value <= ZERO_THRESHOLD {
        return None;
    }
    if value.is_infinite() {
        // Above every finite bucket: the last index a finite f64 can reach, plus one.
        return Some(1024 * 8 + 1);
    }
    let (fraction, exp) = frexp(value);
    // The first k whose lower edge is >= fraction; fraction == edge belongs to the bucket
    // below (upper bounds are inclusive).
    let k = FRACTION_BOUNDS.partition_point(|b| *b < fraction);
    let k = i32::try_from(k).unwrap_or(8);
    Some((exp - 1) * 8 + k)
}

/// `value` = fraction × 2^exp with fraction in [0.5, 1), for a positive, finite `value`.
fn frexp(value: f64) -> (f64, i32) {
    let bits = value.to_bits();
    let raw_exp = i32::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    if raw_exp == 0 {
        // Subnormal: scale into the normal range first.
        let (f, e) = frexp(value * 2f64.powi(64));
        return (f, e - 64);
    }
    let fraction = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (fraction, raw_exp - 1022)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The upper bound of native bucket `i`.
    fn upper(i: i32) -> f64 {
        2f64.powf(f64::from(i) / 8.0)
    }

    #[test]
    fn fraction_bounds_are_the_schema_3_edges() {
        for (k, b) in FRACTION_BOUNDS.iter().enumerate() {
            let want = 2f64.powf(f64::from(u8::try_from(k).unwrap()) / 8.0) / 2.0;
            assert!((b - want).abs() < 1e-15, "{k}: {b} vs {want}");
        }
    }

    #[test]
    fn powers_of_two_close_their_bucket() {
        // Upper bounds are inclusive: 1 is the top of bucket 0, 2 of bucket 8, 0.5 of bucket -8.
        assert_eq!(native_index(1.0), Some(0));
        assert_eq!(native_index(2.0), Some(8));
        assert_eq!(native_index(0.5), Some(-8));
        assert_eq!(native_index(1.000_001), Some(1));
    }

    #[test]
    fn every_value_lies_within_its_bucket() {
        let mut v = 1e-7;
        while v < 100.0 {
            let i = native_index(v).unwrap();
            assert!(v <= upper(i) * (1.0 + 1e-12), "{v} above bucket {i}");
            assert!(v > upper(i - 1) * (1.0 - 1e-12), "{v} below bucket {i}");
            v *= 1.013;
        }
    }

    #[test]
    fn zero_and_odd_values_go_to_the_zero_bucket() {
        let mut h = Histogram::new(LATENCY_BOUNDS);
        h.observe(0.0);
        h.observe(-1.0);
        h.observe(f64::NAN);
        assert_eq!(h.zero_count(), 3);
        assert_eq!(h.count(), 3);
        assert_eq!(h.native_buckets().count(), 0);
    }

    #[test]
    fn classic_buckets_are_cumulative_and_end_in_inf() {
        let mut h = Histogram::new(LATENCY_BOUNDS);
        for v in [0.0004, 0.0005, 0.003, 0.15, 7.0] {
            h.observe(v);
        }
        let c: Vec<(f64, u64)> = h.cumulative().collect();
        assert_eq!(c.len(), LATENCY_BOUNDS.len() + 1);
        assert_eq!(c[0], (0.0005, 2));
        assert_eq!(c[3], (0.005, 3));
        assert_eq!(c[8], (0.2, 4));
        assert_eq!(c.last().copied(), Some((f64::INFINITY, 5)));
        assert!((h.sum() - 7.153_9).abs() < 1e-9);
        let native: u64 = h.native_buckets().map(|(_, c)| c).sum();
        assert_eq!(native + h.zero_count(), h.count());
    }
}
