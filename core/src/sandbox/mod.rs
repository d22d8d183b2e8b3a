//! Embedded Instagram Graph API simulator ("the sandbox").
//!
//! A stateful, seeded server that follows Meta's documented contract (reference/graph-api.md):
//! Graph paths under `/vNN.N/` for both hosts, `fields=` selection with nesting and modifiers,
//! cursor paging with per-edge caps, the error envelope and codes, usage headers, and account
//! and media insights. `GET /_sandbox/stats`, `GET /_sandbox/info` and `POST /_sandbox/reset`
//! let tests look inside.
//!
//! ```no_run
//! use instagram_graph::sandbox::{Sandbox, SandboxOptions};
//! let sb = Sandbox::start(SandboxOptions::default()).unwrap();
//! println!("{} {} {}", sb.url(), sb.access_token(), sb.ig_user_id());
//! ```

// `crate::error::Error` carries every Graph field by value; it is the crate's shared type.

mod errors;
mod fields;
mod insights;
mod links;
mod options;
mod paging;
mod prng;
mod render;
mod routes;
mod seed;
mod server;
mod stats;
mod usage;
mod world;

#[cfg(test)]
mod tests;

pub use options::SandboxOptions;
pub use server::Sandbox;
