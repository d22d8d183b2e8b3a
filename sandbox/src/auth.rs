//! Who is calling: the token of a request, its family (which host's rules apply), its subject,
//! what it may see, and whose usage bucket it is charged to.

use crate::errors::GraphError;
use crate::links::{self, Pairs};
use crate::tokens::{expired_error, Family, Subject};
use crate::usage::BucKey;
use crate::world::World;
use axum::http::{header, HeaderMap};

/// The resolved caller of a Graph request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Caller {
    pub family: Family,
    pub subject: Subject,
}

/// The token of a request: `access_token` parameter, else an `Authorization` header.
pub(crate) fn token_of<'a>(query: &'a Pairs, headers: &'a HeaderMap) -> Option<&'a str> {
    if let Some(t) = links::get(query, "access_token").filter(|t| !t.is_empty()) {
        return Some(t);
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = auth.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
        .then(|| rest.trim())
        .filter(|t| !t.is_empty())
}

/// Check a token: unknown strings (of either family or none) get 190 "Cannot parse access
/// token", expired ones 190/463 with the instant they expired.
pub(crate) fn resolve(world: &World, token: &str, now: i64) -> Result<Caller, GraphError> {
    if Family::of(token).is_none() {
        return Err(GraphError::invalid_token());
    }
    let info = world
        .tokens
        .get(token)
        .ok_or_else(GraphError::invalid_token)?;
    if info.is_expired(now) {
        return Err(expired_error(info.expires_at, now));
    }
    Ok(Caller {
        family: info.family(),
        subject: info.subject,
    })
}

impl Caller {
    /// Whether the caller may read and manage this Instagram account: its own Instagram Login
    /// token, the Facebook user who manages a Page linked to it, or such a Page's token.
    pub(crate) fn can_see_account(&self, world: &World, account: usize) -> bool {
        match self.subject {
            Subject::IgUser(a) => a == account,
            Subject::FbUser => world.pages.iter().any(|p| p.account == Some(account)),
            Subject::Page(p) => world.pages.get(p).and_then(|p| p.account) == Some(account),
        }
    }

    /// Whether the caller may read this Page (its admin, or the Page itself).
    pub(crate) fn can_see_page(&self, page: usize) -> bool {
        match self.subject {
            Subject::FbUser => true,
            Subject::Page(p) => p == page,
            Subject::IgUser(_) => false,
        }
    }

    /// The usage bucket: the IG account (`instagram`), or the Page for Page tokens (`pages`).
    pub(crate) fn buc(&self, world: &World) -> Option<BucKey> {
        match self.subject {
            Subject::IgUser(a) => world.accounts.get(a).map(|acc| BucKey {
                id: acc.user.id.clone(),
                kind: "instagram",
            }),
            Subject::FbUser => world
                .pages
                .iter()
                .find_map(|p| p.account)
                .and_then(|a| world.accounts.get(a))
                .map(|acc| BucKey {
                    id: acc.user.id.clone(),
                    kind: "instagram",
                }),
            Subject::Page(p) => world.pages.get(p).map(|p| BucKey {
                id: p.id.clone(),
                kind: "pages",
            }),
        }
    }
}

/// Gate of a call only graph.facebook.com serves (`/me/accounts`, Pages, hashtag search,
/// Business Discovery, mentions). With an Instagram token the call is one that would go to
/// graph.facebook.com, and Meta answers it there with 190 "Invalid OAuth access token - Cannot
/// parse access token" (the error peers hit sending IG tokens to that host, peers.md §14).
pub(crate) fn fb_only(caller: &Caller) -> Result<(), GraphError> {
    match caller.family {
        Family::Facebook => Ok(()),
        Family::Instagram => Err(GraphError::invalid_token()),
    }
}

/// Gate of a call only graph.instagram.com serves (the Instagram token endpoints, later the
/// Instagram Login messaging paths). A Facebook token there gets the same 190 "Cannot parse
/// access token": graph.instagram.com issues and parses only its own `IG…` tokens (a secondary
/// source claims it accepts EAA tokens too; that is UNCONFIRMED, changes-2026h2.md §4 #5).
pub(crate) fn ig_only(caller: &Caller) -> Result<(), GraphError> {
    match caller.family {
        Family::Instagram => Ok(()),
        Family::Facebook => Err(GraphError::invalid_token()),
    }
}
