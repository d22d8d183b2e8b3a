//! Soak: walk every media and every comment of the demo account with 20% injected faults
//! (every kind the sandbox has), and check every item arrives exactly once and every failure
//! left over is typed. Bounded: the walk gives up after a fixed number of resumes.
//!
//! Writes: each planned write is sent once through the client (which resends only what provably
//! never reached Meta or a throttle refused), and the sandbox's ledger of executed writes must
//! show none applied twice. Until the catalogue has write operations, the writes are raw Graph
//! requests (comment replies); catalogue writes join [`planned_writes`] as they land.

use instagram_graph::{Client, ErrorKind, Paginator};
use instagram_graph_sandbox::{Sandbox, SandboxOptions};

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

/// Resumes allowed per walk after an error that survived the client's own retries.
const MAX_RESUMES: u32 = 200;

#[derive(Default, Debug)]
struct Tally {
    pages: u64,
    requests: u64,
    retries: u64,
    waited_ms: u64,
    /// Errors that survived the client's retries, by kind: the walk resumed after each.
    surfaced: BTreeMap<&'static str, u64>,
    /// Every surfaced error as text, for the secrets scan.
    texts: Vec<String>,
}

/// Walk `p` to the end, resuming after surfaced errors; returns every item.
async fn walk(mut p: Paginator, tally: &mut Tally) -> Vec<Value> {
    let mut items = Vec::new();
    let mut resumes = 0;
    loop {
        match p.next_page().await {
            Ok(Some(page)) => {
                tally.pages += 1;
                items.extend(page.data);
            }
            Ok(None) => break,
            Err(e) => {
                // Typed, and one of the kinds faults produce.
                assert!(
                    matches!(
                        e.kind,
                        ErrorKind::Transient
                            | ErrorKind::Transport
                            | ErrorKind::RateLimited
                            | ErrorKind::NotFound
                            | ErrorKind::Auth
                            | ErrorKind::UnexpectedResponse
                    ),
                    "untyped failure: {e:?}"
                );
                *tally.surfaced.entry(e.kind.as_str()).or_default() += 1;
                tally
                    .texts
                    .extend([format!("{e}"), format!("{e:?}"), e.to_json().to_string()]);
                resumes += 1;
                assert!(resumes <= MAX_RESUMES, "walk keeps failing: {e}");
                if let Some(wait) = e.retry_after.filter(|w| w.as_secs() < 5) {
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
    let r = p.report();
    tally.requests += u64::from(r.requests);
    tally.retries += u64::from(r.retries);
    tally.waited_ms += r.waited_ms;
    items
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|v| v["id"].as_str().expect("every item has an id").to_owned())
        .collect()
}

fn assert_once(what: &str, got: &[String], want: &HashSet<String>) {
    let unique: HashSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "{what}: an item came twice");
    let got: HashSet<String> = got.iter().cloned().collect();
    assert_eq!(&got, want, "{what}: items differ from the fault-free walk");
}

/// Every comment and reply of `media`, walking eight media at a time (as a user fanning out
/// would): pacing waits after throttles then overlap instead of adding up.
async fn all_comments(c: &Client, media: &[String], tally: &mut Tally) -> Vec<String> {
    use futures::stream::{self, StreamExt};
    let walks = stream::iter(media.iter().cloned())
        .map(|m| {
            let c = c.clone();
            async move {
                let p = c
                    .paginate(
                        "comments.list",
                        json!({"media_id": m, "fields": "id,replies{id}"}),
                        None,
                    )
                    .unwrap();
                let mut t = Tally::default();
                let items = walk(p, &mut t).await;
                (items, t)
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    let mut out = Vec::new();
    for (items, t) in walks {
        tally.pages += t.pages;
        tally.requests += t.requests;
        tally.retries += t.retries;
        tally.waited_ms += t.waited_ms;
        for (k, v) in t.surfaced {
            *tally.surfaced.entry(k).or_default() += v;
        }
        tally.texts.extend(t.texts);
        for comment in items {
            out.push(comment["id"].as_str().unwrap().to_owned());
            for r in comment
                .pointer("/replies/data")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push(r["id"].as_str().unwrap().to_owned());
            }
        }
    }
    out
}

/// The writes of the soak: (description, request). Each is sent exactly once by the test.
fn planned_writes(comments: &[String]) -> Vec<(String, instagram_graph::request::GraphRequest)> {
    comments
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, c)| {
            let req = instagram_graph::request::GraphRequest::post([c.as_str(), "replies"])
                .form("message", format!("soak reply {i}"));
            (format!("reply to {c}"), req)
        })
        .collect()
}

#[derive(Default, Debug)]
struct WriteTally {
    ok: u64,
    /// Failed after Meta may have executed it: never resent.
    ambiguous: u64,
    /// Failed in a way that proves it was not executed.
    refused: u64,
}

async fn send_writes(c: &Client, comments: &[String], tally: &mut Tally) -> WriteTally {
    let mut w = WriteTally::default();
    for (what, req) in planned_writes(comments) {
        match c.send(&req, false).await {
            Ok(v) => {
                assert!(v["id"].is_string(), "{what}: {v}");
                w.ok += 1;
            }
            Err(e) => {
                tally
                    .texts
                    .extend([format!("{e}"), format!("{e:?}"), e.to_json().to_string()]);
                match e.delivery {
                    instagram_graph::error::Delivery::Unknown => w.ambiguous += 1,
                    _ => w.refused += 1,
                }
            }
        }
    }
    w
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_everything_exactly_once_under_faults() {
    let started = Instant::now();
    let clean = Sandbox::start(SandboxOptions::default()).expect("sandbox");
    let client = |sb: &Sandbox| {
        Client::from_json(&json!({
            "access_token": sb.access_token(),
            "base_url": sb.url(),
            "timeout_ms": 1000,
            "max_retries": 6,
            "max_total_wait_ms": 20_000,
        }))
        .unwrap()
    };
    // The truth: the same seed without faults.
    let c = client(&clean);
    let mut t0 = Tally::default();
    let media = ids(&walk(
        c.paginate("media.list", json!({"fields": "id"}), None)
            .unwrap(),
        &mut t0,
    )
    .await);
    let comments = all_comments(&c, &media, &mut t0).await;
    assert!(
        media.len() >= 150 && comments.len() >= 1000,
        "demo account is big enough"
    );
    let want_media: HashSet<String> = media.iter().cloned().collect();
    let want_comments: HashSet<String> = comments.iter().cloned().collect();

    let mut opts = SandboxOptions::default();
    opts.faults.rate = 0.2;
    opts.faults.seed = 7;
    // Slower than the client's 1 s timeout, but not by much: the soak stays around a minute.
    opts.faults.slow_ms = 1500;
    let faulty = Sandbox::start(opts).expect("sandbox with faults");
    let c = client(&faulty);
    let mut t = Tally::default();
    let got_media = ids(&walk(
        c.paginate("media.list", json!({"fields": "id"}), None)
            .unwrap(),
        &mut t,
    )
    .await);
    assert_once("media", &got_media, &want_media);
    let got_comments = all_comments(&c, &got_media, &mut t).await;
    assert_once("comments", &got_comments, &want_comments);
    assert!(t.retries > 0, "faults were injected and retried: {t:?}");
    let walked = started.elapsed();
    let w = send_writes(&c, &got_comments, &mut t).await;
    let stats: Value = reqwest::get(format!("{}/_sandbox/stats", faulty.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let writes = &stats["writes"];
    assert_eq!(writes["duplicates"], 0, "no write applied twice: {writes}");
    let executed = writes["executed"].as_u64().unwrap();
    assert!(
        executed >= w.ok && executed <= w.ok + w.ambiguous,
        "every acknowledged write executed once, ambiguous ones at most once: {w:?}, executed {executed}"
    );
    crate::secrets::record_with(&t.texts, &[faulty.access_token(), faulty.app_secret()]);
    println!(
        "soak (rust): {} media, {} comments, {} writes ({} ok, {} ambiguous, {} refused; {} executed, 0 twice), {} pages, {} requests, {} retries, {} ms waited, surfaced {:?}, {:.1} s ({:.1} s walking)",
        got_media.len(),
        got_comments.len(),
        w.ok + w.ambiguous + w.refused,
        w.ok,
        w.ambiguous,
        w.refused,
        executed,
        t.pages,
        t.requests,
        t.retries,
        t.waited_ms,
        t.surfaced,
        started.elapsed().as_secs_f64(),
        walked.as_secs_f64()
    );
}
