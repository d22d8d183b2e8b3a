//! Client configuration: token, login flavour, API version, app secret, base URL, timeouts.

use crate::error::{Error, Result};
use crate::redact::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

pub use crate::version::{normalize_version, DEFAULT_API_VERSION};

/// Which login the access token comes from; decides the host and what is available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Login {
    /// Instagram API with Facebook Login (graph.facebook.com, Page-linked accounts).
    Facebook,
    /// Instagram API with Instagram Login (graph.instagram.com).
    Instagram,
}

impl Login {
    /// Production host for this flavour.
    pub const fn host(self) -> &'static str {
        match self {
            Login::Facebook => "https://graph.facebook.com",
            Login::Instagram => "https://graph.instagram.com",
        }
    }
    /// `facebook` or `instagram`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Login::Facebook => "facebook",
            Login::Instagram => "instagram",
        }
    }
}

pub use crate::retry::RetryPolicy;

/// Everything a [`crate::Client`] needs.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// User or Page access token (never printed).
    pub access_token: Secret,
    /// Login flavour (host and feature availability).
    pub login: Login,
    /// Graph API version, e.g. `v25.0`.
    pub api_version: String,
    /// App secret: when set, every call carries `appsecret_proof`.
    pub app_secret: Option<Secret>,
    /// App id (with the app secret: the app token of `debug_token`, OAuth code exchange).
    pub app_id: Option<String>,
    /// Override the host (sandbox, proxy); `None` uses the flavour's host.
    pub base_url: Option<String>,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Retries, pacing and concurrency.
    pub retry: RetryPolicy,
    /// When the access token expires (Unix seconds), if known: enables
    /// [`crate::Client::token_warning`] and [`crate::Client::refresh_token_if_needed`].
    pub token_expires_at: Option<i64>,
    /// Called with the new token after [`crate::Client::refresh_token_if_needed`] swapped it
    /// (store it: the old one stops working once it expires). Not settable from JSON.
    pub on_token_refresh: Option<crate::token::OnTokenRefresh>,
}

impl ClientConfig {
    /// Defaults: Instagram Login, v27.0, 60 s timeout, 2 retries.
    pub fn new(access_token: impl Into<String>) -> Self {
        ClientConfig {
            access_token: Secret::new(access_token),
            login: Login::Instagram,
            api_version: DEFAULT_API_VERSION.to_owned(),
            app_secret: None,
            app_id: None,
            base_url: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            token_expires_at: None,
            on_token_refresh: None,
        }
    }

    /// The base URL requests go to (no trailing slash, no version).
    pub fn effective_base_url(&self) -> &str {
        self.base_url
            .as_deref()
            .unwrap_or(self.login.host())
            .trim_end_matches('/')
    }

    /// Parse the bindings' JSON config: `access_token` (required), `login`, `api_version`,
    /// `app_secret`, `app_id`, `base_url`, `timeout_ms`, and the reliability policy:
    /// `max_retries`, `retry` (false turns retries and pacing off), `max_total_wait_ms`,
    /// `high_water_mark` (percent), `max_concurrency`; and `token_expires_at` (Unix seconds or
    /// a date; 0 = never). Errors name the key, never the value.
    pub fn from_json(v: &Value) -> Result<Self> {
        let obj = v
            .as_object()
            .ok_or_else(|| Error::invalid_params("client config: expected an object"))?;
        let text = |key: &str| -> Result<Option<String>> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Error::invalid_params(format!(
                    "client config: {key}: expected a string"
                ))),
            }
        };
        let number = |key: &str| -> Result<Option<u64>> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(n) => n
                    .as_u64()
                    .or_else(|| {
                        n.as_f64()
                            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                            .map(|f| f as u64)
                    })
                    .map(Some)
                    .ok_or_else(|| {
                        Error::invalid_params(format!(
                            "client config: {key}: expected a non-negative integer"
                        ))
                    }),
            }
        };
        const KNOWN: &[&str] = &[
            "access_token",
            "login",
            "api_version",
            "app_secret",
            "app_id",
            "base_url",
            "timeout_ms",
            "max_retries",
            "retry",
            "max_total_wait_ms",
            "high_water_mark",
            "max_concurrency",
            "token_expires_at",
        ];
        if let Some(k) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(Error::invalid_params(format!(
                "client config: {k}: unknown option (expected one of {})",
                KNOWN.join(", ")
            )));
        }
        let token = text("access_token")?
            .ok_or_else(|| Error::invalid_params("client config: access_token: is required"))?;
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid_params(
                "client config: access_token: contains whitespace",
            ));
        }
        let mut cfg = ClientConfig::new(token);
        if let Some(l) = text("login")? {
            cfg.login = match l.as_str() {
                "facebook" => Login::Facebook,
                "instagram" => Login::Instagram,
                _ => {
                    return Err(Error::invalid_params(
                        "client config: login: expected \"facebook\" or \"instagram\"",
                    ))
                }
            };
        }
        if let Some(ver) = text("api_version")? {
            cfg.api_version = normalize_version(&ver)?;
        }
        cfg.app_secret = text("app_secret")?.map(Secret::new);
        if let Some(id) = text("app_id")? {
            if id.len() > 32 || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid_params(
                    "client config: app_id: expected the numeric app id",
                ));
            }
            cfg.app_id = Some(id);
        }
        if let Some(b) = text("base_url")? {
            let u = url::Url::parse(&b)
                .map_err(|e| Error::invalid_params(format!("client config: base_url: {e}")))?;
            if !matches!(u.scheme(), "http" | "https") || u.host().is_none() {
                return Err(Error::invalid_params(
                    "client config: base_url: expected an http(s) URL",
                ));
            }
            if u.query().is_some() {
                return Err(Error::invalid_params(
                    "client config: base_url: must not carry a query string",
                ));
            }
            cfg.base_url = Some(b.trim_end_matches('/').to_owned());
        }
        if let Some(ms) = number("timeout_ms")? {
            if ms == 0 {
                return Err(Error::invalid_params(
                    "client config: timeout_ms: must be > 0",
                ));
            }
            cfg.timeout = Duration::from_millis(ms);
            cfg.connect_timeout = cfg.connect_timeout.min(cfg.timeout);
        }
        if let Some(n) = number("max_retries")? {
            cfg.retry.max_attempts = n.min(10) as u32 + 1;
        }
        match obj.get("retry") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => cfg.retry.enabled = *b,
            Some(_) => {
                return Err(Error::invalid_params(
                    "client config: retry: expected true or false",
                ))
            }
        }
        if let Some(ms) = number("max_total_wait_ms")? {
            cfg.retry.max_total_wait = Duration::from_millis(ms.min(24 * 3600 * 1000));
        }
        if let Some(n) = number("max_concurrency")? {
            if n == 0 {
                return Err(Error::invalid_params(
                    "client config: max_concurrency: must be at least 1",
                ));
            }
            cfg.retry.max_concurrency = n.min(1024) as usize;
        }
        match obj.get("high_water_mark") {
            None | Some(Value::Null) => {}
            Some(v) => {
                match v.as_f64() {
                    Some(p) if (1.0..=100.0).contains(&p) => cfg.retry.high_water = p,
                    _ => return Err(Error::invalid_params(
                        "client config: high_water_mark: expected a percentage between 1 and 100",
                    )),
                }
            }
        }
        cfg.token_expires_at = crate::token::expires_at_from_json(obj.get("token_expires_at"))?;
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn config_errors_name_the_key_not_the_value() {
        let e =
            ClientConfig::from_json(&json!({"access_token": "SECRETTOKEN", "login": "myspace"}))
                .unwrap_err();
        assert!(e.message.contains("login") && !e.message.contains("SECRETTOKEN"));
        let e = ClientConfig::from_json(&json!({"access_token": "T", "bogus": 1})).unwrap_err();
        assert!(e.message.contains("bogus"));
        let c = ClientConfig::from_json(
            &json!({"access_token": "T", "login": "facebook", "base_url": "http://127.0.0.1:9/"}),
        )
        .unwrap();
        assert_eq!(c.effective_base_url(), "http://127.0.0.1:9");
        assert!(!format!("{c:?}").contains("\"T\""));
    }
}
