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

/// Splits a printed marker at its top-level ` or `.
fn disjuncts(marker: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let bytes = marker.as_bytes();
    let mut i = 0;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b' ' if !quoted && depth == 0 && marker[i..].starts_with(" or ") => {
                out.push(&marker[start..i]);
                start = i + 4;
                i += 3;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&marker[start..]);
    out
}

/// The lowest Python version a fork marker admits, given the lock's lower bound; `None` when the marker holds
/// python atoms this reading does not cover.
fn fork_lower(marker: &str, default: &[u64]) -> Option<Lower> {
    let mut lowest: Option<Lower> = None;
    for conj in disjuncts(marker) {
        let conj = conj.trim();
        let conj = conj
            .strip_prefix('(')
            .and_then(|c| c.strip_suffix(')'))
            .unwrap_or(conj);
        let mut lower = Lower {
            version: default.to_vec(),
            excluded: false,
        };
        for atom in conj.split(" and ") {
            let atom = atom.trim();
            let Some(rest) = atom.strip_prefix("python_full_version ") else {
                if atom.starts_with("python_version") || atom.contains(['(', ')']) {
                    return None;
                }
                continue;
            };
            let (op, v) = rest.split_once(' ')?;
            let v = v.strip_prefix('\'')?.strip_suffix('\'')?;
            let bound = match op {
                ">=" => Lower {
                    version: release(v)?,
                    excluded: false,
                },
                ">" => Lower {
                    version: release(v)?,
                    excluded: true,
                },
                "==" => Lower {
                    version: release(v.strip_suffix(".*").unwrap_or(v))?,
                    excluded: false,
                },
                "<" | "<=" => continue,
                _ => return None,
            };
            if bound.cmp(&lower) == Ordering::Greater {
                lower = bound;
            }
        }
        if lowest
            .as_ref()
            .is_none_or(|l| lower.cmp(l) == Ordering::Less)
        {
            lowest = Some(lower);
        }
    }
    lowest
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
