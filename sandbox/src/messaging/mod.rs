//! Messaging as Meta documents it (graph-api.md §1.10): the Send API on `/{ig-id|page-id|me}/messages`
//! with its 24-hour window and HUMAN_AGENT's 7 days, private replies, reactions and sender actions,
//! attachment upload, conversations and their messages, the messenger profile (ice breakers,
//! persistent menu) and IGSID profiles behind consent.

use crate::auth::Caller;
use crate::errors::GraphError;
use crate::graph::RouteReq;
use crate::world::World;
use serde_json::Value;

/// Messaging state of one sandbox (conversations, sent messages, attachments, profiles).
#[derive(Debug, Clone, Default)]
pub(crate) struct State {}

/// Seed the messaging state of a fresh world (deterministic for the world's seed).
pub(crate) fn seed(_world: &mut World) {}

/// Serve the request when it is a messaging path; `None` leaves it to the other routers.
pub(crate) fn route(
    _world: &mut World,
    _caller: &Caller,
    _req: &RouteReq,
) -> Option<Result<Value, GraphError>> {
    None
}
