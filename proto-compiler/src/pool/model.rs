//! The linked model: every descriptor of every built file in arenas of the [`super::Pool`], addressed by
//! index. A file being built appends to the arenas; if it fails, the arenas are truncated back (protoc's
//! checkpoint rollback).

use crate::edition::Edition;
use crate::features::Features;
use crate::ir::{ElemId, FieldType, Label};
use crate::options::OptionsMsg;

macro_rules! ids {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn idx(self) -> usize { self.0 as usize }
        }
    )*};
}
ids!(FileId, MsgId, FieldId, EnumId, ValueId, OneofId, ServiceId, MethodId);

/// What a fully qualified name denotes (protoc's `Symbol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symbol {
    /// A package or one of its parents, with the first file that declared it.
    Package(FileId),
    Message(MsgId),
    Field(FieldId),
    Oneof(OneofId),
    Enum(EnumId),
    EnumValue(ValueId),
    Service(ServiceId),
    Method(MethodId),
}

impl Symbol {
    pub fn is_type(self) -> bool {
        matches!(self, Symbol::Message(_) | Symbol::Enum(_))
    }
    pub fn is_package(self) -> bool {
        matches!(self, Symbol::Package(_))
    }
    pub fn is_aggregate(self) -> bool {
        self.is_type() || self.is_package() || matches!(self, Symbol::Service(_))
    }
}

/// The element of the options message an options slot belongs to (`XxxOptions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionsKind {
    File,
    Message,
    Field,
    Oneof,
    ExtensionRange,
    Enum,
    EnumValue,
    Service,
    Method,
}

impl OptionsKind {
    /// The number of the `features` field of this options message.
    pub fn features_field(self) -> u32 {
        match self {
            OptionsKind::File | OptionsKind::ExtensionRange => 50,
            OptionsKind::Message => 12,
            OptionsKind::Field => 21,
            OptionsKind::Oneof => 1,
            OptionsKind::Enum => 7,
            OptionsKind::EnumValue => 2,
            OptionsKind::Service => 34,
            OptionsKind::Method => 35,
        }
    }

    pub fn message_name(self) -> &'static str {
        match self {
            OptionsKind::File => "google.protobuf.FileOptions",
            OptionsKind::Message => "google.protobuf.MessageOptions",
            OptionsKind::Field => "google.protobuf.FieldOptions",
            OptionsKind::Oneof => "google.protobuf.OneofOptions",
            OptionsKind::ExtensionRange => "google.protobuf.ExtensionRangeOptions",
            OptionsKind::Enum => "google.protobuf.EnumOptions",
            OptionsKind::EnumValue => "google.protobuf.EnumValueOptions",
            OptionsKind::Service => "google.protobuf.ServiceOptions",
            OptionsKind::Method => "google.protobuf.MethodOptions",
        }
    }
}

/// An element's options: interpreted (after the options phase) and the features moved out of them.
#[derive(Debug, Clone, Default)]
pub struct OptionsSlot {
    /// `&options() != &default_instance()`: the element had an options message.
    pub present: bool,
    pub msg: OptionsMsg,
    /// Explicit features (`options.features`, moved out as protoc does), canonical bytes.
    pub proto_features: Option<Vec<u8>>,
    /// Resolved features.
    pub features: Features,
}

#[derive(Debug, Clone)]
pub struct FileDesc {
    pub name: String,
    pub package: String,
    pub edition: Edition,
    pub elem: ElemId,
    pub dependencies: Vec<Option<FileId>>,
    pub public_dependencies: Vec<i32>,
    pub weak_dependencies: Vec<i32>,
    /// Bytes, as [`crate::ir::FileProto::option_dependency`].
    pub option_dependencies: Vec<Vec<u8>>,
    pub messages: Vec<MsgId>,
    pub enums: Vec<EnumId>,
    pub services: Vec<ServiceId>,
    pub extensions: Vec<FieldId>,
    pub options: OptionsSlot,
    pub is_placeholder: bool,
}

#[derive(Debug, Clone)]
pub struct ExtensionRange {
    pub elem: ElemId,
    pub start: i32,
    pub end: i32,
    pub options: OptionsSlot,
}

#[derive(Debug, Clone)]
pub struct MessageDesc {
    pub full_name: String,
    pub name_start: u32,
    pub file: FileId,
    pub parent: Option<MsgId>,
    pub elem: ElemId,
    pub fields: Vec<FieldId>,
    pub oneofs: Vec<OneofId>,
    pub nested: Vec<MsgId>,
    pub enums: Vec<EnumId>,
    pub extensions: Vec<FieldId>,
    pub extension_ranges: Vec<ExtensionRange>,
    /// (start, end exclusive, element)
    pub reserved_ranges: Vec<(i32, i32, ElemId)>,
    pub reserved_names: Vec<Vec<u8>>,
    pub visibility: Option<i32>,
    pub options: OptionsSlot,
    pub map_entry: bool,
    /// How many leading fields are numbered 1, 2, 3, ... (`sequential_field_limit_`): numbers in this range
    /// are found by position, never in the number table.
    pub sequential_limit: i32,
}

impl MessageDesc {
    pub fn name(&self) -> &str {
        &self.full_name[self.name_start as usize..]
    }
}

/// A resolved field type reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeRef {
    None,
    Message(MsgId),
    Enum(EnumId),
}

#[derive(Debug, Clone)]
pub struct FieldDesc {
    pub full_name: String,
    pub name_start: u32,
    pub file: FileId,
    pub elem: ElemId,
    pub number: i32,
    pub label: Label,
    /// The declared type (`None` until cross-linking chooses message or enum for a type name).
    pub field_type: Option<FieldType>,
    pub type_name: Option<String>,
    pub type_ref: TypeRef,
    pub is_extension: bool,
    /// The message a field belongs to, or the extendee of an extension once cross-linked.
    pub containing_type: Option<MsgId>,
    /// Where an extension is declared (its message, or none at file level).
    pub extension_scope: Option<MsgId>,
    pub extendee: Option<String>,
    pub oneof: Option<OneofId>,
    pub oneof_index: Option<i32>,
    pub proto3_optional: bool,
    pub json_name: Option<Vec<u8>>,
    /// The default value text as written by the parser (`has_default_value`).
    pub default_value: Option<Vec<u8>>,
    /// The default as protoc prints it (`DefaultValueAsString`), once known.
    pub default_text: Option<Vec<u8>>,
    pub options: OptionsSlot,
    /// `ctype` moved out of the options (protoc keeps it as the legacy ctype and writes it back).
    pub legacy_ctype: Option<u64>,
    /// Feature-derived: label required by `LEGACY_REQUIRED`, type group by `DELIMITED`.
    pub resolved_required: bool,
    pub resolved_group: bool,
}

impl FieldDesc {
    pub fn name(&self) -> &str {
        &self.full_name[self.name_start as usize..]
    }
    pub fn is_repeated(&self) -> bool {
        self.label == Label::Repeated
    }
    /// protoc's `is_required()`: the resolved `field_presence` alone, so also a repeated or oneof field under
    /// an inherited `LEGACY_REQUIRED` (proto2's `required` label infers that feature).
    pub fn is_required(&self) -> bool {
        self.options.features.field_presence() == crate::features::LEGACY_REQUIRED
    }
    /// protoc's `has_presence()`: singular fields with explicit presence, messages, oneof members (proto3
    /// `optional` included), extensions.
    pub fn has_presence(&self) -> bool {
        !self.is_repeated()
            && (matches!(self.type_ref, TypeRef::Message(_))
                || self.oneof.is_some()
                || self.is_extension
                || self.options.features.field_presence() != crate::features::IMPLICIT)
    }
    /// The effective type (group when delimited).
    pub fn effective_type(&self) -> Option<FieldType> {
        if self.resolved_group {
            Some(FieldType::Group)
        } else {
            self.field_type
        }
    }
}

#[derive(Debug, Clone)]
pub struct OneofDesc {
    pub full_name: String,
    pub name_start: u32,
    pub elem: ElemId,
    pub containing_type: MsgId,
    pub fields: Vec<FieldId>,
    pub options: OptionsSlot,
    pub is_synthetic: bool,
}

impl OneofDesc {
    pub fn name(&self) -> &str {
        &self.full_name[self.name_start as usize..]
    }
}

#[derive(Debug, Clone)]
pub struct EnumDesc {
    pub full_name: String,
    pub name_start: u32,
    pub file: FileId,
    pub parent: Option<MsgId>,
    pub elem: ElemId,
    pub values: Vec<ValueId>,
    /// (start, end inclusive, element)
    pub reserved_ranges: Vec<(i32, i32, ElemId)>,
    pub reserved_names: Vec<Vec<u8>>,
    pub visibility: Option<i32>,
    pub options: OptionsSlot,
}

impl EnumDesc {
    pub fn name(&self) -> &str {
        &self.full_name[self.name_start as usize..]
    }
}

#[derive(Debug, Clone)]
pub struct ValueDesc {
    pub full_name: String,
    pub name_start: u32,
    pub elem: ElemId,
    pub number: i32,
    pub enum_type: EnumId,
    pub options: OptionsSlot,
}

impl ValueDesc {
    pub fn name(&self) -> &str {
        &self.full_name[self.name_start as usize..]
    }
}

#[derive(Debug, Clone)]
pub struct ServiceDesc {
    pub full_name: String,
    pub name_start: u32,
    pub file: FileId,
    pub elem: ElemId,
    pub methods: Vec<MethodId>,
    pub options: OptionsSlot,
}

impl ServiceDesc {
    pub fn name(&self) -> &str {
        &self.full_name[self.name_start as usize..]
    }
}

#[derive(Debug, Clone)]
pub struct MethodDesc {
    pub full_name: String,
    pub name_start: u32,
    pub service: ServiceId,
    pub elem: ElemId,
    pub input_type: String,
    pub output_type: String,
    pub input: Option<MsgId>,
    pub output: Option<MsgId>,
    pub client_streaming: bool,
    pub server_streaming: bool,
    pub options: OptionsSlot,
}

impl MethodDesc {
    pub fn name(&self) -> &str {
        &self.full_name[self.name_start as usize..]
    }
}
