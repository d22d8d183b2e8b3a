//! Instagram Graph API core: one client for both login flavours (Facebook Login on
//! graph.facebook.com, Instagram Login on graph.instagram.com), a catalogue of operations
//! declared once, cursor paging and Meta's error classes. The Graph API simulator lives in the
//! separate crate `instagram-graph-sandbox`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Error carries every Graph field (subcode, fbtrace_id, user messages, ...) so the bindings can
// surface them; failures are the rare path, so the size of Result's Err side does not matter.
#![allow(clippy::result_large_err)]

pub mod client;
pub mod config;
pub mod error;
pub mod flow;
pub mod headers;
pub mod ops;
pub mod pacing;
pub mod paging;
pub mod panic_hook;
pub mod redact;
pub mod request;
pub mod retry;
pub mod shortcode;
pub mod token;
pub mod transport;
pub mod usage;
pub mod version;
pub mod webhook;

pub use client::{CallOutcome, Client};
pub use config::{ClientConfig, Login, DEFAULT_API_VERSION};
pub use error::{Error, ErrorKind, Result};
pub use flow::{CallOptions, CallReport, CancelToken, Executor, Progress, ProgressFn};
pub use ops::{operations, Flow, Operation};
pub use paging::{Page, Paginator};
pub use token::{OnTokenRefresh, TokenInfo};
