//! The prefix-rewrite oracle: reference output (protoc python/pyi + grpcio-tools grpc) → the exact output the
//! plugin must produce with `prefix=ROOT:PY.PREFIX` parameters (the rules of docs/plugin.md).
//!
//! An independent, line-based rewrite of the reference output, used only as the test oracle; it deliberately
//! shares no code with the plugin. What it does beyond a plain line rewrite:
//! * several mappings at once (the longest matching root wins), roots given as proto paths (`google/cloud`) and
//!   compared as module paths (`google.cloud`), so a root may contain dots;
//! * bytes are preserved exactly (a `\r` inside a comment stays a `\r`: no universal-newline reading).
//!
//! Rules (each on a whole line, split at `\n`; `MOD` = a module path under a mapped root, i.e. the root module
//! itself or `root.<comp>(.<comp>)*` with components of `[A-Za-z0-9_]`):
//! * `_pb2.py`: `from MOD import W as W`; `W = importlib.import_module('MOD')`; `from MOD import *`;
//!   `  W = W.MOD` (public-alias fallback); `_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'MOD', _globals)`;
//!   `_builder.BuildServices(DESCRIPTOR, 'MOD', _globals)`.
//! * `_pb2.pyi`: `from MOD import W as W`; `W = importlib.import_module('MOD')`; on any other line not starting with
//!   `from ` / `import `: every `MOD.<word>_pb2.` not preceded by a word character or `.` (self-qualified types).
//! * `_pb2_grpc.py`: `from MOD import W as W`.
//!
//! In each rule `MOD` becomes `PY.PREFIX.MOD`. A file whose module lies under a root moves to
//! `PY/PREFIX/<path>`; all other files keep their path (and are rewritten by the same rules).

use crate::compare::Tree;

/// One `prefix=ROOT:PY.PREFIX` mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The root as a proto path, e.g. `ameide_core_proto` or `google/cloud`.
    pub root: String,
    /// The Python package prefix, e.g. `ameide_sdk.proto`.
    pub prefix: String,
}

impl Mapping {
    pub fn new(root: &str, prefix: &str) -> Self {
        Mapping {
            root: root.trim_end_matches('/').to_string(),
            prefix: prefix.to_string(),
        }
    }

    /// Parses `ROOT:PY.PREFIX` (the value of a `prefix=` parameter).
    pub fn parse(value: &str) -> Option<Self> {
        let (root, prefix) = value.split_once(':')?;
        (!root.is_empty() && !prefix.is_empty()).then(|| Mapping::new(root, prefix))
    }

    /// The plugin parameter for this mapping.
    pub fn parameter(&self) -> String {
        format!("prefix={}:{}", self.root, self.prefix)
    }

    /// The root as a Python module path (`/` → `.`, `-` → `_`, like ModuleName).
    pub fn root_module(&self) -> String {
        self.root.replace('-', "_").replace('/', ".")
    }
}

/// The plugin parameter string for a list of mappings (comma-joined).
pub fn parameter(mappings: &[Mapping]) -> String {
    mappings
        .iter()
        .map(Mapping::parameter)
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Py,
    Pyi,
    Grpc,
}

fn kind_of(path: &str) -> Option<Kind> {
    if path.ends_with("_pb2_grpc.py") {
        Some(Kind::Grpc)
    } else if path.ends_with("_pb2.py") {
        Some(Kind::Py)
    } else if path.ends_with("_pb2.pyi") {
        Some(Kind::Pyi)
    } else {
        None
    }
}

struct Roots {
    /// (root module, prefix), longest root first.
    roots: Vec<(String, String)>,
}

impl Roots {
    fn new(mappings: &[Mapping]) -> Self {
        let mut roots: Vec<(String, String)> = mappings
            .iter()
            .map(|m| (m.root_module(), m.prefix.clone()))
            .collect();
        roots.sort_by_key(|(r, _)| std::cmp::Reverse(r.len()));
        Roots { roots }
    }

    /// The prefix for a complete module path `s` if it is `MOD` under some root.
    fn prefix_for_module(&self, s: &str) -> Option<&str> {
        self.roots
            .iter()
            .find(|(root, _)| is_module_under(s, root))
            .map(|(_, p)| p.as_str())
    }

    /// `MOD` → `prefix.MOD`, or `None` if `s` is not under a root.
    fn rewrite_module(&self, s: &str) -> Option<String> {
        self.prefix_for_module(s).map(|p| format!("{p}.{s}"))
    }
}

fn is_comp_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Python's `\w` for our purposes (module text is ASCII; non-ASCII letters count as word characters too).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_word_char)
}

/// `s` matches `root(\.[A-Za-z0-9_]+)*` exactly.
fn is_module_under(s: &str, root: &str) -> bool {
    let Some(rest) = s.strip_prefix(root) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let Some(rest) = rest.strip_prefix('.') else {
        return false;
    };
    rest.split('.')
        .all(|c| !c.is_empty() && c.chars().all(is_comp_char))
}

/// Rewrites one line of a file of the given kind; `None` if the line stays unchanged.
fn rewrite_line(line: &str, kind: Kind, roots: &Roots) -> Option<String> {
    // from MOD import W as W  (all kinds)
    if let Some(rest) = line.strip_prefix("from ") {
        if let Some((module, tail)) = rest.split_once(" import ") {
            if let Some((what, alias)) = tail.split_once(" as ") {
                if is_word(what) && is_word(alias) {
                    return roots
                        .rewrite_module(module)
                        .map(|m| format!("from {m} import {what} as {alias}"));
                }
            }
            if kind == Kind::Py && tail == "*" {
                return roots
                    .rewrite_module(module)
                    .map(|m| format!("from {m} import *"));
            }
        }
    }
    if kind == Kind::Grpc {
        return None;
    }
    // W = importlib.import_module('MOD')  (py, pyi)
    if let Some((alias, rest)) = line.split_once(" = importlib.import_module('") {
        if is_word(alias) {
            if let Some(module) = rest.strip_suffix("')") {
                if let Some(m) = roots.rewrite_module(module) {
                    return Some(format!("{alias} = importlib.import_module('{m}')"));
                }
            }
        }
    }
    match kind {
        Kind::Py => rewrite_py_only(line, roots),
        Kind::Pyi => {
            if line.starts_with("from ") || line.starts_with("import ") {
                None
            } else {
                rewrite_qualified(line, roots)
            }
        }
        Kind::Grpc => None,
    }
}

fn rewrite_py_only(line: &str, roots: &Roots) -> Option<String> {
    // "  W = W.MOD"  (public-dependency alias fallback)
    if let Some(rest) = line.strip_prefix("  ") {
        if let Some((alias, value)) = rest.split_once(" = ") {
            if let Some((other, module)) = value.split_once('.') {
                if is_word(alias) && is_word(other) {
                    if let Some(m) = roots.rewrite_module(module) {
                        return Some(format!("  {alias} = {other}.{m}"));
                    }
                }
            }
        }
    }
    for func in ["BuildTopDescriptorsAndMessages", "BuildServices"] {
        let head = format!("_builder.{func}(DESCRIPTOR, '");
        if let Some(rest) = line.strip_prefix(&head) {
            if let Some(module) = rest.strip_suffix("', _globals)") {
                if let Some(m) = roots.rewrite_module(module) {
                    return Some(format!("{head}{m}', _globals)"));
                }
            }
        }
    }
    None
}

/// pyi: every `(?<![\w.])(MOD\.\w+_pb2)\.` gets the prefix (regex semantics of the Python oracle: the longest
/// module path that ends in a `…_pb2` component followed by a dot).
fn rewrite_qualified(line: &str, roots: &Roots) -> Option<String> {
    let mut out = String::new();
    let mut changed = false;
    let mut pos = 0; // byte position up to which `line` has been copied / scanned
    let mut i = 0;
    while i < line.len() {
        let prev_ok = line[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c) && c != '.');
        if prev_ok {
            if let Some((len, prefix)) = match_qualified(&line[i..], roots) {
                out.push_str(&line[pos..i]);
                out.push_str(prefix);
                out.push('.');
                out.push_str(&line[i..i + len]);
                pos = i + len;
                i = pos;
                changed = true;
                continue;
            }
        }
        i += line[i..].chars().next().map_or(1, char::len_utf8);
    }
    if !changed {
        return None;
    }
    out.push_str(&line[pos..]);
    Some(out)
}

/// At the start of `s`: `root(\.[A-Za-z0-9_]+)*\.\w+_pb2\.` for some root → (match length incl. the final dot,
/// prefix). Among the roots, the longest is tried first; within a root, the longest match wins (greedy regex).
fn match_qualified<'a>(s: &str, roots: &'a Roots) -> Option<(usize, &'a str)> {
    for (root, prefix) in &roots.roots {
        let Some(rest) = s.strip_prefix(root.as_str()) else {
            continue;
        };
        // components after the root: ".c1.c2…", each [A-Za-z0-9_]+ (the last one may extend with other \w chars)
        let mut best = None;
        let mut off = root.len();
        let mut r = rest;
        while let Some(after_dot) = r.strip_prefix('.') {
            let comp_len = after_dot
                .find(|c: char| !is_word_char(c))
                .unwrap_or(after_dot.len());
            if comp_len == 0 {
                break;
            }
            let comp = &after_dot[..comp_len];
            let next = &after_dot[comp_len..];
            if comp.len() > "_pb2".len() && comp.ends_with("_pb2") && next.starts_with('.') {
                best = Some(off + 1 + comp_len + 1);
            }
            // only [A-Za-z0-9_] components may continue the module path
            if !comp.chars().all(is_comp_char) {
                break;
            }
            off += 1 + comp_len;
            r = next;
        }
        if let Some(len) = best {
            return Some((len, prefix.as_str()));
        }
    }
    None
}

/// Rewrites one file's text; returns the new text and the number of changed lines.
pub fn rewrite_text(path: &str, text: &str, mappings: &[Mapping]) -> (String, usize) {
    let Some(kind) = kind_of(path) else {
        return (text.to_string(), 0);
    };
    let roots = Roots::new(mappings);
    // Every rule needs a root module in the line: skip the (vast majority of) lines without one. This is only a
    // fast path (std's substring search is optimised even in test builds); the rules decide.
    let mentions_root = |line: &str| {
        roots
            .roots
            .iter()
            .any(|(root, _)| line.contains(root.as_str()))
    };
    if !mentions_root(text) {
        return (text.to_string(), 0);
    }
    let mut changed = 0;
    let mut out = String::with_capacity(text.len() + 256);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match mentions_root(line)
            .then(|| rewrite_line(line, kind, &roots))
            .flatten()
        {
            Some(new) if new != line => {
                changed += 1;
                out.push_str(&new);
            }
            _ => out.push_str(line),
        }
    }
    (out, changed)
}

/// Where a reference file lands: under `PY/PREFIX/` if its module is under a root, else unchanged.
pub fn placed_path(path: &str, mappings: &[Mapping]) -> String {
    let roots = Roots::new(mappings);
    let module = path
        .trim_end_matches(".pyi")
        .trim_end_matches(".py")
        .replace('/', ".");
    for (root, prefix) in &roots.roots {
        if module.starts_with(&format!("{root}.")) {
            return format!("{}/{path}", prefix.replace('.', "/"));
        }
    }
    path.to_string()
}

/// Applies the oracle to a whole reference tree.
pub fn apply(reference: &Tree, mappings: &[Mapping]) -> Tree {
    reference
        .iter()
        .map(|(path, bytes)| {
            let new_path = placed_path(path, mappings);
            let new_bytes = match kind_of(path) {
                Some(_) => {
                    let text = std::str::from_utf8(bytes)
                        .unwrap_or_else(|e| panic!("reference file {path} is not UTF-8: {e}"));
                    rewrite_text(path, text, mappings).0.into_bytes()
                }
                None => bytes.clone(),
            };
            (new_path, new_bytes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core() -> Vec<Mapping> {
        vec![Mapping::new("ameide_core_proto", "ameide_sdk.proto")]
    }

    fn rw(path: &str, line: &str, m: &[Mapping]) -> String {
        rewrite_text(path, line, m).0
    }

    #[test]
    fn py_rules() {
        let m = core();
        let p = "ameide_core_proto/x/v1/y_pb2.py";
        assert_eq!(
            rw(p, "from ameide_core_proto.common.v1 import common_pb2 as ameide__core__proto_dot_common_dot_v1_dot_common__pb2", &m),
            "from ameide_sdk.proto.ameide_core_proto.common.v1 import common_pb2 as ameide__core__proto_dot_common_dot_v1_dot_common__pb2"
        );
        assert_eq!(
            rw(p, "a = importlib.import_module('ameide_core_proto.import.v1.keywords_pb2')", &m),
            "a = importlib.import_module('ameide_sdk.proto.ameide_core_proto.import.v1.keywords_pb2')"
        );
        assert_eq!(
            rw(p, "from ameide_core_proto.common.v1.types_pb2 import *", &m),
            "from ameide_sdk.proto.ameide_core_proto.common.v1.types_pb2 import *"
        );
        assert_eq!(
            rw(p, "  a = b.ameide_core_proto.common.v1.types_pb2", &m),
            "  a = b.ameide_sdk.proto.ameide_core_proto.common.v1.types_pb2"
        );
        assert_eq!(
            rw(p, "  a = b.ameide__core__proto_dot_x", &m),
            "  a = b.ameide__core__proto_dot_x"
        );
        assert_eq!(
            rw(p, "_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'ameide_core_proto.x.v1.y_pb2', _globals)", &m),
            "_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'ameide_sdk.proto.ameide_core_proto.x.v1.y_pb2', _globals)"
        );
        assert_eq!(
            rw(p, "_builder.BuildServices(DESCRIPTOR, 'ameide_core_proto.x.v1.y_pb2', _globals)", &m),
            "_builder.BuildServices(DESCRIPTOR, 'ameide_sdk.proto.ameide_core_proto.x.v1.y_pb2', _globals)"
        );
        // never rewritten: other roots, look-alike roots, aliases, descriptor bytes, comments
        for line in [
            "from google.protobuf import any_pb2 as google_dot_protobuf_dot_any__pb2",
            "from ameide_core_proto_x.v1 import a_pb2 as b",
            "from ameide_other.v1 import other_pb2 as ameide__other_dot_v1_dot_other__pb2",
            "# source: ameide_core_proto/x/v1/y.proto",
            "    'ameide_core_proto/x/v1/y.proto'",
            "DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(b'\\n\\x1fameide_core_proto.x')",
        ] {
            assert_eq!(rw(p, line, &m), line);
        }
    }

    #[test]
    fn pyi_and_grpc_rules() {
        let m = core();
        let pyi = "ameide_core_proto/platform/v1/platform_pb2.pyi";
        assert_eq!(
            rw(
                pyi,
                "        ref: ameide_core_proto.platform.v1.platform_pb2.Node",
                &m
            ),
            "        ref: ameide_sdk.proto.ameide_core_proto.platform.v1.platform_pb2.Node"
        );
        assert_eq!(
            rw(pyi, "    def __init__(self, ref: _Optional[_Union[ameide_core_proto.platform.v1.platform_pb2.Node, _Mapping]] = ..., x: ameide_core_proto.a_pb2.B) -> None: ...", &m),
            "    def __init__(self, ref: _Optional[_Union[ameide_sdk.proto.ameide_core_proto.platform.v1.platform_pb2.Node, _Mapping]] = ..., x: ameide_sdk.proto.ameide_core_proto.a_pb2.B) -> None: ..."
        );
        // preceded by a word char or dot: no match; "from … import X as X" re-export lines
        assert_eq!(
            rw(pyi, "x: y.ameide_core_proto.a_pb2.B", &m),
            "x: y.ameide_core_proto.a_pb2.B"
        );
        assert_eq!(
            rw(
                pyi,
                "from ameide_core_proto.common.v1.types_pb2 import Audit as Audit",
                &m
            ),
            "from ameide_sdk.proto.ameide_core_proto.common.v1.types_pb2 import Audit as Audit"
        );
        // pyi has no `import *` / alias-fallback / builder rules
        assert_eq!(
            rw(pyi, "from ameide_core_proto.a_pb2 import *", &m),
            "from ameide_core_proto.a_pb2 import *"
        );
        let grpc = "ameide_core_proto/agents/v1/agents_pb2_grpc.py";
        assert_eq!(
            rw(grpc, "from ameide_core_proto.agents.v1 import agents_pb2 as ameide__core__proto_dot_agents_dot_v1_dot_agents__pb2", &m),
            "from ameide_sdk.proto.ameide_core_proto.agents.v1 import agents_pb2 as ameide__core__proto_dot_agents_dot_v1_dot_agents__pb2"
        );
        for line in [
            "            '/ameide_core_proto.agents.v1.AgentService/GetAgent',",
            "            'ameide_core_proto.agents.v1.AgentService', rpc_method_handlers)",
            "a = importlib.import_module('ameide_core_proto.import.v1.keywords_pb2')",
        ] {
            assert_eq!(rw(grpc, line, &m), line);
        }
    }

    #[test]
    fn dotted_roots_and_multiple_mappings() {
        let m = vec![
            Mapping::parse("google/cloud:acme_sdk.gcp").expect("valid"),
            Mapping::new("thirdparty", "vendor.third"),
        ];
        let p = "google/cloud/x/v1/y_pb2.py";
        assert_eq!(
            rw(p, "from google.cloud.x.v1 import z_pb2 as google_dot_cloud_dot_x_dot_v1_dot_z__pb2", &m),
            "from acme_sdk.gcp.google.cloud.x.v1 import z_pb2 as google_dot_cloud_dot_x_dot_v1_dot_z__pb2"
        );
        assert_eq!(
            rw(p, "from google.cloud import z_pb2 as a", &m),
            "from acme_sdk.gcp.google.cloud import z_pb2 as a"
        );
        assert_eq!(
            rw(p, "from google.api import a_pb2 as b", &m),
            "from google.api import a_pb2 as b"
        );
        assert_eq!(
            rw(p, "from google.cloudx import a_pb2 as b", &m),
            "from google.cloudx import a_pb2 as b"
        );
        assert_eq!(
            rw(p, "from thirdparty.acme import a_pb2 as b", &m),
            "from vendor.third.thirdparty.acme import a_pb2 as b"
        );
        assert_eq!(
            placed_path("google/cloud/x/v1/y_pb2.pyi", &m),
            "acme_sdk/gcp/google/cloud/x/v1/y_pb2.pyi"
        );
        assert_eq!(
            placed_path("google/api/a_pb2.py", &m),
            "google/api/a_pb2.py"
        );
        assert_eq!(
            placed_path("google/cloudx/a_pb2.py", &m),
            "google/cloudx/a_pb2.py"
        );
        assert_eq!(
            placed_path("thirdparty/a_pb2_grpc.py", &m),
            "vendor/third/thirdparty/a_pb2_grpc.py"
        );
        // nested roots: the longest wins
        let nested = vec![Mapping::new("a", "p.one"), Mapping::new("a/b", "p.two")];
        assert_eq!(
            rw("x_pb2.py", "from a.b.c import d_pb2 as e", &nested),
            "from p.two.a.b.c import d_pb2 as e"
        );
        assert_eq!(
            rw("x_pb2.py", "from a.c import d_pb2 as e", &nested),
            "from p.one.a.c import d_pb2 as e"
        );
        assert_eq!(placed_path("a/b/c_pb2.py", &nested), "p/two/a/b/c_pb2.py");
        assert_eq!(placed_path("a/c_pb2.py", &nested), "p/one/a/c_pb2.py");
        assert_eq!(Mapping::parse("nocolon"), None);
        assert_eq!(
            parameter(&m),
            "prefix=google/cloud:acme_sdk.gcp,prefix=thirdparty:vendor.third"
        );
    }

    #[test]
    fn bytes_are_preserved() {
        let m = core();
        let text = "\"\"\"Doc with \r carriage return.\r\n\"\"\"\nfrom ameide_core_proto.a import b_pb2 as c\n";
        let (out, n) = rewrite_text("ameide_core_proto/a/x_pb2_grpc.py", text, &m);
        assert_eq!(n, 1);
        assert_eq!(out, "\"\"\"Doc with \r carriage return.\r\n\"\"\"\nfrom ameide_sdk.proto.ameide_core_proto.a import b_pb2 as c\n");
    }
}
