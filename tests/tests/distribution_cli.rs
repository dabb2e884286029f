//! Command-line polish of both executables (release builds, as shipped in the wheels):
//! * `--help` of every (sub)command carries examples and the exit codes;
//! * `--version` names the reference versions reproduced, equal to the pinned reference tools of this suite;
//! * unified diffs are colored on a terminal (a pty via `script`), plain when piped or with `NO_COLOR` set;
//! * `.proto` and TOML errors show the source line with a caret under the column.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use e2e_tests::cache::locked_scratch;
use e2e_tests::plugin::plugin_binary;
use e2e_tests::provision::{repo_root, target_dir, PYTHON_PACKAGES};
use e2e_tests::standalone::copy_dir;

fn uvlock_binary() -> PathBuf {
    let _ = plugin_binary(); // serialises with the plugin build
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(repo_root())
        .args(["build", "--release", "--quiet", "-p", "uvlock-tool"])
        .arg("--target-dir")
        .arg(target_dir())
        .output()
        .expect("cargo build uvlock-tool");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    target_dir().join("release/uvlock-tool")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn pin(name: &str) -> &'static str {
    PYTHON_PACKAGES
        .iter()
        .find_map(|p| p.strip_prefix(name)?.strip_prefix("=="))
        .unwrap_or_else(|| panic!("{name} is not pinned"))
}

#[test]
fn help_has_examples_and_exit_codes_version_names_references() {
    let plugin = plugin_binary();
    let uvlock = uvlock_binary();
    for (bin, args) in [
        (&plugin, vec!["--help"]),
        (&plugin, vec!["generate", "--help"]),
        (&plugin, vec!["check", "--help"]),
        (&uvlock, vec!["--help"]),
        (&uvlock, vec!["switch", "--help"]),
    ] {
        let out = Command::new(bin).args(&args).output().expect("run --help");
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("Examples:"), "{args:?}:\n{help}");
        assert!(help.contains("Exit codes"), "{args:?}:\n{help}");
        let name = bin
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let sub = args.first().filter(|a| !a.starts_with('-'));
        let example = match sub {
            Some(sub) => format!("  {name} {sub}"),
            None => format!("  {name} "),
        };
        assert!(
            help.contains(&example),
            "{args:?}: no example `{example}`:\n{help}"
        );
    }
    let out = Command::new(&plugin)
        .arg("--version")
        .output()
        .expect("run");
    let version = String::from_utf8_lossy(&out.stdout);
    let protoc = format!("protoc {}", {
        // grpcio-tools 1.85.x bundles protoc 35.x (see versions.rs); the pin is the suite's reference
        let grpc = pin("grpcio-tools");
        assert!(
            grpc.starts_with("1.85."),
            "update the protoc version expected here"
        );
        "35.1"
    });
    assert!(version.contains(&protoc), "{version}");
    assert!(
        version.contains(&format!("grpcio-tools {}", pin("grpcio-tools"))),
        "{version}"
    );
    let out = Command::new(&uvlock)
        .arg("--version")
        .output()
        .expect("run");
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(version.contains(&format!("uv {}", pin("uv"))), "{version}");
}

/// Runs `cmd` (a shell command line) on a pseudo-terminal with `script`; returns the captured output.
fn on_tty(dir: &Path, cmd: &str, no_color: bool) -> String {
    let mut c = Command::new("script");
    c.current_dir(dir).args(["-qec", cmd, "/dev/null"]);
    if no_color {
        c.env("NO_COLOR", "1");
    } else {
        c.env_remove("NO_COLOR");
    }
    let out = c.output().expect("run script (util-linux)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn diffs_are_colored_on_a_terminal_only() {
    let plugin = plugin_binary();
    let uvlock = uvlock_binary();
    let (scratch, _guard) = locked_scratch("distribution-cli-color");
    // a stale stub
    let ws = scratch.join("ws");
    for sub in [
        "examples/packages/ameide_core_proto",
        "examples/packages/ameide_sdk_python/src",
    ] {
        copy_dir(&repo_root().join(sub), &ws.join(sub));
    }
    for f in ["buf.yaml", "buf.gen.yaml"] {
        fs::copy(repo_root().join(f), ws.join(f)).expect("copy");
    }
    let proto = ws
        .join("examples/packages/ameide_core_proto/proto/ameide_core_proto/common/v1/common.proto");
    let src = fs::read_to_string(&proto).expect("read");
    fs::write(
        &proto,
        src.replacen("message ", "message Added { string a = 1; }\nmessage ", 1),
    )
    .expect("write");
    // a stale lock
    let fx = scratch.join("fx");
    copy_dir(
        &repo_root().join("uvlock-tool/tests/fixtures/small/registry"),
        &fx,
    );
    let cases = [
        (ws.clone(), format!("'{}' check", plugin.display()), "+++ "),
        (
            fx.clone(),
            format!(
                "'{}' switch --check --to editable --package ameide-sdk-python --path packages/ameide_sdk_python services/inference",
                uvlock.display()
            ),
            "+++ b/services/inference/uv.lock",
        ),
    ];
    for (dir, cmd, header) in cases {
        let colored = on_tty(&dir, &cmd, false);
        assert!(
            colored.contains("\x1b[32m+"),
            "{cmd}: no green addition on a tty:\n{colored}"
        );
        assert!(
            colored.contains("\x1b[1m+++ "),
            "{cmd}: no bold header:\n{colored}"
        );
        assert!(
            colored.contains("\x1b[36m@@"),
            "{cmd}: no cyan hunk:\n{colored}"
        );
        let plain = on_tty(&dir, &cmd, true);
        assert!(plain.contains(header), "{cmd}:\n{plain}");
        assert!(
            !plain.contains('\x1b'),
            "{cmd}: NO_COLOR must disable colors:\n{plain}"
        );
        let out = Command::new("sh")
            .current_dir(&dir)
            .args(["-c", &cmd])
            .env_remove("NO_COLOR")
            .output()
            .expect("run piped");
        assert_eq!(out.status.code(), Some(1), "{cmd}: {}", text(&out));
        let piped = String::from_utf8_lossy(&out.stdout);
        assert!(piped.contains(header), "{cmd}:\n{piped}");
        assert!(
            !piped.contains('\x1b'),
            "{cmd}: piped output must be plain:\n{piped}"
        );
    }
}

#[test]
fn proto_and_toml_errors_show_the_line_with_a_caret() {
    let plugin = plugin_binary();
    let uvlock = uvlock_binary();
    let (scratch, _guard) = locked_scratch("distribution-cli-caret");
    fs::write(
        scratch.join("bad.proto"),
        "syntax = \"proto3\";\nmessage M {\n\tint32 x = 1\n}\n",
    )
    .expect("write");
    let out = Command::new(&plugin)
        .current_dir(&scratch)
        .args(["generate", "-I", ".", "--out", "out", "bad.proto"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        // protoc 35.1's own line for it, then the source line with a caret
        "bad.proto:4:1: Expected \";\".\n 4 | }\n   | ^\n"
    );

    let fx = scratch.join("fx");
    copy_dir(
        &repo_root().join("uvlock-tool/tests/fixtures/small/editable"),
        &fx,
    );
    let py = fx.join("services/inference/pyproject.toml");
    let text_py = fs::read_to_string(&py).expect("read");
    fs::write(
        &py,
        text_py.replacen("version = \"0.1.0\"", "version = \"0.1.0", 1),
    )
    .expect("write");
    let out = Command::new(&uvlock)
        .current_dir(&fx)
        .args([
            "switch",
            "--check",
            "--to",
            "editable",
            "--package",
            "ameide-sdk-python",
            "--path",
            "packages/ameide_sdk_python",
            "services/inference",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "error[E102 toml]: services/inference/pyproject.toml:3:17: invalid basic string\n 3 | version = \"0.1.0\n   |                 ^\n"
        ),
        "{err}"
    );
}
