//! Account and media insights: the v25 metric tables (graph-api.md §2.1, §2.2), their
//! validation rules and error texts, and deterministic values.

use super::errors::GraphError;
use super::links::{get, Links, Pairs};
use super::prng::{hash_str, mix, SplitMix64};
use super::render::{fmt_time, parse_time, Ctx};
use super::world::{Account, Media, ProductType};
use serde_json::{json, Map, Value};

const DAY: i64 = 86_400;
/// Days end at midnight Pacific time, 07:00 UTC (Meta's `end_time`).
const DAY_END_OFFSET: i64 = 7 * 3600;
/// Longest `since`..`until` window.
const MAX_WINDOW: i64 = 30 * DAY;

// ---------------------------------------------------------------------------------------------
// Media insights

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

const MEDIA_PERIODS: &[&str] = &[
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

/// Split a comma list, trimming blanks.
fn list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn must_be_one_of(param: &str, index: usize, allowed: &[&str]) -> GraphError {
    GraphError::param(format!(
        "{param}[{index}] must be one of the following values: {}",
        allowed.join(", ")
    ))
}

fn required(param: &str) -> GraphError {
    GraphError::param(format!("The parameter {param} is required"))
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

fn num(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
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

/// Split `total` into `n` deterministic parts that add up to it.
fn split(total: u64, n: usize, seed: u64) -> Vec<u64> {
    if n == 0 {
        return Vec::new();
    }
    let mut r = SplitMix64::new(seed);
    let weights: Vec<u64> = (0..n).map(|_| r.range(1, 100)).collect();
    weights_split(total, &weights)
}

fn weights_split(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut parts: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let rest = total - parts.iter().sum::<u64>();
    if let Some(first) = parts.first_mut() {
        *first += rest;
    }
    parts
}

// ---------------------------------------------------------------------------------------------
// Account insights

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Day,
    Lifetime,
}

/// One account metric: its period, metric types and breakdowns.
struct AccountMetric {
    name: &'static str,
    period: Period,
    total_value: bool,
    time_series: bool,
    breakdowns: &'static [&'static str],
}

const MPT: &[&str] = &["media_product_type"];
const DEMO: &[&str] = &["age", "city", "country", "gender"];

const fn am(
    name: &'static str,
    period: Period,
    total_value: bool,
    time_series: bool,
    breakdowns: &'static [&'static str],
) -> AccountMetric {
    AccountMetric {
        name,
        period,
        total_value,
        time_series,
        breakdowns,
    }
}

/// The v25 table plus the metrics the live API still accepts (graph-api.md §2.1).
const ACCOUNT_METRICS: &[AccountMetric] = &[
    am("accounts_engaged", Period::Day, true, false, &[]),
    am("comments", Period::Day, true, false, MPT),
    am(
        "engaged_audience_demographics",
        Period::Lifetime,
        true,
        false,
        DEMO,
    ),
    am("follower_count", Period::Day, false, true, &[]),
    am("follower_demographics", Period::Lifetime, true, false, DEMO),
    am(
        "follows_and_unfollows",
        Period::Day,
        true,
        false,
        &["follow_type"],
    ),
    am("impressions", Period::Day, true, true, &[]),
    am("likes", Period::Day, true, false, MPT),
    am("online_followers", Period::Lifetime, false, true, &[]),
    am(
        "profile_links_taps",
        Period::Day,
        true,
        false,
        &["contact_button_type"],
    ),
    am("profile_views", Period::Day, true, false, &[]),
    am(
        "reach",
        Period::Day,
        true,
        true,
        &["media_product_type", "follow_type"],
    ),
    am(
        "reached_audience_demographics",
        Period::Lifetime,
        true,
        false,
        DEMO,
    ),
    am("replies", Period::Day, true, false, &[]),
    am("reposts", Period::Day, true, false, &[]),
    am("saves", Period::Day, true, false, MPT),
    am("shares", Period::Day, true, false, MPT),
    am("total_interactions", Period::Day, true, false, MPT),
    am(
        "views",
        Period::Day,
        true,
        false,
        &["follower_type", "media_product_type"],
    ),
    am("website_clicks", Period::Day, true, false, &[]),
];

const ACCOUNT_BREAKDOWNS: &[&str] = &[
    "age",
    "city",
    "contact_button_type",
    "country",
    "follow_type",
    "follower_type",
    "gender",
    "media_product_type",
];

const TIMEFRAMES: &[&str] = &["this_week", "this_month"];
const LEGACY_TIMEFRAMES: &[&str] = &[
    "last_14_days",
    "last_30_days",
    "last_90_days",
    "prev_month",
    "this_week",
    "this_month",
];

fn metric_names() -> Vec<&'static str> {
    ACCOUNT_METRICS.iter().map(|m| m.name).collect()
}

fn is_demographics(name: &str) -> bool {
    name.ends_with("_demographics")
}

/// A validated account insights request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountQuery {
    pub metrics: Vec<String>,
    pub time_series: bool,
    pub breakdown: Vec<String>,
    pub timeframe: Option<String>,
    pub since: i64,
    pub until: i64,
    pub period: &'static str,
}

/// Check an account insights request against the metric table and range rules.
pub(crate) fn validate_account(params: &Pairs, now: i64) -> Result<AccountQuery, GraphError> {
    let metrics = list(get(params, "metric").ok_or_else(|| required("metric"))?);
    if metrics.is_empty() {
        return Err(required("metric"));
    }
    let names = metric_names();
    let mut defs = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        match ACCOUNT_METRICS.iter().find(|d| d.name == m) {
            Some(d) => defs.push(d),
            None => return Err(must_be_one_of("metric", i, &names)),
        }
    }
    if metrics.iter().any(|m| m == "impressions") {
        return Err(GraphError::param(
            "Starting from v22.0 the impressions metric is no longer supported; use views",
        ));
    }
    let period = get(params, "period").ok_or_else(|| required("period"))?;
    let period_v = match period {
        "day" => Period::Day,
        "lifetime" => Period::Lifetime,
        "week" | "days_28" | "month" | "total_over_range" => {
            return Err(GraphError::param(format!(
                "Incompatible period ({period}) for metric ({})",
                metrics[0]
            )))
        }
        _ => return Err(must_be_one_of("period", 0, MEDIA_PERIODS)),
    };
    for d in &defs {
        if d.period != period_v {
            return Err(GraphError::param(format!(
                "Incompatible period ({period}) for metric ({})",
                d.name
            )));
        }
    }
    let time_series = match get(params, "metric_type") {
        Some("total_value") => {
            let bad: Vec<&str> = defs
                .iter()
                .filter(|d| !d.total_value)
                .map(|d| d.name)
                .collect();
            if !bad.is_empty() {
                return Err(GraphError::param(format!(
                    "The metric ({}) is incompatible with the metric type (total_value)",
                    bad.join(", ")
                )));
            }
            false
        }
        Some("time_series") | None => {
            let bad: Vec<&str> = defs
                .iter()
                .filter(|d| !d.time_series)
                .map(|d| d.name)
                .collect();
            if !bad.is_empty() {
                return Err(GraphError::param(format!(
                    "The following metrics ({}) should be specified with parameter metric_type=total_value",
                    bad.join(", ")
                )));
            }
            true
        }
        Some(_) => {
            return Err(must_be_one_of(
                "metric_type",
                0,
                &["time_series", "total_value"],
            ))
        }
    };
    let breakdown = get(params, "breakdown").map(list).unwrap_or_default();
    for (i, b) in breakdown.iter().enumerate() {
        if !ACCOUNT_BREAKDOWNS.contains(&b.as_str()) {
            return Err(must_be_one_of("breakdown", i, ACCOUNT_BREAKDOWNS));
        }
    }
    if !breakdown.is_empty() {
        if time_series {
            return Err(GraphError::param(
                "breakdown is only supported with metric_type=total_value",
            ));
        }
        for d in &defs {
            let bad: Vec<&str> = breakdown
                .iter()
                .map(String::as_str)
                .filter(|b| !d.breakdowns.contains(b))
                .collect();
            if !bad.is_empty() {
                return Err(GraphError::param(format!(
                    "Incompatible breakdowns ({}) for metric ({})",
                    bad.join(","),
                    d.name
                )));
            }
        }
        if breakdown.len() > 1 && !defs.iter().all(|d| is_demographics(d.name)) {
            return Err(GraphError::param(format!(
                "Incompatible breakdowns ({}) for metric ({})",
                breakdown.join(","),
                metrics[0]
            )));
        }
    }
    let timeframe = get(params, "timeframe").map(str::to_owned);
    if let Some(tf) = &timeframe {
        let legacy_ok = defs.iter().all(|d| d.name == "follower_demographics");
        let allowed = if legacy_ok {
            LEGACY_TIMEFRAMES
        } else {
            TIMEFRAMES
        };
        if !allowed.contains(&tf.as_str()) {
            return Err(must_be_one_of("timeframe", 0, allowed));
        }
    }
    for d in &defs {
        if timeframe.is_none()
            && (d.name == "engaged_audience_demographics"
                || d.name == "reached_audience_demographics")
        {
            return Err(GraphError::param(format!(
                "The parameter timeframe is required for metric ({})",
                d.name
            )));
        }
    }
    let until = match get(params, "until") {
        Some(u) => parse_time("until", u)?,
        None => now,
    };
    let since = match get(params, "since") {
        Some(s) => parse_time("since", s)?,
        None => until - DAY,
    };
    if since > until {
        return Err(GraphError::param(
            "The parameter since must be earlier than until",
        ));
    }
    if until - since > MAX_WINDOW {
        return Err(GraphError::param(
            "There cannot be more than 30 days (2592000 s) between since and until",
        ));
    }
    for d in &defs {
        if (d.name == "follower_count" || d.name == "online_followers")
            && since < now - MAX_WINDOW - DAY
        {
            return Err(GraphError::param(format!(
                "({}) metric only supports querying data for the last 30 days excluding the current day",
                d.name
            )));
        }
    }
    Ok(AccountQuery {
        metrics,
        time_series,
        breakdown,
        timeframe,
        since,
        until,
        period: if period_v == Period::Day {
            "day"
        } else {
            "lifetime"
        },
    })
}

/// The 07:00 UTC instants in `(since, until]`: ends of the days a window covers.
fn day_ends(since: i64, until: i64) -> Vec<i64> {
    let first = (since - DAY_END_OFFSET).div_euclid(DAY) * DAY + DAY_END_OFFSET + DAY;
    let mut out = Vec::new();
    let mut e = first;
    while e <= until && out.len() <= 31 {
        out.push(e);
        e += DAY;
    }
    out
}

/// The account's numbers for the day ending at `end`.
fn daily(seed: u64, followers: u64, metric: &str, end: i64) -> u64 {
    let day = end.div_euclid(DAY) as u64;
    let mut r = SplitMix64::new(mix(mix(seed, hash_str("account-day")), day));
    let reach = followers * r.range(20, 100) / 1000;
    let views = reach * r.range(15, 30) / 10;
    let engaged = reach * r.range(3, 9) / 100;
    let likes = engaged * r.range(80, 160) / 100;
    let comments = likes * r.range(2, 8) / 100;
    let saves = likes * r.range(5, 15) / 100;
    let shares = likes * r.range(3, 10) / 100;
    let replies = r.range(0, 15);
    let reposts = r.range(0, 10);
    let follows = r.range(5, 60);
    let unfollows = r.range(1, 20);
    match metric {
        "reach" => reach,
        "views" => views,
        "accounts_engaged" => engaged,
        "likes" => likes,
        "comments" => comments,
        "saves" => saves,
        "shares" => shares,
        "replies" => replies,
        "reposts" => reposts,
        "total_interactions" => likes + comments + saves + shares + replies + reposts,
        "follows_and_unfollows" => follows + unfollows,
        "follower_count" => follows,
        "profile_links_taps" => r.range(0, 40),
        "website_clicks" => r.range(0, 30),
        "profile_views" => r.range(20, 300),
        _ => 0,
    }
}

fn breakdown_values(b: &str, metric: &str) -> Vec<&'static str> {
    match b {
        "media_product_type" => match metric {
            "reach" | "views" | "shares" | "total_interactions" => {
                vec!["CAROUSEL_CONTAINER", "POST", "REEL", "STORY"]
            }
            _ => vec!["CAROUSEL_CONTAINER", "POST", "REEL"],
        },
        "follow_type" | "follower_type" => vec!["FOLLOWER", "NON_FOLLOWER"],
        "contact_button_type" => vec![
            "BOOK_NOW",
            "CALL",
            "DIRECTION",
            "EMAIL",
            "INSTANT_EXPERIENCE",
            "TEXT",
            "UNDEFINED",
        ],
        "age" => vec!["13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"],
        "gender" => vec!["F", "M", "U"],
        "country" => vec![
            "US", "GB", "DE", "FR", "CA", "BR", "IN", "JP", "AU", "ES", "IT", "NL", "MX", "SE",
            "PL",
        ],
        "city" => vec![
            "London, England",
            "New York, New York",
            "Berlin, Berlin",
            "Paris, Île-de-France",
            "Toronto, Ontario",
            "São Paulo, São Paulo",
            "Los Angeles, California",
            "Melbourne, Victoria",
            "Madrid, Community of Madrid",
            "Amsterdam, North Holland",
            "Chicago, Illinois",
            "Tokyo, Tokyo",
            "Mumbai, Maharashtra",
            "Stockholm, Stockholm County",
            "Mexico City, Distrito Federal",
        ],
        _ => Vec::new(),
    }
}

/// Split `total` across every combination of the breakdown values; demographics keep the top 45.
fn breakdown_results(
    seed: u64,
    metric: &str,
    breakdown: &[String],
    total: u64,
    prefix: Option<&str>,
) -> Value {
    let dims: Vec<Vec<&str>> = breakdown
        .iter()
        .map(|b| breakdown_values(b, metric))
        .collect();
    // Stable per-value weights: the same country weighs the same in every request.
    let weight = |b: &str, v: &str| mix(mix(seed, hash_str(b)), hash_str(v)) % 100 + 5;
    let mut combos: Vec<(Vec<&str>, u64)> = vec![(Vec::new(), 1)];
    for (b, values) in breakdown.iter().zip(&dims) {
        let mut next = Vec::new();
        for (c, w) in &combos {
            for v in values {
                let mut c2 = c.clone();
                c2.push(v);
                next.push((c2, w * weight(b, v)));
            }
        }
        combos = next;
    }
    let weights: Vec<u64> = combos.iter().map(|(_, w)| *w).collect();
    let parts = weights_split(total, &weights);
    let mut results: Vec<(Vec<&str>, u64)> = combos
        .into_iter()
        .map(|(c, _)| c)
        .zip(parts)
        .filter(|(_, v)| *v > 0)
        .collect();
    if breakdown.iter().any(|b| DEMO.contains(&b.as_str())) {
        results.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        results.truncate(45);
    }
    let mut keys: Vec<&str> = Vec::new();
    if prefix.is_some() {
        keys.push("timeframe");
    }
    keys.extend(breakdown.iter().map(String::as_str));
    let results: Vec<Value> = results
        .into_iter()
        .map(|(c, v)| {
            let mut dv: Vec<String> = prefix.map(|p| p.to_ascii_uppercase()).into_iter().collect();
            dv.extend(c.iter().map(|s| (*s).to_owned()));
            json!({"dimension_values": dv, "value": v})
        })
        .collect();
    json!([{ "dimension_keys": keys, "results": results }])
}

/// `GET /{ig-user-id}/insights` (or `insights.metric(...)` inside a user selection).
/// With `links`, the answer carries time-shifted `paging.previous` / `next` like Meta's.
pub(crate) fn user(
    ctx: &Ctx,
    acc: &Account,
    params: &Pairs,
    links: Option<&Links>,
) -> Result<Value, GraphError> {
    let q = validate_account(params, ctx.now)?;
    let seed = ctx.world.seed;
    let followers = acc.user.followers_count;
    let ends = day_ends(q.since, q.until);
    let mut data = Vec::new();
    for metric in &q.metrics {
        let mut e = Map::new();
        e.insert("name".into(), json!(metric));
        e.insert("period".into(), json!(q.period));
        if metric == "online_followers" {
            let values: Vec<Value> = ends
                .iter()
                .map(|end| {
                    let mut r = SplitMix64::new(mix(mix(seed, hash_str("online")), *end as u64));
                    let hours: Map<String, Value> = (0..24)
                        .map(|h| {
                            let curve = 40 + 60 * (12 - (h as i64 - 14).abs()).max(0) as u64 / 12;
                            (
                                h.to_string(),
                                json!(followers * curve * r.range(8, 12) / 10_000),
                            )
                        })
                        .collect();
                    json!({"value": hours, "end_time": fmt_time(*end)})
                })
                .collect();
            e.insert("values".into(), json!(values));
        } else if is_demographics(metric) {
            let days = match q.timeframe.as_deref() {
                Some("this_week") => 7,
                Some("last_14_days") => 14,
                Some("last_90_days") => 90,
                _ => 30,
            };
            let total = match metric.as_str() {
                "follower_demographics" => followers,
                m => {
                    let base = if m == "engaged_audience_demographics" {
                        "accounts_engaged"
                    } else {
                        "reach"
                    };
                    let today = day_ends(ctx.now - DAY, ctx.now)
                        .first()
                        .copied()
                        .unwrap_or(ctx.now);
                    (0..days)
                        .map(|d| daily(seed, followers, base, today - d * DAY))
                        .sum::<u64>()
                        / 3
                }
            };
            let mut tv = Map::new();
            if q.breakdown.is_empty() {
                tv.insert("value".into(), json!(total));
            } else {
                tv.insert(
                    "breakdowns".into(),
                    breakdown_results(seed, metric, &q.breakdown, total, q.timeframe.as_deref()),
                );
            }
            e.insert("total_value".into(), Value::Object(tv));
        } else if q.time_series {
            let values: Vec<Value> = ends
                .iter()
                .map(|end| json!({"value": daily(seed, followers, metric, *end), "end_time": fmt_time(*end)}))
                .collect();
            e.insert("values".into(), json!(values));
        } else {
            let total: u64 = ends
                .iter()
                .map(|end| daily(seed, followers, metric, *end))
                .sum();
            let mut tv = Map::new();
            tv.insert("value".into(), json!(total));
            if !q.breakdown.is_empty() {
                let salt = mix(seed, (q.since as u64) ^ (q.until as u64).rotate_left(17));
                tv.insert(
                    "breakdowns".into(),
                    breakdown_results(salt, metric, &q.breakdown, total, None),
                );
            }
            e.insert("total_value".into(), Value::Object(tv));
        }
        let (title, description) = describe(metric);
        e.insert("title".into(), json!(title));
        e.insert("description".into(), json!(description));
        e.insert(
            "id".into(),
            json!(format!("{}/insights/{metric}/{}", acc.user.id, q.period)),
        );
        data.push(Value::Object(e));
    }
    let mut out = Map::new();
    out.insert("data".into(), Value::Array(data));
    let by_time = !q.metrics.iter().all(|m| is_demographics(m));
    if let (Some(l), true) = (links, by_time) {
        let w = (q.until - q.since).max(DAY);
        let shifted = |d: i64| {
            l.with(&[
                ("since", Some((q.since + d).to_string())),
                ("until", Some((q.until + d).to_string())),
            ])
        };
        out.insert(
            "paging".into(),
            json!({"previous": shifted(-w), "next": shifted(w)}),
        );
    }
    Ok(Value::Object(out))
}

/// Title and description of a metric, in the words of Meta's dashboard.
fn describe(metric: &str) -> (&'static str, &'static str) {
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

    fn p(q: &str) -> Pairs {
        super::super::links::parse_query(Some(q))
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

    #[test]
    fn account_metric_validation() {
        let now = 1_782_820_800;
        let q = validate_account(
            &p("metric=reach&period=day&metric_type=time_series&since=1782000000&until=1782600000"),
            now,
        )
        .unwrap();
        assert!(q.time_series);
        let e = validate_account(&p("metric=likes&period=day"), now).unwrap_err();
        assert!(e
            .message
            .contains("should be specified with parameter metric_type=total_value"));
        let e = validate_account(&p("metric=reach,bogus&period=day"), now).unwrap_err();
        assert!(e
            .message
            .starts_with("(#100) metric[1] must be one of the following values: accounts_engaged"));
        let e = validate_account(
            &p("metric=reach&period=day&since=1780000000&until=1782600000"),
            now,
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "(#100) There cannot be more than 30 days (2592000 s) between since and until"
        );
        assert!(validate_account(
            &p("metric=follower_count&period=day&metric_type=total_value"),
            now
        )
        .is_err());
        assert!(validate_account(&p("metric=reach&period=lifetime"), now).is_err());
        assert!(validate_account(&p("metric=reach"), now).is_err());
        assert!(validate_account(
            &p("metric=views&period=day&metric_type=total_value&breakdown=follow_type"),
            now
        )
        .is_err());
        assert!(validate_account(
            &p("metric=views&period=day&metric_type=total_value&breakdown=colour"),
            now
        )
        .is_err());
        let q = validate_account(&p("metric=follower_demographics&period=lifetime&metric_type=total_value&breakdown=age,gender"), now).unwrap();
        assert_eq!(q.breakdown, ["age", "gender"]);
        assert!(validate_account(&p("metric=engaged_audience_demographics&period=lifetime&metric_type=total_value&breakdown=age"), now).is_err());
        assert!(validate_account(&p("metric=engaged_audience_demographics&period=lifetime&metric_type=total_value&breakdown=age&timeframe=last_90_days"), now).is_err());
    }

    #[test]
    fn days_and_splits() {
        let s = 1_782_820_800; // 12:00 UTC
        assert_eq!(day_ends(s, s + DAY).len(), 1);
        assert_eq!(day_ends(s, s + 7 * DAY).len(), 7);
        assert_eq!(
            fmt_time(day_ends(s, s + DAY)[0]),
            "2026-07-01T07:00:00+0000"
        );
        let parts = split(1000, 6, 9);
        assert_eq!(parts.iter().sum::<u64>(), 1000);
        assert_eq!(parts, split(1000, 6, 9));
        assert_eq!(weights_split(7, &[1, 1, 1]).iter().sum::<u64>(), 7);
    }
}
