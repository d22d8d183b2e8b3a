//! Meta's usage headers (`X-App-Usage`, `X-Business-Use-Case-Usage`), deterministic per request count.
//!
//! Percentages grow with the Graph requests served since start (or reset): one percent of
//! the app limit per 50 calls and one percent of the account's BUC limit per 48 calls, so a
//! test run of a few hundred calls stays far below the 90 % where clients start to slow down.

use serde_json::json;

/// Graph calls per percent of the platform (app) limit.
const APP_CALLS_PER_PERCENT: u64 = 50;
/// Graph calls per percent of the Instagram business-use-case limit (4800 calls = 100 %).
const BUC_CALLS_PER_PERCENT: u64 = 48;

fn pct(n: u64, per: u64) -> u64 {
    (n / per).min(100)
}

/// `X-App-Usage` after `n` Graph requests.
pub(crate) fn app_usage(n: u64) -> String {
    json!({
        "call_count": pct(n, APP_CALLS_PER_PERCENT),
        "total_time": pct(n, APP_CALLS_PER_PERCENT * 3),
        "total_cputime": pct(n, APP_CALLS_PER_PERCENT * 4),
    })
    .to_string()
}

/// `X-Business-Use-Case-Usage` for the account after `n` Graph requests.
pub(crate) fn buc_usage(ig_user_id: &str, n: u64) -> String {
    let call_count = pct(n, BUC_CALLS_PER_PERCENT);
    let mut map = serde_json::Map::new();
    map.insert(
        ig_user_id.to_owned(),
        json!([{
            "type": "instagram",
            "call_count": call_count,
            "total_cputime": pct(n, BUC_CALLS_PER_PERCENT * 4),
            "total_time": pct(n, BUC_CALLS_PER_PERCENT * 3),
            "estimated_time_to_regain_access": 0,
        }]),
    );
    serde_json::Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn headers_are_json_and_grow_to_a_cap() {
        let a: Value = serde_json::from_str(&app_usage(0)).unwrap();
        assert_eq!(a["call_count"], 0);
        let a: Value = serde_json::from_str(&app_usage(500)).unwrap();
        assert_eq!(a["call_count"], 10);
        let a: Value = serde_json::from_str(&app_usage(1_000_000)).unwrap();
        assert_eq!(a["call_count"], 100);
        assert_eq!(a["total_time"], 100);
        let b: Value = serde_json::from_str(&buc_usage("17841400000000000", 4800)).unwrap();
        let e = &b["17841400000000000"][0];
        assert_eq!(e["type"], "instagram");
        assert_eq!(e["call_count"], 100);
        assert_eq!(e["estimated_time_to_regain_access"], 0);
    }
}
