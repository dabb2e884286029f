//! protoc's `DescriptorPool` and `DescriptorBuilder` (descriptor.cc): the files built so far, their symbols,
//! and the building of one more file.
//!
//! * [`model`]: the linked descriptors, in arenas of this pool.
//! * [`loader`]: the compile driver: inputs → imports depth first (protoc's `FindFileByName` /
//!   `BuildFile` recursion as an explicit stack), parse results from a parallel pre-parse, deferred
//!   validation, output in request order.
//! * [`builder`]: one file's `BuildFileImpl`, phase by phase; [`build`] its descriptors and structural checks,
//!   [`names`] symbol registration, [`lookup`] protoc's scope rules, [`crosslink`] type references.
//!
//! Global state a file sees is only what protoc's pool holds when it builds that file: the files built
//! before it (a file that fails is rolled back out of every table).

pub mod build;
pub mod builder;
pub mod crosslink;
pub mod fxhash;
pub mod import_order;
pub mod loader;
pub mod lookup;
pub mod model;
pub mod names;
pub mod parsing;
pub mod visit;

use fxhash::FxHashMap;

pub use loader::compile;
pub use model::*;

/// The built files and every table protoc's `DescriptorPool::Tables` keeps across files.
#[derive(Default)]
pub struct Pool {
    pub files: Vec<FileDesc>,
    pub messages: Vec<MessageDesc>,
    pub fields: Vec<FieldDesc>,
    pub oneofs: Vec<OneofDesc>,
    pub enums: Vec<EnumDesc>,
    pub values: Vec<ValueDesc>,
    pub services: Vec<ServiceDesc>,
    pub methods: Vec<MethodDesc>,
    pub symbols: FxHashMap<String, Symbol>,
    /// Symbols added to `symbols` in order, for rollback (their names are in the arenas)...
    symbol_log: Vec<Symbol>,
    /// ... except packages, whose symbol names only the file of the whole package.
    package_log: Vec<String>,
    pub files_by_name: FxHashMap<String, FileId>,
    /// Extensions by (extendee, number), across files.
    pub extensions: FxHashMap<(MsgId, i32), FieldId>,
    extension_log: Vec<(MsgId, i32)>,
    /// When set, the options of the file being built are canonicalized against itself (building the bundled
    /// descriptor.proto that serves as the compiled-in schema).
    pub bootstrap: bool,
}

/// Arena lengths at the start of a file's build.
#[derive(Debug, Clone, Copy)]
pub struct Checkpoint {
    files: usize,
    messages: usize,
    fields: usize,
    oneofs: usize,
    enums: usize,
    values: usize,
    services: usize,
    methods: usize,
    symbols: usize,
    packages: usize,
    extensions: usize,
}

impl Pool {
    /// Makes room for `files` files declaring `counts` elements in all (those built already included): a
    /// large tree's arenas and symbol table would otherwise be copied each time they double.
    pub fn reserve_total(&mut self, files: usize, counts: &crate::ir::ElementCounts) {
        fn to<T>(arena: &mut Vec<T>, total: usize) {
            arena.reserve(total.saturating_sub(arena.len()));
        }
        to(&mut self.files, files);
        to(&mut self.messages, counts.messages);
        to(&mut self.fields, counts.fields);
        to(&mut self.oneofs, counts.oneofs);
        to(&mut self.enums, counts.enums);
        to(&mut self.values, counts.values);
        to(&mut self.services, counts.services);
        to(&mut self.methods, counts.methods);
        let symbols = counts.total() + files;
        self.symbols
            .reserve(symbols.saturating_sub(self.symbols.len()));
        to(&mut self.symbol_log, symbols);
    }

    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            files: self.files.len(),
            messages: self.messages.len(),
            fields: self.fields.len(),
            oneofs: self.oneofs.len(),
            enums: self.enums.len(),
            values: self.values.len(),
            services: self.services.len(),
            methods: self.methods.len(),
            symbols: self.symbol_log.len(),
            packages: self.package_log.len(),
            extensions: self.extension_log.len(),
        }
    }

    /// Removes everything added since `checkpoint` (a file that failed to build).
    pub fn rollback(&mut self, checkpoint: Checkpoint) {
        let log = self.symbol_log.split_off(checkpoint.symbols);
        let mut names: Vec<String> = log
            .into_iter()
            .map(|symbol| self.symbol_name(symbol).to_string())
            .collect();
        names.extend(self.package_log.drain(checkpoint.packages..));
        for name in names {
            self.symbols.remove(&name);
        }
        for key in self.extension_log.drain(checkpoint.extensions..) {
            self.extensions.remove(&key);
        }
        for file in self.files.drain(checkpoint.files..) {
            self.files_by_name.remove(&file.name);
        }
        self.messages.truncate(checkpoint.messages);
        self.fields.truncate(checkpoint.fields);
        self.oneofs.truncate(checkpoint.oneofs);
        self.enums.truncate(checkpoint.enums);
        self.values.truncate(checkpoint.values);
        self.services.truncate(checkpoint.services);
        self.methods.truncate(checkpoint.methods);
    }

    /// Adds a symbol unless the name is taken (`Tables::AddSymbol`).
    pub fn add_symbol(&mut self, name: &str, symbol: Symbol) -> bool {
        match self.symbols.entry(name.to_string()) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(vacant) => {
                vacant.insert(symbol);
                match symbol {
                    Symbol::Package(_) => self.package_log.push(name.to_string()),
                    _ => self.symbol_log.push(symbol),
                }
                true
            }
        }
    }

    /// Registers an extension across files (`Tables::AddExtension`); `false` if the number is taken.
    pub fn add_extension(&mut self, extendee: MsgId, number: i32, field: FieldId) -> bool {
        if self.extensions.contains_key(&(extendee, number)) {
            return false;
        }
        self.extensions.insert((extendee, number), field);
        self.extension_log.push((extendee, number));
        true
    }

    pub fn file(&self, id: FileId) -> &FileDesc {
        &self.files[id.idx()]
    }
    /// The built file an import names (never one whose name is not UTF-8: no such file is built).
    pub fn imported_file(&self, import: &[u8]) -> Option<FileId> {
        let name = std::str::from_utf8(import).ok()?;
        self.files_by_name.get(name).copied()
    }
    pub fn message(&self, id: MsgId) -> &MessageDesc {
        &self.messages[id.idx()]
    }
    pub fn field(&self, id: FieldId) -> &FieldDesc {
        &self.fields[id.idx()]
    }
    pub fn enum_type(&self, id: EnumId) -> &EnumDesc {
        &self.enums[id.idx()]
    }
    pub fn value(&self, id: ValueId) -> &ValueDesc {
        &self.values[id.idx()]
    }
    pub fn oneof(&self, id: OneofId) -> &OneofDesc {
        &self.oneofs[id.idx()]
    }

    /// The file a symbol belongs to (`Symbol::GetFile`).
    pub fn symbol_file(&self, symbol: Symbol) -> FileId {
        match symbol {
            Symbol::Package(f) => f,
            Symbol::Message(m) => self.messages[m.idx()].file,
            Symbol::Field(f) => self.fields[f.idx()].file,
            Symbol::Oneof(o) => self.messages[self.oneofs[o.idx()].containing_type.idx()].file,
            Symbol::Enum(e) => self.enums[e.idx()].file,
            Symbol::EnumValue(v) => self.enums[self.values[v.idx()].enum_type.idx()].file,
            Symbol::Service(s) => self.services[s.idx()].file,
            Symbol::Method(m) => self.services[self.methods[m.idx()].service.idx()].file,
        }
    }

    /// A symbol's full name.
    pub fn symbol_name(&self, symbol: Symbol) -> &str {
        match symbol {
            Symbol::Package(f) => &self.files[f.idx()].package,
            Symbol::Message(m) => &self.messages[m.idx()].full_name,
            Symbol::Field(f) => &self.fields[f.idx()].full_name,
            Symbol::Oneof(o) => &self.oneofs[o.idx()].full_name,
            Symbol::Enum(e) => &self.enums[e.idx()].full_name,
            Symbol::EnumValue(v) => &self.values[v.idx()].full_name,
            Symbol::Service(s) => &self.services[s.idx()].full_name,
            Symbol::Method(m) => &self.methods[m.idx()].full_name,
        }
    }

    /// A message's field by name.
    pub fn find_field_by_name(&self, message: MsgId, name: &str) -> Option<FieldId> {
        self.messages[message.idx()]
            .fields
            .iter()
            .copied()
            .find(|&f| self.fields[f.idx()].name() == name)
    }

    /// A message's field by number.
    pub fn find_field_by_number(&self, message: MsgId, number: i32) -> Option<FieldId> {
        self.messages[message.idx()]
            .fields
            .iter()
            .copied()
            .find(|&f| self.fields[f.idx()].number == number)
    }

    /// An enum's first value of a name.
    pub fn find_value_by_name(&self, enum_type: EnumId, name: &str) -> Option<ValueId> {
        self.enums[enum_type.idx()]
            .values
            .iter()
            .copied()
            .find(|&v| self.values[v.idx()].name() == name)
    }

    /// An enum's first value of a number.
    pub fn find_value_by_number(&self, enum_type: EnumId, number: i32) -> Option<ValueId> {
        self.enums[enum_type.idx()]
            .values
            .iter()
            .copied()
            .find(|&v| self.values[v.idx()].number == number)
    }

    /// The message type of a full name (without leading dot).
    pub fn find_message(&self, full_name: &str) -> Option<MsgId> {
        match self.symbols.get(full_name) {
            Some(Symbol::Message(m)) => Some(*m),
            _ => None,
        }
    }

    /// The extension range of a message containing a number.
    pub fn extension_range_containing(&self, message: MsgId, number: i32) -> Option<usize> {
        self.messages[message.idx()]
            .extension_ranges
            .iter()
            .position(|r| r.start <= number && number < r.end)
    }

    /// Whether an enum is closed (resolved `enum_type` feature).
    pub fn enum_is_closed(&self, enum_type: EnumId) -> bool {
        self.enums[enum_type.idx()].options.features.enum_closed()
    }
}
