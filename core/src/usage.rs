//! Meta's usage headers (`X-App-Usage`, `X-Business-Use-Case-Usage`, `X-Ad-Account-Usage`): how
//! close we are to a throttle.
//!
//! The values arrive from the network and are parsed defensively: anything that is not the
//! documented shape is ignored, numbers are finite and clamped (percentages to
//! [0, [`MAX_PERCENT`]], regain times to [`crate::headers::MAX_HINT`]), and the amount of work a
//! hostile header can cause is bounded ([`MAX_OBJECTS`], [`MAX_ENTRIES_PER_OBJECT`]).

use crate::headers::{self, MAX_HINT};
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

/// Largest percentage kept. Meta reports values above 100 when a budget is overrun; anything
/// beyond this is junk, and clamping keeps arithmetic on it well-behaved.
pub const MAX_PERCENT: f64 = 10_000.0;

/// Most business objects read from one `X-Business-Use-Case-Usage` header (Meta sends ≤ 32).
pub const MAX_OBJECTS: usize = 64;

/// Most `{type, ...}` entries read per business object (Meta has 7 types).
pub const MAX_ENTRIES_PER_OBJECT: usize = 16;

/// Longest business object id or type kept; Meta's ids are ~17 digits.
const MAX_ID_LEN: usize = 128;

/// One usage reading, percentages 0–100 of the limit.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Usage {
    /// `X-App-Usage` (platform rate limit).
    pub app: Option<UsageCounters>,
    /// `X-Business-Use-Case-Usage` entries, one per business object and type.
    pub business: Vec<BusinessUsage>,
    /// `X-Ad-Account-Usage` (only on ad-account calls; omitted from JSON when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ad_account: Option<AdAccountUsage>,
}

/// Call count / time percentages.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UsageCounters {
    /// Percent of the call budget used.
    pub call_count: f64,
    /// Percent of the total time budget used.
    pub total_time: f64,
    /// Percent of the CPU time budget used.
    pub total_cputime: f64,
}

impl UsageCounters {
    /// The highest of the three percentages.
    pub fn max_percent(&self) -> f64 {
        self.call_count.max(self.total_time).max(self.total_cputime)
    }
}

/// One business-use-case entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BusinessUsage {
    /// Business object id (the IG account for `instagram`).
    pub object_id: String,
    /// `instagram`, `pages`, `messenger`, ...
    pub kind: String,
    /// Counters.
    pub counters: UsageCounters,
    /// Minutes until access is regained when throttled (finite, 0–1440).
    pub estimated_time_to_regain_access: Option<f64>,
}

impl BusinessUsage {
    /// `estimated_time_to_regain_access` as a duration, when positive.
    pub fn regain(&self) -> Option<Duration> {
        positive_minutes(self.estimated_time_to_regain_access)
    }
}

/// `X-Ad-Account-Usage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AdAccountUsage {
    /// Percent of the ad account's budget used.
    pub acc_id_util_pct: f64,
    /// Seconds until the usage score resets to 0 (finite, 0–86400).
    pub reset_time_duration: Option<f64>,
    /// `standard_access`, `development_access`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ads_api_access_tier: Option<String>,
}

impl AdAccountUsage {
    /// `reset_time_duration` as a duration, when positive.
    pub fn reset(&self) -> Option<Duration> {
        self.reset_time_duration
            .filter(|s| *s > 0.0)
            .and_then(|s| headers::secs_to_duration(s, MAX_HINT))
    }
}

impl Usage {
    /// Parse whichever of `X-App-Usage` and `X-Business-Use-Case-Usage` is present; malformed
    /// values are ignored (Meta does not promise these on every host).
    pub fn from_headers(app: Option<&str>, business: Option<&str>) -> Option<Usage> {
        Self::from_all_headers(app, business, None)
    }

    /// Like [`Usage::from_headers`], with `X-Ad-Account-Usage` too.
    pub fn from_all_headers(
        app: Option<&str>,
        business: Option<&str>,
        ad_account: Option<&str>,
    ) -> Option<Usage> {
        let app = parse_object(app).map(|v| counters(&v));
        let business = parse_object(business)
            .map(|v| parse_business(&v))
            .unwrap_or_default();
        let ad_account = parse_object(ad_account).map(|v| AdAccountUsage {
            acc_id_util_pct: v.get("acc_id_util_pct").and_then(percent).unwrap_or(0.0),
            reset_time_duration: v
                .get("reset_time_duration")
                .and_then(num)
                .filter(|s| *s >= 0.0)
                .map(|s| s.min(MAX_HINT.as_secs_f64())),
            ads_api_access_tier: v
                .get("ads_api_access_tier")
                .and_then(Value::as_str)
                .filter(|s| s.len() <= MAX_ID_LEN)
                .map(str::to_owned),
        });
        if app.is_none() && business.is_empty() && ad_account.is_none() {
            return None;
        }
        Some(Usage {
            app,
            business,
            ad_account,
        })
    }

    /// No reading at all (what [`crate::pacing::Pacer::snapshot`] returns before any header).
    pub fn is_empty(&self) -> bool {
        self.app.is_none() && self.business.is_empty() && self.ad_account.is_none()
    }

    /// Highest percentage among all counters.
    pub fn max_percent(&self) -> f64 {
        let counters = self
            .app
            .iter()
            .chain(self.business.iter().map(|b| &b.counters))
            .map(UsageCounters::max_percent);
        let ad = self.ad_account.iter().map(|a| a.acc_id_util_pct);
        counters.chain(ad).fold(0.0, f64::max)
    }

    /// Meta's own estimate of when a throttled pair is usable again (the longest one), plus an
    /// exhausted ad account's reset time.
    pub fn regain_after(&self) -> Option<Duration> {
        let ad = self
            .ad_account
            .iter()
            .filter(|a| a.acc_id_util_pct >= 100.0)
            .filter_map(AdAccountUsage::reset);
        self.business
            .iter()
            .filter_map(BusinessUsage::regain)
            .chain(ad)
            .max()
    }
}

/// A header value that is a JSON object, or nothing.
fn parse_object(raw: Option<&str>) -> Option<Value> {
    let raw = raw?.trim();
    if raw.len() > headers::MAX_HEADER_LEN {
        return None;
    }
    serde_json::from_str::<Value>(raw)
        .ok()
        .filter(Value::is_object)
}

fn parse_business(v: &Value) -> Vec<BusinessUsage> {
    let Some(map) = v.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (id, entries) in map.iter().take(MAX_OBJECTS) {
        if id.is_empty() || id.len() > MAX_ID_LEN {
            continue;
        }
        let entries = entries.as_array().map(Vec::as_slice).unwrap_or_default();
        for e in entries.iter().take(MAX_ENTRIES_PER_OBJECT) {
            if !e.is_object() {
                continue;
            }
            let kind = e
                .get("type")
                .and_then(Value::as_str)
                .filter(|s| s.len() <= MAX_ID_LEN)
                .unwrap_or("");
            out.push(BusinessUsage {
                object_id: id.clone(),
                kind: kind.to_owned(),
                counters: counters(e),
                estimated_time_to_regain_access: e
                    .get("estimated_time_to_regain_access")
                    .and_then(num)
                    .filter(|m| *m >= 0.0)
                    .map(|m| m.min(MAX_HINT.as_secs_f64() / 60.0)),
            });
        }
    }
    out
}

fn positive_minutes(m: Option<f64>) -> Option<Duration> {
    m.filter(|m| *m > 0.0)
        .and_then(headers::minutes_to_duration)
}

/// A finite number, from a JSON number or a numeric string.
fn num(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.len() <= 64 => s.trim().parse::<f64>().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

/// A percentage clamped to [0, MAX_PERCENT].
fn percent(v: &Value) -> Option<f64> {
    num(v).map(|p| p.clamp(0.0, MAX_PERCENT))
}

fn counters(v: &Value) -> UsageCounters {
    let g = |k: &str| v.get(k).and_then(percent).unwrap_or(0.0);
    UsageCounters {
        call_count: g("call_count"),
        total_time: g("total_time"),
        total_cputime: g("total_cputime"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_meta_documented_headers() {
        let u = Usage::from_headers(
            Some(r#"{"call_count":28,"total_time":25,"total_cputime":25}"#),
            Some(r#"{"17841400000000000":[{"type":"instagram","call_count":100,"total_cputime":25,"total_time":25,"estimated_time_to_regain_access":19}]}"#),
        )
        .unwrap();
        assert_eq!(u.app.as_ref().unwrap().call_count, 28.0);
        assert_eq!(u.business[0].kind, "instagram");
        assert_eq!(u.max_percent(), 100.0);
        assert_eq!(u.regain_after(), Some(Duration::from_secs(19 * 60)));
        assert!(Usage::from_headers(Some("not json"), None).is_none());
        assert!(!u.is_empty());
        assert!(Usage::default().is_empty());
    }

    #[test]
    fn parses_the_ad_account_header_and_keeps_the_json_shape() {
        let u = Usage::from_all_headers(
            None,
            None,
            Some(r#"{"acc_id_util_pct":9.67,"reset_time_duration":0,"ads_api_access_tier":"standard_access"}"#),
        )
        .unwrap();
        let ad = u.ad_account.as_ref().unwrap();
        assert_eq!(ad.acc_id_util_pct, 9.67);
        assert_eq!(ad.reset(), None);
        assert_eq!(u.max_percent(), 9.67);
        // Without the ad-account header the JSON is exactly what bindings returned before.
        let plain = Usage::from_headers(Some(r#"{"call_count":1}"#), None).unwrap();
        let j = serde_json::to_value(&plain).unwrap();
        let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["app", "business"]);
    }

    #[test]
    fn every_object_and_type_of_one_header_is_kept() {
        let u = Usage::from_headers(
            None,
            Some(r#"{"111":[{"type":"instagram","call_count":10},{"type":"messenger","call_count":20}],"222":[{"type":"instagram","call_count":30}]}"#),
        )
        .unwrap();
        let mut got: Vec<(String, String, f64)> = u
            .business
            .iter()
            .map(|b| (b.object_id.clone(), b.kind.clone(), b.counters.call_count))
            .collect();
        got.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(
            got,
            [
                ("111".into(), "instagram".into(), 10.0),
                ("111".into(), "messenger".into(), 20.0),
                ("222".into(), "instagram".into(), 30.0)
            ]
        );
    }

    #[test]
    fn hostile_values_are_clamped_or_ignored() {
        let u = Usage::from_headers(
            Some(r#"{"call_count":-5,"total_time":"1e400","total_cputime":1e308}"#),
            Some(
                r#"{"1":[{"type":"instagram","estimated_time_to_regain_access":1e308}],
                    "2":[{"type":"pages","estimated_time_to_regain_access":-4}],
                    "3":[{"type":["x"],"estimated_time_to_regain_access":{"a":[1]}}],
                    "4":"garbage","5":[7,null,"x"]}"#,
            ),
        )
        .unwrap();
        let app = u.app.as_ref().unwrap();
        assert_eq!(
            (app.call_count, app.total_time, app.total_cputime),
            (0.0, 0.0, MAX_PERCENT)
        );
        assert_eq!(u.regain_after(), Some(MAX_HINT));
        assert_eq!(u.business.len(), 3);
        assert_eq!(u.business[1].estimated_time_to_regain_access, None);
        assert_eq!(u.business[2].kind, "");
        assert!(Usage::from_headers(Some("42"), Some("[1,2]")).is_none());
        assert!(Usage::from_headers(Some("{\"call_count\":NaN}"), None).is_none());
    }

    #[test]
    fn a_huge_header_is_bounded() {
        let objs: Vec<String> = (0..500)
            .map(|i| format!(r#""{i}":[{{"type":"instagram","call_count":1}}]"#))
            .collect();
        let header = format!("{{{}}}", objs.join(","));
        let u = Usage::from_headers(None, Some(&header)).unwrap();
        assert_eq!(u.business.len(), MAX_OBJECTS);
    }
}
