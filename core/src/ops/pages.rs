//! Facebook Pages of the token's user: how Facebook Login finds its Instagram account id.

use super::params::{fields, Paging, ParamError};
use super::{OpContext, Operation, PageSize};
use crate::config::Login;
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Default fields of `pages.list` (no Page access tokens unless asked for).
pub const DEFAULT_PAGE_FIELDS: &str = "id,name,instagram_business_account{id,username}";

fn default_page_fields() -> String {
    DEFAULT_PAGE_FIELDS.to_owned()
}

/// List the Facebook Pages the user behind the token manages, each with its linked Instagram
/// professional account (`instagram_business_account`): the `ig_user_id` that Facebook Login
/// operations need. Pages without a linked account have no `instagram_business_account`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct List {
    /// Fields of each Page, comma-separated in Graph syntax. Add `access_token` only if you need Page tokens (they are secrets).
    #[serde(default = "default_page_fields")]
    pub fields: String,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for List {
    const ID: &'static str = "pages.list";
    const SUMMARY: &'static str = "List pages with their linked IG accounts";
    const HTTP: &'static str = "GET /me/accounts";
    const PAGINATED: bool = true;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 100,
    });
    const LOGINS: &'static [Login] = &[Login::Facebook];
    const KNOWN_FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "category",
        "tasks",
        "instagram_business_account",
        "connected_instagram_account",
        "access_token",
    ];
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login only (a Facebook User token)",
        "needs pages_show_list; Business Manager assets may also need business_management",
    ];

    fn build(&self, _ctx: &OpContext) -> Result<GraphRequest, ParamError> {
        let req =
            GraphRequest::get(["me", "accounts"]).query("fields", fields("fields", &self.fields)?);
        self.paging.apply::<Self>(req)
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::request_op;
    vec![request_op::<List>()]
}
