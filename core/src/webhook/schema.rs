//! The normalized events' schema: every event type, its keys, their JSON types and
//! nullability. The Node and Python type declarations are generated from it
//! (node-package/scripts/generate.mjs, python-package/tools/generate.py), and
//! core/tests/it/webhook_schema.rs checks every fixture event against it, so the declared
//! types cannot drift from what `events/` produces.
//!
//! Shape: `{"common": [key], "messaging": [key], "events": [event], "webhook_field": [key]}`.
//! An event is `{"name", "event_types": [...], "doc", "messaging": "always"|"never"|"sometimes",
//! "keys": [key]}` (`sometimes`: only `unknown`, whose messaging items keep the messaging keys).
//! A key is `{"key", "type", "nullable", "doc"}` where `type` is `{"type": "string"}` (optional
//! `"enum"`), `integer`, `boolean`, `any` (as sent), `map` (an object of any keys, as sent),
//! `{"type": "object", "name", "doc", "keys": [key], "open"}` (fixed keys; `open`: other keys as
//! sent too) or `{"type": "array", "items": type}`.

use serde_json::{json, Value};

/// A string.
fn string() -> Value {
    json!({"type": "string"})
}

/// One of `values`.
fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

/// A key of `ty`; `nullable`: JSON null when Meta did not send it (the key is still present).
fn key(name: &str, ty: Value, nullable: bool, doc: &str) -> Value {
    json!({"key": name, "type": ty, "nullable": nullable, "doc": doc})
}

/// A nullable string key, the common case.
fn text(name: &str, doc: &str) -> Value {
    key(name, string(), true, doc)
}

/// An event type's entry.
fn event(name: &str, types: &[&str], messaging: &str, doc: &str, keys: Vec<Value>) -> Value {
    json!({"name": name, "event_types": types, "doc": doc, "messaging": messaging, "keys": keys})
}

/// Every `event_type` [`super::parse`] produces, in [`super::EventType`] order.
const EVENT_TYPES: [&str; 15] = [
    "message",
    "message_echo",
    "message_deleted",
    "message_edit",
    "reaction",
    "postback",
    "referral",
    "seen",
    "optin",
    "handover",
    "comment",
    "live_comment",
    "mention",
    "story_insights",
    "unknown",
];

/// The referral keys (`messaging_referral` events and `message.referral`).
fn referral_keys() -> Vec<Value> {
    vec![
        text("ref", "The `ref` parameter of the ig.me link or ad."),
        text("source", "Where it came from (`ADS`, `SHORTLINK`, ...)."),
        text("type", "`OPEN_THREAD` and the like."),
        text("ad_id", "The ad's id, for click-to-DM ads."),
        key(
            "ads_context_data",
            json!({"type": "map"}),
            true,
            "The ad's `ads_context_data` as sent (`ad_title`, `photo_url`, ...).",
        ),
        text(
            "product_id",
            "`referral.product.id`, from an Instagram Shop product page.",
        ),
    ]
}

/// The keys every event has.
fn common() -> Vec<Value> {
    vec![
        key("event_type", one_of(&EVENT_TYPES), false, "What happened: narrow on it."),
        key(
            "field",
            string(),
            false,
            "The webhook field it came under (`messages`, `message_reactions`, `comments`, `standby`, ...).",
        ),
        key(
            "account_id",
            string(),
            false,
            "The entry id: the Instagram professional account the event is for.",
        ),
        key(
            "time",
            json!({"type": "integer"}),
            false,
            "The entry time in milliseconds (Meta sends seconds or milliseconds).",
        ),
        key(
            "dedupe_key",
            string(),
            false,
            "Stable across parses of the same item, distinct within a delivery: deduplicate on it (Meta redelivers).",
        ),
        key(
            "raw",
            json!({"type": "map"}),
            false,
            "The original item as sent (`messaging[]`/`standby[]` element or `changes[]` value).",
        ),
    ]
}

/// The keys of every `messaging[]`/`standby[]` item.
fn messaging() -> Vec<Value> {
    vec![
        text(
            "sender_id",
            "Who sent it: the customer's IGSID, or the account itself for echoes.",
        ),
        text("recipient_id", "Who received it."),
        key(
            "timestamp",
            json!({"type": "integer"}),
            true,
            "When it happened, in milliseconds.",
        ),
        key(
            "is_standby",
            json!({"type": "boolean"}),
            false,
            "True for items of the `standby` envelope (another app owns the thread).",
        ),
    ]
}

/// A boolean flag, `false` when Meta omits it.
fn flag(name: &str, doc: &str) -> Value {
    key(name, json!({"type": "boolean"}), false, doc)
}

/// `message`/`message_echo`/`message_deleted` keys (events/messaging.rs `message`).
fn message_keys() -> Vec<Value> {
    let attachment = json!({
        "type": "object",
        "name": "WebhookAttachment",
        "doc": "One message attachment (`type` as Meta names it: image, video, audio, file, share, ig_reel, story_mention, ephemeral, ...); the other payload fields as sent.",
        "open": true,
        "keys": [
            text("type", "The attachment kind."),
            text("url", "The CDN URL (expires; null for `ephemeral`)."),
        ],
    });
    let story = json!({
        "type": "object",
        "name": "WebhookStoryReply",
        "doc": "The story a message replies to.",
        "open": false,
        "keys": [
            text("id", "The story's media id."),
            text("url", "The story's CDN URL (expires)."),
            text("link_sticker_url", "The story's link sticker URL, when it has one."),
        ],
    });
    let referral = json!({
        "type": "object",
        "name": "WebhookReferral",
        "doc": "The ad or ig.me link that opened the conversation.",
        "open": false,
        "keys": referral_keys(),
    });
    vec![
        text("mid", "The message id."),
        text("text", "The message text."),
        key(
            "attachments",
            json!({"type": "array", "items": attachment}),
            true,
            "The attachments, in order.",
        ),
        text(
            "quick_reply_payload",
            "The payload of the quick reply tapped.",
        ),
        text("reply_to_mid", "The message this one replies to."),
        key(
            "reply_to_story",
            story,
            true,
            "The story this message replies to.",
        ),
        key(
            "referral",
            referral,
            true,
            "The ad or link that opened the thread.",
        ),
        flag("is_echo", "Sent by the business (an echo)."),
        flag("is_deleted", "The person unsent it."),
        flag("is_unsupported", "A message kind the API does not deliver."),
        flag("is_self", "Sent by the account to itself."),
    ]
}

/// The `optin` fields, typed as Meta documents them (Messenger's shape, copied as sent).
fn optin_keys() -> Vec<Value> {
    let mut keys: Vec<Value> = [
        "type",
        "payload",
        "ref",
        "user_ref",
        "title",
        "notification_messages_token",
        "notification_messages_frequency",
        "notification_messages_timezone",
        "notification_messages_status",
    ]
    .into_iter()
    .map(|k| text(k, ""))
    .collect();
    keys.push(key(
        "token_expiry_timestamp",
        json!({"type": "integer"}),
        true,
        "When the notification token expires, in milliseconds.",
    ));
    keys.push(text("user_token_status", ""));
    keys
}

/// Thread-control keys (events/messaging.rs, `EventType::Handover`).
fn handover_keys() -> Vec<Value> {
    vec![
        key(
            "handover_type",
            one_of(&[
                "pass_thread_control",
                "take_thread_control",
                "request_thread_control",
                "app_roles",
            ]),
            false,
            "Which thread-control message it was.",
        ),
        text("previous_owner_app_id", "The app that owned the thread."),
        text("new_owner_app_id", "The app that owns it now."),
        text("requested_owner_app_id", "The app asking for it."),
        key(
            "metadata",
            json!({"type": "any"}),
            true,
            "The `metadata` as sent.",
        ),
        key(
            "app_roles",
            json!({"type": "map"}),
            true,
            "The `app_roles` object as sent (only for `app_roles`).",
        ),
    ]
}

/// `comment`/`live_comment` keys (events/changes.rs `comment`).
fn comment_keys() -> Vec<Value> {
    vec![
        text("comment_id", "The comment's id."),
        text("text", "The comment text."),
        text("media_id", "The media commented on."),
        text("media_product_type", "`FEED`, `REELS`, `AD`, ..."),
        text("parent_id", "The comment replied to (replies only)."),
        text("from_id", "The commenter's IGSID."),
        text("from_username", "The commenter's username."),
        text("ad_id", "The ad, for comments on ads."),
        text("ad_title", "The ad's title, for comments on ads."),
        text(
            "original_media_id",
            "The organic media an ad was made from.",
        ),
    ]
}

/// The keys of one entry of [`super::fields`].
fn webhook_field() -> Vec<Value> {
    let logins = ["facebook", "instagram"];
    vec![
        key(
            "field",
            string(),
            false,
            "The field name Meta uses (`messages`, `comments`, ...).",
        ),
        key(
            "display_name",
            string(),
            false,
            "A label for people (`Messages`).",
        ),
        key("description", string(), false, "What it delivers."),
        key(
            "event_types",
            json!({"type": "array", "items": one_of(&EVENT_TYPES)}),
            false,
            "The `event_type`s its deliveries produce.",
        ),
        key(
            "envelope",
            one_of(&["changes", "messaging", "standby"]),
            false,
            "The payload envelope: `changes`, `messaging` or `standby`.",
        ),
        key(
            "logins",
            json!({"type": "array", "items": one_of(&logins)}),
            false,
            "Which login flavours can subscribe to it.",
        ),
        key(
            "permissions",
            json!({
                "type": "object",
                "open": false,
                "keys": [
                    text("facebook", "With Facebook Login."),
                    text("instagram", "With Instagram Login."),
                ],
            }),
            false,
            "The permission each login flavour needs (null where the flavour cannot subscribe).",
        ),
    ]
}

/// The schema of the normalized events (see the module doc for its shape).
pub fn event_schema() -> Value {
    let events = vec![
        event(
            "MessageEvent",
            &["message", "message_echo", "message_deleted"],
            "always",
            "A message, an echo of one the business sent, or the note that one was unsent.",
            message_keys(),
        ),
        event(
            "MessageEditEvent",
            &["message_edit"],
            "always",
            "A message was edited.",
            vec![
                text("mid", "The message id."),
                text("text", "The new text."),
                key(
                    "num_edit",
                    json!({"type": "integer"}),
                    true,
                    "How many times it was edited (a non-digit string is kept as sent).",
                ),
            ],
        ),
        event(
            "ReactionEvent",
            &["reaction"],
            "always",
            "A reaction was added (`react`) or removed (`unreact`: no `reaction`/`emoji`).",
            vec![
                text("mid", "The message reacted to."),
                key("action", one_of(&["react", "unreact"]), true, "`react` or `unreact`."),
                text("reaction", "The reaction's name (`love`, ...)."),
                text("emoji", "The reaction's emoji."),
            ],
        ),
        event(
            "PostbackEvent",
            &["postback"],
            "always",
            "A button or ice breaker was tapped.",
            vec![
                text("mid", "The message id of the tap."),
                text("title", "The button's title."),
                text("payload", "The button's payload."),
            ],
        ),
        event(
            "ReferralEvent",
            &["referral"],
            "always",
            "An ig.me link with `ref` opened an existing thread.",
            referral_keys(),
        ),
        event(
            "SeenEvent",
            &["seen"],
            "always",
            "A seen receipt.",
            vec![text("mid", "The last message seen.")],
        ),
        event(
            "OptinEvent",
            &["optin"],
            "always",
            "An opt-in (marketing messages, notifications): the `optin` object's fields as sent (null when not sent).",
            optin_keys(),
        ),
        event(
            "HandoverEvent",
            &["handover"],
            "always",
            "Thread control passed, taken or requested, or the app roles changed.",
            handover_keys(),
        ),
        event(
            "CommentEvent",
            &["comment", "live_comment"],
            "never",
            "A comment (or a reply: `parent_id`) on a media, or on a live broadcast.",
            comment_keys(),
        ),
        event(
            "MentionEvent",
            &["mention"],
            "never",
            "The account was @mentioned in a caption (`comment_id` null) or a comment.",
            vec![
                text("media_id", "The media mentioning the account."),
                text("comment_id", "The comment mentioning it (null for a caption)."),
            ],
        ),
        event(
            "StoryInsightsEvent",
            &["story_insights"],
            "never",
            "A story expired; its insights as sent (`reach`, `replies`, ...).",
            vec![
                text("media_id", "The story's media id."),
                key(
                    "metrics",
                    json!({"type": "map"}),
                    false,
                    "Every metric Meta sent, by name.",
                ),
            ],
        ),
        event(
            "UnknownEvent",
            &["unknown"],
            "sometimes",
            "Anything not recognised, kept with `raw` (an unknown messaging item keeps the messaging keys).",
            Vec::new(),
        ),
    ];
    json!({
        "common": common(),
        "messaging": messaging(),
        "events": events,
        "webhook_field": webhook_field(),
    })
}
