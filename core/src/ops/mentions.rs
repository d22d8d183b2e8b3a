//! Replies to @mentions of the account (Facebook Login).

use super::params::{ig_user, object_id, ParamError};
use super::{OpContext, OpSpec, Operation};
use crate::config::Login;
use crate::request::{GraphRequest, Method};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Longest comment Instagram accepts, in characters.
pub const MAX_COMMENT_CHARS: usize = 2200;

/// Check a comment text: not blank, at most 2200 characters.
pub fn comment_text(path: &str, v: &str) -> Result<String, ParamError> {
    if v.trim().is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    let n = v.chars().count();
    if n > MAX_COMMENT_CHARS {
        return Err(ParamError::new(
            path,
            format!("is {n} characters long; Instagram allows at most {MAX_COMMENT_CHARS}"),
        ));
    }
    Ok(v.to_owned())
}

/// Reply with a comment where another account @mentioned yours: on the media whose caption
/// mentions you (`media_id` only) or under the comment that mentions you (`media_id` and
/// `comment_id`, both from the `mentions` webhook). Returns the new comment's `{id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// Your IG professional account id (`1784…`), the one that was mentioned.
    pub ig_user_id: String,
    /// Id of the media with the mention (from the `mentions` webhook).
    pub media_id: String,
    /// Id of the comment with the mention, when the mention is in a comment rather than the caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<String>,
    /// Text of the reply (at most 2200 characters).
    #[schemars(length(max = 2200))]
    pub message: String,
}

impl Operation for Reply {
    const ID: &'static str = "mentions.reply";
    const SUMMARY: &'static str = "Reply to a mention of the account";
    const HTTP: &'static str = "POST /{ig_user_id}/mentions";
    const METHOD: Method = Method::Post;
    // A comment: repeating it posts it twice.
    const IDEMPOTENT: Option<bool> = Some(false);
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (with Instagram Login, reply to the comment with comments.reply)",
        "message at most 2200 characters",
        "needs instagram_manage_comments",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = ig_user(ctx, "ig_user_id", Some(&self.ig_user_id))?;
        let media = object_id("media_id", &self.media_id)?;
        let comment = self
            .comment_id
            .as_deref()
            .map(|c| object_id("comment_id", c))
            .transpose()?;
        let message = comment_text("message", &self.message)?;
        Ok(GraphRequest::post([id, "mentions".to_owned()])
            .form("media_id", media)
            .form_opt("comment_id", comment)
            .form("message", message))
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    vec![super::request_op::<Reply>()]
}
