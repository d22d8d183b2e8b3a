//! The sandbox's state: the Facebook user and its Pages, the Instagram accounts with their
//! media, stories and comments, the issued tokens and authorization codes.
//!
//! Everything a later write (comment reply, hide, delete, publishing containers, messaging)
//! needs to change lives here, owned per account and indexed by id for lookups.

use super::paging::EdgeItem;
use super::tokens::{Family, Tokens};
use std::collections::BTreeMap;

/// Seconds a story stays live.
pub(crate) const STORY_LIFETIME_SECS: i64 = 24 * 3600;
/// The standard messaging window: a business may answer for 24 h after the person's last
/// message (graph-api.md §1.10.5).
pub(crate) const MESSAGING_WINDOW_SECS: i64 = 24 * 3600;

/// A conversation with one Instagram-scoped id (IGSID), as simulated activity left it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Thread {
    /// The person's last message or postback (unix seconds, virtual clock): opens the window.
    pub last_incoming_at: Option<i64>,
    /// The person's last message id (target of edits, deletions).
    pub last_mid: Option<String>,
    /// The business's last message id (target of reactions and seen receipts).
    pub last_echo_mid: Option<String>,
}

impl Thread {
    /// Whether the 24-hour window is open at `now`.
    pub(crate) fn window_open(&self, now: i64) -> bool {
        self.last_incoming_at
            .is_some_and(|t| t <= now && now - t < MESSAGING_WINDOW_SECS)
    }
}

/// An @mention of the account in someone else's media caption or comment.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub media_id: String,
    pub comment_id: Option<String>,
    /// Unix seconds (virtual clock).
    pub at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaType {
    Image,
    Video,
    CarouselAlbum,
}

impl MediaType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MediaType::Image => "IMAGE",
            MediaType::Video => "VIDEO",
            MediaType::CarouselAlbum => "CAROUSEL_ALBUM",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProductType {
    Feed,
    Reels,
    Story,
}

impl ProductType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ProductType::Feed => "FEED",
            ProductType::Reels => "REELS",
            ProductType::Story => "STORY",
        }
    }
}

/// The Instagram professional account.
#[derive(Debug, Clone)]
pub(crate) struct IgUser {
    /// The professional account id used in paths and webhooks (`1784…`).
    pub id: String,
    /// The app-scoped id Instagram Login shows as `id` on `/me` (differs from `id` above).
    pub scoped_id: String,
    pub ig_id: u64,
    pub username: String,
    pub name: String,
    pub biography: String,
    pub website: String,
    pub profile_picture_url: String,
    pub followers_count: u64,
    pub follows_count: u64,
}

/// The Facebook Login user (app-scoped id) who manages every seeded Page.
#[derive(Debug, Clone)]
pub(crate) struct FbUser {
    pub id: String,
    pub name: String,
}

/// A Facebook Page, linked to an Instagram account or not.
#[derive(Debug, Clone)]
pub(crate) struct FbPage {
    pub id: String,
    pub name: String,
    pub category: String,
    /// Index of the linked professional account (`instagram_business_account`).
    pub account: Option<usize>,
    /// This Page's own token (`EAA…`, never expires: it comes from a long-lived user token).
    pub access_token: String,
}

/// An authorization code as the login dialog hands it to `redirect_uri`.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub login: Family,
    pub redirect_uri: String,
    pub expires_at: i64,
    pub used: bool,
}

/// Any media object: feed post, reel, carousel, carousel child or story.
#[derive(Debug, Clone)]
pub(crate) struct Media {
    pub id: String,
    /// Internal media pk; the shortcode is its base-64 spelling.
    pub ig_id: u64,
    pub shortcode: String,
    pub media_type: MediaType,
    pub product_type: ProductType,
    pub caption: Option<String>,
    pub media_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub alt_text: Option<String>,
    /// Unix seconds.
    pub timestamp: i64,
    pub like_count: u64,
    /// The owner hid like counts: `like_count` is omitted.
    pub likes_hidden: bool,
    pub comment_enabled: bool,
    pub shared_to_feed: Option<bool>,
    pub children: Vec<String>,
    pub parent_id: Option<String>,
    /// Top-level comment ids.
    pub comments: Vec<String>,
}

impl Media {
    pub(crate) fn is_child(&self) -> bool {
        self.parent_id.is_some()
    }

    pub(crate) fn permalink(&self, username: &str) -> String {
        match self.product_type {
            ProductType::Reels => format!("https://www.instagram.com/reel/{}/", self.shortcode),
            ProductType::Story => format!(
                "https://www.instagram.com/stories/{username}/{}/",
                self.ig_id
            ),
            ProductType::Feed => format!("https://www.instagram.com/p/{}/", self.shortcode),
        }
    }
}

/// A comment or a reply.
#[derive(Debug, Clone)]
pub(crate) struct Comment {
    pub id: String,
    pub legacy_id: u64,
    pub media_id: String,
    pub text: String,
    pub timestamp: i64,
    pub like_count: u64,
    pub hidden: bool,
    pub from_id: String,
    pub from_username: String,
    pub parent_id: Option<String>,
    pub replies: Vec<String>,
}

/// One professional account and everything it owns.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub user: IgUser,
    /// Feed media, children and stories by id.
    pub media: BTreeMap<String, Media>,
    pub comments: BTreeMap<String, Comment>,
    /// Top-level feed media (images, reels, carousels), any order; edges sort them.
    pub feed: Vec<String>,
    pub stories: Vec<String>,
    /// Conversations by IGSID (messaging windows, last message ids).
    pub threads: BTreeMap<String, Thread>,
    /// Mentions received, oldest first.
    pub mentions: Vec<Mention>,
}

impl Account {
    /// Feed media newest first, as `/media` lists them.
    pub(crate) fn feed_items(&self, since: Option<i64>, until: Option<i64>) -> Vec<EdgeItem> {
        let mut v: Vec<EdgeItem> = self
            .feed
            .iter()
            .filter_map(|id| self.media.get(id))
            .filter(|m| {
                since.is_none_or(|s| m.timestamp >= s) && until.is_none_or(|u| m.timestamp <= u)
            })
            .map(|m| (-m.timestamp, m.id.clone()))
            .collect();
        v.sort();
        v
    }

    /// Stories still live at `now`, newest first.
    pub(crate) fn live_story_items(&self, now: i64) -> Vec<EdgeItem> {
        let mut v: Vec<EdgeItem> = self
            .stories
            .iter()
            .filter_map(|id| self.media.get(id))
            .filter(|m| m.timestamp <= now && now - m.timestamp < STORY_LIFETIME_SECS)
            .map(|m| (-m.timestamp, m.id.clone()))
            .collect();
        v.sort();
        v
    }

    /// Carousel children in album order.
    pub(crate) fn children_items(&self, media: &Media) -> Vec<EdgeItem> {
        media
            .children
            .iter()
            .enumerate()
            .map(|(i, id)| (i as i64, id.clone()))
            .collect()
    }

    /// Top-level comments newest first (Meta: reverse chronological).
    pub(crate) fn comment_items(&self, media: &Media) -> Vec<EdgeItem> {
        let mut v: Vec<EdgeItem> = media
            .comments
            .iter()
            .filter_map(|id| self.comments.get(id))
            .map(|c| (-c.timestamp, c.id.clone()))
            .collect();
        v.sort();
        v
    }

    /// Replies oldest first, as the Instagram app shows a thread.
    pub(crate) fn reply_items(&self, comment: &Comment) -> Vec<EdgeItem> {
        let mut v: Vec<EdgeItem> = comment
            .replies
            .iter()
            .filter_map(|id| self.comments.get(id))
            .map(|c| (c.timestamp, c.id.clone()))
            .collect();
        v.sort();
        v
    }

    /// Meta's `comments_count`: top-level comments plus their replies.
    pub(crate) fn comments_count(&self, media: &Media) -> usize {
        media.comments.len()
            + media
                .comments
                .iter()
                .filter_map(|id| self.comments.get(id))
                .map(|c| c.replies.len())
                .sum::<usize>()
    }

    pub(crate) fn is_story_live(&self, m: &Media, now: i64) -> bool {
        m.product_type != ProductType::Story
            || (m.timestamp <= now && now - m.timestamp < STORY_LIFETIME_SECS)
    }
}

/// What an id of an Instagram account names (Pages are looked up with [`World::page_index`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    User,
    Media,
    Comment,
}

/// An id resolved to its account and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodeRef {
    pub account: usize,
    pub kind: NodeKind,
}

/// The app the sandbox pretends to be (one app serves both login flavours).
#[derive(Debug, Clone)]
pub(crate) struct App {
    /// Numeric string, as Meta's app ids are.
    pub id: String,
    pub secret: String,
    pub name: String,
}

/// All state of one sandbox.
#[derive(Debug, Clone)]
#[allow(dead_code)] // messaging/content are read as their routers are filled in
pub(crate) struct World {
    pub seed: u64,
    pub app: App,
    /// The seeded Instagram Login token (long-lived) of account 0.
    pub ig_token: String,
    /// The seeded Facebook Login user token (long-lived).
    pub fb_token: String,
    pub fb_user: FbUser,
    pub pages: Vec<FbPage>,
    pub accounts: Vec<Account>,
    pub tokens: Tokens,
    pub codes: BTreeMap<String, AuthCode>,
    /// Codes and objects created so far (their ids derive from these counters).
    pub codes_minted: u64,
    pub objects_created: u64,
    /// Conversations, sent messages, attachments, messenger profiles (messaging/).
    pub messaging: crate::messaging::State,
    /// Discoverable accounts, hashtags and searches, invites (content/).
    pub content: crate::content::State,
    index: BTreeMap<String, NodeRef>,
}

/// The parts of a [`World`] that [`World::new`] assembles.
pub(crate) struct WorldParts {
    pub seed: u64,
    pub app: App,
    pub ig_token: String,
    pub fb_token: String,
    pub fb_user: FbUser,
    pub pages: Vec<FbPage>,
    pub accounts: Vec<Account>,
    pub tokens: Tokens,
}

impl World {
    pub(crate) fn new(p: WorldParts) -> Self {
        let mut w = World {
            seed: p.seed,
            app: p.app,
            ig_token: p.ig_token,
            fb_token: p.fb_token,
            fb_user: p.fb_user,
            pages: p.pages,
            accounts: p.accounts,
            tokens: p.tokens,
            codes: BTreeMap::new(),
            codes_minted: 0,
            objects_created: 0,
            messaging: Default::default(),
            content: Default::default(),
            index: BTreeMap::new(),
        };
        w.reindex();
        w
    }

    /// The Page with this id.
    pub(crate) fn page_index(&self, id: &str) -> Option<usize> {
        self.pages.iter().position(|p| p.id == id)
    }

    /// The first Page linked to `account`.
    pub(crate) fn page_of_account(&self, account: usize) -> Option<&FbPage> {
        self.pages.iter().find(|p| p.account == Some(account))
    }

    /// Rebuild the id index (after writes that add or remove objects).
    pub(crate) fn reindex(&mut self) {
        self.index.clear();
        for (i, a) in self.accounts.iter().enumerate() {
            let at = |kind| NodeRef { account: i, kind };
            self.index.insert(a.user.id.clone(), at(NodeKind::User));
            for id in a.media.keys() {
                self.index.insert(id.clone(), at(NodeKind::Media));
            }
            for id in a.comments.keys() {
                self.index.insert(id.clone(), at(NodeKind::Comment));
            }
        }
    }

    pub(crate) fn lookup(&self, id: &str) -> Option<NodeRef> {
        self.index.get(id).copied()
    }
}

const SHORTCODE_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Instagram's shortcode for a media pk (base 64, big-endian).
pub(crate) fn pk_to_shortcode(mut pk: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(SHORTCODE_ALPHABET[(pk % 64) as usize] as char);
        pk /= 64;
        if pk == 0 {
            break;
        }
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcode_matches_reference_vector() {
        // graph-api.md §6.1 test vector.
        assert_eq!(pk_to_shortcode(1_274_440_122_209_161_246), "BGvuInzyFAe");
        assert_eq!(pk_to_shortcode(0), "A");
    }
}
