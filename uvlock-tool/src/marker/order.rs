//! uv's structural order of markers (`MarkerTree`'s `Ord`), for the conjunctions of the subset: it orders
//! `requires-dist` entries that differ only in their marker.

use std::cmp::Ordering;

use super::{cmp_versions, next_minor, Marker, PyAtom};

/// `CanonicalMarkerValueString` order: the order of string variables in uv's decision diagram.
fn canonical_rank(var: &str) -> u8 {
    match var {
        "os_name" => 0,
        "sys_platform" => 1,
        "platform_system" => 2,
        "platform_machine" => 3,
        "platform_python_implementation" => 4,
        "platform_release" => 5,
        "platform_version" => 6,
        _ => 7,
    }
}

/// A value on a decision-diagram edge: a release version or a string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Point {
    Version(Vec<u64>),
    Text(String),
}

impl Point {
    fn cmp(&self, other: &Point) -> Ordering {
        match (self, other) {
            (Point::Version(a), Point::Version(b)) => cmp_versions(a, b),
            (Point::Text(a), Point::Text(b)) => a.cmp(b),
            (Point::Version(_), Point::Text(_)) => Ordering::Less,
            (Point::Text(_), Point::Version(_)) => Ordering::Greater,
        }
    }
}

#[derive(Debug, Clone)]
enum Bound {
    Unbounded,
    Included(Point),
    Excluded(Point),
}

/// `version_ranges`' order of segment starts.
fn cmp_start(a: &Bound, b: &Bound) -> Ordering {
    use Bound::*;
    match (a, b) {
        (Unbounded, Unbounded) => Ordering::Equal,
        (Unbounded, _) => Ordering::Less,
        (_, Unbounded) => Ordering::Greater,
        (Included(x), Included(y)) | (Excluded(x), Excluded(y)) => x.cmp(y),
        (Excluded(x), Included(y)) => x.cmp(y).then(Ordering::Greater),
        (Included(x), Excluded(y)) => x.cmp(y).then(Ordering::Less),
    }
}

/// `version_ranges`' order of segment ends.
fn cmp_end(a: &Bound, b: &Bound) -> Ordering {
    use Bound::*;
    match (a, b) {
        (Unbounded, Unbounded) => Ordering::Equal,
        (Unbounded, _) => Ordering::Greater,
        (_, Unbounded) => Ordering::Less,
        (Included(x), Included(y)) | (Excluded(x), Excluded(y)) => x.cmp(y),
        (Excluded(x), Included(y)) => x.cmp(y).then(Ordering::Less),
        (Included(x), Excluded(y)) => x.cmp(y).then(Ordering::Greater),
    }
}

/// One decision node of a conjunction: its `MarkerTreeKind` rank, its key, and its edges in order
/// (segment start, end, whether the edge leads on to the rest of the conjunction rather than to `false`).
struct Node {
    kind: u8,
    key: (u8, String),
    edges: Vec<(Bound, Bound, bool)>,
}

/// The edges of `== p` (or `!= p` when `negated`) over a totally ordered domain.
fn point_edges(p: Point, negated: bool) -> Vec<(Bound, Bound, bool)> {
    vec![
        (Bound::Unbounded, Bound::Excluded(p.clone()), negated),
        (
            Bound::Included(p.clone()),
            Bound::Included(p.clone()),
            !negated,
        ),
        (Bound::Excluded(p), Bound::Unbounded, negated),
    ]
}

impl Marker {
    /// The conjunction as uv's decision diagram: string variables first (canonical order), then the python
    /// version, then the extra.
    fn nodes(&self) -> Vec<Node> {
        let mut strings: Vec<&(u8, String, String, String)> = self.strings.iter().collect();
        strings.sort_by_key(|(_, var, ..)| canonical_rank(var));
        let mut out: Vec<Node> = strings
            .into_iter()
            .map(|(_, var, op, value)| Node {
                kind: 4,
                key: (canonical_rank(var), String::new()),
                edges: point_edges(Point::Text(value.clone()), op == "!="),
            })
            .collect();
        if let Some(py) = &self.python {
            let v = |x: &[u64]| Point::Version(x.to_vec());
            let edges = match py {
                PyAtom::Ge(x) => vec![
                    (Bound::Unbounded, Bound::Excluded(v(x)), false),
                    (Bound::Included(v(x)), Bound::Unbounded, true),
                ],
                PyAtom::Lt(x) => vec![
                    (Bound::Unbounded, Bound::Excluded(v(x)), true),
                    (Bound::Included(v(x)), Bound::Unbounded, false),
                ],
                PyAtom::EqStar(x) | PyAtom::NeStar(x) => {
                    let inside = matches!(py, PyAtom::EqStar(_));
                    let end = next_minor(x);
                    vec![
                        (Bound::Unbounded, Bound::Excluded(v(x)), !inside),
                        (Bound::Included(v(x)), Bound::Excluded(v(&end)), inside),
                        (Bound::Included(v(&end)), Bound::Unbounded, !inside),
                    ]
                }
            };
            out.push(Node {
                kind: 2,
                key: (0, String::new()),
                edges,
            });
        }
        if let Some(e) = &self.extra {
            out.push(Node {
                kind: 8,
                key: (0, e.clone()),
                // `children()` of an extra node: (true, high), (false, low).
                edges: vec![
                    (Bound::Unbounded, Bound::Unbounded, true),
                    (Bound::Unbounded, Bound::Unbounded, false),
                ],
            });
        }
        out
    }

    /// uv's order of two markers (`MarkerTree`'s structural `Ord`, which orders `requires-dist` entries that
    /// differ only in their marker).
    pub fn cmp_uv(&self, other: &Marker) -> Ordering {
        cmp_chain(&self.nodes(), &other.nodes())
    }
}

/// Compares two conjunction diagrams (an empty chain is `true`).
fn cmp_chain(a: &[Node], b: &[Node]) -> Ordering {
    let (Some(x), Some(y)) = (a.first(), b.first()) else {
        return a.len().min(1).cmp(&b.len().min(1));
    };
    x.kind
        .cmp(&y.kind)
        .then_with(|| x.key.cmp(&y.key))
        .then_with(|| {
            for (ex, ey) in x.edges.iter().zip(&y.edges) {
                let o = cmp_start(&ex.0, &ey.0)
                    .then_with(|| cmp_end(&ex.1, &ey.1))
                    .then_with(|| cmp_child(ex.2, &a[1..], ey.2, &b[1..]));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.edges.len().cmp(&y.edges.len())
        })
}

/// Compares the children an edge leads to: the rest of the chain, or `false` (kind rank 1; `true` is 0).
fn cmp_child(a_on: bool, a: &[Node], b_on: bool, b: &[Node]) -> Ordering {
    let rank = |on: bool, rest: &[Node]| match (on, rest.first()) {
        (false, _) => 1,
        (true, None) => 0,
        (true, Some(n)) => n.kind,
    };
    match (a_on, b_on) {
        (true, true) => cmp_chain(a, b),
        _ => rank(a_on, a).cmp(&rank(b_on, b)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::canonicalize;
    use std::cmp::Ordering;

    fn cmp(a: &str, b: &str) -> Ordering {
        let m = |s: &str| canonicalize(s).expect("canonicalizable");
        m(a).cmp_uv(&m(b))
    }

    /// Orders of `requires-dist` entries of one name (the first observed in a lock uv 0.13.9 wrote; the e2e suite
    /// checks the rest against real uv).
    #[test]
    fn orders_like_uv() {
        // mcp 2.0.0a1: `anyio; python_version < '3.14'` before `anyio; python_version >= '3.14'`.
        assert_eq!(
            cmp("python_version < '3.14'", "python_version >= '3.14'"),
            Ordering::Less
        );
        // Extras: by name; a python-rooted diagram before a string-rooted one before an extra-rooted one.
        assert_eq!(cmp("extra == 'a'", "extra == 'b'"), Ordering::Less);
        assert_eq!(
            cmp("python_version >= '3.12' and extra == 'b'", "extra == 'a'"),
            Ordering::Less
        );
        assert_eq!(
            cmp(
                "sys_platform == 'linux' and extra == 'a'",
                "python_version >= '3.12'"
            ),
            Ordering::Greater
        );
        assert_eq!(
            cmp("sys_platform == 'darwin'", "sys_platform == 'linux'"),
            Ordering::Less
        );
        assert_eq!(cmp("extra == 'a'", "extra == 'a'"), Ordering::Equal);
    }
}
