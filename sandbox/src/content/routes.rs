//! Which content paths this module claims, and the handlers that need the world around them.

use super::hashtags;
use super::public;
use super::{InviteStatus, State};
use crate::auth::{fb_only, Caller};
use crate::errors::GraphError;
use crate::fields::{self, FieldSel};
use crate::graph::{resolve, RouteReq};
use crate::links::{self, Pairs};
use crate::paging::{EdgeItem, PageReq};
use crate::render::{self, fmt_time, parse_time, Ctx, ItemKind};
use crate::tokens::Subject;
use crate::world::{Comment, NodeKind, ProductType, World};
use crate::writes;
use axum::http::Method;
use serde_json::{json, Map, Value};

/// IG User fields served here (field-with-modifier lookups, graph-api.md §1.7, §1.8).
const USER_EXTRAS: &[&str] = &["business_discovery", "mentioned_media", "mentioned_comment"];
/// Meta's publishing quota per rolling 24 hours. UNCONFIRMED: the reference's `config`
/// example says 50, the publishing guide 100 (graph-api.md §7 #1); clients must read it.
const QUOTA_TOTAL: u64 = 100;
const QUOTA_DURATION: i64 = 86_400;
/// Largest page of `/live_media` (UNCONFIRMED; the `/media` cap).
const CAP_LIVE: usize = 100;
/// Largest page of `/collaboration_invites` (UNCONFIRMED).
const CAP_INVITES: usize = 100;
/// Longest comment text (the caption limit, graph-api.md §4.6).
const MAX_COMMENT_CHARS: usize = 2200;

fn sel_of(p: &Pairs) -> Result<Vec<FieldSel>, GraphError> {
    match links::get(p, "fields") {
        Some(f) => fields::parse(f).map_err(|m| GraphError::new(2500, m)),
        None => Ok(Vec::new()),
    }
}

fn page_req(p: &Pairs) -> PageReq {
    PageReq {
        limit: links::get(p, "limit").map(str::to_owned),
        after: links::get(p, "after").map(str::to_owned),
        before: links::get(p, "before").map(str::to_owned),
    }
}

/// The demo-side account an id names, when the caller manages it (`me` only for Instagram
/// Login: with Facebook Login `/me` is the Facebook user).
fn user_ref(world: &World, caller: &Caller, id: &str) -> Option<usize> {
    if id == "me" {
        return match caller.subject {
            Subject::IgUser(a) => Some(a),
            _ => None,
        };
    }
    world
        .lookup(id)
        .filter(|r| r.kind == NodeKind::User && caller.can_see_account(world, r.account))
        .map(|r| r.account)
}

/// An own media the caller manages (live stories only), or Meta's 100/33.
fn media_ref(
    world: &World,
    caller: &Caller,
    id: &str,
    method: &str,
    now: i64,
) -> Result<usize, GraphError> {
    match resolve(world, caller, id, now) {
        Ok(r) if r.kind == NodeKind::Media => Ok(r.account),
        _ => Err(GraphError::unsupported(method, id)),
    }
}

fn is_media(world: &World, id: &str) -> bool {
    world.lookup(id).is_some_and(|r| r.kind == NodeKind::Media)
}

/// `user_id` of the hashtag endpoints: required, and an account the caller manages.
fn hashtag_user(world: &World, caller: &Caller, p: &Pairs) -> Result<String, GraphError> {
    let Some(uid) = links::get(p, "user_id")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Err(GraphError::param("The parameter user_id is required"));
    };
    match user_ref(world, caller, uid) {
        Some(a) => Ok(world.accounts[a].user.id.clone()),
        None => Err(GraphError::unsupported("GET", uid)),
    }
}

pub(super) fn route(
    world: &mut World,
    caller: &Caller,
    req: &RouteReq,
) -> Option<Result<Value, GraphError>> {
    let m = req.method;
    let p = req.params;
    let get = *m == Method::GET;
    let post = *m == Method::POST;
    match req.segs {
        ["ig_hashtag_search"] if get => Some(fb_only(caller).and_then(|_| {
            let user = hashtag_user(world, caller, p)?;
            let q = links::get(p, "q").unwrap_or("");
            hashtags::search(&mut world.content, &user, q, req.now)
        })),
        [id, rest @ ..] if world.content.hashtags.contains_key(*id) => {
            Some(fb_only(caller).and_then(|_| hashtag_route(world, caller, req, id, rest)))
        }
        [id] if *m == Method::DELETE => Some(writes::delete(world, caller, id, req.now)),
        [id] if get && user_ref(world, caller, id).is_some() => {
            let sel = match sel_of(p) {
                Ok(s) => s,
                Err(e) => return Some(Err(e)),
            };
            if !sel.iter().any(|f| USER_EXTRAS.contains(&f.name.as_str())) {
                return None;
            }
            let a = user_ref(world, caller, id)?;
            super::seed::materialize_mentions(world, a);
            Some(user_with_extras(world, caller, req, a, &sel))
        }
        [id, edge] if user_ref(world, caller, id).is_some() => {
            let a = user_ref(world, caller, id)?;
            user_edge(world, caller, req, a, edge, get, post)
        }
        [id, edge] if is_media(world, id) => media_edge(world, caller, req, id, edge, get),
        _ => None,
    }
}

fn hashtag_route(
    world: &World,
    caller: &Caller,
    req: &RouteReq,
    id: &str,
    rest: &[&str],
) -> Result<Value, GraphError> {
    if *req.method != Method::GET {
        return Err(GraphError::unsupported(req.method.as_str(), id));
    }
    let p = req.params;
    let sel = sel_of(p)?;
    let st = &world.content;
    match rest {
        [] => hashtags::node(st, id, &sel),
        [edge @ ("top_media" | "recent_media")] => {
            hashtag_user(world, caller, p)?;
            hashtags::media(
                st,
                id,
                *edge == "recent_media",
                req.now,
                links::get(p, "after"),
                links::get(p, "limit"),
                &sel,
            )
        }
        [edge] => Err(GraphError::nonexisting_field(edge, "IGHashtag")),
        [_, more @ ..] => Err(GraphError::unknown_path(&format!("/{}", more.join("/")))),
    }
}

fn ctx<'a>(world: &'a World, caller: &Caller, req: &'a RouteReq) -> Ctx<'a> {
    Ctx {
        world,
        links: req.links,
        now: req.now,
        family: caller.family,
        subject: caller.subject,
    }
}

/// `GET /{ig-user-id}?fields=…,business_discovery.username(X){…},mentioned_media…`: the
/// ordinary fields rendered as usual, the lookups added (Facebook Login only).
fn user_with_extras(
    world: &World,
    caller: &Caller,
    req: &RouteReq,
    a: usize,
    sel: &[FieldSel],
) -> Result<Value, GraphError> {
    fb_only(caller)?;
    let acc = &world.accounts[a];
    let plain: Vec<FieldSel> = sel
        .iter()
        .filter(|f| !USER_EXTRAS.contains(&f.name.as_str()))
        .cloned()
        .collect();
    let base = render::user(&ctx(world, caller, req), acc, &plain, &["id"], false)?;
    let mut base = match base {
        Value::Object(o) => o,
        _ => Map::new(),
    };
    let mut out = Map::new();
    for f in sel {
        let v = match f.name.as_str() {
            "business_discovery" => public::business_discovery(&world.content, &world.accounts, f)?,
            "mentioned_media" => public::mentioned_media(&world.content, acc, f)?,
            "mentioned_comment" => public::mentioned_comment(&world.content, acc, f)?,
            name => match base.remove(name) {
                Some(v) => v,
                None => continue,
            },
        };
        out.insert(f.name.clone(), v);
    }
    // `id` is always there even when not asked for.
    for (k, v) in base {
        out.insert(k, v);
    }
    Ok(Value::Object(out))
}

fn user_edge(
    world: &mut World,
    caller: &Caller,
    req: &RouteReq,
    a: usize,
    edge: &str,
    get: bool,
    post: bool,
) -> Option<Result<Value, GraphError>> {
    let p = req.params;
    let now = req.now;
    let r = match (edge, get, post) {
        ("recently_searched_hashtags", true, _) => fb_only(caller).and_then(|_| {
            let user = world.accounts[a].user.id.clone();
            let link =
                |dir: &str, cursor: &str, limit: usize| req.links.cursor_link(dir, cursor, limit);
            hashtags::recently_searched(
                &world.content,
                &user,
                now,
                &page_req(p),
                &sel_of(p)?,
                &link,
            )
        }),
        ("content_publishing_limit", true, _) => publishing_limit(world, a, p, now),
        // UNCONFIRMED whether Instagram Login has `/tags` (graph-api.md §1.1); as before, 190.
        ("tags", true, _) => {
            fb_only(caller).and_then(|_| public::tags(&world.content, &page_req(p), &sel_of(p)?))
        }
        ("live_media", true, _) => live_media(world, caller, req, a),
        ("collaboration_invites", true, _) => {
            fb_only(caller).and_then(|_| list_invites(&world.content, req))
        }
        ("collaboration_invites", _, true) => {
            fb_only(caller).and_then(|_| answer_invite(&mut world.content, p))
        }
        ("mentions", _, true) => fb_only(caller).and_then(|_| {
            super::seed::materialize_mentions(world, a);
            reply_to_mention(world, a, p, now)
        }),
        _ => return None,
    };
    Some(r)
}

/// `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config[&since=]`.
fn publishing_limit(world: &World, a: usize, p: &Pairs, now: i64) -> Result<Value, GraphError> {
    let sel = sel_of(p)?;
    let since = match links::get(p, "since") {
        Some(s) => {
            let t = parse_time("since", s)?;
            // `since` may look back at most 24 hours (graph-api.md §1.3); UNCONFIRMED error.
            if t < now - QUOTA_DURATION {
                return Err(GraphError::param(
                    "The parameter since must be within the last 24 hours",
                ));
            }
            t
        }
        None => now - QUOTA_DURATION,
    };
    let acc = &world.accounts[a];
    let used = acc
        .feed
        .iter()
        .filter_map(|id| acc.media.get(id))
        .filter(|m| m.timestamp > since && m.timestamp <= now)
        .count()
        + acc
            .stories
            .iter()
            .filter_map(|id| acc.media.get(id))
            .filter(|m| m.timestamp > since && m.timestamp <= now)
            .count();
    let names: Vec<&str> = if sel.is_empty() {
        vec!["quota_usage"]
    } else {
        sel.iter().map(|f| f.name.as_str()).collect()
    };
    let mut o = Map::new();
    for n in names {
        let v = match n {
            "quota_usage" => json!(used),
            "config" => json!({"quota_total": QUOTA_TOTAL, "quota_duration": QUOTA_DURATION}),
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    "ContentPublishingLimitResponse",
                ))
            }
        };
        o.insert(n.to_owned(), v);
    }
    Ok(json!({ "data": [Value::Object(o)] }))
}

/// `GET /{ig-user-id}/live_media`: the account's live videos in progress (`since`/`until`).
fn live_media(
    world: &World,
    caller: &Caller,
    req: &RouteReq,
    a: usize,
) -> Result<Value, GraphError> {
    let p = req.params;
    let time = |n: &str| links::get(p, n).map(|v| parse_time(n, v)).transpose();
    let (since, until) = (time("since")?, time("until")?);
    let acc = &world.accounts[a];
    let mut items: Vec<EdgeItem> = world
        .content
        .live
        .iter()
        .filter(|l| req.now < l.ends_at)
        .filter_map(|l| acc.media.get(&l.media_id))
        .filter(|m| m.timestamp <= req.now)
        .filter(|m| {
            since.is_none_or(|s| m.timestamp >= s) && until.is_none_or(|u| m.timestamp <= u)
        })
        .map(|m| (-m.timestamp, m.id.clone()))
        .collect();
    items.sort();
    let sel = sel_of(p)?;
    let c = ctx(world, caller, req);
    let link = |dir: &str, cursor: &str, limit: usize| req.links.cursor_link(dir, cursor, limit);
    render::edge_page(
        &c,
        acc,
        &items,
        CAP_LIVE,
        &page_req(p),
        &sel,
        ItemKind::Media,
        &link,
    )
}

const INVITE_FIELDS: &[&str] = &["media_id", "media_owner_username", "caption", "media_url"];

/// `GET /{ig-user-id}/collaboration_invites`: pending invites (fields UNCONFIRMED beyond the
/// changelog entry of Dec 3 2025).
fn list_invites(st: &State, req: &RouteReq) -> Result<Value, GraphError> {
    let p = req.params;
    let sel = sel_of(p)?;
    let names: Vec<&str> = if sel.is_empty() {
        INVITE_FIELDS.to_vec()
    } else {
        sel.iter().map(|f| f.name.as_str()).collect()
    };
    if let Some(bad) = names.iter().find(|n| !INVITE_FIELDS.contains(n)) {
        return Err(GraphError::nonexisting_field(bad, "IGCollabInvite"));
    }
    let items: Vec<EdgeItem> = st
        .invites
        .iter()
        .enumerate()
        .filter(|(_, i)| i.status == InviteStatus::Pending)
        .map(|(k, i)| (k as i64, i.media_id.clone()))
        .collect();
    let w = crate::paging::window(&items, &page_req(p), CAP_INVITES)?;
    let mut data = Vec::new();
    for id in &w.ids {
        let Some(inv) = st.invites.iter().find(|i| &i.media_id == id) else {
            continue;
        };
        let Some(o) = st.others.get(inv.owner) else {
            continue;
        };
        let m = o.acc.media.get(id);
        let mut row = Map::new();
        for n in &names {
            let v = match *n {
                "media_id" => Some(json!(id)),
                "media_owner_username" => Some(json!(o.acc.user.username)),
                "caption" => m.and_then(|m| m.caption.clone()).map(|c| json!(c)),
                "media_url" => m.and_then(|m| m.media_url.clone()).map(|u| json!(u)),
                _ => None,
            };
            if let Some(v) = v {
                row.insert((*n).to_owned(), v);
            }
        }
        data.push(Value::Object(row));
    }
    let link = |dir: &str, cursor: &str, limit: usize| req.links.cursor_link(dir, cursor, limit);
    Ok(public::linked_page(data, &w, &link))
}

/// `POST /{ig-user-id}/collaboration_invites?media_id=&accept=true|false` → `{"success":true}`.
fn answer_invite(st: &mut State, p: &Pairs) -> Result<Value, GraphError> {
    let media_id = links::get(p, "media_id")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param("The parameter media_id is required"))?;
    let accept = match links::get(p, "accept") {
        Some("true") => true,
        Some("false") => false,
        Some(_) => {
            return Err(GraphError::param(
                "The parameter accept must be true or false",
            ))
        }
        None => return Err(GraphError::param("The parameter accept is required")),
    };
    // UNCONFIRMED: Meta's error for a media without a pending invite is undocumented.
    let inv = st
        .invites
        .iter_mut()
        .find(|i| i.media_id == media_id && i.status == InviteStatus::Pending)
        .ok_or_else(|| {
            GraphError::param(format!(
                "There is no pending collaboration invite for media {media_id}"
            ))
        })?;
    inv.status = if accept {
        InviteStatus::Accepted
    } else {
        InviteStatus::Declined
    };
    Ok(json!({"success": true}))
}

fn message_param(p: &Pairs) -> Result<String, GraphError> {
    let message = links::get(p, "message")
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| GraphError::param("The parameter message is required"))?;
    if message.chars().count() > MAX_COMMENT_CHARS {
        return Err(GraphError::param(format!(
            "The parameter message must be at most {MAX_COMMENT_CHARS} characters"
        )));
    }
    Ok(message.to_owned())
}

/// `POST /{ig-user-id}/mentions?media_id=[&comment_id=]&message=` → `{"id"}`: a comment on the
/// media whose caption mentions the account, or a reply to the comment that mentions it.
fn reply_to_mention(world: &mut World, a: usize, p: &Pairs, now: i64) -> Result<Value, GraphError> {
    let media_id = links::get(p, "media_id")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param("The parameter media_id is required"))?
        .to_owned();
    let comment_id = links::get(p, "comment_id")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let message = message_param(p)?;
    let me = &world.accounts[a];
    let mentioned = me
        .mentions
        .iter()
        .any(|m| m.media_id == media_id && m.comment_id.as_deref() == comment_id.as_deref());
    let owner = world.content.owner_of(&media_id);
    // UNCONFIRMED: Meta's error for a media or comment that does not mention the account.
    let not_mention = || {
        GraphError::param(format!(
            "The {} does not mention this account",
            match &comment_id {
                Some(c) => format!("comment {c} on media {media_id}"),
                None => format!("media {media_id}"),
            }
        ))
    };
    let Some(o) = owner.filter(|_| mentioned) else {
        return Err(not_mention());
    };
    let (from_id, from_name) = (me.user.id.clone(), me.user.username.clone());
    let new_id = writes::fresh_id(world);
    let other = &mut world.content.others[o].acc;
    if !other.media.contains_key(&media_id) {
        return Err(not_mention());
    }
    let parent = match &comment_id {
        Some(c) => {
            let Some(pc) = other.comments.get(c).filter(|pc| pc.media_id == media_id) else {
                return Err(not_mention());
            };
            Some(pc.parent_id.clone().unwrap_or_else(|| c.clone()))
        }
        None => None,
    };
    let c = Comment {
        id: new_id.clone(),
        legacy_id: crate::prng::mix(world.seed, world.objects_created) % 9_000_000_000_000_000
            + 1_000_000_000_000_000,
        media_id: media_id.clone(),
        text: message,
        timestamp: now,
        like_count: 0,
        hidden: false,
        from_id,
        from_username: from_name,
        parent_id: parent.clone(),
        replies: Vec::new(),
    };
    other.comments.insert(new_id.clone(), c);
    match parent {
        Some(top) => {
            if let Some(t) = other.comments.get_mut(&top) {
                t.replies.push(new_id.clone());
            }
        }
        None => {
            if let Some(m) = other.media.get_mut(&media_id) {
                m.comments.push(new_id.clone());
            }
        }
    }
    Ok(json!({ "id": new_id }))
}

fn media_edge(
    world: &World,
    caller: &Caller,
    req: &RouteReq,
    id: &str,
    edge: &str,
    get: bool,
) -> Option<Result<Value, GraphError>> {
    if !get
        || !matches!(
            edge,
            "collaborators" | "poll_attachment" | "prompt_response"
        )
    {
        return None;
    }
    let r = (|| {
        let a = media_ref(world, caller, id, "GET", req.now)?;
        let acc = &world.accounts[a];
        let m = acc
            .media
            .get(id)
            .ok_or_else(|| GraphError::unsupported("GET", id))?;
        let st = &world.content;
        match edge {
            "collaborators" => {
                let data: Vec<Value> = st
                    .collaborators
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(|c| json!({"id": c.id, "username": c.username, "invite_status": c.status.as_str()}))
                    .collect();
                Ok(json!({ "data": data }))
            }
            _ => {
                fb_only(caller)?;
                if m.product_type == ProductType::Story {
                    // UNCONFIRMED error text; caption add-ons never exist on stories.
                    return Err(GraphError::param(
                        "Caption add-ons are not supported on story media",
                    ));
                }
                if edge == "poll_attachment" {
                    let unix = links::get(req.params, "date_format") == Some("U");
                    Ok(poll(st, id, unix))
                } else {
                    // UNCONFIRMED shape: the reference names the edge, not its fields; the
                    // responses are served as the comments that answered the prompt, paged
                    // like `/comments`.
                    let items = if st.prompts.iter().any(|p| p == id) {
                        acc.comment_items(m)
                    } else {
                        Vec::new()
                    };
                    let sel = sel_of(req.params)?;
                    let c = ctx(world, caller, req);
                    let link = |dir: &str, cursor: &str, limit: usize| {
                        req.links.cursor_link(dir, cursor, limit)
                    };
                    render::edge_page(
                        &c,
                        acc,
                        &items,
                        render::CAP_COMMENTS,
                        &page_req(req.params),
                        &sel,
                        ItemKind::Comment,
                        &link,
                    )
                }
            }
        }
    })();
    Some(r)
}

/// The poll object (`null` when the media has no caption poll). UNCONFIRMED beyond the field
/// list of the reference page: option texts, vote shares as fractions, expiration_timestamp.
fn poll(st: &State, id: &str, unix: bool) -> Value {
    let Some(p) = st.polls.get(id) else {
        return Value::Null;
    };
    let mut o = Map::new();
    for (i, (text, share)) in p.options.iter().zip(&p.shares).enumerate().take(4) {
        let letter = (b'a' + i as u8) as char;
        o.insert(format!("option_{letter}"), json!(text));
        let rounded = (share * 10_000.0).round() / 10_000.0;
        o.insert(format!("option_{letter}_votes_percentage"), json!(rounded));
    }
    let exp = if unix {
        json!(p.expires_at)
    } else {
        json!(fmt_time(p.expires_at))
    };
    o.insert("expiration_timestamp".into(), exp);
    Value::Object(o)
}
