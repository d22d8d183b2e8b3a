//! Media insights: `GET /{ig-media-id}/insights` (graph-api.md §2.2).

use super::{describe, list, must_be_one_of, num, required, split};
use crate::errors::GraphError;
use crate::links::{get, Links, Pairs};
use crate::prng::{hash_str, mix, SplitMix64};
use crate::render::Ctx;
use crate::world::{Account, Media, ProductType};
use serde_json::{json, Map, Value};

/// Every media metric name Graph accepts (the list its `metric[i]` error enumerates).
pub(crate) const MEDIA_METRICS: &[&str] = &[
    "comments",
    "crossposted_views",
    "facebook_views",
    "follows",
    "ig_reels_avg_watch_time",
    "ig_reels_video_view_total_time",
    "impressions",
    "likes",
    "link_clicks",
    "navigation",
    "profile_activity",
    "profile_visits",
    "reach",
    "reels_skip_rate",
    "replies",
    "reposts",
    "saved",
    "shares",
    "total_comments",
    "total_interactions",
    "total_likes",
    "total_views",
    "views",
];

pub(super) const MEDIA_PERIODS: &[&str] = &[
    "day",
    "week",
    "days_28",
    "month",
    "lifetime",
    "total_over_range",
];

/// Whether `metric` applies to a product type (FEED covers image, video and carousel parents).
pub(crate) fn media_metric_supports(metric: &str, p: ProductType) -> bool {
    use ProductType::*;
    let (feed, reels, story) = match metric {
        "comments" | "likes" | "saved" | "total_comments" | "total_likes" => (true, true, false),
        "crossposted_views"
        | "ig_reels_avg_watch_time"
        | "ig_reels_video_view_total_time"
        | "reels_skip_rate" => (false, true, false),
        "facebook_views" | "reach" | "reposts" | "shares" | "total_interactions"
        | "total_views" | "views" => (true, true, true),
        "follows" | "impressions" | "profile_activity" | "profile_visits" => (true, false, true),
        "link_clicks" | "navigation" | "replies" => (false, false, true),
        _ => (false, false, false),
    };
    match p {
        Feed => feed,
        Reels => reels,
        Story => story,
    }
}

fn media_breakdown_for(metric: &str) -> Option<&'static str> {
    match metric {
        "profile_activity" => Some("action_type"),
        "navigation" => Some("story_navigation_action_type"),
        _ => None,
    }
}

/// Check a media insights request: the first offending metric decides the error.
pub(crate) fn validate_media(
    p: ProductType,
    is_child: bool,
    params: &Pairs,
) -> Result<(Vec<String>, Option<String>), GraphError> {
    if is_child {
        return Err(GraphError::param(
            "Insights are not available for carousel album children; request the parent CAROUSEL_ALBUM media",
        ));
    }
    let metrics = list(get(params, "metric").ok_or_else(|| required("metric"))?);
    if metrics.is_empty() {
        return Err(required("metric"));
    }
    for (i, m) in metrics.iter().enumerate() {
        if !MEDIA_METRICS.contains(&m.as_str()) {
            return Err(must_be_one_of("metric", i, MEDIA_METRICS));
        }
    }
    if let Some(period) = get(params, "period") {
        if !MEDIA_PERIODS.contains(&period) {
            return Err(must_be_one_of("period", 0, MEDIA_PERIODS));
        }
    }
    for m in &metrics {
        if m == "impressions" {
            return Err(GraphError::param(
                "Starting from v22.0 the impressions metric is no longer supported; use views",
            ));
        }
        if !media_metric_supports(m, p) {
            return Err(GraphError::param(format!(
                "The Media Insights API does not support the {m} metric for this media product type"
            )));
        }
        if m == "facebook_views" || m == "crossposted_views" {
            return Err(GraphError::param(format!(
                "The {m} metric is only available for media shared to Facebook"
            )));
        }
    }
    let breakdown = get(params, "breakdown").map(list).unwrap_or_default();
    if breakdown.len() > 1 {
        return Err(GraphError::param(format!(
            "Incompatible breakdowns ({})",
            breakdown.join(",")
        )));
    }
    let breakdown = breakdown.into_iter().next();
    if let Some(b) = &breakdown {
        for m in &metrics {
            if media_breakdown_for(m) != Some(b.as_str()) {
                return Err(GraphError::param(format!(
                    "Incompatible breakdowns ({b}) for metric ({m})"
                )));
            }
        }
    }
    Ok((metrics, breakdown))
}

/// The metrics a story's expiry webhook (`story_insights`) reports, with the same numbers
/// `GET /{story-id}/insights` gives: the current story metric set (v22+: no `impressions`;
/// `navigation` in place of taps/exits). Which keys Meta's webhook sends today is UNCONFIRMED.
pub(crate) fn story_lifetime(seed: u64, acc: &Account, m: &Media) -> Vec<(&'static str, u64)> {
    let n = MediaNumbers::new(seed, acc, m);
    [
        "reach",
        "replies",
        "views",
        "shares",
        "total_interactions",
        "follows",
        "profile_visits",
        "navigation",
    ]
    .into_iter()
    .map(|k| (k, n.get(k) as u64))
    .collect()
}

/// Lifetime numbers of one media, consistent with its likes and comments.
struct MediaNumbers {
    values: Vec<(&'static str, f64)>,
}

impl MediaNumbers {
    fn new(seed: u64, acc: &Account, m: &Media) -> Self {
        let mut r = SplitMix64::new(mix(mix(seed, hash_str("media-insights")), hash_str(&m.id)));
        let story = m.product_type == ProductType::Story;
        let likes = if story { 0 } else { m.like_count };
        let comments = acc.comments_count(m) as u64;
        let reach = if story {
            acc.user.followers_count * r.range(3, 12) / 100
        } else {
            likes * r.range(3, 8) + r.range(10, 400)
        };
        let views = reach * r.range(12, 25) / 10;
        let saved = likes / r.range(8, 20);
        let shares = (likes.max(reach / 20)) / r.range(10, 30);
        let reposts = r.below(1 + likes / 200);
        let follows = reach / r.range(200, 600);
        let profile_visits = reach / r.range(30, 80);
        let replies = if story { r.below(1 + reach / 100) } else { 0 };
        let total = likes + comments + saved + shares + reposts + replies;
        let avg_watch = r.range(3_000, 15_000);
        let v = |x: u64| x as f64;
        let values = vec![
            ("comments", v(comments)),
            ("follows", v(follows)),
            ("ig_reels_avg_watch_time", v(avg_watch)),
            ("ig_reels_video_view_total_time", v(avg_watch * views)),
            ("likes", v(likes)),
            ("link_clicks", v(reach / r.range(40, 120))),
            ("profile_visits", v(profile_visits)),
            ("reach", v(reach)),
            ("reels_skip_rate", r.range(150, 650) as f64 / 10.0),
            ("replies", v(replies)),
            ("reposts", v(reposts)),
            ("saved", v(saved)),
            ("shares", v(shares)),
            ("total_comments", v(comments)),
            ("total_interactions", v(total)),
            ("total_likes", v(likes)),
            ("total_views", v(views)),
            ("views", v(views)),
            // Breakdown totals; their parts are split below.
            ("profile_activity", v(profile_visits / 3 + r.below(5))),
            ("navigation", v(reach * r.range(80, 140) / 100)),
        ];
        MediaNumbers { values }
    }

    fn get(&self, metric: &str) -> f64 {
        self.values
            .iter()
            .find(|(k, _)| *k == metric)
            .map(|(_, v)| *v)
            .unwrap_or(0.0)
    }
}

/// `GET /{media-id}/insights` (or `insights.metric(...)` inside a media selection).
pub(crate) fn media(
    ctx: &Ctx,
    acc: &Account,
    m: &Media,
    params: &Pairs,
    _links: Option<&Links>,
) -> Result<Value, GraphError> {
    let (metrics, breakdown) = validate_media(m.product_type, m.is_child(), params)?;
    let nums = MediaNumbers::new(ctx.world.seed, acc, m);
    let mut data = Vec::new();
    for metric in &metrics {
        let value = nums.get(metric);
        let mut e = Map::new();
        e.insert("name".into(), json!(metric));
        e.insert("period".into(), json!("lifetime"));
        match &breakdown {
            Some(b) => {
                let keys: &[&str] = if b == "action_type" {
                    &[
                        "bio_link_clicked",
                        "call",
                        "direction",
                        "email",
                        "other",
                        "text",
                    ]
                } else {
                    &["swipe_forward", "tap_back", "tap_exit", "tap_forward"]
                };
                let parts = split(
                    value as u64,
                    keys.len(),
                    mix(ctx.world.seed, hash_str(&m.id)) ^ hash_str(b),
                );
                let results: Vec<Value> = keys
                    .iter()
                    .zip(parts)
                    .filter(|(_, v)| *v > 0)
                    .map(|(k, v)| json!({"dimension_values": [k], "value": v}))
                    .collect();
                e.insert(
                    "total_value".into(),
                    json!({"value": value as u64, "breakdowns": [{"dimension_keys": [b], "results": results}]}),
                );
            }
            None => {
                e.insert("values".into(), json!([{ "value": num(value) }]));
            }
        }
        let (title, description) = describe(metric);
        e.insert("title".into(), json!(title));
        e.insert("description".into(), json!(description));
        e.insert(
            "id".into(),
            json!(format!("{}/insights/{metric}/lifetime", m.id)),
        );
        data.push(Value::Object(e));
    }
    Ok(json!({ "data": data }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Pairs {
        crate::links::parse_query(Some(q))
    }

    #[test]
    fn media_metric_validation() {
        let (m, b) = validate_media(
            ProductType::Reels,
            false,
            &p("metric=views,reach,ig_reels_avg_watch_time"),
        )
        .unwrap();
        assert_eq!(m.len(), 3);
        assert!(b.is_none());
        let e = validate_media(ProductType::Feed, false, &p("metric=reach,nope")).unwrap_err();
        assert!(
            e.message
                .starts_with("(#100) metric[1] must be one of the following values: comments, "),
            "{}",
            e.message
        );
        let e = validate_media(ProductType::Story, false, &p("metric=likes")).unwrap_err();
        assert_eq!(e.message, "(#100) The Media Insights API does not support the likes metric for this media product type");
        assert!(validate_media(ProductType::Feed, false, &p("period=day")).is_err());
        assert!(validate_media(ProductType::Feed, true, &p("metric=reach")).is_err());
        assert!(validate_media(ProductType::Feed, false, &p("metric=impressions")).is_err());
        assert!(validate_media(
            ProductType::Feed,
            false,
            &p("metric=profile_activity&breakdown=action_type")
        )
        .is_ok());
        assert!(validate_media(
            ProductType::Feed,
            false,
            &p("metric=reach&breakdown=action_type")
        )
        .is_err());
        assert!(
            validate_media(ProductType::Feed, false, &p("metric=reach&period=decade")).is_err()
        );
        assert!(validate_media(
            ProductType::Story,
            false,
            &p("metric=navigation&breakdown=story_navigation_action_type")
        )
        .is_ok());
    }
}
