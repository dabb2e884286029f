//! Parsing a PEP 508 marker into the canonicalizable subset ([`Marker`]), refusing what uv's printing of it is
//! not proven for.

use super::{Marker, PyAtom};
use crate::pep508::normalize_name;
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
    let toks = tokenize(text).map_err(|e| format!("invalid marker `{text}`: {e}"))?;
    let mut p = Parser { toks, pos: 0 };
    let expr = p
        .or()
        .map_err(|e| format!("invalid marker `{text}`: {e}"))?;
    if p.pos != p.toks.len() {
        return Err(format!("invalid marker `{text}`: trailing input"));
    }
    canonical(expr)
        .map_err(|why| format!("cannot canonicalize marker `{text}` exactly as uv does ({why})"))
}

/// The canonical form of a parsed marker, or why only uv's marker algebra could give it.
fn canonical(expr: Expr) -> Result<Marker, &'static str> {
    let mut atoms = Vec::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::And(items) => stack.extend(items),
            Expr::Or => return Err("`or` needs uv's marker algebra"),
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
            return Err("the quoted value is on the left");
        }
        add_comparison(&mut m, var, op, value)?;
    }
    let platform_vars = m
        .strings
        .iter()
        .filter(|(_, v, ..)| v == "os_name" || v == "sys_platform")
        .count();
    if platform_vars > 1 {
        return Err("`os_name` and `sys_platform` together (uv knows pairs that conflict)");
    }
    m.strings.sort_by_key(|(r, ..)| *r);
    Ok(m)
}

/// One `var op 'value'` comparison of the conjunction, added to `m`.
fn add_comparison(
    m: &mut Marker,
    var: String,
    op: String,
    value: String,
) -> Result<(), &'static str> {
    if op == "in" || op == "not in" {
        return Err("`in`/`not in`");
    }
    if var == "extra" {
        if op != "==" {
            return Err("only `extra == '...'` is supported");
        }
        if m.extra.is_some() {
            return Err("more than one extra");
        }
        m.extra = Some(normalize_name(&value));
        return Ok(());
    }
    if var == "python_version" || var == "python_full_version" {
        let Some(atom) = python_atom(&var, &op, &value) else {
            return Err("this python-version comparison");
        };
        if m.python.is_some() {
            return Err("more than one python-version comparison");
        }
        m.python = Some(atom);
        return Ok(());
    }
    if op != "==" && op != "!=" {
        return Err("only `==`/`!=` on string markers");
    }
    if value.contains('\'') || value.contains('"') {
        return Err("a quote inside the value");
    }
    let (var, value) = if var == "platform_system" {
        let mapped = match value.as_str() {
            "Windows" => "win32",
            "Linux" => "linux",
            "Darwin" => "darwin",
            _ => return Err("platform_system values other than Windows/Linux/Darwin"),
        };
        ("sys_platform".to_string(), mapped.to_string())
    } else {
        (var, value)
    };
    let Some(rank) = string_rank(&var) else {
        return Err("this marker variable");
    };
    if m.strings.iter().any(|(r, ..)| *r == rank) {
        return Err("two comparisons on one variable");
    }
    m.strings.push((rank, var, op, value));
    Ok(())
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
