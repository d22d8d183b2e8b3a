//! Conversations and their messages (conversations.*).
//!
//! Instagram Login reads `/me/conversations` with the user token; Facebook Login reads
//! `/{page_id}/conversations` with the Page's token (or `/me/conversations` with the token of
//! the only Page with a linked Instagram account), always with `platform=instagram`
//! (graph-api.md §1.10.7). A conversation's messages are Graph's nested `messages` field
//! (`GET /{conversation_id}?fields=messages{...}`), paged through its `.limit()`/`.after()`
//! modifiers and read as a normal page at `/messages`.

use super::messages::{DEFAULT_MESSAGE_FIELDS, MESSAGE_FIELDS};
use super::params::{cursor, fields, object_id, page_limit, Paging, ParamError};
use super::target::{messaging_credential, messaging_target};
use super::{OpContext, Operation, PageSize, PagingStyle};
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Fields Graph documents for a conversation.
pub const CONVERSATION_FIELDS: &[&str] = &["id", "updated_time", "participants", "messages"];

/// Default fields of `conversations.list`.
pub const DEFAULT_CONVERSATION_FIELDS: &str = "id,updated_time";

fn default_conversation_fields() -> String {
    DEFAULT_CONVERSATION_FIELDS.to_owned()
}

fn default_message_fields() -> String {
    DEFAULT_MESSAGE_FIELDS.to_owned()
}

/// List the account's Instagram conversations, most recently active first, in cursor pages;
/// with `user_id`, only the conversation with that person. Conversations in the Requests
/// folder inactive for 30 days are not returned.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct List {
    /// Only the conversation with this person (their IGSID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Fields of each conversation, comma-separated in Graph syntax (`participants`, `messages{...}` expand).
    #[serde(default = "default_conversation_fields")]
    pub fields: String,
    /// Facebook Login: the Page whose conversations to list; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for List {
    const ID: &'static str = "conversations.list";
    const SUMMARY: &'static str = "List conversations";
    const HTTP: &'static str = "GET /me/conversations?platform=instagram (Instagram) · GET /{page_id}/conversations?platform=instagram (Facebook, Page token)";
    const PAGINATED: bool = true;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 100,
    });
    const KNOWN_FIELDS: &'static [&'static str] = CONVERSATION_FIELDS;
    const LIMITS: &'static [&'static str] = &[
        "Conversations API: 2 calls per second per account",
        "conversations in the Requests folder inactive for 30 days are not returned",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let (node, credential) = messaging_target(ctx, self.page_id.as_deref())?;
        let user = match self
            .user_id
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(u) => Some(object_id("user_id", u)?),
            None => None,
        };
        let req = GraphRequest::get([node, "conversations".to_owned()])
            .with_credential(credential)
            .query("platform", "instagram")
            .query_opt("user_id", user)
            .query("fields", fields("fields", &self.fields)?);
        self.paging.apply::<Self>(req)
    }
}

/// List the messages of a conversation, newest first, in cursor pages (each with the
/// chosen fields). Only the 20 most recent messages can be read in detail.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct Messages {
    /// The conversation id (from conversations.list).
    pub conversation_id: String,
    /// Fields of each message, comma-separated in Graph syntax.
    #[serde(default = "default_message_fields")]
    pub fields: String,
    /// Facebook Login: the Page whose conversation it is; may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for Messages {
    const ID: &'static str = "conversations.messages";
    const SUMMARY: &'static str = "List a conversation's messages";
    const HTTP: &'static str = "GET /{conversation_id}?fields=messages{...}";
    const PAGINATED: bool = true;
    const PAGING_STYLE: PagingStyle = PagingStyle::Nested("/messages");
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 100,
    });
    const KNOWN_FIELDS: &'static [&'static str] = MESSAGE_FIELDS;
    const LIMITS: &'static [&'static str] = &[
        "Conversations API: 2 calls per second per account",
        "only the 20 most recent messages can be read in detail",
    ];

    fn build(&self, ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let id = object_id("conversation_id", &self.conversation_id)?;
        let credential = messaging_credential(ctx, self.page_id.as_deref())?;
        let inner = fields("fields", &self.fields)?;
        let max = Self::PAGE_SIZE.map_or(100, |p| p.max);
        let mut edge = "messages".to_owned();
        if let Some(n) = page_limit("limit", self.paging.limit, max)? {
            edge.push_str(&format!(".limit({n})"));
        }
        let after = cursor("after", self.paging.after.as_deref())?;
        let before = cursor("before", self.paging.before.as_deref())?;
        match (after, before) {
            (Some(_), Some(_)) => {
                return Err(ParamError::new(
                    "before",
                    "give either after or before, not both",
                ))
            }
            (Some(a), None) => edge.push_str(&format!(".after({a})")),
            (None, Some(b)) => edge.push_str(&format!(".before({b})")),
            (None, None) => {}
        }
        Ok(GraphRequest::get([id])
            .with_credential(credential)
            .query("fields", format!("{edge}{{{inner}}}")))
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::request_op;
    vec![request_op::<List>(), request_op::<Messages>()]
}
