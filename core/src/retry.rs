//! Retry decisions: pure functions of the policy, the error and what has been spent so far, so
//! the rules are tested without a network or a clock.
//!
//! Rules (by [`RetryClass`]):
//! - throttle: wait `retry_after` (or a backoff step when unknown) and retry, writes included,
//!   since Meta refused before executing (the publishing quota 9/2207042 without a known wait
//!   is not retried: it frees over hours);
//! - transient: backoff with full jitter; a write only when it provably never left
//!   ([`Delivery::NotSent`]): after a 5xx, timeout or reset it may have landed, and Graph has no
//!   idempotency keys, so even `is_transient: true` does not resend a write;
//! - ambiguous (100/33): reads get exactly one retry after [`AMBIGUOUS_DELAY`] plus up to 1 s of
//!   jitter;
//! - permanent: never.
//!
//! Never more than `max_attempts` attempts, and never a wait that would take the total waiting
//! of the request beyond `max_total_wait`: the error is returned instead, with its `retry_after`,
//! so callers (an n8n execution) learn when to come back instead of hanging.

use crate::error::{Delivery, Error, RetryClass};
use crate::headers::secs_to_duration;
use serde::{Serialize, Serializer};
use std::time::Duration;

/// The delay before the single retry of an ambiguous (100/33) answer, before jitter.
pub const AMBIGUOUS_DELAY: Duration = Duration::from_secs(1);

/// How one client retries and paces its requests.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// `false`: never retry and never pace-wait.
    pub enabled: bool,
    /// Total attempts of one request including the first (0 is treated as 1).
    pub max_attempts: u32,
    /// Total sleeping budget of one request (retries and pacing waits together).
    pub max_total_wait: Duration,
    /// First backoff step; doubles per retry, with full jitter.
    pub base_delay: Duration,
    /// Cap of one backoff step.
    pub max_delay: Duration,
    /// Percent of a usage budget at which new requests start to wait (0–100).
    pub high_water: f64,
    /// Client-wide limit of requests in flight (0 is treated as 1).
    pub max_concurrency: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            enabled: true,
            max_attempts: 3,
            max_total_wait: Duration::from_secs(60),
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(20),
            high_water: 90.0,
            max_concurrency: 16,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries and never waits (concurrency limit kept at the default).
    pub fn disabled() -> Self {
        RetryPolicy {
            enabled: false,
            ..RetryPolicy::default()
        }
    }

    /// The backoff before retry number `retries_done + 1`: full jitter over
    /// `min(max_delay, base_delay * 2^retries_done)`, i.e. `step * jitter01`.
    pub fn backoff(&self, retries_done: u32, jitter01: f64) -> Duration {
        let step = self
            .base_delay
            .saturating_mul(1u32 << retries_done.min(31))
            .min(self.max_delay);
        scale(step, unit(jitter01))
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Sleep `after`, then send the request again.
    Retry {
        /// How long to sleep first.
        after: Duration,
    },
    /// Return the error to the caller.
    GiveUp,
}

/// Decide whether to retry after `err`, with `attempts_made` attempts already sent (≥ 1) and
/// `waited` already slept for this request. `idempotent` is the operation's flag; `jitter01` is
/// a random number in [0, 1] (clamped; NaN counts as 0.5) that spreads retries of many clients.
pub fn decide(
    policy: &RetryPolicy,
    err: &Error,
    attempts_made: u32,
    waited: Duration,
    idempotent: bool,
    jitter01: f64,
) -> Decision {
    if !policy.enabled || attempts_made >= policy.max_attempts.max(1) {
        return Decision::GiveUp;
    }
    // A write is resent only when it provably was not executed.
    if !idempotent && !matches!(err.delivery, Delivery::NotSent | Delivery::Refused) {
        return Decision::GiveUp;
    }
    let retries_done = attempts_made.saturating_sub(1);
    let after = match err.retry_class {
        RetryClass::Permanent => return Decision::GiveUp,
        RetryClass::Throttle => match err.retry_after {
            Some(d) => d,
            // The publishing quota frees over a rolling 24 h: a backoff of seconds cannot help.
            None if err.code == Some(9) => return Decision::GiveUp,
            None => policy.backoff(retries_done, jitter01),
        },
        RetryClass::Transient => err
            .retry_after
            .unwrap_or_else(|| policy.backoff(retries_done, jitter01)),
        RetryClass::Ambiguous => {
            if !idempotent || attempts_made > 1 {
                return Decision::GiveUp;
            }
            AMBIGUOUS_DELAY.saturating_add(scale(Duration::from_secs(1), unit(jitter01)))
        }
    };
    match waited.checked_add(after) {
        Some(total) if total <= policy.max_total_wait => Decision::Retry { after },
        _ => Decision::GiveUp,
    }
}

/// A random number in [0, 1) for [`decide`]'s `jitter01`, from std's randomly keyed hasher (no
/// extra dependency; jitter needs spread, not cryptographic quality).
pub fn jitter01() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos().into()),
    );
    // The top 53 bits make an exactly representable fraction below 1.
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// What the transport spent on one request, for reporting (`{"attempts", "retries", "waited"}`,
/// `waited` in seconds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Attempts {
    /// Requests actually sent.
    pub attempts: u32,
    /// Of which retries.
    pub retries: u32,
    /// Total time slept (retry waits and pacing waits).
    #[serde(serialize_with = "as_secs")]
    pub waited: Duration,
}

impl Attempts {
    /// One request was sent.
    pub fn record_attempt(&mut self) {
        self.attempts = self.attempts.saturating_add(1);
    }

    /// A retry was decided, sleeping `after` first.
    pub fn record_retry(&mut self, after: Duration) {
        self.retries = self.retries.saturating_add(1);
        self.waited = self.waited.saturating_add(after);
    }

    /// A pacing wait of `d` before sending.
    pub fn record_wait(&mut self, d: Duration) {
        self.waited = self.waited.saturating_add(d);
    }
}

fn as_secs<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// `x` clamped to [0, 1]; NaN → 0.5.
fn unit(x: f64) -> f64 {
    if x.is_nan() {
        0.5
    } else {
        x.clamp(0.0, 1.0)
    }
}

/// `d * f` for `f` in [0, 1], never above `d` and never panicking.
fn scale(d: Duration, f: f64) -> Duration {
    secs_to_duration(d.as_secs_f64() * f, d).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorKind, TransportFailure};
    use serde_json::json;

    fn graph(status: u16, body: serde_json::Value) -> Error {
        Error::from_graph(status, Some(&body))
    }

    fn throttle(retry_after: Option<u64>) -> Error {
        graph(400, json!({"error": {"code": 80002, "message": "slow"}}))
            .with_retry_after(retry_after.map(Duration::from_secs))
    }

    fn p() -> RetryPolicy {
        RetryPolicy::default()
    }

    const Z: Duration = Duration::ZERO;

    #[test]
    fn throttles_wait_retry_after_for_reads_and_writes() {
        let e = throttle(Some(5));
        for idempotent in [true, false] {
            assert_eq!(
                decide(&p(), &e, 1, Z, idempotent, 0.3),
                Decision::Retry {
                    after: Duration::from_secs(5)
                }
            );
        }
        // (#4) as HTTP 403 is still a throttle that may be retried, for a write too.
        let e = graph(403, json!({"error": {"code": 4, "message": "(#4)"}}));
        assert!(matches!(
            decide(&p(), &e, 1, Z, false, 1.0),
            Decision::Retry { .. }
        ));
        // Unknown wait: a backoff step.
        let e = throttle(None);
        assert_eq!(
            decide(&p(), &e, 2, Z, true, 1.0),
            Decision::Retry {
                after: Duration::from_millis(600)
            }
        );
        // The publishing quota without a known wait is not worth a short retry.
        let q = graph(400, json!({"error": {"code": 9, "error_subcode": 2207042}}));
        assert_eq!(decide(&p(), &q, 1, Z, false, 0.5), Decision::GiveUp);
    }

    #[test]
    fn writes_are_resent_only_when_not_sent_or_refused() {
        let not_sent = Error::transport_failure("dns", TransportFailure::Connect);
        assert!(matches!(
            decide(&p(), &not_sent, 1, Z, false, 0.5),
            Decision::Retry { .. }
        ));
        let refused = throttle(Some(1));
        assert!(matches!(
            decide(&p(), &refused, 1, Z, false, 0.5),
            Decision::Retry { .. }
        ));
        let maybe_landed = [
            Error::transport_failure("t", TransportFailure::Timeout),
            Error::transport_failure("r", TransportFailure::Reset),
            Error::transport_failure("b", TransportFailure::Body),
            Error::transport("legacy", true),
            graph(500, json!(null)),
            graph(400, json!({"error": {"code": 2, "is_transient": true}})),
            graph(400, json!({"error": {"code": 1}})),
        ];
        for e in &maybe_landed {
            assert_eq!(decide(&p(), e, 1, Z, false, 0.5), Decision::GiveUp, "{e}");
            assert!(
                matches!(decide(&p(), e, 1, Z, true, 0.5), Decision::Retry { .. }),
                "reads retry {e}"
            );
        }
    }

    #[test]
    fn permanent_errors_are_never_retried() {
        for e in [
            graph(400, json!({"error": {"code": 190}})),
            graph(400, json!({"error": {"code": 100}})),
            graph(400, json!({"error": {"code": 4, "error_subcode": 2207051}})),
            graph(400, json!({"error": {"code": 1, "error_subcode": 2207057}})),
            Error::invalid_params("x"),
            Error::transport_failure("builder", TransportFailure::Other),
        ] {
            assert_eq!(decide(&p(), &e, 1, Z, true, 0.5), Decision::GiveUp, "{e}");
        }
    }

    #[test]
    fn ambiguous_gets_exactly_one_delayed_retry_for_reads() {
        let e = graph(400, json!({"error": {"code": 100, "error_subcode": 33}}));
        assert_eq!(
            decide(&p(), &e, 1, Z, true, 0.5),
            Decision::Retry {
                after: Duration::from_millis(1500)
            }
        );
        assert_eq!(decide(&p(), &e, 2, Z, true, 0.5), Decision::GiveUp);
        assert_eq!(decide(&p(), &e, 1, Z, false, 0.5), Decision::GiveUp);
    }

    #[test]
    fn attempts_are_capped_and_disabled_never_retries() {
        let e = Error::new(ErrorKind::Transient, "x");
        assert!(matches!(
            decide(&p(), &e, 2, Z, true, 0.5),
            Decision::Retry { .. }
        ));
        assert_eq!(decide(&p(), &e, 3, Z, true, 0.5), Decision::GiveUp);
        let one = RetryPolicy {
            max_attempts: 0,
            ..p()
        };
        assert_eq!(decide(&one, &e, 1, Z, true, 0.5), Decision::GiveUp);
        assert_eq!(
            decide(
                &RetryPolicy::disabled(),
                &throttle(Some(0)),
                1,
                Z,
                true,
                0.5
            ),
            Decision::GiveUp
        );
    }

    #[test]
    fn a_wait_beyond_the_budget_gives_up_and_keeps_retry_after() {
        let e = throttle(Some(19 * 60));
        assert_eq!(decide(&p(), &e, 1, Z, true, 0.5), Decision::GiveUp);
        assert_eq!(e.retry_after, Some(Duration::from_secs(19 * 60)));
        // The budget counts what was already slept.
        let e = throttle(Some(30));
        assert!(matches!(
            decide(&p(), &e, 1, Duration::from_secs(30), true, 0.5),
            Decision::Retry { .. }
        ));
        assert_eq!(
            decide(&p(), &e, 1, Duration::from_secs(31), true, 0.5),
            Decision::GiveUp
        );
        assert_eq!(
            decide(&p(), &e, 1, Duration::MAX, true, 0.5),
            Decision::GiveUp
        );
    }

    #[test]
    fn backoff_is_exponential_capped_and_full_jitter() {
        let pol = p();
        assert_eq!(pol.backoff(0, 1.0), Duration::from_millis(300));
        assert_eq!(pol.backoff(1, 1.0), Duration::from_millis(600));
        assert_eq!(pol.backoff(3, 0.5), Duration::from_millis(1200));
        assert_eq!(pol.backoff(40, 1.0), Duration::from_secs(20));
        assert_eq!(pol.backoff(2, 0.0), Z);
        assert_eq!(pol.backoff(2, f64::NAN), Duration::from_millis(600));
        assert_eq!(pol.backoff(2, 7.0), Duration::from_millis(1200));
        let huge = RetryPolicy {
            base_delay: Duration::MAX,
            max_delay: Duration::MAX,
            ..p()
        };
        assert!(huge.backoff(u32::MAX, 0.999) <= Duration::MAX);
    }

    #[test]
    fn transient_honours_a_retry_after_from_the_server() {
        let e = graph(503, json!(null)).with_retry_after(Some(Duration::from_secs(2)));
        assert_eq!(
            decide(&p(), &e, 1, Z, true, 0.9),
            Decision::Retry {
                after: Duration::from_secs(2)
            }
        );
    }

    #[test]
    fn jitter_is_in_the_unit_interval_and_varies() {
        let xs: Vec<f64> = (0..64).map(|_| jitter01()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(xs.iter().any(|x| *x != xs[0]), "not constant");
    }

    #[test]
    fn attempts_serialize_in_seconds() {
        let mut a = Attempts::default();
        a.record_attempt();
        a.record_attempt();
        a.record_retry(Duration::from_millis(1500));
        a.record_wait(Duration::from_millis(500));
        assert_eq!(
            serde_json::to_value(a).unwrap(),
            json!({"attempts": 2, "retries": 1, "waited": 2.0})
        );
    }
}
