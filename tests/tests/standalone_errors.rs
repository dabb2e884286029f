//! Bad inputs to `generate` / `check`: errors in .proto files are protoc 35.1's lines (compared with
//! grpc_tools.protoc on the same files), each with its source line and a caret, exit code 2 and nothing
//! written; bad configuration and bad parameters name the file or parameter in one line.

use std::fs;
use std::path::Path;
use std::process::Output;

use e2e_tests::provision::{python_tools, scratch_dir, PythonTools};
use e2e_tests::standalone::command;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write proto");
}

fn generate(dir: &Path, args: &[&str]) -> Output {
    command(None, None, dir)
        .current_dir(dir)
        .arg("generate")
        .args(args)
        .output()
        .expect("run generate")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// protoc's stderr lines on `files` (as `generate` is given them) with `-I .`.
fn protoc_lines(py: &PythonTools, dir: &Path, files: &[&str]) -> Vec<String> {
    let out = py
        .protoc()
        .current_dir(dir)
        .args(["-I.", "--descriptor_set_out=/dev/null"])
        .args(files)
        .output()
        .expect("run protoc");
    assert!(!out.status.success());
    stderr(&out).lines().map(str::to_string).collect()
}

/// After each protoc line with a `file:line:col:` position comes the source line and a caret under the
/// column.
fn assert_snippets(dir: &Path, file: &str, err: &str) {
    let lines: Vec<&str> = err.lines().collect();
    let mut positioned = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with(' ') {
            continue;
        }
        let mut parts = line.splitn(4, ':');
        let (Some(name), Some(l), Some(c)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(line_no), Ok(col)) = (l.parse::<usize>(), c.parse::<usize>()) else {
            continue;
        };
        positioned += 1;
        let text = fs::read_to_string(dir.join(name)).expect("read proto");
        let source = text.lines().nth(line_no - 1).expect("source line");
        assert_eq!(
            lines.get(i + 1).copied(),
            Some(format!(" {line_no} | {source}").as_str()),
            "{file}: {err}"
        );
        assert_eq!(
            lines.get(i + 2).copied(),
            Some(format!("   | {}^", " ".repeat(col - 1)).as_str()),
            "{file}: {err}"
        );
    }
    assert!(positioned > 0, "{file}: no positioned line in {err}");
}

#[test]
fn proto_errors_are_protocs_lines_with_their_source() {
    let Some(py) = python_tools() else { return };
    let dir = scratch_dir("standalone-errors").join("protos");
    let _ = fs::remove_dir_all(&dir);
    write(
        &dir,
        "syntax.proto",
        "syntax = \"proto3\";\nmessage A {\n  int32 a = 1\n  int32 b = 2;\n}\n",
    );
    write(
        &dir,
        "unknown.proto",
        "syntax = \"proto3\";\nmessage B {\n  Missing m = 1;\n}\n",
    );
    write(
        &dir,
        "cyc1.proto",
        "syntax = \"proto3\";\nimport \"cyc2.proto\";\n",
    );
    write(
        &dir,
        "cyc2.proto",
        "syntax = \"proto3\";\nimport \"cyc1.proto\";\n",
    );
    write(
        &dir,
        "missing.proto",
        "syntax = \"proto3\";\nimport \"nope/missing.proto\";\nmessage C {}\n",
    );
    write(&dir, "ok.proto", "syntax = \"proto3\";\nmessage D {}\n");
    for file in [
        "syntax.proto",
        "unknown.proto",
        "cyc1.proto",
        "missing.proto",
    ] {
        let out = generate(&dir, &["-I", ".", "--out", "out", file]);
        assert_eq!(out.status.code(), Some(2), "{file}: {}", stderr(&out));
        let err = stderr(&out);
        // protoc's lines; after each positioned one, the source line and a caret under the column
        let ours: Vec<&str> = err.lines().filter(|l| !l.starts_with(' ')).collect();
        assert_eq!(ours, protoc_lines(&py, &dir, &[file]), "{file}");
        assert_snippets(&dir, file, &err);
        assert!(!dir.join("out").exists(), "{file}: nothing may be written");
    }
    // all files (found in name order): protoc stops at the first input that fails, and so does generate
    let out = generate(&dir, &["-I", ".", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let ours: Vec<&str> = err.lines().filter(|l| !l.starts_with(' ')).collect();
    let all = [
        "cyc1.proto",
        "cyc2.proto",
        "missing.proto",
        "ok.proto",
        "syntax.proto",
        "unknown.proto",
    ];
    assert_eq!(ours, protoc_lines(&py, &dir, &all));
    assert!(!dir.join("out").exists());
}

#[test]
fn configuration_and_parameter_errors_name_the_culprit() {
    let dir = scratch_dir("standalone-config-errors").join("ws");
    let _ = fs::remove_dir_all(&dir);
    write(
        &dir,
        "proto/a/v1/a.proto",
        "syntax = \"proto3\";\npackage a.v1;\nmessage A {}\n",
    );
    write(&dir, "buf.yaml", "version: v2\nmodules:\n  - path: proto\n");

    // no buf.gen.yaml
    let out = generate(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("buf.gen.yaml: not found"),
        "{}",
        stderr(&out)
    );

    // out escaping the workspace
    write(
        &dir,
        "buf.gen.yaml",
        "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: ../elsewhere\n",
    );
    let out = generate(&dir, &[]);
    assert_eq!(
        stderr(&out).trim_end(),
        "buf.gen.yaml: plugins[0].out `../elsewhere` must be a relative path inside the workspace (no `..`)"
    );

    // no entry for this plugin
    write(
        &dir,
        "buf.gen.yaml",
        "version: v2\nplugins:\n  - local: protoc-gen-other\n    out: gen\n",
    );
    let out = generate(&dir, &[]);
    assert_eq!(
        stderr(&out).trim_end(),
        "buf.gen.yaml: no plugin entry with `local: protoc-gen-ameide-py` (or a path ending in it)"
    );

    // a bad parameter, from opt
    write(
        &dir,
        "buf.gen.yaml",
        "version: v2\nplugins:\n  - local: ./bin/protoc-gen-ameide-py\n    out: gen\n    opt: [prefix=a, package_files=all]\n",
    );
    let out = generate(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("gen: invalid parameter `prefix=a`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!dir.join("gen").exists());

    // package_files=all under strategy: directory would write the shared __init__.py twice (as buf refuses)
    write(
        &dir,
        "proto/b/v1/b.proto",
        "syntax = \"proto3\";\npackage b.v1;\nmessage B {}\n",
    );
    write(
        &dir,
        "buf.gen.yaml",
        "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: gen\n    opt: [prefix=a:sdk, prefix=b:sdk, package_files=all]\n",
    );
    let out = generate(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("gen: `sdk/__init__.py` would be written twice"),
        "{}",
        stderr(&out)
    );

    // explicit mode: -I without --out
    let out = generate(&dir, &["-I", "proto"]);
    assert_eq!(stderr(&out).trim_end(), "-I needs --out <dir>");

    // an empty out
    write(
        &dir,
        "buf.gen.yaml",
        "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: \"\"\n",
    );
    let out = generate(&dir, &[]);
    assert_eq!(
        stderr(&out).trim_end(),
        "buf.gen.yaml: plugins[0].out is empty: give a directory relative to the workspace"
    );

    // the same file twice on the command line (protoc fails too), however it is spelled
    let out = generate(
        &dir,
        &[
            "-I",
            "proto",
            "--out",
            "gen",
            "a/v1/a.proto",
            "proto/a/v1/a.proto",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("a/v1/a.proto: named twice among the files to generate"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("gen").exists());
}
