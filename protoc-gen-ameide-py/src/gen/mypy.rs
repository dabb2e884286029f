//! `*_pb2.pyi` as mypy-protobuf writes it (`protoc --mypy_out`, 5.1.0 by default): enums with a `ValueType`
//! per enum, messages with read-only properties for composite fields, keyword-only `__init__`, and
//! `HasField` / `ClearField` / `WhichOneof` typed by literal field names; docstrings from comments; PEP 702
//! `@deprecated` for deprecated elements; `(mypy_protobuf.options)` casttype / keytype / valuetype honoured.
//!
//! The statements are printed in the order mypy-protobuf makes them, because an import's alias is handed out
//! at its first use ([`super::mypy_stub`]).

use prost_types::field_descriptor_proto::Type;
use prost_types::{DescriptorProto, EnumDescriptorProto, FieldDescriptorProto};

use super::mypy_fields::{
    children, is_scalar, raw_options, Field, FILE_FEATURES, IMPLICIT_PRESENCE,
};
use super::mypy_stub::{global_name, reserved_name, StubWriter};
use super::{FileContext, GenerateError};
use crate::naming::is_keyword;
use crate::source_info::{extend as path, index};

// Field numbers of descriptor.proto, for source locations and raw options.
const FILE_MESSAGE: i32 = 4;
const FILE_ENUM: i32 = 5;
const FILE_EXTENSION: i32 = 7;
const MESSAGE_FIELD: i32 = 2;
const MESSAGE_NESTED: i32 = 3;
const MESSAGE_ENUM: i32 = 4;
const MESSAGE_EXTENSION: i32 = 6;
const MESSAGE_OPTIONS: i32 = 7;
const ENUM_VALUE: i32 = 2;
const ENUM_OPTIONS: i32 = 3;
const FIELD_OPTIONS: i32 = 8;
/// `deprecated` in MessageOptions, FieldOptions and EnumOptions (mypy-protobuf also uses EnumOptions' number
/// for enum values).
const DEPRECATED: i32 = 3;
/// Messages with an extra base class from `well_known_types` (protobuf's `WKTBASES`).
const WELL_KNOWN_TYPES: [&str; 6] = [
    "Any",
    "Duration",
    "FieldMask",
    "ListValue",
    "Struct",
    "Timestamp",
];

/// Enum value names that `EnumTypeWrapper` defines itself: not declared as class attributes.
const ENUM_WRAPPER_NAMES: [&str; 5] = ["Name", "Value", "keys", "values", "items"];

pub fn generate(ctx: &FileContext) -> Result<String, GenerateError> {
    let proto = &ctx.file.proto;
    let file_options = raw_options(ctx, &ctx.file.raw, FILE_FEATURES)?;
    let mut stub = MessageStub {
        w: StubWriter::new(ctx, false)?,
        ctx,
        file_presence: file_options.presence.unwrap_or(0),
        editions: proto.syntax() == "editions",
        proto3: proto.syntax() == "proto3",
    };
    let descriptor = stub
        .w
        .import("google.protobuf.descriptor", "FileDescriptor");
    stub.w.line(&format!("DESCRIPTOR: {descriptor}"));
    stub.w.line("");
    stub.enums(&proto.enum_type, "", &[FILE_ENUM])?;
    let raw_messages = children(ctx, &ctx.file.raw, 4, proto.message_type.len())?;
    stub.messages(&proto.message_type, &raw_messages, "", &[FILE_MESSAGE])?;
    let raw_extensions = children(ctx, &ctx.file.raw, 7, proto.extension.len())?;
    stub.extensions(&proto.extension, &raw_extensions, &[FILE_EXTENSION])?;
    stub.w.finish()
}

struct MessageStub<'c, 'a> {
    w: StubWriter<'c, 'a>,
    ctx: &'c FileContext<'a>,
    /// The file's `features.field_presence` (0 when not set).
    file_presence: u64,
    editions: bool,
    proto3: bool,
}

impl<'c, 'a> MessageStub<'c, 'a> {
    // ---- enums -------------------------------------------------------------------------------------------

    fn enums(
        &mut self,
        enums: &[EnumDescriptorProto],
        prefix: &str,
        location: &[i32],
    ) -> Result<(), GenerateError> {
        for (i, e) in enums.iter().enumerate() {
            let class_name = reserved_name(e.name());
            let helper = format!("_{}", e.name());
            let wrapper = format!("_{}EnumTypeWrapper", e.name());
            let location = path(location, &[index(i)]);
            let values_location = path(&location, &[ENUM_VALUE]);
            self.w.line(&format!("class {helper}:"));
            self.w.indent();
            let new_type = self.w.import("typing", "NewType");
            let int = self.w.builtin("int");
            self.w
                .line(&format!("ValueType = {new_type}(\"ValueType\", {int})"));
            let alias = self.w.typing_extension("TypeAlias");
            self.w
                .line(&format!("V: {alias} = ValueType  # noqa: Y015"));
            self.w.outdent();
            self.w.line("");
            let base = self.w.import(
                "google.protobuf.internal.enum_type_wrapper",
                "_EnumTypeWrapper",
            );
            let helper_value = format!("{prefix}{helper}.ValueType");
            let type_ = self.w.builtin("type");
            self.w.line(&format!(
                "class {wrapper}({base}[{helper_value}], {type_}):"
            ));
            self.w.indent();
            let descriptor = self
                .w
                .import("google.protobuf.descriptor", "EnumDescriptor");
            self.w.line(&format!("DESCRIPTOR: {descriptor}"));
            self.enum_values(e, &helper_value, &values_location, true)?;
            self.w.outdent();
            self.w.line("");
            let own = e.options.as_ref().is_some_and(|o| o.deprecated());
            if let Some(message) = self.w.deprecation(own, "enum", "enum") {
                self.w
                    .write_deprecation(&path(&location, &[ENUM_OPTIONS, DEPRECATED]), &message)?;
            }
            let declaration = format!("class {class_name}({helper}, metaclass={wrapper}):");
            if self.w.has_comments(&location) {
                self.w.line(&declaration);
                self.w.indent();
                self.w.write_comments(&location);
                self.w.outdent();
                self.w.line("");
            } else {
                self.w.line(&format!("{declaration} ..."));
                if prefix.is_empty() {
                    self.w.line("");
                }
            }
            let value_type = format!("{prefix}{class_name}.ValueType");
            self.enum_values(e, &value_type, &values_location, false)?;
            if prefix.is_empty() && !self.w.options.readable_stubs {
                self.global_alias(&class_name);
            }
            self.w.line("");
        }
        Ok(())
    }

    /// The values as attributes of `value_type`: on the wrapper class (`in_wrapper`, leaving out the names the
    /// wrapper defines, deprecated ones as properties) or next to the enum.
    fn enum_values(
        &mut self,
        e: &EnumDescriptorProto,
        value_type: &str,
        location: &[i32],
        in_wrapper: bool,
    ) -> Result<(), GenerateError> {
        for (i, value) in e.value.iter().enumerate() {
            let name = value.name();
            if is_keyword(name) || (in_wrapper && ENUM_WRAPPER_NAMES.contains(&name)) {
                continue;
            }
            let location = path(location, &[index(i)]);
            let own = value.options.as_ref().is_some_and(|o| o.deprecated());
            match self
                .w
                .deprecation(own, "enum value", "enum value")
                .filter(|_| in_wrapper)
            {
                Some(message) => {
                    let property = self.w.property();
                    self.w.line(&property);
                    self.w.write_deprecation(
                        &path(&location, &[ENUM_OPTIONS, DEPRECATED]),
                        &message,
                    )?;
                    let body = if self.w.has_comments(&location) {
                        ""
                    } else {
                        "..."
                    };
                    self.w.line(&format!(
                        "def {name}(self) -> {value_type}: {body}  # {}",
                        value.number()
                    ));
                    self.w.indent();
                    self.w.write_comments(&location);
                    self.w.outdent();
                }
                None => {
                    self.w
                        .line(&format!("{name}: {value_type}  # {}", value.number()));
                    self.w.write_comments(&location);
                }
            }
        }
        Ok(())
    }

    // ---- messages ----------------------------------------------------------------------------------------

    fn messages(
        &mut self,
        messages: &[DescriptorProto],
        raw: &[&[u8]],
        prefix: &str,
        location: &[i32],
    ) -> Result<(), GenerateError> {
        for (i, (message, &raw)) in messages.iter().zip(raw).enumerate() {
            self.message(message, raw, prefix, &path(location, &[index(i)]))?;
        }
        Ok(())
    }

    fn message(
        &mut self,
        message: &DescriptorProto,
        raw: &[u8],
        prefix: &str,
        location: &[i32],
    ) -> Result<(), GenerateError> {
        let class_name = self.message_class(message, location)?;
        let nested_prefix = format!("{prefix}{}.", message.name());
        self.enums(
            &message.enum_type,
            &nested_prefix,
            &path(location, &[MESSAGE_ENUM]),
        )?;
        let raw_nested = children(self.ctx, raw, 3, message.nested_type.len())?;
        self.messages(
            &message.nested_type,
            &raw_nested,
            &nested_prefix,
            &path(location, &[MESSAGE_NESTED]),
        )?;
        let raw_fields = children(self.ctx, raw, 2, message.field.len())?;
        let fields = (message.field.iter().zip(raw_fields))
            .map(|(f, raw)| Field::new(self.ctx, f, raw))
            .collect::<Result<Vec<_>, _>>()?;
        for field in &fields {
            let int = self.w.builtin("int");
            self.w.line(&format!(
                "{}_FIELD_NUMBER: {int}",
                field.name().to_uppercase()
            ));
        }
        self.attributes(&fields, location)?;
        let raw_extensions = children(self.ctx, raw, 6, message.extension.len())?;
        self.extensions(
            &message.extension,
            &raw_extensions,
            &path(location, &[MESSAGE_EXTENSION]),
        )?;
        self.init(&fields)?;
        self.field_methods(message, &fields)?;
        self.w.outdent();
        if prefix.is_empty() && !self.w.options.readable_stubs {
            self.w.line("");
            self.global_alias(&class_name);
        }
        self.w.line("");
        Ok(())
    }

    /// The message's decorator and class line, then (indented, for the caller to close) its comments and
    /// `DESCRIPTOR`; returns the class name.
    fn message_class(
        &mut self,
        message: &DescriptorProto,
        location: &[i32],
    ) -> Result<String, GenerateError> {
        let package = self.ctx.file.proto.package();
        let extra_base =
            match WELL_KNOWN_TYPES.contains(&message.name()) && package == "google.protobuf" {
                true => format!(
                    ", {}",
                    self.w
                        .import("google.protobuf.internal.well_known_types", message.name())
                ),
                false => String::new(),
            };
        let class_name = reserved_name(message.name());
        let base = self.w.import("google.protobuf.message", "Message");
        let own = message.options.as_ref().is_some_and(|o| o.deprecated());
        if let Some(text) = self.w.deprecation(own, "message", "message") {
            self.w
                .write_deprecation(&path(location, &[MESSAGE_OPTIONS, DEPRECATED]), &text)?;
        }
        let final_ = self.w.import("typing", "final");
        self.w.line(&format!("@{final_}"));
        self.w
            .line(&format!("class {class_name}({base}{extra_base}):"));
        self.w.indent();
        if self.w.write_comments(location) {
            self.w.line("");
        }
        let descriptor = self.w.import("google.protobuf.descriptor", "Descriptor");
        self.w.line(&format!("DESCRIPTOR: {descriptor}"));
        self.w.line("");
        Ok(class_name)
    }

    /// `_Name: TypeAlias = Name` after a top-level enum or message class.
    fn global_alias(&mut self, class_name: &str) {
        let alias = self.w.typing_extension("TypeAlias");
        self.w.line(&format!(
            "{}: {alias} = {class_name}  # noqa: Y015",
            global_name(class_name)
        ));
    }

    /// Singular scalars as attributes (properties with a setter when deprecated), then composite and repeated
    /// fields as read-only properties.
    fn attributes(&mut self, fields: &[Field], location: &[i32]) -> Result<(), GenerateError> {
        let fields: Vec<(usize, &Field)> = (fields.iter().enumerate())
            .filter(|(_, f)| !is_keyword(f.name()))
            .collect();
        for &(i, field) in &fields {
            let type_ = self.w.python_type(field, false)?;
            if !is_scalar(field.proto) || field.repeated() {
                continue;
            }
            let location = path(location, &[MESSAGE_FIELD, index(i)]);
            let name = field.name();
            let Some(message) = self.w.deprecation(field.deprecated(), "field", "field") else {
                self.w.line(&format!("{name}: {type_}"));
                self.w.write_comments(&location);
                continue;
            };
            let deprecation = path(&location, &[FIELD_OPTIONS, DEPRECATED]);
            let property = self.w.property();
            self.w.line(&property);
            self.w.write_deprecation(&deprecation, &message)?;
            self.accessor(&format!("def {name}(self) -> {type_}:"), &location);
            self.w.line(&format!("@{name}.setter"));
            self.w.write_deprecation(&deprecation, &message)?;
            self.accessor(
                &format!("def {name}(self, value: {type_}) -> None:"),
                &location,
            );
        }
        for &(i, field) in &fields {
            let type_ = self.w.python_type(field, false)?;
            if is_scalar(field.proto) && !field.repeated() {
                continue;
            }
            let location = path(location, &[MESSAGE_FIELD, index(i)]);
            let property = self.w.property();
            self.w.line(&property);
            if let Some(message) = self.w.deprecation(field.deprecated(), "field", "field") {
                self.w
                    .write_deprecation(&path(&location, &[FIELD_OPTIONS, DEPRECATED]), &message)?;
            }
            self.accessor(
                &format!("def {}(self) -> {type_}:", field.name()),
                &location,
            );
        }
        Ok(())
    }

    /// A property function: ` ...` on the line, or the field's comment as its docstring.
    fn accessor(&mut self, signature: &str, location: &[i32]) {
        if self.w.has_comments(location) {
            self.w.line(signature);
            self.w.indent();
            self.w.write_comments(location);
            self.w.outdent();
            self.w.line("");
        } else {
            self.w.line(&format!("{signature} ..."));
        }
    }

    /// The keyword-only `__init__`: `None` is accepted unless the field has no presence.
    fn init(&mut self, fields: &[Field]) -> Result<(), GenerateError> {
        self.w.line("def __init__(");
        self.w.indent();
        if fields.iter().any(|f| f.name() == "self") {
            self.w
                .line("self_,  # pyright: ignore[reportSelfClsParameterName]");
        } else {
            self.w.line("self,");
        }
        let parameters: Vec<&Field> = fields.iter().filter(|f| !is_keyword(f.name())).collect();
        if !parameters.is_empty() {
            self.w.line("*,");
        }
        for field in parameters {
            let type_ = self.w.python_type(field, true)?;
            let implicit = self.presence(field) == IMPLICIT_PRESENCE;
            let required = (implicit && self.editions)
                || (self.proto3
                    && is_scalar(field.proto)
                    && !field.repeated()
                    && !self.w.options.relax_strict_optional_primitives
                    && !field.proto.proto3_optional());
            let none = if required { "" } else { " | None" };
            self.w
                .line(&format!("{}: {type_}{none} = ...,", field.name()));
        }
        self.w.outdent();
        self.w.line(") -> None: ...");
        Ok(())
    }

    fn presence(&self, field: &Field) -> u64 {
        field.options.presence.unwrap_or(self.file_presence)
    }

    /// `HasField`, `ClearField` and `WhichOneof`, typed by the names they accept.
    fn field_methods(
        &mut self,
        message: &DescriptorProto,
        fields: &[Field],
    ) -> Result<(), GenerateError> {
        let mut has: Vec<&str> = (fields.iter())
            .filter(|f| {
                f.proto.oneof_index.is_some()
                    || (self.editions && self.presence(f) != IMPLICIT_PRESENCE)
                    || (!f.repeated()
                        && (matches!(self.ctx.file.proto.syntax(), "proto2" | "")
                            || f.proto.r#type() == Type::Message
                            || f.proto.proto3_optional()))
            })
            .map(Field::name)
            .collect();
        let mut clear: Vec<&str> = fields.iter().map(Field::name).collect();
        let oneofs: Vec<(&str, Vec<&str>)> = (message.oneof_decl.iter().enumerate())
            .map(|(i, oneof)| {
                let members = (fields.iter())
                    .filter(|f| {
                        f.proto.oneof_index.and_then(|o| usize::try_from(o).ok()) == Some(i)
                    })
                    .map(Field::name)
                    .collect();
                (oneof.name(), members)
            })
            .collect();
        has.extend(oneofs.iter().map(|(name, _)| *name));
        clear.extend(oneofs.iter().map(|(name, _)| *name));
        let never_arguments = self.w.format.never_arguments;
        if !never_arguments && clear.is_empty() {
            return Ok(());
        }
        for (names, alias, method, returns) in [
            (&has, "_HasFieldArgType", "HasField", None),
            (&clear, "_ClearFieldArgType", "ClearField", Some("None")),
        ] {
            if names.is_empty() && !never_arguments {
                continue;
            }
            let type_alias = self.w.typing_extension("TypeAlias");
            let allowed = if names.is_empty() {
                self.w.typing_extension("Never")
            } else {
                let literal = self.w.import("typing", "Literal");
                format!("{literal}[{}]", literal_names(names))
            };
            self.w
                .line(&format!("{alias}: {type_alias} = {allowed}  # noqa: Y015"));
            let returns = match returns {
                Some(r) => r.to_string(),
                None => self.w.builtin("bool"),
            };
            self.w.line(&format!(
                "def {method}(self, field_name: {alias}) -> {returns}: ..."
            ));
        }
        self.which_oneof(oneofs)
    }

    fn which_oneof(&mut self, mut oneofs: Vec<(&str, Vec<&str>)>) -> Result<(), GenerateError> {
        if oneofs.is_empty() {
            if self.w.format.never_arguments {
                let never = self.w.typing_extension("Never");
                self.w.line(&format!(
                    "def WhichOneof(self, oneof_group: {never}) -> None: ..."
                ));
            }
            return Ok(());
        }
        oneofs.sort();
        for (name, members) in &oneofs {
            let alias = self.w.typing_extension("TypeAlias");
            let literal = self.w.import("typing", "Literal");
            let members: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
            self.w.line(&format!(
                "_WhichOneofReturnType_{name}: {alias} = {literal}[{}]  # noqa: Y015",
                members.join(", ")
            ));
            let alias = self.w.typing_extension("TypeAlias");
            let literal = self.w.import("typing", "Literal");
            self.w.line(&format!(
                "_WhichOneofArgType_{name}: {alias} = {literal}[\"{name}\", b\"{name}\"]  # noqa: Y015"
            ));
        }
        for (name, _) in &oneofs {
            if oneofs.len() > 1 {
                let overload = self.w.import("typing", "overload");
                self.w.line(&format!("@{overload}"));
            }
            self.w.line(&format!(
                "def WhichOneof(self, oneof_group: _WhichOneofArgType_{name}) -> \
                 _WhichOneofReturnType_{name} | None: ..."
            ));
        }
        Ok(())
    }

    // ---- extensions --------------------------------------------------------------------------------------

    fn extensions(
        &mut self,
        extensions: &[FieldDescriptorProto],
        raw: &[&[u8]],
        location: &[i32],
    ) -> Result<(), GenerateError> {
        for extension in extensions {
            let int = self.w.builtin("int");
            self.w.line(&format!(
                "{}_FIELD_NUMBER: {int}",
                extension.name().to_uppercase()
            ));
        }
        for (i, (extension, &raw)) in extensions.iter().zip(raw).enumerate() {
            let field = Field::new(self.ctx, extension, raw)?;
            let descriptor = self.w.import(
                "google.protobuf.internal.extension_dict",
                "_ExtensionFieldDescriptor",
            );
            let extendee = self.w.message(extension.extendee(), false)?;
            let type_ = self.w.python_type(&field, false)?;
            self.w.line(&format!(
                "{}: {descriptor}[{extendee}, {type_}]",
                extension.name()
            ));
            self.w.write_comments(&path(location, &[index(i)]));
        }
        Ok(())
    }
}

/// `"a", b"a", "b", b"b"`: each name as str and bytes, sorted as those texts.
fn literal_names(names: &[&str]) -> String {
    let mut items: Vec<String> = (names.iter())
        .map(|n| format!("\"{n}\", b\"{n}\""))
        .collect();
    items.sort();
    items.join(", ")
}
