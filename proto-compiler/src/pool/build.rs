//! The descriptors of a file (`BuildMessage`, `BuildFieldOrExtension`, `BuildEnum`, ... in descriptor.cc):
//! created in protoc's order, symbols registered, and the checks protoc makes while building them.

use super::builder::{Builder, OptionsTarget};
use super::names::{entity_names_fit, field_names_fit};
use super::{
    EnumDesc, EnumId, ExtensionRange, FieldDesc, FieldId, MessageDesc, MethodDesc, MethodId, MsgId,
    OneofDesc, OneofId, OptionsSlot, ServiceDesc, ServiceId, Symbol, TypeRef, ValueDesc, ValueId,
};
use crate::edition::Edition;
use crate::ir::{self, ErrorLocation, FieldType, Label};
use crate::parser::path;

/// protoc's `kMaxFieldsPerMessage`.
const MAX_FIELDS_PER_MESSAGE: usize = 65535;

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
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

    /// `AllocateNameStrings`: the full name, or protoc's "Name too long." (and a placeholder name).
    fn entity_full_name(&mut self, scope: &str, name: &str, elem: ir::ElemId) -> (String, u32) {
        if entity_names_fit(scope, name) {
            let full = join(scope, name);
            let start = (full.len() - name.len()) as u32;
            (full, start)
        } else {
            self.error(elem, ErrorLocation::Name, "Name too long.");
            ("unknown".into(), 0)
        }
    }

    fn build_message(
        &mut self,
        proto: &'p ir::MessageProto,
        parent: Option<MsgId>,
        scope: &str,
        loc: Vec<i32>,
    ) -> MsgId {
        let (full_name, name_start) = self.entity_full_name(scope, &proto.name, proto.id);
        self.validate_symbol_name(&proto.name, proto.id);
        let id = MsgId(self.pool.messages.len() as u32);
        self.pool.messages.push(MessageDesc {
            full_name: full_name.clone(),
            name_start,
            file: self.file,
            parent,
            elem: proto.id,
            fields: Vec::new(),
            oneofs: Vec::new(),
            nested: Vec::new(),
            enums: Vec::new(),
            extensions: Vec::new(),
            extension_ranges: Vec::new(),
            reserved_ranges: proto
                .reserved_range
                .iter()
                .map(|r| (r.start, r.end, r.id))
                .collect(),
            reserved_names: proto.reserved_name.clone(),
            visibility: proto.visibility,
            options: OptionsSlot::default(),
            map_entry: proto.options.map_entry,
            sequential_limit: proto
                .field
                .iter()
                .take(u16::MAX as usize)
                .enumerate()
                .take_while(|(i, f)| f.number == Some(*i as i32 + 1))
                .count() as i32,
        });
        for (i, oneof) in proto.oneof_decl.iter().enumerate() {
            let o = self.build_oneof(
                oneof,
                id,
                &full_name,
                with(&loc, &[path::MESSAGE_ONEOF, i as i32]),
            );
            self.pool.messages[id.idx()].oneofs.push(o);
        }
        for (i, field) in proto.field.iter().enumerate() {
            let f = self.build_field(
                field,
                Some(id),
                &full_name,
                false,
                with(&loc, &[path::MESSAGE_FIELD, i as i32]),
            );
            self.pool.messages[id.idx()].fields.push(f);
        }
        for (i, enum_type) in proto.enum_type.iter().enumerate() {
            let e = self.build_enum(
                enum_type,
                Some(id),
                &full_name,
                with(&loc, &[path::MESSAGE_ENUM, i as i32]),
            );
            self.pool.messages[id.idx()].enums.push(e);
        }
        for (i, range) in proto.extension_range.iter().enumerate() {
            self.build_extension_range(
                range,
                id,
                i,
                with(&loc, &[path::MESSAGE_EXTENSION_RANGE, i as i32]),
            );
        }
        for (i, extension) in proto.extension.iter().enumerate() {
            let f = self.build_field(
                extension,
                Some(id),
                &full_name,
                true,
                with(&loc, &[path::MESSAGE_EXTENSION, i as i32]),
            );
            self.pool.messages[id.idx()].extensions.push(f);
        }
        for range in &proto.reserved_range {
            if range.start <= 0 {
                self.request_hint(
                    Some(id),
                    (range.id, ErrorLocation::Number),
                    range.start,
                    range.end,
                );
                self.error(
                    range.id,
                    ErrorLocation::Number,
                    "Reserved numbers must be positive integers.",
                );
            }
            if range.start >= range.end {
                self.error(
                    range.id,
                    ErrorLocation::Number,
                    "Reserved range end number must be greater than start number.",
                );
            }
        }
        self.allocate_options(
            &proto.options,
            OptionsTarget::Message(id),
            full_name.clone(),
            with(&loc, &[path::MESSAGE_OPTIONS]),
        );
        self.recursion_depth -= 1;
        if self.recursion_depth <= 0 {
            self.error(
                proto.id,
                ErrorLocation::Other,
                "Reached maximum recursion limit for nested messages.",
            );
            // protoc returns here: the message keeps no nested types and gets no symbol
            self.recursion_depth += 1;
            return id;
        }
        for (i, nested) in proto.nested_type.iter().enumerate() {
            let n = self.build_message(
                nested,
                Some(id),
                &full_name,
                with(&loc, &[path::MESSAGE_NESTED, i as i32]),
            );
            self.pool.messages[id.idx()].nested.push(n);
        }
        self.recursion_depth += 1;
        for name in &proto.reserved_name {
            if name.len() > u16::MAX as usize {
                self.error(proto.id, ErrorLocation::Name, "Reserved name too long.");
            }
        }
        self.add_symbol(&full_name, proto.id, Symbol::Message(id));
        self.check_message_numbers(proto, id);
        id
    }

    /// The checks at the end of `BuildMessage`: reserved ranges and names, field count, fields in
    /// extension or reserved ranges, overlapping extension ranges.
    fn check_message_numbers(&mut self, proto: &'p ir::MessageProto, id: MsgId) {
        let ranges = &proto.reserved_range;
        for (i, r1) in ranges.iter().enumerate() {
            for r2 in &ranges[i + 1..] {
                if r1.end > r2.start && r2.end > r1.start {
                    self.error(
                        r1.id,
                        ErrorLocation::Number,
                        format!(
                            "Reserved range {} to {} overlaps with already-defined range {} to {}.",
                            r2.start,
                            r2.end - 1,
                            r1.start,
                            r1.end - 1
                        ),
                    );
                }
            }
        }
        let mut reserved_names = std::collections::HashSet::new();
        for name in &proto.reserved_name {
            if !reserved_names.insert(name.as_slice()) {
                self.error(
                    proto.id,
                    ErrorLocation::Name,
                    [
                        &b"Field name \""[..],
                        name,
                        b"\" is reserved multiple times.",
                    ]
                    .concat(),
                );
            }
        }
        let full_name = self.pool.message(id).full_name.clone();
        if proto.field.len() > MAX_FIELDS_PER_MESSAGE {
            self.error(
                proto.id,
                ErrorLocation::Type,
                format!(
                    "{} fields in {full_name} exceeds the limit of {MAX_FIELDS_PER_MESSAGE}",
                    proto.field.len()
                ),
            );
        }
        for field in &proto.field {
            let number = field.number.unwrap_or(0);
            for range in &proto.extension_range {
                if range.start <= number && number < range.end {
                    self.request_hint(Some(id), (range.id, ErrorLocation::Number), 0, 1);
                    self.error(
                        range.id,
                        ErrorLocation::Number,
                        format!(
                            "Extension range {} to {} includes field \"{}\" ({number}).",
                            range.start,
                            range.end - 1,
                            field.name
                        ),
                    );
                }
            }
            for range in ranges {
                if range.start <= number && number < range.end {
                    self.request_hint(Some(id), (range.id, ErrorLocation::Number), 0, 1);
                    self.error(
                        range.id,
                        ErrorLocation::Number,
                        format!("Field \"{}\" uses reserved number {number}.", field.name),
                    );
                }
            }
            if reserved_names.contains(field.name.as_bytes()) {
                self.error(
                    field.id,
                    ErrorLocation::Name,
                    format!("Field name \"{}\" is reserved.", field.name),
                );
            }
        }
        let ext = &proto.extension_range;
        for (i, r1) in ext.iter().enumerate() {
            for r2 in ranges {
                if r1.end > r2.start && r2.end > r1.start {
                    self.error(
                        r1.id,
                        ErrorLocation::Number,
                        format!(
                            "Extension range {} to {} overlaps with reserved range {} to {}.",
                            r1.start,
                            r1.end - 1,
                            r2.start,
                            r2.end - 1
                        ),
                    );
                }
            }
            for r2 in &ext[i + 1..] {
                if r1.end > r2.start && r2.end > r1.start {
                    self.error(
                        r1.id,
                        ErrorLocation::Number,
                        format!(
                            "Extension range {} to {} overlaps with already-defined range {} to {}.",
                            r2.start,
                            r2.end - 1,
                            r1.start,
                            r1.end - 1
                        ),
                    );
                }
            }
        }
    }

    fn build_oneof(
        &mut self,
        proto: &'p ir::OneofProto,
        parent: MsgId,
        scope: &str,
        loc: Vec<i32>,
    ) -> OneofId {
        let (full_name, name_start) = self.entity_full_name(scope, &proto.name, proto.id);
        self.validate_symbol_name(&proto.name, proto.id);
        let id = OneofId(self.pool.oneofs.len() as u32);
        self.pool.oneofs.push(OneofDesc {
            full_name: full_name.clone(),
            name_start,
            elem: proto.id,
            containing_type: parent,
            fields: Vec::new(),
            options: OptionsSlot::default(),
            is_synthetic: false,
        });
        self.allocate_options(
            &proto.options,
            OptionsTarget::Oneof(id),
            full_name.clone(),
            with(&loc, &[path::ONEOF_OPTIONS]),
        );
        self.add_symbol(&full_name, proto.id, Symbol::Oneof(id));
        id
    }

    fn build_field(
        &mut self,
        proto: &'p ir::FieldProto,
        parent: Option<MsgId>,
        scope: &str,
        is_extension: bool,
        loc: Vec<i32>,
    ) -> FieldId {
        let (full_name, name_start) =
            if field_names_fit(&proto.name, scope, proto.json_name.as_deref()) {
                let full = join(scope, &proto.name);
                let start = (full.len() - proto.name.len()) as u32;
                (full, start)
            } else {
                self.error(proto.id, ErrorLocation::Name, "Name too long.");
                ("unknown".to_string(), 0)
            };
        self.validate_symbol_name(&proto.name, proto.id);
        if proto.proto3_optional && self.edition != Edition::Proto3 {
            self.error(
                proto.id,
                ErrorLocation::Type,
                format!("The [proto3_optional=true] option may only be set on proto3fields, not {full_name}"),
            );
        }
        let label = proto.label.unwrap_or(Label::Optional);
        if label == Label::Required && is_extension {
            self.error(
                proto.id,
                ErrorLocation::Type,
                format!("The extension {full_name} cannot be required."),
            );
        }
        if proto.default_value.is_some() && label == Label::Repeated {
            self.error(
                proto.id,
                ErrorLocation::DefaultValue,
                "Repeated fields can't have default values.",
            );
        }
        let id = FieldId(self.pool.fields.len() as u32);
        let mut desc = FieldDesc {
            full_name: full_name.clone(),
            name_start,
            file: self.file,
            elem: proto.id,
            number: proto.number.unwrap_or(0),
            label,
            field_type: proto.field_type,
            type_name: proto.type_name.clone(),
            type_ref: TypeRef::None,
            is_extension,
            containing_type: if is_extension { None } else { parent },
            extension_scope: if is_extension { parent } else { None },
            extendee: proto.extendee.clone(),
            oneof: None,
            oneof_index: proto.oneof_index,
            proto3_optional: proto.proto3_optional,
            json_name: proto.json_name.clone(),
            default_value: proto.default_value.clone(),
            default_text: None,
            options: OptionsSlot::default(),
            legacy_ctype: None,
            resolved_required: false,
            resolved_group: false,
        };
        if let (Some(field_type), Some(_)) = (proto.field_type, &proto.default_value) {
            desc.default_text = self.scalar_default(proto, field_type);
        }
        self.pool.fields.push(desc);
        self.check_field_number_and_scope(proto, id, parent, is_extension, &full_name);
        self.allocate_options(
            &proto.options,
            OptionsTarget::Field(id),
            full_name.clone(),
            with(&loc, &[path::FIELD_OPTIONS]),
        );
        self.add_symbol(&full_name, proto.id, Symbol::Field(id));
        id
    }

    fn check_field_number_and_scope(
        &mut self,
        proto: &ir::FieldProto,
        id: FieldId,
        parent: Option<MsgId>,
        is_extension: bool,
        full_name: &str,
    ) {
        let number = proto.number.unwrap_or(0);
        if number <= 0 {
            self.request_hint(parent, (proto.id, ErrorLocation::Number), 0, 1);
            self.error(
                proto.id,
                ErrorLocation::Number,
                "Field numbers must be positive integers.",
            );
        } else if !is_extension && number > crate::parser::MAX_FIELD_NUMBER {
            self.request_hint(parent, (proto.id, ErrorLocation::Number), 0, 1);
            self.error(
                proto.id,
                ErrorLocation::Number,
                format!(
                    "Field numbers cannot be greater than {}.",
                    crate::parser::MAX_FIELD_NUMBER
                ),
            );
        }
        let _ = full_name;
        if is_extension {
            if proto.extendee.is_none() {
                self.error(
                    proto.id,
                    ErrorLocation::Extendee,
                    "FieldDescriptorProto.extendee not set for extension field.",
                );
            }
            if proto.oneof_index.is_some() {
                self.error(
                    proto.id,
                    ErrorLocation::Type,
                    "FieldDescriptorProto.oneof_index should not be set for extensions.",
                );
            }
        } else {
            if proto.extendee.is_some() {
                self.error(
                    proto.id,
                    ErrorLocation::Extendee,
                    "FieldDescriptorProto.extendee set for non-extension field.",
                );
            }
            if let (Some(index), Some(parent)) = (proto.oneof_index, parent) {
                let oneofs = &self.pool.message(parent).oneofs;
                if index < 0 || index as usize >= oneofs.len() {
                    let parent_name = self.pool.message(parent).name().to_string();
                    self.error(
                        proto.id,
                        ErrorLocation::Type,
                        format!("FieldDescriptorProto.oneof_index {index} is out of range for type \"{parent_name}\"."),
                    );
                } else {
                    let oneof = oneofs[index as usize];
                    self.pool.fields[id.idx()].oneof = Some(oneof);
                }
            }
        }
    }

    /// The default value of a scalar field as protoc prints it, or its error.
    fn scalar_default(&mut self, proto: &ir::FieldProto, field_type: FieldType) -> Option<Vec<u8>> {
        let text = proto.default_value.as_deref().unwrap_or_default();
        match crate::validate::defaults::scalar_default_text(field_type, text) {
            Ok(value) => value,
            Err(message) => {
                self.error(proto.id, ErrorLocation::DefaultValue, message);
                None
            }
        }
    }

    fn build_extension_range(
        &mut self,
        proto: &'p ir::ExtensionRangeProto,
        parent: MsgId,
        index: usize,
        loc: Vec<i32>,
    ) {
        if proto.start <= 0 {
            self.request_hint(
                Some(parent),
                (proto.id, ErrorLocation::Number),
                proto.start,
                proto.end,
            );
            self.error(
                proto.id,
                ErrorLocation::Number,
                "Extension numbers must be positive integers.",
            );
        }
        if proto.start >= proto.end {
            self.error(
                proto.id,
                ErrorLocation::Number,
                "Extension range end number must be greater than start number.",
            );
        }
        self.pool.messages[parent.idx()]
            .extension_ranges
            .push(ExtensionRange {
                elem: proto.id,
                start: proto.start,
                end: proto.end,
                options: OptionsSlot::default(),
            });
        let scope = self.pool.message(parent).full_name.clone();
        self.allocate_options(
            &proto.options,
            OptionsTarget::ExtensionRange(parent, index),
            scope,
            with(&loc, &[path::EXTENSION_RANGE_OPTIONS]),
        );
    }

    fn build_enum(
        &mut self,
        proto: &'p ir::EnumProto,
        parent: Option<MsgId>,
        scope: &str,
        loc: Vec<i32>,
    ) -> EnumId {
        let (full_name, name_start) = self.entity_full_name(scope, &proto.name, proto.id);
        self.validate_symbol_name(&proto.name, proto.id);
        if proto.value.is_empty() {
            self.error(
                proto.id,
                ErrorLocation::Name,
                "Enums must contain at least one value.",
            );
        }
        let id = EnumId(self.pool.enums.len() as u32);
        self.pool.enums.push(EnumDesc {
            full_name: full_name.clone(),
            name_start,
            file: self.file,
            parent,
            elem: proto.id,
            values: Vec::new(),
            reserved_ranges: proto
                .reserved_range
                .iter()
                .map(|r| (r.start, r.end, r.id))
                .collect(),
            reserved_names: proto.reserved_name.clone(),
            visibility: proto.visibility,
            options: OptionsSlot::default(),
        });
        for (i, value) in proto.value.iter().enumerate() {
            let v = self.build_enum_value(value, id, &with(&loc, &[path::ENUM_VALUE, i as i32]));
            self.pool.enums[id.idx()].values.push(v);
        }
        for range in &proto.reserved_range {
            if range.start > range.end {
                self.error(
                    range.id,
                    ErrorLocation::Number,
                    "Reserved range end number must be greater than start number.",
                );
            }
        }
        for name in &proto.reserved_name {
            if name.len() > u16::MAX as usize {
                self.error(proto.id, ErrorLocation::Name, "Reserved name too long.");
            }
        }
        self.allocate_options(
            &proto.options,
            OptionsTarget::Enum(id),
            full_name.clone(),
            with(&loc, &[path::ENUM_OPTIONS]),
        );
        self.add_symbol(&full_name, proto.id, Symbol::Enum(id));
        crate::validate::enums::check_reserved(self, proto, id);
        id
    }

    fn build_enum_value(
        &mut self,
        proto: &'p ir::EnumValueProto,
        parent: EnumId,
        loc: &[i32],
    ) -> ValueId {
        let enum_desc = self.pool.enum_type(parent);
        let scope_len = enum_desc.full_name.len() - enum_desc.name().len();
        let full_name = format!("{}{}", &enum_desc.full_name[..scope_len], proto.name);
        let outer_parent = enum_desc.parent;
        if full_name.len() > u16::MAX as usize {
            self.error(proto.id, ErrorLocation::Name, "Name too long.");
        }
        let id = ValueId(self.pool.values.len() as u32);
        self.pool.values.push(ValueDesc {
            full_name: full_name.clone(),
            name_start: scope_len as u32,
            elem: proto.id,
            number: proto.number,
            enum_type: parent,
            options: OptionsSlot::default(),
        });
        self.validate_symbol_name(&proto.name, proto.id);
        self.allocate_options(
            &proto.options,
            OptionsTarget::Value(id),
            full_name.clone(),
            with(loc, &[path::ENUM_VALUE_OPTIONS]),
        );
        let added_to_outer = self.add_symbol(&full_name, proto.id, Symbol::EnumValue(id));
        let added_to_inner = !self
            .pool
            .enum_type(parent)
            .values
            .iter()
            .any(|&v| self.pool.value(v).name() == proto.name);
        if added_to_inner && !added_to_outer {
            let outer_scope = match outer_parent {
                Some(m) => self.pool.message(m).full_name.clone(),
                None => self.file_desc().package.clone(),
            };
            let outer_scope = if outer_scope.is_empty() {
                "the global scope".to_string()
            } else {
                format!("\"{outer_scope}\"")
            };
            let enum_name = self.pool.enum_type(parent).name().to_string();
            self.error(
                proto.id,
                ErrorLocation::Name,
                format!(
                    "Note that enum values use C++ scoping rules, meaning that enum values are siblings of their type, not children of it.  Therefore, \"{}\" must be unique within {outer_scope}, not just within \"{enum_name}\".",
                    proto.name
                ),
            );
        }
        id
    }

    fn build_service(
        &mut self,
        proto: &'p ir::ServiceProto,
        scope: &str,
        loc: Vec<i32>,
    ) -> ServiceId {
        let (full_name, name_start) = self.entity_full_name(scope, &proto.name, proto.id);
        self.validate_symbol_name(&proto.name, proto.id);
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
        self.allocate_options(
            &proto.options,
            OptionsTarget::Service(id),
            full_name.clone(),
            with(&loc, &[path::SERVICE_OPTIONS]),
        );
        self.add_symbol(&full_name, proto.id, Symbol::Service(id));
        id
    }

    fn build_method(
        &mut self,
        proto: &'p ir::MethodProto,
        service: ServiceId,
        scope: &str,
        loc: Vec<i32>,
    ) -> MethodId {
        let (full_name, name_start) = self.entity_full_name(scope, &proto.name, proto.id);
        self.validate_symbol_name(&proto.name, proto.id);
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
        self.allocate_options(
            &proto.options,
            OptionsTarget::Method(id),
            full_name.clone(),
            with(&loc, &[path::METHOD_OPTIONS]),
        );
        self.add_symbol(&full_name, proto.id, Symbol::Method(id));
        id
    }
}
