//! One file's build (`DescriptorBuilder::BuildFileImpl`): the phases in protoc's order, the builder's state
//! and its error reporting. Each phase lives in its own module; this file only sequences them.

use std::collections::HashSet;

use super::{FileDesc, FileId, MsgId, OptionsKind, OptionsSlot, Pool};
use crate::diagnostics::{Diagnostic, Position};
use crate::edition::Edition;
use crate::features::{self, Features};
use crate::ir::{self, ElemId, ErrorLocation, ParsedFile};
use crate::options::{GeneratedPool, OptionsMsg};

const NOT_FOUND: &str = "was not found or had errors.";

/// `Import "<name>" <rest>`, the name quoted as written (an import name may be any bytes).
fn quoted_import(name: &[u8], rest: &str) -> Vec<u8> {
    [b"Import \"", name, b"\" ", rest.as_bytes()].concat()
}

/// Where an options message to interpret belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionsTarget {
    File,
    Message(MsgId),
    Field(super::FieldId),
    Oneof(super::OneofId),
    ExtensionRange(MsgId, usize),
    Enum(super::EnumId),
    Value(super::ValueId),
    Service(super::ServiceId),
    Method(super::MethodId),
}

impl OptionsTarget {
    pub fn kind(self) -> OptionsKind {
        match self {
            OptionsTarget::File => OptionsKind::File,
            OptionsTarget::Message(_) => OptionsKind::Message,
            OptionsTarget::Field(_) => OptionsKind::Field,
            OptionsTarget::Oneof(_) => OptionsKind::Oneof,
            OptionsTarget::ExtensionRange(..) => OptionsKind::ExtensionRange,
            OptionsTarget::Enum(_) => OptionsKind::Enum,
            OptionsTarget::Value(_) => OptionsKind::EnumValue,
            OptionsTarget::Service(_) => OptionsKind::Service,
            OptionsTarget::Method(_) => OptionsKind::Method,
        }
    }
}

/// protoc's `OptionsToInterpret`.
pub struct OptionsToInterpret<'a> {
    pub name_scope: String,
    pub element_path: Vec<i32>,
    pub original: &'a ir::Options,
    pub target: OptionsTarget,
}

/// Hints for "Suggested field numbers" (`MessageHints`).
#[derive(Default, Clone)]
pub struct MessageHints {
    pub fields_to_suggest: i32,
    pub first_reason: Option<(ElemId, ErrorLocation)>,
}

/// State of one file's build.
pub struct Builder<'p> {
    pub pool: &'p mut Pool,
    pub generated: Option<&'p GeneratedPool>,
    pub parsed: &'p ParsedFile,
    pub file: FileId,
    /// The name protoc prints for this file.
    pub display_name: String,
    pub diagnostics: Vec<Diagnostic>,
    pub had_errors: bool,
    pub is_direct_input: bool,
    pub edition: Edition,
    pub file_defaults: Option<Features>,
    /// `dependencies_`: direct imports and what they re-export publicly.
    pub dependencies: HashSet<FileId>,
    pub option_dependencies: HashSet<FileId>,
    /// `unused_dependency_`, in import order.
    pub unused_dependency: Vec<FileId>,
    pub possible_undeclared_dependency: Option<(FileId, String)>,
    pub undefine_resolved_name: String,
    pub options_to_interpret: Vec<OptionsToInterpret<'p>>,
    pub message_hints: Vec<(Option<MsgId>, MessageHints)>,
    pub recursion_depth: i32,
    /// Per-file `(containing type, number) → field` (`FileDescriptorTables::AddFieldByNumber`).
    pub fields_by_number: super::fxhash::FxHashMap<(Option<MsgId>, i32), super::FieldId>,
    /// Interpreted option paths for `UpdateSourceCodeInfo`.
    pub interpreted_paths: super::fxhash::FxHashMap<Vec<i32>, Vec<i32>>,
    pub repeated_option_counts: super::fxhash::FxHashMap<Vec<i32>, i32>,
}

impl<'p> Builder<'p> {
    /// `AddError` at an element's recorded position.
    pub fn error(&mut self, elem: ElemId, kind: ErrorLocation, message: impl Into<Vec<u8>>) {
        let (line, column) = self.parsed.locations.find(elem, kind);
        self.diagnostics.push(Diagnostic::error(
            self.display_name.clone(),
            Position::from_zero_based(line, column),
            message,
        ));
        self.had_errors = true;
    }

    /// `AddError` about an import (located by the import's name).
    pub fn import_error(&mut self, import: &[u8], message: impl Into<Vec<u8>>) {
        let (line, column) = self.parsed.locations.find_import(import);
        self.diagnostics.push(Diagnostic::error(
            self.display_name.clone(),
            Position::from_zero_based(line, column),
            message,
        ));
        self.had_errors = true;
    }

    pub fn warning(&mut self, elem: ElemId, kind: ErrorLocation, message: impl Into<Vec<u8>>) {
        let (line, column) = self.parsed.locations.find(elem, kind);
        self.diagnostics.push(Diagnostic::warning(
            self.display_name.clone(),
            Position::from_zero_based(line, column),
            message,
        ));
    }

    pub fn import_warning(&mut self, import: &[u8], message: impl Into<Vec<u8>>) {
        let (line, column) = self.parsed.locations.find_import(import);
        self.diagnostics.push(Diagnostic::warning(
            self.display_name.clone(),
            Position::from_zero_based(line, column),
            message,
        ));
    }

    pub fn file_desc(&self) -> &FileDesc {
        &self.pool.files[self.file.idx()]
    }

    pub fn proto(&self) -> &'p ir::FileProto {
        &self.parsed.proto
    }

    pub fn request_hint(
        &mut self,
        message: Option<MsgId>,
        reason: (ElemId, ErrorLocation),
        start: i32,
        end: i32,
    ) {
        let fit = |v: i32| v.clamp(0, crate::parser::MAX_FIELD_NUMBER);
        let index = match self.message_hints.iter().position(|(m, _)| *m == message) {
            Some(i) => i,
            None => {
                self.message_hints.push((message, MessageHints::default()));
                self.message_hints.len() - 1
            }
        };
        let hints = &mut self.message_hints[index].1;
        hints.fields_to_suggest = fit(hints
            .fields_to_suggest
            .saturating_add(fit(fit(end) - fit(start))));
        if hints.first_reason.is_none() {
            hints.first_reason = Some(reason);
        }
    }
}

/// The result of building one file.
pub struct BuildResult {
    pub file: Option<FileId>,
    pub diagnostics: Vec<Diagnostic>,
    /// Source paths of interpreted options (`UpdateSourceCodeInfo`).
    pub interpreted_paths: super::fxhash::FxHashMap<Vec<i32>, Vec<i32>>,
}

/// Builds a parsed file into the pool (`BuildFileImpl`); on failure everything it added is rolled back.
pub fn build_file(
    pool: &mut Pool,
    generated: Option<&GeneratedPool>,
    parsed: &ParsedFile,
    display_name: &str,
    is_direct_input: bool,
) -> BuildResult {
    let checkpoint = pool.checkpoint();
    let proto = &parsed.proto;
    let edition = match (&proto.edition, proto.syntax.as_deref()) {
        (Some(e), _) => Edition::from_number(*e).unwrap_or(Edition::Unknown),
        (None, None | Some("proto2")) => Edition::Proto2,
        (None, Some("proto3")) => Edition::Proto3,
        _ => Edition::Unknown,
    };
    let file = FileId(pool.files.len() as u32);
    pool.files.push(FileDesc {
        name: proto.name.clone(),
        package: proto.package.clone().unwrap_or_default(),
        edition,
        elem: proto.id,
        dependencies: Vec::new(),
        public_dependencies: Vec::new(),
        weak_dependencies: Vec::new(),
        option_dependencies: proto.option_dependency.clone(),
        messages: Vec::new(),
        enums: Vec::new(),
        services: Vec::new(),
        extensions: Vec::new(),
        options: OptionsSlot::default(),
        is_placeholder: false,
    });
    pool.files_by_name.insert(proto.name.clone(), file);
    let mut builder = Builder {
        pool,
        generated,
        parsed,
        file,
        display_name: display_name.to_string(),
        diagnostics: Vec::new(),
        had_errors: false,
        is_direct_input,
        edition,
        file_defaults: None,
        dependencies: HashSet::new(),
        option_dependencies: HashSet::new(),
        unused_dependency: Vec::new(),
        possible_undeclared_dependency: None,
        undefine_resolved_name: String::new(),
        options_to_interpret: Vec::new(),
        message_hints: Vec::new(),
        recursion_depth: crate::parser::MAX_MESSAGE_NESTING,
        fields_by_number: Default::default(),
        interpreted_paths: Default::default(),
        repeated_option_counts: Default::default(),
    };
    let ok = builder.run();
    let diagnostics = std::mem::take(&mut builder.diagnostics);
    let interpreted_paths = std::mem::take(&mut builder.interpreted_paths);
    drop(builder);
    if ok {
        BuildResult {
            file: Some(file),
            diagnostics,
            interpreted_paths,
        }
    } else {
        pool.rollback(checkpoint);
        BuildResult {
            file: None,
            diagnostics,
            interpreted_paths,
        }
    }
}

impl<'p> Builder<'p> {
    /// The phases of `BuildFileImpl`; `false` if the file failed.
    fn run(&mut self) -> bool {
        let proto = self.proto();
        if self.file_desc().name.contains('\0') {
            let message = format!("\"{}\" contains null character.", self.file_desc().name);
            let file = self.display_name.clone();
            self.diagnostics
                .push(Diagnostic::error(file, None, message));
            self.had_errors = true;
            return false;
        }
        match features::defaults_for(self.edition) {
            Ok(defaults) => self.file_defaults = Some(defaults),
            Err(message) => self.error(proto.id, ErrorLocation::Editions, message),
        }
        if !self.file_desc().package.is_empty() {
            let package = self.file_desc().package.clone();
            if package.matches('.').count() > 100 {
                self.error(
                    proto.id,
                    ErrorLocation::Name,
                    "Exceeds Maximum Package Depth",
                );
                return false;
            }
            self.add_package(&package, proto.id);
        }
        let Some(unknown_option_dependencies) = self.load_dependencies() else {
            return false;
        };
        self.build_children();
        self.allocate_options(
            &proto.options,
            OptionsTarget::File,
            format!("{}.dummy", self.file_desc().package),
            vec![crate::parser::path::FILE_OPTIONS],
        );
        self.cross_link_file();
        if !self.message_hints.is_empty() {
            crate::validate::numbers::suggest_field_numbers(self);
        }
        if !self.options_to_interpret.is_empty() {
            for name in &unknown_option_dependencies {
                self.import_error(name, quoted_import(name, NOT_FOUND));
            }
        }
        if !self.had_errors {
            self.interpret_all_options();
        }
        if !self.had_errors {
            crate::validate::validate_options(self);
        }
        if self.had_errors {
            crate::validate::maps::detect_map_conflicts(self);
        }
        if !self.had_errors {
            self.log_unused_dependencies();
        }
        if !self.had_errors {
            crate::validate::naming_style::validate(self);
        }
        if !self.had_errors {
            crate::validate::visibility::check_symbol_visibility(self);
        }
        !self.had_errors
    }

    /// Option interpretation, feature resolution and `UpdateSourceCodeInfo`, in protoc's order.
    fn interpret_all_options(&mut self) {
        let to_interpret = std::mem::take(&mut self.options_to_interpret);
        for options in &to_interpret {
            self.interpret_options(options, true);
        }
        self.resolve_features();
        self.post_process_field_features();
        for options in &to_interpret {
            self.interpret_options(options, false);
        }
    }

    /// The imports: each found (built) or reported, duplicates reported, the visible set computed. Returns
    /// the option imports that were not found, or `None` if the file cannot be built at all.
    fn load_dependencies(&mut self) -> Option<Vec<Vec<u8>>> {
        let proto = self.proto();
        let mut seen = HashSet::new();
        let mut dependencies = Vec::new();
        let mut option_dependencies = Vec::new();
        let mut unknown_option_dependencies = Vec::new();
        let count = proto.dependency.len() + proto.option_dependency.len();
        for i in 0..count {
            let is_option = i >= proto.dependency.len();
            let name = if is_option {
                &proto.option_dependency[i - proto.dependency.len()]
            } else {
                &proto.dependency[i]
            };
            if !seen.insert(name.as_slice()) {
                self.import_error(name, quoted_import(name, "was listed twice."));
            }
            let dependency = self.pool.imported_file(name);
            if dependency == Some(self.file) {
                return None;
            }
            match dependency {
                None if is_option => unknown_option_dependencies.push(name.clone()),
                None => self.import_error(name, quoted_import(name, NOT_FOUND)),
                Some(dep) => {
                    if self.is_direct_input && self.pool.file(dep).public_dependencies.is_empty() {
                        self.unused_dependency.push(dep);
                    }
                }
            }
            if is_option {
                option_dependencies.push(dependency);
            } else {
                dependencies.push(dependency);
            }
        }
        let mut public = Vec::new();
        for &index in &proto.public_dependency {
            if index >= 0 && (index as usize) < dependencies.len() {
                public.push(index);
                if let Some(dep) = dependencies[index as usize] {
                    self.unused_dependency.retain(|&d| d != dep);
                }
            } else {
                self.error(
                    proto.id,
                    ErrorLocation::Other,
                    "Invalid public dependency index.",
                );
            }
        }
        let file = self.file.idx();
        self.pool.files[file].dependencies = dependencies.clone();
        self.pool.files[file].public_dependencies = public;
        for dep in dependencies.into_iter().flatten() {
            self.record_public_dependencies(dep, false);
        }
        for dep in option_dependencies.into_iter().flatten() {
            self.record_public_dependencies(dep, true);
        }
        let mut weak = Vec::new();
        for &index in &proto.weak_dependency {
            if index >= 0 && (index as usize) < proto.dependency.len() {
                weak.push(index);
            } else {
                self.error(
                    proto.id,
                    ErrorLocation::Other,
                    "Invalid weak dependency index.",
                );
            }
        }
        self.pool.files[file].weak_dependencies = weak;
        Some(unknown_option_dependencies)
    }

    /// `RecordPublicDependencies` (or its option-import twin): a file and, transitively, its public imports.
    fn record_public_dependencies(&mut self, start: FileId, option: bool) {
        let mut stack = vec![start];
        while let Some(file) = stack.pop() {
            let set = if option {
                &mut self.option_dependencies
            } else {
                &mut self.dependencies
            };
            if !set.insert(file) {
                continue;
            }
            let desc = &self.pool.files[file.idx()];
            for &index in desc.public_dependencies.iter().rev() {
                if let Some(Some(dep)) = desc.dependencies.get(index as usize) {
                    stack.push(*dep);
                }
            }
        }
    }

    /// `LogUnusedDependency`: a warning per import nothing was looked up in.
    fn log_unused_dependencies(&mut self) {
        let unused = std::mem::take(&mut self.unused_dependency);
        for dep in unused {
            let name = self.pool.file(dep).name.clone();
            self.import_warning(name.as_bytes(), format!("Import {name} is unused."));
        }
    }

    /// `AllocateOptions`: records the options of an element for interpretation (if it has uninterpreted
    /// ones) and marks the slot present.
    pub fn allocate_options(
        &mut self,
        options: &'p ir::Options,
        target: OptionsTarget,
        name_scope: String,
        element_path: Vec<i32>,
    ) {
        if !options.present {
            return;
        }
        if options
            .uninterpreted
            .iter()
            .any(|o| o.name.iter().any(|p| !p.has_name))
        {
            // `IsInitialized` fails: the error is placed at the options message, which has no position
            self.error(
                0,
                ErrorLocation::OptionName,
                "Uninterpreted option is missing name or value.",
            );
            return;
        }
        let mut msg = OptionsMsg::default();
        if options.map_entry {
            msg.set(7, crate::options::dynamic::Val::Varint(1));
        }
        {
            let slot = self.options_slot_mut(target);
            slot.present = true;
            slot.msg = msg;
        }
        if !options.uninterpreted.is_empty() {
            self.options_to_interpret.push(OptionsToInterpret {
                name_scope,
                element_path,
                original: options,
                target,
            });
        }
    }

    pub fn options_slot_mut(&mut self, target: OptionsTarget) -> &mut OptionsSlot {
        let pool = &mut *self.pool;
        match target {
            OptionsTarget::File => &mut pool.files[self.file.idx()].options,
            OptionsTarget::Message(m) => &mut pool.messages[m.idx()].options,
            OptionsTarget::Field(f) => &mut pool.fields[f.idx()].options,
            OptionsTarget::Oneof(o) => &mut pool.oneofs[o.idx()].options,
            OptionsTarget::ExtensionRange(m, i) => {
                &mut pool.messages[m.idx()].extension_ranges[i].options
            }
            OptionsTarget::Enum(e) => &mut pool.enums[e.idx()].options,
            OptionsTarget::Value(v) => &mut pool.values[v.idx()].options,
            OptionsTarget::Service(s) => &mut pool.services[s.idx()].options,
            OptionsTarget::Method(m) => &mut pool.methods[m.idx()].options,
        }
    }

    pub fn options_slot(&self, target: OptionsTarget) -> &OptionsSlot {
        let pool = &*self.pool;
        match target {
            OptionsTarget::File => &pool.files[self.file.idx()].options,
            OptionsTarget::Message(m) => &pool.messages[m.idx()].options,
            OptionsTarget::Field(f) => &pool.fields[f.idx()].options,
            OptionsTarget::Oneof(o) => &pool.oneofs[o.idx()].options,
            OptionsTarget::ExtensionRange(m, i) => {
                &pool.messages[m.idx()].extension_ranges[i].options
            }
            OptionsTarget::Enum(e) => &pool.enums[e.idx()].options,
            OptionsTarget::Value(v) => &pool.values[v.idx()].options,
            OptionsTarget::Service(s) => &pool.services[s.idx()].options,
            OptionsTarget::Method(m) => &pool.methods[m.idx()].options,
        }
    }
}
