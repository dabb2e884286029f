//! protoc's `PrintImports` for the stub: which runtime modules it needs, and the aliases dependencies are
//! bound to.

use std::collections::HashSet;

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::DescriptorProto;

use super::message::datetime_alternative;
use super::{is_well_known_type, public_dependencies, Stub};
use crate::gen::GenerateError;
use crate::naming::{contains_keyword, import_as, is_keyword, module_name, pyi_module_alias};

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

impl<'a> Stub<'_, 'a> {
    /// protoc's `PrintImports`: `datetime`, the dependencies (each followed by its public dependencies, one
    /// level deep), the runtime modules the stub uses, `typing`, and the names re-exported from public
    /// dependencies.
    pub(super) fn print_imports(&mut self) -> Result<(), GenerateError> {
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
}

/// The state of protoc's dependency-import loop.
#[derive(Default)]
struct DependencyImports {
    taken_aliases: HashSet<String>,
    importlib: bool,
}

fn has_datetime_alternative(type_name: &str) -> bool {
    !datetime_alternative(type_name).is_empty()
}
