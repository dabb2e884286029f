//! Why a standalone run failed: one line naming the file, directory or parameter.

use std::path::Path;

use thiserror::Error;

use super::bufconfig::ConfigError;
use super::compile::CompileError;

/// A standalone-mode failure, one line naming the file, directory or parameter (compile errors: one line per
/// .proto error).
#[derive(Debug, Error)]
pub enum StandaloneError {
    #[error(transparent)]
    Compile(#[from] CompileError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{out}: {message}")]
    Generate { out: String, message: String },
    #[error("{out}: generated file name `{name}` is absolute or contains `..`; refusing to write outside the output directory")]
    UnsafeName { out: String, name: String },
    #[error("{out}: `{name}` would be written twice (package files under `strategy: directory` need package_files=leaf; two protos with one output name clash)")]
    Duplicate { out: String, name: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{0}: named twice among the files to generate (protoc fails on it too: \"Tried to write the same file twice.\")")]
    NamedTwice(String),
    #[error("{out}: prefix root `{root}` matches no .proto file to generate ({files}; their {depth} directories: {present}); a typo in the root, or a root of another tree?")]
    UnusedPrefixRoot {
        out: String,
        root: String,
        files: String,
        depth: &'static str,
        present: String,
    },
    #[error("no .proto files found under {0}")]
    NoFiles(String),
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> StandaloneError {
    StandaloneError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}
