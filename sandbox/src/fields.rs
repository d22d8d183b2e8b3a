//! The `fields=` language: `id,caption,children{id,media_url},comments.limit(5){id,replies{id}}`.
//!
//! Grammar: `list := item (',' item)*`, `item := name ('.' modifier '(' args ')')* ('{' list '}')?
//! ('.' modifier '(' args ')')*`. Modifier args are kept verbatim (they may hold commas:
//! `insights.metric(reach,views)`).

use std::fmt;

/// One requested field with its modifiers and nested selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldSel {
    pub name: String,
    pub mods: Vec<(String, String)>,
    /// `None` when no `{...}` was given (the node's default fields apply).
    pub sub: Option<Vec<FieldSel>>,
}

impl FieldSel {
    pub(crate) fn plain(name: &str) -> Self {
        FieldSel {
            name: name.to_owned(),
            mods: Vec::new(),
            sub: None,
        }
    }

    /// The last value of a modifier (`.limit(5)` -> `Some("5")`).
    pub(crate) fn modifier(&self, name: &str) -> Option<&str> {
        self.mods
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for FieldSel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        for (k, v) in &self.mods {
            write!(f, ".{k}({v})")?;
        }
        if let Some(sub) = &self.sub {
            write!(f, "{{{}}}", join(sub))?;
        }
        Ok(())
    }
}

/// Serialise a selection back to `fields=` syntax (nested paging links carry it).
pub(crate) fn join(list: &[FieldSel]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Parse a `fields=` value. The error is Meta's wording for syntax errors.
pub(crate) fn parse(input: &str) -> Result<Vec<FieldSel>, String> {
    let mut p = Parser {
        s: input.as_bytes(),
        pos: 0,
        input,
    };
    let list = p.list(0)?;
    p.skip_ws();
    if p.pos < p.s.len() {
        return Err(p.error(&format!(
            "Expected end of string instead of \"{}\".",
            p.s[p.pos] as char
        )));
    }
    Ok(list)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    input: &'a str,
}

const MAX_DEPTH: usize = 16;

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!(
            "Syntax error \"{what}\" at character {}: {}",
            self.pos, self.input
        )
    }

    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn list(&mut self, depth: usize) -> Result<Vec<FieldSel>, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("Field expansion nested too deeply."));
        }
        let mut out: Vec<FieldSel> = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                // Empty items (`id,,caption`, a trailing comma) are tolerated like Graph does.
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                None | Some(b'}') => break,
                _ => {}
            }
            let item = self.item(depth)?;
            // A field named twice keeps its first position; the later spelling wins.
            match out.iter_mut().find(|f| f.name == item.name) {
                Some(existing) => *existing = item,
                None => out.push(item),
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                None | Some(b'}') => break,
                Some(c) => {
                    return Err(self.error(&format!("Expected \",\" instead of \"{}\".", c as char)))
                }
            }
        }
        Ok(out)
    }

    fn name(&mut self) -> Result<String, String> {
        let start = self.pos;
        while self.pos < self.s.len()
            && (self.s[self.pos].is_ascii_alphanumeric() || self.s[self.pos] == b'_')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(match self.peek() {
                Some(c) => self.error(&format!("Expected name instead of \"{}\".", c as char)),
                None => self.error("Expected name instead of end of string."),
            });
        }
        Ok(self.input[start..self.pos].to_owned())
    }

    fn item(&mut self, depth: usize) -> Result<FieldSel, String> {
        let name = self.name()?;
        let mut sel = FieldSel {
            name,
            mods: Vec::new(),
            sub: None,
        };
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    let m = self.name()?;
                    self.skip_ws();
                    if self.peek() != Some(b'(') {
                        return Err(self.error("Expected \"(\"."));
                    }
                    self.pos += 1;
                    let arg = self.args()?;
                    sel.mods.push((m, arg));
                }
                Some(b'{') if sel.sub.is_none() => {
                    self.pos += 1;
                    let sub = self.list(depth + 1)?;
                    self.skip_ws();
                    if self.peek() != Some(b'}') {
                        return Err(self.error("Expected \"}\" instead of end of string."));
                    }
                    self.pos += 1;
                    sel.sub = Some(sub);
                }
                _ => return Ok(sel),
            }
        }
    }

    /// Text up to the matching `)`, nested parentheses allowed.
    fn args(&mut self) -> Result<String, String> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'(' => depth += 1,
                b')' if depth == 0 => {
                    let arg = self.input[start..self.pos].trim().to_owned();
                    self.pos += 1;
                    return Ok(arg);
                }
                b')' => depth -= 1,
                _ => {}
            }
            self.pos += 1;
        }
        Err(self.error("Expected \")\" instead of end of string."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_selection_with_modifiers() {
        let f =
            parse("id,caption,children{id,media_url},comments.limit(5){id,text,replies{id,text}}")
                .unwrap();
        assert_eq!(f.len(), 4);
        assert_eq!(f[2].name, "children");
        assert_eq!(f[2].sub.as_ref().unwrap().len(), 2);
        assert_eq!(f[3].modifier("limit"), Some("5"));
        let c = f[3].sub.as_ref().unwrap();
        assert_eq!(c[2].name, "replies");
        assert_eq!(c[2].sub.as_ref().unwrap()[1].name, "text");
        assert!(f[0].sub.is_none() && f[0].mods.is_empty());
    }

    #[test]
    fn modifiers_in_any_position_and_with_commas() {
        let f = parse(" media.limit(10).after(QVF-_x){id , caption}.before(abc), insights.metric(reach,views)").unwrap();
        assert_eq!(f[0].modifier("limit"), Some("10"));
        assert_eq!(f[0].modifier("after"), Some("QVF-_x"));
        assert_eq!(f[0].modifier("before"), Some("abc"));
        assert_eq!(f[1].modifier("metric"), Some("reach,views"));
        assert_eq!(
            join(&f),
            "media.limit(10).after(QVF-_x).before(abc){id,caption},insights.metric(reach,views)"
        );
        assert_eq!(parse(&join(&f)).unwrap(), f);
    }

    #[test]
    fn empty_items_and_duplicates() {
        let f = parse("id,,caption,id,").unwrap();
        assert_eq!(
            f.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
            ["id", "caption"]
        );
        assert!(parse("").unwrap().is_empty());
        assert_eq!(
            parse("children{}").unwrap()[0].sub.as_deref(),
            Some(&[][..])
        );
    }

    #[test]
    fn syntax_errors() {
        for bad in [
            "id}",
            "children{id",
            "comments.limit(5",
            "a.{id}",
            "a b",
            "id,{x}",
            "x.limit",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.starts_with("Syntax error \""), "{bad}: {e}");
        }
        let deep = "a{".repeat(40) + &"}".repeat(40);
        assert!(parse(&deep).is_err());
    }
}
