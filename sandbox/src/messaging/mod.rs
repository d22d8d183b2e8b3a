//! Messaging as Meta documents it (graph-api.md §1.10, §4.4; changes-2026h2.md §3): the Send API
//! on `/{ig-id|page-id|me}/messages` with its 24-hour window and HUMAN_AGENT's 7 days, private
//! replies, reactions and sender actions, attachment upload, conversations and their messages,
//! the messenger profile (ice breakers, persistent menu) and IGSID profiles behind consent.
//!
//! Who may call: with Instagram Login the account's own token on `/me/…` or `/{ig-user-id}/…`;
//! with Facebook Login the linked Page's token on `/{page-id}/…` or `/me/…` (a Page token's `/me`
//! is the Page). The Facebook user token is refused where a Page token is needed
//! (`(#210) A page access token is required…`), an Instagram token on a Page path gets 190 as
//! graph.facebook.com answers it.
//!
//! | path | does |
//! |---|---|
//! | `POST …/messages` | Send API: `recipient` `{id}` or `{comment_id}`, `message`, `messaging_type`, `tag`, `sender_action`, `payload`, `reply_to` (JSON body or form params with JSON-encoded values) → `{recipient_id, message_id}` |
//! | `POST …/message_attachments` | `platform=instagram`, `message={attachment:{type,payload:{url,is_reusable}}}` → `{attachment_id}` |
//! | `GET …/conversations?platform=instagram[&user_id=]` | `{data:[{id, updated_time}], paging}` |
//! | `GET /{conversation-id}` | `fields=id,updated_time,participants,messages{…}` |
//! | `GET /{conversation-id}/messages` | the messages edge (Graph API reference, Conversation) |
//! | `GET /{message-id}` | `id,created_time,from,to,message,attachments,reactions,shares,story,is_unsupported,reply_to` (20 newest of a conversation only) |
//! | `GET /{IGSID}` | the person's profile once they wrote to the business (else 230) |
//! | `GET/POST/DELETE …/messenger_profile` | `ice_breakers`, `persistent_menu` per platform |
//!
//! Errors of the policy: outside the window 10/2018278 (Facebook Login) or 403 `IGApiException`
//! 10/2534022 (Instagram Login); an IGSID nobody knows 100/2018001; a person who blocked the
//! account 551/1545041; a thread another app controls (simulated `handover` `take`, until
//! `pass`) 10/2018300; a second private reply 10900; a profile before consent 230.
//! Simulated webhooks feed the same conversations: messages and echoes join them (an incoming
//! one opens the window and gives consent, like a postback), reactions, edits and deletions
//! change the stored messages.

mod model;
mod profile;
mod read;
mod seed;
mod send;

pub(crate) use model::State;
pub(crate) use seed::seed;

use crate::auth::Caller;
use crate::errors::GraphError;
use crate::graph::RouteReq;
use crate::tokens::{Family, Subject};
use crate::world::World;
use axum::http::Method;
use model::Message;
use serde_json::Value;

/// The standard window: 24 hours after the person's last message (§1.10.5).
pub(crate) const STANDARD_WINDOW_SECS: i64 = 24 * 3600;
/// HUMAN_AGENT: a human may answer up to 7 days after the person's last message.
pub(crate) const HUMAN_AGENT_WINDOW_SECS: i64 = 7 * 24 * 3600;
/// Private replies: within 7 days of the comment (§1.10.6).
pub(crate) const PRIVATE_REPLY_SECS: i64 = 7 * 24 * 3600;

/// The business a messaging call acts for: the professional account (none for a Page without
/// a linked account) and, with Facebook Login, the Page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Biz {
    pub account: Option<usize>,
    pub page: Option<usize>,
    pub family: Family,
}

/// `(#210)`: Meta's answer when a user token is used where a Page token is needed.
pub(crate) fn page_token_required() -> GraphError {
    GraphError::new(
        210,
        "(#210) A page access token is required to request this resource.",
    )
}

/// Resolve the owner segment of `/{owner}/{edge}`: `None` when it is not a business this
/// router serves (another router answers), else the business or Meta's refusal.
fn business(
    world: &World,
    caller: &Caller,
    owner: &str,
    edge: &str,
    method: &Method,
) -> Option<Result<Biz, GraphError>> {
    let biz = |account, page| {
        Ok(Biz {
            account,
            page,
            family: caller.family,
        })
    };
    if owner == "me" {
        return Some(match caller.subject {
            Subject::IgUser(a) => biz(Some(a), None),
            Subject::Page(p) => biz(world.pages.get(p).and_then(|pg| pg.account), Some(p)),
            // `/me` with a user token is the Facebook user, which has no such edge.
            Subject::FbUser => Err(GraphError::nonexisting_field(edge, "User")),
        });
    }
    if let Some(p) = world.page_index(owner) {
        return Some(match caller.subject {
            Subject::Page(q) if q == p => biz(world.pages[p].account, Some(p)),
            Subject::Page(_) => Err(GraphError::unsupported(method.as_str(), owner)),
            Subject::FbUser => Err(page_token_required()),
            // A Page path belongs to graph.facebook.com, which cannot parse an IG token.
            Subject::IgUser(_) => Err(GraphError::invalid_token()),
        });
    }
    let a = world.accounts.iter().position(|a| a.user.id == owner)?;
    Some(match caller.subject {
        Subject::IgUser(b) if a == b => biz(Some(a), None),
        // With Facebook Login messaging goes through the Page (`/{page-id}/messages`): the IG
        // user node has no such edge there.
        _ => Err(GraphError::unsupported(method.as_str(), owner)),
    })
}

/// Whether the caller may read the messaging objects of `account` (its IG token, or the Page
/// token of its linked Page); `Err` for the Facebook user token (Page token needed).
fn may_read(world: &World, caller: &Caller, account: usize) -> Result<bool, GraphError> {
    match caller.subject {
        Subject::IgUser(a) => Ok(a == account),
        Subject::Page(p) => Ok(world.pages.get(p).and_then(|pg| pg.account) == Some(account)),
        Subject::FbUser => Err(page_token_required()),
    }
}

/// Serve the request when it is a messaging path; `None` leaves it to the other routers.
pub(crate) fn route(
    world: &mut World,
    caller: &Caller,
    req: &RouteReq,
) -> Option<Result<Value, GraphError>> {
    let m = req.method;
    match req.segs {
        [owner, edge @ ("messages" | "message_attachments" | "conversations" | "messenger_profile")] =>
        {
            if let Some(conv) = world.messaging.conversations.get(*owner) {
                // `/{conversation-id}/messages` (and nothing else under a conversation).
                let account = conv.account;
                if *edge != "messages" || *m != Method::GET {
                    return Some(Err(GraphError::unsupported(m.as_str(), owner)));
                }
                return Some(read::conversation_messages(
                    world, caller, req, owner, account,
                ));
            }
            let biz = match business(world, caller, owner, edge, m)? {
                Ok(b) => b,
                Err(e) => return Some(Err(e)),
            };
            Some(match (*edge, m.as_str()) {
                ("messages", "POST") => send::send(world, biz, req.params, req.now),
                ("message_attachments", "POST") => send::upload(world, biz, req.params),
                ("conversations", "GET") => read::conversations(world, caller, biz, req),
                ("messenger_profile", "GET" | "POST" | "DELETE") => {
                    profile::handle(world, biz, m, req.params)
                }
                _ => Err(GraphError::unsupported(m.as_str(), owner)),
            })
        }
        [id] if *m == Method::GET => read::node(world, caller, req, id),
        _ => None,
    }
}

/// The `messaging` object of `/_sandbox/info` (fixed keys, see the common rules).
pub(crate) fn info(world: &World) -> Value {
    world.messaging.info.clone()
}

/// A message the person sent (or, `echo`, the business sent from another app) arrived as a
/// simulated webhook: it joins the conversation, and an incoming one opens or refreshes the
/// window and gives profile consent. `m` is the webhook's `message` object.
pub(crate) fn record_webhook_message(
    world: &mut World,
    account: usize,
    igsid: &str,
    m: &Value,
    now: i64,
    echo: bool,
) {
    let Some(mid) = m.get("mid").and_then(Value::as_str).map(str::to_owned) else {
        return;
    };
    let mut msg = Message::new(mid.clone(), echo, now);
    msg.text = m
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if let Some(list) = m.get("attachments").and_then(Value::as_array) {
        for a in list {
            let kind = a.get("type").and_then(Value::as_str).unwrap_or("file");
            let url = a
                .pointer("/payload/url")
                .and_then(Value::as_str)
                .unwrap_or("");
            msg.attachments.push((kind.to_owned(), url.to_owned()));
        }
    }
    msg.reply_to = m
        .pointer("/reply_to/mid")
        .and_then(Value::as_str)
        .map(str::to_owned);
    msg.story = m.pointer("/reply_to/story").cloned();
    msg.is_unsupported = m.get("is_unsupported").and_then(Value::as_bool) == Some(true);
    let conv = model::conversation_for(world, account, igsid, now);
    let st = &mut world.messaging;
    if st.messages.contains_key(&mid) {
        // A resend of the same mid (duplicates): one message, as Meta stores it.
        return;
    }
    msg.conversation = conv.clone();
    st.messages.insert(mid.clone(), msg);
    if let Some(c) = st.conversations.get_mut(&conv) {
        c.messages.push(mid);
        c.updated = now;
        if !echo {
            c.last_incoming_at = Some(now);
            c.consent = true;
        }
    }
}

/// What a simulated webhook did to a known message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Change<'a> {
    /// `message_edit`: the person changed the text.
    Edit(&'a str),
    /// `message_deleted`: the person unsent it (gone from the conversation, as at Meta).
    Deleted,
    /// `message_reactions` react: the person's reaction (replaces an earlier one).
    React(&'a str),
    /// `message_reactions` unreact.
    Unreact,
}

/// Apply a simulated edit, deletion or reaction by `igsid` to the message `mid`, when the
/// sandbox knows that message (mids from before the sandbox started are ignored).
pub(crate) fn record_webhook_change(world: &mut World, igsid: &str, mid: &str, change: Change) {
    let st = &mut world.messaging;
    let Some(m) = st.messages.get_mut(mid) else {
        return;
    };
    let ours = st
        .conversations
        .get(&m.conversation)
        .is_some_and(|c| c.igsid == igsid);
    if !ours {
        return;
    }
    match change {
        Change::Edit(t) if !m.from_business => m.text = t.to_owned(),
        Change::Edit(_) => {}
        Change::React(r) => {
            m.reactions.retain(|(by_business, _)| *by_business);
            m.reactions.push((false, r.to_owned()));
        }
        Change::Unreact => m.reactions.retain(|(by_business, _)| *by_business),
        Change::Deleted if !m.from_business => {
            let conv = m.conversation.clone();
            st.messages.remove(mid);
            if let Some(c) = st.conversations.get_mut(&conv) {
                c.messages.retain(|x| x != mid);
            }
        }
        Change::Deleted => {}
    }
}

/// A simulated handover: `ours` is whether this app controls the thread afterwards
/// (`pass_thread_control` to it, or `take_thread_control` by the Inbox app).
pub(crate) fn record_thread_control(world: &mut World, account: usize, igsid: &str, ours: bool) {
    let now = world
        .messaging
        .by_person
        .get(&(account, igsid.to_owned()))
        .and_then(|c| world.messaging.conversations.get(c))
        .map(|c| c.updated)
        .unwrap_or(0);
    let conv = model::conversation_for(world, account, igsid, now);
    if let Some(c) = world.messaging.conversations.get_mut(&conv) {
        c.other_app_controls = !ours;
    }
}

/// A postback (ice breaker, persistent menu, button tap) is the person writing to the
/// business: it opens the window and gives consent, like a message.
pub(crate) fn record_postback(world: &mut World, account: usize, igsid: &str, now: i64) {
    let conv = model::conversation_for(world, account, igsid, now);
    if let Some(c) = world.messaging.conversations.get_mut(&conv) {
        c.last_incoming_at = Some(now);
        c.consent = true;
        c.updated = now;
    }
}
