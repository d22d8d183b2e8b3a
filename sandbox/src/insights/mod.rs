//! Account and media insights: the v25 metric tables (graph-api.md §2.1, §2.2), their
//! validation rules and error texts, and deterministic values.

mod account;
mod media;

pub(crate) use account::user;
pub(crate) use media::{media, story_lifetime};

use super::errors::GraphError;
use super::prng::SplitMix64;
use serde_json::{json, Value};

/// Split a comma list, trimming blanks.
pub(super) fn list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

pub(super) fn must_be_one_of(param: &str, index: usize, allowed: &[&str]) -> GraphError {
    GraphError::param(format!(
        "{param}[{index}] must be one of the following values: {}",
        allowed.join(", ")
    ))
}

pub(super) fn required(param: &str) -> GraphError {
    GraphError::param(format!("The parameter {param} is required"))
}

pub(super) fn num(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// Split `total` into `n` deterministic parts that add up to it.
pub(super) fn split(total: u64, n: usize, seed: u64) -> Vec<u64> {
    if n == 0 {
        return Vec::new();
    }
    let mut r = SplitMix64::new(seed);
    let weights: Vec<u64> = (0..n).map(|_| r.range(1, 100)).collect();
    weights_split(total, &weights)
}

pub(super) fn weights_split(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut parts: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let rest = total - parts.iter().sum::<u64>();
    if let Some(first) = parts.first_mut() {
        *first += rest;
    }
    parts
}

/// Title and description of a metric, in the words of Meta's dashboard.
pub(super) fn describe(metric: &str) -> (&'static str, &'static str) {
    match metric {
        "accounts_engaged" => ("Accounts engaged", "The number of accounts that have interacted with your content, including in ads."),
        "comments" => ("Comments", "The number of comments on your posts, reels, videos and live videos."),
        "crossposted_views" => ("Cross-posted views", "Views of the reel on Instagram and Facebook."),
        "engaged_audience_demographics" => ("Engaged audience demographics", "The demographic characteristics of the engaged audience."),
        "facebook_views" => ("Facebook views", "Views of the media on Facebook."),
        "follower_count" => ("Follower count", "The number of new followers on each day."),
        "follower_demographics" => ("Follower demographics", "The demographic characteristics of followers."),
        "follows" => ("Follows", "The number of accounts that started following you."),
        "follows_and_unfollows" => ("Follows and unfollows", "The number of accounts that followed you and the number that unfollowed you or left Instagram."),
        "ig_reels_avg_watch_time" => ("Average watch time", "The average amount of time spent playing the reel, in milliseconds."),
        "ig_reels_video_view_total_time" => ("Watch time", "The total amount of time the reel was played, in milliseconds."),
        "likes" => ("Likes", "The number of likes on your posts, reels and videos."),
        "link_clicks" => ("Link clicks", "The number of taps on the link sticker of the story."),
        "navigation" => ("Navigation", "The total number of actions taken from your story."),
        "online_followers" => ("Online followers", "The number of your followers who were online, by hour."),
        "profile_activity" => ("Profile activity", "The number of actions people take when they visit your profile after engaging with your post."),
        "profile_links_taps" => ("Profile links taps", "The number of taps on your business address, call button, email button and text button."),
        "profile_views" => ("Profile views", "The number of times your profile was viewed."),
        "profile_visits" => ("Profile visits", "The number of times your profile was visited."),
        "reach" => ("Accounts reached", "The number of unique accounts that have seen your content, at least once, including in ads."),
        "reached_audience_demographics" => ("Reached audience demographics", "The demographic characteristics of the reached audience."),
        "reels_skip_rate" => ("Skip rate", "The percentage of views in which the reel was skipped within the first three seconds."),
        "replies" => ("Replies", "The number of replies you received from your story."),
        "reposts" => ("Reposts", "The number of times your content was reposted."),
        "saved" => ("Saved", "The number of saves of your post, reel or video."),
        "saves" => ("Saves", "The number of saves of your posts, reels and videos."),
        "shares" => ("Shares", "The number of shares of your content."),
        "total_comments" => ("Total comments", "Comments including those on boosted versions of the media."),
        "total_interactions" => ("Content interactions", "The total number of post interactions, story interactions, reels interactions, video interactions and live video interactions."),
        "total_likes" => ("Total likes", "Likes including those on boosted versions of the media."),
        "total_views" => ("Total views", "Views including those on boosted versions and on Facebook."),
        "views" => ("Views", "The number of times your content was played or displayed."),
        "website_clicks" => ("Website clicks", "The number of taps on the website link in your profile."),
        _ => ("", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_add_up() {
        let parts = split(1000, 6, 9);
        assert_eq!(parts.iter().sum::<u64>(), 1000);
        assert_eq!(parts, split(1000, 6, 9));
        assert_eq!(weights_split(7, &[1, 1, 1]).iter().sum::<u64>(), 7);
        assert!(split(5, 0, 1).is_empty());
        assert_eq!(num(3.0), json!(3));
        assert_eq!(num(37.5), json!(37.5));
    }
}
