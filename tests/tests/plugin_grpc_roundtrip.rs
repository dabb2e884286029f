//! A real gRPC round trip in Python through the plugin's PREFIXED output (`prefix=ameide_core_proto:ameide_sdk.proto`
//! over tests/corpus, driven by protoc), in the reference venv (grpcio 1.85.3, protobuf 7.36.2).
//!
//! `tests/python/grpc_roundtrip.py` serves `AgentService` (corpus `ameide_core_proto/agents/v1/agents.proto`) on
//! 127.0.0.1 with an ephemeral port, through the generated `add_AgentServiceServicer_to_server`, and calls it
//! through the generated stub: GetAgent (unary, also an aborted call), ListAgents (server streaming), UploadAgents
//! (client streaming), Chat (bidi) and Filter. It checks the results, the message classes, the method paths the
//! server saw (`/ameide_core_proto.agents.v1.AgentService/...`: the prefix never reaches the wire) and that no
//! unprefixed `ameide_core_proto.*` module was imported. Every call has a deadline, the script has a watchdog and
//! the test kills it after [`SCRIPT_TIMEOUT`]. The unprefixed reference tree sits behind the prefixed one on
//! `sys.path`, so that an import left unprefixed would load silently rather than fail, and is still caught. Both protobuf backends (upb, pure Python) are run. The script also
//! runs on the unprefixed reference tree, as a check of the script itself.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use e2e_tests::cache::locked_scratch;
use e2e_tests::corpus::Corpus;
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::plugin::run_with_protoc;
use e2e_tests::provision::{python_tools, repo_root, PythonTools};
use e2e_tests::reference::reference_dir;

const ROOT: &str = "ameide_core_proto";
const PY_PREFIX: &str = "ameide_sdk.proto";
/// Deadline of each call / wait inside the script (seconds).
const CALL_TIMEOUT_SECS: u32 = 10;
/// The whole script is killed after this.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(90);

/// Runs `cmd` with piped output; kills it after `timeout` (the output then ends with a note saying so).
fn output_with_timeout(cmd: &mut Command, timeout: Duration) -> (Output, bool) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let readers: Vec<_> = [
        Box::new(child.stdout.take().expect("stdout pipe")) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().expect("stderr pipe")),
    ]
    .into_iter()
    .map(|mut pipe| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    })
    .collect();
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the script") {
            break status;
        }
        if started.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait for the killed script");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut bufs = readers
        .into_iter()
        .map(|r| r.join().expect("pipe reader thread"));
    let stdout = bufs.next().expect("stdout");
    let stderr = bufs.next().expect("stderr");
    (
        Output {
            status,
            stdout,
            stderr,
        },
        timed_out,
    )
}

/// Runs the script on `tree` under both protobuf backends; panics with its output on failure.
/// `decoy`: a tree appended to the script's `sys.path`.
fn roundtrip(py: &PythonTools, tree: &Path, prefix: &str, decoy: Option<&Path>) {
    let mut failures = Vec::new();
    for backend in ["upb", "python"] {
        let mut cmd = Command::new(py.python());
        cmd.arg(repo_root().join("tests/python/grpc_roundtrip.py"))
            .arg(tree)
            .args(["--root", ROOT, "--prefix", prefix, "--backend", backend])
            .arg("--timeout")
            .arg(CALL_TIMEOUT_SECS.to_string())
            .args(
                decoy
                    .map(|d| [Path::new("--decoy"), d])
                    .into_iter()
                    .flatten(),
            )
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("PYTHONPATH")
            // no proxy for the loopback channel, whatever the environment says
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost");
        if backend == "python" {
            cmd.env("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION", "python");
        } else {
            cmd.env_remove("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION");
        }
        let started = Instant::now();
        let (out, timed_out) = output_with_timeout(&mut cmd, SCRIPT_TIMEOUT);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let passed = out.status.success()
            && !timed_out
            && text.contains("ok: ListAgents streams 3 agents")
            && text.contains("ok: Chat echoes the stream")
            && text.lines().any(|l| l == "0 failure(s)");
        let summary = format!(
            "--- grpc_roundtrip.py [{backend}, prefix {prefix:?}] on {} ({}, {:.1?}{}):\n{text}",
            tree.display(),
            out.status,
            started.elapsed(),
            if timed_out {
                format!(", KILLED after {SCRIPT_TIMEOUT:?}")
            } else {
                String::new()
            }
        );
        eprintln!("{summary}");
        if !passed {
            failures.push(summary);
        }
    }
    assert!(
        failures.is_empty(),
        "gRPC round trip through {} failed:\n{}",
        tree.display(),
        failures.join("\n")
    );
}

#[test]
fn grpc_round_trip_through_prefixed_modules() {
    let Some(py) = python_tools() else { return };
    let corpus = Corpus::repo();
    let (scratch, _guard) = locked_scratch("grpc-roundtrip-prefixed");
    let out = scratch.join("out");
    let maps = [Mapping::new(ROOT, PY_PREFIX)];
    run_with_protoc(
        &py,
        &corpus,
        &out,
        Some(&oracle::parameter(&maps)),
        &scratch,
    );
    assert!(
        out.join("ameide_sdk/proto/ameide_core_proto/agents/v1/agents_pb2_grpc.py")
            .is_file(),
        "the plugin wrote no prefixed agents_pb2_grpc.py below {}",
        out.display()
    );
    // the unprefixed reference behind the prefixed tree on sys.path: an import the plugin failed to prefix would
    // then load silently, and must be caught by the script's sys.modules check
    roundtrip(&py, &out, PY_PREFIX, Some(&reference_dir(&py, &corpus)));
}

/// The same script on the unprefixed grpcio-tools reference: checks the script, not the plugin.
#[test]
fn grpc_round_trip_script_passes_on_unprefixed_reference() {
    let Some(py) = python_tools() else { return };
    let reference = reference_dir(&py, &Corpus::repo());
    roundtrip(&py, &reference, "", None);
}
