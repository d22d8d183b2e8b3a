//! Meta's usage headers (`X-App-Usage`, `X-Business-Use-Case-Usage`): how close we are to a throttle.

use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

/// One usage reading, percentages 0–100 of the limit.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Usage {
    /// `X-App-Usage` (platform rate limit).
    pub app: Option<UsageCounters>,
    /// `X-Business-Use-Case-Usage` entries, one per business object and type.
    pub business: Vec<BusinessUsage>,
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

/// One business-use-case entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BusinessUsage {
    /// Business object id (the IG account for `instagram`).
    pub object_id: String,
    /// `instagram`, `pages`, `messenger`, ...
    pub kind: String,
    /// Counters.
    pub counters: UsageCounters,
    /// Minutes until access is regained when throttled.
    pub estimated_time_to_regain_access: Option<f64>,
}

impl Usage {
    /// Parse whichever headers are present; malformed values are ignored (Meta does not
    /// promise these on every host).
    pub fn from_headers(app: Option<&str>, business: Option<&str>) -> Option<Usage> {
        let app = app
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .map(|v| counters(&v));
        let mut out = Vec::new();
        if let Some(Value::Object(map)) =
            business.and_then(|s| serde_json::from_str::<Value>(s).ok())
        {
            for (id, entries) in map {
                for e in entries.as_array().into_iter().flatten() {
                    out.push(BusinessUsage {
                        object_id: id.clone(),
                        kind: e
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                        counters: counters(e),
                        estimated_time_to_regain_access: e
                            .get("estimated_time_to_regain_access")
                            .and_then(num),
                    });
                }
            }
        }
        if app.is_none() && out.is_empty() {
            return None;
        }
        Some(Usage { app, business: out })
    }

    /// Highest percentage among all counters.
    pub fn max_percent(&self) -> f64 {
        let all = self
            .app
            .iter()
            .chain(self.business.iter().map(|b| &b.counters));
        all.flat_map(|c| [c.call_count, c.total_time, c.total_cputime])
            .fold(0.0, f64::max)
    }

    /// Meta's own estimate of when a throttled pair is usable again.
    pub fn regain_after(&self) -> Option<Duration> {
        self.business
            .iter()
            .filter_map(|b| b.estimated_time_to_regain_access)
            .filter(|m| *m > 0.0)
            .fold(None, |acc: Option<f64>, m| {
                Some(acc.map_or(m, |a| a.max(m)))
            })
            .map(|m| Duration::from_secs_f64(m * 60.0))
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn counters(v: &Value) -> UsageCounters {
    let g = |k: &str| v.get(k).and_then(num).unwrap_or(0.0);
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
    }
}
