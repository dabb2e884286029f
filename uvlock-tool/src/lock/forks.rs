//! The order of `resolution-markers` uv writes when it re-locks a forked lock.
//!
//! uv seeds its resolution with the lock's forks and solves them one after another: by default the fork with the
//! highest lower Python bound first (with `fork-strategy = "fewest"` or `resolution-mode = "lowest"`, the lowest
//! first), forks with equal bounds in their previous order. The lock lists the forks in the order they were
//! solved. A fork's lower bound is the lowest Python version its marker admits, within `requires-python`.

use std::cmp::Ordering;

use super::{Lock, Val};
use crate::marker::cmp_versions;

/// A lower Python bound: the version and whether it is excluded (`>`), which sorts after the included one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Lower {
    version: Vec<u64>,
    excluded: bool,
}

impl Lower {
    fn cmp(&self, other: &Lower) -> Ordering {
        cmp_versions(&self.version, &other.version).then(self.excluded.cmp(&other.excluded))
    }
}

fn release(v: &str) -> Option<Vec<u64>> {
    v.split('.').map(|p| p.parse().ok()).collect()
}

/// The lower bound of `requires-python` (`>=X.Y`, optionally with an upper bound after a comma).
pub fn requires_python_lower(requires_python: &str) -> Option<Vec<u64>> {
    let first = requires_python.split(',').next()?.trim();
    release(first.strip_prefix(">=")?.trim())
}

/// A printed marker's tokens: `(`, `)`, `and`, `or`, and atoms (`var op 'value'` or `'value' op var`).
fn tokens(marker: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut atom = String::new();
    let mut quoted = false;
    let flush = |atom: &mut String, out: &mut Vec<String>| {
        let t = atom.trim();
        if !t.is_empty() {
            out.push(t.to_string());
        }
        atom.clear();
    };
    for word in marker.split(' ') {
        let mut w = word;
        if !quoted {
            while let Some(rest) = w.strip_prefix('(') {
                flush(&mut atom, &mut out);
                out.push("(".into());
                w = rest;
            }
        }
        let mut closing = 0;
        let mut core = w;
        if !quoted || w.matches('\'').count() % 2 == 1 {
            while let Some(rest) = core.strip_suffix(')') {
                closing += 1;
                core = rest;
            }
        }
        if !quoted && (core == "and" || core == "or") {
            flush(&mut atom, &mut out);
            out.push(core.into());
        } else {
            atom.push(' ');
            atom.push_str(core);
        }
        quoted ^= core.matches('\'').count() % 2 == 1;
        for _ in 0..closing {
            flush(&mut atom, &mut out);
            out.push(")".into());
        }
    }
    flush(&mut atom, &mut out);
    (!quoted).then_some(out)
}

/// The lowest Python version an expression admits within `default` (the lock's lower bound); `Some(None)`
/// when it admits none. Reads `or`, `and`, parentheses and `python_full_version` atoms; other atoms do not
/// constrain the version.
struct Lowest<'a> {
    toks: &'a [String],
    pos: usize,
    default: &'a [u64],
}

impl Lowest<'_> {
    fn or(&mut self) -> Option<Option<Lower>> {
        let mut best = self.and()?;
        while self.toks.get(self.pos).map(String::as_str) == Some("or") {
            self.pos += 1;
            let next = self.and()?;
            best = match (best, next) {
                (Some(a), Some(b)) => Some(if b.cmp(&a) == Ordering::Less { b } else { a }),
                (a, b) => a.or(b),
            };
        }
        Some(best)
    }

    fn and(&mut self) -> Option<Option<Lower>> {
        let mut lower = self.primary()?;
        while self.toks.get(self.pos).map(String::as_str) == Some("and") {
            self.pos += 1;
            let next = self.primary()?;
            lower = match (lower, next) {
                (Some(a), Some(b)) => Some(if b.cmp(&a) == Ordering::Greater { b } else { a }),
                _ => None,
            };
        }
        Some(lower)
    }

    fn primary(&mut self) -> Option<Option<Lower>> {
        let tok = self.toks.get(self.pos)?.clone();
        self.pos += 1;
        if tok == "(" {
            let inner = self.or()?;
            (self.toks.get(self.pos).map(String::as_str) == Some(")")).then_some(())?;
            self.pos += 1;
            return Some(inner);
        }
        atom_lower(&tok, self.default)
    }
}

/// The lower bound of one atom's Python versions within `default`.
fn atom_lower(atom: &str, default: &[u64]) -> Option<Option<Lower>> {
    let base = Lower {
        version: default.to_vec(),
        excluded: false,
    };
    let Some(rest) = atom.strip_prefix("python_full_version ") else {
        return (!atom.starts_with("python_version")).then_some(Some(base));
    };
    let (op, v) = rest.split_once(' ')?;
    let v = v.strip_prefix('\'')?.strip_suffix('\'')?;
    let star = v.strip_suffix(".*");
    let bound = match (op, star) {
        (">=", None) => Lower {
            version: release(v)?,
            excluded: false,
        },
        (">", None) => Lower {
            version: release(v)?,
            excluded: true,
        },
        ("==", _) => Lower {
            version: release(star.unwrap_or(v))?,
            excluded: false,
        },
        ("!=", Some(x)) => {
            let x = release(x)?;
            let lowest_minor: Vec<u64> = default.iter().copied().chain([0, 0]).take(2).collect();
            if cmp_versions(&x, &lowest_minor) == Ordering::Equal {
                let mut next = x;
                if let Some(last) = next.last_mut() {
                    *last += 1;
                }
                Lower {
                    version: next,
                    excluded: false,
                }
            } else {
                base.clone()
            }
        }
        ("<" | "<=", None) => {
            let u = release(v)?;
            let empty = match op {
                "<" => cmp_versions(&u, default) != Ordering::Greater,
                _ => cmp_versions(&u, default) == Ordering::Less,
            };
            return Some((!empty).then_some(base));
        }
        _ => return None,
    };
    Some(Some(if bound.cmp(&base) == Ordering::Greater {
        bound
    } else {
        base
    }))
}

/// The lowest Python version a fork marker admits, given the lock's lower bound; `None` when the marker holds
/// what this reading does not cover.
fn fork_lower(marker: &str, default: &[u64]) -> Option<Lower> {
    let toks = tokens(marker)?;
    let mut p = Lowest {
        toks: &toks,
        pos: 0,
        default,
    };
    let lower = p.or()?;
    (p.pos == toks.len()).then_some(())?;
    lower
}

/// Sorts `list` by lower bound (descending, or ascending when `lowest_first`), ties in their order.
fn sort(list: &mut Vec<String>, default: &[u64], lowest_first: bool) -> Result<(), String> {
    let keys = list
        .iter()
        .map(|m| fork_lower(m, default).ok_or_else(|| m.clone()))
        .collect::<Result<Vec<Lower>, String>>()?;
    let mut pairs: Vec<(Lower, String)> = keys.into_iter().zip(list.drain(..)).collect();
    pairs.sort_by(|a, b| {
        let o = a.0.cmp(&b.0);
        if lowest_first {
            o
        } else {
            o.reverse()
        }
    });
    list.extend(pairs.into_iter().map(|(_, m)| m));
    Ok(())
}

/// Puts the lock's and every package's `resolution-markers` in the order uv writes them after re-locking.
/// `Err` names a marker whose Python bound this tool cannot read.
pub fn sort_like_uv(lock: &mut Lock) -> Result<(), String> {
    if lock.resolution_markers.is_empty() {
        return Ok(());
    }
    let default = requires_python_lower(&lock.requires_python)
        .ok_or_else(|| format!("requires-python `{}`", lock.requires_python))?;
    let is = |key: &str, value: &str| matches!(lock.option(key), Some(Val::Str(s)) if s == value);
    let lowest_first = is("fork-strategy", "fewest") || is("resolution-mode", "lowest");
    sort(&mut lock.resolution_markers, &default, lowest_first)?;
    for p in &mut lock.packages {
        if !p.resolution_markers.is_empty() {
            sort(&mut p.resolution_markers, &default, lowest_first)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{fork_lower, sort, Lower};

    fn lower(marker: &str) -> Option<(Vec<u64>, bool)> {
        fork_lower(marker, &[3, 10]).map(|Lower { version, excluded }| (version, excluded))
    }

    #[test]
    fn reads_the_lower_python_bound_of_fork_markers() {
        let l = |v: &[u64], e: bool| Some((v.to_vec(), e));
        assert_eq!(lower("python_full_version >= '3.15' and (platform_python_implementation != 'PyPy' or sys_platform != 'win32')"), l(&[3, 15], false));
        assert_eq!(lower("python_full_version < '3.11'"), l(&[3, 10], false));
        assert_eq!(
            lower("python_full_version > '3.10' and python_full_version < '3.11'"),
            l(&[3, 10], true)
        );
        assert_eq!(
            lower("python_full_version >= '3.12' or python_full_version < '3.11'"),
            l(&[3, 10], false)
        );
        assert_eq!(
            lower("python_full_version == '3.12.*' and sys_platform == 'linux'"),
            l(&[3, 12], false)
        );
        assert_eq!(lower("python_full_version != '3.10.*'"), l(&[3, 11], false));
        assert_eq!(
            lower("platform_python_implementation != 'PyPy'"),
            l(&[3, 10], false)
        );
        assert_eq!(
            lower("(python_full_version >= '3.12' and sys_platform == 'linux') or python_full_version >= '3.13'"),
            l(&[3, 12], false)
        );
        assert_eq!(lower("python_version >= '3.12'"), None);
    }

    /// The order uv 0.13.9 wrote when it re-locked a lock fresh from a resolution (anthropic-sdk-python's
    /// forks, conflict markers shortened): highest lower bound first, ties in their previous order.
    #[test]
    fn sorts_like_uv_re_locking() {
        let fresh = [
            "python_full_version >= '3.14' and extra == 'v2'",
            "python_full_version >= '3.11' and python_full_version < '3.14' and extra == 'v2'",
            "python_full_version == '3.10.*' and extra == 'v2'",
            "python_full_version > '3.9' and python_full_version < '3.10' and extra == 'v2'",
            "python_full_version <= '3.9' and extra == 'v2'",
            "python_full_version >= '3.14' and extra == 'v1'",
            "python_full_version >= '3.10' and python_full_version < '3.14' and extra == 'v1'",
            "python_full_version > '3.9' and python_full_version < '3.10' and extra == 'v1'",
            "python_full_version <= '3.9' and extra == 'v1'",
            "python_full_version >= '3.14'",
            "python_full_version >= '3.11' and python_full_version < '3.14'",
            "python_full_version == '3.10.*'",
            "python_full_version > '3.9' and python_full_version < '3.10'",
            "python_full_version <= '3.9'",
        ];
        let mut list: Vec<String> = fresh.iter().map(|s| s.to_string()).collect();
        sort(&mut list, &[3, 9], false).expect("sortable");
        let want = [0, 5, 9, 1, 10, 2, 6, 11, 3, 7, 12, 4, 8, 13];
        let want: Vec<String> = want.iter().map(|&i| fresh[i].to_string()).collect();
        assert_eq!(list, want);
    }
}
