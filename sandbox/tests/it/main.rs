//! The sandbox over real HTTP (reqwest): Graph data, login flavours, OAuth, clock, faults,
//! webhooks (subscriptions, signed deliveries to a local receiver).

mod clock;
mod faults;
mod flavours;
mod graph;
mod hook;
mod oauth;
mod support;
mod webhooks;
