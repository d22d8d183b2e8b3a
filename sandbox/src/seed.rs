//! The seeded world: the app, the Facebook user with two Pages (one linked to the demo
//! Instagram account, one not), the demo account's profile, feed media, carousels, comments,
//! replies and stories, and the tokens of both login flavours.
//!
//! Every part draws from its own PRNG stream (and each media from its own sub-stream), so the
//! newest media are the same whatever `media_count` is, and tweaking one part keeps the others.

use super::prng::{hash_str, mix, SplitMix64};
use super::tokens::{sha_hex, Subject, TokenInfo, Tokens, LONG_LIVED_SECS};
use super::world::{
    pk_to_shortcode, Account, App, Comment, FbPage, FbUser, IgUser, Media, MediaType, ProductType,
    World, WorldParts,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;

/// The newest feed media is posted shortly before this instant (2026-06-30T12:00:00Z).
pub(crate) const FEED_ANCHOR: i64 = 1_782_820_800;
/// Username of the demo account (same for every seed).
pub(crate) const USERNAME: &str = "sandbox.studio";
/// Display name of the demo account.
pub(crate) const DISPLAY_NAME: &str = "Sandbox Studio";
const CDN: &str = "https://scontent.sandbox.invalid";

/// Comments of one media: top-level count at most this plus replies.
const MAX_TOP_LEVEL_COMMENTS: u64 = 60;

/// The seeded Facebook Login user token for a seed (`EAA…`).
pub(crate) fn token_for(seed: u64) -> String {
    let h = sha_hex("token", seed);
    format!("EAASbx{}", &h[..48])
}

/// The seeded Instagram Login token for a seed (`IGAA…`).
pub(crate) fn ig_token_for(seed: u64) -> String {
    let h = sha_hex("ig_token", seed);
    format!("IGAASbx{}", &h[..56])
}

/// A Page's token: a different `EAA…` string per Page.
fn page_token_for(seed: u64, page_id: &str) -> String {
    let h = sha_hex(&format!("page_token/{page_id}"), seed);
    format!("EAASbx{}", &h[..52])
}

/// The app secret of the sandbox for a seed (32 hex digits like Meta's).
pub(crate) fn app_secret_for(seed: u64) -> String {
    sha_hex("app_secret", seed)[..32].to_owned()
}

/// `appsecret_proof`: hex HMAC-SHA256 of the token keyed by the app secret.
pub(crate) fn appsecret_proof(token: &str, app_secret: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(app_secret.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Build the whole world. `now` (unix seconds on the virtual clock) places the live stories
/// and is the issue time of the seeded tokens. `bulk_comments` more top-level comments go on
/// the newest feed media (see [`add_bulk_comments`]).
pub(crate) fn build(seed: u64, media_count: usize, bulk_comments: usize, now: i64) -> World {
    let (account, linked_page_id) = build_account(seed, media_count, bulk_comments, now);
    let mut r = SplitMix64::stream(seed, "facebook");
    let app = App {
        id: (100_000_000_000_000 + r.below(900_000_000_000_000)).to_string(),
        secret: app_secret_for(seed),
        name: "Sandbox App".to_owned(),
    };
    let fb_user = FbUser {
        id: (10_000_000_000_000_000 + r.below(9_000_000_000_000_000)).to_string(),
        name: "Sam Sandbox".to_owned(),
    };
    let unlinked_page_id = (100_000_000_000_000 + r.below(900_000_000_000_000)).to_string();
    let pages = vec![
        FbPage {
            access_token: page_token_for(seed, &linked_page_id),
            id: linked_page_id,
            name: DISPLAY_NAME.to_owned(),
            category: "Product/service".to_owned(),
            account: Some(0),
        },
        FbPage {
            access_token: page_token_for(seed, &unlinked_page_id),
            id: unlinked_page_id,
            name: "Sandbox Studio Café".to_owned(),
            category: "Coffee shop".to_owned(),
            account: None,
        },
    ];
    let long = |subject| TokenInfo {
        subject,
        long_lived: true,
        issued_at: now,
        expires_at: now + LONG_LIVED_SECS,
    };
    let mut tokens = Tokens::default();
    tokens.insert(ig_token_for(seed), long(Subject::IgUser(0)));
    tokens.insert(token_for(seed), long(Subject::FbUser));
    for (i, p) in pages.iter().enumerate() {
        // From a long-lived user token a Page token never expires (expires_at 0).
        let info = TokenInfo {
            expires_at: 0,
            ..long(Subject::Page(i))
        };
        tokens.insert(p.access_token.clone(), info);
    }
    let mut world = World::new(WorldParts {
        seed,
        app,
        ig_token: ig_token_for(seed),
        fb_token: token_for(seed),
        fb_user,
        pages,
        accounts: vec![account],
        tokens,
    });
    crate::messaging::seed(&mut world, now);
    crate::content::seed(&mut world, now);
    world
}

fn build_account(
    seed: u64,
    media_count: usize,
    bulk_comments: usize,
    now: i64,
) -> (Account, String) {
    let mut r = SplitMix64::stream(seed, "profile");
    let user_id = (17_841_000_000_000_000 + r.below(1_000_000_000_000)).to_string();
    let ig_id = r.range(1_000_000_000, 9_999_999_999);
    // Its own stream, so the profile draws (and every id after them) stay as they were.
    let scoped_id = (27_000_000_000_000_000
        + SplitMix64::stream(seed, "scoped_ids").below(1_000_000_000_000_000))
    .to_string();
    let user = IgUser {
        id: user_id,
        scoped_id,
        ig_id,
        username: USERNAME.to_owned(),
        name: DISPLAY_NAME.to_owned(),
        biography: "Independent design studio \u{2726} prints, type & small-batch goods.\nSimulated account: every number here is made up."
            .to_owned(),
        website: "https://sandbox-studio.example/".to_owned(),
        profile_picture_url: format!("{CDN}/v/t51.2885-19/{ig_id}_profile.jpg"),
        followers_count: r.range(8_000, 60_000),
        follows_count: r.range(150, 900),
    };
    let page_id = (100_000_000_000_000 + r.below(900_000_000_000_000)).to_string();
    let mut acc = Account {
        user,
        media: BTreeMap::new(),
        comments: BTreeMap::new(),
        feed: Vec::new(),
        stories: Vec::new(),
        threads: BTreeMap::new(),
        mentions: Vec::new(),
    };
    let people = commenters(seed);
    add_feed(&mut acc, seed, media_count, &people);
    add_bulk_comments(&mut acc, seed, bulk_comments, &people);
    add_stories(&mut acc, seed, now);
    (acc, page_id)
}

/// Other Instagram users who comment.
pub(crate) fn commenters(seed: u64) -> Vec<(String, String)> {
    const FIRST: &[&str] = &[
        "ana", "ben", "chloe", "dev", "emi", "felix", "gia", "hugo", "ines", "jon", "kai", "lena",
        "milo", "nora", "omar", "pia", "quinn", "rosa", "sami", "theo", "uma", "vik", "wren",
        "yara", "zoe",
    ];
    const SECOND: &[&str] = &[
        "makes", "draws", "prints", "studio", "type", "ink", "paper", "letters", "press", "craft",
        "works", "lab",
    ];
    let mut r = SplitMix64::stream(seed, "commenters");
    let mut out: Vec<(String, String)> = Vec::new();
    while out.len() < 40 {
        let mut name = format!("{}.{}", r.pick(FIRST), r.pick(SECOND));
        if r.chance(40) {
            name.push_str(&r.range(1, 99).to_string());
        }
        if out.iter().any(|(_, n)| *n == name) {
            continue;
        }
        let id = (17_843_000_000_000_000 + r.below(1_000_000_000_000)).to_string();
        out.push((id, name));
    }
    out
}

const TOPICS: &[&str] = &[
    "new risograph prints",
    "a peek at the studio shelf",
    "type specimen, second edition",
    "hand-bound notebooks",
    "the spring colour palette",
    "packing orders all afternoon",
    "linocut test proofs",
    "our booth at the market",
    "poster series: small towns",
    "letterpress coasters",
    "behind the scenes of the photo shoot",
    "a process video of the screen print",
    "limited run of tote bags",
    "sketchbook pages from the week",
    "the new studio playlist",
    "lettering for a café window",
    "ink mixing day",
];
const OPENERS: &[&str] = &[
    "Fresh from the press:",
    "Finally sharing",
    "Today on the desk:",
    "Say hello to",
    "Weekend project:",
    "Back in stock:",
    "Work in progress:",
    "A quiet morning and",
];
const CLOSERS: &[&str] = &[
    "Link in bio.",
    "Which one is your favourite?",
    "Thanks for all the orders!",
    "More soon.",
    "Shop opens Friday.",
    "Made with love in the studio.",
    "",
];
const TAGS: &[&str] = &[
    "#risograph",
    "#printmaking",
    "#typography",
    "#designstudio",
    "#smallbusiness",
    "#handmade",
    "#letterpress",
    "#illustration",
    "#stationery",
    "#makersgonnamake",
    "#poster",
    "#linocut",
];
const COMMENT_TEXTS: &[&str] = &[
    "Love this! \u{1F60D}",
    "So good",
    "Where can I buy one?",
    "The colours are perfect",
    "Need this on my wall",
    "Is this available internationally?",
    "\u{1F525}\u{1F525}\u{1F525}",
    "Beautiful work as always",
    "What paper do you use?",
    "How long did this take?",
    "Obsessed \u{1F64C}",
    "Do you ship to Canada?",
    "This made my day",
    "Can't wait for the restock",
    "Incredible detail",
    "Ordered mine yesterday!",
    "Such a calm palette",
    "Tutorial please!",
    "The texture \u{1F90C}",
    "Wow",
    "Great shot",
    "Is there a bigger size?",
    "Congrats on the launch!",
    "Saving this for inspiration",
];
const REPLY_TEXTS: &[&str] = &[
    "Thank you so much!",
    "Yes, link in bio \u{1F64F}",
    "Ships worldwide!",
    "Glad you like it",
    "Restock next week",
    "We use 100gsm recycled paper",
    "About two days of printing",
    "Agreed!",
    "Same here",
    "Sent you a DM",
    "Bigger sizes coming soon",
];

fn caption(r: &mut SplitMix64) -> String {
    let mut s = format!("{} {}.", r.pick(OPENERS), r.pick(TOPICS));
    let closer = r.pick(CLOSERS);
    if !closer.is_empty() {
        s.push(' ');
        s.push_str(closer);
    }
    let n = r.range(0, 4);
    if n > 0 {
        s.push_str("\n\n");
        let mut tags: Vec<&str> = Vec::new();
        while tags.len() < n as usize {
            let t = *r.pick(TAGS);
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        s.push_str(&tags.join(" "));
    }
    s
}

struct Ids {
    media: u64,
    pk: u64,
}

impl Ids {
    /// Ids count down from the newest object, so older media have smaller ids like on Instagram.
    fn next(&mut self, r: &mut SplitMix64) -> (String, u64) {
        let out = (self.media.to_string(), self.pk);
        self.media -= r.range(10_000_000, 3_000_000_000);
        self.pk -= r.range(100_000_000_000, 10_000_000_000_000);
        out
    }
}

fn media_url(pk: u64, video: bool) -> String {
    if video {
        format!("{CDN}/o1/v/t16/f2/m86/{pk}_n.mp4")
    } else {
        format!("{CDN}/v/t51.29350-15/{pk}_n.jpg")
    }
}

fn thumb_url(pk: u64) -> String {
    format!("{CDN}/v/t51.29350-15/{pk}_thumb.jpg")
}

fn alt_text(r: &mut SplitMix64) -> Option<String> {
    const THINGS: &[&str] = &[
        "a poster",
        "prints on a table",
        "a notebook",
        "text",
        "a person holding paper",
        "ink",
    ];
    r.chance(60).then(|| {
        format!(
            "Photo by {DISPLAY_NAME}. May be an image of {}.",
            r.pick(THINGS)
        )
    })
}

fn add_feed(acc: &mut Account, seed: u64, count: usize, people: &[(String, String)]) {
    let mut r = SplitMix64::stream(seed, "feed");
    let mut ids = Ids {
        media: 18_500_000_000_000_000 + r.below(100_000_000_000_000),
        pk: 3_900_000_000_000_000_000 + r.below(10_000_000_000_000_000),
    };
    let comment_base = 17_900_000_000_000_000 + r.below(100_000_000_000_000);
    let mut t = FEED_ANCHOR - r.range(0, 3 * 3600) as i64;
    let username = acc.user.username.clone();
    for i in 0..count {
        // Each media draws from its own stream: the first N media are the same for any count.
        let mut m = SplitMix64::new(mix(mix(seed, hash_str("media")), i as u64));
        let kind = match i {
            0 => 1,
            1 => 2,
            2 => 0,
            _ => match m.below(100) {
                0..=44 => 0,
                45..=74 => 1,
                _ => 2,
            },
        };
        let (id, pk) = ids.next(&mut m);
        let mut media = Media {
            id: id.clone(),
            ig_id: pk,
            shortcode: pk_to_shortcode(pk),
            media_type: MediaType::Image,
            product_type: ProductType::Feed,
            caption: m.chance(94).then(|| caption(&mut m)),
            media_url: Some(media_url(pk, false)),
            thumbnail_url: None,
            alt_text: None,
            timestamp: t,
            like_count: 0,
            likes_hidden: m.chance(7),
            comment_enabled: m.chance(94),
            shared_to_feed: None,
            children: Vec::new(),
            parent_id: None,
            comments: Vec::new(),
        };
        match kind {
            0 => {
                media.like_count = m.range(20, 1_500);
                media.alt_text = alt_text(&mut m);
            }
            1 => {
                media.media_type = MediaType::Video;
                media.product_type = ProductType::Reels;
                media.media_url = Some(media_url(pk, true));
                media.thumbnail_url = Some(thumb_url(pk));
                media.like_count = m.range(80, 5_000);
                media.shared_to_feed = Some(m.chance(85));
                // Meta omits media_url when a reel uses copyrighted music; a few do here.
                if i >= 3 && m.chance(4) {
                    media.media_url = None;
                }
            }
            _ => {
                media.media_type = MediaType::CarouselAlbum;
                media.like_count = m.range(40, 2_500);
                let n = m.range(2, 10) as usize;
                for _ in 0..n {
                    let (cid, cpk) = ids.next(&mut m);
                    let video = m.chance(20);
                    let mut child = bare_media(cid.clone(), cpk, video, ProductType::Feed, t);
                    child.alt_text = if video { None } else { alt_text(&mut m) };
                    child.parent_id = Some(id.clone());
                    media.children.push(cid.clone());
                    acc.media.insert(cid, child);
                }
                // An album's own media_url is its cover, the first item.
                media.media_url = media
                    .children
                    .first()
                    .and_then(|c| acc.media.get(c))
                    .and_then(|c| c.media_url.clone());
            }
        }
        let n_comments = match i {
            0 => 12,
            1 => 57,
            _ if m.chance(8) => m.range(51, MAX_TOP_LEVEL_COMMENTS),
            _ => m.below(26) * m.below(26) / 25,
        };
        let base = comment_base + i as u64 * 1_000_000_000;
        add_comments(
            acc,
            &mut media,
            &mut m,
            base,
            n_comments,
            people,
            username.clone(),
        );
        acc.feed.push(id.clone());
        acc.media.insert(id, media);
        t -= r.range(5 * 3600, 4 * 86_400) as i64 + r.below(3600) as i64;
    }
}

#[allow(clippy::too_many_arguments)]
fn add_comments(
    acc: &mut Account,
    media: &mut Media,
    r: &mut SplitMix64,
    base: u64,
    n: u64,
    people: &[(String, String)],
    owner_username: String,
) {
    let mut seq = 0u64;
    let mut next_id = |r: &mut SplitMix64| {
        seq += 1;
        (base + seq * 1_000_000 + r.below(1_000_000)).to_string()
    };
    let mut t = media.timestamp;
    for _ in 0..n {
        t += r.range(60, 6 * 3600) as i64;
        let (from_id, from_username) = r.pick(people).clone();
        let id = next_id(r);
        let mut c = Comment {
            id: id.clone(),
            legacy_id: mix(base, hash_str(&id)) % 9_000_000_000_000_000 + 1_000_000_000_000_000,
            media_id: media.id.clone(),
            text: r.pick(COMMENT_TEXTS).to_string(),
            timestamp: t,
            like_count: r.below(4) * r.below(10),
            hidden: r.chance(4),
            from_id,
            from_username,
            parent_id: None,
            replies: Vec::new(),
        };
        if r.chance(20) {
            let mut rt = t;
            for _ in 0..r.range(1, 4) {
                rt += r.range(120, 12 * 3600) as i64;
                let (fid, fname) = if r.chance(40) {
                    (acc.user.id.clone(), owner_username.clone())
                } else {
                    r.pick(people).clone()
                };
                let rid = next_id(r);
                let reply = Comment {
                    id: rid.clone(),
                    legacy_id: mix(base, hash_str(&rid)) % 9_000_000_000_000_000
                        + 1_000_000_000_000_000,
                    media_id: media.id.clone(),
                    text: format!("@{} {}", c.from_username, r.pick(REPLY_TEXTS)),
                    timestamp: rt,
                    like_count: r.below(5),
                    hidden: false,
                    from_id: fid,
                    from_username: fname,
                    parent_id: Some(id.clone()),
                    replies: Vec::new(),
                };
                c.replies.push(rid.clone());
                acc.comments.insert(rid, reply);
            }
        }
        media.comments.push(id.clone());
        acc.comments.insert(id, c);
    }
}

/// `n` more top-level comments on the newest feed media, for load tests (paging 100,000
/// comments through the client). They behave like any other: newest first on the `comments`
/// edge, at most 50 a page, opaque cursors, counted in `comments_count`. Their own PRNG stream
/// and id range (17-digit `1785…`–`1789…`, below every seeded comment id and above the IG user
/// ids) leave the rest of the world as it is without them. A viral post: one comment every 1 to
/// 20 seconds after publication, from the usual commenters, without replies.
fn add_bulk_comments(acc: &mut Account, seed: u64, n: usize, people: &[(String, String)]) {
    let Some(media_id) = acc.feed.first().cloned() else {
        return;
    };
    let Some(media) = acc.media.get_mut(&media_id) else {
        return;
    };
    let mut r = SplitMix64::stream(seed, "bulk_comments");
    let base = 17_850_000_000_000_000 + r.below(40_000_000_000_000);
    let mut t = media.timestamp;
    media.comments.reserve(n);
    for k in 0..n as u64 {
        t += r.range(1, 20) as i64;
        let (from_id, from_username) = r.pick(people).clone();
        let id = (base + k * 1_000 + r.below(1_000)).to_string();
        let c = Comment {
            legacy_id: mix(base, hash_str(&id)) % 9_000_000_000_000_000 + 1_000_000_000_000_000,
            id: id.clone(),
            media_id: media_id.clone(),
            text: r.pick(COMMENT_TEXTS).to_string(),
            timestamp: t,
            like_count: r.below(3),
            hidden: false,
            from_id,
            from_username,
            parent_id: None,
            replies: Vec::new(),
        };
        media.comments.push(id.clone());
        acc.comments.insert(id, c);
    }
}

fn add_stories(acc: &mut Account, seed: u64, now: i64) {
    let mut r = SplitMix64::stream(seed, "stories");
    let n = r.range(3, 5);
    let mut media_id = 18_700_000_000_000_000 + r.below(100_000_000_000_000);
    let mut pk = 3_950_000_000_000_000_000 + r.below(1_000_000_000_000_000);
    let mut t = now - r.range(5 * 60, 3600) as i64;
    for _ in 0..n {
        let video = r.chance(40);
        let id = media_id.to_string();
        let story = bare_media(id.clone(), pk, video, ProductType::Story, t);
        acc.stories.push(id.clone());
        acc.media.insert(id, story);
        media_id -= r.range(10_000_000, 10_000_000_000);
        pk -= r.range(100_000_000_000, 10_000_000_000_000);
        t -= r.range(1800, 4 * 3600) as i64;
    }
}

/// A media without caption, likes or comments: carousel items and stories.
fn bare_media(
    id: String,
    pk: u64,
    video: bool,
    product_type: ProductType,
    timestamp: i64,
) -> Media {
    Media {
        id,
        ig_id: pk,
        shortcode: pk_to_shortcode(pk),
        media_type: if video {
            MediaType::Video
        } else {
            MediaType::Image
        },
        product_type,
        caption: None,
        media_url: Some(media_url(pk, video)),
        thumbnail_url: video.then(|| thumb_url(pk)),
        alt_text: None,
        timestamp,
        like_count: 0,
        likes_hidden: true,
        comment_enabled: false,
        shared_to_feed: None,
        children: Vec::new(),
        parent_id: None,
        comments: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn shape_of_the_default_world() {
        let w = build(42, 180, 0, FEED_ANCHOR + 86_400);
        let a = &w.accounts[0];
        assert_eq!(a.feed.len(), 180);
        assert!(a.user.id.starts_with("1784") && a.user.id.len() == 17);
        let kinds: BTreeSet<_> = a
            .feed
            .iter()
            .map(|id| a.media[id].media_type.as_str())
            .collect();
        assert_eq!(kinds.len(), 3);
        for m in a.media.values() {
            assert!(
                m.id.starts_with("18") && (17..=18).contains(&m.id.len()),
                "{}",
                m.id
            );
            if m.media_type == MediaType::CarouselAlbum {
                assert!((2..=10).contains(&m.children.len()));
            }
        }
        for c in a.comments.values() {
            assert!(
                c.id.starts_with("17") && (17..=18).contains(&c.id.len()),
                "{}",
                c.id
            );
            assert!(w.lookup(&c.id).is_some());
        }
        assert!(a.feed.iter().any(|id| a.media[id].comments.len() > 50));
        assert!((3..=5).contains(&a.stories.len()));
        assert_eq!(
            a.live_story_items(FEED_ANCHOR + 86_400).len(),
            a.stories.len()
        );
        // ids never collide across kinds
        let total = a.media.len() + a.comments.len() + 2 + w.pages.len() + 1;
        let mut all: BTreeSet<&String> = a.media.keys().collect();
        all.extend(a.comments.keys());
        all.insert(&a.user.id);
        all.insert(&a.user.scoped_id);
        all.insert(&w.fb_user.id);
        all.extend(w.pages.iter().map(|p| &p.id));
        assert_eq!(all.len(), total);
        assert_eq!(w.pages.iter().filter(|p| p.account == Some(0)).count(), 1);
        assert_ne!(w.pages[0].access_token, w.pages[1].access_token);
        assert_ne!(w.pages[0].access_token, w.fb_token);
        assert!(w.app.id.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn deterministic_and_prefix_stable() {
        let a = build(42, 180, 0, 0);
        let b = build(42, 180, 0, 0);
        let c = build(42, 200, 0, 0);
        let d = build(43, 180, 0, 0);
        let feed = |w: &World| w.accounts[0].feed.clone();
        assert_eq!(feed(&a), feed(&b));
        assert_eq!(feed(&a)[..], feed(&c)[..180]);
        assert_ne!(feed(&a), feed(&d));
        assert_ne!(a.fb_token, d.fb_token);
        assert_eq!(a.fb_token, token_for(42));
        assert!(a.ig_token.starts_with("IGAA") && a.fb_token.starts_with("EAA"));
        assert_eq!(app_secret_for(42).len(), 32);
    }

    #[test]
    fn bulk_comments_go_on_the_newest_media_and_change_nothing_else() {
        let plain = build(42, 180, 0, 0);
        let bulk = build(42, 180, 20_000, 0);
        let (p, b) = (&plain.accounts[0], &bulk.accounts[0]);
        let newest = &b.feed[0];
        assert_eq!(
            b.media[newest].comments.len(),
            p.media[newest].comments.len() + 20_000
        );
        assert_eq!(b.comments.len(), p.comments.len() + 20_000);
        // Every other media, comment and id is as without them.
        for (id, m) in &p.media {
            if id != newest {
                assert_eq!(b.media[id].comments, m.comments);
            }
        }
        assert!(p
            .comments
            .keys()
            .all(|id| b.comments[id].text == p.comments[id].text));
        assert_eq!(
            (&plain.fb_token, &plain.app.id),
            (&bulk.fb_token, &bulk.app.id)
        );
        // 17-digit ids that collide with no other object; all after the media was posted.
        let m = &b.media[newest];
        let mut ids: BTreeSet<&String> = b.media.keys().collect();
        ids.extend(b.comments.keys());
        ids.extend([&b.user.id, &b.user.scoped_id, &bulk.fb_user.id]);
        ids.extend(bulk.pages.iter().map(|p| &p.id));
        assert_eq!(
            ids.len(),
            b.media.len() + b.comments.len() + 3 + bulk.pages.len()
        );
        for id in &m.comments {
            let c = &b.comments[id];
            assert!(c.id.starts_with("17") && c.id.len() == 17, "{}", c.id);
            assert!(c.timestamp > m.timestamp && c.parent_id.is_none());
            assert!(bulk.lookup(id).is_some());
        }
        assert_eq!(b.comment_items(m).len(), m.comments.len());
    }

    #[test]
    fn proof_is_hmac_sha256() {
        // RFC 4231-style check with a known HMAC: key "key", message "The quick brown fox jumps over the lazy dog".
        assert_eq!(
            appsecret_proof("The quick brown fox jumps over the lazy dog", "key"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
