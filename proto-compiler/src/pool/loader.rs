//! The compile driver, in protoc's order: each input in command-line order is looked up
//! (`DescriptorPool::FindFileByName`), which parses it and builds its imports first, depth first
//! (`BuildFile`'s dependency loop, here an explicit stack so import chains of any depth work). The first
//! input that fails ends the run, as protoc stops there. Parsing is done ahead, on all cores, for every file
//! reachable through imports; its messages are reported where protoc would parse the file.

use std::collections::{HashMap, HashSet};

use super::builder::build_file;
use super::parsing::{Loaded, ParseQueue};
use super::{FileId, Pool};
use crate::diagnostics::{Diagnostic, Position, Severity};
use crate::ir::{ElementCounts, ErrorLocation, ParsedFile};
use crate::options::GeneratedPool;
use crate::parser::{self, ParseOutcome};
use crate::source::{Found, SourceTree};
use crate::validate::{cli, lifetimes};
use crate::{Compilation, CompileOptions, CompiledFile};

const DESCRIPTOR_PROTO: &str = "google/protobuf/descriptor.proto";

/// protoc's `NameLimits::kPackageName`.
const MAX_PACKAGE_NAME: usize = 511;

/// A file whose imports are being loaded (protoc's `pending_files_` entry).
struct Frame {
    name: String,
    display: String,
    outcome: Box<ParseOutcome>,
    bundled_text: bool,
    next_dependency: usize,
}

/// What is kept of a built file: its printed name, its encoded descriptor, and (until the deferred
/// validation of the input that built it) its error-position table.
struct Built {
    display: String,
    descriptor: Vec<u8>,
    locations: Option<crate::ir::LocationTable>,
}

/// The state of one compilation.
struct Driver<'a> {
    parses: &'a ParseQueue<'a>,
    pool: Pool,
    generated: Option<&'static GeneratedPool>,
    keep_location: Option<fn(&[i32]) -> bool>,
    diagnostics: Vec<Diagnostic>,
    /// Names that failed, as bytes (an import may name any bytes).
    known_bad: HashSet<Vec<u8>>,
    pending: Vec<String>,
    direct_inputs: HashSet<String>,
    built: HashMap<FileId, Built>,
    /// Files built during the current input, for deferred validation.
    built_now: Vec<FileId>,
    /// Whether protoc's logging library has printed its one-time notice.
    logged: bool,
    /// Whether the pool has made room for every file (once all are parsed).
    reserved: bool,
    /// Whether descriptor.proto was built from the text protoc has compiled in.
    bundled_descriptor_proto: bool,
}

impl Driver<'_> {
    /// The parse of a file: the one done ahead, or (when protoc parses a file again, in a cycle) a new one.
    fn take_loaded(&mut self, name: &str) -> Loaded {
        self.parses.take(name)
    }

    fn report_parse(&mut self, display: &str, outcome: &ParseOutcome) {
        for m in &outcome.messages {
            let position = Position::from_zero_based(m.line, m.column);
            let diagnostic = match m.severity {
                Severity::Error => Diagnostic::error(display, position, m.message.clone()),
                Severity::Warning => Diagnostic::warning(display, position, m.message.clone()),
                Severity::Log => {
                    self.log_line(&String::from_utf8_lossy(&m.message));
                    continue;
                }
            };
            self.diagnostics.push(diagnostic);
        }
    }

    /// A line of protoc's logging library (`W... parser.cc:659] ...`), after the library's one-time notice.
    fn log_line(&mut self, message: &str) {
        let log = |line: String| Diagnostic {
            severity: Severity::Log,
            file: Vec::new(),
            position: None,
            message: line.into_bytes(),
        };
        if !self.logged {
            self.logged = true;
            self.diagnostics
                .push(log("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR".into()));
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let line = format!(
            "W0000 00:00:{}.{:06} {:>7} parser.cc:659] {message}",
            now.as_secs(),
            now.subsec_micros(),
            std::process::id()
        );
        self.diagnostics.push(log(line));
    }

    /// Opens, parses and pre-checks a file (`TryFindFileInFallbackDatabase` up to `BuildFile`'s dependency
    /// loop); `Err` with the result when there is nothing to build.
    fn enter(&mut self, name: &str) -> Result<Frame, Option<FileId>> {
        if let Some(&id) = self.pool.files_by_name.get(name) {
            return Err(Some(id));
        }
        if self.known_bad.contains(name.as_bytes()) {
            return Err(None);
        }
        let (display, outcome, bundled_text) = match self.take_loaded(name) {
            Loaded::NotFound(message) => {
                self.diagnostics
                    .push(Diagnostic::error(name, None, message));
                self.known_bad.insert(name.into());
                return Err(None);
            }
            Loaded::Parsed {
                display,
                outcome,
                bundled_text,
            } => (display, outcome, bundled_text),
        };
        self.report_parse(&display, &outcome);
        if !outcome.ok {
            self.known_bad.insert(name.into());
            return Err(None);
        }
        let file = &outcome.file;
        let display_copy = display.clone();
        if let Some(from) = self.pending.iter().position(|p| p == name) {
            let mut message = String::from("File recursively imports itself: ");
            for p in &self.pending[from..] {
                message.push_str(p);
                message.push_str(" -> ");
            }
            message.push_str(name);
            let element = if from + 1 < self.pending.len() {
                self.pending[from + 1].clone()
            } else {
                name.to_string()
            };
            let (line, column) = file.locations.find_import(element.as_bytes());
            self.diagnostics.push(Diagnostic::error(
                display_copy,
                Position::from_zero_based(line, column),
                message,
            ));
            self.known_bad.insert(name.into());
            return Err(None);
        }
        if file
            .proto
            .package
            .as_ref()
            .is_some_and(|p| p.len() > MAX_PACKAGE_NAME)
        {
            let (line, column) = file.locations.find(file.proto.id, ErrorLocation::Name);
            self.diagnostics.push(Diagnostic::error(
                display_copy,
                Position::from_zero_based(line, column),
                "Package name is too long",
            ));
            self.known_bad.insert(name.into());
            return Err(None);
        }
        self.pending.push(name.to_string());
        Ok(Frame {
            name: name.to_string(),
            display,
            outcome,
            bundled_text,
            next_dependency: 0,
        })
    }

    /// `FindFileByName` for an import whose name is not UTF-8: not found (protoc's line, naming it as written),
    /// or refused where protoc would read it from disk.
    fn look_up_non_utf8(&mut self, name: &[u8]) {
        if !self.known_bad.insert(name.to_vec()) {
            return;
        }
        let message = match self.parses.tree().open_non_utf8(name) {
            Ok(reason) => reason.into_bytes(),
            Err(file) => file.refusal(),
        };
        self.diagnostics
            .push(Diagnostic::error(name, None, message));
    }

    /// Builds a file whose imports are loaded, and encodes it if it builds.
    fn build(&mut self, frame: Frame) -> Option<FileId> {
        if !self.reserved {
            if let Some((files, counts)) = self.parses.totals() {
                self.pool.reserve_total(files, &counts);
                self.reserved = true;
            }
        }
        let is_direct = self.direct_inputs.contains(&frame.name);
        let result = build_file(
            &mut self.pool,
            self.generated,
            &frame.outcome.file,
            &frame.display,
            is_direct,
        );
        self.diagnostics.extend(result.diagnostics);
        let Some(id) = result.file else {
            self.known_bad.insert(frame.name.into_bytes());
            return None;
        };
        if frame.name == DESCRIPTOR_PROTO {
            self.bundled_descriptor_proto = frame.bundled_text;
        }
        let ParsedFile {
            mut source_info,
            locations,
            ..
        } = frame.outcome.file;
        source_info.update_paths(&result.interpreted_paths);
        let descriptor =
            crate::encode::encode_file(&self.pool, id, &source_info, self.keep_location);
        self.built.insert(
            id,
            Built {
                display: frame.display,
                descriptor,
                locations: Some(locations),
            },
        );
        self.built_now.push(id);
        Some(id)
    }

    /// `FindFileByName` for an input: the file, built with all its imports.
    fn find_file_by_name(&mut self, name: &str) -> Option<FileId> {
        let mut stack = match self.enter(name) {
            Ok(frame) => vec![frame],
            Err(result) => return result,
        };
        loop {
            let top = stack.last_mut()?;
            let dependency = {
                let proto = &top.outcome.file.proto;
                let all: Vec<&Vec<u8>> = proto
                    .dependency
                    .iter()
                    .chain(&proto.option_dependency)
                    .collect();
                let mut found = None;
                while top.next_dependency < all.len() {
                    let dep = all[top.next_dependency];
                    top.next_dependency += 1;
                    if self.pool.imported_file(dep).is_none() {
                        found = Some(dep.clone());
                        break;
                    }
                }
                found
            };
            match dependency {
                Some(dep) => match String::from_utf8(dep) {
                    Ok(name) => {
                        if let Ok(frame) = self.enter(&name) {
                            stack.push(frame);
                        }
                    }
                    Err(not_utf8) => self.look_up_non_utf8(not_utf8.as_bytes()),
                },
                None => {
                    let frame = stack.pop()?;
                    self.pending.pop();
                    let result = self.build(frame);
                    if stack.is_empty() {
                        return result;
                    }
                }
            }
        }
    }

    /// Builds each input in order with its imports (`FindFileByName`, then the deferred validation); the
    /// inputs' files, or `None` at the first that fails (protoc stops there).
    fn build_inputs(&mut self, files: &[String]) -> Option<Vec<FileId>> {
        let mut inputs = Vec::new();
        for name in files {
            self.known_bad.clear();
            let found = self.find_file_by_name(name);
            let valid = self.validate_lifetimes();
            match found {
                Some(id) if valid => inputs.push(id),
                _ => return None,
            }
        }
        Some(inputs)
    }

    fn display_name(&self, file: FileId) -> String {
        match self.built.get(&file) {
            Some(built) => built.display.clone(),
            None => self.pool.file(file).name.clone(),
        }
    }

    /// The deferred feature-lifetime validation after an input; `false` on errors.
    fn validate_lifetimes(&mut self) -> bool {
        let mut ok = true;
        for file in std::mem::take(&mut self.built_now) {
            let findings = lifetimes::check_file(&self.pool, self.generated, file);
            let is_direct = self.direct_inputs.contains(&self.pool.file(file).name);
            let Some(built) = self.built.get_mut(&file) else {
                continue;
            };
            let display = built.display.clone();
            let locations = built.locations.take().unwrap_or_default();
            for (elem, is_error, message) in findings {
                let (line, column) = locations.find(elem, ErrorLocation::Name);
                let position = Position::from_zero_based(line, column);
                if is_error {
                    ok = false;
                    self.diagnostics
                        .push(Diagnostic::error(display.clone(), position, message));
                } else if is_direct {
                    self.diagnostics
                        .push(Diagnostic::warning(display.clone(), position, message));
                }
            }
        }
        ok
    }
}

/// protoc's post-order walk of the inputs' imports (`GetTransitiveDependencies`).
fn request_order(pool: &Pool, inputs: &[FileId]) -> Vec<FileId> {
    super::import_order::dependencies_first(inputs.iter().copied(), |&file| {
        let f = pool.file(file);
        f.dependencies
            .iter()
            .flatten()
            .copied()
            .chain(
                f.option_dependencies
                    .iter()
                    .filter_map(|n| pool.imported_file(n)),
            )
            .collect()
    })
}

/// Compiles `files` with their imports (see [`crate::compile`]).
pub fn compile(files: &[String], options: &CompileOptions) -> Compilation {
    let Linked {
        pool,
        mut files,
        diagnostics,
        direct_inputs,
        compiled_in_schema,
    } = match link(files, options) {
        Ok(linked) => linked,
        Err(failed) => return failed,
    };
    if options.request_descriptors {
        add_request_descriptors(&pool, &mut files, &direct_inputs, compiled_in_schema);
        if let Some(progress) = options.progress {
            progress("request forms");
        }
    }
    // hundreds of thousands of allocations for a large tree: freed beside the caller's next steps
    crate::parallel::drop_in_background(pool);
    Compilation { diagnostics, files }
}

/// A successful build: every file in request order with the pool it was built in.
pub(crate) struct Linked {
    pub pool: Pool,
    pub files: Vec<CompiledFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub direct_inputs: HashSet<String>,
    /// The pool's descriptor.proto is the text protoc has compiled in (see [`crate::retention`]).
    pub compiled_in_schema: bool,
}

/// Parses, builds and checks `files` with their imports: the files' descriptors without their request forms,
/// or the failed compilation.
pub(crate) fn link(files: &[String], options: &CompileOptions) -> Result<Linked, Compilation> {
    let tree = SourceTree::new(&options.include_paths);
    // protoc maps every input to a file before anything else (`MakeInputsBeProtoPathRelative`)
    let sizes = crate::parallel::map(files, |f| tree.input_size(f));
    if let Some((missing, _)) = files.iter().zip(&sizes).find(|(_, size)| size.is_none()) {
        return Err(Compilation {
            diagnostics: vec![Diagnostic::line(format!(
                "Could not make proto path relative: {missing}: No such file or directory"
            ))],
            files: Vec::new(),
        });
    }
    let parses = ParseQueue::new(&tree, files, options.keep_location);
    let mut pool = Pool::default();
    pool.reserve_total(
        files.len(),
        &ElementCounts::estimate(sizes.iter().flatten().sum()),
    );
    let mut driver = Driver {
        parses: &parses,
        pool,
        generated: Some(GeneratedPool::get()),
        keep_location: options.keep_location,
        diagnostics: Vec::new(),
        known_bad: HashSet::new(),
        pending: Vec::new(),
        direct_inputs: files.iter().cloned().collect(),
        built: HashMap::new(),
        built_now: Vec::new(),
        logged: false,
        reserved: false,
        bundled_descriptor_proto: false,
    };
    // the build is sequential (each file sees the pool protoc's order leaves); the other cores parse ahead
    let inputs = std::thread::scope(|scope| {
        for _ in 0..crate::parallel::spare_threads() {
            scope.spawn(|| parses.work());
        }
        let inputs = driver.build_inputs(files);
        parses.close();
        inputs
    });
    let failed = |driver: Driver<'_>| Compilation {
        diagnostics: driver.diagnostics,
        files: Vec::new(),
    };
    let Some(inputs) = inputs else {
        return Err(failed(driver));
    };
    if let Some(progress) = options.progress {
        progress("parse and build");
    }
    if !post_build_checks(&mut driver, &inputs) {
        return Err(failed(driver));
    }
    Ok(driver.into_linked(&inputs))
}

impl Driver<'_> {
    /// The built files in request order, their descriptors moved out of the driver.
    fn into_linked(mut self, inputs: &[FileId]) -> Linked {
        let files = request_order(&self.pool, inputs)
            .iter()
            .map(|&id| CompiledFile {
                name: self.pool.file(id).name.clone(),
                descriptor: self
                    .built
                    .get_mut(&id)
                    .map(|b| std::mem::take(&mut b.descriptor))
                    .unwrap_or_default(),
                request_descriptor: None,
            })
            .collect();
        let compiled_in_schema = self.bundled_descriptor_proto
            && self
                .pool
                .find_message("google.protobuf.FileDescriptorProto")
                .is_some_and(|m| {
                    self.pool.file(self.pool.message(m).file).name == DESCRIPTOR_PROTO
                });
        Linked {
            pool: self.pool,
            files,
            diagnostics: self.diagnostics,
            direct_inputs: self.direct_inputs,
            compiled_in_schema,
        }
    }
}

/// The `proto_file` form of each input file, stripped in parallel.
fn add_request_descriptors(
    pool: &Pool,
    files: &mut [CompiledFile],
    inputs: &HashSet<String>,
    compiled_in_schema: bool,
) {
    let generated = GeneratedPool::get();
    let stripped = crate::parallel::map(files, |file| {
        inputs.contains(&file.name).then(|| {
            crate::retention::strip_source_retention(
                pool,
                generated,
                &file.descriptor,
                compiled_in_schema,
            )
        })
    });
    for (file, stripped) in files.iter_mut().zip(stripped) {
        file.request_descriptor = stripped;
    }
}

/// protoc's checks after all inputs are built; `false` if any failed.
fn post_build_checks(driver: &mut Driver<'_>, inputs: &[FileId]) -> bool {
    // read-only over the pool, one input at a time: on all cores, the errors in input order
    let pool = &driver.pool;
    let mut errors: Vec<_> = crate::parallel::map(inputs, |&input| {
        cli::check_numbers_and_option_imports(pool, input)
    })
    .concat();
    if let Some(generated) = driver.generated {
        errors.extend(
            crate::parallel::map(inputs, |&input| {
                cli::check_target_constraints(pool, generated, input)
            })
            .concat(),
        );
    }
    let failed = !errors.is_empty();
    for (file, message) in errors {
        let display = driver.display_name(file);
        driver
            .diagnostics
            .push(Diagnostic::error(display, None, message));
    }
    if failed {
        return false;
    }
    for &input in inputs {
        let f = driver.pool.file(input);
        if f.edition > crate::features::MAXIMUM_EDITION && !can_skip_edition_check(&f.name) {
            driver.diagnostics.push(Diagnostic::line(format!(
                    "{}: is a file using edition {}, which is later than the protoc maximum supported edition {}.",
                    f.name,
                    f.edition.short_name(),
                    crate::features::MAXIMUM_EDITION.short_name()
                )));
            return false;
        }
    }
    true
}

/// protoc's `CanSkipEditionCheck`: its own test and library protos may use any edition.
fn can_skip_edition_check(name: &str) -> bool {
    [
        "google/protobuf/",
        "upb/",
        "com/google/protobuf/",
        "conformance/test_protos/",
        "test_messages_edition_unstable",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
}

/// Builds the bundled files protoc has compiled in (their options against themselves).
pub fn build_bootstrap(names: &[&str]) -> Pool {
    let tree = SourceTree::new(&[]);
    let mut pool = Pool {
        bootstrap: true,
        ..Pool::default()
    };
    let mut buffer = Vec::new();
    for name in names {
        let Ok(found) = tree.open(name, &mut buffer) else {
            continue;
        };
        let text = match found {
            Found::Disk { .. } => &buffer[..],
            Found::Bundled(text) => text.as_bytes(),
        };
        let outcome = parser::parse(name, text, None);
        if !outcome.ok {
            continue;
        }
        let _ = build_file(&mut pool, None, &outcome.file, name, false);
    }
    pool.bootstrap = false;
    pool
}

/// A parsed file, for tests that look at parser output.
pub fn parse_only(name: &str, source: &[u8]) -> ParsedFile {
    parser::parse(name, source, None).file
}
