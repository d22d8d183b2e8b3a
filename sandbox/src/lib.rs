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
//!
//! Admin endpoints (`/_sandbox/*`):
//!
//! | endpoint | does |
//! |---|---|
//! | `GET /_sandbox/stats` | `{"requests","by_endpoint","faults":{kind:n},"faults_total","faults_on_writes","writes"}` |
//! | `GET /_sandbox/info` | the start line (tokens, ids, app) |
//! | `POST /_sandbox/reset` | world, tokens, codes, clock, stats and fault sequence back to the seed |
//! | `GET/POST /_sandbox/clock` | `{"advance_seconds":N}` or `{"now":t}` → `{"now":t}` |
//! | `GET/POST /_sandbox/faults` | fault settings (below) |
//! | `POST /_sandbox/oauth/code` | `{"login":"instagram"\|"facebook","redirect_uri":…}` → `{"code",…}` |
//! | `GET /_sandbox/oauth/authorize` | 302 to `redirect_uri?code=…#_` (the login dialog) |
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
mod error;
mod errors;
mod faults;
mod fields;
mod graph;
mod insights;
mod ledger;
mod links;
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
