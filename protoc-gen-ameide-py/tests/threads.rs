//! `generate` parses and generates on all cores. These tests hold every thread count to the same result: the
//! same bytes for every output (package files and buf's `strategy: directory` grouping included), and the same
//! diagnostics as protoc prints, also for clashes between files that never import each other (one symbol or
//! extension number declared in two of them).

mod support;

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_protoc-gen-ameide-py");

/// Runs `generate` with `threads` threads (1: everything on one thread).
fn generate(root: &Path, out: &Path, threads: usize, opt: &str) -> Output {
    Command::new(BIN)
        .args(["generate", "-I"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .args(["--opt", opt])
        .env("AMEIDE_PY_THREADS", threads.to_string())
        .env("NO_COLOR", "1")
        .output()
        .expect("run the plugin")
}

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A tree of 12 directories × 10 files: each directory a package whose files import each other in a chain,
/// all importing one shared `common/common.proto` (with a custom option) and a well-known type; services with
/// streaming methods and comments; every file a different size.
fn tree(root: &Path) {
    write(
        root,
        "common/common.proto",
        r#"syntax = "proto3";
package common;
import "google/protobuf/descriptor.proto";
extend google.protobuf.FieldOptions { string rule = 50001; }
message Page { int32 size = 1; string token = 2; }
"#,
    );
    for d in 0..12 {
        for f in 0..10 {
            let import = if f > 0 {
                format!("import \"d{d}/f{}.proto\";\n", f - 1)
            } else {
                String::new()
            };
            let previous = if f > 0 {
                format!("  M{} previous = 3;\n", f - 1)
            } else {
                String::new()
            };
            let fields: String = (0..f)
                .map(|i| {
                    format!(
                        "  repeated int64 extra_{i} = {} [(common.rule) = \"r{i}\"];\n",
                        10 + i
                    )
                })
                .collect();
            write(
                root,
                &format!("d{d}/f{f}.proto"),
                &format!(
                    r#"syntax = "proto3";
package pkg{d};
import "common/common.proto";
import "google/protobuf/timestamp.proto";
{import}
// Message {f} of directory {d}.
message M{f} {{
  common.Page page = 1;
  google.protobuf.Timestamp at = 2;
{previous}{fields}}}

// Service {f}.
service S{f} {{
  // Lists things.
  rpc List(M{f}) returns (stream M{f});
  rpc Put(stream M{f}) returns (M{f}) {{}}
}}
"#
                ),
            );
        }
    }
}

#[test]
fn outputs_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("protos");
    tree(&root);
    let opt = "prefix=common:sdk.gen,package_files=all";
    let one = generate(&root, &tmp.path().join("one"), 1, opt);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let one = support::tree(&tmp.path().join("one"));
    // 121 protos x 3 outputs, the package files of 13 directories and the prefix roots
    assert!(one.len() > 121 * 3, "{} files", one.len());
    for threads in [2, 3, 8] {
        let out = tmp.path().join(format!("threads-{threads}"));
        let run = generate(&root, &out, threads, opt);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(one == support::tree(&out), "{threads} threads");
    }
}

#[test]
fn buf_directory_grouping_does_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().expect("tempdir");
    tree(&tmp.path().join("protos"));
    write(
        tmp.path(),
        "buf.yaml",
        "version: v2\nmodules:\n  - path: protos\n",
    );
    let template = |threads: usize| {
        format!(
            "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: out{threads}\n    strategy: directory\n    opt: [package_files=leaf]\n"
        )
    };
    for threads in [1, 2] {
        write(tmp.path(), "buf.gen.yaml", &template(threads));
        let run = Command::new(BIN)
            .arg("generate")
            .current_dir(tmp.path())
            .env("AMEIDE_PY_THREADS", threads.to_string())
            .output()
            .expect("run the plugin");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    assert_eq!(
        support::tree(&tmp.path().join("out1")),
        support::tree(&tmp.path().join("out2"))
    );
}

/// The tree plus `extra` files: `generate` with one and with two threads, its stderr lines (timing lines left
/// out), and whether it succeeded.
fn both_ways(extra: &[(&str, &str)]) -> (bool, String) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("protos");
    tree(&root);
    for (name, text) in extra {
        write(&root, name, text);
    }
    let one = generate(&root, &tmp.path().join("one"), 1, "");
    let two = generate(&root, &tmp.path().join("two"), 2, "");
    let stderr = |o: &Output| {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .filter(|l| !l.starts_with("timing:") && !l.ends_with(" files written"))
            .map(|l| l.replace(&root.display().to_string(), "<root>"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(stderr(&one), stderr(&two));
    assert_eq!(one.status.success(), two.status.success());
    if !one.status.success() {
        assert!(!tmp.path().join("one").exists() && !tmp.path().join("two").exists());
    }
    (one.status.success(), stderr(&one))
}

#[test]
fn a_symbol_declared_in_two_unrelated_files_is_protocs_error() {
    let (ok, stderr) = both_ways(&[
        (
            "x/a.proto",
            "syntax = \"proto3\";\npackage clash;\nmessage Same {}\n",
        ),
        (
            "y/b.proto",
            "syntax = \"proto3\";\npackage clash;\nmessage Same {}\n",
        ),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains(
            "<root>/y/b.proto:3:9: \"clash.Same\" is already defined in file \"x/a.proto\"."
        ),
        "{stderr}"
    );
}

/// protoc 35.1 only warns about one extension number of an options message used by two unrelated files.
#[test]
fn an_extension_number_used_by_two_unrelated_files_is_protocs_warning() {
    let extension = |name: &str| {
        format!(
            "syntax = \"proto3\";\npackage {name};\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.MessageOptions {{ string tag = 50123; }}\n"
        )
    };
    let (ok, stderr) = both_ways(&[
        ("x/a.proto", &extension("ea")),
        ("y/b.proto", &extension("eb")),
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("<root>/y/b.proto:4:54: warning: Extension number 50123 has already been used in \"google.protobuf.MessageOptions\" by extension \"ea.tag\" defined in x/a.proto."),
        "{stderr}"
    );
}

#[test]
fn a_package_named_like_another_files_message_is_protocs_error() {
    let (ok, stderr) = both_ways(&[
        (
            "x/a.proto",
            "syntax = \"proto3\";\npackage outer;\nmessage Inner {}\n",
        ),
        (
            "y/b.proto",
            "syntax = \"proto3\";\npackage outer.Inner;\nmessage Leaf {}\n",
        ),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains("<root>/y/b.proto:2:1: \"outer.Inner\" is already defined (as something other than a package) in file \"x/a.proto\"."),
        "{stderr}"
    );
}

#[test]
fn a_syntax_error_is_reported_with_its_source_line() {
    let (ok, stderr) = both_ways(&[(
        "x/bad.proto",
        "syntax = \"proto3\";\nmessage Broken { int32 x = }\n",
    )]);
    assert!(!ok);
    assert!(
        stderr.contains("<root>/x/bad.proto:2:28: Expected field number."),
        "{stderr}"
    );
    assert!(
        stderr.contains(" 2 | message Broken { int32 x = }\n   |                            ^"),
        "{stderr}"
    );
}
