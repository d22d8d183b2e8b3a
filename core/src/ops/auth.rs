//! Token lifecycle: inspect a token, exchange and refresh tokens, build the login URL, trade
//! the authorization code, read a Page token.
//!
//! Results carry tokens (that is their point); errors never do. Every token, secret and code a
//! request carries is a credential or a [`SecretValue`], which the transport fills in and
//! scrubs from errors, and param errors never quote a value.

use super::params::{object_id, ParamError, Timestamp};
use super::{Flow, OpContext};
use crate::config::{ClientConfig, Login};
use crate::error::{Error, ErrorKind, Result};
use crate::flow::Executor;
use crate::redact::Secret;
use crate::request::{Credential, GraphRequest, Host, SecretValue};
use crate::token::{iso, now_secs, MIN_REFRESH_AGE_SECS};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Default permissions of the Facebook Login dialog: every feature of the catalogue
/// (reference §1.11.3; Business Manager–owned assets also need `business_management`).
pub const FACEBOOK_DEFAULT_SCOPES: &[&str] = &[
    "instagram_basic",
    "pages_show_list",
    "pages_read_engagement",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
    "pages_manage_metadata",
];

/// Default scopes of the Instagram Login dialog (the `instagram_business_*` names).
pub const INSTAGRAM_DEFAULT_SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_manage_messages",
    "instagram_business_manage_comments",
    "instagram_business_content_publish",
    "instagram_business_manage_insights",
];

/// Instagram Login scopes Meta removed on 2025-01-27, with their replacements.
const REMOVED_SCOPES: &[(&str, &str)] = &[
    ("business_basic", "instagram_business_basic"),
    (
        "business_content_publish",
        "instagram_business_content_publish",
    ),
    (
        "business_manage_comments",
        "instagram_business_manage_comments",
    ),
    (
        "business_manage_messages",
        "instagram_business_manage_messages",
    ),
];

const DAY: i64 = 24 * 3600;
/// `expiring_soon` of `auth.debug_token`: within this many seconds.
const SOON: i64 = 7 * DAY;

// ---------------------------------------------------------------------------------------------
// Validators (messages never quote the value: it may be a secret).

/// An optional token param: empty means absent (n8n sends empty fields as "").
fn token_param(path: &str, v: Option<&str>) -> Result<Option<Secret>, ParamError> {
    let Some(t) = v.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.len() > 4096 {
        return Err(ParamError::new(path, "is too long for an access token"));
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ParamError::new(
            path,
            "contains whitespace (copy the token alone)",
        ));
    }
    Ok(Some(Secret::new(t)))
}

/// The authorization code of the redirect, without Instagram's trailing `#_`.
fn code_param(path: &str, v: &str) -> Result<Secret, ParamError> {
    let c = v.trim();
    let c = c.strip_suffix("#_").unwrap_or(c).trim_end_matches('#');
    if c.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if c.len() > 4096 || c.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
        return Err(ParamError::new(
            path,
            "is not an authorization code (copy the `code` query value of the redirect)",
        ));
    }
    Ok(Secret::new(c))
}

/// An absolute `https` redirect URI (`http` only for localhost). Returned as given: Meta
/// compares it byte for byte with the dialog's, so it is not normalized.
fn redirect_uri(path: &str, v: &str) -> Result<String, ParamError> {
    let raw = v.trim();
    if raw.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if raw.len() > 2048 {
        return Err(ParamError::new(path, "is longer than 2048 characters"));
    }
    let u = url::Url::parse(raw)
        .map_err(|e| ParamError::new(path, format!("is not an absolute URL ({e})")))?;
    let local = matches!(
        u.host(),
        Some(url::Host::Domain("localhost"))
            | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
            | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
    );
    match u.scheme() {
        "https" if u.host().is_some() => {}
        "http" if local => {}
        "http" => {
            return Err(ParamError::new(
                path,
                "must use https (http is allowed for localhost only)",
            ))
        }
        _ => return Err(ParamError::new(path, "must be an https URL")),
    }
    if u.fragment().is_some() {
        return Err(ParamError::new(
            path,
            "must not carry a #fragment (OAuth forbids it)",
        ));
    }
    Ok(raw.to_owned())
}

/// Scopes as Meta spells them: each entry may itself be a comma- or space-separated list.
fn scopes(
    path: &str,
    v: Option<&[String]>,
    login: Login,
) -> Result<Option<Vec<String>>, ParamError> {
    let mut out: Vec<String> = Vec::new();
    for s in v
        .into_iter()
        .flatten()
        .flat_map(|e| e.split(|c: char| c == ',' || c.is_whitespace()))
        .filter(|s| !s.is_empty())
    {
        if s.len() > 64
            || !s
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(ParamError::new(
                path,
                format!(
                    "{:?} is not a permission name (lowercase letters, digits, _)",
                    trunc(s)
                ),
            ));
        }
        if let Some((_, new)) = REMOVED_SCOPES.iter().find(|(old, _)| *old == s) {
            return Err(ParamError::new(
                path,
                format!("{s:?} stopped working on 2025-01-27; use {new:?}"),
            ));
        }
        if login == Login::Instagram && s == "instagram_basic" {
            return Err(ParamError::new(
                path,
                "instagram_basic is a Facebook Login permission; Instagram Login asks for instagram_business_basic",
            ));
        }
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

fn trunc(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A caller-chosen `state`: printable, at most 1024 characters.
fn state_param(path: &str, v: Option<&str>) -> Result<Option<String>, ParamError> {
    let Some(s) = v.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s.len() > 1024 || s.chars().any(char::is_control) {
        return Err(ParamError::new(
            path,
            "must be at most 1024 printable characters",
        ));
    }
    Ok(Some(s.to_owned()))
}

/// A fresh CSRF `state`: 32 random bytes, URL-safe base64 (43 characters).
pub fn random_state() -> Result<String> {
    use base64::Engine as _;
    let mut buf = [0u8; 32];
    getrandom::getrandom(&mut buf)
        .map_err(|e| Error::internal(format!("no system randomness for state: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

fn app_id<'a>(cfg: &'a ClientConfig, op: &str) -> Result<&'a str> {
    cfg.app_id.as_deref().ok_or_else(|| {
        Error::invalid_params(format!(
            "{op}: client config: app_id is needed (the app id from the Meta App Dashboard; with Instagram Login the Instagram app id)"
        ))
    })
}

fn need_app_secret(cfg: &ClientConfig, op: &str) -> Result<()> {
    match cfg.app_secret {
        Some(_) => Ok(()),
        None => Err(Error::invalid_params(format!(
            "{op}: client config: app_secret is needed (token exchanges are server-side calls signed with it)"
        ))),
    }
}

/// The given token, or the client's own: as a credential.
fn token_credential(t: Option<Secret>) -> Credential {
    t.map_or(Credential::User, Credential::Token)
}

/// The given token, or the client's own: as a secret param.
fn token_value(t: Option<Secret>) -> SecretValue {
    t.map_or(SecretValue::AccessToken, SecretValue::Given)
}

fn unexpected(op: &str, what: &str) -> Error {
    // Never quote the body: it carries a token.
    Error::new(
        ErrorKind::UnexpectedResponse,
        format!("{op}: the answer {what}"),
    )
}

fn as_i64_loose(v: Option<&Value>) -> Option<i64> {
    let v = v?;
    v.as_i64()
        .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// An id that may come as a JSON number (Instagram's `user_id`) as a string, exactly.
fn id_string(v: Option<&Value>) -> Value {
    match v {
        Some(Value::String(s)) if !s.is_empty() => Value::String(s.clone()),
        Some(Value::Number(n)) => Value::String(n.to_string()),
        _ => Value::Null,
    }
}

// ---------------------------------------------------------------------------------------------
// Normalizers (pure: tests feed them Meta's documented answers from fixtures/auth).

/// `{access_token, token_type, expires_in, expires_at}` from Meta's token answers
/// (`expires_at` = `now` + `expires_in`, Unix seconds; null when Meta gave no lifetime).
pub fn normalize_token(op: &str, v: &Value, now: i64) -> Result<Value> {
    let token = v
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unexpected(op, "carries no access_token"))?;
    let expires_in = as_i64_loose(v.get("expires_in"));
    Ok(json!({
        "access_token": token,
        "token_type": v.get("token_type").and_then(Value::as_str).unwrap_or("bearer"),
        "expires_in": expires_in,
        "expires_at": expires_in.map(|s| now.saturating_add(s)),
    }))
}

/// `{access_token, user_id, permissions: [..], token_type, expires_in, expires_at}` from a code
/// exchange: Instagram's `{"data":[{...}]}` and flat shapes, and Facebook's token answer.
pub fn normalize_code_exchange(op: &str, v: &Value, now: i64) -> Result<Value> {
    let inner = match v.get("data") {
        Some(Value::Array(items)) => items
            .first()
            .ok_or_else(|| unexpected(op, "has an empty data list"))?,
        Some(o @ Value::Object(_)) => o,
        _ => v,
    };
    let mut out = normalize_token(op, inner, now)?;
    let permissions: Vec<String> = match inner.get("permissions") {
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    if let Some(o) = out.as_object_mut() {
        o.insert("user_id".into(), id_string(inner.get("user_id")));
        o.insert("permissions".into(), json!(permissions));
    }
    Ok(out)
}

/// Meta's `data` object of `debug_token` plus `expires_at_iso`, `expires_in_days` (whole days,
/// negative once expired; null when `expires_at` is 0 = never) and `expiring_soon` (expires
/// within 7 days, or already has).
pub fn normalize_debug(op: &str, v: &Value, now: i64) -> Result<Value> {
    let mut data: Map<String, Value> = v
        .get("data")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| unexpected(op, "has no data object"))?;
    let exp = as_i64_loose(data.get("expires_at")).filter(|e| *e != 0);
    data.insert(
        "expires_at_iso".into(),
        exp.map(iso).map_or(Value::Null, Value::String),
    );
    data.insert(
        "expires_in_days".into(),
        exp.map_or(Value::Null, |e| json!((e - now).div_euclid(DAY))),
    );
    data.insert(
        "expiring_soon".into(),
        json!(exp.is_some_and(|e| e - now <= SOON)),
    );
    Ok(Value::Object(data))
}

/// `{page_id, name, access_token, ig_user_id}` from `GET /{page_id}?fields=access_token,...`.
pub fn normalize_page(op: &str, page_id: &str, v: &Value) -> Result<Value> {
    let token = v
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::permission(format!(
                "{op}: no Page access token for Page {page_id}: the user token needs pages_show_list and a role on the Page"
            ))
        })?;
    Ok(json!({
        "page_id": v.get("id").and_then(Value::as_str).unwrap_or(page_id),
        "name": v.get("name").cloned().unwrap_or(Value::Null),
        "access_token": token,
        "ig_user_id": id_string(v.get("instagram_business_account").and_then(|a| a.get("id"))),
    }))
}

// ---------------------------------------------------------------------------------------------
// auth.debug_token

/// Inspect an access token with Meta's `debug_token`: which app and user it belongs to, its
/// type, whether it is valid, its scopes (and `granular_scopes` with the Pages / IG accounts
/// granted), when it was issued and when it expires. Returns Meta's `data` object plus
/// `expires_at_iso`, `expires_in_days` (null when it never expires) and `expiring_soon` (within
/// 7 days). Signed with the app token, so the client config needs `app_id` and `app_secret`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DebugToken {
    /// The token to inspect; defaults to the client's own access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_token: Option<String>,
}

impl DebugToken {
    /// The request (pure; the transport fills in the secrets).
    pub fn request(&self) -> Result<GraphRequest, ParamError> {
        let t = token_param("input_token", self.input_token.as_deref())?;
        Ok(GraphRequest::get(["debug_token"])
            .with_credential(Credential::App)
            .secret_query("input_token", token_value(t)))
    }
}

impl Flow for DebugToken {
    const ID: &'static str = "auth.debug_token";
    const SUMMARY: &'static str = "Inspect an access token";
    const HTTP: &'static str = "GET /debug_token?input_token=… (app token)";
    const IDEMPOTENT: bool = true;
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (graph.facebook.com)",
        "needs app_id and app_secret in the client config: the call is signed with the app token app_id|app_secret",
        "the inspected token must belong to the same app",
        "expires_at 0 means the token never expires (Page tokens from a long-lived user token)",
    ];

    fn validate(&self, _ctx: &OpContext) -> Result<(), ParamError> {
        self.request().map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let req = self.request().map_err(|e| e.into_error(Self::ID))?;
        let v = ex.send(req).await?;
        normalize_debug(Self::ID, &v, now_secs())
    }
}

// ---------------------------------------------------------------------------------------------
// auth.exchange_long_lived

/// Exchange a short-lived user token (1 hour) for a long-lived one (about 60 days). Facebook
/// Login uses `fb_exchange_token` on graph.facebook.com; Instagram Login uses
/// `ig_exchange_token` on graph.instagram.com. Returns `{access_token, token_type, expires_in,
/// expires_at}` (`expires_at` in Unix seconds). The client config needs `app_secret` (and
/// `app_id` with Facebook Login): run it server-side only.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeLongLived {
    /// The short-lived token to exchange; defaults to the client's own access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

impl ExchangeLongLived {
    /// The request for `login` (pure; the transport fills in the secrets).
    pub fn request(&self, login: Login, cfg: &ClientConfig) -> Result<GraphRequest> {
        let t = token_param("access_token", self.access_token.as_deref())
            .map_err(|e| e.into_error(Self::ID))?;
        need_app_secret(cfg, Self::ID)?;
        Ok(match login {
            Login::Facebook => GraphRequest::get(["oauth", "access_token"])
                .with_credential(Credential::None)
                .query("grant_type", "fb_exchange_token")
                .query("client_id", app_id(cfg, Self::ID)?)
                .secret_query("client_secret", SecretValue::AppSecret)
                .secret_query("fb_exchange_token", token_value(t)),
            Login::Instagram => GraphRequest::get(["access_token"])
                .on(Host::GraphRoot)
                .with_credential(token_credential(t))
                .query("grant_type", "ig_exchange_token")
                .secret_query("client_secret", SecretValue::AppSecret),
        })
    }
}

impl Flow for ExchangeLongLived {
    const ID: &'static str = "auth.exchange_long_lived";
    const SUMMARY: &'static str = "Exchange a short-lived token for a long-lived one";
    const HTTP: &'static str = "GET /oauth/access_token?grant_type=fb_exchange_token (Facebook) · GET graph.instagram.com/access_token?grant_type=ig_exchange_token (Instagram)";
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] = &[
        "needs app_secret in the client config (and app_id with Facebook Login): server-side only",
        "the short-lived token must be valid (unexpired)",
        "long-lived tokens last about 60 days; Instagram Login tokens can then be refreshed with auth.refresh",
    ];

    fn validate(&self, _ctx: &OpContext) -> Result<(), ParamError> {
        token_param("access_token", self.access_token.as_deref()).map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let req = self.request(ex.login(), ex.client().config())?;
        let v = ex.send(req).await?;
        normalize_token(Self::ID, &v, now_secs())
    }
}

// ---------------------------------------------------------------------------------------------
// auth.refresh

/// Refresh a long-lived Instagram Login token for another 60 days (Meta refreshes tokens that
/// are at least 24 hours old and not yet expired; an expired token needs a new login). Returns
/// `{access_token, token_type, expires_in, expires_at}`. Give `issued_at` to have a token
/// younger than 24 hours refused locally instead of by Meta.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Refresh {
    /// The long-lived token to refresh; defaults to the client's own access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// When the token was issued or last refreshed (Unix seconds or a date); refused locally when less than 24 hours ago.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<Timestamp>,
}

impl Refresh {
    /// The request, checked against `now` (pure; the transport adds the token).
    pub fn request(&self, now: i64) -> Result<GraphRequest, ParamError> {
        let t = token_param("access_token", self.access_token.as_deref())?;
        if let Some(Timestamp(at)) = self.issued_at {
            if at > now + 300 {
                return Err(ParamError::new("issued_at", "is in the future"));
            }
            if now - at < MIN_REFRESH_AGE_SECS {
                let hours = (now - at).max(0) / 3600;
                return Err(ParamError::new(
                    "issued_at",
                    format!(
                        "the token is {hours} h old (issued {}); Meta refreshes only tokens at least 24 hours old: try again after {}",
                        iso(at),
                        iso(at + MIN_REFRESH_AGE_SECS)
                    ),
                ));
            }
        }
        Ok(GraphRequest::get(["refresh_access_token"])
            .on(Host::GraphRoot)
            .with_credential(token_credential(t))
            .query("grant_type", "ig_refresh_token"))
    }
}

impl Flow for Refresh {
    const ID: &'static str = "auth.refresh";
    const SUMMARY: &'static str = "Refresh a long-lived Instagram token";
    const HTTP: &'static str =
        "GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token";
    const IDEMPOTENT: bool = true;
    const LOGINS: &'static [Login] = &[Login::Instagram];
    const LIMITS: &'static [&'static str] = &[
        "Instagram Login only",
        "the token must be long-lived, at least 24 hours old, unexpired, and carry instagram_business_basic",
        "a refreshed token is valid for 60 days from the refresh",
    ];

    fn validate(&self, _ctx: &OpContext) -> Result<(), ParamError> {
        self.request(now_secs()).map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let req = self
            .request(now_secs())
            .map_err(|e| e.into_error(Self::ID))?;
        let v = ex.send(req).await?;
        normalize_token(Self::ID, &v, now_secs())
    }
}

// ---------------------------------------------------------------------------------------------
// auth.authorize_url

/// Build the login URL to send the user to (no request is sent): Facebook Login's
/// `www.facebook.com/<version>/dialog/oauth` or Instagram Login's
/// `www.instagram.com/oauth/authorize`, with `response_type=code`. Returns `{url, state}`:
/// keep `state` and compare it with the one on the redirect (CSRF), then trade the redirect's
/// `code` with `auth.exchange_code`. The client config needs `app_id`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeUrl {
    /// Where Meta sends the user back: an absolute https URL (http only for localhost) registered in the app's OAuth settings, matched exactly.
    pub redirect_uri: String,
    /// Permissions to ask for. Default: every feature of the login flavour (Facebook: instagram_basic, pages_show_list, pages_read_engagement, instagram_content_publish, instagram_manage_comments, instagram_manage_insights, instagram_manage_messages, pages_manage_metadata; Instagram: the instagram_business_* scopes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Vec<String>>,
    /// CSRF value echoed on the redirect; a random URL-safe one is generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Facebook Login for Business configuration id, sent instead of scope (Facebook Login only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_id: Option<String>,
    /// Make the user log in again even with an Instagram session (Instagram Login only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_reauth: Option<bool>,
    /// Offer logging in with Facebook on the Instagram dialog (Instagram Login only; Meta's default is true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_fb_login: Option<bool>,
}

/// The checked params of [`AuthorizeUrl`].
struct Dialog {
    redirect_uri: String,
    scope: Option<Vec<String>>,
    state: Option<String>,
    config_id: Option<String>,
}

impl AuthorizeUrl {
    fn check(&self, login: Login) -> Result<Dialog, ParamError> {
        let redirect_uri = redirect_uri("redirect_uri", &self.redirect_uri)?;
        let scope = scopes("scope", self.scope.as_deref(), login)?;
        let state = state_param("state", self.state.as_deref())?;
        let config_id = match self.config_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(_) if login == Login::Instagram => {
                return Err(ParamError::new(
                    "config_id",
                    "is a Facebook Login for Business setting; Instagram Login takes scope",
                ))
            }
            Some(c) if c.len() <= 32 && c.bytes().all(|b| b.is_ascii_digit()) => Some(c.to_owned()),
            Some(_) => {
                return Err(ParamError::new(
                    "config_id",
                    "expected the numeric configuration id",
                ))
            }
        };
        if config_id.is_some() && scope.is_some() {
            return Err(ParamError::new(
                "scope",
                "give either scope or config_id (Login for Business configurations carry their own permissions)",
            ));
        }
        if login == Login::Facebook {
            for (name, set) in [
                ("force_reauth", self.force_reauth.is_some()),
                ("enable_fb_login", self.enable_fb_login.is_some()),
            ] {
                if set {
                    return Err(ParamError::new(name, "is an Instagram Login setting"));
                }
            }
        }
        Ok(Dialog {
            redirect_uri,
            scope,
            state,
            config_id,
        })
    }

    /// `{url, state}` for `login` (pure but for a generated `state`).
    pub fn build(&self, login: Login, api_version: &str, app_id: &str) -> Result<Value> {
        let d = self
            .check(login)
            .map_err(|e| e.into_error(<Self as Flow>::ID))?;
        let state = match d.state {
            Some(s) => s,
            None => random_state()?,
        };
        let defaults = match login {
            Login::Facebook => FACEBOOK_DEFAULT_SCOPES,
            Login::Instagram => INSTAGRAM_DEFAULT_SCOPES,
        };
        let scope = d
            .scope
            .unwrap_or_else(|| defaults.iter().map(|s| (*s).to_owned()).collect())
            .join(",");
        let base = match login {
            Login::Facebook => format!("https://www.facebook.com/{api_version}/dialog/oauth"),
            Login::Instagram => "https://www.instagram.com/oauth/authorize".to_owned(),
        };
        let mut url =
            url::Url::parse(&base).map_err(|e| Error::internal(format!("authorize URL: {e}")))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", app_id)
                .append_pair("redirect_uri", &d.redirect_uri);
            match login {
                Login::Facebook => {
                    q.append_pair("state", &state);
                    match &d.config_id {
                        Some(c) => q.append_pair("config_id", c),
                        None => q.append_pair("scope", &scope),
                    };
                    q.append_pair("response_type", "code");
                }
                Login::Instagram => {
                    q.append_pair("response_type", "code")
                        .append_pair("scope", &scope)
                        .append_pair("state", &state);
                    if self.force_reauth == Some(true) {
                        q.append_pair("force_reauth", "true");
                    }
                    if let Some(b) = self.enable_fb_login {
                        q.append_pair("enable_fb_login", if b { "true" } else { "false" });
                    }
                }
            }
        }
        Ok(json!({ "url": url.as_str(), "state": state }))
    }
}

impl Flow for AuthorizeUrl {
    const ID: &'static str = "auth.authorize_url";
    const SUMMARY: &'static str = "Build the login URL (OAuth dialog)";
    const HTTP: &'static str = "none: builds https://www.facebook.com/{version}/dialog/oauth (Facebook) or https://www.instagram.com/oauth/authorize (Instagram)";
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] = &[
        "sends no request; needs app_id in the client config (with Instagram Login: the Instagram app id)",
        "redirect_uri must match one registered in the app's OAuth settings exactly",
        "the code on the redirect is valid for 1 hour and works once",
    ];

    fn validate(&self, ctx: &OpContext) -> Result<(), ParamError> {
        self.check(ctx.login).map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let cfg = ex.client().config();
        self.build(
            ex.login(),
            ex.client().api_version(),
            app_id(cfg, Self::ID)?,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// auth.exchange_code

/// Trade the authorization code of the login redirect for a user token. Instagram Login posts
/// to `api.instagram.com/oauth/access_token` and gets a short-lived token (1 hour); Facebook
/// Login calls `/oauth/access_token`. A trailing `#_` on the code is removed. Returns
/// `{access_token, user_id, permissions: [..], token_type, expires_in, expires_at}` (`user_id`
/// and `permissions` come from Instagram only). Follow with `auth.exchange_long_lived`. The
/// client config needs `app_id` and `app_secret`. A code works once: this is not retried.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeCode {
    /// The `code` query value of the redirect (a trailing `#_` is removed).
    pub code: String,
    /// The redirect_uri given to the login dialog, exactly.
    pub redirect_uri: String,
}

impl ExchangeCode {
    /// The request for `login` (pure; the transport fills in the secrets).
    pub fn request(&self, login: Login, cfg: &ClientConfig) -> Result<GraphRequest> {
        let code = code_param("code", &self.code).map_err(|e| e.into_error(Self::ID))?;
        let redirect =
            redirect_uri("redirect_uri", &self.redirect_uri).map_err(|e| e.into_error(Self::ID))?;
        let client_id = app_id(cfg, Self::ID)?;
        need_app_secret(cfg, Self::ID)?;
        Ok(match login {
            Login::Facebook => GraphRequest::get(["oauth", "access_token"])
                .with_credential(Credential::None)
                .query("client_id", client_id)
                .query("redirect_uri", redirect)
                .secret_query("client_secret", SecretValue::AppSecret)
                .secret_query("code", SecretValue::Given(code)),
            Login::Instagram => GraphRequest::post(["oauth", "access_token"])
                .on(Host::InstagramOAuth)
                .with_credential(Credential::None)
                .form("client_id", client_id)
                .secret_form("client_secret", SecretValue::AppSecret)
                .form("grant_type", "authorization_code")
                .form("redirect_uri", redirect)
                .secret_form("code", SecretValue::Given(code)),
        })
    }
}

impl Flow for ExchangeCode {
    const ID: &'static str = "auth.exchange_code";
    const SUMMARY: &'static str = "Trade the login redirect's code for a token";
    const HTTP: &'static str = "POST api.instagram.com/oauth/access_token (Instagram) · GET /oauth/access_token?code=… (Facebook)";
    // A code is single-use: a resend after an ambiguous failure would fail or, worse, hide
    // which attempt produced the token.
    const IDEMPOTENT: bool = false;
    const LIMITS: &'static [&'static str] = &[
        "needs app_id and app_secret in the client config: server-side only",
        "a code is valid for 1 hour and works once",
        "redirect_uri must be exactly the one given to the login dialog",
        "Instagram Login returns a short-lived token (1 hour): exchange it with auth.exchange_long_lived",
    ];

    fn validate(&self, _ctx: &OpContext) -> Result<(), ParamError> {
        code_param("code", &self.code)?;
        redirect_uri("redirect_uri", &self.redirect_uri).map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let req = self.request(ex.login(), ex.client().config())?;
        let v = ex.send_write(req, false).await?;
        normalize_code_exchange(Self::ID, &v, now_secs())
    }
}

// ---------------------------------------------------------------------------------------------
// auth.page_token

/// Read a Facebook Page's own access token (and its linked Instagram professional account)
/// with the user token: `{page_id, name, access_token, ig_user_id}`. Messaging and webhook
/// subscriptions on Facebook Login act with the Page token; from a long-lived user token it
/// does not expire. `ig_user_id` is null when no Instagram account is linked.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageToken {
    /// The Facebook Page id (from pages.list).
    pub page_id: String,
}

impl PageToken {
    /// The request (pure).
    pub fn request(&self) -> Result<GraphRequest, ParamError> {
        let id = object_id("page_id", &self.page_id)?;
        Ok(GraphRequest::get([id]).query("fields", "access_token,name,instagram_business_account"))
    }
}

impl Flow for PageToken {
    const ID: &'static str = "auth.page_token";
    const SUMMARY: &'static str = "Get a Page's access token";
    const HTTP: &'static str = "GET /{page_id}?fields=access_token,name,instagram_business_account";
    const IDEMPOTENT: bool = true;
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (a Facebook User token with a role on the Page)",
        "needs pages_show_list (and pages_manage_metadata / pages_messaging for what the Page token is used for)",
    ];

    fn validate(&self, _ctx: &OpContext) -> Result<(), ParamError> {
        self.request().map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let req = self.request().map_err(|e| e.into_error(Self::ID))?;
        let page_id = req.path[0].clone();
        let v = ex.send(req).await?;
        let out = normalize_page(Self::ID, &page_id, &v)?;
        if let Some(t) = out["access_token"].as_str() {
            // Returned on purpose, but never again in an error of this client.
            ex.client().inner.transport.add_secret(t);
        }
        Ok(out)
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::flow_op;
    vec![
        flow_op::<DebugToken>(),
        flow_op::<ExchangeLongLived>(),
        flow_op::<Refresh>(),
        flow_op::<AuthorizeUrl>(),
        flow_op::<ExchangeCode>(),
        flow_op::<PageToken>(),
    ]
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
