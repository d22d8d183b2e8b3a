//! IG User: the professional account itself.

use super::params::{fields, ig_user, Paging, ParamError};
use super::{OpContext, Operation, PageSize, PagingStyle};
use crate::config::Login;
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    /// IG professional account id (`1784…`), from pages.list.
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

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::request_op;
    vec![request_op::<Get>(), request_op::<Tags>()]
}
