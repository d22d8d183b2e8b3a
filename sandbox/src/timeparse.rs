//! `since` / `until` as Graph reads them: unix seconds or a date/time string (a subset of
//! PHP's `strtotime` that Meta's docs use: `YYYY-MM-DD`, ISO 8601 with or without an offset).

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Unix seconds from a Graph time parameter; `None` when it is not a time we understand.
pub(crate) fn parse(raw: &str) -> Option<i64> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Some(digits) = s.strip_prefix('-').or(Some(s)) {
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return s.parse::<i64>().ok();
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.timestamp());
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc().timestamp());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn formats() {
        assert_eq!(parse("1767268800"), Some(1_767_268_800));
        assert_eq!(parse("-5"), Some(-5));
        assert_eq!(parse("2026-01-01"), Some(1_767_225_600));
        assert_eq!(parse("2026-01-01T12:00:00+0000"), Some(1_767_268_800));
        assert_eq!(parse("2026-01-01T13:00:00+01:00"), Some(1_767_268_800));
        assert_eq!(parse("2026-01-01T12:00:00Z"), Some(1_767_268_800));
        assert_eq!(parse("2026-01-01T12:00:00"), Some(1_767_268_800));
        assert_eq!(parse("99999999999999999999999"), None);
        assert_eq!(parse("soon"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("2026-02-30"), None);
    }
}
