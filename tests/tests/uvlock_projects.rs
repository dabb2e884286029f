//! The differential suite: uvlock-tool on real public projects (tests/uvlock-projects, expectations from real
//! `uv lock` 0.13.9 runs, committed by its generate.py) — forward to editable and directory, reverse with
//! `--from`, refresh (the switch again on uv's own output) and `--check` on uv's own output.
//!
//! Every switch must end in one of: exit 0 with both files byte-equal to uv's, accepted by
//! `uv lock --locked --offline` (empty cache); or exit 2/3 (a refusal with a code) with both files untouched.
//! `--check` on uv's own output exits 0 (or refuses); it never reports drift. The outcome of every switch is
//! compared with `tests/uvlock-projects/outcomes.txt`, so a switch that stops matching uv (or starts to) is
//! noticed; `UVLOCK_PROJECTS_BLESS=1` rewrites that file (violations still fail). The tally goes to stderr and
//! `target/uvlock-projects-tally.txt`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use e2e_tests::provision;
use e2e_tests::uv::{read, uvlock_tool};
use e2e_tests::uvlock_projects::{self, Case};

const SVC: &str = "services/app";

/// What one run of the tool came to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Exit 0, both files equal uv's bytes (for `--check` and refresh: nothing to change).
    Identical,
    /// Exit 2 or 3 with this code; both files untouched.
    Refused(String),
    /// Anything else: the promise is broken.
    Violation(String),
}

impl Outcome {
    fn label(&self) -> String {
        match self {
            Outcome::Identical => "identical".into(),
            Outcome::Refused(code) => format!("refused {code}"),
            Outcome::Violation(_) => "VIOLATION".into(),
        }
    }
}

/// One switch of a case: the state it starts from (a form uv wrote), the tool's arguments, the form it must end in.
struct Switch {
    name: &'static str,
    from: &'static str,
    args: &'static [&'static str],
    want: &'static str,
}

const SWITCHES: &[Switch] = &[
    Switch {
        name: "editable",
        from: "registry",
        args: &["--to", "editable"],
        want: "editable",
    },
    Switch {
        name: "directory",
        from: "registry",
        args: &["--to", "directory"],
        want: "directory",
    },
    Switch {
        name: "reverse",
        from: "editable",
        args: &["--to", "registry", "--from", "ref.lock"],
        want: "reverse",
    },
    Switch {
        name: "refresh-editable",
        from: "editable",
        args: &["--to", "editable"],
        want: "editable",
    },
    Switch {
        name: "refresh-directory",
        from: "directory",
        args: &["--to", "directory"],
        want: "directory",
    },
    Switch {
        name: "check-editable",
        from: "editable",
        args: &["--check", "--to", "editable"],
        want: "editable",
    },
    Switch {
        name: "check-directory",
        from: "directory",
        args: &["--check", "--to", "directory"],
        want: "directory",
    },
    Switch {
        name: "check-reverse",
        from: "reverse",
        args: &["--check", "--to", "registry", "--from", "ref.lock"],
        want: "reverse",
    },
];

/// A monorepo for one case: packages/<sdk>/pyproject.toml, services/app/{pyproject.toml,uv.lock}, ref.lock.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(root: &Path, case: &Case) -> Scratch {
        let dir = root.join(&case.name);
        fs::create_dir_all(dir.join(SVC)).expect("mkdir service");
        fs::create_dir_all(dir.join("packages").join(&case.sdk)).expect("mkdir sdk");
        for (file, text) in case.sdk_files() {
            fs::write(dir.join("packages").join(&case.sdk).join(file), text).expect("write sdk");
        }
        fs::write(dir.join("ref.lock"), case.registry_lock()).expect("write ref.lock");
        Scratch { dir }
    }

    fn set(&self, state: &(String, String)) {
        fs::write(self.dir.join(SVC).join("pyproject.toml"), &state.0).expect("write pyproject");
        fs::write(self.dir.join(SVC).join("uv.lock"), &state.1).expect("write lock");
    }

    fn get(&self) -> (String, String) {
        (
            read(&self.dir.join(SVC).join("pyproject.toml")),
            read(&self.dir.join(SVC).join("uv.lock")),
        )
    }
}

fn first_difference(got: &str, want: &str) -> String {
    let line = got.lines().zip(want.lines()).position(|(g, w)| g != w);
    match line {
        Some(i) => format!(
            "line {}: uv `{}`, uvlock-tool `{}`",
            i + 1,
            want.lines().nth(i).unwrap_or_default(),
            got.lines().nth(i).unwrap_or_default()
        ),
        None => format!(
            "uv {} lines, uvlock-tool {} lines",
            want.lines().count(),
            got.lines().count()
        ),
    }
}

/// `error[E005 dynamic-metadata]: ...` → `E005`.
fn error_code(stderr: &str) -> Option<String> {
    let start = stderr.find("error[")? + "error[".len();
    stderr[start..].split([' ', ']']).next().map(str::to_string)
}

struct Suite {
    uv: Option<PathBuf>,
    python: Option<PathBuf>,
    cache: PathBuf,
}

impl Suite {
    /// `uv lock --locked --offline` in the service directory, with an empty cache and the case's environment.
    fn uv_accepts(&self, case: &Case, scratch: &Scratch) -> Result<(), String> {
        let (Some(uv), Some(python)) = (&self.uv, &self.python) else {
            return Ok(());
        };
        let _ = fs::remove_dir_all(&self.cache);
        let mut cmd = Command::new(uv);
        cmd.current_dir(scratch.dir.join(SVC))
            .args(["lock", "--locked", "--offline", "--quiet"])
            .env("UV_CACHE_DIR", &self.cache)
            .env("XDG_CONFIG_HOME", self.cache.join("no-config"))
            .env("UV_PYTHON_DOWNLOADS", "never")
            .env("UV_PYTHON", python)
            .env_remove("UV_EXCLUDE_NEWER")
            .env_remove("UV_INDEX_URL")
            .env_remove("UV_EXTRA_INDEX_URL")
            .env_remove("VIRTUAL_ENV");
        for (k, v) in &case.env {
            cmd.env(k, v);
        }
        let out = cmd.output().map_err(|e| format!("run uv: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    fn run(&self, case: &Case, scratch: &Scratch, switch: &Switch) -> Option<Outcome> {
        let start = case.expected(switch.from)?;
        let want = case.expected(switch.want);
        scratch.set(&start);
        let sdk_path = format!("packages/{}", case.sdk);
        let mut args = vec!["switch", "--package", &case.sdk, "--path", &sdk_path];
        args.extend_from_slice(switch.args);
        args.push(SVC);
        let out = Command::new(uvlock_tool())
            .current_dir(&scratch.dir)
            .args(&args)
            .env("NO_COLOR", "1")
            .output()
            .expect("run uvlock-tool");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let after = scratch.get();
        let checking = switch.args.contains(&"--check");
        Some(match out.status.code() {
            Some(0) => match &want {
                None => Outcome::Violation(format!("exit 0, but `uv lock` fails here\n{stderr}")),
                Some(want) if after.0 != want.0 => Outcome::Violation(format!(
                    "pyproject.toml differs from uv's input: {}",
                    first_difference(&after.0, &want.0)
                )),
                Some(want) if after.1 != want.1 => Outcome::Violation(format!(
                    "uv.lock differs from uv's: {}",
                    first_difference(&after.1, &want.1)
                )),
                Some(_) if checking || after == start => Outcome::Identical,
                Some(_) => match self.uv_accepts(case, scratch) {
                    Ok(()) => Outcome::Identical,
                    Err(e) => Outcome::Violation(format!(
                        "`uv lock --locked --offline` rejects the result: {e}"
                    )),
                },
            },
            Some(code @ (2 | 3)) if after != start => {
                Outcome::Violation(format!("exit {code} but the files changed\n{stderr}"))
            }
            Some(2 | 3) => match error_code(&stderr) {
                Some(code) => Outcome::Refused(code),
                None => Outcome::Violation(format!("refusal without an error code:\n{stderr}")),
            },
            Some(1) if checking => Outcome::Violation(format!(
                "--check reports drift on uv's own output:\n{}",
                String::from_utf8_lossy(&out.stdout)
            )),
            other => Outcome::Violation(format!("exit {other:?}\n{stderr}")),
        })
    }
}

#[test]
fn real_projects_match_uv_or_are_refused() {
    let tools = provision::python_tools();
    let suite = Suite {
        uv: tools.as_ref().map(|t| t.uv()),
        python: tools.as_ref().map(|t| t.python()),
        cache: provision::scratch_dir("uvlock-projects-uv-cache"),
    };
    if tools.is_none() {
        eprintln!(
            "uv is not provisioned: the results are not checked with `uv lock --locked --offline`"
        );
    }
    let root = provision::scratch_dir("uvlock-projects");
    let mut outcomes: BTreeMap<(String, &str), Outcome> = BTreeMap::new();
    let cases = uvlock_projects::cases();
    assert!(cases.len() >= 20, "only {} cases", cases.len());
    for case in &cases {
        let scratch = Scratch::new(&root, case);
        for switch in SWITCHES {
            if let Some(outcome) = suite.run(case, &scratch, switch) {
                outcomes.insert((case.name.clone(), switch.name), outcome);
            }
        }
    }
    let violations: Vec<String> = outcomes
        .iter()
        .filter_map(|((case, switch), o)| match o {
            Outcome::Violation(why) => Some(format!("{case} {switch}: {why}")),
            _ => None,
        })
        .collect();
    let listing: String = outcomes
        .iter()
        .map(|((case, switch), o)| format!("{case} {switch} {}\n", o.label()))
        .collect();
    let tally = tally(&cases, &outcomes);
    eprint!("{tally}");
    let _ = fs::write(
        provision::target_dir().join("uvlock-projects-tally.txt"),
        &tally,
    );
    assert!(
        violations.is_empty(),
        "{} violation(s):\n{}",
        violations.len(),
        violations.join("\n\n")
    );
    let recorded = uvlock_projects::root().join("outcomes.txt");
    if std::env::var_os("UVLOCK_PROJECTS_BLESS").is_some() {
        fs::write(&recorded, &listing).expect("write outcomes.txt");
    }
    let want = fs::read_to_string(&recorded).unwrap_or_default();
    if listing != want {
        let changed: Vec<String> = listing
            .lines()
            .filter(|l| !want.lines().any(|w| w == *l))
            .map(|l| format!("  now: {l}"))
            .chain(
                want.lines()
                    .filter(|w| !listing.lines().any(|l| l == *w))
                    .map(|w| format!("  was: {w}")),
            )
            .collect();
        panic!(
            "outcomes differ from tests/uvlock-projects/outcomes.txt (UVLOCK_PROJECTS_BLESS=1 rewrites it):\n{}",
            changed.join("\n")
        );
    }
}

/// Cases, switches, identical, refused by code.
fn tally(cases: &[Case], outcomes: &BTreeMap<(String, &str), Outcome>) -> String {
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    let (mut identical, mut violations) = (0, 0);
    for o in outcomes.values() {
        match o {
            Outcome::Identical => identical += 1,
            Outcome::Refused(code) => *by_code.entry(code.clone()).or_default() += 1,
            Outcome::Violation(_) => violations += 1,
        }
    }
    let projects: std::collections::BTreeSet<&str> =
        cases.iter().map(|c| c.project.as_str()).collect();
    let uv_fails = cases
        .iter()
        .map(|c| c.uv_exit.values().filter(|c| **c != 0).count())
        .sum::<usize>();
    let refused: usize = by_code.values().sum();
    let mut s = format!(
        "uvlock-projects: {} cases ({} projects), {} switches: {identical} identical to uv, {refused} refused, {violations} violations; uv itself fails on {uv_fails} switch(es)\n",
        cases.len(),
        projects.len(),
        outcomes.len()
    );
    for (code, n) in by_code {
        s.push_str(&format!("  refused {code}: {n}\n"));
    }
    s
}
