//! Transport behaviour against the scripted fake: credentials, retries, redaction.

use crate::fake::{client, Fake};
use instagram_graph::ErrorKind;
use serde_json::json;

#[tokio::test]
async fn sends_token_and_appsecret_proof_and_version_path() {
    let fake = Fake::start().await;
    fake.push(200, json!({"id": "1784", "username": "x"}));
    let c = client(&fake.url, json!({}));
    let v = c
        .call("user.get", json!({"fields": "id,username"}))
        .await
        .unwrap();
    assert_eq!(v["username"], "x");
    let seen = fake.seen();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("GET", "/v27.0/me")
    );
    assert_eq!(seen[0].q("access_token"), Some("TOKEN-abc123"));
    // python: hmac.new(b"APPSECRET-xyz", b"TOKEN-abc123", hashlib.sha256).hexdigest()
    assert_eq!(
        seen[0].q("appsecret_proof"),
        Some(instagram_graph::transport::appsecret_proof("TOKEN-abc123", "APPSECRET-xyz").as_str())
    );
    assert_eq!(seen[0].q("fields"), Some("id,username"));
}

#[tokio::test]
async fn retries_transient_reads_then_succeeds() {
    let fake = Fake::start().await;
    fake.push(503, json!(null)).push(
        400,
        json!({"error": {"message": "tmp", "code": 2, "is_transient": true}}),
    );
    fake.push(200, json!({"id": "m1"}));
    let c = client(&fake.url, json!({}));
    let v = c
        .call("media.get", json!({"media_id": "m1", "fields": "id"}))
        .await
        .unwrap();
    assert_eq!(v["id"], "m1");
    assert_eq!(fake.seen().len(), 3);
}

#[tokio::test]
async fn does_not_retry_permanent_errors_and_never_leaks_secrets() {
    let fake = Fake::start().await;
    fake.push(400, json!({"error": {"message": "Invalid OAuth access token TOKEN-abc123", "type": "OAuthException", "code": 190, "fbtrace_id": "T1"}}));
    let c = client(&fake.url, json!({}));
    let e = c.call("user.get", json!({})).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.code, Some(190));
    assert_eq!(fake.seen().len(), 1, "auth errors are not retried");
    let all = format!("{e} {e:?} {} {:?}", e.to_json(), c);
    assert!(
        !all.contains("TOKEN-abc123") && !all.contains("APPSECRET-xyz"),
        "{all}"
    );
    assert!(e.message.starts_with("user.get: "));
}

#[tokio::test]
async fn throttle_carries_retry_after_from_usage_headers_and_fails_fast() {
    let fake = Fake::start().await;
    let buc = r#"{"17841400000000001":[{"type":"instagram","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":7}]}"#;
    fake.push_with_headers(
        400,
        &[("x-business-use-case-usage", buc)],
        json!({"error": {"message": "too many calls", "code": 80002}}),
    );
    let c = client(&fake.url, json!({}));
    let e = c.call("user.get", json!({})).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(7 * 60)));
    assert_eq!(
        fake.seen().len(),
        1,
        "a 7-minute wait is reported, not slept"
    );
    assert_eq!(c.usage().unwrap().max_percent(), 100.0);
}

#[tokio::test]
async fn validation_happens_before_any_request() {
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({}));
    let e = c
        .call("media.list", json!({"limit": 1000}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert!(e.message.contains("params.limit"));
    let e = c
        .call("comments.list", json!({"media_id": 5}))
        .await
        .unwrap_err();
    assert!(
        e.message
            .starts_with("comments.list: params.media_id: expected a string, got the number 5"),
        "{}",
        e.message
    );
    assert!(fake.seen().is_empty());
}

#[tokio::test]
async fn unreachable_host_is_a_transport_error_without_the_token() {
    let c = client(
        "http://127.0.0.1:9",
        json!({"max_retries": 0, "timeout_ms": 2000}),
    );
    let e = c.call("user.get", json!({})).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport);
    assert!(!format!("{e} {e:?}").contains("TOKEN-abc123"));
}

#[tokio::test]
async fn writes_carry_their_body_and_are_not_replayed_on_ambiguous_failures() {
    use instagram_graph::request::GraphRequest;
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({}));
    let post = GraphRequest::post(["1784", "media_publish"]).form("creation_id", "c1");
    // A 5xx on a write may have landed at Meta: report it, never send the write twice.
    fake.push(500, json!(null));
    let e = c.send(&post, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transient);
    assert_eq!(fake.seen().len(), 1);
    // Even `is_transient` does not prove a write was not carried out: not resent either.
    fake.push(
        400,
        json!({"error": {"message": "try again", "code": 2, "is_transient": true}}),
    );
    let e = c.send(&post, false).await.unwrap_err();
    assert!(e.is_transient, "is_transient is what Meta said");
    assert_eq!(fake.seen().len(), 2);
    // A throttle refused the write before executing it: safe to send again.
    fake.push(
        400,
        json!({"error": {"message": "(#4) Application request limit reached", "code": 4}}),
    );
    fake.push(200, json!({"id": "m1"}));
    assert_eq!(c.send(&post, false).await.unwrap()["id"], "m1");
    let seen = fake.seen();
    assert_eq!(seen.len(), 4);
    assert_eq!(
        (seen[3].method.as_str(), seen[3].path.as_str()),
        ("POST", "/v27.0/1784/media_publish")
    );
}
