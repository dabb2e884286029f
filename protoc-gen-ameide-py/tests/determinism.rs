//! The same inputs give the same bytes: the plugin across thread counts and orders of `file_to_generate`,
//! `generate` across thread counts and orders of its file arguments.

mod support;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use prost::Message;
use prost_types::compiler::{CodeGeneratorRequest, CodeGeneratorResponse};
use protoc_gen_ameide_py::wire;
use support::{corpus_files, generate, request_raw, root, tree, Shuffler};

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
