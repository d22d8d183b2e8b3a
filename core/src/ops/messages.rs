//! Instagram messaging: the Send API (text, media, templates, quick replies, reactions, sender actions, private replies) and attachments (messages.*).
//!
//! Every send is `POST /me/messages` with Instagram Login (user token) and, with Facebook
//! Login, `POST /{page_id}/messages` with that Page's token, or `POST /me/messages` with the
//! token of the only Page with a linked Instagram account when `page_id` is left out
//! (graph-api.md §1.10.1). Bodies are JSON in Meta's documented shapes (§1.10.2–§1.10.4).
//!
//! Sends are flows of one request so that a refusal outside the messaging window can say which
//! window closed and when: only after such a refusal do they read the conversation's latest
//! message time (reads only; a send is never repeated: Graph has no idempotency keys).

use super::params::{fields, node_id, object_id, parse_time, ParamError};
use super::target::{messaging_credential, messaging_target};
use super::{Flow, OpContext, Operation};
use crate::error::{ErrorKind, Result};
use crate::flow::Executor;
use crate::request::{GraphRequest, Method};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Longest message text Meta accepts, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 1000;
/// Longest button-template text, in characters.
pub const MAX_BUTTON_TEXT_CHARS: usize = 640;
/// Most buttons of a button template or of one generic-template element.
pub const MAX_BUTTONS: usize = 3;
/// Longest button or quick-reply title, in characters.
pub const MAX_TITLE_CHARS: usize = 20;
/// Longest postback or quick-reply payload, in characters.
pub const MAX_PAYLOAD_CHARS: usize = 1000;
/// Most elements of a generic template.
pub const MAX_ELEMENTS: usize = 10;
/// Longest generic-template element title or subtitle, in characters.
pub const MAX_ELEMENT_TEXT_CHARS: usize = 80;
/// Most quick replies of one message.
pub const MAX_QUICK_REPLIES: usize = 13;
/// Most images of one multi-image message.
pub const MAX_IMAGES: usize = 10;

/// Media types a message attachment can have.
const MEDIA_TYPES: &[&str] = &["image", "audio", "video", "file"];
/// Button types Instagram supports in templates and menus.
pub(crate) const BUTTON_TYPES: &[&str] = &["web_url", "postback"];

const SEND_HTTP: &str =
    "POST /me/messages (Instagram) · POST /{page_id}/messages or /me/messages (Facebook, Page token)";

// ---------------------------------------------------------------------------------------------
// validators

/// A non-empty text of at most `max` characters.
pub(crate) fn text_chars(
    path: &str,
    v: &str,
    max: usize,
) -> std::result::Result<String, ParamError> {
    if v.trim().is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    let n = v.chars().count();
    if n > max {
        return Err(ParamError::new(
            path,
            format!("is {n} characters long; at most {max}"),
        ));
    }
    Ok(v.to_owned())
}

/// A message text: non-empty, at most [`MAX_TEXT_BYTES`] UTF-8 bytes.
fn message_text(path: &str, v: &str) -> std::result::Result<String, ParamError> {
    if v.trim().is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if v.len() > MAX_TEXT_BYTES {
        return Err(ParamError::new(
            path,
            format!(
                "is {} bytes long in UTF-8; at most {MAX_TEXT_BYTES}",
                v.len()
            ),
        ));
    }
    Ok(v.to_owned())
}

/// An absolute `https` URL (Meta fetches media and opens buttons over https only).
pub(crate) fn https_url(path: &str, v: &str) -> std::result::Result<String, ParamError> {
    let raw = v.trim();
    if raw.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if raw.len() > 2048 {
        return Err(ParamError::new(path, "is longer than 2048 characters"));
    }
    let u = url::Url::parse(raw)
        .map_err(|e| ParamError::new(path, format!("is not an absolute URL ({e})")))?;
    if u.scheme() != "https" || u.host().is_none() {
        return Err(ParamError::new(path, "must be an https URL"));
    }
    Ok(raw.to_owned())
}

/// One of `allowed`.
pub(crate) fn one_of(
    path: &str,
    v: &str,
    allowed: &[&str],
) -> std::result::Result<String, ParamError> {
    if allowed.contains(&v) {
        Ok(v.to_owned())
    } else {
        let shown: String = v.chars().take(40).collect();
        Err(ParamError::new(
            path,
            format!("{shown:?} is not one of {}", allowed.join(", ")),
        ))
    }
}

/// A message id (`mid`): opaque base64-like text, longer than other Graph ids.
fn mid(path: &str, v: &str) -> std::result::Result<String, ParamError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if v.len() > 512
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '=' | ':' | '.' | '+'))
    {
        let shown: String = v.chars().take(40).collect();
        return Err(ParamError::new(
            path,
            format!("{shown:?} is not a message id (mid)"),
        ));
    }
    Ok(v.to_owned())
}

/// A list of `1..=max` entries.
fn count(path: &str, n: usize, max: usize, what: &str) -> std::result::Result<(), ParamError> {
    if n == 0 {
        return Err(ParamError::new(path, format!("give at least one {what}")));
    }
    if n > max {
        return Err(ParamError::new(
            path,
            format!("has {n} {what}s; at most {max}"),
        ));
    }
    Ok(())
}

/// A button: `web_url` opens an https `url`, `postback` sends its `payload` back to the webhook.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Button {
    /// `web_url` (opens `url`) or `postback` (sends `payload` back in a messaging_postbacks webhook).
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["web_url", "postback"]))]
    pub kind: String,
    /// Button label, at most 20 characters.
    pub title: String,
    /// `web_url` buttons: the https URL to open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub url: Option<String>,
    /// `postback` buttons: the text sent back to the webhook, at most 1000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub payload: Option<String>,
}

impl Button {
    /// Graph's JSON for the button; `title_max` is the title limit of the context.
    pub(crate) fn to_graph(
        &self,
        path: &str,
        title_max: usize,
    ) -> std::result::Result<Value, ParamError> {
        let kind = one_of(&format!("{path}.type"), &self.kind, BUTTON_TYPES)?;
        let title = text_chars(&format!("{path}.title"), &self.title, title_max)?;
        match kind.as_str() {
            "web_url" => {
                if self.payload.is_some() {
                    return Err(ParamError::new(
                        format!("{path}.payload"),
                        "web_url buttons take a url, not a payload",
                    ));
                }
                let url = self.url.as_deref().ok_or_else(|| {
                    ParamError::new(format!("{path}.url"), "is required for web_url buttons")
                })?;
                let url = https_url(&format!("{path}.url"), url)?;
                Ok(json!({"type": "web_url", "url": url, "title": title}))
            }
            _ => {
                if self.url.is_some() {
                    return Err(ParamError::new(
                        format!("{path}.url"),
                        "postback buttons take a payload, not a url",
                    ));
                }
                let payload = self.payload.as_deref().ok_or_else(|| {
                    ParamError::new(
                        format!("{path}.payload"),
                        "is required for postback buttons",
                    )
                })?;
                let payload = text_chars(&format!("{path}.payload"), payload, MAX_PAYLOAD_CHARS)?;
                Ok(json!({"type": "postback", "title": title, "payload": payload}))
            }
        }
    }
}

fn buttons(path: &str, list: &[Button]) -> std::result::Result<Vec<Value>, ParamError> {
    count(path, list.len(), MAX_BUTTONS, "button")?;
    list.iter()
        .enumerate()
        .map(|(i, b)| b.to_graph(&format!("{path}[{i}]"), MAX_TITLE_CHARS))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// the Send API, shared by every send

/// What every Send API operation has in common; the body parts besides `recipient` and
/// `messaging_type` come from [`SendApi::parts`].
trait SendApi: Flow {
    /// The IGSID receiving the message.
    fn recipient_id(&self) -> &str;
    /// Facebook Login: the Page to send as.
    fn page_id(&self) -> Option<&str>;
    /// `Some(human_agent)` for message sends (they carry `messaging_type`); `None` for sender
    /// actions, which Meta wants alone.
    fn human_agent(&self) -> Option<bool>;
    /// The rest of the body, validated (errors name the param).
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError>;
}

/// The Send API request of `s` (pure: nothing is sent).
fn send_request<S: SendApi>(
    s: &S,
    ctx: &OpContext,
) -> std::result::Result<GraphRequest, ParamError> {
    let recipient = object_id("recipient_id", s.recipient_id())?;
    let (node, credential) = messaging_target(ctx, s.page_id())?;
    let mut body = Map::new();
    body.insert("recipient".into(), json!({ "id": recipient }));
    match s.human_agent() {
        Some(true) => {
            body.insert("messaging_type".into(), json!("MESSAGE_TAG"));
            body.insert("tag".into(), json!("HUMAN_AGENT"));
        }
        Some(false) => {
            body.insert("messaging_type".into(), json!("RESPONSE"));
        }
        None => {}
    }
    body.extend(s.parts()?);
    Ok(GraphRequest::post([node, "messages".to_owned()])
        .with_credential(credential)
        .json(Value::Object(body)))
}

/// Send once (never resent on an ambiguous failure); a refusal outside the window is told
/// which window closed, and when, from the conversation's latest message of the person.
async fn run_send<S: SendApi>(s: &S, ex: &Executor) -> Result<Value> {
    let ctx = OpContext { login: ex.login() };
    let req = send_request(s, &ctx).map_err(|e| e.into_error(ex.op_id()))?;
    match ex.send_write(req, false).await {
        Err(e) if e.kind == ErrorKind::OutsideWindow => {
            let last = last_message_from(ex, s.recipient_id().trim(), s.page_id()).await;
            Err(e.explain_window(s.human_agent().unwrap_or(false), last))
        }
        other => other,
    }
}

/// When `recipient` last wrote in their conversation with the account (Unix seconds), best
/// effort: two reads, any failure gives `None`.
async fn last_message_from(ex: &Executor, recipient: &str, page_id: Option<&str>) -> Option<i64> {
    let mut params = json!({"user_id": recipient, "fields": "id", "limit": 1});
    if let Some(p) = page_id.map(str::trim).filter(|p| !p.is_empty()) {
        params["page_id"] = json!(p);
    }
    let convs = ex.call("conversations.list", params.clone()).await.ok()?;
    let conversation = convs.pointer("/data/0/id")?.as_str()?.to_owned();
    params["conversation_id"] = json!(conversation);
    params["fields"] = json!("from,created_time");
    params["limit"] = json!(20);
    if let Some(o) = params.as_object_mut() {
        o.remove("user_id");
    }
    let page = ex.call("conversations.messages", params).await.ok()?;
    let messages = page
        .pointer("/messages/data")
        .or_else(|| page.get("data"))?
        .as_array()?;
    messages
        .iter()
        .filter(|m| m.pointer("/from/id").and_then(Value::as_str) == Some(recipient))
        .filter_map(|m| match m.get("created_time")? {
            Value::Number(n) => n.as_i64(),
            Value::String(t) => parse_time(t),
            _ => None,
        })
        .max()
}

/// Implements [`Flow`] for a [`SendApi`] operation.
macro_rules! send_flow {
    ($t:ty, $id:literal, $summary:literal, [$($limit:literal),* $(,)?]) => {
        impl Flow for $t {
            const ID: &'static str = $id;
            const SUMMARY: &'static str = $summary;
            const HTTP: &'static str = SEND_HTTP;
            // A message is not idempotent: never resent on a guess.
            const IDEMPOTENT: bool = false;
            const LIMITS: &'static [&'static str] = &[$($limit),*];

            fn validate(&self, ctx: &OpContext) -> std::result::Result<(), ParamError> {
                send_request(self, ctx).map(|_| ())
            }

            async fn run(self, ex: Executor) -> Result<Value> {
                run_send(&self, &ex).await
            }
        }
    };
}

/// Implements [`SendApi`]'s common accessors; `message` says whether it carries `messaging_type`.
macro_rules! send_common {
    (message) => {
        fn recipient_id(&self) -> &str {
            &self.recipient_id
        }
        fn page_id(&self) -> Option<&str> {
            self.page_id.as_deref()
        }
        fn human_agent(&self) -> Option<bool> {
            Some(self.human_agent.unwrap_or(false))
        }
    };
    (action) => {
        fn recipient_id(&self) -> &str {
            &self.recipient_id
        }
        fn page_id(&self) -> Option<&str> {
            self.page_id.as_deref()
        }
        fn human_agent(&self) -> Option<bool> {
            None
        }
    };
}

fn message(m: Value) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("message".into(), m);
    out
}

// ---------------------------------------------------------------------------------------------
// messages.send_text

/// Send a text message to a person (an IGSID who has messaged the account). Optionally as an
/// inline reply to one of their messages (`reply_to`, on both login flavours since Sep 2026).
/// Returns Meta's `{recipient_id, message_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendText {
    /// The person's Instagram-scoped id (IGSID), from a messaging webhook or a conversation.
    pub recipient_id: String,
    /// The message text, at most 1000 bytes in UTF-8.
    #[schemars(extend("maxLength" = 1000))]
    pub text: String,
    /// Reply inline to this message id (`mid`) of the conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// A human is replying: send with the HUMAN_AGENT tag, allowed up to 7 days after the person's last message (instead of 24 hours). Never for automated replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_agent: Option<bool>,
    /// Facebook Login: the Page to send as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for SendText {
    send_common!(message);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        let mut out = message(json!({ "text": message_text("text", &self.text)? }));
        if let Some(r) = &self.reply_to {
            out.insert("reply_to".into(), json!({ "mid": mid("reply_to", r)? }));
        }
        Ok(out)
    }
}

send_flow!(SendText, "messages.send_text", "Send a text message", [
    "text ≤ 1000 bytes (UTF-8)",
    "inside 24 hours of the person's last message; with human_agent=true (HUMAN_AGENT tag, a human replying) up to 7 days",
    "not idempotent: never resent automatically",
]);

// ---------------------------------------------------------------------------------------------
// messages.send_media

/// Send an image, audio, video or file (PDF) message, by https URL or by the id of an
/// attachment uploaded before (`messages.upload_attachment`). Returns `{recipient_id, message_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMedia {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// Attachment type: image (png, jpeg ≤ 8 MB), audio (aac, m4a, wav, mp4 ≤ 25 MB), video (mp4, ogg, avi, mov, webm ≤ 25 MB) or file (pdf ≤ 25 MB).
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["image", "audio", "video", "file"]))]
    pub kind: String,
    /// Public https URL of the media (give this or attachment_id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Id of a reusable attachment from messages.upload_attachment (give this or url).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
    /// A human is replying: send with the HUMAN_AGENT tag, allowed up to 7 days after the person's last message (instead of 24 hours). Never for automated replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_agent: Option<bool>,
    /// Facebook Login: the Page to send as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for SendMedia {
    send_common!(message);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        let kind = one_of("type", &self.kind, MEDIA_TYPES)?;
        let payload = match (&self.url, &self.attachment_id) {
            (Some(u), None) => json!({ "url": https_url("url", u)? }),
            (None, Some(a)) => json!({ "attachment_id": node_id("attachment_id", a)? }),
            (Some(_), Some(_)) => {
                return Err(ParamError::new(
                    "attachment_id",
                    "give either url or attachment_id, not both",
                ))
            }
            (None, None) => {
                return Err(ParamError::new(
                    "url",
                    "is required (or attachment_id, from messages.upload_attachment)",
                ))
            }
        };
        Ok(message(
            json!({"attachment": {"type": kind, "payload": payload}}),
        ))
    }
}

send_flow!(SendMedia, "messages.send_media", "Send an image, audio, video or file", [
    "image png/jpeg ≤ 8 MB; audio aac/m4a/wav/mp4, video mp4/ogg/avi/mov/webm, file pdf ≤ 25 MB",
    "inside 24 hours of the person's last message; with human_agent=true (HUMAN_AGENT tag, a human replying) up to 7 days",
    "not idempotent: never resent automatically",
]);

// ---------------------------------------------------------------------------------------------
// messages.send_images

/// Send several images in one message (up to 10, by https URL). Returns `{recipient_id, message_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendImages {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// Public https URLs of the images (png or jpeg, ≤ 8 MB each), 1 to 10.
    #[schemars(extend("minItems" = 1, "maxItems" = 10))]
    pub urls: Vec<String>,
    /// A human is replying: send with the HUMAN_AGENT tag, allowed up to 7 days after the person's last message (instead of 24 hours). Never for automated replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_agent: Option<bool>,
    /// Facebook Login: the Page to send as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for SendImages {
    send_common!(message);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        count("urls", self.urls.len(), MAX_IMAGES, "image")?;
        let attachments = self
            .urls
            .iter()
            .enumerate()
            .map(|(i, u)| {
                Ok(json!({"type": "image", "payload": {"url": https_url(&format!("urls[{i}]"), u)?}}))
            })
            .collect::<std::result::Result<Vec<_>, ParamError>>()?;
        Ok(message(json!({ "attachments": attachments })))
    }
}

send_flow!(SendImages, "messages.send_images", "Send up to 10 images in one message", [
    "1–10 images, png/jpeg ≤ 8 MB each",
    "inside 24 hours of the person's last message; with human_agent=true (HUMAN_AGENT tag, a human replying) up to 7 days",
    "not idempotent: never resent automatically",
]);

// ---------------------------------------------------------------------------------------------
// messages.send_sticker

fn default_sticker() -> String {
    "like_heart".to_owned()
}

/// Send a sticker: Instagram's heart (`like_heart`). Returns `{recipient_id, message_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendSticker {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// The sticker; Instagram offers the heart (`like_heart`).
    #[serde(default = "default_sticker")]
    #[schemars(extend("enum" = ["like_heart"]))]
    pub sticker: String,
    /// A human is replying: send with the HUMAN_AGENT tag, allowed up to 7 days after the person's last message (instead of 24 hours). Never for automated replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_agent: Option<bool>,
    /// Facebook Login: the Page to send as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for SendSticker {
    send_common!(message);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        let sticker = one_of("sticker", &self.sticker, &["like_heart"])?;
        Ok(message(json!({"attachment": {"type": sticker}})))
    }
}

send_flow!(SendSticker, "messages.send_sticker", "Send a heart sticker", [
    "inside 24 hours of the person's last message; with human_agent=true (HUMAN_AGENT tag, a human replying) up to 7 days",
    "not idempotent: never resent automatically",
]);

// ---------------------------------------------------------------------------------------------
// messages.share_post

/// Share one of the account's own posts in a message (`MEDIA_SHARE`). Returns `{recipient_id, message_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharePost {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// Id of the account's own IG media to share.
    pub media_id: String,
    /// A human is replying: send with the HUMAN_AGENT tag, allowed up to 7 days after the person's last message (instead of 24 hours). Never for automated replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_agent: Option<bool>,
    /// Facebook Login: the Page to send as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for SharePost {
    send_common!(message);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        let media = object_id("media_id", &self.media_id)?;
        Ok(message(
            json!({"attachment": {"type": "MEDIA_SHARE", "payload": {"id": media}}}),
        ))
    }
}

send_flow!(SharePost, "messages.share_post", "Share one of the account's posts", [
    "only the account's own media",
    "inside 24 hours of the person's last message; with human_agent=true (HUMAN_AGENT tag, a human replying) up to 7 days",
    "not idempotent: never resent automatically",
]);

// ---------------------------------------------------------------------------------------------
// messages.send_button_template

/// Send a text with up to 3 buttons (button template): `web_url` buttons open an https URL,
/// `postback` buttons send their payload back in a `messaging_postbacks` webhook. Returns
/// `{recipient_id, message_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendButtonTemplate {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// The text above the buttons, at most 640 characters.
    #[schemars(extend("maxLength" = 640))]
    pub text: String,
    /// 1 to 3 buttons.
    #[schemars(extend("minItems" = 1, "maxItems" = 3))]
    pub buttons: Vec<Button>,
    /// A human is replying: send with the HUMAN_AGENT tag, allowed up to 7 days after the person's last message (instead of 24 hours). Never for automated replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_agent: Option<bool>,
    /// Facebook Login: the Page to send as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for SendButtonTemplate {
    send_common!(message);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        let text = text_chars("text", &self.text, MAX_BUTTON_TEXT_CHARS)?;
        let buttons = buttons("buttons", &self.buttons)?;
        Ok(message(
            json!({"attachment": {"type": "template", "payload": {
            "template_type": "button", "text": text, "buttons": buttons}}}),
        ))
    }
}

send_flow!(SendButtonTemplate, "messages.send_button_template", "Send a text with buttons", [
    "text ≤ 640 characters; 1–3 buttons (web_url or postback), title ≤ 20 characters, payload ≤ 1000",
    "inside 24 hours of the person's last message; with human_agent=true (HUMAN_AGENT tag, a human replying) up to 7 days",
    "not idempotent: never resent automatically",
]);

// ---------------------------------------------------------------------------------------------
// messages.send_generic_template

/// One card of a generic template.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// Card title, at most 80 characters.
    pub title: String,
    /// Card subtitle, at most 80 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub subtitle: Option<String>,
    /// https URL of the card image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub image_url: Option<String>,
    /// https URL opened when the card itself is tapped (Graph's default_action of type web_url).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub default_action_url: Option<String>,
    /// Up to 3 buttons under the card.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
}

impl Element {
    fn to_graph(&self, path: &str) -> std::result::Result<Value, ParamError> {
        let mut e = Map::new();
        e.insert(
            "title".into(),
            json!(text_chars(
                &format!("{path}.title"),
                &self.title,
                MAX_ELEMENT_TEXT_CHARS
            )?),
        );
        if let Some(u) = &self.image_url {
            e.insert(
                "image_url".into(),
                json!(https_url(&format!("{path}.image_url"), u)?),
            );
        }
        if let Some(s) = &self.subtitle {
            e.insert(
                "subtitle".into(),
                json!(text_chars(
                    &format!("{path}.subtitle"),
                    s,
                    MAX_ELEMENT_TEXT_CHARS
                )?),
            );
        }
        if let Some(u) = &self.default_action_url {
            let url = https_url(&format!("{path}.default_action_url"), u)?;
            e.insert(
                "default_action".into(),
                json!({"type": "web_url", "url": url}),
            );
        }
        if !self.buttons.is_empty() {
            let b = buttons(&format!("{path}.buttons"), &self.buttons)?;
            e.insert("buttons".into(), Value::Array(b));
        }
        Ok(Value::Object(e))
    }
}

/// Send a carousel of up to 10 cards (generic template), each with a title, optional
/// subtitle, image, tap URL and up to 3 buttons. Returns `{recipient_id, message_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendGenericTemplate {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// 1 to 10 cards.
    #[schemars(extend("minItems" = 1, "maxItems" = 10))]
    pub elements: Vec<Element>,
    /// A human is replying: send with the HUMAN_AGENT tag, allowed up to 7 days after the person's last message (instead of 24 hours). Never for automated replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_agent: Option<bool>,
    /// Facebook Login: the Page to send as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for SendGenericTemplate {
    send_common!(message);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        count("elements", self.elements.len(), MAX_ELEMENTS, "element")?;
        let elements = self
            .elements
            .iter()
            .enumerate()
            .map(|(i, e)| e.to_graph(&format!("elements[{i}]")))
            .collect::<std::result::Result<Vec<_>, ParamError>>()?;
        Ok(message(
            json!({"attachment": {"type": "template", "payload": {
            "template_type": "generic", "elements": elements}}}),
        ))
    }
}

send_flow!(SendGenericTemplate, "messages.send_generic_template", "Send a carousel of cards", [
    "1–10 elements; title and subtitle ≤ 80 characters; ≤ 3 buttons each (title ≤ 20 characters)",
    "inside 24 hours of the person's last message; with human_agent=true (HUMAN_AGENT tag, a human replying) up to 7 days",
    "not idempotent: never resent automatically",
]);

// ---------------------------------------------------------------------------------------------
// messages.send_quick_replies

fn default_content_type() -> String {
    "text".to_owned()
}

/// One quick reply (a button under the message that disappears once tapped).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickReply {
    /// Only `text`: Meta disabled the user_phone_number and user_email quick replies in October 2026.
    #[serde(default = "default_content_type")]
    #[schemars(extend("enum" = ["text"]))]
    pub content_type: String,
    /// The label, at most 20 characters.
    pub title: String,
    /// Sent back in the `messages` webhook when tapped, at most 1000 characters.
    pub payload: String,
}

/// Send a text with up to 13 quick replies. Returns `{recipient_id, message_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendQuickReplies {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// The message text, at most 1000 bytes in UTF-8.
    #[schemars(extend("maxLength" = 1000))]
    pub text: String,
    /// 1 to 13 quick replies.
    #[schemars(extend("minItems" = 1, "maxItems" = 13))]
    pub quick_replies: Vec<QuickReply>,
    /// A human is replying: send with the HUMAN_AGENT tag, allowed up to 7 days after the person's last message (instead of 24 hours). Never for automated replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_agent: Option<bool>,
    /// Facebook Login: the Page to send as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for SendQuickReplies {
    send_common!(message);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        let text = message_text("text", &self.text)?;
        count(
            "quick_replies",
            self.quick_replies.len(),
            MAX_QUICK_REPLIES,
            "quick reply",
        )?;
        let mut replies = Vec::with_capacity(self.quick_replies.len());
        for (i, q) in self.quick_replies.iter().enumerate() {
            let at = format!("quick_replies[{i}]");
            if matches!(q.content_type.as_str(), "user_phone_number" | "user_email") {
                return Err(ParamError::new(
                    format!("{at}.content_type"),
                    "Meta disabled user_phone_number and user_email quick replies for Instagram in October 2026; only text quick replies are sent",
                ));
            }
            let ct = one_of(&format!("{at}.content_type"), &q.content_type, &["text"])?;
            let title = text_chars(&format!("{at}.title"), &q.title, MAX_TITLE_CHARS)?;
            let payload = text_chars(&format!("{at}.payload"), &q.payload, MAX_PAYLOAD_CHARS)?;
            replies.push(json!({"content_type": ct, "title": title, "payload": payload}));
        }
        Ok(message(json!({"text": text, "quick_replies": replies})))
    }
}

send_flow!(SendQuickReplies, "messages.send_quick_replies", "Send a text with quick replies", [
    "text ≤ 1000 bytes; 1–13 quick replies, text only, title ≤ 20 characters, payload ≤ 1000",
    "inside 24 hours of the person's last message; with human_agent=true (HUMAN_AGENT tag, a human replying) up to 7 days",
    "not idempotent: never resent automatically",
]);

// ---------------------------------------------------------------------------------------------
// messages.react / messages.unreact / messages.sender_action

fn default_reaction() -> String {
    "love".to_owned()
}

/// React to one of the person's messages (Instagram's reaction is `love`). Returns `{recipient_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct React {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// The message id (`mid`) to react to.
    pub mid: String,
    /// The reaction.
    #[serde(default = "default_reaction")]
    pub reaction: String,
    /// Facebook Login: the Page to act as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for React {
    send_common!(action);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        let m = mid("mid", &self.mid)?;
        let reaction = text_chars("reaction", &self.reaction, 32)?;
        let mut out = Map::new();
        out.insert("sender_action".into(), json!("react"));
        out.insert(
            "payload".into(),
            json!({"message_id": m, "reaction": reaction}),
        );
        Ok(out)
    }
}

send_flow!(
    React,
    "messages.react",
    "React to a message",
    [
        "inside the messaging window of the person's last message",
        "not idempotent: never resent automatically",
    ]
);

/// Remove the account's reaction from one of the person's messages. Returns `{recipient_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unreact {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// The message id (`mid`) whose reaction to remove.
    pub mid: String,
    /// Facebook Login: the Page to act as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for Unreact {
    send_common!(action);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        let m = mid("mid", &self.mid)?;
        let mut out = Map::new();
        out.insert("sender_action".into(), json!("unreact"));
        out.insert("payload".into(), json!({ "message_id": m }));
        Ok(out)
    }
}

send_flow!(
    Unreact,
    "messages.unreact",
    "Remove a reaction from a message",
    [
        "inside the messaging window of the person's last message",
        "not idempotent: never resent automatically",
    ]
);

/// Show a typing indicator (`typing_on`, `typing_off`) or mark the person's last message as
/// seen (`mark_seen`). Sent alone, without a message. Returns `{recipient_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SenderAction {
    /// The person's Instagram-scoped id (IGSID).
    pub recipient_id: String,
    /// `typing_on`, `typing_off` or `mark_seen`.
    #[schemars(extend("enum" = ["typing_on", "typing_off", "mark_seen"]))]
    pub sender_action: String,
    /// Facebook Login: the Page to act as; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl SendApi for SenderAction {
    send_common!(action);
    fn parts(&self) -> std::result::Result<Map<String, Value>, ParamError> {
        let a = one_of(
            "sender_action",
            &self.sender_action,
            &["typing_on", "typing_off", "mark_seen"],
        )?;
        let mut out = Map::new();
        out.insert("sender_action".into(), json!(a));
        Ok(out)
    }
}

send_flow!(
    SenderAction,
    "messages.sender_action",
    "Show typing or mark as seen",
    [
        "inside the messaging window of the person's last message",
        "not idempotent: never resent automatically",
    ]
);

// ---------------------------------------------------------------------------------------------
// messages.upload_attachment

fn yes() -> bool {
    true
}

/// Upload media once and get a reusable `attachment_id` for messages.send_media
/// (`POST /{page_id|me}/message_attachments`). Returns Meta's `{attachment_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadAttachment {
    /// Attachment type: image, audio, video or file (pdf).
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["image", "audio", "video", "file"]))]
    pub kind: String,
    /// Public https URL Meta fetches the media from.
    pub url: String,
    /// Keep the attachment for reuse across recipients.
    #[serde(default = "yes")]
    pub is_reusable: bool,
    /// Facebook Login: the Page to upload for; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl Operation for UploadAttachment {
    const ID: &'static str = "messages.upload_attachment";
    const SUMMARY: &'static str = "Upload a reusable attachment";
    const HTTP: &'static str = "POST /me/message_attachments (Instagram) · POST /{page_id}/message_attachments or /me/message_attachments (Facebook, Page token)";
    const METHOD: Method = Method::Post;
    // A repeat only leaves one more unused attachment behind: worth retrying.
    const IDEMPOTENT: Option<bool> = Some(true);
    const LIMITS: &'static [&'static str] =
        &["image png/jpeg ≤ 8 MB; audio, video, file (pdf) ≤ 25 MB"];

    fn build(&self, ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let kind = one_of("type", &self.kind, MEDIA_TYPES)?;
        let url = https_url("url", &self.url)?;
        let (node, credential) = messaging_target(ctx, self.page_id.as_deref())?;
        Ok(GraphRequest::post([node, "message_attachments".to_owned()])
            .with_credential(credential)
            .json(json!({"platform": "instagram", "message": {"attachment": {
                    "type": kind, "payload": {"url": url, "is_reusable": self.is_reusable}}}})))
    }
}

// ---------------------------------------------------------------------------------------------
// messages.get

/// Fields Graph documents for a message (graph-api.md §1.10.7).
pub const MESSAGE_FIELDS: &[&str] = &[
    "id",
    "created_time",
    "from",
    "to",
    "message",
    "attachments",
    "reactions",
    "shares",
    "story",
    "is_unsupported",
];

/// Default fields of `messages.get` and `conversations.messages`.
pub const DEFAULT_MESSAGE_FIELDS: &str = "id,created_time,from,to,message";

fn default_message_fields() -> String {
    DEFAULT_MESSAGE_FIELDS.to_owned()
}

/// Read one message: who sent it to whom, when, its text and attachments. Only the 20 most
/// recent messages of a conversation can be read in detail.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Get {
    /// The message id (`mid`).
    pub mid: String,
    /// Fields to return, comma-separated in Graph syntax.
    #[serde(default = "default_message_fields")]
    pub fields: String,
    /// Facebook Login: the Page whose conversation holds the message; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl Operation for Get {
    const ID: &'static str = "messages.get";
    const SUMMARY: &'static str = "Get a message";
    const HTTP: &'static str = "GET /{mid}";
    const KNOWN_FIELDS: &'static [&'static str] = MESSAGE_FIELDS;
    const LIMITS: &'static [&'static str] =
        &["only the 20 most recent messages of a conversation can be read in detail"];

    fn build(&self, ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = mid("mid", &self.mid)?;
        let credential = messaging_credential(ctx, self.page_id.as_deref())?;
        Ok(GraphRequest::get([id])
            .with_credential(credential)
            .query("fields", fields("fields", &self.fields)?))
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::{flow_op, request_op};
    vec![
        flow_op::<SendText>(),
        flow_op::<SendMedia>(),
        flow_op::<SendImages>(),
        flow_op::<SendSticker>(),
        flow_op::<SharePost>(),
        flow_op::<SendButtonTemplate>(),
        flow_op::<SendGenericTemplate>(),
        flow_op::<SendQuickReplies>(),
        flow_op::<React>(),
        flow_op::<Unreact>(),
        flow_op::<SenderAction>(),
        request_op::<UploadAttachment>(),
        request_op::<Get>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Login;

    #[test]
    fn validators_name_the_path_and_count_like_meta() {
        assert!(https_url("u", "https://example.com/a.jpg").is_ok());
        for bad in ["http://example.com", "ftp://x/y", "/rel", "https://", ""] {
            assert_eq!(https_url("u", bad).unwrap_err().path, "u", "{bad}");
        }
        // Titles count characters, message texts count UTF-8 bytes.
        assert!(text_chars("t", &"é".repeat(20), MAX_TITLE_CHARS).is_ok());
        assert!(text_chars("t", &"é".repeat(21), MAX_TITLE_CHARS).is_err());
        assert!(message_text("text", &"é".repeat(500)).is_ok());
        let e = message_text("text", &"é".repeat(501)).unwrap_err();
        assert!(e.message.contains("1002 bytes"), "{}", e.message);
        assert!(mid("mid", "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx==").is_ok());
        assert!(
            mid("mid", &"a".repeat(300)).is_ok(),
            "mids are longer than other ids"
        );
        for bad in ["", "a b", "a/b", "a?b=1"] {
            assert!(mid("mid", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn message_sends_carry_messaging_type_and_actions_do_not() {
        let ctx = OpContext {
            login: Login::Instagram,
        };
        let text = SendText {
            recipient_id: "123".into(),
            text: "hi".into(),
            reply_to: None,
            human_agent: Some(true),
            page_id: None,
        };
        let r = send_request(&text, &ctx).unwrap();
        let Some(crate::request::Body::Json(b)) = &r.body else {
            panic!("JSON body")
        };
        assert_eq!(
            (b["messaging_type"].as_str(), b["tag"].as_str()),
            (Some("MESSAGE_TAG"), Some("HUMAN_AGENT"))
        );
        let seen = SenderAction {
            recipient_id: "123".into(),
            sender_action: "mark_seen".into(),
            page_id: None,
        };
        let r = send_request(&seen, &ctx).unwrap();
        let Some(crate::request::Body::Json(b)) = &r.body else {
            panic!("JSON body")
        };
        assert_eq!(
            b,
            &json!({"recipient": {"id": "123"}, "sender_action": "mark_seen"})
        );
        assert_eq!(r.path, ["me", "messages"]);
        let fb = OpContext {
            login: Login::Facebook,
        };
        let r = send_request(&seen, &fb).unwrap();
        assert_eq!(r.credential, crate::request::Credential::LinkedPage);
    }
}
