//! Graph writes (POST). Each handler only changes the world and answers; the dispatcher
//! records every successful write in the ledger and applies faults around it, so a new write
//! endpoint is one more arm here.
//!
//! Served now: `POST /{ig-comment-id}/replies` (`message`) → `{"id"}` and
//! `POST /{ig-comment-id}` (`hide=true|false`) → `{"success":true}` (graph-api.md §1.5).

use crate::auth::Caller;
use crate::errors::GraphError;
use crate::graph::resolve;
use crate::links::{self, Pairs};
use crate::prng::mix;
use crate::world::{Comment, NodeKind, World};
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
        [id] if world
            .lookup(id)
            .is_some_and(|r| r.kind == NodeKind::Comment) =>
        {
            hide(world, caller, id, params, now)
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
    let message = links::get(params, "message")
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| GraphError::param("The parameter message is required"))?;
    if message.chars().count() > MAX_COMMENT_CHARS {
        return Err(GraphError::param(format!(
            "The parameter message must be at most {MAX_COMMENT_CHARS} characters"
        )));
    }
    let message = message.to_owned();
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
    if let Some(c) = world.accounts[account].comments.get_mut(&id) {
        c.hidden = hidden;
    }
    Ok(json!({"success": true}))
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
