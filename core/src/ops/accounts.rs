//! Accounts the token can act for (`accounts.list`): one row shape on both login flavours.

use super::params::ParamError;
use super::{Flow, OpContext, OpSpec};
use crate::config::Login;
use crate::error::{Error, Result};
use crate::flow::Executor;
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Most Pages read from `/me/accounts` (a user managing more is not an n8n use case, and the
/// walk must end).
pub const MAX_PAGES: u64 = 1000;

/// List the Instagram professional accounts the token can act for, one row each:
/// `{ig_user_id, username, page_id, page_name}`. With Facebook Login these are the Pages the
/// user manages that have a linked Instagram account (Pages without one are left out); with
/// Instagram Login it is the token's own account (`page_id` and `page_name` are null).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct List {
    /// Also return each Page's access token as `page_access_token` (Facebook Login only). Page tokens are secrets: leave this off unless you need them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub include_page_tokens: Option<bool>,
}

/// One row from a `/me/accounts` Page, or `None` for a Page without a linked account.
pub fn row_from_page(page: &Value, with_token: bool) -> Option<Value> {
    let acc = page.get("instagram_business_account")?;
    let ig_user_id = id_text(acc.get("id"))?;
    let mut row = Map::new();
    row.insert("ig_user_id".into(), json!(ig_user_id));
    row.insert(
        "username".into(),
        acc.get("username").cloned().unwrap_or(Value::Null),
    );
    row.insert(
        "page_id".into(),
        id_text(page.get("id")).map_or(Value::Null, Value::String),
    );
    row.insert(
        "page_name".into(),
        page.get("name").cloned().unwrap_or(Value::Null),
    );
    if with_token {
        row.insert(
            "page_access_token".into(),
            page.get("access_token").cloned().unwrap_or(Value::Null),
        );
    }
    Some(Value::Object(row))
}

/// The row of an Instagram Login `/me?fields=user_id,username` answer.
pub fn row_from_me(me: &Value) -> Result<Value> {
    // `user_id` is the professional account id paths use; `id` is app-scoped there.
    let ig_user_id = id_text(me.get("user_id"))
        .or_else(|| id_text(me.get("id")))
        .ok_or_else(|| {
            Error::unexpected_response(200, "accounts.list: /me answered without user_id or id")
        })?;
    Ok(json!({
        "ig_user_id": ig_user_id,
        "username": me.get("username").cloned().unwrap_or(Value::Null),
        "page_id": null,
        "page_name": null,
    }))
}

fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Flow for List {
    const ID: &'static str = "accounts.list";
    const SUMMARY: &'static str = "List the accounts the token can act for";
    const HTTP: &'static str = "GET /me/accounts?fields=id,name,instagram_business_account{id,username} (Facebook) · GET /me?fields=user_id,username (Instagram)";
    const IDEMPOTENT: bool = true;
    const LIMITS: &'static [&'static str] = &[
        "Facebook Login: needs pages_show_list; Business Manager assets may also need business_management",
        "Facebook Login: Pages without a linked Instagram professional account are left out",
        "Page access tokens are secrets: returned only with include_page_tokens",
    ];

    fn validate(&self, ctx: &OpContext) -> std::result::Result<(), ParamError> {
        if ctx.login == Login::Instagram && self.include_page_tokens == Some(true) {
            return Err(ParamError::new(
                "include_page_tokens",
                "applies to Facebook Login only (Instagram Login has no Pages)",
            ));
        }
        Ok(())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        if ex.login() == Login::Instagram {
            let me = ex
                .send(GraphRequest::get(["me"]).query("fields", "user_id,username"))
                .await?;
            return Ok(json!({ "data": [row_from_me(&me)?] }));
        }
        let with_token = self.include_page_tokens == Some(true);
        let mut fields = "id,name,instagram_business_account{id,username}".to_owned();
        if with_token {
            fields.push_str(",access_token");
        }
        let mut pages = ex.paginate("pages.list", json!({ "fields": fields }), Some(MAX_PAGES))?;
        let mut rows = Vec::new();
        while let Some(page) = pages.next_page().await? {
            for p in &page.data {
                if with_token {
                    if let Some(t) = p.get("access_token").and_then(Value::as_str) {
                        // Scrubbed from every later error, like looked-up Page tokens.
                        ex.client().inner.transport.add_secret(t);
                    }
                }
                rows.extend(row_from_page(p, with_token));
            }
        }
        Ok(json!({ "data": rows }))
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    vec![super::flow_op::<List>()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_have_one_shape() {
        let page = json!({"id": "101", "name": "Shop", "access_token": "EAAP",
            "instagram_business_account": {"id": "17841400000000001", "username": "shop"}});
        let r = row_from_page(&page, false).unwrap();
        assert_eq!(
            r,
            json!({"ig_user_id": "17841400000000001", "username": "shop", "page_id": "101", "page_name": "Shop"})
        );
        assert!(row_from_page(&json!({"id": "102", "name": "No IG"}), false).is_none());
        let r = row_from_page(&page, true).unwrap();
        assert_eq!(r["page_access_token"], "EAAP");
        let me = row_from_me(
            &json!({"id": "app-scoped", "user_id": 17841400000000001u64, "username": "me"}),
        )
        .unwrap();
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&me), keys(&row_from_page(&page, false).unwrap()));
        assert_eq!(me["ig_user_id"], "17841400000000001");
    }
}
