//! `*_pb2.pyi`, byte-identical to protoc's pyi generator (`python/pyi_generator.cc`), with the import
//! prefix applied to every module path the stub prints (docs/plugin.md): dependency imports, public re-exports and the
//! self-qualified type of a nested message's field.

use std::collections::{HashMap, HashSet};

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};

use super::{FileContext, GenerateError};
use crate::naming::{
    contains_keyword, import_as, is_keyword, module_name, nested_class_path, pyi_module_alias,
};
use crate::printer::Printer;

/// Messages whose stub class also derives from `_well_known_types.<Name>` (protoc's `IsWellKnownType`).
const WELL_KNOWN_TYPES: [&str; 6] = [
    "google.protobuf.Any",
    "google.protobuf.Duration",
    "google.protobuf.FieldMask",
    "google.protobuf.ListValue",
    "google.protobuf.Struct",
    "google.protobuf.Timestamp",
];

pub fn generate(ctx: &FileContext) -> Result<String, GenerateError> {
    let mut stub = Stub::new(ctx);
    stub.print_imports()?;
    stub.print_body()?;
    Ok(stub.p.finish())
}

/// The stub being written for one file.
struct Stub<'c, 'a> {
    ctx: &'c FileContext<'a>,
    /// protoc's `import_map_`: the alias each imported file is bound to. A file imported twice keeps the alias of
    /// its last import (that is the one type references use); files imported through `importlib` never enter.
    aliases: HashMap<&'a str, String>,
    p: Printer,
}

/// The message whose fields are being typed: protoc's `GetFieldType` qualifies a field type that spells the
/// same as a nested containing message, which would otherwise resolve to the nested class itself.
#[derive(Clone, Copy)]
struct Containing<'m> {
    name: &'m str,
    nested: bool,
}

/// Which optional imports the stub needs (protoc's `ImportModules`).
#[derive(Debug, Default)]
struct ImportNeeds {
    containers: bool,
    iterable: bool,
    message: bool,
    enum_type_wrapper: bool,
    python_message: bool,
    mapping: bool,
    optional: bool,
    union: bool,
    well_known_types: bool,
    datetime: bool,
}

impl<'c, 'a> Stub<'c, 'a> {
    fn new(ctx: &'c FileContext<'a>) -> Self {
        Stub {
            ctx,
            aliases: HashMap::new(),
            p: Printer::new("    "),
        }
    }

    fn proto(&self) -> &'a FileDescriptorProto {
        &self.ctx.file.proto
    }

    /// A dependency of this file, which the request must carry.
    fn dependency(&self, name: &str) -> Result<&'a FileDescriptorProto, GenerateError> {
        self.ctx
            .request
            .file(name)
            .map(|file| &file.proto)
            .ok_or_else(|| GenerateError::MissingDependency {
                file: self.ctx.name().to_string(),
                dependency: name.to_string(),
            })
    }

    /// The message a field refers to (a map entry, for map fields).
    fn message_type(
        &self,
        field: &FieldDescriptorProto,
    ) -> Result<&'a DescriptorProto, GenerateError> {
        self.ctx
            .request
            .message(field.type_name())
            .ok_or_else(|| self.unknown_type(field.type_name()))
    }

    fn unknown_type(&self, type_name: &str) -> GenerateError {
        GenerateError::UnknownType {
            file: self.ctx.name().to_string(),
            type_name: type_name.to_string(),
        }
    }

    /// The key and value fields of a map field's entry, or `None` for any other field (protoc's `is_map`).
    fn map_entry(
        &self,
        field: &FieldDescriptorProto,
    ) -> Result<Option<(&'a FieldDescriptorProto, &'a FieldDescriptorProto)>, GenerateError> {
        if field.label() != Label::Repeated || field.r#type() != Type::Message {
            return Ok(None);
        }
        let entry = self.message_type(field)?;
        if !entry.options.as_ref().is_some_and(|o| o.map_entry()) {
            return Ok(None);
        }
        match entry.field.as_slice() {
            [key, value, ..] => Ok(Some((key, value))),
            // Never produced by protoc or buf: an entry always declares `key` and `value`.
            _ => Err(self.unknown_type(field.type_name())),
        }
    }

    // ---- names -------------------------------------------------------------------------------------------

    /// protoc's `ModuleLevelName`: the class path of a message or enum, behind its module's alias when it is
    /// defined in another file. A file that was never bound (reached only through a deeper public-import
    /// chain, or imported through `importlib`) still gets its default alias, which the stub may never define.
    fn module_level_name<S: AsRef<str>>(&self, file: &str, names: &[S]) -> String {
        let path = nested_class_path(names);
        if file == self.ctx.name() {
            return path;
        }
        match self.aliases.get(file) {
            Some(alias) => format!("{alias}.{path}"),
            None => format!("{}.{path}", pyi_module_alias(file)),
        }
    }

    /// [`Self::module_level_name`] of a `type_name` (`.pkg.Msg`).
    fn type_reference(&self, type_name: &str) -> Result<String, GenerateError> {
        let info = self.ctx.type_info(type_name)?;
        Ok(self.module_level_name(self.ctx.defining_file(info), &info.names))
    }

    /// protoc's `GetFieldType`: the Python type of a single value of `field`.
    fn field_type(
        &self,
        field: &FieldDescriptorProto,
        containing: Containing,
    ) -> Result<String, GenerateError> {
        let scalar = match field.r#type() {
            Type::Int32
            | Type::Uint32
            | Type::Int64
            | Type::Uint64
            | Type::Sint32
            | Type::Sint64
            | Type::Fixed32
            | Type::Fixed64
            | Type::Sfixed32
            | Type::Sfixed64 => "int",
            Type::Double | Type::Float => "float",
            Type::Bool => "bool",
            Type::String => "str",
            Type::Bytes => "bytes",
            Type::Enum => return self.type_reference(field.type_name()),
            Type::Message | Type::Group => {
                let name = self.type_reference(field.type_name())?;
                // Inside `Tree.Node`, a field of top-level type `Node` would name the nested class: protoc
                // qualifies it with this file's module path (which is why it must carry the prefix).
                return Ok(if containing.nested && name == containing.name {
                    format!("{}.{name}", self.ctx.python_module(self.ctx.name()))
                } else {
                    name
                });
            }
        };
        Ok(scalar.to_string())
    }

    // ---- imports -----------------------------------------------------------------------------------------

    /// protoc's `PrintImports`: `datetime`, the dependencies (each followed by its public dependencies, one
    /// level deep), the runtime modules the stub uses, `typing`, and the names re-exported from public
    /// dependencies.
    fn print_imports(&mut self) -> Result<(), GenerateError> {
        let needs = self.import_needs()?;
        let format = self.ctx.target.pyi;
        if needs.datetime && format.import_datetime {
            self.p.print("import datetime\n\n");
        }
        let mut dependencies = DependencyImports::default();
        for dep in &self.proto().dependency {
            self.print_dependency_import(dep, &mut dependencies);
            for public in public_dependencies(self.dependency(dep)?) {
                self.print_dependency_import(public, &mut dependencies);
            }
        }
        if needs.containers {
            self.p
                .line("from google.protobuf.internal import containers as _containers");
        }
        if needs.enum_type_wrapper {
            self.p.line(
                "from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper",
            );
        }
        if needs.python_message {
            self.p
                .line("from google.protobuf.internal import python_message as _python_message");
        }
        if needs.well_known_types {
            self.p
                .line("from google.protobuf.internal import well_known_types as _well_known_types");
        }
        self.p
            .line("from google.protobuf import descriptor as _descriptor");
        if needs.message {
            self.p
                .line("from google.protobuf import message as _message");
        }
        if self.has_generic_services() {
            self.p
                .line("from google.protobuf import service as _service");
        }
        let abc: Vec<&str> = [
            (needs.iterable, "Iterable as _Iterable"),
            (needs.mapping, "Mapping as _Mapping"),
        ]
        .into_iter()
        .filter_map(|(needed, name)| needed.then_some(name))
        .collect();
        let mut typing = String::from("from typing import ClassVar as _ClassVar");
        if format.collections_abc {
            if !abc.is_empty() {
                self.p
                    .line(&format!("from collections.abc import {}", abc.join(", ")));
            }
        } else {
            for name in abc {
                typing.push_str(", ");
                typing.push_str(name);
            }
        }
        if needs.optional {
            typing.push_str(", Optional as _Optional");
        }
        if needs.union {
            typing.push_str(", Union as _Union");
        }
        self.p.line(&typing);
        for public in public_dependencies(self.proto()) {
            let module = self.ctx.python_module(public);
            let public = self.dependency(public)?;
            let names = (public.message_type.iter().map(|m| m.name()))
                .chain(public.enum_type.iter().map(|e| e.name()));
            for name in names {
                self.p
                    .line(&format!("from {module} import {name} as {name}"));
            }
        }
        self.p.blank();
        Ok(())
    }

    /// protoc's `PrintImportForDescriptor`: binds one dependency to `_<module leaf>`, with `_1` appended while
    /// that alias is taken.
    fn print_dependency_import(&mut self, file: &'a str, imports: &mut DependencyImports) {
        let mut alias = pyi_module_alias(file);
        while imports.taken_aliases.contains(&alias) {
            alias.push_str("_1");
        }
        let module = self.ctx.python_module(file);
        if contains_keyword(&module_name(file)) {
            if !imports.importlib {
                self.p.line("import importlib");
                imports.importlib = true;
            }
            // Quirk: protoc neither records this alias as taken nor maps the file to it.
            self.p
                .line(&format!("{alias} = importlib.import_module('{module}')"));
        } else {
            self.p.line(&import_as(&module, &alias));
            imports.taken_aliases.insert(alias.clone());
            self.aliases.insert(file, alias);
        }
    }

    /// protoc's `CheckImportModules` over the whole file. Fields named with a Python keyword are left out of
    /// the stub's attributes and `__init__`, so they do not count.
    fn import_needs(&self) -> Result<ImportNeeds, GenerateError> {
        let proto = self.proto();
        let mut needs = ImportNeeds {
            message: !proto.message_type.is_empty(),
            enum_type_wrapper: !proto.enum_type.is_empty(),
            ..ImportNeeds::default()
        };
        let scope = self.ctx.file.scope();
        for message in &proto.message_type {
            self.collect_import_needs(message, &scope, &mut needs)?;
        }
        Ok(needs)
    }

    fn collect_import_needs(
        &self,
        message: &DescriptorProto,
        scope: &str,
        needs: &mut ImportNeeds,
    ) -> Result<(), GenerateError> {
        let full_name = format!("{scope}.{}", message.name());
        needs.python_message |= !message.extension_range.is_empty();
        needs.enum_type_wrapper |= !message.enum_type.is_empty();
        needs.well_known_types |= is_well_known_type(&full_name);
        for field in message.field.iter().filter(|f| !is_keyword(f.name())) {
            needs.optional = true;
            let repeated = field.label() == Label::Repeated;
            needs.containers |= repeated;
            // A map counts through its value type (and needs `_Mapping` itself); a message field needs
            // `_Mapping` for the dict `__init__` accepts in its place.
            let (value, is_map) = match self.map_entry(field)? {
                Some((_, value)) => (value, true),
                None => (field, false),
            };
            needs.mapping |= is_map;
            needs.iterable |= repeated && !is_map;
            match value.r#type() {
                Type::Message | Type::Group => {
                    needs.union = true;
                    needs.mapping |= !is_map;
                    needs.datetime |= self.ctx.target.pyi.datetime_unions
                        && has_datetime_alternative(value.type_name());
                }
                Type::Enum => needs.union = true,
                _ => {}
            }
        }
        for nested in &message.nested_type {
            self.collect_import_needs(nested, &full_name, needs)?;
        }
        Ok(())
    }

    // ---- declarations ------------------------------------------------------------------------------------

    fn has_generic_services(&self) -> bool {
        let proto = self.proto();
        !proto.service.is_empty()
            && proto
                .options
                .as_ref()
                .is_some_and(|o| o.py_generic_services())
    }

    /// Everything after the imports: the descriptor, what public dependencies re-export, enums, extensions,
    /// messages and (generic) services.
    fn print_body(&mut self) -> Result<(), GenerateError> {
        let proto = self.proto();
        self.p.line("DESCRIPTOR: _descriptor.FileDescriptor");
        for public in public_dependencies(proto) {
            let public = self.dependency(public)?;
            self.print_extensions(&public.extension);
            for e in &public.enum_type {
                self.print_enum_values(public.name(), &[e.name()], e, false);
            }
        }
        let file = self.ctx.name();
        for e in &proto.enum_type {
            self.p.blank();
            self.print_enum(file, &[e.name()], e);
        }
        for e in &proto.enum_type {
            self.print_enum_values(file, &[e.name()], e, false);
        }
        self.print_extensions(&proto.extension);
        let scope = self.ctx.file.scope();
        for message in &proto.message_type {
            self.p.blank();
            self.print_message(message, &scope, &[])?;
        }
        if self.has_generic_services() {
            for service in &proto.service {
                let name = service.name();
                self.p.blank();
                self.p.line(&format!("class {name}(_service.service): ..."));
                self.p.blank();
                self.p.line(&format!("class {name}_Stub({name}): ..."));
            }
        }
        Ok(())
    }

    /// An enum class; `names` runs from the outermost message to the enum.
    fn print_enum(&mut self, file: &str, names: &[&str], e: &EnumDescriptorProto) {
        self.p.line(&format!(
            "class {}(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):",
            e.name()
        ));
        self.p.indent();
        self.p.line("__slots__ = ()");
        self.print_enum_values(file, names, e, true);
        self.p.outdent();
    }

    /// One `VALUE: <enum>` line per value: as class variables inside the enum class, as plain annotations in
    /// the enclosing scope.
    fn print_enum_values(
        &mut self,
        file: &str,
        names: &[&str],
        e: &EnumDescriptorProto,
        class_var: bool,
    ) {
        let enum_type = self.module_level_name(file, names);
        for value in &e.value {
            let value = value.name();
            if class_var {
                self.p.line(&format!("{value}: _ClassVar[{enum_type}]"));
            } else {
                self.p.line(&format!("{value}: {enum_type}"));
            }
        }
    }

    fn print_extensions(&mut self, extensions: &[FieldDescriptorProto]) {
        for extension in extensions {
            let name = extension.name();
            self.p.line(&format!(
                "{}_FIELD_NUMBER: _ClassVar[int]",
                name.to_ascii_uppercase()
            ));
            self.p.line(&format!("{name}: _descriptor.FieldDescriptor"));
        }
    }

    /// protoc's `PrintMessage`. `scope` is the full name of the enclosing package or message, `outer` the
    /// names of the enclosing messages.
    fn print_message(
        &mut self,
        message: &DescriptorProto,
        scope: &str,
        outer: &[&str],
    ) -> Result<(), GenerateError> {
        let full_name = format!("{scope}.{}", message.name());
        let names: Vec<&str> = outer.iter().copied().chain([message.name()]).collect();
        let containing = Containing {
            name: message.name(),
            nested: !outer.is_empty(),
        };
        let well_known_base = if is_well_known_type(&full_name) {
            format!(", _well_known_types.{}", message.name())
        } else {
            String::new()
        };
        self.p.line(&format!(
            "class {}(_message.Message{well_known_base}):",
            message.name()
        ));
        self.p.indent();

        if self.ctx.target.pyi.empty_slots {
            self.p.line("__slots__ = ()");
        } else {
            let slots: Vec<String> = (message.field.iter())
                .filter(|f| !is_keyword(f.name()))
                .map(|f| format!("\"{}\"", f.name()))
                .collect();
            let trailing_comma = if slots.len() == 1 { "," } else { "" };
            self.p.line(&format!(
                "__slots__ = ({}{trailing_comma})",
                slots.join(", ")
            ));
        }
        if !message.extension_range.is_empty() {
            self.p.line("Extensions: _python_message._ExtensionDict");
        }
        let file = self.ctx.name();
        for e in &message.enum_type {
            let enum_names: Vec<&str> = names.iter().copied().chain([e.name()]).collect();
            self.print_enum(file, &enum_names, e);
            self.print_enum_values(file, &enum_names, e, false);
        }
        for nested in &message.nested_type {
            self.print_message(nested, &full_name, &names)?;
        }
        self.print_extensions(&message.extension);
        // Field numbers are declared for every field, keyword-named ones included.
        for field in &message.field {
            self.p.line(&format!(
                "{}_FIELD_NUMBER: _ClassVar[int]",
                field.name().to_ascii_uppercase()
            ));
        }
        for field in message.field.iter().filter(|f| !is_keyword(f.name())) {
            let attribute_type = self.attribute_type(field, containing)?;
            self.p.line(&format!("{}: {attribute_type}", field.name()));
        }
        let init = self.init_signature(message, containing)?;
        self.p.line(&init);
        self.p.outdent();
        Ok(())
    }

    /// The type of a field as a message attribute (a container for repeated fields).
    fn attribute_type(
        &self,
        field: &FieldDescriptorProto,
        containing: Containing,
    ) -> Result<String, GenerateError> {
        if let Some((key, value)) = self.map_entry(field)? {
            let map = if is_message(value) {
                "MessageMap"
            } else {
                "ScalarMap"
            };
            return Ok(format!(
                "_containers.{map}[{}, {}]",
                self.field_type(key, containing)?,
                self.field_type(value, containing)?
            ));
        }
        let value = self.field_type(field, containing)?;
        Ok(match (field.label(), is_message(field)) {
            (Label::Repeated, true) => {
                format!("_containers.RepeatedCompositeFieldContainer[{value}]")
            }
            (Label::Repeated, false) => {
                format!("_containers.RepeatedScalarFieldContainer[{value}]")
            }
            _ => value,
        })
    }

    /// The type a field accepts in `__init__`: iterables for repeated fields, mappings for maps and messages
    /// (plus `datetime` values for Timestamp and Duration), enum names as `str`.
    fn init_parameter_type(
        &self,
        field: &FieldDescriptorProto,
        containing: Containing,
    ) -> Result<String, GenerateError> {
        if let Some((key, value)) = self.map_entry(field)? {
            return Ok(format!(
                "_Mapping[{}, {}]",
                self.field_type(key, containing)?,
                self.field_type(value, containing)?
            ));
        }
        let datetime = if self.ctx.target.pyi.datetime_unions {
            datetime_alternative(field.type_name())
        } else {
            ""
        };
        let value = match field.r#type() {
            Type::Message | Type::Group => format!(
                "_Union[{datetime}{}, _Mapping]",
                self.field_type(field, containing)?
            ),
            Type::Enum => format!("_Union[{}, str]", self.type_reference(field.type_name())?),
            _ => self.field_type(field, containing)?,
        };
        Ok(if field.label() == Label::Repeated {
            format!("_Iterable[{value}]")
        } else {
            value
        })
    }

    /// `def __init__(self, <field>: _Optional[<type>] = ..., ...) -> None: ...`. Keyword-named fields cannot be
    /// parameters: they are accepted through `**kwargs`. Before protoc 30 a FIRST field named `self` was printed
    /// as `self_` (and `self` kept its name); before 32 singular `bool` parameters were not `_Optional`.
    fn init_signature(
        &self,
        message: &DescriptorProto,
        containing: Containing,
    ) -> Result<String, GenerateError> {
        let format = self.ctx.target.pyi;
        let mut signature = if format.self_underscore {
            format!("def __init__({}", self_parameter(message))
        } else {
            String::from("def __init__(self")
        };
        let mut has_keyword_field = false;
        let mut first = true;
        for field in &message.field {
            if is_keyword(field.name()) {
                has_keyword_field = true;
                continue;
            }
            let name = if !format.self_underscore && first && field.name() == "self" {
                "self_"
            } else {
                field.name()
            };
            first = false;
            let parameter_type = self.init_parameter_type(field, containing)?;
            let optional = format.optional_bool
                || field.label() == Label::Repeated
                || field.r#type() != Type::Bool;
            if optional {
                signature.push_str(&format!(", {name}: _Optional[{parameter_type}] = ..."));
            } else {
                signature.push_str(&format!(", {name}: {parameter_type} = ..."));
            }
        }
        if has_keyword_field {
            signature.push_str(", **kwargs");
        }
        signature.push_str(") -> None: ...");
        Ok(signature)
    }
}

/// The state of protoc's dependency-import loop.
#[derive(Default)]
struct DependencyImports {
    taken_aliases: HashSet<String>,
    importlib: bool,
}

/// The files a file imports publicly, in `public_dependency` order.
fn public_dependencies(file: &FileDescriptorProto) -> impl Iterator<Item = &str> {
    (file.public_dependency.iter())
        .filter_map(|&index| file.dependency.get(usize::try_from(index).ok()?))
        .map(String::as_str)
}

/// The name of `__init__`'s first parameter: `self`, with `_` appended while a field has that name (a field
/// named `self` is a keyword argument too).
fn self_parameter(message: &DescriptorProto) -> String {
    let mut name = String::from("self");
    while message.field.iter().any(|f| f.name() == name) {
        name.push('_');
    }
    name
}

fn is_message(field: &FieldDescriptorProto) -> bool {
    matches!(field.r#type(), Type::Message | Type::Group)
}

fn is_well_known_type(full_name: &str) -> bool {
    WELL_KNOWN_TYPES.contains(&full_name.strip_prefix('.').unwrap_or(full_name))
}

/// The `datetime` type `__init__` also accepts for a Timestamp or Duration, with its separator.
fn datetime_alternative(type_name: &str) -> &'static str {
    match type_name {
        ".google.protobuf.Timestamp" => "datetime.datetime, ",
        ".google.protobuf.Duration" => "datetime.timedelta, ",
        _ => "",
    }
}

fn has_datetime_alternative(type_name: &str) -> bool {
    !datetime_alternative(type_name).is_empty()
}

#[cfg(test)]
mod tests {
    use prost::Message;
    use prost_types::compiler::CodeGeneratorRequest;
    use prost_types::field_descriptor_proto::{Label, Type};
    use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

    use crate::{generate, Options, Request};

    fn field(name: &str, number: i32, r#type: Type, type_name: &str) -> FieldDescriptorProto {
        FieldDescriptorProto {
            name: Some(name.into()),
            number: Some(number),
            label: Some(Label::Optional.into()),
            r#type: Some(r#type.into()),
            type_name: (!type_name.is_empty()).then(|| type_name.into()),
            ..Default::default()
        }
    }

    fn scalar(name: &str, number: i32) -> FieldDescriptorProto {
        field(name, number, Type::String, "")
    }

    fn message(name: &str, fields: Vec<FieldDescriptorProto>) -> DescriptorProto {
        DescriptorProto {
            name: Some(name.into()),
            field: fields,
            ..Default::default()
        }
    }

    fn file(
        name: &str,
        package: &str,
        imports: &[&str],
        messages: Vec<DescriptorProto>,
    ) -> FileDescriptorProto {
        FileDescriptorProto {
            name: Some(name.into()),
            package: Some(package.into()),
            dependency: imports.iter().map(|&i| i.into()).collect(),
            message_type: messages,
            syntax: Some("proto3".into()),
            ..Default::default()
        }
    }

    /// The stub of the last file, generated from a request carrying `files` (dependencies first).
    fn stub(files: Vec<FileDescriptorProto>, parameter: &str) -> String {
        let target = files
            .last()
            .map(|f| f.name().to_string())
            .unwrap_or_default();
        let bytes = CodeGeneratorRequest {
            file_to_generate: vec![target],
            proto_file: files,
            ..Default::default()
        }
        .encode_to_vec();
        let request = Request::decode(&bytes).expect("request decodes");
        let options = Options::parse(&format!("outputs=pyi,{parameter}")).expect("valid parameter");
        let mut generated = generate(&request, &options).expect("stub generates");
        generated.pop().expect("one file").content
    }

    fn lines(text: &str) -> Vec<&str> {
        text.lines().map(str::trim_start).collect()
    }

    #[test]
    fn clashing_module_leaves_get_a_1_suffix() {
        let out = stub(
            vec![
                file("x/types.proto", "x", &[], vec![message("A", vec![])]),
                file("y/types.proto", "y", &[], vec![message("B", vec![])]),
                file(
                    "m.proto",
                    "m",
                    &["x/types.proto", "y/types.proto"],
                    vec![message(
                        "M",
                        vec![
                            field("a", 1, Type::Message, ".x.A"),
                            field("b", 2, Type::Message, ".y.B"),
                        ],
                    )],
                ),
            ],
            "",
        );
        let lines = lines(&out);
        assert!(lines.contains(&"from x import types_pb2 as _types_pb2"));
        assert!(lines.contains(&"from y import types_pb2 as _types_pb2_1"));
        assert!(lines.contains(&"a: _types_pb2.A"));
        assert!(lines.contains(&"b: _types_pb2_1.B"));
    }

    #[test]
    fn a_file_imported_twice_is_referenced_through_its_last_alias() {
        // `common.proto` re-exports `types.proto` publicly, and `m.proto` also imports `types.proto` directly.
        let mut common = file("common.proto", "c", &["types.proto"], vec![]);
        common.public_dependency = vec![0];
        let out = stub(
            vec![
                file("types.proto", "t", &[], vec![message("Audit", vec![])]),
                common,
                file(
                    "m.proto",
                    "m",
                    &["common.proto", "types.proto"],
                    vec![message(
                        "M",
                        vec![field("audit", 1, Type::Message, ".t.Audit")],
                    )],
                ),
            ],
            "",
        );
        let lines = lines(&out);
        assert!(lines.contains(&"import types_pb2 as _types_pb2"));
        assert!(lines.contains(&"import types_pb2 as _types_pb2_1"));
        assert!(lines.contains(&"audit: _types_pb2_1.Audit"));
    }

    #[test]
    fn nested_field_named_like_its_message_is_qualified_with_the_prefixed_module() {
        let mut tree = message("Tree", vec![]);
        tree.nested_type = vec![message(
            "Node",
            vec![field("ref", 1, Type::Message, ".p.Node")],
        )];
        let out = stub(
            vec![file(
                "root/p/v1/tree.proto",
                "p",
                &[],
                vec![message("Node", vec![]), tree],
            )],
            "prefix=root:sdk.proto",
        );
        let lines = lines(&out);
        assert!(lines.contains(&"ref: sdk.proto.root.p.v1.tree_pb2.Node"));
        assert!(lines.contains(
            &"def __init__(self, ref: _Optional[_Union[sdk.proto.root.p.v1.tree_pb2.Node, _Mapping]] = ...) -> None: ..."
        ));
    }

    #[test]
    fn self_parameter_gets_underscores_while_a_field_has_that_name() {
        let out = stub(
            vec![file(
                "m.proto",
                "m",
                &[],
                vec![message("M", vec![scalar("self", 1), scalar("self_", 2)])],
            )],
            "",
        );
        assert!(lines(&out).contains(
            &"def __init__(self__, self: _Optional[str] = ..., self_: _Optional[str] = ...) -> None: ..."
        ));
    }

    #[test]
    fn keyword_fields_get_a_number_but_no_slot_attribute_or_parameter_only_kwargs() {
        let out = stub(
            vec![file(
                "m.proto",
                "m",
                &[],
                vec![message("M", vec![scalar("from", 1), scalar("name", 2)])],
            )],
            "",
        );
        let lines = lines(&out);
        assert!(lines.contains(&"__slots__ = (\"name\",)"));
        assert!(lines.contains(&"FROM_FIELD_NUMBER: _ClassVar[int]"));
        assert!(!lines.contains(&"from: str"));
        assert!(lines
            .contains(&"def __init__(self, name: _Optional[str] = ..., **kwargs) -> None: ..."));
    }

    #[test]
    fn quirk_message_named_none_is_emitted_verbatim() {
        let out = stub(
            vec![file(
                "m.proto",
                "m",
                &[],
                vec![
                    message("None", vec![]),
                    message("Holder", vec![field("n", 1, Type::Message, ".m.None")]),
                ],
            )],
            "",
        );
        let lines = lines(&out);
        assert!(lines.contains(&"class None(_message.Message):"));
        assert!(lines.contains(&"n: globals()['None']"));
    }

    #[test]
    fn quirk_keyword_module_alias_is_neither_reserved_nor_mapped() {
        // `_types_pb2` bound through importlib stays free, so the next `types` module gets it too, and
        // references into the keyword module use the unmapped default alias: both resolve to `b/types`.
        let out = stub(
            vec![
                file("a/import/types.proto", "k", &[], vec![message("K", vec![])]),
                file("b/types.proto", "b", &[], vec![message("B", vec![])]),
                file(
                    "m.proto",
                    "m",
                    &["a/import/types.proto", "b/types.proto"],
                    vec![message("M", vec![field("k", 1, Type::Message, ".k.K")])],
                ),
            ],
            "",
        );
        assert!(out.starts_with(
            "import importlib\n\
             _types_pb2 = importlib.import_module('a.import.types_pb2')\n\
             from b import types_pb2 as _types_pb2\n"
        ));
        assert!(lines(&out).contains(&"k: _types_pb2.K"));
    }
}
