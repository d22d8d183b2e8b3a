//! IG User: the professional account itself.

use super::params::{fields, ig_user, ParamError};
use super::{OpContext, Operation};
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
