//! Content endpoints beyond the feed as Meta documents them (graph-api.md §1.3–§1.8, §6):
//! business discovery, hashtags and their 7-day budget, mentions, tags, live media,
//! collaboration invites and collaborators, comment writes and moderation, comments enabled,
//! media deletion, caption add-ons and the content publishing limit.

use crate::auth::Caller;
use crate::errors::GraphError;
use crate::graph::RouteReq;
use crate::world::World;
use serde_json::Value;

/// Content state of one sandbox (discoverable accounts, hashtags, searches, invites).
#[derive(Debug, Clone, Default)]
pub(crate) struct State {}

/// Seed the content state of a fresh world (deterministic for the world's seed).
pub(crate) fn seed(_world: &mut World) {}

/// Serve the request when it is a content path; `None` leaves it to the older routers.
pub(crate) fn route(
    _world: &mut World,
    _caller: &Caller,
    _req: &RouteReq,
) -> Option<Result<Value, GraphError>> {
    None
}
