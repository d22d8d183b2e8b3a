//! Login flavours: the token family decides which host's rules apply (graph-api.md §1.1, §1.2).

use crate::support::*;
use serde_json::Value;

#[tokio::test]
async fn me_differs_by_family_and_id_is_not_user_id() {
    let sb = start();
    assert!(sb.access_token().starts_with("IG") && sb.facebook_access_token().starts_with("EAA"));
    let (s, me) = graph(&sb, sb.access_token(), "/me?fields=id,user_id,username").await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["user_id"], sb.ig_user_id());
    assert_ne!(me["id"], me["user_id"], "Instagram Login: id is app-scoped");
    assert_eq!(me["id"], info(&sb, "ig_app_scoped_id"));
    // The professional account id is the one paths take.
    let (s, _) = graph(
        &sb,
        sb.access_token(),
        &format!("/{}/media", sb.ig_user_id()),
    )
    .await;
    assert_eq!(s, 200);

    let (s, fb) = graph(&sb, sb.facebook_access_token(), "/me").await;
    assert_eq!(s, 200, "{fb}");
    assert_eq!(fb["id"], info(&sb, "facebook_user_id"));
    assert!(
        fb["name"].is_string() && fb.get("username").is_none(),
        "{fb}"
    );
    // `user_id` is an Instagram Login field; graph.facebook.com has no such field.
    let (s, e) = graph(&sb, sb.facebook_access_token(), "/me?fields=user_id").await;
    assert_eq!((s, e["error"]["code"].as_i64()), (400, Some(100)));
}

#[tokio::test]
async fn instagram_tokens_on_facebook_only_calls_get_190() {
    let sb = start();
    let ig = sb.access_token().to_owned();
    for path in [
        "/me/accounts".to_owned(),
        format!("/{}", sb.page_id()),
        format!(
            "/{}?fields=business_discovery.username(nasa){{id}}",
            sb.ig_user_id()
        ),
        "/ig_hashtag_search?q=coffee".to_owned(),
        format!("/{}/tags", sb.ig_user_id()),
    ] {
        let (s, v) = graph(&sb, &ig, &path).await;
        assert_eq!(s, 400, "{path}: {v}");
        assert_eq!(v["error"]["code"], 190, "{path}: {v}");
        assert_eq!(
            v["error"]["message"],
            "Invalid OAuth access token - Cannot parse access token"
        );
    }
    // Facebook tokens on the Instagram token endpoints: graph.instagram.com cannot parse them.
    let (s, v) = get(&format!(
        "{}/refresh_access_token?grant_type=ig_refresh_token&access_token={}",
        sb.url(),
        sb.facebook_access_token()
    ))
    .await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(190)));
}

#[tokio::test]
async fn facebook_user_lists_pages_with_their_own_tokens_cursor_paged() {
    let sb = start();
    let fb = sb.facebook_access_token().to_owned();
    let (s, all) = graph(
        &sb,
        &fb,
        "/me/accounts?fields=id,name,access_token,instagram_business_account{id,username}",
    )
    .await;
    assert_eq!(s, 200, "{all}");
    let pages = all["data"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    let linked: Vec<&Value> = pages
        .iter()
        .filter(|p| p.get("instagram_business_account").is_some())
        .collect();
    assert_eq!(linked.len(), 1, "one Page without a linked account: {all}");
    assert_eq!(linked[0]["id"], sb.page_id());
    assert_eq!(
        linked[0]["instagram_business_account"]["id"],
        sb.ig_user_id()
    );
    let tokens: Vec<&str> = pages
        .iter()
        .map(|p| p["access_token"].as_str().unwrap())
        .collect();
    assert!(tokens.iter().all(|t| t.starts_with("EAA") && *t != fb));
    assert_ne!(tokens[0], tokens[1], "a different token per Page");
    assert_eq!(linked[0]["access_token"], sb.page_access_token());

    // Cursor paging: limit=1 gives a next link, the last page has none.
    let (_, p1) = graph(&sb, &fb, "/me/accounts?limit=1&fields=id").await;
    let next = p1["paging"]["next"].as_str().expect("next").to_owned();
    let (_, p2) = get(&next).await;
    assert_eq!(p2["data"].as_array().unwrap().len(), 1);
    assert!(p2["paging"].get("next").is_none(), "{p2}");
    assert_ne!(p1["data"][0]["id"], p2["data"][0]["id"]);

    // The Page node itself.
    let (s, p) = graph(
        &sb,
        &fb,
        &format!(
            "/{}?fields=access_token,instagram_business_account",
            sb.page_id()
        ),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["access_token"], sb.page_access_token());
    assert_eq!(p["instagram_business_account"]["id"], sb.ig_user_id());
}

#[tokio::test]
async fn page_tokens_make_page_scoped_calls_and_reach_the_linked_account() {
    let sb = start();
    let pt = sb.page_access_token().to_owned();
    let (s, me) = graph(&sb, &pt, "/me").await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["id"], sb.page_id());
    let (s, h, body) = get_raw(&url(
        &sb,
        &pt,
        &format!("/{}/media?fields=id", sb.ig_user_id()),
    ))
    .await;
    assert_eq!(s, 200, "{body}");
    let buc: Value =
        serde_json::from_str(h["x-business-use-case-usage"].to_str().unwrap()).unwrap();
    assert_eq!(buc[sb.page_id()][0]["type"], "pages", "{buc}");
    // Another Page's node is not this token's.
    let other = info(&sb, "unlinked_page_id");
    let (s, v) = graph(&sb, &pt, &format!("/{other}")).await;
    assert_eq!((s, v["error"]["error_subcode"].as_i64()), (400, Some(33)));
}

#[tokio::test]
async fn both_families_see_the_same_account_data() {
    let sb = start();
    let path = format!(
        "/{}/media?fields=id,caption,like_count,comments_count&limit=30",
        sb.ig_user_id()
    );
    let (s1, a) = graph(&sb, sb.access_token(), &path).await;
    let (s2, b) = graph(&sb, sb.facebook_access_token(), &path).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(a["data"], b["data"]);
    let (_, h, _) = get_raw(&url(&sb, sb.access_token(), "/me")).await;
    let buc: Value =
        serde_json::from_str(h["x-business-use-case-usage"].to_str().unwrap()).unwrap();
    assert_eq!(buc[sb.ig_user_id()][0]["type"], "instagram");
}
