//! The server's per-minute buckets as the derived counters read them: a `utc=true` main chart
//! (`LastHour`, or `type=Custom` for a range) turned into consecutive [`Minutes`], each label a
//! whole UTC minute, each value a count; anything else is a [`ShapeError`].

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::technitium::types::MainChartData;

/// Seconds in a minute: the bucket width and the step between labels.
pub const MINUTE: i64 = 60;

/// The main chart's additive dataset names, as the server labels them, in [`Minute`] field
/// order: `Total`, then the rcode series, then the outcome series.
pub const DATASETS: [&str; 10] = [
    "Total",
    "No Error",
    "Server Failure",
    "NX Domain",
    "Refused",
    "Authoritative",
    "Recursive",
    "Cached",
    "Blocked",
    "Dropped",
];

/// One minute bucket of the main chart (the `Clients` series is not additive and is not read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Minute {
    /// `Total`.
    pub total: u64,
    /// `No Error`, `Server Failure`, `NX Domain`, `Refused`.
    pub rcodes: [u64; 4],
    /// `Authoritative`, `Recursive`, `Cached`, `Blocked`, `Dropped`.
    pub outcomes: [u64; 5],
}

/// Consecutive minute buckets: `rows[i]` is the minute whose end label is `first + 60 i`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Minutes {
    /// End label of the oldest bucket (Unix seconds, a whole minute).
    pub first: i64,
    /// The buckets, oldest first.
    pub rows: Vec<Minute>,
}

impl Minutes {
    /// Reads a main chart answered with `utc=true`.
    ///
    /// # Errors
    /// What is wrong: labels that are not whole UTC minutes one minute apart, a missing
    /// dataset, a dataset of another length, a value that is not a non-negative integer.
    pub fn from_chart(chart: &MainChartData) -> Result<Self, ShapeError> {
        let n = chart.labels.len();
        let Some(first_label) = chart.labels.first() else {
            return Err(ShapeError("a main chart without labels".to_owned()));
        };
        let first = parse_label(first_label)?;
        for (i, label) in chart.labels.iter().enumerate().skip(1) {
            let at = parse_label(label)?;
            if at != first + MINUTE * i as i64 {
                return Err(ShapeError(format!(
                    "main chart labels that are not consecutive minutes ({label:?} at position {i})"
                )));
            }
        }
        let mut rows = vec![Minute::default(); n];
        for (k, name) in DATASETS.iter().enumerate() {
            let data = chart
                .series(name)
                .ok_or_else(|| ShapeError(format!("a main chart without its {name:?} series")))?;
            if data.len() != n {
                return Err(ShapeError(format!(
                    "a main chart whose {name:?} series has {} values for {n} labels",
                    data.len()
                )));
            }
            for (row, v) in rows.iter_mut().zip(data) {
                let v = v.as_u64().ok_or_else(|| {
                    ShapeError(format!(
                        "a main chart value that is not a count ({name:?}: {v})"
                    ))
                })?;
                match k {
                    0 => row.total = v,
                    1..=4 => row.rcodes[k - 1] = v,
                    _ => row.outcomes[k - 5] = v,
                }
            }
        }
        Ok(Self { first, rows })
    }

    /// End label of the newest bucket.
    #[must_use]
    pub fn last(&self) -> Option<i64> {
        let n = i64::try_from(self.rows.len()).ok()?;
        (n > 0).then(|| self.first + MINUTE * (n - 1))
    }

    /// The bucket ending at `label`.
    #[must_use]
    pub fn get(&self, label: i64) -> Option<&Minute> {
        let offset = label.checked_sub(self.first)?;
        if offset < 0 || offset % MINUTE != 0 {
            return None;
        }
        self.rows.get(usize::try_from(offset / MINUTE).ok()?)
    }

    /// The newest final minute of a `LastHour` chart: one minute older than its newest label.
    #[must_use]
    pub fn newest_final(&self) -> Option<i64> {
        self.last().map(|l| l - MINUTE).filter(|f| *f >= self.first)
    }
}

/// Unix seconds of a `utc=true` label, which must be a whole minute.
///
/// # Errors
/// When the label is not ISO-8601 UTC or not on a whole minute.
pub fn parse_label(label: &str) -> Result<i64, ShapeError> {
    let at = OffsetDateTime::parse(label, &Rfc3339).map_err(|_| {
        ShapeError(format!(
            "a main chart label that is not an ISO-8601 UTC time ({label:?}; sent utc=true?)"
        ))
    })?;
    if at.second() != 0 || at.nanosecond() != 0 {
        return Err(ShapeError(format!(
            "a main chart label that is not a whole minute ({label:?})"
        )));
    }
    Ok(at.unix_timestamp())
}

/// A label as the `start`/`end` parameter of a `Custom` call: `2026-05-10T12:31:00Z`.
#[must_use]
pub fn format_label(at: i64) -> String {
    crate::technitium::range::label(at)
}

/// Why a per-minute chart cannot be counted: labels that are not consecutive whole minutes, a
/// missing or short dataset, a `Custom` answer for other minutes than asked (nothing is changed
/// then). The text says what was wrong, for an error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ShapeError(pub String);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::technitium::types::NamedDataset;

    const T0: i64 = 1_778_416_200; // 2026-05-10T12:30:00Z

    #[test]
    fn labels_parse_as_whole_minutes() {
        assert_eq!(parse_label("2026-05-10T12:30:00.0000000Z"), Ok(T0));
        assert_eq!(parse_label("2026-05-10T12:30:00Z"), Ok(T0));
        assert!(parse_label("2026-05-10T12:30:01Z").is_err());
        assert!(parse_label("12:30").is_err());
        assert_eq!(format_label(T0), "2026-05-10T12:30:00Z");
    }

    #[test]
    fn charts_parse_and_reject_bad_shapes() {
        let labels: Vec<String> = (0..3)
            .map(|i| format_label(T0 + MINUTE * i).replace('Z', ".0000000Z"))
            .collect();
        let ds = |label: &str, v: u64| NamedDataset {
            label: label.to_owned(),
            data: vec![v.into(), (v + 1).into(), (v + 2).into()],
        };
        let mut chart = MainChartData {
            labels,
            datasets: DATASETS.iter().map(|d| ds(d, 5)).collect(),
        };
        chart.datasets.push(ds("Clients", 99));
        let m = Minutes::from_chart(&chart).unwrap();
        assert_eq!(m.first, T0);
        assert_eq!(m.last(), Some(T0 + 120));
        assert_eq!(m.newest_final(), Some(T0 + 60));
        assert_eq!(m.get(T0 + 60).unwrap().total, 6);
        assert_eq!(m.get(T0 + 60).unwrap().outcomes[4], 6);
        assert_eq!(m.get(T0 + 30), None);
        assert_eq!(m.get(T0 + 180), None);

        let mut gap = chart.clone();
        gap.labels[2] = format_label(T0 + 240);
        assert!(Minutes::from_chart(&gap).is_err());
        let mut missing = chart.clone();
        missing.datasets.remove(3);
        assert!(
            Minutes::from_chart(&missing)
                .unwrap_err()
                .0
                .contains("NX Domain")
        );
        let mut negative = chart.clone();
        negative.datasets[0].data[1] = serde_json::Number::from(-1);
        assert!(Minutes::from_chart(&negative).is_err());
        let mut short = chart;
        short.datasets[0].data.pop();
        assert!(Minutes::from_chart(&short).is_err());
    }
}
