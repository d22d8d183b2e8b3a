//! `messaging[]` and `standby[]` items (graph-api.md §3.4–3.5): each item is routed by the key
//! that says what it is (`message`, `reaction`, `read`, ...), not by the subscription field, so
//! that reactions and seen receipts are never mislabelled as messages.

use super::{add, dedupe_key, finish, get, got, put, Entry, Fields, FIELDS_CAPACITY};
use crate::error::Result;
use crate::webhook::read::{flag, id, int, invalid, list, obj, s, so, text, time_ms, wrong, Path};
use crate::webhook::{Event, EventType};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Thread-control items (Messenger handover protocol, kept for Instagram's Conversation
/// Routing): the key names the variant.
const HANDOVER: [&str; 4] = [
    "pass_thread_control",
    "take_thread_control",
    "request_thread_control",
    "app_roles",
];

/// Opt-in fields (Messenger `optin` shape; unconfirmed for Instagram, so copied as sent).
const OPTIN: [&str; 11] = [
    "type",
    "payload",
    "ref",
    "user_ref",
    "title",
    "notification_messages_token",
    "notification_messages_frequency",
    "notification_messages_timezone",
    "notification_messages_status",
    "token_expiry_timestamp",
    "user_token_status",
];

/// Normalize one `messaging[]` (or, with `standby`, `standby[]`) item; `at` is its path.
pub(in crate::webhook) fn messaging(
    item: &Value,
    raw: Box<RawValue>,
    entry: &Entry<'_>,
    at: &Path<'_>,
    standby: bool,
) -> Result<Event> {
    let Value::Object(m) = item else {
        return Err(wrong(at, "an object", item));
    };
    let mut f: Fields = Vec::with_capacity(FIELDS_CAPACITY);
    let party = |key: &'static str| -> Result<Option<String>> {
        match obj(m, key, at)? {
            Some(p) => id(p, "id", &at.key(key)),
            None => Ok(None),
        }
    };
    add(&mut f, "sender_id", so(party("sender")?));
    add(&mut f, "recipient_id", so(party("recipient")?));
    let timestamp = time_ms(m, "timestamp", at)?;
    add(
        &mut f,
        "timestamp",
        timestamp.map_or(Value::Null, Value::from),
    );
    add(&mut f, "is_standby", Value::Bool(standby));
    let time = match (entry.time, timestamp) {
        (Some(t), _) | (None, Some(t)) => t,
        (None, None) => {
            return Err(invalid(
                &entry.path.key("time"),
                "missing (and the item has no timestamp)",
            ))
        }
    };

    let (event_type, field, handover) = kind(m);
    let key_of = |k: &'static str| at.key(k);
    match event_type {
        EventType::Message => {
            let p = key_of("message");
            let msg = object(m, "message", at)?;
            let t = message(msg, &p, &mut f)?;
            return done(t, field, standby, entry, time, f, item, raw);
        }
        EventType::MessageEdit => {
            let p = key_of("message_edit");
            let e = object(m, "message_edit", at)?;
            add(&mut f, "mid", s(text(e, "mid", &p)?));
            add(&mut f, "text", s(text(e, "text", &p)?));
            add(&mut f, "num_edit", num_edit(e, &p)?);
        }
        EventType::Reaction => {
            let p = key_of("reaction");
            let r = object(m, "reaction", at)?;
            for k in ["mid", "action", "reaction", "emoji"] {
                add(&mut f, k, s(text(r, k, &p)?));
            }
        }
        EventType::Postback => {
            let p = key_of("postback");
            let b = object(m, "postback", at)?;
            for k in ["mid", "title", "payload"] {
                add(&mut f, k, s(text(b, k, &p)?));
            }
        }
        EventType::Referral => {
            let p = key_of("referral");
            let r = object(m, "referral", at)?;
            for (k, v) in referral(r, &p)? {
                add(&mut f, k, v);
            }
        }
        EventType::Seen => {
            let p = key_of("read");
            let r = object(m, "read", at)?;
            add(&mut f, "mid", s(text(r, "mid", &p)?));
        }
        EventType::Optin => {
            let o = object(m, "optin", at)?;
            for k in OPTIN {
                add(&mut f, k, o.get(k).cloned().unwrap_or(Value::Null));
            }
        }
        EventType::Handover => {
            let name = handover.unwrap_or("pass_thread_control");
            let p = key_of(name);
            let h = object(m, name, at)?;
            add(&mut f, "handover_type", Value::from(name));
            for k in [
                "previous_owner_app_id",
                "new_owner_app_id",
                "requested_owner_app_id",
            ] {
                add(&mut f, k, so(id(h, k, &p)?));
            }
            add(
                &mut f,
                "metadata",
                h.get("metadata").cloned().unwrap_or(Value::Null),
            );
            let roles = if name == "app_roles" {
                Value::Object(h.clone())
            } else {
                Value::Null
            };
            add(&mut f, "app_roles", roles);
        }
        _ => {}
    }
    done(event_type, field, standby, entry, time, f, item, raw)
}

/// Which item this is: the event type, its webhook field, and for handover the variant key.
fn kind(m: &Map<String, Value>) -> (EventType, &'static str, Option<&'static str>) {
    let has = |k: &str| m.get(k).is_some_and(|v| !v.is_null());
    if has("message") {
        (EventType::Message, "messages", None)
    } else if has("message_edit") {
        (EventType::MessageEdit, "message_edit", None)
    } else if has("reaction") {
        (EventType::Reaction, "message_reactions", None)
    } else if has("postback") {
        (EventType::Postback, "messaging_postbacks", None)
    } else if has("referral") {
        (EventType::Referral, "messaging_referral", None)
    } else if has("read") {
        (EventType::Seen, "messaging_seen", None)
    } else if has("optin") {
        (EventType::Optin, "messaging_optins", None)
    } else if let Some(h) = HANDOVER.into_iter().find(|k| has(k)) {
        (EventType::Handover, "messaging_handover", Some(h))
    } else {
        (EventType::Unknown, "messaging", None)
    }
}

/// `m[key]`, which [`kind`] saw present, as an object.
fn object<'v>(
    m: &'v Map<String, Value>,
    key: &str,
    at: &Path<'_>,
) -> Result<&'v Map<String, Value>> {
    obj(m, key, at)?.ok_or_else(|| invalid(&at.key(key), "missing"))
}

/// The dedupe key and the event. Items with a message id are keyed by it; the others by who,
/// to whom and when (stable across redeliveries: Meta resends the same item).
#[allow(clippy::too_many_arguments)] // the item as read (`item`) and as sent (`raw`) both travel
fn done(
    event_type: EventType,
    field: &str,
    standby: bool,
    entry: &Entry<'_>,
    time: i64,
    f: Fields,
    item: &Value,
    raw: Box<RawValue>,
) -> Result<Event> {
    let field = if standby { "standby" } else { field };
    let prefix = if standby {
        format!("standby:{}", event_type.as_str())
    } else {
        event_type.as_str().to_owned()
    };
    let ts = get(&f, "timestamp")
        .and_then(Value::as_i64)
        .map(|t| t.to_string());
    let num = get(&f, "num_edit").map(|n| match n {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let key = {
        let parts = key_parts(event_type, &f, ts.as_deref(), num.as_deref());
        dedupe_key(&prefix, parts.as_deref(), field, entry, time, item)
    };
    Ok(finish(event_type, field, entry, time, key, f, raw))
}

fn key_parts<'f>(
    event_type: EventType,
    f: &'f Fields,
    ts: Option<&'f str>,
    num_edit: Option<&'f str>,
) -> Option<Vec<&'f str>> {
    let who = |mut p: Vec<&'f str>| -> Option<Vec<&'f str>> {
        p.extend([got(f, "sender_id")?, got(f, "recipient_id")?, ts?]);
        Some(p)
    };
    let mid = got(f, "mid");
    match event_type {
        EventType::Message | EventType::MessageEcho | EventType::MessageDeleted => {
            mid.map(|m| vec![m])
        }
        EventType::MessageEdit => mid.map(|m| vec![m, num_edit.unwrap_or("null")]),
        // A person can react, unreact and react again to one message: the time tells them apart.
        EventType::Reaction => Some(vec![
            mid?,
            got(f, "action")?,
            got(f, "reaction").unwrap_or("-"),
            ts?,
        ]),
        EventType::Postback | EventType::Seen => match mid {
            Some(m) => Some(vec![m]),
            None => who(Vec::new()),
        },
        EventType::Referral | EventType::Optin => who(Vec::new()),
        EventType::Handover => who(vec![got(f, "handover_type").unwrap_or("-")]),
        _ => None,
    }
}

/// `num_edit`: an integer; Meta's example shows a string placeholder, so digit strings become
/// integers and any other string is kept as sent.
fn num_edit(e: &Map<String, Value>, at: &Path<'_>) -> Result<Value> {
    match e.get("num_edit") {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(Value::String(s)) => Ok(match s.parse::<i64>() {
            Ok(n) if crate::webhook::read::digits(s) => Value::from(n),
            _ => Value::String(s.clone()),
        }),
        Some(_) => Ok(int(e, "num_edit", at)?.map_or(Value::Null, Value::from)),
    }
}

/// `message` items: texts, attachments, replies, referrals, echoes, deletions.
fn message(msg: &Map<String, Value>, at: &Path<'_>, f: &mut Fields) -> Result<EventType> {
    add(f, "mid", s(text(msg, "mid", at)?));
    add(f, "text", s(text(msg, "text", at)?));
    let attachments = match list(msg, "attachments", at)? {
        Some(items) => {
            let list_at = at.key("attachments");
            let mut out = Vec::with_capacity(items.len());
            for (i, a) in items.iter().enumerate() {
                out.push(attachment(a, &list_at.index(i))?);
            }
            Value::Array(out)
        }
        None => Value::Null,
    };
    add(f, "attachments", attachments);
    let qr = match obj(msg, "quick_reply", at)? {
        Some(q) => text(q, "payload", &at.key("quick_reply"))?,
        None => None,
    };
    add(f, "quick_reply_payload", s(qr));
    let rt_at = at.key("reply_to");
    let (reply_mid, story) = match obj(msg, "reply_to", at)? {
        Some(rt) => (text(rt, "mid", &rt_at)?, obj(rt, "story", &rt_at)?),
        None => (None, None),
    };
    add(f, "reply_to_mid", s(reply_mid));
    let story = match story {
        Some(st) => {
            let st_at = rt_at.key("story");
            let mut o = Map::new();
            put(&mut o, "id", so(id(st, "id", &st_at)?));
            put(&mut o, "url", s(text(st, "url", &st_at)?));
            put(
                &mut o,
                "link_sticker_url",
                s(text(st, "link_sticker_url", &st_at)?),
            );
            Value::Object(o)
        }
        None => Value::Null,
    };
    add(f, "reply_to_story", story);
    let referral_v = match obj(msg, "referral", at)? {
        Some(r) => Value::Object(
            referral(r, &at.key("referral"))?
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        ),
        None => Value::Null,
    };
    add(f, "referral", referral_v);
    let mut flags = [false; 4];
    for (slot, k) in flags
        .iter_mut()
        .zip(["is_echo", "is_deleted", "is_unsupported", "is_self"])
    {
        *slot = flag(msg, k, at)?;
        add(f, k, Value::Bool(*slot));
    }
    // A deletion is what happened even when the business deleted (an echo of a deletion).
    Ok(match flags {
        [_, true, ..] => EventType::MessageDeleted,
        [true, ..] => EventType::MessageEcho,
        _ => EventType::Message,
    })
}

/// One attachment: `type`, `url` (from `payload.url`; `ephemeral` has none) and the other
/// payload fields as sent (`title`, `reel_video_id`, `sticker_id`, ...).
fn attachment(a: &Value, at: &Path<'_>) -> Result<Value> {
    let Value::Object(a) = a else {
        return Err(wrong(at, "an object", a));
    };
    let mut o = Map::new();
    let payload = obj(a, "payload", at)?;
    let url = match payload {
        Some(p) => {
            for (k, v) in p {
                if k != "url" {
                    o.insert(k.clone(), v.clone());
                }
            }
            text(p, "url", &at.key("payload"))?
        }
        None => None,
    };
    put(&mut o, "type", s(text(a, "type", at)?));
    put(&mut o, "url", s(url));
    Ok(Value::Object(o))
}

/// A referral (click-to-DM ad, ig.me link, shop product): `ref`, `source`, `type`, `ad_id`,
/// plus `ads_context_data` as sent and `product_id` (`referral.product.id`).
fn referral(r: &Map<String, Value>, at: &Path<'_>) -> Result<[(&'static str, Value); 6]> {
    let product_id = match obj(r, "product", at)? {
        Some(p) => id(p, "id", &at.key("product"))?,
        None => None,
    };
    let ads = match obj(r, "ads_context_data", at)? {
        Some(d) => Value::Object(d.clone()),
        None => Value::Null,
    };
    Ok([
        ("ref", s(text(r, "ref", at)?)),
        ("source", s(text(r, "source", at)?)),
        ("type", s(text(r, "type", at)?)),
        ("ad_id", so(id(r, "ad_id", at)?)),
        ("ads_context_data", ads),
        ("product_id", so(product_id)),
    ])
}
