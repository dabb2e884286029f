//! The stub's declarations after its imports: enums, extensions, the messages and generic services.

use prost_types::{EnumDescriptorProto, FieldDescriptorProto};

use super::{public_dependencies, Stub};
use crate::gen::GenerateError;

impl Stub<'_, '_> {
    /// Everything after the imports: the descriptor, what public dependencies re-export, enums, extensions,
    /// messages and (generic) services.
    pub(super) fn print_body(&mut self) -> Result<(), GenerateError> {
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
    pub(super) fn print_enum(&mut self, file: &str, names: &[&str], e: &EnumDescriptorProto) {
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
    pub(super) fn print_enum_values(
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

    pub(super) fn print_extensions(&mut self, extensions: &[FieldDescriptorProto]) {
        for extension in extensions {
            let name = extension.name();
            self.p.line(&format!(
                "{}_FIELD_NUMBER: _ClassVar[int]",
                name.to_ascii_uppercase()
            ));
            self.p.line(&format!("{name}: _descriptor.FieldDescriptor"));
        }
    }
}
