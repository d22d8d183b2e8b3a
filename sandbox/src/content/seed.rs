//! The seeded content world: two discoverable business accounts with media (hashtagged,
//! tagging and @mentioning the demo account), a personal account Business Discovery cannot
//! find, a collaboration invite, collaborators, a live video, a caption poll and a comment
//! prompt. Deterministic for the seed; times relative to the virtual clock at seed time.

use super::{Collaborator, Invite, InviteStatus, Live, Other, Poll, State};
use crate::prng::{hash_str, mix, SplitMix64};
use crate::world::{
    pk_to_shortcode, Account, Comment, IgUser, Media, MediaType, Mention, ProductType, World,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const CDN: &str = "https://scontent.sandbox.invalid";
/// The discoverable business account the info JSON names.
pub(crate) const DISCOVERABLE: &str = "northwind.press";
/// A second business account: tags and @mentions the demo account, invites it to collaborate.
pub(crate) const TAGGER: &str = "ferrous.type";
/// A personal (private) account: Business Discovery cannot find it.
pub(crate) const PERSONAL: &str = "mara.personal";
/// The hashtag with top and recent media.
pub(crate) const HASHTAG: &str = "letterpress";
const OTHER_HASHTAGS: &[&str] = &["risograph", "typedesign", "printmaking"];
const OTHER_COMMENTS: &[&str] = &[
    "Gorgeous impression!",
    "What paper is this?",
    "Need this on my wall",
    "The colours \u{1f525}",
    "Do you ship abroad?",
];

/// The global id of a hashtag name (Meta's ids are static and global; ours derive from the name).
pub(crate) fn hashtag_id(name: &str) -> String {
    (17_843_000_000_000_000 + hash_str(&name.to_lowercase()) % 1_000_000_000_000).to_string()
}

struct Ids {
    media: u64,
    comment: u64,
    pk: u64,
}

impl Ids {
    fn media(&mut self, r: &mut SplitMix64) -> (String, u64) {
        self.media += r.range(1_000_000, 90_000_000);
        self.pk += r.range(1_000_000_000, 900_000_000_000);
        (self.media.to_string(), self.pk)
    }
    fn comment(&mut self, r: &mut SplitMix64) -> String {
        self.comment += r.range(1_000_000, 90_000_000);
        self.comment.to_string()
    }
}

fn user(r: &mut SplitMix64, username: &str, name: &str, bio: &str, site: &str) -> IgUser {
    let ig_id = r.range(1_000_000_000, 9_999_999_999);
    IgUser {
        id: (17_841_500_000_000_000 + r.below(100_000_000_000_000)).to_string(),
        scoped_id: String::new(),
        ig_id,
        username: username.to_owned(),
        name: name.to_owned(),
        biography: bio.to_owned(),
        website: site.to_owned(),
        profile_picture_url: format!("{CDN}/v/t51.2885-19/{ig_id}_profile.jpg"),
        followers_count: r.range(2_000, 250_000),
        follows_count: r.range(100, 2_000),
    }
}

fn account(user: IgUser) -> Account {
    Account {
        user,
        media: BTreeMap::new(),
        comments: BTreeMap::new(),
        feed: Vec::new(),
        stories: Vec::new(),
        threads: BTreeMap::new(),
        mentions: Vec::new(),
    }
}

fn media(id: String, pk: u64, kind: u64, t: i64, caption: String, r: &mut SplitMix64) -> Media {
    let video = kind == 1;
    Media {
        id,
        ig_id: pk,
        shortcode: pk_to_shortcode(pk),
        media_type: match kind {
            1 => MediaType::Video,
            2 => MediaType::CarouselAlbum,
            _ => MediaType::Image,
        },
        product_type: if video {
            ProductType::Reels
        } else {
            ProductType::Feed
        },
        caption: Some(caption),
        media_url: Some(if video {
            format!("{CDN}/o1/v/t16/f2/m86/{pk}_n.mp4")
        } else {
            format!("{CDN}/v/t51.29350-15/{pk}_n.jpg")
        }),
        thumbnail_url: video.then(|| format!("{CDN}/v/t51.29350-15/{pk}_thumb.jpg")),
        alt_text: None,
        timestamp: t,
        like_count: r.range(10, 4_000),
        likes_hidden: r.chance(10),
        comment_enabled: true,
        shared_to_feed: video.then_some(true),
        children: Vec::new(),
        parent_id: None,
        comments: Vec::new(),
    }
}

/// Add `n` feed media to `o`, newest first from `t0`; `caption(i)` writes each caption.
#[allow(clippy::too_many_arguments)]
fn add_media(
    acc: &mut Account,
    ids: &mut Ids,
    r: &mut SplitMix64,
    n: usize,
    t0: i64,
    gap: (u64, u64),
    people: &[(String, String)],
    caption: &dyn Fn(usize, &mut SplitMix64) -> String,
) {
    let mut t = t0;
    for i in 0..n {
        let (id, pk) = ids.media(r);
        let kind = match i % 5 {
            1 | 3 => 1,
            4 => 2,
            _ => 0,
        };
        let cap = caption(i, r);
        let mut m = media(id.clone(), pk, kind, t, cap, r);
        if kind == 2 {
            for _ in 0..r.range(2, 4) {
                let (cid, cpk) = ids.media(r);
                let mut child = media(cid.clone(), cpk, 0, t, String::new(), r);
                child.caption = None;
                child.parent_id = Some(id.clone());
                m.children.push(cid.clone());
                acc.media.insert(cid, child);
            }
        }
        // A few comments from other users (comments_count is not always 0).
        for k in 0..r.below(4) {
            let (fid, fname) = r.pick(people).clone();
            let c = comment(
                ids.comment(r),
                &id,
                r.pick(OTHER_COMMENTS).to_string(),
                t + 600 * (k as i64 + 1),
                (&fid, &fname),
            );
            m.comments.push(c.id.clone());
            acc.comments.insert(c.id.clone(), c);
        }
        acc.feed.push(id.clone());
        acc.media.insert(id, m);
        t -= r.range(gap.0, gap.1) as i64;
    }
}

fn comment(id: String, media_id: &str, text: String, t: i64, from: (&str, &str)) -> Comment {
    Comment {
        legacy_id: mix(hash_str(&id), 7) % 9_000_000_000_000_000 + 1_000_000_000_000_000,
        id,
        media_id: media_id.to_owned(),
        text,
        timestamp: t,
        like_count: 0,
        hidden: false,
        from_id: from.0.to_owned(),
        from_username: from.1.to_owned(),
        parent_id: None,
        replies: Vec::new(),
    }
}

/// Seed the content state of a fresh world (deterministic for the world's seed). `now` is the
/// virtual clock at seed time: recent hashtag media and the live video are placed around it.
pub(crate) fn seed(world: &mut World, now: i64) {
    let seed = world.seed;
    let mut r = SplitMix64::stream(seed, "content");
    let people = crate::seed::commenters(seed);
    let demo = world.accounts.first().map(|a| a.user.username.clone());
    let demo = demo.unwrap_or_else(|| crate::seed::USERNAME.to_owned());
    let mut ids = Ids {
        media: 17_960_000_000_000_000 + r.below(1_000_000_000_000),
        comment: 17_970_000_000_000_000 + r.below(1_000_000_000_000),
        pk: 3_800_000_000_000_000_000 + r.below(10_000_000_000_000_000),
    };
    let mut st = State::default();

    // A discoverable business account with enough media to page (25 a page by default),
    // its five newest posted within the last 24 hours with #letterpress.
    let mut a = account(user(
        &mut r,
        DISCOVERABLE,
        "Northwind Press",
        "Letterpress studio \u{b7} wedding suites, posters, workshops.",
        "https://northwind-press.example/",
    ));
    let tags: Vec<&str> = std::iter::once(HASHTAG)
        .chain(OTHER_HASHTAGS.iter().copied())
        .collect();
    add_media(
        &mut a,
        &mut ids,
        &mut r,
        37,
        now - 3_600,
        (3 * 3_600, 2 * 86_400),
        &people,
        &|i, r| {
            let tag = if i < 5 || i % 3 == 0 {
                HASHTAG
            } else {
                *r.pick(&tags)
            };
            format!("Fresh off the press, plate {} #{tag}", i + 1)
        },
    );
    // The five newest inside the last 24 hours: the recent_media window.
    for (k, id) in a.feed.iter().take(5).enumerate() {
        if let Some(m) = a.media.get_mut(id) {
            m.timestamp = now - 1_800 - k as i64 * 3 * 3_600;
        }
    }
    st.others.push(Other {
        acc: a,
        business: true,
        private: false,
    });

    // A second business account: tags and mentions the demo account.
    let mut b = account(user(
        &mut r,
        TAGGER,
        "Ferrous Type Foundry",
        "Metal & wood type, cast to order.",
        "https://ferrous-type.example/",
    ));
    add_media(
        &mut b,
        &mut ids,
        &mut r,
        12,
        now - 2 * 3_600,
        (6 * 3_600, 3 * 86_400),
        &people,
        &|i, _| match i {
            0 => format!("Collab week with @{demo}: new wood type specimens #{HASHTAG}"),
            _ => format!("Specimen sheet no. {} #typedesign #{HASHTAG}", 40 - i),
        },
    );
    let b_feed = b.feed.clone();
    // The caption of its newest media @mentions the demo account.
    let mentioned_media = b_feed.first().cloned().unwrap_or_default();
    // A comment on its second media @mentions the demo account.
    let on = b_feed.get(1).cloned().unwrap_or_default();
    let mentioned_comment = ids.comment(&mut r);
    let who = r.pick(&people).clone();
    if let Some(m) = b.media.get_mut(&on) {
        let c = comment(
            mentioned_comment.clone(),
            &on,
            format!("@{demo} you should print this one!"),
            m.timestamp + 3_600,
            (&who.0, &who.1),
        );
        m.comments.push(c.id.clone());
        b.comments.insert(c.id.clone(), c);
    }
    st.others.push(Other {
        acc: b,
        business: true,
        private: false,
    });

    // A personal, private account: not discoverable; its media tagging the demo account stay
    // out of `/tags` (private media are never returned).
    let mut c = account(user(&mut r, PERSONAL, "Mara", "", ""));
    add_media(
        &mut c,
        &mut ids,
        &mut r,
        3,
        now - 5 * 3_600,
        (86_400, 2 * 86_400),
        &people,
        &|_, _| format!("Studio visit at @{demo} #{HASHTAG}"),
    );
    let c_first = c.feed.first().cloned();
    st.others.push(Other {
        acc: c,
        business: false,
        private: true,
    });

    // Tags: six of ferrous.type's media, two of northwind.press's, one private (excluded).
    for id in b_feed.iter().skip(2).take(6) {
        st.tagged.push((1, id.clone()));
    }
    for id in st.others[0].acc.feed.iter().skip(6).take(2) {
        st.tagged.push((0, id.clone()));
    }
    if let Some(id) = c_first {
        st.tagged.push((2, id));
    }

    // Collaboration invites: ferrous.type's tenth media (pending), northwind.press's twentieth.
    let invite_media = b_feed.get(9).cloned().unwrap_or_default();
    st.invites.push(Invite {
        owner: 1,
        media_id: invite_media.clone(),
        status: InviteStatus::Pending,
    });
    if let Some(id) = st.others[0].acc.feed.get(19).cloned() {
        st.invites.push(Invite {
            owner: 0,
            media_id: id,
            status: InviteStatus::Pending,
        });
    }

    for name in std::iter::once(HASHTAG).chain(OTHER_HASHTAGS.iter().copied()) {
        st.hashtags.insert(hashtag_id(name), name.to_owned());
    }

    let mut info = own_account(world, &mut st, &mut r, now);
    info["username"] = json!(DISCOVERABLE);
    info["username_undiscoverable"] = json!(PERSONAL);
    info["hashtag"] = json!(HASHTAG);
    info["mentioned_media_id"] = json!(mentioned_media);
    info["mentioned_comment_id"] = json!(mentioned_comment);
    info["collaboration_invite_media_id"] = json!(invite_media);
    st.info = info;
    // The mentions as the `mentions` webhook would have recorded them.
    if let Some(acc) = world.accounts.first_mut() {
        if let Some(m) = st.others[1].acc.media.get(&mentioned_media) {
            acc.mentions.push(Mention {
                media_id: mentioned_media.clone(),
                comment_id: None,
                at: m.timestamp,
            });
        }
        if let Some(cm) = st.others[1].acc.comments.get(&mentioned_comment) {
            acc.mentions.push(Mention {
                media_id: cm.media_id.clone(),
                comment_id: Some(mentioned_comment.clone()),
                at: cm.timestamp,
            });
        }
        acc.mentions.sort_by_key(|m| m.at);
    }
    world.content = st;
    world.reindex();
}

/// The demo account's side: the media the tests use (comments enabled with a replied comment,
/// comments disabled, a carousel with collaborators, a live video, a poll, a prompt).
fn own_account(world: &mut World, st: &mut State, r: &mut SplitMix64, now: i64) -> Value {
    let Some(acc) = world.accounts.first_mut() else {
        return json!({});
    };
    let has_replied = |acc: &Account, id: &str| {
        acc.media.get(id).is_some_and(|m| {
            m.comments
                .iter()
                .any(|c| acc.comments.get(c).is_some_and(|c| !c.replies.is_empty()))
        })
    };
    // Own media with comments enabled and a top-level comment that has replies.
    let media_id = acc
        .feed
        .iter()
        .find(|id| acc.media.get(*id).is_some_and(|m| m.comment_enabled) && has_replied(acc, id))
        .or_else(|| acc.feed.first())
        .cloned()
        .unwrap_or_default();
    if let Some(m) = acc.media.get_mut(&media_id) {
        m.comment_enabled = true;
    }
    if !has_replied(acc, &media_id) {
        // A tiny world without a replied comment: the owner answers the first comment.
        let top = acc
            .media
            .get(&media_id)
            .and_then(|m| m.comments.first().cloned());
        if let Some(top) = top {
            let rid = (17_980_000_000_000_000 + r.below(1_000_000_000_000)).to_string();
            let owner = (acc.user.id.clone(), acc.user.username.clone());
            let t = acc.comments.get(&top).map_or(now, |c| c.timestamp + 600);
            let mut reply = comment(
                rid.clone(),
                &media_id,
                "Thank you!".into(),
                t,
                (&owner.0, &owner.1),
            );
            reply.parent_id = Some(top.clone());
            acc.comments.insert(rid.clone(), reply);
            if let Some(c) = acc.comments.get_mut(&top) {
                c.replies.push(rid);
            }
        }
    }
    let comment_id = acc
        .media
        .get(&media_id)
        .and_then(|m| {
            m.comments
                .iter()
                .find(|c| acc.comments.get(*c).is_some_and(|c| !c.replies.is_empty()))
        })
        .cloned();
    let shortcode = acc.media.get(&media_id).map(|m| m.shortcode.clone());
    // A media with comments disabled (one the seed already disabled, else the oldest).
    let disabled = acc
        .feed
        .iter()
        .find(|id| **id != media_id && acc.media.get(*id).is_some_and(|m| !m.comment_enabled))
        .or_else(|| acc.feed.iter().rev().find(|id| **id != media_id))
        .cloned();
    if let Some(m) = disabled.as_ref().and_then(|id| acc.media.get_mut(id)) {
        m.comment_enabled = false;
    }
    let carousel = acc
        .feed
        .iter()
        .find(|id| {
            acc.media
                .get(*id)
                .is_some_and(|m| m.media_type == MediaType::CarouselAlbum)
        })
        .cloned();
    let story = acc.live_story_items(now).first().map(|(_, id)| id.clone());

    // Collaborators on the carousel: one accepted, one still pending.
    if let Some(cid) = &carousel {
        let list = st
            .others
            .iter()
            .take(2)
            .enumerate()
            .map(|(i, o)| Collaborator {
                id: o.acc.user.id.clone(),
                username: o.acc.user.username.clone(),
                status: if i == 0 {
                    InviteStatus::Accepted
                } else {
                    InviteStatus::Pending
                },
            })
            .collect();
        st.collaborators.insert(cid.clone(), list);
    }

    // Caption add-ons on two captioned posts the tests do not otherwise use.
    let taken = [Some(&media_id), disabled.as_ref(), carousel.as_ref()];
    let free: Vec<String> = acc
        .feed
        .iter()
        .skip(3)
        .filter(|id| !taken.contains(&Some(*id)))
        .filter(|id| {
            acc.media
                .get(*id)
                .is_some_and(|m| m.caption.as_deref().is_some_and(|c| !c.is_empty()))
        })
        .cloned()
        .collect();
    let poll_media = free.first().cloned();
    if let Some(p) = &poll_media {
        let a = r.range(20, 60) as f64 / 100.0;
        st.polls.insert(
            p.clone(),
            Poll {
                options: vec![
                    "Riso pink".into(),
                    "Fluorescent orange".into(),
                    "Teal".into(),
                ],
                shares: vec![a, (1.0 - a) * 0.75, (1.0 - a) * 0.25],
                expires_at: acc.media.get(p).map_or(now, |m| m.timestamp) + 3 * 86_400,
            },
        );
    }
    let prompt_media = free
        .iter()
        .skip(1)
        .find(|id| acc.media.get(*id).is_some_and(|m| m.comments.len() >= 2))
        .cloned();
    if let Some(p) = &prompt_media {
        st.prompts.push(p.clone());
    }

    // A live video that started ten minutes ago and runs for another two hours.
    let pk = 3_990_000_000_000_000_000 + r.below(1_000_000_000_000_000);
    let live_id = (18_950_000_000_000_000 + r.below(1_000_000_000_000)).to_string();
    let live = Media {
        id: live_id.clone(),
        ig_id: pk,
        shortcode: pk_to_shortcode(pk),
        media_type: MediaType::Video,
        // UNCONFIRMED: Meta's media_product_type enum has no LIVE value (graph-api.md §1.4).
        product_type: ProductType::Feed,
        caption: None,
        media_url: None,
        thumbnail_url: None,
        alt_text: None,
        timestamp: now - 600,
        like_count: 0,
        likes_hidden: false,
        comment_enabled: true,
        shared_to_feed: None,
        children: Vec::new(),
        parent_id: None,
        comments: Vec::new(),
    };
    acc.media.insert(live_id.clone(), live);
    st.live.push(Live {
        media_id: live_id.clone(),
        ends_at: now + 2 * 3_600,
    });

    json!({
        "media_id": media_id,
        "media_id_comments_disabled": disabled,
        "carousel_id": carousel,
        "shortcode": shortcode,
        "comment_id": comment_id,
        "story_id": story,
        "live_media_id": live_id,
        "poll_media_id": poll_media,
        "prompt_media_id": prompt_media,
    })
}

/// Give every mention the account has received (the `mentions` webhook simulation records
/// ids only) a media and comment on the tagging account, so `mentioned_media`,
/// `mentioned_comment` and `POST /mentions` find what the webhook announced.
pub(crate) fn materialize_mentions(world: &mut World, a: usize) {
    let Some(acc) = world.accounts.get(a) else {
        return;
    };
    let demo = acc.user.username.clone();
    let pending: Vec<Mention> = acc
        .mentions
        .iter()
        .filter(|m| world.lookup(&m.media_id).is_none())
        .filter(|m| {
            let has_media = world.content.owner_of(&m.media_id).is_some();
            let has_comment = m
                .comment_id
                .as_ref()
                .is_none_or(|c| world.content.owner_of(c).is_some());
            !(has_media && has_comment)
        })
        .cloned()
        .collect();
    let Some(tagger) = world.content.other_by_username(TAGGER) else {
        return;
    };
    let seed = world.seed;
    for m in pending {
        let owner = world.content.owner_of(&m.media_id).unwrap_or(tagger);
        let Some(o) = world.content.others.get_mut(owner) else {
            continue;
        };
        let acc = &mut o.acc;
        if !acc.media.contains_key(&m.media_id) {
            let mut r = SplitMix64::new(mix(seed, hash_str(&m.media_id)));
            let pk = 3_700_000_000_000_000_000 + r.below(10_000_000_000_000_000);
            let caption = if m.comment_id.is_some() {
                "New specimens on the press #typedesign".to_owned()
            } else {
                format!("Thanks @{demo} for the collaboration!")
            };
            let md = media(m.media_id.clone(), pk, 0, m.at, caption, &mut r);
            acc.feed.push(m.media_id.clone());
            acc.media.insert(m.media_id.clone(), md);
        }
        if let Some(cid) = &m.comment_id {
            if !acc.comments.contains_key(cid) {
                let c = comment(
                    cid.clone(),
                    &m.media_id,
                    format!("@{demo} have a look at this"),
                    m.at,
                    ("17841400000000077", "ana.prints"),
                );
                if let Some(md) = acc.media.get_mut(&m.media_id) {
                    md.comments.push(cid.clone());
                }
                acc.comments.insert(cid.clone(), c);
            }
        }
    }
}
