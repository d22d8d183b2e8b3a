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
//! Files: `signature.rs` (HMAC checks), `subscription.rs` (GET handshake), `parse.rs` (the
//! envelope walk), `events/` (one update → one [`Event`]), `read.rs` (typed reads with JSON-path
//! errors), `dedupe.rs` (dedupe keys), `fields.rs` (the subscribable fields catalogue).

mod dedupe;
mod events;
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

/// One normalized webhook event. Serializes flat: the common fields, then `fields`, then `raw`.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    pub fields: Map<String, Value>,
    /// The original item (`messaging[]`/`standby[]` element or `changes[]` value) as sent.
    pub raw: Value,
}

/// [`parse`] serialized as one JSON array (what the bindings hand to Node and Python).
pub fn parse_to_json(raw_body: &[u8]) -> Result<String> {
    let events = parse(raw_body)?;
    serde_json::to_string(&events)
        .map_err(|e| Error::internal(format!("webhook payload: cannot serialize events: {e}")))
}
