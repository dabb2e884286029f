//! absl's `CEscape` / `CUnescape`, as protoc applies them to `bytes` default values.

/// `absl::CEscape`: `\n \r \t \" \' \\` escaped by name, other bytes outside printable ASCII as 3-digit octal.
pub fn c_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// `absl::CUnescape`; `None` where absl reports an error.
pub fn c_unescape(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] != b'\\' {
            out.push(text[i]);
            i += 1;
            continue;
        }
        i += 1;
        let c = *text.get(i)?;
        match c {
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'\\' | b'?' | b'\'' | b'"' => out.push(c),
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                for _ in 0..2 {
                    match text.get(i + 1) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(u8::try_from(value).ok()?);
            }
            b'x' | b'X' => {
                let mut value = 0u32;
                let mut any = false;
                while let Some(d) = text.get(i + 1).and_then(|&d| (d as char).to_digit(16)) {
                    value = value.checked_mul(16)?.checked_add(d)?;
                    any = true;
                    i += 1;
                }
                if !any {
                    return None;
                }
                out.push(u8::try_from(value).ok()?);
            }
            _ => return None,
        }
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let bytes = b"a\x00\xff\n\"'\\z";
        let escaped = super::c_escape(bytes);
        assert_eq!(escaped, "a\\000\\377\\n\\\"\\'\\\\z");
        assert_eq!(
            super::c_unescape(escaped.as_bytes()).as_deref(),
            Some(&bytes[..])
        );
    }
}
