//! [`CustomRange`]: the only range a `stats/get?type=Custom` call can ask for.
//!
//! Upstream #1975 (v15.2): a `Custom` range the server answers per hour, reaching into the hour
//! it has not saved yet, returned phantom counts and left the server's hourly statistics
//! throwing until a restart. The server answers per minute while
//! `Convert.ToInt32((end − start).TotalHours) + 1 <= 3` (technitium-api.md §14); kept at or
//! under 2 hours, and never past the newest final minute (the newest minute the server has
//! written), a range cannot reach that path. [`CustomRange::new`] is the only way to make
//! one, and [`crate::technitium::Client::stats_custom`] takes nothing else.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Seconds in a minute.
const MINUTE: i64 = 60;

/// Longest `end − start` of a range, in minutes: 2 hours, 121 minute buckets.
pub const MAX_SPAN_MINUTES: i64 = 120;

/// Minutes whose END labels are `start` … `end` (Unix seconds, whole UTC minutes): at most
/// [`MAX_SPAN_MINUTES`] apart, `end` no newer than the newest final minute it was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomRange {
    start: i64,
    end: i64,
}

/// Why a range cannot be asked for (a bug in the caller: the exporter plans its ranges).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// An edge that is not a whole UTC minute.
    #[error("a type=Custom range edge that is not a whole minute ({0})")]
    NotWholeMinute(i64),
    /// `end` before `start`.
    #[error("a type=Custom range that ends before it starts ({start} > {end})")]
    Reversed {
        /// The asked start.
        start: i64,
        /// The asked end.
        end: i64,
    },
    /// Longer than the server answers per minute.
    #[error(
        "a type=Custom range of {minutes} minutes: longer than the {MAX_SPAN_MINUTES} the server answers per minute"
    )]
    TooLong {
        /// `end − start` in minutes.
        minutes: i64,
    },
    /// Reaching past the newest minute the server has written.
    #[error(
        "a type=Custom range ending at {end}, past the newest final minute {newest_final}: the server has not written it yet"
    )]
    PastNewestFinal {
        /// The asked end.
        end: i64,
        /// The newest final minute.
        newest_final: i64,
    },
}

impl CustomRange {
    /// The minutes ending at `start` … `end`, given the server's newest final minute (from its
    /// last-hour chart).
    ///
    /// # Errors
    /// An edge (or `newest_final`) off the minute grid, `end < start`, more than
    /// [`MAX_SPAN_MINUTES`] between them, `end` after `newest_final`.
    pub fn new(start: i64, end: i64, newest_final: i64) -> Result<Self, RangeError> {
        for at in [start, end, newest_final] {
            if at.rem_euclid(MINUTE) != 0 {
                return Err(RangeError::NotWholeMinute(at));
            }
        }
        if end < start {
            return Err(RangeError::Reversed { start, end });
        }
        let minutes = end.checked_sub(start).map_or(i64::MAX, |d| d / MINUTE);
        if minutes > MAX_SPAN_MINUTES {
            return Err(RangeError::TooLong { minutes });
        }
        if end > newest_final {
            return Err(RangeError::PastNewestFinal { end, newest_final });
        }
        Ok(Self { start, end })
    }

    /// End label of the first minute (the call's `start`).
    #[must_use]
    pub fn start(&self) -> i64 {
        self.start
    }

    /// End label of the last minute (the call's `end`).
    #[must_use]
    pub fn end(&self) -> i64 {
        self.end
    }

    /// Number of minutes covered (1 to 121).
    #[must_use]
    pub fn minutes(&self) -> u64 {
        u64::try_from((self.end - self.start) / MINUTE + 1).unwrap_or(0)
    }

    /// The `start` parameter: `2026-05-10T12:31:00Z`.
    #[must_use]
    pub fn start_param(&self) -> String {
        label(self.start)
    }

    /// The `end` parameter.
    #[must_use]
    pub fn end_param(&self) -> String {
        label(self.end)
    }
}

/// Unix seconds as a `utc=true` label: `2026-05-10T12:31:00Z` (empty if out of range).
#[must_use]
pub fn label(at: i64) -> String {
    OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;

    /// 2026-05-10T12:00:00Z: an hour boundary.
    const H: i64 = 1_778_414_400;

    #[test]
    fn a_range_is_at_most_two_hours_and_never_past_the_newest_final_minute() {
        // The longest range: 121 minutes ending at the newest final minute, on the hour.
        let r = CustomRange::new(H - 7200, H, H).unwrap();
        assert_eq!((r.start(), r.end(), r.minutes()), (H - 7200, H, 121));
        assert_eq!(r.start_param(), "2026-05-10T10:00:00Z");
        assert_eq!(r.end_param(), "2026-05-10T12:00:00Z");
        assert_eq!(
            CustomRange::new(H - 7200 - 60, H, H),
            Err(RangeError::TooLong { minutes: 121 })
        );
        // One minute past the newest final one: the hour the server has not written.
        assert_eq!(
            CustomRange::new(H - 60, H + 60, H),
            Err(RangeError::PastNewestFinal {
                end: H + 60,
                newest_final: H
            })
        );
        assert_eq!(CustomRange::new(H, H, H).unwrap().minutes(), 1);
        assert_eq!(
            CustomRange::new(H, H - 60, H),
            Err(RangeError::Reversed {
                start: H,
                end: H - 60
            })
        );
        for (s, e, n) in [(H + 1, H + 60, H + 60), (H, H + 30, H + 60), (H, H, H + 59)] {
            assert!(
                matches!(
                    CustomRange::new(s, e, n),
                    Err(RangeError::NotWholeMinute(_))
                ),
                "{s} {e} {n}"
            );
        }
        // Far edges do not overflow.
        let far = 9_223_372_036_854_775_800; // i64::MAX rounded down to a minute
        assert!(CustomRange::new(i64::MIN, 0, 0).is_err());
        assert!(CustomRange::new(-far, far, far).is_err());
        assert!(CustomRange::new(far - 60, far, far).is_ok());
    }
}
