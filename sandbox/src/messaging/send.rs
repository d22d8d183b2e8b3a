//! The Send API (`POST …/messages`) and attachment upload (`POST …/message_attachments`).
//!
//! Parameters come as JSON (objects arrive JSON-encoded) or as form params with JSON-encoded
//! values; both reach here as strings. Shapes are checked first (`(#100)` naming the param in
//! Meta's bracket notation), then the policy: the window, private-reply rules.

use super::model::{self, Message, Upload};
use super::{Biz, HUMAN_AGENT_WINDOW_SECS, PRIVATE_REPLY_SECS, STANDARD_WINDOW_SECS};
use crate::errors::GraphError;
use crate::links::{self, Pairs};
use crate::tokens::Family;
use crate::world::{MediaType, ProductType, World};
use serde_json::{json, Map, Value};

/// Longest message text Instagram takes: 1000 bytes of UTF-8 (§1.10.2).
const MAX_TEXT_BYTES: usize = 1000;
/// Images in one `attachments` send (GA May 6 2026).
const MAX_IMAGES: usize = 10;
/// Quick replies per message; title and payload lengths (§1.10.3).
const MAX_QUICK_REPLIES: usize = 13;
const MAX_QR_TITLE: usize = 20;
const MAX_PAYLOAD: usize = 1000;
/// Button template text, buttons per template or element, button title (§1.10.3).
const MAX_BUTTON_TEXT: usize = 640;
const MAX_BUTTONS: usize = 3;
const MAX_BUTTON_TITLE: usize = 20;
// UNCONFIRMED: 10 elements and 80-character titles follow Messenger's generic template; Meta's
// Instagram pages do not state them (graph-api.md §1.10.3).
const MAX_ELEMENTS: usize = 10;
const MAX_ELEMENT_TEXT: usize = 80;
/// Reactions the Send API takes (the names of `message_reactions`).
// UNCONFIRMED: Meta's example shows only "love"; the other names are those of the webhook.
const REACTIONS: &[&str] = &["love", "like", "laugh", "wow", "sad", "angry", "other"];

/// Outside the window, as each host answers it (§4.4; changes-2026h2.md §3.3): the Messenger
/// Platform (Facebook Login) sends 10/2018278 `(#10) This message is sent outside of allowed
/// window.`; graph.instagram.com sends HTTP 403, `IGApiException`, 10/2534022 with the same
/// sentence (seen in a 2026 log of `graph.instagram.com/v21.0/me/messages`).
/// UNCONFIRMED: both codes come from secondary sources, not Meta's pages (graph-api.md §4.4).
pub(crate) fn outside_window(family: Family) -> GraphError {
    match family {
        Family::Facebook => {
            GraphError::new(10, "(#10) This message is sent outside of allowed window.")
                .with_subcode(2_018_278)
        }
        Family::Instagram => {
            let mut e = GraphError::new(10, "This message is sent outside of allowed window.")
                .with_subcode(2_534_022)
                .with_type("IGApiException");
            e.status = 403;
            e
        }
    }
}

/// 10/2018300: another app (Conversation Routing, formerly Handover) controls the thread
/// (graph-api.md §1.10.5, [M-HOP]). UNCONFIRMED: the exact sentence; Meta quotes only
/// "another app is controlling this thread now".
fn thread_controlled() -> GraphError {
    GraphError::new(
        10,
        "(#10) This message could not be sent: another app is controlling this thread now.",
    )
    .with_subcode(2_018_300)
}

/// 551/1545041 `This person isn't available right now.` (§4.2). UNCONFIRMED: from secondary
/// sources only.
fn unavailable() -> GraphError {
    GraphError::new(551, "(#551) This person isn't available right now.").with_subcode(1_545_041)
}

/// 100/2018001 for an IGSID nobody knows. UNCONFIRMED: the subcode is from secondary sources
/// (graph-api.md §4.4).
fn no_matching_user() -> GraphError {
    GraphError::param("No matching user found").with_subcode(2_018_001)
}

/// A JSON-valued param: absent, or parsed (objects arrive JSON-encoded in forms and JSON
/// bodies alike).
fn json_param(params: &Pairs, name: &str) -> Result<Option<Value>, GraphError> {
    match links::get(params, name) {
        None => Ok(None),
        Some(raw) => serde_json::from_str::<Value>(raw)
            .map(Some)
            .map_err(|_| GraphError::param(format!("Param {name} must be a JSON object"))),
    }
}

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, GraphError> {
    v.as_object()
        .ok_or_else(|| GraphError::param(format!("Param {path} must be a JSON object")))
}

fn known_keys(o: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<(), GraphError> {
    for k in o.keys() {
        if !allowed.contains(&k.as_str()) {
            let k: String = k.chars().take(40).collect();
            return Err(GraphError::param(format!(
                "Param {path}[{k}] is not a valid field (expected one of {})",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

fn str_field<'a>(
    o: &'a Map<String, Value>,
    path: &str,
    key: &str,
    required: bool,
) -> Result<Option<&'a str>, GraphError> {
    match o.get(key) {
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(GraphError::param(format!(
            "Param {path}[{key}] is required"
        ))),
        Some(Value::String(s)) if required && s.trim().is_empty() => Err(GraphError::param(
            format!("Param {path}[{key}] must be a non-empty string"),
        )),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(GraphError::param(format!(
            "Param {path}[{key}] must be a string"
        ))),
    }
}

fn max_chars(s: &str, path: &str, max: usize) -> Result<(), GraphError> {
    if s.chars().count() > max {
        return Err(GraphError::param(format!(
            "Length of param {path} must be less than or equal to {max}"
        )));
    }
    Ok(())
}

/// Meta fetches attachment URLs itself: anything but http(s) cannot be fetched (2018008).
fn fetchable(url: &str) -> Result<(), GraphError> {
    match url::Url::parse(url) {
        Ok(u) if (u.scheme() == "https" || u.scheme() == "http") && u.host().is_some() => Ok(()),
        _ => {
            Err(GraphError::param("Failed to fetch the file from the url").with_subcode(2_018_008))
        }
    }
}

/// What a validated `message` holds.
#[derive(Debug, Default)]
struct Content {
    text: String,
    attachments: Vec<(String, String)>,
    share: Option<String>,
    unsupported: bool,
    /// An attachment sent with `is_reusable: true` by URL: its new id is in the answer.
    new_upload: Option<Upload>,
    /// An uploaded attachment this send uses.
    used_upload: Option<String>,
}

fn array<'a>(v: &'a Value, path: &str, max: usize) -> Result<&'a Vec<Value>, GraphError> {
    let a = v
        .as_array()
        .ok_or_else(|| GraphError::param(format!("Param {path} must be an array")))?;
    if a.is_empty() {
        return Err(GraphError::param(format!("Param {path} must not be empty")));
    }
    if a.len() > max {
        return Err(GraphError::param(format!(
            "Param {path} must have at most {max} items, got {}",
            a.len()
        )));
    }
    Ok(a)
}

fn button(v: &Value, path: &str) -> Result<(), GraphError> {
    let b = obj(v, path)?;
    let kind = str_field(b, path, "type", true)?.unwrap_or("");
    let title = str_field(b, path, "title", true)?.unwrap_or("");
    max_chars(title, &format!("{path}[title]"), MAX_BUTTON_TITLE)?;
    match kind {
        "web_url" => {
            known_keys(b, path, &["type", "title", "url"])?;
            let url = str_field(b, path, "url", true)?.unwrap_or("");
            web_url(url, &format!("{path}[url]"))
        }
        "postback" => {
            known_keys(b, path, &["type", "title", "payload"])?;
            let p = str_field(b, path, "payload", true)?.unwrap_or("");
            max_chars(p, &format!("{path}[payload]"), MAX_PAYLOAD)
        }
        other => Err(GraphError::param(format!(
            "Param {path}[type] must be one of {{web_url, postback}}, got '{}'",
            other.chars().take(40).collect::<String>()
        ))),
    }
}

fn web_url(url: &str, path: &str) -> Result<(), GraphError> {
    match url::Url::parse(url) {
        Ok(u) if (u.scheme() == "https" || u.scheme() == "http") && u.host().is_some() => Ok(()),
        _ => Err(GraphError::param(format!(
            "Param {path} must be a valid URL"
        ))),
    }
}

fn buttons(v: Option<&Value>, path: &str, required: bool) -> Result<(), GraphError> {
    match v {
        None if !required => Ok(()),
        None => Err(GraphError::param(format!("Param {path} is required"))),
        Some(v) => {
            for (i, b) in array(v, path, MAX_BUTTONS)?.iter().enumerate() {
                button(b, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
    }
}

fn template(p: &Map<String, Value>, path: &str) -> Result<(), GraphError> {
    match str_field(p, path, "template_type", true)?.unwrap_or("") {
        "generic" => {
            known_keys(p, path, &["template_type", "elements"])?;
            let ep = format!("{path}[elements]");
            let els = p
                .get("elements")
                .ok_or_else(|| GraphError::param(format!("Param {ep} is required")))?;
            for (i, e) in array(els, &ep, MAX_ELEMENTS)?.iter().enumerate() {
                let path = format!("{ep}[{i}]");
                let e = obj(e, &path)?;
                known_keys(
                    e,
                    &path,
                    &[
                        "title",
                        "subtitle",
                        "image_url",
                        "default_action",
                        "buttons",
                    ],
                )?;
                let title = str_field(e, &path, "title", true)?.unwrap_or("");
                max_chars(title, &format!("{path}[title]"), MAX_ELEMENT_TEXT)?;
                if let Some(s) = str_field(e, &path, "subtitle", false)? {
                    max_chars(s, &format!("{path}[subtitle]"), MAX_ELEMENT_TEXT)?;
                }
                if let Some(u) = str_field(e, &path, "image_url", false)? {
                    web_url(u, &format!("{path}[image_url]"))?;
                }
                if let Some(d) = e.get("default_action") {
                    let dp = format!("{path}[default_action]");
                    let d = obj(d, &dp)?;
                    if str_field(d, &dp, "type", true)? != Some("web_url") {
                        return Err(GraphError::param(format!(
                            "Param {dp}[type] must be web_url"
                        )));
                    }
                    web_url(
                        str_field(d, &dp, "url", true)?.unwrap_or(""),
                        &format!("{dp}[url]"),
                    )?;
                }
                buttons(e.get("buttons"), &format!("{path}[buttons]"), false)?;
            }
            Ok(())
        }
        "button" => {
            known_keys(p, path, &["template_type", "text", "buttons"])?;
            let text = str_field(p, path, "text", true)?.unwrap_or("");
            max_chars(text, &format!("{path}[text]"), MAX_BUTTON_TEXT)?;
            buttons(p.get("buttons"), &format!("{path}[buttons]"), true)
        }
        other => Err(GraphError::param(format!(
            "Param {path}[template_type] must be one of {{generic, button}}, got '{}'",
            other.chars().take(40).collect::<String>()
        ))),
    }
}

/// One `attachment` object (of `message[attachment]` or an item of `message[attachments]`).
fn attachment(
    world: &World,
    biz: &Biz,
    v: &Value,
    path: &str,
    only_images: bool,
    c: &mut Content,
) -> Result<(), GraphError> {
    let a = obj(v, path)?;
    known_keys(a, path, &["type", "payload"])?;
    let kind = str_field(a, path, "type", true)?.unwrap_or("");
    let pp = format!("{path}[payload]");
    if only_images && kind != "image" {
        return Err(GraphError::param(format!(
            "Param {path}[type] must be image: only images can be sent together"
        )));
    }
    match kind {
        "image" | "audio" | "video" | "file" => {
            let p = obj(
                a.get("payload")
                    .ok_or_else(|| GraphError::param(format!("Param {pp} is required")))?,
                &pp,
            )?;
            known_keys(p, &pp, &["url", "attachment_id", "is_reusable"])?;
            let reusable = match p.get("is_reusable") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => {
                    return Err(GraphError::param(format!(
                        "Param {pp}[is_reusable] must be a boolean"
                    )))
                }
            };
            match (
                str_field(p, &pp, "url", false)?,
                str_field(p, &pp, "attachment_id", false)?,
            ) {
                (Some(url), None) => {
                    fetchable(url)?;
                    c.attachments.push((kind.to_owned(), url.to_owned()));
                    if reusable && !only_images {
                        c.new_upload = Some(Upload {
                            account: biz.account,
                            kind: kind.to_owned(),
                            url: url.to_owned(),
                            reusable: true,
                            uses: 1,
                        });
                    }
                }
                (None, Some(id)) => {
                    let u = world
                        .messaging
                        .uploads
                        .get(id)
                        .filter(|u| u.account == biz.account)
                        .ok_or_else(|| {
                            GraphError::param(format!(
                                "Param {pp}[attachment_id] is not a valid attachment id"
                            ))
                        })?;
                    // UNCONFIRMED: Meta does not say what a second use of a non-reusable
                    // upload answers; the sandbox refuses it.
                    if !u.reusable && u.uses > 0 {
                        return Err(GraphError::param(format!(
                            "Param {pp}[attachment_id] was uploaded without is_reusable and has been used"
                        )));
                    }
                    if u.kind != kind {
                        return Err(GraphError::param(format!(
                            "Param {path}[type] is {kind} but attachment {id} is {}",
                            u.kind
                        )));
                    }
                    c.attachments.push((u.kind.clone(), u.url.clone()));
                    c.used_upload = Some(id.to_owned());
                }
                (Some(_), Some(_)) => {
                    return Err(GraphError::param(format!(
                        "Param {pp} takes url or attachment_id, not both"
                    )))
                }
                (None, None) => {
                    return Err(GraphError::param(format!(
                        "Param {pp} requires url or attachment_id"
                    )))
                }
            }
        }
        "like_heart" => {
            if a.get("payload").is_some_and(|p| !p.is_null()) {
                return Err(GraphError::param(format!(
                    "Param {pp} is not allowed for like_heart"
                )));
            }
            c.attachments.push(("like_heart".to_owned(), String::new()));
            c.unsupported = true;
        }
        "MEDIA_SHARE" => {
            let p = obj(
                a.get("payload")
                    .ok_or_else(|| GraphError::param(format!("Param {pp} is required")))?,
                &pp,
            )?;
            known_keys(p, &pp, &["id"])?;
            let id = str_field(p, &pp, "id", true)?.unwrap_or("");
            // Only the account's own posts (feed media and reels, not stories or album items).
            let acc = biz.account.and_then(|a| world.accounts.get(a));
            let m = acc
                .and_then(|acc| acc.media.get(id).map(|m| (acc, m)))
                .filter(|(_, m)| !m.is_child() && m.product_type != ProductType::Story)
                .ok_or_else(|| {
                    GraphError::param(format!(
                        "Param {pp}[id] must be the id of one of the account's own posts"
                    ))
                })?;
            let kind = if m.1.media_type == MediaType::Video {
                "ig_reel"
            } else {
                "ig_post"
            };
            c.share = Some(m.1.permalink(&m.0.user.username));
            c.attachments.push((
                kind.to_owned(),
                m.1.media_url.clone().unwrap_or_default(),
            ));
        }
        "template" => {
            let p = obj(
                a.get("payload")
                    .ok_or_else(|| GraphError::param(format!("Param {pp} is required")))?,
                &pp,
            )?;
            template(p, &pp)?;
            c.unsupported = true;
        }
        other => {
            return Err(GraphError::param(format!(
                "Param {path}[type] must be one of {{image, audio, video, file, like_heart, MEDIA_SHARE, template}}, got '{}'",
                other.chars().take(40).collect::<String>()
            )))
        }
    }
    Ok(())
}

/// Meta disabled phone and email quick replies on Instagram on this day (2026-10-05T00:00Z,
/// changelog of the Instagram Platform); before it, on the virtual clock, they were accepted.
const PHONE_EMAIL_QR_DISABLED_AT: i64 = 1_791_158_400;

fn quick_replies(v: &Value, now: i64) -> Result<(), GraphError> {
    let path = "message[quick_replies]";
    for (i, q) in array(v, path, MAX_QUICK_REPLIES)?.iter().enumerate() {
        let path = format!("{path}[{i}]");
        let q = obj(q, &path)?;
        match str_field(q, &path, "content_type", true)?.unwrap_or("") {
            "text" => {
                known_keys(q, &path, &["content_type", "title", "payload", "image_url"])?;
                let t = str_field(q, &path, "title", true)?.unwrap_or("");
                max_chars(t, &format!("{path}[title]"), MAX_QR_TITLE)?;
                let p = str_field(q, &path, "payload", true)?.unwrap_or("");
                max_chars(p, &format!("{path}[payload]"), MAX_PAYLOAD)?;
                if let Some(u) = str_field(q, &path, "image_url", false)? {
                    web_url(u, &format!("{path}[image_url]"))?;
                }
            }
            "user_phone_number" | "user_email" if now < PHONE_EMAIL_QR_DISABLED_AT => {
                known_keys(q, &path, &["content_type"])?;
            }
            kind @ ("user_phone_number" | "user_email") => {
                return Err(GraphError::param(format!(
                    "Param {path}[content_type]: {kind} quick replies are no longer supported on Instagram (disabled since October 5, 2026); use content_type text"
                )))
            }
            other => {
                return Err(GraphError::param(format!(
                    "Param {path}[content_type] must be text, got '{}'",
                    other.chars().take(40).collect::<String>()
                )))
            }
        }
    }
    Ok(())
}

/// Validate `message` and say what it holds.
fn content(world: &World, biz: &Biz, v: &Value, now: i64) -> Result<Content, GraphError> {
    let m = obj(v, "message")?;
    known_keys(
        m,
        "message",
        &[
            "text",
            "attachment",
            "attachments",
            "quick_replies",
            "metadata",
        ],
    )?;
    let mut c = Content::default();
    let text = str_field(m, "message", "text", false)?;
    let att = m.get("attachment").filter(|v| !v.is_null());
    let atts = m.get("attachments").filter(|v| !v.is_null());
    match (text, att, atts) {
        (None, None, None) => {
            return Err(GraphError::param(
                "Param message must contain text, attachment or attachments",
            ))
        }
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) | (_, Some(_), Some(_)) => {
            return Err(GraphError::param(
                "Param message takes only one of text, attachment and attachments",
            ))
        }
        _ => {}
    }
    if let Some(t) = text {
        if t.is_empty() {
            return Err(GraphError::param("Param message[text] must be non-empty"));
        }
        if t.len() > MAX_TEXT_BYTES {
            return Err(GraphError::param(format!(
                "Length of param message[text] must be less than or equal to {MAX_TEXT_BYTES} bytes (UTF-8), got {}",
                t.len()
            )));
        }
        c.text = t.to_owned();
    }
    if let Some(a) = att {
        attachment(world, biz, a, "message[attachment]", false, &mut c)?;
    }
    if let Some(list) = atts {
        let path = "message[attachments]";
        for (i, a) in array(list, path, MAX_IMAGES)?.iter().enumerate() {
            attachment(world, biz, a, &format!("{path}[{i}]"), true, &mut c)?;
        }
    }
    if let Some(q) = m.get("quick_replies").filter(|v| !v.is_null()) {
        if text.is_none() {
            return Err(GraphError::param(
                "Param message[quick_replies] requires message[text]",
            ));
        }
        quick_replies(q, now)?;
    }
    if let Some(md) = str_field(m, "message", "metadata", false)? {
        max_chars(md, "message[metadata]", MAX_PAYLOAD)?;
    }
    Ok(c)
}

/// Which window a send may use: the standard 24 h, or HUMAN_AGENT's 7 days.
fn window_of(params: &Pairs) -> Result<i64, GraphError> {
    let tag = links::get(params, "tag");
    match links::get(params, "messaging_type").unwrap_or("RESPONSE") {
        // UPDATE and UTILITY are Messenger types; on Instagram they get no wider window.
        "RESPONSE" | "UPDATE" | "UTILITY" => match tag {
            None => Ok(STANDARD_WINDOW_SECS),
            Some(_) => Err(GraphError::param(
                "Param tag can only be used with messaging_type MESSAGE_TAG",
            )),
        },
        "MESSAGE_TAG" => match tag {
            Some("HUMAN_AGENT") => Ok(HUMAN_AGENT_WINDOW_SECS),
            None => Err(GraphError::param(
                "Param tag is required when messaging_type is MESSAGE_TAG",
            )),
            Some(other) => Err(GraphError::param(format!(
                "Param tag must be HUMAN_AGENT on Instagram, got '{}'",
                other.chars().take(40).collect::<String>()
            ))),
        },
        other => Err(GraphError::param(format!(
            "Param messaging_type must be one of {{RESPONSE, UPDATE, MESSAGE_TAG, UTILITY}}, got '{}'",
            other.chars().take(40).collect::<String>()
        ))),
    }
}

/// The conversation with `igsid` if a send may go there now (the window rules), else Meta's error.
fn open_conversation(
    world: &World,
    family: Family,
    account: usize,
    igsid: &str,
    window: i64,
    now: i64,
) -> Result<String, GraphError> {
    let conv = world
        .messaging
        .by_person
        .get(&(account, igsid.to_owned()))
        .and_then(|id| world.messaging.conversations.get(id));
    let Some(conv) = conv else {
        // Someone known (a commenter) who never wrote: the window never opened.
        return if world.messaging.people.contains_key(igsid) || commenter(world, account, igsid) {
            Err(outside_window(family))
        } else {
            Err(no_matching_user())
        };
    };
    if world
        .messaging
        .people
        .get(igsid)
        .is_some_and(|p| p.unavailable)
    {
        return Err(unavailable());
    }
    if conv.other_app_controls {
        return Err(thread_controlled());
    }
    match conv.last_incoming_at {
        Some(t) if t <= now && now - t < window => Ok(conv.id.clone()),
        _ => Err(outside_window(family)),
    }
}

/// Whether `id` wrote a comment on the account's media (an IGSID the business has seen).
pub(crate) fn commenter(world: &World, account: usize, id: &str) -> bool {
    world.accounts.get(account).is_some_and(|a| {
        a.comments
            .values()
            .any(|c| c.from_id == id && c.from_id != a.user.id)
    })
}

fn recipient(params: &Pairs) -> Result<Map<String, Value>, GraphError> {
    let r = json_param(params, "recipient")?
        .ok_or_else(|| GraphError::param("The parameter recipient is required"))?;
    let r = obj(&r, "recipient")?.clone();
    known_keys(&r, "recipient", &["id", "comment_id"])?;
    match (r.get("id"), r.get("comment_id")) {
        (Some(_), Some(_)) => Err(GraphError::param(
            "Param recipient takes id or comment_id, not both",
        )),
        (None, None) => Err(GraphError::param(
            "Param recipient requires id (an IGSID) or comment_id",
        )),
        _ => Ok(r),
    }
}

fn id_string(r: &Map<String, Value>, key: &str) -> Result<String, GraphError> {
    match r.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(GraphError::param(format!(
            "Param recipient[{key}] must be a non-empty id"
        ))),
    }
}

/// `POST …/messages`.
pub(crate) fn send(
    world: &mut World,
    biz: Biz,
    params: &Pairs,
    now: i64,
) -> Result<Value, GraphError> {
    let r = recipient(params)?;
    let message = json_param(params, "message")?;
    let action = links::get(params, "sender_action");
    let window = window_of(params)?;
    if let Some(pt) = links::get(params, "platform") {
        if pt != "instagram" {
            return Err(GraphError::param("Param platform must be instagram"));
        }
    }
    match (&message, action) {
        (None, None) => {
            return Err(GraphError::param(
                "Must send either message or sender action",
            ))
        }
        (Some(_), Some(_)) => {
            return Err(GraphError::param(
                "Param sender_action must be sent alone, without message",
            ))
        }
        _ => {}
    }
    if r.contains_key("comment_id") {
        let Some(message) = message else {
            return Err(GraphError::param(
                "Param sender_action cannot be sent to recipient[comment_id]",
            ));
        };
        return private_reply(
            world,
            biz,
            &id_string(&r, "comment_id")?,
            &message,
            params,
            now,
        );
    }
    let igsid = id_string(&r, "id")?;
    let Some(account) = biz.account else {
        // A Page without an Instagram account has no Instagram conversations.
        return Err(no_matching_user());
    };
    if let Some(action) = action {
        return sender_action(
            world, biz.family, account, &igsid, action, params, window, now,
        );
    }
    let Some(message) = message else {
        return Err(GraphError::param(
            "Must send either message or sender action",
        ));
    };
    let c = content(world, &biz, &message, now)?;
    let reply_to = reply_to(world, params)?;
    let conv = open_conversation(world, biz.family, account, &igsid, window, now)?;
    if let Some(target) = &reply_to {
        if world
            .messaging
            .messages
            .get(target)
            .map(|m| &m.conversation)
            != Some(&conv)
        {
            return Err(GraphError::param(
                "Param reply_to[mid] must be a message of this conversation",
            ));
        }
    }
    let mid = store(
        world,
        account,
        &igsid,
        &conv,
        c.clone_parts(),
        reply_to,
        now,
    );
    let mut out = json!({"recipient_id": igsid, "message_id": mid});
    finish_uploads(world, c, &mut out);
    Ok(out)
}

impl Content {
    fn clone_parts(&self) -> (String, Vec<(String, String)>, Option<String>, bool) {
        (
            self.text.clone(),
            self.attachments.clone(),
            self.share.clone(),
            self.unsupported,
        )
    }
}

/// Count the use of an uploaded attachment, register one sent with `is_reusable`.
fn finish_uploads(world: &mut World, c: Content, out: &mut Value) {
    if let Some(id) = c.used_upload {
        if let Some(u) = world.messaging.uploads.get_mut(&id) {
            u.uses += 1;
        }
    }
    if let Some(u) = c.new_upload {
        let id = upload_id(world);
        world.messaging.uploads.insert(id.clone(), u);
        out["attachment_id"] = json!(id);
    }
}

fn reply_to(world: &World, params: &Pairs) -> Result<Option<String>, GraphError> {
    let Some(v) = json_param(params, "reply_to")? else {
        return Ok(None);
    };
    let o = obj(&v, "reply_to")?;
    known_keys(o, "reply_to", &["mid"])?;
    let mid = str_field(o, "reply_to", "mid", true)?.unwrap_or("");
    // UNCONFIRMED: reply_to's placement is documented for Instagram Login (Sep 2026); for
    // Facebook Login it follows Messenger's Message Replies API (graph-api.md §1.10.2).
    if !world.messaging.messages.contains_key(mid) {
        return Err(GraphError::param(format!(
            "Param reply_to[mid] is not a valid message id: {}",
            mid.chars().take(80).collect::<String>()
        )));
    }
    Ok(Some(mid.to_owned()))
}

/// Put a business message in the conversation; returns its mid.
fn store(
    world: &mut World,
    account: usize,
    igsid: &str,
    conv: &str,
    (text, attachments, share, unsupported): (String, Vec<(String, String)>, Option<String>, bool),
    reply_to: Option<String>,
    now: i64,
) -> String {
    let mid = model::fresh_mid(world, account, igsid);
    let mut m = Message::new(mid.clone(), true, now);
    m.conversation = conv.to_owned();
    m.text = text;
    m.attachments = attachments;
    m.share = share;
    m.is_unsupported = unsupported;
    m.reply_to = reply_to;
    world.messaging.messages.insert(mid.clone(), m);
    let mut incoming = (None, None);
    if let Some(c) = world.messaging.conversations.get_mut(conv) {
        c.messages.push(mid.clone());
        c.updated = now;
        let last_mid = c
            .messages
            .iter()
            .rev()
            .find(|x| {
                world
                    .messaging
                    .messages
                    .get(*x)
                    .is_some_and(|m| !m.from_business)
            })
            .cloned();
        incoming = (c.last_incoming_at, last_mid);
    }
    // The webhook simulator's thread: simulated reactions and seen receipts then refer to this
    // message, and its window view agrees with the conversation's.
    if let Some(acc) = world.accounts.get_mut(account) {
        let t = acc.threads.entry(igsid.to_owned()).or_default();
        t.last_echo_mid = Some(mid.clone());
        if t.last_incoming_at.is_none() {
            t.last_incoming_at = incoming.0;
        }
        if t.last_mid.is_none() {
            t.last_mid = incoming.1;
        }
    }
    mid
}

#[allow(clippy::too_many_arguments)]
fn sender_action(
    world: &mut World,
    family: Family,
    account: usize,
    igsid: &str,
    action: &str,
    params: &Pairs,
    window: i64,
    now: i64,
) -> Result<Value, GraphError> {
    if !matches!(
        action,
        "typing_on" | "typing_off" | "mark_seen" | "react" | "unreact"
    ) {
        return Err(GraphError::param(format!(
            "Param sender_action must be one of {{typing_on, typing_off, mark_seen, react, unreact}}, got '{}'",
            action.chars().take(40).collect::<String>()
        )));
    }
    if links::get(params, "reply_to").is_some() {
        return Err(GraphError::param(
            "Param reply_to cannot be sent with sender_action",
        ));
    }
    let payload = json_param(params, "payload")?;
    let target = match action {
        "react" | "unreact" => {
            let p = payload.ok_or_else(|| {
                GraphError::param(format!(
                    "Param payload is required for sender_action {action}"
                ))
            })?;
            let p = obj(&p, "payload")?.clone();
            let allowed: &[&str] = if action == "react" {
                &["message_id", "reaction"]
            } else {
                &["message_id"]
            };
            known_keys(&p, "payload", allowed)?;
            let mid = str_field(&p, "payload", "message_id", true)?
                .unwrap_or("")
                .to_owned();
            let reaction = match str_field(&p, "payload", "reaction", false)? {
                // UNCONFIRMED: a react without a reaction is taken as "love".
                None => "love".to_owned(),
                Some(r) if REACTIONS.contains(&r) => r.to_owned(),
                Some(r) => {
                    return Err(GraphError::param(format!(
                        "Param payload[reaction] must be one of {{{}}}, got '{}'",
                        REACTIONS.join(", "),
                        r.chars().take(40).collect::<String>()
                    )))
                }
            };
            Some((mid, reaction))
        }
        _ => {
            if payload.is_some() {
                return Err(GraphError::param(format!(
                    "Param payload is not used with sender_action {action}"
                )));
            }
            None
        }
    };
    let conv = open_conversation(world, family, account, igsid, window, now)?;
    let mut out = json!({ "recipient_id": igsid });
    if let Some((mid, reaction)) = target {
        let m = world
            .messaging
            .messages
            .get_mut(&mid)
            .filter(|m| m.conversation == conv)
            .ok_or_else(|| {
                GraphError::param(
                    "Param payload[message_id] must be a message of this conversation",
                )
            })?;
        m.reactions.retain(|(by_business, _)| !by_business);
        if action == "react" {
            m.reactions.push((true, reaction));
        }
        // UNCONFIRMED: Meta's page shows no answer body for reactions; the sandbox names the
        // message reacted to, like a send names its message.
        out["message_id"] = json!(mid);
    }
    Ok(out)
}

/// A private reply: a DM to the author of a comment, once per comment, within 7 days. It does
/// not need (or open) the messaging window.
fn private_reply(
    world: &mut World,
    biz: Biz,
    comment_id: &str,
    message: &Value,
    params: &Pairs,
    now: i64,
) -> Result<Value, GraphError> {
    let c = content(world, &biz, message, now)?;
    if links::get(params, "reply_to").is_some() {
        return Err(GraphError::param(
            "Param reply_to cannot be used with recipient[comment_id]",
        ));
    }
    let account = biz
        .account
        .ok_or_else(|| GraphError::param(format!("Invalid comment_id {comment_id}")))?;
    let acc = &world.accounts[account];
    let comment = acc
        .comments
        .get(comment_id)
        .ok_or_else(|| {
            GraphError::param(format!(
                "Param recipient[comment_id] is not a comment on this account's media: {}",
                comment_id.chars().take(40).collect::<String>()
            ))
        })?
        .clone();
    if comment.from_id == acc.user.id {
        return Err(GraphError::param(
            "Param recipient[comment_id] is the account's own comment: a private reply goes to another person",
        ));
    }
    if world.messaging.private_replies.contains_key(comment_id) {
        // UNCONFIRMED: Meta documents one private reply per comment but not the error; this is
        // Graph's private-reply refusal for an activity already answered.
        return Err(GraphError::new(
            10_900,
            "(#10900) Activity already replied to: only one private reply can be sent per comment",
        ));
    }
    if now - comment.timestamp >= PRIVATE_REPLY_SECS {
        // UNCONFIRMED: the expiry is documented (7 days); the error is the window's.
        return Err(outside_window(biz.family));
    }
    let igsid = comment.from_id.clone();
    if !world.messaging.people.contains_key(&igsid) {
        let mut p = model::person_from_igsid(world.seed, &igsid);
        p.username = comment.from_username.clone();
        world.messaging.people.insert(igsid.clone(), p);
    }
    let conv = model::conversation_for(world, account, &igsid, now);
    let mid = store(world, account, &igsid, &conv, c.clone_parts(), None, now);
    world
        .messaging
        .private_replies
        .insert(comment_id.to_owned(), mid.clone());
    let mut out = json!({"recipient_id": igsid, "message_id": mid});
    finish_uploads(world, c, &mut out);
    Ok(out)
}

fn upload_id(world: &mut World) -> String {
    world.messaging.minted += 1;
    let n = 1_000_000_000_000_000
        + crate::prng::mix(world.seed ^ 0x6174_7463, world.messaging.minted)
            % 9_000_000_000_000_000;
    n.to_string()
}

/// `POST …/message_attachments` → `{attachment_id}`.
pub(crate) fn upload(world: &mut World, biz: Biz, params: &Pairs) -> Result<Value, GraphError> {
    match links::get(params, "platform") {
        Some("instagram") => {}
        None => {
            return Err(GraphError::param(
                "The parameter platform is required (instagram)",
            ))
        }
        Some(_) => return Err(GraphError::param("Param platform must be instagram")),
    }
    if biz.account.is_none() {
        return Err(GraphError::param(
            "This Page has no linked Instagram professional account",
        ));
    }
    let m = json_param(params, "message")?
        .ok_or_else(|| GraphError::param("The parameter message is required"))?;
    let m = obj(&m, "message")?;
    known_keys(m, "message", &["attachment"])?;
    let a = m
        .get("attachment")
        .ok_or_else(|| GraphError::param("Param message[attachment] is required"))?;
    let path = "message[attachment]";
    let a = obj(a, path)?;
    known_keys(a, path, &["type", "payload"])?;
    let kind = str_field(a, path, "type", true)?.unwrap_or("");
    if !matches!(kind, "image" | "audio" | "video" | "file") {
        return Err(GraphError::param(format!(
            "Param {path}[type] must be one of {{image, audio, video, file}}"
        )));
    }
    let pp = format!("{path}[payload]");
    let p = obj(
        a.get("payload")
            .ok_or_else(|| GraphError::param(format!("Param {pp} is required")))?,
        &pp,
    )?;
    known_keys(p, &pp, &["url", "is_reusable"])?;
    let url = str_field(p, &pp, "url", true)?.unwrap_or("");
    fetchable(url)?;
    let reusable = match p.get("is_reusable") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(GraphError::param(format!(
                "Param {pp}[is_reusable] must be a boolean"
            )))
        }
    };
    let id = upload_id(world);
    world.messaging.uploads.insert(
        id.clone(),
        Upload {
            account: biz.account,
            kind: kind.to_owned(),
            url: url.to_owned(),
            reusable,
            uses: 0,
        },
    );
    Ok(json!({ "attachment_id": id }))
}
