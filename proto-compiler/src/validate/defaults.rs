//! Default values of scalar fields (`BuildFieldOrExtension`'s default parsing, `DefaultValueAsString`).

use crate::floatfmt;
use crate::ir::FieldType;

/// `strtol`-style parse (base 0: `0x` hex, leading `0` octal) of the whole text.
fn parse_c_integer<T>(text: &str, parse: impl Fn(&str, u32) -> Option<T>) -> Option<T> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (radix, digits) = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, hex)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    parse(
        &if negative {
            format!("-{digits}")
        } else {
            digits.to_string()
        },
        radix,
    )
}

/// The default value of a scalar field as protoc writes it (`DefaultValueAsString`), `Ok(None)` for types
/// without a scalar default, or protoc's error.
pub fn scalar_default_text(field_type: FieldType, text: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let s = String::from_utf8_lossy(text);
    let couldnt = || format!("Couldn't parse default value \"{s}\".");
    use FieldType as T;
    let rendered = match field_type {
        T::Int32 | T::Sint32 | T::Sfixed32 => {
            // strtol: out-of-range saturates (the parser already range-checked)
            let v =
                parse_c_integer(&s, |t, r| i64::from_str_radix(t, r).ok()).ok_or_else(couldnt)?;
            (v as i32).to_string()
        }
        T::Int64 | T::Sint64 | T::Sfixed64 => {
            parse_c_integer(&s, |t, r| i64::from_str_radix(t, r).ok())
                .ok_or_else(couldnt)?
                .to_string()
        }
        T::Uint32 | T::Fixed32 => {
            let v =
                parse_c_integer(&s, |t, r| i128::from_str_radix(t, r).ok()).ok_or_else(couldnt)?;
            (v as u32).to_string()
        }
        T::Uint64 | T::Fixed64 => {
            let v =
                parse_c_integer(&s, |t, r| i128::from_str_radix(t, r).ok()).ok_or_else(couldnt)?;
            (v as u64).to_string()
        }
        T::Float | T::Double => {
            let value = match &*s {
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                "nan" => f64::NAN,
                _ => {
                    let (v, end) = floatfmt::strtod_prefix(&s);
                    if s.is_empty() || end != s.len() {
                        return Err(couldnt());
                    }
                    v
                }
            };
            if field_type == T::Float {
                floatfmt::simple_ftoa(floatfmt::safe_double_to_float(value))
            } else {
                floatfmt::simple_dtoa(value)
            }
        }
        T::Bool => match &*s {
            "true" | "false" => s.to_string(),
            _ => return Err("Boolean default must be true or false.".into()),
        },
        T::String => return Ok(Some(text.to_vec())),
        T::Bytes => {
            let value =
                crate::cescape::c_unescape(text).ok_or("Invalid escaping in default value.")?;
            return Ok(Some(crate::cescape::c_escape(&value).into_bytes()));
        }
        T::Enum => return Ok(None),
        T::Message | T::Group => return Err("Messages can't have default values.".into()),
    };
    Ok(Some(rendered.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_render_as_protoc() {
        let r = |t, s: &str| {
            scalar_default_text(t, s.as_bytes())
                .map(|v| v.map(|b| String::from_utf8(b).expect("utf-8")))
        };
        assert_eq!(r(FieldType::Int32, "-0"), Ok(Some("0".into())));
        assert_eq!(r(FieldType::Float, "1e+40"), Ok(Some("inf".into())));
        assert_eq!(r(FieldType::Float, "0.1"), Ok(Some("0.1".into())));
        assert_eq!(r(FieldType::Double, "-inf"), Ok(Some("-inf".into())));
        assert_eq!(
            r(FieldType::Uint64, "18446744073709551615"),
            Ok(Some("18446744073709551615".into()))
        );
        assert_eq!(r(FieldType::Bytes, "a\\001"), Ok(Some("a\\001".into())));
    }
}
