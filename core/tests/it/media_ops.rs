//! Media and story operations: shortcode vectors from fixtures/shortcodes.json, the request
//! shapes of the media writes, and `media.by_shortcode`'s paging against the scripted fake
//! (it must stop at the page that holds the media, or as soon as the list is older than the
//! shortcode, and never send anything for an invalid shortcode).

use crate::fake::{client, Fake, Seen};
use crate::fixtures::fixtures_dir;
use instagram_graph::shortcode;
use instagram_graph::ErrorKind;
use serde_json::{json, Value};

fn vectors() -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join("shortcodes.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn shortcode_vectors_from_the_fixtures() {
    let f = vectors();
    for p in f["pairs"].as_array().unwrap() {
        let code = p["shortcode"].as_str().unwrap();
        let pk: u128 = p["pk"].as_str().unwrap().parse().unwrap();
        assert_eq!(shortcode::to_pk(code).unwrap(), pk, "{code}");
        assert_eq!(shortcode::from_pk(pk), code);
        assert_eq!(
            shortcode::from_pk_str(p["pk"].as_str().unwrap()).unwrap(),
            code
        );
        if let Some(t) = p["taken_at"].as_str() {
            let taken = chrono::DateTime::parse_from_rfc3339(t).unwrap().timestamp();
            assert_eq!(
                shortcode::created_at(pk),
                Some(taken),
                "{code}: creation time"
            );
        }
    }
    for p in f["private_share"].as_array().unwrap() {
        let code = p["shortcode"].as_str().unwrap();
        let pk: u128 = p["pk"].as_str().unwrap().parse().unwrap();
        assert_eq!(shortcode::to_pk(code).unwrap(), pk);
        assert_eq!(
            shortcode::parse(code).unwrap(),
            p["public"].as_str().unwrap()
        );
    }
    for p in f["legacy_ids"].as_array().unwrap() {
        let pk: u128 = p["pk"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            shortcode::from_pk_str(p["id"].as_str().unwrap()).unwrap(),
            shortcode::from_pk(pk)
        );
    }
    for u in f["urls"].as_array().unwrap() {
        let url = u["url"].as_str().unwrap();
        let want = u["shortcode"].as_str().unwrap();
        assert_eq!(shortcode::from_url(url).unwrap(), want, "{url}");
        assert_eq!(shortcode::parse(url).unwrap(), want, "{url}");
    }
    for u in f["invalid_urls"].as_array().unwrap() {
        let url = u.as_str().unwrap();
        assert!(shortcode::from_url(url).is_err(), "{url}");
        assert!(shortcode::parse(url).is_err(), "{url}");
    }
    for c in f["invalid_shortcodes"].as_array().unwrap() {
        assert!(shortcode::to_pk(c.as_str().unwrap()).is_err(), "{c}");
    }
    for p in f["invalid_pks"].as_array().unwrap() {
        assert!(shortcode::from_pk_str(p.as_str().unwrap()).is_err(), "{p}");
    }
}

const DAY: i64 = 86_400;
/// 2026-06-01T00:00:00Z.
const T0: i64 = 1_780_272_000;

/// A media pk created at `t` (Instagram's id layout: ms since its epoch, then 23 bits).
fn pk_at(t: i64) -> u128 {
    (((t * 1000 - shortcode::INSTAGRAM_EPOCH_MS) as u128) << 23) | 4321
}

fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S+0000")
        .to_string()
}

/// A listed media published at `published` whose shortcode encodes `created`.
fn media(id: &str, created: i64, published: i64) -> Value {
    let code = shortcode::from_pk(pk_at(created));
    json!({"id": id, "shortcode": code, "permalink": format!("https://www.instagram.com/p/{code}/"), "timestamp": iso(published)})
}

fn page(items: Vec<Value>, more: bool) -> Value {
    let mut paging =
        json!({"cursors": {"before": "QkVG", "after": format!("QUZU{}", items.len())}});
    if more {
        paging["next"] = json!("https://graph.instagram.com/v27.0/me/media?after=x");
    }
    json!({"data": items, "paging": paging})
}

fn media_path(s: &Seen) -> &str {
    s.path.splitn(3, '/').nth(2).unwrap_or_default()
}

#[tokio::test]
async fn by_shortcode_stops_at_the_page_that_holds_it() {
    let fake = Fake::start().await;
    let target = media("18000000000000003", T0, T0 + 60);
    let code = target["shortcode"].as_str().unwrap().to_owned();
    fake.push(
        200,
        page(
            vec![
                media("18000000000000001", T0 + 10 * DAY, T0 + 10 * DAY),
                media("18000000000000002", T0 + 5 * DAY, T0 + 5 * DAY),
            ],
            true,
        ),
    )
    .push(
        200,
        page(
            vec![
                target.clone(),
                media("18000000000000004", T0 - 9 * DAY, T0 - 9 * DAY),
            ],
            true,
        ),
    );
    let c = client(&fake.url, json!({"login": "instagram"}));
    let url = format!("https://www.instagram.com/reel/{code}/?igsh=abc");
    let got = c
        .call(
            "media.by_shortcode",
            json!({"shortcode": url, "fields": "id,caption"}),
        )
        .await
        .unwrap();
    assert_eq!(got["id"], "18000000000000003", "{got}");
    let seen = fake.seen();
    assert_eq!(seen.len(), 2, "no page after the one that holds it");
    assert_eq!(media_path(&seen[0]), "me/media");
    assert_eq!(seen[0].q("limit"), Some("100"));
    assert_eq!(
        seen[0].q("fields"),
        Some("id,caption,shortcode,permalink,timestamp")
    );
    assert_eq!(seen[1].q("after"), Some("QUZU2"));
}

#[tokio::test]
async fn by_shortcode_stops_once_the_list_is_older_than_the_shortcode() {
    let fake = Fake::start().await;
    let code = shortcode::from_pk(pk_at(T0));
    fake.push(
        200,
        page(
            vec![
                media("18000000000000001", T0 + 3 * DAY, T0 + 3 * DAY),
                media("18000000000000002", T0 - 2 * DAY, T0 - 2 * DAY),
            ],
            true,
        ),
    );
    let c = client(&fake.url, json!({"login": "facebook"}));
    let e = c
        .call(
            "media.by_shortcode",
            json!({"shortcode": code, "ig_user_id": "17841400000000001"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
    assert!(e.message.contains(&code), "{}", e.message);
    assert!(e.message.contains("17841400000000001"), "{}", e.message);
    let seen = fake.seen();
    assert_eq!(seen.len(), 1, "the first page already reached older media");
    assert_eq!(media_path(&seen[0]), "17841400000000001/media");
}

#[tokio::test]
async fn by_shortcode_scans_on_when_ids_do_not_carry_time() {
    // Media whose shortcodes encode a time a month after their publication (a simulator's
    // ids, say): the id time is not trusted and the walk goes on to the last page.
    let fake = Fake::start().await;
    let code = shortcode::from_pk(pk_at(T0 + 40 * DAY));
    let odd = |id: &str, t: i64| media(id, t + 30 * DAY, t);
    fake.push(200, page(vec![odd("1", T0), odd("2", T0 - DAY)], true))
        .push(200, page(vec![odd("3", T0 - 2 * DAY)], true))
        .push(200, page(vec![odd("4", T0 - 3 * DAY)], false));
    let c = client(&fake.url, json!({"login": "instagram"}));
    let e = c
        .call("media.by_shortcode", json!({"shortcode": code}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains("4 media scanned"), "{}", e.message);
    assert_eq!(fake.seen().len(), 3);
}

#[tokio::test]
async fn by_shortcode_matches_the_permalink_too() {
    let fake = Fake::start().await;
    fake.push(
        200,
        page(
            vec![json!({"id": "1", "permalink": "https://www.instagram.com/p/BGvuInzyFAe/", "timestamp": iso(T0)})],
            false,
        ),
    );
    let c = client(&fake.url, json!({"login": "instagram"}));
    let got = c
        .call("media.by_shortcode", json!({"shortcode": "BGvuInzyFAe"}))
        .await
        .unwrap();
    assert_eq!(got["id"], "1");
}

#[tokio::test]
async fn invalid_params_send_nothing() {
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({"login": "instagram"}));
    for (op, params, at) in [
        (
            "media.by_shortcode",
            json!({"shortcode": "not a code"}),
            "params.shortcode",
        ),
        (
            "media.by_shortcode",
            json!({"shortcode": "https://example.com/p/BGvuInzyFAe/"}),
            "params.shortcode",
        ),
        ("media.by_shortcode", json!({}), "params.shortcode"),
        (
            "media.by_shortcode",
            json!({"shortcode": "BGvuInzyFAe", "limit": 5}),
            "params.limit",
        ),
        ("media.children", json!({"media_id": ""}), "params.media_id"),
        (
            "media.set_comments_enabled",
            json!({"media_id": "1"}),
            "params.comment_enabled",
        ),
        ("media.get", json!({"media_id": "a/b"}), "params.media_id"),
        ("stories.get", json!({"media_id": "me"}), "params.media_id"),
        (
            "stories.get",
            json!({"media_id": "1", "fields": "id{"}),
            "params.fields",
        ),
    ] {
        let e = c.call(op, params).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams, "{op}: {e}");
        assert!(
            e.message.starts_with(&format!("{op}: {at}")),
            "{op}: {}",
            e.message
        );
    }
    for op in [
        "media.delete",
        "media.poll_attachment",
        "media.prompt_response",
    ] {
        let e = c.call(op, json!({"media_id": "1"})).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported, "{op}: Facebook Login only");
    }
    assert!(fake.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn media_writes_on_the_wire() {
    let fake = Fake::start().await;
    fake.push(200, json!({"success": true}))
        .push(200, json!({"success": true, "deleted_id": "179"}))
        .push(200, json!({"option_a": "Yes", "option_b": "No", "option_a_votes_percentage": 0.75, "option_b_votes_percentage": 0.25}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let r = c
        .call(
            "media.set_comments_enabled",
            json!({"media_id": "179", "comment_enabled": true}),
        )
        .await
        .unwrap();
    assert_eq!(r["success"], true);
    let r = c
        .call("media.delete", json!({"media_id": "179"}))
        .await
        .unwrap();
    assert_eq!(r["deleted_id"], "179");
    let r = c
        .call("media.poll_attachment", json!({"media_id": "179"}))
        .await
        .unwrap();
    assert_eq!(r["option_a_votes_percentage"], 0.75);
    let seen = fake.seen();
    assert_eq!(
        (seen[0].method.as_str(), media_path(&seen[0])),
        ("POST", "179")
    );
    assert_eq!(
        seen[0].form(),
        vec![("comment_enabled".to_owned(), "true".to_owned())]
    );
    assert_eq!(
        (seen[1].method.as_str(), media_path(&seen[1])),
        ("DELETE", "179")
    );
    assert_eq!(
        (seen[2].method.as_str(), media_path(&seen[2])),
        ("GET", "179/poll_attachment")
    );
    assert_eq!(seen[2].q("date_format"), None, "a removed Graph feature");
}

#[tokio::test]
async fn an_expired_story_is_a_clear_not_found() {
    let fake = Fake::start().await;
    fake.push(
        400,
        json!({"error": {"message": "Unsupported get request. Object with ID '17900000000000009' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "type": "GraphMethodException", "code": 100, "error_subcode": 33, "fbtrace_id": "Ab1"}}),
    );
    let c = client(&fake.url, json!({"login": "instagram", "max_retries": 0}));
    let e = c
        .call("stories.get", json!({"media_id": "17900000000000009"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
    assert!(e.message.starts_with("stories.get: "), "{}", e.message);
    assert!(e.message.contains("24 hours"), "{}", e.message);
    let seen = fake.seen();
    assert!(!seen.is_empty());
    assert_eq!(media_path(&seen[0]), "17900000000000009");
    assert!(seen[0].q("fields").unwrap().contains("media_product_type"));
}

// ---------------------------------------------------------------------------------------------
// Against the sandbox (its content fixtures are listed in `/_sandbox/info`'s `content`).

mod on_sandbox {
    use instagram_graph::{Client, ErrorKind};
    use instagram_graph_sandbox::{Sandbox, SandboxOptions};
    use serde_json::{json, Value};

    fn clients(sb: &Sandbox) -> (Client, Client) {
        let ig =
            Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()}))
                .unwrap();
        let fb = Client::from_json(&json!({"access_token": sb.facebook_access_token(), "base_url": sb.url(), "login": "facebook"}))
            .unwrap();
        (ig, fb)
    }

    async fn requests(sb: &Sandbox) -> u64 {
        let s: Value = reqwest::get(format!("{}/_sandbox/stats", sb.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        s["requests"].as_u64().unwrap()
    }

    fn content(sb: &Sandbox, key: &str) -> String {
        sb.info_json()["content"][key]
            .as_str()
            .unwrap_or_else(|| panic!("content.{key} in /_sandbox/info"))
            .to_owned()
    }

    #[tokio::test]
    async fn by_shortcode_reads_no_more_pages_than_needed() {
        let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
        let (ig, fb) = clients(&sb);
        let code = content(&sb, "shortcode");
        let want = content(&sb, "media_id");
        let before = requests(&sb).await;
        let url = format!("https://www.instagram.com/p/{code}/?igsh=abc");
        let got = ig
            .call("media.by_shortcode", json!({"shortcode": url}))
            .await
            .unwrap();
        assert_eq!(got["id"], want.as_str(), "{got}");
        assert_eq!(got["shortcode"], code.as_str());
        assert_eq!(
            requests(&sb).await - before,
            1,
            "the newest media: one page"
        );

        // A media on the second page of 100: exactly two pages.
        let all = ig
            .paginate(
                "media.list",
                json!({"fields": "id,shortcode", "limit": 100}),
                None,
            )
            .unwrap()
            .collect_all()
            .await
            .unwrap();
        assert!(
            all.len() > 120,
            "the demo account has more than one page of media"
        );
        let deep = &all[120];
        let before = requests(&sb).await;
        let got = fb
            .call(
                "media.by_shortcode",
                json!({"shortcode": deep["shortcode"], "ig_user_id": sb.ig_user_id()}),
            )
            .await
            .unwrap();
        assert_eq!(got["id"], deep["id"]);
        assert_eq!(requests(&sb).await - before, 2);

        // Not one of the account's media: not_found naming the shortcode.
        let e = ig
            .call("media.by_shortcode", json!({"shortcode": "BGvuInzyFAe"}))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
        assert!(e.message.contains("BGvuInzyFAe"), "{}", e.message);
    }

    #[tokio::test]
    async fn media_reads_and_writes() {
        let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
        let (ig, fb) = clients(&sb);
        let carousel = content(&sb, "carousel_id");
        let items = ig
            .call("media.children", json!({"media_id": carousel}))
            .await
            .unwrap();
        let items = items["data"].as_array().expect("data");
        assert!(items.len() >= 2, "{items:?}");
        assert!(items
            .iter()
            .all(|i| i["id"].is_string() && i.get("caption").is_none()));

        let media = content(&sb, "media_id");
        let r = ig
            .call(
                "media.set_comments_enabled",
                json!({"media_id": media, "comment_enabled": false}),
            )
            .await
            .unwrap();
        assert_eq!(r["success"], true);
        let m = ig
            .call(
                "media.get",
                json!({"media_id": media, "fields": "id,is_comment_enabled"}),
            )
            .await
            .unwrap();
        assert_eq!(m["is_comment_enabled"], false);

        let r = fb
            .call("media.collaborators", json!({"media_id": media}))
            .await
            .unwrap();
        assert!(r["data"].is_array(), "{r}");
        for op in ["media.poll_attachment", "media.prompt_response"] {
            let r = fb.call(op, json!({"media_id": media})).await;
            assert!(r.is_ok(), "{op}: {r:?}");
        }
        let none = fb
            .call("media.poll_attachment", json!({"media_id": media}))
            .await
            .unwrap();
        assert_eq!(
            none,
            Value::Null,
            "a media without a poll: null, as Meta documents"
        );
        let poll = fb
            .call(
                "media.poll_attachment",
                json!({"media_id": content(&sb, "poll_media_id")}),
            )
            .await
            .unwrap();
        assert!(poll["option_a"].is_string(), "{poll}");

        let r = fb
            .call("media.delete", json!({"media_id": media}))
            .await
            .unwrap();
        assert_eq!(r["success"], true, "{r}");
        let e = ig
            .call("media.get", json!({"media_id": media}))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
    }

    #[tokio::test]
    async fn a_story_until_it_expires() {
        let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
        let (ig, _) = clients(&sb);
        let story = content(&sb, "story_id");
        let s = ig
            .call("stories.get", json!({"media_id": story}))
            .await
            .unwrap();
        assert_eq!(s["media_product_type"], "STORY", "{s}");
        reqwest::Client::new()
            .post(format!("{}/_sandbox/clock", sb.url()))
            .json(&json!({"advance_seconds": 25 * 3600}))
            .send()
            .await
            .unwrap();
        let e = ig
            .call("stories.get", json!({"media_id": story}))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
        assert!(e.message.contains("24 hours"), "{}", e.message);
    }
}
