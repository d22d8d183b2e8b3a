//! Access tokens as Meta issues them: two families told apart by their prefix, each with an
//! issue time and an expiry on the virtual clock (graph-api.md §1.11).
//!
//! * Instagram Login (`IGAA…`): user tokens of graph.instagram.com, short-lived (1 h) from a code,
//!   long-lived (60 days) after `ig_exchange_token` or `ig_refresh_token`.
//! * Facebook Login (`EAA…`): user tokens (short 1 h from a code, 60 days after
//!   `fb_exchange_token`) and Page tokens, which never expire when they come from a long-lived
//!   user token (`expires_at: 0`).

use crate::errors::GraphError;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Lifetime of a short-lived user token (both families).
pub(crate) const SHORT_LIVED_SECS: i64 = 3600;
/// Lifetime of a long-lived user token (both families): 60 days.
pub(crate) const LONG_LIVED_SECS: i64 = 60 * 24 * 3600;
/// `expires_in` Meta sends for a 60-day token (a little under 60 days, as in its docs).
pub(crate) const LONG_LIVED_EXPIRES_IN: i64 = 5_183_944;
/// A long-lived Instagram token can be refreshed once it is this old.
pub(crate) const REFRESH_MIN_AGE_SECS: i64 = 24 * 3600;
/// Data access expires 90 days after login (general Graph rule).
pub(crate) const DATA_ACCESS_SECS: i64 = 90 * 24 * 3600;

/// The token family, which also says which host's semantics apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// Instagram Login, served as graph.instagram.com serves it.
    Instagram,
    /// Facebook Login, served as graph.facebook.com serves it.
    Facebook,
}

impl Family {
    /// The family a token string claims by its prefix, if any.
    pub(crate) fn of(token: &str) -> Option<Family> {
        if token.starts_with("EAA") {
            Some(Family::Facebook)
        } else if token.starts_with("IG") {
            Some(Family::Instagram)
        } else {
            None
        }
    }
}

/// Who a token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    /// An Instagram Login user: the professional account with this index.
    IgUser(usize),
    /// The Facebook Login user (the one who manages every seeded Page).
    FbUser,
    /// A Page token for the Page with this index.
    Page(usize),
}

/// One issued token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenInfo {
    pub subject: Subject,
    pub long_lived: bool,
    pub issued_at: i64,
    /// Unix seconds; 0 = never expires (Meta's convention in `debug_token`).
    pub expires_at: i64,
}

impl TokenInfo {
    pub(crate) fn family(&self) -> Family {
        match self.subject {
            Subject::IgUser(_) => Family::Instagram,
            Subject::FbUser | Subject::Page(_) => Family::Facebook,
        }
    }

    pub(crate) fn is_expired(&self, now: i64) -> bool {
        self.expires_at != 0 && now >= self.expires_at
    }

    /// Scopes granted, as the login dialog of the family names them.
    pub(crate) fn scopes(&self) -> &'static [&'static str] {
        match self.subject {
            Subject::IgUser(_) => &[
                "instagram_business_basic",
                "instagram_business_manage_messages",
                "instagram_business_manage_comments",
                "instagram_business_content_publish",
                "instagram_business_manage_insights",
            ],
            Subject::FbUser | Subject::Page(_) => &[
                "pages_show_list",
                "pages_read_engagement",
                "pages_manage_metadata",
                "instagram_basic",
                "instagram_manage_comments",
                "instagram_manage_insights",
                "instagram_content_publish",
                "instagram_manage_messages",
                "business_management",
            ],
        }
    }
}

/// Every token the sandbox has issued, by its string.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tokens {
    map: BTreeMap<String, TokenInfo>,
    minted: u64,
}

impl Tokens {
    pub(crate) fn get(&self, token: &str) -> Option<&TokenInfo> {
        self.map.get(token)
    }

    /// Register a token with a known string (the seeded ones).
    pub(crate) fn insert(&mut self, token: String, info: TokenInfo) {
        self.map.insert(token, info);
    }

    /// Issue a fresh token; its string is derived from the seed and a counter, so the same
    /// sequence of calls gives the same tokens.
    pub(crate) fn mint(&mut self, seed: u64, info: TokenInfo) -> String {
        self.minted += 1;
        let prefix = match info.family() {
            Family::Instagram => "IGAASbx",
            Family::Facebook => "EAASbx",
        };
        let token = format!(
            "{prefix}{}",
            &sha_hex(&format!("minted/{}", self.minted), seed)[..56]
        );
        self.map.insert(token.clone(), info);
        token
    }
}

/// A deterministic hex string for a label and seed.
pub(crate) fn sha_hex(label: &str, seed: u64) -> String {
    hex::encode(Sha256::digest(
        format!("instagram-graph-sandbox/{label}/{seed}").as_bytes(),
    ))
}

/// Graph's wording for an expired session (190/463), with both instants in UTC.
pub(crate) fn expired_error(expired_at: i64, now: i64) -> GraphError {
    let fmt = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%A, %d-%b-%y %H:%M:%S UTC").to_string())
            .unwrap_or_default()
    };
    GraphError::new(
        190,
        format!(
            "Error validating access token: Session has expired on {}. The current time is {}.",
            fmt(expired_at),
            fmt(now)
        ),
    )
    .with_subcode(463)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_minting() {
        assert_eq!(Family::of("EAAB"), Some(Family::Facebook));
        assert_eq!(Family::of("IGAAx"), Some(Family::Instagram));
        assert_eq!(Family::of("xyz"), None);
        let mut a = Tokens::default();
        let mut b = Tokens::default();
        let info = TokenInfo {
            subject: Subject::IgUser(0),
            long_lived: false,
            issued_at: 10,
            expires_at: 10 + SHORT_LIVED_SECS,
        };
        let t1 = a.mint(7, info.clone());
        assert_eq!(t1, b.mint(7, info.clone()));
        assert!(t1.starts_with("IGAA"));
        assert_ne!(a.mint(7, info.clone()), t1);
        assert!(a.get(&t1).unwrap().is_expired(10 + SHORT_LIVED_SECS));
        assert!(!a.get(&t1).unwrap().is_expired(11));
        let e = expired_error(0, 60);
        assert_eq!((e.code, e.subcode), (190, Some(463)));
        assert!(e.message.contains("Thursday, 01-Jan-70 00:00:00 UTC"));
    }
}
