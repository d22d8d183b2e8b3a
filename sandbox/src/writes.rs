//! Graph writes (POST). Each handler only changes the world and answers; the dispatcher
//! records every successful write in the ledger and applies faults around it, so a new write
//! endpoint is one more arm here.
//!
//! Served now (graph-api.md §1.4, §1.5):
//! * `POST /{ig-comment-id}/replies` (`message`) → `{"id"}`;
//! * `POST /{ig-comment-id}` (`hide=true|false`) → `{"success":true}` (not the owner's own);
//! * `POST /{ig-media-id}/comments` (`message`, ≤ 2200 characters) → `{"id"}`, refused while
//!   comments are disabled on the media;
//! * `POST /{ig-media-id}` (`comment_enabled=true|false`) → `{"success":true}` (not on live);
//! * `DELETE /{ig-comment-id}` → `{"success":true}` (with its replies);
//! * `DELETE /{ig-media-id}` [Facebook Login] → `{"success":true,"deleted_id"}` for posts,
//!   reels, carousels and stories; carousel items and live videos get -1/2207073.

use crate::auth::{fb_only, Caller};
use crate::errors::GraphError;
use crate::graph::resolve;
use crate::links::{self, Pairs};
use crate::prng::mix;
use crate::world::{Comment, NodeKind, ProductType, World};
use serde_json::{json, Value};

/// Longest comment text Instagram accepts (same cap as a caption).
const MAX_COMMENT_CHARS: usize = 2200;

/// Route one POST.
pub(crate) fn post(
    world: &mut World,
    caller: &Caller,
    segs: &[&str],
    params: &Pairs,
    now: i64,
) -> Result<Value, GraphError> {
    match segs {
        [id, "replies"] => reply(world, caller, id, params, now),
        [id, "comments"] => create_comment(world, caller, id, params, now),
        [id] if world
            .lookup(id)
            .is_some_and(|r| r.kind == NodeKind::Comment) =>
        {
            hide(world, caller, id, params, now)
        }
        [id] if world.lookup(id).is_some_and(|r| r.kind == NodeKind::Media) => {
            set_comments_enabled(world, caller, id, params, now)
        }
        _ => Err(GraphError::unsupported(
            "POST",
            segs.first().copied().unwrap_or(""),
        )),
    }
}

fn comment_ref(
    world: &World,
    caller: &Caller,
    id: &str,
    now: i64,
) -> Result<(usize, String), GraphError> {
    let r = resolve(world, caller, id, now).map_err(|_| GraphError::unsupported("POST", id))?;
    if r.kind != NodeKind::Comment {
        return Err(GraphError::unsupported("POST", id));
    }
    Ok((r.account, id.to_owned()))
}

fn reply(
    world: &mut World,
    caller: &Caller,
    id: &str,
    params: &Pairs,
    now: i64,
) -> Result<Value, GraphError> {
    let (account, parent_id) = comment_ref(world, caller, id, now)?;
    let message = message_param(params)?;
    let acc = &world.accounts[account];
    let on = acc.comments.get(&parent_id).map(|c| c.media_id.clone());
    if let Some(m) = on.and_then(|m| acc.media.get(&m)) {
        // Turning comments off closes the threads too (UNCONFIRMED for replies).
        if !m.comment_enabled {
            return Err(comments_disabled(&m.id));
        }
    }
    let new_id = fresh_id(world);
    let acc = &mut world.accounts[account];
    let Some(parent) = acc.comments.get(&parent_id) else {
        return Err(GraphError::unsupported("POST", id));
    };
    // Instagram threads are one level deep: a reply to a reply joins the top-level comment.
    let top_id = parent
        .parent_id
        .clone()
        .unwrap_or_else(|| parent_id.clone());
    let media_id = parent.media_id.clone();
    let c = Comment {
        id: new_id.clone(),
        legacy_id: mix(world.seed, world.objects_created) % 10_000_000_000_000_000,
        media_id,
        text: message,
        timestamp: now,
        like_count: 0,
        hidden: false,
        from_id: acc.user.id.clone(),
        from_username: acc.user.username.clone(),
        parent_id: Some(top_id.clone()),
        replies: Vec::new(),
    };
    acc.comments.insert(new_id.clone(), c);
    if let Some(top) = acc.comments.get_mut(&top_id) {
        top.replies.push(new_id.clone());
    }
    world.reindex();
    Ok(json!({ "id": new_id }))
}

fn hide(
    world: &mut World,
    caller: &Caller,
    id: &str,
    params: &Pairs,
    now: i64,
) -> Result<Value, GraphError> {
    let (account, id) = comment_ref(world, caller, id, now)?;
    let hidden = match links::get(params, "hide") {
        Some("true") => true,
        Some("false") => false,
        Some(_) => {
            return Err(GraphError::param(
                "The parameter hide must be true or false",
            ))
        }
        None => return Err(GraphError::param("The parameter hide is required")),
    };
    let acc = &mut world.accounts[account];
    let owner_id = acc.user.id.clone();
    if let Some(c) = acc.comments.get_mut(&id) {
        // Meta: comments made by the media owner cannot be hidden (graph-api.md §1.5).
        // UNCONFIRMED: the error Meta answers with; the generic invalid-parameter one here.
        if c.from_id == owner_id && hidden {
            return Err(GraphError::param(
                "Comments made by the media owner cannot be hidden",
            ));
        }
        c.hidden = hidden;
    }
    Ok(json!({"success": true}))
}

fn message_param(params: &Pairs) -> Result<String, GraphError> {
    let message = links::get(params, "message")
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

/// Meta's answer to a comment on a media whose comments are turned off. UNCONFIRMED: the
/// rule is documented (`is_comment_enabled`), the error is not; a permission-style (#10).
pub(crate) fn comments_disabled(media_id: &str) -> GraphError {
    GraphError::new(
        10,
        format!("(#10) Comments are disabled on media {media_id}"),
    )
    .with_type("OAuthException")
}

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

fn is_live(world: &World, id: &str) -> bool {
    world.content.live.iter().any(|l| l.media_id == id)
}

/// `POST /{ig-media-id}/comments?message=` → `{"id"}`: a top-level comment by the owner.
fn create_comment(
    world: &mut World,
    caller: &Caller,
    id: &str,
    params: &Pairs,
    now: i64,
) -> Result<Value, GraphError> {
    let account = media_ref(world, caller, id, "POST", now)?;
    let message = message_param(params)?;
    let m = world.accounts[account]
        .media
        .get(id)
        .ok_or_else(|| GraphError::unsupported("POST", id))?;
    // Album items and stories carry no comments of their own.
    if m.is_child() || m.product_type == ProductType::Story {
        return Err(GraphError::unsupported("POST", id));
    }
    if !m.comment_enabled {
        return Err(comments_disabled(id));
    }
    let new_id = fresh_id(world);
    let acc = &mut world.accounts[account];
    let c = Comment {
        id: new_id.clone(),
        legacy_id: mix(world.seed, world.objects_created) % 10_000_000_000_000_000,
        media_id: id.to_owned(),
        text: message,
        timestamp: now,
        like_count: 0,
        hidden: false,
        from_id: acc.user.id.clone(),
        from_username: acc.user.username.clone(),
        parent_id: None,
        replies: Vec::new(),
    };
    acc.comments.insert(new_id.clone(), c);
    if let Some(m) = acc.media.get_mut(id) {
        m.comments.push(new_id.clone());
    }
    world.reindex();
    Ok(json!({ "id": new_id }))
}

/// `POST /{ig-media-id}?comment_enabled=true|false` → `{"success":true}`.
fn set_comments_enabled(
    world: &mut World,
    caller: &Caller,
    id: &str,
    params: &Pairs,
    now: i64,
) -> Result<Value, GraphError> {
    let account = media_ref(world, caller, id, "POST", now)?;
    let enabled = match links::get(params, "comment_enabled") {
        Some("true") => true,
        Some("false") => false,
        Some(_) => {
            return Err(GraphError::param(
                "The parameter comment_enabled must be true or false",
            ))
        }
        None => {
            return Err(GraphError::param(
                "The parameter comment_enabled is required",
            ))
        }
    };
    let live = is_live(world, id);
    let Some(m) = world.accounts[account].media.get_mut(id) else {
        return Err(GraphError::unsupported("POST", id));
    };
    // Meta: not for live video (graph-api.md §1.4); album items and stories have no comments.
    if live || m.is_child() || m.product_type == ProductType::Story {
        return Err(GraphError::param(
            "comment_enabled cannot be changed on this media (live video, story or album item)",
        ));
    }
    m.comment_enabled = enabled;
    Ok(json!({"success": true}))
}

/// Meta's answer for deleting a media type the endpoint does not delete (graph-api.md §4.3).
fn media_type_not_supported() -> GraphError {
    GraphError::new(-1, "Media Type Not Supported").with_subcode(2207073)
}

/// `DELETE /{id}`: a comment (both flavours) or a media (Facebook Login only).
pub(crate) fn delete(
    world: &mut World,
    caller: &Caller,
    id: &str,
    now: i64,
) -> Result<Value, GraphError> {
    let r = resolve(world, caller, id, now).map_err(|_| GraphError::unsupported("DELETE", id))?;
    match r.kind {
        NodeKind::Comment => {
            let acc = &mut world.accounts[r.account];
            let Some(c) = acc.comments.remove(id) else {
                return Err(GraphError::unsupported("DELETE", id));
            };
            for rid in &c.replies {
                acc.comments.remove(rid);
            }
            match &c.parent_id {
                Some(p) => {
                    if let Some(top) = acc.comments.get_mut(p) {
                        top.replies.retain(|x| x != id);
                    }
                }
                None => {
                    if let Some(m) = acc.media.get_mut(&c.media_id) {
                        m.comments.retain(|x| x != id);
                    }
                }
            }
            world.reindex();
            Ok(json!({"success": true}))
        }
        NodeKind::Media => {
            // Media deletion is documented for Facebook Login only (graph-api.md §1.1); the
            // Instagram host has no such endpoint (UNCONFIRMED how it answers: 100/33 here).
            fb_only(caller).map_err(|_| GraphError::unsupported("DELETE", id))?;
            if is_live(world, id) {
                return Err(media_type_not_supported());
            }
            let acc = &mut world.accounts[r.account];
            match acc.media.get(id) {
                None => return Err(GraphError::unsupported("DELETE", id)),
                Some(m) if m.is_child() => return Err(media_type_not_supported()),
                Some(_) => {}
            }
            let Some(m) = acc.media.remove(id) else {
                return Err(GraphError::unsupported("DELETE", id));
            };
            for c in &m.children {
                acc.media.remove(c);
            }
            let doomed: Vec<String> = acc
                .comments
                .values()
                .filter(|c| c.media_id == id)
                .map(|c| c.id.clone())
                .collect();
            for c in doomed {
                acc.comments.remove(&c);
            }
            acc.feed.retain(|x| x != id);
            acc.stories.retain(|x| x != id);
            world.content.collaborators.remove(id);
            world.content.polls.remove(id);
            world.content.prompts.retain(|x| x != id);
            world.reindex();
            Ok(json!({"success": true, "deleted_id": id}))
        }
        NodeKind::User => Err(GraphError::unsupported("DELETE", id)),
    }
}

/// A new object id (`17…`, 17 digits like comment ids) that no object has yet.
pub(crate) fn fresh_id(world: &mut World) -> String {
    loop {
        world.objects_created += 1;
        let n = 17_990_000_000_000_000 + mix(world.seed, world.objects_created) % 9_000_000_000_000;
        let id = n.to_string();
        if world.lookup(&id).is_none() && world.page_index(&id).is_none() {
            return id;
        }
    }
}
