//! Cursor paging of edges: opaque cursors, `limit` with per-edge caps, `after`/`before`.
//!
//! An edge is a list of `(key, id)` in display order (ascending). A cursor names the key and id
//! of an item, so paging survives deletions: `after` resumes at the first item ordered after it.

use super::errors::GraphError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Default page size of every edge (Meta's default).
pub(crate) const DEFAULT_LIMIT: usize = 25;

/// One entry of an edge: its sort key and its id.
pub(crate) type EdgeItem = (i64, String);

/// Paging parameters as read from the query string or from field modifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PageReq {
    pub limit: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
}

/// One page of an edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Window {
    pub ids: Vec<String>,
    /// Cursor of the first item of the page.
    pub before: Option<String>,
    /// Cursor of the last item of the page.
    pub after: Option<String>,
    pub has_prev: bool,
    pub has_next: bool,
    /// The page size used (after the cap), for paging links.
    pub limit: usize,
}

pub(crate) fn encode_cursor(key: i64, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("sbx1:{key}:{id}"))
}

pub(crate) fn decode_cursor(c: &str) -> Option<(i64, String)> {
    let raw = URL_SAFE_NO_PAD.decode(c.trim_end_matches('=')).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let rest = s.strip_prefix("sbx1:")?;
    let (key, id) = rest.split_once(':')?;
    if id.is_empty() {
        return None;
    }
    Some((key.parse().ok()?, id.to_owned()))
}

/// `limit` as Graph reads it: a positive integer, silently capped at the edge's maximum.
pub(crate) fn parse_limit(raw: Option<&str>, cap: usize) -> Result<usize, GraphError> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_LIMIT.min(cap));
    };
    let t = raw.trim();
    let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    // A huge number is still a positive integer: cap it rather than reject it.
    match t.parse::<u64>() {
        Ok(n) if n > 0 => Ok((n.min(cap as u64)) as usize),
        Err(_) if digits && t.trim_start_matches('0').len() > 19 => Ok(cap),
        _ => Err(GraphError::param(format!(
            "The parameter limit must be a positive integer, got '{}'",
            truncate(raw, 40)
        ))),
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn cursor_arg(raw: &str, which: &str) -> Result<(i64, String), GraphError> {
    decode_cursor(raw.trim()).ok_or_else(|| {
        GraphError::param(format!(
            "The {which} cursor '{}' is not a valid paging cursor",
            truncate(raw, 80)
        ))
    })
}

/// Cut one page out of `items` (which must be sorted ascending by `(key, id)`).
pub(crate) fn window(items: &[EdgeItem], req: &PageReq, cap: usize) -> Result<Window, GraphError> {
    let limit = parse_limit(req.limit.as_deref(), cap)?;
    let cmp =
        |item: &EdgeItem, c: &(i64, String)| (item.0, item.1.as_str()).cmp(&(c.0, c.1.as_str()));
    let (start, end) = if let Some(a) = req.after.as_deref().filter(|s| !s.is_empty()) {
        let c = cursor_arg(a, "after")?;
        let start = items.partition_point(|it| cmp(it, &c).is_le());
        (start, (start + limit).min(items.len()))
    } else if let Some(b) = req.before.as_deref().filter(|s| !s.is_empty()) {
        let c = cursor_arg(b, "before")?;
        let end = items.partition_point(|it| cmp(it, &c).is_lt());
        (end.saturating_sub(limit), end)
    } else {
        (0, limit.min(items.len()))
    };
    let page = &items[start..end];
    Ok(Window {
        ids: page.iter().map(|(_, id)| id.clone()).collect(),
        before: page.first().map(|(k, id)| encode_cursor(*k, id)),
        after: page.last().map(|(k, id)| encode_cursor(*k, id)),
        has_prev: start > 0 && !page.is_empty(),
        has_next: end < items.len() && !page.is_empty(),
        limit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<EdgeItem> {
        (0..n)
            .map(|i| (i as i64 * 10, format!("id{i:03}")))
            .collect()
    }

    #[test]
    fn cursor_roundtrip_and_garbage() {
        let c = encode_cursor(-1_700_000_000, "18012345678901234");
        assert!(c
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(
            decode_cursor(&c),
            Some((-1_700_000_000, "18012345678901234".to_owned()))
        );
        assert_eq!(decode_cursor("not a cursor!"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("sbx1:x:1")), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("sbx1:5:")), None);
    }

    #[test]
    fn limits() {
        assert_eq!(parse_limit(None, 100).unwrap(), 25);
        assert_eq!(parse_limit(None, 10).unwrap(), 10);
        assert_eq!(parse_limit(Some("500"), 50).unwrap(), 50);
        assert_eq!(parse_limit(Some("7"), 50).unwrap(), 7);
        assert_eq!(
            parse_limit(Some("123456789012345678901234"), 50).unwrap(),
            50
        );
        for bad in ["0", "-3", "abc", "", "2.5"] {
            let e = parse_limit(Some(bad), 50).unwrap_err();
            assert_eq!(e.code, 100);
        }
    }

    #[test]
    fn forward_and_backward_paging_covers_everything_once() {
        let all = items(53);
        let mut req = PageReq {
            limit: Some("10".into()),
            ..Default::default()
        };
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let w = window(&all, &req, 50).unwrap();
            pages += 1;
            assert_eq!(w.has_prev, pages > 1);
            seen.extend(w.ids.clone());
            if !w.has_next {
                break;
            }
            req.after = w.after.clone();
        }
        assert_eq!(pages, 6);
        assert_eq!(seen, all.iter().map(|x| x.1.clone()).collect::<Vec<_>>());

        let last = window(
            &all,
            &PageReq {
                limit: Some("10".into()),
                after: Some(encode_cursor(420, "id042")),
                before: None,
            },
            50,
        )
        .unwrap();
        assert_eq!(last.ids.len(), 10);
        assert!(!last.has_next);
        let back = window(
            &all,
            &PageReq {
                limit: Some("10".into()),
                after: None,
                before: last.before.clone(),
            },
            50,
        )
        .unwrap();
        assert_eq!(back.ids.first().unwrap(), "id033");
        assert_eq!(back.ids.last().unwrap(), "id042");
        assert!(back.has_next && back.has_prev);
    }

    #[test]
    fn cursor_of_deleted_item_still_resumes() {
        let mut all = items(10);
        let w = window(
            &all,
            &PageReq {
                limit: Some("3".into()),
                ..Default::default()
            },
            50,
        )
        .unwrap();
        all.remove(2); // the page's last item is gone
        let w2 = window(
            &all,
            &PageReq {
                limit: Some("3".into()),
                after: w.after,
                before: None,
            },
            50,
        )
        .unwrap();
        assert_eq!(w2.ids, ["id003", "id004", "id005"]);
        let empty = window(&[], &PageReq::default(), 50).unwrap();
        assert!(
            empty.ids.is_empty() && !empty.has_next && !empty.has_prev && empty.after.is_none()
        );
    }

    #[test]
    fn bad_cursor_is_a_graph_error() {
        let e = window(
            &items(3),
            &PageReq {
                after: Some("%%%".into()),
                ..Default::default()
            },
            50,
        )
        .unwrap_err();
        assert_eq!(e.code, 100);
    }
}
