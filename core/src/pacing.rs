//! Pacing from Meta's usage headers: slow down before a budget is spent instead of hitting the
//! wall, and cap the requests one client has in flight.
//!
//! Readings are kept per budget: the app (`X-App-Usage`), each (business object id, type) pair
//! of `X-Business-Use-Case-Usage`, and the ad account (`X-Ad-Account-Usage`). A reading is only
//! replaced by a newer reading of the same budget, so two IG accounts (or the `instagram` and
//! `messenger` types of one) never overwrite each other.
//!
//! A reading is *hot* when its highest percentage `p` is at or above the high-water mark `h`,
//! or when Meta sent a regain time. A hot reading taken at `t` holds new requests until:
//! - `t + regain` when Meta sent `estimated_time_to_regain_access` > 0 (or, for an exhausted
//!   ad account, `reset_time_duration`);
//! - `t + PACE_MAX` (5 s) when `p ≥ 100` without a regain time;
//! - `t + PACE_MIN + (PACE_MAX − PACE_MIN) · (p − h) / (100 − h)` otherwise: 250 ms at the mark,
//!   growing linearly to 5 s at 100 %.
//!
//! Once that moment has passed, one request at a time goes through as a probe while the reading
//! is hot; the next [`Pacer::observe`] (the probe's answer, normally with fresh readings) ends
//! the probe, or it times out after [`PROBE_TIMEOUT`]. A reading stops counting once it is older
//! than its regain time, or than [`STALE_AFTER`] (5 min) without one, so a stale 95 % never
//! blocks forever.

use crate::headers::MAX_HINT;
use crate::retry::RetryPolicy;
use crate::usage::{AdAccountUsage, BusinessUsage, Usage, UsageCounters};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The pacing delay at the high-water mark.
pub const PACE_MIN: Duration = Duration::from_millis(250);
/// The pacing delay at 100 % without a regain time (and the cap of the growing delay).
pub const PACE_MAX: Duration = Duration::from_secs(5);
/// How long a reading without a regain time counts.
pub const STALE_AFTER: Duration = Duration::from_secs(5 * 60);
/// How long a probe may stay unanswered before another request may probe.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(10);
/// Most (business id, type) pairs kept; the oldest is evicted beyond it (bounds memory under
/// hostile headers).
pub const MAX_PAIRS: usize = 1024;
/// Most requests in flight a policy may ask for.
const MAX_CONCURRENCY: usize = 4096;

/// Usage-based pacing and the concurrency limit of one client. `Send + Sync`; share it.
#[derive(Debug)]
pub struct Pacer {
    enabled: bool,
    high_water: f64,
    state: Mutex<State>,
    slots: Arc<Semaphore>,
}

#[derive(Debug, Default)]
struct State {
    app: Option<(UsageCounters, Instant)>,
    business: HashMap<(String, String), (BusinessUsage, Instant)>,
    ad_account: Option<(AdAccountUsage, Instant)>,
    /// When the current probe was let through, if one is out.
    probe: Option<Instant>,
}

/// What one reading asks of new requests.
struct Hold {
    /// The reading still counts.
    live: bool,
    /// It is at or above the mark (or carries a regain time): requests wait until `until`.
    until: Option<Instant>,
}

impl Pacer {
    /// A pacer following `policy` (`high_water`, `max_concurrency`, `enabled`).
    pub fn new(policy: &RetryPolicy) -> Self {
        let high_water = if policy.high_water.is_nan() {
            RetryPolicy::default().high_water
        } else {
            policy.high_water.clamp(0.0, 100.0)
        };
        Pacer {
            enabled: policy.enabled,
            high_water,
            state: Mutex::new(State::default()),
            slots: Arc::new(Semaphore::new(
                policy.max_concurrency.clamp(1, MAX_CONCURRENCY),
            )),
        }
    }

    /// Record the usage headers of one Graph answer (raw header values; `None` when absent).
    /// Call it for every answer, with or without headers: it also ends the current probe.
    pub fn observe(
        &self,
        app: Option<&str>,
        business: Option<&str>,
        ad_account: Option<&str>,
        now: Instant,
    ) {
        let usage = Usage::from_all_headers(app, business, ad_account);
        let mut st = self.lock();
        st.probe = None;
        let Some(u) = usage else {
            return;
        };
        if let Some(c) = u.app {
            if st.app.as_ref().is_none_or(|(_, at)| *at <= now) {
                st.app = Some((c, now));
            }
        }
        if let Some(a) = u.ad_account {
            if st.ad_account.as_ref().is_none_or(|(_, at)| *at <= now) {
                st.ad_account = Some((a, now));
            }
        }
        for b in u.business {
            let key = (b.object_id.clone(), b.kind.clone());
            match st.business.get(&key) {
                Some((_, at)) if *at > now => {}
                _ => {
                    st.business.insert(key, (b, now));
                }
            }
        }
        while st.business.len() > MAX_PAIRS {
            let oldest = st
                .business
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => st.business.remove(&k),
                None => break,
            };
        }
    }

    /// How long a new request should wait before it is sent (`None`: go now). The caller
    /// compares it with what is left of its wait budget, sleeps, and asks again.
    pub fn wait_before(&self, now: Instant) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        let mut st = self.lock();
        let mut hot = false;
        let mut until: Option<Instant> = None;
        for hold in self.holds(&st, now) {
            if let (true, Some(u)) = (hold.live, hold.until) {
                hot = true;
                until = Some(until.map_or(u, |x| x.max(u)));
            }
        }
        if !hot {
            st.probe = None;
            return None;
        }
        if let Some(u) = until.filter(|u| *u > now) {
            return Some(u.saturating_duration_since(now).min(MAX_HINT));
        }
        // The wait is over but the budget is still hot: one probe at a time.
        match st.probe {
            Some(at) if now.saturating_duration_since(at) < PROBE_TIMEOUT => {
                let left = PROBE_TIMEOUT.saturating_sub(now.saturating_duration_since(at));
                Some(left.min(PACE_MIN))
            }
            _ => {
                st.probe = Some(now);
                None
            }
        }
    }

    /// Every reading kept (all business/type pairs, sorted), as [`Usage`] for `client.usage()`.
    pub fn snapshot(&self) -> Usage {
        let st = self.lock();
        let mut business: Vec<BusinessUsage> =
            st.business.values().map(|(b, _)| b.clone()).collect();
        business.sort_by(|a, b| (&a.object_id, &a.kind).cmp(&(&b.object_id, &b.kind)));
        Usage {
            app: st.app.as_ref().map(|(c, _)| c.clone()),
            business,
            ad_account: st.ad_account.as_ref().map(|(a, _)| a.clone()),
        }
    }

    /// A slot of the client-wide concurrency limit; hold it while the request is in flight.
    pub async fn permit(&self) -> OwnedSemaphorePermit {
        // The semaphore is never closed, so acquiring cannot fail.
        Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .expect("the pacer never closes its semaphore")
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves readings that are still valid data.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn holds<'a>(&'a self, st: &'a State, now: Instant) -> impl Iterator<Item = Hold> + 'a {
        let app = st
            .app
            .iter()
            .map(move |(c, at)| self.hold(c.max_percent(), None, *at, now));
        let business = st
            .business
            .values()
            .map(move |(b, at)| self.hold(b.counters.max_percent(), b.regain(), *at, now));
        let ad = st.ad_account.iter().map(move |(a, at)| {
            let regain = a.reset().filter(|_| a.acc_id_util_pct >= 100.0);
            self.hold(a.acc_id_util_pct, regain, *at, now)
        });
        app.chain(business).chain(ad)
    }

    /// The rule of the module docs for one reading of `percent` with `regain`, taken `at`.
    fn hold(&self, percent: f64, regain: Option<Duration>, at: Instant, now: Instant) -> Hold {
        let age = now.saturating_duration_since(at);
        let live = age < regain.unwrap_or(STALE_AFTER);
        let delay = if let Some(r) = regain {
            Some(r)
        } else if percent >= 100.0 {
            Some(PACE_MAX)
        } else if percent >= self.high_water {
            Some(pace_delay(percent, self.high_water))
        } else {
            None
        };
        Hold {
            live,
            until: delay.map(|d| {
                at.checked_add(d)
                    .or_else(|| now.checked_add(MAX_HINT))
                    .unwrap_or(now)
            }),
        }
    }
}

/// The growing delay between the mark `high_water` and 100 %.
fn pace_delay(percent: f64, high_water: f64) -> Duration {
    let span = 100.0 - high_water;
    let over = if span > 0.0 {
        ((percent - high_water) / span).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let extra = (PACE_MAX - PACE_MIN).as_secs_f64() * over;
    PACE_MIN + crate::headers::secs_to_duration(extra, PACE_MAX - PACE_MIN).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacer() -> Pacer {
        Pacer::new(&RetryPolicy::default())
    }

    fn buc(id: &str, kind: &str, pct: f64, regain_min: f64) -> String {
        format!(
            r#"{{"{id}":[{{"type":"{kind}","call_count":{pct},"total_time":1,"total_cputime":1,"estimated_time_to_regain_access":{regain_min}}}]}}"#
        )
    }

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn below_the_mark_nothing_waits() {
        let p = pacer();
        let t = Instant::now();
        p.observe(
            Some(r#"{"call_count":50}"#),
            Some(&buc("1", "instagram", 89.0, 0.0)),
            None,
            t,
        );
        assert_eq!(p.wait_before(t), None);
        assert_eq!(p.wait_before(t + secs(1.0)), None);
    }

    #[test]
    fn two_objects_and_two_types_do_not_overwrite_each_other() {
        let p = pacer();
        let t = Instant::now();
        p.observe(None, Some(&buc("111", "instagram", 95.0, 0.0)), None, t);
        p.observe(
            None,
            Some(&buc("222", "instagram", 10.0, 0.0)),
            None,
            t + secs(1.0),
        );
        p.observe(
            None,
            Some(&buc("111", "messenger", 20.0, 0.0)),
            None,
            t + secs(2.0),
        );
        let s = p.snapshot();
        let got: Vec<(&str, &str, f64)> = s
            .business
            .iter()
            .map(|b| (b.object_id.as_str(), b.kind.as_str(), b.counters.call_count))
            .collect();
        assert_eq!(
            got,
            [
                ("111", "instagram", 95.0),
                ("111", "messenger", 20.0),
                ("222", "instagram", 10.0)
            ]
        );
        // 111/instagram at 95 % still paces although later readings of other pairs are low.
        assert!(p.wait_before(t + secs(2.0)).is_some());
    }

    #[test]
    fn only_a_newer_reading_of_the_same_pair_replaces_it() {
        let p = pacer();
        let t = Instant::now();
        p.observe(
            None,
            Some(&buc("1", "instagram", 40.0, 0.0)),
            None,
            t + secs(5.0),
        );
        // An answer observed with an older timestamp (a slow response) does not win.
        p.observe(None, Some(&buc("1", "instagram", 99.0, 0.0)), None, t);
        assert_eq!(p.snapshot().business[0].counters.call_count, 40.0);
        p.observe(
            None,
            Some(&buc("1", "instagram", 60.0, 0.0)),
            None,
            t + secs(6.0),
        );
        assert_eq!(p.snapshot().business[0].counters.call_count, 60.0);
    }

    #[test]
    fn the_delay_grows_above_the_mark() {
        let t = Instant::now();
        let wait_at = |pct: f64| {
            let p = pacer();
            p.observe(Some(&format!(r#"{{"call_count":{pct}}}"#)), None, None, t);
            p.wait_before(t)
        };
        assert_eq!(wait_at(90.0), Some(PACE_MIN));
        assert_eq!(wait_at(95.0), Some(secs(2.625)));
        assert_eq!(wait_at(100.0), Some(PACE_MAX));
        assert_eq!(wait_at(250.0), Some(PACE_MAX));
        assert!(wait_at(92.0) < wait_at(98.0));
    }

    #[test]
    fn a_regain_time_is_waited_in_full_then_expires() {
        let p = pacer();
        let t = Instant::now();
        p.observe(None, Some(&buc("1", "instagram", 100.0, 7.0)), None, t);
        assert_eq!(p.wait_before(t), Some(secs(420.0)));
        assert_eq!(p.wait_before(t + secs(60.0)), Some(secs(360.0)));
        // Older than its regain time: no longer counts.
        assert_eq!(p.wait_before(t + secs(421.0)), None);
    }

    #[test]
    fn stale_readings_stop_counting() {
        let p = pacer();
        let t = Instant::now();
        p.observe(Some(r#"{"call_count":95}"#), None, None, t);
        assert!(p.wait_before(t).is_some());
        assert_eq!(p.wait_before(t + STALE_AFTER + secs(1.0)), None);
    }

    #[test]
    fn after_a_wait_one_probe_goes_and_the_others_wait_for_its_answer() {
        let p = pacer();
        let t = Instant::now();
        p.observe(Some(r#"{"call_count":100}"#), None, None, t);
        assert_eq!(p.wait_before(t), Some(PACE_MAX));
        let after = t + PACE_MAX;
        assert_eq!(p.wait_before(after), None, "the probe");
        assert_eq!(p.wait_before(after), Some(PACE_MIN), "others wait");
        // The probe's answer: usage dropped.
        p.observe(Some(r#"{"call_count":30}"#), None, None, after + secs(0.2));
        assert_eq!(p.wait_before(after + secs(0.2)), None);
        assert_eq!(p.wait_before(after + secs(0.2)), None);
    }

    #[test]
    fn an_unanswered_probe_times_out() {
        let p = pacer();
        let t = Instant::now();
        p.observe(Some(r#"{"call_count":100}"#), None, None, t);
        let after = t + PACE_MAX;
        assert_eq!(p.wait_before(after), None);
        assert!(p.wait_before(after + secs(1.0)).is_some());
        assert_eq!(p.wait_before(after + PROBE_TIMEOUT), None, "a new probe");
    }

    #[test]
    fn an_exhausted_ad_account_waits_its_reset_time() {
        let p = pacer();
        let t = Instant::now();
        p.observe(
            None,
            None,
            Some(r#"{"acc_id_util_pct":100,"reset_time_duration":30}"#),
            t,
        );
        assert_eq!(p.wait_before(t), Some(secs(30.0)));
        let s = p.snapshot();
        assert_eq!(s.ad_account.unwrap().acc_id_util_pct, 100.0);
    }

    #[test]
    fn disabled_never_waits_but_still_records() {
        let p = Pacer::new(&RetryPolicy::disabled());
        let t = Instant::now();
        p.observe(None, Some(&buc("1", "instagram", 100.0, 60.0)), None, t);
        assert_eq!(p.wait_before(t), None);
        assert_eq!(p.snapshot().business.len(), 1);
    }

    #[test]
    fn hostile_values_never_block_beyond_the_cap() {
        let p = pacer();
        let t = Instant::now();
        p.observe(
            Some(r#"{"call_count":1e308,"total_time":-1,"total_cputime":"NaN"}"#),
            Some(r#"{"1":[{"type":"instagram","estimated_time_to_regain_access":1e308}],"2":"x","3":[null]}"#),
            Some(r#"{"acc_id_util_pct":"inf","reset_time_duration":-5}"#),
            t,
        );
        let w = p.wait_before(t).unwrap();
        assert!(w <= MAX_HINT, "{w:?}");
        let odd = Pacer::new(&RetryPolicy {
            high_water: f64::NAN,
            max_concurrency: 0,
            ..RetryPolicy::default()
        });
        odd.observe(Some(r#"{"call_count":50}"#), None, None, t);
        assert_eq!(odd.wait_before(t), None);
    }

    #[test]
    fn the_number_of_pairs_is_bounded() {
        let p = pacer();
        let t = Instant::now();
        for round in 0..40u32 {
            let objs: Vec<String> = (0..32)
                .map(|i| format!(r#""{round}-{i}":[{{"type":"instagram","call_count":1}}]"#))
                .collect();
            p.observe(
                None,
                Some(&format!("{{{}}}", objs.join(","))),
                None,
                t + secs(f64::from(round)),
            );
        }
        assert_eq!(p.snapshot().business.len(), MAX_PAIRS);
    }

    #[tokio::test]
    async fn permits_cap_concurrency() {
        let p = Pacer::new(&RetryPolicy {
            max_concurrency: 2,
            ..RetryPolicy::default()
        });
        let a = p.permit().await;
        let _b = p.permit().await;
        let third = tokio::time::timeout(Duration::from_millis(50), p.permit()).await;
        assert!(third.is_err(), "a third request waits");
        drop(a);
        let third = tokio::time::timeout(Duration::from_millis(500), p.permit()).await;
        assert!(third.is_ok());
    }

    #[test]
    fn pacer_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Pacer>();
    }
}
