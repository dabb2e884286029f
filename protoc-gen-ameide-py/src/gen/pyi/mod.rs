//! `*_pb2.pyi`, byte-identical to protoc's pyi generator (`python/pyi_generator.cc`), with the import
//! prefix applied to every module path the stub prints (docs/plugin.md): dependency imports, public re-exports and the
//! self-qualified type of a nested message's field.

mod body;
mod imports;
mod message;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

use super::{FileContext, GenerateError};
use crate::naming::{nested_class_path, pyi_module_alias};
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

    fn has_generic_services(&self) -> bool {
        let proto = self.proto();
        !proto.service.is_empty()
            && proto
                .options
                .as_ref()
                .is_some_and(|o| o.py_generic_services())
    }
}

/// The files a file imports publicly, in `public_dependency` order.
fn public_dependencies(file: &FileDescriptorProto) -> impl Iterator<Item = &str> {
    (file.public_dependency.iter())
        .filter_map(|&index| file.dependency.get(usize::try_from(index).ok()?))
        .map(String::as_str)
}

fn is_message(field: &FieldDescriptorProto) -> bool {
    matches!(field.r#type(), Type::Message | Type::Group)
}

fn is_well_known_type(full_name: &str) -> bool {
    WELL_KNOWN_TYPES.contains(&full_name.strip_prefix('.').unwrap_or(full_name))
}
