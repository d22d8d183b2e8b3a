//! Webhooks: verify Meta's signature over the raw body, answer the subscription handshake, and
//! parse a delivery into normalized events (reference/graph-api.md §3).
//!
//! Contract (relied on by the bindings and by outside checks): [`verify_signature`],
//! [`verify_signature_headers`], [`verify_subscription`], [`parse`], [`parse_to_json`],
//! [`fields`]. Normalized events use the same snake_case names in every language.
//!
//! Decisions the contract leaves open (also in fixtures/webhooks/README.md): `object` must be
//! `instagram` or `page` (any other object is another integration's delivery → error); the
//! flags `is_echo`, `is_deleted`, `is_unsupported`, `is_self`, `is_standby` are always booleans
//! (`false` when Meta omits them) while every other absent value is JSON null; ids sent as JSON
//! integers become strings; `num_edit` digit strings become integers; `reply_to_story` also
//! carries `link_sticker_url`, `referral` also `ads_context_data` and `product_id`.
//!
//! `raw` is each update's JSON text exactly as Meta sent it (escapes such as `\u00e9` and `\/`
//! included), so it parses to the same JSON value as the item and serializes unchanged.
//!
//! Files: `signature.rs` (HMAC checks), `subscription.rs` (GET handshake), `parse.rs` (the
//! envelope walk over a JSON tree, the reference), `fast.rs` (the same walk over borrowed text
//! and typed structures, used first), `events/` (one update → one [`Event`]), `read.rs` (typed
//! reads with JSON-path errors), `dedupe.rs` (dedupe keys), `fields.rs` (the subscribable fields
//! catalogue).

mod dedupe;
mod events;
mod fast;
mod fields;
mod parse;
mod read;
mod schema;
mod signature;
mod subscription;

pub use fields::fields;
pub use parse::parse;
pub use schema::event_schema;
pub use signature::{verify_signature, verify_signature_headers};
pub use subscription::verify_subscription;

use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The largest body [`parse`] accepts (Meta batches at most 1,000 updates per POST).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What a normalized event is. `Unknown` keeps anything not recognised (with `raw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventType {
    /// An incoming direct message (`messages`).
    Message,
    /// A message the business sent (`messages` with `is_echo`).
    MessageEcho,
    /// The person unsent a message (`messages` with `is_deleted`).
    MessageDeleted,
    /// A message was edited (`message_edit`).
    MessageEdit,
    /// A reaction was added or removed (`message_reactions`).
    Reaction,
    /// A button or ice breaker was tapped (`messaging_postbacks`).
    Postback,
    /// An ig.me link with `ref` opened an existing thread (`messaging_referral`).
    Referral,
    /// A seen receipt (`messaging_seen`).
    Seen,
    /// An opt-in (`messaging_optins`).
    Optin,
    /// Thread control passed, taken or requested (`messaging_handover`).
    Handover,
    /// A comment or reply on a media (`comments`).
    Comment,
    /// A comment on a live broadcast (`live_comments`).
    LiveComment,
    /// The account was @mentioned in a caption or comment (`mentions`).
    Mention,
    /// A story expired, with its insights (`story_insights`).
    StoryInsights,
    /// Anything not recognised.
    Unknown,
}

impl EventType {
    /// The stable snake_case name (`message_echo`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            EventType::Message => "message",
            EventType::MessageEcho => "message_echo",
            EventType::MessageDeleted => "message_deleted",
            EventType::MessageEdit => "message_edit",
            EventType::Reaction => "reaction",
            EventType::Postback => "postback",
            EventType::Referral => "referral",
            EventType::Seen => "seen",
            EventType::Optin => "optin",
            EventType::Handover => "handover",
            EventType::Comment => "comment",
            EventType::LiveComment => "live_comment",
            EventType::Mention => "mention",
            EventType::StoryInsights => "story_insights",
            EventType::Unknown => "unknown",
        }
    }
}

/// An event's own fields: `(name, value)` pairs in name order, each name once. A map whose
/// names are the contract's fixed snake_case names, so building one allocates no key (on a
/// 1,000-update delivery the keys of a `serde_json::Map` cost more than the parse itself).
/// Serializes as a JSON object in name order, as a `serde_json::Map` does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    /// Sorted by name; of a repeated name the last value is kept (as a map insert does).
    pub(crate) fn from_pairs(mut pairs: Vec<(&'static str, Value)>) -> Self {
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        pairs.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(later, kept);
            }
            same
        });
        Fields(pairs)
    }
    /// The value of field `key`, if the event's type has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .binary_search_by(|(k, _)| (*k).cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }
    /// The fields in name order.
    pub fn iter(&self) -> FieldsIter<'_> {
        self.into_iter()
    }
    /// How many fields the event has.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether the event has no fields of its own (`unknown` events).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `fields[key]`: the value, or JSON null for a name the event does not have (like
/// `serde_json::Value`'s indexing, never a panic).
impl std::ops::Index<&str> for Fields {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

/// The iterator of [`Fields::iter`]: `(name, value)` in name order.
pub type FieldsIter<'a> = std::iter::Map<
    std::slice::Iter<'a, (&'static str, Value)>,
    fn(&'a (&'static str, Value)) -> (&'static str, &'a Value),
>;

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'static str, &'a Value);
    type IntoIter = FieldsIter<'a>;
    fn into_iter(self) -> FieldsIter<'a> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Fields as a `serde_json::Map` (for code that wants one).
impl From<&Fields> for Map<String, Value> {
    fn from(f: &Fields) -> Self {
        f.iter().map(|(k, v)| (k.to_owned(), v.clone())).collect()
    }
}

/// One normalized webhook event. Serializes flat: the common fields, then `fields`, then `raw`.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// What happened.
    pub event_type: EventType,
    /// The webhook field it came under (`messages`, `comments`, `standby`, ...).
    pub field: String,
    /// The entry id: the Instagram professional account the event is for.
    pub account_id: String,
    /// The entry time in integer milliseconds (Meta sends seconds or milliseconds).
    pub time: i64,
    /// Stable across parses of the same item, distinct within a delivery.
    pub dedupe_key: String,
    /// The type's own fields (`sender_id`, `mid`, `comment_id`, ...), snake_case; every key of
    /// the type is present, JSON null when Meta did not send it.
    #[serde(flatten)]
    pub fields: Fields,
    /// The original item (`messaging[]`/`standby[]` element or `changes[]` value): its JSON
    /// text as sent, serialized unchanged (`serde_json::from_str(raw.get())` gives a `Value`).
    /// Deliveries only the tree walk reads (an entry of no known envelope, duplicate keys, a
    /// lone surrogate, nesting deeper than 100; see `parse.rs`) carry the same JSON value
    /// written back compactly instead.
    pub raw: Box<RawValue>,
}

/// Equal when every field is, `raw` compared as text (`RawValue` has no equality of its own).
impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.event_type == other.event_type
            && self.field == other.field
            && self.account_id == other.account_id
            && self.time == other.time
            && self.dedupe_key == other.dedupe_key
            && self.fields == other.fields
            && self.raw.get() == other.raw.get()
    }
}

/// [`parse`] serialized as one JSON array (what the bindings hand to Node and Python).
pub fn parse_to_json(raw_body: &[u8]) -> Result<String> {
    let events = parse(raw_body)?;
    serde_json::to_string(&events)
        .map_err(|e| Error::internal(format!("webhook payload: cannot serialize events: {e}")))
}
