//! .proto files → the raw `CodeGeneratorRequest` bytes protoc would send for them, so that request decoding,
//! naming and generation are shared with the plugin: the generators never know which driver ran.
//!
//! Drivers:
//! * [`Driver::Embedded`] (default): the [`proto_compiler`] crate in-process: protoc 35.1's descriptors and
//!   diagnostics, editions included, with the well-known types protoc 35.1 ships bundled.
//! * [`Driver::Protoc`]: runs protoc (`$PROTOC`, else `protoc` on `PATH`, else `python3 -m grpc_tools.protoc`)
//!   with this very binary as a request-capturing plugin ([`CAPTURE_ENV`]), so the request is exactly protoc's.
//! * [`Driver::Buf`]: the same capture through `buf generate` (`$BUF`, else `buf` on `PATH`).

pub mod external;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use proto_compiler::{CompileOptions, Diagnostic};
use thiserror::Error;

use crate::request::{Request, RequestError};
use crate::wire;

pub use external::CAPTURE_ENV;

/// Which compiler builds the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Driver {
    #[default]
    Embedded,
    Protoc,
    Buf,
}

/// Why no request could be built. Each variant is one line (or one line per .proto error).
#[derive(Debug, Error)]
pub enum CompileError {
    /// Errors in .proto files from protoc or buf, one line each as the tool printed them.
    #[error("{}", .0.join("\n"))]
    Proto(Vec<String>),
    /// The embedded compiler's diagnostics (protoc's lines), errors and the warnings before them.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Diagnostics(Vec<Diagnostic>),
    #[error("{tool}: {message}")]
    Tool { tool: String, message: String },
    #[error("{file}: malformed descriptor from the compiler: {source}")]
    Wire {
        file: String,
        source: wire::WireError,
    },
}

/// The `compiler_version` protoc 35.1 sends (`7.35.1`: protobuf 7.35.1; the embedded compiler reproduces it).
pub const COMPILER_VERSION: (u64, u64, u64) = (7, 35, 1);

/// The embedded compiler: compiles `files` (proto names relative to the include directories) and returns the
/// request protoc would send with `parameter`, except that source info holds only the locations the
/// generators read (see [`is_read_downstream`]).
pub fn embedded_request(
    includes: &[PathBuf],
    files: &[String],
    parameter: &str,
) -> Result<Vec<u8>, CompileError> {
    Ok(Compiled::new(includes, files, SourceInfo::Read)?.request(files, parameter))
}

/// Whether the location of `path` is read after compilation: the comments of services and methods (gRPC
/// docstrings) and `json_name` locations (whether a json_name was spelled out). A file's other locations
/// would only be encoded, copied and decoded again for nothing; the locations kept stay in their order.
fn is_read_downstream(path: &[i32]) -> bool {
    const FILE_SERVICE: i32 = 6;
    const SERVICE_METHOD: i32 = 2;
    const FIELD_JSON_NAME: i32 = 10;
    matches!(
        path,
        [FILE_SERVICE, _] | [FILE_SERVICE, _, SERVICE_METHOD, _]
    ) || path.last() == Some(&FIELD_JSON_NAME)
}

/// How much of protoc's source info the embedded compiler keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceInfo {
    /// Only what protoc's and grpcio-tools' outputs read ([`is_read_downstream`]).
    Read,
    /// All of it, as protoc sends it: mypy-protobuf's stubs carry the comments of every element.
    Full,
}

/// The compiler's phase ends, on stderr with `AMEIDE_PY_TIMINGS`.
fn compile_progress(phase: &str) {
    crate::standalone::timing::timing(&format!("compile: {phase}"));
}

/// Files compiled once by the embedded compiler, from which requests for any subset are built.
pub struct Compiled {
    /// Descriptor bytes by proto name: protoc's `CopyTo` form, and for the compiled inputs the
    /// source-retention-stripped form protoc sends for a file to generate.
    files: HashMap<String, (Vec<u8>, Option<Vec<u8>>)>,
    /// The warnings protoc would print (unused imports, ...).
    pub warnings: Vec<Diagnostic>,
}

impl Compiled {
    /// Compiles `files` (and their imports); protoc's diagnostics if it would fail.
    pub fn new(
        includes: &[PathBuf],
        files: &[String],
        source_info: SourceInfo,
    ) -> Result<Compiled, CompileError> {
        let options = CompileOptions {
            include_paths: includes.to_vec(),
            keep_location: match source_info {
                SourceInfo::Read => Some(is_read_downstream),
                SourceInfo::Full => None,
            },
            request_descriptors: true,
            progress: Some(compile_progress),
        };
        let compilation = proto_compiler::compile(files, &options);
        if compilation.has_errors() {
            return Err(CompileError::Diagnostics(compilation.diagnostics));
        }
        Ok(Compiled {
            files: compilation
                .files
                .into_iter()
                .map(|f| (f.name, (f.descriptor, f.request_descriptor)))
                .collect(),
            warnings: compilation.diagnostics,
        })
    }

    /// The imports (and option imports) of a compiled file, in order.
    fn dependencies(&self, name: &str) -> Vec<String> {
        let Some((bytes, _)) = self.files.get(name) else {
            return Vec::new();
        };
        wire::records(bytes)
            .flatten()
            .filter(|r| r.field == 3 || r.field == 15)
            .filter_map(|r| r.bytes().map(|b| String::from_utf8_lossy(b).into_owned()))
            .collect()
    }

    /// `files` and everything they import, dependencies first (protoc's `GetTransitiveDependencies`).
    fn request_order(&self, roots: &[String]) -> Vec<String> {
        proto_compiler::pool::import_order::dependencies_first(roots.iter().cloned(), |name| {
            self.dependencies(name)
        })
    }

    /// The `proto_file` entries of a request for `files`: dependencies as `CopyTo` writes them, the files to
    /// generate with source-retention options stripped.
    fn proto_files(&self, files: &[String]) -> Vec<&[u8]> {
        let to_generate: HashSet<&str> = files.iter().map(String::as_str).collect();
        self.request_order(files)
            .iter()
            .filter_map(|name| {
                let (full, stripped) = self.files.get(name)?;
                Some(match stripped {
                    Some(stripped) if to_generate.contains(name.as_str()) => stripped.as_slice(),
                    _ => full.as_slice(),
                })
            })
            .collect()
    }

    /// protoc's request for generating `files` (all compiled) with `parameter`.
    pub fn request(&self, files: &[String], parameter: &str) -> Vec<u8> {
        encode_request(
            files,
            parameter,
            Some(COMPILER_VERSION),
            &self.proto_files(files),
        )
    }

    /// The request protoc would send for generating `files`, decoded; the envelope is never encoded. Its
    /// `parameter` is empty: the caller generates it with the options of each of its jobs.
    pub fn decoded_request(&self, files: &[String]) -> Result<Request, CompileError> {
        let (major, minor, patch) = COMPILER_VERSION;
        Request::from_raw_files(
            files.to_vec(),
            String::new(),
            Some((major as i32, minor as i32, patch as i32, String::new())),
            &self.proto_files(files),
        )
        .map_err(|e| match e {
            RequestError::Wire(source) => CompileError::Wire {
                file: files.join(", "),
                source,
            },
            other => CompileError::Tool {
                tool: "embedded compiler".into(),
                message: other.to_string(),
            },
        })
    }
}

/// Encodes a `CodeGeneratorRequest` in protoc's field order.
pub fn encode_request(
    files_to_generate: &[String],
    parameter: &str,
    compiler_version: Option<(u64, u64, u64)>,
    proto_files: &[impl AsRef<[u8]>],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        proto_files
            .iter()
            .map(|f| f.as_ref().len() + 8)
            .sum::<usize>()
            + 64,
    );
    for name in files_to_generate {
        wire::write_bytes_field(1, name.as_bytes(), &mut out);
    }
    if !parameter.is_empty() {
        wire::write_bytes_field(2, parameter.as_bytes(), &mut out);
    }
    if let Some((major, minor, patch)) = compiler_version {
        let mut version = Vec::new();
        for (field, value) in [(1u64, major), (2, minor), (3, patch)] {
            wire::write_varint(field << 3, &mut version);
            wire::write_varint(value, &mut version);
        }
        wire::write_bytes_field(4, b"", &mut version);
        wire::write_bytes_field(3, &version, &mut out);
    }
    for file in proto_files {
        wire::write_bytes_field(15, file.as_ref(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_order_puts_imports_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("a.proto"),
            "syntax = \"proto3\";\nimport \"b.proto\";\nmessage A { B b = 1; }\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("b.proto"),
            "syntax = \"proto3\";\nmessage B {}\n",
        )
        .expect("write");
        let compiled = Compiled::new(
            &[dir.path().to_path_buf()],
            &["a.proto".to_string()],
            SourceInfo::Read,
        )
        .expect("compiles");
        assert_eq!(
            compiled.request_order(&["a.proto".into()]),
            vec!["b.proto", "a.proto"]
        );
        assert!(compiled.warnings.is_empty());
    }
}
