//! The account's messenger profile: ice breakers and the persistent menu (messenger_profile.*).
//!
//! `/{page_id|me}/messenger_profile` with `platform=instagram` (graph-api.md §1.10.10):
//! Instagram Login with the user token, Facebook Login with the Page's token (the only Page
//! with a linked Instagram account when `page_id` is left out).

use super::messages::{one_of, text_chars, MAX_PAYLOAD_CHARS};
use super::params::ParamError;
use super::target::messaging_target;
use super::{OpContext, Operation};
use crate::request::{GraphRequest, Method};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Messenger-profile fields Instagram supports.
pub const PROFILE_FIELDS: &[&str] = &["ice_breakers", "persistent_menu"];
/// Most ice breakers of one locale.
pub const MAX_ICE_BREAKERS: usize = 4;
/// Longest ice-breaker question, in characters.
pub const MAX_QUESTION_CHARS: usize = 80;
/// Most items of one persistent menu.
pub const MAX_MENU_ITEMS: usize = 20;
/// Longest persistent-menu item title, in characters.
pub const MAX_MENU_TITLE_CHARS: usize = 30;

fn default_locale() -> String {
    "default".to_owned()
}

fn default_profile_fields() -> Vec<String> {
    PROFILE_FIELDS.iter().map(|f| (*f).to_owned()).collect()
}

/// A locale: `default` or a code like `en_US`.
fn locale(path: &str, v: &str) -> Result<String, ParamError> {
    let v = v.trim();
    let ok = v == "default"
        || (v.len() == 5
            && v.as_bytes()[2] == b'_'
            && v[..2].bytes().all(|b| b.is_ascii_lowercase())
            && v[3..].bytes().all(|b| b.is_ascii_uppercase()));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(ParamError::new(
            path,
            "must be \"default\" or a locale like \"en_US\"",
        ))
    }
}

/// The `default` locale must be there, and each locale only once.
fn check_locales(path: &str, locales: &[String]) -> Result<(), ParamError> {
    if !locales.iter().any(|l| l == "default") {
        return Err(ParamError::new(
            path,
            "needs an entry with locale \"default\" (shown where no other locale matches)",
        ));
    }
    for (i, l) in locales.iter().enumerate() {
        if locales[..i].contains(l) {
            return Err(ParamError::new(
                format!("{path}[{i}].locale"),
                format!("{l:?} appears more than once"),
            ));
        }
    }
    Ok(())
}

fn profile_fields(path: &str, list: &[String]) -> Result<Vec<String>, ParamError> {
    if list.is_empty() {
        return Err(ParamError::new(path, "name at least one field"));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, f) in list.iter().enumerate() {
        let f = one_of(&format!("{path}[{i}]"), f.trim(), PROFILE_FIELDS)?;
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out)
}

/// Read the account's ice breakers and persistent menu.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Get {
    /// Which settings to read: ice_breakers, persistent_menu.
    #[serde(default = "default_profile_fields")]
    pub fields: Vec<String>,
    /// Facebook Login: the Page whose profile to read; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl Operation for Get {
    const ID: &'static str = "messenger_profile.get";
    const SUMMARY: &'static str = "Get ice breakers and persistent menu";
    const HTTP: &'static str = "GET /{page_id|me}/messenger_profile?platform=instagram";
    const KNOWN_FIELDS: &'static [&'static str] = PROFILE_FIELDS;

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let f = profile_fields("fields", &self.fields)?;
        let (node, credential) = messaging_target(ctx, self.page_id.as_deref())?;
        Ok(GraphRequest::get([node, "messenger_profile".to_owned()])
            .with_credential(credential)
            .query("fields", f.join(","))
            .query("platform", "instagram"))
    }
}

/// One ice breaker: a question shown to people who open a new conversation.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IceBreaker {
    /// The question, at most 80 characters.
    pub question: String,
    /// Sent back to the webhook when the question is tapped, at most 1000 characters.
    pub payload: String,
}

/// The ice breakers of one locale.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IceBreakerLocale {
    /// `default` (required once) or a locale like `en_US`.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// 1 to 4 questions.
    pub call_to_actions: Vec<IceBreaker>,
}

/// Set the ice breakers (up to 4 questions per locale, a `default` locale required); replaces
/// the current ones. Returns Meta's `{"result": "success"}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetIceBreakers {
    /// Per locale, its questions; one entry must have locale `default`.
    #[schemars(extend("minItems" = 1))]
    pub ice_breakers: Vec<IceBreakerLocale>,
    /// Facebook Login: the Page whose profile to set; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SetIceBreakers {
    fn body(&self) -> Result<Value, ParamError> {
        let mut locales = Vec::new();
        let mut out = Vec::new();
        for (i, l) in self.ice_breakers.iter().enumerate() {
            let at = format!("ice_breakers[{i}]");
            let loc = locale(&format!("{at}.locale"), &l.locale)?;
            let n = l.call_to_actions.len();
            if n == 0 || n > MAX_ICE_BREAKERS {
                return Err(ParamError::new(
                    format!("{at}.call_to_actions"),
                    format!("has {n} questions; give 1 to {MAX_ICE_BREAKERS}"),
                ));
            }
            let mut ctas = Vec::new();
            for (j, q) in l.call_to_actions.iter().enumerate() {
                let p = format!("{at}.call_to_actions[{j}]");
                let question =
                    text_chars(&format!("{p}.question"), &q.question, MAX_QUESTION_CHARS)?;
                let payload = text_chars(&format!("{p}.payload"), &q.payload, MAX_PAYLOAD_CHARS)?;
                ctas.push(json!({"question": question, "payload": payload}));
            }
            locales.push(loc.clone());
            out.push(json!({"locale": loc, "call_to_actions": ctas}));
        }
        check_locales("ice_breakers", &locales)?;
        Ok(json!({"platform": "instagram", "ice_breakers": out}))
    }
}

impl Operation for SetIceBreakers {
    const ID: &'static str = "messenger_profile.set_ice_breakers";
    const SUMMARY: &'static str = "Set the ice breakers";
    const HTTP: &'static str = "POST /{page_id|me}/messenger_profile (platform=instagram)";
    const METHOD: Method = Method::Post;
    // Setting the same ice breakers again leaves the same state.
    const IDEMPOTENT: Option<bool> = Some(true);
    const LIMITS: &'static [&'static str] = &[
        "≤ 4 questions per locale; a default locale is required",
        "question ≤ 80 characters, payload ≤ 1000",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let body = self.body()?;
        let (node, credential) = messaging_target(ctx, self.page_id.as_deref())?;
        Ok(GraphRequest::post([node, "messenger_profile".to_owned()])
            .with_credential(credential)
            .query("platform", "instagram")
            .json(body))
    }
}

/// One item of the persistent menu: `web_url` opens an https `url`, `postback` sends its `payload` back.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// `web_url` or `postback` (Instagram supports no other menu item types).
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["web_url", "postback"]))]
    pub kind: String,
    /// The label, at most 30 characters.
    pub title: String,
    /// `web_url` items: the https URL to open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub url: Option<String>,
    /// `postback` items: the text sent back to the webhook, at most 1000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub payload: Option<String>,
}

/// The persistent menu of one locale.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MenuLocale {
    /// `default` (required once) or a locale like `en_US`.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// The menu items.
    pub call_to_actions: Vec<MenuItem>,
}

/// Set the persistent menu (always available in the conversation; `web_url` and `postback`
/// items only), replacing the current one. Returns Meta's `{"result": "success"}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPersistentMenu {
    /// Per locale, its menu; one entry must have locale `default`.
    #[schemars(extend("minItems" = 1))]
    pub persistent_menu: Vec<MenuLocale>,
    /// Facebook Login: the Page whose profile to set; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SetPersistentMenu {
    fn body(&self) -> Result<Value, ParamError> {
        let mut locales = Vec::new();
        let mut out = Vec::new();
        for (i, l) in self.persistent_menu.iter().enumerate() {
            let at = format!("persistent_menu[{i}]");
            let loc = locale(&format!("{at}.locale"), &l.locale)?;
            let n = l.call_to_actions.len();
            if n == 0 || n > MAX_MENU_ITEMS {
                return Err(ParamError::new(
                    format!("{at}.call_to_actions"),
                    format!("has {n} items; give 1 to {MAX_MENU_ITEMS}"),
                ));
            }
            let mut items = Vec::new();
            for (j, m) in l.call_to_actions.iter().enumerate() {
                let button = super::messages::Button {
                    kind: m.kind.clone(),
                    title: m.title.clone(),
                    url: m.url.clone(),
                    payload: m.payload.clone(),
                };
                items.push(
                    button.to_graph(&format!("{at}.call_to_actions[{j}]"), MAX_MENU_TITLE_CHARS)?,
                );
            }
            locales.push(loc.clone());
            out.push(json!({"locale": loc, "call_to_actions": items}));
        }
        check_locales("persistent_menu", &locales)?;
        Ok(json!({"platform": "instagram", "persistent_menu": out}))
    }
}

impl Operation for SetPersistentMenu {
    const ID: &'static str = "messenger_profile.set_persistent_menu";
    const SUMMARY: &'static str = "Set the persistent menu";
    const HTTP: &'static str = "POST /{page_id|me}/messenger_profile (platform=instagram)";
    const METHOD: Method = Method::Post;
    // Setting the same menu again leaves the same state.
    const IDEMPOTENT: Option<bool> = Some(true);
    const LIMITS: &'static [&'static str] = &[
        "web_url and postback items only; a default locale is required",
        "composer_input_disabled and webview_height_ratio are not supported on Instagram",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let body = self.body()?;
        let (node, credential) = messaging_target(ctx, self.page_id.as_deref())?;
        Ok(GraphRequest::post([node, "messenger_profile".to_owned()])
            .with_credential(credential)
            .query("platform", "instagram")
            .json(body))
    }
}

/// Remove settings from the profile (`ice_breakers`, `persistent_menu`). Returns Meta's
/// `{"result": "success"}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delete {
    /// Which settings to remove: ice_breakers, persistent_menu.
    pub fields: Vec<String>,
    /// Facebook Login: the Page whose profile to change; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl Operation for Delete {
    const ID: &'static str = "messenger_profile.delete";
    const SUMMARY: &'static str = "Remove ice breakers or the persistent menu";
    const HTTP: &'static str = "DELETE /{page_id|me}/messenger_profile (platform=instagram)";
    const METHOD: Method = Method::Delete;
    // Removing what is gone leaves the same state.
    const IDEMPOTENT: Option<bool> = Some(true);
    const KNOWN_FIELDS: &'static [&'static str] = PROFILE_FIELDS;

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let f = profile_fields("fields", &self.fields)?;
        let (node, credential) = messaging_target(ctx, self.page_id.as_deref())?;
        Ok(GraphRequest::delete([node, "messenger_profile".to_owned()])
            .with_credential(credential)
            .query("platform", "instagram")
            .json(json!({"fields": f, "platform": "instagram"})))
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::request_op;
    vec![
        request_op::<Get>(),
        request_op::<SetIceBreakers>(),
        request_op::<SetPersistentMenu>(),
        request_op::<Delete>(),
    ]
}
