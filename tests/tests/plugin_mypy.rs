//! mypy (2.4.1, from the reference venv) type-checks a small client program against the plugin's PREFIXED `.pyi`
//! tree (`prefix=ameide_core_proto:ameide_sdk.proto` over tests/corpus, driven by protoc) with the same result as
//! against the UNPREFIXED grpcio-tools reference tree, modulo the prefix in module names and paths.
//!
//! The program, `tests/python/mypy_client/client.py.in`, is a template: `__ROOT__` becomes `""` for the reference
//! and `"ameide_sdk.proto."` for the prefixed tree; it is written to the tree root and mypy runs there (cwd and
//! `MYPYPATH` = the tree, `--no-incremental`, cache and config under `target/e2e-scratch/`). It exercises messages,
//! nested types, enums, maps, repeated fields, WKTs (datetime / timedelta in `__init__`), a oneof and proto3
//! optional, and holds deliberate type errors (`# expect: CODE`) and `reveal_type` calls (`# reveal: TYPE`).
//!
//! Checked for each tree: mypy exits 1 (errors found, no crash), every `# expect:` line has its error codes, no
//! other line of the client has an error, every `# reveal:` note names the tree's modules (prefixed ones for the
//! prefixed tree). Then the two outputs, sorted, must be equal once the prefix is stripped from the prefixed one;
//! the prefixed output must not name an unprefixed `ameide_core_proto` module. Errors inside the stubs themselves
//! (protoc's output for the corpus has some, e.g. `message str` shadowing `builtins.str`) are part of the
//! comparison.
//!
//! protobuf ships no type information, so mypy gets `types-protobuf` (pinned, [`TYPES_PROTOBUF`]) through
//! `PYTHONPATH`, installed with the venv's pip into `target/reference-tools/types-protobuf/` (file-locked, once).
//! Without it every protobuf base class would be `Any` and most checks would be vacuous. Like the other reference
//! tools it is skipped when it cannot be installed, except under `CI=true`, where that fails the test.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use e2e_tests::cache::{lock, locked_scratch};
use e2e_tests::compare::write_tree;
use e2e_tests::corpus::Corpus;
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::plugin::run_with_protoc;
use e2e_tests::provision::{python_tools, repo_root, tools_dir, PythonTools};
use e2e_tests::reference::{generated_only, reference_tree};

const ROOT: &str = "ameide_core_proto";
const PY_PREFIX: &str = "ameide_sdk.proto";
/// The stubs for protobuf; the release matching protobuf 7.x.
const TYPES_PROTOBUF: &str = "types-protobuf==7.35.1.20260906";
const TEMPLATE: &str = "tests/python/mypy_client/client.py.in";
const PLACEHOLDER: &str = "__ROOT__";
/// The client's file name inside the tree root.
const CLIENT: &str = "mypy_client.py";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// `types-protobuf`, installed (once, file-locked) with the venv's pip into its own directory; `None` (skip) if
/// that fails outside CI, a panic under CI.
fn protobuf_stubs(py: &PythonTools) -> Option<PathBuf> {
    let dir = tools_dir().join("types-protobuf");
    let marker = tools_dir().join("types-protobuf.provisioned");
    let _guard = lock(&tools_dir().join("types-protobuf.lock"));
    if dir.is_dir() && fs::read_to_string(&marker).is_ok_and(|s| s == TYPES_PROTOBUF) {
        return Some(dir);
    }
    let _ = fs::remove_file(&marker);
    let _ = fs::remove_dir_all(&dir);
    let out = Command::new(py.bin().join("pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
        ])
        .arg("--target")
        .arg(&dir)
        .arg(TYPES_PROTOBUF)
        .output();
    let why = match out {
        Ok(out) if out.status.success() && dir.join("google-stubs").is_dir() => {
            fs::write(&marker, TYPES_PROTOBUF)
                .unwrap_or_else(|e| panic!("write {}: {e}", marker.display()));
            return Some(dir);
        }
        Ok(out) => format!(
            "pip install {TYPES_PROTOBUF} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => format!("spawn pip: {e}"),
    };
    if in_ci() {
        panic!("reference tool {TYPES_PROTOBUF} could not be provisioned under CI=true: {why}");
    }
    eprintln!("SKIP: reference tool {TYPES_PROTOBUF} unavailable: {why}");
    None
}

/// What the template asks of one line.
#[derive(Debug, Default)]
struct LineSpec {
    /// `# expect: CODE, ...`: error codes that must be reported on the line.
    codes: Vec<String>,
    /// `# reveal: TYPE`: the revealed type (still with the placeholder).
    reveal: Option<String>,
}

/// The `# expect:` / `# reveal:` markers of the template, by 1-based line number.
fn markers(template: &str) -> BTreeMap<usize, LineSpec> {
    let mut specs = BTreeMap::new();
    for (i, line) in template.lines().enumerate() {
        let spec = if let Some((_, codes)) = line.split_once("# expect: ") {
            LineSpec {
                codes: codes.split(',').map(|c| c.trim().to_string()).collect(),
                reveal: None,
            }
        } else if let Some((_, ty)) = line.split_once("# reveal: ") {
            LineSpec {
                codes: Vec::new(),
                reveal: Some(ty.trim().to_string()),
            }
        } else {
            continue;
        };
        specs.insert(i + 1, spec);
    }
    specs
}

/// One diagnostic of mypy on the client file.
#[derive(Debug)]
struct Diagnostic {
    line: usize,
    severity: String,
    message: String,
    code: Option<String>,
}

/// The diagnostics on the client file (`mypy_client.py:N: severity: message  [code]`).
fn client_diagnostics(output: &str) -> Vec<Diagnostic> {
    output
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(CLIENT)?.strip_prefix(':')?;
            let (line, rest) = rest.split_once(':')?;
            let (severity, message) = rest.trim_start().split_once(": ")?;
            let code = message
                .strip_suffix(']')
                .and_then(|m| m.rsplit_once("  ["))
                .map(|(_, c)| c.to_string());
            Some(Diagnostic {
                line: line.parse().ok()?,
                severity: severity.to_string(),
                message: message.to_string(),
                code,
            })
        })
        .collect()
}

/// One mypy run over a tree.
struct Run {
    label: &'static str,
    /// What replaces the placeholder (`""` or `"ameide_sdk.proto."`).
    module_root: String,
    output: String,
    exit: Option<i32>,
}

/// Writes the instantiated client into `tree` and runs mypy on it from the tree root.
fn run_mypy(
    py: &PythonTools,
    stubs: &Path,
    tree: &Path,
    scratch: &Path,
    label: &'static str,
    module_root: &str,
) -> Run {
    let template =
        fs::read_to_string(repo_root().join(TEMPLATE)).expect("read the client template");
    fs::write(
        tree.join(CLIENT),
        template.replace(PLACEHOLDER, module_root),
    )
    .expect("write the client");
    let config = scratch.join("mypy.ini");
    fs::write(&config, "[mypy]\n").expect("write mypy.ini");
    let started = Instant::now();
    let out = Command::new(py.python())
        .current_dir(tree)
        .args(["-m", "mypy", "--no-incremental"])
        .arg("--config-file")
        .arg(&config)
        .arg("--cache-dir")
        .arg(scratch.join(format!("mypy-cache-{label}")))
        .args([
            "--no-error-summary",
            "--hide-error-context",
            "--show-error-codes",
            "--no-color-output",
            "--no-pretty",
            CLIENT,
        ])
        .env("MYPYPATH", tree)
        .env("PYTHONPATH", stubs)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("MYPY_CACHE_DIR")
        .env_remove("MYPY_FORCE_COLOR")
        .output()
        .expect("run mypy");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    fs::write(scratch.join(format!("mypy-{label}.txt")), &output).expect("write mypy output");
    eprintln!(
        "mypy on the {label} tree {}: {} ({} lines, {:.1?})",
        tree.display(),
        out.status,
        output.lines().count(),
        started.elapsed()
    );
    Run {
        label,
        module_root: module_root.to_string(),
        output,
        exit: out.status.code(),
    }
}

/// The template's expectations checked on one run; returns the problems found.
fn check_expectations(run: &Run, specs: &BTreeMap<usize, LineSpec>) -> Vec<String> {
    let mut problems = Vec::new();
    let label = run.label;
    if run.exit != Some(1) {
        problems.push(format!(
            "[{label}] mypy exit status {:?}, expected 1 (errors reported, no crash)",
            run.exit
        ));
    }
    let diags = client_diagnostics(&run.output);
    for (line, spec) in specs {
        for code in &spec.codes {
            let found = diags.iter().any(|d| {
                d.line == *line && d.severity == "error" && d.code.as_deref() == Some(code.as_str())
            });
            if !found {
                problems.push(format!(
                    "[{label}] {CLIENT}:{line}: the deliberate error [{code}] was not reported"
                ));
            }
        }
        if let Some(ty) = &spec.reveal {
            let want = format!(
                "Revealed type is \"{}\"",
                ty.replace(PLACEHOLDER, &run.module_root)
            );
            if !diags
                .iter()
                .any(|d| d.line == *line && d.severity == "note" && d.message == want)
            {
                problems.push(format!("[{label}] {CLIENT}:{line}: no note `{want}`"));
            }
        }
    }
    for d in &diags {
        let expected = specs.get(&d.line).is_some_and(|s| !s.codes.is_empty());
        if d.severity == "error" && !expected {
            problems.push(format!(
                "[{label}] {CLIENT}:{}: unexpected error: {}",
                d.line, d.message
            ));
        }
    }
    problems
}

/// The prefixed run's output with the prefix taken out of module names and paths. A dotted name is also reported
/// by its first component alone (`Name "ameide_sdk" is not defined` for a fully qualified name in a stub), which
/// is `ameide_core_proto` in the reference.
fn strip_prefix(output: &str) -> String {
    let first = PY_PREFIX.split('.').next().expect("prefix has a component");
    output
        .replace(&format!("{}/", PY_PREFIX.replace('.', "/")), "")
        .replace(&format!("{PY_PREFIX}."), "")
        .replace(&format!("\"{first}\""), &format!("\"{ROOT}\""))
}

/// Every mention of the root module in the prefixed output must be the prefixed one.
fn unprefixed_mentions(output: &str) -> Vec<String> {
    let dotted = format!("{PY_PREFIX}.");
    let slashed = format!("{}/", PY_PREFIX.replace('.', "/"));
    output
        .lines()
        .filter(|l| {
            l.match_indices(ROOT).any(|(i, _)| {
                let before = &l[..i];
                !before.ends_with(&dotted) && !before.ends_with(&slashed)
            })
        })
        .map(str::to_string)
        .collect()
}

fn sorted_lines(s: &str) -> Vec<String> {
    let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

/// Lines of `a` not matched by a line of `b` (multiset difference of sorted lines).
fn missing_from(a: &[String], b: &[String]) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for l in b {
        *counts.entry(l.as_str()).or_default() += 1;
    }
    a.iter()
        .filter(|l| match counts.get_mut(l.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

#[test]
fn mypy_result_on_prefixed_stubs_equals_reference() {
    let Some(py) = python_tools() else { return };
    let Some(stubs) = protobuf_stubs(&py) else {
        return;
    };
    let corpus = Corpus::repo();
    let (scratch, _guard) = locked_scratch("mypy-prefixed");

    // the unprefixed reference (grpcio-tools), copied so that the client can be written to its root
    let reference = scratch.join("reference");
    write_tree(&reference, &generated_only(&reference_tree(&py, &corpus)));
    // the plugin's prefixed output
    let prefixed = scratch.join("prefixed");
    let maps = [Mapping::new(ROOT, PY_PREFIX)];
    run_with_protoc(
        &py,
        &corpus,
        &prefixed,
        Some(&oracle::parameter(&maps)),
        &scratch,
    );
    assert!(
        prefixed
            .join("ameide_sdk/proto/ameide_core_proto/platform/v1/platform_pb2.pyi")
            .is_file(),
        "the plugin wrote no prefixed platform_pb2.pyi below {}",
        prefixed.display()
    );

    let module_root = format!("{PY_PREFIX}.");
    let (ref_run, pre_run) = std::thread::scope(|s| {
        let r = s.spawn(|| run_mypy(&py, &stubs, &reference, &scratch, "reference", ""));
        let p = s.spawn(|| run_mypy(&py, &stubs, &prefixed, &scratch, "prefixed", &module_root));
        (
            r.join().expect("mypy on the reference"),
            p.join().expect("mypy on the prefixed tree"),
        )
    });

    let template =
        fs::read_to_string(repo_root().join(TEMPLATE)).expect("read the client template");
    let specs = markers(&template);
    let expected_errors: usize = specs.values().map(|s| s.codes.len()).sum();
    assert!(
        expected_errors >= 8 && specs.values().filter(|s| s.reveal.is_some()).count() >= 5,
        "the template lost its deliberate errors / reveal_type calls: {specs:?}"
    );

    let mut problems = check_expectations(&ref_run, &specs);
    problems.extend(check_expectations(&pre_run, &specs));
    if ref_run
        .output
        .contains(PY_PREFIX.split('.').next().expect("component"))
    {
        problems.push("[reference] the output names the prefix".to_string());
    }
    for l in unprefixed_mentions(&pre_run.output) {
        problems.push(format!("[prefixed] names an unprefixed module: {l}"));
    }
    let ref_lines = sorted_lines(&ref_run.output);
    let pre_lines = sorted_lines(&strip_prefix(&pre_run.output));
    for l in missing_from(&ref_lines, &pre_lines) {
        problems.push(format!("only in the reference output: {l}"));
    }
    for l in missing_from(&pre_lines, &ref_lines) {
        problems.push(format!(
            "only in the prefixed output (prefix stripped): {l}"
        ));
    }
    assert!(
        problems.is_empty(),
        "mypy on the prefixed stubs differs from the reference or misses expectations ({} problems):\n{}\n\
         --- mypy on the reference tree ({}):\n{}\n--- mypy on the prefixed tree ({}):\n{}",
        problems.len(),
        problems.join("\n"),
        reference.display(),
        ref_run.output,
        prefixed.display(),
        pre_run.output
    );
    eprintln!(
        "mypy: {} lines, same on both trees; {expected_errors} deliberate errors and {} reveal_type notes found",
        ref_lines.len(),
        specs.values().filter(|s| s.reveal.is_some()).count()
    );
}

#[test]
fn template_markers_parse() {
    let specs = markers(
        "x = 1\nf(1)  # expect: arg-type, call-arg\nreveal_type(x)  # reveal: __ROOT__a.B\n",
    );
    assert_eq!(specs.len(), 2);
    assert_eq!(specs[&2].codes, ["arg-type", "call-arg"]);
    assert_eq!(specs[&3].reveal.as_deref(), Some("__ROOT__a.B"));
    let diags = client_diagnostics(
        "mypy_client.py:2: error: Bad  [arg-type]\nother.pyi:1: error: X  [misc]\nmypy_client.py:3: note: Revealed type is \"int\"\n",
    );
    assert_eq!(diags.len(), 2);
    assert_eq!(diags[0].code.as_deref(), Some("arg-type"));
    assert_eq!(diags[1].severity, "note");
    assert_eq!(
        strip_prefix("ameide_sdk/proto/ameide_core_proto/x.pyi:1: error: Name \"ameide_sdk\" is not defined; \"ameide_sdk.proto.ameide_core_proto.x.Y\""),
        "ameide_core_proto/x.pyi:1: error: Name \"ameide_core_proto\" is not defined; \"ameide_core_proto.x.Y\""
    );
    assert_eq!(
        unprefixed_mentions(
            "a \"ameide_sdk.proto.ameide_core_proto.x\"\nb \"ameide_core_proto.x\"\n"
        ),
        ["b \"ameide_core_proto.x\""]
    );
}
