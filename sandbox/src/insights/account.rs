//! Account insights: `GET /{ig-user-id}/insights` (graph-api.md §2.1).

use super::media::MEDIA_PERIODS;
use super::{describe, list, must_be_one_of, required, weights_split};
use crate::errors::GraphError;
use crate::links::{get, Links, Pairs};
use crate::prng::{hash_str, mix, SplitMix64};
use crate::render::{fmt_time, parse_time, Ctx};
use crate::world::Account;
use serde_json::{json, Map, Value};

const DAY: i64 = 86_400;
/// Days end at midnight Pacific time, 07:00 UTC (Meta's `end_time`).
const DAY_END_OFFSET: i64 = 7 * 3600;
/// Longest `since`..`until` window.
const MAX_WINDOW: i64 = 30 * DAY;

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
        // A repeated dimension would multiply the result combinations for nothing.
        if breakdown[..i].contains(b) {
            return Err(GraphError::param(format!("Duplicate breakdown ({b})")));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Pairs {
        crate::links::parse_query(Some(q))
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
        assert!(validate_account(
            &p("metric=follower_demographics&period=lifetime&metric_type=total_value&breakdown=city,city"),
            now
        )
        .is_err());
        assert!(validate_account(&p("metric=engaged_audience_demographics&period=lifetime&metric_type=total_value&breakdown=age"), now).is_err());
        assert!(validate_account(&p("metric=engaged_audience_demographics&period=lifetime&metric_type=total_value&breakdown=age&timeframe=last_90_days"), now).is_err());
    }

    #[test]
    fn day_ends_are_pacific_midnights() {
        let s = 1_782_820_800; // 12:00 UTC
        assert_eq!(day_ends(s, s + DAY).len(), 1);
        assert_eq!(day_ends(s, s + 7 * DAY).len(), 7);
        assert_eq!(
            fmt_time(day_ends(s, s + DAY)[0]),
            "2026-07-01T07:00:00+0000"
        );
        assert!(day_ends(s, s).is_empty());
    }
}
