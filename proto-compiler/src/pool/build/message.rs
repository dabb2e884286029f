//! `BuildMessage`, `BuildOneof` and `BuildExtensionRange`.

use super::{reserved_ranges, with};
use crate::ir::{self, ErrorLocation};
use crate::parser::path;
use crate::pool::builder::{Builder, OptionsTarget};
use crate::pool::{ExtensionRange, MessageDesc, MsgId, OneofDesc, OneofId, OptionsSlot, Symbol};

/// A message's descriptor before its members are built.
fn message_desc(
    proto: &ir::MessageProto,
    full_name: String,
    name_start: u32,
    file: crate::pool::FileId,
    parent: Option<MsgId>,
) -> MessageDesc {
    MessageDesc {
        full_name,
        name_start,
        file,
        parent,
        elem: proto.id,
        fields: Vec::new(),
        oneofs: Vec::new(),
        nested: Vec::new(),
        enums: Vec::new(),
        extensions: Vec::new(),
        extension_ranges: Vec::new(),
        reserved_ranges: reserved_ranges(&proto.reserved_range),
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
    }
}

impl<'p> Builder<'p> {
    pub(super) fn build_message(
        &mut self,
        proto: &'p ir::MessageProto,
        parent: Option<MsgId>,
        scope: &str,
        loc: Vec<i32>,
    ) -> MsgId {
        let (full_name, name_start) = self.named_entity(scope, &proto.name, proto.id);
        let id = MsgId(self.pool.messages.len() as u32);
        let desc = message_desc(proto, full_name.clone(), name_start, self.file, parent);
        self.pool.messages.push(desc);
        self.build_message_members(proto, id, &full_name, &loc);
        self.check_reserved_range_bounds(proto, id);
        self.allocate_options(
            &proto.options,
            OptionsTarget::Message(id),
            full_name.clone(),
            with(&loc, &[path::MESSAGE_OPTIONS]),
        );
        if !self.build_nested_messages(proto, id, &full_name, &loc) {
            return id;
        }
        for name in &proto.reserved_name {
            if name.len() > u16::MAX as usize {
                self.error(proto.id, ErrorLocation::Name, "Reserved name too long.");
            }
        }
        self.add_symbol(&full_name, proto.id, Symbol::Message(id));
        self.check_message_numbers(proto, id);
        id
    }

    /// `BUILD_ARRAY` of the oneofs, fields, enums, extension ranges and extensions of a message.
    fn build_message_members(
        &mut self,
        proto: &'p ir::MessageProto,
        id: MsgId,
        full_name: &str,
        loc: &[i32],
    ) {
        for (i, oneof) in proto.oneof_decl.iter().enumerate() {
            let o = self.build_oneof(
                oneof,
                id,
                full_name,
                with(loc, &[path::MESSAGE_ONEOF, i as i32]),
            );
            self.pool.messages[id.idx()].oneofs.push(o);
        }
        for (i, field) in proto.field.iter().enumerate() {
            let f = self.build_field(
                field,
                Some(id),
                full_name,
                false,
                with(loc, &[path::MESSAGE_FIELD, i as i32]),
            );
            self.pool.messages[id.idx()].fields.push(f);
        }
        for (i, enum_type) in proto.enum_type.iter().enumerate() {
            let e = self.build_enum(
                enum_type,
                Some(id),
                full_name,
                with(loc, &[path::MESSAGE_ENUM, i as i32]),
            );
            self.pool.messages[id.idx()].enums.push(e);
        }
        for (i, range) in proto.extension_range.iter().enumerate() {
            self.build_extension_range(
                range,
                id,
                i,
                with(loc, &[path::MESSAGE_EXTENSION_RANGE, i as i32]),
            );
        }
        for (i, extension) in proto.extension.iter().enumerate() {
            let f = self.build_field(
                extension,
                Some(id),
                full_name,
                true,
                with(loc, &[path::MESSAGE_EXTENSION, i as i32]),
            );
            self.pool.messages[id.idx()].extensions.push(f);
        }
    }

    /// `BuildReservedRange` of a message: positive start, end after start.
    fn check_reserved_range_bounds(&mut self, proto: &ir::MessageProto, id: MsgId) {
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
    }

    /// The nested messages, within protoc's recursion limit; false when the limit is reached (protoc
    /// returns from `BuildMessage` there: the message keeps no nested types and gets no symbol).
    fn build_nested_messages(
        &mut self,
        proto: &'p ir::MessageProto,
        id: MsgId,
        full_name: &str,
        loc: &[i32],
    ) -> bool {
        self.recursion_depth -= 1;
        if self.recursion_depth <= 0 {
            self.error(
                proto.id,
                ErrorLocation::Other,
                "Reached maximum recursion limit for nested messages.",
            );
            self.recursion_depth += 1;
            return false;
        }
        for (i, nested) in proto.nested_type.iter().enumerate() {
            let n = self.build_message(
                nested,
                Some(id),
                full_name,
                with(loc, &[path::MESSAGE_NESTED, i as i32]),
            );
            self.pool.messages[id.idx()].nested.push(n);
        }
        self.recursion_depth += 1;
        true
    }

    fn build_oneof(
        &mut self,
        proto: &'p ir::OneofProto,
        parent: MsgId,
        scope: &str,
        loc: Vec<i32>,
    ) -> OneofId {
        let (full_name, name_start) = self.named_entity(scope, &proto.name, proto.id);
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
        self.options_and_symbol(
            &proto.options,
            OptionsTarget::Oneof(id),
            &full_name,
            with(&loc, &[path::ONEOF_OPTIONS]),
            proto.id,
            Symbol::Oneof(id),
        );
        id
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
}
