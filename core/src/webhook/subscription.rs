//! Meta's GET verification handshake (graph-api.md §3.2): echo `hub.challenge` when
//! `hub.mode=subscribe` and `hub.verify_token` matches.

use crate::error::{Error, ErrorKind, Result};
use hmac::{Hmac, Mac};
use sha2::Sha256;

fn failed(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::VerificationFailed, message)
}

/// Which of the three parameters a query key is (`hub.mode`, or `hub_mode` from frameworks
/// such as PHP that rewrite `.` to `_`).
fn slot(key: &str) -> Option<usize> {
    let rest = key
        .strip_prefix("hub.")
        .or_else(|| key.strip_prefix("hub_"))?;
    match rest {
        "mode" => Some(0),
        "verify_token" => Some(1),
        "challenge" => Some(2),
        _ => None,
    }
}

const NAMES: [&str; 3] = ["hub.mode", "hub.verify_token", "hub.challenge"];

/// Compare two tokens in constant time, also hiding their lengths: both are MACed under the
/// same fixed key and the tags compared with `verify_slice` (constant time).
fn tokens_match(given: &str, configured: &str) -> bool {
    let tag = |s: &str| {
        // HMAC takes keys of any length, so this never fails; if it did, nothing matches.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"instagram-graph verify_token").ok()?;
        m.update(s.as_bytes());
        Some(m)
    };
    match (tag(given), tag(configured)) {
        (Some(g), Some(c)) => g.verify_slice(&c.finalize().into_bytes()).is_ok(),
        _ => false,
    }
}

/// Answer Meta's GET handshake: the `hub.challenge` to echo (as `text/plain`) when
/// `hub.mode=subscribe` and `hub.verify_token` equals `verify_token`; otherwise an error of
/// kind `verification_failed` that says why (never echoing either token). Accepts `hub_mode`
/// style keys too (some frameworks rewrite `.` to `_`). A parameter given twice with different
/// values is refused; an empty configured `verify_token` is an error, never a pass.
pub fn verify_subscription<I, K, V>(query: I, verify_token: &str) -> Result<String>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    if verify_token.is_empty() {
        return Err(failed(
            "webhook verification: no verify token configured, so no handshake can succeed",
        ));
    }
    let mut found: [Option<String>; 3] = [None, None, None];
    for (k, v) in query {
        let Some(i) = slot(k.as_ref()) else { continue };
        let v = v.as_ref();
        match &found[i] {
            Some(prev) if prev != v => {
                return Err(failed(format!(
                    "webhook verification: {} is given twice with different values",
                    NAMES[i]
                )))
            }
            Some(_) => {}
            None => found[i] = Some(v.to_owned()),
        }
    }
    let [mode, token, challenge] = found;
    match mode.as_deref() {
        Some("subscribe") => {}
        None => return Err(failed("webhook verification: hub.mode is missing")),
        // Not quoted back: a caller who swapped parameters would see a token in the message.
        Some(_) => return Err(failed("webhook verification: hub.mode must be 'subscribe'")),
    }
    let Some(token) = token else {
        return Err(failed("webhook verification: hub.verify_token is missing"));
    };
    if !tokens_match(&token, verify_token) {
        return Err(failed(
            "webhook verification: hub.verify_token does not match the configured verify token",
        ));
    }
    match challenge {
        Some(c) if !c.is_empty() => Ok(c),
        Some(_) => Err(failed("webhook verification: hub.challenge is empty")),
        None => Err(failed("webhook verification: hub.challenge is missing")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn echoes_the_challenge_for_both_key_styles() {
        for (m, t, c) in [
            ("hub.mode", "hub.verify_token", "hub.challenge"),
            ("hub_mode", "hub_verify_token", "hub_challenge"),
            ("hub.mode", "hub_verify_token", "hub.challenge"),
        ] {
            let got = verify_subscription(
                q(&[(m, "subscribe"), (t, "tok-123"), (c, "1158201444")]),
                "tok-123",
            );
            assert_eq!(got.unwrap(), "1158201444");
        }
    }

    #[test]
    fn refuses_and_never_echoes_tokens() {
        let cases = [
            q(&[
                ("hub.mode", "subscribe"),
                ("hub.verify_token", "WRONG-TOKEN-VALUE"),
                ("hub.challenge", "1"),
            ]),
            q(&[
                ("hub.mode", "unsubscribe"),
                ("hub.verify_token", "RIGHT-TOKEN-VALUE"),
                ("hub.challenge", "1"),
            ]),
            q(&[
                ("hub.verify_token", "RIGHT-TOKEN-VALUE"),
                ("hub.challenge", "1"),
            ]),
            q(&[("hub.mode", "subscribe"), ("hub.challenge", "1")]),
            q(&[
                ("hub.mode", "subscribe"),
                ("hub.verify_token", "RIGHT-TOKEN-VALUE"),
            ]),
            q(&[
                ("hub.mode", "subscribe"),
                ("hub.verify_token", "RIGHT-TOKEN-VALUE"),
                ("hub.challenge", ""),
            ]),
            q(&[
                ("hub.mode", "subscribe"),
                ("hub.verify_token", "RIGHT-TOKEN-VALUE"),
                ("hub_verify_token", "WRONG-TOKEN-VALUE"),
                ("hub.challenge", "1"),
            ]),
            q(&[
                ("hub.mode", "subscribe"),
                ("hub.verify_token", "RIGHT-TOKEN-VALUEx"),
                ("hub.challenge", "1"),
            ]),
        ];
        for query in cases {
            let e = verify_subscription(query.clone(), "RIGHT-TOKEN-VALUE").unwrap_err();
            assert_eq!(e.kind, ErrorKind::VerificationFailed, "{query:?}");
            let all = format!("{e} {e:?}");
            assert!(!all.contains("TOKEN-VALUE"), "{all}");
        }
        let ok = q(&[
            ("hub.mode", "subscribe"),
            ("hub.verify_token", ""),
            ("hub.challenge", "1"),
        ]);
        assert!(verify_subscription(ok, "").is_err());
    }

    #[test]
    fn constant_time_compare_is_exact() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "abcd"));
        assert!(!tokens_match("", "a"));
    }
}
