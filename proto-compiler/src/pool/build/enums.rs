//! `BuildEnum` and `BuildEnumValue`.

use super::{reserved_ranges, with};
use crate::ir::{self, ErrorLocation};
use crate::parser::path;
use crate::pool::builder::{Builder, OptionsTarget};
use crate::pool::{EnumDesc, EnumId, MsgId, OptionsSlot, Symbol, ValueDesc, ValueId};

impl<'p> Builder<'p> {
    pub(super) fn build_enum(
        &mut self,
        proto: &'p ir::EnumProto,
        parent: Option<MsgId>,
        scope: &str,
        loc: Vec<i32>,
    ) -> EnumId {
        let (full_name, name_start) = self.named_entity(scope, &proto.name, proto.id);
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
            reserved_ranges: reserved_ranges(&proto.reserved_range),
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
        self.options_and_symbol(
            &proto.options,
            OptionsTarget::Enum(id),
            &full_name,
            with(&loc, &[path::ENUM_OPTIONS]),
            proto.id,
            Symbol::Enum(id),
        );
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
        let added_to_outer = self.options_and_symbol(
            &proto.options,
            OptionsTarget::Value(id),
            &full_name,
            with(loc, &[path::ENUM_VALUE_OPTIONS]),
            proto.id,
            Symbol::EnumValue(id),
        );
        let added_to_inner = !self
            .pool
            .enum_type(parent)
            .values
            .iter()
            .any(|&v| self.pool.value(v).name() == proto.name);
        if added_to_inner && !added_to_outer {
            self.enum_value_scope_error(proto, parent, outer_parent);
        }
        id
    }

    /// protoc's note that an enum value is a sibling of its enum, for a value whose name is taken in the
    /// enclosing scope only.
    fn enum_value_scope_error(
        &mut self,
        proto: &ir::EnumValueProto,
        parent: EnumId,
        outer_parent: Option<MsgId>,
    ) {
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
}
