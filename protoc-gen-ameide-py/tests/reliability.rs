//! Reliability of the plugin and of `generate`: hostile requests (thousands of nesting levels, option
//! values nested a million deep, 100k fields, a 50 MB descriptor, non-UTF-8 comments, `..` and absolute file
//! names) give a response or a clear error, never a panic or a stack overflow; the same inputs give the same
//! bytes across thread counts and input orders; a failed `generate` (read-only or full output directory) leaves
//! no partial file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use prost::Message;
use prost_types::compiler::{CodeGeneratorRequest, CodeGeneratorResponse};
use prost_types::source_code_info::Location;
use prost_types::{
    field_descriptor_proto::{Label, Type},
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, MethodDescriptorProto,
    ServiceDescriptorProto, SourceCodeInfo,
};
use protoc_gen_ameide_py::wire;

fn file(name: &str, package: &str, messages: Vec<DescriptorProto>) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.into()),
        package: Some(package.into()),
        message_type: messages,
        syntax: Some("proto3".into()),
        ..Default::default()
    }
}

fn message(name: &str, fields: Vec<FieldDescriptorProto>) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        field: fields,
        ..Default::default()
    }
}

fn scalar(name: &str, number: i32) -> FieldDescriptorProto {
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
fn request_raw(files: &[Vec<u8>], generate: &[&str], parameter: &str) -> Vec<u8> {
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

fn request(files: &[FileDescriptorProto], generate: &[&str]) -> Vec<u8> {
    let raw: Vec<Vec<u8>> = files.iter().map(Message::encode_to_vec).collect();
    request_raw(&raw, generate, "")
}

fn respond(bytes: &[u8]) -> Result<CodeGeneratorResponse, String> {
    protoc_gen_ameide_py::run(bytes)
        .map(|r| CodeGeneratorResponse::decode(r.as_slice()).expect("response decodes"))
        .map_err(|e| e.to_string())
}

/// Runs `f` on a thread with the default 2 MiB stack (smaller than the plugin's 8 MiB main thread).
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic, no stack overflow")
}

fn varint_len(mut v: usize) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// `levels` messages each nested in the previous, built outside-in in linear time: every level is
/// `prefix` followed by `field` = the next level (and the innermost is `prefix` alone).
fn nested(levels: usize, prefix: &[u8], field: u32) -> Vec<u8> {
    let key = {
        let mut k = Vec::new();
        wire::write_varint(u64::from(field) << 3 | 2, &mut k);
        k
    };
    let mut lens = vec![prefix.len()];
    for i in 1..levels {
        let inner = lens[i - 1];
        lens.push(prefix.len() + key.len() + varint_len(inner) + inner);
    }
    let mut out = Vec::with_capacity(*lens.last().unwrap_or(&0));
    for i in (0..levels).rev() {
        out.extend_from_slice(prefix);
        if i > 0 {
            out.extend_from_slice(&key);
            wire::write_varint(lens[i - 1] as u64, &mut out);
        }
    }
    out
}

#[test]
fn deeply_nested_messages_give_files_or_a_decode_error() {
    for levels in [30, 90, 101, 5_000, 200_000] {
        // DescriptorProto { name: "M" (1), nested_type (3) ... }
        let message = nested(levels, b"\x0a\x01M", 3);
        let mut f = Vec::new();
        wire::write_bytes_field(1, b"deep.proto", &mut f);
        wire::write_bytes_field(4, &message, &mut f);
        wire::write_bytes_field(12, b"proto3", &mut f);
        let bytes = request_raw(&[f], &["deep.proto"], "");
        let result = on_small_stack(move || respond(&bytes));
        match result {
            Ok(response) => {
                assert!(levels < 100, "{levels} levels decoded");
                assert_eq!(response.error, None, "{levels}");
                let pyi = response
                    .file
                    .iter()
                    .find(|f| f.name() == "deep_pb2.pyi")
                    .expect("pyi");
                assert_eq!(
                    pyi.content().matches("class M(_message.Message):").count(),
                    levels
                );
            }
            Err(e) => {
                assert!(levels >= 100, "{levels}: {e}");
                assert!(
                    e.starts_with("malformed CodeGeneratorRequest: ")
                        && e.contains("recursion limit"),
                    "{e}"
                );
            }
        }
    }
}

/// A request built by the embedded compiler for a file with a recursive custom message option, with that
/// option's value on `M` replaced by one nested `levels` deep.
fn deep_option_request(levels: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("deep.proto"),
        "syntax = \"proto3\";\npackage deep;\nimport \"google/protobuf/descriptor.proto\";\n\
         message Rec { Rec next = 1; string s = 2; }\n\
         extend google.protobuf.MessageOptions { Rec rec = 50001; }\n\
         message M { option (rec) = { s: \"x\" }; }\n",
    )
    .expect("write");
    let request = protoc_gen_ameide_py::standalone::compile::embedded_request(
        &[dir.path().to_path_buf()],
        &["deep.proto".to_string()],
        "",
    )
    .expect("compiles");
    // Rec { next: Rec { next: ... { s: "x" } } }
    let value = nested(levels, b"", 1);
    let mut options = Vec::new();
    wire::write_bytes_field(50001, &value, &mut options);
    wire::rewrite(&request, |field, _, proto_file| {
        if field != 15 || !proto_file.windows(10).any(|w| w == b"deep.proto") {
            return Ok(wire::Edit::Keep);
        }
        Ok(wire::Edit::Replace(wire::rewrite(
            proto_file,
            |field, index, m| {
                // message_type #2 is M (Rec, then M; the extension is a file-level field)
                if field != 4 || index != 1 {
                    return Ok(wire::Edit::Keep);
                }
                Ok(wire::Edit::Replace(wire::rewrite(m, |field, _, _| {
                    Ok(if field == 7 {
                        wire::Edit::Replace(options.clone())
                    } else {
                        wire::Edit::Keep
                    })
                })?))
            },
        )?))
    })
    .expect("rewrite")
}

#[test]
fn deeply_nested_option_values_give_files_or_a_clear_error() {
    for levels in [50, 101, 1_000_000] {
        let bytes = deep_option_request(levels);
        let response = on_small_stack(move || respond(&bytes)).expect("decodes");
        if levels <= 100 {
            assert_eq!(response.error, None, "{levels}");
            assert!(response.file.iter().any(|f| f.name() == "deep_pb2.py"));
        } else {
            let error = response.error.unwrap_or_default();
            assert!(
                error.contains("message values nested deeper than 100 levels"),
                "{levels}: {error}"
            );
            assert!(response.file.is_empty());
        }
    }
}

#[test]
fn a_message_with_100k_fields() {
    let fields: Vec<FieldDescriptorProto> =
        (1..=100_000).map(|n| scalar(&format!("f{n}"), n)).collect();
    let bytes = request(
        &[file("big.proto", "big", vec![message("Big", fields)])],
        &["big.proto"],
    );
    let response = respond(&bytes).expect("decodes");
    assert_eq!(response.error, None);
    let pyi = response
        .file
        .iter()
        .find(|f| f.name() == "big_pb2.pyi")
        .expect("pyi");
    assert!(pyi
        .content()
        .contains("F100000_FIELD_NUMBER: _ClassVar[int]"));
    let py = response
        .file
        .iter()
        .find(|f| f.name() == "big_pb2.py")
        .expect("py");
    assert!(py.content().contains("_globals['_BIG']._serialized_start="));
}

#[test]
fn a_50_mb_descriptor() {
    // 50 MB of comments (source info, dropped from the embedded descriptor) plus 2 MB of reserved names (kept).
    let mut f = file(
        "huge.proto",
        "huge",
        vec![message("H", vec![scalar("a", 1)])],
    );
    f.message_type[0].reserved_name = (0..200_000).map(|i| format!("reserved_{i}")).collect();
    let comment = "x".repeat(1 << 20) + "\n";
    f.source_code_info = Some(SourceCodeInfo {
        location: (0..50)
            .map(|_| Location {
                path: vec![4, 0],
                span: vec![0, 0, 1],
                leading_comments: Some(comment.clone()),
                ..Default::default()
            })
            .collect(),
    });
    let bytes = request(&[f], &["huge.proto"]);
    assert!(bytes.len() > 50 << 20);
    let response = respond(&bytes).expect("decodes");
    assert_eq!(response.error, None);
    let py = response
        .file
        .iter()
        .find(|f| f.name() == "huge_pb2.py")
        .expect("py");
    assert!(py.content().contains("reserved_199999"));
    assert!(
        !py.content().contains("xxxx"),
        "source info is not embedded"
    );
}

#[test]
fn non_utf8_comments_are_read_lossily() {
    let mut f = file(
        "latin1.proto",
        "latin1",
        vec![message("M", vec![scalar("a", 1)])],
    );
    f.service = vec![ServiceDescriptorProto {
        name: Some("S".into()),
        method: vec![MethodDescriptorProto {
            name: Some("Get".into()),
            input_type: Some(".latin1.M".into()),
            output_type: Some(".latin1.M".into()),
            ..Default::default()
        }],
        ..Default::default()
    }];
    let placeholder = "@@NONUTF8@@"; // 11 bytes, replaced below by 11 bytes that are not UTF-8
    f.source_code_info = Some(SourceCodeInfo {
        location: vec![
            Location {
                path: vec![4, 0],
                span: vec![3, 0, 10],
                leading_comments: Some(format!(" message {placeholder}\n")),
                ..Default::default()
            },
            Location {
                path: vec![6, 0, 2, 0],
                span: vec![5, 2, 30],
                leading_comments: Some(format!(" method {placeholder}\n")),
                ..Default::default()
            },
        ],
    });
    let mut raw = f.encode_to_vec();
    let bad: &[u8; 11] = b"caf\xe9 na\xefve\xff";
    while let Some(at) = raw.windows(11).position(|w| w == placeholder.as_bytes()) {
        raw[at..at + 11].copy_from_slice(bad);
    }
    assert!(prost_types::FileDescriptorProto::decode(raw.as_slice()).is_err());
    let response = respond(&request_raw(&[raw], &["latin1.proto"], "")).expect("decodes");
    assert_eq!(response.error, None);
    let grpc = response
        .file
        .iter()
        .find(|f| f.name() == "latin1_pb2_grpc.py")
        .expect("grpc");
    assert!(
        grpc.content()
            .contains("method caf\u{fffd} na\u{fffd}ve\u{fffd}"),
        "{}",
        grpc.content()
    );
}

#[test]
fn names_outside_the_output_directory_are_refused() {
    for name in ["../evil/x.proto", "/abs/x.proto"] {
        let bytes = request(&[file(name, "p", vec![message("M", vec![])])], &[name]);
        let response = respond(&bytes).expect("decodes");
        let error = response.error.unwrap_or_default();
        assert!(
            error.contains("is absolute or contains `..`"),
            "{name}: {error}"
        );
        assert!(response.file.is_empty(), "{name}");
    }
    // `..` inside a name becomes empty path components (module `a.......x`, as protoc would name it), which
    // stay inside the output directory.
    let name = "a/../../x.proto";
    let response = respond(&request(
        &[file(name, "p", vec![message("M", vec![])])],
        &[name],
    ))
    .expect("decodes");
    assert_eq!(response.error, None);
    for f in &response.file {
        assert!(
            protoc_gen_ameide_py::naming::is_safe_name(f.name()),
            "{}",
            f.name()
        );
    }
}

#[test]
fn garbage_is_a_decode_error_or_a_response() {
    // A fixed xorshift sequence: the fuzz target covers this at scale.
    let mut state = 0x9e3779b97f4a7c15u64;
    for len in [0usize, 1, 2, 7, 64, 1000, 65536] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let _ = protoc_gen_ameide_py::run(&bytes);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Determinism

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn plugin(stdin: &[u8], threads: &str) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_protoc-gen-ameide-py"))
        .env("AMEIDE_PY_THREADS", threads)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut input = child.stdin.take().expect("stdin");
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&bytes));
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("join").expect("write stdin");
    assert!(out.status.success());
    out.stdout
}

/// A small permutation generator (xorshift), so that the property test needs no extra crate.
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

fn files_of(response: &[u8]) -> BTreeMap<String, String> {
    let r = CodeGeneratorResponse::decode(response).expect("response");
    assert_eq!(r.error, None);
    r.file
        .into_iter()
        .map(|f| (f.name().to_string(), f.content().to_string()))
        .collect()
}

#[test]
fn same_request_same_bytes_whatever_the_thread_count() {
    for captured in ["protoc-35.1_all.bin", "buf-1.75.0_extra.bin"] {
        let bytes = std::fs::read(root().join("tests/requests").join(captured)).expect("request");
        let reference = plugin(&bytes, "1");
        for threads in ["2", "3", "8", "64"] {
            assert!(
                plugin(&bytes, threads) == reference,
                "{captured}: {threads} threads"
            );
        }
    }
}

#[test]
fn property_shuffled_files_to_generate_give_the_same_files() {
    let bytes = std::fs::read(root().join("tests/requests/protoc-35.1_all.bin")).expect("request");
    let decoded = CodeGeneratorRequest::decode(bytes.as_slice()).expect("request");
    // Re-encoded with the raw proto_file bytes of the capture (prost would drop unknown option fields) and a
    // prefix parameter (the capture's own parameter names its capture file).
    let raw = wire::bytes_fields(&bytes, 15).expect("proto_file");
    let raw: Vec<Vec<u8>> = raw.into_iter().map(<[u8]>::to_vec).collect();
    let build = |names: &[String]| {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut out = request_raw(&raw, &names, "prefix=ameide_core_proto:gen.proto");
        if let Some(v) = &decoded.compiler_version {
            wire::write_bytes_field(3, &v.encode_to_vec(), &mut out);
        }
        out
    };
    let reference =
        files_of(&protoc_gen_ameide_py::run(&build(&decoded.file_to_generate)).expect("run"));
    assert!(reference.len() > 20);
    let mut shuffler = Shuffler(0x2545f4914f6cdd1d);
    let mut names = decoded.file_to_generate.clone();
    for round in 0..8 {
        shuffler.shuffle(&mut names);
        let files = files_of(&protoc_gen_ameide_py::run(&build(&names)).expect("run"));
        assert!(files == reference, "round {round}: {names:?}");
    }
}

fn generate(args: &[&str], threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_protoc-gen-ameide-py"))
        .arg("generate")
        .args(args)
        .env("AMEIDE_PY_THREADS", threads)
        .output()
        .expect("run generate")
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
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
fn corpus_files() -> Vec<String> {
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

#[test]
fn property_generate_is_independent_of_file_order_and_threads() {
    let corpus = root().join("tests/corpus");
    let corpus = corpus.to_string_lossy().into_owned();
    let mut files = corpus_files();
    let mut reference = None;
    let mut shuffler = Shuffler(0xdeadbeefcafef00d);
    for (round, threads) in ["1", "2", "5", "1", "16"].iter().enumerate() {
        if round > 0 {
            shuffler.shuffle(&mut files);
        }
        let out = tempfile::tempdir().expect("tempdir");
        let out_arg = out.path().to_string_lossy().into_owned();
        let mut args = vec![
            "-I",
            &corpus,
            "--out",
            &out_arg,
            "--opt",
            "prefix=ameide_core_proto:gen.proto,package_files=leaf",
        ];
        args.extend(files.iter().map(String::as_str));
        let run = generate(&args, threads);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let t = tree(out.path());
        assert!(t.len() > 20);
        match &reference {
            None => reference = Some(t),
            Some(r) => assert!(&t == r, "round {round} ({threads} threads): {files:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// `generate` output trees: a failed run leaves no partial file.

struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size_kb: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kb}k"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            .then_some(Tmpfs(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_or_read_only_output_directory_leaves_only_complete_files() {
    let corpus = root().join("tests/corpus").to_string_lossy().into_owned();
    let files = corpus_files();
    let expected_dir = tempfile::tempdir().expect("tempdir");
    let expected_arg = expected_dir.path().to_string_lossy().into_owned();
    let mut args = vec!["-I", corpus.as_str(), "--out", &expected_arg];
    args.extend(files.iter().map(String::as_str));
    assert!(generate(&args, "2").status.success());
    let expected = tree(expected_dir.path());
    let total: usize = expected.values().map(Vec::len).sum();

    let Some(fs) = Tmpfs::mount(u32::try_from(total / 2048).expect("small")) else {
        eprintln!("skipped: cannot mount a tmpfs (not root)");
        return;
    };
    // Half the room the output needs. New directories are built under a temporary name and renamed into
    // place when complete: the disk fills up before, and nothing is left, not even the temporary tree.
    let out_arg = fs.0.path().to_string_lossy().into_owned();
    let mut args = vec!["-I", corpus.as_str(), "--out", &out_arg];
    args.extend(files.iter().map(String::as_str));
    let run = generate(&args, "2");
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(tree(fs.0.path()).is_empty());
    assert_eq!(std::fs::read_dir(fs.0.path()).expect("list").count(), 0);

    // The directories exist (a tree generated before): every file is written under a temporary name first and
    // renamed only when all are written, so a full disk leaves no file and no temporary file behind.
    for name in expected.keys() {
        let dir = fs.0.path().join(name);
        std::fs::create_dir_all(dir.parent().expect("a parent")).expect("mkdir");
    }
    let run = generate(&args, "2");
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(tree(fs.0.path()).is_empty());
    // Read-only: nothing is written, the error names the directory.
    assert!(Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(fs.0.path())
        .status()
        .is_ok_and(|s| s.success()));
    let before = tree(fs.0.path());
    let run = generate(&args, "2");
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("Read-only file system"), "{err}");
    assert_eq!(tree(fs.0.path()), before);
}

/// The embedded compiler on .proto text nested thousands of levels deep (message declarations, and
/// text-format option values in braces and in angle brackets): a compile error, never a stack overflow.
#[test]
fn deeply_nested_proto_text_is_a_compile_error() {
    let header =
        "syntax = \"proto3\";\npackage deep;\nimport \"google/protobuf/descriptor.proto\";\n\
                  message Rec { Rec next = 1; string s = 2; }\n\
                  extend google.protobuf.MessageOptions { Rec rec = 50001; }\n";
    let cases = [
        (
            "messages",
            format!(
                "{header}{}{}",
                "message M { ".repeat(5_000),
                "}".repeat(5_000)
            ),
        ),
        (
            "braces",
            format!(
                "{header}message M {{ option (rec) = {{ {}s: \"x\"{} }}; }}\n",
                "next { ".repeat(100_000),
                " }".repeat(100_000)
            ),
        ),
        (
            "angle brackets",
            format!(
                "{header}message M {{ option (rec) = {{ {}s: \"x\"{} }}; }}\n",
                "next < ".repeat(100_000),
                " >".repeat(100_000)
            ),
        ),
        (
            "aggregate value",
            format!(
                "{header}message M {{ option (rec).next = {{ {}s: \"x\"{} }}; }}\n",
                "next: { ".repeat(100_000),
                " }".repeat(100_000)
            ),
        ),
    ];
    for (what, text) in cases {
        let result = on_small_stack(move || {
            let dir = tempfile::tempdir().expect("tempdir");
            std::fs::write(dir.path().join("deep.proto"), text).expect("write");
            protoc_gen_ameide_py::standalone::compile::embedded_request(
                &[dir.path().to_path_buf()],
                &["deep.proto".to_string()],
                "",
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
        });
        let error = result.expect_err(what);
        let first = error.lines().next().unwrap_or_default();
        assert!(
            first.contains("/deep.proto:") && first.contains(": "),
            "{what}: {error}"
        );
    }
}

/// protoc reads .proto files as bytes: comments and string literals may hold any bytes (measured with protoc
/// 35.1: both files compile, and its python generator writes the json_name's bytes). The compiler accepts both;
/// the generators decode requests with prost, which refuses a non-UTF-8 string field, so only the comments
/// case goes through generation here.
#[test]
fn non_utf8_proto_text_compiles_in_comments_and_strings() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("a.proto"),
        b"syntax = \"proto3\";\n// caf\xe9\n/* na\xefve */ message M { string s = 1; } // \xff\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("b.proto"),
        b"syntax = \"proto3\";\nmessage M { string s = 1 [json_name = \"caf\xe9\"]; }\n",
    )
    .expect("write");
    let includes = [dir.path().to_path_buf()];
    for file in ["a.proto", "b.proto"] {
        let request = protoc_gen_ameide_py::standalone::compile::embedded_request(
            &includes,
            &[file.to_string()],
            "",
        )
        .expect("any bytes in comments and strings");
        if file == "a.proto" {
            assert_eq!(respond(&request).expect("decodes").error, None, "{file}");
        }
    }
}

/// Found by the `compile_proto` fuzz target: two extensions of one options message with the same number made
/// prost-reflect (under protox) panic while interpreting an option; protoc reports the conflict.
#[test]
fn duplicate_extension_numbers_are_a_compile_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("dup.proto"),
        "syntax = \"proto2\";\npackage dup.v1;\nimport \"google/protobuf/descriptor.proto\";\n\
         message O { optional string a = 1; }\n\
         extend google.protobuf.FieldOptions {\n  optional O o = 51002;\n  repeated int32 ints = 51002;\n}\n\
         message M { optional string s = 1 [(o) = {a: \"x\"}, (ints) = 5]; }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("other.proto"),
        "syntax = \"proto2\";\npackage other;\nimport \"google/protobuf/descriptor.proto\";\nimport \"dup.proto\";\n\
         message X {\n  extend google.protobuf.FieldOptions { optional int32 again = 51002; }\n}\n",
    )
    .expect("write");
    let includes = [dir.path().to_path_buf()];
    for (file, expected) in [
        ("dup.proto", "dup.proto:7:25: Extension number 51002 has already been used in \"google.protobuf.FieldOptions\" by extension \"dup.v1.o\"."),
        // protoc builds the import first, so the importer's extension is the second
        ("other.proto", "Extension number 51002 has already been used in \"google.protobuf.FieldOptions\" by extension"),
    ] {
        let includes = includes.clone();
        let error = on_small_stack(move || {
            protoc_gen_ameide_py::standalone::compile::embedded_request(&includes, &[file.to_string()], "")
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
        let error = error.expect_err(file);
        assert!(error.contains(expected), "{file}: {error}");
    }
}

/// The same conflict on a user message used inside an option value: protoc's error for the second extension.
#[test]
fn conflicting_extensions_used_in_an_option_value_are_protocs_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("d.proto"),
        "syntax = \"proto2\";\npackage d;\nimport \"google/protobuf/descriptor.proto\";\n\
         message O { optional string a = 1; extensions 100 to 200; }\n\
         message P { optional string z = 1; }\n\
         extend O { optional P e1 = 100; repeated int32 e2 = 100; }\n\
         extend google.protobuf.FieldOptions { optional O o = 51002; }\n\
         message M { optional string s = 1 [(o) = {a: \"x\" [d.e1]: {z: \"q\"} [d.e2]: 5}]; }\n",
    )
    .expect("write");
    let includes = vec![dir.path().to_path_buf()];
    let error = on_small_stack(move || {
        protoc_gen_ameide_py::standalone::compile::embedded_request(
            &includes,
            &["d.proto".to_string()],
            "",
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    })
    .expect_err("conflicting extensions");
    assert!(
        error.ends_with("/d.proto:6:53: Extension number 100 has already been used in \"d.O\" by extension \"d.e1\"."),
        "{error}"
    );
}
