//! IG Comments on media.

use super::params::{fields, object_id, Paging, ParamError};
use super::{OpContext, Operation, PageSize};
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Default fields of `comments.list`.
pub const DEFAULT_COMMENT_FIELDS: &str =
    "id,text,timestamp,username,like_count,hidden,replies{id,text,timestamp,username,like_count}";

fn default_comment_fields() -> String {
    DEFAULT_COMMENT_FIELDS.to_owned()
}

/// List the top-level comments on a media, newest first, in cursor pages. Replies come
/// nested under `replies` when selected in `fields`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct List {
    /// IG media id whose comments to list.
    pub media_id: String,
    /// Fields of each comment, comma-separated in Graph syntax (`username` and `from` need comment-management permission).
    #[serde(default = "default_comment_fields")]
    pub fields: String,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for List {
    const ID: &'static str = "comments.list";
    const SUMMARY: &'static str = "List comments on a media";
    const HTTP: &'static str = "GET /{media_id}/comments";
    const PAGINATED: bool = true;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 50,
    });
    const LIMITS: &'static [&'static str] = &[
        "limit ≤ 50 per page",
        "top-level comments only; replies via the replies edge",
        "no time filter",
    ];

    fn build(&self, _ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        let req = GraphRequest::get([id, "comments".to_owned()])
            .query("fields", fields("fields", &self.fields)?);
        self.paging.apply::<Self>(req)
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::request_op;
    vec![request_op::<List>()]
}
