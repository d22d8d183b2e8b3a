//! Requests of the auth operations, per login flavour, and their param checks.

use super::*;
use crate::ops::{prepare, OpContext};
use crate::request::{Body, Method, Place};

fn cfg() -> ClientConfig {
    let mut c = ClientConfig::new("CLIENT-TOKEN");
    c.app_id = Some("1234567890".into());
    c.app_secret = Some(Secret::new("APP-SECRET"));
    c
}

fn form(req: &GraphRequest) -> Vec<(String, String)> {
    match &req.body {
        Some(Body::Form(p)) => p.clone(),
        other => panic!("expected a form body, got {other:?}"),
    }
}

fn keys(pairs: &[(String, String)]) -> Vec<&str> {
    pairs.iter().map(|(k, _)| k.as_str()).collect()
}

const NOW: i64 = 1_800_000_000;

#[test]
fn debug_token_uses_the_app_token_and_a_secret_input_token() {
    let r = DebugToken { input_token: None }.request().unwrap();
    assert_eq!((r.method, r.host), (Method::Get, Host::Graph));
    assert_eq!(r.path, vec!["debug_token"]);
    assert_eq!(r.credential, Credential::App);
    assert!(r.query.is_empty(), "no token in the plain query");
    assert_eq!(
        r.secret("input_token"),
        Some((Place::Query, &SecretValue::AccessToken))
    );
    let r = DebugToken {
        input_token: Some(" EAAother ".into()),
    }
    .request()
    .unwrap();
    assert_eq!(
        r.secret("input_token"),
        Some((Place::Query, &SecretValue::Given(Secret::new("EAAother"))))
    );
    let e = DebugToken {
        input_token: Some("EAA with space".into()),
    }
    .request()
    .unwrap_err();
    assert_eq!(e.path, "input_token");
    assert!(!e.message.contains("EAA"), "never quotes the token");
}

#[test]
fn exchange_long_lived_per_flavour() {
    let op = ExchangeLongLived { access_token: None };
    let r = op.request(Login::Facebook, &cfg()).unwrap();
    assert_eq!((r.method, r.host), (Method::Get, Host::Graph));
    assert_eq!(r.path, vec!["oauth", "access_token"]);
    assert_eq!(r.credential, Credential::None);
    assert_eq!(r.query_value("grant_type"), Some("fb_exchange_token"));
    assert_eq!(r.query_value("client_id"), Some("1234567890"));
    assert_eq!(
        r.secret("client_secret"),
        Some((Place::Query, &SecretValue::AppSecret))
    );
    assert_eq!(
        r.secret("fb_exchange_token"),
        Some((Place::Query, &SecretValue::AccessToken))
    );

    let op = ExchangeLongLived {
        access_token: Some("IGshort".into()),
    };
    let r = op.request(Login::Instagram, &cfg()).unwrap();
    assert_eq!((r.method, r.host), (Method::Get, Host::GraphRoot));
    assert_eq!(r.path, vec!["access_token"]);
    assert_eq!(r.credential, Credential::Token(Secret::new("IGshort")));
    assert_eq!(r.query_value("grant_type"), Some("ig_exchange_token"));
    assert_eq!(
        r.secret("client_secret"),
        Some((Place::Query, &SecretValue::AppSecret))
    );
    let r = ExchangeLongLived { access_token: None }
        .request(Login::Instagram, &cfg())
        .unwrap();
    assert_eq!(r.credential, Credential::User);

    let mut no_secret = cfg();
    no_secret.app_secret = None;
    let e = ExchangeLongLived { access_token: None }
        .request(Login::Instagram, &no_secret)
        .unwrap_err();
    assert!(e.message.contains("app_secret"), "{}", e.message);
    let mut no_id = cfg();
    no_id.app_id = None;
    let e = ExchangeLongLived { access_token: None }
        .request(Login::Facebook, &no_id)
        .unwrap_err();
    assert!(e.message.contains("app_id"), "{}", e.message);
    assert!(
        ExchangeLongLived { access_token: None }
            .request(Login::Instagram, &no_id)
            .is_ok(),
        "Instagram's exchange takes no client_id"
    );
}

#[test]
fn refresh_request_and_the_24_hour_rule() {
    let r = Refresh {
        access_token: None,
        issued_at: None,
    }
    .request(NOW)
    .unwrap();
    assert_eq!((r.method, r.host), (Method::Get, Host::GraphRoot));
    assert_eq!(r.path, vec!["refresh_access_token"]);
    assert_eq!(r.credential, Credential::User);
    assert_eq!(r.query_value("grant_type"), Some("ig_refresh_token"));

    let young = Refresh {
        access_token: None,
        issued_at: Some(Timestamp(NOW - 3 * 3600)),
    };
    let e = young.request(NOW).unwrap_err();
    assert_eq!(e.path, "issued_at");
    assert!(e.message.contains("24 hours"), "{}", e.message);
    let old = Refresh {
        access_token: Some("IGlong".into()),
        issued_at: Some(Timestamp(NOW - 25 * 3600)),
    };
    let r = old.request(NOW).unwrap();
    assert_eq!(r.credential, Credential::Token(Secret::new("IGlong")));
    let future = Refresh {
        access_token: None,
        issued_at: Some(Timestamp(NOW + 86400)),
    };
    assert_eq!(future.request(NOW).unwrap_err().path, "issued_at");
}

fn authorize(params: Value, login: Login) -> Result<Value> {
    let op: AuthorizeUrl = serde_json::from_value(params).unwrap();
    op.build(login, "v27.0", "1234567890")
}

fn query_of(url: &str) -> (url::Url, Vec<(String, String)>) {
    let u = url::Url::parse(url).unwrap();
    let q = u
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (u, q)
}

#[test]
fn authorize_url_facebook() {
    let v = authorize(
        json!({"redirect_uri": "https://example.com/cb?x=1&y=2", "state": "s t&ate"}),
        Login::Facebook,
    )
    .unwrap();
    let (u, q) = query_of(v["url"].as_str().unwrap());
    assert_eq!(u.host_str(), Some("www.facebook.com"));
    assert_eq!(u.path(), "/v27.0/dialog/oauth");
    assert_eq!(
        keys(&q),
        vec![
            "client_id",
            "redirect_uri",
            "state",
            "scope",
            "response_type"
        ]
    );
    assert_eq!(q[0].1, "1234567890");
    assert_eq!(
        q[1].1, "https://example.com/cb?x=1&y=2",
        "round-trips encoded"
    );
    assert_eq!(q[2].1, "s t&ate");
    assert_eq!(q[3].1, FACEBOOK_DEFAULT_SCOPES.join(","));
    assert_eq!(q[4].1, "code");
    assert_eq!(v["state"], "s t&ate");
    assert!(!v["url"].as_str().unwrap().contains("cb?x=1&y"), "encoded");

    let v = authorize(
        json!({"redirect_uri": "https://example.com/cb", "config_id": "987654"}),
        Login::Facebook,
    )
    .unwrap();
    let (_, q) = query_of(v["url"].as_str().unwrap());
    assert!(keys(&q).contains(&"config_id") && !keys(&q).contains(&"scope"));

    let e = authorize(
        json!({"redirect_uri": "https://example.com/cb", "config_id": "1", "scope": ["email"]}),
        Login::Facebook,
    )
    .unwrap_err();
    assert!(e.message.contains("params.scope"), "{}", e.message);
    let e = authorize(
        json!({"redirect_uri": "https://example.com/cb", "force_reauth": true}),
        Login::Facebook,
    )
    .unwrap_err();
    assert!(e.message.contains("params.force_reauth"), "{}", e.message);
}

#[test]
fn authorize_url_instagram() {
    let v = authorize(
        json!({"redirect_uri": "https://example.com/cb", "force_reauth": true,
               "scope": ["instagram_business_basic, instagram_business_content_publish", "instagram_business_basic"]}),
        Login::Instagram,
    )
    .unwrap();
    let (u, q) = query_of(v["url"].as_str().unwrap());
    assert_eq!(u.host_str(), Some("www.instagram.com"));
    assert_eq!(u.path(), "/oauth/authorize");
    assert_eq!(
        keys(&q),
        vec![
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "state",
            "force_reauth"
        ]
    );
    assert_eq!(
        q[3].1,
        "instagram_business_basic,instagram_business_content_publish"
    );
    assert_eq!(q[5].1, "true");
    let state = v["state"].as_str().unwrap();
    assert_eq!(state.len(), 43, "32 random bytes, base64url");
    assert!(state
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(q[4].1, state);
    let again = authorize(
        json!({"redirect_uri": "https://example.com/cb"}),
        Login::Instagram,
    )
    .unwrap();
    assert_ne!(again["state"], v["state"], "fresh state each time");
    let (_, q) = query_of(again["url"].as_str().unwrap());
    assert_eq!(q[3].1, INSTAGRAM_DEFAULT_SCOPES.join(","));
    assert!(INSTAGRAM_DEFAULT_SCOPES
        .iter()
        .all(|s| s.starts_with("instagram_business_")));

    let e = authorize(
        json!({"redirect_uri": "https://example.com/cb", "scope": ["business_basic"]}),
        Login::Instagram,
    )
    .unwrap_err();
    assert!(
        e.message.contains("params.scope") && e.message.contains("instagram_business_basic"),
        "{}",
        e.message
    );
    let e = authorize(
        json!({"redirect_uri": "https://example.com/cb", "config_id": "1"}),
        Login::Instagram,
    )
    .unwrap_err();
    assert!(e.message.contains("params.config_id"), "{}", e.message);
}

#[test]
fn redirect_uris_must_be_https_or_localhost() {
    for ok in [
        "https://example.com/cb",
        "http://localhost:5678/rest/oauth2-credential/callback",
        "http://127.0.0.1/cb",
        "http://[::1]:8080/cb",
    ] {
        assert!(redirect_uri("redirect_uri", ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://example.com/cb",
        "example.com/cb",
        "/cb",
        "ftp://example.com/cb",
        "https://example.com/cb#frag",
        "javascript:alert(1)",
        "",
    ] {
        let e = redirect_uri("redirect_uri", bad).unwrap_err();
        assert_eq!(e.path, "redirect_uri", "{bad}");
    }
    // Meta matches byte for byte: kept as given, not normalized to a trailing slash.
    assert_eq!(
        redirect_uri("r", "https://example.com").unwrap(),
        "https://example.com"
    );
}

#[test]
fn exchange_code_per_flavour() {
    let op = ExchangeCode {
        code: "AQBx-code#_".into(),
        redirect_uri: "https://example.com/cb".into(),
    };
    let r = op.request(Login::Instagram, &cfg()).unwrap();
    assert_eq!((r.method, r.host), (Method::Post, Host::InstagramOAuth));
    assert_eq!(r.path, vec!["oauth", "access_token"]);
    assert_eq!(r.credential, Credential::None);
    assert!(r.query.is_empty());
    let f = form(&r);
    assert_eq!(keys(&f), vec!["client_id", "grant_type", "redirect_uri"]);
    assert_eq!(f[1].1, "authorization_code");
    assert_eq!(f[2].1, "https://example.com/cb");
    assert_eq!(
        r.secret("client_secret"),
        Some((Place::Form, &SecretValue::AppSecret))
    );
    assert_eq!(
        r.secret("code"),
        Some((Place::Form, &SecretValue::Given(Secret::new("AQBx-code")))),
        "trailing #_ stripped"
    );

    let r = op.request(Login::Facebook, &cfg()).unwrap();
    assert_eq!((r.method, r.host), (Method::Get, Host::Graph));
    assert_eq!(r.path, vec!["oauth", "access_token"]);
    assert_eq!(r.credential, Credential::None);
    assert_eq!(keys(&r.query), vec!["client_id", "redirect_uri"]);
    assert_eq!(
        r.secret("client_secret"),
        Some((Place::Query, &SecretValue::AppSecret))
    );
    assert_eq!(
        r.secret("code"),
        Some((Place::Query, &SecretValue::Given(Secret::new("AQBx-code"))))
    );

    let bad = ExchangeCode {
        code: "#_".into(),
        redirect_uri: "https://example.com/cb".into(),
    };
    let e = bad.request(Login::Instagram, &cfg()).unwrap_err();
    assert!(e.message.contains("params.code"), "{}", e.message);
}

#[test]
fn page_token_request() {
    let r = PageToken {
        page_id: "134895793791914".into(),
    }
    .request()
    .unwrap();
    assert_eq!((r.method, r.host), (Method::Get, Host::Graph));
    assert_eq!(r.path, vec!["134895793791914"]);
    assert_eq!(r.credential, Credential::User);
    assert_eq!(
        r.query_value("fields"),
        Some("access_token,name,instagram_business_account")
    );
    assert!(PageToken {
        page_id: "me".into()
    }
    .request()
    .is_err());
    assert!(PageToken {
        page_id: "1/../me".into()
    }
    .request()
    .is_err());
}

#[test]
fn registry_declares_flavours_and_idempotency() {
    use crate::ops::find;
    let want = [
        ("auth.debug_token", &[Login::Facebook][..], true),
        (
            "auth.exchange_long_lived",
            &[Login::Facebook, Login::Instagram][..],
            true,
        ),
        ("auth.refresh", &[Login::Instagram][..], true),
        (
            "auth.authorize_url",
            &[Login::Facebook, Login::Instagram][..],
            true,
        ),
        (
            "auth.exchange_code",
            &[Login::Facebook, Login::Instagram][..],
            false,
        ),
        ("auth.page_token", &[Login::Facebook][..], true),
    ];
    for (id, logins, idempotent) in want {
        let s = find(id).unwrap_or_else(|| panic!("{id} registered"));
        assert_eq!(s.logins, logins, "{id}");
        assert_eq!(s.idempotent, idempotent, "{id}");
        assert_eq!(s.kind, crate::ops::OpKind::Flow, "{id}");
        assert!(!s.limits.is_empty(), "{id}: limits");
    }
    // The other flavour fails with `unsupported` before anything is built.
    let ctx = OpContext {
        login: Login::Facebook,
    };
    let e = prepare("auth.refresh", json!({}), &ctx).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    let ctx = OpContext {
        login: Login::Instagram,
    };
    for id in ["auth.debug_token", "auth.page_token"] {
        let e = prepare(id, json!({"page_id": "1"}), &ctx).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported, "{id}");
    }
    let e = prepare(
        "auth.exchange_code",
        json!({"redirect_uri": "https://example.com/cb"}),
        &ctx,
    )
    .unwrap_err();
    assert!(
        e.message
            .starts_with("auth.exchange_code: params.code: is required"),
        "{}",
        e.message
    );
    let e = prepare(
        "auth.authorize_url",
        json!({"redirect_uri": "http://example.com/cb"}),
        &ctx,
    )
    .unwrap_err();
    assert!(
        e.message
            .starts_with("auth.authorize_url: params.redirect_uri:"),
        "{}",
        e.message
    );
}

#[test]
fn normalizers_reject_answers_without_a_token_and_never_quote_them() {
    let e = normalize_token("auth.refresh", &json!({"token": "IGAAsecret"}), NOW).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnexpectedResponse);
    assert!(!e.message.contains("IGAAsecret"));
    let e = normalize_code_exchange("auth.exchange_code", &json!({"data": []}), NOW).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnexpectedResponse);
    let e = normalize_debug("auth.debug_token", &json!({"data": [1]}), NOW).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnexpectedResponse);
    let e = normalize_page("auth.page_token", "1", &json!({"id": "1"})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Permission);
    // expires_in as a string, and a debug token that expired yesterday.
    let v = normalize_token("t", &json!({"access_token": "x", "expires_in": "60"}), NOW).unwrap();
    assert_eq!(v["expires_at"], NOW + 60);
    let v = normalize_debug("t", &json!({"data": {"expires_at": NOW - 3600}}), NOW).unwrap();
    assert_eq!(v["expires_in_days"], -1);
    assert_eq!(v["expiring_soon"], true);
}
