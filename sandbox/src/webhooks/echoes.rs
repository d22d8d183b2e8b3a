//! Echoes of the business's own sends: every message the Send API accepted (private replies
//! included) comes back as Meta's `messages` webhook with `is_echo: true` (graph-api.md §3.1:
//! `message_echoes` is Messenger-only, Instagram echoes arrive in `messages` on both login
//! flavours; §3.4: `entry.id` and `sender.id` are the IG account, `recipient.id` the person).
//!
//! The Send API queues them (`messaging::State::outbox`); [`flush`] runs after every Graph
//! request and hands them to a background task, so the send's answer never waits for (or
//! depends on) the callback. Each echo is gated, signed and recorded exactly like a simulated
//! event (`admin::target`, `deliver::headers_for`, `deliver::record`, `deliver::send`).

use super::admin::{pages_of, target};
use super::{deliver, meta_json, DState, Delivery};
use crate::messaging::Echo;
use crate::routes::{lock, Shared};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// The webhook field Meta uses for Instagram echoes, on both login flavours.
pub(crate) const FIELD: &str = "messages";

/// How long the task waits before the first echo POST: the send's answer is written first (Meta
/// answers the Send API, then notifies).
const AFTER_ANSWER: Duration = Duration::from_millis(10);

/// One echo ready to go: whose account it is, what to send and where.
struct Ready {
    account_id: String,
    echo: Echo,
    /// The callback URL and whether to add the SHA-1 header.
    url: String,
    sha1: bool,
}

/// Take the queued echoes and deliver them in the background (in send order). The gate is the
/// subscriptions at the time of the send; only the POSTs happen later. Must run inside the
/// server's runtime; does nothing when no echo is queued.
pub(crate) fn flush(sh: &Arc<Shared>) {
    let (queued, secret) = {
        let mut w = lock(&sh.world);
        if w.messaging.outbox.is_empty() {
            return;
        }
        let out = std::mem::take(&mut w.messaging.outbox);
        let queued: Vec<(String, Vec<usize>, Echo)> = out
            .into_iter()
            .filter_map(|echo| {
                let account_id = w.accounts.get(echo.account)?.user.id.clone();
                Some((account_id, pages_of(&w, echo.account), echo))
            })
            .collect();
        (queued, w.app.secret.clone())
    };
    let (ready, generation) = {
        let h = lock(&sh.hooks);
        let ready: Vec<Ready> = queued
            .into_iter()
            .filter_map(|(account_id, pages, echo)| {
                // Not subscribed: Meta sends nothing, and nothing is recorded (as `simulate`).
                let (url, sha1) = target(&h, echo.account, &pages, FIELD).ok()?;
                Some(Ready {
                    account_id,
                    echo,
                    url,
                    sha1,
                })
            })
            .collect();
        (ready, h.generation)
    };
    if ready.is_empty() {
        return;
    }
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let sh = Arc::clone(sh);
    rt.spawn(async move {
        tokio::time::sleep(AFTER_ANSWER).await;
        for r in ready {
            deliver_one(&sh, &secret, generation, r).await;
        }
    });
}

/// The whole webhook body of one echo, `entry.time` and `timestamp` in milliseconds as Meta's
/// messaging examples have them.
fn payload(r: &Ready, now_ms: i64) -> Value {
    // The send happened a moment before the notification (Meta's examples show `timestamp` some
    // hundred ms before `entry.time`), never before the second it was sent.
    let ts = (now_ms - 700).max(r.echo.at.saturating_mul(1000));
    let mut item = Map::new();
    item.insert("sender".into(), json!({ "id": r.account_id }));
    item.insert("recipient".into(), json!({ "id": r.echo.igsid }));
    item.insert("timestamp".into(), json!(ts));
    item.insert("message".into(), r.echo.message.clone());
    json!({
        "object": "instagram",
        "entry": [{"id": r.account_id, "time": now_ms, "messaging": [Value::Object(item)]}],
    })
}

async fn deliver_one(sh: &Arc<Shared>, secret: &str, generation: u64, r: Ready) {
    let now_ms = deliver::virtual_ms(sh);
    let body = meta_json::to_string(&payload(&r, now_ms));
    let headers = deliver::headers_for(secret, body.as_bytes(), r.sha1);
    let id = {
        let mut h = lock(&sh.hooks);
        // An echo of a world that `POST /_sandbox/reset` replaced in between is dropped.
        if h.generation != generation {
            return;
        }
        deliver::record(
            &mut h,
            Delivery {
                id: String::new(),
                url: r.url,
                body: Arc::from(body),
                headers,
                event: "message_echo".to_owned(),
                field: FIELD.to_owned(),
                repeats: None,
                state: DState::Retrying,
                attempts: Vec::new(),
            },
        )
    };
    // Resolves after the first attempt; retries go on in their own task.
    let _ = deliver::send(sh, &id, false).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_echo_goes_from_the_account_to_the_person() {
        let r = Ready {
            account_id: "17841400000000001".to_owned(),
            url: "http://127.0.0.1:9/hook".to_owned(),
            sha1: true,
            echo: Echo {
                account: 0,
                igsid: "1234567890123456".to_owned(),
                message: json!({"mid": "m1", "text": "hi", "is_echo": true}),
                at: 1_800_000_000,
            },
        };
        let p = payload(&r, 1_800_000_000_900);
        let e = &p["entry"][0];
        assert_eq!(p["object"], "instagram");
        assert_eq!(e["id"], "17841400000000001");
        assert_eq!(e["time"], 1_800_000_000_900_i64);
        let m = &e["messaging"][0];
        assert_eq!(m["sender"]["id"], "17841400000000001");
        assert_eq!(m["recipient"]["id"], "1234567890123456");
        assert_eq!(m["timestamp"], 1_800_000_000_200_i64);
        assert_eq!(m["message"]["mid"], "m1");
        assert_eq!(m["message"]["is_echo"], true);
        // Never before the second of the send.
        let p = payload(&r, 1_800_000_000_100);
        assert_eq!(
            p["entry"][0]["messaging"][0]["timestamp"],
            1_800_000_000_000_i64
        );
    }
}
