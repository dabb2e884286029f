//! The descriptors of a file (`BuildMessage`, `BuildFieldOrExtension`, `BuildEnum`, ... in descriptor.cc):
//! created in protoc's order, symbols registered, and the checks protoc makes while building them.
//!
//! * [`message`]: messages, their oneofs and extension ranges; [`numbers`] the number and range checks at
//!   the end of `BuildMessage`.
//! * [`field`]: fields and extensions.
//! * [`enums`]: enums and their values.
//! * services and methods here.

mod enums;
mod field;
mod message;
mod numbers;

use super::builder::{Builder, OptionsTarget};
use super::names::entity_names_fit;
use super::{MethodDesc, MethodId, OptionsSlot, ServiceDesc, ServiceId, Symbol};
use crate::ir::{self, ErrorLocation};
use crate::parser::path;

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

/// Reserved ranges as the descriptors keep them: start, end, and the element for error positions.
fn reserved_ranges(ranges: &[ir::RangeProto]) -> Vec<(i32, i32, ir::ElemId)> {
    ranges.iter().map(|r| (r.start, r.end, r.id)).collect()
}

fn with(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = Vec::with_capacity(path.len() + more.len());
    p.extend_from_slice(path);
    p.extend_from_slice(more);
    p
}

impl<'p> Builder<'p> {
    /// `BUILD_ARRAY` of messages, enums, services and extensions of the file.
    pub fn build_children(&mut self) {
        let proto = self.proto();
        let package = self.file_desc().package.clone();
        for (i, message) in proto.message_type.iter().enumerate() {
            let id =
                self.build_message(message, None, &package, vec![path::FILE_MESSAGE, i as i32]);
            self.pool.files[self.file.idx()].messages.push(id);
        }
        for (i, enum_type) in proto.enum_type.iter().enumerate() {
            let id = self.build_enum(enum_type, None, &package, vec![path::FILE_ENUM, i as i32]);
            self.pool.files[self.file.idx()].enums.push(id);
        }
        for (i, service) in proto.service.iter().enumerate() {
            let id = self.build_service(service, &package, vec![path::FILE_SERVICE, i as i32]);
            self.pool.files[self.file.idx()].services.push(id);
        }
        for (i, extension) in proto.extension.iter().enumerate() {
            let id = self.build_field(
                extension,
                None,
                &package,
                true,
                vec![path::FILE_EXTENSION, i as i32],
            );
            self.pool.files[self.file.idx()].extensions.push(id);
        }
    }

    /// `AllocateNameStrings` (the full name, or protoc's "Name too long." and a placeholder name), then
    /// `ValidateSymbolName`: how every named entity but a field and an enum value starts.
    fn named_entity(&mut self, scope: &str, name: &str, elem: ir::ElemId) -> (String, u32) {
        let named = if entity_names_fit(scope, name) {
            let full = join(scope, name);
            let start = (full.len() - name.len()) as u32;
            (full, start)
        } else {
            self.error(elem, ErrorLocation::Name, "Name too long.");
            ("unknown".into(), 0)
        };
        self.validate_symbol_name(name, elem);
        named
    }

    /// How an entity's build ends: `AllocateOptions` (its options at `options_path`), then `AddSymbol`;
    /// whether the symbol was added.
    fn options_and_symbol(
        &mut self,
        options: &'p ir::Options,
        target: OptionsTarget,
        full_name: &str,
        options_path: Vec<i32>,
        elem: ir::ElemId,
        symbol: Symbol,
    ) -> bool {
        self.allocate_options(options, target, full_name.to_string(), options_path);
        self.add_symbol(full_name, elem, symbol)
    }

    fn build_service(
        &mut self,
        proto: &'p ir::ServiceProto,
        scope: &str,
        loc: Vec<i32>,
    ) -> ServiceId {
        let (full_name, name_start) = self.named_entity(scope, &proto.name, proto.id);
        let id = ServiceId(self.pool.services.len() as u32);
        self.pool.services.push(ServiceDesc {
            full_name: full_name.clone(),
            name_start,
            file: self.file,
            elem: proto.id,
            methods: Vec::new(),
            options: OptionsSlot::default(),
        });
        for (i, method) in proto.method.iter().enumerate() {
            let m = self.build_method(
                method,
                id,
                &full_name,
                with(&loc, &[path::SERVICE_METHOD, i as i32]),
            );
            self.pool.services[id.idx()].methods.push(m);
        }
        self.options_and_symbol(
            &proto.options,
            OptionsTarget::Service(id),
            &full_name,
            with(&loc, &[path::SERVICE_OPTIONS]),
            proto.id,
            Symbol::Service(id),
        );
        id
    }

    fn build_method(
        &mut self,
        proto: &'p ir::MethodProto,
        service: ServiceId,
        scope: &str,
        loc: Vec<i32>,
    ) -> MethodId {
        let (full_name, name_start) = self.named_entity(scope, &proto.name, proto.id);
        let id = MethodId(self.pool.methods.len() as u32);
        self.pool.methods.push(MethodDesc {
            full_name: full_name.clone(),
            name_start,
            service,
            elem: proto.id,
            input_type: proto.input_type.clone(),
            output_type: proto.output_type.clone(),
            input: None,
            output: None,
            client_streaming: proto.client_streaming,
            server_streaming: proto.server_streaming,
            options: OptionsSlot::default(),
        });
        self.options_and_symbol(
            &proto.options,
            OptionsTarget::Method(id),
            &full_name,
            with(&loc, &[path::METHOD_OPTIONS]),
            proto.id,
            Symbol::Method(id),
        );
        id
    }
}
