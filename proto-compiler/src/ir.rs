//! The parser's output: one file's declarations as protoc's parser fills a `FileDescriptorProto` (names as
//! written, options uninterpreted, `has_*` presence kept as `Option`), before any linking.
//!
//! Every element that protoc's `SourceLocationTable` can point at carries an [`ElemId`]; the file's
//! [`LocationTable`] maps (element, [`ErrorLocation`]) to the 0-based line and column protoc reports errors at.

use crate::source_info::SourceInfo;

/// Identifies one element of a parsed file for error positions.
pub type ElemId = u32;

/// protoc's `DescriptorPool::ErrorCollector::ErrorLocation`: which part of an element an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorLocation {
    Name,
    Number,
    Type,
    Extendee,
    DefaultValue,
    InputType,
    OutputType,
    OptionName,
    OptionValue,
    Import,
    Editions,
    Symbol,
    Other,
}

/// protoc's `SourceLocationTable` for one file: the last position recorded wins.
///
/// Positions are recorded while parsing and looked up only for diagnostics: the first lookup builds an
/// index, so that a file with many errors is not searched once per error.
#[derive(Debug, Default, Clone)]
pub struct LocationTable {
    entries: Vec<(ElemId, ErrorLocation, i32, i32)>,
    /// Keyed by the import's bytes (an import name may be any bytes, as protoc keeps them).
    imports: Vec<(Vec<u8>, i32, i32)>,
    index: std::sync::OnceLock<LocationIndex>,
}

#[derive(Debug, Default, Clone)]
struct LocationIndex {
    entries: crate::pool::fxhash::FxHashMap<(ElemId, ErrorLocation), (i32, i32)>,
    imports: std::collections::HashMap<Vec<u8>, (i32, i32)>,
}

impl LocationTable {
    pub fn add(&mut self, elem: ElemId, kind: ErrorLocation, line: i32, column: i32) {
        self.entries.push((elem, kind, line, column));
        self.index.take();
    }
    pub fn add_import(&mut self, name: &[u8], line: i32, column: i32) {
        self.imports.push((name.to_vec(), line, column));
        self.index.take();
    }
    fn index(&self) -> &LocationIndex {
        self.index.get_or_init(|| LocationIndex {
            entries: self
                .entries
                .iter()
                .map(|&(elem, kind, line, column)| ((elem, kind), (line, column)))
                .collect(),
            imports: self
                .imports
                .iter()
                .map(|(name, line, column)| (name.clone(), (*line, *column)))
                .collect(),
        })
    }
    /// The 0-based (line, column) of an element's part, or protoc's "unknown" (-1, 0).
    pub fn find(&self, elem: ElemId, kind: ErrorLocation) -> (i32, i32) {
        self.index()
            .entries
            .get(&(elem, kind))
            .copied()
            .unwrap_or((-1, 0))
    }
    pub fn find_import(&self, name: &[u8]) -> (i32, i32) {
        self.index().imports.get(name).copied().unwrap_or((-1, 0))
    }
}

/// `FieldDescriptorProto.Label`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    Optional = 1,
    Required = 2,
    Repeated = 3,
}

/// `FieldDescriptorProto.Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    Double = 1,
    Float = 2,
    Int64 = 3,
    Uint64 = 4,
    Int32 = 5,
    Fixed64 = 6,
    Fixed32 = 7,
    Bool = 8,
    String = 9,
    Group = 10,
    Message = 11,
    Bytes = 12,
    Uint32 = 13,
    Enum = 14,
    Sfixed32 = 15,
    Sfixed64 = 16,
    Sint32 = 17,
    Sint64 = 18,
}

impl FieldType {
    /// The scalar type named by a .proto keyword (the parser's type table).
    pub fn from_keyword(word: &[u8]) -> Option<FieldType> {
        Some(match word {
            b"double" => FieldType::Double,
            b"float" => FieldType::Float,
            b"uint64" => FieldType::Uint64,
            b"fixed64" => FieldType::Fixed64,
            b"fixed32" => FieldType::Fixed32,
            b"bool" => FieldType::Bool,
            b"string" => FieldType::String,
            b"group" => FieldType::Group,
            b"bytes" => FieldType::Bytes,
            b"uint32" => FieldType::Uint32,
            b"sfixed32" => FieldType::Sfixed32,
            b"sfixed64" => FieldType::Sfixed64,
            b"int32" => FieldType::Int32,
            b"int64" => FieldType::Int64,
            b"sint32" => FieldType::Sint32,
            b"sint64" => FieldType::Sint64,
            _ => return None,
        })
    }
}

/// The value of an uninterpreted option (exactly one of `UninterpretedOption`'s value fields).
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    Identifier(String),
    Positive(u64),
    Negative(i64),
    Double(f64),
    String(Vec<u8>),
    /// The `{ ... }` text, as bytes.
    Aggregate(Vec<u8>),
}

/// One part of an option name: `foo` or `(foo.bar)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePart {
    pub name: String,
    pub is_extension: bool,
    /// `has_name_part()`: false for `()`, which leaves the option uninitialized.
    pub has_name: bool,
}

/// `UninterpretedOption` as the parser fills it.
#[derive(Debug, Clone, PartialEq)]
pub struct UninterpretedOption {
    pub id: ElemId,
    pub name: Vec<NamePart>,
    pub value: OptionValue,
}

/// The options message of an element before interpretation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// `has_options()`: protoc creates the options message as soon as an option is parsed (or, for methods,
    /// when an options block `{ }` is opened), so an empty present message is still written.
    pub present: bool,
    pub uninterpreted: Vec<UninterpretedOption>,
    /// `map_entry = true`, set directly by the parser on generated map entry messages.
    pub map_entry: bool,
}

impl Options {
    pub fn add(&mut self, option: UninterpretedOption) {
        self.present = true;
        self.uninterpreted.push(option);
    }
}

/// How many elements of each kind files declare (what building them adds to a pool's arenas).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ElementCounts {
    pub messages: usize,
    pub fields: usize,
    pub oneofs: usize,
    pub enums: usize,
    pub values: usize,
    pub services: usize,
    pub methods: usize,
}

impl ElementCounts {
    pub fn add(&mut self, other: &ElementCounts) {
        self.messages += other.messages;
        self.fields += other.fields;
        self.oneofs += other.oneofs;
        self.enums += other.enums;
        self.values += other.values;
        self.services += other.services;
        self.methods += other.methods;
    }

    /// About what `bytes` of .proto text declare, for reserving room ahead: googleapis' density plus a
    /// tenth (its comments make it sparse; denser trees grow the arenas later, once every file is parsed).
    pub fn estimate(bytes: u64) -> ElementCounts {
        let per_mib = |n: u64| (bytes.saturating_mul(n) >> 20) as usize;
        ElementCounts {
            messages: per_mib(840),
            fields: per_mib(2800),
            oneofs: per_mib(480),
            enums: per_mib(165),
            values: per_mib(1110),
            services: per_mib(33),
            methods: per_mib(220),
        }
    }

    /// The named elements (each a symbol).
    pub fn total(&self) -> usize {
        self.messages
            + self.fields
            + self.oneofs
            + self.enums
            + self.values
            + self.services
            + self.methods
    }

    fn add_enums(&mut self, enums: &[EnumProto]) {
        self.enums += enums.len();
        self.values += enums.iter().map(|e| e.value.len()).sum::<usize>();
    }
}

#[derive(Debug, Clone, Default)]
pub struct FileProto {
    pub id: ElemId,
    pub name: String,
    pub package: Option<String>,
    /// Bytes: an import is a string literal, which may be any bytes (protoc keeps them; a name that is not
    /// UTF-8 can only be found on disk, see [`crate::source::SourceTree::open_non_utf8`]).
    pub dependency: Vec<Vec<u8>>,
    pub public_dependency: Vec<i32>,
    pub weak_dependency: Vec<i32>,
    /// Bytes, as `dependency`.
    pub option_dependency: Vec<Vec<u8>>,
    pub message_type: Vec<MessageProto>,
    pub enum_type: Vec<EnumProto>,
    pub service: Vec<ServiceProto>,
    pub extension: Vec<FieldProto>,
    pub options: Options,
    pub syntax: Option<String>,
    /// `edition` (the `Edition` enum number) for editions files.
    pub edition: Option<i32>,
}

impl FileProto {
    /// The elements this file declares (map entries included; synthetic oneofs are not).
    pub fn counts(&self) -> ElementCounts {
        let mut counts = ElementCounts {
            fields: self.extension.len(),
            services: self.service.len(),
            methods: self.service.iter().map(|s| s.method.len()).sum(),
            ..ElementCounts::default()
        };
        counts.add_enums(&self.enum_type);
        let mut stack: Vec<&MessageProto> = self.message_type.iter().collect();
        while let Some(message) = stack.pop() {
            counts.messages += 1;
            counts.fields += message.field.len() + message.extension.len();
            counts.oneofs += message.oneof_decl.len();
            counts.add_enums(&message.enum_type);
            stack.extend(&message.nested_type);
        }
        counts
    }
}

#[derive(Debug, Clone, Default)]
pub struct MessageProto {
    pub id: ElemId,
    pub name: String,
    pub field: Vec<FieldProto>,
    pub nested_type: Vec<MessageProto>,
    pub enum_type: Vec<EnumProto>,
    pub extension_range: Vec<ExtensionRangeProto>,
    pub extension: Vec<FieldProto>,
    pub options: Options,
    pub oneof_decl: Vec<OneofProto>,
    pub reserved_range: Vec<RangeProto>,
    /// Bytes: a reserved name written as a string literal may be any bytes (protoc keeps them).
    pub reserved_name: Vec<Vec<u8>>,
    pub visibility: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct FieldProto {
    pub id: ElemId,
    pub name: String,
    pub number: Option<i32>,
    pub label: Option<Label>,
    pub field_type: Option<FieldType>,
    pub type_name: Option<String>,
    pub extendee: Option<String>,
    pub default_value: Option<Vec<u8>>,
    pub oneof_index: Option<i32>,
    pub json_name: Option<Vec<u8>>,
    pub options: Options,
    pub proto3_optional: bool,
}

#[derive(Debug, Clone, Default)]
pub struct OneofProto {
    pub id: ElemId,
    pub name: String,
    pub options: Options,
}

#[derive(Debug, Clone, Default)]
pub struct ExtensionRangeProto {
    pub id: ElemId,
    pub start: i32,
    pub end: i32,
    pub options: Options,
}

/// A reserved range of a message (end exclusive) or an enum (end inclusive).
#[derive(Debug, Clone, Default)]
pub struct RangeProto {
    pub id: ElemId,
    pub start: i32,
    pub end: i32,
}

#[derive(Debug, Clone, Default)]
pub struct EnumProto {
    pub id: ElemId,
    pub name: String,
    pub value: Vec<EnumValueProto>,
    pub options: Options,
    pub reserved_range: Vec<RangeProto>,
    /// Bytes: a reserved name written as a string literal may be any bytes (protoc keeps them).
    pub reserved_name: Vec<Vec<u8>>,
    pub visibility: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct EnumValueProto {
    pub id: ElemId,
    pub name: String,
    pub number: i32,
    pub options: Options,
}

#[derive(Debug, Clone, Default)]
pub struct ServiceProto {
    pub id: ElemId,
    pub name: String,
    pub method: Vec<MethodProto>,
    pub options: Options,
}

#[derive(Debug, Clone, Default)]
pub struct MethodProto {
    pub id: ElemId,
    pub name: String,
    pub input_type: String,
    pub output_type: String,
    pub options: Options,
    pub client_streaming: bool,
    pub server_streaming: bool,
}

/// One parsed file: its declarations, protoc's source code info and its error-position table.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub proto: FileProto,
    pub source_info: SourceInfo,
    pub locations: LocationTable,
}
