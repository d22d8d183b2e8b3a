//! Turning world objects into Graph JSON: field selection per node type, nested edges with paging.

use super::errors::GraphError;
use super::fields::{self, FieldSel};
use super::insights;
use super::links::{Links, Pairs};
use super::paging::{self, EdgeItem, PageReq, Window};
use super::tokens::{Family, Subject};
use super::world::{
    Account, Comment, FbPage, Media, MediaType, NodeKind, NodeRef, ProductType, World,
};
use serde_json::{json, Map, Value};

/// Page-size caps per edge (a larger `limit` is silently capped).
pub(crate) const CAP_MEDIA: usize = 100;
pub(crate) const CAP_STORIES: usize = 100;
pub(crate) const CAP_COMMENTS: usize = 50;
pub(crate) const CAP_REPLIES: usize = 50;
pub(crate) const CAP_CHILDREN: usize = 10;
pub(crate) const CAP_ACCOUNTS: usize = 100;

/// Fields an edge item shows when the request names none.
pub(crate) const DEFAULT_MEDIA: &[&str] = &["id"];
/// Meta's documented default of `/comments` and `/replies` items.
pub(crate) const DEFAULT_COMMENT: &[&str] = &["timestamp", "text", "id"];
pub(crate) const DEFAULT_PAGE_ITEM: &[&str] = &["access_token", "category", "name", "id"];
/// What `/me/accounts` shows of a Page's tasks for its admin.
const PAGE_TASKS: &[&str] = &[
    "ANALYZE",
    "ADVERTISE",
    "MESSAGING",
    "MODERATE",
    "CREATE_CONTENT",
    "MANAGE",
];
/// IG User fields only graph.facebook.com serves (graph-api.md §1.1, §1.7, §1.8).
const FACEBOOK_ONLY_USER_FIELDS: &[&str] = &[
    "business_discovery",
    "mentioned_media",
    "mentioned_comment",
    "shopping_product_tag_eligibility",
    "shopping_review_status",
];
/// IG User fields only graph.instagram.com serves (the Instagram Login user, §1.2).
const INSTAGRAM_ONLY_USER_FIELDS: &[&str] = &["user_id", "account_type"];

/// Everything a renderer reads.
pub(crate) struct Ctx<'a> {
    pub world: &'a World,
    pub links: &'a Links,
    /// Unix seconds on the virtual clock (stories' liveness, insights windows).
    pub now: i64,
    /// The host whose semantics apply (told by the token family).
    pub family: Family,
    /// Who the token speaks for (Page tokens are shown only to their Page's admins).
    pub subject: Subject,
}

/// What the items of an edge are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemKind {
    Media,
    Comment,
}

/// Graph's timestamp format: `2026-01-01T12:00:00+0000`.
pub(crate) fn fmt_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%z").to_string())
        .unwrap_or_default()
}

/// The requested fields, or the defaults when none were named; `id` is always present.
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

fn sub_or_empty(f: &FieldSel) -> &[FieldSel] {
    f.sub.as_deref().unwrap_or(&[])
}

/// Render any node by id.
pub(crate) fn node(
    ctx: &Ctx,
    r: NodeRef,
    id: &str,
    sel: &[FieldSel],
    default: &[&str],
) -> Result<Value, GraphError> {
    let acc = ctx
        .world
        .accounts
        .get(r.account)
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    match r.kind {
        NodeKind::User => user(ctx, acc, sel, default, false),
        NodeKind::Media => {
            let m = acc
                .media
                .get(id)
                .ok_or_else(|| GraphError::unsupported("GET", id))?;
            media(ctx, acc, m, sel, default)
        }
        NodeKind::Comment => {
            let c = acc
                .comments
                .get(id)
                .ok_or_else(|| GraphError::unsupported("GET", id))?;
            comment(ctx, acc, c, sel, default)
        }
    }
}

/// The IG user node. `as_me`: reached as `/me` with an Instagram Login token, where Meta shows
/// the app-scoped id as `id` and the professional account id as `user_id`.
pub(crate) fn user(
    ctx: &Ctx,
    acc: &Account,
    sel: &[FieldSel],
    default: &[&str],
    as_me: bool,
) -> Result<Value, GraphError> {
    let u = &acc.user;
    let mut out = Map::new();
    for f in effective(sel, default) {
        let name = f.name.as_str();
        match ctx.family {
            // graph.instagram.com has no Facebook-only lookups: the call belongs to
            // graph.facebook.com, which cannot parse an Instagram token (see routes::fb_only).
            Family::Instagram if FACEBOOK_ONLY_USER_FIELDS.contains(&name) => {
                return Err(GraphError::invalid_token())
            }
            Family::Facebook if INSTAGRAM_ONLY_USER_FIELDS.contains(&name) => {
                return Err(GraphError::nonexisting_field(name, "IGUser"))
            }
            _ => {}
        }
        let v = match name {
            "id" if as_me && ctx.family == Family::Instagram => json!(u.scoped_id),
            "id" | "user_id" => json!(u.id),
            "ig_id" => json!(u.ig_id),
            "legacy_instagram_user_id" => json!(u.ig_id.to_string()),
            "username" => json!(u.username),
            "name" => json!(u.name),
            "biography" => json!(u.biography),
            "website" => json!(u.website),
            "profile_picture_url" => json!(u.profile_picture_url),
            "followers_count" => json!(u.followers_count),
            "follows_count" => json!(u.follows_count),
            "media_count" => json!(acc.feed.len()),
            "account_type" => json!("BUSINESS"),
            "has_profile_pic" => json!(true),
            "is_published" => json!(true),
            "media" => {
                let items = acc.feed_items(time_mod(&f, "since")?, time_mod(&f, "until")?);
                nested_edge(
                    ctx,
                    acc,
                    &u.id,
                    "media",
                    &f,
                    &items,
                    CAP_MEDIA,
                    ItemKind::Media,
                )?
            }
            "stories" => {
                let items = acc.live_story_items(ctx.now);
                nested_edge(
                    ctx,
                    acc,
                    &u.id,
                    "stories",
                    &f,
                    &items,
                    CAP_STORIES,
                    ItemKind::Media,
                )?
            }
            "insights" => insights::user(ctx, acc, &mods_as_params(&f), None)?,
            other => return Err(GraphError::nonexisting_field(other, "IGUser")),
        };
        out.insert(f.name.clone(), v);
    }
    Ok(Value::Object(out))
}

/// A Facebook Page. Its `access_token` is shown to its admin (the Facebook user) and to the
/// Page itself; `instagram_business_account` is absent when no account is linked (§1.2).
pub(crate) fn page(
    ctx: &Ctx,
    index: usize,
    sel: &[FieldSel],
    default: &[&str],
) -> Result<Value, GraphError> {
    let Some(p) = ctx.world.pages.get(index) else {
        return Err(GraphError::unsupported("GET", ""));
    };
    let may_see_token = match ctx.subject {
        Subject::FbUser => true,
        Subject::Page(i) => i == index,
        Subject::IgUser(_) => false,
    };
    let linked = p.account.and_then(|a| ctx.world.accounts.get(a));
    let mut out = Map::new();
    for f in effective(sel, default) {
        let v = match f.name.as_str() {
            "id" => Some(json!(p.id)),
            "name" => Some(json!(p.name)),
            "category" => Some(json!(p.category)),
            "tasks" => Some(json!(PAGE_TASKS)),
            "access_token" => may_see_token.then(|| json!(p.access_token)),
            "instagram_business_account" | "connected_instagram_account" => match linked {
                Some(acc) => Some(user(ctx, acc, sub_or_empty(&f), &["id"], false)?),
                None => None,
            },
            other => return Err(GraphError::nonexisting_field(other, "Page")),
        };
        if let Some(v) = v {
            out.insert(f.name.clone(), v);
        }
    }
    Ok(Value::Object(out))
}

/// The Facebook Login user (`/me` with a user token on graph.facebook.com).
pub(crate) fn fb_user(ctx: &Ctx, sel: &[FieldSel]) -> Result<Value, GraphError> {
    let u = &ctx.world.fb_user;
    let mut out = Map::new();
    for f in effective(sel, &["name", "id"]) {
        let v = match f.name.as_str() {
            "id" => json!(u.id),
            "name" => json!(u.name),
            "accounts" => {
                let items = page_items(&ctx.world.pages);
                let req = PageReq {
                    limit: f.modifier("limit").map(str::to_owned),
                    after: f.modifier("after").map(str::to_owned),
                    before: f.modifier("before").map(str::to_owned),
                };
                let sub = sub_or_empty(&f);
                let link = |dir: &str, cursor: &str, limit: usize| {
                    let mut p: Pairs = Vec::new();
                    if !sub.is_empty() {
                        p.push(("fields".into(), fields::join(sub)));
                    }
                    p.push(("limit".into(), limit.to_string()));
                    p.push((dir.into(), cursor.into()));
                    ctx.links.edge(&u.id, "accounts", p)
                };
                pages_page(ctx, &items, &req, sub, &link)?
            }
            other => return Err(GraphError::nonexisting_field(other, "User")),
        };
        out.insert(f.name.clone(), v);
    }
    Ok(Value::Object(out))
}

/// The Pages of the Facebook user as edge items, in seed order.
pub(crate) fn page_items(pages: &[FbPage]) -> Vec<EdgeItem> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| (i as i64, p.id.clone()))
        .collect()
}

/// One page of `/me/accounts`.
pub(crate) fn pages_page(
    ctx: &Ctx,
    items: &[EdgeItem],
    req: &PageReq,
    sel: &[FieldSel],
    link: &dyn Fn(&str, &str, usize) -> String,
) -> Result<Value, GraphError> {
    let w = paging::window(items, req, CAP_ACCOUNTS)?;
    let mut data = Vec::with_capacity(w.ids.len());
    for id in &w.ids {
        if let Some(i) = ctx.world.page_index(id) {
            data.push(page(ctx, i, sel, DEFAULT_PAGE_ITEM)?);
        }
    }
    Ok(with_paging(data, &w, link))
}

pub(crate) fn media(
    ctx: &Ctx,
    acc: &Account,
    m: &Media,
    sel: &[FieldSel],
    default: &[&str],
) -> Result<Value, GraphError> {
    let story = m.product_type == ProductType::Story;
    let counted = !m.is_child() && !story;
    let mut out = Map::new();
    for f in effective(sel, default) {
        let v: Option<Value> = match f.name.as_str() {
            "id" => Some(json!(m.id)),
            "ig_id" | "legacy_instagram_media_id" => Some(json!(m.ig_id.to_string())),
            "caption" => m
                .caption
                .as_ref()
                .filter(|_| !m.is_child())
                .map(|c| json!(c)),
            "media_type" => Some(json!(m.media_type.as_str())),
            "media_product_type" => Some(json!(m.product_type.as_str())),
            "media_url" => m.media_url.as_ref().map(|u| json!(u)),
            "thumbnail_url" => m
                .thumbnail_url
                .as_ref()
                .filter(|_| m.media_type == MediaType::Video)
                .map(|u| json!(u)),
            "permalink" => Some(json!(permalink(acc, m))),
            "shortcode" => Some(json!(m.shortcode)),
            "timestamp" => Some(json!(fmt_time(m.timestamp))),
            "username" => Some(json!(acc.user.username)),
            "owner" => Some(user(ctx, acc, sub_or_empty(&f), &["id"], false)?),
            "comments_count" => counted.then(|| json!(acc.comments_count(m))),
            "like_count" => (counted && !m.likes_hidden).then(|| json!(m.like_count)),
            "is_comment_enabled" => counted.then(|| json!(m.comment_enabled)),
            "is_shared_to_feed" => m.shared_to_feed.map(|b| json!(b)),
            "alt_text" => m
                .alt_text
                .as_ref()
                .filter(|_| m.media_type == MediaType::Image)
                .map(|t| json!(t)),
            "children" => {
                if m.media_type == MediaType::CarouselAlbum {
                    let items = acc.children_items(m);
                    Some(nested_edge(
                        ctx,
                        acc,
                        &m.id,
                        "children",
                        &f,
                        &items,
                        CAP_CHILDREN,
                        ItemKind::Media,
                    )?)
                } else {
                    None
                }
            }
            "comments" => {
                let items = acc.comment_items(m);
                Some(nested_edge(
                    ctx,
                    acc,
                    &m.id,
                    "comments",
                    &f,
                    &items,
                    CAP_COMMENTS,
                    ItemKind::Comment,
                )?)
            }
            "insights" => Some(insights::media(ctx, acc, m, &mods_as_params(&f), None)?),
            other => return Err(GraphError::nonexisting_field(other, "IGMedia")),
        };
        if let Some(v) = v {
            out.insert(f.name.clone(), v);
        }
    }
    Ok(Value::Object(out))
}

fn permalink(acc: &Account, m: &Media) -> String {
    match m.parent_id.as_ref().and_then(|p| acc.media.get(p)) {
        Some(parent) => {
            let idx = parent.children.iter().position(|c| *c == m.id).unwrap_or(0) + 1;
            format!("{}?img_index={idx}", parent.permalink(&acc.user.username))
        }
        None => m.permalink(&acc.user.username),
    }
}

pub(crate) fn comment(
    ctx: &Ctx,
    acc: &Account,
    c: &Comment,
    sel: &[FieldSel],
    default: &[&str],
) -> Result<Value, GraphError> {
    let by_owner = c.from_id == acc.user.id;
    let mut out = Map::new();
    for f in effective(sel, default) {
        let v: Option<Value> = match f.name.as_str() {
            "id" => Some(json!(c.id)),
            "text" => Some(json!(c.text)),
            "timestamp" => Some(json!(fmt_time(c.timestamp))),
            "like_count" => Some(json!(c.like_count)),
            "hidden" => Some(json!(c.hidden)),
            "username" => Some(json!(c.from_username)),
            "legacy_instagram_comment_id" => Some(json!(c.legacy_id.to_string())),
            "from" => {
                let mut o = Map::new();
                for sf in effective(sub_or_empty(&f), &["id", "username"]) {
                    match sf.name.as_str() {
                        "id" => o.insert("id".into(), json!(c.from_id)),
                        "username" => o.insert("username".into(), json!(c.from_username)),
                        other => {
                            return Err(GraphError::nonexisting_field(other, "IGCommentFromUser"))
                        }
                    };
                }
                Some(Value::Object(o))
            }
            // Only the account's own comments expose `user` (other users are not readable nodes).
            "user" => {
                if by_owner {
                    Some(user(ctx, acc, sub_or_empty(&f), &["id"], false)?)
                } else {
                    None
                }
            }
            "media" => match acc.media.get(&c.media_id) {
                Some(m) => Some(media(ctx, acc, m, sub_or_empty(&f), &["id"])?),
                None => None,
            },
            "parent_id" => c.parent_id.as_ref().map(|p| json!(p)),
            "replies" => {
                if c.parent_id.is_none() {
                    let items = acc.reply_items(c);
                    Some(nested_edge(
                        ctx,
                        acc,
                        &c.id,
                        "replies",
                        &f,
                        &items,
                        CAP_REPLIES,
                        ItemKind::Comment,
                    )?)
                } else {
                    None
                }
            }
            other => return Err(GraphError::nonexisting_field(other, "IGComment")),
        };
        if let Some(v) = v {
            out.insert(f.name.clone(), v);
        }
    }
    Ok(Value::Object(out))
}

/// Modifiers of an expanded field as query-style params (`insights.metric(reach).period(day)`).
fn mods_as_params(f: &FieldSel) -> Pairs {
    f.mods.clone()
}

fn time_mod(f: &FieldSel, name: &str) -> Result<Option<i64>, GraphError> {
    f.modifier(name).map(|v| parse_time(name, v)).transpose()
}

/// `since`/`until` as Graph takes them: unix seconds or a date/time string, 1970..=9999.
pub(crate) fn parse_time(name: &str, raw: &str) -> Result<i64, GraphError> {
    let t = parse_time_any(name, raw)?;
    if !(crate::clock::MIN_TIME..=crate::clock::MAX_TIME).contains(&t) {
        return Err(GraphError::param(format!(
            "The parameter {name} is out of range"
        )));
    }
    Ok(t)
}

fn parse_time_any(name: &str, raw: &str) -> Result<i64, GraphError> {
    // `+0000` sent without URL-encoding arrives as ` 0000`.
    let owned = raw.trim().replace(' ', "+");
    let s = owned.as_str();
    if let Some(t) = crate::timeparse::parse(s) {
        return Ok(t);
    }
    Err(GraphError::param(format!(
        "The parameter {name} must be a unix timestamp or a date (YYYY-MM-DD), got '{}'",
        s.chars().take(40).collect::<String>()
    )))
}

/// An edge expanded inside a node: paging from modifiers, links to the edge itself.
#[allow(clippy::too_many_arguments)]
fn nested_edge(
    ctx: &Ctx,
    acc: &Account,
    owner: &str,
    edge: &str,
    f: &FieldSel,
    items: &[EdgeItem],
    cap: usize,
    kind: ItemKind,
) -> Result<Value, GraphError> {
    let req = PageReq {
        limit: f.modifier("limit").map(str::to_owned),
        after: f.modifier("after").map(str::to_owned),
        before: f.modifier("before").map(str::to_owned),
    };
    let sub = sub_or_empty(f);
    let link = |dir: &str, cursor: &str, limit: usize| {
        let mut p: Pairs = Vec::new();
        if !sub.is_empty() {
            p.push(("fields".into(), fields::join(sub)));
        }
        for m in ["since", "until"] {
            if let Some(v) = f.modifier(m) {
                p.push((m.into(), v.into()));
            }
        }
        p.push(("limit".into(), limit.to_string()));
        p.push((dir.into(), cursor.into()));
        ctx.links.edge(owner, edge, p)
    };
    edge_page(ctx, acc, items, cap, &req, sub, kind, &link)
}

/// One page of an edge as `{"data":[...],"paging":{...}}`. `link(dir, cursor, limit)` builds
/// the `next` (dir `after`) and `previous` (dir `before`) URLs.
#[allow(clippy::too_many_arguments)]
pub(crate) fn edge_page(
    ctx: &Ctx,
    acc: &Account,
    items: &[EdgeItem],
    cap: usize,
    req: &PageReq,
    sel: &[FieldSel],
    kind: ItemKind,
    link: &dyn Fn(&str, &str, usize) -> String,
) -> Result<Value, GraphError> {
    let w = paging::window(items, req, cap)?;
    let mut data = Vec::with_capacity(w.ids.len());
    for id in &w.ids {
        let v = match kind {
            ItemKind::Media => match acc.media.get(id) {
                Some(m) => media(ctx, acc, m, sel, DEFAULT_MEDIA)?,
                None => continue,
            },
            ItemKind::Comment => match acc.comments.get(id) {
                Some(c) => comment(ctx, acc, c, sel, DEFAULT_COMMENT)?,
                None => continue,
            },
        };
        data.push(v);
    }
    Ok(with_paging(data, &w, link))
}

/// `{"data":[...],"paging":{"cursors","previous"?,"next"?}}` (no `paging` for an empty page).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_formats() {
        assert_eq!(fmt_time(1_767_268_800), "2026-01-01T12:00:00+0000");
        assert_eq!(parse_time("since", "1767268800").unwrap(), 1_767_268_800);
        assert_eq!(parse_time("since", "2026-01-01").unwrap(), 1_767_225_600);
        assert_eq!(
            parse_time("since", "2026-01-01T12:00:00+0000").unwrap(),
            1_767_268_800
        );
        assert_eq!(
            parse_time("since", "2026-01-01T12:00:00Z").unwrap(),
            1_767_268_800
        );
        assert_eq!(
            parse_time("since", "2026-01-01T12:00:00 0000").unwrap(),
            1_767_268_800
        );
        assert_eq!(
            parse_time("since", "2026-01-01T12:00:00").unwrap(),
            1_767_268_800
        );
        assert_eq!(parse_time("until", "soon").unwrap_err().code, 100);
        assert!(parse_time("until", "-9223372036854775808").is_err());
        assert!(parse_time("until", "9223372036854775807").is_err());
    }

    #[test]
    fn id_is_always_added() {
        let e = effective(&[FieldSel::plain("caption")], &["id"]);
        assert_eq!(
            e.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["caption", "id"]
        );
        let e = effective(&[], &["timestamp", "text", "id"]);
        assert_eq!(e.len(), 3);
    }
}
