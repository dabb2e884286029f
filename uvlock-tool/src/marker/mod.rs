//! PEP 508 markers: a parser and a printer that reproduces uv 0.13.9's canonical form for a proven subset.
//!
//! uv prints a marker by walking its decision diagram into DNF and sorting each conjunction by expression kind
//! (`uv-pep508` `simplify::sort`): python version first, then string markers in `MarkerValueString` order
//! (implementation_name, os_name, platform_machine, platform_python_implementation, ..., sys_platform), extras
//! last. For a conjunction of atoms on distinct variables that walk is the conjunction itself, so the subset is:
//! conjunctions (no `or`, no `in`) of at most one python-version atom, string atoms with `==`/`!=` on distinct
//! variables (at most one of `os_name`/`sys_platform`, which uv knows to conflict), and at most one `extra == '..'`.
//! Everything else is refused (E009) rather than guessed.

mod order;
mod parse;

use std::cmp::Ordering;

pub use parse::{canonicalize, with_extra};

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

    /// Restricts the marker to a lock's `requires-python` range: `Ok(None)` when the marker can never hold there,
    /// `Ok(Some(m))` with the python bound dropped when the range implies it, `Err` when the result cannot be
    /// proven to match uv's simplification (a bound that cuts the range).
    pub fn restrict_to(
        &self,
        range: Option<&PyRange>,
        text: &str,
    ) -> Result<Option<Marker>, String> {
        let Some(py) = &self.python else {
            return Ok(Some(self.clone()));
        };
        let Some(range) = range else {
            return Err(format!(
                "marker `{text}` constrains the python version, but the lock's requires-python is not a range this tool reads"
            ));
        };
        // The marker's python set as [low, high) (`None` = unbounded), and whether it is that set's complement.
        let (low, high, negated) = match py {
            PyAtom::Ge(v) => (Some(v.clone()), None, false),
            PyAtom::Lt(v) => (None, Some(v.clone()), false),
            PyAtom::EqStar(v) => (Some(v.clone()), Some(next_minor(v)), false),
            PyAtom::NeStar(v) => (Some(v.clone()), Some(next_minor(v)), true),
        };
        let le = |a: &[u64], b: &[u64]| cmp_versions(a, b) != Ordering::Greater;
        // The set covers the whole range / misses it entirely.
        let covers = low.as_deref().is_none_or(|l| le(l, &range.lower))
            && high
                .as_deref()
                .is_none_or(|h| range.upper.as_deref().is_some_and(|u| le(u, h)));
        let misses = high.as_deref().is_some_and(|h| le(h, &range.lower))
            || low
                .as_deref()
                .is_some_and(|l| range.upper.as_deref().is_some_and(|u| le(u, l)));
        let inside = low.as_deref().is_none_or(|l| le(&range.lower, l))
            && high
                .as_deref()
                .is_none_or(|h| range.upper.as_deref().is_none_or(|u| le(h, u)));
        let mut out = self.clone();
        match (covers, misses, negated) {
            (true, _, false) | (_, true, true) => out.python = None,
            (true, _, true) | (_, true, false) => return Ok(None),
            // A single bound strictly inside the range stays as written (uv prints it unchanged).
            _ if inside || matches!(py, PyAtom::Ge(_) | PyAtom::Lt(_)) => {}
            _ => {
                return Err(format!(
                    "marker `{text}` needs uv's python-range simplification against requires-python"
                ))
            }
        }
        Ok(Some(out))
    }
}

/// `X.Y` → `X.(Y+1)` (the end of `== 'X.Y.*'`).
fn next_minor(v: &[u64]) -> Vec<u64> {
    let mut n = v.to_vec();
    if let Some(last) = n.last_mut() {
        *last += 1;
    }
    n
}

/// A lock's `requires-python` as a range of release versions: `>= lower`, and `< upper` when bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyRange {
    pub lower: Vec<u64>,
    pub upper: Option<Vec<u64>>,
}

impl PyRange {
    /// Reads `>=X.Y[.Z]` optionally followed by `, <X[.Y]` (the forms uv writes); `None` for anything else.
    pub fn parse(requires_python: &str) -> Option<PyRange> {
        let release =
            |v: &str| -> Option<Vec<u64>> { v.trim().split('.').map(|p| p.parse().ok()).collect() };
        let mut parts = requires_python.split(',');
        let lower = release(parts.next()?.trim().strip_prefix(">=")?)?;
        let upper = match parts.next() {
            None => None,
            Some(u) => Some(release(
                u.trim().strip_prefix('<').filter(|r| !r.starts_with('='))?,
            )?),
        };
        if parts.next().is_some() {
            return None;
        }
        Some(PyRange { lower, upper })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> Option<String> {
        canonicalize(s).expect("canonicalizable").print()
    }

    /// Every whitelisted input of the marker corpus (fixtures/marker-corpus, written by uv 0.13.9) and its
    /// canonical form.
    const UV_CORPUS: &[(&str, &str)] = &[
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

    #[test]
    fn matches_the_uv_corpus() {
        for &(input, want) in UV_CORPUS {
            assert_eq!(canon(input).as_deref(), Some(want), "{input}");
        }
        // Cross-check against the lock uv wrote for the corpus.
        let lock = include_str!("../../tests/fixtures/marker-corpus/uv.lock");
        for (_, want) in UV_CORPUS.iter().filter(|(_, w)| !w.contains("extra")) {
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
        let range = PyRange::parse(">=3.11").expect("range");
        let r = |s: &str| canonicalize(s).expect("canon").restrict_to(Some(&range), s);
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
        assert_eq!(
            r("python_version == '3.12'")
                .expect("ok")
                .and_then(|m| m.print())
                .as_deref(),
            Some("python_full_version == '3.12.*'")
        );
        // A bounded range (`>=3.11, <4.0`): bounds at or past the upper end hold always or never.
        let bounded = PyRange::parse(">=3.11, <4.0").expect("range");
        let b = |s: &str| {
            canonicalize(s)
                .expect("canon")
                .restrict_to(Some(&bounded), s)
        };
        assert!(b("python_version >= '4.0'").expect("ok").is_none());
        assert_eq!(
            b("python_version < '4.1'")
                .expect("ok")
                .and_then(|m| m.print()),
            None
        );
        assert_eq!(
            b("python_version < '3.13'")
                .expect("ok")
                .and_then(|m| m.print())
                .as_deref(),
            Some("python_full_version < '3.13'")
        );
        let cut = PyRange::parse(">=3.12.2").expect("range");
        assert!(canonicalize("python_version == '3.12'")
            .expect("canon")
            .restrict_to(Some(&cut), "x")
            .is_err());
        assert_eq!(
            r("sys_platform == 'linux'")
                .expect("ok")
                .and_then(|m| m.print())
                .as_deref(),
            Some("sys_platform == 'linux'")
        );
    }
}
