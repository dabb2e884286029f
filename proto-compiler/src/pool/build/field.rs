//! `BuildFieldOrExtension`: a field's or extension's descriptor and the checks protoc makes on it there.

use super::{join, with};
use crate::edition::Edition;
use crate::ir::{self, ErrorLocation, FieldType, Label};
use crate::parser::path;
use crate::pool::builder::{Builder, OptionsTarget};
use crate::pool::names::field_names_fit;
use crate::pool::{FieldDesc, FieldId, MsgId, OptionsSlot, Symbol, TypeRef};

impl<'p> Builder<'p> {
    pub(super) fn build_field(
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
        let label = self.check_field_label(proto, is_extension, &full_name);
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
        self.check_field_number(proto, parent, is_extension);
        self.check_field_scope(proto, id, parent, is_extension);
        self.options_and_symbol(
            &proto.options,
            OptionsTarget::Field(id),
            &full_name,
            with(&loc, &[path::FIELD_OPTIONS]),
            proto.id,
            Symbol::Field(id),
        );
        id
    }

    /// The label (optional when unset), after protoc's checks of proto3_optional, a required extension
    /// and a repeated field's default.
    fn check_field_label(
        &mut self,
        proto: &ir::FieldProto,
        is_extension: bool,
        full_name: &str,
    ) -> Label {
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
        label
    }

    fn check_field_number(
        &mut self,
        proto: &ir::FieldProto,
        parent: Option<MsgId>,
        is_extension: bool,
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
    }

    /// Extendee and oneof index as an extension or a field has them; a field's oneof linked.
    fn check_field_scope(
        &mut self,
        proto: &ir::FieldProto,
        id: FieldId,
        parent: Option<MsgId>,
        is_extension: bool,
    ) {
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
            return;
        }
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
}
