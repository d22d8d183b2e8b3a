//! Hashtag search (Facebook Login, graph-api.md §1.6): `ig_hashtag_search` with the budget of
//! 30 unique hashtags per rolling 7 days per account (repeats free, a search never resets its
//! hashtag's timer), the hashtag node, `top_media`, `recent_media` (last 24 hours) and
//! `recently_searched_hashtags`.

use super::public::{self, Surface};
use super::seed::hashtag_id;
use super::{Search, State, HASHTAG_BUDGET, HASHTAG_WINDOW_SECS};
use crate::errors::GraphError;
use crate::fields::FieldSel;
use crate::paging::{self, EdgeItem, PageReq};
use serde_json::{json, Map, Value};

/// Largest page of hashtag media (graph-api.md §1.6).
pub(crate) const CAP_HASHTAG_MEDIA: usize = 50;
/// Largest page of `recently_searched_hashtags` (graph-api.md §1.3).
pub(crate) const CAP_RECENT_SEARCHES: usize = 30;
/// `recent_media` shows media of the last 24 hours only.
const RECENT_SECS: i64 = 86_400;

/// Meta's answer when a search would be the 31st unique hashtag in 7 days. UNCONFIRMED: the
/// limit is documented, its error is not; code 18 / subcode 2207034 with this message is what
/// public client code expects from live answers.
pub(crate) fn budget_exceeded() -> GraphError {
    let mut e = GraphError::new(
        18,
        "(#18) This API call could not be completed due to resource limits",
    )
    .with_subcode(2207034);
    e.is_transient = Some(false);
    e
}

/// A hashtag name as `q` must give it: letters, digits and underscores, no leading `#`,
/// no emoji (Meta: "Emojis in hashtag queries are not supported"). UNCONFIRMED: Meta's exact
/// error for a bad `q` is undocumented; this is the generic invalid-parameter answer.
fn valid_name(q: &str) -> Result<String, GraphError> {
    let q = q.trim();
    if q.is_empty() {
        return Err(GraphError::param("The parameter q is required"));
    }
    if q.starts_with('#') {
        return Err(GraphError::param(
            "The parameter q must be the hashtag name without the leading #",
        ));
    }
    if q.chars().count() > 100 || !q.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(GraphError::param(
            "The parameter q must be a hashtag name (letters, digits, underscores; no emoji)",
        ));
    }
    Ok(q.to_lowercase())
}

/// Searches of `user` still inside the 7-day window at `now`.
fn active<'a>(st: &'a State, user: &str, now: i64) -> impl Iterator<Item = &'a Search> {
    st.searches
        .get(user)
        .into_iter()
        .flatten()
        .filter(move |s| s.at <= now && now - s.at < HASHTAG_WINDOW_SECS)
}

/// `GET /ig_hashtag_search?user_id=&q=` → `{"data":[{"id"}]}`, charging the budget.
pub(crate) fn search(st: &mut State, user: &str, q: &str, now: i64) -> Result<Value, GraphError> {
    let name = valid_name(q)?;
    let id = hashtag_id(&name);
    let repeat = active(st, user, now).any(|s| s.hashtag_id == id);
    if !repeat {
        let mut unique: Vec<&str> = active(st, user, now)
            .map(|s| s.hashtag_id.as_str())
            .collect();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() >= HASHTAG_BUDGET {
            return Err(budget_exceeded());
        }
        st.searches
            .entry(user.to_owned())
            .or_default()
            .push(Search {
                hashtag_id: id.clone(),
                at: now,
            });
    }
    st.hashtags.entry(id.clone()).or_insert(name);
    Ok(json!({ "data": [{ "id": id }] }))
}

fn hashtag_fields(st: &State, id: &str, sel: &[FieldSel]) -> Result<Value, GraphError> {
    let mut out = Map::new();
    let mut sel: Vec<FieldSel> = sel.to_vec();
    if !sel.iter().any(|f| f.name == "id") {
        sel.push(FieldSel::plain("id"));
    }
    for f in sel {
        let v = match f.name.as_str() {
            "id" => json!(id),
            "name" => json!(st.hashtags.get(id).cloned().unwrap_or_default()),
            other => return Err(GraphError::nonexisting_field(other, "IGHashtag")),
        };
        out.insert(f.name.clone(), v);
    }
    Ok(Value::Object(out))
}

/// `GET /{hashtag-id}?fields=id,name`.
pub(crate) fn node(st: &State, id: &str, sel: &[FieldSel]) -> Result<Value, GraphError> {
    hashtag_fields(st, id, sel)
}

/// `GET /{ig-user-id}/recently_searched_hashtags`: the hashtags searched within the last 7
/// days, most recent first (Meta documents only their ids: `{"data":[{"id"}]}`; `name` is an
/// IG Hashtag field and served when asked for).
pub(crate) fn recently_searched(
    st: &State,
    user: &str,
    now: i64,
    req: &PageReq,
    sel: &[FieldSel],
    link: &dyn Fn(&str, &str, usize) -> String,
) -> Result<Value, GraphError> {
    let mut items: Vec<EdgeItem> = active(st, user, now)
        .map(|s| (-s.at, s.hashtag_id.clone()))
        .collect();
    items.sort();
    let w = paging::window(&items, req, CAP_RECENT_SEARCHES)?;
    let mut data = Vec::new();
    for id in &w.ids {
        data.push(hashtag_fields(st, id, sel)?);
    }
    Ok(public::linked_page(data, &w, link))
}

/// `top_media` (most liked first) or `recent_media` (last 24 hours, newest first) of a hashtag:
/// public media of business and creator accounts whose caption carries it. Paged with an
/// `after` cursor only: no `before`, no `next`/`previous` (graph-api.md §1.6, §5.1).
pub(crate) fn media(
    st: &State,
    hashtag: &str,
    recent: bool,
    now: i64,
    after: Option<&str>,
    limit: Option<&str>,
    sel: &[FieldSel],
) -> Result<Value, GraphError> {
    let name = st.hashtags.get(hashtag).cloned().unwrap_or_default();
    let needle = format!("#{name}");
    let mut items: Vec<EdgeItem> = Vec::new();
    for o in st.others.iter().filter(|o| !o.private) {
        for id in &o.acc.feed {
            let Some(m) = o.acc.media.get(id) else {
                continue;
            };
            let tagged = m.caption.as_deref().is_some_and(|c| {
                c.to_lowercase()
                    .split(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '#'))
                    .any(|w| w == needle)
            });
            if !tagged || m.timestamp > now {
                continue;
            }
            if recent && now - m.timestamp >= RECENT_SECS {
                continue;
            }
            let key = if recent {
                -m.timestamp
            } else {
                -(m.like_count as i64)
            };
            items.push((key, m.id.clone()));
        }
    }
    items.sort();
    let req = PageReq {
        limit: limit.map(str::to_owned),
        after: after.map(str::to_owned),
        before: None,
    };
    let w = paging::window(&items, &req, CAP_HASHTAG_MEDIA)?;
    let mut data = Vec::new();
    for id in &w.ids {
        if let Some(o) = st.owner_of(id).and_then(|i| st.others.get(i)) {
            if let Some(m) = o.acc.media.get(id) {
                data.push(public::media(&o.acc, m, sel, Surface::Hashtag)?);
            }
        }
    }
    Ok(public::cursors_page(data, &w, false))
}
