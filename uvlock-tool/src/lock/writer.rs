//! [`Lock`] → text, following uv 0.13.9's `crates/uv-resolver/src/lock/serialize.rs` (`LockWriter`):
//! fixed key order, inline tables `{ k = v }`, multiline arrays with 4-space indent and trailing commas,
//! serialized requirement arrays on one line when they hold 0 or 1 element, one blank line before every header.

use std::collections::HashMap;

use super::{Dep, Inline, Lock, Package, Requirement, Source, Val};

/// Serializes a lock exactly as uv does.
pub fn write(lock: &Lock) -> String {
    let mut w = Writer {
        out: String::with_capacity(64 * 1024),
    };
    w.key_value_str("version", None, Some(lock.version));
    if lock.revision > 0 {
        w.key_value_str("revision", None, Some(lock.revision));
    }
    w.key_value_str("requires-python", Some(&lock.requires_python), None);
    for (key, list) in [
        ("resolution-markers", &lock.resolution_markers),
        ("supported-markers", &lock.supported_markers),
        ("required-markers", &lock.required_markers),
    ] {
        if !list.is_empty() {
            w.key_start(key);
            w.multiline(list.iter(), |w, s| w.string(s));
        }
    }
    if let Some(conflicts) = &lock.conflicts {
        w.key_start("conflicts");
        w.conflicts(conflicts);
    }
    for section in &lock.sections {
        let path: Vec<&str> = section.path.iter().map(String::as_str).collect();
        w.header(&path, section.array_of_tables);
        // A relative `exclude-newer` is written as a placeholder date with this comment, then its span.
        let relative = section.path == ["options"]
            && section
                .entries
                .iter()
                .any(|(k, _)| k == "exclude-newer-span");
        for (k, v) in &section.entries {
            w.key_start(k);
            match v {
                // `members` is always multiline (`key_multiline_array`); requirement arrays follow the 0/1-element rule.
                Val::Array(items) if k == "members" => w.multiline(items.iter(), |w, v| w.val(v)),
                Val::Array(items) => w.serialized_array(items.iter(), |w, v| w.val(v)),
                other => {
                    w.val(other);
                    if relative && k == "exclude-newer" {
                        w.raw(RELATIVE_EXCLUDE_NEWER_COMMENT);
                    }
                    w.raw("\n");
                }
            }
        }
    }
    let mut count: HashMap<&str, usize> = HashMap::new();
    for p in &lock.packages {
        *count.entry(p.name.as_str()).or_default() += 1;
    }
    for p in &lock.packages {
        w.package(p, &count);
    }
    w.out
}

/// The comment uv writes after the placeholder `exclude-newer` of a relative `exclude-newer`.
const RELATIVE_EXCLUDE_NEWER_COMMENT: &str =
    " # This has no effect and is included for backwards compatibility when using relative exclude-newer values.";

struct Writer {
    out: String,
}

fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Writer {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn key(&mut self, key: &str) {
        if is_bare_key(key) {
            self.raw(key);
        } else {
            self.string(key);
        }
    }

    fn key_start(&mut self, key: &str) {
        self.key(key);
        self.raw(" = ");
    }

    fn key_value_str(&mut self, key: &str, s: Option<&str>, i: Option<i64>) {
        self.key_start(key);
        if let Some(s) = s {
            self.string(s);
        }
        if let Some(i) = i {
            self.raw(&i.to_string());
        }
        self.raw("\n");
    }

    /// A TOML basic string, escaped exactly like `toml_edit::Value::from(&str)`.
    fn string(&mut self, s: &str) {
        let plain = s
            .bytes()
            .all(|b| b != b'"' && b != b'\\' && b >= 0x20 && b != 0x7f)
            && (s.is_ascii() || s.chars().all(|c| !c.is_control()));
        if plain {
            self.out.push('"');
            self.out.push_str(s);
            self.out.push('"');
        } else {
            let v = toml_edit::Value::from(s);
            self.out.push_str(&v.to_string());
        }
    }

    fn val(&mut self, v: &Val) {
        match v {
            Val::Str(s) => self.string(s),
            Val::Int(i) => self.raw(&i.to_string()),
            Val::Bool(b) => self.raw(if *b { "true" } else { "false" }),
            Val::Array(items) => {
                self.raw("[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(", ");
                    }
                    self.val(item);
                }
                self.raw("]");
            }
            Val::Table(t) => self.inline(t),
        }
    }

    fn inline(&mut self, t: &Inline) {
        self.raw("{");
        let mut first = true;
        for (k, v) in t {
            self.inline_key(&mut first, k);
            self.val(v);
        }
        self.finish_inline(first);
    }

    fn inline_key(&mut self, first: &mut bool, key: &str) {
        if *first {
            self.raw(" ");
            *first = false;
        } else {
            self.raw(", ");
        }
        self.key_start(key);
    }

    fn finish_inline(&mut self, first: bool) {
        if !first {
            self.raw(" ");
        }
        self.raw("}");
    }

    fn header(&mut self, path: &[&str], array: bool) {
        self.raw("\n");
        self.raw(if array { "[[" } else { "[" });
        for (i, k) in path.iter().enumerate() {
            if i > 0 {
                self.raw(".");
            }
            self.key(k);
        }
        self.raw(if array { "]]\n" } else { "]\n" });
    }

    fn multiline<I, T>(&mut self, items: I, mut f: impl FnMut(&mut Self, T))
    where
        I: IntoIterator<Item = T>,
    {
        self.raw("[\n");
        for item in items {
            self.raw("    ");
            f(self, item);
            self.raw(",\n");
        }
        self.raw("]\n");
    }

    /// `write_serialized_array`: 0 or 1 element on one line, more on several.
    fn serialized_array<I, T>(&mut self, items: I, mut f: impl FnMut(&mut Self, T))
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let items = items.into_iter();
        if items.len() <= 1 {
            self.raw("[");
            for item in items {
                f(self, item);
            }
            self.raw("]\n");
        } else {
            self.multiline(items, f);
        }
    }

    fn source(&mut self, s: &Source) {
        self.inline(&s.to_inline());
    }

    /// A `requires-dist` entry, as uv's serde form of `Requirement`.
    fn requirement(&mut self, r: &Requirement) {
        let strings = |v: &[String]| Val::Array(v.iter().map(|s| Val::Str(s.clone())).collect());
        let mut t: Inline = vec![("name".into(), Val::Str(r.name.clone()))];
        if !r.extras.is_empty() {
            t.push(("extras".into(), strings(&r.extras)));
        }
        if !r.groups.is_empty() {
            t.push(("groups".into(), strings(&r.groups)));
        }
        if let Some(m) = &r.marker {
            t.push(("marker".into(), Val::Str(m.clone())));
        }
        t.extend(r.source.to_keys());
        self.inline(&t);
    }

    /// `conflicts = [[ ... ], ...]`: each set on its own lines, as uv writes it.
    fn conflicts(&mut self, v: &Val) {
        let Val::Array(sets) = v else {
            self.val(v);
            self.raw("\n");
            return;
        };
        self.raw("[");
        for (i, set) in sets.iter().enumerate() {
            if i > 0 {
                self.raw(", ");
            }
            self.raw("[\n");
            if let Val::Array(items) = set {
                for item in items {
                    self.raw("    ");
                    self.val(item);
                    self.raw(",\n");
                }
            }
            self.raw("]");
        }
        self.raw("]\n");
    }

    fn dep(&mut self, d: &Dep, count: &HashMap<&str, usize>) {
        self.raw("{");
        let mut first = true;
        self.inline_key(&mut first, "name");
        self.string(&d.name);
        if count.get(d.name.as_str()).is_none_or(|c| *c > 1) {
            if let Some(v) = &d.version {
                self.inline_key(&mut first, "version");
                self.string(v);
            }
            if let Some(s) = &d.source {
                self.inline_key(&mut first, "source");
                self.source(s);
            }
        }
        if !d.extra.is_empty() {
            self.inline_key(&mut first, "extra");
            self.raw("[");
            for (i, e) in d.extra.iter().enumerate() {
                if i > 0 {
                    self.raw(", ");
                }
                self.string(e);
            }
            self.raw("]");
        }
        if let Some(m) = &d.marker {
            self.inline_key(&mut first, "marker");
            self.string(m);
        }
        self.finish_inline(first);
    }

    fn dep_tables(
        &mut self,
        table: &str,
        groups: &[(String, Vec<Dep>)],
        count: &HashMap<&str, usize>,
    ) {
        if groups.is_empty() {
            return;
        }
        self.header(&["package", table], false);
        for (name, deps) in groups {
            self.key_start(name);
            if deps.is_empty() {
                self.raw("[]\n");
            } else {
                self.multiline(deps.iter(), |w, d| w.dep(d, count));
            }
        }
    }

    fn package(&mut self, p: &Package, count: &HashMap<&str, usize>) {
        self.header(&["package"], true);
        self.key_value_str("name", Some(&p.name), None);
        if let Some(v) = &p.version {
            self.key_value_str("version", Some(v), None);
        }
        self.key_start("source");
        self.source(&p.source);
        self.raw("\n");
        if let Some(groups) = &p.default_groups {
            self.key_start("default-groups");
            self.val(groups);
            self.raw("\n");
        }
        if !p.resolution_markers.is_empty() {
            self.key_start("resolution-markers");
            self.multiline(p.resolution_markers.iter(), |w, s| w.string(s));
        }
        if !p.dependencies.is_empty() {
            self.key_start("dependencies");
            self.multiline(p.dependencies.iter(), |w, d| w.dep(d, count));
        }
        if let Some(sdist) = &p.sdist {
            self.key_start("sdist");
            self.inline(sdist);
            self.raw("\n");
        }
        if !p.wheels.is_empty() {
            self.key_start("wheels");
            self.multiline(p.wheels.iter(), |w, t| w.inline(t));
        }
        self.dep_tables("optional-dependencies", &p.optional_dependencies, count);
        self.dep_tables("dev-dependencies", &p.dev_dependencies, count);
        if let Some(m) = &p.metadata {
            let has = !m.requires_dist.is_empty()
                || m.requires_dev.is_some()
                || m.provides_extras.as_ref().is_some_and(|e| !e.is_empty());
            if has {
                self.header(&["package", "metadata"], false);
                if !m.requires_dist.is_empty() {
                    self.key_start("requires-dist");
                    self.serialized_array(m.requires_dist.iter(), |w, r| w.requirement(r));
                }
                if let Some(extras) = m.provides_extras.as_ref().filter(|e| !e.is_empty()) {
                    self.key_start("provides-extras");
                    self.val(&Val::Array(
                        extras.iter().map(|e| Val::Str(e.clone())).collect(),
                    ));
                    self.raw("\n");
                }
                if let Some(groups) = &m.requires_dev {
                    self.header(&["package", "metadata", "requires-dev"], false);
                    for (g, reqs) in groups {
                        self.key_start(g);
                        self.serialized_array(reqs.iter(), |w, r| w.requirement(r));
                    }
                }
            }
        }
    }
}
