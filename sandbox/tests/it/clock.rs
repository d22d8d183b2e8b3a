//! The virtual clock drives token expiry and story lifetime.

use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn a_short_lived_token_expires_after_61_minutes() {
    let sb = start();
    let (_, c) = admin(
        &sb,
        "oauth/code",
        json!({"login": "facebook", "redirect_uri": "https://x.test/cb"}),
    )
    .await;
    let (s, v) = get(&format!(
        "{}/{V}/oauth/access_token?client_id={}&client_secret={}&redirect_uri=https://x.test/cb&code={}",
        sb.url(),
        sb.app_id(),
        sb.app_secret(),
        c["code"].as_str().unwrap()
    ))
    .await;
    assert_eq!(s, 200, "{v}");
    let short = v["access_token"].as_str().unwrap().to_owned();
    assert_eq!(graph(&sb, &short, "/me").await.0, 200);

    let (_, t0) = get(&format!("{}/_sandbox/clock", sb.url())).await;
    let (s, t1) = admin(&sb, "clock", json!({"advance_seconds": 61 * 60})).await;
    assert_eq!(s, 200);
    assert!(t1["now"].as_i64().unwrap() - t0["now"].as_i64().unwrap() >= 61 * 60);
    let (s, e) = graph(&sb, &short, "/me").await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["error"]["code"], 190);
    assert_eq!(e["error"]["error_subcode"], 463);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Error validating access token: Session has expired"));
    // Long-lived tokens still work; Page tokens never expire.
    assert_eq!(graph(&sb, sb.facebook_access_token(), "/me").await.0, 200);
    admin(&sb, "clock", json!({"advance_seconds": 400 * 86_400})).await;
    assert_eq!(
        graph(&sb, sb.access_token(), "/me").await.1["error"]["error_subcode"],
        463
    );
    assert_eq!(graph(&sb, sb.page_access_token(), "/me").await.0, 200);
    // Reset puts the clock back.
    admin(&sb, "reset", json!({})).await;
    assert_eq!(graph(&sb, sb.access_token(), "/me").await.0, 200);
}

#[tokio::test]
async fn stories_expire_on_the_virtual_clock_and_bad_clock_input_is_refused() {
    let sb = start();
    let (_, st) = graph(&sb, sb.access_token(), "/me/stories").await;
    assert!(!st["data"].as_array().unwrap().is_empty());
    admin(&sb, "clock", json!({"advance_seconds": 25 * 3600})).await;
    let (_, st) = graph(&sb, sb.access_token(), "/me/stories").await;
    assert!(st["data"].as_array().unwrap().is_empty(), "{st}");
    for bad in [
        json!({"advance_seconds": "x"}),
        json!({"advance_seconds": i64::MAX}),
        json!({"now": -5}),
        json!({"now": 1, "advance_seconds": 1}),
    ] {
        assert_eq!(admin(&sb, "clock", bad.clone()).await.0, 400, "{bad}");
    }
    let r = client()
        .post(format!("{}/_sandbox/clock", sb.url()))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let (s, v) = admin(&sb, "clock", json!({"now": 1_900_000_000})).await;
    assert_eq!((s, v["now"].as_i64()), (200, Some(1_900_000_000)));
}
