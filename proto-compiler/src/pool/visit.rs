//! protoc's `VisitDescriptors` order over one file: the file, then each message (its enums and their values,
//! oneofs, fields, nested messages, extensions, extension ranges), the file's enums, extensions, services and
//! their methods. Feature resolution and validation walk in this order, so their messages come in it.

use super::{EnumId, FieldId, FileId, MethodId, MsgId, OneofId, Pool, ServiceId, ValueId};

/// One element of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    File,
    Message(MsgId),
    Enum(EnumId),
    Value(ValueId),
    Oneof(OneofId),
    Field(FieldId),
    ExtensionRange(MsgId, usize),
    Service(ServiceId),
    Method(MethodId),
}

fn visit_enum(pool: &Pool, e: EnumId, out: &mut Vec<Element>) {
    out.push(Element::Enum(e));
    out.extend(pool.enum_type(e).values.iter().map(|&v| Element::Value(v)));
}

fn visit_message(pool: &Pool, m: MsgId, out: &mut Vec<Element>) {
    out.push(Element::Message(m));
    let desc = pool.message(m);
    for &e in &desc.enums {
        visit_enum(pool, e, out);
    }
    out.extend(desc.oneofs.iter().map(|&o| Element::Oneof(o)));
    out.extend(desc.fields.iter().map(|&f| Element::Field(f)));
    for &n in &desc.nested {
        visit_message(pool, n, out);
    }
    out.extend(desc.extensions.iter().map(|&f| Element::Field(f)));
    out.extend((0..desc.extension_ranges.len()).map(|i| Element::ExtensionRange(m, i)));
}

/// The elements of `file` in `VisitDescriptors` order.
pub fn elements(pool: &Pool, file: FileId) -> Vec<Element> {
    let mut out = vec![Element::File];
    let desc = pool.file(file);
    for &m in &desc.messages {
        visit_message(pool, m, &mut out);
    }
    for &e in &desc.enums {
        visit_enum(pool, e, &mut out);
    }
    out.extend(desc.extensions.iter().map(|&f| Element::Field(f)));
    for &s in &desc.services {
        out.push(Element::Service(s));
        out.extend(
            pool.services[s.idx()]
                .methods
                .iter()
                .map(|&m| Element::Method(m)),
        );
    }
    out
}
