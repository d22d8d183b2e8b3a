//! The content endpoints beyond the feed over real HTTP (reqwest): Business Discovery,
//! hashtags and their budget on the virtual clock, mentions, tags, live media, collaboration
//! invites and collaborators, comment writes and moderation, media deletion, caption add-ons,
//! the publishing limit, and what `/_sandbox/stats` counts.

#[allow(dead_code)]
#[path = "it/support.rs"]
mod support;

use instagram_graph_sandbox::Sandbox;
use serde_json::Value;
use support::{admin, client, graph, start, stats, V};

fn fb(sb: &Sandbox) -> String {
    sb.facebook_access_token().to_owned()
}

fn ig(sb: &Sandbox) -> String {
    sb.access_token().to_owned()
}

fn content(sb: &Sandbox, key: &str) -> String {
    sb.info_json()["content"][key]
        .as_str()
        .unwrap_or_else(|| panic!("content.{key} in the info JSON"))
        .to_owned()
}

fn code(v: &Value) -> (i64, i64) {
    (
        v["error"]["code"].as_i64().unwrap_or(0),
        v["error"]["error_subcode"].as_i64().unwrap_or(0),
    )
}

/// `method /v25.0{path}` with form parameters and the token.
async fn call(
    sb: &Sandbox,
    method: &str,
    token: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let url = format!("{}/{V}{path}", sb.url());
    let mut f: Vec<(&str, &str)> = form.to_vec();
    f.push(("access_token", token));
    let b = match method {
        "DELETE" => client().delete(url).query(&f),
        _ => client().post(url).form(&f),
    };
    let r = b.send().await.unwrap();
    let s = r.status().as_u16();
    let t = r.text().await.unwrap();
    (
        s,
        serde_json::from_str(&t).unwrap_or_else(|e| panic!("{e}: {t}")),
    )
}

fn ids(v: &Value) -> Vec<String> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn info_names_every_content_fixture() {
    let sb = start();
    let c = &sb.info_json()["content"];
    for k in [
        "username",
        "username_undiscoverable",
        "hashtag",
        "media_id",
        "media_id_comments_disabled",
        "carousel_id",
        "shortcode",
        "comment_id",
        "story_id",
        "mentioned_comment_id",
        "mentioned_media_id",
        "live_media_id",
        "collaboration_invite_media_id",
    ] {
        assert!(c[k].is_string(), "content.{k}: {c}");
    }
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    // media_id: own, comments enabled, has comments; comment_id a top-level one with replies.
    let (_, m) = graph(
        &sb,
        &t,
        &format!(
            "/{}?fields=is_comment_enabled,comments_count,shortcode,owner",
            content(&sb, "media_id")
        ),
    )
    .await;
    assert_eq!(m["is_comment_enabled"], true);
    assert!(m["comments_count"].as_u64().unwrap() > 0);
    assert_eq!(m["shortcode"], c["shortcode"]);
    assert_eq!(m["owner"]["id"], u);
    let (_, cm) = graph(
        &sb,
        &t,
        &format!(
            "/{}?fields=media,parent_id,replies",
            content(&sb, "comment_id")
        ),
    )
    .await;
    assert_eq!(cm["media"]["id"], c["media_id"]);
    assert!(cm.get("parent_id").is_none());
    assert!(!cm["replies"]["data"].as_array().unwrap().is_empty());
    let (_, d) = graph(
        &sb,
        &t,
        &format!(
            "/{}?fields=is_comment_enabled",
            content(&sb, "media_id_comments_disabled")
        ),
    )
    .await;
    assert_eq!(d["is_comment_enabled"], false);
    let (_, cr) = graph(
        &sb,
        &t,
        &format!("/{}?fields=media_type", content(&sb, "carousel_id")),
    )
    .await;
    assert_eq!(cr["media_type"], "CAROUSEL_ALBUM");
    let (_, st) = graph(
        &sb,
        &t,
        &format!("/{}?fields=media_product_type", content(&sb, "story_id")),
    )
    .await;
    assert_eq!(st["media_product_type"], "STORY");
    // Deterministic for the seed.
    let again = start();
    assert_eq!(again.info_json()["content"]["media_id"], c["media_id"]);
    assert_eq!(
        again.info_json()["content"]["mentioned_media_id"],
        c["mentioned_media_id"]
    );
}

#[tokio::test]
async fn business_discovery_profile_and_nested_media_paging() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    let name = content(&sb, "username");
    let f = format!("business_discovery.username({name}){{id,username,name,biography,followers_count,media_count,profile_picture_url,website,media.limit(10){{id,caption,media_type,media_product_type,like_count,comments_count,view_count,permalink,timestamp,children{{id,media_url}}}}}}");
    let (s, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], u);
    let bd = &v["business_discovery"];
    assert_eq!(bd["username"], name);
    assert_eq!(bd["media_count"], 37);
    for k in [
        "id",
        "name",
        "biography",
        "followers_count",
        "profile_picture_url",
        "website",
    ] {
        assert!(!bd[k].is_null(), "{k}: {bd}");
    }
    let media = &bd["media"];
    assert_eq!(media["data"].as_array().unwrap().len(), 10);
    // Cursors only: the next page is the expansion again with `.after(cursor)`.
    assert!(media["paging"].get("next").is_none() && media["paging"].get("previous").is_none());
    let after = media["paging"]["cursors"]["after"]
        .as_str()
        .unwrap()
        .to_owned();
    for m in media["data"].as_array().unwrap() {
        assert!(m.get("owner").is_none());
        assert_eq!(
            m["media_product_type"] == "REELS",
            m.get("view_count").is_some(),
            "{m}"
        );
        if m["media_type"] == "CAROUSEL_ALBUM" {
            assert!(!m["children"]["data"].as_array().unwrap().is_empty());
        }
    }
    let first = ids(media);
    let mut seen = first.clone();
    let mut cursor = after;
    loop {
        let f =
            format!("business_discovery.username({name}){{media.after({cursor}).limit(10){{id}}}}");
        let (s, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
        assert_eq!(s, 200, "{v}");
        let page = &v["business_discovery"]["media"];
        let got = ids(page);
        if got.is_empty() {
            assert!(page.get("paging").is_none());
            break;
        }
        assert!(got.iter().all(|id| !seen.contains(id)), "pages overlap");
        seen.extend(got);
        cursor = page["paging"]["cursors"]["after"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    assert_eq!(seen.len(), 37);
    // limit is capped, not refused; a bad limit is (#100).
    let f = format!("business_discovery.username({name}){{media.limit(0){{id}}}}");
    let (s, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
    assert_eq!((s, code(&v).0), (400, 100));
}

#[tokio::test]
async fn business_discovery_errors() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    for name in [
        content(&sb, "username_undiscoverable"),
        "no.such.account.xyz".to_owned(),
    ] {
        let f = format!("business_discovery.username({name}){{id,username}}");
        let (s, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
        assert_eq!(s, 400);
        assert_eq!(code(&v), (110, 2207013), "{v}");
        assert_eq!(v["error"]["message"], "Invalid user id");
    }
    let (_, v) = graph(&sb, &t, &format!("/{u}?fields=business_discovery{{id}}")).await;
    assert_eq!(code(&v).0, 100);
    // A business account can discover itself.
    let f = "business_discovery.username(sandbox.studio){id,username,media_count}";
    let (s, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(f))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["business_discovery"]["id"], u.as_str());
    // Instagram Login cannot reach graph.facebook.com lookups.
    let f = format!(
        "business_discovery.username({}){{id}}",
        content(&sb, "username")
    );
    let (_, v) = graph(&sb, &ig(&sb), &format!("/me?fields={}", urlencode(&f))).await;
    assert_eq!(code(&v).0, 190);
    // Fields the surface does not have are refused.
    let f = format!(
        "business_discovery.username({}){{id,follows_me}}",
        content(&sb, "username")
    );
    let (_, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
    assert_eq!(code(&v).0, 100);
}

/// Percent-encode a `fields=` value (braces, parentheses, commas).
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn hashtag_search_node_and_media() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    let tag = content(&sb, "hashtag");
    let (s, v) = graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q={tag}")).await;
    assert_eq!(s, 200, "{v}");
    let id = v["data"][0]["id"].as_str().unwrap().to_owned();
    // Ids are static and global: the same name gives the same id.
    let (_, again) = graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q={tag}")).await;
    assert_eq!(again["data"][0]["id"], id.as_str());
    let (_, n) = graph(&sb, &t, &format!("/{id}?fields=id,name")).await;
    assert_eq!(n["name"], tag);
    let (_, top) = graph(&sb, &t, &format!("/{id}/top_media?user_id={u}&fields=id,caption,like_count,media_type,permalink,timestamp&limit=50")).await;
    let data = top["data"].as_array().unwrap();
    assert!(data.len() > 10, "{top}");
    assert!(data
        .iter()
        .all(|m| m["caption"].as_str().unwrap().contains(&format!("#{tag}"))));
    // Only an after cursor, no before, no next/previous.
    let p = &top["paging"];
    assert!(p["cursors"]["after"].is_string() && p["cursors"].get("before").is_none());
    assert!(p.get("next").is_none() && p.get("previous").is_none());
    // Hashtag media never say who posted them.
    let (s, v) = graph(
        &sb,
        &t,
        &format!("/{id}/top_media?user_id={u}&fields=id,username"),
    )
    .await;
    assert_eq!((s, code(&v).0), (400, 100));
    // Recent: last 24 hours only, newest first, paged by the after cursor until empty.
    let now = admin(&sb, "clock", serde_json::json!({})).await.1["now"]
        .as_i64()
        .unwrap();
    let mut after = String::new();
    let mut all = Vec::new();
    for _ in 0..20 {
        let q = if after.is_empty() {
            String::new()
        } else {
            format!("&after={after}")
        };
        let (s, v) = graph(
            &sb,
            &t,
            &format!("/{id}/recent_media?user_id={u}&fields=id,timestamp&limit=2{q}"),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        let page = v["data"].as_array().unwrap().clone();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        all.extend(page);
        after = v["paging"]["cursors"]["after"].as_str().unwrap().to_owned();
    }
    assert!(all.len() >= 5, "{all:?}");
    let times: Vec<i64> = all
        .iter()
        .map(|m| parse_ts(m["timestamp"].as_str().unwrap()))
        .collect();
    assert!(times.iter().all(|ts| now - ts < 86_400));
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
    // user_id is required; limit is capped at 50.
    let (_, v) = graph(&sb, &t, &format!("/{id}/recent_media?fields=id")).await;
    assert_eq!(code(&v).0, 100);
    let (_, v) = graph(&sb, &t, &format!("/{id}/top_media?user_id={u}&limit=500")).await;
    assert!(v["data"].as_array().unwrap().len() <= 50);
    // The 24 hours run on the virtual clock.
    admin(
        &sb,
        "clock",
        serde_json::json!({"advance_seconds": 2 * 86_400}),
    )
    .await;
    let (_, v) = graph(&sb, &t, &format!("/{id}/recent_media?user_id={u}")).await;
    assert!(v["data"].as_array().unwrap().is_empty(), "{v}");
    // Instagram Login has no hashtag search; bad names are refused.
    let (_, v) = graph(
        &sb,
        &ig(&sb),
        &format!("/ig_hashtag_search?user_id={u}&q={tag}"),
    )
    .await;
    assert_eq!(code(&v).0, 190);
    let (_, v) = graph(
        &sb,
        &t,
        &format!("/ig_hashtag_search?user_id={u}&q=%23{tag}"),
    )
    .await;
    assert_eq!(code(&v).0, 100);
    let (_, v) = graph(&sb, &t, &format!("/ig_hashtag_search?q={tag}")).await;
    assert_eq!(code(&v).0, 100);
}

fn parse_ts(s: &str) -> i64 {
    // 2026-01-01T12:00:00+0000
    let d: Vec<i64> = s[..19]
        .split(['-', 'T', ':'])
        .map(|x| x.parse().unwrap())
        .collect();
    let (y, m, day) = (d[0], d[1], d[2]);
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + d[3] * 3600 + d[4] * 60 + d[5]
}

#[tokio::test]
async fn hashtag_budget_is_30_unique_per_rolling_7_days() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    for i in 0..30 {
        let (s, v) = graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q=tag{i}")).await;
        assert_eq!(s, 200, "search {i}: {v}");
    }
    // Repeats are free.
    let (s, _) = graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q=tag3")).await;
    assert_eq!(s, 200);
    let (s, v) = graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q=tag30")).await;
    assert_eq!(s, 400);
    assert_eq!(code(&v), (18, 2207034), "{v}");
    // recently_searched_hashtags: 25 by default, up to 30.
    let (_, v) = graph(&sb, &t, &format!("/{u}/recently_searched_hashtags")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 25);
    let (_, v) = graph(
        &sb,
        &t,
        &format!("/{u}/recently_searched_hashtags?limit=100&fields=id,name"),
    )
    .await;
    let names: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 30);
    assert!(names.contains(&"tag0") && !names.contains(&"tag30"));
    // A repeat does not restart its 7 days: after 7 days every slot is free again.
    admin(
        &sb,
        "clock",
        serde_json::json!({"advance_seconds": 7 * 86_400 + 1}),
    )
    .await;
    let (_, v) = graph(&sb, &t, &format!("/{u}/recently_searched_hashtags")).await;
    assert!(v["data"].as_array().unwrap().is_empty(), "{v}");
    let (s, v) = graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q=tag30")).await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = graph(
        &sb,
        &t,
        &format!("/{u}/recently_searched_hashtags?fields=name"),
    )
    .await;
    assert_eq!(v["data"][0]["name"], "tag30");
}

#[tokio::test]
async fn rolling_window_frees_slots_one_by_one() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q=early")).await;
    admin(
        &sb,
        "clock",
        serde_json::json!({"advance_seconds": 3 * 86_400}),
    )
    .await;
    for i in 0..29 {
        graph(
            &sb,
            &t,
            &format!("/ig_hashtag_search?user_id={u}&q=late{i}"),
        )
        .await;
    }
    let (s, _) = graph(
        &sb,
        &t,
        &format!("/ig_hashtag_search?user_id={u}&q=one_more"),
    )
    .await;
    assert_eq!(s, 400);
    // Four days later `early` leaves the window: exactly one slot frees.
    admin(
        &sb,
        "clock",
        serde_json::json!({"advance_seconds": 4 * 86_400}),
    )
    .await;
    let (s, _) = graph(
        &sb,
        &t,
        &format!("/ig_hashtag_search?user_id={u}&q=one_more"),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = graph(
        &sb,
        &t,
        &format!("/ig_hashtag_search?user_id={u}&q=two_more"),
    )
    .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn content_publishing_limit() {
    let sb = start();
    let u = sb.ig_user_id().to_owned();
    for t in [fb(&sb), ig(&sb)] {
        let (s, v) = graph(
            &sb,
            &t,
            &format!("/{u}/content_publishing_limit?fields=quota_usage,config"),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        let d = &v["data"][0];
        assert!(d["quota_usage"].is_u64());
        assert!(d["config"]["quota_total"].as_u64().unwrap() > 0);
        assert_eq!(d["config"]["quota_duration"], 86_400);
    }
    let (_, v) = graph(&sb, &fb(&sb), &format!("/{u}/content_publishing_limit")).await;
    assert!(v["data"][0].get("config").is_none() && v["data"][0]["quota_usage"].is_u64());
    let (_, v) = graph(
        &sb,
        &fb(&sb),
        &format!("/{u}/content_publishing_limit?since=2020-01-01"),
    )
    .await;
    assert_eq!(code(&v).0, 100);
}

#[tokio::test]
async fn mentions_lookups_and_replies() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    let mm = content(&sb, "mentioned_media_id");
    let mc = content(&sb, "mentioned_comment_id");
    let f = format!("mentioned_media.media_id({mm}){{caption,media_type,username,timestamp}}");
    let (s, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["mentioned_media"]["caption"]
        .as_str()
        .unwrap()
        .contains("@sandbox.studio"));
    assert_eq!(v["mentioned_media"]["id"], mm.as_str());
    let f =
        format!("mentioned_comment.comment_id({mc}){{id,text,timestamp,like_count,media{{id}}}}");
    let (s, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["mentioned_comment"]["text"]
        .as_str()
        .unwrap()
        .contains("@sandbox.studio"));
    let on = v["mentioned_comment"]["media"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Ids that are not mentions of the account are not readable.
    let f = format!(
        "mentioned_media.media_id({}){{caption}}",
        content(&sb, "media_id")
    );
    let (_, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
    assert_eq!(code(&v), (100, 33));
    let (_, v) = graph(
        &sb,
        &ig(&sb),
        &format!(
            "/me?fields={}",
            urlencode("mentioned_media.media_id(1){id}")
        ),
    )
    .await;
    assert_eq!(code(&v).0, 190);
    // Replies: a comment on the mentioning media, a reply to the mentioning comment.
    let (s, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{u}/mentions"),
        &[("media_id", &mm), ("message", "Thanks for the shout-out!")],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["id"].is_string());
    let (s, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{u}/mentions"),
        &[
            ("media_id", &on),
            ("comment_id", &mc),
            ("message", "We will!"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{u}/mentions"),
        &[("media_id", &on), ("message", "not a caption mention")],
    )
    .await;
    assert_eq!((s, code(&v).0), (400, 100));
    let (_, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{u}/mentions"),
        &[("media_id", &mm)],
    )
    .await;
    assert_eq!(code(&v).0, 100);
    let long = "x".repeat(2201);
    let (_, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{u}/mentions"),
        &[("media_id", &mm), ("message", &long)],
    )
    .await;
    assert_eq!(code(&v).0, 100);
    let (_, v) = call(
        &sb,
        "POST",
        &ig(&sb),
        "/me/mentions",
        &[("media_id", &mm), ("message", "hi")],
    )
    .await;
    assert_eq!(code(&v).0, 190);
}

#[tokio::test]
async fn tags_are_other_accounts_public_media_with_after_only_cursors() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    let (s, v) = graph(
        &sb,
        &t,
        &format!("/{u}/tags?fields=id,username,caption,media_type,timestamp"),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let all = v["data"].as_array().unwrap().clone();
    assert_eq!(all.len(), 8);
    for m in &all {
        let who = m["username"].as_str().unwrap();
        assert!(
            who != "sandbox.studio" && who != content(&sb, "username_undiscoverable"),
            "{m}"
        );
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let q = after
            .as_ref()
            .map(|a| format!("&after={a}"))
            .unwrap_or_default();
        let (_, v) = graph(&sb, &t, &format!("/{u}/tags?limit=3{q}")).await;
        let got = ids(&v);
        if got.is_empty() {
            break;
        }
        let p = &v["paging"];
        assert!(
            p.get("next").is_none() && p.get("previous").is_none(),
            "{p}"
        );
        seen.extend(got);
        after = Some(p["cursors"]["after"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen.len(), 8);
    let (_, v) = graph(&sb, &ig(&sb), "/me/tags").await;
    assert_eq!(code(&v).0, 190);
}

#[tokio::test]
async fn live_media_while_live_on_the_virtual_clock() {
    let sb = start();
    let u = sb.ig_user_id().to_owned();
    let live = content(&sb, "live_media_id");
    for t in [fb(&sb), ig(&sb)] {
        let (s, v) = graph(
            &sb,
            &t,
            &format!("/{u}/live_media?fields=id,media_type,timestamp"),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(ids(&v), vec![live.clone()]);
        assert_eq!(v["data"][0]["media_type"], "VIDEO");
    }
    // Comments cannot be switched off on live video; it cannot be deleted either.
    let (_, v) = call(
        &sb,
        "POST",
        &fb(&sb),
        &format!("/{live}"),
        &[("comment_enabled", "false")],
    )
    .await;
    assert_eq!(code(&v).0, 100);
    let (_, v) = call(&sb, "DELETE", &fb(&sb), &format!("/{live}"), &[]).await;
    assert_eq!(code(&v), (-1, 2207073));
    admin(
        &sb,
        "clock",
        serde_json::json!({"advance_seconds": 3 * 3600}),
    )
    .await;
    let (_, v) = graph(&sb, &fb(&sb), &format!("/{u}/live_media")).await;
    assert!(v["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn collaboration_invites_and_collaborators() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    let inv = content(&sb, "collaboration_invite_media_id");
    let (s, v) = graph(&sb, &t, &format!("/{u}/collaboration_invites")).await;
    assert_eq!(s, 200, "{v}");
    let rows = v["data"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 2);
    let row = rows.iter().find(|r| r["media_id"] == inv.as_str()).unwrap();
    assert_eq!(row["media_owner_username"], "ferrous.type");
    assert!(row["caption"].is_string() && row["media_url"].is_string());
    let other = rows.iter().find(|r| r["media_id"] != inv.as_str()).unwrap()["media_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/{u}/collaboration_invites");
    let (_, v) = call(&sb, "POST", &t, &path, &[("media_id", &inv)]).await;
    assert_eq!(code(&v).0, 100);
    let (_, v) = call(
        &sb,
        "POST",
        &t,
        &path,
        &[("media_id", &inv), ("accept", "yes")],
    )
    .await;
    assert_eq!(code(&v).0, 100);
    let (s, v) = call(
        &sb,
        "POST",
        &t,
        &path,
        &[("media_id", &inv), ("accept", "true")],
    )
    .await;
    assert_eq!((s, &v), (200, &serde_json::json!({"success": true})));
    let (s, v) = call(
        &sb,
        "POST",
        &t,
        &path,
        &[("media_id", &other), ("accept", "false")],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    // Answered invites leave the list and cannot be answered twice.
    let (_, v) = graph(&sb, &t, &path).await;
    assert!(v["data"].as_array().unwrap().is_empty());
    let (s, v) = call(
        &sb,
        "POST",
        &t,
        &path,
        &[("media_id", &inv), ("accept", "false")],
    )
    .await;
    assert_eq!((s, code(&v).0), (400, 100));
    let (_, v) = graph(&sb, &ig(&sb), "/me/collaboration_invites").await;
    assert_eq!(code(&v).0, 190);
    // Collaborators of the carousel.
    let car = content(&sb, "carousel_id");
    for tok in [fb(&sb), ig(&sb)] {
        let (s, v) = graph(&sb, &tok, &format!("/{car}/collaborators")).await;
        assert_eq!(s, 200, "{v}");
        let c = v["data"].as_array().unwrap();
        assert_eq!(c.len(), 2);
        assert!(c
            .iter()
            .all(|x| x["id"].is_string() && x["username"].is_string()));
        let st: Vec<&str> = c
            .iter()
            .map(|x| x["invite_status"].as_str().unwrap())
            .collect();
        assert!(st.contains(&"Accepted") && st.contains(&"Pending"));
    }
    let (_, v) = graph(
        &sb,
        &t,
        &format!("/{}/collaborators", content(&sb, "media_id")),
    )
    .await;
    assert!(v["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn comment_writes_and_moderation() {
    let sb = start();
    let (t, i) = (fb(&sb), ig(&sb));
    let mid = content(&sb, "media_id");
    let off = content(&sb, "media_id_comments_disabled");
    let (_, before) = graph(&sb, &t, &format!("/{mid}?fields=comments_count")).await;
    let (s, v) = call(
        &sb,
        "POST",
        &i,
        &format!("/{mid}/comments"),
        &[("message", "New batch next week!")],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let cid = v["id"].as_str().unwrap().to_owned();
    let (_, c) = graph(
        &sb,
        &t,
        &format!("/{cid}?fields=id,text,username,media,parent_id"),
    )
    .await;
    assert_eq!(c["text"], "New batch next week!");
    assert_eq!(c["username"], "sandbox.studio");
    assert_eq!(c["media"]["id"], mid.as_str());
    let (_, after) = graph(&sb, &t, &format!("/{mid}?fields=comments_count")).await;
    assert_eq!(
        after["comments_count"].as_u64().unwrap(),
        before["comments_count"].as_u64().unwrap() + 1
    );
    let (_, list) = graph(&sb, &t, &format!("/{mid}/comments?limit=50")).await;
    assert!(ids(&list).contains(&cid));
    // Validation.
    let long = "é".repeat(2201);
    let (_, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{mid}/comments"),
        &[("message", &long)],
    )
    .await;
    assert_eq!(code(&v).0, 100);
    let ok = "é".repeat(2200);
    let (s, _) = call(
        &sb,
        "POST",
        &t,
        &format!("/{mid}/comments"),
        &[("message", &ok)],
    )
    .await;
    assert_eq!(s, 200);
    let (_, v) = call(&sb, "POST", &t, &format!("/{mid}/comments"), &[]).await;
    assert_eq!(code(&v).0, 100);
    // Comments disabled: refused until the owner turns them on.
    let (s, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{off}/comments"),
        &[("message", "hello")],
    )
    .await;
    assert_eq!((s, code(&v).0), (400, 10), "{v}");
    let (_, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{off}"),
        &[("comment_enabled", "maybe")],
    )
    .await;
    assert_eq!(code(&v).0, 100);
    let (s, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{off}"),
        &[("comment_enabled", "true")],
    )
    .await;
    assert_eq!((s, &v), (200, &serde_json::json!({"success": true})));
    let (_, m) = graph(&sb, &t, &format!("/{off}?fields=is_comment_enabled")).await;
    assert_eq!(m["is_comment_enabled"], true);
    let (s, _) = call(
        &sb,
        "POST",
        &t,
        &format!("/{off}/comments"),
        &[("message", "hello")],
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = call(
        &sb,
        "POST",
        &i,
        &format!("/{off}"),
        &[("comment_enabled", "false")],
    )
    .await;
    assert_eq!(s, 200);
    // Hide: the owner still reads it, with hidden=true; the owner's own comments cannot be hidden.
    let top = content(&sb, "comment_id");
    let (s, _) = call(&sb, "POST", &t, &format!("/{top}"), &[("hide", "true")]).await;
    assert_eq!(s, 200);
    let (_, c) = graph(&sb, &t, &format!("/{top}?fields=hidden,text")).await;
    assert_eq!(c["hidden"], true);
    let (_, list) = graph(
        &sb,
        &t,
        &format!("/{mid}/comments?fields=id,hidden&limit=50"),
    )
    .await;
    let row = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == top.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["hidden"], true);
    let (_, v) = call(&sb, "POST", &t, &format!("/{cid}"), &[("hide", "true")]).await;
    assert_eq!(code(&v).0, 100);
    let (s, _) = call(&sb, "POST", &t, &format!("/{top}"), &[("hide", "false")]).await;
    assert_eq!(s, 200);
    // Replies edge.
    let (_, r) = graph(&sb, &t, &format!("/{top}/replies?fields=id,text,parent_id")).await;
    let replies = ids(&r);
    assert!(!replies.is_empty());
    assert!(r["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["parent_id"] == top.as_str()));
    // Delete: gone for good, with its replies.
    let (s, v) = call(&sb, "DELETE", &i, &format!("/{cid}"), &[]).await;
    assert_eq!((s, &v), (200, &serde_json::json!({"success": true})));
    let (_, v) = graph(&sb, &t, &format!("/{cid}")).await;
    assert_eq!(code(&v), (100, 33));
    let (s, _) = call(&sb, "DELETE", &t, &format!("/{top}"), &[]).await;
    assert_eq!(s, 200);
    let (_, v) = graph(&sb, &t, &format!("/{}", replies[0])).await;
    assert_eq!(code(&v), (100, 33));
    let (_, v) = call(&sb, "DELETE", &t, &format!("/{cid}"), &[]).await;
    assert_eq!(code(&v), (100, 33));
}

#[tokio::test]
async fn media_delete_where_meta_allows_it() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    let car = content(&sb, "carousel_id");
    let (_, kids) = graph(&sb, &t, &format!("/{car}/children")).await;
    let child = ids(&kids)[0].clone();
    let (s, v) = call(&sb, "DELETE", &t, &format!("/{child}"), &[]).await;
    assert_eq!((s, code(&v)), (400, (-1, 2207073)), "{v}");
    // Instagram Login has no media deletion.
    let (_, v) = call(&sb, "DELETE", &ig(&sb), &format!("/{car}"), &[]).await;
    assert_eq!(code(&v), (100, 33));
    let (_, feed) = graph(&sb, &t, &format!("/{u}/media?fields=id&limit=100")).await;
    let before = ids(&feed);
    assert!(before.contains(&car));
    let (s, v) = call(&sb, "DELETE", &t, &format!("/{car}"), &[]).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, serde_json::json!({"success": true, "deleted_id": car}));
    let (_, v) = graph(&sb, &t, &format!("/{car}")).await;
    assert_eq!(code(&v), (100, 33));
    let (_, v) = graph(&sb, &t, &format!("/{child}")).await;
    assert_eq!(code(&v), (100, 33));
    let (_, feed) = graph(&sb, &t, &format!("/{u}/media?fields=id&limit=100")).await;
    assert!(!ids(&feed).contains(&car));
    let (_, me) = graph(&sb, &t, &format!("/{u}?fields=media_count")).await;
    assert_eq!(me["media_count"].as_u64().unwrap() as usize, 179);
    // A story can be deleted too.
    let story = content(&sb, "story_id");
    let (s, _) = call(&sb, "DELETE", &t, &format!("/{story}"), &[]).await;
    assert_eq!(s, 200);
    let (_, st) = graph(&sb, &t, &format!("/{u}/stories")).await;
    assert!(!ids(&st).contains(&story));
    let (_, v) = call(&sb, "DELETE", &t, &format!("/{u}"), &[]).await;
    assert_eq!(code(&v), (100, 33));
}

#[tokio::test]
async fn caption_add_ons() {
    let sb = start();
    let t = fb(&sb);
    let poll = content(&sb, "poll_media_id");
    let prompt = content(&sb, "prompt_media_id");
    let (s, v) = graph(&sb, &t, &format!("/{poll}/poll_attachment")).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["option_a"].is_string() && v["option_b"].is_string());
    assert!(v.get("option_d").is_none());
    let total: f64 = ["a", "b", "c"]
        .iter()
        .map(|k| v[format!("option_{k}_votes_percentage")].as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 0.001, "{v}");
    assert!(v["expiration_timestamp"].is_string());
    let (_, v) = graph(&sb, &t, &format!("/{poll}/poll_attachment?date_format=U")).await;
    assert!(v["expiration_timestamp"].is_i64());
    // No poll: null. No field expansion: the media node has no such field.
    let (s, v) = graph(&sb, &t, &format!("/{prompt}/poll_attachment")).await;
    assert_eq!((s, v), (200, Value::Null));
    let (_, v) = graph(&sb, &t, &format!("/{poll}?fields=id,poll_attachment")).await;
    assert_eq!(code(&v).0, 100);
    let (_, v) = graph(&sb, &ig(&sb), &format!("/{poll}/poll_attachment")).await;
    assert_eq!(code(&v).0, 190);
    let (s, v) = graph(
        &sb,
        &t,
        &format!("/{prompt}/prompt_response?fields=id,text,username"),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["data"].as_array().unwrap().len() >= 2);
    let (_, v) = graph(&sb, &t, &format!("/{poll}/prompt_response")).await;
    assert!(v["data"].as_array().unwrap().is_empty());
    let (_, v) = graph(&sb, &ig(&sb), &format!("/{prompt}/prompt_response")).await;
    assert_eq!(code(&v).0, 190);
    let (_, v) = graph(
        &sb,
        &t,
        &format!("/{}/poll_attachment", content(&sb, "story_id")),
    )
    .await;
    assert_eq!(code(&v).0, 100);
}

#[tokio::test]
async fn stats_count_the_content_endpoints() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    for q in ["a", "b", "a"] {
        graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q={q}")).await;
    }
    let mid = content(&sb, "media_id");
    call(
        &sb,
        "POST",
        &t,
        &format!("/{mid}/comments"),
        &[("message", "counted")],
    )
    .await;
    let s = stats(&sb).await;
    let by = &s["by_endpoint"];
    assert_eq!(by["GET /ig_hashtag_search"], 3, "{by}");
    assert_eq!(by["POST /{id}/comments"], 1, "{by}");
    let writes = s["writes"].to_string();
    assert!(writes.contains("comments"), "{writes}");
}

#[tokio::test]
async fn mentions_announced_by_webhook_simulation_are_readable() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    let (s, v) = admin(
        &sb,
        "webhooks/simulate",
        serde_json::json!({"event": "mention", "in": "comment"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let made = &v["created"][0];
    let (mid, cid) = (
        made["media_id"].as_str().unwrap().to_owned(),
        made["comment_id"].as_str().unwrap().to_owned(),
    );
    let f = format!("mentioned_comment.comment_id({cid}){{id,text,media{{id}}}}");
    let (s, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["mentioned_comment"]["media"]["id"], mid.as_str());
    let (s, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{u}/mentions"),
        &[
            ("media_id", &mid),
            ("comment_id", &cid),
            ("message", "On it"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = admin(
        &sb,
        "webhooks/simulate",
        serde_json::json!({"event": "mention"}),
    )
    .await;
    let mid = v["created"][0]["media_id"].as_str().unwrap().to_owned();
    let f = format!("mentioned_media.media_id({mid}){{caption}}");
    let (s, v) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["mentioned_media"]["caption"]
        .as_str()
        .unwrap()
        .contains("@sandbox.studio"));
}

#[tokio::test]
async fn replies_refused_while_comments_are_off_and_searches_page_with_links() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    let mid = content(&sb, "media_id");
    let top = content(&sb, "comment_id");
    let (s, _) = call(
        &sb,
        "POST",
        &t,
        &format!("/{mid}"),
        &[("comment_enabled", "false")],
    )
    .await;
    assert_eq!(s, 200);
    let (_, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{top}/replies"),
        &[("message", "hi")],
    )
    .await;
    assert_eq!(code(&v).0, 10, "{v}");
    let (_, v) = call(
        &sb,
        "POST",
        &t,
        &format!("/{mid}/comments"),
        &[("message", "hi")],
    )
    .await;
    assert_eq!(code(&v).0, 10, "{v}");
    // recently_searched_hashtags is an ordinary edge: `next` while more remain.
    for i in 0..4 {
        graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q=p{i}")).await;
    }
    let (_, v) = graph(&sb, &t, &format!("/{u}/recently_searched_hashtags?limit=3")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 3);
    let next = v["paging"]["next"].as_str().unwrap().to_owned();
    let (_, v2) = support::get(&next).await;
    assert_eq!(v2["data"].as_array().unwrap().len(), 1);
    assert!(v2["paging"].get("next").is_none());
}

#[tokio::test]
async fn reset_restores_the_content_world_and_tiny_worlds_still_seed() {
    let sb = start();
    let (t, u) = (fb(&sb), sb.ig_user_id().to_owned());
    for i in 0..30 {
        graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q=r{i}")).await;
    }
    let inv = content(&sb, "collaboration_invite_media_id");
    let path = format!("/{u}/collaboration_invites");
    call(
        &sb,
        "POST",
        &t,
        &path,
        &[("media_id", &inv), ("accept", "true")],
    )
    .await;
    let (s, _) = admin(&sb, "reset", serde_json::json!({})).await;
    assert_eq!(s, 200);
    let (s, _) = graph(&sb, &t, &format!("/ig_hashtag_search?user_id={u}&q=fresh")).await;
    assert_eq!(s, 200);
    let (_, v) = graph(&sb, &t, &path).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    // The same ids after a reset: the info JSON stays true.
    let f = format!(
        "mentioned_media.media_id({}){{id}}",
        content(&sb, "mentioned_media_id")
    );
    let (s, _) = graph(&sb, &t, &format!("/{u}?fields={}", urlencode(&f))).await;
    assert_eq!(s, 200);
    for n in [1, 2, 3] {
        let tiny = support::start_json(serde_json::json!({ "media_count": n }));
        let c = &tiny.info_json()["content"];
        assert!(
            c["username"].is_string() && c["live_media_id"].is_string(),
            "{c}"
        );
        let (s, v) = graph(
            &tiny,
            tiny.facebook_access_token(),
            &format!("/{}/tags", tiny.ig_user_id()),
        )
        .await;
        assert_eq!(s, 200, "{v}");
    }
}
