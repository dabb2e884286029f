//! Helpers shared by the reliability tests (`hostile_requests.rs`, `hostile_proto_text.rs`, `determinism.rs`,
//! `full_disk.rs`) and `threads.rs`: descriptors and requests built by hand, the plugin run in-process on a small
//! stack, the `generate` subcommand of the test build, the corpus and the trees it writes.
#![allow(dead_code)] // each test file uses a different part

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use prost::Message;
use prost_types::compiler::CodeGeneratorResponse;
use prost_types::{
    field_descriptor_proto::{Label, Type},
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};
use protoc_gen_ameide_py::wire;

pub fn file(name: &str, package: &str, messages: Vec<DescriptorProto>) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.into()),
        package: Some(package.into()),
        message_type: messages,
        syntax: Some("proto3".into()),
        ..Default::default()
    }
}

pub fn message(name: &str, fields: Vec<FieldDescriptorProto>) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        field: fields,
        ..Default::default()
    }
}

pub fn scalar(name: &str, number: i32) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(Label::Optional as i32),
        r#type: Some(Type::String as i32),
        json_name: Some(name.into()),
        ..Default::default()
    }
}

/// Request bytes for already-encoded `proto_file` entries.
pub fn request_raw(files: &[Vec<u8>], generate: &[&str], parameter: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for g in generate {
        wire::write_bytes_field(1, g.as_bytes(), &mut out);
    }
    wire::write_bytes_field(2, parameter.as_bytes(), &mut out);
    for f in files {
        wire::write_bytes_field(15, f, &mut out);
    }
    out
}

pub fn request(files: &[FileDescriptorProto], generate: &[&str]) -> Vec<u8> {
    let raw: Vec<Vec<u8>> = files.iter().map(Message::encode_to_vec).collect();
    request_raw(&raw, generate, "")
}

pub fn respond(bytes: &[u8]) -> Result<CodeGeneratorResponse, String> {
    protoc_gen_ameide_py::run(bytes)
        .map(|r| CodeGeneratorResponse::decode(r.as_slice()).expect("response decodes"))
        .map_err(|e| e.to_string())
}

/// Runs `f` on a thread with the default 2 MiB stack (smaller than the plugin's 8 MiB main thread).
pub fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic, no stack overflow")
}
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
/// A small permutation generator (xorshift), so that the property test needs no extra crate.
pub struct Shuffler(pub u64);

impl Shuffler {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}
pub fn generate(args: &[&str], threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_protoc-gen-ameide-py"))
        .arg("generate")
        .args(args)
        .env("AMEIDE_PY_THREADS", threads)
        .output()
        .expect("run generate")
}

pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .expect("below")
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The .proto files of tests/corpus (relative to it).
pub fn corpus_files() -> Vec<String> {
    let corpus = root().join("tests/corpus");
    let mut files = Vec::new();
    let mut stack = vec![corpus.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("ls").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "proto") {
                files.push(
                    p.strip_prefix(&corpus)
                        .expect("below")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    files.sort();
    files
}
