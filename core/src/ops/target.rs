//! Which account or Page an operation acts for, and with which token (shared by messaging, subscriptions and conversations).
//!
//! Instagram Login acts as the token's own account (`/me`, user token). Facebook Login acts
//! through the Page linked to the Instagram account, with that Page's token: the given
//! `page_id`, or the only Page with a linked Instagram account when none is given.

use super::params::{object_id, ParamError};
use super::OpContext;
use crate::config::Login;
use crate::error::{Error, Result};
use crate::flow::Executor;
use crate::request::Credential;
use serde_json::{json, Value};

/// The `page_id` param: a Page id with Facebook Login, refused with Instagram Login.
pub(crate) fn page_param(
    ctx: &OpContext,
    v: Option<&str>,
) -> std::result::Result<Option<String>, ParamError> {
    match (v.map(str::trim).filter(|s| !s.is_empty()), ctx.login) {
        (Some(_), Login::Instagram) => Err(ParamError::new(
            "page_id",
            "is a Facebook Login setting; Instagram Login acts as the token's own account (/me)",
        )),
        (Some(p), Login::Facebook) => object_id("page_id", p).map(Some),
        (None, _) => Ok(None),
    }
}

/// Where a messaging request goes and with which token, decided without any request:
/// Instagram Login → `me` with the user token; Facebook Login with `page_id` → that Page with
/// its Page token; Facebook Login without → `me` with the only linked Page's token
/// ([`Credential::LinkedPage`], resolved by the client when the request is sent).
pub(crate) fn messaging_target(
    ctx: &OpContext,
    page_id: Option<&str>,
) -> std::result::Result<(String, Credential), ParamError> {
    Ok(match (ctx.login, page_param(ctx, page_id)?) {
        (Login::Instagram, _) => ("me".to_owned(), Credential::User),
        (Login::Facebook, Some(page)) => (page.clone(), Credential::Page(page)),
        (Login::Facebook, None) => ("me".to_owned(), Credential::LinkedPage),
    })
}

/// The credential only (for reads of objects addressed by their own id: a message, a
/// conversation), chosen like [`messaging_target`].
pub(crate) fn messaging_credential(
    ctx: &OpContext,
    page_id: Option<&str>,
) -> std::result::Result<Credential, ParamError> {
    messaging_target(ctx, page_id).map(|(_, c)| c)
}

/// The request's target: `/me/...` with the user token (Instagram Login) or `/{page_id}/...`
/// with the Page's token (Facebook Login; the only Page with a linked Instagram account when
/// `page_id` is absent).
pub(crate) async fn account_target(
    ex: &Executor,
    op: &str,
    page_id: Option<String>,
) -> Result<(String, Credential)> {
    if ex.login() == Login::Instagram {
        return Ok(("me".to_owned(), Credential::User));
    }
    let page = match page_id {
        Some(p) => p,
        None => only_linked_page(ex, op).await?,
    };
    Ok((page.clone(), Credential::Page(page)))
}

/// The one Page of the user with a linked Instagram account; an error naming the choice
/// otherwise.
pub(crate) async fn only_linked_page(ex: &Executor, op: &str) -> Result<String> {
    let pages = ex
        .paginate(
            "pages.list",
            json!({"fields": "id,instagram_business_account{id}", "limit": 100}),
            Some(1000),
        )?
        .collect_all()
        .await?;
    let linked: Vec<String> = pages
        .iter()
        .filter(|p| p.get("instagram_business_account").is_some())
        .filter_map(|p| p.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    match linked.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::invalid_params(format!(
            "{op}: params.page_id: is required: the token manages no Page with a linked Instagram account"
        ))),
        many => Err(Error::invalid_params(format!(
            "{op}: params.page_id: is required: the token manages {} Pages with a linked Instagram account ({})",
            many.len(),
            many.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(login: Login) -> OpContext {
        OpContext { login }
    }

    #[test]
    fn targets_follow_the_login_flavour() {
        assert_eq!(
            messaging_target(&ctx(Login::Instagram), None).unwrap(),
            ("me".to_owned(), Credential::User)
        );
        assert_eq!(
            messaging_target(&ctx(Login::Facebook), Some("1234")).unwrap(),
            ("1234".to_owned(), Credential::Page("1234".into()))
        );
        assert_eq!(
            messaging_target(&ctx(Login::Facebook), Some("  ")).unwrap(),
            ("me".to_owned(), Credential::LinkedPage)
        );
        let e = messaging_target(&ctx(Login::Instagram), Some("1234")).unwrap_err();
        assert_eq!(e.path, "page_id");
        let e = messaging_target(&ctx(Login::Facebook), Some("me")).unwrap_err();
        assert_eq!(e.path, "page_id");
        let e = messaging_target(&ctx(Login::Facebook), Some("1/../2")).unwrap_err();
        assert_eq!(e.path, "page_id");
    }
}
