//! The token lifecycle operations against the scripted fake: the exact requests sent, the
//! normalized answers (fixtures/auth), secrets kept out of errors, and client-side refresh.

use crate::fake::{client, Fake};
use crate::fixtures::fixtures_dir;
use instagram_graph::ops::auth;
use instagram_graph::transport::appsecret_proof;
use instagram_graph::{Client, ClientConfig, ErrorKind, OnTokenRefresh, TokenInfo};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const TOKEN: &str = "TOKEN-abc123";
const SECRET: &str = "APPSECRET-xyz";
const APP_ID: &str = "1234567890";

fn fixture(name: &str) -> Value {
    let path = fixtures_dir().join("auth").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn fb(url: &str) -> Client {
    client(url, json!({"login": "facebook", "app_id": APP_ID}))
}

fn ig(url: &str) -> Client {
    client(url, json!({"login": "instagram", "app_id": APP_ID}))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn fixtures_normalize_as_documented() {
    let mut n = 0;
    for entry in std::fs::read_dir(fixtures_dir().join("auth")).unwrap() {
        let path = entry.unwrap().path();
        let f: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(f["_source"].as_str().is_some_and(|s| s.contains("Meta")));
        let (op, now, resp) = (
            f["op"].as_str().unwrap(),
            f["now"].as_i64().unwrap(),
            &f["response"],
        );
        let got = match op {
            "auth.debug_token" => auth::normalize_debug(op, resp, now),
            "auth.exchange_long_lived" | "auth.refresh" => auth::normalize_token(op, resp, now),
            "auth.exchange_code" => auth::normalize_code_exchange(op, resp, now),
            "auth.page_token" => {
                auth::normalize_page(op, f["params"]["page_id"].as_str().unwrap(), resp)
            }
            other => panic!("{}: unknown op {other}", path.display()),
        }
        .unwrap();
        assert_eq!(got, f["expected"], "{}", path.display());
        n += 1;
    }
    assert!(n >= 9, "expected the auth fixtures, found {n}");
}

#[tokio::test]
async fn debug_token_signs_with_the_app_token_and_inspects_the_clients_token() {
    let fake = Fake::start().await;
    fake.push(200, fixture("debug_token_user.json")["response"].clone());
    let v = fb(&fake.url)
        .call("auth.debug_token", json!({}))
        .await
        .unwrap();
    assert_eq!(v["app_id"], "138483919580948");
    assert_eq!(v["expires_at_iso"], "2012-11-09T00:02:08Z");
    assert_eq!(v["expiring_soon"], true, "expired long ago");
    let s = &fake.seen()[0];
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("GET", "/v27.0/debug_token")
    );
    assert_eq!(s.q("input_token"), Some(TOKEN));
    assert_eq!(
        s.q("access_token"),
        Some(format!("{APP_ID}|{SECRET}").as_str())
    );
    assert_eq!(
        s.q("appsecret_proof"),
        None,
        "the app token carries no proof"
    );
}

#[tokio::test]
async fn exchange_long_lived_facebook_sends_fb_exchange_token() {
    let fake = Fake::start().await;
    fake.push(200, fixture("fb_long_lived.json")["response"].clone());
    let before = now();
    let v = fb(&fake.url)
        .call(
            "auth.exchange_long_lived",
            json!({"access_token": "EAAshort"}),
        )
        .await
        .unwrap();
    assert_eq!(v["access_token"], "EAABlonglivedusertoken");
    let at = v["expires_at"].as_i64().unwrap();
    assert!((before + 5183944..=now() + 5183944).contains(&at), "{at}");
    let s = &fake.seen()[0];
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("GET", "/v27.0/oauth/access_token")
    );
    let mut keys: Vec<&str> = s.query.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "client_id",
            "client_secret",
            "fb_exchange_token",
            "grant_type"
        ]
    );
    assert_eq!(s.q("grant_type"), Some("fb_exchange_token"));
    assert_eq!(s.q("client_id"), Some(APP_ID));
    assert_eq!(s.q("client_secret"), Some(SECRET));
    assert_eq!(s.q("fb_exchange_token"), Some("EAAshort"));
}

#[tokio::test]
async fn exchange_long_lived_instagram_is_versionless_with_the_short_token() {
    let fake = Fake::start().await;
    fake.push(200, fixture("ig_long_lived.json")["response"].clone());
    let v = ig(&fake.url)
        .call(
            "auth.exchange_long_lived",
            json!({"access_token": "IGshort"}),
        )
        .await
        .unwrap();
    assert_eq!(v["access_token"], "IGAAlonglivedtoken");
    assert_eq!(v["token_type"], "bearer");
    let s = &fake.seen()[0];
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("GET", "/access_token")
    );
    assert_eq!(s.q("grant_type"), Some("ig_exchange_token"));
    assert_eq!(s.q("client_secret"), Some(SECRET));
    assert_eq!(s.q("access_token"), Some("IGshort"));
    assert_eq!(
        s.q("appsecret_proof"),
        Some(appsecret_proof("IGshort", SECRET).as_str())
    );
}

#[tokio::test]
async fn refresh_sends_the_clients_token_to_refresh_access_token() {
    let fake = Fake::start().await;
    fake.push(200, fixture("ig_refresh.json")["response"].clone());
    let v = ig(&fake.url).call("auth.refresh", json!({})).await.unwrap();
    assert_eq!(v["access_token"], "IGAArefreshedtoken");
    let s = &fake.seen()[0];
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("GET", "/refresh_access_token")
    );
    assert_eq!(s.q("grant_type"), Some("ig_refresh_token"));
    assert_eq!(s.q("access_token"), Some(TOKEN));

    let e = ig(&fake.url)
        .call("auth.refresh", json!({"issued_at": now() - 3600}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert!(
        e.message.starts_with("auth.refresh: params.issued_at:"),
        "{}",
        e.message
    );
    assert_eq!(fake.seen().len(), 1, "refused before any request");
}

#[tokio::test]
async fn exchange_code_instagram_posts_the_form_once() {
    let fake = Fake::start().await;
    fake.push(
        200,
        fixture("ig_exchange_code_data.json")["response"].clone(),
    );
    let v = ig(&fake.url)
        .call(
            "auth.exchange_code",
            json!({"code": "AQDcode123#_", "redirect_uri": "https://example.com/auth/"}),
        )
        .await
        .unwrap();
    assert_eq!(v["user_id"], "17841405822304914");
    assert_eq!(v["permissions"][0], "instagram_business_basic");
    let s = &fake.seen()[0];
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("POST", "/oauth/access_token")
    );
    assert!(s.query.is_empty(), "nothing in the query: {:?}", s.query);
    assert_eq!(
        s.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let mut form = s.form();
    form.sort();
    let want: Vec<(String, String)> = [
        ("client_id", APP_ID),
        ("client_secret", SECRET),
        ("code", "AQDcode123"),
        ("grant_type", "authorization_code"),
        ("redirect_uri", "https://example.com/auth/"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(form, want);

    // A code works once: an ambiguous failure is not resent.
    let fake = Fake::start().await;
    fake.push(503, json!(null));
    fake.push(
        200,
        fixture("ig_exchange_code_flat.json")["response"].clone(),
    );
    let e = ig(&fake.url)
        .call(
            "auth.exchange_code",
            json!({"code": "AQDcode123", "redirect_uri": "https://example.com/auth/"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transient);
    assert_eq!(fake.seen().len(), 1, "not retried");
}

#[tokio::test]
async fn exchange_code_facebook_is_a_get_with_the_code() {
    let fake = Fake::start().await;
    fake.push(200, fixture("fb_exchange_code.json")["response"].clone());
    let v = fb(&fake.url)
        .call(
            "auth.exchange_code",
            json!({"code": "AQBfb", "redirect_uri": "https://example.com/cb"}),
        )
        .await
        .unwrap();
    assert_eq!(v["access_token"], "EAABshortlivedusertoken");
    assert_eq!(v["user_id"], Value::Null);
    let s = &fake.seen()[0];
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("GET", "/v27.0/oauth/access_token")
    );
    assert_eq!(s.q("client_id"), Some(APP_ID));
    assert_eq!(s.q("redirect_uri"), Some("https://example.com/cb"));
    assert_eq!(s.q("client_secret"), Some(SECRET));
    assert_eq!(s.q("code"), Some("AQBfb"));
    assert_eq!(s.q("access_token"), None);
}

#[tokio::test]
async fn page_token_reads_the_page_and_is_scrubbed_afterwards() {
    let fake = Fake::start().await;
    let f = fixture("page_token.json");
    fake.push(200, f["response"].clone());
    fake.push(
        400,
        json!({"error": {"message": "bad token EAAIpagetoken", "code": 190}}),
    );
    let c = fb(&fake.url);
    let v = c
        .call("auth.page_token", f["params"].clone())
        .await
        .unwrap();
    assert_eq!(v, f["expected"]);
    let s = &fake.seen()[0];
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("GET", "/v27.0/134895793791914")
    );
    assert_eq!(
        s.q("fields"),
        Some("access_token,name,instagram_business_account")
    );
    assert_eq!(s.q("access_token"), Some(TOKEN));
    let e = c
        .call("user.get", json!({"ig_user_id": "1"}))
        .await
        .unwrap_err();
    assert!(!format!("{e} {e:?}").contains("EAAIpagetoken"), "{e}");
}

#[tokio::test]
async fn authorize_url_sends_nothing() {
    let fake = Fake::start().await;
    let v = ig(&fake.url)
        .call(
            "auth.authorize_url",
            json!({"redirect_uri": "https://example.com/cb"}),
        )
        .await
        .unwrap();
    let url = v["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://www.instagram.com/oauth/authorize?client_id=1234567890&"),
        "{url}"
    );
    assert!(url.contains(&format!("state={}", v["state"].as_str().unwrap())));
    assert!(fake.seen().is_empty());
}

#[tokio::test]
async fn missing_app_config_fails_before_any_request() {
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({"login": "facebook"}));
    for (op, params) in [
        ("auth.debug_token", json!({})),
        ("auth.exchange_long_lived", json!({})),
        (
            "auth.exchange_code",
            json!({"code": "c0de", "redirect_uri": "https://e.com/cb"}),
        ),
        (
            "auth.authorize_url",
            json!({"redirect_uri": "https://e.com/cb"}),
        ),
    ] {
        let e = c.call(op, params).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams, "{op}");
        assert!(e.message.contains("app_id"), "{op}: {}", e.message);
    }
    let c = Client::from_json(
        &json!({"access_token": TOKEN, "base_url": fake.url, "login": "instagram"}),
    )
    .unwrap();
    let e = c
        .call("auth.exchange_long_lived", json!({}))
        .await
        .unwrap_err();
    assert!(e.message.contains("app_secret"), "{}", e.message);
    assert!(fake.seen().is_empty());
}

/// Every secret an auth call carries, echoed back by a hostile or chatty server in every
/// field of both error shapes, must come out `[redacted]`.
#[tokio::test]
async fn tokens_secrets_and_codes_never_appear_in_errors() {
    let secrets = [TOKEN, SECRET, "SHORT-tok-999", "CODE-single-use-42"];
    let echo = secrets.join(" ");
    let graph_error = json!({"error": {"message": format!("bad: {echo}"), "code": 190,
        "error_user_msg": echo, "error_data": {"url": format!("x?{echo}")}}});
    let ig_error = json!({"error_type": "OAuthException", "code": 400, "error_message": format!("Invalid code {echo}")});
    let cases = [
        (
            "facebook",
            "auth.debug_token",
            json!({"input_token": "SHORT-tok-999"}),
        ),
        (
            "facebook",
            "auth.exchange_long_lived",
            json!({"access_token": "SHORT-tok-999"}),
        ),
        (
            "instagram",
            "auth.exchange_long_lived",
            json!({"access_token": "SHORT-tok-999"}),
        ),
        (
            "instagram",
            "auth.refresh",
            json!({"access_token": "SHORT-tok-999"}),
        ),
        (
            "facebook",
            "auth.exchange_code",
            json!({"code": "CODE-single-use-42", "redirect_uri": "https://e.com/cb"}),
        ),
        (
            "instagram",
            "auth.exchange_code",
            json!({"code": "CODE-single-use-42", "redirect_uri": "https://e.com/cb"}),
        ),
        (
            "facebook",
            "auth.page_token",
            json!({"page_id": "134895793791914"}),
        ),
    ];
    for (login, op, params) in cases {
        for body in [&graph_error, &ig_error] {
            let fake = Fake::start().await;
            fake.push(400, body.clone());
            let c = client(&fake.url, json!({"login": login, "app_id": APP_ID}));
            let e = c.call(op, params.clone()).await.unwrap_err();
            let all = format!("{e} {e:?} {}", e.to_json());
            assert!(all.contains("[redacted]"), "{op}: {all}");
            // The token under inspection / exchange is only scrubbed where the call carried it.
            let carried = params.to_string();
            for s in secrets {
                if s == TOKEN || s == SECRET || carried.contains(s) {
                    assert!(!all.contains(s), "{login} {op} leaks {s}: {all}");
                }
            }
            assert!(
                !all.contains(&format!("{APP_ID}|")),
                "{op}: app token in {all}"
            );
        }
    }
}

#[tokio::test]
async fn param_errors_never_quote_tokens() {
    let fake = Fake::start().await;
    let e = fb(&fake.url)
        .call(
            "auth.debug_token",
            json!({"input_token": "EAA secret-part"}),
        )
        .await
        .unwrap_err();
    assert!(
        e.message
            .starts_with("auth.debug_token: params.input_token:"),
        "{}",
        e.message
    );
    assert!(!e.message.contains("secret-part"), "{}", e.message);
    assert!(fake.seen().is_empty());
}

fn refreshing_client(
    url: &str,
    expires_at: i64,
    calls: Arc<AtomicUsize>,
    got: Arc<Mutex<Vec<String>>>,
) -> Client {
    let mut cfg = ClientConfig::from_json(&json!({
        "access_token": TOKEN, "base_url": url, "app_secret": SECRET,
        "login": "instagram", "token_expires_at": expires_at,
    }))
    .unwrap();
    cfg.on_token_refresh = Some(OnTokenRefresh::new(move |t: &TokenInfo| {
        calls.fetch_add(1, Ordering::SeqCst);
        got.lock().unwrap().push(t.access_token.expose().to_owned());
    }));
    Client::new(cfg).unwrap()
}

#[tokio::test]
async fn refresh_ahead_of_expiry_swaps_the_token_and_calls_back_once() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"access_token": "NEW-token-777", "token_type": "bearer", "expires_in": 5183944}),
    );
    fake.push(200, json!({"id": "1", "username": "x"}));
    fake.push(400, json!({"error": {"message": "old TOKEN-abc123 and proof ".to_owned() + &appsecret_proof(TOKEN, SECRET), "code": 190}}));
    let calls = Arc::new(AtomicUsize::new(0));
    let got = Arc::new(Mutex::new(Vec::new()));
    let c = refreshing_client(
        &fake.url,
        now() + 2 * 86400 + 600,
        calls.clone(),
        got.clone(),
    );
    let w = c.token_warning().expect("expires within 7 days");
    assert!(w.starts_with("access token expires in 2 days ("), "{w}");

    let ahead = instagram_graph::token::DEFAULT_REFRESH_AHEAD;
    let info = c
        .refresh_token_if_needed(ahead)
        .await
        .unwrap()
        .expect("refreshed");
    assert_eq!(info.access_token.expose(), "NEW-token-777");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(*got.lock().unwrap(), vec!["NEW-token-777".to_owned()]);
    assert_eq!(c.access_token().expose(), "NEW-token-777");
    assert!(c.token_expires_at().unwrap() > now() + 59 * 86400);
    assert_eq!(c.token_warning(), None);
    let s = &fake.seen()[0];
    assert_eq!(
        (s.path.as_str(), s.q("access_token")),
        ("/refresh_access_token", Some(TOKEN))
    );

    // Not due any more: no request, no callback.
    assert!(c.refresh_token_if_needed(ahead).await.unwrap().is_none());
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Later calls carry the new token with a proof in step; the old one stays scrubbed.
    c.call("user.get", json!({})).await.unwrap();
    let s = &fake.seen()[1];
    assert_eq!(s.q("access_token"), Some("NEW-token-777"));
    assert_eq!(
        s.q("appsecret_proof"),
        Some(appsecret_proof("NEW-token-777", SECRET).as_str())
    );
    let e = c.call("user.get", json!({})).await.unwrap_err();
    let all = format!("{e} {e:?}");
    assert!(
        !all.contains(TOKEN) && !all.contains(&appsecret_proof(TOKEN, SECRET)),
        "{all}"
    );
    assert_eq!(fake.seen().len(), 3);
}

#[tokio::test]
async fn concurrent_refreshes_send_one_request() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"access_token": "NEW-token-777", "expires_in": 5183944}),
    );
    let calls = Arc::new(AtomicUsize::new(0));
    let c = refreshing_client(&fake.url, now() + 86400 * 3, calls.clone(), Arc::default());
    let ahead = instagram_graph::token::DEFAULT_REFRESH_AHEAD;
    let (a, b) = tokio::join!(
        c.refresh_token_if_needed(ahead),
        c.refresh_token_if_needed(ahead)
    );
    assert_eq!(
        [a.unwrap().is_some(), b.unwrap().is_some()]
            .iter()
            .filter(|x| **x)
            .count(),
        1
    );
    assert_eq!(fake.seen().len(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn refresh_if_needed_skips_what_cannot_or_need_not_refresh() {
    let fake = Fake::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let ahead = instagram_graph::token::DEFAULT_REFRESH_AHEAD;
    let far = refreshing_client(&fake.url, now() + 30 * 86400, calls.clone(), Arc::default());
    assert!(far.refresh_token_if_needed(ahead).await.unwrap().is_none());
    let unknown = ig(&fake.url);
    assert!(unknown
        .refresh_token_if_needed(ahead)
        .await
        .unwrap()
        .is_none());
    let facebook = Client::from_json(&json!({"access_token": TOKEN, "base_url": fake.url,
        "login": "facebook", "token_expires_at": now() + 3600}))
    .unwrap();
    assert!(facebook
        .refresh_token_if_needed(ahead)
        .await
        .unwrap()
        .is_none());
    assert!(facebook
        .token_warning()
        .unwrap()
        .contains("less than a day"));
    let expired = refreshing_client(&fake.url, now() - 60, calls.clone(), Arc::default());
    let e = expired.refresh_token_if_needed(ahead).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(fake.seen().is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
