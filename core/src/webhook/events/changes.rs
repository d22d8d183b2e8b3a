//! `changes[]` updates (and the Instagram Login form `entry[].field/value`): comments, live
//! comments, mentions, story insights (graph-api.md §3.5).

use super::{add, dedupe_key, finish, got, Entry, Fields, FIELDS_CAPACITY};
use crate::error::Result;
use crate::webhook::read::{id, obj, s, so, text, wrong, Path};
use crate::webhook::{Event, EventType};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Normalize the update `value` of webhook field `field`; `at` is the path of `value`.
pub(in crate::webhook) fn change(
    field: &str,
    value: &Value,
    raw: Box<RawValue>,
    entry: &Entry<'_>,
    at: &Path<'_>,
) -> Result<Event> {
    let time = entry.time()?;
    let event_type = match field {
        "comments" => EventType::Comment,
        "live_comments" => EventType::LiveComment,
        "mentions" => EventType::Mention,
        "story_insights" => EventType::StoryInsights,
        _ => {
            let key = dedupe_key("unknown", None, field, entry, time, value);
            return Ok(finish(
                EventType::Unknown,
                field,
                entry,
                time,
                key,
                Fields::new(),
                raw,
            ));
        }
    };
    let Value::Object(v) = value else {
        return Err(wrong(at, "an object", value));
    };
    let mut f: Fields = Vec::with_capacity(FIELDS_CAPACITY);
    match event_type {
        EventType::Comment | EventType::LiveComment => comment(v, at, &mut f)?,
        EventType::Mention => {
            add(&mut f, "media_id", so(id(v, "media_id", at)?));
            add(&mut f, "comment_id", so(id(v, "comment_id", at)?));
        }
        _ => {
            add(&mut f, "media_id", so(id(v, "media_id", at)?));
            // The metric set changed with Meta's v18/v22 insights changes: keep it as sent.
            let metrics: Map<String, Value> = v
                .iter()
                .filter(|(k, _)| k.as_str() != "media_id")
                .map(|(k, x)| (k.clone(), x.clone()))
                .collect();
            add(&mut f, "metrics", Value::Object(metrics));
        }
    }
    // Comments by their id; mentions by media and comment; story insights by the story.
    let key_parts: Option<Vec<&str>> = match event_type {
        EventType::Comment | EventType::LiveComment => got(&f, "comment_id").map(|c| vec![c]),
        EventType::Mention => got(&f, "media_id").map(|m| {
            let mut p = vec![m];
            p.extend(got(&f, "comment_id"));
            p
        }),
        _ => got(&f, "media_id").map(|m| vec![m]),
    };
    let key = dedupe_key(
        event_type.as_str(),
        key_parts.as_deref(),
        field,
        entry,
        time,
        value,
    );
    Ok(finish(event_type, field, entry, time, key, f, raw))
}

/// `comments` / `live_comments`: the FB-login example names the id `comment_id`, the IG-login
/// example and real payloads `id` (graph-api.md §3.5); both are read, `id` first.
fn comment(v: &Map<String, Value>, at: &Path<'_>, f: &mut Fields) -> Result<()> {
    let comment_id = match id(v, "id", at)? {
        Some(c) => Some(c),
        None => id(v, "comment_id", at)?,
    };
    add(f, "comment_id", so(comment_id));
    add(f, "text", s(text(v, "text", at)?));
    add(f, "parent_id", so(id(v, "parent_id", at)?));
    let from = obj(v, "from", at)?;
    let from_at = at.key("from");
    let (from_id, from_username) = match from {
        Some(m) => (id(m, "id", &from_at)?, text(m, "username", &from_at)?),
        None => (None, None),
    };
    add(f, "from_id", so(from_id));
    add(f, "from_username", s(from_username));
    let media_at = at.key("media");
    let media = obj(v, "media", at)?;
    let read_media = |key: &str| -> Result<Value> {
        Ok(match media {
            Some(m) if key == "ad_title" || key == "media_product_type" => {
                s(text(m, key, &media_at)?)
            }
            Some(m) => so(id(m, key, &media_at)?),
            None => Value::Null,
        })
    };
    add(f, "media_id", read_media("id")?);
    add(f, "media_product_type", read_media("media_product_type")?);
    add(f, "ad_id", read_media("ad_id")?);
    add(f, "ad_title", read_media("ad_title")?);
    add(f, "original_media_id", read_media("original_media_id")?);
    Ok(())
}
