//! Token lifecycle endpoints (graph-api.md §1.11) and both error shapes.

use crate::support::*;
use instagram_graph_sandbox::Sandbox;
use serde_json::{json, Value};

const CB: &str = "https://example.com/callback";

async fn code(sb: &Sandbox, login: &str) -> String {
    let (s, v) = admin(
        sb,
        "oauth/code",
        json!({"login": login, "redirect_uri": CB}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["expires_in"], 3600);
    v["code"].as_str().unwrap().to_owned()
}

/// api.instagram.com code exchange: returns the short-lived token.
async fn ig_short_token(sb: &Sandbox) -> String {
    let c = code(sb, "instagram").await;
    let (s, v) = post_form(
        sb,
        "/oauth/access_token",
        &[
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", CB),
            ("code", &c),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    v["data"][0]["access_token"].as_str().unwrap().to_owned()
}

fn api_error(v: &Value) -> &str {
    assert_eq!(v["error_type"], "OAuthException", "{v}");
    assert_eq!(v["code"], 400, "{v}");
    assert!(v.get("error").is_none(), "not the Graph envelope: {v}");
    v["error_message"].as_str().unwrap()
}

#[tokio::test]
async fn instagram_code_exchange_and_its_error_shape() {
    let sb = start();
    let c = code(&sb, "instagram").await;
    let form = |code: &str, secret: &str, id: &str| {
        vec![
            ("client_id".to_owned(), id.to_owned()),
            ("client_secret".to_owned(), secret.to_owned()),
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("redirect_uri".to_owned(), CB.to_owned()),
            ("code".to_owned(), code.to_owned()),
        ]
    };
    let send = |f: Vec<(String, String)>| {
        let sb_url = sb.url().to_owned();
        async move {
            let r = client()
                .post(format!("{sb_url}/oauth/access_token"))
                .form(&f)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (s, v) = send(form(&c, "wrong", sb.app_id())).await;
    assert_eq!(s, 400);
    assert_eq!(api_error(&v), "Error validating client secret.");
    let (s, v) = send(form(&c, sb.app_secret(), "123")).await;
    assert_eq!(s, 400);
    assert_eq!(api_error(&v), "Invalid platform app");
    // A failed try does not spend the code; a success does.
    let (s, v) = send(form(&format!("{c}#_"), sb.app_secret(), sb.app_id())).await;
    assert_eq!(s, 200, "{v}");
    let d = &v["data"][0];
    assert!(d["access_token"].as_str().unwrap().starts_with("IGAA"));
    assert_eq!(d["user_id"], sb.ig_user_id());
    assert!(d["permissions"]
        .as_str()
        .unwrap()
        .contains("instagram_business_basic"));
    let (s, v) = send(form(&c, sb.app_secret(), sb.app_id())).await;
    assert_eq!(s, 400);
    assert_eq!(api_error(&v), "This authorization code has been used.");
    let (s, v) = post_form(&sb, "/oauth/access_token", &[("client_id", sb.app_id())]).await;
    assert_eq!(s, 400);
    assert!(api_error(&v).starts_with("You must provide a "));
    // A Facebook code is not an Instagram code.
    let fbc = code(&sb, "facebook").await;
    let (s, v) = send(form(&fbc, sb.app_secret(), sb.app_id())).await;
    assert_eq!(s, 400, "{v}");
    api_error(&v);
}

#[tokio::test]
async fn instagram_exchange_and_refresh_follow_the_rules() {
    let sb = start();
    let short = ig_short_token(&sb).await;
    let (s, me) = graph(&sb, &short, "/me?fields=user_id").await;
    assert_eq!((s, me["user_id"].as_str()), (200, Some(sb.ig_user_id())));
    for prefix in ["", "/v25.0"] {
        let (s, v) = get(&format!(
            "{}{prefix}/access_token?grant_type=ig_exchange_token&client_secret={}&access_token={short}",
            sb.url(),
            sb.app_secret()
        ))
        .await;
        assert_eq!(s, 200, "{prefix}: {v}");
        assert_eq!(v["token_type"], "bearer");
        assert_eq!(v["expires_in"], 5_183_944);
        assert!(v["access_token"].as_str().unwrap().starts_with("IGAA"));
    }
    let (s, v) = get(&format!(
        "{}/access_token?grant_type=ig_exchange_token&client_secret=nope&access_token={short}",
        sb.url()
    ))
    .await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(1)), "{v}");
    assert!(v["error"]["fbtrace_id"].is_string());

    let refresh = |t: String| {
        let u = format!(
            "{}/refresh_access_token?grant_type=ig_refresh_token&access_token={t}",
            sb.url()
        );
        async move { get(&u).await }
    };
    // The seeded token is long-lived but new: too young to refresh.
    let (s, v) = refresh(sb.access_token().to_owned()).await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(100)), "{v}");
    // A short-lived token can never be refreshed.
    let (s, _) = refresh(short.clone()).await;
    assert_eq!(s, 400);
    admin(&sb, "clock", json!({"advance_seconds": 25 * 3600})).await;
    let (s, v) = refresh(sb.access_token().to_owned()).await;
    assert_eq!(s, 200, "{v}");
    let fresh = v["access_token"].as_str().unwrap().to_owned();
    assert_ne!(fresh, sb.access_token());
    assert_eq!(graph(&sb, &fresh, "/me").await.0, 200);
    // After 60 days the old one has expired and cannot be refreshed.
    admin(&sb, "clock", json!({"advance_seconds": 60 * 86_400})).await;
    let (s, v) = refresh(sb.access_token().to_owned()).await;
    assert_eq!(s, 400);
    assert_eq!(
        (
            v["error"]["code"].as_i64(),
            v["error"]["error_subcode"].as_i64()
        ),
        (Some(190), Some(463))
    );
}

#[tokio::test]
async fn facebook_code_exchange_long_lived_tokens_and_debug_token() {
    let sb = start();
    let c = code(&sb, "facebook").await;
    let base = format!(
        "{}/{V}/oauth/access_token?client_id={}&redirect_uri={}&client_secret={}",
        sb.url(),
        sb.app_id(),
        CB,
        sb.app_secret()
    );
    let (s, v) = get(&format!("{base}&code={c}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["expires_in"], 3600);
    let short = v["access_token"].as_str().unwrap().to_owned();
    assert!(short.starts_with("EAA"));
    let (s, v) = get(&format!("{base}&code={c}")).await;
    assert_eq!(s, 400);
    assert_eq!(
        (
            v["error"]["code"].as_i64(),
            v["error"]["error_subcode"].as_i64()
        ),
        (Some(100), Some(36009))
    );
    let (s, v) = get(&format!(
        "{}/{V}/oauth/access_token?client_id=1&redirect_uri={CB}&client_secret=x&code=y",
        sb.url()
    ))
    .await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(101)));

    let (s, v) = get(&format!(
        "{}/{V}/oauth/access_token?grant_type=fb_exchange_token&client_id={}&client_secret={}&fb_exchange_token={short}",
        sb.url(),
        sb.app_id(),
        sb.app_secret()
    ))
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["expires_in"], 5_183_944);
    let long = v["access_token"].as_str().unwrap().to_owned();

    let debug = |t: &str, app: String| {
        let u = format!(
            "{}/{V}/debug_token?input_token={t}&access_token={app}",
            sb.url()
        );
        async move { get(&u).await }
    };
    let app = format!("{}|{}", sb.app_id(), sb.app_secret());
    let (s, d) = debug(&long, app.clone()).await;
    assert_eq!(s, 200, "{d}");
    let d = &d["data"];
    for k in [
        "app_id",
        "type",
        "application",
        "data_access_expires_at",
        "expires_at",
        "is_valid",
        "issued_at",
        "scopes",
        "granular_scopes",
        "user_id",
    ] {
        assert!(d.get(k).is_some(), "{k} missing: {d}");
    }
    assert_eq!(d["app_id"], sb.app_id());
    assert_eq!(d["type"], "USER");
    assert_eq!(d["is_valid"], true);
    assert_eq!(
        d["expires_at"].as_i64().unwrap() - d["issued_at"].as_i64().unwrap(),
        60 * 86_400
    );
    let (_, p) = debug(sb.page_access_token(), app.clone()).await;
    assert_eq!(p["data"]["type"], "PAGE");
    assert_eq!(p["data"]["expires_at"], 0, "Page tokens never expire");
    let (_, u) = debug("EAAnope", app.clone()).await;
    assert_eq!(u["data"]["is_valid"], false);
    let (s, e) = debug(&long, format!("{}|wrong", sb.app_id())).await;
    assert_eq!((s, e["error"]["code"].as_i64()), (400, Some(190)));
}

#[tokio::test]
async fn authorize_redirects_with_a_code_like_instagram() {
    let sb = start();
    let r = client()
        .get(format!(
            "{}/_sandbox/oauth/authorize?client_id={}&redirect_uri={CB}&response_type=code&state=xyz",
            sb.url(),
            sb.app_id()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(loc.starts_with(&format!("{CB}?code=")), "{loc}");
    assert!(loc.contains("state=xyz") && loc.ends_with("#_"), "{loc}");
    let code = loc
        .split("code=")
        .nth(1)
        .unwrap()
        .split(['&', '#'])
        .next()
        .unwrap();
    let (s, v) = post_form(
        &sb,
        "/oauth/access_token",
        &[
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", CB),
            ("code", code),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
}
