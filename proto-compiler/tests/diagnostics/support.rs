//! What comparing a compilation with protoc's needs, shared by `tests/diagnostics.rs` and the differential
//! fuzzer (`tests/examples/differential_fuzz`, which includes this file by path): protoc's stderr in its
//! recorded form, the files of a descriptor set, a line diff.

use std::fmt::Write as _;

/// protoc's stderr as recorded by `record.py`: the time stamp and thread id of absl log lines replaced, so
/// that such lines compare by their text, and each run of consecutive unused-import warnings sorted, because
/// protoc prints a file's unused imports in the iteration order of a hash set of pointers, which changes from
/// run to run.
pub fn normalize(stderr: &str) -> String {
    let normalized = normalize_bytes(stderr.as_bytes());
    // whole UTF-8 lines in, the same lines out
    String::from_utf8(normalized)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`normalize`] on raw stderr, whose lines need not be UTF-8 (protoc prints names and strings that are not
/// raw); such a line is kept as it is.
pub fn normalize_bytes(stderr: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut run: Vec<Vec<u8>> = Vec::new();
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        let line = match std::str::from_utf8(line) {
            Ok(text) => normalize_absl_prefix(text).unwrap_or_else(|| text.to_string()),
            Err(_) => {
                run.sort();
                out.extend(run.drain(..).flatten());
                out.extend_from_slice(line);
                continue;
            }
        };
        if is_unused_import_warning(&line) {
            run.push(line.into_bytes());
            continue;
        }
        run.sort();
        out.extend(run.drain(..).flatten());
        out.extend_from_slice(line.as_bytes());
    }
    run.sort();
    out.extend(run.into_iter().flatten());
    out
}

fn is_unused_import_warning(line: &str) -> bool {
    let line = line.trim_end_matches('\n');
    line.ends_with(" is unused.") && line.contains(": warning: Import ")
}

/// Whether a line is an absl log line (`W0000 00:00:... file.cc:N] ...`, raw or normalized).
pub fn is_absl_log_line(line: &str) -> bool {
    line.starts_with("WARNING: All log messages before absl::InitializeLog()")
        || (absl_head(line) && line.contains("] "))
}

fn absl_head(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() > 12
        && b"IWEF".contains(&bytes[0])
        && bytes[1..5].iter().all(u8::is_ascii_digit)
        && bytes[5] == b' '
        && bytes[6..8].iter().all(u8::is_ascii_digit)
        && bytes[8] == b':'
        && bytes[9..11].iter().all(u8::is_ascii_digit)
        && bytes[11] == b':'
}

/// `W0000 00:00:1796670968.441731   20063 parser.cc:659] ...` → `W0000 00:00:<time> <thread> parser.cc:659] ...`.
fn normalize_absl_prefix(line: &str) -> Option<String> {
    if !absl_head(line) {
        return None;
    }
    let (time, rest) = line[12..].split_once(' ')?;
    let (secs, micros) = time.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(secs) || !digits(micros) {
        return None;
    }
    let (thread, rest) = rest.trim_start_matches(' ').split_once(' ')?;
    if !digits(thread) {
        return None;
    }
    Some(format!("{}<time> <thread> {rest}", &line[..12]))
}

/// The `FileDescriptorProto`s of a serialized `FileDescriptorSet`, each as (name, bytes).
pub fn descriptor_set_files(set: &[u8]) -> Vec<(String, Vec<u8>)> {
    length_delimited_fields(set)
        .into_iter()
        .filter(|(number, _)| *number == 1)
        .map(|(_, file)| {
            let name = length_delimited_fields(file)
                .into_iter()
                .find(|(number, _)| *number == 1)
                .map(|(_, name)| String::from_utf8_lossy(name).into_owned())
                .unwrap_or_default();
            (name, file.to_vec())
        })
        .collect()
}

/// The length-delimited fields of a message (number, payload); other wire types are skipped.
fn length_delimited_fields(mut msg: &[u8]) -> Vec<(u64, &[u8])> {
    fn varint(buf: &mut &[u8]) -> u64 {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = buf.split_first().expect("truncated varint");
            *buf = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
        }
        value
    }
    let mut out = Vec::new();
    while !msg.is_empty() {
        let key = varint(&mut msg);
        match key & 7 {
            0 => {
                varint(&mut msg);
            }
            1 => msg = &msg[8..],
            5 => msg = &msg[4..],
            2 => {
                let len = usize::try_from(varint(&mut msg)).expect("length");
                out.push((key >> 3, &msg[..len]));
                msg = &msg[len..];
            }
            other => panic!("unexpected wire type {other} in a descriptor set"),
        }
    }
    out
}

/// The index of the first differing byte (the shorter length if one is a prefix of the other).
pub fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

/// `-` protoc's lines, `+` ours, common lines as context (a plain LCS diff; outputs are a few lines).
pub fn line_diff(expected: &str, ours: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = ours.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            let _ = writeln!(out, "    {}", a[i]);
            (i, j) = (i + 1, j + 1);
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            let _ = writeln!(out, "  + {}", b[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "  - {}", a[i]);
            i += 1;
        }
    }
    out
}
