//! protoc's text for float/double default values (`io::SimpleDtoa` / `io::SimpleFtoa`), built on a C-style
//! `%.Ng` formatter. buf renders these defaults with Go's shortest formatting (`1e+06`, `0.10000000149011612`);
//! re-rendering the parsed value gives protoc's bytes, and is a no-op on protoc's own text.

/// C `printf("%.{precision}g", value)` for finite values.
pub fn format_g(value: f64, precision: usize) -> String {
    let precision = precision.max(1);
    // Rust's `{:e}` rounds exactly (like glibc) and yields e.g. "1.2345e-5".
    let sci = format!("{:.*e}", precision - 1, value);
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    if exponent < -4 || exponent >= precision as i64 {
        let mantissa = strip_fraction_zeros(mantissa);
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    } else {
        let decimals = usize::try_from(precision as i64 - 1 - exponent).unwrap_or(0);
        strip_fraction_zeros(&format!("{value:.decimals$}")).to_string()
    }
}

fn strip_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

fn non_finite(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("nan")
    } else if value == f64::INFINITY {
        Some("inf")
    } else if value == f64::NEG_INFINITY {
        Some("-inf")
    } else {
        None
    }
}

/// `io::SimpleDtoa`: `%.15g`, or `%.17g` when that does not round-trip.
pub fn simple_dtoa(value: f64) -> String {
    if let Some(text) = non_finite(value) {
        return text.to_string();
    }
    let short = format_g(value, 15);
    if short.parse::<f64>().ok() == Some(value) {
        short
    } else {
        format_g(value, 17)
    }
}

/// `io::SimpleFtoa`: `%.6g`, or `%.9g` when `strtof` does not round-trip. protoc's float parse reports a
/// range error for subnormal results, so subnormal floats always take the long form (measured: `1e-45` →
/// `1.40129846e-45`); its double parse has no such rule (`5e-324` → `4.94065645841247e-324`).
pub fn simple_ftoa(value: f32) -> String {
    if let Some(text) = non_finite(f64::from(value)) {
        return text.to_string();
    }
    let short = format_g(f64::from(value), 6);
    if short.parse::<f32>().ok().filter(|v| !v.is_subnormal()) == Some(value) {
        short
    } else {
        format_g(f64::from(value), 9)
    }
}

/// protoc's `NoLocaleStrtod` (absl `from_chars`): the value of the longest prefix of `text` that is a decimal
/// floating-point number, and the length of that prefix (0 if none). Out of range: ±inf for large magnitudes,
/// 0 for tiny ones.
pub fn strtod_prefix(text: &str) -> (f64, usize) {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let int_digits = digits(&mut i);
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        let mut j = i + 1;
        frac_digits = digits(&mut j);
        if int_digits + frac_digits > 0 {
            i = j;
        }
    }
    if int_digits + frac_digits == 0 {
        let rest = &text[i..];
        for (word, value) in [
            ("infinity", f64::INFINITY),
            ("inf", f64::INFINITY),
            ("nan", f64::NAN),
        ] {
            if rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word) {
                let value = if text.starts_with('-') { -value } else { value };
                return (value, i + word.len());
            }
        }
        return (0.0, 0);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if digits(&mut j) > 0 {
            i = j;
        }
    }
    (text[..i].parse::<f64>().unwrap_or(0.0), i)
}

/// protoc's `io::SafeDoubleToFloat`: values just above the float range round to ±max, beyond it to ±inf.
pub fn safe_double_to_float(value: f64) -> f32 {
    const MAX_FLOAT_AS_DOUBLE_ROUNDED: f64 = 3.4028235677973366e+38;
    if value > f64::from(f32::MAX) {
        if value <= MAX_FLOAT_AS_DOUBLE_ROUNDED {
            f32::MAX
        } else {
            f32::INFINITY
        }
    } else if value < -f64::from(f32::MAX) {
        if value >= -MAX_FLOAT_AS_DOUBLE_ROUNDED {
            -f32::MAX
        } else {
            f32::NEG_INFINITY
        }
    } else {
        value as f32
    }
}

/// Parses a default-value text as protoc, buf (Go: `+Inf`, `NaN`) or a user wrote it.
pub fn parse_default(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_g_matches_c() {
        assert_eq!(format_g(123456789.0, 15), "123456789");
        assert_eq!(format_g(1e6, 15), "1000000");
        assert_eq!(format_g(1.2345e-5, 15), "1.2345e-05");
        assert_eq!(format_g(1e15, 15), "1e+15");
        assert_eq!(format_g(0.0001, 6), "0.0001");
        assert_eq!(format_g(-0.0, 15), "-0");
        assert_eq!(format_g(1e100, 17), "1e+100");
        assert_eq!(format_g(9.9999999, 3), "10");
    }

    /// buf's Go-formatted defaults and what protoc writes for the same values.
    #[test]
    fn buf_defaults_render_as_protoc() {
        let dtoa = |s: &str| simple_dtoa(parse_default(s).expect("number"));
        let ftoa = |s: &str| simple_ftoa(parse_default(s).expect("number") as f32);
        assert_eq!(dtoa("1.23456789e+08"), "123456789");
        assert_eq!(dtoa("1e+06"), "1000000");
        assert_eq!(dtoa("1.2345e-05"), "1.2345e-05");
        assert_eq!(ftoa("0.10000000149011612"), "0.1");
        assert_eq!(ftoa("3.4028234663852886e+38"), "3.40282347e+38");
        assert_eq!(ftoa("0.3333333432674408"), "0.333333343");
        assert_eq!(dtoa("+Inf"), "inf");
        assert_eq!(dtoa("-Inf"), "-inf");
        assert_eq!(dtoa("NaN"), "nan");
        assert_eq!(dtoa("-0"), "-0");
        assert_eq!(dtoa("0.1"), "0.1");
        // Subnormal floats take the long form, subnormal doubles do not (measured with protoc 35.1).
        assert_eq!(ftoa("1e-45"), "1.40129846e-45");
        assert_eq!(dtoa("5e-324"), "4.94065645841247e-324");
    }

    #[test]
    fn protoc_text_is_a_fixed_point() {
        for text in [
            "123456789",
            "1000000",
            "1.2345e-05",
            "-0",
            "inf",
            "-inf",
            "nan",
            "0.1",
            "1e+300",
        ] {
            assert_eq!(simple_dtoa(parse_default(text).expect("number")), text);
        }
        for text in [
            "0.1",
            "3.40282347e+38",
            "0.333333343",
            "1e-07",
            "1.40129846e-45",
        ] {
            assert_eq!(
                simple_ftoa(parse_default(text).expect("number") as f32),
                text
            );
        }
    }
    /// Every float/double default of `tests/corpus-extra/.../float_defaults.proto` as buf 1.75.0 sends it and
    /// as protoc 35.1 writes it: (is_float, buf text, protoc text).
    const BUF_AND_PROTOC_DEFAULTS: &[(bool, &str, &str)] = &[
        (false, "0.1", "0.1"),
        (false, "1e+06", "1000000"),
        (false, "1e-07", "1e-07"),
        (false, "1.23456789e+08", "123456789"),
        (false, "3.4028235e+38", "3.4028235e+38"),
        (false, "nan", "nan"),
        (false, "inf", "inf"),
        (false, "-inf", "-inf"),
        (false, "-0", "-0"),
        (false, "0", "0"),
        (false, "1", "1"),
        (false, "-1.5", "-1.5"),
        (false, "100", "100"),
        (false, "1e+15", "1e+15"),
        (false, "1e+16", "1e+16"),
        (false, "1e+17", "1e+17"),
        (false, "1e+21", "1e+21"),
        (false, "1e+22", "1e+22"),
        (false, "1e+100", "1e+100"),
        (false, "1.7976931348623157e+308", "1.7976931348623157e+308"),
        (false, "5e-324", "4.94065645841247e-324"),
        (false, "2.2250738585072014e-308", "2.2250738585072014e-308"),
        (false, "0.30000000000000004", "0.30000000000000004"),
        (false, "1.2345678901234568e+17", "1.2345678901234568e+17"),
        (false, "-2.5e-05", "-2.5e-05"),
        (false, "1e-06", "1e-06"),
        (false, "0.0001", "0.0001"),
        (false, "33.333333333333336", "33.333333333333336"),
        (false, "9.007199254740992e+15", "9007199254740992"),
        (false, "1e-300", "1e-300"),
        (true, "0.10000000149011612", "0.1"),
        (true, "1e+06", "1e+06"),
        (true, "1.0000000116860974e-07", "1e-07"),
        (true, "1.23456792e+08", "123456792"),
        (true, "3.4028234663852886e+38", "3.40282347e+38"),
        (true, "nan", "nan"),
        (true, "inf", "inf"),
        (true, "-inf", "-inf"),
        (true, "-0", "-0"),
        (true, "0", "0"),
        (true, "1", "1"),
        (true, "-1.5", "-1.5"),
        (true, "100", "100"),
        (true, "1.6777216e+07", "16777216"),
        (true, "1.6777216e+07", "16777216"),
        (true, "1.1754943508222875e-38", "1.17549435e-38"),
        (true, "1.401298464324817e-45", "1.40129846e-45"),
        (true, "0.3333333432674408", "0.333333343"),
        (true, "9.999999680285692e+37", "1e+38"),
        (true, "2.499999936844688e-05", "2.5e-05"),
        (true, "9.999999974752427e-07", "1e-06"),
        (true, "1e+10", "1e+10"),
        (true, "3.1415927410125732", "3.14159274"),
        (true, "65504", "65504"),
        (true, "1.000000013351432e-10", "1e-10"),
        (true, "0.10000000149011612", "0.1"),
        (false, "1e+300", "1e+300"),
        (true, "0.10000000149011612", "0.1"),
        (false, "-inf", "-inf"),
        (false, "1e+22", "1e+22"),
        (false, "0.1", "0.1"),
    ];

    #[test]
    fn every_measured_buf_default_renders_as_protoc() {
        for &(is_float, buf_text, protoc_text) in BUF_AND_PROTOC_DEFAULTS {
            for input in [buf_text, protoc_text] {
                let value = parse_default(input).expect("number");
                let rendered = if is_float {
                    simple_ftoa(value as f32)
                } else {
                    simple_dtoa(value)
                };
                assert_eq!(rendered, protoc_text, "from {input} (float: {is_float})");
            }
        }
    }
}
