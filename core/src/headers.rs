//! Hostile-safe parsing of the response headers the reliability layer reads (`Retry-After` and
//! Meta's usage headers).
//!
//! Header values come from the network (Meta, a proxy, or an attacker in the middle), so every
//! function here is total: garbage, negative, non-finite or absurdly large values are ignored or
//! clamped to [`MAX_HINT`], and nothing here can panic. `Duration::from_secs_f64` panics on
//! negative, NaN and overflowing input, so it is never called; [`secs_to_duration`] is the guarded
//! replacement used across the crate.

use std::time::{Duration, SystemTime};

/// The longest wait any header may ask for (24 h): Meta's longest rolling window is 24 h, so a
/// larger value is garbage or hostile and would otherwise park a caller indefinitely.
pub const MAX_HINT: Duration = Duration::from_secs(24 * 60 * 60);

/// Longest header value we bother to parse; Meta's usage headers hold at most 32 objects, far
/// below this, and bounding it bounds the JSON work an attacker can make us do.
pub const MAX_HEADER_LEN: usize = 64 * 1024;

/// `secs` seconds as a `Duration`, clamped to `cap`; `None` for NaN, infinities and negatives.
///
/// Finite values above `cap` (e.g. `1e300`) are clamped rather than dropped: they say "a long
/// time", and `cap` is the longest we ever honour.
pub fn secs_to_duration(secs: f64, cap: Duration) -> Option<Duration> {
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    if secs >= cap.as_secs_f64() {
        return Some(cap);
    }
    // try_from cannot fail for a finite value in [0, cap), but stay total anyway.
    Some(Duration::try_from_secs_f64(secs).map_or(cap, |d| d.min(cap)))
}

/// Meta's `estimated_time_to_regain_access` (minutes) as a `Duration`, clamped to [`MAX_HINT`].
pub fn minutes_to_duration(minutes: f64) -> Option<Duration> {
    // Cap before multiplying: 1e308 minutes would overflow to infinity seconds.
    secs_to_duration(minutes.min(1e12) * 60.0, MAX_HINT)
}

/// A header value as text: `None` when it is not visible ASCII/UTF-8 or is too long.
pub fn header_text(raw: &[u8]) -> Option<&str> {
    if raw.len() > MAX_HEADER_LEN {
        return None;
    }
    let s = std::str::from_utf8(raw).ok()?.trim();
    (!s.is_empty()).then_some(s)
}

/// Parse `Retry-After` (RFC 9110: delay-seconds or an HTTP-date), clamped to [`MAX_HINT`].
///
/// Integers too large for `u64` and finite decimals above the cap clamp to the cap; negative,
/// non-finite (`inf`, `NaN`) and unparseable values are ignored; an HTTP-date in the past means
/// "now" (`Some(0)`). Decimals (`1.5`) are accepted although the RFC only allows integers, since
/// some proxies send them.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() || v.len() > 128 {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        // Only digits: an overflowing integer is still "a very long time".
        return Some(
            v.parse::<u64>()
                .map_or(MAX_HINT, |s| Duration::from_secs(s.min(MAX_HINT.as_secs()))),
        );
    }
    let numeric = v
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if numeric {
        // `str::parse::<f64>` also accepts "inf"/"NaN"; the byte filter above already excludes
        // them, and secs_to_duration rejects non-finite values in any case.
        return v
            .parse::<f64>()
            .ok()
            .and_then(|s| secs_to_duration(s, MAX_HINT));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(match at.duration_since(now) {
        Ok(d) => d.min(MAX_HINT),
        Err(_) => Duration::ZERO,
    })
}

/// The headers of one Graph answer that the reliability layer reads, as text.
///
/// Built from `reqwest`'s header map (or raw pairs in tests); values that are not UTF-8 or are
/// longer than [`MAX_HEADER_LEN`] are dropped, as if absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphHeaders {
    /// `Retry-After`.
    pub retry_after: Option<String>,
    /// `X-App-Usage`.
    pub app_usage: Option<String>,
    /// `X-Business-Use-Case-Usage`.
    pub business_usage: Option<String>,
    /// `X-Ad-Account-Usage`.
    pub ad_account_usage: Option<String>,
}

impl GraphHeaders {
    /// Collect from `(name, raw value)` pairs; names are case-insensitive, the first valid
    /// value of a repeated header wins.
    pub fn from_pairs<'a, I>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (&'a str, &'a [u8])>,
    {
        let mut h = GraphHeaders::default();
        for (name, raw) in pairs {
            let slot = match name.to_ascii_lowercase().as_str() {
                "retry-after" => &mut h.retry_after,
                "x-app-usage" => &mut h.app_usage,
                "x-business-use-case-usage" => &mut h.business_usage,
                "x-ad-account-usage" => &mut h.ad_account_usage,
                _ => continue,
            };
            if slot.is_none() {
                *slot = header_text(raw).map(str::to_owned);
            }
        }
        h
    }

    /// Collect from a `reqwest` response's headers.
    pub fn from_header_map(map: &reqwest::header::HeaderMap) -> Self {
        Self::from_pairs(map.iter().map(|(k, v)| (k.as_str(), v.as_bytes())))
    }

    /// `Retry-After` as a duration (see [`parse_retry_after`]).
    pub fn retry_after(&self, now: SystemTime) -> Option<Duration> {
        self.retry_after
            .as_deref()
            .and_then(|v| parse_retry_after(v, now))
    }

    /// The usage headers parsed into a [`crate::usage::Usage`] (`None` when none is usable).
    pub fn usage(&self) -> Option<crate::usage::Usage> {
        crate::usage::Usage::from_all_headers(
            self.app_usage.as_deref(),
            self.business_usage.as_deref(),
            self.ad_account_usage.as_deref(),
        )
    }

    /// How long Meta asks us to wait: the larger of `Retry-After` and the usage headers'
    /// regain time, clamped to [`MAX_HINT`].
    pub fn wait_hint(&self, now: SystemTime) -> Option<Duration> {
        let usage = self.usage().and_then(|u| u.regain_after());
        match (self.retry_after(now), usage) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        // 2026-12-01T12:00:00Z
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_126_400)
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("7", now()), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after(" 120 ", now()),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("1.5", now()),
            Some(Duration::from_millis(1500))
        );
        let in_90s = httpdate::fmt_http_date(now() + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&in_90s, now()),
            Some(Duration::from_secs(90))
        );
    }

    #[test]
    fn hostile_retry_after_values_are_clamped_or_ignored() {
        for junk in [
            "-1", "-0.5", "inf", "-inf", "NaN", "nan", "infinity", "", "  ", "soon", "1e", "--1",
            "0x10", "1,5", "\u{0}",
        ] {
            assert_eq!(parse_retry_after(junk, now()), None, "{junk:?}");
        }
        assert_eq!(parse_retry_after("1e300", now()), Some(MAX_HINT));
        assert_eq!(
            parse_retry_after("99999999999999999999999999999", now()),
            Some(MAX_HINT)
        );
        assert_eq!(
            parse_retry_after("18446744073709551615", now()),
            Some(MAX_HINT)
        );
        assert_eq!(parse_retry_after("0", now()), Some(Duration::ZERO));
        // A date in the past means "now", a date years ahead is clamped.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now()),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now()),
            Some(MAX_HINT)
        );
        assert_eq!(parse_retry_after(&"9".repeat(1000), now()), None);
    }

    #[test]
    fn secs_to_duration_never_panics_on_edge_values() {
        let cap = Duration::from_secs(10);
        assert_eq!(secs_to_duration(f64::NAN, cap), None);
        assert_eq!(secs_to_duration(-1.0, cap), None);
        assert_eq!(secs_to_duration(f64::INFINITY, cap), None);
        assert_eq!(secs_to_duration(f64::MAX, cap), Some(cap));
        assert_eq!(
            secs_to_duration(f64::MAX, Duration::MAX),
            Some(Duration::MAX)
        );
        assert_eq!(
            secs_to_duration(2.5, cap),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(minutes_to_duration(1e308), Some(MAX_HINT));
        assert_eq!(minutes_to_duration(-3.0), None);
    }

    #[test]
    fn non_utf8_and_oversized_header_values_are_ignored() {
        let h = GraphHeaders::from_pairs([
            ("Retry-After", &b"\xff\xfe"[..]),
            ("retry-after", &b"5"[..]),
            ("X-App-Usage", &b"{\"call_count\":\xc3\x28}"[..]),
        ]);
        assert_eq!(h.retry_after.as_deref(), Some("5"));
        assert_eq!(h.app_usage, None);
        let big = vec![b'1'; MAX_HEADER_LEN + 1];
        assert_eq!(header_text(&big), None);
    }

    #[test]
    fn wait_hint_takes_the_larger_of_retry_after_and_regain_time() {
        let buc =
            br#"{"1":[{"type":"instagram","call_count":100,"estimated_time_to_regain_access":2}]}"#;
        let h = GraphHeaders::from_pairs([
            ("retry-after", &b"30"[..]),
            ("x-business-use-case-usage", &buc[..]),
        ]);
        assert_eq!(h.wait_hint(now()), Some(Duration::from_secs(120)));
        let h = GraphHeaders::from_pairs([
            ("retry-after", &b"600"[..]),
            ("x-business-use-case-usage", &buc[..]),
        ]);
        assert_eq!(h.wait_hint(now()), Some(Duration::from_secs(600)));
        assert_eq!(GraphHeaders::default().wait_hint(now()), None);
    }
}
