//! The core's one integration binary: fixtures, a scripted fake Graph server, and the sandbox.

mod auth;
mod comments;
mod conformance;
mod engine;
mod fake;
mod fixtures;
mod graph_request;
mod hashtags;
mod media_ops;
mod messaging;
mod paging;
mod sandbox;
mod secrets;
mod soak;
mod stories;
mod subscriptions;
mod transport;
mod users;
mod webhook;
mod webhook_schema;
