//! What the public-content surfaces show of other accounts: Business Discovery (profile and
//! media), `/tags`, `mentioned_media`, `mentioned_comment` and hashtag media. Each surface has
//! its own field list (graph-api.md §1.6–§1.8); `owner` is only ever shown to the owner.

use super::State;
use crate::errors::GraphError;
use crate::fields::FieldSel;
use crate::paging::{self, EdgeItem, PageReq, Window};
use crate::render::{fmt_time, parse_time};
use crate::world::{Account, Media, MediaType, ProductType};
use serde_json::{json, Map, Value};

/// Largest page of Business Discovery media (the `/media` cap; Meta's is UNCONFIRMED).
pub(crate) const CAP_DISCOVERY_MEDIA: usize = 100;
/// Largest page of `/tags` (UNCONFIRMED; the `/media` cap).
pub(crate) const CAP_TAGS: usize = 100;

/// Where another account's media is being shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Surface {
    Discovery,
    Hashtag,
    Tags,
    Mention,
}

/// Fields every surface returns.
const COMMON: &[&str] = &[
    "id",
    "caption",
    "children",
    "comments_count",
    "like_count",
    "media_type",
    "media_url",
    "permalink",
    "timestamp",
];
/// Public IG Media fields every surface but hashtag search adds (hashtag media hide who
/// posted them). UNCONFIRMED beyond the documented lists: the other public IG Media fields
/// (shortcode, legacy ids, comment and feed flags, alt text) are served too.
const NAMED: &[&str] = &[
    "media_product_type",
    "username",
    "thumbnail_url",
    "owner",
    "view_count",
    "shortcode",
    "ig_id",
    "legacy_instagram_media_id",
    "is_comment_enabled",
    "is_shared_to_feed",
    "alt_text",
];

/// The requested fields, or `id` when none were named (always with `id`).
fn effective(sel: &[FieldSel]) -> Vec<FieldSel> {
    let mut v: Vec<FieldSel> = if sel.is_empty() {
        vec![FieldSel::plain("id")]
    } else {
        sel.to_vec()
    };
    if !v.iter().any(|f| f.name == "id") {
        v.push(FieldSel::plain("id"));
    }
    v
}

/// Another account's media as `surface` shows it.
pub(crate) fn media(
    acc: &Account,
    m: &Media,
    sel: &[FieldSel],
    surface: Surface,
) -> Result<Value, GraphError> {
    let mut out = Map::new();
    for f in effective(sel) {
        let name = f.name.as_str();
        let known =
            COMMON.contains(&name) || (surface != Surface::Hashtag && NAMED.contains(&name));
        if !known {
            return Err(GraphError::nonexisting_field(name, "IGMedia"));
        }
        let v = match name {
            "id" => Some(json!(m.id)),
            "caption" => m
                .caption
                .as_ref()
                .filter(|_| m.parent_id.is_none())
                .map(|c| json!(c)),
            "media_type" => Some(json!(m.media_type.as_str())),
            "media_product_type" => Some(json!(m.product_type.as_str())),
            "media_url" => m.media_url.as_ref().map(|u| json!(u)),
            "thumbnail_url" => m
                .thumbnail_url
                .as_ref()
                .filter(|_| m.media_type == MediaType::Video)
                .map(|u| json!(u)),
            "permalink" => Some(json!(m.permalink(&acc.user.username))),
            "timestamp" => Some(json!(fmt_time(m.timestamp))),
            "username" => Some(json!(acc.user.username)),
            "shortcode" => Some(json!(m.shortcode)),
            "ig_id" | "legacy_instagram_media_id" => Some(json!(m.ig_id.to_string())),
            "is_comment_enabled" => m.parent_id.is_none().then(|| json!(m.comment_enabled)),
            "is_shared_to_feed" => m.shared_to_feed.map(|b| json!(b)),
            "alt_text" => m
                .alt_text
                .as_ref()
                .filter(|_| m.media_type == MediaType::Image)
                .map(|t| json!(t)),
            // Meta returns `owner` only to the media's owner (graph-api.md §1.4).
            "owner" => None,
            "comments_count" => Some(json!(acc.comments_count(m))),
            "like_count" => (!m.likes_hidden).then(|| json!(m.like_count)),
            "view_count" => {
                if surface != Surface::Discovery {
                    // UNCONFIRMED wording; the code is the one graph-api.md §1.4 names.
                    return Err(GraphError::new(
                        36104,
                        "(#36104) view_count is only available on reels read through Business Discovery",
                    ));
                }
                (m.product_type == ProductType::Reels)
                    .then(|| json!(m.like_count * 11 + 97 + m.ig_id % 500))
            }
            "children" => {
                if m.media_type != MediaType::CarouselAlbum {
                    None
                } else {
                    let sub = f.sub.as_deref().unwrap_or(&[]);
                    let mut data = Vec::new();
                    for c in &m.children {
                        if let Some(child) = acc.media.get(c) {
                            data.push(media(acc, child, sub, surface)?);
                        }
                    }
                    Some(json!({ "data": data }))
                }
            }
            _ => None,
        };
        if let Some(v) = v {
            out.insert(f.name.clone(), v);
        }
    }
    Ok(Value::Object(out))
}

/// Meta's answer for a username Business Discovery cannot show: unknown, or a personal
/// account (public code reports both get the same 110/2207013, so one cannot tell them apart).
pub(crate) fn user_not_found(username: &str) -> GraphError {
    let mut e = GraphError::new(110, "Invalid user id").with_subcode(2207013);
    e.is_transient = Some(false);
    // UNCONFIRMED: error_user_title "Cannot find User" / error_user_msg "The user with
    // username: … cannot be found." are what live answers are reported to carry; the envelope
    // here has no user-facing fields, so they are left out.
    let _ = username;
    e
}

/// `business_discovery.username(NAME){...}` for the caller's account. `own` are the world's
/// professional accounts: a business may discover itself (or another account of the app).
pub(crate) fn business_discovery(
    st: &State,
    own: &[Account],
    f: &FieldSel,
) -> Result<Value, GraphError> {
    let Some(name) = f
        .modifier("username")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Err(GraphError::param(
            "business_discovery requires the username modifier: business_discovery.username(NAME)",
        ));
    };
    let name = name.trim_start_matches('@');
    if let Some(acc) = own
        .iter()
        .find(|a| a.user.username.eq_ignore_ascii_case(name))
    {
        return discovered_user(acc, f.sub.as_deref().unwrap_or(&[]));
    }
    let other = st
        .other_by_username(name)
        .and_then(|i| st.others.get(i))
        .filter(|o| o.business)
        .ok_or_else(|| user_not_found(name))?;
    discovered_user(&other.acc, f.sub.as_deref().unwrap_or(&[]))
}

fn discovered_user(acc: &Account, sel: &[FieldSel]) -> Result<Value, GraphError> {
    let u = &acc.user;
    let mut out = Map::new();
    for f in effective(sel) {
        let v = match f.name.as_str() {
            "id" => json!(u.id),
            "ig_id" => json!(u.ig_id),
            "username" => json!(u.username),
            "name" => json!(u.name),
            "biography" => json!(u.biography),
            "website" => json!(u.website),
            "profile_picture_url" => json!(u.profile_picture_url),
            "followers_count" => json!(u.followers_count),
            "follows_count" => json!(u.follows_count),
            "media_count" => json!(acc.feed.len()),
            "media" => discovered_media(acc, &f)?,
            other => return Err(GraphError::nonexisting_field(other, "IGUser")),
        };
        out.insert(f.name.clone(), v);
    }
    Ok(Value::Object(out))
}

/// The nested `media` of a discovered account, paged with `.after()/.before()/.limit()` and
/// filtered with `.since()/.until()` field modifiers. Its `paging` carries `cursors` only:
/// the next page is the same expansion with `.after(cursor)` (there is no URL to follow;
/// UNCONFIRMED whether Meta adds one, peers.md §4 #14).
fn discovered_media(acc: &Account, f: &FieldSel) -> Result<Value, GraphError> {
    let time = |n: &str| f.modifier(n).map(|v| parse_time(n, v)).transpose();
    let items = acc.feed_items(time("since")?, time("until")?);
    let req = PageReq {
        limit: f.modifier("limit").map(str::to_owned),
        after: f.modifier("after").map(str::to_owned),
        before: f.modifier("before").map(str::to_owned),
    };
    let w = paging::window(&items, &req, CAP_DISCOVERY_MEDIA)?;
    let sub = f.sub.as_deref().unwrap_or(&[]);
    let mut data = Vec::with_capacity(w.ids.len());
    for id in &w.ids {
        if let Some(m) = acc.media.get(id) {
            data.push(media(acc, m, sub, Surface::Discovery)?);
        }
    }
    Ok(cursors_page(data, &w, true))
}

/// `{"data":[...],"paging":{"cursors":{...}}}` without `next`/`previous` (the `/tags`,
/// `mentioned_*`, Business Discovery and hashtag shape); no `paging` on an empty page.
/// `with_before: false` gives only the `after` cursor (hashtag media, graph-api.md §1.6).
pub(crate) fn cursors_page(data: Vec<Value>, w: &Window, with_before: bool) -> Value {
    let mut out = Map::new();
    out.insert("data".into(), Value::Array(data));
    if let (Some(before), Some(after)) = (&w.before, &w.after) {
        let cursors = if with_before {
            json!({"before": before, "after": after})
        } else {
            json!({ "after": after })
        };
        out.insert("paging".into(), json!({ "cursors": cursors }));
    }
    Value::Object(out)
}

/// `{"data":[...],"paging":{"cursors","previous"?,"next"?}}`: an ordinary edge page whose
/// links `link(dir, cursor, limit)` builds.
pub(crate) fn linked_page(
    data: Vec<Value>,
    w: &Window,
    link: &dyn Fn(&str, &str, usize) -> String,
) -> Value {
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

/// `/tags`: other accounts' public media the demo account is tagged in, newest first.
pub(crate) fn tags(st: &State, req: &PageReq, sel: &[FieldSel]) -> Result<Value, GraphError> {
    let mut items: Vec<EdgeItem> = st
        .tagged
        .iter()
        .filter_map(|(o, id)| {
            let other = st.others.get(*o).filter(|o| !o.private)?;
            other
                .acc
                .media
                .get(id)
                .map(|m| (-m.timestamp, m.id.clone()))
        })
        .collect();
    items.sort();
    let w = paging::window(&items, req, CAP_TAGS)?;
    let mut data = Vec::new();
    for id in &w.ids {
        if let Some(o) = st.owner_of(id).and_then(|i| st.others.get(i)) {
            if let Some(m) = o.acc.media.get(id) {
                data.push(media(&o.acc, m, sel, Surface::Tags)?);
            }
        }
    }
    Ok(cursors_page(data, &w, true))
}

/// `mentioned_media.media_id(ID){...}`: a media whose caption @mentions the account.
pub(crate) fn mentioned_media(st: &State, me: &Account, f: &FieldSel) -> Result<Value, GraphError> {
    let id = required_mod(f, "media_id")?;
    let mentioned = me
        .mentions
        .iter()
        .any(|m| m.media_id == id && m.comment_id.is_none());
    let o = st
        .owner_of(id)
        .and_then(|i| st.others.get(i))
        .filter(|_| mentioned);
    let m = o.and_then(|o| o.acc.media.get(id));
    match (o, m) {
        (Some(o), Some(m)) => media(&o.acc, m, f.sub.as_deref().unwrap_or(&[]), Surface::Mention),
        _ => Err(GraphError::unsupported("GET", id)),
    }
}

/// `mentioned_comment.comment_id(ID){...}`: a comment that @mentions the account.
pub(crate) fn mentioned_comment(
    st: &State,
    me: &Account,
    f: &FieldSel,
) -> Result<Value, GraphError> {
    let id = required_mod(f, "comment_id")?;
    let mentioned = me
        .mentions
        .iter()
        .any(|m| m.comment_id.as_deref() == Some(id));
    let o = st
        .owner_of(id)
        .and_then(|i| st.others.get(i))
        .filter(|_| mentioned);
    let (Some(o), Some(c)) = (o, o.and_then(|o| o.acc.comments.get(id))) else {
        return Err(GraphError::unsupported("GET", id));
    };
    let mut out = Map::new();
    for sf in effective(f.sub.as_deref().unwrap_or(&[])) {
        let v = match sf.name.as_str() {
            "id" => Some(json!(c.id)),
            "text" => Some(json!(c.text)),
            "timestamp" => Some(json!(fmt_time(c.timestamp))),
            "like_count" => Some(json!(c.like_count)),
            "media" => match o.acc.media.get(&c.media_id) {
                Some(m) => Some(media(
                    &o.acc,
                    m,
                    sf.sub.as_deref().unwrap_or(&[]),
                    Surface::Mention,
                )?),
                None => None,
            },
            other => return Err(GraphError::nonexisting_field(other, "IGComment")),
        };
        if let Some(v) = v {
            out.insert(sf.name.clone(), v);
        }
    }
    Ok(Value::Object(out))
}

fn required_mod<'a>(f: &'a FieldSel, name: &str) -> Result<&'a str, GraphError> {
    f.modifier(name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            GraphError::param(format!(
                "{} requires the {name} modifier: {}.{name}(ID)",
                f.name, f.name
            ))
        })
}
