//! The request as paging links need it: origin from the Host header, version, path, query pairs.

use url::form_urlencoded;

/// Query parameters in their original order (repeated keys kept).
pub(crate) type Pairs = Vec<(String, String)>;

/// Parse a raw query string.
pub(crate) fn parse_query(raw: Option<&str>) -> Pairs {
    raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// The last value of `key` (Graph reads the last one when a key repeats).
pub(crate) fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Where a request came in, to build `paging.next` / `previous` links back to the same server.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    /// `http://host:port` as the client addressed us.
    pub origin: String,
    /// `v25.0`
    pub version: String,
    /// Path after the version, starting with `/`.
    pub path: String,
    pub query: Pairs,
}

impl Links {
    /// This request's URL moved to the page `dir` (`after`/`before`) of `cursor`: the other
    /// cursor dropped, the page size kept, or set to `limit` when the request gave none.
    pub(crate) fn cursor_link(&self, dir: &str, cursor: &str, limit: usize) -> String {
        let other = if dir == "after" { "before" } else { "after" };
        let mut changes = vec![(dir, Some(cursor.to_owned())), (other, None)];
        if get(&self.query, "limit").is_none() {
            changes.push(("limit", Some(limit.to_string())));
        }
        self.with(&changes)
    }

    /// Same path and query with some parameters replaced (`Some`) or removed (`None`);
    /// replaced parameters keep their position, new ones go last.
    pub(crate) fn with(&self, changes: &[(&str, Option<String>)]) -> String {
        let mut out: Pairs = Vec::new();
        let mut done: Vec<&str> = Vec::new();
        for (k, v) in &self.query {
            match changes.iter().find(|(ck, _)| ck == k) {
                Some((ck, new)) => {
                    if !done.contains(ck) {
                        done.push(ck);
                        if let Some(n) = new {
                            out.push((k.clone(), n.clone()));
                        }
                    }
                }
                None => out.push((k.clone(), v.clone())),
            }
        }
        for (ck, new) in changes {
            if let (false, Some(n)) = (done.contains(ck), new) {
                out.push(((*ck).to_owned(), n.clone()));
            }
        }
        self.url(&self.path, &out)
    }

    /// A link to another edge (`/{id}/comments`), carrying the credentials of this request.
    pub(crate) fn edge(&self, node_id: &str, edge: &str, params: Pairs) -> String {
        let mut out: Pairs = self
            .query
            .iter()
            .filter(|(k, _)| k == "access_token" || k == "appsecret_proof")
            .cloned()
            .collect();
        out.extend(params);
        self.url(&format!("/{node_id}/{edge}"), &out)
    }

    fn url(&self, path: &str, pairs: &Pairs) -> String {
        let mut s = format!("{}/{}{}", self.origin, self.version, path);
        if !pairs.is_empty() {
            s.push('?');
            s.push_str(
                &form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs)
                    .finish(),
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            origin: "http://127.0.0.1:9".into(),
            version: "v25.0".into(),
            path: "/me/media".into(),
            query: parse_query(Some("fields=id%2Ccaption&access_token=T&after=A&limit=5")),
        }
    }

    #[test]
    fn replace_keeps_order_and_appends_new() {
        let l = links();
        assert_eq!(
            l.with(&[("after", Some("B".into())), ("before", None)]),
            "http://127.0.0.1:9/v25.0/me/media?fields=id%2Ccaption&access_token=T&after=B&limit=5"
        );
        assert_eq!(
            l.with(&[("after", None), ("before", Some("C".into()))]),
            "http://127.0.0.1:9/v25.0/me/media?fields=id%2Ccaption&access_token=T&limit=5&before=C"
        );
        assert_eq!(get(&l.query, "limit"), Some("5"));
    }

    #[test]
    fn edge_links_carry_only_credentials() {
        let l = links();
        let u = l.edge("1", "comments", vec![("limit".into(), "2".into())]);
        assert_eq!(
            u,
            "http://127.0.0.1:9/v25.0/1/comments?access_token=T&limit=2"
        );
    }
}
