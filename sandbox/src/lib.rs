//! A stateful, seeded Instagram Graph API simulator ("the sandbox"), built from Meta's
//! documents (reference/graph-api.md), independently of the `instagram-graph` client.
//!
//! One URL serves both hosts; the token family decides whose rules apply:
//!
//! * **Instagram Login** tokens (`IGAA…`) get graph.instagram.com: `/me` is the Instagram user,
//!   whose `id` is app-scoped and `user_id` the professional account id used in paths;
//!   `/me/accounts`, Pages, hashtag search, Business Discovery and mentions do not exist there
//!   (answered with 190 "Cannot parse access token", as graph.facebook.com answers IG tokens).
//! * **Facebook Login** tokens (`EAA…`) get graph.facebook.com: `/me` is the Facebook user
//!   (`{id,name}`), `/me/accounts` lists its Pages (a linked one and one without an Instagram
//!   account) each with its own Page token; Page tokens make Page-scoped calls.
//!
//! Both reach the demo account's data the same way: `/{ig-user-id}` and its edges, `fields=`
//! with nesting and modifiers, cursor paging with per-edge caps, insights, comment writes.
//!
//! Token endpoints (§1.11): `GET [/vNN.N]/access_token` (`ig_exchange_token`),
//! `GET [/vNN.N]/refresh_access_token` (`ig_refresh_token`), `POST /oauth/access_token`
//! (api.instagram.com code exchange, `{"error_type","code","error_message"}` errors),
//! `GET /vNN.N/oauth/access_token` (Facebook code exchange and `fb_exchange_token`),
//! `GET /vNN.N/debug_token`. Lifetimes run on a virtual clock: short-lived tokens 1 h,
//! long-lived 60 days, Page tokens never (`expires_at: 0`); codes 1 h, single use.
//! `grant_type=client_credentials` on the Facebook endpoint gives the app access token
//! (`{app-id}|…`, also `app_access_token` in the info JSON; `{app-id}|{app-secret}` works too).
//!
//! Webhooks (graph-api.md §3), Graph side:
//!
//! | endpoint | token | does |
//! |---|---|---|
//! | `POST /vNN.N/{app-id}/subscriptions` | app | `object` (`instagram`\|`page`), `callback_url` (http or https), `verify_token`, `fields` (comma list or JSON array), `include_values`; first `GET callback_url?hub.mode=subscribe&hub.challenge=<int>&hub.verify_token=…`, stored only on a 200 whose body is exactly the challenge (else `(#2200)`); fields add to the object's list → `{"success":true}` |
//! | `GET /vNN.N/{app-id}/subscriptions` | app | `{"data":[{"object","callback_url","active":true,"fields":[{"name","version"}]}]}` |
//! | `DELETE /vNN.N/{app-id}/subscriptions` | app | `object` (and `fields`) removed; none = all → `{"success":true}` |
//! | `POST/GET/DELETE /vNN.N/me/subscribed_apps` | Instagram Login | `subscribed_fields` (Instagram Login fields: no `mentions`, `story_insights`); GET `{"data":[{"id","name","subscribed_fields"}]}` |
//! | `POST/GET/DELETE /vNN.N/{page-id}/subscribed_apps` | that Page's | the same for a Page (`/me/subscribed_apps` with a Page token too); a user token gets `(#210)`, another Page's 100/33 |
//!
//! Delivery rule: an event reaches the callback of the app subscription for object
//! `instagram` only when that subscription has the event's field **and** the account is
//! subscribed: with Instagram Login its `subscribed_fields` include the field, with Facebook
//! Login its linked Page has `subscribed_apps` (any fields). Otherwise `simulate` says why in
//! `undelivered`. The subscription endpoints are outside fault injection. Messages sent through
//! the Send API (and private replies) are echoed the same way, after the answer: `messages` with
//! `is_echo: true` and the answered `mid` (event `message_echo` in the delivery log).
//!
//! Admin endpoints (`/_sandbox/*`):
//!
//! | endpoint | does |
//! |---|---|
//! | `GET /_sandbox/stats` | `{"requests","by_endpoint","faults":{kind:n},"faults_total","faults_on_writes","writes"}` |
//! | `GET /_sandbox/info` | the start line (tokens, ids, app) |
//! | `POST /_sandbox/reset` | world, tokens, codes, clock, stats, fault sequence, webhook subscriptions and deliveries back to the start |
//! | `GET/POST /_sandbox/clock` | `{"advance_seconds":N}` or `{"now":t}` → `{"now":t}` |
//! | `GET/POST /_sandbox/faults` | fault settings (below) |
//! | `GET/POST /_sandbox/messaging` | `{"sending_restricted": bool}`: every Send API call answers 10/1893063 while on (see `messaging`) |
//! | `POST /_sandbox/oauth/code` | `{"login":"instagram"|"facebook","redirect_uri":…}` → `{"code",…}` |
//! | `GET /_sandbox/oauth/authorize` | 302 to `redirect_uri?code=…#_` (the login dialog) |
//! | `POST /_sandbox/webhooks/simulate` | `{"event": kind, ...}` → the activity, signed POST(s) to the callback; answers `{"deliveries":[{"id","callback_url","state","status","attempts","error"?}],"body":"<exact text sent>","events":n,"created":[…],"undelivered"?}` |
//! | `GET /_sandbox/webhooks/deliveries` | `{"data":[{"id","url","attempt","status","error"?,"headers","body","at"}],"deliveries":[summaries]}` |
//! | `POST /_sandbox/webhooks/redeliver` | `{"id"}` → the same bytes and headers again, as a new delivery |
//! | `GET/POST /_sandbox/webhooks/config` | `{"retries","backoff_ms","sha1","timeout_ms"}` |
//! | `GET /_sandbox/webhooks/state` | subscriptions, account and Page subscriptions, `messaging_windows` (`igsid`, `last_incoming_at`, `window_open`, `window_closes_at`), `mentions` |
//!
//! Simulated kinds (field): `message` (`messages`; options `text`, `attachment` = any documented
//! type, `attachment_url`, `quick_reply_payload`, `reply_to_story` = true or `{"id","url"}`,
//! `reply_to_mid`, `referral`/`ad_id`/`ad_title`/`ref`, `is_self`, `is_unsupported`),
//! `message_echo`, `message_deleted` (`messages`), `message_edit` (`mid`, `text`, `num_edit`),
//! `reaction` (`reaction`, `emoji`) and `unreact` (`message_reactions`), `postback` (`title`,
//! `payload`), `referral` (`ref`, `source`, `type`), `seen`, `optin`, `handover` (`action`:
//! pass|take|request, `metadata`), `standby` (`inner`: message|seen|postback), `comment`
//! (`text`, `media_id`, `parent_id` for a reply, `username`, `ad_id`, `original_media_id`),
//! `live_comment`, `mention` (`in`: caption|comment), `story_insights` (`media_id`,
//! `metrics`). Common: `account`, `sender_id` (IGSID or commenter id), `batch` (1..1000 updates
//! in one POST; `batch_mode`: entries|items), `duplicates` (identical resends), `time_unit`
//! (s|ms for `entry.time`), `wait` (first|all attempts). State changes: an incoming message or
//! postback opens the 24-hour messaging window of that IGSID (virtual clock); a comment is a
//! real comment (or reply) that Graph reads list; a mention is recorded; `story_insights`
//! expires the story (gone from `/stories`). Bodies are written as Meta writes them (compact,
//! `\uXXXX` lowercase, `\/`), signed `X-Hub-Signature-256: sha256=…` and, unless
//! `sha1: false`, `X-Hub-Signature: sha1=…`, with `User-Agent: facebookexternalua`. A non-2xx
//! answer or no answer is retried after `backoff_ms`, doubling, `retries` times (defaults 3 ×
//! 100/200/400 ms, real time; options `webhook_*`, flags `--webhook-*`), then recorded as failed.
//!
//! Fault injection (options, command flags `--fault-rate`, `--fault-seed`, …, and
//! `POST /_sandbox/faults`): `fault_rate` (0..1, per Graph request, spread over every kind
//! except `throttle_long`), `fault_seed`, `faults` (`{"http_500":0.1,…}` explicit per-kind
//! probabilities), `fault_endpoints` / `endpoints` (`{"GET /{id}/media":0.5}` total rate per
//! endpoint key), `slow_ms` (default 3000), `regain_minutes` (default 0), `long_regain_minutes`
//! (default 60). Kinds ([`FaultKind::name`]): `http_500`, `code_1`, `code_2`, `throttle_4`,
//! `throttle_17`, `throttle_32`, `throttle_341`, `throttle_613`, `throttle_80001`,
//! `throttle_80002`, `throttle_80006`, `throttle_long`, `connection_reset`, `slow`,
//! `truncated_json`, `unsupported_100_33`, `expired_token`. Throttles, `expired_token` and
//! `unsupported_100_33` refuse a write before it runs; `http_500`, `code_1`, `code_2`,
//! `connection_reset` and `slow` run it first or not (seeded); `truncated_json` always runs it.
//! Executed writes are listed in `stats.writes` with a content key, so a test can check that
//! no write was applied twice.
//!
//! ```no_run
//! use instagram_graph_sandbox::{Sandbox, SandboxOptions};
//! let sb = Sandbox::start(SandboxOptions::default()).unwrap();
//! println!("{} {} {}", sb.url(), sb.access_token(), sb.ig_user_id());
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod admin;
mod auth;
mod clock;
mod content;
mod error;
mod errors;
mod faults;
mod fields;
mod graph;
mod insights;
mod ledger;
mod links;
mod messaging;
mod oauth;
mod options;
mod paging;
mod prng;
mod render;
mod routes;
mod seed;
mod server;
mod stats;
mod timeparse;
mod tokens;
mod usage;
mod webhooks;
mod world;
mod writes;

pub use error::{Error, ErrorKind, Result};
pub use faults::{FaultKind, FaultOptions};
pub use options::SandboxOptions;
pub use server::Sandbox;
pub use webhooks::WebhookOptions;

/// Bounds of [`WebhookOptions`] (what `start`, the command and `/_sandbox/webhooks/config` accept).
pub mod webhooks_limits {
    pub use crate::webhooks::{MAX_BACKOFF_MS, MAX_RETRIES, MAX_TIMEOUT_MS};
}
