//! IG Stories: the account's live stories (the last 24 hours).

use super::params::{fields, ig_user, object_id, Paging, ParamError};
use super::{Flow, OpContext, Operation, PageSize};
use crate::error::{ErrorKind, Result};
use crate::flow::Executor;
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Default fields of `stories.list` (stories have no likes or comment counts).
pub const DEFAULT_STORY_FIELDS: &str =
    "id,media_type,media_product_type,media_url,thumbnail_url,permalink,timestamp";

/// Fields Graph documents on a story (an IG Media with `media_product_type` `STORY`: no
/// caption, likes or comment counts).
pub const STORY_FIELDS: &[&str] = &[
    "id",
    "media_type",
    "media_product_type",
    "media_url",
    "thumbnail_url",
    "permalink",
    "shortcode",
    "timestamp",
    "username",
    "owner",
    "copyright_check_information",
    "ig_id",
    "legacy_instagram_media_id",
];

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
    #[schemars(extend("x-required-with" = "facebook"))]
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
    const KNOWN_FIELDS: &'static [&'static str] = STORY_FIELDS;

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", self.ig_user_id.as_deref())?;
        let req = GraphRequest::get([id, "stories".to_owned()])
            .query("fields", fields("fields", &self.fields)?);
        self.paging.apply::<Self>(req)
    }
}

/// Read one live story by its media id. A story is readable for 24 hours after it was
/// posted; after that Graph no longer finds it and the call fails with `not_found`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Get {
    /// IG media id of the story (from stories.list or a `story_insights`/mention webhook).
    pub media_id: String,
    /// Fields to return, comma-separated in Graph syntax.
    #[serde(default = "default_story_fields")]
    pub fields: String,
}

impl Get {
    fn request(&self) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        Ok(GraphRequest::get([id]).query("fields", fields("fields", &self.fields)?))
    }
}

impl Flow for Get {
    const ID: &'static str = "stories.get";
    const SUMMARY: &'static str = "Get one live story";
    const HTTP: &'static str = "GET /{media_id}";
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] =
        &["live stories only: 24 hours after posting a story is gone (not_found)"];
    const KNOWN_FIELDS: &'static [&'static str] = STORY_FIELDS;

    fn validate(&self, _ctx: &OpContext) -> std::result::Result<(), ParamError> {
        self.request().map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let req = self.request().map_err(|e| e.into_error(Self::ID))?;
        // A single read; a flow only so that Graph's bare "does not exist" gets the reason a
        // story usually has for it.
        ex.send(req).await.map_err(|mut e| {
            if e.kind == ErrorKind::NotFound {
                e.message = format!(
                    "{} (story {} not found: stories can be read for 24 hours after posting; it has expired, or the id is not a story of this account)",
                    e.message, self.media_id
                );
            }
            e
        })
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::{flow_op, request_op};
    vec![request_op::<List>(), flow_op::<Get>()]
}
