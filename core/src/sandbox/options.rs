//! Options of `Sandbox::start`, also accepted as a JSON object from the bindings.

use crate::error::Error;
use serde_json::Value;
use std::time::Duration;

/// Smallest `media_count` accepted: enough media for several `/media` pages at the default limit.
pub const MIN_MEDIA_COUNT: usize = 1;
/// Largest `media_count` accepted (Meta returns at most the 10 000 most recent media).
pub const MAX_MEDIA_COUNT: usize = 10_000;

/// How to start a sandbox. `Default` gives seed 42, no latency, a free port on 127.0.0.1 and 180 media.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        }
    }
}

impl SandboxOptions {
    /// From a JSON options object with snake_case keys: `seed`, `latency_ms`, `host`, `port`,
    /// `media_count`, `require_appsecret_proof`. Absent or `null` keys keep their default.
    pub fn from_json(v: &Value) -> Result<Self, Error> {
        let mut o = SandboxOptions::default();
        let map = match v {
            Value::Null => return Ok(o),
            Value::Object(m) => m,
            _ => return Err(Error::invalid_params("sandbox options: expected an object")),
        };
        const KEYS: &[&str] = &[
            "seed",
            "latency_ms",
            "host",
            "port",
            "media_count",
            "require_appsecret_proof",
        ];
        for (key, val) in map {
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
                _ => return Err(bad(key, "unknown option")),
            }
        }
        Ok(o)
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if self.media_count < MIN_MEDIA_COUNT || self.media_count > MAX_MEDIA_COUNT {
            return Err(bad(
                "media_count",
                &format!("must be between {MIN_MEDIA_COUNT} and {MAX_MEDIA_COUNT}"),
            ));
        }
        if self.host.trim().is_empty() {
            return Err(bad("host", "must not be empty"));
        }
        Ok(())
    }
}

fn bad(key: &str, why: &str) -> Error {
    Error::invalid_params(format!("sandbox options: {key}: {why}"))
}

fn uint(key: &str, v: &Value, max: u64) -> Result<u64, Error> {
    let n = match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            // 5.0 is fine from JavaScript; 5.5 or -1 is not.
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                .map(|f| f as u64)
        }),
        _ => None,
    };
    let n = n.ok_or_else(|| bad(key, "expected a non-negative integer"))?;
    if n > max {
        return Err(bad(key, &format!("must be at most {max}")));
    }
    Ok(n)
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
        ] {
            let e = SandboxOptions::from_json(&v).unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::InvalidParams);
            assert!(
                e.message.starts_with(&format!("sandbox options: {key}: ")),
                "{}",
                e.message
            );
        }
        assert!(SandboxOptions::from_json(&json!([1])).is_err());
    }
}
