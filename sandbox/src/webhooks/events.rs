//! Simulated activity: the payload of each kind exactly as Meta documents it (graph-api.md
//! §3.4–3.5), and what the activity changes in the world (a DM opens the messaging window, a
//! comment becomes a real comment, a mention is recorded, an expiring story leaves `/stories`).
//!
//! Envelopes: `changes` (comments, live_comments, mentions, story_insights; `entry.time` in
//! seconds as in Meta's examples), `messaging` (every messaging field; `entry.time` in ms) and
//! `standby`. `entry.id` is the IG professional account id; a message the account receives
//! goes from the person's IGSID to the account, an echo the other way round.

use crate::insights;
use crate::messaging::Change;
use crate::prng::{hash_str, mix};
use crate::seed;
use crate::world::{Comment, Mention, ProductType, World, STORY_LIFETIME_SECS};
use crate::writes::fresh_id;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};

/// Largest `batch` (Meta batches up to 1000 updates in one POST).
pub(crate) const MAX_BATCH: u64 = 1000;

/// The Page Inbox app, the usual other party of a thread-control handover.
const INBOX_APP_ID: &str = "263902037430900";

/// Every documented attachment type of an incoming message (§3.5).
pub(crate) const ATTACHMENT_TYPES: &[&str] = &[
    "audio",
    "file",
    "image",
    "video",
    "share",
    "ig_post",
    "story_mention",
    "ig_reel",
    "reel",
    "story",
    "ig_story",
    "media",
    "ephemeral",
];

/// Reaction names of `message_reactions` (v12+) with the emoji Instagram shows for them.
const REACTIONS: &[(&str, &str)] = &[
    ("love", "\u{2764}\u{fe0f}"),
    ("like", "\u{1f44d}"),
    ("laugh", "\u{1f602}"),
    ("wow", "\u{1f62e}"),
    ("sad", "\u{1f622}"),
    ("angry", "\u{1f621}"),
    ("other", "\u{1f525}"),
];

/// Options any kind takes; the kind-specific ones follow.
const KEYS: &[&str] = &[
    "event",
    "account",
    "sender_id",
    "batch",
    "batch_mode",
    "duplicates",
    "time_unit",
    "wait",
    "text",
    "attachment",
    "attachment_url",
    "quick_reply_payload",
    "reply_to_story",
    "reply_to_mid",
    "referral",
    "ad_id",
    "ad_title",
    "ref",
    "source",
    "type",
    "mid",
    "num_edit",
    "reaction",
    "emoji",
    "title",
    "payload",
    "action",
    "metadata",
    "inner",
    "is_self",
    "is_unsupported",
    "username",
    "media_id",
    "parent_id",
    "media_product_type",
    "original_media_id",
    "in",
    "metrics",
];

/// The kinds `simulate` takes, with their webhook field.
pub(crate) const KINDS: &[(&str, &str)] = &[
    ("message", "messages"),
    ("message_echo", "messages"),
    ("message_edit", "message_edit"),
    ("message_deleted", "messages"),
    ("reaction", "message_reactions"),
    ("unreact", "message_reactions"),
    ("postback", "messaging_postbacks"),
    ("referral", "messaging_referral"),
    ("seen", "messaging_seen"),
    ("optin", "messaging_optins"),
    ("handover", "messaging_handover"),
    ("standby", "standby"),
    ("comment", "comments"),
    ("live_comment", "live_comments"),
    ("mention", "mentions"),
    ("story_insights", "story_insights"),
];

/// A built activity: the payload to deliver and what it did.
#[derive(Debug)]
pub(crate) struct Built {
    pub payload: Value,
    pub event: &'static str,
    pub field: &'static str,
    pub account: usize,
    pub account_id: String,
    /// Updates in the payload (entries × items).
    pub events: usize,
    /// Per update: the ids it created or used.
    pub created: Vec<Value>,
}

type Opts = Map<String, Value>;

fn bad(key: &str, why: &str) -> String {
    format!("simulate: {key}: {why}")
}

fn opt_str<'a>(o: &'a Opts, key: &str) -> Result<Option<&'a str>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= 5000 => Ok(Some(s)),
        Some(Value::String(_)) => Err(bad(key, "at most 5000 characters")),
        Some(_) => Err(bad(key, "expected a string")),
    }
}

fn opt_uint(o: &Opts, key: &str, min: u64, max: u64) -> Result<Option<u64>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .filter(|n| (min..=max).contains(n))
            .map(Some)
            .ok_or_else(|| bad(key, &format!("expected an integer between {min} and {max}"))),
    }
}

fn opt_bool(o: &Opts, key: &str) -> Result<bool, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad(key, "expected a boolean")),
    }
}

fn one_of<'a>(o: &'a Opts, key: &str, allowed: &[&str]) -> Result<Option<&'a str>, String> {
    match opt_str(o, key)? {
        Some(s) if allowed.contains(&s) => Ok(Some(s)),
        Some(_) => Err(bad(key, &format!("expected one of {}", allowed.join(", ")))),
        None => Ok(None),
    }
}

/// A numeric id option (IGSIDs, media and comment ids are digit strings).
fn opt_id<'a>(o: &'a Opts, key: &str) -> Result<Option<&'a str>, String> {
    match opt_str(o, key)? {
        Some(s) if !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Some(s))
        }
        Some(_) => Err(bad(key, "expected a numeric id (digits only)")),
        None => Ok(None),
    }
}

/// The common options every caller of [`build`] also needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Common {
    pub duplicates: u64,
    pub wait_all: bool,
}

/// Read `duplicates` and `wait`, and refuse unknown keys (typos would silently do nothing).
pub(crate) fn common(o: &Opts) -> Result<Common, String> {
    for k in o.keys() {
        if !KEYS.contains(&k.as_str()) {
            return Err(format!(
                "simulate: {}: unknown option",
                k.chars().take(40).collect::<String>()
            ));
        }
    }
    Ok(Common {
        duplicates: opt_uint(o, "duplicates", 0, 100)?.unwrap_or(0),
        wait_all: one_of(o, "wait", &["first", "all"])? == Some("all"),
    })
}

/// The default customer: a stable IGSID for the seed (also the messaging seed's person who
/// wrote minutes ago).
pub(crate) fn default_igsid(seed: u64) -> String {
    (1_000_000_000_000_000 + mix(seed, hash_str("igsid")) % 9_000_000_000_000_000).to_string()
}

/// A message id shaped like Meta's Instagram mids (base64 of `ig_message_item:1:IGMessageID:…`,
/// whose constant prefix every real mid shares).
fn new_mid(world: &mut World, account_id: &str, igsid: &str) -> String {
    world.objects_created += 1;
    let thread = mix(world.seed, hash_str(igsid));
    let n = mix(world.seed ^ 0x006d_6964, world.objects_created);
    let tail = STANDARD_NO_PAD.encode(format!("{account_id}:{thread}{n}:{}", n % 1_000_000));
    format!("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj{tail}")
}

/// Build `spec` (a `simulate` body) against the world and apply its state changes.
/// `now` is virtual unix seconds, `now_ms` the same instant in milliseconds.
pub(crate) fn build(world: &mut World, now: i64, now_ms: i64, o: &Opts) -> Result<Built, String> {
    let kind = match o.get("event") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(bad("event", "expected a string")),
        None => return Err(bad("event", "required (e.g. \"message\", \"comment\")")),
    };
    let Some(&(event, field)) = KINDS.iter().find(|(k, _)| *k == kind) else {
        let names: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
        return Err(bad(
            "event",
            &format!("expected one of {}", names.join(", ")),
        ));
    };
    let account = match opt_id(o, "account")? {
        None => 0,
        Some(id) => world
            .accounts
            .iter()
            .position(|a| a.user.id == id)
            .ok_or_else(|| bad("account", "no such Instagram account in the sandbox"))?,
    };
    let Some(acc) = world.accounts.get(account) else {
        return Err(bad("account", "the sandbox has no Instagram account"));
    };
    let account_id = acc.user.id.clone();
    let batch = opt_uint(o, "batch", 1, MAX_BATCH)?.unwrap_or(1) as usize;
    let items_mode = one_of(o, "batch_mode", &["entries", "items"])? == Some("items");
    let envelope = match field {
        "comments" | "live_comments" | "mentions" | "story_insights" => "changes",
        "standby" => "standby",
        _ => "messaging",
    };
    let ms = match one_of(o, "time_unit", &["s", "ms"])? {
        Some(u) => u == "ms",
        None => envelope != "changes",
    };
    let igsid = match opt_id(o, "sender_id")? {
        Some(s) => s.to_owned(),
        None => default_igsid(world.seed),
    };
    if event == "story_insights" {
        // Each update expires one story: refuse up front rather than half-way.
        let live = acc.live_story_items(now).len();
        let wanted = if o.get("media_id").is_some_and(|m| !m.is_null()) {
            1
        } else {
            live
        };
        if batch > wanted.min(live) {
            return Err(bad(
                "batch",
                &format!(
                    "story_insights: only {} live stories can expire",
                    wanted.min(live)
                ),
            ));
        }
    }
    let mut items = Vec::with_capacity(batch);
    let mut created = Vec::with_capacity(batch);
    for i in 0..batch {
        // The update happened a moment before Meta sends it (its examples show `timestamp`
        // some hundred ms before `entry.time`).
        let ts = now_ms - 700 + i as i64;
        let ctx = Ctx {
            account,
            account_id: &account_id,
            igsid: &igsid,
            now,
            ts,
        };
        let (item, made) = match envelope {
            "changes" => change_item(world, &ctx, event, field, o)?,
            _ => messaging_item(world, &ctx, event, o)?,
        };
        items.push(item);
        created.push(made);
    }
    let entry = |items: Vec<Value>, i: i64| {
        let mut e = Map::new();
        e.insert("id".into(), json!(account_id));
        e.insert(
            "time".into(),
            json!(if ms { now_ms + i } else { now + i / 1000 }),
        );
        e.insert(envelope.into(), Value::Array(items));
        Value::Object(e)
    };
    let entries: Vec<Value> = if items_mode {
        vec![entry(items, 0)]
    } else {
        items
            .into_iter()
            .enumerate()
            .map(|(i, it)| entry(vec![it], i as i64))
            .collect()
    };
    Ok(Built {
        payload: json!({"object": "instagram", "entry": entries}),
        event,
        field,
        account,
        account_id,
        events: batch,
        created,
    })
}

struct Ctx<'a> {
    account: usize,
    account_id: &'a str,
    igsid: &'a str,
    now: i64,
    /// This update's `timestamp` (ms).
    ts: i64,
}

fn messaging_item(
    world: &mut World,
    c: &Ctx,
    event: &str,
    o: &Opts,
) -> Result<(Value, Value), String> {
    let inner = if event == "standby" {
        one_of(o, "inner", &["message", "seen", "postback"])?.unwrap_or("message")
    } else {
        event
    };
    let echo = inner == "message_echo";
    let (sender, recipient) = if echo {
        (c.account_id, c.igsid)
    } else {
        (c.igsid, c.account_id)
    };
    let (key, value, made) = match inner {
        "message" | "message_echo" => {
            let mid = match opt_str(o, "mid")? {
                Some(m) => m.to_owned(),
                None => new_mid(world, c.account_id, c.igsid),
            };
            let m = message(world, c, o, &mid, echo)?;
            let thread = world.accounts[c.account]
                .threads
                .entry(c.igsid.to_owned())
                .or_default();
            if echo {
                thread.last_echo_mid = Some(mid.clone());
            } else {
                // A message from the person opens (or refreshes) the 24-hour window.
                thread.last_incoming_at = Some(c.now);
                thread.last_mid = Some(mid.clone());
            }
            // The message joins the conversation (and, incoming, opens its window there).
            crate::messaging::record_webhook_message(world, c.account, c.igsid, &m, c.now, echo);
            ("message", m, json!({"mid": mid}))
        }
        "message_edit" => {
            let mid = target_mid(world, c, o, false)?;
            let text = opt_str(o, "text")?.unwrap_or("Edited: see you at 5 \u{2014} not 4!");
            let num = opt_uint(o, "num_edit", 1, 5)?.unwrap_or(1);
            crate::messaging::record_webhook_change(world, c.igsid, &mid, Change::Edit(text));
            (
                "message_edit",
                json!({"mid": mid, "text": text, "num_edit": num}),
                json!({"mid": mid}),
            )
        }
        "message_deleted" => {
            let mid = target_mid(world, c, o, false)?;
            crate::messaging::record_webhook_change(world, c.igsid, &mid, Change::Deleted);
            (
                "message",
                json!({"mid": mid, "is_deleted": true}),
                json!({"mid": mid}),
            )
        }
        "reaction" => {
            let mid = target_mid(world, c, o, true)?;
            let names: Vec<&str> = REACTIONS.iter().map(|(n, _)| *n).collect();
            let name = one_of(o, "reaction", &names)?.unwrap_or("love");
            let default_emoji = REACTIONS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, e)| *e)
                .unwrap_or("\u{2764}\u{fe0f}");
            let emoji = opt_str(o, "emoji")?.unwrap_or(default_emoji);
            crate::messaging::record_webhook_change(world, c.igsid, &mid, Change::React(name));
            (
                "reaction",
                json!({"mid": mid, "action": "react", "reaction": name, "emoji": emoji}),
                json!({"mid": mid}),
            )
        }
        "unreact" => {
            let mid = target_mid(world, c, o, true)?;
            crate::messaging::record_webhook_change(world, c.igsid, &mid, Change::Unreact);
            (
                "reaction",
                json!({"mid": mid, "action": "unreact"}),
                json!({"mid": mid}),
            )
        }
        "postback" => {
            let mid = new_mid(world, c.account_id, c.igsid);
            let title = opt_str(o, "title")?.unwrap_or("Talk to agent");
            let mut p = json!({"mid": mid, "title": title});
            // Standby postbacks come without their payload (Messenger reference).
            if event != "standby" {
                p["payload"] = json!(opt_str(o, "payload")?.unwrap_or("AGENT"));
            }
            // A postback is the person writing to the business too: it opens the window.
            let thread = world.accounts[c.account]
                .threads
                .entry(c.igsid.to_owned())
                .or_default();
            thread.last_incoming_at = Some(c.now);
            crate::messaging::record_postback(world, c.account, c.igsid, c.now);
            ("postback", p, json!({"mid": mid}))
        }
        "referral" => {
            let mut r = Map::new();
            r.insert(
                "ref".into(),
                json!(opt_str(o, "ref")?.unwrap_or("spring_promo")),
            );
            // Meta's docs show only a placeholder for the ig.me source literal (UNCONFIRMED).
            r.insert(
                "source".into(),
                json!(opt_str(o, "source")?.unwrap_or("IGME_SOURCE_LINK")),
            );
            r.insert(
                "type".into(),
                json!(opt_str(o, "type")?.unwrap_or("OPEN_THREAD")),
            );
            if let Some(ad) = opt_id(o, "ad_id")? {
                r.insert("ad_id".into(), json!(ad));
            }
            ("referral", Value::Object(r), json!({}))
        }
        "seen" => {
            let mid = target_mid(world, c, o, true)?;
            ("read", json!({"mid": mid}), json!({"mid": mid}))
        }
        "optin" => {
            world.objects_created += 1;
            let token = format!(
                "Sbx{}",
                &crate::tokens::sha_hex(&format!("optin/{}", world.objects_created), world.seed)
                    [..40]
            );
            let v = json!({
                "type": "notification_messages",
                "payload": opt_str(o, "payload")?.unwrap_or("weekly_offers"),
                "notification_messages_token": token,
                "notification_messages_frequency": "DAILY",
                "token_expiry_timestamp": c.ts + 180 * 86_400_000,
                "user_token_status": "NOT_REFRESHED",
                "title": opt_str(o, "title")?.unwrap_or("Weekly offers"),
            });
            ("optin", v, json!({"notification_messages_token": token}))
        }
        "handover" => {
            let app = world.app.id.clone();
            let metadata = opt_str(o, "metadata")?.unwrap_or("Handed over by the sandbox");
            let action = one_of(o, "action", &["pass", "take", "request"])?.unwrap_or("pass");
            // Thread control moves between the apps: the Send API follows it.
            match action {
                "take" => crate::messaging::record_thread_control(world, c.account, c.igsid, false),
                "pass" => crate::messaging::record_thread_control(world, c.account, c.igsid, true),
                _ => {}
            }
            match action {
                "take" => (
                    "take_thread_control",
                    json!({"previous_owner_app_id": app, "new_owner_app_id": INBOX_APP_ID, "metadata": metadata}),
                    json!({}),
                ),
                "request" => (
                    "request_thread_control",
                    json!({"requested_owner_app_id": INBOX_APP_ID, "metadata": metadata}),
                    json!({}),
                ),
                _ => (
                    "pass_thread_control",
                    json!({"previous_owner_app_id": INBOX_APP_ID, "new_owner_app_id": app, "metadata": metadata}),
                    json!({}),
                ),
            }
        }
        other => return Err(bad("event", &format!("{other} is not a messaging kind"))),
    };
    let mut item = Map::new();
    item.insert("sender".into(), json!({"id": sender}));
    item.insert("recipient".into(), json!({"id": recipient}));
    item.insert("timestamp".into(), json!(c.ts));
    item.insert(key.into(), value);
    Ok((Value::Object(item), made))
}

/// The mid an edit, deletion, reaction or receipt refers to: `mid`, else the thread's last
/// message (the business's for reactions and receipts, the person's for edits and deletions),
/// else a fresh one (a message from before the sandbox started).
fn target_mid(world: &mut World, c: &Ctx, o: &Opts, business: bool) -> Result<String, String> {
    if let Some(m) = opt_str(o, "mid")? {
        return Ok(m.to_owned());
    }
    let t = world.accounts[c.account].threads.get(c.igsid);
    let known = t.and_then(|t| {
        if business {
            t.last_echo_mid.clone().or_else(|| t.last_mid.clone())
        } else {
            t.last_mid.clone()
        }
    });
    Ok(match known {
        Some(m) => m,
        None => new_mid(world, c.account_id, c.igsid),
    })
}

/// The `message` object of an incoming message or an echo.
fn message(world: &mut World, c: &Ctx, o: &Opts, mid: &str, echo: bool) -> Result<Value, String> {
    let mut m = Map::new();
    m.insert("mid".into(), json!(mid));
    let attachment = one_of(o, "attachment", ATTACHMENT_TYPES)?;
    let unsupported = opt_bool(o, "is_unsupported")?;
    let quick = opt_str(o, "quick_reply_payload")?;
    let default_text = if echo {
        "Thanks! Our studio / shop is open 10\u{2013}18 \u{1f642}"
    } else if quick.is_some() {
        "Yes"
    } else {
        "Hi! Is the caf\u{e9} print still available? \u{2728} https://sandbox-studio.example/shop"
    };
    let text = match opt_str(o, "text")? {
        Some(t) => Some(t),
        None if attachment.is_none() && !unsupported => Some(default_text),
        None => None,
    };
    if let Some(t) = text {
        m.insert("text".into(), json!(t));
    }
    if let Some(kind) = attachment {
        world.objects_created += 1;
        let asset =
            17_000_000_000_000_000 + mix(world.seed, world.objects_created) % 1_000_000_000_000_000;
        let mut a = json!({"type": kind});
        // Disappearing media come without a URL.
        if kind != "ephemeral" {
            let url = match opt_str(o, "attachment_url")? {
                Some(u) => u.to_owned(),
                None => format!(
                    "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id={asset}&signature=Sbx{}",
                    &crate::tokens::sha_hex(&format!("asset/{asset}"), world.seed)[..32]
                ),
            };
            a["payload"] = json!({ "url": url });
        }
        m.insert("attachments".into(), json!([a]));
    }
    if let Some(p) = quick {
        m.insert("quick_reply".into(), json!({ "payload": p }));
    }
    if let Some(r) = o
        .get("reply_to_story")
        .filter(|v| !v.is_null() && **v != json!(false))
    {
        let story = match r {
            Value::Bool(true) => {
                let acc = &world.accounts[c.account];
                let id = acc
                    .live_story_items(c.now)
                    .first()
                    .map(|(_, id)| id.clone())
                    .ok_or_else(|| {
                        bad(
                            "reply_to_story",
                            "the account has no live story; pass {\"id\",\"url\"}",
                        )
                    })?;
                let url = acc
                    .media
                    .get(&id)
                    .and_then(|m| m.media_url.clone())
                    .unwrap_or_default();
                json!({"url": url, "id": id})
            }
            Value::Object(s) => {
                let id = opt_id(s, "id")?.ok_or_else(|| bad("reply_to_story.id", "required"))?;
                let url = opt_str(s, "url")?
                    .unwrap_or("https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=story");
                json!({"url": url, "id": id})
            }
            _ => return Err(bad("reply_to_story", "expected true or {\"id\",\"url\"}")),
        };
        m.insert("reply_to".into(), json!({ "story": story }));
    } else if let Some(r) = opt_str(o, "reply_to_mid")? {
        m.insert("reply_to".into(), json!({ "mid": r }));
    }
    let ad_id = opt_id(o, "ad_id")?;
    let referral = match o.get("referral") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => ad_id.is_some(),
        Some(Value::Bool(true)) => true,
        Some(_) => {
            return Err(bad(
                "referral",
                "expected a boolean (use ad_id, ad_title, ref)",
            ))
        }
    };
    if referral {
        // A click-to-Instagram-Direct ad opens the thread with the referral in the message.
        let ad = ad_id.unwrap_or("120210000000000001");
        m.insert(
            "referral".into(),
            json!({
                "ref": opt_str(o, "ref")?.unwrap_or("ctd_spring"),
                "ad_id": ad,
                "source": "ADS",
                "type": "OPEN_THREAD",
                "ads_context_data": {
                    "ad_title": opt_str(o, "ad_title")?.unwrap_or("Spring prints \u{2014} 20% off"),
                    "photo_url": format!("https://scontent.sandbox.invalid/ads/{ad}.jpg"),
                },
            }),
        );
    }
    if echo {
        m.insert("is_echo".into(), json!(true));
    }
    if opt_bool(o, "is_self")? {
        m.insert("is_self".into(), json!(true));
    }
    if unsupported {
        m.insert("is_unsupported".into(), json!(true));
    }
    Ok(Value::Object(m))
}

fn change_item(
    world: &mut World,
    c: &Ctx,
    event: &str,
    field: &str,
    o: &Opts,
) -> Result<(Value, Value), String> {
    let (value, made) = match event {
        "comment" => comment(world, c, o)?,
        "live_comment" => live_comment(world, c, o)?,
        "mention" => mention(world, c, o)?,
        _ => story_insights(world, c, o)?,
    };
    Ok((json!({"field": field, "value": value}), made))
}

/// The commenter: `sender_id`/`username`, else the first of the seed's commenters.
fn commenter(world: &World, o: &Opts) -> Result<(String, String), String> {
    let people = seed::commenters(world.seed);
    let (id0, name0) = people.first().cloned().unwrap_or_default();
    let id = opt_id(o, "sender_id")?.map(str::to_owned).unwrap_or(id0);
    let name = opt_str(o, "username")?.map(str::to_owned).unwrap_or(name0);
    Ok((id, name))
}

fn media_extras(o: &Opts, media: &mut Map<String, Value>) -> Result<(), String> {
    if let Some(ad) = opt_id(o, "ad_id")? {
        media.insert("ad_id".into(), json!(ad));
        media.insert(
            "ad_title".into(),
            json!(opt_str(o, "ad_title")?.unwrap_or("Spring prints")),
        );
    }
    if let Some(orig) = opt_id(o, "original_media_id")? {
        media.insert("original_media_id".into(), json!(orig));
    }
    if let Some(p) = one_of(
        o,
        "media_product_type",
        &["FEED", "REELS", "STORY", "AD", "LIVE"],
    )? {
        media.insert("media_product_type".into(), json!(p));
    }
    Ok(())
}

/// A comment (or a reply with `parent_id`) on the account's media: added to the world, so
/// `GET /{media-id}/comments` (or `/{comment-id}/replies`) lists it.
fn comment(world: &mut World, c: &Ctx, o: &Opts) -> Result<(Value, Value), String> {
    let (from_id, from_name) = commenter(world, o)?;
    let text = opt_str(o, "text")?
        .unwrap_or("Love this! \u{1f60d} Is the A3 / A4 size in stock?")
        .to_owned();
    if text.trim().is_empty() {
        return Err(bad("text", "must not be empty"));
    }
    let acc = &world.accounts[c.account];
    let parent = match opt_id(o, "parent_id")? {
        Some(p) => {
            let pc = acc
                .comments
                .get(p)
                .ok_or_else(|| bad("parent_id", "no such comment on the account's media"))?;
            // Instagram threads are one level deep: a reply to a reply joins the top comment.
            Some((
                pc.parent_id.clone().unwrap_or_else(|| p.to_owned()),
                pc.media_id.clone(),
            ))
        }
        None => None,
    };
    let media_id = match (opt_id(o, "media_id")?, &parent) {
        (Some(m), Some((_, pm))) if m != pm => {
            return Err(bad("media_id", "the parent comment is on another media"))
        }
        (Some(m), _) => {
            let media = acc
                .media
                .get(m)
                .filter(|x| !x.is_child() && acc.is_story_live(x, c.now))
                .ok_or_else(|| bad("media_id", "no such live media of the account"))?;
            media.id.clone()
        }
        (None, Some((_, pm))) => pm.clone(),
        (None, None) => acc
            .feed_items(None, None)
            .iter()
            .filter_map(|(_, id)| acc.media.get(id))
            .find(|m| m.comment_enabled)
            .map(|m| m.id.clone())
            .ok_or_else(|| bad("media_id", "the account has no media open to comments"))?,
    };
    let product = acc
        .media
        .get(&media_id)
        .map(|m| m.product_type)
        .unwrap_or(ProductType::Feed);
    // Everything that can fail is checked before the world changes.
    let mut media = Map::new();
    media.insert("id".into(), json!(media_id));
    media.insert("media_product_type".into(), json!(product.as_str()));
    media_extras(o, &mut media)?;
    let id = fresh_id(world);
    let legacy_id = mix(world.seed, world.objects_created) % 10_000_000_000_000_000;
    let acc = &mut world.accounts[c.account];
    acc.comments.insert(
        id.clone(),
        Comment {
            id: id.clone(),
            legacy_id,
            media_id: media_id.clone(),
            text: text.clone(),
            timestamp: c.now,
            like_count: 0,
            hidden: false,
            from_id: from_id.clone(),
            from_username: from_name.clone(),
            parent_id: parent.as_ref().map(|(t, _)| t.clone()),
            replies: Vec::new(),
        },
    );
    match &parent {
        Some((top, _)) => {
            if let Some(t) = acc.comments.get_mut(top) {
                t.replies.push(id.clone());
            }
        }
        None => {
            if let Some(m) = acc.media.get_mut(&media_id) {
                m.comments.push(id.clone());
            }
        }
    }
    world.reindex();
    let mut v = Map::new();
    v.insert("from".into(), json!({"id": from_id, "username": from_name}));
    v.insert("id".into(), json!(id));
    if let Some((top, _)) = &parent {
        v.insert("parent_id".into(), json!(top));
    }
    v.insert("text".into(), json!(text));
    v.insert("media".into(), Value::Object(media));
    Ok((
        Value::Object(v),
        json!({"comment_id": id, "media_id": media_id}),
    ))
}

/// A comment on a live broadcast (broadcasts are not stored: nothing to read back).
fn live_comment(world: &mut World, _c: &Ctx, o: &Opts) -> Result<(Value, Value), String> {
    let (from_id, from_name) = commenter(world, o)?;
    let text = opt_str(o, "text")?
        .unwrap_or("Hello from the live \u{1f44b}")
        .to_owned();
    let media_id = match opt_id(o, "media_id")? {
        Some(m) => m.to_owned(),
        None => (18_000_000_000_000_000 + mix(world.seed, hash_str("live")) % 900_000_000_000_000)
            .to_string(),
    };
    let id = fresh_id(world);
    let mut media = Map::new();
    media.insert("id".into(), json!(media_id));
    // The product type Meta sends for live media is not documented (UNCONFIRMED).
    media.insert("media_product_type".into(), json!("LIVE"));
    media_extras(o, &mut media)?;
    let v = json!({
        "from": {"id": from_id, "username": from_name},
        "id": id,
        "text": text,
        "media": media,
    });
    Ok((v, json!({"comment_id": id, "media_id": media_id})))
}

/// An @mention in someone else's caption (`in: "caption"`, default) or comment; recorded in
/// the account's mentions.
fn mention(world: &mut World, c: &Ctx, o: &Opts) -> Result<(Value, Value), String> {
    let in_comment = one_of(o, "in", &["caption", "comment"])? == Some("comment");
    let media_id = match opt_id(o, "media_id")? {
        Some(m) => m.to_owned(),
        None => fresh_id(world),
    };
    let comment_id = if in_comment {
        Some(match opt_id(o, "comment_id")? {
            Some(m) => m.to_owned(),
            None => fresh_id(world),
        })
    } else {
        None
    };
    world.accounts[c.account].mentions.push(Mention {
        media_id: media_id.clone(),
        comment_id: comment_id.clone(),
        at: c.now,
    });
    let mut v = json!({"media_id": media_id});
    if let Some(cid) = &comment_id {
        v["comment_id"] = json!(cid);
    }
    let made = v.clone();
    Ok((v, made))
}

/// A story expiring: it leaves `/stories` (its 24 hours end now) and its lifetime insights
/// are delivered.
fn story_insights(world: &mut World, c: &Ctx, o: &Opts) -> Result<(Value, Value), String> {
    let acc = &world.accounts[c.account];
    let live = acc.live_story_items(c.now);
    let id = match opt_id(o, "media_id")? {
        Some(m) if live.iter().any(|(_, id)| id == m) => m.to_owned(),
        Some(_) => return Err(bad("media_id", "no such live story of the account")),
        // The oldest live story is the next to expire.
        None => live.last().map(|(_, id)| id.clone()).ok_or_else(|| {
            bad(
                "event",
                "story_insights: the account has no live story left",
            )
        })?,
    };
    let Some(m) = acc.media.get(&id) else {
        return Err(bad("media_id", "no such live story of the account"));
    };
    let mut v = Map::new();
    v.insert("media_id".into(), json!(id));
    for (k, n) in insights::story_lifetime(world.seed, acc, m) {
        v.insert(k.into(), json!(n));
    }
    match o.get("metrics") {
        None | Some(Value::Null) => {}
        Some(Value::Object(extra)) => {
            for (k, n) in extra {
                if !n.is_number() {
                    return Err(bad(&format!("metrics.{k}"), "expected a number"));
                }
                v.insert(k.clone(), n.clone());
            }
        }
        Some(_) => return Err(bad("metrics", "expected an object of numbers")),
    }
    if let Some(s) = world.accounts[c.account].media.get_mut(&id) {
        s.timestamp = c.now - STORY_LIFETIME_SECS;
    }
    Ok((Value::Object(v), json!({"media_id": id})))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        seed::build(42, 20, 0, 1_782_820_800)
    }

    #[test]
    fn mids_look_like_meta_and_differ() {
        let mut w = world();
        let a = new_mid(&mut w, "17841", "123");
        let b = new_mid(&mut w, "17841", "123");
        assert!(a.starts_with("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj"));
        assert_ne!(a, b);
        assert_eq!(default_igsid(42), default_igsid(42));
        assert_ne!(default_igsid(42), default_igsid(43));
    }

    #[test]
    fn every_kind_builds_and_unknown_options_are_refused() {
        for (kind, field) in KINDS {
            let mut w = world();
            let o: Opts = json!({"event": kind}).as_object().unwrap().clone();
            let b = build(&mut w, 1_782_820_800, 1_782_820_800_000, &o).unwrap();
            assert_eq!((b.event, b.field), (*kind, *field));
            assert_eq!(b.payload["entry"][0]["id"], json!(w.accounts[0].user.id));
        }
        let o: Opts = json!({"event": "message", "txt": "x"})
            .as_object()
            .unwrap()
            .clone();
        assert!(common(&o).unwrap_err().starts_with("simulate: txt:"));
    }
}
