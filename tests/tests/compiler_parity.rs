//! proto-compiler vs protoc 35.1, byte for byte: for every corpus, the descriptor of every file (protoc's
//! `--descriptor_set_out --include_imports --include_source_info --retain_options` = `CopyTo` + json names +
//! source info), the `CodeGeneratorRequest.proto_file` form of the files to generate (source-retention options
//! stripped; captured from protoc with `python/dump_request.py`), the order of the files, and protoc's
//! warnings. Files are given in sorted and in shuffled order: the reference is protoc's run on the same order.
//!
//! The reference of a corpus and order is cached under `target/e2e-cache/compiler-reference/`, keyed by the
//! files (names, contents, order) and the pinned tool versions.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use e2e_tests::cache::{cached_dir, KeyHasher};
use e2e_tests::corpus::Corpus;
use e2e_tests::provision::{npm_tools, python_tools, repo_root, PythonTools, PYTHON_PACKAGES};
use proto_compiler::{compile, CompileOptions};

const FORMAT: &str =
    "compiler-reference-v2 --descriptor_set_out --include_imports --include_source_info \
                      --retain_options + dump_request.py";

/// protoc's results for `files` of `corpus`, in that order.
struct Reference {
    /// `FileDescriptorSet.file`, in protoc's order.
    files: Vec<(String, Vec<u8>)>,
    /// `proto_file` of the request, by name (only the files to generate are compared).
    request: HashMap<String, Vec<u8>>,
    stderr: String,
}

/// The fields of a message: (number, payload of a length-delimited record or empty).
fn records(buf: &[u8]) -> Vec<(u32, &[u8])> {
    proto_compiler::wire::records(buf)
        .map(|r| r.expect("well-formed protoc output"))
        .map(|r| (r.field, r.bytes().unwrap_or_default()))
        .collect()
}

fn file_name(descriptor: &[u8]) -> String {
    records(descriptor)
        .into_iter()
        .find(|(n, _)| *n == 1)
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

fn reference(py: &PythonTools, corpus: &Corpus, files: &[String], order: &str) -> Reference {
    let mut h = KeyHasher::default();
    h.str(FORMAT)
        .str(&PYTHON_PACKAGES.join(" "))
        .str(order)
        .str(&corpus.root.to_string_lossy());
    corpus.hash_into(&mut h);
    for f in files {
        h.str(f);
    }
    let name = format!("{}-{order}", corpus.name);
    let dir = cached_dir("compiler-reference", &name, &h.hex(), |out| {
        let argfile = out.join("files.args");
        fs::write(&argfile, files.join("\n") + "\n").expect("write argfile");
        let dump = repo_root().join("tests/python/dump_request.py");
        let output = py
            .protoc()
            // the root as given to proto-compiler (absolute), and a working directory where the names given do
            // not exist on disk, so that protoc takes them as proto names (and prints the disk paths it finds)
            .current_dir(out)
            .arg(format!("-I{}", corpus.root.display()))
            .arg(format!(
                "--descriptor_set_out={}",
                out.join("set.pb").display()
            ))
            .args([
                "--include_imports",
                "--include_source_info",
                "--retain_options",
            ])
            .arg(format!("--plugin=protoc-gen-dump={}", dump.display()))
            .arg(format!("--dump_out={}", out.display()))
            .arg(format!(
                "--dump_opt=path={}",
                out.join("request.bin").display()
            ))
            .arg(format!("@{}", argfile.display()))
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .expect("run grpc_tools.protoc");
        assert!(
            output.status.success(),
            "protoc failed on {name}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        fs::write(out.join("stderr.txt"), &output.stderr).expect("write stderr");
    });
    let set = fs::read(dir.join("set.pb")).expect("read set");
    let request = fs::read(dir.join("request.bin")).expect("read request");
    Reference {
        files: records(&set)
            .into_iter()
            .filter(|(n, _)| *n == 1)
            .map(|(_, d)| (file_name(d), d.to_vec()))
            .collect(),
        request: records(&request)
            .into_iter()
            .filter(|(n, _)| *n == 15)
            .map(|(_, d)| (file_name(d), d.to_vec()))
            .collect(),
        stderr: fs::read_to_string(dir.join("stderr.txt")).expect("read stderr"),
    }
}

/// Where two byte strings first differ, with a little context of each.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let window = |b: &[u8]| {
        let from = at.saturating_sub(24);
        format!(
            "{:?}",
            String::from_utf8_lossy(&b[from..(at + 24).min(b.len())])
        )
    };
    format!(
        "{} vs {} bytes, first difference at {at}: protoc {} / ours {}",
        expected.len(),
        actual.len(),
        window(expected),
        window(actual)
    )
}

/// Lines sorted: protoc prints the unused-import warnings of a file in hash-set order.
fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

/// Compiles `files` of `corpus` and compares everything with protoc's run on the same order.
fn check(py: &PythonTools, corpus: &Corpus, files: &[String], order: &str) {
    let expected = reference(py, corpus, files, order);
    let started = std::time::Instant::now();
    let ours = compile(
        files,
        &CompileOptions {
            include_paths: vec![corpus.root.clone()],
            request_descriptors: true,
            ..CompileOptions::default()
        },
    );
    eprintln!(
        "{} ({order}): {} files compiled in {:.1?}",
        corpus.name,
        files.len(),
        started.elapsed()
    );
    let diagnostics: String = ours.diagnostics.iter().map(|d| format!("{d}\n")).collect();
    assert!(
        !ours.has_errors(),
        "{}: errors:\n{diagnostics}",
        corpus.name
    );
    assert_eq!(
        sorted_lines(&diagnostics),
        sorted_lines(&expected.stderr),
        "{}: warnings",
        corpus.name
    );
    let names: Vec<&str> = ours.files.iter().map(|f| f.name.as_str()).collect();
    let expected_names: Vec<&str> = expected.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, expected_names, "{}: file order", corpus.name);

    let mut differing = Vec::new();
    for (file, (name, bytes)) in ours.files.iter().zip(&expected.files) {
        if &file.descriptor != bytes {
            differing.push(format!(
                "{name}: {}",
                first_difference(bytes, &file.descriptor)
            ));
        }
        if let Some(stripped) = &file.request_descriptor {
            let want = expected
                .request
                .get(name)
                .expect("file to generate in the request");
            if stripped != want {
                differing.push(format!(
                    "{name} (request form): {}",
                    first_difference(want, stripped)
                ));
            }
        }
    }
    let generated = ours
        .files
        .iter()
        .filter(|f| f.request_descriptor.is_some())
        .count();
    assert_eq!(generated, files.len(), "{}: request forms", corpus.name);
    assert!(
        differing.is_empty(),
        "{} ({order}): {} of {} descriptors differ from protoc's:\n{}",
        corpus.name,
        differing.len(),
        ours.files.len() + generated,
        differing[..differing.len().min(10)].join("\n")
    );
}

/// The corpus in sorted and in shuffled order.
fn check_both_orders(corpus: &Corpus) {
    let Some(py) = python_tools() else { return };
    check(&py, corpus, &corpus.files, "sorted");
    check(
        &py,
        corpus,
        &corpus.shuffled_files("compiler-parity"),
        "shuffled",
    );
}

#[test]
fn repo_corpus() {
    check_both_orders(&Corpus::repo());
}

#[test]
fn extra_corpus() {
    check_both_orders(&Corpus::extra());
}

#[test]
fn real_world_trees() {
    let root = repo_root().join("tests/corpus-real");
    let mut trees: Vec<String> = fs::read_dir(&root)
        .expect("read corpus-real")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    trees.sort();
    assert!(trees.iter().any(|t| t == "protobuf-tests"), "{trees:?}");
    for tree in trees {
        check_both_orders(&Corpus::real_world(&tree));
    }
}

/// googleapis with protoc's bundled well-known types, files shuffled.
#[test]
fn googleapis() {
    let (Some(py), Some(npm)) = (python_tools(), npm_tools()) else {
        return;
    };
    let corpus = Corpus::googleapis(&npm);
    check(
        &py,
        &corpus,
        &corpus.shuffled_files("compiler-parity"),
        "shuffled",
    );
}

/// googleapis with the package root as the include root: its own `google/protobuf/*.proto` copies (a newer
/// descriptor.proto, with `extensions 536000000 [declaration = {...}]`) are the ones used.
#[test]
fn googleapis_package_root() {
    let (Some(py), Some(npm)) = (python_tools(), npm_tools()) else {
        return;
    };
    let corpus = Corpus::googleapis_package_root(&npm);
    assert!(Path::new(&corpus.root)
        .join("google/protobuf/descriptor.proto")
        .is_file());
    check(
        &py,
        &corpus,
        &corpus.shuffled_files("compiler-parity"),
        "shuffled",
    );
}
