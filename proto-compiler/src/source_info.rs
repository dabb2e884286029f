//! `SourceCodeInfo`, kept encoded: every location as the bytes of its `SourceCodeInfo.Location` message, in
//! protoc's order. A large tree has millions of locations, so they are never kept as structs; the only change
//! after parsing, protoc's `UpdateSourceCodeInfo` for interpreted options, rewrites single paths in place.

use std::collections::HashMap;

use crate::wire;

/// One location while the parser builds it.
#[derive(Debug, Clone, Default)]
pub struct Location {
    pub path: Vec<i32>,
    /// start line, start column, [end line,] end column
    pub span: Vec<i32>,
    pub leading: Vec<u8>,
    pub trailing: Vec<u8>,
    pub detached: Vec<Vec<u8>>,
}

const PATH: u32 = 1;
const SPAN: u32 = 2;
const LEADING: u32 = 3;
const TRAILING: u32 = 4;
const DETACHED: u32 = 6;

fn write_packed(field: u32, values: &[i32], out: &mut Vec<u8>) {
    if values.is_empty() {
        return;
    }
    let mut payload = Vec::with_capacity(values.len());
    for &v in values {
        wire::write_varint(i64::from(v) as u64, &mut payload);
    }
    wire::write_bytes_field(field, &payload, out);
}

impl Location {
    /// The `Location` message bytes, fields in number order as protoc serializes them.
    pub fn encode(&self, out: &mut Vec<u8>) {
        write_packed(PATH, &self.path, out);
        write_packed(SPAN, &self.span, out);
        if !self.leading.is_empty() {
            wire::write_bytes_field(LEADING, &self.leading, out);
        }
        if !self.trailing.is_empty() {
            wire::write_bytes_field(TRAILING, &self.trailing, out);
        }
        for d in &self.detached {
            wire::write_bytes_field(DETACHED, d, out);
        }
    }
}

/// A file's locations, encoded.
#[derive(Debug, Default, Clone)]
pub struct SourceInfo {
    bytes: Vec<u8>,
    /// start of each location's message in `bytes` (its end is the next start)
    starts: Vec<u32>,
}

impl SourceInfo {
    pub fn push(&mut self, location: &Location) {
        self.starts.push(self.bytes.len() as u32);
        location.encode(&mut self.bytes);
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    fn location(&self, i: usize) -> &[u8] {
        let start = self.starts[i] as usize;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.bytes.len(), |&e| e as usize);
        &self.bytes[start..end]
    }

    /// The path of an encoded location.
    fn path_of(location: &[u8]) -> Vec<i32> {
        let mut path = Vec::new();
        if let Some(Ok(record)) = wire::records(location).next() {
            if record.field == PATH {
                let mut values = Vec::new();
                if wire::extend_varints(record.value, &mut values).is_ok() {
                    path.extend(values.into_iter().map(|v| v as i32));
                }
            }
        }
        path
    }

    /// The paths of all locations (for tests and diagnostics).
    pub fn paths(&self) -> Vec<Vec<i32>> {
        (0..self.len())
            .map(|i| Self::path_of(self.location(i)))
            .collect()
    }

    /// protoc's `OptionInterpreter::UpdateSourceCodeInfo`: a location whose path is a key of `interpreted`
    /// gets the value as its path, and the locations right after it below its old path are dropped.
    pub fn update_paths(&mut self, interpreted: &HashMap<Vec<i32>, Vec<i32>>) {
        if interpreted.is_empty() {
            return;
        }
        let mut out = SourceInfo::default();
        let mut removing: Option<Vec<i32>> = None;
        for i in 0..self.len() {
            let location = self.location(i);
            let path = Self::path_of(location);
            if let Some(prefix) = &removing {
                if path.len() >= prefix.len() && path[..prefix.len()] == prefix[..] {
                    continue;
                }
                removing = None;
            }
            match interpreted.get(&path) {
                Some(new_path) => {
                    out.starts.push(out.bytes.len() as u32);
                    write_packed(PATH, new_path, &mut out.bytes);
                    for record in wire::records(location).flatten() {
                        if record.field != PATH {
                            out.bytes.extend_from_slice(record.raw);
                        }
                    }
                    removing = Some(path);
                }
                None => {
                    out.starts.push(out.bytes.len() as u32);
                    out.bytes.extend_from_slice(location);
                }
            }
        }
        *self = out;
    }

    /// The `SourceCodeInfo` message bytes, keeping the locations whose path `keep` accepts.
    pub fn encode(&self, keep: Option<fn(&[i32]) -> bool>, out: &mut Vec<u8>) {
        for i in 0..self.len() {
            let location = self.location(i);
            if let Some(keep) = keep {
                if !keep(&Self::path_of(location)) {
                    continue;
                }
            }
            wire::write_bytes_field(1, location, out);
        }
    }
}
