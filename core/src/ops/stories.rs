//! IG Stories: the account's live stories (the last 24 hours).

use super::params::{fields, ig_user, Paging, ParamError};
use super::{OpContext, Operation, PageSize};
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Default fields of `stories.list` (stories have no likes or comment counts).
pub const DEFAULT_STORY_FIELDS: &str =
    "id,media_type,media_product_type,media_url,thumbnail_url,permalink,timestamp";

fn default_story_fields() -> String {
    DEFAULT_STORY_FIELDS.to_owned()
}

/// List the account's live stories (published within the last 24 hours), in cursor pages.
/// Expired stories are not returned: read their insights before they expire or subscribe to
/// the `story_insights` webhook.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct List {
    /// IG professional account id (`1784…`). Optional with Instagram Login (defaults to `me`); required with Facebook Login.
    #[serde(default)]
    pub ig_user_id: Option<String>,
    /// Fields of each story, comma-separated in Graph syntax.
    #[serde(default = "default_story_fields")]
    pub fields: String,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for List {
    const ID: &'static str = "stories.list";
    const SUMMARY: &'static str = "List the account's live stories";
    const HTTP: &'static str = "GET /{ig_user_id}/stories";
    const PAGINATED: bool = true;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 100,
    });
    const LIMITS: &'static [&'static str] = &[
        "only stories of the last 24 hours; expired stories are gone",
        "no time filter",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", self.ig_user_id.as_deref())?;
        let req = GraphRequest::get([id, "stories".to_owned()])
            .query("fields", fields("fields", &self.fields)?);
        self.paging.apply::<Self>(req)
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::request_op;
    vec![request_op::<List>()]
}
