//! The fast walk over a delivery: the envelope and each update are deserialized from the body's
//! text into borrowed, typed structures, and each event's `raw` is the update's own JSON text, so
//! no JSON tree is built for the common updates (text and attachment messages, reactions, seen
//! receipts, comments). A `serde_json::Value` tree costs ~30% of its time in malloc/free, which
//! kept a tree-based parse far below the 300 MB/s the benchmark asks for.
//!
//! This walk must give exactly the events of the tree walk in `parse.rs` (the reference), so it
//! is all or nothing: [`parse`] answers `None`, and the tree walk runs, on anything unusual (an
//! error of any kind, a duplicate key, a wrong type, input only a tree would refuse). Updates it
//! has no typed reader for, or whose typed read fails, go through the same `Value` readers as
//! the tree walk, built from their text.

use super::events::{add, change, finish, messaging, put, Entry, Fields, FIELDS_CAPACITY};
use super::read::{digits, to_millis, Path};
use super::{dedupe, Event, EventType};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;
use std::marker::PhantomData;

/// The `object` values accepted (as in `parse.rs`).
const OBJECTS: [&str; 2] = ["instagram", "page"];

/// The deepest nesting the fast walk takes; serde_json's tree refuses more than 128 levels, and
/// skipped text is not depth-checked by serde_json, so deeper bodies go to the tree walk.
const MAX_DEPTH: usize = 100;

/// The events of `body`, or `None` when the tree walk must decide.
pub(super) fn parse(body: &[u8]) -> Option<Vec<Event>> {
    if !plain(body) {
        return None;
    }
    // Entries are read in the same pass as the envelope (their updates are only skipped
    // over here, to be read from their own text).
    let root: Obj<Root<'_>> = serde_json::from_slice(body).ok()?;
    let root = root.0;
    if !OBJECTS.contains(&root.object?) {
        return None;
    }
    let entries = root.entry?;
    let root_path = Path::root("entry");
    let updates: usize = entries
        .iter()
        .map(|Obj(e)| {
            let n = |l: &Option<Vec<&RawValue>>| l.as_ref().map_or(0, Vec::len);
            n(&e.changes) + n(&e.messaging) + n(&e.standby) + 1
        })
        .sum();
    let mut out = Vec::with_capacity(updates);
    for (i, Obj(e)) in entries.into_iter().enumerate() {
        entry(e, &root_path.index(i), &mut out)?;
    }
    Some(out)
}

/// Whether the text holds nothing that serde_json's tree refuses but its skipping of ignored
/// values lets through: nesting deeper than [`MAX_DEPTH`], `\u` escapes that are not valid
/// UTF-16 (lone surrogates), numbers with an exponent or of more than 300 digits (out of `f64`
/// range). Conservative: `false` only sends the body to the tree walk.
fn plain(body: &[u8]) -> bool {
    let mut depth = 0usize;
    let mut digits_run = 0usize;
    let mut prev = 0u8;
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        match b {
            b'"' => {
                i += 1;
                // Inside a string: only `"` and `\` matter.
                loop {
                    match memchr::memchr2(b'"', b'\\', &body[i.min(body.len())..]) {
                        Some(n) => i += n,
                        None => return true, // unterminated: serde_json reports it
                    }
                    match body.get(i) {
                        None => return true, // unterminated: serde_json reports it
                        Some(b'"') => break,
                        Some(b'\\') => {
                            if body.get(i + 1) == Some(&b'u') {
                                let Some(u) = hex4(body, i + 2) else {
                                    return false;
                                };
                                if (0xDC00..0xE000).contains(&u) {
                                    return false;
                                }
                                if (0xD800..0xDC00).contains(&u) {
                                    let low = (body.get(i + 6) == Some(&b'\\')
                                        && body.get(i + 7) == Some(&b'u'))
                                    .then(|| hex4(body, i + 8))
                                    .flatten();
                                    if !low.is_some_and(|l| (0xDC00..0xE000).contains(&l)) {
                                        return false;
                                    }
                                    i += 12;
                                } else {
                                    i += 6;
                                }
                            } else {
                                i += 2;
                            }
                        }
                        Some(_) => i += 1,
                    }
                }
                prev = b'"';
                digits_run = 0;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'e' | b'E' if prev.is_ascii_digit() || prev == b'.' => return false,
            b'0'..=b'9' => {
                digits_run += 1;
                if digits_run > 300 {
                    return false;
                }
            }
            _ => digits_run = 0,
        }
        if b != b'"' {
            prev = b;
        }
        i += 1;
    }
    true
}

/// The 4 hex digits at `body[at..at + 4]`.
fn hex4(body: &[u8], at: usize) -> Option<u32> {
    let s = std::str::from_utf8(body.get(at..at + 4)?).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// A JSON object read as `T`. serde's derived structs also accept a JSON list (fields by
/// position), which the tree walk refuses; this wrapper only takes objects.
struct Obj<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(V(PhantomData)).map(Obj)
    }
}

/// An id: a string, or a JSON integer written as its digits (as `read::id`).
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Id, E> {
                Ok(Id(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// An integer: a JSON integer in `i64` range or a string of 1–18 digits (as `read::as_int`).
struct Int(i64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                i64::try_from(v)
                    .map(Int)
                    .map_err(|_| E::custom("out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
                match v.parse() {
                    Ok(n) if digits(v) => Ok(Int(n)),
                    _ => Err(E::custom("not an integer")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A time in milliseconds (negative → the tree walk, which reports it).
fn millis(t: Option<Int>) -> Option<Option<i64>> {
    match t {
        Some(Int(t)) if t < 0 => None,
        t => Some(t.map(|Int(t)| to_millis(t))),
    }
}

#[derive(serde::Deserialize)]
struct Root<'a> {
    object: Option<&'a str>,
    #[serde(borrow)]
    entry: Option<Vec<Obj<EntryT<'a>>>>,
}

#[derive(serde::Deserialize)]
struct EntryT<'a> {
    id: Option<Id>,
    time: Option<Int>,
    #[serde(borrow)]
    changes: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    messaging: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    standby: Option<Vec<&'a RawValue>>,
    field: Option<String>,
    #[serde(borrow)]
    value: Option<&'a RawValue>,
}

#[derive(serde::Deserialize)]
struct ChangeT<'a> {
    field: Option<String>,
    #[serde(borrow)]
    value: Option<&'a RawValue>,
}

/// `entry[i]`, in the tree walk's order: `changes`, `field`/`value`, `messaging`, `standby`.
/// An entry with none of them (an `unknown` event keeping the whole entry) is left to the tree
/// walk, as its text is not kept here.
fn entry(e: EntryT<'_>, at: &Path<'_>, out: &mut Vec<Event>) -> Option<()> {
    if e.changes.is_none() && e.field.is_none() && e.messaging.is_none() && e.standby.is_none() {
        return None;
    }
    let account_id = e.id?.0;
    let ctx = Entry {
        account_id: &account_id,
        time: millis(e.time)?,
        path: at,
    };
    if let Some(changes) = e.changes {
        let list_at = at.key("changes");
        for (j, c) in changes.into_iter().enumerate() {
            let c_at = list_at.index(j);
            let c: Obj<ChangeT<'_>> = serde_json::from_str(c.get()).ok()?;
            out.push(update(&c.0.field?, c.0.value, &ctx, &c_at.key("value"))?);
        }
    }
    if let Some(field) = e.field {
        out.push(update(&field, e.value, &ctx, &at.key("value"))?);
    }
    for (list, standby) in [(e.messaging, false), (e.standby, true)] {
        if let Some(items) = list {
            let list_at = at.key(if standby { "standby" } else { "messaging" });
            for (j, item) in items.into_iter().enumerate() {
                out.push(item_event(item, &ctx, &list_at.index(j), standby)?);
            }
        }
    }
    Some(())
}

/// The JSON tree of one item's text (the `Value` readers' input).
fn tree(raw: &RawValue) -> Option<Value> {
    serde_json::from_str(raw.get()).ok()
}

/// A `changes[]` update (or the entry's own `field`/`value`).
fn update(field: &str, value: Option<&RawValue>, ctx: &Entry<'_>, at: &Path<'_>) -> Option<Event> {
    // An absent value is JSON null to the tree walk, and kept as `null`.
    let raw = value.map_or_else(null, RawValue::to_owned);
    if matches!(field, "comments" | "live_comments") {
        if let Some(e) = comment(field, &raw, ctx) {
            return Some(e);
        }
    }
    change(field, &tree(&raw)?, raw, ctx, at).ok()
}

fn null() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).unwrap_or_default()
}

#[derive(serde::Deserialize)]
struct CommentT {
    id: Option<Id>,
    comment_id: Option<Id>,
    text: Option<String>,
    parent_id: Option<Id>,
    from: Option<Obj<FromT>>,
    media: Option<Obj<MediaT>>,
}

#[derive(serde::Deserialize)]
struct FromT {
    id: Option<Id>,
    username: Option<String>,
}

#[derive(serde::Deserialize)]
struct MediaT {
    id: Option<Id>,
    media_product_type: Option<String>,
    ad_id: Option<Id>,
    ad_title: Option<String>,
    original_media_id: Option<Id>,
}

/// A string (or null) as a JSON value.
fn s(v: Option<String>) -> Value {
    v.map_or(Value::Null, Value::String)
}

fn sid(v: Option<Id>) -> Value {
    s(v.map(|i| i.0))
}

/// `comments` / `live_comments` (as `events/changes.rs`); `None` when the comment has no id
/// (its key is the hash of the tree) or does not read as typed.
fn comment(field: &str, raw: &RawValue, ctx: &Entry<'_>) -> Option<Event> {
    let time = ctx.time?;
    let c: Obj<CommentT> = serde_json::from_str(raw.get()).ok()?;
    let c = c.0;
    let comment_id = c.id.or(c.comment_id)?.0;
    let event_type = if field == "comments" {
        EventType::Comment
    } else {
        EventType::LiveComment
    };
    let key = dedupe::key(event_type.as_str(), &[&comment_id]);
    let mut f: Fields = Vec::with_capacity(FIELDS_CAPACITY);
    add(&mut f, "comment_id", Value::String(comment_id));
    add(&mut f, "text", s(c.text));
    add(&mut f, "parent_id", sid(c.parent_id));
    let (from_id, from_username) = c.from.map_or((None, None), |Obj(m)| (m.id, m.username));
    add(&mut f, "from_id", sid(from_id));
    add(&mut f, "from_username", s(from_username));
    let m = c.media.map(|Obj(m)| m);
    let (id, mpt, ad_id, ad_title, orig) = match m {
        Some(m) => (
            m.id,
            m.media_product_type,
            m.ad_id,
            m.ad_title,
            m.original_media_id,
        ),
        None => (None, None, None, None, None),
    };
    add(&mut f, "media_id", sid(id));
    add(&mut f, "media_product_type", s(mpt));
    add(&mut f, "ad_id", sid(ad_id));
    add(&mut f, "ad_title", s(ad_title));
    add(&mut f, "original_media_id", sid(orig));
    Some(finish(event_type, field, ctx, time, key, f, raw.to_owned()))
}

#[derive(serde::Deserialize)]
struct ItemT {
    sender: Option<Obj<Party>>,
    recipient: Option<Obj<Party>>,
    timestamp: Option<Int>,
    message: Option<Obj<MessageT>>,
    message_edit: Option<IgnoredAny>,
    reaction: Option<Obj<ReactionT>>,
    postback: Option<IgnoredAny>,
    referral: Option<IgnoredAny>,
    read: Option<Obj<ReadT>>,
}

#[derive(serde::Deserialize)]
struct Party {
    id: Option<Id>,
}

#[derive(serde::Deserialize)]
struct MessageT {
    mid: Option<String>,
    text: Option<String>,
    attachments: Option<Vec<Obj<AttachmentT>>>,
    quick_reply: Option<Obj<QuickReply>>,
    reply_to: Option<Obj<ReplyTo>>,
    referral: Option<IgnoredAny>,
    is_echo: Option<bool>,
    is_deleted: Option<bool>,
    is_unsupported: Option<bool>,
    is_self: Option<bool>,
}

#[derive(serde::Deserialize)]
struct QuickReply {
    payload: Option<String>,
}

#[derive(serde::Deserialize)]
struct ReplyTo {
    mid: Option<String>,
    story: Option<IgnoredAny>,
}

#[derive(serde::Deserialize)]
struct AttachmentT {
    #[serde(rename = "type")]
    kind: Option<String>,
    payload: Option<Obj<Payload>>,
}

/// An attachment's `payload`: `url`, and every other key as sent (in the order sent).
struct Payload {
    url: Option<String>,
    rest: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Payload;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Payload, A::Error> {
                let mut p = Payload {
                    url: None,
                    rest: Map::new(),
                };
                let mut seen_url = false;
                while let Some(k) = map.next_key::<String>()? {
                    if k == "url" {
                        if seen_url {
                            return Err(de::Error::custom("duplicate url"));
                        }
                        seen_url = true;
                        p.url = map.next_value()?;
                    } else {
                        let v: Value = map.next_value()?;
                        p.rest.insert(k, v);
                    }
                }
                Ok(p)
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(serde::Deserialize)]
struct ReactionT {
    mid: Option<String>,
    action: Option<String>,
    reaction: Option<String>,
    emoji: Option<String>,
}

#[derive(serde::Deserialize)]
struct ReadT {
    mid: Option<String>,
}

/// A `messaging[]` / `standby[]` item: typed when it is a message, reaction or seen receipt
/// with the ids its dedupe key needs, else through the `Value` reader.
fn item_event(raw: &RawValue, ctx: &Entry<'_>, at: &Path<'_>, standby: bool) -> Option<Event> {
    if let Some(e) = typed_item(raw, ctx, standby) {
        return Some(e);
    }
    messaging(&tree(raw)?, raw.to_owned(), ctx, at, standby).ok()
}

fn typed_item(raw: &RawValue, ctx: &Entry<'_>, standby: bool) -> Option<Event> {
    let m: Obj<ItemT> = serde_json::from_str(raw.get()).ok()?;
    let m = m.0;
    let mut f: Fields = Vec::with_capacity(FIELDS_CAPACITY);
    let sender = m.sender.and_then(|Obj(p)| p.id).map(|i| i.0);
    let recipient = m.recipient.and_then(|Obj(p)| p.id).map(|i| i.0);
    let timestamp = millis(m.timestamp)?;
    let time = ctx.time.or(timestamp)?;
    let ts = timestamp.map(|t| t.to_string());
    // The dedupe parts of receipts without a mid: who, to whom, when.
    let who =
        || -> Option<Vec<String>> { Some(vec![sender.clone()?, recipient.clone()?, ts.clone()?]) };
    add(&mut f, "sender_id", s(sender.clone()));
    add(&mut f, "recipient_id", s(recipient.clone()));
    add(
        &mut f,
        "timestamp",
        timestamp.map_or(Value::Null, Value::from),
    );
    add(&mut f, "is_standby", Value::Bool(standby));
    let (event_type, field, parts): (EventType, &str, Vec<String>) = if let Some(Obj(msg)) =
        m.message
    {
        if msg.referral.is_some() || msg.reply_to.as_ref().is_some_and(|r| r.0.story.is_some()) {
            return None;
        }
        let t = message(msg, &mut f)?;
        let mid = match f.iter().find(|(k, _)| *k == "mid") {
            Some((_, Value::String(mid))) => mid.clone(),
            _ => return None,
        };
        (t, "messages", vec![mid])
    } else if m.message_edit.is_some() {
        return None;
    } else if let Some(Obj(r)) = m.reaction {
        let parts = vec![
            r.mid.clone()?,
            r.action.clone()?,
            r.reaction.clone().unwrap_or_else(|| "-".to_owned()),
            ts.clone()?,
        ];
        add(&mut f, "mid", s(r.mid));
        add(&mut f, "action", s(r.action));
        add(&mut f, "reaction", s(r.reaction));
        add(&mut f, "emoji", s(r.emoji));
        (EventType::Reaction, "message_reactions", parts)
    } else if m.postback.is_some() || m.referral.is_some() {
        return None;
    } else if let Some(Obj(r)) = m.read {
        let parts = match &r.mid {
            Some(mid) => vec![mid.clone()],
            None => who()?,
        };
        add(&mut f, "mid", s(r.mid));
        (EventType::Seen, "messaging_seen", parts)
    } else {
        return None;
    };
    let (field, prefix) = if standby {
        ("standby", format!("standby:{}", event_type.as_str()))
    } else {
        (field, event_type.as_str().to_owned())
    };
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let key = dedupe::key(&prefix, &parts);
    Some(finish(event_type, field, ctx, time, key, f, raw.to_owned()))
}

/// A `message` item's fields (as `events/messaging.rs`), without referral and story replies.
fn message(msg: MessageT, f: &mut Fields) -> Option<EventType> {
    add(f, "mid", s(msg.mid));
    add(f, "text", s(msg.text));
    let attachments = match msg.attachments {
        Some(items) => Value::Array(items.into_iter().map(|Obj(a)| attachment(a)).collect()),
        None => Value::Null,
    };
    add(f, "attachments", attachments);
    add(
        f,
        "quick_reply_payload",
        s(msg.quick_reply.and_then(|Obj(q)| q.payload)),
    );
    add(f, "reply_to_mid", s(msg.reply_to.and_then(|Obj(r)| r.mid)));
    add(f, "reply_to_story", Value::Null);
    add(f, "referral", Value::Null);
    let flags = [
        msg.is_echo.unwrap_or(false),
        msg.is_deleted.unwrap_or(false),
        msg.is_unsupported.unwrap_or(false),
        msg.is_self.unwrap_or(false),
    ];
    for (k, v) in ["is_echo", "is_deleted", "is_unsupported", "is_self"]
        .into_iter()
        .zip(flags)
    {
        add(f, k, Value::Bool(v));
    }
    Some(match flags {
        [_, true, ..] => EventType::MessageDeleted,
        [true, ..] => EventType::MessageEcho,
        _ => EventType::Message,
    })
}

fn attachment(a: AttachmentT) -> Value {
    let (mut o, url) = match a.payload {
        Some(Obj(p)) => (p.rest, p.url),
        None => (Map::new(), None),
    };
    put(&mut o, "type", s(a.kind));
    put(&mut o, "url", s(url));
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events compared with `raw` as a JSON value (the tree walk writes it back compactly).
    fn same(a: &[Event], b: &[Event]) -> bool {
        let value = |e: &Event| -> Value { serde_json::from_str(e.raw.get()).unwrap() };
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                x.event_type == y.event_type
                    && x.field == y.field
                    && x.account_id == y.account_id
                    && x.time == y.time
                    && x.dedupe_key == y.dedupe_key
                    && x.fields == y.fields
                    && value(x) == value(y)
            })
    }

    /// Whatever the fast walk answers is what the tree walk answers.
    fn agrees(body: &[u8]) -> bool {
        match parse(body) {
            Some(fast) => match crate::webhook::parse::parse_tree(body) {
                Ok(tree) => {
                    assert!(same(&fast, &tree), "{}", String::from_utf8_lossy(body));
                    true
                }
                Err(e) => panic!("fast walk accepted what the tree refuses: {e}"),
            },
            None => false,
        }
    }

    #[test]
    fn every_fixture_gives_the_tree_walks_events() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/webhooks");
        let mut fast = 0;
        let mut bodies = 0;
        for sub in ["events", "invalid"] {
            for f in std::fs::read_dir(format!("{dir}/{sub}")).unwrap() {
                let path = f.unwrap().path();
                if path.extension().is_some_and(|x| x == "body") {
                    bodies += 1;
                    fast += usize::from(agrees(&std::fs::read(&path).unwrap()));
                }
            }
        }
        assert!(
            bodies > 30 && fast > bodies / 2,
            "{fast} of {bodies} bodies fast"
        );
    }

    #[test]
    fn odd_items_give_the_tree_walks_events() {
        let entry = |items: &str| {
            format!(
                r#"{{"object":"instagram","entry":[{{"id":7,"time":5,"messaging":[{items}]}}]}}"#
            )
        };
        for item in [
            r#"{"sender":{"id":1},"recipient":{"id":"2"},"timestamp":"9","message":{"mid":"m","mid":"n"}}"#,
            r#"{"sender":{"id":1},"recipient":{"id":"2"},"message":{"text":"no mid"}}"#,
            r#"{"sender":{"id":1},"recipient":{"id":"2"},"message":{"mid":"m","is_echo":true,"attachments":[{"type":"image","payload":{"url":"u","type":"x","url2":[1]}}]}}"#,
            r#"{"sender":{"id":1},"recipient":{"id":"2"},"message":null,"reaction":{"mid":"m","action":"unreact"},"timestamp":3}"#,
            r#"{"sender":{"id":1},"recipient":{"id":"2"},"reaction":{"mid":"m","action":"react"}}"#,
            r#"{"sender":{"id":1},"recipient":{"id":"2"},"timestamp":4,"read":{}}"#,
            r#"{"sender":{"id":1},"read":{}}"#,
            r#"{"message":{"mid":"m","reply_to":{"mid":"r","story":{"id":"s","url":"u"}}}}"#,
            r#"{"message":{"mid":"m","referral":{"ref":"r"}},"reaction":7}"#,
            r#"{"postback":{"mid":"p"},"read":{"mid":"x"}}"#,
            r#"{"optin":{"type":"t"},"timestamp":1}"#,
            r#"7"#,
        ] {
            agrees(entry(item).as_bytes());
        }
        let change = |c: &str| {
            format!(r#"{{"object":"page","entry":[{{"id":"7","time":5,"changes":[{c}]}}]}}"#)
        };
        for c in [
            r#"{"field":"comments","value":{"id":"c","comment_id":true,"from":{"id":3},"media":{"id":4,"ad_title":"t"}}}"#,
            r#"{"field":"live_comments","value":{"comment_id":"c","text":"\u00e9\/"}}"#,
            r#"{"field":"comments","value":{"text":"no id"}}"#,
            r#"{"field":"comments","value":["c"]}"#,
            r#"{"field":"other"}"#,
            r#"{"field":"mentions","value":{"media_id":1}}"#,
        ] {
            agrees(change(c).as_bytes());
        }
        assert!(agrees(br#"{"object":"instagram","entry":[{"id":"1","time":2,"field":"comments","value":{"id":"c"}}]}"#));
        // An entry of no known envelope is the tree walk's.
        assert!(!agrees(br#"{"object":"instagram","entry":[{"id":"1","time":2},{"id":"1","time":2,"field":"comments","value":{"id":"c"}}]}"#));
    }

    #[test]
    fn plain_text_goes_fast_and_odd_text_to_the_tree() {
        assert!(plain(
            br#"{"a":["x\u00e9\ud83d\ude0a\/",1.5,-2,true,false,null]}"#
        ));
        assert!(!plain(br#"{"a":"\ud83d"}"#));
        assert!(!plain(br#"{"a":"\ude0a"}"#));
        assert!(!plain(br#"{"a":"\ud83d\u0041"}"#));
        assert!(!plain(br#"{"a":1e400}"#));
        assert!(!plain(br#"{"a":1.5E3}"#));
        assert!(!plain("[".repeat(101).as_bytes()));
        assert!(plain("[".repeat(100).as_bytes()));
        assert!(!plain(format!("[{}]", "9".repeat(301)).as_bytes()));
        assert!(plain(br#"{"e":"1e5","E":true}"#));
    }

    #[test]
    fn lists_are_not_read_as_objects() {
        assert!(serde_json::from_str::<Obj<ReadT>>(r#"["m"]"#).is_err());
        assert_eq!(
            serde_json::from_str::<Obj<ReadT>>(r#"{"mid":"m"}"#)
                .unwrap()
                .0
                .mid
                .as_deref(),
            Some("m")
        );
    }
}
