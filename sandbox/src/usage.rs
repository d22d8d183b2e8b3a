//! Meta's usage headers (`X-App-Usage`, `X-Business-Use-Case-Usage`), deterministic per request count.
//!
//! Percentages grow with the Graph requests served since start (or reset): one percent of
//! the app limit per 50 calls and one percent of the BUC limit per 48 calls, on top of
//! `usage_start_percent`, so a test run of a few hundred calls stays far below the 90 % where
//! clients start to slow down unless a test asks to start high. Throttle faults send every
//! figure at 100 % with `estimated_time_to_regain_access` (minutes).

use serde_json::json;

/// Graph calls per percent of the platform (app) limit.
const APP_CALLS_PER_PERCENT: u64 = 50;
/// Graph calls per percent of the business-use-case limit (4800 calls = 100 %).
const BUC_CALLS_PER_PERCENT: u64 = 48;

/// Whose business-use-case bucket a call is charged to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BucKey {
    /// The business object id: the IG account id, or the Page id for Page-token calls.
    pub id: String,
    /// `instagram` or `pages` (Meta's BUC types).
    pub kind: &'static str,
}

/// Where the figures stand for one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Level {
    /// Graph requests served so far.
    pub n: u64,
    /// `usage_start_percent`.
    pub start: u64,
    /// `Some(minutes)` when the answer is a throttle: everything at 100 %.
    pub throttled: Option<u64>,
}

fn pct(l: Level, per: u64) -> u64 {
    if l.throttled.is_some() {
        return 100;
    }
    (l.start + l.n / per).min(100)
}

/// `X-App-Usage`.
pub(crate) fn app_usage(l: Level) -> String {
    json!({
        "call_count": pct(l, APP_CALLS_PER_PERCENT),
        "total_time": pct(l, APP_CALLS_PER_PERCENT * 3),
        "total_cputime": pct(l, APP_CALLS_PER_PERCENT * 4),
    })
    .to_string()
}

/// `X-Business-Use-Case-Usage` for one business object.
pub(crate) fn buc_usage(key: &BucKey, l: Level) -> String {
    let mut map = serde_json::Map::new();
    map.insert(
        key.id.clone(),
        json!([{
            "type": key.kind,
            "call_count": pct(l, BUC_CALLS_PER_PERCENT),
            "total_cputime": pct(l, BUC_CALLS_PER_PERCENT * 4),
            "total_time": pct(l, BUC_CALLS_PER_PERCENT * 3),
            "estimated_time_to_regain_access": l.throttled.unwrap_or(0),
        }]),
    );
    serde_json::Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn at(n: u64) -> Level {
        Level {
            n,
            start: 0,
            throttled: None,
        }
    }

    #[test]
    fn headers_are_json_and_grow_to_a_cap() {
        let a: Value = serde_json::from_str(&app_usage(at(0))).unwrap();
        assert_eq!(a["call_count"], 0);
        let a: Value = serde_json::from_str(&app_usage(at(500))).unwrap();
        assert_eq!(a["call_count"], 10);
        let a: Value = serde_json::from_str(&app_usage(at(1_000_000))).unwrap();
        assert_eq!(a["call_count"], 100);
        assert_eq!(a["total_time"], 100);
        let key = BucKey {
            id: "17841400000000000".into(),
            kind: "instagram",
        };
        let b: Value = serde_json::from_str(&buc_usage(&key, at(4800))).unwrap();
        let e = &b["17841400000000000"][0];
        assert_eq!(e["type"], "instagram");
        assert_eq!(e["call_count"], 100);
        assert_eq!(e["estimated_time_to_regain_access"], 0);
    }

    #[test]
    fn start_high_and_throttled() {
        let l = Level {
            n: 100,
            start: 90,
            throttled: None,
        };
        let a: Value = serde_json::from_str(&app_usage(l)).unwrap();
        assert_eq!(a["call_count"], 92);
        let key = BucKey {
            id: "1".into(),
            kind: "pages",
        };
        let l = Level {
            throttled: Some(3),
            ..at(0)
        };
        let b: Value = serde_json::from_str(&buc_usage(&key, l)).unwrap();
        assert_eq!(b["1"][0]["type"], "pages");
        assert_eq!(b["1"][0]["call_count"], 100);
        assert_eq!(b["1"][0]["estimated_time_to_regain_access"], 3);
    }
}
