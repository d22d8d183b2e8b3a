//! Core webhook throughput: verify + parse of a signed 1,000-update delivery, in MB/s.
//!
//! `cargo run --release -p instagram-graph --example webhook_throughput [-- BODY_FILE]`
//!
//! Without an argument it builds a delivery shaped like Meta's (graph-api.md §3.4–3.5): 250
//! entries of 4 updates each — text messages with escaped emoji, image and reel attachments with
//! CDN URLs, reactions, seen receipts, comments and replies — with realistic id lengths, compact
//! and escaped as Meta sends it (`\uXXXX`, `\/`). With BODY_FILE it measures that body instead
//! (for example fixtures/webhooks/events/batch_1000.body). Prints one JSON line:
//! `{"core_mb_per_s", "parse_mb_per_s", "verify_mb_per_s", "parse_to_json_mb_per_s",
//! "serde_json_value_mb_per_s", ...}` (the last: serde_json's Value alone, the floor of the parse)
//! (MB = 10^6 bytes; each figure is the best of several timed rounds).

use hmac::{Hmac, Mac};
use instagram_graph::webhook;
use sha2::Sha256;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const SECRET: &str = "bench-app-secret-0123456789abcdef";
const ENTRIES: usize = 250;
const PER_ENTRY: usize = 4;

/// A message id of the length Meta's are (~150 characters of base64).
fn mid(n: usize) -> String {
    let mut s = String::from("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1NzI2NjUzMDI2OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1");
    let _ = write!(
        s,
        "OTc2NDk4MDg1NTcxODgxNjozMTgxNTQ2NjA1NzEwMjQ3ODQ0NDQ2MDg0MzQ4MDk2{n:012}ZD"
    );
    s
}

fn cdn(n: usize, kind: &str) -> String {
    format!(
        "https:\\/\\/lookaside.fbsbx.com\\/ig_messaging_cdn\\/?asset_id={n}{n:08}&signature=AbzXk\
         Q1b2lZ9c0Nq7yJ8m3vR5tW6uE4oP1aS2dF3gH4jK5lZ6xC7vB8nM9qW0eR1tY2uI3oP4aS5dF6gH7jK8lZ9_{kind}"
    )
}

fn messaging_item(n: usize, account: &str) -> String {
    let sender = format!("{}", 6_000_000_000_000_000u64 + n as u64);
    let ts = 1_757_500_000_000u64 + n as u64 * 37;
    let head = format!(
        "{{\"sender\":{{\"id\":\"{sender}\"}},\"recipient\":{{\"id\":\"{account}\"}},\"timestamp\":{ts},"
    );
    let body = match n % 6 {
        0 | 1 => format!(
            "\"message\":{{\"mid\":\"{}\",\"text\":\"Hi! Is the caf\\u00e9 open on Sunday? \
             \\ud83d\\ude0a Order #{n} \\/ table 4\"}}}}",
            mid(n)
        ),
        2 => format!(
            "\"message\":{{\"mid\":\"{}\",\"attachments\":[{{\"type\":\"image\",\"payload\":{{\"url\":\"{}\"}}}}]}}}}",
            mid(n),
            cdn(n, "image")
        ),
        3 => format!(
            "\"message\":{{\"mid\":\"{}\",\"attachments\":[{{\"type\":\"ig_reel\",\"payload\":{{\"url\":\"{}\",\"title\":\"Sunday brunch \\u2615\",\"reel_video_id\":\"{}\"}}}}]}}}}",
            mid(n),
            cdn(n, "reel"),
            18_000_000_000_000_000u64 + n as u64
        ),
        4 => format!(
            "\"reaction\":{{\"mid\":\"{}\",\"action\":\"react\",\"reaction\":\"love\",\"emoji\":\"\\u2764\\ufe0f\"}}}}",
            mid(n - 1)
        ),
        _ => format!("\"read\":{{\"mid\":\"{}\"}}}}", mid(n - 2)),
    };
    head + &body
}

fn comment_change(n: usize) -> String {
    let parent = if n % 3 == 0 {
        format!(
            "\"parent_id\":\"{}\",",
            17_858_893_269_000_000u64 + n as u64
        )
    } else {
        String::new()
    };
    format!(
        "{{\"field\":\"comments\",\"value\":{{\"from\":{{\"id\":\"{}\",\"username\":\"user_{n}\"}},\
         \"id\":\"{}\",{parent}\"text\":\"Love this! \\ud83d\\ude0d Where can I buy it? \\u00bfPrecio?\",\
         \"media\":{{\"id\":\"{}\",\"media_product_type\":\"FEED\"}}}}}}",
        6_100_000_000_000_000u64 + n as u64,
        17_865_799_348_000_000u64 + n as u64,
        17_918_195_224_000_000u64 + (n / 10) as u64,
    )
}

/// The default delivery: even entries carry messaging items, odd ones comment changes.
fn build() -> Vec<u8> {
    let account = "17841405726653026";
    let mut entries = Vec::with_capacity(ENTRIES);
    let mut n = 10;
    for e in 0..ENTRIES {
        let items: Vec<String> = (0..PER_ENTRY)
            .map(|_| {
                n += 1;
                if e % 2 == 0 {
                    messaging_item(n, account)
                } else {
                    comment_change(n)
                }
            })
            .collect();
        let (key, time) = if e % 2 == 0 {
            ("messaging", 1_757_500_000_000u64 + e as u64)
        } else {
            ("changes", 1_757_500_000u64 + e as u64)
        };
        entries.push(format!(
            "{{\"id\":\"{account}\",\"time\":{time},\"{key}\":[{}]}}",
            items.join(",")
        ));
    }
    format!(
        "{{\"object\":\"instagram\",\"entry\":[{}]}}",
        entries.join(",")
    )
    .into_bytes()
}

fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Best MB/s of `rounds` rounds of `iters` calls of `f` over `bytes` bytes.
fn measure(bytes: usize, iters: u32, rounds: u32, f: &mut dyn FnMut()) -> f64 {
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        best = best.min(t.elapsed());
    }
    (bytes as f64 * f64::from(iters)) / best.as_secs_f64() / 1e6
}

fn main() {
    let body = match std::env::args().nth(1) {
        Some(path) => std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
        None => build(),
    };
    let header = sign(&body);
    let events = webhook::parse(&body).expect("the delivery parses");
    assert!(webhook::verify_signature(&body, &header, SECRET).expect("well-formed"));
    // Enough calls for ~0.2 s a round at a few hundred MB/s, whatever the body's size.
    let iters = (60_000_000 / body.len().max(1)).clamp(5, 100_000) as u32;
    let rounds = 7;
    // WEBHOOK_BENCH_ONLY=<phase> runs one phase (for a profiler); the others print 0.
    let only = std::env::var("WEBHOOK_BENCH_ONLY").ok();
    let run = |phase: &str, f: &mut dyn FnMut()| -> f64 {
        if only.as_deref().is_some_and(|o| o != phase) {
            return 0.0;
        }
        (measure(body.len(), iters, rounds, f) * 10.0).round() / 10.0
    };
    let verify = run("verify", &mut || {
        let ok = webhook::verify_signature(&body, &header, SECRET);
        std::hint::black_box(ok.ok());
    });
    let parse = run("parse", &mut || {
        std::hint::black_box(webhook::parse(std::hint::black_box(&body)).ok());
    });
    let core = run("core", &mut || {
        let ok = webhook::verify_signature(&body, &header, SECRET).unwrap_or(false);
        if ok {
            std::hint::black_box(webhook::parse(std::hint::black_box(&body)).ok());
        }
    });
    let to_json = run("parse_to_json", &mut || {
        std::hint::black_box(webhook::parse_to_json(std::hint::black_box(&body)).ok());
    });
    // The floor under any Value-based parser: serde_json building the tree alone.
    let value = run("serde_json_value", &mut || {
        let v = serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&body));
        std::hint::black_box(v.ok());
    });
    let line = serde_json::json!({
        "core_mb_per_s": core,
        "parse_mb_per_s": parse,
        "verify_mb_per_s": verify,
        "parse_to_json_mb_per_s": to_json,
        "serde_json_value_mb_per_s": value,
        "body_bytes": body.len(),
        "updates": events.len(),
        "iterations": iters * rounds,
        "target_core_mb_per_s": 300,
    });
    println!("{line}");
}
