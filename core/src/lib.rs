//! Instagram Graph API core: one client for both login flavours (Facebook Login on
//! graph.facebook.com, Instagram Login on graph.instagram.com), a catalogue of operations
//! declared once, cursor paging, Meta's error classes, and an embedded Graph API sandbox.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod config;
pub mod error;
pub mod ops;
pub mod paging;
pub mod redact;
pub mod request;
pub mod transport;
pub mod usage;

#[cfg(feature = "sandbox")]
pub mod sandbox;






