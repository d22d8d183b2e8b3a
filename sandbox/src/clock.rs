//! The virtual clock behind every time rule (token expiry, story lifetime, insights windows).
//!
//! It runs with the wall clock but can be moved: `POST /_sandbox/clock` advances it or sets it,
//! so a test can let a token expire without waiting an hour.

/// Earliest and latest instants the clock may show (1970 to 9999-12-31T23:59:59Z): keeps every
/// `now + lifetime` far from overflow.
pub(crate) const MIN_TIME: i64 = 0;
/// See [`MIN_TIME`].
pub(crate) const MAX_TIME: i64 = 253_402_300_799;

/// Wall-clock unix seconds.
pub(crate) fn wall_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Virtual time = wall time + offset.
#[derive(Debug, Clone, Default)]
pub(crate) struct Clock {
    offset: i64,
}

impl Clock {
    /// Unix seconds on the virtual clock.
    pub(crate) fn now(&self) -> i64 {
        wall_now()
            .saturating_add(self.offset)
            .clamp(MIN_TIME, MAX_TIME)
    }

    /// Move forward (or back, with a negative number) by `secs`.
    pub(crate) fn advance(&mut self, secs: i64) -> Result<i64, String> {
        let target = self
            .now()
            .checked_add(secs)
            .filter(|t| (MIN_TIME..=MAX_TIME).contains(t))
            .ok_or_else(|| "advance_seconds: the clock would leave 1970..9999".to_owned())?;
        self.set(target)
    }

    /// Jump to `t` (unix seconds).
    pub(crate) fn set(&mut self, t: i64) -> Result<i64, String> {
        if !(MIN_TIME..=MAX_TIME).contains(&t) {
            return Err(format!("now: must be between {MIN_TIME} and {MAX_TIME}"));
        }
        self.offset = t - wall_now();
        Ok(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_and_set() {
        let mut c = Clock::default();
        let t0 = c.now();
        let t1 = c.advance(3600).unwrap();
        assert!((3600..3603).contains(&(t1 - t0)));
        assert_eq!(c.set(1_000).unwrap(), 1_000);
        assert!(c.advance(i64::MAX).is_err());
        assert!(c.advance(-5_000).is_err());
        assert!(c.set(-1).is_err());
    }
}
