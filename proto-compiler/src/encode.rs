//! The bytes protoc writes for a built file: `FileDescriptor::CopyTo`, then `CopySourceCodeInfoTo` and
//! `CopyJsonNameTo`, serialized as C++ serializes a `FileDescriptorProto` (fields in number order).

use crate::edition::Edition;
use crate::options::dynamic::Val;
use crate::pool::visit::Element;
use crate::pool::{
    EnumId, FieldId, FileId, MethodId, MsgId, OneofId, OptionsKind, OptionsSlot, Pool, ServiceId,
    TypeRef,
};
use crate::source_info::SourceInfo;
use crate::wire;

fn varint_field(number: u32, value: u64, out: &mut Vec<u8>) {
    wire::write_varint(u64::from(number) << 3, out);
    wire::write_varint(value, out);
}

fn int32_field(number: u32, value: i32, out: &mut Vec<u8>) {
    varint_field(number, i64::from(value) as u64, out);
}

fn bytes_field(number: u32, value: &[u8], out: &mut Vec<u8>) {
    wire::write_bytes_field(number, value, out);
}

/// A length-delimited field written in place: a one-byte length is reserved and widened (moving the body)
/// once the body's length is known, so no message body is built in a buffer of its own.
fn message_field(number: u32, out: &mut Vec<u8>, body: impl FnOnce(&mut Vec<u8>)) {
    wire::write_varint(u64::from(number) << 3 | 2, out);
    let at = out.len();
    out.push(0);
    body(out);
    let len = out.len() - at - 1;
    if len < 0x80 {
        out[at] = len as u8;
        return;
    }
    let mut prefix = Vec::with_capacity(10);
    wire::write_varint(len as u64, &mut prefix);
    out.splice(at..at + 1, prefix);
}

/// The options message of a slot as `CopyTo` writes it (features restored), or `None` if it has none.
pub fn slot_options(slot: &OptionsSlot, kind: OptionsKind) -> Option<Vec<u8>> {
    if !slot.present && slot.proto_features.is_none() {
        return None;
    }
    match &slot.proto_features {
        None => Some(slot.msg.to_bytes()),
        Some(features) => {
            let mut msg = slot.msg.clone();
            msg.set(kind.features_field(), Val::Bytes(features.clone()));
            Some(msg.to_bytes())
        }
    }
}

/// The kind of options message an element has.
pub fn options_kind(element: Element) -> OptionsKind {
    match element {
        Element::File => OptionsKind::File,
        Element::Message(_) => OptionsKind::Message,
        Element::Enum(_) => OptionsKind::Enum,
        Element::Value(_) => OptionsKind::EnumValue,
        Element::Oneof(_) => OptionsKind::Oneof,
        Element::Field(_) => OptionsKind::Field,
        Element::ExtensionRange(..) => OptionsKind::ExtensionRange,
        Element::Service(_) => OptionsKind::Service,
        Element::Method(_) => OptionsKind::Method,
    }
}

/// An element's options bytes as `CopyTo` writes them.
pub fn options_bytes(pool: &Pool, file: FileId, element: Element) -> Option<Vec<u8>> {
    let slot = match element {
        Element::File => &pool.file(file).options,
        Element::Message(m) => &pool.message(m).options,
        Element::Enum(e) => &pool.enum_type(e).options,
        Element::Value(v) => &pool.value(v).options,
        Element::Oneof(o) => &pool.oneof(o).options,
        Element::Field(f) => &pool.field(f).options,
        Element::ExtensionRange(m, i) => &pool.message(m).extension_ranges[i].options,
        Element::Service(s) => &pool.services[s.idx()].options,
        Element::Method(m) => &pool.methods[m.idx()].options,
    };
    slot_options(slot, options_kind(element))
}

struct Encoder<'a> {
    pool: &'a Pool,
    legacy: bool,
}

impl Encoder<'_> {
    fn options(&self, slot: &OptionsSlot, kind: OptionsKind, number: u32, out: &mut Vec<u8>) {
        if let Some(bytes) = slot_options(slot, kind) {
            bytes_field(number, &bytes, out);
        }
    }

    fn message(&self, id: MsgId, out: &mut Vec<u8>) {
        let m = self.pool.message(id);
        bytes_field(1, m.name().as_bytes(), out);
        for &f in &m.fields {
            message_field(2, out, |o| self.field(f, o));
        }
        for &n in &m.nested {
            message_field(3, out, |o| self.message(n, o));
        }
        for &e in &m.enums {
            message_field(4, out, |o| self.enum_type(e, o));
        }
        for range in &m.extension_ranges {
            message_field(5, out, |o| {
                int32_field(1, range.start, o);
                int32_field(2, range.end, o);
                self.options(&range.options, OptionsKind::ExtensionRange, 3, o);
            });
        }
        for &f in &m.extensions {
            message_field(6, out, |o| self.field(f, o));
        }
        self.options(&m.options, OptionsKind::Message, 7, out);
        for &o in &m.oneofs {
            message_field(8, out, |out| self.oneof(o, out));
        }
        for &(start, end, _) in &m.reserved_ranges {
            message_field(9, out, |o| {
                int32_field(1, start, o);
                int32_field(2, end, o);
            });
        }
        for name in &m.reserved_names {
            bytes_field(10, name, out);
        }
        if let Some(v) = m.visibility.filter(|&v| v != 0) {
            int32_field(11, v, out);
        }
    }

    fn field(&self, id: FieldId, out: &mut Vec<u8>) {
        let f = self.pool.field(id);
        bytes_field(1, f.name().as_bytes(), out);
        if f.is_extension {
            if let Some(extendee) = f.containing_type {
                bytes_field(
                    2,
                    format!(".{}", self.pool.message(extendee).full_name).as_bytes(),
                    out,
                );
            }
        }
        int32_field(3, f.number, out);
        // `CopyTo`: editions have no required label; a field that `is_required()` is written optional
        let label = if !self.legacy && f.is_required() {
            crate::ir::Label::Optional
        } else {
            f.label
        };
        int32_field(4, label as i32, out);
        if let Some(t) = f.effective_type() {
            let t = if t == crate::ir::FieldType::Group && !self.legacy {
                crate::ir::FieldType::Message
            } else {
                t
            };
            int32_field(5, t as i32, out);
        }
        match f.type_ref {
            TypeRef::Message(m) => bytes_field(
                6,
                format!(".{}", self.pool.message(m).full_name).as_bytes(),
                out,
            ),
            TypeRef::Enum(e) => bytes_field(
                6,
                format!(".{}", self.pool.enum_type(e).full_name).as_bytes(),
                out,
            ),
            TypeRef::None => {}
        }
        if f.default_value.is_some() {
            if let Some(text) = &f.default_text {
                bytes_field(7, text, out);
            }
        }
        self.options(&f.options, OptionsKind::Field, 8, out);
        if let (Some(oneof), false) = (f.oneof, f.is_extension) {
            let index = self
                .pool
                .message(self.pool.oneof(oneof).containing_type)
                .oneofs
                .iter()
                .position(|&o| o == oneof)
                .unwrap_or(0);
            int32_field(9, index as i32, out);
        }
        let json = match &f.json_name {
            Some(custom) => custom.clone(),
            None => crate::pool::names::to_json_name(f.name()).into_bytes(),
        };
        bytes_field(10, &json, out);
        if f.proto3_optional {
            varint_field(17, 1, out);
        }
    }

    fn oneof(&self, id: OneofId, out: &mut Vec<u8>) {
        let o = self.pool.oneof(id);
        bytes_field(1, o.name().as_bytes(), out);
        self.options(&o.options, OptionsKind::Oneof, 2, out);
    }

    fn enum_type(&self, id: EnumId, out: &mut Vec<u8>) {
        let e = self.pool.enum_type(id);
        bytes_field(1, e.name().as_bytes(), out);
        for &v in &e.values {
            let value = self.pool.value(v);
            message_field(2, out, |o| {
                bytes_field(1, value.name().as_bytes(), o);
                int32_field(2, value.number, o);
                self.options(&value.options, OptionsKind::EnumValue, 3, o);
            });
        }
        self.options(&e.options, OptionsKind::Enum, 3, out);
        for &(start, end, _) in &e.reserved_ranges {
            message_field(4, out, |o| {
                int32_field(1, start, o);
                int32_field(2, end, o);
            });
        }
        for name in &e.reserved_names {
            bytes_field(5, name, out);
        }
        if let Some(v) = e.visibility.filter(|&v| v != 0) {
            int32_field(6, v, out);
        }
    }

    fn service(&self, id: ServiceId, out: &mut Vec<u8>) {
        let s = &self.pool.services[id.idx()];
        bytes_field(1, s.name().as_bytes(), out);
        for &m in &s.methods {
            message_field(2, out, |o| self.method(m, o));
        }
        self.options(&s.options, OptionsKind::Service, 3, out);
    }

    fn method(&self, id: MethodId, out: &mut Vec<u8>) {
        let m = &self.pool.methods[id.idx()];
        bytes_field(1, m.name().as_bytes(), out);
        if let Some(input) = m.input {
            bytes_field(
                2,
                format!(".{}", self.pool.message(input).full_name).as_bytes(),
                out,
            );
        }
        if let Some(output) = m.output {
            bytes_field(
                3,
                format!(".{}", self.pool.message(output).full_name).as_bytes(),
                out,
            );
        }
        self.options(&m.options, OptionsKind::Method, 4, out);
        if m.client_streaming {
            varint_field(5, 1, out);
        }
        if m.server_streaming {
            varint_field(6, 1, out);
        }
    }
}

/// The descriptor bytes of a built file with its source info (filtered by `keep`).
pub fn encode_file(
    pool: &Pool,
    id: FileId,
    source_info: &SourceInfo,
    keep: Option<fn(&[i32]) -> bool>,
) -> Vec<u8> {
    let f = pool.file(id);
    let encoder = Encoder {
        pool,
        legacy: f.edition.is_legacy(),
    };
    let mut out = Vec::new();
    bytes_field(1, f.name.as_bytes(), &mut out);
    if !f.package.is_empty() {
        bytes_field(2, f.package.as_bytes(), &mut out);
    }
    for dep in f.dependencies.iter().flatten() {
        bytes_field(3, pool.file(*dep).name.as_bytes(), &mut out);
    }
    for &m in &f.messages {
        message_field(4, &mut out, |o| encoder.message(m, o));
    }
    for &e in &f.enums {
        message_field(5, &mut out, |o| encoder.enum_type(e, o));
    }
    for &s in &f.services {
        message_field(6, &mut out, |o| encoder.service(s, o));
    }
    for &x in &f.extensions {
        message_field(7, &mut out, |o| encoder.field(x, o));
    }
    encoder.options(&f.options, OptionsKind::File, 8, &mut out);
    if source_info.has_recorded() {
        message_field(9, &mut out, |o| source_info.encode(keep, o));
    }
    for &p in &f.public_dependencies {
        int32_field(10, p, &mut out);
    }
    for &w in &f.weak_dependencies {
        int32_field(11, w, &mut out);
    }
    match f.edition {
        Edition::Proto2 => {}
        Edition::Proto3 => bytes_field(12, b"proto3", &mut out),
        edition => {
            bytes_field(12, b"editions", &mut out);
            int32_field(14, edition.number(), &mut out);
        }
    }
    for name in &f.option_dependencies {
        bytes_field(15, name, &mut out);
    }
    out
}
