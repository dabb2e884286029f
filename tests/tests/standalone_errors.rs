//! Bad inputs to `generate` / `check`: errors in .proto files are reported protoc-style (`file:line:col:
//! message`), for every failing file, with exit code 2 and nothing written; bad configuration and bad
//! parameters name the file or parameter in one line.

use std::fs;
use std::path::Path;
use std::process::Output;

use e2e_tests::provision::scratch_dir;
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

#[test]
fn proto_errors_are_protoc_style_for_every_file() {
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
    let cases = [
        ("syntax.proto", "syntax.proto:4:3: expected ';' or '[', but found 'int32'"),
        ("unknown.proto", "unknown.proto:3:3: name 'Missing' is not defined"),
        (
            "cyc1.proto",
            "cyc1.proto:2:1: File recursively imports itself: cyc1.proto -> cyc2.proto -> cyc1.proto",
        ),
        ("missing.proto", "missing.proto:2:1: import 'nope/missing.proto' not found"),
    ];
    for (file, expected) in cases {
        let out = generate(&dir, &["-I", ".", "--out", "out", file]);
        assert_eq!(out.status.code(), Some(2), "{file}: {}", stderr(&out));
        let err = stderr(&out);
        let mut lines = err.lines();
        assert_eq!(lines.next(), Some(expected), "{file}");
        // then the source line and a caret under the column
        let (line_no, col) = {
            let mut loc = expected.split(':').skip(1);
            let l: usize = loc.next().expect("line").parse().expect("line number");
            let c: usize = loc.next().expect("col").parse().expect("column");
            (l, c)
        };
        let text = fs::read_to_string(dir.join(file)).expect("read proto");
        let source = text.lines().nth(line_no - 1).expect("source line");
        assert_eq!(
            lines.next(),
            Some(format!(" {line_no} | {source}").as_str()),
            "{file}"
        );
        assert_eq!(
            lines.next(),
            Some(format!("   | {}^", " ".repeat(col - 1)).as_str()),
            "{file}"
        );
        assert_eq!(lines.next(), None, "{file}: {err}");
        assert!(!dir.join("out").exists(), "{file}: nothing may be written");
    }
    // every failing file is reported, one line each, in file order; the good file does not hide them
    let out = generate(&dir, &["-I", ".", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2));
    // (each followed by its source line and caret, which start with a space)
    let lines: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(str::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "cyc1.proto:2:1: File recursively imports itself: cyc1.proto -> cyc2.proto -> cyc1.proto",
            "cyc2.proto:2:1: File recursively imports itself: cyc2.proto -> cyc1.proto -> cyc2.proto",
            "missing.proto:2:1: import 'nope/missing.proto' not found",
            "syntax.proto:4:3: expected ';' or '[', but found 'int32'",
            "unknown.proto:3:3: name 'Missing' is not defined",
        ]
    );
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
