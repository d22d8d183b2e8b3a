//! The sandbox over real HTTP (reqwest): Graph data, login flavours, OAuth, clock, faults.

mod clock;
mod faults;
mod flavours;
mod graph;
mod oauth;
mod support;
