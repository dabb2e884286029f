//! Resource bounds (issue 17 item 7) and odd inputs (item 8): protoc 35.1's limits and texts, recorded from
//! `python -m grpc_tools.protoc` on the same generated inputs. Time and memory are measured by
//! `bench/compiler-bounds/run.sh` (against protoc), not asserted here; these tests show the outcomes, and that
//! nothing overflows a stack or repeats a report.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use proto_compiler::{compile, Compilation, CompileOptions};

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).expect("write proto");
}

fn run(dir: &Path, file: &str) -> Compilation {
    compile(
        &[file.to_string()],
        &CompileOptions {
            include_paths: vec![dir.to_path_buf()],
            ..CompileOptions::default()
        },
    )
}

/// The diagnostics as protoc prints them when run from `dir` with `-I.` (disk paths relative to `dir`).
fn lines(dir: &Path, c: &Compilation) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    c.diagnostics
        .iter()
        .map(|d| {
            let line = d.to_string();
            line.strip_prefix(&prefix)
                .map_or(line.clone(), str::to_string)
        })
        .collect()
}

/// Runs `f` on a thread with a small (1 MiB) stack: deep inputs must not depend on the caller's stack size.
fn on_small_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn_scoped(s, f)
            .expect("spawn")
            .join()
            .expect("no panic")
    })
}

#[test]
fn an_import_chain_5000_files_deep_compiles_without_recursion() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 5000;
    for i in 0..n {
        let import = if i + 1 < n {
            format!("import \"f{}.proto\";\n", i + 1)
        } else {
            String::new()
        };
        write(
            dir.path(),
            &format!("f{i}.proto"),
            &format!("syntax = \"proto3\";\n{import}message M{i} {{}}\n"),
        );
    }
    let c = on_small_stack(|| run(dir.path(), "f0.proto"));
    assert_eq!(
        lines(dir.path(), &c),
        ["f0.proto:2:1: warning: Import f1.proto is unused."]
    );
    assert_eq!(c.files.len(), n);
    assert_eq!(c.files[0].name, format!("f{}.proto", n - 1));
}

#[test]
fn a_1000_file_import_cycle_is_reported_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 1000;
    for i in 0..n {
        write(
            dir.path(),
            &format!("f{i}.proto"),
            &format!(
                "syntax = \"proto3\";\nimport \"f{}.proto\";\nmessage M{i} {{}}\n",
                (i + 1) % n
            ),
        );
    }
    let c = on_small_stack(|| run(dir.path(), "f0.proto"));
    let got = lines(dir.path(), &c);
    // protoc: the cycle once (one line naming every file), then each importer once, innermost first
    let mut cycle = String::from("f0.proto:2:1: File recursively imports itself: ");
    for i in 0..n {
        let _ = write!(cycle, "f{i}.proto -> ");
    }
    cycle.push_str("f0.proto");
    assert_eq!(got.len(), n + 1);
    assert!(got[0] == cycle, "first line: {:.300}", got[0]);
    assert_eq!(
        got[1],
        "f999.proto:2:1: Import \"f0.proto\" was not found or had errors."
    );
    assert_eq!(
        got[n],
        "f0.proto:2:1: Import \"f1.proto\" was not found or had errors."
    );
    assert!(c.files.is_empty());
}

#[test]
fn a_package_of_100k_components_is_too_long() {
    let dir = tempfile::tempdir().expect("tempdir");
    let package = vec!["p"; 100_000].join(".");
    write(
        dir.path(),
        "a.proto",
        &format!("syntax = \"proto3\";\npackage {package};\nmessage M {{}}\n"),
    );
    let c = run(dir.path(), "a.proto");
    assert_eq!(
        lines(dir.path(), &c),
        ["a.proto:2:1: Package name is too long"]
    );
}

#[test]
fn more_than_65535_fields_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("syntax = \"proto3\";\nmessage M {\n");
    for i in 0..70_000 {
        // numbers above the reserved 19000..19999 range, so that the count is the only error
        let _ = writeln!(text, "  int32 f{i} = {};", i + 20_000);
    }
    text.push_str("}\n");
    write(dir.path(), "a.proto", &text);
    let c = run(dir.path(), "a.proto");
    assert_eq!(
        lines(dir.path(), &c),
        ["a.proto: 70000 fields in M exceeds the limit of 65535"]
    );
}

#[test]
fn a_10_mb_identifier_is_too_long() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "A".repeat(10_000_000);
    write(
        dir.path(),
        "a.proto",
        &format!("syntax = \"proto3\";\nmessage {name} {{}}\n"),
    );
    let c = run(dir.path(), "a.proto");
    assert_eq!(lines(dir.path(), &c), ["a.proto:2:9: Name too long."]);
}

#[test]
fn nested_messages_stop_at_protocs_recursion_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 10_000;
    let text = format!(
        "syntax = \"proto3\";\n{}{}",
        (0..n)
            .map(|i| format!("message N{i} {{\n"))
            .collect::<String>(),
        "}\n".repeat(n)
    );
    write(dir.path(), "a.proto", &text);
    let c = on_small_stack(|| run(dir.path(), "a.proto"));
    let got = lines(dir.path(), &c);
    assert_eq!(
        got[0],
        "a.proto:33:1: Reached maximum recursion limit for nested messages."
    );
    assert_eq!(
        got[1],
        "a.proto:20002:1: Reached end of input in message definition (missing '}')."
    );
    assert_eq!(got.len(), 32, "{got:?}");
}

#[test]
fn deeply_nested_groups_parse_on_a_small_stack() {
    // protoc has no depth limit for group bodies in its parser (it crashes when its stack runs out); the
    // DescriptorBuilder then stops at 32 nested messages, and the message at the limit gets no symbol
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 1000;
    let mut text = String::from("syntax = \"proto2\";\nmessage M {\n");
    for i in 0..n {
        let _ = writeln!(text, "optional group G{i} = 1 {{");
    }
    text.push_str(&"}\n".repeat(n + 1));
    write(dir.path(), "a.proto", &text);
    let c = on_small_stack(|| run(dir.path(), "a.proto"));
    assert_eq!(
        lines(dir.path(), &c),
        [
            "a.proto: Reached maximum recursion limit for nested messages.",
            "a.proto:34:10: \"G31\" is not defined.",
            "a.proto:33:10: \"G30\" is not defined.",
        ]
    );
}

#[test]
fn many_errors_are_each_reported_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 20_000;
    let mut text = String::from("syntax = \"proto3\";\nmessage M {\n");
    for i in 0..n {
        let _ = writeln!(text, "  X{i} f{i} = {};", i + 1);
    }
    text.push_str("}\n");
    write(dir.path(), "a.proto", &text);
    let c = run(dir.path(), "a.proto");
    let got = lines(dir.path(), &c);
    assert_eq!(got.len(), n);
    assert_eq!(got[0], "a.proto:3:3: \"X0\" is not defined.");
    assert_eq!(
        got[n - 1],
        format!("a.proto:{}:3: \"X{}\" is not defined.", n + 2, n - 1)
    );
}

#[test]
fn a_utf8_bom_is_accepted_as_protoc_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.proto",
        "\u{feff}syntax = \"proto3\";\nmessage M {}\n",
    );
    let c = run(dir.path(), "a.proto");
    assert!(c.diagnostics.is_empty(), "{:?}", lines(dir.path(), &c));
    assert_eq!(c.files.len(), 1);
}

/// A file on disk named by bytes that are not UTF-8: protoc 35.1 compiles `import "\xff";` from it (and with
/// `import "\xff\000";` reads it too, its `open` stopping at the NUL, then reports the NUL); this compiler's
/// file names are UTF-8, so it refuses the import, naming the file. A directory of such a name is not a file,
/// for protoc either: `\xfe: File not found.`
#[cfg(unix)]
#[test]
fn an_import_of_a_file_named_by_bytes_that_are_not_utf8_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let dir_bytes = dir.path().as_os_str().as_bytes();
    let on_disk = |name: &[u8]| dir.path().join(std::ffi::OsStr::from_bytes(name));
    fs::write(on_disk(b"\xff"), "syntax = \"proto3\";\nmessage X {}\n").expect("write");
    fs::create_dir(on_disk(b"\xfe")).expect("mkdir");
    let stderr = |c: &Compilation| {
        c.diagnostics
            .iter()
            .map(|d| d.to_bytes())
            .collect::<Vec<_>>()
    };
    for (import, name) in [("\\xff", &b"\xff"[..]), ("\\377\\000", b"\xff\0")] {
        let source =
            format!("syntax = \"proto3\";\nimport \"{import}\";\nmessage A {{ X x = 1; }}\n");
        write(dir.path(), "a.proto", &source);
        let c = run(dir.path(), "a.proto");
        assert!(c.has_errors(), "{import}: refused");
        let refusal = [
            name,
            b": File name is not UTF-8: protoc would read it from \"",
            dir_bytes,
            b"/\xff\"; this compiler only compiles files whose names are UTF-8.",
        ]
        .concat();
        assert_eq!(stderr(&c)[0], refusal, "{import}");
    }
    write(
        dir.path(),
        "a.proto",
        "syntax = \"proto3\";\nimport \"\\xfe\";\n",
    );
    let c = run(dir.path(), "a.proto");
    let not_found = [
        dir_bytes,
        b"/a.proto:2:1: Import \"\xfe\" was not found or had errors.",
    ]
    .concat();
    assert_eq!(stderr(&c), [b"\xfe: File not found.".to_vec(), not_found]);
}
