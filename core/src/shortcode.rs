//! Shortcodes, media pks and permalinks (pure functions, no requests).
//!
//! A shortcode (`BGvuInzyFAe` in `instagram.com/p/BGvuInzyFAe/`) is Instagram's internal media
//! pk written in base 64, big-endian, without padding, in the URL-safe alphabet
//! `A-Z a-z 0-9 - _` (graph-api.md §6.1). Private-share links append a 28-character signature,
//! which is dropped before decoding (as gallery-dl and yt-dlp do). The pk is **not** the Graph
//! API media id (`17…`/`18…`): there is no arithmetic between the two; `media.by_shortcode`
//! finds the Graph id by listing the account's media.
//!
//! The pk's high bits are its creation time: Instagram's ids are 41 bits of milliseconds since
//! Instagram's epoch (1314220021721 ms, 2011-08-24T21:07:01.721Z) followed by 23 bits of shard
//! and sequence (Instagram Engineering, "Sharding & IDs at Instagram", 2012; checked against the
//! `taken_at` of published media in fixtures/shortcodes.json). Meta does not document this for
//! the Graph API, so callers treat [`created_at`] as a hint only.

use std::fmt;

/// The shortcode alphabet (base64url without padding).
pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Length of the signature suffix of private-share shortcodes.
pub const PRIVATE_SUFFIX_LEN: usize = 28;

/// Instagram's id epoch in Unix milliseconds (see the module doc).
pub const INSTAGRAM_EPOCH_MS: i64 = 1_314_220_021_721;

/// Why a shortcode, pk or URL was refused. The message names the offending input (inputs
/// are public identifiers, never secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeError {
    /// What is wrong, for humans.
    pub message: String,
}

impl ShortcodeError {
    fn new(message: impl Into<String>) -> Self {
        ShortcodeError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ShortcodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShortcodeError {}

/// Inputs are quoted in errors, shortened so a pasted document does not flood the message.
fn quoted(s: &str) -> String {
    if s.chars().count() <= 80 {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(77).collect();
        format!("{:?}", format!("{head}..."))
    }
}

fn digit(b: u8) -> Option<u128> {
    ALPHABET.iter().position(|&c| c == b).map(|i| i as u128)
}

/// The public shortcode: `code` itself, or without its 28-character private-share suffix.
/// Validates the alphabet.
pub fn normalize(code: &str) -> Result<String, ShortcodeError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(ShortcodeError::new("shortcode is empty"));
    }
    if let Some(bad) = code
        .chars()
        .find(|c| !c.is_ascii() || digit(*c as u8).is_none())
    {
        return Err(ShortcodeError::new(format!(
            "{} is not a shortcode: {bad:?} is not in the alphabet A-Z a-z 0-9 - _",
            quoted(code)
        )));
    }
    let public = if code.len() > PRIVATE_SUFFIX_LEN {
        &code[..code.len() - PRIVATE_SUFFIX_LEN]
    } else {
        code
    };
    Ok(public.to_owned())
}

/// The media pk a shortcode (or private-share shortcode) spells.
pub fn to_pk(code: &str) -> Result<u128, ShortcodeError> {
    let public = normalize(code)?;
    public.bytes().try_fold(0u128, |acc, b| {
        let d = digit(b).unwrap_or(0);
        acc.checked_mul(64)
            .and_then(|v| v.checked_add(d))
            .ok_or_else(|| {
                ShortcodeError::new(format!(
                    "{} is too long for a shortcode (media pks have at most 128 bits)",
                    quoted(code.trim())
                ))
            })
    })
}

/// The shortcode of a media pk.
pub fn from_pk(mut pk: u128) -> String {
    let mut out = Vec::new();
    loop {
        out.push(ALPHABET[(pk % 64) as usize]);
        pk /= 64;
        if pk == 0 {
            break;
        }
    }
    out.reverse();
    out.into_iter().map(char::from).collect()
}

/// The shortcode of a pk given as decimal text; the legacy `<pk>_<owner pk>` id form is
/// accepted too (the part before `_` is the media's pk).
pub fn from_pk_str(pk: &str) -> Result<String, ShortcodeError> {
    let t = pk.trim();
    let head = t.split('_').next().unwrap_or(t);
    if head.is_empty() || !head.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ShortcodeError::new(format!(
            "{} is not a media pk (decimal digits, optionally \"<pk>_<owner>\")",
            quoted(t)
        )));
    }
    head.parse::<u128>()
        .map(from_pk)
        .map_err(|_| ShortcodeError::new(format!("{} is too large for a media pk", quoted(t))))
}

/// When the media behind `pk` was created (Unix seconds), from the id layout described in the
/// module doc; `None` when the value cannot be a time (beyond 41 bits of milliseconds).
pub fn created_at(pk: u128) -> Option<i64> {
    let ms = pk >> 23;
    if ms >= 1u128 << 41 {
        return None;
    }
    let ms = i64::try_from(ms).ok()?;
    Some((INSTAGRAM_EPOCH_MS + ms).div_euclid(1000))
}

/// Path words after which a post's shortcode follows.
const POST_WORDS: &[&str] = &["p", "reel", "reels", "tv"];

/// The shortcode in an Instagram post, reel or IGTV URL (`https://www.instagram.com/p/<code>/`,
/// `/reel/`, `/reels/`, `/tv/`; with or without scheme and `www.`; `m.instagram.com`; query
/// string, fragment and trailing slash allowed; an account-prefixed path such as
/// `/natgeo/p/<code>/` too). The code is returned as written (a private-share suffix stays;
/// see [`normalize`]).
pub fn from_url(url: &str) -> Result<String, ShortcodeError> {
    let t = url.trim();
    let lower = t.to_ascii_lowercase();
    let rest = ["https://", "http://"]
        .iter()
        .find_map(|s| lower.strip_prefix(s).map(|_| &t[s.len()..]))
        .unwrap_or(t);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host_lc = host.to_ascii_lowercase();
    if !matches!(
        host_lc.as_str(),
        "instagram.com" | "www.instagram.com" | "m.instagram.com"
    ) {
        return Err(ShortcodeError::new(format!(
            "{} is not an instagram.com post or reel URL",
            quoted(t)
        )));
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let code = match segs.as_slice() {
        [word, code] if POST_WORDS.contains(&word.to_ascii_lowercase().as_str()) => *code,
        [_account, word, code] if POST_WORDS.contains(&word.to_ascii_lowercase().as_str()) => *code,
        [word, ..] if word.eq_ignore_ascii_case("stories") => {
            return Err(ShortcodeError::new(format!(
                "{} is a story URL; stories have no shortcode (use stories.list or stories.get)",
                quoted(t)
            )))
        }
        _ => {
            return Err(ShortcodeError::new(format!(
                "{} is not a post or reel URL (expected /p/<shortcode>/, /reel/, /reels/ or /tv/)",
                quoted(t)
            )))
        }
    };
    normalize(code).map_err(|e| ShortcodeError::new(format!("{}: {}", quoted(t), e.message)))?;
    Ok(code.to_owned())
}

/// A shortcode from what a user pastes: a URL (see [`from_url`]) or a bare shortcode.
/// Returns the public shortcode (private-share suffix dropped).
pub fn parse(input: &str) -> Result<String, ShortcodeError> {
    let t = input.trim();
    if t.is_empty() {
        return Err(ShortcodeError::new("shortcode is empty"));
    }
    if t.contains('/') || t.contains('.') || t.contains(':') {
        return normalize(&from_url(t)?);
    }
    normalize(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vector_of_graph_api_md() {
        assert_eq!(to_pk("BGvuInzyFAe").unwrap(), 1_274_440_122_209_161_246);
        assert_eq!(from_pk(1_274_440_122_209_161_246), "BGvuInzyFAe");
        assert_eq!(from_pk(0), "A");
        assert_eq!(to_pk("A").unwrap(), 0);
    }

    #[test]
    fn bad_input_is_refused_not_panicked() {
        assert!(to_pk("").is_err());
        assert!(to_pk("abc=").is_err());
        assert!(to_pk("ab c").is_err());
        assert!(to_pk("é").is_err());
        assert!(to_pk(&"_".repeat(28)).is_err(), "beyond 128 bits");
        assert!(from_pk_str("12a").is_err());
        assert!(from_pk_str("").is_err());
        assert!(from_pk_str(&"9".repeat(60)).is_err());
        assert_eq!(
            from_pk_str("1274440122209161246_123").unwrap(),
            "BGvuInzyFAe"
        );
    }

    #[test]
    fn urls() {
        for u in [
            "https://www.instagram.com/p/BGvuInzyFAe/",
            "https://instagram.com/p/BGvuInzyFAe",
            "http://www.instagram.com/reel/BGvuInzyFAe/?igsh=abc",
            "www.instagram.com/reels/BGvuInzyFAe/",
            "instagram.com/tv/BGvuInzyFAe#x",
            "HTTPS://WWW.INSTAGRAM.COM/P/BGvuInzyFAe/",
            "https://www.instagram.com/natgeo/p/BGvuInzyFAe/",
            "https://m.instagram.com/p/BGvuInzyFAe/?utm_source=ig_web_copy_link",
        ] {
            assert_eq!(from_url(u).unwrap(), "BGvuInzyFAe", "{u}");
            assert_eq!(parse(u).unwrap(), "BGvuInzyFAe", "{u}");
        }
        for u in [
            "https://example.com/p/BGvuInzyFAe/",
            "https://www.instagram.com/natgeo/",
            "https://www.instagram.com/stories/natgeo/3456/",
            "https://www.instagram.com/p/",
            "https://www.instagram.com/p/bad=code/",
            "https://evil.com/instagram.com/p/BGvuInzyFAe/",
            "https://www.instagram.com.evil.com/p/BGvuInzyFAe/",
        ] {
            assert!(from_url(u).is_err(), "{u}");
        }
        assert!(from_url("https://www.instagram.com/stories/x/1/")
            .unwrap_err()
            .message
            .contains("story"));
    }

    #[test]
    fn creation_time_from_the_pk() {
        // BjNLpA1AhXM, taken_at 2018-05-25T15:46:53Z (fixtures/shortcodes.json).
        assert_eq!(created_at(1_787_135_824_035_452_364), Some(1_527_263_213));
        assert_eq!(created_at(u128::MAX), None);
    }
}
