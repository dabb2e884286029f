//! proto-compiler: .proto files → the `FileDescriptorProto` bytes protoc 35.1 produces for them, or protoc's
//! diagnostics, line for line. It knows nothing of code generation.
//!
//! Phases, one module each, in the order protoc runs them:
//!
//! * [`source`]: include paths → files (protoc's `DiskSourceTree`, and its command-line mapping of disk paths
//!   to proto names); the protoc 35.1 well-known types are bundled and searched last.
//! * [`lexer`] → [`parser`]: tokens → [`ir::FileProto`] with uninterpreted options, `SourceCodeInfo`
//!   ([`source_info`]) and the location table that positions later errors.
//! * [`pool`]: protoc's `DescriptorPool`/`DescriptorBuilder`: loads imports depth first, builds each file
//!   (symbols, structural checks), resolves names by protoc's scope rules, cross-links.
//! * [`options`]: option interpretation (custom options, aggregate values via [`textformat`]) and
//!   `UpdateSourceCodeInfo`.
//! * [`features`]: editions feature defaults and resolution.
//! * [`validate`]: descriptor.cc's checks, one file per family of errors.
//! * [`encode`]: the bytes of `CopyTo` + `CopyJsonNameTo` + `CopySourceCodeInfoTo`.
//! * [`diagnostics`]: [`Diagnostic`] and the one place that renders protoc's stderr line.
//!
//! Entry point: [`compile`].

pub mod cescape;
pub mod diagnostics;
pub mod edition;
pub mod encode;
pub mod features;
pub mod floatfmt;
pub mod ir;
pub mod lexer;
pub mod options;
pub mod parallel;
pub mod parser;
pub mod pool;
pub mod retention;
pub mod source;
pub mod source_info;
pub mod validate;
pub mod wire;
pub mod wkt;

use std::path::PathBuf;

pub use diagnostics::{Diagnostic, Position, Severity};

/// How to compile.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Include directories (`-I`), searched in order; the bundled protoc 35.1 well-known types are searched
    /// after them, as `python -m grpc_tools.protoc` adds its own include directory last.
    pub include_paths: Vec<PathBuf>,
    /// Keep only the source locations whose path this accepts (all when `None`): a caller that reads few
    /// locations saves encoding the rest. Parity with protoc needs `None`.
    pub keep_location: Option<fn(&[i32]) -> bool>,
    /// Also give each input file its `CodeGeneratorRequest.proto_file` form
    /// ([`CompiledFile::request_descriptor`]).
    pub request_descriptors: bool,
    /// Called with the name of each phase as it ends (`"parse"`, `"build"`, ...), for profiling.
    pub progress: Option<fn(&str)>,
}

/// The result of a compilation.
#[derive(Debug, Clone, Default)]
pub struct Compilation {
    /// Errors and warnings in protoc's order.
    pub diagnostics: Vec<Diagnostic>,
    /// Empty iff there was an error; else every file in protoc's request order (dependencies first).
    pub files: Vec<CompiledFile>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// One compiled file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledFile {
    /// Its proto name (relative to its include directory).
    pub name: String,
    /// protoc's `CopyTo` + `CopyJsonNameTo` + `CopySourceCodeInfoTo` bytes of the file.
    pub descriptor: Vec<u8>,
    /// With [`CompileOptions::request_descriptors`], for the input files: what protoc puts in a
    /// `CodeGeneratorRequest.proto_file` for a file to generate (the descriptor with source-retention options
    /// stripped through the pool's descriptor.proto, see [`retention`]); `descriptor` is then its
    /// `source_file_descriptors` form.
    pub request_descriptor: Option<Vec<u8>>,
}

/// Compiles `files` (proto names relative to an include path, in command-line order) with their imports.
pub fn compile(files: &[String], options: &CompileOptions) -> Compilation {
    pool::compile(files, options)
}
