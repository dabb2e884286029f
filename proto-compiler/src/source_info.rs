//! `SourceCodeInfo`, kept encoded: every location as the bytes of its `SourceCodeInfo.Location` message, in
//! protoc's order. A large tree has millions of locations, so they are never kept as structs; the only change
//! after parsing, protoc's `UpdateSourceCodeInfo` for interpreted options, rewrites single paths in place.

use crate::wire;

/// One location with its comments (what a location arena entry expands to).
#[derive(Debug, Clone, Default)]
pub struct Location {
    pub path: Vec<i32>,
    /// start line, start column, [end line,] end column
    pub span: Vec<i32>,
    pub leading: Vec<u8>,
    pub trailing: Vec<u8>,
    pub detached: Vec<Vec<u8>>,
}

/// The comments attached to a location.
#[derive(Debug, Clone, Default)]
struct Attached {
    leading: Vec<u8>,
    trailing: Vec<u8>,
    detached: Vec<Vec<u8>>,
}

/// A location while the parser builds it: its path in the arena's path pool, its span inline.
#[derive(Debug, Clone, Copy)]
struct Rec {
    path_start: u32,
    path_len: u32,
    span: [i32; 4],
    span_len: u8,
    /// index into the comments, or `u32::MAX`
    comments: u32,
}

/// The locations of a file being parsed, compact: a file can have hundreds of thousands.
#[derive(Debug, Default)]
pub struct LocArena {
    recs: Vec<Rec>,
    paths: Vec<i32>,
    comments: Vec<Attached>,
}

thread_local! {
    /// A parser's arena, kept per thread with its capacity: the arenas of large files are big, and fresh
    /// memory for each file costs more than the parse.
    static SPARE_ARENA: std::cell::RefCell<Option<LocArena>> = const { std::cell::RefCell::new(None) };
}

impl LocArena {
    /// An empty arena, reusing this thread's spare one.
    pub fn take() -> LocArena {
        SPARE_ARENA
            .with(|spare| spare.borrow_mut().take())
            .unwrap_or_default()
    }

    /// Empties the arena and keeps it as this thread's spare.
    pub fn recycle(mut self) {
        self.recs.clear();
        self.paths.clear();
        self.comments.clear();
        SPARE_ARENA.with(|spare| *spare.borrow_mut() = Some(self));
    }

    /// A new location: `parent`'s path extended by `extra`, starting at (`line`, `column`).
    pub fn push(&mut self, parent: Option<usize>, extra: &[i32], line: i32, column: i32) -> usize {
        let path_start = self.paths.len() as u32;
        if let Some(p) = parent {
            let r = self.recs[p];
            let (start, len) = (r.path_start as usize, r.path_len as usize);
            self.paths.extend_from_within(start..start + len);
        }
        self.paths.extend_from_slice(extra);
        let path_len = self.paths.len() as u32 - path_start;
        self.recs.push(Rec {
            path_start,
            path_len,
            span: [line, column, 0, 0],
            span_len: 2,
            comments: u32::MAX,
        });
        self.recs.len() - 1
    }

    pub fn len(&self) -> usize {
        self.recs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Appends a path component (moving the path to the end of the pool if needed).
    pub fn add_path(&mut self, loc: usize, component: i32) {
        let r = self.recs[loc];
        let end = (r.path_start + r.path_len) as usize;
        if end != self.paths.len() {
            let start = self.paths.len();
            self.paths.extend_from_within(r.path_start as usize..end);
            self.recs[loc].path_start = start as u32;
        }
        self.paths.push(component);
        self.recs[loc].path_len += 1;
    }

    pub fn path(&self, loc: usize) -> &[i32] {
        let r = &self.recs[loc];
        &self.paths[r.path_start as usize..(r.path_start + r.path_len) as usize]
    }

    pub fn span(&self, loc: usize) -> &[i32] {
        let r = &self.recs[loc];
        &r.span[..r.span_len as usize]
    }

    pub fn set_start(&mut self, loc: usize, line: i32, column: i32) {
        self.recs[loc].span[0] = line;
        self.recs[loc].span[1] = column;
    }

    /// `EndAt`: the end line (if not the start line) and end column.
    pub fn end_at(&mut self, loc: usize, line: i32, end_column: i32) {
        let r = &mut self.recs[loc];
        if line != r.span[0] && (r.span_len as usize) < 4 {
            r.span[r.span_len as usize] = line;
            r.span_len += 1;
        }
        if (r.span_len as usize) < 4 {
            r.span[r.span_len as usize] = end_column;
            r.span_len += 1;
        }
    }

    pub fn attach_comments(
        &mut self,
        loc: usize,
        leading: Vec<u8>,
        trailing: Vec<u8>,
        detached: Vec<Vec<u8>>,
    ) {
        if leading.is_empty() && trailing.is_empty() && detached.is_empty() {
            return;
        }
        self.recs[loc].comments = self.comments.len() as u32;
        self.comments.push(Attached {
            leading,
            trailing,
            detached,
        });
    }

    /// Removes the locations from `first` on and returns them.
    pub fn split_off(&mut self, first: usize) -> Vec<Location> {
        let taken: Vec<Location> = (first..self.recs.len()).map(|i| self.location(i)).collect();
        self.recs.truncate(first);
        taken
    }

    /// Appends a location.
    pub fn push_location(&mut self, location: &Location) {
        let loc = self.push(None, &location.path, location.span[0], location.span[1]);
        let r = &mut self.recs[loc];
        r.span_len = location.span.len() as u8;
        r.span[..location.span.len()].copy_from_slice(&location.span);
        self.attach_comments(
            loc,
            location.leading.clone(),
            location.trailing.clone(),
            location.detached.clone(),
        );
    }

    fn location(&self, i: usize) -> Location {
        let r = &self.recs[i];
        let attached = self
            .comments
            .get(r.comments as usize)
            .cloned()
            .unwrap_or_default();
        Location {
            path: self.path(i).to_vec(),
            span: self.span(i).to_vec(),
            leading: attached.leading,
            trailing: attached.trailing,
            detached: attached.detached,
        }
    }

    /// The encoded source info (the arena is recycled), with only the locations `keep` accepts when given
    /// (see [`SourceInfo::encode`]); a location below an uninterpreted option is kept regardless, since
    /// option interpretation may still give it a path `keep` accepts.
    pub fn into_source_info(self, keep: Option<fn(&[i32]) -> bool>) -> SourceInfo {
        let kept = |i: usize| {
            keep.is_none_or(|keep| {
                let path = self.path(i);
                keep(path) || path.contains(&crate::parser::path::UNINTERPRETED_OPTION)
            })
        };
        let mut info = SourceInfo {
            recorded: self.recs.len(),
            ..SourceInfo::default()
        };
        if keep.is_some() {
            for (i, r) in self.recs.iter().enumerate() {
                if kept(i) {
                    self.encode_location(i, r, &mut info);
                }
            }
            self.recycle();
            return info;
        }
        info.starts.reserve_exact(self.recs.len());
        let comment_bytes: usize = self
            .comments
            .iter()
            .map(|c| {
                c.leading.len()
                    + c.trailing.len()
                    + c.detached.iter().map(|d| d.len() + 3).sum::<usize>()
                    + 6
            })
            .sum();
        info.bytes
            .reserve_exact(self.paths.len() * 2 + self.recs.len() * 12 + comment_bytes);
        for (i, r) in self.recs.iter().enumerate() {
            self.encode_location(i, r, &mut info);
        }
        self.recycle();
        info
    }

    fn encode_location(&self, i: usize, r: &Rec, info: &mut SourceInfo) {
        info.starts.push(info.bytes.len() as u32);
        write_packed(PATH, self.path(i), &mut info.bytes);
        write_packed(SPAN, &r.span[..r.span_len as usize], &mut info.bytes);
        if let Some(c) = self.comments.get(r.comments as usize) {
            if !c.leading.is_empty() {
                wire::write_bytes_field(LEADING, &c.leading, &mut info.bytes);
            }
            if !c.trailing.is_empty() {
                wire::write_bytes_field(TRAILING, &c.trailing, &mut info.bytes);
            }
            for d in &c.detached {
                wire::write_bytes_field(DETACHED, d, &mut info.bytes);
            }
        }
    }
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
    let mut payload = [0u8; 64];
    let mut len = 0;
    let mut big = Vec::new();
    for &v in values {
        let v = i64::from(v) as u64;
        if len + 10 > payload.len() {
            big.extend_from_slice(&payload[..len]);
            len = 0;
        }
        let mut x = v;
        loop {
            let bits = (x & 0x7f) as u8;
            x >>= 7;
            if x == 0 {
                payload[len] = bits;
                len += 1;
                break;
            }
            payload[len] = bits | 0x80;
            len += 1;
        }
    }
    if big.is_empty() {
        wire::write_bytes_field(field, &payload[..len], out);
    } else {
        big.extend_from_slice(&payload[..len]);
        wire::write_bytes_field(field, &big, out);
    }
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
    /// How many locations the parser recorded, kept or not: protoc writes a `SourceCodeInfo` when there
    /// was any.
    recorded: usize,
}

impl SourceInfo {
    pub fn push(&mut self, location: &Location) {
        self.starts.push(self.bytes.len() as u32);
        self.recorded += 1;
        location.encode(&mut self.bytes);
    }

    /// Whether the parser recorded any location (protoc then writes the `source_code_info` field, even
    /// if none of its locations is kept).
    pub fn has_recorded(&self) -> bool {
        self.recorded > 0
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// About the size of the encoded `SourceCodeInfo`.
    pub fn encoded_len(&self) -> usize {
        self.bytes.len() + 3 * self.starts.len()
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
                match record.value {
                    wire::Value::Varint(value) => path.push(value as i32),
                    wire::Value::Bytes(packed) => {
                        path.reserve(packed.len());
                        let mut pos = 0;
                        while pos < packed.len() {
                            match wire::read_varint(packed, pos) {
                                Ok((value, next)) => {
                                    path.push(value as i32);
                                    pos = next;
                                }
                                Err(_) => return Vec::new(),
                            }
                        }
                    }
                    _ => {}
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
    pub fn update_paths(
        &mut self,
        interpreted: &crate::pool::fxhash::FxHashMap<Vec<i32>, Vec<i32>>,
    ) {
        if interpreted.is_empty() {
            return;
        }
        let mut out = SourceInfo {
            recorded: self.recorded,
            ..SourceInfo::default()
        };
        out.bytes.reserve_exact(self.bytes.len() + 64);
        out.starts.reserve_exact(self.starts.len());
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
