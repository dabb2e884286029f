//! Errors: every user-facing failure has a code, a message naming the file or parameter, and an exit status.

use thiserror::Error;

/// The hint printed under a refusal (exit status 2) whose answer needs uv's resolver or a build.
pub const RESOLVER_HINT: &str =
    "hint: run `uv lock` (needs network) and commit both files, or change the local package so it stays inside the safe subset";

/// Refusal codes: the change is outside the subset that can be done without uv's resolver (exit status 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// E001: the local package requires a package that is not in the lock.
    NewPackage,
    /// E002: a locked version does not satisfy a requirement.
    VersionConflict,
    /// E003: a package is locked at several versions (forked resolution).
    MultiVersion,
    /// E004: a requested extra is not locked.
    MissingExtra,
    /// E005: dynamic metadata needs a PEP 517 build.
    DynamicMetadata,
    /// E006: requires-python of the local package does not cover the lock's.
    RequiresPython,
    /// E007: another locked package depends on the SDK and its version changes.
    TransitiveVersion,
    /// E008: the lock is forked and the SDK's dependency set changes.
    ForkChange,
    /// E009: a marker cannot be canonicalized exactly as uv does.
    Marker,
    /// E010: the local package has its own local sources.
    NestedSource,
    /// E011: reverting to the registry needs a reference lock.
    NoReference,
    /// E012: lock schema version/revision unknown, or a lock feature this tool does not model.
    LockFormat,
    /// E013: a pyproject form the tool does not rewrite.
    UnsupportedForm,
    /// E014: an absolute path.
    AbsolutePath,
}

impl Refusal {
    /// What the user can do about it: uv's resolver for most refusals; for a missing reference lock or an
    /// absolute path, the tool's own arguments.
    pub fn hint(self) -> &'static str {
        match self {
            Refusal::NoReference => {
                "hint: pass --from <a uv.lock that holds the registry entry>, e.g. the service's lock on your main branch: `git show main:<service>/uv.lock > ref.lock`"
            }
            Refusal::AbsolutePath => {
                "hint: give the local package as a path relative to the service (uv records it that way), or use a relative --path"
            }
            _ => RESOLVER_HINT,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Refusal::NewPackage => "E001 new-package",
            Refusal::VersionConflict => "E002 version-conflict",
            Refusal::MultiVersion => "E003 multi-version",
            Refusal::MissingExtra => "E004 missing-extra",
            Refusal::DynamicMetadata => "E005 dynamic-metadata",
            Refusal::RequiresPython => "E006 requires-python",
            Refusal::TransitiveVersion => "E007 transitive-version",
            Refusal::ForkChange => "E008 fork-change",
            Refusal::Marker => "E009 marker",
            Refusal::NestedSource => "E010 nested-source",
            Refusal::NoReference => "E011 no-reference",
            Refusal::LockFormat => "E012 lock-format",
            Refusal::UnsupportedForm => "E013 unsupported-form",
            Refusal::AbsolutePath => "E014 absolute-path",
        }
    }
}

/// Input errors (exit status 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// E101: a file could not be read or written.
    Io,
    /// E102: a file is not valid TOML (reported as file:line:col).
    Toml,
    /// E103: a file is valid TOML but does not have the expected shape.
    Schema,
    /// E104: bad command-line usage (missing directory, no match for a glob, bad requirement string).
    Usage,
}

impl InputKind {
    pub fn code(self) -> &'static str {
        match self {
            InputKind::Io => "E101 io",
            InputKind::Toml => "E102 toml",
            InputKind::Schema => "E103 schema",
            InputKind::Usage => "E104 usage",
        }
    }
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// Outside the safe subset: needs uv's resolver. Exit 2.
    #[error("error[{}]: {message}\n  {}", .kind.code(), .kind.hint())]
    Refused { kind: Refusal, message: String },
    /// Bad input. Exit 3.
    #[error("error[{}]: {message}", .kind.code())]
    Input { kind: InputKind, message: String },
}

impl Error {
    pub fn refuse(kind: Refusal, message: impl Into<String>) -> Self {
        Error::Refused {
            kind,
            message: message.into(),
        }
    }
    pub fn input(kind: InputKind, message: impl Into<String>) -> Self {
        Error::Input {
            kind,
            message: message.into(),
        }
    }
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Refused { .. } => 2,
            Error::Input { .. } => 3,
        }
    }
    /// The refusal kind, if this is a refusal.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            Error::Refused { kind, .. } => Some(*kind),
            Error::Input { .. } => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `path:line:col: message` for a toml_edit parse error.
pub fn toml_error(path: &str, text: &str, err: &toml_edit::TomlError) -> Error {
    let (line, col) = match err.span() {
        Some(span) => line_col(text, span.start),
        None => (1, 1),
    };
    let msg = err.message().trim().to_string();
    let snippet = source_snippet(text, line, col);
    Error::input(
        InputKind::Toml,
        format!(
            "{path}:{line}:{col}: {msg}\n{}",
            snippet.trim_end_matches('\n')
        ),
    )
}

pub use cli_text::source_snippet;

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before
        .get(line_start..)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}
