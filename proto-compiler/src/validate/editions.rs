//! Editions rules on resolved features (`ValidateFileFeatures`, `ValidateFieldFeatures`) and the support
//! windows of feature definitions (`FeatureResolver::ValidateFeatureSupport`).

use crate::edition::{short_name_of, Edition};
use crate::features;
use crate::ir::{ErrorLocation, FieldType, Label};
use crate::options::dynamic::DynMessage;
use crate::pool::builder::Builder;
use crate::pool::{FieldDesc, FieldId, TypeRef, ValueId};

pub fn validate_file_features(b: &mut Builder<'_>) {
    if b.edition.is_legacy() {
        return;
    }
    let file = b.file_desc();
    let elem = file.elem;
    let presence = file.options.features.field_presence();
    let check_utf8 = file.options.msg.get_bool(27);
    if presence == features::LEGACY_REQUIRED {
        b.error(
            elem,
            ErrorLocation::Editions,
            "Required presence can't be specified by default.",
        );
    }
    if check_utf8 {
        b.error(
            elem,
            ErrorLocation::Editions,
            "File option java_string_check_utf8 is not allowed under editions. Use the (pb.java).utf8_validation feature to control this behavior.",
        );
    }
}

fn explicit_features(b: &Builder<'_>, field: FieldId) -> DynMessage {
    let mut m = DynMessage::default();
    if let Some(bytes) = &b.pool.field(field).options.proto_features {
        let _ = crate::wire::records(bytes).try_for_each(|r| {
            let r = r?;
            if let crate::wire::Value::Varint(v) = r.value {
                m.set(r.field, crate::options::dynamic::Val::Varint(v));
            }
            Ok::<(), crate::wire::WireError>(())
        });
    }
    m
}

fn is_string_map(b: &Builder<'_>, field: FieldId) -> bool {
    let f = b.pool.field(field);
    let TypeRef::Message(m) = f.type_ref else {
        return false;
    };
    b.pool.message(m).map_entry
        && b.pool
            .message(m)
            .fields
            .iter()
            .any(|&x| b.pool.field(x).effective_type() == Some(FieldType::String))
}

pub fn validate_field_features(b: &mut Builder<'_>, field: FieldId) {
    if b.edition < Edition::E2023 {
        return;
    }
    let f = b.pool.field(field).clone();
    let name = |e| (f.elem, e);
    let (elem, loc) = name(ErrorLocation::Name);
    if f.label == Label::Required {
        b.error(elem, loc, "Required label is not allowed under editions.  Use the feature field_presence = LEGACY_REQUIRED to control this behavior.");
    }
    if f.field_type == Some(FieldType::Group) {
        b.error(elem, loc, "Group types are not allowed under editions.  Use the feature message_encoding = DELIMITED to control this behavior.");
    }
    if f.options.msg.has(2) {
        b.error(elem, loc, "Field option packed is not allowed under editions.  Use the repeated_field_encoding feature to control this behavior.");
    }
    if !f.is_repeated() && !f.has_presence() {
        if f.default_value.is_some() {
            b.error(
                elem,
                loc,
                "Implicit presence fields can't specify defaults.",
            );
        }
        if let TypeRef::Enum(e) = f.type_ref {
            if b.pool.enum_is_closed(e) {
                b.error(
                    elem,
                    loc,
                    "Implicit presence enum fields must always be open.",
                );
            }
        }
    }
    if f.is_extension && f.is_required() {
        b.error(elem, loc, "Extensions can't be required.");
    }
    if f.containing_type
        .is_some_and(|m| b.pool.message(m).map_entry)
    {
        return;
    }
    validate_explicit_field_features(b, field, &f);
}

/// The field's explicitly set features (`options.features`), each allowed only for the fields it applies to.
fn validate_explicit_field_features(b: &mut Builder<'_>, field: FieldId, f: &FieldDesc) {
    let (elem, loc) = (f.elem, ErrorLocation::Name);
    let explicit = explicit_features(b, field);
    if let Some(presence) = explicit.get_varint(features::field::FIELD_PRESENCE) {
        if f.oneof.is_some() {
            b.error(elem, loc, "Oneof fields can't specify field presence.");
        } else if f.is_repeated() {
            b.error(elem, loc, "Repeated fields can't specify field presence.");
        } else if f.is_extension && presence as i32 != features::LEGACY_REQUIRED {
            b.error(elem, loc, "Extensions can't specify field presence.");
        } else if matches!(f.type_ref, TypeRef::Message(_)) && presence as i32 == features::IMPLICIT
        {
            b.error(elem, loc, "Message fields can't specify implicit presence.");
        }
    }
    if !f.is_repeated() && explicit.has(features::field::REPEATED_FIELD_ENCODING) {
        b.error(
            elem,
            loc,
            "Only repeated fields can specify repeated field encoding.",
        );
    }
    if f.effective_type() != Some(FieldType::String)
        && !is_string_map(b, field)
        && explicit.has(features::field::UTF8_VALIDATION)
    {
        b.error(elem, loc, "Only string fields can specify utf8 validation.");
    }
    if !super::fields::is_packable(b, field)
        && explicit.get_varint(features::field::REPEATED_FIELD_ENCODING)
            == Some(features::PACKED as u64)
    {
        b.error(
            elem,
            loc,
            "Only repeated primitive fields can specify PACKED repeated field encoding.",
        );
    }
    let is_map_field = matches!(f.type_ref, TypeRef::Message(m) if b.pool.message(m).map_entry);
    if (!matches!(f.type_ref, TypeRef::Message(_)) || is_map_field)
        && explicit.has(features::field::MESSAGE_ENCODING)
    {
        b.error(
            elem,
            loc,
            "Only message fields can specify message encoding.",
        );
    }
}

/// `FeatureSupport` fields.
struct Support {
    introduced: Option<i32>,
    deprecated: Option<i32>,
    warning: Option<String>,
    removed: Option<i32>,
    removal_error: Option<String>,
}

fn support_of(m: &DynMessage) -> Support {
    Support {
        introduced: m.get_varint(1).map(|v| v as i32),
        deprecated: m.get_varint(2).map(|v| v as i32),
        warning: m
            .get_bytes(3)
            .map(|s| String::from_utf8_lossy(s).into_owned()),
        removed: m.get_varint(4).map(|v| v as i32),
        removal_error: m
            .get_bytes(5)
            .map(|s| String::from_utf8_lossy(s).into_owned()),
    }
}

/// `ValidateFeatureSupport`.
fn validate_support(s: &Support, full_name: &str) -> Result<(), String> {
    if let Some(deprecated) = s.deprecated {
        if deprecated < s.introduced.unwrap_or(0) {
            return Err(format!(
                "{full_name} was deprecated before it was introduced."
            ));
        }
        if s.warning.is_none() {
            return Err(format!(
                "{full_name} is deprecated but does not specify a deprecation warning."
            ));
        }
    }
    if s.deprecated.is_none() && s.warning.is_some() {
        return Err(format!("{full_name} specifies a deprecation warning but is not marked deprecated in any edition."));
    }
    if let Some(removed) = s.removed {
        if s.deprecated.unwrap_or(0) >= removed {
            return Err(format!("{full_name} was deprecated after it was removed."));
        }
        if removed < s.introduced.unwrap_or(0) {
            return Err(format!("{full_name} was removed before it was introduced."));
        }
        if s.introduced != Some(removed) && s.removal_error.is_none() {
            return Err(format!(
                "{full_name} has been removed but does not specify a removal error."
            ));
        }
    } else if s.removal_error.is_some() {
        return Err(format!(
            "{full_name} specifies a removal error but is not marked removed in any edition."
        ));
    }
    Ok(())
}

/// FieldOptions.feature_support (22); EnumValueOptions.feature_support (4).
pub fn validate_field_feature_support(b: &mut Builder<'_>, field: FieldId) {
    if b.pool.field(field).options.msg.get_message(22).is_none() {
        return;
    }
    let f = b.pool.field(field).clone();
    let Some(parent_msg) = f.options.msg.get_message(22) else {
        return;
    };
    let parent = support_of(parent_msg);
    let mut result = validate_support(&parent, &f.full_name);
    if result.is_ok() {
        if let TypeRef::Enum(e) = f.type_ref {
            for &v in &b.pool.enum_type(e).values.clone() {
                let value = b.pool.value(v);
                let Some(own) = value.options.msg.get_message(4) else {
                    continue;
                };
                let mut merged = parent_msg.clone();
                for (n, kf) in &own.known {
                    merged.known.insert(*n, kf.clone());
                }
                let s = support_of(&merged);
                if let Err(e) = validate_support(&s, &value.full_name) {
                    result = Err(e);
                    break;
                }
                let field_name = &f.full_name;
                if s.introduced.unwrap_or(0) < parent.introduced.unwrap_or(0) {
                    result = Err(format!(
                        "value {} was introduced before {field_name} was.",
                        value.full_name
                    ));
                } else if parent.removed.is_some()
                    && s.removed.unwrap_or(0) > parent.removed.unwrap_or(0)
                {
                    result = Err(format!(
                        "value {} was removed after {field_name} was.",
                        value.full_name
                    ));
                } else if parent.deprecated.is_some()
                    && s.deprecated.unwrap_or(0) > parent.deprecated.unwrap_or(0)
                {
                    result = Err(format!(
                        "value {} was deprecated after {field_name} was.",
                        value.full_name
                    ));
                }
                if result.is_err() {
                    break;
                }
            }
        }
    }
    if let Err(message) = result {
        b.error(f.elem, ErrorLocation::OptionName, message);
    }
}

pub fn validate_value_feature_support(b: &mut Builder<'_>, value: ValueId) {
    let v = b.pool.value(value);
    let support = v
        .options
        .msg
        .get_message(4)
        .map(support_of)
        .unwrap_or(Support {
            introduced: None,
            deprecated: None,
            warning: None,
            removed: None,
            removal_error: None,
        });
    let elem = v.elem;
    if let Err(message) = validate_support(&support, &v.full_name) {
        b.error(elem, ErrorLocation::OptionName, message);
    }
}

/// The edition names protoc prints in feature lifetime messages.
pub fn edition_name(number: i32) -> &'static str {
    short_name_of(number)
}
