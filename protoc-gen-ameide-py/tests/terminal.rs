//! Started by hand on a terminal (no request piped in), the plugin prints its usage and exits 2 instead of
//! waiting on stdin; under protoc and buf (stdin a pipe) nothing changes.

use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_protoc-gen-ameide-py");

#[test]
fn on_a_terminal_the_plugin_prints_usage_and_exits_2() {
    // `script` gives the child a pseudo-terminal; -e passes on its exit status
    let Ok(output) = Command::new("script")
        .args(["-qec", BIN, "/dev/null"])
        .stdin(Stdio::null())
        .output()
    else {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("no CodeGeneratorRequest on stdin (it is a terminal)"),
        "{text}"
    );
    assert!(
        text.contains("Usage: protoc-gen-ameide-py <COMMAND>"),
        "{text}"
    );
}

#[test]
fn with_a_piped_empty_request_it_answers_an_empty_response() {
    let output = Command::new(BIN)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(output.status.success());
}
