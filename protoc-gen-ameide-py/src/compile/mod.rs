//! .proto files → the raw `CodeGeneratorRequest` bytes protoc would send for them, so that request decoding,
//! naming and generation are shared with the plugin: the generators never know which driver ran.
//!
//! Drivers:
//! * [`Driver::Embedded`] (default): [`protox`] in-process, with the well-known types protoc 35.1 ships
//!   (grpcio-tools' `_proto` tree, bundled in this crate) and the protox fix-ups of [`fixup`]. It cannot parse
//!   editions files; they are rejected with an error naming the file and the other drivers.
//! * [`Driver::Protoc`]: runs protoc (`$PROTOC`, else `protoc` on `PATH`, else `python3 -m grpc_tools.protoc`)
//!   with this very binary as a request-capturing plugin ([`CAPTURE_ENV`]), so the request is exactly protoc's.
//! * [`Driver::Buf`]: the same capture through `buf generate` (`$BUF`, else `buf` on `PATH`).

pub mod external;
pub mod fixup;
mod wkt;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use prost_reflect::DescriptorPool;
use protox::file::{File, FileResolver};
use thiserror::Error;

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
    /// Errors in .proto files, protoc-style (`file:line:col: message`), one per line.
    #[error("{}", .0.join("\n"))]
    Proto(Vec<String>),
    #[error("{file}: editions files (`edition = ...`) are not supported by the embedded compiler (protox); use `--compiler protoc` or `--compiler buf`, which run those tools to build the request")]
    Editions { file: String },
    #[error("{0}: not found in any include directory")]
    NotFound(String),
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
/// request protoc would send with `parameter`. Errors of every file are collected.
pub fn embedded_request(
    includes: &[PathBuf],
    files: &[String],
    parameter: &str,
) -> Result<Vec<u8>, CompileError> {
    Compiled::new(includes, files)?.request(files, parameter)
}

/// Files compiled once by the embedded compiler, from which requests for any subset are built.
pub struct Compiled {
    pool: DescriptorPool,
    parsed: Parsed,
    fixed: RefCell<HashMap<String, Rc<Vec<u8>>>>,
}

impl Compiled {
    /// Compiles `files` (and their imports).
    pub fn new(includes: &[PathBuf], files: &[String]) -> Result<Compiled, CompileError> {
        let (pool, parsed) = compile_pool(includes, files)?;
        Ok(Compiled {
            pool,
            parsed,
            fixed: RefCell::default(),
        })
    }

    /// The fixed-up raw bytes of one compiled file.
    fn file_bytes(&self, name: &str) -> Result<Rc<Vec<u8>>, CompileError> {
        if let Some(bytes) = self.fixed.borrow().get(name) {
            return Ok(bytes.clone());
        }
        let file = self
            .pool
            .get_file_by_name(name)
            .ok_or_else(|| CompileError::NotFound(name.to_string()))?;
        let mut raw = file.encode_to_vec();
        if let Some(info) = self.parsed.source_infos.get(name) {
            // source info kept out of the pool: field 9 (its position does not matter to the decoder)
            wire::write_bytes_field(9, info, &mut raw);
        }
        if self
            .parsed
            .sources
            .get(name)
            .is_some_and(|s| s.contains(NAN_PLACEHOLDER))
        {
            restore_nan(&mut raw);
        }
        let fixed = fixup::fix_file(
            &self.pool,
            &raw,
            self.parsed.sources.get(name).map(String::as_str),
        )
        .map_err(|source| CompileError::Wire {
            file: name.to_string(),
            source,
        })?;
        let fixed = Rc::new(fixed);
        self.fixed
            .borrow_mut()
            .insert(name.to_string(), fixed.clone());
        Ok(fixed)
    }

    /// protoc's request for generating `files` (all compiled) with `parameter`.
    pub fn request(&self, files: &[String], parameter: &str) -> Result<Vec<u8>, CompileError> {
        let order = topological(&self.pool, files);
        let proto_files = order
            .iter()
            .map(|name| self.file_bytes(name))
            .collect::<Result<Vec<_>, _>>()?;
        let slices: Vec<&[u8]> = proto_files.iter().map(|f| f.as_slice()).collect();
        Ok(encode_request(
            files,
            parameter,
            Some(COMPILER_VERSION),
            &slices,
        ))
    }
}

/// What the resolver keeps of every parsed file: its source text and, when source info is kept out of the
/// pool, the encoded `SourceCodeInfo`.
#[derive(Default)]
struct Parsed {
    sources: HashMap<String, String>,
    source_infos: HashMap<String, Vec<u8>>,
    /// Extensions of `google.protobuf.*` messages seen so far: (extendee, number) → full extension name.
    extensions: HashMap<(String, i32), String>,
}

type Shared = Rc<RefCell<Parsed>>;

/// A file parsed ahead of compilation (on all cores).
struct Preparsed {
    source: String,
    file: File,
}

/// Parses the given files in parallel (those found in the include directories; anything unusual, e.g. an
/// editions file or a parse error, is left to the resolver, which reports it in order).
fn preparse(includes: &[PathBuf], files: &[String]) -> HashMap<String, Preparsed> {
    let parsed = crate::parallel::map(files, |name| {
        let path = includes
            .iter()
            .map(|d| d.join(name))
            .find(|p| p.is_file())?;
        let source = std::fs::read_to_string(path).ok()?;
        if declares_edition(&source) || too_deep(name, &source).is_some() {
            return None;
        }
        let source = negative_infinity(source);
        let file = File::from_source(name, &source).ok()?;
        Some(Preparsed { source, file })
    });
    files
        .iter()
        .zip(parsed)
        .filter_map(|(name, p)| Some((name.clone(), p?)))
        .collect()
}

/// Compiles the files into a descriptor pool. Source info is parsed but kept out of the pool (prost-reflect
/// rewrites option locations in it at a cost quadratic in the file's size) and returned beside it; when a file
/// has an error, compilation is redone with source info in the pool, whose error locations need it.
fn compile_pool(
    includes: &[PathBuf],
    files: &[String],
) -> Result<(DescriptorPool, Parsed), CompileError> {
    // protox and prost-reflect panic on a few inputs they should reject (conflicting extension numbers used
    // in option values, found by the compile_proto fuzz target): such a panic becomes an error naming the
    // other compilers, and its message is not printed as a crash.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        compile_pool_inner(includes, files)
    }));
    std::panic::set_hook(hook);
    result.unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(CompileError::Tool {
            tool: "embedded compiler".into(),
            message: format!(
                "protox failed on {} ({detail}); protoc would report an error in these files (conflicting extension numbers, say): check them with `--compiler protoc` or `--compiler buf`",
                files.join(", ")
            ),
        })
    })
}

fn compile_pool_inner(
    includes: &[PathBuf],
    files: &[String],
) -> Result<(DescriptorPool, Parsed), CompileError> {
    let started = std::time::Instant::now();
    let preparsed = preparse(includes, files);
    crate::standalone::timing("compile: parse (all cores)", started);
    match compile_with(includes, files, preparsed, false) {
        Ok(result) => Ok(result),
        Err(_) => compile_with(includes, files, HashMap::new(), true),
    }
}

fn compile_with(
    includes: &[PathBuf],
    files: &[String],
    preparsed: HashMap<String, Preparsed>,
    source_info_in_pool: bool,
) -> Result<(DescriptorPool, Parsed), CompileError> {
    let shared: Shared = Rc::default();
    let resolver = Resolver {
        includes: includes.to_vec(),
        shared: shared.clone(),
        preparsed: RefCell::new(preparsed),
        source_info_in_pool,
    };
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_source_info(true).include_imports(true);
    let mut errors = Vec::new();
    let mut reported = HashSet::new();
    for name in files {
        if let Err(e) = compiler.open_file(name) {
            let message = format_error(&e, &shared.borrow().sources);
            if let Some(editions) = message.strip_prefix(EDITIONS_MARKER) {
                return Err(CompileError::Editions {
                    file: editions.to_string(),
                });
            }
            if reported.insert(message.clone()) {
                errors.push(message);
            }
        }
    }
    if !errors.is_empty() {
        return Err(CompileError::Proto(errors));
    }
    let pool = compiler.descriptor_pool();
    drop(compiler);
    let parsed = std::mem::take(&mut *shared.borrow_mut());
    Ok((pool, parsed))
}

const EDITIONS_MARKER: &str = "\u{0}editions:";

/// protox's Debug rendering is protoc's `file:line:col: message` for parse and link errors.
fn format_error(e: &protox::Error, sources: &HashMap<String, String>) -> String {
    let text = format!("{e:?}");
    if let Some(cycle) = text.strip_prefix("import cycle detected: ") {
        // protox gives no location: report it at the first file's import of the second, as protoc does
        let names: Vec<&str> = cycle.split(" -> ").collect();
        if let [first, second, ..] = names[..] {
            let place = sources
                .get(first)
                .and_then(|source| import_location(source, second))
                .map_or_else(String::new, |(line, col)| format!("{line}:{col}:"));
            return format!("{first}:{place} File recursively imports itself: {cycle}");
        }
    }
    if e.is_file_not_found() && !text.contains(':') {
        return format!(
            "{text} (searched the include directories and the bundled well-known types)"
        );
    }
    text
}

/// 1-based line and column of the `import` statement of `target` in `source`.
fn import_location(source: &str, target: &str) -> Option<(usize, usize)> {
    let quoted = [format!("\"{target}\""), format!("'{target}'")];
    source.lines().enumerate().find_map(|(i, line)| {
        let col = line.find("import")?;
        quoted
            .iter()
            .any(|q| line[col..].contains(q.as_str()))
            .then_some((i + 1, col + 1))
    })
}

/// Include directories first (like `-I`), then the bundled well-known types (like protoc's own include dir).
struct Resolver {
    includes: Vec<PathBuf>,
    shared: Shared,
    preparsed: RefCell<HashMap<String, Preparsed>>,
    source_info_in_pool: bool,
}

impl Resolver {
    fn parse(&self, name: &str, source: String) -> Result<File, protox::Error> {
        if declares_edition(&source) {
            // Debug of a custom error prints the error's Debug: make it the marker text.
            return Err(protox::Error::new(EditionsMarker(name.to_string())));
        }
        if let Some(message) = too_deep(name, &source) {
            return Err(protox::Error::new(Plain(message)));
        }
        let source = negative_infinity(source);
        let file = File::from_source(name, &source)?;
        self.check_extension_numbers(name, &file)?;
        Ok(self.keep(name, source, file))
    }

    /// Two extensions of the same `google.protobuf.*` options message with the same number: prost-reflect
    /// (under protox) panics when it interprets an option of such a pair (found by the `compile_proto` fuzz
    /// target), so the conflict is reported here first, as protoc reports it.
    fn check_extension_numbers(&self, name: &str, file: &File) -> Result<(), protox::Error> {
        let proto = file.file_descriptor_proto();
        let mut found = Vec::new();
        let scope = proto.package().to_string();
        collect_extensions(&proto.extension, &scope, &[7], &mut found);
        for (i, message) in proto.message_type.iter().enumerate() {
            collect_nested_extensions(message, &scope, vec![4, i as i32], &mut found);
        }
        let mut shared = self.shared.borrow_mut();
        for (extendee, number, full_name, path) in found {
            let key = (extendee.clone(), number);
            if let Some(previous) = shared.extensions.get(&key) {
                if *previous != full_name {
                    let place = proto
                        .source_code_info
                        .as_ref()
                        .and_then(|info| info.location.iter().find(|l| l.path == path))
                        .and_then(|l| Some((l.span.first()? + 1, l.span.get(1)? + 1)))
                        .map_or_else(String::new, |(line, col)| format!("{line}:{col}:"));
                    return Err(protox::Error::new(Plain(format!(
                        "{name}:{place} Extension number {number} has already been used in \"{extendee}\" by extension \"{previous}\"."
                    ))));
                }
            } else {
                shared.extensions.insert(key, full_name);
            }
        }
        Ok(())
    }

    /// Records the source (and, when it stays out of the pool, the source info) of a parsed file.
    fn keep(&self, name: &str, source: String, file: File) -> File {
        let mut shared = self.shared.borrow_mut();
        shared.sources.insert(name.to_string(), source);
        if self.source_info_in_pool {
            return file;
        }
        let mut proto = file.file_descriptor_proto().clone();
        if let Some(info) = proto.source_code_info.take() {
            shared
                .source_infos
                .insert(name.to_string(), prost::Message::encode_to_vec(&info));
        }
        File::from_file_descriptor_proto(proto)
    }
}

/// `(extendee, number, full name, source path of the number)` of every extension of a `google.protobuf.*`
/// message in `extensions` (declared in `scope`, at source path `path` + index).
fn collect_extensions(
    extensions: &[prost_types::FieldDescriptorProto],
    scope: &str,
    path: &[i32],
    out: &mut Vec<(String, i32, String, Vec<i32>)>,
) {
    for (i, extension) in extensions.iter().enumerate() {
        let extendee = extension.extendee().trim_start_matches('.');
        if !extendee.starts_with("google.protobuf.") {
            continue;
        }
        let full_name = match scope {
            "" => extension.name().to_string(),
            scope => format!("{scope}.{}", extension.name()),
        };
        let mut number_path = path.to_vec();
        number_path.extend([i as i32, 3]);
        out.push((
            extendee.to_string(),
            extension.number(),
            full_name,
            number_path,
        ));
    }
}

fn collect_nested_extensions(
    message: &prost_types::DescriptorProto,
    scope: &str,
    path: Vec<i32>,
    out: &mut Vec<(String, i32, String, Vec<i32>)>,
) {
    let scope = match scope {
        "" => message.name().to_string(),
        scope => format!("{scope}.{}", message.name()),
    };
    let mut extension_path = path.clone();
    extension_path.push(6);
    collect_extensions(&message.extension, &scope, &extension_path, out);
    for (i, nested) in message.nested_type.iter().enumerate() {
        let mut nested_path = path.clone();
        nested_path.extend([3, i as i32]);
        collect_nested_extensions(nested, &scope, nested_path, out);
    }
}

/// How deep `{`/`<` may nest in a .proto file. protox bounds message declarations (31 levels, as protoc) but
/// parses text-format option values (`option (o) = { a { b { ... } } }`) recursively without a limit, so that
/// deeper input would overflow the stack; protoc's own text-format limit is 100 levels.
pub const MAX_NESTING: usize = 128;

/// `file:line:col: message` if braces or angle brackets (outside strings and comments) nest deeper than
/// [`MAX_NESTING`].
pub fn too_deep(name: &str, source: &str) -> Option<String> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&bytes[i + 2..], b"*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 1);
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'<' => {
                depth += 1;
                if depth > MAX_NESTING {
                    let before = &source[..i];
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    return Some(format!(
                        "{name}:{line}:{col}: braces or angle brackets nested deeper than {MAX_NESTING} levels (protoc's text-format limit is 100)"
                    ));
                }
            }
            b'}' | b'>' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text of a .proto file. protoc accepts bytes that are not UTF-8 in comments (and sends them on); here
/// they are read lossily (U+FFFD), as the plugin reads such comments from protoc's requests. Anywhere else they
/// are an error.
fn utf8_source(name: &str, bytes: Vec<u8>) -> Result<String, protox::Error> {
    let bytes = match String::from_utf8(bytes) {
        Ok(source) => return Ok(source),
        Err(e) => e.into_bytes(),
    };
    let comments = comment_ranges(&bytes);
    let mut pos = 0;
    for chunk in bytes.utf8_chunks() {
        pos += chunk.valid().len();
        if !chunk.invalid().is_empty() && !comments.iter().any(|r| r.contains(&pos)) {
            let before = String::from_utf8_lossy(&bytes[..pos]);
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(protox::Error::new(Plain(format!(
                "{name}:{line}:{col}: not valid UTF-8 (only comments may hold other bytes)"
            ))));
        }
        pos += chunk.invalid().len();
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Byte ranges of the `//` and `/* */` comments of a .proto source (outside string literals).
fn comment_ranges(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                ranges.push(i..end);
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(&bytes[i + 2..], b"*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                ranges.push(i..end);
                i = end;
                continue;
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    ranges
}

/// A resolver error whose Debug text (what [`format_error`] prints) is the message itself, unquoted.
struct Plain(String);

impl std::fmt::Debug for Plain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for Plain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Plain {}

/// The error a resolver returns for an editions file; its Debug text starts with [`EDITIONS_MARKER`].
struct EditionsMarker(String);

impl std::fmt::Debug for EditionsMarker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{EDITIONS_MARKER}{}", self.0)
    }
}

impl std::fmt::Display for EditionsMarker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{EDITIONS_MARKER}{}", self.0)
    }
}

impl std::error::Error for EditionsMarker {}

impl FileResolver for Resolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        let preparsed = self.preparsed.borrow_mut().remove(name);
        if let Some(Preparsed { source, file }) = preparsed {
            self.check_extension_numbers(name, &file)?;
            return Ok(self.keep(name, source, file));
        }
        for include in &self.includes {
            let path = include.join(name);
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let source = utf8_source(name, bytes)?;
                    return self.parse(name, source);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => continue,
                Err(e) => {
                    return Err(protox::Error::new(format!(
                        "{}: cannot read: {e}",
                        path.display()
                    )))
                }
            }
        }
        match wkt::source(name) {
            Some(source) => self.parse(name, source),
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

/// protox rejects `inf` / `infinity` as float and double option values (and `-inf` with "identifiers may not be
/// negative"), which protoc accepts; outside strings and comments, such a value (after `=`, `:`, `-`, `[` or `,`
/// and not followed by `=`, `{`, `:` or `.`) is rewritten to `1e999`, which is the same value (the literal
/// overflows to infinity). Spans later on such a line shift by one byte, which only the empty-method-options
/// check reads (the end of a method declaration on the same line as such a value).
pub fn negative_infinity(source: String) -> String {
    let lower = source.to_ascii_lowercase();
    if !lower.contains("inf") && !lower.contains("nan") {
        return source;
    }
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = source[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'=' | b':' | b'[' | b',' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                let end = j + bytes[j..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                let word = &lower[j..end];
                let next = bytes[end..].iter().find(|b| !b.is_ascii_whitespace());
                let is_name = matches!(next, Some(b'=' | b'{' | b':' | b'.'));
                let is_default = bytes[i] == b'=' && source[..i].trim_end().ends_with("default");
                let is_value = !is_name && !is_default;
                if (word == "inf" || word == "infinity") && is_value {
                    out.push_str(&source[copied..j]);
                    out.push_str("1e999");
                    copied = end;
                    i = end;
                } else if word == "nan" && is_value {
                    out.push_str(&source[copied..j]);
                    out.push_str(NAN_PLACEHOLDER);
                    copied = end;
                    i = end;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&source[copied.min(source.len())..]);
    out
}

/// The literal `nan` option values are replaced with (protox has no NaN literal): the largest float below
/// `f32::MAX` but one, exact as a float and as a double; [`restore_nan`] turns its encodings into protoc's NaN.
pub const NAN_PLACEHOLDER: &str = "340282326356119256160033759537265639424.0";

/// Replaces the placeholder's double and float encodings with protoc's quiet NaN (`0x7ff8000000000000`,
/// `0x7fc00000`) in a file whose source had `nan` option values.
pub fn restore_nan(raw: &mut [u8]) {
    let double = f64::from_bits(0x47EF_FFFF_C000_0000).to_le_bytes();
    let float = 0x7F7F_FFFEu32.to_le_bytes();
    let nan64 = 0x7FF8_0000_0000_0000u64.to_le_bytes();
    let nan32 = 0x7FC0_0000u32.to_le_bytes();
    let mut i = 0;
    while i + 4 <= raw.len() {
        if raw[i..].starts_with(&double) {
            raw[i..i + 8].copy_from_slice(&nan64);
            i += 8;
        } else if raw[i..].starts_with(&float) {
            raw[i..i + 4].copy_from_slice(&nan32);
            i += 4;
        } else {
            i += 1;
        }
    }
}

/// Whether the first statement of a .proto source is `edition = ...`.
pub fn declares_edition(source: &str) -> bool {
    let mut rest = source.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    rest.strip_prefix("edition")
        .is_some_and(|r| r.trim_start().starts_with('='))
}

/// protoc's request order: for each file to generate, its dependencies depth-first in declaration order, then
/// the file itself; each file once.
fn topological(pool: &DescriptorPool, roots: &[String]) -> Vec<String> {
    fn visit(pool: &DescriptorPool, name: &str, seen: &mut HashSet<String>, out: &mut Vec<String>) {
        if !seen.insert(name.to_string()) {
            return;
        }
        if let Some(file) = pool.get_file_by_name(name) {
            for dep in file.dependencies() {
                visit(pool, dep.name(), seen, out);
            }
        }
        out.push(name.to_string());
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for root in roots {
        visit(pool, root, &mut seen, &mut out);
    }
    out
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

/// Turns command-line file arguments into proto names: a path below an include directory becomes relative to
/// it (like protoc); anything else is taken as a proto name.
pub fn proto_name(includes: &[PathBuf], arg: &str) -> String {
    let path = Path::new(arg);
    if let Ok(abs) = std::fs::canonicalize(path) {
        for include in includes {
            if let Ok(dir) = std::fs::canonicalize(include) {
                if let Ok(rel) = abs.strip_prefix(&dir) {
                    return rel.to_string_lossy().replace('\\', "/");
                }
            }
        }
    }
    arg.trim_start_matches("./").to_string()
}

/// Every `.proto` file below the include directories (sorted, first include wins on duplicate names).
pub fn all_protos(includes: &[PathBuf]) -> std::io::Result<Vec<String>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for include in includes {
        let mut names = Vec::new();
        collect(include, include, &mut names)?;
        names.sort();
        for name in names {
            if seen.insert(name.clone()) {
                out.push(name);
            }
        }
    }
    out.sort();
    Ok(out)
}

pub(crate) fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_infinity_is_rewritten_outside_strings_and_comments() {
        assert_eq!(
            negative_infinity(
                "a = -inf, b = - Infinity, c = \"-inf\" // -inf\n-info, d = inf, inf = 1".into()
            ),
            "a = -1e999, b = - 1e999, c = \"-inf\" // -inf\n-info, d = 1e999, inf = 1"
        );
    }

    #[test]
    fn edition_detection_skips_comments() {
        assert!(declares_edition("// c\n/* x */ edition = \"2023\";"));
        assert!(!declares_edition("syntax = \"proto3\";\n// edition = 1"));
        assert!(!declares_edition("editionx = 1"));
    }
}
