//! PEP 508 markers: a parser and a printer that reproduces uv 0.13.9's canonical form for a proven subset.
//!
//! uv prints a marker by walking its decision diagram into DNF and sorting each conjunction by expression kind
//! (`uv-pep508` `simplify::sort`): python version first, then string markers in `MarkerValueString` order
//! (implementation_name, os_name, platform_machine, platform_python_implementation, ..., sys_platform), extras
//! last. For a conjunction of atoms on distinct variables that walk is the conjunction itself, so the subset is:
//! conjunctions (no `or`, no `in`) of at most one python-version atom, string atoms with `==`/`!=` on distinct
//! variables (at most one of `os_name`/`sys_platform`, which uv knows to conflict), and at most one `extra == '..'`.
//! Everything else is refused (E009) rather than guessed.

use crate::pep508::normalize_name;

/// A python-version bound in uv's lowered form (`python_full_version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyAtom {
    /// `python_full_version >= 'v'`
    Ge(Vec<u64>),
    /// `python_full_version < 'v'`
    Lt(Vec<u64>),
    /// `python_full_version == 'X.Y.*'`
    EqStar(Vec<u64>),
    /// `python_full_version != 'X.Y.*'`
    NeStar(Vec<u64>),
}

fn ver(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

impl PyAtom {
    fn print(&self) -> String {
        match self {
            PyAtom::Ge(v) => format!("python_full_version >= '{}'", ver(v)),
            PyAtom::Lt(v) => format!("python_full_version < '{}'", ver(v)),
            PyAtom::EqStar(v) => format!("python_full_version == '{}.*'", ver(v)),
            PyAtom::NeStar(v) => format!("python_full_version != '{}.*'", ver(v)),
        }
    }
}

/// A canonicalizable marker: a conjunction in uv's print order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Marker {
    pub python: Option<PyAtom>,
    /// (kind rank, variable, operator, value), sorted by rank.
    pub strings: Vec<(u8, String, String, String)>,
    pub extra: Option<String>,
}

impl Marker {
    /// uv's canonical text, or `None` for the always-true marker.
    pub fn print(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(p) = &self.python {
            parts.push(p.print());
        }
        for (_, var, op, value) in &self.strings {
            parts.push(format!("{var} {op} '{value}'"));
        }
        if let Some(e) = &self.extra {
            parts.push(format!("extra == '{e}'"));
        }
        if parts.is_empty() {
            None
        } else {
            Some(parts.join(" and "))
        }
    }

    /// The same marker without its extra atom.
    pub fn without_extra(&self) -> Marker {
        Marker {
            extra: None,
            ..self.clone()
        }
    }

    /// Restricts the marker to a lock whose `requires-python` is `>= lower`: `Ok(None)` when the marker can
    /// never hold there, `Ok(Some(m))` with python bounds implied by requires-python removed, `Err` when the
    /// result cannot be proven to match uv's simplification.
    pub fn restrict_to(&self, lower: Option<&[u64]>, text: &str) -> Result<Option<Marker>, String> {
        let Some(py) = &self.python else {
            return Ok(Some(self.clone()));
        };
        let Some(lower) = lower else {
            return Err(format!(
                "marker `{text}` constrains the python version, but the lock's requires-python is not a simple lower bound"
            ));
        };
        let cmp = |v: &[u64]| cmp_versions(v, lower);
        let mut out = self.clone();
        match py {
            PyAtom::Ge(v) => {
                if cmp(v) != std::cmp::Ordering::Greater {
                    out.python = None;
                }
            }
            PyAtom::Lt(v) => {
                if cmp(v) != std::cmp::Ordering::Greater {
                    return Ok(None);
                }
            }
            PyAtom::EqStar(v) | PyAtom::NeStar(v) => {
                let minor_of_lower: Vec<u64> = lower
                    .iter()
                    .copied()
                    .chain(std::iter::repeat(0))
                    .take(2)
                    .collect();
                let never_matches = cmp_versions(v, &minor_of_lower) == std::cmp::Ordering::Less;
                match (py, never_matches) {
                    (PyAtom::EqStar(_), true) => return Ok(None),
                    (PyAtom::NeStar(_), true) => out.python = None,
                    _ => {
                        return Err(format!(
                            "marker `{text}` needs uv's python-range simplification against requires-python"
                        ))
                    }
                }
            }
        }
        Ok(Some(out))
    }
}

/// Compares release segments, padding with zeros.
pub fn cmp_versions(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        match x.cmp(&y) {
            std::cmp::Ordering::Equal => {}
            o => return o,
        }
    }
    std::cmp::Ordering::Equal
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Op(String),
    LParen,
    RParen,
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            toks.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            toks.push(Tok::RParen);
            i += 1;
        } else if c == '\'' || c == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|&d| d == c)
                .ok_or("unterminated string")?;
            toks.push(Tok::Str(chars[i + 1..i + 1 + end].iter().collect()));
            i += end + 2;
        } else if "=!<>~".contains(c) {
            let mut op = String::new();
            while i < chars.len() && "=!<>~".contains(chars[i]) {
                op.push(chars[i]);
                i += 1;
            }
            toks.push(Tok::Op(op));
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            let mut id = String::new();
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                id.push(chars[i]);
                i += 1;
            }
            toks.push(Tok::Ident(id));
        } else {
            return Err(format!("unexpected character `{c}`"));
        }
    }
    Ok(toks)
}

#[derive(Debug, Clone)]
enum Expr {
    And(Vec<Expr>),
    Or,
    Atom {
        var: String,
        op: String,
        value: String,
        reversed: bool,
    },
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut items = vec![self.and()?];
        while matches!(self.peek(), Some(Tok::Ident(w)) if w == "or") {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or
        })
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut items = vec![self.primary()?];
        while matches!(self.peek(), Some(Tok::Ident(w)) if w == "and") {
            self.pos += 1;
            items.push(self.primary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }
    fn operand(&mut self) -> Result<(bool, String), String> {
        match self.next() {
            Some(Tok::Ident(v)) => Ok((true, v)),
            Some(Tok::Str(s)) => Ok((false, s)),
            other => Err(format!(
                "expected a marker variable or a quoted string, found {other:?}"
            )),
        }
    }
    fn primary(&mut self) -> Result<Expr, String> {
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let e = self.or()?;
            if self.next() != Some(Tok::RParen) {
                return Err("expected `)`".into());
            }
            return Ok(e);
        }
        let (lvar, left) = self.operand()?;
        let op = match self.next() {
            Some(Tok::Op(o)) => o,
            Some(Tok::Ident(w)) if w == "in" => "in".to_string(),
            Some(Tok::Ident(w)) if w == "not" => match self.next() {
                Some(Tok::Ident(w2)) if w2 == "in" => "not in".to_string(),
                _ => return Err("expected `in` after `not`".into()),
            },
            other => return Err(format!("expected a comparison operator, found {other:?}")),
        };
        let (rvar, right) = self.operand()?;
        match (lvar, rvar) {
            (true, false) => Ok(Expr::Atom {
                var: left,
                op,
                value: right,
                reversed: false,
            }),
            (false, true) => Ok(Expr::Atom {
                var: right,
                op,
                value: left,
                reversed: true,
            }),
            _ => Err("a marker comparison needs one variable and one quoted string".into()),
        }
    }
}

fn string_rank(var: &str) -> Option<u8> {
    // MarkerValueString order in uv-pep508 0.13.x.
    Some(match var {
        "implementation_name" => 0,
        "os_name" => 1,
        "platform_machine" => 3,
        "platform_python_implementation" => 5,
        "sys_platform" => 13,
        _ => return None,
    })
}

fn parse_release(v: &str) -> Option<Vec<u64>> {
    let parts: Option<Vec<u64>> = v.split('.').map(|p| p.parse::<u64>().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

fn python_atom(var: &str, op: &str, value: &str) -> Option<PyAtom> {
    let v = parse_release(value)?;
    match var {
        "python_version" => {
            if v.len() != 2 {
                return None;
            }
            let next = vec![v[0], v[1] + 1];
            Some(match op {
                "<" => PyAtom::Lt(v),
                "<=" => PyAtom::Lt(next),
                ">" => PyAtom::Ge(next),
                ">=" => PyAtom::Ge(v),
                "==" => PyAtom::EqStar(v),
                "!=" => PyAtom::NeStar(v),
                _ => return None,
            })
        }
        "python_full_version" => {
            // `3.12.0` may be printed as `3.12` by uv: not proven, refused.
            if !(2..=3).contains(&v.len()) || (v.len() == 3 && v[2] == 0) {
                return None;
            }
            match op {
                ">=" => Some(PyAtom::Ge(v)),
                "<" => Some(PyAtom::Lt(v)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Parses a marker and canonicalizes it as uv 0.13.9 prints it, or explains why that cannot be proven.
pub fn canonicalize(text: &str) -> Result<Marker, String> {
    let refuse = |why: &str| {
        Err(format!(
            "cannot canonicalize marker `{text}` exactly as uv does ({why})"
        ))
    };
    let toks = tokenize(text).map_err(|e| format!("invalid marker `{text}`: {e}"))?;
    let mut p = Parser { toks, pos: 0 };
    let expr = p
        .or()
        .map_err(|e| format!("invalid marker `{text}`: {e}"))?;
    if p.pos != p.toks.len() {
        return Err(format!("invalid marker `{text}`: trailing input"));
    }
    let mut atoms = Vec::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::And(items) => stack.extend(items),
            Expr::Or => return refuse("`or` needs uv's marker algebra"),
            Expr::Atom {
                var,
                op,
                value,
                reversed,
            } => atoms.push((var, op, value, reversed)),
        }
    }
    let mut m = Marker::default();
    for (var, op, value, reversed) in atoms {
        if reversed {
            return refuse("the quoted value is on the left");
        }
        if op == "in" || op == "not in" {
            return refuse("`in`/`not in`");
        }
        if var == "extra" {
            if op != "==" {
                return refuse("only `extra == '...'` is supported");
            }
            if m.extra.is_some() {
                return refuse("more than one extra");
            }
            m.extra = Some(normalize_name(&value));
            continue;
        }
        if var == "python_version" || var == "python_full_version" {
            let Some(atom) = python_atom(&var, &op, &value) else {
                return refuse("this python-version comparison");
            };
            if m.python.is_some() {
                return refuse("more than one python-version comparison");
            }
            m.python = Some(atom);
            continue;
        }
        if op != "==" && op != "!=" {
            return refuse("only `==`/`!=` on string markers");
        }
        if value.contains('\'') || value.contains('"') {
            return refuse("a quote inside the value");
        }
        let (var, value) = if var == "platform_system" {
            let mapped = match value.as_str() {
                "Windows" => "win32",
                "Linux" => "linux",
                "Darwin" => "darwin",
                _ => return refuse("platform_system values other than Windows/Linux/Darwin"),
            };
            ("sys_platform".to_string(), mapped.to_string())
        } else {
            (var, value)
        };
        let Some(rank) = string_rank(&var) else {
            return refuse("this marker variable");
        };
        if m.strings.iter().any(|(r, ..)| *r == rank) {
            return refuse("two comparisons on one variable");
        }
        m.strings.push((rank, var, op, value));
    }
    let platform_vars = m
        .strings
        .iter()
        .filter(|(_, v, ..)| v == "os_name" || v == "sys_platform")
        .count();
    if platform_vars > 1 {
        return refuse("`os_name` and `sys_platform` together (uv knows pairs that conflict)");
    }
    m.strings.sort_by_key(|(r, ..)| *r);
    Ok(m)
}

/// Adds `and extra == 'x'` to an optional marker (used for `[project.optional-dependencies]`).
pub fn with_extra(marker: Option<&str>, extra: &str) -> Result<Marker, String> {
    let mut m = match marker {
        Some(t) => canonicalize(t)?,
        None => Marker::default(),
    };
    if m.extra.is_some() {
        return Err(format!(
            "marker `{}` already names an extra",
            marker.unwrap_or_default()
        ));
    }
    m.extra = Some(normalize_name(extra));
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> Option<String> {
        canonicalize(s).expect("canonicalizable").print()
    }

    /// Every whitelisted input of the marker corpus (fixtures/marker-corpus, written by uv 0.13.9).
    #[test]
    fn matches_the_uv_corpus() {
        let cases = [
            ("python_version < '3.13'", "python_full_version < '3.13'"),
            ("python_version <= '3.12'", "python_full_version < '3.13'"),
            ("python_version > '3.12'", "python_full_version >= '3.13'"),
            ("python_version >= '3.12'", "python_full_version >= '3.12'"),
            (
                "python_version == '3.12'",
                "python_full_version == '3.12.*'",
            ),
            (
                "python_version != '3.12'",
                "python_full_version != '3.12.*'",
            ),
            (
                "python_full_version >= '3.11.4'",
                "python_full_version >= '3.11.4'",
            ),
            ("python_version >= '3.8'", "python_full_version >= '3.8'"),
            ("python_version < '3.11'", "python_full_version < '3.11'"),
            ("sys_platform == 'linux'", "sys_platform == 'linux'"),
            ("sys_platform != 'win32'", "sys_platform != 'win32'"),
            ("sys_platform == \"darwin\"", "sys_platform == 'darwin'"),
            ("platform_system == 'Windows'", "sys_platform == 'win32'"),
            ("platform_system == 'Linux'", "sys_platform == 'linux'"),
            ("platform_system == 'Darwin'", "sys_platform == 'darwin'"),
            ("platform_system != 'Windows'", "sys_platform != 'win32'"),
            ("os_name == 'nt'", "os_name == 'nt'"),
            (
                "platform_machine == 'x86_64'",
                "platform_machine == 'x86_64'",
            ),
            (
                "implementation_name == 'cpython'",
                "implementation_name == 'cpython'",
            ),
            (
                "platform_python_implementation == 'CPython'",
                "platform_python_implementation == 'CPython'",
            ),
            (
                "platform_python_implementation != 'PyPy'",
                "platform_python_implementation != 'PyPy'",
            ),
            (
                "sys_platform == 'linux' and platform_machine == 'x86_64'",
                "platform_machine == 'x86_64' and sys_platform == 'linux'",
            ),
            (
                "platform_machine == 'x86_64' and sys_platform == 'linux'",
                "platform_machine == 'x86_64' and sys_platform == 'linux'",
            ),
            (
                "sys_platform == 'linux' and python_version >= '3.12'",
                "python_full_version >= '3.12' and sys_platform == 'linux'",
            ),
            (
                "python_version >= '3.12' and sys_platform == 'linux'",
                "python_full_version >= '3.12' and sys_platform == 'linux'",
            ),
            (
                "implementation_name == 'cpython' and python_version < '3.14'",
                "python_full_version < '3.14' and implementation_name == 'cpython'",
            ),
            (
                "python_version >= '3.12' and extra == 'sdk'",
                "python_full_version >= '3.12' and extra == 'sdk'",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input).as_deref(), Some(want), "{input}");
        }
        // Cross-check against the lock uv wrote for the corpus.
        let lock = include_str!("../tests/fixtures/marker-corpus/uv.lock");
        for (_, want) in cases.iter().filter(|(_, w)| !w.contains("extra")) {
            assert!(
                lock.contains(&format!("marker = \"{want}\"")),
                "{want} not in the corpus lock"
            );
        }
    }

    #[test]
    fn refuses_what_it_cannot_prove() {
        for input in [
            "python_version ~= '3.12'",
            "sys_platform == 'linux' or sys_platform == 'darwin'",
            "os_name == 'nt' and sys_platform == 'win32' or sys_platform == 'darwin'",
            "'linux' in sys_platform",
            "sys_platform not in 'win32 cygwin'",
            "(sys_platform == 'linux' or sys_platform == 'darwin') and python_version >= '3.12'",
            "os_name == 'nt' and sys_platform == 'win32'",
            "python_version >= '3.8' and python_version < '3.13'",
            "platform_system == 'FreeBSD'",
            "platform_release == '5'",
            "python_full_version >= '3.12.0'",
        ] {
            let err = canonicalize(input).expect_err(input);
            assert!(err.contains("cannot canonicalize"), "{input}: {err}");
        }
        assert!(canonicalize("sys_platform ==").is_err());
    }

    #[test]
    fn restricts_to_requires_python() {
        let lower = [3, 11];
        let r = |s: &str| canonicalize(s).expect("canon").restrict_to(Some(&lower), s);
        assert_eq!(
            r("python_version >= '3.8'")
                .expect("ok")
                .and_then(|m| m.print()),
            None
        );
        assert!(r("python_version < '3.11'").expect("ok").is_none());
        assert_eq!(
            r("python_version >= '3.12'")
                .expect("ok")
                .and_then(|m| m.print())
                .as_deref(),
            Some("python_full_version >= '3.12'")
        );
        assert_eq!(
            r("python_full_version >= '3.11.4'")
                .expect("ok")
                .and_then(|m| m.print())
                .as_deref(),
            Some("python_full_version >= '3.11.4'")
        );
        assert!(r("python_version == '3.10'").expect("ok").is_none());
        assert!(r("python_version == '3.12'").is_err());
        assert_eq!(
            r("sys_platform == 'linux'")
                .expect("ok")
                .and_then(|m| m.print())
                .as_deref(),
            Some("sys_platform == 'linux'")
        );
    }
}
