//! IG Media: the account's posts, reels and carousels.

use super::params::{fields, ig_user, object_id, Paging, ParamError, Timestamp};
use super::{OpContext, Operation, PageSize};
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Default fields of `media.list`.
pub const DEFAULT_LIST_FIELDS: &str =
    "id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,timestamp,like_count,comments_count";

/// Default fields of `media.get`.
pub const DEFAULT_GET_FIELDS: &str = "id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,shortcode,timestamp,username,like_count,comments_count,is_comment_enabled,children{id,media_type,media_url,thumbnail_url}";

fn default_list_fields() -> String {
    DEFAULT_LIST_FIELDS.to_owned()
}

fn default_get_fields() -> String {
    DEFAULT_GET_FIELDS.to_owned()
}

/// List the account's media (feed posts, reels and carousels; not stories), newest first,
/// in cursor pages. `since`/`until` restrict by publication time.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct List {
    /// IG professional account id (`1784…`). Optional with Instagram Login (defaults to `me`); required with Facebook Login.
    #[serde(default)]
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

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
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

    fn build(&self, _ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::get([id]).query("fields", fields("fields", &self.fields)?))
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::request_op;
    vec![request_op::<List>(), request_op::<Get>()]
}
