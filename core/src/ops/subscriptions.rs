//! Webhook subscriptions: the app's own (`/{app_id}/subscriptions`, signed with the app token
//! `app_id|app_secret`) and an account's (`subscribed_apps`: Instagram Login's `/me`, Facebook
//! Login's Page with its Page token). Reference: graph-api.md §3.1.
//!
//! The verify token is a secret: it travels as a secret form field (filled in and scrubbed by
//! the transport) and no error or `Debug` output ever quotes it.

use super::params::ParamError;
use super::target::{account_target, page_param};
use super::{Flow, OpContext};
use crate::config::{ClientConfig, Login};
use crate::error::{Error, Result};
use crate::flow::Executor;
use crate::redact::Secret;
use crate::request::{Credential, GraphRequest, SecretValue};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Objects an app can subscribe to (`instagram` is what this crate is about).
const OBJECTS: &[&str] = &["instagram", "page", "user", "permissions"];

fn default_object() -> String {
    "instagram".to_owned()
}

/// A field list as Meta spells it: entries may themselves be comma-separated. `known` (the
/// fields valid here) is checked when given; names are always lowercase snake_case.
fn field_list(
    path: &str,
    v: Option<&[String]>,
    known: Option<&[&str]>,
) -> std::result::Result<Vec<String>, ParamError> {
    let mut out: Vec<String> = Vec::new();
    for f in v
        .into_iter()
        .flatten()
        .flat_map(|e| e.split(','))
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        if f.len() > 64
            || !f
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            let shown: String = f.chars().take(40).collect();
            return Err(ParamError::new(
                path,
                format!("{shown:?} is not a webhook field name (lowercase letters, digits, _)"),
            ));
        }
        if let Some(known) = known {
            if !known.contains(&f) {
                return Err(ParamError::new(
                    path,
                    format!(
                        "{f:?} is not a webhook field here (known: {})",
                        known.join(", ")
                    ),
                ));
            }
        }
        if !out.iter().any(|o| o == f) {
            out.push(f.to_owned());
        }
    }
    Ok(out)
}

/// The Instagram webhook fields `login` delivers (every subscribable one when `None`), from
/// the webhook module's catalogue: one list for receivers and subscriptions.
fn instagram_fields(login: Option<Login>) -> Vec<&'static str> {
    static ALL: std::sync::OnceLock<Vec<(String, bool, bool)>> = std::sync::OnceLock::new();
    let all = ALL.get_or_init(|| {
        let catalogue = crate::webhook::fields();
        catalogue
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| {
                let name = f.get("field")?.as_str()?;
                let logins: Vec<&str> = f
                    .get("logins")?
                    .as_array()?
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                Some((
                    name.to_owned(),
                    logins.contains(&"facebook"),
                    logins.contains(&"instagram"),
                ))
            })
            .collect()
    });
    all.iter()
        .filter(|(_, fb, ig)| match login {
            None => true,
            Some(Login::Facebook) => *fb,
            Some(Login::Instagram) => *ig,
        })
        .map(|(f, _, _)| f.as_str())
        .collect()
}

fn object_param(path: &str, v: &str) -> std::result::Result<String, ParamError> {
    let o = v.trim();
    if OBJECTS.contains(&o) {
        Ok(o.to_owned())
    } else {
        Err(ParamError::new(
            path,
            format!("must be one of {}", OBJECTS.join(", ")),
        ))
    }
}

/// `https` callback URL (`http` only for loopback hosts, so local receivers and the sandbox work).
fn callback_url(path: &str, v: &str) -> std::result::Result<String, ParamError> {
    let raw = v.trim();
    if raw.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if raw.len() > 2048 {
        return Err(ParamError::new(path, "is longer than 2048 characters"));
    }
    let u = url::Url::parse(raw)
        .map_err(|e| ParamError::new(path, format!("is not an absolute URL ({e})")))?;
    let loopback = match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match u.scheme() {
        "https" if u.host().is_some() => {}
        "http" if loopback => {}
        "http" => return Err(ParamError::new(
            path,
            "must use https (Meta only calls https callbacks; http is allowed for loopback hosts)",
        )),
        _ => return Err(ParamError::new(path, "must be an https URL")),
    }
    if u.fragment().is_some() {
        return Err(ParamError::new(path, "must not carry a #fragment"));
    }
    Ok(raw.to_owned())
}

/// The verify token Meta echoes in the handshake (never quoted in messages).
fn verify_token(path: &str, v: &str) -> std::result::Result<Secret, ParamError> {
    if v.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if v.len() > 1024 || v.chars().any(char::is_control) {
        return Err(ParamError::new(
            path,
            "must be at most 1024 printable characters",
        ));
    }
    Ok(Secret::new(v))
}

/// The app id: the param, else the client config's; errors say where to find it.
fn resolve_app_id(op: &str, given: Option<&str>, cfg: &ClientConfig) -> Result<String> {
    let id = match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => id.to_owned(),
        None => cfg.app_id.clone().ok_or_else(|| {
            Error::invalid_params(format!(
                "{op}: params.app_id: is required when the client config has no app_id (the app id from the Meta App Dashboard)"
            ))
        })?,
    };
    if !id.bytes().all(|b| b.is_ascii_digit()) || id.is_empty() || id.len() > 32 {
        return Err(Error::invalid_params(format!(
            "{op}: params.app_id: expected the numeric app id"
        )));
    }
    if cfg.app_secret.is_none() {
        return Err(Error::new(
            crate::error::ErrorKind::Auth,
            format!("{op}: client config: app_secret is needed (app subscriptions are signed with the app access token app_id|app_secret)"),
        ));
    }
    Ok(id)
}

fn app_id_param(v: Option<&str>) -> std::result::Result<(), ParamError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) if id.len() > 32 || !id.bytes().all(|b| b.is_ascii_digit()) => {
            Err(ParamError::new("app_id", "expected the numeric app id"))
        }
        _ => Ok(()),
    }
}

/// App-token requests carry the app id in the path and the app token as credential. With a
/// different `app_id` param than the config's, the token is still the config's app token:
/// Meta then answers with a permission error, which is the truth.
fn app_request(req: GraphRequest) -> GraphRequest {
    req.with_credential(Credential::App)
}

/// Ensure the config's app id matches the one acted on (the app token names the config's app).
fn check_same_app(op: &str, app_id: &str, cfg: &ClientConfig) -> Result<()> {
    match cfg.app_id.as_deref() {
        Some(own) if own == app_id => Ok(()),
        Some(_) => Err(Error::invalid_params(format!(
            "{op}: params.app_id: differs from the client config's app_id; the app token can only manage its own app"
        ))),
        None => Err(Error::new(
            crate::error::ErrorKind::Auth,
            format!("{op}: client config: app_id is needed (the app access token is app_id|app_secret)"),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// subscriptions.list

/// List the app's webhook subscriptions (`GET /{app_id}/subscriptions`): per object the
/// callback URL, whether it is active and the subscribed fields. Signed with the app access
/// token, so the client config needs `app_id` and `app_secret`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct List {
    /// The app id; defaults to the client config's `app_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Only this object's subscription (`instagram`, `page`, `user`, `permissions`); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
}

impl Flow for List {
    const ID: &'static str = "subscriptions.list";
    const SUMMARY: &'static str = "List the app's webhook subscriptions";
    const HTTP: &'static str = "GET /{app_id}/subscriptions (app token)";
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] = &[
        "needs app_id and app_secret in the client config: signed with the app access token app_id|app_secret",
        "one subscription (callback URL) per object and app",
    ];

    fn validate(&self, _ctx: &OpContext) -> std::result::Result<(), ParamError> {
        app_id_param(self.app_id.as_deref())?;
        if let Some(o) = &self.object {
            object_param("object", o)?;
        }
        Ok(())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let cfg = ex.client().config();
        let app_id = resolve_app_id(Self::ID, self.app_id.as_deref(), cfg)?;
        check_same_app(Self::ID, &app_id, cfg)?;
        let object = match &self.object {
            Some(o) => Some(object_param("object", o).map_err(|e| e.into_error(Self::ID))?),
            None => None,
        };
        let mut v = ex
            .send(app_request(GraphRequest::get([
                app_id,
                "subscriptions".to_owned(),
            ])))
            .await?;
        if let (Some(object), Some(Value::Array(data))) = (object, v.get_mut("data")) {
            data.retain(|s| s.get("object").and_then(Value::as_str) == Some(object.as_str()));
        }
        Ok(v)
    }
}

// ---------------------------------------------------------------------------------------------
// subscriptions.create

/// Subscribe the app to webhooks for an object (`POST /{app_id}/subscriptions`). Meta first
/// sends a verification GET to `callback_url` (`hub.mode=subscribe`, `hub.verify_token`,
/// `hub.challenge`) and subscribes only when the callback echoes the challenge; a new call for
/// the same object replaces its callback URL and fields. Returns Meta's `{"success": true}`.
/// Not idempotent: every call repeats the handshake. The client config needs `app_id` and
/// `app_secret`.
#[derive(Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Create {
    /// The app id; defaults to the client config's `app_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The object to subscribe to (`instagram`, `page`, `user`, `permissions`).
    #[serde(default = "default_object")]
    pub object: String,
    /// Where Meta POSTs the events: an https URL (http only for loopback hosts such as a local sandbox).
    pub callback_url: String,
    /// Secret string Meta echoes as `hub.verify_token` in the verification GET.
    pub verify_token: String,
    /// Webhook fields to subscribe to (for `instagram`: comments, live_comments, mentions, story_insights, messages, message_reactions, message_edit, messaging_postbacks, messaging_referral, messaging_seen, messaging_optins, messaging_handover, standby).
    pub fields: Vec<String>,
    /// Include the changed values in the deliveries (Meta's `include_values`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_values: Option<bool>,
}

impl std::fmt::Debug for Create {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Create")
            .field("app_id", &self.app_id)
            .field("object", &self.object)
            .field("callback_url", &self.callback_url)
            .field("verify_token", &"[redacted]")
            .field("fields", &self.fields)
            .field("include_values", &self.include_values)
            .finish()
    }
}

impl Create {
    /// The request for `app_id` (pure; the transport adds the app token and the verify token).
    pub fn request(&self, app_id: &str) -> std::result::Result<GraphRequest, ParamError> {
        app_id_param(Some(app_id))?;
        let object = object_param("object", &self.object)?;
        let callback = callback_url("callback_url", &self.callback_url)?;
        let token = verify_token("verify_token", &self.verify_token)?;
        let known = (object == "instagram").then(|| instagram_fields(None));
        let fields = field_list("fields", Some(&self.fields), known.as_deref())?;
        if fields.is_empty() {
            return Err(ParamError::new("fields", "name at least one webhook field"));
        }
        Ok(app_request(
            GraphRequest::post([app_id.to_owned(), "subscriptions".to_owned()])
                .form("object", object)
                .form("callback_url", callback)
                .form("fields", fields.join(","))
                .form_opt("include_values", self.include_values),
        )
        .secret_form("verify_token", SecretValue::Given(token)))
    }
}

impl Flow for Create {
    const ID: &'static str = "subscriptions.create";
    const SUMMARY: &'static str = "Subscribe the app to webhooks";
    const HTTP: &'static str = "POST /{app_id}/subscriptions (app token)";
    // Each call makes Meta repeat the verification handshake against the callback: a resend
    // after an ambiguous failure is not harmless (the receiver sees a second handshake).
    const IDEMPOTENT: bool = false;
    const LIMITS: &'static [&'static str] = &[
        "needs app_id and app_secret in the client config: signed with the app access token app_id|app_secret",
        "not idempotent: Meta first sends a verification GET to callback_url and subscribes only if it echoes hub.challenge",
        "callback_url must be https with a valid certificate at Meta (http is accepted here for loopback hosts)",
        "one callback URL per object and app: a new call replaces the previous one",
        "accounts must also subscribe the app (subscribed_apps.create) to receive their events",
    ];

    fn validate(&self, _ctx: &OpContext) -> std::result::Result<(), ParamError> {
        // The app id may come from the config: check the rest with a placeholder.
        app_id_param(self.app_id.as_deref())?;
        self.request("0").map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let cfg = ex.client().config();
        let app_id = resolve_app_id(Self::ID, self.app_id.as_deref(), cfg)?;
        check_same_app(Self::ID, &app_id, cfg)?;
        let req = self.request(&app_id).map_err(|e| e.into_error(Self::ID))?;
        ex.send_write(req, false).await
    }
}

// ---------------------------------------------------------------------------------------------
// subscriptions.delete

/// Remove the app's webhook subscription for an object, or only some of its fields
/// (`DELETE /{app_id}/subscriptions`). Returns Meta's `{"success": true}`. The client config
/// needs `app_id` and `app_secret`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delete {
    /// The app id; defaults to the client config's `app_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The object whose subscription to remove (`instagram`, `page`, `user`, `permissions`).
    #[serde(default = "default_object")]
    pub object: String,
    /// Remove only these fields; the whole subscription of the object when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
}

impl Delete {
    /// The request for `app_id` (pure).
    pub fn request(&self, app_id: &str) -> std::result::Result<GraphRequest, ParamError> {
        app_id_param(Some(app_id))?;
        let object = object_param("object", &self.object)?;
        let known = (object == "instagram").then(|| instagram_fields(None));
        let fields = field_list("fields", self.fields.as_deref(), known.as_deref())?;
        Ok(app_request(
            GraphRequest::delete([app_id.to_owned(), "subscriptions".to_owned()])
                .query("object", object)
                .query_opt("fields", (!fields.is_empty()).then(|| fields.join(","))),
        ))
    }
}

impl Flow for Delete {
    const ID: &'static str = "subscriptions.delete";
    const SUMMARY: &'static str = "Remove the app's webhook subscription";
    const HTTP: &'static str = "DELETE /{app_id}/subscriptions (app token)";
    // Deleting what is already gone leaves the same state.
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] = &[
        "needs app_id and app_secret in the client config: signed with the app access token app_id|app_secret",
    ];

    fn validate(&self, _ctx: &OpContext) -> std::result::Result<(), ParamError> {
        app_id_param(self.app_id.as_deref())?;
        self.request("0").map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let cfg = ex.client().config();
        let app_id = resolve_app_id(Self::ID, self.app_id.as_deref(), cfg)?;
        check_same_app(Self::ID, &app_id, cfg)?;
        let req = self.request(&app_id).map_err(|e| e.into_error(Self::ID))?;
        ex.send_write(req, true).await
    }
}

// ---------------------------------------------------------------------------------------------
// subscribed_apps.*: the account level

/// List the apps subscribed to the account's webhooks, with their `subscribed_fields`.
/// Instagram Login reads `/me/subscribed_apps` with the user token; Facebook Login reads
/// `/{page_id}/subscribed_apps` with the Page's token.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppsList {
    /// Facebook Login: the Page whose subscriptions to read; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
}

impl Flow for AppsList {
    const ID: &'static str = "subscribed_apps.list";
    const SUMMARY: &'static str = "List apps subscribed to the account";
    const HTTP: &'static str =
        "GET /me/subscribed_apps (Instagram) · GET /{page_id}/subscribed_apps (Facebook, Page token)";
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] =
        &["Facebook Login: needs pages_manage_metadata and a role on the Page"];

    fn validate(&self, ctx: &OpContext) -> std::result::Result<(), ParamError> {
        page_param(ctx, self.page_id.as_deref()).map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let ctx = OpContext { login: ex.login() };
        let page = page_param(&ctx, self.page_id.as_deref()).map_err(|e| e.into_error(Self::ID))?;
        let (node, cred) = account_target(&ex, Self::ID, page).await?;
        ex.send(GraphRequest::get([node, "subscribed_apps".to_owned()]).with_credential(cred))
            .await
    }
}

/// Subscribe this app to the account's webhooks for the given fields: Instagram Login posts to
/// `/me/subscribed_apps` with the user token; Facebook Login to `/{page_id}/subscribed_apps`
/// with the Page's token. Without it the account's events are not delivered even when the app
/// subscription exists. Returns Meta's `{"success": true}`; repeating it is harmless.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppsCreate {
    /// Facebook Login: the Page to subscribe; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// Fields to deliver for this account (Instagram Login: comments, live_comments, messages, message_reactions, message_edit, messaging_postbacks, messaging_referral, messaging_seen, messaging_optins, messaging_handover, standby; Facebook Login: the Page's fields such as feed, messages).
    pub subscribed_fields: Vec<String>,
}

impl AppsCreate {
    fn fields(&self, login: Login) -> std::result::Result<Vec<String>, ParamError> {
        // Page subscriptions take Page fields (feed, messages, ...); the Instagram fields of a
        // Facebook Login app are chosen on the app subscription.
        let known = (login == Login::Instagram).then(|| instagram_fields(Some(login)));
        let f = field_list(
            "subscribed_fields",
            Some(&self.subscribed_fields),
            known.as_deref(),
        )?;
        if f.is_empty() {
            return Err(ParamError::new(
                "subscribed_fields",
                "name at least one webhook field",
            ));
        }
        Ok(f)
    }
}

impl Flow for AppsCreate {
    const ID: &'static str = "subscribed_apps.create";
    const SUMMARY: &'static str = "Subscribe the app to the account's webhooks";
    const HTTP: &'static str = "POST /me/subscribed_apps (Instagram) · POST /{page_id}/subscribed_apps (Facebook, Page token)";
    // Subscribing again with the same fields leaves the same state.
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login: needs pages_manage_metadata and a role on the Page",
        "Instagram Login: mentions and story_insights are not delivered",
    ];

    fn validate(&self, ctx: &OpContext) -> std::result::Result<(), ParamError> {
        page_param(ctx, self.page_id.as_deref())?;
        self.fields(ctx.login).map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let ctx = OpContext { login: ex.login() };
        let page = page_param(&ctx, self.page_id.as_deref()).map_err(|e| e.into_error(Self::ID))?;
        let fields = self.fields(ctx.login).map_err(|e| e.into_error(Self::ID))?;
        let (node, cred) = account_target(&ex, Self::ID, page).await?;
        let req = GraphRequest::post([node, "subscribed_apps".to_owned()])
            .with_credential(cred)
            .form("subscribed_fields", fields.join(","));
        ex.send_write(req, true).await
    }
}

/// Unsubscribe this app from the account's webhooks (`DELETE /me/subscribed_apps` with
/// Instagram Login, `DELETE /{page_id}/subscribed_apps` with the Page token on Facebook Login).
/// Returns Meta's `{"success": true}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppsDelete {
    /// Facebook Login: the Page to unsubscribe; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
}

impl Flow for AppsDelete {
    const ID: &'static str = "subscribed_apps.delete";
    const SUMMARY: &'static str = "Unsubscribe the app from the account's webhooks";
    const HTTP: &'static str = "DELETE /me/subscribed_apps (Instagram) · DELETE /{page_id}/subscribed_apps (Facebook, Page token)";
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] =
        &["Facebook Login: needs pages_manage_metadata and a role on the Page"];

    fn validate(&self, ctx: &OpContext) -> std::result::Result<(), ParamError> {
        page_param(ctx, self.page_id.as_deref()).map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let ctx = OpContext { login: ex.login() };
        let page = page_param(&ctx, self.page_id.as_deref()).map_err(|e| e.into_error(Self::ID))?;
        let (node, cred) = account_target(&ex, Self::ID, page).await?;
        let req = GraphRequest::delete([node, "subscribed_apps".to_owned()]).with_credential(cred);
        ex.send_write(req, true).await
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::flow_op;
    vec![
        flow_op::<List>(),
        flow_op::<Create>(),
        flow_op::<Delete>(),
        flow_op::<AppsList>(),
        flow_op::<AppsCreate>(),
        flow_op::<AppsDelete>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists_are_checked_and_deduplicated() {
        let known = instagram_fields(None);
        let f = field_list(
            "fields",
            Some(&["comments,messages".into(), " comments ".into()]),
            Some(&known),
        )
        .unwrap();
        assert_eq!(f, ["comments", "messages"]);
        let e = field_list("fields", Some(&["coments".into()]), Some(&known)).unwrap_err();
        assert_eq!(e.path, "fields");
        assert!(e.message.contains("\"coments\""), "{}", e.message);
        assert!(field_list("fields", Some(&["Feed!".into()]), None).is_err());
        assert!(instagram_fields(Some(Login::Instagram)).contains(&"comments"));
        assert!(!instagram_fields(Some(Login::Instagram)).contains(&"mentions"));
    }

    #[test]
    fn callback_urls() {
        assert!(callback_url("c", "https://example.com/hook").is_ok());
        assert!(callback_url("c", "http://127.0.0.1:5678/webhook/x").is_ok());
        assert!(callback_url("c", "http://localhost/x").is_ok());
        assert!(callback_url("c", "http://[::1]:80/x").is_ok());
        assert!(callback_url("c", "http://example.com/x").is_err());
        assert!(callback_url("c", "ftp://example.com/x").is_err());
        assert!(callback_url("c", "/relative").is_err());
        assert!(callback_url("c", "https://example.com/#f").is_err());
    }

    #[test]
    fn create_carries_the_verify_token_as_a_secret_and_never_prints_it() {
        let c = Create {
            app_id: None,
            object: "instagram".into(),
            callback_url: "https://example.com/hook".into(),
            verify_token: "VT-secret-987".into(),
            fields: vec!["comments".into(), "messages".into()],
            include_values: Some(true),
        };
        let r = c.request("123").unwrap();
        assert_eq!(r.path, ["123", "subscriptions"]);
        assert_eq!(r.credential, Credential::App);
        assert!(matches!(
            r.secret("verify_token"),
            Some((crate::request::Place::Form, SecretValue::Given(_)))
        ));
        assert!(!format!("{r:?}").contains("VT-secret-987"));
        assert!(!format!("{c:?}").contains("VT-secret-987"));
        let bad = Create {
            verify_token: "a\u{0}b".into(),
            ..c.clone()
        };
        let e = bad.request("123").unwrap_err();
        assert_eq!(e.path, "verify_token");
        assert!(!e.message.contains("a\u{0}b"));
    }

    #[test]
    fn known_fields_come_from_the_webhook_catalogue() {
        let all = instagram_fields(None);
        assert!(all.len() >= 13, "{all:?}");
        let fb = instagram_fields(Some(Login::Facebook));
        let ig = instagram_fields(Some(Login::Instagram));
        assert!(fb.contains(&"mentions") && fb.contains(&"story_insights"));
        assert!(!ig.contains(&"mentions") && !ig.contains(&"story_insights"));
        assert!(ig.contains(&"messages") && fb.contains(&"messages"));
    }
}
