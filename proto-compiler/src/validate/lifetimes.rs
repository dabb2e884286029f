//! Feature lifetimes (`DeferredValidation` / `FeatureResolver::ValidateFeatureLifetimes`): after an input
//! file and its imports are built, every explicit feature and option set in them is checked against the
//! `feature_support` of its field and enum value: used before it was introduced or after it was removed is
//! an error, after it was deprecated a warning (for input files only).

use crate::edition::{short_name_of, Edition};
use crate::ir::ElemId;
use crate::options::dynamic::{DynMessage, Val};
use crate::options::{GeneratedPool, PoolSchema};
use crate::pool::visit::{elements, Element};
use crate::pool::{FileId, MsgId, OptionsKind, OptionsSlot, Pool, TypeRef};

/// One finding: the element, whether it is an error, the message (bytes: it quotes the `feature_support`
/// strings as written, UTF-8 or not).
pub type Finding = (ElemId, bool, Vec<u8>);

fn check_support(
    edition: Edition,
    full_name: &str,
    support: Option<&DynMessage>,
    out: &mut Vec<(bool, Vec<u8>)>,
) {
    let Some(s) = support else { return };
    let introduced = s.get_varint(1).map_or(0, |v| v as i32);
    if edition.number() < introduced {
        out.push((
            true,
            format!(
                "{full_name} wasn't introduced until edition {} and can't be used in edition {}",
                short_name_of(introduced),
                edition.short_name()
            )
            .into_bytes(),
        ));
    }
    if let Some(removed) = s
        .get_varint(4)
        .map(|v| v as i32)
        .filter(|&r| edition.number() >= r)
    {
        let mut message = format!(
            "{full_name} has been removed in edition {}",
            short_name_of(removed)
        )
        .into_bytes();
        if let Some(error) = s.get_bytes(5) {
            message.extend_from_slice(b": ");
            message.extend_from_slice(error);
        }
        out.push((true, message));
    } else if let Some(deprecated) = s
        .get_varint(2)
        .map(|v| v as i32)
        .filter(|&d| edition.number() >= d)
    {
        let mut message = format!(
            "{full_name} has been deprecated in edition {}: ",
            short_name_of(deprecated)
        )
        .into_bytes();
        message.extend_from_slice(s.get_bytes(3).unwrap_or_default());
        out.push((false, message));
    }
}

/// `ValidateFeatureLifetimesImpl` over a message parsed with `pool`'s schema.
fn walk(
    pool: &Pool,
    edition: Edition,
    message_type: MsgId,
    message: &DynMessage,
    out: &mut Vec<(bool, Vec<u8>)>,
) {
    for (&number, known) in &message.known {
        let field = pool
            .find_field_by_number(message_type, number as i32)
            .or_else(|| pool.extensions.get(&(message_type, number as i32)).copied());
        let Some(field) = field else { continue };
        let f = pool.field(field);
        if let TypeRef::Message(m) = f.type_ref {
            for v in &known.values {
                if let Val::Message(child) | Val::Group(child) = v {
                    walk(pool, edition, m, child, out);
                }
            }
        }
        if let TypeRef::Enum(e) = f.type_ref {
            for v in &known.values {
                if let Val::Varint(n) = v {
                    if let Some(value) = pool.find_value_by_number(e, *n as i32) {
                        let value = pool.value(value);
                        check_support(
                            edition,
                            &value.full_name,
                            value.options.msg.get_message(4),
                            out,
                        );
                    }
                }
            }
        }
        check_support(edition, &f.full_name, f.options.msg.get_message(22), out);
    }
}

fn check_message(
    pool: &Pool,
    generated: Option<&GeneratedPool>,
    edition: Edition,
    type_name: &str,
    bytes: &[u8],
    out: &mut Vec<(bool, Vec<u8>)>,
) {
    let (schema_pool, message_type) = match pool.find_message(type_name) {
        Some(m) => (pool, m),
        None => {
            match generated.and_then(|g| g.pool.find_message(type_name).map(|m| (&g.pool, m))) {
                Some(found) => found,
                None => return,
            }
        }
    };
    let mut message = DynMessage::default();
    if message
        .merge_from(bytes, &PoolSchema { pool: schema_pool }, message_type.0)
        .is_ok()
    {
        walk(schema_pool, edition, message_type, &message, out);
    }
}

fn slot_of(pool: &Pool, file: FileId, element: Element) -> (&OptionsSlot, OptionsKind, ElemId) {
    match element {
        Element::File => (
            &pool.file(file).options,
            OptionsKind::File,
            pool.file(file).elem,
        ),
        Element::Message(m) => (
            &pool.message(m).options,
            OptionsKind::Message,
            pool.message(m).elem,
        ),
        Element::Enum(e) => (
            &pool.enum_type(e).options,
            OptionsKind::Enum,
            pool.enum_type(e).elem,
        ),
        Element::Value(v) => (
            &pool.value(v).options,
            OptionsKind::EnumValue,
            pool.value(v).elem,
        ),
        Element::Oneof(o) => (
            &pool.oneof(o).options,
            OptionsKind::Oneof,
            pool.oneof(o).elem,
        ),
        Element::Field(f) => (
            &pool.field(f).options,
            OptionsKind::Field,
            pool.field(f).elem,
        ),
        Element::ExtensionRange(m, i) => {
            let r = &pool.message(m).extension_ranges[i];
            (&r.options, OptionsKind::ExtensionRange, r.elem)
        }
        Element::Service(s) => (
            &pool.services[s.idx()].options,
            OptionsKind::Service,
            pool.services[s.idx()].elem,
        ),
        Element::Method(m) => (
            &pool.methods[m.idx()].options,
            OptionsKind::Method,
            pool.methods[m.idx()].elem,
        ),
    }
}

/// The lifetime findings of one built file, in protoc's order (element by element: features, then options).
pub fn check_file(pool: &Pool, generated: Option<&GeneratedPool>, file: FileId) -> Vec<Finding> {
    let edition = pool.file(file).edition;
    let mut findings = Vec::new();
    for element in elements(pool, file) {
        let (slot, kind, elem) = slot_of(pool, file, element);
        let mut out = Vec::new();
        if let Some(features) = &slot.proto_features {
            check_message(
                pool,
                generated,
                edition,
                "google.protobuf.FeatureSet",
                features,
                &mut out,
            );
        }
        let options = slot.msg.to_bytes();
        if slot.present && !options.is_empty() {
            check_message(
                pool,
                generated,
                edition,
                kind.message_name(),
                &options,
                &mut out,
            );
        }
        findings.extend(
            out.into_iter()
                .map(|(is_error, message)| (elem, is_error, message)),
        );
    }
    findings
}
