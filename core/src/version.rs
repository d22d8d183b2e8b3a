//! Graph API versions: the default, the ones we know with their release and expiry dates, and
//! the check that turns a user's string into a version we send.

use crate::error::{Error, Result};
use chrono::NaiveDate;

/// Graph API version used when none is configured (Meta's newest, released 2026-11-04).
pub const DEFAULT_API_VERSION: &str = "v27.0";

/// Warn when the chosen version expires within this many days.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

/// A Graph API version Meta has released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownVersion {
    /// `v27.0`.
    pub name: &'static str,
    /// Release date.
    pub released: NaiveDate,
    /// Last day Meta serves it, when known. Meta keeps a version for two years after its
    /// successor's release; dates Meta has not published yet are derived from that rule, and
    /// the newest version has none.
    pub expires: Option<NaiveDate>,
}

const fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, day) {
        Some(x) => x,
        None => panic!("invalid date in the version table"),
    }
}

/// Versions from Meta's changelog (graph-api.md §0, changes-2026h2.md §3.1), oldest first.
pub const KNOWN_VERSIONS: &[KnownVersion] = &[
    KnownVersion {
        name: "v19.0",
        released: d(2024, 1, 23),
        expires: Some(d(2026, 5, 21)),
    },
    KnownVersion {
        name: "v20.0",
        released: d(2024, 5, 21),
        expires: Some(d(2026, 9, 24)),
    },
    KnownVersion {
        name: "v21.0",
        released: d(2024, 10, 2),
        expires: Some(d(2027, 1, 21)),
    },
    KnownVersion {
        name: "v22.0",
        released: d(2025, 1, 21),
        expires: Some(d(2027, 5, 29)),
    },
    KnownVersion {
        name: "v23.0",
        released: d(2025, 5, 29),
        expires: Some(d(2027, 10, 8)),
    },
    KnownVersion {
        name: "v24.0",
        released: d(2025, 10, 8),
        expires: Some(d(2028, 2, 18)),
    },
    KnownVersion {
        name: "v25.0",
        released: d(2026, 2, 18),
        expires: Some(d(2028, 7, 29)),
    },
    KnownVersion {
        name: "v26.0",
        released: d(2026, 7, 29),
        expires: Some(d(2028, 11, 4)),
    },
    KnownVersion {
        name: "v27.0",
        released: d(2026, 11, 4),
        expires: None,
    },
];

/// The table entry of `name`, if we know it.
pub fn known(name: &str) -> Option<&'static KnownVersion> {
    KNOWN_VERSIONS.iter().find(|v| v.name == name)
}

/// Accept `v27.0`, `27.0` or `27` (any two-digit major, so versions newer than this table
/// work); reject anything else, such as `latest` or `v999.0`.
pub fn normalize_version(v: &str) -> Result<String> {
    let bad = || {
        Error::invalid_params(format!(
            "client config: api_version: expected a Graph API version like \"{DEFAULT_API_VERSION}\", got {v:?}"
        ))
    };
    let core = v.trim();
    let core = core.strip_prefix('v').unwrap_or(core);
    let (major, minor) = core.split_once('.').unwrap_or((core, "0"));
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(major, 2) || !digits(minor, 1) || major.starts_with('0') {
        return Err(bad());
    }
    Ok(format!("v{major}.{minor}"))
}

/// A warning about `version` on `today`: expired, expiring within
/// [`EXPIRY_WARNING_DAYS`], or unknown to this release. `None` when all is well.
pub fn warning(version: &str, today: NaiveDate) -> Option<String> {
    let Some(k) = known(version) else {
        let newest = KNOWN_VERSIONS
            .last()
            .map_or(DEFAULT_API_VERSION, |k| k.name);
        return Some(format!(
            "Graph API {version} is not in this release's version table (newest known: {newest})"
        ));
    };
    let expires = k.expires?;
    let days = (expires - today).num_days();
    if days < 0 {
        Some(format!(
            "Graph API {version} expired on {expires}: Meta now answers with the oldest version it still serves; use {DEFAULT_API_VERSION}"
        ))
    } else if days <= EXPIRY_WARNING_DAYS {
        Some(format!(
            "Graph API {version} expires on {expires} (in {days} days); move to {DEFAULT_API_VERSION}"
        ))
    } else {
        None
    }
}

/// [`warning`] for today (UTC).
pub fn warning_now(version: &str) -> Option<String> {
    warning(version, chrono::Utc::now().date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_normalise() {
        assert_eq!(normalize_version("27").unwrap(), "v27.0");
        assert_eq!(normalize_version("v24.0").unwrap(), "v24.0");
        assert_eq!(
            normalize_version("v31.0").unwrap(),
            "v31.0",
            "newer than the table"
        );
        for bad in [
            "latest", "v999.0", "v27.0.1", "v27.10", "", "v", "v07.0", "27.x",
        ] {
            assert!(normalize_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn table_is_ordered_and_default_is_newest() {
        assert_eq!(KNOWN_VERSIONS.last().unwrap().name, DEFAULT_API_VERSION);
        for w in KNOWN_VERSIONS.windows(2) {
            assert!(w[0].released < w[1].released);
        }
    }

    #[test]
    fn warnings_by_date() {
        let day = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert!(warning("v27.0", day(2026, 12, 1)).is_none());
        assert!(warning("v25.0", day(2026, 12, 1)).is_none());
        let w = warning("v21.0", day(2026, 12, 1)).unwrap();
        assert!(w.contains("expires on 2027-01-21"), "{w}");
        let w = warning("v20.0", day(2026, 12, 1)).unwrap();
        assert!(w.contains("expired"), "{w}");
        assert!(warning("v31.0", day(2026, 12, 1))
            .unwrap()
            .contains("not in this release"));
    }
}
