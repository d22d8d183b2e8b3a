//! Content endpoints beyond the feed as Meta documents them (graph-api.md §1.3–§1.8, §6):
//! business discovery, hashtags and their 7-day budget, mentions, tags, live media,
//! collaboration invites and collaborators, comment writes and moderation, comments enabled,
//! media deletion, caption add-ons and the content publishing limit.
//!
//! Other Instagram accounts (discoverable businesses, a personal account, the accounts that tag
//! or mention the demo account) live here, not in `World::accounts`: the caller can never
//! manage them, only read what Meta's public-content surfaces show of them.
//!
//! | endpoint | login | answers / rules |
//! |---|---|---|
//! | `GET /{ig-user-id}?fields=business_discovery.username(N){…,media.after(c).limit(n){…}}` | FB | profile + media (`.since/.until/.before` too); media `paging` has `cursors` only; personal or unknown username → 110/2207013 "Invalid user id" |
//! | `GET /ig_hashtag_search?user_id=&q=` | FB | `{"data":[{"id"}]}`; 30 unique hashtags per rolling 7 days per account (virtual clock; repeats free, no timer reset) → 18/2207034 |
//! | `GET /{hashtag-id}?fields=id,name` | FB | the hashtag |
//! | `GET /{hashtag-id}/top_media`, `/recent_media` `?user_id=&fields=` | FB | most liked / last 24 h newest first; ≤ 50 a page; `paging.cursors.after` only (no `before`, `next`, `previous`); no `username`/`owner` |
//! | `GET /{ig-user-id}/recently_searched_hashtags` | FB | searches of the last 7 days, newest first; 25 a page, ≤ 30 |
//! | `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config[&since=]` | both | `{"data":[{"quota_usage","config":{"quota_total","quota_duration"}}]}` |
//! | `GET /{ig-user-id}?fields=mentioned_media.media_id(X){…}`, `mentioned_comment.comment_id(Y){…}` | FB | the mentioning media / comment (seeded or announced by the `mention` webhook simulation); others → 100/33 |
//! | `POST /{ig-user-id}/mentions` `media_id`[, `comment_id`], `message` | FB | `{"id"}`: comment on the mentioning media / reply to the mentioning comment |
//! | `GET /{ig-user-id}/tags` | FB | others' public media the account is tagged in, with `username`; `cursors` without `next`/`previous` |
//! | `GET /{ig-user-id}/live_media` | both | live videos in progress (`since`/`until`) |
//! | `GET/POST /{ig-user-id}/collaboration_invites` (`media_id`, `accept`) | FB | pending invites / `{"success":true}` |
//! | `GET /{ig-media-id}/collaborators` | both | `{"data":[{"id","username","invite_status"}]}` |
//! | `GET /{ig-media-id}/poll_attachment[?date_format=U]`, `/prompt_response` | FB | caption add-ons; not as `fields=` on the media; no stories |
//! | `POST /{ig-media-id}/comments`, `POST /{ig-media-id}?comment_enabled=`, `DELETE /{id}` | see `writes.rs` | comment create (refused while comments are off), toggle, comment and media deletion |

mod hashtags;
mod public;
mod routes;
mod seed;

use crate::auth::Caller;
use crate::errors::GraphError;
use crate::graph::RouteReq;
use crate::world::{Account, World};
use serde_json::Value;
use std::collections::BTreeMap;

pub(crate) use seed::seed;

/// Seconds a hashtag search counts against the budget (rolling 7 days, graph-api.md §1.6).
pub(crate) const HASHTAG_WINDOW_SECS: i64 = 7 * 86_400;
/// Unique hashtags an account may search per rolling window.
pub(crate) const HASHTAG_BUDGET: usize = 30;

/// Another Instagram account, seen from the outside.
#[derive(Debug, Clone)]
pub(crate) struct Other {
    pub acc: Account,
    /// A Business or Creator account (Business Discovery finds it); personal accounts are not.
    pub business: bool,
    /// Private accounts' media never appear on public surfaces (tags, hashtags).
    pub private: bool,
}

/// One hashtag search of an account (the first within the window starts its 7 days).
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub hashtag_id: String,
    pub at: i64,
}

/// Whether the demo account answered a collaboration invite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InviteStatus {
    Pending,
    Accepted,
    Declined,
}

impl InviteStatus {
    /// Meta's spelling on `/collaborators` (casing UNCONFIRMED, graph-api.md §1.4).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            InviteStatus::Pending => "Pending",
            InviteStatus::Accepted => "Accepted",
            InviteStatus::Declined => "Declined",
        }
    }
}

/// An invitation to the demo account to be a collaborator on another account's media.
#[derive(Debug, Clone)]
pub(crate) struct Invite {
    /// Index into [`State::others`].
    pub owner: usize,
    pub media_id: String,
    pub status: InviteStatus,
}

/// A collaborator on one of the demo account's media.
#[derive(Debug, Clone)]
pub(crate) struct Collaborator {
    pub id: String,
    pub username: String,
    pub status: InviteStatus,
}

/// A caption poll (caption add-on, changes-2026h2.md §3.2).
#[derive(Debug, Clone)]
pub(crate) struct Poll {
    pub options: Vec<String>,
    /// Share of votes per option, fractions summing to 1.
    pub shares: Vec<f64>,
    pub expires_at: i64,
}

/// A live video of the demo account (in its media map, outside its feed).
#[derive(Debug, Clone)]
pub(crate) struct Live {
    pub media_id: String,
    pub ends_at: i64,
}

/// Content state of one sandbox (discoverable accounts, hashtags, searches, invites).
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    pub others: Vec<Other>,
    /// Hashtag names by their global id (seeded ones and every name searched since).
    pub hashtags: BTreeMap<String, String>,
    /// Hashtag searches per IG user id, oldest first.
    pub searches: BTreeMap<String, Vec<Search>>,
    /// Media of other accounts the demo account is tagged in: (other index, media id).
    pub tagged: Vec<(usize, String)>,
    pub invites: Vec<Invite>,
    /// Collaborators of the demo account's media, by media id.
    pub collaborators: BTreeMap<String, Vec<Collaborator>>,
    pub live: Vec<Live>,
    pub polls: BTreeMap<String, Poll>,
    /// Media with a comment prompt (its top-level comments are the responses).
    pub prompts: Vec<String>,
    /// The ids `/_sandbox/info` names under `content` (fixed at seed time).
    pub info: Value,
}

impl State {
    /// The other account with this username (case-insensitive, as Instagram usernames are).
    pub(crate) fn other_by_username(&self, name: &str) -> Option<usize> {
        self.others
            .iter()
            .position(|o| o.acc.user.username.eq_ignore_ascii_case(name))
    }

    /// The other account owning a media or comment id.
    pub(crate) fn owner_of(&self, id: &str) -> Option<usize> {
        self.others
            .iter()
            .position(|o| o.acc.media.contains_key(id) || o.acc.comments.contains_key(id))
    }
}

/// What `/_sandbox/info` shows under `content`.
pub(crate) fn info(world: &World) -> Value {
    world.content.info.clone()
}

/// Serve the request when it is a content path; `None` leaves it to the older routers.
pub(crate) fn route(
    world: &mut World,
    caller: &Caller,
    req: &RouteReq,
) -> Option<Result<Value, GraphError>> {
    routes::route(world, caller, req)
}
