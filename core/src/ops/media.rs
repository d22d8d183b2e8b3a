//! IG Media: the account's posts, reels and carousels.

use super::params::{fields, ig_user, object_id, Paging, ParamError, Timestamp};
use super::{Flow, OpContext, Operation, PageSize};
use crate::config::Login;
use crate::error::{Error, ErrorKind, Result};
use crate::flow::Executor;
use crate::request::{GraphRequest, Method};
use crate::shortcode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Default fields of `media.list`.
pub const DEFAULT_LIST_FIELDS: &str =
    "id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,timestamp,like_count,comments_count";

/// Default fields of `media.get`.
pub const DEFAULT_GET_FIELDS: &str = "id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,shortcode,timestamp,username,like_count,comments_count,is_comment_enabled,children{id,media_type,media_url,thumbnail_url}";

/// Default fields of `media.children` (carousel items have no caption, likes or comments).
pub const DEFAULT_CHILD_FIELDS: &str = "id,media_type,media_url,thumbnail_url,timestamp";

/// Fields Graph documents on an IG Media (graph-api.md §1.4). `view_count` is left out: it
/// exists only through Business Discovery.
pub const MEDIA_FIELDS: &[&str] = &[
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
    "owner",
    "like_count",
    "comments_count",
    "is_comment_enabled",
    "is_shared_to_feed",
    "alt_text",
    "children",
    "media_audio_type",
    "is_ai_generated",
    "copyright_check_information",
    "ig_id",
    "legacy_instagram_media_id",
    "boost_ads_list",
    "boost_eligibility_info",
    "reposts_count",
    "saved_count",
    "shares_count",
    "total_like_count",
    "total_comments_count",
    "total_views_count",
];

/// Fields of a carousel item: no caption (not returned for album children), no permalink
/// (Meta: it cannot be used on photos within albums), no counts.
pub const CHILD_FIELDS: &[&str] = &[
    "id",
    "media_type",
    "media_product_type",
    "media_url",
    "thumbnail_url",
    "shortcode",
    "timestamp",
    "username",
    "owner",
    "alt_text",
    "is_ai_generated",
    "ig_id",
    "legacy_instagram_media_id",
];

fn default_list_fields() -> String {
    DEFAULT_LIST_FIELDS.to_owned()
}

fn default_get_fields() -> String {
    DEFAULT_GET_FIELDS.to_owned()
}

fn default_child_fields() -> String {
    DEFAULT_CHILD_FIELDS.to_owned()
}

/// List the account's media (feed posts, reels and carousels; not stories), newest first,
/// in cursor pages. `since`/`until` restrict by publication time.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct List {
    /// IG professional account id (`1784…`). Optional with Instagram Login (defaults to `me`); required with Facebook Login.
    #[serde(default)]
    #[schemars(extend("x-required-with" = "facebook"))]
    pub ig_user_id: Option<String>,
    /// Fields of each media, comma-separated in Graph syntax; nest edges like `children{id,media_url}`.
    #[serde(default = "default_list_fields")]
    pub fields: String,
    /// Only media published at or after this time (Unix seconds or a date such as `2026-01-31`).
    #[serde(default)]
    pub since: Option<Timestamp>,
    /// Only media published at or before this time (Unix seconds or a date such as `2026-01-31`).
    #[serde(default)]
    pub until: Option<Timestamp>,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for List {
    const ID: &'static str = "media.list";
    const SUMMARY: &'static str = "List the account's media";
    const HTTP: &'static str = "GET /{ig_user_id}/media";
    const PAGINATED: bool = true;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 100,
    });
    const LIMITS: &'static [&'static str] = &[
        "limit ≤ 100 per page",
        "only the 10,000 most recent media are returned",
        "stories are not included (they have their own edge)",
    ];
    const KNOWN_FIELDS: &'static [&'static str] = MEDIA_FIELDS;

    fn build(&self, ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", self.ig_user_id.as_deref())?;
        if let (Some(s), Some(u)) = (self.since, self.until) {
            if s.0 > u.0 {
                return Err(ParamError::new("since", "must not be later than until"));
            }
        }
        let req = GraphRequest::get([id, "media".to_owned()])
            .query("fields", fields("fields", &self.fields)?)
            .query_opt("since", self.since.map(|t| t.0))
            .query_opt("until", self.until.map(|t| t.0));
        self.paging.apply::<Self>(req)
    }
}

/// Read one media object; carousels can expand their items with `children{...}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Get {
    /// IG media id.
    pub media_id: String,
    /// Fields to return, comma-separated in Graph syntax; nest edges like `children{id,media_type,media_url}`.
    #[serde(default = "default_get_fields")]
    pub fields: String,
}

impl Operation for Get {
    const ID: &'static str = "media.get";
    const SUMMARY: &'static str = "Get one media";
    const HTTP: &'static str = "GET /{media_id}";
    const KNOWN_FIELDS: &'static [&'static str] = MEDIA_FIELDS;

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::get([id]).query("fields", fields("fields", &self.fields)?))
    }
}

/// List the items (images and videos) of a carousel album, in album order.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Children {
    /// IG media id of the carousel (`media_type` `CAROUSEL_ALBUM`).
    pub media_id: String,
    /// Fields of each item, comma-separated in Graph syntax (items have no caption or permalink).
    #[serde(default = "default_child_fields")]
    pub fields: String,
}

impl Operation for Children {
    const ID: &'static str = "media.children";
    const SUMMARY: &'static str = "Get the items of a carousel";
    const HTTP: &'static str = "GET /{media_id}/children";
    const LIMITS: &'static [&'static str] = &[
        "carousels only; other media have no items",
        "items carry no caption, permalink, likes or comments",
    ];
    const KNOWN_FIELDS: &'static [&'static str] = CHILD_FIELDS;

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::get([id, "children".to_owned()])
            .query("fields", fields("fields", &self.fields)?))
    }
}

/// List the collaborators of a media (accounts invited to co-author it), each with `id`,
/// `username` and `invite_status` (accepted, pending or declined).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Collaborators {
    /// IG media id.
    pub media_id: String,
}

impl Operation for Collaborators {
    const ID: &'static str = "media.collaborators";
    const SUMMARY: &'static str = "List a media's collaborators";
    const HTTP: &'static str = "GET /{media_id}/collaborators";
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (Meta documents the edge for the Instagram API with Facebook Login)",
        "the media's creator only; feed images, reels and carousels (not stories)",
        "up to 5 collaborators; only accounts that allow collaborator tagging are returned",
    ];

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::get([id, "collaborators".to_owned()]))
    }
}

/// Turn comments on or off for a media. Returns `{"success": true}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCommentsEnabled {
    /// IG media id.
    pub media_id: String,
    /// `true` to allow comments, `false` to turn them off.
    pub comment_enabled: bool,
}

impl Operation for SetCommentsEnabled {
    const ID: &'static str = "media.set_comments_enabled";
    const SUMMARY: &'static str = "Turn comments on or off";
    const HTTP: &'static str = "POST /{media_id}?comment_enabled=true|false";
    const METHOD: Method = Method::Post;
    // Setting the same state twice leaves the media as the first call did.
    const IDEMPOTENT: Option<bool> = Some(true);
    const LIMITS: &'static [&'static str] = &["not for live video"];

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::post([id]).form("comment_enabled", self.comment_enabled))
    }
}

/// Delete a media of the account: a post, carousel, reel or story. Returns
/// `{"success": true, "deleted_id": "…"}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delete {
    /// IG media id of the account's own media.
    pub media_id: String,
}

impl Operation for Delete {
    const ID: &'static str = "media.delete";
    const SUMMARY: &'static str = "Delete a media";
    const HTTP: &'static str = "DELETE /{media_id}";
    const METHOD: Method = Method::Delete;
    // A repeated delete finds nothing left to delete; it cannot remove anything else.
    const IDEMPOTENT: Option<bool> = Some(true);
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (Meta documents DELETE /{media_id} for graph.facebook.com; not for Instagram Login)",
        "posts, carousels, reels and stories of the account itself; needs instagram_manage_contents",
        "other media types fail with code -1 / subcode 2207073 (Media Type Not Supported)",
    ];

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::delete([id]))
    }
}

/// Read the caption poll of a media and the share of votes of each option (`option_a`…
/// `option_d`, `option_*_votes_percentage` as fractions). `null` when the media has no poll.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PollAttachment {
    /// IG media id of a feed post, carousel or reel (stories are not supported).
    pub media_id: String,
}

impl Operation for PollAttachment {
    const ID: &'static str = "media.poll_attachment";
    const SUMMARY: &'static str = "Get a media's caption poll results";
    const HTTP: &'static str = "GET /{media_id}/poll_attachment";
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (caption add-ons, Sep 2026)",
        "its own call: the edge does not support field expansion",
        "not for stories; null when the media has no poll",
        "timestamps come in ISO 8601 (date_format is a removed Graph feature and is never sent)",
    ];

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::get([id, "poll_attachment".to_owned()]))
    }
}

/// Read the responses to a media's caption comment prompt. `null` when the media has no
/// comment prompt.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromptResponse {
    /// IG media id of a feed post, carousel or reel (stories are not supported).
    pub media_id: String,
}

impl Operation for PromptResponse {
    const ID: &'static str = "media.prompt_response";
    const SUMMARY: &'static str = "Get responses to a media's comment prompt";
    const HTTP: &'static str = "GET /{media_id}/prompt_response";
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (caption add-ons, Sep 2026)",
        "its own call: the edge does not support field expansion",
        "not for stories; null when the media has no comment prompt",
    ];

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::get([id, "prompt_response".to_owned()]))
    }
}

/// Page size `media.by_shortcode` lists with (the edge's maximum: fewest requests).
pub const BY_SHORTCODE_PAGE: u32 = 100;

/// Media published this long before the time a shortcode's pk implies still count as
/// candidates (clock skew between id generation and publication).
pub const BY_SHORTCODE_SLACK_SECS: i64 = 86_400;

/// Fields `media.by_shortcode` needs to recognise the media and to stop early.
const MATCH_FIELDS: &[&str] = &["id", "shortcode", "permalink", "timestamp"];

/// Find the account's Graph media for a shortcode or a post/reel URL. Graph has no lookup by
/// shortcode, so this lists the account's media (newest first, 100 per page) and stops at the
/// first page that contains it. It also stops early, with `not_found`, once the list reaches
/// media published more than a day before the time encoded in the shortcode, provided every
/// media seen so far agrees with that encoding (Instagram's ids carry their creation time; Meta
/// does not document it, so it is checked against the account's own media before being used).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ByShortcode {
    /// A shortcode (`BGvuInzyFAe`) or a post/reel URL (`https://www.instagram.com/p/BGvuInzyFAe/`, `/reel/`, `/reels/`, `/tv/`).
    pub shortcode: String,
    /// IG professional account id (`1784…`) that owns the media. Optional with Instagram Login (defaults to `me`); required with Facebook Login.
    #[serde(default)]
    #[schemars(extend("x-required-with" = "facebook"))]
    pub ig_user_id: Option<String>,
    /// Fields of the media, comma-separated in Graph syntax (`id`, `shortcode`, `permalink` and `timestamp` are always added).
    #[serde(default)]
    #[schemars(default = "default_by_shortcode_fields")]
    pub fields: Option<String>,
}

fn default_by_shortcode_fields() -> String {
    format!("{DEFAULT_LIST_FIELDS},shortcode")
}

/// Top-level field names of a Graph `fields` selection (`a,b{c,d},e.limit(2){f}` → a, b, e).
fn top_level_fields(sel: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut cur, mut skip) = (0i32, String::new(), false);
    for c in sel.chars() {
        match c {
            '{' | '(' => depth += 1,
            '}' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                skip = false;
            }
            '.' if depth == 0 => skip = true,
            c if depth == 0 && !skip => cur.push(c),
            _ => {}
        }
    }
    out.push(cur);
    out.retain(|s| !s.is_empty());
    out
}

impl ByShortcode {
    /// The public shortcode, the account, and the fields to list with.
    fn checked(
        &self,
        ctx: &OpContext,
    ) -> std::result::Result<(String, String, String), ParamError> {
        let code = shortcode::parse(&self.shortcode)
            .map_err(|e| ParamError::new("shortcode", e.message))?;
        let account = ig_user(ctx, "ig_user_id", self.ig_user_id.as_deref())?;
        let mut sel = match &self.fields {
            Some(f) => fields("fields", f)?,
            None => default_by_shortcode_fields(),
        };
        let have = top_level_fields(&sel);
        for f in MATCH_FIELDS {
            if !have.iter().any(|h| h == f) {
                sel.push(',');
                sel.push_str(f);
            }
        }
        Ok((code, account, sel))
    }
}

/// Whether a listed media is the one with `code` (its `shortcode`, or the code in its permalink).
fn is_match(item: &Value, code: &str) -> bool {
    if item.get("shortcode").and_then(Value::as_str) == Some(code) {
        return true;
    }
    item.get("permalink")
        .and_then(Value::as_str)
        .and_then(|p| shortcode::from_url(p).ok())
        .is_some_and(|c| c == code)
}

/// Publication time of a listed media (Unix seconds).
fn published_at(item: &Value) -> Option<i64> {
    item.get("timestamp")
        .and_then(Value::as_str)
        .and_then(super::params::parse_time)
}

/// Whether the media's own shortcode encodes a creation time no later than its publication
/// (within the slack): the property the early stop relies on.
fn agrees_with_id_time(item: &Value) -> bool {
    let Some(published) = published_at(item) else {
        return false;
    };
    let code = item
        .get("shortcode")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            item.get("permalink")
                .and_then(Value::as_str)
                .and_then(|p| shortcode::from_url(p).ok())
        });
    let Some(created) = code
        .and_then(|c| shortcode::to_pk(&c).ok())
        .and_then(shortcode::created_at)
    else {
        return false;
    };
    published >= created - BY_SHORTCODE_SLACK_SECS
}

impl Flow for ByShortcode {
    const ID: &'static str = "media.by_shortcode";
    const SUMMARY: &'static str = "Find a media by shortcode or URL";
    const HTTP: &'static str =
        "GET /{ig_user_id}/media?fields=id,shortcode,permalink,… (paged until found)";
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] = &[
        "only the account's own feed media and reels (not stories, not other accounts' media)",
        "Graph has no lookup by shortcode: lists /media 100 at a time until found (at most the 10,000 most recent media)",
        "stops early, not found, once media are older than the shortcode's encoded creation time minus a day (used only while the account's media agree with that encoding; Meta does not document it)",
    ];
    const KNOWN_FIELDS: &'static [&'static str] = MEDIA_FIELDS;

    fn validate(&self, ctx: &OpContext) -> std::result::Result<(), ParamError> {
        self.checked(ctx).map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let ctx = OpContext { login: ex.login() };
        let (code, account, sel) = self.checked(&ctx).map_err(|e| e.into_error(Self::ID))?;
        // The id's time bound: media published before it cannot be this one.
        let bound = shortcode::to_pk(&code)
            .ok()
            .and_then(shortcode::created_at)
            .map(|t| t - BY_SHORTCODE_SLACK_SECS);
        let mut ids_agree = true;
        let mut pages = ex.paginate(
            "media.list",
            json!({"ig_user_id": account, "fields": sel, "limit": BY_SHORTCODE_PAGE}),
            None,
        )?;
        let mut scanned: u64 = 0;
        let mut page_no: u64 = 0;
        while let Some(page) = pages.next_page().await? {
            page_no += 1;
            scanned += page.data.len() as u64;
            if let Some(found) = page.data.iter().find(|m| is_match(m, &code)) {
                ex.progress(
                    "found",
                    page_no,
                    None,
                    format!("found {code} on page {page_no}"),
                );
                return Ok(found.clone());
            }
            ids_agree = ids_agree && page.data.iter().all(agrees_with_id_time);
            let oldest = page.data.iter().filter_map(published_at).min();
            ex.progress(
                "scan",
                page_no,
                None,
                format!("page {page_no}: {scanned} media scanned, {code} not among them"),
            );
            if let (true, Some(bound), Some(oldest)) = (ids_agree, bound, oldest) {
                if oldest < bound {
                    return Err(not_found(
                        &code,
                        &account,
                        scanned,
                        "the list has reached media published before it was created",
                    ));
                }
            }
        }
        Err(not_found(
            &code,
            &account,
            scanned,
            "it is not among the account's media",
        ))
    }
}

fn not_found(code: &str, account: &str, scanned: u64, why: &str) -> Error {
    let whose = if account == "me" {
        "the token's account".to_owned()
    } else {
        format!("account {account}")
    };
    Error::new(
        ErrorKind::NotFound,
        format!(
            "{}: no media with shortcode {code} on {whose} ({scanned} media scanned; {why}). \
             Only the account's own posts and reels can be found; stories and other accounts' media cannot",
            ByShortcode::ID
        ),
    )
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::{flow_op, request_op};
    vec![
        request_op::<List>(),
        request_op::<Get>(),
        request_op::<Children>(),
        request_op::<Collaborators>(),
        request_op::<SetCommentsEnabled>(),
        request_op::<Delete>(),
        request_op::<PollAttachment>(),
        request_op::<PromptResponse>(),
        flow_op::<ByShortcode>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{prepare, Prepared};
    use crate::request::{Body, Credential};

    fn req(op: &str, params: Value, login: Login) -> GraphRequest {
        match prepare(op, params, &OpContext { login }).unwrap().1 {
            Prepared::Request(r) => r,
            Prepared::Flow(_) => panic!("{op} is a flow"),
        }
    }

    fn err(op: &str, params: Value, login: Login) -> String {
        prepare(op, params, &OpContext { login })
            .unwrap_err()
            .message
    }

    #[test]
    fn children_and_collaborators() {
        let r = req(
            "media.children",
            json!({"media_id": "17900000000000001"}),
            Login::Instagram,
        );
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.path, vec!["17900000000000001", "children"]);
        assert_eq!(r.query_value("fields"), Some(DEFAULT_CHILD_FIELDS));
        assert_eq!(r.credential, Credential::User);
        let r = req(
            "media.collaborators",
            json!({"media_id": "17900000000000001"}),
            Login::Facebook,
        );
        assert_eq!(r.path, vec!["17900000000000001", "collaborators"]);
        assert!(r.query.is_empty());
        let e = prepare(
            "media.collaborators",
            json!({"media_id": "179"}),
            &OpContext {
                login: Login::Instagram,
            },
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported);
        assert!(err("media.children", json!({}), Login::Instagram)
            .starts_with("media.children: params.media_id: is required"));
        assert!(err(
            "media.collaborators",
            json!({"media_id": "me"}),
            Login::Facebook
        )
        .contains("params.media_id"));
    }

    #[test]
    fn comments_toggle_posts_the_flag() {
        let r = req(
            "media.set_comments_enabled",
            json!({"media_id": "179", "comment_enabled": false}),
            Login::Instagram,
        );
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.path, vec!["179"]);
        assert_eq!(
            r.body,
            Some(Body::Form(vec![("comment_enabled".into(), "false".into())]))
        );
        assert!(err(
            "media.set_comments_enabled",
            json!({"media_id": "179", "comment_enabled": "no"}),
            Login::Instagram
        )
        .starts_with("media.set_comments_enabled: params.comment_enabled:"));
        assert!(err(
            "media.set_comments_enabled",
            json!({"media_id": "179"}),
            Login::Instagram
        )
        .contains("params.comment_enabled: is required"));
    }

    #[test]
    fn delete_is_facebook_only() {
        let r = req("media.delete", json!({"media_id": "179"}), Login::Facebook);
        assert_eq!(r.method, Method::Delete);
        assert_eq!(r.path, vec!["179"]);
        let e = prepare(
            "media.delete",
            json!({"media_id": "179"}),
            &OpContext {
                login: Login::Instagram,
            },
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported);
    }

    #[test]
    fn caption_add_ons_are_plain_edges() {
        for (op, edge) in [
            ("media.poll_attachment", "poll_attachment"),
            ("media.prompt_response", "prompt_response"),
        ] {
            let r = req(op, json!({"media_id": "179"}), Login::Facebook);
            assert_eq!(r.path, vec!["179", edge]);
            assert!(r.query.is_empty(), "no fields, no date_format: {op}");
            let e = prepare(
                op,
                json!({"media_id": "179"}),
                &OpContext {
                    login: Login::Instagram,
                },
            )
            .unwrap_err();
            assert_eq!(e.kind, ErrorKind::Unsupported, "{op}");
            assert!(err(
                op,
                json!({"media_id": "179", "fields": "id"}),
                Login::Facebook
            )
            .contains("params.fields: unknown parameter"));
        }
    }

    #[test]
    fn by_shortcode_validates_before_sending() {
        let ctx = OpContext {
            login: Login::Instagram,
        };
        for bad in [
            "",
            "abc=def",
            "https://example.com/p/BGvuInzyFAe/",
            "https://www.instagram.com/stories/a/1/",
        ] {
            let e = prepare("media.by_shortcode", json!({"shortcode": bad}), &ctx).unwrap_err();
            assert!(
                e.message
                    .starts_with("media.by_shortcode: params.shortcode:"),
                "{bad}: {}",
                e.message
            );
        }
        let e = prepare(
            "media.by_shortcode",
            json!({"shortcode": "BGvuInzyFAe"}),
            &OpContext {
                login: Login::Facebook,
            },
        )
        .unwrap_err();
        assert!(e.message.contains("params.ig_user_id"), "{}", e.message);
        assert!(prepare(
            "media.by_shortcode",
            json!({"shortcode": "BGvuInzyFAe", "fields": "id;x"}),
            &ctx
        )
        .is_err());
        assert!(prepare(
            "media.by_shortcode",
            json!({"shortcode": "https://www.instagram.com/reel/BGvuInzyFAe/?igsh=x"}),
            &ctx
        )
        .is_ok());
    }

    #[test]
    fn by_shortcode_always_lists_what_it_matches_on() {
        let op = ByShortcode {
            shortcode: "BGvuInzyFAe".into(),
            ig_user_id: None,
            fields: Some("caption,children{id,timestamp}".into()),
        };
        let ctx = OpContext {
            login: Login::Instagram,
        };
        let (_, account, sel) = op.checked(&ctx).unwrap();
        assert_eq!(account, "me");
        assert_eq!(
            sel,
            "caption,children{id,timestamp},id,shortcode,permalink,timestamp"
        );
        assert_eq!(
            top_level_fields("a,b{c,d},e.limit(2){f},g"),
            vec!["a", "b", "e", "g"]
        );
    }

    #[test]
    fn known_fields() {
        let ops = crate::ops::operations();
        let find = |id: &str| {
            ops.as_array()
                .unwrap()
                .iter()
                .find(|o| o["id"] == id)
                .cloned()
                .unwrap()
        };
        assert!(find("media.list")["known_fields"]
            .as_array()
            .unwrap()
            .contains(&json!("shortcode")));
        assert!(!find("media.children")["known_fields"]
            .as_array()
            .unwrap()
            .contains(&json!("caption")));
        assert_eq!(find("media.by_shortcode")["idempotent"], true);
        assert_eq!(find("media.delete")["logins"], json!(["facebook"]));
    }
}
