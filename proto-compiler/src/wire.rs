//! Schema-less protobuf wire format: reading records, slicing sub-messages, re-encoding length prefixes.
//!
//! Everything the plugin embeds in generated code (the serialized descriptor, `_serialized_options`) is sliced
//! from the raw request bytes with these functions, never re-encoded from a decoded message: decoding with
//! prost drops unknown fields (custom options) and fields newer than prost-types' descriptor.proto.

use thiserror::Error;

/// A malformed wire-format buffer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    #[error("truncated varint at byte {0}")]
    TruncatedVarint(usize),
    #[error("varint longer than 10 bytes at byte {0}")]
    VarintTooLong(usize),
    #[error("record at byte {offset} runs past the end of its message ({len} bytes)")]
    Truncated { offset: usize, len: usize },
    #[error("invalid wire type {wire_type} at byte {offset}")]
    InvalidWireType { wire_type: u8, offset: usize },
    #[error("field number 0 at byte {0}")]
    FieldZero(usize),
    #[error("unbalanced group at byte {0}")]
    UnbalancedGroup(usize),
    #[error("no field {field} #{index} in message")]
    MissingPath { field: u32, index: usize },
    #[error("message values nested deeper than {0} levels")]
    TooDeep(usize),
}

/// How deep message values (option values inside `*Options`) may nest: protoc's and prost's recursion
/// limit. Deeper input is an error, never a stack overflow.
pub const MAX_DEPTH: usize = 100;

/// The payload of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64(&'a [u8]),
    /// Length-delimited payload (message, string, bytes, packed).
    Bytes(&'a [u8]),
    /// A whole group including its end tag (kept opaque).
    Group(&'a [u8]),
    Fixed32(&'a [u8]),
}

/// One top-level record of a message: its field number, payload and the raw bytes of the whole record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub field: u32,
    pub value: Value<'a>,
    pub raw: &'a [u8],
}

impl<'a> Record<'a> {
    /// The payload if this is a length-delimited record.
    pub fn bytes(&self) -> Option<&'a [u8]> {
        match self.value {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

/// Reads a varint at `pos`, returning the value and the position after it.
pub fn read_varint(buf: &[u8], pos: usize) -> Result<(u64, usize), WireError> {
    let mut result: u64 = 0;
    let mut i = pos;
    for shift in (0..70).step_by(7) {
        let byte = *buf.get(i).ok_or(WireError::TruncatedVarint(pos))?;
        i += 1;
        result |= u64::from(byte & 0x7f) << shift.min(63);
        if byte & 0x80 == 0 {
            return Ok((result, i));
        }
    }
    Err(WireError::VarintTooLong(pos))
}

/// Appends a varint.
pub fn write_varint(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let bits = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(bits);
            return;
        }
        out.push(bits | 0x80);
    }
}

/// Appends a length-delimited record `field = payload`.
pub fn write_bytes_field(field: u32, payload: &[u8], out: &mut Vec<u8>) {
    write_varint(u64::from(field) << 3 | 2, out);
    write_varint(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

fn take(buf: &[u8], pos: usize, len: u64, offset: usize) -> Result<(&[u8], usize), WireError> {
    let end = usize::try_from(len)
        .ok()
        .and_then(|len| pos.checked_add(len))
        .filter(|&end| end <= buf.len())
        .ok_or(WireError::Truncated {
            offset,
            len: buf.len(),
        })?;
    Ok((&buf[pos..end], end))
}

fn read_key(buf: &[u8], pos: usize) -> Result<(u32, u8, usize), WireError> {
    let (key, next) = read_varint(buf, pos)?;
    let field = u32::try_from(key >> 3).map_err(|_| WireError::InvalidWireType {
        wire_type: 0,
        offset: pos,
    })?;
    if field == 0 {
        return Err(WireError::FieldZero(pos));
    }
    Ok((field, (key & 7) as u8, next))
}

/// Skips the body of a group started before `pos`, returning the position after its end tag.
fn skip_group(buf: &[u8], mut pos: usize, start: usize) -> Result<usize, WireError> {
    let mut depth = 1usize;
    while depth > 0 {
        if pos >= buf.len() {
            return Err(WireError::UnbalancedGroup(start));
        }
        let (_, wire_type, next) = read_key(buf, pos)?;
        pos = match wire_type {
            0 => read_varint(buf, next)?.1,
            1 => take(buf, next, 8, pos)?.1,
            2 => {
                let (len, after_len) = read_varint(buf, next)?;
                take(buf, after_len, len, pos)?.1
            }
            3 => {
                depth += 1;
                next
            }
            4 => {
                depth -= 1;
                next
            }
            5 => take(buf, next, 4, pos)?.1,
            other => {
                return Err(WireError::InvalidWireType {
                    wire_type: other,
                    offset: pos,
                })
            }
        };
    }
    Ok(pos)
}

/// Iterator over the top-level records of a message.
pub struct Records<'a> {
    buf: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.buf.len() {
            return None;
        }
        let result = self.read_one();
        self.failed = result.is_err();
        Some(result)
    }
}

impl<'a> Records<'a> {
    fn read_one(&mut self) -> Result<Record<'a>, WireError> {
        let buf = self.buf;
        let start = self.pos;
        let (field, wire_type, pos) = read_key(buf, start)?;
        let (value, end) = match wire_type {
            0 => {
                let (v, end) = read_varint(buf, pos)?;
                (Value::Varint(v), end)
            }
            1 => {
                let (b, end) = take(buf, pos, 8, start)?;
                (Value::Fixed64(b), end)
            }
            2 => {
                let (len, after_len) = read_varint(buf, pos)?;
                let (b, end) = take(buf, after_len, len, start)?;
                (Value::Bytes(b), end)
            }
            3 => {
                let end = skip_group(buf, pos, start)?;
                (Value::Group(&buf[start..end]), end)
            }
            5 => {
                let (b, end) = take(buf, pos, 4, start)?;
                (Value::Fixed32(b), end)
            }
            other => {
                return Err(WireError::InvalidWireType {
                    wire_type: other,
                    offset: start,
                })
            }
        };
        self.pos = end;
        Ok(Record {
            field,
            value,
            raw: &buf[start..end],
        })
    }
}

/// The top-level records of `buf`, in order.
pub fn records(buf: &[u8]) -> Records<'_> {
    Records {
        buf,
        pos: 0,
        failed: false,
    }
}

/// Checks that `buf` is a well-formed sequence of records (recursively only at the top level).
pub fn validate(buf: &[u8]) -> Result<(), WireError> {
    records(buf).try_for_each(|r| r.map(|_| ()))
}

/// All length-delimited payloads of `field`, in order.
pub fn bytes_fields(buf: &[u8], field: u32) -> Result<Vec<&[u8]>, WireError> {
    let mut out = Vec::new();
    for record in records(buf) {
        let record = record?;
        if record.field == field {
            if let Some(b) = record.bytes() {
                out.push(b);
            }
        }
    }
    Ok(out)
}

/// The last length-delimited payload of `field` (protobuf's "last one wins"), if any.
pub fn last_bytes_field(buf: &[u8], field: u32) -> Result<Option<&[u8]>, WireError> {
    Ok(bytes_fields(buf, field)?.pop())
}

/// The last varint value of `field`, if any.
pub fn last_varint_field(buf: &[u8], field: u32) -> Result<Option<u64>, WireError> {
    let mut found = None;
    for record in records(buf) {
        let record = record?;
        if let (true, Value::Varint(v)) = (record.field == field, record.value) {
            found = Some(v);
        }
    }
    Ok(found)
}

/// Navigates to a nested message by `(field, index)` steps, e.g. `[(4, 0), (3, 1)]` = the second nested type
/// of the first message of a file.
pub fn sub_message<'a>(buf: &'a [u8], path: &[(u32, usize)]) -> Result<&'a [u8], WireError> {
    path.iter().try_fold(buf, |current, &(field, index)| {
        bytes_fields(current, field)?
            .get(index)
            .copied()
            .ok_or(WireError::MissingPath { field, index })
    })
}

/// What to do with one length-delimited record while rewriting a message.
pub enum Edit {
    Keep,
    Drop,
    Replace(Vec<u8>),
}

/// Copies the records of `buf`, passing every length-delimited record through `edit(field, index_of_field,
/// payload)`; other records are copied verbatim. Only the length prefixes of replaced records are re-encoded.
pub fn rewrite(
    buf: &[u8],
    mut edit: impl FnMut(u32, usize, &[u8]) -> Result<Edit, WireError>,
) -> Result<Vec<u8>, WireError> {
    let mut out = Vec::with_capacity(buf.len());
    let mut counters: Vec<(u32, usize)> = Vec::new();
    for record in records(buf) {
        let record = record?;
        let Some(payload) = record.bytes() else {
            out.extend_from_slice(record.raw);
            continue;
        };
        let index = match counters.iter_mut().find(|(f, _)| *f == record.field) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                counters.push((record.field, 1));
                0
            }
        };
        match edit(record.field, index, payload)? {
            Edit::Keep => out.extend_from_slice(record.raw),
            Edit::Drop => {}
            Edit::Replace(new) => write_bytes_field(record.field, &new, &mut out),
        }
    }
    Ok(out)
}

/// Rewrites only the length-delimited records of `field` (e.g. the options of a descriptor message) through
/// `edit`, copying every other record verbatim.
pub fn rewrite_field(
    buf: &[u8],
    field: u32,
    mut edit: impl FnMut(&[u8]) -> Result<Edit, WireError>,
) -> Result<Vec<u8>, WireError> {
    rewrite(buf, |number, _, payload| {
        if number == field {
            edit(payload)
        } else {
            Ok(Edit::Keep)
        }
    })
}

/// Appends the values of one record of a repeated varint field (e.g. `SourceCodeInfo.Location.path`), which
/// writers may encode packed (one length-delimited record) or unpacked (one varint record per value).
pub fn extend_varints(value: Value<'_>, out: &mut Vec<u64>) -> Result<(), WireError> {
    match value {
        Value::Varint(v) => out.push(v),
        Value::Bytes(packed) => {
            let mut pos = 0;
            while pos < packed.len() {
                let (v, next) = read_varint(packed, pos)?;
                out.push(v);
                pos = next;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_round_trip() {
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            write_varint(v, &mut out);
            assert_eq!(read_varint(&out, 0), Ok((v, out.len())));
        }
    }

    #[test]
    fn truncated_inputs_are_errors_not_panics() {
        assert!(read_varint(&[0x80], 0).is_err());
        assert!(records(&[0x0a, 0x05, 1]).any(|r| r.is_err()));
        assert!(records(&[0x0b]).any(|r| r.is_err()), "unterminated group");
        assert!(records(&[0x0f]).any(|r| r.is_err()), "wire type 7");
        assert!(records(&[0x00]).any(|r| r.is_err()), "field 0");
        assert!(read_varint(&[0xff; 11], 0).is_err());
    }

    #[test]
    fn records_keep_raw_bytes() {
        let buf = [0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i'];
        let recs: Vec<_> = records(&buf).collect::<Result<_, _>>().expect("valid");
        assert_eq!(recs[0].value, Value::Varint(150));
        assert_eq!(recs[1].raw, &buf[3..]);
        assert_eq!(recs[1].bytes(), Some(&b"hi"[..]));
    }

    #[test]
    fn rewrite_reencodes_only_replaced_lengths() {
        let buf = [0x12, 0x01, b'a', 0x08, 0x01, 0x12, 0x01, b'b'];
        let out = rewrite(&buf, |field, index, _| {
            Ok(if field == 2 && index == 1 {
                Edit::Replace(b"bbb".to_vec())
            } else {
                Edit::Keep
            })
        })
        .expect("valid");
        assert_eq!(
            out,
            [0x12, 0x01, b'a', 0x08, 0x01, 0x12, 0x03, b'b', b'b', b'b']
        );
    }

    #[test]
    fn sub_message_navigates_by_field_and_index() {
        // field 4 #0 = {field 3 #0 = "x", field 3 #1 = "yz"}
        let inner = [0x1a, 0x01, b'x', 0x1a, 0x02, b'y', b'z'];
        let mut buf = Vec::new();
        write_bytes_field(4, &inner, &mut buf);
        assert_eq!(sub_message(&buf, &[(4, 0), (3, 1)]), Ok(&b"yz"[..]));
        assert!(sub_message(&buf, &[(4, 1)]).is_err());
    }
}
