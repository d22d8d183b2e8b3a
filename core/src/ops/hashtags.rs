//! IG Hashtags (Facebook Login): search a name for its id within Meta's budget of 30 unique
//! hashtags per rolling 7 days per account, read a hashtag, and its top and recent media.

use super::params::{fields, ig_user, object_id, Paging, ParamError};
use super::{Flow, OpContext, OpSpec, Operation, PageSize, PagingStyle};
use crate::config::Login;
use crate::error::{Delivery, Error, ErrorKind, Result as CoreResult};
use crate::flow::Executor;
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Unique hashtags an account may search per rolling window (Meta's budget).
pub const BUDGET: usize = 30;
/// The budget's rolling window, in seconds (7 days).
pub const WINDOW_SECS: i64 = 7 * 86_400;

/// Cache key of a hashtag name's id (hashtag ids are global and never change).
fn id_key(name: &str) -> String {
    format!("hashtags.search:id:{name}")
}

/// Cache key of when this client searched hashtag `id` for account `ig_user_id`.
fn searched_key(ig_user_id: &str, id: &str) -> String {
    format!("hashtags.search:at:{ig_user_id}:{id}")
}

/// A hashtag name as Graph's `q` wants it: without `#`, lowercase (hashtags are
/// case-insensitive), letters, digits and underscores only.
pub fn hashtag_name(path: &str, v: &str) -> Result<String, ParamError> {
    let n = v.trim().trim_start_matches('#').to_lowercase();
    if n.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if n.chars().count() > 100 || !n.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(ParamError::new(
            path,
            format!("{:?} is not a hashtag: letters, digits and underscores only, without spaces (Graph does not search emoji hashtags)", v.trim()),
        ));
    }
    Ok(n)
}

/// What the budget allows for one search.
#[derive(Debug, Clone, PartialEq)]
pub enum Budget {
    /// Searched within the window already (free): the id Graph listed.
    Repeat(String),
    /// A new hashtag, and a slot is free (`used` of [`BUDGET`] taken).
    Free {
        /// Unique hashtags searched in the window.
        used: usize,
    },
    /// A new hashtag, and all slots are taken.
    Exhausted {
        /// Unique hashtags searched in the window.
        used: usize,
        /// When the oldest search leaves the window (Unix seconds), when every search time is known.
        frees_at: Option<i64>,
    },
}

/// Decide a search of `name` from the account's `recently_searched_hashtags` items
/// (`{id, name?}`); `searched_at` gives the time of a search this client made (by hashtag id).
pub fn budget(recent: &[Value], name: &str, searched_at: impl Fn(&str) -> Option<i64>) -> Budget {
    let id_of = |h: &Value| match h.get("id") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let Some(h) = recent.iter().find(|h| {
        h.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.trim_start_matches('#').to_lowercase() == name)
    }) {
        if let Some(id) = id_of(h) {
            return Budget::Repeat(id);
        }
    }
    let used = recent.len();
    if used < BUDGET {
        return Budget::Free { used };
    }
    // The slot that frees first belongs to the oldest search; only known if every time is.
    let times: Option<Vec<i64>> = recent
        .iter()
        .map(|h| id_of(h).and_then(|id| searched_at(&id)))
        .collect();
    Budget::Exhausted {
        used,
        frees_at: times
            .and_then(|t| t.into_iter().min())
            .map(|t| t + WINDOW_SECS),
    }
}

/// The refusal of a new hashtag when the budget is spent (nothing was sent).
pub fn budget_error(op: &str, name: &str, used: usize, frees_at: Option<i64>, now: i64) -> Error {
    let when = match frees_at {
        Some(t) => format!(
            "a slot frees at {}",
            chrono::DateTime::from_timestamp(t, 0)
                .map_or_else(|| t.to_string(), |d| d.to_rfc3339())
        ),
        None => "a slot frees 7 days after the oldest of those searches (Graph does not say when that was)".to_owned(),
    };
    let mut e = Error::new(
        ErrorKind::RateLimited,
        format!(
            "{op}: not sent: #{name} would be a new hashtag, and this account has searched {used} unique hashtags in the last 7 days — Meta's budget is {BUDGET} unique hashtags per rolling 7 days per account; {when}. Repeating a recent search is free (see user.recently_searched_hashtags)."
        ),
    );
    e.delivery = Delivery::NotSent;
    e.retry_after = frees_at.map(|t| Duration::from_secs(u64::try_from(t - now).unwrap_or(0)));
    e
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Find a hashtag's id by its name (`#` optional, case-insensitive). Returns `{id, name}`.
/// Ids are cached by the client, so repeats cost nothing; a new name is checked against
/// Meta's budget of 30 unique hashtags per rolling 7 days (read from
/// user.recently_searched_hashtags) and refused before searching when the budget is spent.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Search {
    /// Your IG professional account id (`1784…`), from accounts.list: the account whose budget the search uses.
    pub ig_user_id: String,
    /// The hashtag to find, with or without `#` (e.g. `coffee`).
    pub name: String,
}

impl Search {
    fn checked(&self, ctx: &OpContext) -> Result<(String, String), ParamError> {
        Ok((
            ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?,
            hashtag_name("name", &self.name)?,
        ))
    }
}

/// Graph's `{data: [{id}]}` answer of `ig_hashtag_search` → the id.
pub fn search_result_id(v: &Value) -> Option<String> {
    match v.pointer("/data/0/id")? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Flow for Search {
    const ID: &'static str = "hashtags.search";
    const SUMMARY: &'static str = "Find a hashtag's id by name";
    const HTTP: &'static str = "GET /{ig_user_id}/recently_searched_hashtags, then GET /ig_hashtag_search?user_id={ig_user_id}&q={name}";
    const IDEMPOTENT: bool = true;
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only; needs the Instagram Public Content Access feature",
        "30 unique hashtags per rolling 7 days per account: a new one beyond that is refused before searching; repeats are free",
        "ids are cached per client (hashtag ids never change)",
        "no emoji hashtags",
    ];

    fn validate(&self, ctx: &OpContext) -> Result<(), ParamError> {
        self.checked(ctx).map(|_| ())
    }

    async fn run(self, ex: Executor) -> CoreResult<Value> {
        let (account, name) = self
            .checked(&OpContext { login: ex.login() })
            .map_err(|e| e.into_error(Self::ID))?;
        let cache = ex.client().cache();
        if let Some(hit) = cache.get(&id_key(&name)) {
            return Ok(hit);
        }
        let page = ex
            .call(
                "user.recently_searched_hashtags",
                json!({"ig_user_id": account, "fields": "id,name", "limit": BUDGET}),
            )
            .await?;
        let recent = page["data"].as_array().cloned().unwrap_or_default();
        let now = now_secs();
        let found = match budget(&recent, &name, |id| {
            cache
                .get(&searched_key(&account, id))
                .and_then(|v| v.as_i64())
        }) {
            Budget::Repeat(id) => id,
            Budget::Exhausted { used, frees_at } => {
                return Err(budget_error(Self::ID, &name, used, frees_at, now))
            }
            Budget::Free { .. } => {
                let v = ex
                    .send(
                        GraphRequest::get(["ig_hashtag_search"])
                            .query("user_id", &account)
                            .query("q", &name),
                    )
                    .await?;
                let id = search_result_id(&v).ok_or_else(|| {
                    Error::new(
                        ErrorKind::NotFound,
                        format!("{}: Graph knows no hashtag #{name}", Self::ID),
                    )
                })?;
                cache.insert(searched_key(&account, &id), json!(now));
                id
            }
        };
        let out = json!({"id": found, "name": name});
        cache.insert(id_key(&name), out.clone());
        Ok(out)
    }
}

/// Default fields of `hashtags.get`.
pub const DEFAULT_HASHTAG_FIELDS: &str = "id,name";

fn default_hashtag_fields() -> String {
    DEFAULT_HASHTAG_FIELDS.to_owned()
}

/// Read a hashtag by its id (from hashtags.search): its `id` and `name`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Get {
    /// Hashtag id (from hashtags.search).
    pub hashtag_id: String,
    /// Fields to return: `id`, `name`.
    #[serde(default = "default_hashtag_fields")]
    pub fields: String,
}

impl Operation for Get {
    const ID: &'static str = "hashtags.get";
    const SUMMARY: &'static str = "Get a hashtag";
    const HTTP: &'static str = "GET /{hashtag_id}";
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] = &["id", "name"];
    const LIMITS: &'static [&'static str] = &["Facebook Login only"];

    fn build(&self, _ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = object_id("hashtag_id", &self.hashtag_id)?;
        Ok(GraphRequest::get([id]).query("fields", fields("fields", &self.fields)?))
    }
}

/// Default fields of hashtag media (no `username` or owner: Graph does not return them).
pub const DEFAULT_HASHTAG_MEDIA_FIELDS: &str =
    "id,caption,media_type,media_url,permalink,timestamp,like_count,comments_count";

fn default_hashtag_media_fields() -> String {
    DEFAULT_HASHTAG_MEDIA_FIELDS.to_owned()
}

/// Fields Graph documents on hashtag media (graph-api.md §1.6).
pub const HASHTAG_MEDIA_KNOWN_FIELDS: &[&str] = &[
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

fn hashtag_media(
    ctx: &OpContext,
    edge: &str,
    hashtag_id: &str,
    ig_user_id: &str,
    f: &str,
) -> Result<GraphRequest, ParamError> {
    let tag = object_id("hashtag_id", hashtag_id)?;
    let user = ig_user(ctx, "ig_user_id", Some(ig_user_id))?;
    Ok(GraphRequest::get([tag, edge.to_owned()])
        .query("user_id", user)
        .query("fields", fields("fields", f)?))
}

/// List the most popular public media tagged with a hashtag, in pages (only `after`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct TopMedia {
    /// Hashtag id (from hashtags.search).
    pub hashtag_id: String,
    /// Your IG professional account id (`1784…`): the account making the query (Graph's `user_id`).
    pub ig_user_id: String,
    /// Fields of each media, comma-separated in Graph syntax (no `username`: Graph does not return it).
    #[serde(default = "default_hashtag_media_fields")]
    pub fields: String,
    /// Page size and cursor.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for TopMedia {
    const ID: &'static str = "hashtags.top_media";
    const SUMMARY: &'static str = "List a hashtag's top media";
    const HTTP: &'static str = "GET /{hashtag_id}/top_media?user_id={ig_user_id}";
    const PAGINATED: bool = true;
    // Only `cursors.after`, sometimes the same on every page (reference §1.6, §5.1).
    const PAGING_STYLE: PagingStyle = PagingStyle::AfterOnly;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 50,
    });
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] = HASHTAG_MEDIA_KNOWN_FIELDS;
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only",
        "limit ≤ 50 per page; only an after cursor",
        "no username or owner; no ads; not strictly chronological",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let req = hashtag_media(
            ctx,
            "top_media",
            &self.hashtag_id,
            &self.ig_user_id,
            &self.fields,
        )?;
        self.paging.apply::<Self>(req)
    }
}

/// List the public media tagged with a hashtag in the last 24 hours, in pages (only `after`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct RecentMedia {
    /// Hashtag id (from hashtags.search).
    pub hashtag_id: String,
    /// Your IG professional account id (`1784…`): the account making the query (Graph's `user_id`).
    pub ig_user_id: String,
    /// Fields of each media, comma-separated in Graph syntax (no `username`: Graph does not return it).
    #[serde(default = "default_hashtag_media_fields")]
    pub fields: String,
    /// Page size and cursor.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for RecentMedia {
    const ID: &'static str = "hashtags.recent_media";
    const SUMMARY: &'static str = "List a hashtag's media of the last 24 hours";
    const HTTP: &'static str = "GET /{hashtag_id}/recent_media?user_id={ig_user_id}";
    const PAGINATED: bool = true;
    const PAGING_STYLE: PagingStyle = PagingStyle::AfterOnly;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 50,
    });
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] = HASHTAG_MEDIA_KNOWN_FIELDS;
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only",
        "only media of the last 24 hours",
        "limit ≤ 50 per page; only an after cursor",
        "no username or owner; no ads; not strictly chronological",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let req = hashtag_media(
            ctx,
            "recent_media",
            &self.hashtag_id,
            &self.ig_user_id,
            &self.fields,
        )?;
        self.paging.apply::<Self>(req)
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    use super::{flow_op, request_op};
    vec![
        flow_op::<Search>(),
        request_op::<Get>(),
        request_op::<TopMedia>(),
        request_op::<RecentMedia>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recent(n: usize) -> Vec<Value> {
        (0..n)
            .map(|i| json!({"id": format!("1784{i:03}"), "name": format!("tag{i}")}))
            .collect()
    }

    #[test]
    fn names_are_normalized() {
        assert_eq!(hashtag_name("name", " #Coffee ").unwrap(), "coffee");
        assert_eq!(hashtag_name("name", "café_2026").unwrap(), "café_2026");
        for bad in ["", "#", "two words", "a#b", "☕", "x-y"] {
            let e = hashtag_name("name", bad).unwrap_err();
            assert_eq!(e.path, "name", "{bad}");
        }
    }

    #[test]
    fn repeats_are_free_even_with_a_full_budget() {
        let r = recent(30);
        assert_eq!(
            budget(&r, "tag7", |_| None),
            Budget::Repeat("1784007".into())
        );
        let mixed = vec![json!({"id": "9", "name": "#Coffee"})];
        assert_eq!(
            budget(&mixed, "coffee", |_| None),
            Budget::Repeat("9".into())
        );
    }

    #[test]
    fn new_hashtags_need_a_free_slot() {
        assert_eq!(
            budget(&recent(29), "new", |_| None),
            Budget::Free { used: 29 }
        );
        assert_eq!(budget(&[], "new", |_| None), Budget::Free { used: 0 });
        assert_eq!(
            budget(&recent(30), "new", |_| None),
            Budget::Exhausted {
                used: 30,
                frees_at: None
            }
        );
        // Every search time known (this client made them): the oldest + 7 days.
        let b = budget(&recent(30), "new", |id| {
            id.trim_start_matches("1784")
                .parse::<i64>()
                .ok()
                .map(|i| 1_000 + i)
        });
        assert_eq!(
            b,
            Budget::Exhausted {
                used: 30,
                frees_at: Some(1_000 + WINDOW_SECS)
            }
        );
        // One unknown time: Graph does not say, neither do we.
        let b = budget(&recent(30), "new", |id| (id != "1784003").then_some(5));
        assert_eq!(
            b,
            Budget::Exhausted {
                used: 30,
                frees_at: None
            }
        );
    }

    #[test]
    fn the_refusal_names_the_budget_and_the_slot() {
        let e = budget_error(
            "hashtags.search",
            "new",
            30,
            Some(1_000 + WINDOW_SECS),
            1_000,
        );
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.delivery, Delivery::NotSent);
        assert!(
            e.message.contains("30 unique hashtags per rolling 7 days"),
            "{}",
            e.message
        );
        assert!(e.message.contains("1970-01-08T00:16:40"), "{}", e.message);
        assert_eq!(e.retry_after, Some(Duration::from_secs(WINDOW_SECS as u64)));
        let e = budget_error("hashtags.search", "new", 30, None, 1_000);
        assert!(
            e.message.contains("7 days after the oldest"),
            "{}",
            e.message
        );
        assert_eq!(e.retry_after, None);
    }

    #[test]
    fn search_answers_give_the_id() {
        assert_eq!(
            search_result_id(&json!({"data": [{"id": "17843853986012965"}]})).as_deref(),
            Some("17843853986012965")
        );
        assert_eq!(search_result_id(&json!({"data": []})), None);
    }
}
