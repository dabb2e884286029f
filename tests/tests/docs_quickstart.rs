//! The README's quick start, run as written. The blocks it runs are marked in README.md by an HTML comment on the
//! line before them, which renderers hide:
//! * `<!-- quickstart: file NAME -->`: the next fenced block is the content of the file NAME;
//! * `<!-- quickstart: run -->`: the next fenced block is shell commands, run with `bash -e -o pipefail` in the
//!   repository (`needs=uv` after `run`: the block calls uv, which is the provisioned uv 0.13.9; skipped when uv
//!   cannot be provisioned, a failure under `CI=true`).
//!
//! The repository is the one the quick start describes, made from `examples/`: the protos under `proto/`, the SDK's
//! `pyproject.toml` (without its generated stubs) under `packages/ameide_sdk_python/`, and the index-pinned service
//! under `services/inference/`. The freshly built `protoc-gen-ameide-py` and `uvlock-tool` come first on `PATH`. No
//! network is used: uvlock-tool reads the committed lock, and uv runs `--offline`.
//!
//! Any failing command fails the test. Afterwards the generated stubs must equal the example's committed ones (the
//! quick start's configuration is the example's) and the service must use the workspace SDK.

use std::fs;
use std::path::Path;
use std::process::Command;

use e2e_tests::compare::{assert_trees_equal, read_tree, report_path};
use e2e_tests::plugin::plugin_binary;
use e2e_tests::provision::{path_with, python_tools, repo_root, scratch_dir};
use e2e_tests::uv::{copy_tree, uvlock_tool, with_uv_environment};

/// One marked block of the README.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    File { name: String, content: String },
    Run { script: String, needs_uv: bool },
}

/// The marked blocks of `readme`, in order. A marker that is not followed by a fenced block, or that says
/// something else than `file NAME` / `run [needs=uv]`, is an error naming its line.
fn quickstart_steps(readme: &str) -> Result<Vec<Step>, String> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(directive) = lines[i]
            .trim()
            .strip_prefix("<!-- quickstart:")
            .and_then(|rest| rest.strip_suffix("-->"))
        else {
            i += 1;
            continue;
        };
        let marker_line = i + 1;
        let words: Vec<&str> = directive.split_whitespace().collect();
        let fence = lines
            .get(i + 1)
            .filter(|l| l.starts_with("```"))
            .ok_or_else(|| {
                format!("README.md:{marker_line}: the marker is not followed by a ``` block")
            })?;
        let end = (i + 2..lines.len())
            .find(|&j| lines[j].trim_end() == "```")
            .ok_or_else(|| {
                format!("README.md:{marker_line}: the block after the marker is not closed")
            })?;
        let mut body = lines[i + 2..end].join("\n");
        body.push('\n');
        steps.push(match words.as_slice() {
            ["file", name] => Step::File {
                name: (*name).to_string(),
                content: body,
            },
            ["run"] | ["run", "needs=uv"] => {
                if !matches!(fence.trim_end(), "```sh" | "```bash") {
                    return Err(format!(
                        "README.md:{marker_line}: a run block must be ```sh, not {fence}"
                    ));
                }
                Step::Run {
                    script: body,
                    needs_uv: words.len() == 2,
                }
            }
            _ => {
                return Err(format!(
                    "README.md:{marker_line}: unknown marker `{}` (expected `file NAME` or `run [needs=uv]`)",
                    directive.trim()
                ))
            }
        });
        i = end + 1;
    }
    Ok(steps)
}

/// The repository the quick start describes, made from `examples/`.
fn user_repository(repo: &Path) {
    let examples = repo_root().join("examples");
    copy_tree(
        &examples.join("packages/ameide_core_proto/proto"),
        &repo.join("proto"),
    );
    let sdk = repo.join("packages/ameide_sdk_python");
    fs::create_dir_all(&sdk).expect("create the SDK directory");
    for file in ["pyproject.toml", "README.md"] {
        fs::copy(
            examples.join("packages/ameide_sdk_python").join(file),
            sdk.join(file),
        )
        .expect("copy the SDK's project files");
    }
    copy_tree(
        &examples.join("services/inference"),
        &repo.join("services/inference"),
    );
}

#[test]
fn the_readme_quick_start_runs_as_written() {
    let readme = fs::read_to_string(repo_root().join("README.md")).expect("read README.md");
    let steps = quickstart_steps(&readme).unwrap_or_else(|e| panic!("{e}"));
    let scripts: String = steps
        .iter()
        .filter_map(|s| match s {
            Step::Run { script, .. } => Some(script.as_str()),
            Step::File { .. } => None,
        })
        .collect();
    for command in [
        "protoc-gen-ameide-py generate",
        "protoc-gen-ameide-py check",
        "uvlock-tool switch --to editable",
    ] {
        assert!(
            scripts.contains(command),
            "no marked run block of README.md runs `{command}`"
        );
    }

    let scratch = scratch_dir("docs-quickstart");
    let repo = scratch.join("repo");
    user_repository(&repo);
    let bin = scratch.join("bin");
    fs::create_dir_all(&bin).expect("create bin");
    for (name, target) in [
        ("protoc-gen-ameide-py", plugin_binary()),
        ("uvlock-tool", uvlock_tool()),
    ] {
        std::os::unix::fs::symlink(target, bin.join(name)).expect("link a binary into bin");
    }
    let uv_tools = if steps
        .iter()
        .any(|s| matches!(s, Step::Run { needs_uv: true, .. }))
    {
        python_tools()
    } else {
        None
    };
    if let Some(tools) = &uv_tools {
        std::os::unix::fs::symlink(tools.uv(), bin.join("uv")).expect("link uv into bin");
    }

    for step in &steps {
        match step {
            Step::File { name, content } => {
                let path = repo.join(name);
                fs::create_dir_all(path.parent().expect("parent")).expect("create parent");
                fs::write(&path, content).expect("write a quick-start file");
            }
            Step::Run { script, needs_uv } => {
                let mut shell = Command::new("bash");
                shell
                    .args(["-e", "-o", "pipefail", "-c", script])
                    .current_dir(&repo)
                    .env("PATH", path_with(&bin))
                    .env("NO_COLOR", "1")
                    .env_remove("AMEIDE_PY_CAPTURE_DIR");
                if *needs_uv {
                    let Some(tools) = &uv_tools else {
                        eprintln!("SKIP: uv is unavailable for this quick-start block:\n{script}");
                        continue;
                    };
                    with_uv_environment(&mut shell, tools);
                }
                let out = shell.output().expect("run bash");
                assert!(
                    out.status.success(),
                    "a quick-start block of README.md failed ({}):\n{script}\nstdout:\n{}\nstderr:\n{}",
                    out.status,
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }

    let src = "packages/ameide_sdk_python/src";
    assert_trees_equal(
        "quick-start stubs vs the example's committed stubs",
        &read_tree(&repo_root().join("examples").join(src)),
        &read_tree(&repo.join(src)),
        &report_path(&scratch, "stubs"),
    );
    let pyproject = fs::read_to_string(repo.join("services/inference/pyproject.toml"))
        .expect("read the service's pyproject.toml");
    assert!(
        pyproject.contains(
            r#"ameide-sdk-python = { path = "../../packages/ameide_sdk_python", editable = true }"#
        ),
        "the service does not use the workspace SDK:\n{pyproject}"
    );
}

#[test]
fn markers_without_their_block_or_with_unknown_words_are_errors() {
    let ok = "text\n<!-- quickstart: file a.yaml -->\n```yaml\nk: v\n```\n<!-- quickstart: run needs=uv -->\n```sh\necho hi\n```\n";
    assert_eq!(
        quickstart_steps(ok),
        Ok(vec![
            Step::File {
                name: "a.yaml".into(),
                content: "k: v\n".into()
            },
            Step::Run {
                script: "echo hi\n".into(),
                needs_uv: true
            },
        ])
    );
    assert_eq!(
        quickstart_steps("<!-- quickstart: run -->\n\n```sh\nx\n```\n"),
        Err("README.md:1: the marker is not followed by a ``` block".into())
    );
    assert_eq!(
        quickstart_steps("a\n<!-- quickstart: run -->\n```sh\nx\n"),
        Err("README.md:2: the block after the marker is not closed".into())
    );
    assert!(
        quickstart_steps("<!-- quickstart: execute -->\n```sh\nx\n```\n")
            .is_err_and(|e| e.contains("unknown marker `execute`"))
    );
    assert!(
        quickstart_steps("<!-- quickstart: run -->\n```yaml\nx\n```\n")
            .is_err_and(|e| e.contains("must be ```sh"))
    );
}
