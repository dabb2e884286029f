//! The checks at the end of `BuildMessage`: reserved ranges and names, field count, fields in extension or
//! reserved ranges, overlapping extension ranges.

use std::collections::HashSet;

use crate::ir::{self, ErrorLocation};
use crate::pool::builder::Builder;
use crate::pool::MsgId;

/// protoc's `kMaxFieldsPerMessage`.
const MAX_FIELDS_PER_MESSAGE: usize = 65535;

/// Whether two end-exclusive ranges share a number.
fn overlap((start1, end1): (i32, i32), (start2, end2): (i32, i32)) -> bool {
    end1 > start2 && end2 > start1
}

/// protoc's error for `later` overlapping `earlier` of the same kind (`Reserved` or `Extension`).
fn overlaps_already_defined(kind: &str, later: (i32, i32), earlier: (i32, i32)) -> String {
    format!(
        "{kind} range {} to {} overlaps with already-defined range {} to {}.",
        later.0,
        later.1 - 1,
        earlier.0,
        earlier.1 - 1
    )
}

impl<'p> Builder<'p> {
    pub(super) fn check_message_numbers(&mut self, proto: &'p ir::MessageProto, id: MsgId) {
        let ranges = &proto.reserved_range;
        for (i, r1) in ranges.iter().enumerate() {
            for r2 in &ranges[i + 1..] {
                if overlap((r1.start, r1.end), (r2.start, r2.end)) {
                    let message = overlaps_already_defined(
                        "Reserved",
                        (r2.start, r2.end),
                        (r1.start, r1.end),
                    );
                    self.error(r1.id, ErrorLocation::Number, message);
                }
            }
        }
        let reserved_names = self.check_reserved_names(proto);
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
            self.check_field_not_reserved(proto, id, field, &reserved_names);
        }
        self.check_extension_range_overlaps(proto);
    }

    /// Reserved names given twice; the set of them.
    fn check_reserved_names(&mut self, proto: &'p ir::MessageProto) -> HashSet<&'p [u8]> {
        let mut reserved_names = HashSet::new();
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
        reserved_names
    }

    /// A field whose number is in an extension range or a reserved range, or whose name is reserved.
    fn check_field_not_reserved(
        &mut self,
        proto: &ir::MessageProto,
        id: MsgId,
        field: &ir::FieldProto,
        reserved_names: &HashSet<&[u8]>,
    ) {
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
        for range in &proto.reserved_range {
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

    /// Extension ranges overlapping a reserved range or an earlier extension range.
    fn check_extension_range_overlaps(&mut self, proto: &ir::MessageProto) {
        let ext = &proto.extension_range;
        for (i, r1) in ext.iter().enumerate() {
            for r2 in &proto.reserved_range {
                if overlap((r1.start, r1.end), (r2.start, r2.end)) {
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
                if overlap((r1.start, r1.end), (r2.start, r2.end)) {
                    let message = overlaps_already_defined(
                        "Extension",
                        (r2.start, r2.end),
                        (r1.start, r1.end),
                    );
                    self.error(r1.id, ErrorLocation::Number, message);
                }
            }
        }
    }
}
