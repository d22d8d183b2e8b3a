//! Options of `Sandbox::start`, also accepted as a JSON object from the bindings.

use crate::error::Error;
use crate::faults::{self, FaultOptions};
use crate::webhooks::WebhookOptions;
use serde_json::{Map, Value};
use std::time::Duration;

/// Smallest `media_count` accepted: enough media for several `/media` pages at the default limit.
pub const MIN_MEDIA_COUNT: usize = 1;
/// Largest `media_count` accepted (Meta returns at most the 10 000 most recent media).
pub const MAX_MEDIA_COUNT: usize = 10_000;
/// Largest `bulk_comments` accepted (about 300 MB of world).
pub const MAX_BULK_COMMENTS: usize = 1_000_000;

/// How to start a sandbox. `Default` gives seed 42, no latency, a free port on 127.0.0.1,
/// 180 media, no faults and usage headers starting at 0 %.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxOptions {
    /// Seed of the demo data; the same seed gives the same accounts, media, comments and insights.
    pub seed: u64,
    /// Added to every Graph request before it is answered.
    pub latency: Duration,
    /// Interface to bind.
    pub host: String,
    /// Port to bind; 0 picks any free port.
    pub port: u16,
    /// Number of feed media (images, reels, carousels) of the demo account.
    pub media_count: usize,
    /// Reject Graph calls that carry no `appsecret_proof`, like an app with "Require App Secret" on.
    pub require_appsecret_proof: bool,
    /// Fault injection (`fault_rate`, `fault_seed`, per-kind and per-endpoint rates, `slow_ms`).
    pub faults: FaultOptions,
    /// Percentage the usage headers start at (0..=100), to test pacing near the high-water mark.
    pub usage_start_percent: u8,
    /// More top-level comments on the newest feed media (0..=1,000,000), for load tests: paging
    /// 100,000 comments. They page like the others (newest first, 50 a page, cursors).
    pub bulk_comments: usize,
    /// Webhook delivery settings (retries, backoff, legacy sha1 header, timeout).
    pub webhooks: WebhookOptions,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            seed: 42,
            latency: Duration::ZERO,
            host: "127.0.0.1".to_owned(),
            port: 0,
            media_count: 180,
            require_appsecret_proof: false,
            faults: FaultOptions::default(),
            usage_start_percent: 0,
            bulk_comments: 0,
            webhooks: WebhookOptions::default(),
        }
    }
}

impl SandboxOptions {
    /// From a JSON options object with snake_case keys: `seed`, `latency_ms`, `host`, `port`,
    /// `media_count`, `require_appsecret_proof`, `usage_start_percent`, `bulk_comments`, the
    /// webhook settings `webhook_retries`, `webhook_backoff_ms`, `webhook_sha1`,
    /// `webhook_timeout_ms`, and the fault settings
    /// `fault_rate`, `fault_seed`, `faults`, `fault_endpoints`, `slow_ms`, `regain_minutes`,
    /// `long_regain_minutes`. Absent or `null` keys keep their default.
    pub fn from_json(v: &Value) -> Result<Self, Error> {
        let mut o = SandboxOptions::default();
        let map = match v {
            Value::Null => return Ok(o),
            Value::Object(m) => m,
            _ => {
                return Err(Error::invalid_options(
                    "sandbox options: expected an object",
                ))
            }
        };
        const KEYS: &[&str] = &[
            "seed",
            "latency_ms",
            "host",
            "port",
            "media_count",
            "require_appsecret_proof",
            "usage_start_percent",
            "bulk_comments",
        ];
        const FAULT_KEYS: &[&str] = &[
            "fault_rate",
            "fault_seed",
            "faults",
            "fault_endpoints",
            "slow_ms",
            "regain_minutes",
            "long_regain_minutes",
        ];
        let mut fault_map = Map::new();
        let mut hook_map = Map::new();
        for (key, val) in map {
            if let Some(k) = key.strip_prefix("webhook_") {
                if !val.is_null() {
                    hook_map.insert(k.to_owned(), val.clone());
                }
                continue;
            }
            if FAULT_KEYS.contains(&key.as_str()) {
                fault_map.insert(key.clone(), val.clone());
                continue;
            }
            if !KEYS.contains(&key.as_str()) {
                return Err(bad(key, "unknown option"));
            }
            if val.is_null() {
                continue;
            }
            match key.as_str() {
                "seed" => o.seed = uint(key, val, u64::MAX)?,
                "latency_ms" => o.latency = Duration::from_millis(uint(key, val, 600_000)?),
                "host" => {
                    let h = val.as_str().ok_or_else(|| bad(key, "expected a string"))?;
                    if h.trim().is_empty() {
                        return Err(bad(key, "must not be empty"));
                    }
                    o.host = h.to_owned();
                }
                "port" => o.port = uint(key, val, u64::from(u16::MAX))? as u16,
                "media_count" => {
                    let n = uint(key, val, MAX_MEDIA_COUNT as u64)? as usize;
                    if n < MIN_MEDIA_COUNT {
                        return Err(bad(key, &format!("must be at least {MIN_MEDIA_COUNT}")));
                    }
                    o.media_count = n;
                }
                "require_appsecret_proof" => {
                    o.require_appsecret_proof = val
                        .as_bool()
                        .ok_or_else(|| bad(key, "expected a boolean"))?
                }
                "usage_start_percent" => o.usage_start_percent = uint(key, val, 100)? as u8,
                "bulk_comments" => {
                    o.bulk_comments = uint(key, val, MAX_BULK_COMMENTS as u64)? as usize
                }
                _ => return Err(bad(key, "unknown option")),
            }
        }
        o.webhooks
            .apply_json(&hook_map)
            .map_err(|m| Error::invalid_options(format!("sandbox options: webhook_{m}")))?;
        o.faults
            .apply_json(&fault_map)
            .map_err(|m| Error::invalid_options(format!("sandbox options: {m}")))?;
        Ok(o)
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        let f = &self.faults;
        let rates_ok = |p: f64| p.is_finite() && (0.0..=1.0).contains(&p);
        if !rates_ok(f.rate)
            || !f.kinds.values().all(|p| rates_ok(*p))
            || f.kinds.values().sum::<f64>() > 1.0 + 1e-9
            || !f.endpoints.values().all(|p| rates_ok(*p))
        {
            return Err(bad("fault_rate", "probabilities must be between 0 and 1"));
        }
        if f.slow_ms > faults::MAX_SLOW_MS {
            return Err(bad(
                "slow_ms",
                &format!("must be at most {}", faults::MAX_SLOW_MS),
            ));
        }
        if self.usage_start_percent > 100 {
            return Err(bad("usage_start_percent", "must be at most 100"));
        }
        if self.media_count < MIN_MEDIA_COUNT || self.media_count > MAX_MEDIA_COUNT {
            return Err(bad(
                "media_count",
                &format!("must be between {MIN_MEDIA_COUNT} and {MAX_MEDIA_COUNT}"),
            ));
        }
        if self.bulk_comments > MAX_BULK_COMMENTS {
            return Err(bad(
                "bulk_comments",
                &format!("must be at most {MAX_BULK_COMMENTS}"),
            ));
        }
        let w = &self.webhooks;
        if w.retries > crate::webhooks::MAX_RETRIES
            || w.backoff_ms > crate::webhooks::MAX_BACKOFF_MS
            || w.timeout_ms == 0
            || w.timeout_ms > crate::webhooks::MAX_TIMEOUT_MS
        {
            return Err(bad(
                "webhooks",
                "retries, backoff_ms or timeout_ms out of range",
            ));
        }
        if self.host.trim().is_empty() {
            return Err(bad("host", "must not be empty"));
        }
        Ok(())
    }
}

fn bad(key: &str, why: &str) -> Error {
    Error::invalid_options(format!("sandbox options: {key}: {why}"))
}

fn uint(key: &str, v: &Value, max: u64) -> Result<u64, Error> {
    faults::uint(key, v, max).map_err(|m| Error::invalid_options(format!("sandbox options: {m}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(
            SandboxOptions::from_json(&Value::Null).unwrap(),
            SandboxOptions::default()
        );
        assert_eq!(
            SandboxOptions::from_json(&json!({})).unwrap().media_count,
            180
        );
        let o = SandboxOptions::from_json(&json!({"seed": 7, "latency_ms": 15, "host": "0.0.0.0",
            "port": 8080, "media_count": 200, "require_appsecret_proof": true, "seed_unused": null}));
        assert!(o.is_err(), "unknown keys are rejected even when null");
        let o =
            SandboxOptions::from_json(&json!({"seed": 7, "latency_ms": 15.0, "host": "0.0.0.0",
            "port": 8080, "media_count": 200, "require_appsecret_proof": true, "port": null}))
            .unwrap();
        assert_eq!(o.seed, 7);
        assert_eq!(o.latency, Duration::from_millis(15));
        assert_eq!(o.media_count, 200);
        assert!(o.require_appsecret_proof);
        let o = SandboxOptions::from_json(&json!({"fault_rate": 0.2, "fault_seed": 7,
            "slow_ms": 50, "usage_start_percent": 91}))
        .unwrap();
        assert_eq!(
            (o.faults.rate, o.faults.seed, o.faults.slow_ms),
            (0.2, 7, 50)
        );
        assert_eq!(o.usage_start_percent, 91);
    }

    #[test]
    fn errors_name_the_key() {
        for (v, key) in [
            (json!({"seed": "x"}), "seed"),
            (json!({"port": 70000}), "port"),
            (json!({"latency_ms": -1}), "latency_ms"),
            (json!({"media_count": 0}), "media_count"),
            (
                json!({"require_appsecret_proof": 1}),
                "require_appsecret_proof",
            ),
            (json!({"colour": 1}), "colour"),
            (json!({"fault_rate": 2}), "fault_rate"),
            (json!({"fault_seed": -3}), "fault_seed"),
            (json!({"usage_start_percent": 101}), "usage_start_percent"),
            (json!({"bulk_comments": 1_000_001}), "bulk_comments"),
            (json!({"bulk_comments": -1}), "bulk_comments"),
        ] {
            let e = SandboxOptions::from_json(&v).unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::InvalidOptions);
            assert!(
                e.message.starts_with(&format!("sandbox options: {key}: ")),
                "{}",
                e.message
            );
        }
        assert!(SandboxOptions::from_json(&json!([1])).is_err());
        let o = SandboxOptions::from_json(&json!({"bulk_comments": 100_000})).unwrap();
        assert_eq!(o.bulk_comments, 100_000);
        assert!(SandboxOptions {
            bulk_comments: MAX_BULK_COMMENTS + 1,
            ..Default::default()
        }
        .validate()
        .is_err());
    }
}
