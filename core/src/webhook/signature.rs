//! `X-Hub-Signature-256` / `X-Hub-Signature` checks over the exact raw body (graph-api.md §3.3).
//!
//! Meta signs the bytes it sends (escaped unicode, `\/`), so only the raw body can be checked:
//! re-serialized JSON differs and would reject real deliveries.

use crate::error::{Error, ErrorKind, Result};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// The two algorithms Meta signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Sha256,
    Sha1,
}

impl Algorithm {
    const fn prefix(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256=",
            Algorithm::Sha1 => "sha1=",
        }
    }
    const fn digest_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 32,
            Algorithm::Sha1 => 20,
        }
    }
    const fn header(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "X-Hub-Signature-256",
            Algorithm::Sha1 => "X-Hub-Signature",
        }
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidSignature, message)
}

/// Split `sha256=<hex>` into the algorithm and the decoded digest. Never echoes the header:
/// it is attacker-controlled and may be huge.
fn decode(header: &str, expect: Option<Algorithm>) -> Result<(Algorithm, Vec<u8>)> {
    // HTTP allows optional whitespace around a field value; servers usually strip it already.
    let value = header.trim_matches(|c: char| c == ' ' || c == '\t');
    let name = expect.map_or("the signature header", Algorithm::header);
    if value.is_empty() {
        return Err(invalid(format!("webhook signature: {name} is empty")));
    }
    let algorithm = [Algorithm::Sha256, Algorithm::Sha1]
        .into_iter()
        .find(|a| {
            value
                .get(..a.prefix().len())
                .is_some_and(|p| p.eq_ignore_ascii_case(a.prefix()))
        })
        .ok_or_else(|| {
            invalid(format!(
                "webhook signature: {name} must start with 'sha256=' (or the legacy 'sha1=')"
            ))
        })?;
    if let Some(want) = expect {
        if want != algorithm {
            return Err(invalid(format!(
                "webhook signature: {} must start with '{}', not '{}'",
                want.header(),
                want.prefix(),
                algorithm.prefix()
            )));
        }
    }
    let hex_part = &value[algorithm.prefix().len()..];
    let want_len = algorithm.digest_len() * 2;
    if !hex_part.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(format!(
            "webhook signature: {} must be followed by hex digits only",
            algorithm.prefix()
        )));
    }
    if hex_part.len() != want_len {
        return Err(invalid(format!(
            "webhook signature: {} must be followed by {want_len} hex digits, got {}",
            algorithm.prefix(),
            hex_part.len()
        )));
    }
    // Length and alphabet were checked above, so decoding cannot fail; map it anyway.
    let digest = hex::decode(hex_part)
        .map_err(|_| invalid("webhook signature: the digest is not valid hex".into()))?;
    Ok((algorithm, digest))
}

fn check(raw_body: &[u8], algorithm: Algorithm, digest: &[u8], app_secret: &str) -> Result<bool> {
    if app_secret.is_empty() {
        return Err(invalid(
            "webhook signature: no app secret configured, so the signature cannot be checked"
                .into(),
        ));
    }
    // `verify_slice` compares in constant time (subtle), so timing reveals nothing of the digest.
    let ok = match algorithm {
        Algorithm::Sha256 => mac::<Hmac<Sha256>>(app_secret, raw_body)?
            .verify_slice(digest)
            .is_ok(),
        Algorithm::Sha1 => mac::<Hmac<Sha1>>(app_secret, raw_body)?
            .verify_slice(digest)
            .is_ok(),
    };
    Ok(ok)
}

fn mac<M: Mac + KeyInit>(app_secret: &str, raw_body: &[u8]) -> Result<M> {
    // HMAC takes keys of any length; the error arm exists only in the trait's signature.
    let mut m = <M as KeyInit>::new_from_slice(app_secret.as_bytes())
        .map_err(|_| invalid("webhook signature: the app secret cannot key an HMAC".into()))?;
    m.update(raw_body);
    Ok(m)
}

/// Check a signature header value (`sha256=<hex>` or legacy `sha1=<hex>`) against the HMAC of
/// the exact raw body bytes keyed with the app secret, in constant time. `Ok(false)` when a
/// well-formed signature does not match; `Err` (kind `invalid_signature`) when the header is
/// empty, malformed, of an unknown algorithm, not hex, truncated, or the secret is empty.
/// Hex digits may be upper- or lowercase; the prefix is matched case-insensitively.
pub fn verify_signature(raw_body: &[u8], header: &str, app_secret: &str) -> Result<bool> {
    let (algorithm, digest) = decode(header, None)?;
    check(raw_body, algorithm, &digest, app_secret)
}

/// [`verify_signature`] with both headers as received: `X-Hub-Signature-256` when present,
/// the legacy `X-Hub-Signature` (sha1) only when it is absent; neither → `invalid_signature`.
/// A present header must carry its own algorithm (`sha256=` in `X-Hub-Signature-256`); a
/// present but empty or malformed sha256 header is an error, never a reason to fall back.
pub fn verify_signature_headers(
    raw_body: &[u8],
    sha256_header: Option<&str>,
    sha1_header: Option<&str>,
    app_secret: &str,
) -> Result<bool> {
    let (algorithm, digest) =
        match (sha256_header, sha1_header) {
            (Some(h), _) => decode(h, Some(Algorithm::Sha256))?,
            (None, Some(h)) => decode(h, Some(Algorithm::Sha1))?,
            (None, None) => return Err(invalid(
                "webhook signature: the request has no X-Hub-Signature-256 header (nor a legacy \
                 X-Hub-Signature)"
                    .into(),
            )),
        };
    check(raw_body, algorithm, &digest, app_secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Real vectors come from openssl (below) and from fixtures/webhooks (Python's hmac); SHA256
    // is just a well-formed digest that matches nothing.
    const BODY: &[u8] = b"{\"object\":\"instagram\",\"entry\":[]}";
    const SHA256: &str = "sha256=6d70f3a0a1f1f8a4bdb5a2b7f1e1c2b0d7c5f0a7a7b6e57c9b31e4d2e3b1a2c9";

    fn openssl(alg: &str) -> String {
        let out = std::process::Command::new("openssl")
            .args(["dgst", &format!("-{alg}"), "-hmac", "secret", "-r"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(BODY)?;
                c.wait_with_output()
            });
        match out {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
            _ => String::new(),
        }
    }

    #[test]
    fn matches_openssl_when_available() {
        let h256 = openssl("sha256");
        let h1 = openssl("sha1");
        if h256.len() != 64 || h1.len() != 40 {
            eprintln!("openssl not available; the fixture tests cover the vectors");
            return;
        }
        assert!(verify_signature(BODY, &format!("sha256={h256}"), "secret").unwrap());
        assert!(verify_signature(BODY, &format!("sha1={h1}"), "secret").unwrap());
        assert!(
            verify_signature(BODY, &format!("sha256={}", h256.to_uppercase()), "secret").unwrap()
        );
        assert!(!verify_signature(BODY, &format!("sha256={h256}"), "other").unwrap());
    }

    #[test]
    fn malformed_headers_are_errors_and_mismatches_false() {
        assert!(!verify_signature(BODY, SHA256, "secret").unwrap());
        for bad in [
            "",
            "   ",
            "sha256=",
            "sha256=abc",
            "sha512=00",
            "6d70f3a0",
            "sha256:6d70",
            "sha256=zz70f3a0a1f1f8a4bdb5a2b7f1e1c2b0d7c5f0a7a7b6e57c9b31e4d2e3b1a2c9",
            "sha256=6d70f3a0a1f1f8a4bdb5a2b7f1e1c2b0d7c5f0a7a7b6e57c9b31e4d2e3b1a2c9aa",
            "sha1=6d70",
            "sha256=é",
        ] {
            let e = verify_signature(BODY, bad, "secret").unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidSignature, "{bad:?}");
        }
        let e = verify_signature(BODY, SHA256, "").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidSignature);
    }

    #[test]
    fn headers_prefer_sha256_and_never_fall_back() {
        let sha1 = "sha1=0000000000000000000000000000000000000000";
        assert!(!verify_signature_headers(BODY, Some(SHA256), Some(sha1), "s").unwrap());
        assert!(verify_signature_headers(BODY, Some(""), Some(sha1), "s").is_err());
        assert!(verify_signature_headers(BODY, Some(sha1), None, "s").is_err());
        assert!(verify_signature_headers(BODY, None, Some(SHA256), "s").is_err());
        assert!(!verify_signature_headers(BODY, None, Some(sha1), "s").unwrap());
        assert!(verify_signature_headers(BODY, None, None, "s").is_err());
    }

    #[test]
    fn errors_never_echo_the_secret_or_header() {
        let secret = "super-secret-value-1234";
        let header = "sha256=not-hex-but-long-attacker-text";
        let e = verify_signature(BODY, header, secret).unwrap_err();
        let all = format!("{e} {e:?}");
        assert!(!all.contains(secret) && !all.contains("attacker"), "{all}");
    }
}
