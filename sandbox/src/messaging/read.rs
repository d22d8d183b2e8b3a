//! Reads: conversations and their messages (§1.10.7), message details, IGSID profiles
//! (§1.10.9).

use super::model::{Conversation, Message};
use super::{may_read, Biz};
use crate::auth::Caller;
use crate::errors::GraphError;
use crate::fields::{self, FieldSel};
use crate::graph::RouteReq;
use crate::links::{self, Pairs};
use crate::paging::{self, EdgeItem, PageReq, Window};
use crate::render::fmt_time;
use crate::world::World;
use serde_json::{json, Map, Value};

/// Page-size cap of the conversations and messages edges. UNCONFIRMED: Meta states no maximum
/// (graph-api.md §5.1); larger limits are capped like other edges.
const CAP: usize = 100;
/// Only the newest messages of a conversation can be read in detail. UNCONFIRMED: widely
/// relied upon, not in the current text of Meta's conversations page (graph-api.md §1.10.7 and
/// §7 #12); older ones answer like a deleted object.
const READABLE_MESSAGES: usize = 20;
/// Fields a message shows when none are named.
const DEFAULT_MESSAGE: &[&str] = &["id", "created_time"];
const DEFAULT_CONVERSATION: &[&str] = &["id", "updated_time"];

fn parse_fields(params: &Pairs) -> Result<Vec<FieldSel>, GraphError> {
    match links::get(params, "fields") {
        Some(f) => fields::parse(f).map_err(|m| GraphError::new(2500, m)),
        None => Ok(Vec::new()),
    }
}

fn effective(sel: &[FieldSel], default: &[&str]) -> Vec<FieldSel> {
    let mut v: Vec<FieldSel> = if sel.is_empty() {
        default.iter().map(|n| FieldSel::plain(n)).collect()
    } else {
        sel.to_vec()
    };
    if !v.iter().any(|f| f.name == "id") {
        v.push(FieldSel::plain("id"));
    }
    v
}

fn page_req(params: &Pairs) -> PageReq {
    PageReq {
        limit: links::get(params, "limit").map(str::to_owned),
        after: links::get(params, "after").map(str::to_owned),
        before: links::get(params, "before").map(str::to_owned),
    }
}

fn with_paging(data: Vec<Value>, w: &Window, link: &dyn Fn(&str, &str, usize) -> String) -> Value {
    let mut out = Map::new();
    out.insert("data".into(), Value::Array(data));
    if let (Some(before), Some(after)) = (&w.before, &w.after) {
        let mut p = Map::new();
        p.insert("cursors".into(), json!({"before": before, "after": after}));
        if w.has_prev {
            p.insert("previous".into(), json!(link("before", before, w.limit)));
        }
        if w.has_next {
            p.insert("next".into(), json!(link("after", after, w.limit)));
        }
        out.insert("paging".into(), Value::Object(p));
    }
    Value::Object(out)
}

/// The business side of a conversation as `{id, username}`.
fn business_party(world: &World, account: usize) -> Value {
    let a = &world.accounts[account];
    json!({"username": a.user.username, "id": a.user.id})
}

fn person_party(world: &World, igsid: &str) -> Value {
    let username = world
        .messaging
        .people
        .get(igsid)
        .map(|p| p.username.clone())
        .unwrap_or_default();
    json!({"username": username, "id": igsid})
}

/// `GET …/conversations?platform=instagram[&user_id=]`.
pub(crate) fn conversations(
    world: &World,
    _caller: &Caller,
    biz: Biz,
    req: &RouteReq,
) -> Result<Value, GraphError> {
    let instagram = match links::get(req.params, "platform") {
        Some("instagram") => true,
        // Without platform=instagram a Page lists its Messenger conversations (none in the
        // sandbox). UNCONFIRMED: the same answer on graph.instagram.com, which documents the
        // parameter too.
        None | Some("messenger") => false,
        Some(_) => {
            return Err(GraphError::param(
                "Param platform must be one of {instagram, messenger}",
            ))
        }
    };
    let sel = parse_fields(req.params)?;
    let user = links::get(req.params, "user_id");
    let mut items: Vec<EdgeItem> = match biz.account {
        Some(a) if instagram => world
            .messaging
            .conversations
            .values()
            .filter(|c| c.account == a && !c.messages.is_empty())
            .filter(|c| !stale_request(world, c, req.now))
            .filter(|c| user.is_none_or(|u| c.igsid == u))
            .map(|c| (-c.updated, c.id.clone()))
            .collect(),
        _ => Vec::new(),
    };
    items.sort();
    let w = paging::window(&items, &page_req(req.params), CAP)?;
    let mut data = Vec::new();
    for id in &w.ids {
        if let Some(c) = world.messaging.conversations.get(id) {
            data.push(conversation(world, req, c, &sel)?);
        }
    }
    let link = |dir: &str, cursor: &str, limit: usize| req.links.cursor_link(dir, cursor, limit);
    Ok(with_paging(data, &w, &link))
}

/// Conversations in the Requests folder (the business never answered) inactive for 30 days
/// are not returned (Meta's conversations page, Limitations).
const REQUEST_INACTIVE_SECS: i64 = 30 * 24 * 3600;

fn stale_request(world: &World, c: &Conversation, now: i64) -> bool {
    let answered = c.messages.iter().any(|id| {
        world
            .messaging
            .messages
            .get(id)
            .is_some_and(|m| m.from_business)
    });
    !answered && now - c.updated > REQUEST_INACTIVE_SECS
}

fn conversation(
    world: &World,
    req: &RouteReq,
    c: &Conversation,
    sel: &[FieldSel],
) -> Result<Value, GraphError> {
    let mut out = Map::new();
    for f in effective(sel, DEFAULT_CONVERSATION) {
        let v = match f.name.as_str() {
            "id" => json!(c.id),
            "updated_time" => json!(fmt_time(c.updated)),
            "message_count" => json!(c.messages.len()),
            "participants" => json!({"data": [
                business_party(world, c.account),
                person_party(world, &c.igsid),
            ]}),
            "messages" => {
                let pr = PageReq {
                    limit: f.modifier("limit").map(str::to_owned),
                    after: f.modifier("after").map(str::to_owned),
                    before: f.modifier("before").map(str::to_owned),
                };
                let sub = f.sub.clone().unwrap_or_default();
                let link = |dir: &str, cursor: &str, limit: usize| {
                    let mut p: Pairs = Vec::new();
                    if !sub.is_empty() {
                        p.push(("fields".into(), fields::join(&sub)));
                    }
                    p.push(("limit".into(), limit.to_string()));
                    p.push((dir.into(), cursor.into()));
                    req.links.edge(&c.id, "messages", p)
                };
                messages_page(world, req, c, &pr, &sub, &link)?
            }
            other => return Err(GraphError::nonexisting_field(other, "Conversation")),
        };
        out.insert(f.name.clone(), v);
    }
    Ok(Value::Object(out))
}

/// Messages newest first, as the inbox shows them.
fn messages_page(
    world: &World,
    req: &RouteReq,
    c: &Conversation,
    pr: &PageReq,
    sel: &[FieldSel],
    link: &dyn Fn(&str, &str, usize) -> String,
) -> Result<Value, GraphError> {
    let mut items: Vec<EdgeItem> = c
        .messages
        .iter()
        .enumerate()
        .filter_map(|(i, id)| world.messaging.messages.get(id).map(|m| (m, i)))
        // Newest first; the position breaks ties between messages of the same second.
        .map(|(m, i)| (-(m.created * 100_000 + i as i64), m.id.clone()))
        .collect();
    items.sort();
    let w = paging::window(&items, pr, CAP)?;
    let mut data = Vec::new();
    for id in &w.ids {
        if let Some(m) = world.messaging.messages.get(id) {
            data.push(message(world, req, m, sel)?);
        }
    }
    Ok(with_paging(data, &w, link))
}

/// `GET /{conversation-id}/messages`: documented as an edge in the Graph API reference
/// (Conversation → messages, graph.facebook.com); Instagram Login's page documents only the
/// `messages` field. UNCONFIRMED: the edge on graph.instagram.com (served the same way).
pub(crate) fn conversation_messages(
    world: &World,
    caller: &Caller,
    req: &RouteReq,
    id: &str,
    account: usize,
) -> Result<Value, GraphError> {
    if !may_read(world, caller, account)? {
        return Err(GraphError::unsupported("GET", id));
    }
    let Some(c) = world.messaging.conversations.get(id) else {
        return Err(GraphError::unsupported("GET", id));
    };
    let sel = parse_fields(req.params)?;
    let link = |dir: &str, cursor: &str, limit: usize| req.links.cursor_link(dir, cursor, limit);
    messages_page(world, req, c, &page_req(req.params), &sel, &link)
}

fn message(
    world: &World,
    _req: &RouteReq,
    m: &Message,
    sel: &[FieldSel],
) -> Result<Value, GraphError> {
    let Some(c) = world.messaging.conversations.get(&m.conversation) else {
        return Err(GraphError::unsupported("GET", &m.id));
    };
    let (from, to) = if m.from_business {
        (
            business_party(world, c.account),
            person_party(world, &c.igsid),
        )
    } else {
        (
            person_party(world, &c.igsid),
            business_party(world, c.account),
        )
    };
    let mut out = Map::new();
    for f in effective(sel, DEFAULT_MESSAGE) {
        let v: Option<Value> = match f.name.as_str() {
            "id" => Some(json!(m.id)),
            "created_time" => Some(json!(fmt_time(m.created))),
            "from" => Some(from.clone()),
            "to" => Some(json!({ "data": [to.clone()] })),
            "message" => Some(json!(m.text)),
            "is_unsupported" => Some(json!(m.is_unsupported)),
            "attachments" => {
                let data: Vec<Value> = m
                    .attachments
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "ig_post" | "ig_reel" | "like_heart"))
                    .map(|(kind, url)| attachment_json(kind, url))
                    .collect();
                (!data.is_empty()).then(|| json!({ "data": data }))
            }
            "shares" => m
                .share
                .as_ref()
                .map(|link| json!({"data": [{"link": link}]})),
            "story" => m.story.as_ref().map(|s| {
                json!({"reply_to": {"link": s.get("url").cloned().unwrap_or(Value::Null), "id": s.get("id").cloned().unwrap_or(Value::Null)}})
            }),
            "reply_to" => m.reply_to.as_ref().map(|r| json!({ "mid": r })),
            "reactions" => {
                let mut data: Vec<Value> = Vec::new();
                for (by_business, r) in &m.reactions {
                    let who = if *by_business {
                        business_party(world, c.account)
                    } else {
                        person_party(world, &c.igsid)
                    };
                    data.push(json!({"reaction": r, "users": [who]}));
                }
                (!data.is_empty()).then(|| json!({ "data": data }))
            }
            other => return Err(GraphError::nonexisting_field(other, "Message")),
        };
        if let Some(v) = v {
            out.insert(f.name.clone(), v);
        }
    }
    Ok(Value::Object(out))
}

fn attachment_json(kind: &str, url: &str) -> Value {
    match kind {
        "image" => {
            json!({"image_data": {"url": url, "preview_url": url, "width": 1080, "height": 1080}})
        }
        "video" => {
            json!({"video_data": {"url": url, "preview_url": url, "width": 720, "height": 1280}})
        }
        "audio" => json!({"mime_type": "audio/mp4", "name": "audio.mp4", "file_url": url}),
        "file" => json!({"mime_type": "application/pdf", "name": "file.pdf", "file_url": url}),
        other => json!({"type": other, "file_url": url}),
    }
}

/// `GET /{id}` for a conversation, a message or a person; `None` for other ids.
pub(crate) fn node(
    world: &World,
    caller: &Caller,
    req: &RouteReq,
    id: &str,
) -> Option<Result<Value, GraphError>> {
    if let Some(c) = world.messaging.conversations.get(id) {
        return Some(match may_read(world, caller, c.account) {
            Err(e) => Err(e),
            Ok(false) => Err(GraphError::unsupported("GET", id)),
            Ok(true) => parse_fields(req.params).and_then(|sel| conversation(world, req, c, &sel)),
        });
    }
    if let Some(m) = world.messaging.messages.get(id) {
        let c = world.messaging.conversations.get(&m.conversation)?;
        return Some(match may_read(world, caller, c.account) {
            Err(e) => Err(e),
            Ok(false) => Err(GraphError::unsupported("GET", id)),
            Ok(true) => {
                let pos = c.messages.iter().position(|x| x == id).unwrap_or(0);
                if c.messages.len() - pos > READABLE_MESSAGES {
                    // UNCONFIRMED: the 20-message rule and its error (see READABLE_MESSAGES);
                    // answered like a deleted object.
                    Err(GraphError::unsupported("GET", id))
                } else {
                    parse_fields(req.params).and_then(|sel| message(world, req, m, &sel))
                }
            }
        });
    }
    // Media, comments, users and Pages belong to the other routers (checked first: the
    // commenter scan below is linear in the comments).
    if id == "me"
        || world.lookup(id).is_some()
        || world.page_index(id).is_some()
        || id == world.fb_user.id
    {
        return None;
    }
    let account = match caller.subject {
        crate::tokens::Subject::IgUser(a) => Some(a),
        crate::tokens::Subject::Page(p) => world.pages.get(p).and_then(|pg| pg.account),
        crate::tokens::Subject::FbUser => None,
    };
    let known = world.messaging.people.contains_key(id)
        || account.is_some_and(|a| super::send::commenter(world, a, id));
    if !known {
        return None;
    }
    Some(profile(world, caller, req, id))
}

/// The User Profile API: only after the person wrote to the business (consent).
fn profile(
    world: &World,
    caller: &Caller,
    req: &RouteReq,
    igsid: &str,
) -> Result<Value, GraphError> {
    let account = match caller.subject {
        crate::tokens::Subject::IgUser(a) => a,
        crate::tokens::Subject::Page(p) => world
            .pages
            .get(p)
            .and_then(|pg| pg.account)
            .ok_or_else(|| GraphError::unsupported("GET", igsid))?,
        crate::tokens::Subject::FbUser => return Err(super::page_token_required()),
    };
    let consent = world
        .messaging
        .by_person
        .get(&(account, igsid.to_owned()))
        .and_then(|c| world.messaging.conversations.get(c))
        .is_some_and(|c| c.consent);
    let person = world.messaging.people.get(igsid);
    let (Some(p), true) = (person, consent) else {
        // Code 230 as Meta answers it (commenters who never wrote get this too).
        return Err(GraphError::new(
            230,
            "User consent is required to access user profile",
        ));
    };
    let sel = parse_fields(req.params)?;
    let mut out = Map::new();
    for f in effective(&sel, &["name", "username", "profile_pic", "id"]) {
        let v = match f.name.as_str() {
            "id" => json!(p.igsid),
            "name" => json!(p.name),
            "username" => json!(p.username),
            "profile_pic" => json!(p.profile_pic),
            "follower_count" => json!(p.follower_count),
            "is_user_follow_business" => json!(p.is_user_follow_business),
            "is_business_follow_user" => json!(p.is_business_follow_user),
            "is_verified_user" => json!(p.is_verified_user),
            other => return Err(GraphError::nonexisting_field(other, "User")),
        };
        out.insert(f.name.clone(), v);
    }
    Ok(Value::Object(out))
}
