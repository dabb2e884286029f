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

pub mod chunks;
pub mod external;
pub mod fixup;
mod option_locations;
mod wkt;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, Mutex, Once, PoisonError};

use prost_reflect::DescriptorPool;
use protox::file::{File, FileResolver};
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
/// request protoc would send with `parameter`, except that source info holds only the locations the
/// generators read (see [`is_read_downstream`]). Errors of every file are collected.
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

    /// Compiles one chunk of a larger set of files on its own: `files` (and their imports) into a pool of
    /// their own, taking parsed files from `cache` (and adding those it parses), so the chunks of a tree compile
    /// on all cores and every file is parsed once. Errors are those of this chunk only: the caller recompiles the whole set
    /// with [`Compiled::new`] to report them as protoc would, and checks what the chunks cannot see alone
    /// (symbols and extension numbers across chunks) with [`Compiled::declarations`].
    pub fn chunk(
        includes: &[PathBuf],
        files: &[String],
        cache: &Arc<ParseCache>,
    ) -> Result<Compiled, CompileError> {
        let resolver = Resolver {
            cache: Some(cache.clone()),
            ..Resolver::new(includes, HashMap::new(), false)
        };
        let (pool, parsed) = quiet_protox_panics(files, || compile_files(resolver, files))?;
        Ok(Compiled {
            pool,
            parsed,
            fixed: RefCell::default(),
        })
    }

    /// The request protoc would send for generating `files` (all compiled), decoded; the envelope is never
    /// encoded. Its `parameter` is empty: the caller generates it with the options of each of its jobs.
    pub fn decoded_request(&self, files: &[String]) -> Result<Request, CompileError> {
        let order = topological(&self.pool, files);
        let proto_files = order
            .iter()
            .map(|name| self.fixed_file(name))
            .collect::<Result<Vec<_>, _>>()?;
        let (major, minor, patch) = COMPILER_VERSION;
        Request::from_raw_files(
            files.to_vec(),
            String::new(),
            Some((major as i32, minor as i32, patch as i32, String::new())),
            proto_files,
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

    /// What `files` (compiled here) declare that must be unique across every file protoc compiles together.
    pub fn declarations(&self, files: &[String]) -> Vec<Declarations> {
        files
            .iter()
            .filter_map(|name| self.pool.get_file_by_name(name))
            .map(|file| Declarations::of(&file))
            .collect()
    }

    /// The fixed-up raw bytes of one compiled file.
    fn file_bytes(&self, name: &str) -> Result<Rc<Vec<u8>>, CompileError> {
        if let Some(bytes) = self.fixed.borrow().get(name) {
            return Ok(bytes.clone());
        }
        let fixed = Rc::new(self.fixed_file(name)?);
        self.fixed
            .borrow_mut()
            .insert(name.to_string(), fixed.clone());
        Ok(fixed)
    }

    /// The raw bytes of one compiled file as protoc would send them: with its source info, fixed up.
    fn fixed_file(&self, name: &str) -> Result<Vec<u8>, CompileError> {
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
        fixup::fix_file(
            &self.pool,
            &raw,
            self.parsed.sources.get(name).map(String::as_str),
        )
        .map_err(|source| CompileError::Wire {
            file: name.to_string(),
            source,
        })
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
    let parsed = crate::parallel::map(files, |name| preparse_one(includes, name));
    files
        .iter()
        .zip(parsed)
        .filter_map(|(name, p)| Some((name.clone(), p?)))
        .collect()
}

/// One file parsed ahead of compilation, if found and unremarkable.
fn preparse_one(includes: &[PathBuf], name: &str) -> Option<Preparsed> {
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
}

/// A parsed file without its source info, and the part of the source info anything downstream reads, encoded.
fn split_source_info(file: File) -> (File, Option<Vec<u8>>) {
    let mut proto = prost_types::FileDescriptorProto::from(file);
    let source_info = proto.source_code_info.take().map(|mut info| {
        for location in &mut info.location {
            if let Some(path) = option_locations::deprecated_option_path(&proto, &location.path) {
                location.path = path;
            }
        }
        // every location of a commented path (the typed stubs' docstrings), so that the last one still wins
        let commented: std::collections::HashSet<Vec<i32>> = (info.location.iter())
            .filter(|l| {
                l.leading_comments.is_some()
                    || l.trailing_comments.is_some()
                    || !l.leading_detached_comments.is_empty()
            })
            .map(|l| l.path.clone())
            .collect();
        info.location
            .retain(|l| is_read_downstream(&l.path) || commented.contains(&l.path));
        prost::Message::encode_to_vec(&info)
    });
    (File::from_file_descriptor_proto(proto), source_info)
}

/// Whether the location of `path` is read after compilation whether or not it has comments (any commented
/// location is kept too, for the typed stubs' docstrings): the comments of services and methods (gRPC
/// docstrings), the spans of methods (the empty-options fix-up) and `json_name` locations (whether a
/// json_name was spelled out). A file's tens of thousands of other locations would only be encoded, copied
/// and decoded again for nothing; the locations kept stay in their order, so "the last location of a path
/// wins" still picks the same one.
fn is_read_downstream(path: &[i32]) -> bool {
    const FILE_SERVICE: i32 = 6;
    const SERVICE_METHOD: i32 = 2;
    const FIELD_JSON_NAME: i32 = 10;
    matches!(
        path,
        [FILE_SERVICE, _] | [FILE_SERVICE, _, SERVICE_METHOD, _]
    ) || path.last() == Some(&FIELD_JSON_NAME)
}

/// Compiles the files into a descriptor pool. Source info is parsed but kept out of the pool (prost-reflect
/// rewrites option locations in it at a cost quadratic in the file's size) and returned beside it; when a file
/// has an error, compilation is redone with source info in the pool, whose error locations need it.
fn compile_pool(
    includes: &[PathBuf],
    files: &[String],
) -> Result<(DescriptorPool, Parsed), CompileError> {
    quiet_protox_panics(files, || {
        let started = std::time::Instant::now();
        let preparsed = preparse(includes, files);
        super::timing::timing("compile: parse (all cores)", started);
        match compile_files(Resolver::new(includes, preparsed, false), files) {
            Ok(result) => Ok(result),
            Err(_) => compile_files(Resolver::new(includes, HashMap::new(), true), files),
        }
    })
}

thread_local! {
    /// Set while this thread runs protox, whose panics become errors instead of crash reports.
    static IN_PROTOX: Cell<bool> = const { Cell::new(false) };
}

/// Runs a protox compilation, turning a panic into an error. protox and prost-reflect panic on a few inputs
/// they should reject (conflicting extension numbers used in option values, found by the compile_proto fuzz
/// target): such a panic becomes an error naming the other compilers, and its message is not printed as a
/// crash. Compilations run on several threads at once, so the panic hook is installed once and stays quiet only
/// on the threads inside protox.
fn quiet_protox_panics<T>(
    files: &[String],
    compile: impl FnOnce() -> Result<T, CompileError>,
) -> Result<T, CompileError> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_PROTOX.with(Cell::get) {
                previous(info);
            }
        }));
    });
    IN_PROTOX.with(|flag| flag.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(compile));
    IN_PROTOX.with(|flag| flag.set(false));
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

/// Compiles `files` (in order, each with its imports) through `resolver`; errors of every file are collected.
fn compile_files(
    resolver: Resolver,
    files: &[String],
) -> Result<(DescriptorPool, Parsed), CompileError> {
    let shared = resolver.shared.clone();
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

/// The parsed files of one run, shared by its chunk compilers ([`Compiled::chunk`]) across their threads:
/// parsed on all cores up front, then completed with the imports from elsewhere (the well-known types, say)
/// that the first chunk needing them parses.
#[derive(Default)]
pub struct ParseCache {
    files: Mutex<HashMap<String, Arc<CachedFile>>>,
}

/// A parsed file as the resolver keeps it: source, descriptor without source info, encoded source info.
///
/// The descriptor is kept encoded: a parsed `FileDescriptorProto` takes several times its encoded size in
/// memory (every name a `String`, every options message a struct), and every chunk needing the file builds
/// its own copy from it anyway.
struct CachedFile {
    source: String,
    encoded: Vec<u8>,
    imports: Vec<String>,
    source_info: Option<Vec<u8>>,
}

impl CachedFile {
    fn new(source: String, file: &File, source_info: Option<Vec<u8>>) -> CachedFile {
        let proto = file.file_descriptor_proto();
        CachedFile {
            source,
            encoded: prost::Message::encode_to_vec(proto),
            imports: proto.dependency.clone(),
            source_info,
        }
    }

    /// A file for one compiler (which consumes it).
    fn file(&self) -> Result<File, protox::Error> {
        File::decode_file_descriptor_proto(self.encoded.as_slice()).map_err(protox::Error::new)
    }
}

impl ParseCache {
    /// Parses `files` on all cores into a new cache. Files that do not parse (or are editions files, or nest
    /// too deep) are left out: the resolver meets them again and reports them.
    pub fn parse(includes: &[PathBuf], files: &[String]) -> ParseCache {
        let parsed = crate::parallel::map(files, |name| {
            let Preparsed { source, file } = preparse_one(includes, name)?;
            let (file, source_info) = split_source_info(file);
            Some(CachedFile::new(source, &file, source_info))
        });
        ParseCache {
            files: Mutex::new(
                files
                    .iter()
                    .zip(parsed)
                    .filter_map(|(name, file)| Some((name.clone(), Arc::new(file?))))
                    .collect(),
            ),
        }
    }

    /// The imports of a cached file (empty if it is not cached).
    pub fn imports(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|f| f.imports.clone())
            .unwrap_or_default()
    }

    /// The size of a cached file's source (0 if it is not cached).
    pub fn size(&self, name: &str) -> usize {
        self.get(name).map_or(0, |f| f.source.len())
    }

    fn get(&self, name: &str) -> Option<Arc<CachedFile>> {
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    fn insert(&self, name: &str, file: CachedFile) {
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_string(), Arc::new(file));
    }
}

/// What one file declares that protoc requires to be unique across all the files it compiles together. Files
/// compiled in separate chunks never meet in one pool, so these are compared across chunks afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declarations {
    pub file: String,
    /// The package and every enclosing package (`a`, `a.b` for `package a.b;`).
    pub packages: Vec<String>,
    /// Full names of the top-level messages, enums, top-level enum values, services and top-level
    /// extensions. Every other name of the file is below one of these, so two files declare a common name
    /// only if they share one of these, or one's symbol is the other's package.
    pub symbols: Vec<String>,
    /// `(extendee, number)` of every extension declared in the file, at any depth.
    pub extensions: Vec<(String, u32)>,
}

impl Declarations {
    fn of(file: &prost_reflect::FileDescriptor) -> Declarations {
        let package = file.package_name();
        let packages = enclosing_packages(package);
        let scope = |name: &str| match package {
            "" => name.to_string(),
            package => format!("{package}.{name}"),
        };
        let mut symbols = Vec::new();
        symbols.extend(file.messages().map(|m| m.full_name().to_string()));
        for e in file.enums() {
            symbols.push(e.full_name().to_string());
            symbols.extend(e.values().map(|v| scope(v.name())));
        }
        symbols.extend(file.services().map(|s| s.full_name().to_string()));
        symbols.extend(file.extensions().map(|x| x.full_name().to_string()));
        let mut extensions = Vec::new();
        let mut messages: Vec<_> = file.messages().collect();
        extensions.extend(
            file.extensions()
                .map(|x| (x.containing_message().full_name().to_string(), x.number())),
        );
        while let Some(message) = messages.pop() {
            extensions.extend(
                message
                    .child_extensions()
                    .map(|x| (x.containing_message().full_name().to_string(), x.number())),
            );
            messages.extend(message.child_messages());
        }
        Declarations {
            file: file.name().to_string(),
            packages,
            symbols,
            extensions,
        }
    }
}

/// A package and every package enclosing it (`a`, `a.b` for `a.b`; none for no package).
fn enclosing_packages(package: &str) -> Vec<String> {
    package
        .match_indices('.')
        .map(|(i, _)| package[..i].to_string())
        .chain((!package.is_empty()).then(|| package.to_string()))
        .collect()
}

/// The first clash between files compiled apart that one compilation of all of them would report: a symbol
/// declared by two files, a package that another file declares as a symbol, or an extension number used twice
/// for the same message. `None` when the files could have been compiled together.
pub fn find_clash(all: &[Declarations]) -> Option<String> {
    let mut symbols: HashMap<&str, &str> = HashMap::new();
    let mut extensions: HashMap<(&str, u32), &str> = HashMap::new();
    for decl in all {
        for symbol in &decl.symbols {
            if let Some(other) = symbols.insert(symbol, &decl.file) {
                return Some(format!(
                    "\"{symbol}\" is declared in {other} and {}",
                    decl.file
                ));
            }
        }
        for (extendee, number) in &decl.extensions {
            if let Some(other) = extensions.insert((extendee, *number), &decl.file) {
                return Some(format!(
                    "extension number {number} of {extendee} is used in {other} and {}",
                    decl.file
                ));
            }
        }
    }
    all.iter().find_map(|decl| {
        let package = decl
            .packages
            .iter()
            .find(|p| symbols.contains_key(p.as_str()))?;
        Some(format!(
            "package \"{package}\" of {} is a symbol of {}",
            decl.file,
            symbols[package.as_str()]
        ))
    })
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
    /// For a chunk compiler: the cache through which every file is parsed.
    cache: Option<Arc<ParseCache>>,
}

impl Resolver {
    fn new(
        includes: &[PathBuf],
        preparsed: HashMap<String, Preparsed>,
        source_info_in_pool: bool,
    ) -> Resolver {
        Resolver {
            includes: includes.to_vec(),
            shared: Shared::default(),
            preparsed: RefCell::new(preparsed),
            source_info_in_pool,
            cache: None,
        }
    }

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

    /// Records the source (and, when it stays out of the pool, the source info) of a parsed file; an import
    /// of a chunk compiler also goes to the cache.
    fn keep(&self, name: &str, source: String, file: File) -> File {
        if self.source_info_in_pool {
            self.shared
                .borrow_mut()
                .sources
                .insert(name.to_string(), source);
            return file;
        }
        let (file, source_info) = split_source_info(file);
        if let Some(cache) = &self.cache {
            cache.insert(
                name,
                CachedFile::new(source.clone(), &file, source_info.clone()),
            );
        }
        self.record(name, source, source_info);
        file
    }

    fn record(&self, name: &str, source: String, source_info: Option<Vec<u8>>) {
        let mut shared = self.shared.borrow_mut();
        shared.sources.insert(name.to_string(), source);
        if let Some(info) = source_info {
            shared.source_infos.insert(name.to_string(), info);
        }
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
        if let Some(cached) = self.cache.as_ref().and_then(|cache| cache.get(name)) {
            let file = cached.file()?;
            self.check_extension_numbers(name, &file)?;
            self.record(name, cached.source.clone(), cached.source_info.clone());
            return Ok(file);
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
    let bytes = source.as_bytes();
    if !bytes
        .windows(3)
        .any(|w| w.eq_ignore_ascii_case(b"inf") || w.eq_ignore_ascii_case(b"nan"))
    {
        return source;
    }
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
                let word = &source[j..end];
                let infinity =
                    word.eq_ignore_ascii_case("inf") || word.eq_ignore_ascii_case("infinity");
                let nan = word.eq_ignore_ascii_case("nan");
                let is_value = (infinity || nan) && {
                    let next = bytes[end..].iter().find(|b| !b.is_ascii_whitespace());
                    let is_name = matches!(next, Some(b'=' | b'{' | b':' | b'.'));
                    let is_default =
                        bytes[i] == b'=' && source[..i].trim_end().ends_with("default");
                    !is_name && !is_default
                };
                if infinity && is_value {
                    out.push_str(&source[copied..j]);
                    out.push_str("1e999");
                    copied = end;
                    i = end;
                } else if nan && is_value {
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
    if copied == 0 {
        // nothing rewritten (a word like `information` matched the quick test above)
        return source;
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

    fn declarations(
        file: &str,
        package: &str,
        symbols: &[&str],
        extensions: &[(&str, u32)],
    ) -> Declarations {
        Declarations {
            file: file.into(),
            packages: enclosing_packages(package),
            symbols: symbols.iter().map(|s| s.to_string()).collect(),
            extensions: extensions
                .iter()
                .map(|(e, n)| (e.to_string(), *n))
                .collect(),
        }
    }

    #[test]
    fn clashes_between_files_compiled_apart() {
        let a = declarations(
            "a.proto",
            "p",
            &["p.M", "p.E", "p.E_ZERO"],
            &[("google.protobuf.FieldOptions", 50000)],
        );
        let same_symbol = declarations("b.proto", "p", &["p.E_ZERO"], &[]);
        let same_extension = declarations(
            "c.proto",
            "q",
            &["q.N"],
            &[("google.protobuf.FieldOptions", 50000)],
        );
        let package_is_symbol = declarations("d.proto", "p.M.sub", &["p.M.sub.X"], &[]);
        let unrelated = declarations(
            "e.proto",
            "p.other",
            &["p.other.M"],
            &[("google.protobuf.FieldOptions", 50001)],
        );
        assert_eq!(find_clash(&[a.clone(), unrelated.clone()]), None);
        assert!(find_clash(&[a.clone(), same_symbol]).is_some_and(|c| c.contains("\"p.E_ZERO\"")));
        assert!(find_clash(&[a.clone(), same_extension]).is_some_and(|c| c.contains("50000")));
        assert!(find_clash(&[package_is_symbol, a]).is_some_and(|c| c.contains("\"p.M\"")));
    }

    #[test]
    fn edition_detection_skips_comments() {
        assert!(declares_edition("// c\n/* x */ edition = \"2023\";"));
        assert!(!declares_edition("syntax = \"proto3\";\n// edition = 1"));
        assert!(!declares_edition("editionx = 1"));
    }
}
