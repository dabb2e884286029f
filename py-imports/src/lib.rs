//! Finds Python imports of module trees that must be spelled with a package prefix, and fixes them by inserting
//! the prefix before the module path, every other byte left alone.
//!
//! Flow: [`tokenizer`] (Python's lexical grammar, exact byte spans; strings and comments are single tokens, so
//! nothing inside them is ever taken for an import) → [`statements`] (the module paths of `import` / `from`
//! statements) → [`Scanner::scan`] (which of them a [`PrefixRule`] says lack their prefix, whether inserting it
//! would change what a name means, and strings naming such modules) → [`Report::fixed`] (the byte splice).
//!
//! The crate knows nothing of where the rule comes from: a rule names the module roots and the prefix each
//! must be spelled with.

mod findings;
mod position;
pub mod statements;
mod strings;
pub mod tokenizer;

use memchr::memmem;

pub use position::{position, Position};

/// Which module paths need a prefix.
pub trait PrefixRule {
    /// The prefix an absolute module path (`a.b.c`) must be spelled with, when it lacks it.
    fn missing_prefix(&self, module: &str) -> Option<&str>;
    /// Names every module path that lacks a prefix starts with (the first component of each root): a source
    /// mentioning none of them has nothing to report and is not tokenized.
    fn leading_names(&self) -> Vec<String>;
}

/// An import of a module path without its prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BareImport {
    /// The module path as written, dots joined (`ameide_core_proto.x.v1`).
    pub module: String,
    /// The prefix it needs (`ameide_sdk.proto`).
    pub prefix: String,
    /// Where the module path starts (byte offset).
    pub offset: usize,
    /// `Err` when inserting the prefix would change what the code means.
    pub fixable: Result<(), NotFixable>,
}

impl BareImport {
    /// The module path with its prefix.
    pub fn prefixed(&self) -> String {
        format!("{}.{}", self.prefix, self.module)
    }
}

/// Why an import is left as it is: `import a.b.c` binds `a`, and the file uses that name (`a.b.c.X`), which
/// after `import prefix.a.b.c` would no longer exist (the statement would bind the prefix's first name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFixable {
    /// The name the statement binds (`a`).
    pub binding: String,
    /// Where the file first uses it (byte offset).
    pub used_at: usize,
}

/// A string literal whose whole text is a module path lacking its prefix (`mock.patch("a.b.C")`). Strings are
/// never rewritten: the same text may be a proto type name, not a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The string's text between the quotes.
    pub text: String,
    pub prefix: String,
    /// Where the string literal starts.
    pub offset: usize,
}

/// Where the source stops being Python.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// What a scan finds in one source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub imports: Vec<BareImport>,
    pub mentions: Vec<Mention>,
    /// The first syntax error in the part read (see [`Scanner::scan`]). A lexical one (an unterminated string, an
    /// unclosed bracket) ends the scan there; after a malformed import statement the scan goes on at the next
    /// line. A source with an error is never fixed.
    pub error: Option<SyntaxError>,
}

impl Report {
    /// The source with the prefix inserted before each fixable import's module path, or `None` when there is
    /// nothing to fix or the source has a syntax error (a file that is not Python is never rewritten).
    pub fn fixed(&self, src: &[u8]) -> Option<Vec<u8>> {
        if self.error.is_some() {
            return None;
        }
        let fixes: Vec<&BareImport> = self.imports.iter().filter(|i| i.fixable.is_ok()).collect();
        if fixes.is_empty() {
            return None;
        }
        let extra: usize = fixes.iter().map(|f| f.prefix.len() + 1).sum();
        let mut out = Vec::with_capacity(src.len() + extra);
        let mut copied = 0;
        for fix in fixes {
            out.extend_from_slice(&src[copied..fix.offset]);
            out.extend_from_slice(fix.prefix.as_bytes());
            out.push(b'.');
            copied = fix.offset;
        }
        out.extend_from_slice(&src[copied..]);
        Some(out)
    }
}

/// Scans sources with one rule.
pub struct Scanner<R> {
    rule: R,
    /// The leading names, searched forward and backward, and their lengths.
    leading: Vec<(memmem::Finder<'static>, memmem::FinderRev<'static>, usize)>,
}

impl<R: PrefixRule> Scanner<R> {
    pub fn new(rule: R) -> Self {
        let leading = rule
            .leading_names()
            .iter()
            .map(|name| {
                (
                    memmem::Finder::new(name.as_bytes()).into_owned(),
                    memmem::FinderRev::new(name.as_bytes()).into_owned(),
                    name.len(),
                )
            })
            .collect();
        Scanner { rule, leading }
    }

    pub fn rule(&self) -> &R {
        &self.rule
    }

    /// Whether `src` mentions a leading name at all (the only sources [`Scanner::scan`] has to read).
    pub fn may_have_findings(&self, src: &[u8]) -> bool {
        self.leading.iter().any(|(f, _, _)| f.find(src).is_some())
    }

    /// Where the last mention of a leading name ends: nothing after the logical line holding it can be reported.
    fn last_mention_end(&self, src: &[u8]) -> Option<usize> {
        self.leading
            .iter()
            .filter_map(|(_, rev, len)| rev.rfind(src).map(|at| at + len))
            .max()
    }

    /// The bare imports, string mentions and first syntax error of `src`. The source is read up to the end of
    /// the logical line holding the last mention of a leading name (not at all without one): nothing after it
    /// can import a mapped module, so a syntax error there goes unreported.
    pub fn scan(&self, src: &[u8]) -> Report {
        if !self.may_have_findings(src) {
            return Report::default();
        }
        let until = self.last_mention_end(src).unwrap_or(src.len());
        findings::scan(src, until, &self.rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ameide_core_proto` → `ameide_sdk.proto`, a minimal rule for the tests.
    struct Sdk;

    impl PrefixRule for Sdk {
        fn missing_prefix(&self, module: &str) -> Option<&str> {
            (module == "ameide_core_proto" || module.starts_with("ameide_core_proto."))
                .then_some("ameide_sdk.proto")
        }
        fn leading_names(&self) -> Vec<String> {
            vec!["ameide_core_proto".into()]
        }
    }

    fn fixed(src: &str) -> String {
        let report = Scanner::new(Sdk).scan(src.as_bytes());
        let out = report
            .fixed(src.as_bytes())
            .unwrap_or_else(|| src.as_bytes().to_vec());
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn inserts_the_prefix_before_each_module_path() {
        assert_eq!(
            fixed("from ameide_core_proto.x import (a,\n b)\nimport os; import ameide_core_proto.y as y\n"),
            "from ameide_sdk.proto.ameide_core_proto.x import (a,\n b)\nimport os; import ameide_sdk.proto.ameide_core_proto.y as y\n"
        );
        // strings, comments, relative imports and attribute names are not imports
        let untouched = "# import ameide_core_proto.x\ns = 'from ameide_core_proto import x'\nfrom .ameide_core_proto import x\nimport m.ameide_core_proto\n";
        assert_eq!(fixed(untouched), untouched);
    }

    #[test]
    fn a_bare_import_is_fixable_only_when_its_binding_is_unused() {
        let scan = |src: &str| Scanner::new(Sdk).scan(src.as_bytes());
        // used: `ameide_core_proto.x.X`
        let report = scan("import ameide_core_proto.x\nv = ameide_core_proto.x.X\n");
        assert_eq!(
            report.imports[0].fixable,
            Err(NotFixable {
                binding: "ameide_core_proto".into(),
                used_at: 31
            })
        );
        assert_eq!(report.fixed(b"unused"), None);
        // used inside an f-string field
        let report = scan("import ameide_core_proto.x\nv = f'{ameide_core_proto.x.X}'\n");
        assert!(report.imports[0].fixable.is_err());
        // only imported for its side effects (registering descriptors): fixable
        let report = scan("import ameide_core_proto.x\nv = other.ameide_core_proto\n");
        assert_eq!(report.imports[0].fixable, Ok(()));
    }

    #[test]
    fn strings_naming_modules_are_mentions() {
        let report = Scanner::new(Sdk)
            .scan(b"patch('ameide_core_proto.x.v1.y_pb2.Stub')\nf'ameide_core_proto.x'\n'ameide_core_proto is here'\n");
        assert_eq!(
            report.mentions,
            [Mention {
                text: "ameide_core_proto.x.v1.y_pb2.Stub".into(),
                prefix: "ameide_sdk.proto".into(),
                offset: 6
            }]
        );
        assert!(report.imports.is_empty());
    }

    #[test]
    fn a_file_with_a_syntax_error_is_reported_and_never_fixed() {
        let src =
            b"from ameide_core_proto.x import y\ns = 'open\nimport ameide_core_proto.z as z\n";
        let report = Scanner::new(Sdk).scan(src);
        assert_eq!(report.imports.len(), 1);
        assert_eq!(
            report.error,
            Some(SyntaxError {
                offset: 38,
                message: "unterminated string literal".into()
            })
        );
        assert_eq!(report.fixed(src), None);
    }

    #[test]
    fn reading_ends_with_the_line_of_the_last_mention() {
        // the error lies past the last mention of the root: not read, not reported
        let src = b"from ameide_core_proto.x import (\n  y)\ns = 'open\n";
        let report = Scanner::new(Sdk).scan(src);
        assert_eq!(report.error, None);
        assert_eq!(
            report.fixed(src).as_deref(),
            Some(
                b"from ameide_sdk.proto.ameide_core_proto.x import (\n  y)\ns = 'open\n".as_slice()
            )
        );
        // a statement holding the last mention is read to its end
        let report = Scanner::new(Sdk).scan(b"from ameide_core_proto.x import (\n  y z)\n");
        assert_eq!(
            report.error.map(|e| e.message),
            Some("expected ')'".to_string())
        );
    }
}
