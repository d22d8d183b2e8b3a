//! The client's own token over time: its known expiry, a warning ahead of it, and refreshing
//! an Instagram Login token before it expires (the new token replaces the old one in the
//! transport and goes to the caller's callback, which should store it).

use crate::client::Client;
use crate::config::Login;
use crate::error::{Error, ErrorKind, Result};
use crate::redact::Secret;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How far ahead of expiry [`Client::refresh_token_if_needed`] is meant to be called with
/// by default, and the window of [`Client::token_warning`].
pub const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(7 * 24 * 3600);
/// Meta refreshes only tokens at least this old (seconds).
pub const MIN_REFRESH_AGE_SECS: i64 = 24 * 3600;
/// Lifetime of a long-lived Instagram Login token (seconds): 60 days.
pub const LONG_LIVED_SECS: i64 = 60 * 24 * 3600;

/// A token as Meta's token endpoints return it, normalized. Debug never shows the token.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenInfo {
    /// The token itself.
    pub access_token: Secret,
    /// `bearer`.
    pub token_type: String,
    /// Seconds of validity from when it was issued, when Meta said.
    pub expires_in: Option<i64>,
    /// When it expires (Unix seconds), computed from `expires_in` at receipt.
    pub expires_at: Option<i64>,
}

impl TokenInfo {
    /// From the normalized JSON of `auth.refresh` / `auth.exchange_long_lived`.
    pub fn from_json(v: &Value) -> Option<Self> {
        let token = v.get("access_token")?.as_str().filter(|t| !t.is_empty())?;
        Some(TokenInfo {
            access_token: Secret::new(token),
            token_type: v
                .get("token_type")
                .and_then(Value::as_str)
                .unwrap_or("bearer")
                .to_owned(),
            expires_in: v.get("expires_in").and_then(Value::as_i64),
            expires_at: v.get("expires_at").and_then(Value::as_i64),
        })
    }

    /// The normalized JSON (`{access_token, token_type, expires_in, expires_at}`), token included.
    pub fn to_json(&self) -> Value {
        json!({
            "access_token": self.access_token.expose(),
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "expires_at": self.expires_at,
        })
    }
}

/// The callback of [`crate::ClientConfig::on_token_refresh`]; Debug shows no more than that
/// one is set.
#[derive(Clone)]
pub struct OnTokenRefresh(pub Arc<dyn Fn(&TokenInfo) + Send + Sync>);

impl OnTokenRefresh {
    /// Wrap a closure.
    pub fn new(f: impl Fn(&TokenInfo) + Send + Sync + 'static) -> Self {
        OnTokenRefresh(Arc::new(f))
    }
}

impl std::fmt::Debug for OnTokenRefresh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnTokenRefresh(..)")
    }
}

/// `token_expires_at` of the JSON config: Unix seconds or a date; 0 / null = unknown or never.
pub(crate) fn expires_at_from_json(v: Option<&Value>) -> Result<Option<i64>> {
    let bad = || {
        Error::invalid_params(
            "client config: token_expires_at: expected Unix seconds or a date like \"2026-01-31\"",
        )
    };
    let at = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .ok_or_else(bad)?,
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => crate::ops::params::parse_time(s).ok_or_else(bad)?,
        Some(_) => return Err(bad()),
    };
    match at {
        0 => Ok(None),
        a if a < 0 => Err(bad()),
        a => Ok(Some(a)),
    }
}

/// What the client knows about its token's lifetime; shared by its clones.
#[derive(Debug)]
pub(crate) struct TokenState {
    known: Mutex<Known>,
    /// One refresh at a time: concurrent callers wait and then see the new expiry.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Known {
    expires_at: Option<i64>,
    issued_at: Option<i64>,
}

impl TokenState {
    pub(crate) fn new(expires_at: Option<i64>) -> Self {
        TokenState {
            known: Mutex::new(Known {
                expires_at,
                issued_at: None,
            }),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    fn get(&self) -> Known {
        self.known.lock().map(|k| *k).unwrap_or_default()
    }

    fn set(&self, k: Known) {
        if let Ok(mut g) = self.known.lock() {
            *g = k;
        }
    }
}

/// Whether to refresh now: the pure decision behind [`Client::refresh_token_if_needed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshDecision {
    /// Refresh now.
    Refresh,
    /// Nothing to do, and why.
    Skip(&'static str),
    /// The token already expired: Meta cannot refresh it; the user must log in again.
    Expired,
}

/// Decide whether a token expiring at `expires_at` (issued at `issued_at`, when known) should be
/// refreshed at `now` when refreshing `ahead_secs` before expiry.
pub fn refresh_decision(
    login: Login,
    now: i64,
    expires_at: Option<i64>,
    issued_at: Option<i64>,
    ahead_secs: i64,
) -> RefreshDecision {
    if login != Login::Instagram {
        return RefreshDecision::Skip("only Instagram Login tokens can be refreshed");
    }
    let Some(exp) = expires_at else {
        return RefreshDecision::Skip("expiry unknown (set token_expires_at)");
    };
    if exp <= now {
        return RefreshDecision::Expired;
    }
    if exp - now > ahead_secs {
        return RefreshDecision::Skip("not expiring soon");
    }
    // Without a known issue time, a long-lived token was issued 60 days before it expires.
    let issued = issued_at.unwrap_or(exp - LONG_LIVED_SECS);
    if now - issued < MIN_REFRESH_AGE_SECS {
        return RefreshDecision::Skip("younger than 24 hours (Meta refuses to refresh it)");
    }
    RefreshDecision::Refresh
}

/// The warning text for a token expiring at `expires_at`, when that is within 7 days of `now`.
pub fn warning_text(login: Login, now: i64, expires_at: Option<i64>) -> Option<String> {
    let exp = expires_at?;
    let left = exp - now;
    if left > DEFAULT_REFRESH_AHEAD.as_secs() as i64 {
        return None;
    }
    let when = iso(exp);
    let fix = match login {
        Login::Instagram => "refresh it with auth.refresh",
        Login::Facebook => "get a new one: log in again, or exchange with auth.exchange_long_lived",
    };
    Some(if left <= 0 {
        format!("access token expired ({when}); the user must log in again")
    } else if left < 24 * 3600 {
        format!("access token expires in less than a day ({when}; {fix})")
    } else {
        let days = left / (24 * 3600);
        let unit = if days == 1 { "day" } else { "days" };
        format!("access token expires in {days} {unit} ({when}; {fix})")
    })
}

/// RFC 3339 UTC (`2026-12-08T10:00:00Z`) of Unix seconds, or the number when out of range.
pub fn iso(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| secs.to_string())
}

/// Current Unix seconds.
pub fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Client {
    /// The current access token (a refresh replaces the one in [`Client::config`]).
    pub fn access_token(&self) -> Secret {
        self.inner.transport.token()
    }

    /// When the current token expires (Unix seconds), if known (`token_expires_at`, or the
    /// last refresh).
    pub fn token_expires_at(&self) -> Option<i64> {
        self.inner.token_state.get().expires_at
    }

    /// `Some("access token expires in N days (...)")` when the known expiry is within 7 days.
    pub fn token_warning(&self) -> Option<String> {
        warning_text(self.login(), now_secs(), self.token_expires_at())
    }

    /// With Instagram Login and a known expiry within `ahead` (use [`DEFAULT_REFRESH_AHEAD`]),
    /// for a token at least 24 h old: call `auth.refresh`, swap the client's token for the new
    /// one, call `on_token_refresh`, and return the new token. `Ok(None)` when nothing was due
    /// (Facebook Login, unknown expiry, not due yet, too young). An already expired token is
    /// an `auth` error: Meta cannot refresh it.
    pub async fn refresh_token_if_needed(&self, ahead: Duration) -> Result<Option<TokenInfo>> {
        let ahead_secs = i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX);
        let state = &self.inner.token_state;
        let decide = |k: Known| {
            refresh_decision(
                self.login(),
                now_secs(),
                k.expires_at,
                k.issued_at,
                ahead_secs,
            )
        };
        match decide(state.get()) {
            RefreshDecision::Refresh => {}
            RefreshDecision::Skip(_) => return Ok(None),
            RefreshDecision::Expired => return Err(expired_error(state.get().expires_at)),
        }
        let _one_at_a_time = state.refreshing.lock().await;
        // Another caller may have refreshed while this one waited.
        if decide(state.get()) != RefreshDecision::Refresh {
            return Ok(None);
        }
        let v = self.call("auth.refresh", json!({})).await?;
        let info = TokenInfo::from_json(&v).ok_or_else(|| {
            Error::new(
                ErrorKind::UnexpectedResponse,
                "auth.refresh: the answer carries no access_token",
            )
        })?;
        self.inner.transport.set_token(info.access_token.clone());
        state.set(Known {
            expires_at: info.expires_at,
            issued_at: Some(now_secs()),
        });
        if let Some(cb) = &self.inner.config.on_token_refresh {
            // A panicking callback must not undo a refresh that already happened.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (cb.0)(&info)));
        }
        Ok(Some(info))
    }
}

fn expired_error(expires_at: Option<i64>) -> Error {
    let when = expires_at.map(iso).unwrap_or_default();
    Error::new(
        ErrorKind::Auth,
        format!("access token expired ({when}): Meta cannot refresh an expired token; the user must log in again"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3600;
    const NOW: i64 = 1_800_000_000;

    #[test]
    fn refreshes_only_instagram_tokens_due_and_old_enough() {
        let ahead = 7 * DAY;
        let d = |login, exp, issued| refresh_decision(login, NOW, exp, issued, ahead);
        assert_eq!(
            d(Login::Instagram, Some(NOW + 3 * DAY), None),
            RefreshDecision::Refresh
        );
        assert!(matches!(
            d(Login::Facebook, Some(NOW + 3 * DAY), None),
            RefreshDecision::Skip(_)
        ));
        assert!(matches!(
            d(Login::Instagram, None, None),
            RefreshDecision::Skip(_)
        ));
        assert!(matches!(
            d(Login::Instagram, Some(NOW + 30 * DAY), None),
            RefreshDecision::Skip(_)
        ));
        assert_eq!(
            d(Login::Instagram, Some(NOW - 1), None),
            RefreshDecision::Expired
        );
        assert!(matches!(
            d(Login::Instagram, Some(NOW + 3 * DAY), Some(NOW - 3600)),
            RefreshDecision::Skip(_)
        ));
        // Refreshing 60 days ahead would catch a fresh long-lived token: too young.
        assert!(matches!(
            refresh_decision(
                Login::Instagram,
                NOW,
                Some(NOW + 60 * DAY - 60),
                None,
                60 * DAY
            ),
            RefreshDecision::Skip(_)
        ));
    }

    #[test]
    fn warning_within_seven_days_only() {
        assert_eq!(
            warning_text(Login::Instagram, NOW, Some(NOW + 8 * DAY)),
            None
        );
        let w = warning_text(Login::Instagram, NOW, Some(NOW + 3 * DAY + 5)).unwrap();
        assert!(w.starts_with("access token expires in 3 days ("), "{w}");
        assert!(w.contains("2027-01-18T"), "{w}");
        let w = warning_text(Login::Facebook, NOW, Some(NOW - 5)).unwrap();
        assert!(w.contains("expired"), "{w}");
        assert_eq!(warning_text(Login::Instagram, NOW, None), None);
    }

    #[test]
    fn config_expiry_accepts_seconds_and_dates() {
        assert_eq!(expires_at_from_json(Some(&json!(0))).unwrap(), None);
        assert_eq!(
            expires_at_from_json(Some(&json!(1767225600))).unwrap(),
            Some(1767225600)
        );
        assert_eq!(
            expires_at_from_json(Some(&json!("2026-01-01"))).unwrap(),
            Some(1767225600)
        );
        assert!(expires_at_from_json(Some(&json!("soon"))).is_err());
        assert!(expires_at_from_json(Some(&json!(-5))).is_err());
        assert!(expires_at_from_json(Some(&json!(true))).is_err());
    }

    #[test]
    fn token_info_debug_hides_the_token() {
        let t =
            TokenInfo::from_json(&json!({"access_token": "IGAAsecret", "expires_in": 5})).unwrap();
        assert!(!format!("{t:?}").contains("IGAAsecret"));
        assert_eq!(t.token_type, "bearer");
        assert_eq!(t.to_json()["access_token"], "IGAAsecret");
    }
}
