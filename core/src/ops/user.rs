//! IG User: the professional account itself.

use super::params::{
    cursor, fields, ig_user, object_id, page_limit, Paging, ParamError, Timestamp,
};
use super::{Flow, OpContext, Operation, PageSize, PagingStyle};
use crate::config::Login;
use crate::error::{Error, ErrorKind, Result as CoreResult};
use crate::flow::Executor;
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Fields Graph documents on an IG User (graph-api.md §1.2–§1.3).
pub const USER_KNOWN_FIELDS: &[&str] = &[
    "id",
    "user_id",
    "username",
    "name",
    "account_type",
    "biography",
    "website",
    "profile_picture_url",
    "has_profile_pic",
    "followers_count",
    "follows_count",
    "media_count",
    "is_published",
    "ig_id",
    "legacy_instagram_user_id",
    "owner_business",
    "shopping_product_tag_eligibility",
    "shopping_review_status",
];

/// Fields Graph documents on media another account owns (tags, mentions, discovery).
pub const MEDIA_KNOWN_FIELDS: &[&str] = &[
    "id",
    "caption",
    "media_type",
    "media_product_type",
    "media_url",
    "thumbnail_url",
    "permalink",
    "shortcode",
    "timestamp",
    "username",
    "like_count",
    "comments_count",
    "children",
    "alt_text",
    "is_comment_enabled",
];

/// Fields valid on both login flavours.
pub const DEFAULT_USER_FIELDS: &str =
    "id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count";

fn default_user_fields() -> String {
    DEFAULT_USER_FIELDS.to_owned()
}

/// Read an Instagram professional account: profile, follower and media counts. With Instagram
/// Login it defaults to the token's own account (`me`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Get {
    /// IG professional account id (`1784…`). Optional with Instagram Login (defaults to `me`); required with Facebook Login.
    #[serde(default)]
    #[schemars(extend("x-required-with" = "facebook"))]
    pub ig_user_id: Option<String>,
    /// Fields to return, comma-separated in Graph syntax (e.g. `id,username,media_count`). Instagram Login also offers `user_id` (the professional account id used in paths and webhooks; `id` is app-scoped there) and `account_type`, and adds `user_id` to the default.
    #[serde(default)]
    #[schemars(default = "default_user_fields")]
    pub fields: Option<String>,
}

impl Operation for Get {
    const ID: &'static str = "user.get";
    const SUMMARY: &'static str = "Get the account's profile";
    const HTTP: &'static str = "GET /{ig_user_id}";
    const KNOWN_FIELDS: &'static [&'static str] = USER_KNOWN_FIELDS;

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", self.ig_user_id.as_deref())?;
        let selected = match (&self.fields, ctx.login) {
            (Some(f), _) => fields("fields", f)?,
            // With Instagram Login `id` is app-scoped; `user_id` is the id paths and webhooks use.
            (None, Login::Instagram) => format!("{DEFAULT_USER_FIELDS},user_id"),
            (None, Login::Facebook) => DEFAULT_USER_FIELDS.to_owned(),
        };
        Ok(GraphRequest::get([id]).query("fields", selected))
    }
}

/// Default fields of `user.tags` (the media belong to other accounts: `username` is the owner).
pub const DEFAULT_TAG_FIELDS: &str =
    "id,caption,media_type,media_product_type,media_url,permalink,timestamp,username";

fn default_tag_fields() -> String {
    DEFAULT_TAG_FIELDS.to_owned()
}

/// List the media in which the account is tagged (photo tags by other accounts), newest first,
/// in cursor pages.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct Tags {
    /// IG professional account id (`1784…`), from accounts.list.
    pub ig_user_id: String,
    /// Fields of each media, comma-separated in Graph syntax.
    #[serde(default = "default_tag_fields")]
    pub fields: String,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for Tags {
    const ID: &'static str = "user.tags";
    const SUMMARY: &'static str = "List media the account is tagged in";
    const HTTP: &'static str = "GET /{ig_user_id}/tags";
    const PAGINATED: bool = true;
    // Graph's /tags pages carry only `cursors.after`, no `next` (reference §5.1).
    const PAGING_STYLE: PagingStyle = PagingStyle::AfterOnly;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 100,
    });
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] = MEDIA_KNOWN_FIELDS;
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (documented for graph.facebook.com; Instagram Login is unconfirmed)",
        "needs instagram_basic and instagram_manage_comments",
        "media of private accounts are not returned",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?;
        let req = GraphRequest::get([id, "tags".to_owned()])
            .query("fields", fields("fields", &self.fields)?);
        self.paging.apply::<Self>(req)
    }
}

// ---------------------------------------------------------------------------------------------
// Field-expansion lookups: one object read through a field of the account.

/// Send `req` and take the object Graph put under `key` (`business_discovery`,
/// `mentioned_media`, ...); an answer without it means there is no such object.
async fn expanded(ex: &Executor, req: GraphRequest, key: &str, what: &str) -> CoreResult<Value> {
    let mut v = ex.send(req).await?;
    match v.get_mut(key).map(Value::take) {
        Some(Value::Object(o)) => Ok(Value::Object(o)),
        _ => Err(Error::new(
            ErrorKind::NotFound,
            format!("{}: Graph returned no {what}", ex.op_id()),
        )),
    }
}

/// An Instagram username for business discovery: a leading `@` is dropped; 1–30 letters,
/// digits, periods and underscores (Instagram's own rule).
pub fn username(path: &str, v: &str) -> Result<String, ParamError> {
    let u = v.trim().trim_start_matches('@');
    if u.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if u.chars().count() > 30
        || !u
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_'))
    {
        return Err(ParamError::new(
            path,
            format!("{u:?} is not an Instagram username (up to 30 letters, digits, periods and underscores)"),
        ));
    }
    Ok(u.to_owned())
}

/// Whether a Graph error says a business discovery target cannot be found (110/2207013 "Cannot
/// find User": no such account, or a personal/private one). Not any `not_found`: 100/33 is
/// about the looking account's own id.
fn undiscoverable(e: &Error) -> bool {
    e.code == Some(110) || e.error_subcode == Some(2207013)
}

/// The error for an account business discovery cannot see, keeping Graph's fields.
fn not_discoverable(mut e: Error, op: &str, user: &str) -> Error {
    if undiscoverable(&e) {
        e.kind = ErrorKind::NotFound;
        e.message = format!(
            "{op}: @{user} cannot be discovered: business discovery finds only Instagram business and creator accounts (not personal, private or age-gated ones) (Graph: {})",
            e.message
        );
    }
    e
}

/// Default fields of `user.business_discovery`.
pub const DEFAULT_DISCOVERY_FIELDS: &str =
    "id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count";

fn default_discovery_fields() -> String {
    DEFAULT_DISCOVERY_FIELDS.to_owned()
}

/// Read another Instagram business or creator account by its username (business discovery):
/// profile, follower and media counts. Returns the discovered account itself. Personal,
/// private and age-gated accounts cannot be discovered (a `not_found` error).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessDiscovery {
    /// Your IG professional account id (`1784…`), from accounts.list: the account that looks.
    pub ig_user_id: String,
    /// Username of the account to discover (with or without `@`).
    pub username: String,
    /// Fields of the discovered account, comma-separated in Graph syntax.
    #[serde(default = "default_discovery_fields")]
    pub fields: String,
}

impl BusinessDiscovery {
    /// The request (pure).
    pub fn request(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?;
        let user = username("username", &self.username)?;
        let f = fields("fields", &self.fields)?;
        Ok(GraphRequest::get([id]).query(
            "fields",
            format!("business_discovery.username({user}){{{f}}}"),
        ))
    }
}

impl Flow for BusinessDiscovery {
    const ID: &'static str = "user.business_discovery";
    const SUMMARY: &'static str = "Get another business account by username";
    const HTTP: &'static str =
        "GET /{ig_user_id}?fields=business_discovery.username({username}){fields}";
    const IDEMPOTENT: bool = true;
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] = &[
        "id",
        "ig_id",
        "username",
        "name",
        "biography",
        "website",
        "profile_picture_url",
        "followers_count",
        "follows_count",
        "media_count",
        "media",
    ];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only",
        "only business and creator accounts can be discovered; personal, private and age-gated accounts cannot",
        "counts against the app's Platform rate limit, not the account's",
    ];

    fn validate(&self, ctx: &OpContext) -> Result<(), ParamError> {
        self.request(ctx).map(|_| ())
    }

    async fn run(self, ex: Executor) -> CoreResult<Value> {
        let ctx = OpContext { login: ex.login() };
        let req = self.request(&ctx).map_err(|e| e.into_error(Self::ID))?;
        let user = username("username", &self.username).map_err(|e| e.into_error(Self::ID))?;
        expanded(&ex, req, "business_discovery", "business_discovery")
            .await
            .map_err(|e| not_discoverable(e, Self::ID, &user))
    }
}

/// Default fields of `user.business_discovery_media`.
pub const DEFAULT_DISCOVERY_MEDIA_FIELDS: &str =
    "id,caption,media_type,media_product_type,media_url,permalink,timestamp,like_count,comments_count";

fn default_discovery_media_fields() -> String {
    DEFAULT_DISCOVERY_MEDIA_FIELDS.to_owned()
}

/// List another business or creator account's media by its username (business discovery),
/// newest first. Pages come through the nested `media.after(…)` cursor: paginate to walk them.
/// Reels can report `view_count` here (only here).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct BusinessDiscoveryMedia {
    /// Your IG professional account id (`1784…`), from accounts.list: the account that looks.
    pub ig_user_id: String,
    /// Username of the account whose media to list (with or without `@`).
    pub username: String,
    /// Fields of each media, comma-separated in Graph syntax (`view_count` for reels).
    #[serde(default = "default_discovery_media_fields")]
    pub fields: String,
    /// Only media published at or after this time (Unix seconds or a date such as `2026-01-31`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
    /// Only media published at or before this time (Unix seconds or a date such as `2026-01-31`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
    /// Page size and cursors (from `business_discovery.media.paging.cursors`).
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for BusinessDiscoveryMedia {
    const ID: &'static str = "user.business_discovery_media";
    const SUMMARY: &'static str = "List another business account's media";
    const HTTP: &'static str = "GET /{ig_user_id}?fields=business_discovery.username({username}){media.limit(n).after(c){fields}}";
    const PAGINATED: bool = true;
    const PAGING_STYLE: PagingStyle = PagingStyle::Nested("/business_discovery/media");
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 50,
    });
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] = &[
        "id",
        "caption",
        "media_type",
        "media_product_type",
        "media_url",
        "thumbnail_url",
        "permalink",
        "timestamp",
        "username",
        "like_count",
        "comments_count",
        "view_count",
        "children",
    ];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only",
        "only business and creator accounts can be discovered",
        "like_count is absent when the owner hides likes",
        "one page is the whole answer {business_discovery: {media: {data, paging}}}; paginate yields the media",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?;
        let user = username("username", &self.username)?;
        let f = fields("fields", &self.fields)?;
        if let (Some(s), Some(u)) = (self.since, self.until) {
            if s.0 > u.0 {
                return Err(ParamError::new("since", "must not be later than until"));
            }
        }
        let max = Self::PAGE_SIZE.map_or(50, |p| p.max);
        let after = cursor("after", self.paging.after.as_deref())?;
        let before = cursor("before", self.paging.before.as_deref())?;
        if after.is_some() && before.is_some() {
            return Err(ParamError::new(
                "before",
                "give either after or before, not both",
            ));
        }
        // The page travels as modifiers of the nested edge, not as query params.
        let mut edge = "media".to_owned();
        for (name, v) in [
            (
                "limit",
                page_limit("limit", self.paging.limit, max)?.map(|n| n.to_string()),
            ),
            ("since", self.since.map(|t| t.0.to_string())),
            ("until", self.until.map(|t| t.0.to_string())),
            ("after", after),
            ("before", before),
        ] {
            if let Some(v) = v {
                edge.push_str(&format!(".{name}({v})"));
            }
        }
        Ok(GraphRequest::get([id]).query(
            "fields",
            format!("business_discovery.username({user}){{{edge}{{{f}}}}}"),
        ))
    }
}

/// List the hashtags the account searched (with hashtags.search) in the last 7 days: the
/// 30-unique-hashtags budget as Graph counts it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct RecentlySearchedHashtags {
    /// IG professional account id (`1784…`), from accounts.list.
    pub ig_user_id: String,
    /// Fields of each hashtag, comma-separated (Graph's default is `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for RecentlySearchedHashtags {
    const ID: &'static str = "user.recently_searched_hashtags";
    const SUMMARY: &'static str = "List hashtags searched in the last 7 days";
    const HTTP: &'static str = "GET /{ig_user_id}/recently_searched_hashtags";
    const PAGINATED: bool = true;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 30,
    });
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] = &["id", "name"];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only",
        "at most 30: Meta allows 30 unique hashtag searches per rolling 7 days per account",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?;
        let f = self
            .fields
            .as_deref()
            .map(|f| fields("fields", f))
            .transpose()?;
        let req =
            GraphRequest::get([id, "recently_searched_hashtags".to_owned()]).query_opt("fields", f);
        self.paging.apply::<Self>(req)
    }
}

/// Default fields of `user.content_publishing_limit`.
pub const DEFAULT_PUBLISHING_LIMIT_FIELDS: &str = "quota_usage,config";

fn default_publishing_limit_fields() -> String {
    DEFAULT_PUBLISHING_LIMIT_FIELDS.to_owned()
}

/// Read how many posts the account published through the API in the last 24 hours
/// (`quota_usage`) and its quota (`config.quota_total` per `config.quota_duration` seconds).
/// Meta's documents disagree on the quota (50 or 100): read it here rather than assume.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentPublishingLimit {
    /// IG professional account id (`1784…`). Optional with Instagram Login (defaults to `me`); required with Facebook Login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-required-with" = "facebook"))]
    pub ig_user_id: Option<String>,
    /// Fields to return: `quota_usage`, `config`.
    #[serde(default = "default_publishing_limit_fields")]
    pub fields: String,
    /// Count usage from this time on (at most 24 hours ago; Unix seconds or a date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
}

impl Operation for ContentPublishingLimit {
    const ID: &'static str = "user.content_publishing_limit";
    const SUMMARY: &'static str = "Get the account's publishing quota usage";
    const HTTP: &'static str = "GET /{ig_user_id}/content_publishing_limit";
    const KNOWN_FIELDS: &'static [&'static str] = &["quota_usage", "config"];
    const LIMITS: &'static [&'static str] = &[
        "since may be at most 24 hours ago",
        "the quota counts posts, reels and carousels published through the API per rolling 24 hours",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", self.ig_user_id.as_deref())?;
        Ok(
            GraphRequest::get([id, "content_publishing_limit".to_owned()])
                .query("fields", fields("fields", &self.fields)?)
                .query_opt("since", self.since.map(|t| t.0)),
        )
    }
}

/// Default fields of `user.mentioned_media`.
pub const DEFAULT_MENTIONED_MEDIA_FIELDS: &str =
    "id,caption,media_type,media_product_type,media_url,permalink,timestamp,username,like_count,comments_count";

fn default_mentioned_media_fields() -> String {
    DEFAULT_MENTIONED_MEDIA_FIELDS.to_owned()
}

/// Read a media of another account whose caption @mentions yours (the `media_id` comes from a
/// `mentions` webhook). Returns the media.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MentionedMedia {
    /// Your IG professional account id (`1784…`), the one that was mentioned.
    pub ig_user_id: String,
    /// Id of the media whose caption mentions you (from the `mentions` webhook).
    pub media_id: String,
    /// Fields of the media, comma-separated in Graph syntax.
    #[serde(default = "default_mentioned_media_fields")]
    pub fields: String,
}

impl MentionedMedia {
    /// The request (pure).
    pub fn request(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?;
        let media = object_id("media_id", &self.media_id)?;
        let f = fields("fields", &self.fields)?;
        Ok(GraphRequest::get([id]).query(
            "fields",
            format!("mentioned_media.media_id({media}){{{f}}}"),
        ))
    }
}

impl Flow for MentionedMedia {
    const ID: &'static str = "user.mentioned_media";
    const SUMMARY: &'static str = "Get a media that mentions the account";
    const HTTP: &'static str =
        "GET /{ig_user_id}?fields=mentioned_media.media_id({media_id}){fields}";
    const IDEMPOTENT: bool = true;
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] = MEDIA_KNOWN_FIELDS;
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (with Instagram Login, mentions arrive in the comments webhook)",
        "only media that @mention the account in their caption",
    ];

    fn validate(&self, ctx: &OpContext) -> Result<(), ParamError> {
        self.request(ctx).map(|_| ())
    }

    async fn run(self, ex: Executor) -> CoreResult<Value> {
        let req = self
            .request(&OpContext { login: ex.login() })
            .map_err(|e| e.into_error(Self::ID))?;
        expanded(&ex, req, "mentioned_media", "mentioned media with this id").await
    }
}

/// Default fields of `user.mentioned_comment`.
pub const DEFAULT_MENTIONED_COMMENT_FIELDS: &str = "id,text,timestamp,like_count,media{id}";

fn default_mentioned_comment_fields() -> String {
    DEFAULT_MENTIONED_COMMENT_FIELDS.to_owned()
}

/// Read a comment (on any account's media) that @mentions your account; the `comment_id`
/// comes from a `mentions` webhook. Returns the comment.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MentionedComment {
    /// Your IG professional account id (`1784…`), the one that was mentioned.
    pub ig_user_id: String,
    /// Id of the comment that mentions you (from the `mentions` webhook).
    pub comment_id: String,
    /// Fields of the comment, comma-separated in Graph syntax.
    #[serde(default = "default_mentioned_comment_fields")]
    pub fields: String,
}

impl MentionedComment {
    /// The request (pure).
    pub fn request(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?;
        let comment = object_id("comment_id", &self.comment_id)?;
        let f = fields("fields", &self.fields)?;
        Ok(GraphRequest::get([id]).query(
            "fields",
            format!("mentioned_comment.comment_id({comment}){{{f}}}"),
        ))
    }
}

impl Flow for MentionedComment {
    const ID: &'static str = "user.mentioned_comment";
    const SUMMARY: &'static str = "Get a comment that mentions the account";
    const HTTP: &'static str =
        "GET /{ig_user_id}?fields=mentioned_comment.comment_id({comment_id}){fields}";
    const IDEMPOTENT: bool = true;
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] =
        &["id", "text", "timestamp", "like_count", "media"];
    const LIMITS: &'static [&'static str] =
        &["Facebook Login only (with Instagram Login, mentions arrive in the comments webhook)"];

    fn validate(&self, ctx: &OpContext) -> Result<(), ParamError> {
        self.request(ctx).map(|_| ())
    }

    async fn run(self, ex: Executor) -> CoreResult<Value> {
        let req = self
            .request(&OpContext { login: ex.login() })
            .map_err(|e| e.into_error(Self::ID))?;
        expanded(
            &ex,
            req,
            "mentioned_comment",
            "mentioned comment with this id",
        )
        .await
    }
}

/// Default fields of `user.live_media`.
pub const DEFAULT_LIVE_FIELDS: &str =
    "id,media_type,media_product_type,permalink,timestamp,username";

fn default_live_fields() -> String {
    DEFAULT_LIVE_FIELDS.to_owned()
}

/// List the account's live videos in progress (usually none or one). `since`/`until` restrict
/// by start time.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LiveMedia {
    /// IG professional account id (`1784…`). Optional with Instagram Login (defaults to `me`); required with Facebook Login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-required-with" = "facebook"))]
    pub ig_user_id: Option<String>,
    /// Fields of each live media, comma-separated in Graph syntax.
    #[serde(default = "default_live_fields")]
    pub fields: String,
    /// Only live media started at or after this time (Unix seconds or a date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
    /// Only live media started at or before this time (Unix seconds or a date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
}

impl Operation for LiveMedia {
    const ID: &'static str = "user.live_media";
    const SUMMARY: &'static str = "List the account's live videos in progress";
    const HTTP: &'static str = "GET /{ig_user_id}/live_media";
    const KNOWN_FIELDS: &'static [&'static str] = &[
        "id",
        "media_type",
        "media_product_type",
        "owner",
        "permalink",
        "shortcode",
        "timestamp",
        "username",
        "comments_count",
        "like_count",
    ];
    const LIMITS: &'static [&'static str] = &["only broadcasts in progress; ended lives are gone"];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", self.ig_user_id.as_deref())?;
        if let (Some(s), Some(u)) = (self.since, self.until) {
            if s.0 > u.0 {
                return Err(ParamError::new("since", "must not be later than until"));
            }
        }
        Ok(GraphRequest::get([id, "live_media".to_owned()])
            .query("fields", fields("fields", &self.fields)?)
            .query_opt("since", self.since.map(|t| t.0))
            .query_opt("until", self.until.map(|t| t.0)))
    }
}

/// List the pending collaboration invites of the account: media of other accounts that
/// invited it as a collaborator (`media_id`, `media_owner_username`, `caption`, `media_url`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct CollaborationInvites {
    /// IG professional account id (`1784…`), from accounts.list.
    pub ig_user_id: String,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for CollaborationInvites {
    const ID: &'static str = "user.collaboration_invites";
    const SUMMARY: &'static str = "List pending collaboration invites";
    const HTTP: &'static str = "GET /{ig_user_id}/collaboration_invites";
    const PAGINATED: bool = true;
    // Meta's example pages carry cursors without `next`: go on while pages have items.
    const PAGING_STYLE: PagingStyle = PagingStyle::AfterOnly;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 10,
        max: 25,
    });
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only",
        "feed images, reels and carousels (not stories)",
        "300 calls per account per 24 hours",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?;
        self.paging
            .apply::<Self>(GraphRequest::get([id, "collaboration_invites".to_owned()]))
    }
}

/// Accept or decline a collaboration invite (from user.collaboration_invites): `accept: true`
/// makes the account a collaborator on the media, `false` declines.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RespondCollaborationInvite {
    /// IG professional account id (`1784…`), the invited account.
    pub ig_user_id: String,
    /// Id of the media of the invite (`media_id` of user.collaboration_invites).
    pub media_id: String,
    /// `true` to accept the invite, `false` to decline it.
    pub accept: bool,
}

impl Operation for RespondCollaborationInvite {
    const ID: &'static str = "user.respond_collaboration_invite";
    const SUMMARY: &'static str = "Accept or decline a collaboration invite";
    const HTTP: &'static str = "POST /{ig_user_id}/collaboration_invites";
    const METHOD: crate::request::Method = crate::request::Method::Post;
    // Answering the same invite twice sets the same state; nothing is created twice.
    const IDEMPOTENT: Option<bool> = Some(true);
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &["Facebook Login only", "pending invites only"];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?;
        let media = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::post([id, "collaboration_invites".to_owned()])
            .form("media_id", media)
            .form("accept", self.accept))
    }
}

// ---------------------------------------------------------------------------------------------
// user.profile

/// Default fields of `user.profile` (all that Meta documents).
pub const DEFAULT_PROFILE_FIELDS: &str = "name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user,is_verified_user";

fn default_profile_fields() -> String {
    DEFAULT_PROFILE_FIELDS.to_owned()
}

/// Read the profile of a person who messaged the account, by their Instagram-scoped id
/// (IGSID, the `sender.id` of a message webhook): name, username, profile picture, follower
/// count, whether they follow the account and it them, and whether they are verified.
/// Instagram shares it only after the person has messaged the account.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The person's Instagram-scoped id (IGSID) from a messaging webhook or conversation.
    pub recipient_id: String,
    /// Facebook Login: the Page whose token reads the profile (the Page linked to the account). Optional when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
    /// Fields to return, comma-separated.
    #[serde(default = "default_profile_fields")]
    pub fields: String,
}

impl Operation for Profile {
    const ID: &'static str = "user.profile";
    const SUMMARY: &'static str = "Get the profile of a person who messaged the account";
    const HTTP: &'static str =
        "GET /{recipient_id}?fields=name,username,profile_pic,… (Page token with Facebook Login)";
    const KNOWN_FIELDS: &'static [&'static str] = &[
        "name",
        "username",
        "profile_pic",
        "follower_count",
        "is_user_follow_business",
        "is_business_follow_user",
        "is_verified_user",
    ];
    const LIMITS: &'static [&'static str] = &[
        "only after the person has messaged the account (their consent); before that a permission error",
        "profile_pic URLs expire; name may be empty",
        "Facebook Login reads with the Page's token (page_id, or the only Page with a linked account)",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let who = object_id("recipient_id", &self.recipient_id)?;
        // The Page token (Facebook Login) or the account's own (Instagram Login), as messaging.
        let credential = super::target::messaging_credential(ctx, self.page_id.as_deref())?;
        Ok(GraphRequest::get([who])
            .query("fields", fields("fields", &self.fields)?)
            .with_credential(credential))
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::{flow_op, request_op};
    vec![
        request_op::<Get>(),
        request_op::<Profile>(),
        flow_op::<BusinessDiscovery>(),
        request_op::<BusinessDiscoveryMedia>(),
        request_op::<RecentlySearchedHashtags>(),
        request_op::<ContentPublishingLimit>(),
        request_op::<Tags>(),
        flow_op::<MentionedMedia>(),
        flow_op::<MentionedComment>(),
        request_op::<LiveMedia>(),
        request_op::<CollaborationInvites>(),
        request_op::<RespondCollaborationInvite>(),
    ]
}
