//! A small, fast reader for the TOML subset uv writes into `uv.lock` (bare or quoted keys, basic strings,
//! integers, booleans, inline tables, arrays, `[table]` and `[[array-of-tables]]` headers, comments after a
//! value or on their own line).
//! Anything else makes it give up (`None`); the caller then falls back to `toml_edit`, which also reports
//! syntax errors with line and column.

use super::Val;

/// A parsed table: entries in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tbl {
    pub entries: Vec<(String, Node)>,
    /// Created only as the parent of a header (`[a.b]` creates an implicit `a`).
    pub implicit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Val(Val),
    Table(Tbl),
    Tables(Vec<Tbl>),
}

impl Tbl {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

struct P<'a> {
    t: &'a str,
    s: &'a [u8],
    i: usize,
    /// Nesting of the value being read (arrays and inline tables).
    depth: usize,
}

/// Deeper values make the fast reader give up, so that `toml_edit` (whose own limit is lower) reports them as
/// an error: uv.lock nests three levels, and unbounded recursion would overflow the stack.
const MAX_DEPTH: usize = 128;

impl<'a> P<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }
    fn blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }
    /// Skips a comment up to the end of its line.
    fn comment(&mut self) {
        while !matches!(self.peek(), None | Some(b'\n')) {
            self.i += 1;
        }
    }
    fn eat(&mut self, b: u8) -> Option<()> {
        if self.peek() == Some(b) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }
    fn key(&mut self) -> Option<String> {
        if self.peek() == Some(b'"') {
            return self.string();
        }
        let start = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        {
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        self.t.get(start..self.i).map(str::to_string)
    }
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let start = self.i;
        // Fast path: no escapes.
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    let s = self.t.get(start..self.i)?.to_string();
                    self.i += 1;
                    return Some(s);
                }
                b'\\' => break,
                b'\n' => return None,
                _ => self.i += 1,
            }
        }
        let mut out = self.t.get(start..self.i)?.to_string();
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'u' | b'U' => {
                            let n = if e == b'u' { 4 } else { 8 };
                            let hex = std::str::from_utf8(self.s.get(self.i..self.i + n)?).ok()?;
                            out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                            self.i += n;
                        }
                        _ => return None,
                    }
                }
                b'\n' => return None,
                _ => {
                    let rest = self.t.get(self.i..)?;
                    let c = rest.chars().next()?;
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }
    fn value(&mut self) -> Option<Val> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let value = self.value_inner();
        self.depth -= 1;
        value
    }
    fn value_inner(&mut self) -> Option<Val> {
        match self.peek()? {
            b'"' => self.string().map(Val::Str),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.blank();
                    if self.eat(b']').is_some() {
                        return Some(Val::Array(items));
                    }
                    items.push(self.value()?);
                    self.blank();
                    if self.eat(b',').is_none() {
                        self.blank();
                        self.eat(b']')?;
                        return Some(Val::Array(items));
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut t = Vec::new();
                self.spaces();
                if self.eat(b'}').is_some() {
                    return Some(Val::Table(t));
                }
                loop {
                    self.spaces();
                    let k = self.key()?;
                    self.spaces();
                    self.eat(b'=')?;
                    self.spaces();
                    let v = self.value()?;
                    if t.iter().any(|(x, _): &(String, Val)| *x == k) {
                        return None;
                    }
                    t.push((k, v));
                    self.spaces();
                    if self.eat(b',').is_none() {
                        self.eat(b'}')?;
                        return Some(Val::Table(t));
                    }
                }
            }
            b't' if self.s[self.i..].starts_with(b"true") => {
                self.i += 4;
                Some(Val::Bool(true))
            }
            b'f' if self.s[self.i..].starts_with(b"false") => {
                self.i += 5;
                Some(Val::Bool(false))
            }
            c if c.is_ascii_digit() || c == b'-' => {
                let start = self.i;
                self.i += 1;
                while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                    self.i += 1;
                }
                std::str::from_utf8(&self.s[start..self.i])
                    .ok()?
                    .parse()
                    .ok()
                    .map(Val::Int)
            }
            _ => None,
        }
    }
    fn header_path(&mut self) -> Option<Vec<String>> {
        let mut path = Vec::new();
        loop {
            self.spaces();
            path.push(self.key()?);
            self.spaces();
            if self.eat(b'.').is_none() {
                return Some(path);
            }
        }
    }
}

/// The table at `path` (creating implicit tables; into the last element of arrays of tables).
fn navigate<'t>(root: &'t mut Tbl, path: &[String]) -> Option<&'t mut Tbl> {
    let mut cur = root;
    for key in path {
        let pos = match cur.entries.iter().position(|(k, _)| k == key) {
            Some(p) => p,
            None => {
                cur.entries.push((
                    key.clone(),
                    Node::Table(Tbl {
                        entries: Vec::new(),
                        implicit: true,
                    }),
                ));
                cur.entries.len() - 1
            }
        };
        cur = match &mut cur.entries[pos].1 {
            Node::Table(t) => t,
            Node::Tables(ts) => ts.last_mut()?,
            Node::Val(_) => return None,
        };
    }
    Some(cur)
}

/// Parses uv's TOML subset, or `None` if the text leaves it.
pub fn parse_fast(text: &str) -> Option<Tbl> {
    let mut p = P {
        t: text,
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    let mut root = Tbl::default();
    let mut current: Vec<String> = Vec::new();
    loop {
        p.blank();
        let Some(c) = p.peek() else { return Some(root) };
        if c == b'#' {
            p.comment();
            continue;
        }
        if c == b'[' {
            p.i += 1;
            let array = p.eat(b'[').is_some();
            let path = p.header_path()?;
            p.eat(b']')?;
            if array {
                p.eat(b']')?;
            }
            let (last, parent) = path.split_last()?;
            let parent_tbl = navigate(&mut root, parent)?;
            match parent_tbl.entries.iter().position(|(k, _)| k == last) {
                Some(pos) => match (&mut parent_tbl.entries[pos].1, array) {
                    (Node::Tables(ts), true) => ts.push(Tbl::default()),
                    (Node::Table(t), false) if t.implicit => t.implicit = false,
                    _ => return None,
                },
                None => parent_tbl.entries.push((
                    last.clone(),
                    if array {
                        Node::Tables(vec![Tbl::default()])
                    } else {
                        Node::Table(Tbl::default())
                    },
                )),
            }
            current = path;
        } else {
            let key = p.key()?;
            p.spaces();
            p.eat(b'=')?;
            p.spaces();
            let v = p.value()?;
            let t = navigate(&mut root, &current)?;
            if t.get(&key).is_some() {
                return None;
            }
            t.entries.push((key, Node::Val(v)));
        }
        p.spaces();
        if p.peek() == Some(b'#') {
            p.comment();
        }
        match p.peek() {
            None | Some(b'\n') => {}
            Some(b'\r') if p.s.get(p.i + 1) == Some(&b'\n') => {}
            _ => return None,
        }
    }
}

/// Converts a `toml_edit` document into the same tree (the general path).
pub fn from_toml_edit(t: &toml_edit::Table) -> Option<Tbl> {
    let mut out = Tbl {
        entries: Vec::new(),
        implicit: t.is_implicit(),
    };
    for (k, item) in t.iter() {
        let node = match item {
            toml_edit::Item::Value(v) => Node::Val(super::parse::value_to_val(v)?),
            toml_edit::Item::Table(t) => Node::Table(from_toml_edit(t)?),
            toml_edit::Item::ArrayOfTables(a) => {
                Node::Tables(a.iter().map(from_toml_edit).collect::<Option<Vec<_>>>()?)
            }
            toml_edit::Item::None => continue,
        };
        out.entries.push((k.to_string(), node));
    }
    Some(out)
}
