//! Deterministic fault injection: a seeded draw per Graph request decides whether it fails and
//! how, with the failures real clients meet at Meta (graph-api.md §4.2, §4.5).
//!
//! Every Graph request consumes exactly four draws of the fault RNG whatever the configuration,
//! so the same seed and the same request sequence give the same faults.
//!
//! Writes (non-GET): refusals (throttles, `expired_token`, `unsupported_100_33`) answer before the
//! write runs; `http_500`, `code_1`, `code_2`, `connection_reset` and `slow` run it first or not,
//! as the RNG decides — the ambiguity a client faces when an answer is lost; `truncated_json`
//! always runs it (a 200 means it was done).

use crate::prng::SplitMix64;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One kind of injected failure. Names (`FaultKind::name`) are the keys of `faults` in options,
/// in `POST /_sandbox/faults` and in `/_sandbox/stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum FaultKind {
    /// HTTP 500 with a Graph envelope, code 1 or 2, `is_transient: true`.
    Http500,
    /// `(#1) An unknown error has occurred.` (HTTP 400).
    Code1,
    /// `(#2) Service temporarily unavailable` (HTTP 400, `is_transient: true`).
    Code2,
    /// App rate limit (#4), HTTP 400 or 403, usage headers at 100 %.
    Throttle4,
    /// User rate limit (#17).
    Throttle17,
    /// Page rate limit (#32).
    Throttle32,
    /// Application limit reached (#341).
    Throttle341,
    /// Calls within one hour exceeded (#613).
    Throttle613,
    /// Pages business-use-case limit (#80001).
    Throttle80001,
    /// Instagram business-use-case limit (#80002).
    Throttle80002,
    /// Messenger business-use-case limit (#80006).
    Throttle80006,
    /// #80002 with a long `estimated_time_to_regain_access` (`long_regain_minutes`): a client
    /// must surface it rather than sleep. Not part of the `fault_rate` mix.
    ThrottleLong,
    /// The socket is closed without an answer.
    ConnectionReset,
    /// The answer comes after `slow_ms` (longer than a client's timeout).
    Slow,
    /// A 200 whose JSON body is cut in the middle.
    TruncatedJson,
    /// 100/33 "Unsupported get request. Object with ID ... does not exist ...".
    Unsupported10033,
    /// 190/463: the session has expired.
    ExpiredToken,
}

impl FaultKind {
    /// Every kind, in a fixed order (also the order of the default mix).
    pub const ALL: [FaultKind; 17] = [
        FaultKind::Http500,
        FaultKind::Code1,
        FaultKind::Code2,
        FaultKind::Throttle4,
        FaultKind::Throttle17,
        FaultKind::Throttle32,
        FaultKind::Throttle341,
        FaultKind::Throttle613,
        FaultKind::Throttle80001,
        FaultKind::Throttle80002,
        FaultKind::Throttle80006,
        FaultKind::ThrottleLong,
        FaultKind::ConnectionReset,
        FaultKind::Slow,
        FaultKind::TruncatedJson,
        FaultKind::Unsupported10033,
        FaultKind::ExpiredToken,
    ];

    /// The snake_case name (`http_500`, `throttle_80002`, `connection_reset`, ...).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Http500 => "http_500",
            FaultKind::Code1 => "code_1",
            FaultKind::Code2 => "code_2",
            FaultKind::Throttle4 => "throttle_4",
            FaultKind::Throttle17 => "throttle_17",
            FaultKind::Throttle32 => "throttle_32",
            FaultKind::Throttle341 => "throttle_341",
            FaultKind::Throttle613 => "throttle_613",
            FaultKind::Throttle80001 => "throttle_80001",
            FaultKind::Throttle80002 => "throttle_80002",
            FaultKind::Throttle80006 => "throttle_80006",
            FaultKind::ThrottleLong => "throttle_long",
            FaultKind::ConnectionReset => "connection_reset",
            FaultKind::Slow => "slow",
            FaultKind::TruncatedJson => "truncated_json",
            FaultKind::Unsupported10033 => "unsupported_100_33",
            FaultKind::ExpiredToken => "expired_token",
        }
    }

    /// The kind with this name.
    pub fn from_name(name: &str) -> Option<FaultKind> {
        FaultKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether `fault_rate` alone (without a `faults` map) includes this kind.
    pub fn in_default_mix(self) -> bool {
        self != FaultKind::ThrottleLong
    }

    /// The Graph code of a throttle, if this is one.
    pub(crate) fn throttle_code(self) -> Option<i64> {
        Some(match self {
            FaultKind::Throttle4 => 4,
            FaultKind::Throttle17 => 17,
            FaultKind::Throttle32 => 32,
            FaultKind::Throttle341 => 341,
            FaultKind::Throttle613 => 613,
            FaultKind::Throttle80001 => 80001,
            FaultKind::Throttle80002 | FaultKind::ThrottleLong => 80002,
            FaultKind::Throttle80006 => 80006,
            _ => return None,
        })
    }

    /// Refused before anything runs (a write is never executed).
    pub(crate) fn refuses_before(self) -> bool {
        self.throttle_code().is_some()
            || matches!(self, FaultKind::Unsupported10033 | FaultKind::ExpiredToken)
    }
}

/// Fault settings: `start` options, command flags and `POST /_sandbox/faults` all set these.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultOptions {
    /// Total probability (0..=1) that a Graph request fails, spread evenly over the default
    /// mix of kinds. Ignored when `kinds` is not empty.
    pub rate: f64,
    /// Seed of the fault RNG (independent of the data seed).
    pub seed: u64,
    /// Explicit probability per kind (their sum is the total rate, at most 1).
    pub kinds: BTreeMap<FaultKind, f64>,
    /// Total rate per endpoint key (`GET /{id}/media`, as in `/_sandbox/stats`), replacing the
    /// global total for that endpoint; the kinds keep their proportions.
    pub endpoints: BTreeMap<String, f64>,
    /// How long a `slow` answer takes, in milliseconds.
    pub slow_ms: u64,
    /// `estimated_time_to_regain_access` (minutes) of the ordinary throttles.
    pub regain_minutes: u64,
    /// `estimated_time_to_regain_access` (minutes) of `throttle_long`.
    pub long_regain_minutes: u64,
}

impl Default for FaultOptions {
    fn default() -> Self {
        FaultOptions {
            rate: 0.0,
            seed: 0,
            kinds: BTreeMap::new(),
            endpoints: BTreeMap::new(),
            slow_ms: 3000,
            regain_minutes: 0,
            long_regain_minutes: 60,
        }
    }
}

/// Largest `slow_ms` accepted (10 minutes).
pub(crate) const MAX_SLOW_MS: u64 = 600_000;
/// Largest regain time accepted (one day).
pub(crate) const MAX_REGAIN_MINUTES: u64 = 1440;

impl FaultOptions {
    /// The probability of each kind for `endpoint`.
    fn weights(&self, endpoint: &str) -> Vec<(FaultKind, f64)> {
        let base: Vec<(FaultKind, f64)> = if self.kinds.is_empty() {
            let mix: Vec<FaultKind> = FaultKind::ALL
                .into_iter()
                .filter(|k| k.in_default_mix())
                .collect();
            let each = self.rate / mix.len() as f64;
            mix.into_iter().map(|k| (k, each)).collect()
        } else {
            self.kinds.iter().map(|(k, p)| (*k, *p)).collect()
        };
        let total: f64 = base.iter().map(|(_, p)| p).sum();
        match self.endpoints.get(endpoint) {
            Some(&want) if total > 0.0 => base
                .into_iter()
                .map(|(k, p)| (k, p / total * want))
                .collect(),
            Some(&want) => {
                let mix: Vec<FaultKind> = FaultKind::ALL
                    .into_iter()
                    .filter(|k| k.in_default_mix())
                    .collect();
                let each = want / mix.len() as f64;
                mix.into_iter().map(|k| (k, each)).collect()
            }
            None => base,
        }
    }

    /// Apply a JSON object of fault settings (snake_case keys; absent keys keep their value).
    /// Keys: `fault_rate`, `fault_seed`, `faults`, `fault_endpoints` (or `endpoints`),
    /// `slow_ms`, `regain_minutes`, `long_regain_minutes`.
    pub(crate) fn apply_json(&mut self, map: &Map<String, Value>) -> Result<(), String> {
        for (key, val) in map {
            if val.is_null() {
                continue;
            }
            match key.as_str() {
                "fault_rate" => self.rate = prob(key, val)?,
                "fault_seed" => self.seed = uint(key, val, u64::MAX)?,
                "slow_ms" => self.slow_ms = uint(key, val, MAX_SLOW_MS)?,
                "regain_minutes" => self.regain_minutes = uint(key, val, MAX_REGAIN_MINUTES)?,
                "long_regain_minutes" => {
                    self.long_regain_minutes = uint(key, val, MAX_REGAIN_MINUTES)?
                }
                "faults" => {
                    let m = val
                        .as_object()
                        .ok_or_else(|| format!("{key}: expected an object of kind: probability"))?;
                    let mut kinds = BTreeMap::new();
                    for (name, p) in m {
                        let kind = FaultKind::from_name(name).ok_or_else(|| {
                            format!(
                                "{key}.{name}: unknown fault kind (one of {})",
                                FaultKind::ALL.map(FaultKind::name).join(", ")
                            )
                        })?;
                        let p = prob(&format!("{key}.{name}"), p)?;
                        if p > 0.0 {
                            kinds.insert(kind, p);
                        }
                    }
                    if kinds.values().sum::<f64>() > 1.0 + 1e-9 {
                        return Err(format!("{key}: the probabilities add up to more than 1"));
                    }
                    self.kinds = kinds;
                }
                "fault_endpoints" | "endpoints" => {
                    let m = val.as_object().ok_or_else(|| {
                        format!("{key}: expected an object of endpoint: probability")
                    })?;
                    let mut eps = BTreeMap::new();
                    for (ep, p) in m {
                        eps.insert(ep.clone(), prob(&format!("{key}.{ep}"), p)?);
                    }
                    self.endpoints = eps;
                }
                other => return Err(format!("{other}: unknown fault setting")),
            }
        }
        Ok(())
    }

    /// The settings as JSON (what `GET /_sandbox/faults` shows).
    pub(crate) fn to_json(&self) -> Value {
        let kinds: Map<String, Value> = self
            .kinds
            .iter()
            .map(|(k, p)| (k.name().to_owned(), json!(p)))
            .collect();
        json!({
            "fault_rate": if self.kinds.is_empty() { self.rate } else { self.kinds.values().sum() },
            "fault_seed": self.seed,
            "faults": kinds,
            "endpoints": self.endpoints,
            "slow_ms": self.slow_ms,
            "regain_minutes": self.regain_minutes,
            "long_regain_minutes": self.long_regain_minutes,
        })
    }
}

fn prob(key: &str, v: &Value) -> Result<f64, String> {
    match v.as_f64() {
        Some(p) if p.is_finite() && (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{key}: expected a number between 0 and 1")),
    }
}

/// A non-negative integer at most `max` (`5.0` from JavaScript is fine; `5.5` or `-1` is not).
pub(crate) fn uint(key: &str, v: &Value, max: u64) -> Result<u64, String> {
    let n = match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                .map(|f| f as u64)
        }),
        _ => None,
    };
    let n = n.ok_or_else(|| format!("{key}: expected a non-negative integer"))?;
    if n > max {
        return Err(format!("{key}: must be at most {max}"));
    }
    Ok(n)
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub kind: FaultKind,
    /// For a write: whether it runs before the fault shows (for `slow`: before the delay).
    pub write_first: bool,
    /// A second variant draw: `http_500` uses code 2 when set (else 1); `throttle_4` is sent with
    /// HTTP 403 when set (Meta sends #4 with 400 and sometimes 403).
    pub variant: bool,
}

/// The fault RNG and its settings.
#[derive(Debug, Clone)]
pub(crate) struct Faults {
    pub opts: FaultOptions,
    rng: SplitMix64,
}

fn unit(x: u64) -> f64 {
    // 53 random bits into [0, 1).
    (x >> 11) as f64 / (1u64 << 53) as f64
}

impl Faults {
    pub(crate) fn new(opts: FaultOptions) -> Self {
        let rng = SplitMix64::stream(opts.seed, "faults");
        Faults { opts, rng }
    }

    /// Start the fault sequence again from the seed.
    pub(crate) fn reseed(&mut self) {
        self.rng = SplitMix64::stream(self.opts.seed, "faults");
    }

    /// Decide the fate of one Graph request to `endpoint` (a stats key).
    pub(crate) fn decide(&mut self, endpoint: &str, write: bool) -> Option<Decision> {
        let draws = [
            self.rng.next_u64(),
            self.rng.next_u64(),
            self.rng.next_u64(),
            self.rng.next_u64(),
        ];
        let weights = self.opts.weights(endpoint);
        let total: f64 = weights.iter().map(|(_, p)| p).sum::<f64>().min(1.0);
        let u = unit(draws[0]);
        if total <= 0.0 || u >= total {
            return None;
        }
        // Which kind: the same draw, placed along the cumulative weights.
        let mut acc = 0.0;
        let mut kind = weights.last()?.0;
        for (k, p) in &weights {
            acc += p;
            if u < acc {
                kind = *k;
                break;
            }
        }
        let write_first = write
            && match kind {
                FaultKind::TruncatedJson => true,
                k if k.refuses_before() => false,
                _ => draws[2] & 1 == 1,
            };
        Some(Decision {
            kind,
            write_first,
            variant: draws[3] & 1 == 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(rate: f64, seed: u64) -> Faults {
        Faults::new(FaultOptions {
            rate,
            seed,
            ..FaultOptions::default()
        })
    }

    #[test]
    fn names_round_trip_and_classes() {
        for k in FaultKind::ALL {
            assert_eq!(FaultKind::from_name(k.name()), Some(k));
        }
        assert!(FaultKind::Throttle4.refuses_before());
        assert!(FaultKind::ExpiredToken.refuses_before());
        assert!(!FaultKind::Http500.refuses_before());
        assert!(!FaultKind::ThrottleLong.in_default_mix());
    }

    #[test]
    fn rate_zero_never_and_rate_is_roughly_kept() {
        let mut f = faults(0.0, 7);
        assert!((0..1000).all(|_| f.decide("GET /me", false).is_none()));
        let mut f = faults(0.2, 7);
        let n = (0..10_000)
            .filter(|_| f.decide("GET /me", false).is_some())
            .count();
        assert!((1800..2200).contains(&n), "{n}");
        let mut f = faults(1.0, 7);
        let kinds: std::collections::BTreeSet<_> = (0..2000)
            .filter_map(|_| f.decide("GET /me", true).map(|d| d.kind))
            .collect();
        assert_eq!(kinds.len(), 16, "every kind of the mix shows up");
    }

    #[test]
    fn same_seed_same_sequence_and_reseed_repeats() {
        let seq = |f: &mut Faults| -> Vec<Option<Decision>> {
            (0..200)
                .map(|_| f.decide("POST /{id}/replies", true))
                .collect()
        };
        let mut a = faults(0.5, 3);
        let mut b = faults(0.5, 3);
        let first = seq(&mut a);
        assert_eq!(first, seq(&mut b));
        a.reseed();
        assert_eq!(first, seq(&mut a));
        assert_ne!(first, seq(&mut faults(0.5, 4)));
    }

    #[test]
    fn kinds_and_endpoints_override() {
        let mut o = FaultOptions::default();
        o.apply_json(
            json!({"faults": {"slow": 1.0}, "endpoints": {"GET /me": 0.0}, "slow_ms": 5})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        let mut f = Faults::new(o);
        assert!((0..100).all(|_| f.decide("GET /me", false).is_none()));
        assert!(
            (0..100).all(|_| f.decide("GET /{id}", false).map(|d| d.kind) == Some(FaultKind::Slow))
        );
        let mut o = FaultOptions::default();
        for bad in [
            json!({"fault_rate": 1.5}),
            json!({"fault_rate": "x"}),
            json!({"faults": {"nope": 0.1}}),
            json!({"faults": {"slow": 0.6, "code_1": 0.6}}),
            json!({"slow_ms": -1}),
            json!({"colour": 1}),
        ] {
            assert!(o.apply_json(bad.as_object().unwrap()).is_err(), "{bad}");
        }
    }
}
