//! `SetOptionValue`: an uninterpreted value checked against the option field's type and encoded as the
//! field's unknown-field record.

use super::interpret::{OptionField, Side};
use crate::ir::{ErrorLocation, FieldType, OptionValue, UninterpretedOption};
use crate::pool::builder::Builder;
use crate::pool::{Symbol, TypeRef};
use crate::wire;

fn out_of_range(type_name: &str, min: i128, max: i128, option: &str) -> String {
    format!("Value out of range, {min} to {max}, for {type_name} option \"{option}\".")
}
fn must_be_int(type_name: &str, min: i128, max: i128, option: &str) -> String {
    format!("Value must be integer, from {min} to {max}, for {type_name} option \"{option}\".")
}

fn tag(number: i32, wire_type: u64, out: &mut Vec<u8>) {
    wire::write_varint(u64::from(number as u32) << 3 | wire_type, out);
}

/// Encodes an integer option value per the field's type (`SetInt32` ... `SetUInt64`).
fn put_integer(number: i32, field_type: FieldType, value: i64, out: &mut Vec<u8>) {
    match field_type {
        FieldType::Sfixed32 | FieldType::Fixed32 => {
            tag(number, 5, out);
            out.extend_from_slice(&(value as u32).to_le_bytes());
        }
        FieldType::Sfixed64 | FieldType::Fixed64 => {
            tag(number, 1, out);
            out.extend_from_slice(&(value as u64).to_le_bytes());
        }
        FieldType::Sint32 => {
            tag(number, 0, out);
            let v = value as i32;
            wire::write_varint(u64::from(((v << 1) ^ (v >> 31)) as u32), out);
        }
        FieldType::Sint64 => {
            tag(number, 0, out);
            wire::write_varint(((value << 1) ^ (value >> 63)) as u64, out);
        }
        FieldType::Uint32 => {
            tag(number, 0, out);
            wire::write_varint(u64::from(value as u32), out);
        }
        _ => {
            tag(number, 0, out);
            wire::write_varint(value as u64, out);
        }
    }
}

/// A scalar option value checked against the field's type and appended to `out` as its record, or
/// protoc's error naming the option.
fn encode_scalar(
    field_type: FieldType,
    number: i32,
    value: &OptionValue,
    name: &str,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    match field_type {
        FieldType::Float | FieldType::Double => {
            encode_floating(field_type, number, value, name, out)
        }
        FieldType::Bool => encode_bool(number, value, name, out),
        FieldType::String | FieldType::Bytes => {
            let OptionValue::String(s) = value else {
                return Err(format!(
                    "Value must be quoted string for string option \"{name}\"."
                ));
            };
            wire::write_bytes_field(number as u32, s, out);
            Ok(())
        }
        FieldType::Enum | FieldType::Message | FieldType::Group => Ok(()),
        _ => encode_integer(field_type, number, value, name, out),
    }
}

/// `SetInt32` ... `SetUInt64` with protoc's range checks.
fn encode_integer(
    field_type: FieldType,
    number: i32,
    value: &OptionValue,
    name: &str,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let (type_name, min, max) = match field_type {
        FieldType::Int32 | FieldType::Sint32 | FieldType::Sfixed32 => {
            ("int32", i128::from(i32::MIN), i128::from(i32::MAX))
        }
        FieldType::Int64 | FieldType::Sint64 | FieldType::Sfixed64 => {
            ("int64", i128::from(i64::MIN), i128::from(i64::MAX))
        }
        FieldType::Uint32 | FieldType::Fixed32 => ("uint32", 0, i128::from(u32::MAX)),
        _ => ("uint64", 0, i128::from(u64::MAX)),
    };
    let v = match value {
        OptionValue::Positive(v) => i128::from(*v),
        OptionValue::Negative(v) if min < 0 => i128::from(*v),
        _ => return Err(must_be_int(type_name, min, max, name)),
    };
    if v < min || v > max {
        return Err(out_of_range(type_name, min, max, name));
    }
    // a uint64 above i64::MAX keeps its bits
    put_integer(number, field_type, v as i64, out);
    Ok(())
}

/// `SetFloat` / `SetDouble`: a number, `inf` or `nan`.
fn encode_floating(
    field_type: FieldType,
    number: i32,
    value: &OptionValue,
    name: &str,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let double = match value {
        OptionValue::Double(d) => *d,
        OptionValue::Positive(v) => *v as f64,
        OptionValue::Negative(v) => *v as f64,
        OptionValue::Identifier(i) if i == "inf" => f64::INFINITY,
        OptionValue::Identifier(i) if i == "nan" => f64::NAN,
        _ => {
            let kind = if field_type == FieldType::Float {
                "float"
            } else {
                "double"
            };
            return Err(format!(
                "Value must be number for {kind} option \"{name}\"."
            ));
        }
    };
    if field_type == FieldType::Float {
        let single = match value {
            OptionValue::Positive(v) => *v as f32,
            OptionValue::Negative(v) => *v as f32,
            _ => double as f32,
        };
        tag(number, 5, out);
        out.extend_from_slice(&single.to_bits().to_le_bytes());
    } else {
        tag(number, 1, out);
        out.extend_from_slice(&double.to_bits().to_le_bytes());
    }
    Ok(())
}

/// `SetBool`: the identifier `true` or `false`.
fn encode_bool(
    number: i32,
    value: &OptionValue,
    name: &str,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let OptionValue::Identifier(identifier) = value else {
        return Err(format!(
            "Value must be identifier for boolean option \"{name}\"."
        ));
    };
    let v = match identifier.as_str() {
        "true" => 1,
        "false" => 0,
        _ => {
            return Err(format!(
                "Value must be \"true\" or \"false\" for boolean option \"{name}\"."
            ))
        }
    };
    tag(number, 0, out);
    wire::write_varint(v, out);
    Ok(())
}

impl<'p> Builder<'p> {
    fn value_error(&mut self, option: &UninterpretedOption, message: String) -> bool {
        self.error(option.id, ErrorLocation::OptionValue, message);
        false
    }

    /// `SetOptionValue`: appends the option's encoded record to `out`, or reports why the value does not fit.
    pub fn set_option_value(
        &mut self,
        leaf: OptionField,
        option: &UninterpretedOption,
        out: &mut Vec<u8>,
    ) -> bool {
        let f = self.side_pool(leaf.side).field(leaf.field);
        let Some(field_type) = f.effective_type() else {
            return true;
        };
        let number = f.number;
        match field_type {
            FieldType::Enum => return self.set_enum_value(leaf, option, out),
            FieldType::Message | FieldType::Group => {
                let f = f.clone();
                return self.set_aggregate_option(leaf, &f, option, out);
            }
            _ => {}
        }
        // named only for the messages (every option of a large tree passes here)
        let name = self.leaf_name(leaf);
        match encode_scalar(field_type, number, &option.value, &name, out) {
            Ok(()) => true,
            Err(message) => self.value_error(option, message),
        }
    }

    fn enum_name(&self, leaf: OptionField, enum_type: crate::pool::EnumId) -> String {
        self.side_pool(leaf.side)
            .enum_type(enum_type)
            .full_name
            .clone()
    }

    /// The full name of an option's field (for messages).
    fn leaf_name(&self, leaf: OptionField) -> String {
        self.side_pool(leaf.side)
            .field(leaf.field)
            .full_name
            .clone()
    }

    fn set_enum_value(
        &mut self,
        leaf: OptionField,
        option: &UninterpretedOption,
        out: &mut Vec<u8>,
    ) -> bool {
        let (type_ref, field_number) = {
            let f = self.side_pool(leaf.side).field(leaf.field);
            (f.type_ref, f.number)
        };
        let OptionValue::Identifier(value_name) = &option.value else {
            let name = self.leaf_name(leaf);
            return self.value_error(
                option,
                format!("Value must be identifier for enum-valued option \"{name}\"."),
            );
        };
        let TypeRef::Enum(enum_type) = type_ref else {
            return true;
        };
        let number = match leaf.side {
            Side::Current => {
                let e = self.pool.enum_type(enum_type);
                let scope = &e.full_name[..e.full_name.len() - e.name().len()];
                let qualified = format!("{scope}{value_name}");
                match self.find_symbol_not_enforcing_deps(&qualified) {
                    Some(Symbol::EnumValue(v)) if self.pool.value(v).enum_type != enum_type => {
                        let (name, enum_name) =
                            (self.leaf_name(leaf), self.enum_name(leaf, enum_type));
                        return self.value_error(
                            option,
                            format!("Enum type \"{enum_name}\" has no value named \"{value_name}\" for option \"{name}\". This appears to be a value from a sibling type."),
                        );
                    }
                    Some(Symbol::EnumValue(v)) => Some(self.pool.value(v).number),
                    _ => None,
                }
            }
            Side::Generated => {
                let pool = self.side_pool(Side::Generated);
                pool.find_value_by_name(enum_type, value_name)
                    .map(|v| pool.value(v).number)
            }
        };
        let Some(number) = number else {
            let (name, enum_name) = (self.leaf_name(leaf), self.enum_name(leaf, enum_type));
            return self.value_error(
                option,
                format!("Enum type \"{enum_name}\" has no value named \"{value_name}\" for option \"{name}\"."),
            );
        };
        tag(field_number, 0, out);
        wire::write_varint(number as i64 as u64, out);
        true
    }
}
