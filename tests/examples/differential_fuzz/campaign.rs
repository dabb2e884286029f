//! A campaign: mutate seeds, compare protoc's verdict with ours on each mutant, keep (and shrink) one finding
//! per signature, and write the tally.
//!
//! Layout of a campaign directory:
//! * `campaign.txt`: parameters, counts per outcome and per mutation, throughput, the findings with how many
//!   mutants hit each signature;
//! * `findings/NNN-<outcome>/`: `info.txt` (seed, mutations, include roots, signature), `<name>.proto` (the
//!   mutant, named as its seed), `minimized.proto` (shrunk while it keeps the same signature), `protoc.stderr`
//!   and `ours.stderr` (of the mutant), `difference.txt` and `minimized.difference.txt` (`-` protoc, `+` ours).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::classify::{classify, Outcome};
use crate::minimize::minimize;
use crate::mutate::mutate;
use crate::oracle::{ours, Protoc, Verdict};
use crate::rng::Rng;
use crate::seeds::Seed;

/// How long our compiler may take on one mutant before it counts as a hang.
const HANG_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Settings {
    pub seed: u64,
    pub seconds: Option<u64>,
    pub iterations: Option<u64>,
    pub minimize_budget: usize,
    pub out: PathBuf,
}

/// One mutant in its place: the mutant directory shadows the seed's root.
struct Workspace {
    mutant_dir: PathBuf,
    scratch: PathBuf,
}

impl Workspace {
    fn includes(&self, seed: &Seed) -> Vec<PathBuf> {
        vec![self.mutant_dir.clone(), seed.root.clone()]
    }

    fn write(&self, seed: &Seed, text: &str) -> Result<(), String> {
        let _ = fs::remove_dir_all(&self.mutant_dir);
        let path = self.mutant_dir.join(&seed.name);
        let parent = path.parent().ok_or("mutant path has no parent")?;
        fs::create_dir_all(parent).map_err(|e| format!("create {}: {e}", parent.display()))?;
        fs::write(&path, text).map_err(|e| format!("write {}: {e}", path.display()))
    }
}

/// Both verdicts on one text of `seed`.
fn compare(
    protoc: &Protoc,
    work: &Workspace,
    seed: &Seed,
    text: &str,
) -> Result<(Outcome, String, String, Verdict, String), String> {
    work.write(seed, text)?;
    let includes = work.includes(seed);
    let theirs = match protoc.run(&includes, &seed.name, &work.scratch) {
        Ok(v) => v,
        Err(crash) => {
            let empty = Verdict {
                accepted: false,
                stderr: crash.clone(),
                files: Vec::new(),
            };
            return Ok((
                Outcome::ProtocCrash,
                "protoc-crash".into(),
                crash,
                empty,
                String::new(),
            ));
        }
    };
    let mine = ours(protoc, &includes, &seed.name, HANG_TIMEOUT);
    let our_stderr = mine.as_ref().map(|v| v.stderr.clone()).unwrap_or_default();
    let (outcome, signature, account) = classify(&theirs, &mine);
    Ok((outcome, signature, account, theirs, our_stderr))
}

#[derive(Default)]
struct Tally {
    outcomes: BTreeMap<Outcome, u64>,
    mutations: BTreeMap<String, u64>,
    /// signature → (finding directory, mutants that hit it)
    findings: BTreeMap<String, (String, u64)>,
    mutants: u64,
    unchanged: u64,
}

pub fn run(protoc: &Protoc, seeds: &[Seed], settings: &Settings) -> Result<(), String> {
    if seeds.is_empty() {
        return Err("no seed files".into());
    }
    let work = Workspace {
        mutant_dir: settings.out.join("work/mutant"),
        scratch: settings.out.join("work/scratch"),
    };
    fs::create_dir_all(&work.scratch)
        .map_err(|e| format!("create {}: {e}", work.scratch.display()))?;
    let mut rng = Rng::new(settings.seed);
    let mut tally = Tally::default();
    let started = Instant::now();
    let deadline = settings.seconds.map(|s| started + Duration::from_secs(s));
    loop {
        if settings.iterations.is_some_and(|n| tally.mutants >= n)
            || deadline.is_some_and(|d| Instant::now() >= d)
        {
            break;
        }
        let seed = &seeds[rng.below(seeds.len())];
        let path = seed.root.join(&seed.name);
        // a seed that is not UTF-8 is mutated as its lossy text (a mutant differs from it anyway)
        let bytes = fs::read(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
        let source = String::from_utf8_lossy(&bytes).into_owned();
        let (mutant, applied) = mutate(&source, &mut rng);
        if mutant == source {
            tally.unchanged += 1;
            continue;
        }
        tally.mutants += 1;
        for m in &applied {
            *tally.mutations.entry(format!("{m:?}")).or_default() += 1;
        }
        let (outcome, signature, account, theirs, our_stderr) =
            compare(protoc, &work, seed, &mutant)?;
        *tally.outcomes.entry(outcome).or_default() += 1;
        if !outcome.is_finding() {
            continue;
        }
        if let Some((_, hits)) = tally.findings.get_mut(&signature) {
            *hits += 1;
            continue;
        }
        let dir = format!("{:03}-{}", tally.findings.len() + 1, outcome.slug());
        eprintln!("finding {dir}: {signature}");
        let minimized = minimize(&mutant, settings.minimize_budget, |candidate| {
            compare(protoc, &work, seed, candidate).is_ok_and(|(_, s, ..)| s == signature)
        });
        let (.., minimized_account, _, _) = compare(protoc, &work, seed, &minimized)?;
        let finding = Finding {
            seed,
            applied: &format!("{applied:?}"),
            signature: &signature,
            mutant: &mutant,
            minimized: &minimized,
            protoc_stderr: &theirs.stderr,
            our_stderr: &our_stderr,
            account: &account,
            minimized_account: &minimized_account,
        };
        finding.write(&settings.out.join("findings").join(&dir))?;
        tally.findings.insert(signature, (dir, 1));
    }
    let report = summary(&tally, settings, protoc, seeds.len(), started.elapsed());
    eprint!("{report}");
    fs::write(settings.out.join("campaign.txt"), report)
        .map_err(|e| format!("write campaign.txt: {e}"))
}

struct Finding<'a> {
    seed: &'a Seed,
    applied: &'a str,
    signature: &'a str,
    mutant: &'a str,
    minimized: &'a str,
    protoc_stderr: &'a str,
    our_stderr: &'a str,
    account: &'a str,
    minimized_account: &'a str,
}

impl Finding<'_> {
    fn write(&self, dir: &Path) -> Result<(), String> {
        let file_name = Path::new(&self.seed.name)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("mutant.proto");
        let info = format!(
            "seed: {}\nroot: {}\nmutations: {}\nsignature: {}\nreplay: -I <dir of the mutant> -I {} {}\n",
            self.seed.name,
            self.seed.root.display(),
            self.applied,
            self.signature,
            self.seed.root.display(),
            self.seed.name,
        );
        let files = [
            ("info.txt", info.as_str()),
            (file_name, self.mutant),
            ("minimized.proto", self.minimized),
            ("protoc.stderr", self.protoc_stderr),
            ("ours.stderr", self.our_stderr),
            ("difference.txt", self.account),
            ("minimized.difference.txt", self.minimized_account),
        ];
        fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        for (name, text) in files {
            fs::write(dir.join(name), text).map_err(|e| format!("write {name}: {e}"))?;
        }
        Ok(())
    }
}

fn summary(
    tally: &Tally,
    settings: &Settings,
    protoc: &Protoc,
    seeds: usize,
    elapsed: Duration,
) -> String {
    let mode = match protoc {
        Protoc::GrpcTools(_) => "grpc-tools",
        Protoc::Binary { .. } => "binary",
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "seed {} · protoc {mode} · {seeds} seed files",
        settings.seed
    );
    let _ = writeln!(
        s,
        "{} mutants in {:.0?} ({:.1}/s); {} mutations left a file unchanged",
        tally.mutants,
        elapsed,
        tally.mutants as f64 / elapsed.as_secs_f64().max(0.001),
        tally.unchanged
    );
    let _ = writeln!(s, "outcomes:");
    for (outcome, n) in &tally.outcomes {
        let _ = writeln!(s, "  {:<26} {n}", outcome.slug());
    }
    let _ = writeln!(s, "mutations applied:");
    for (m, n) in &tally.mutations {
        let _ = writeln!(s, "  {m:<26} {n}");
    }
    let _ = writeln!(s, "findings ({} signatures):", tally.findings.len());
    for (signature, (dir, hits)) in &tally.findings {
        let _ = writeln!(s, "  {dir} ({hits} mutants): {signature}");
    }
    s
}

/// Compares each finding's `minimized.proto` again and prints its outcome now.
pub fn replay(protoc: &Protoc, campaign: &Path) -> Result<(), String> {
    let findings = campaign.join("findings");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&findings)
        .map_err(|e| format!("read {}: {e}", findings.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let work = Workspace {
        mutant_dir: campaign.join("work/replay"),
        scratch: campaign.join("work/scratch"),
    };
    fs::create_dir_all(&work.scratch)
        .map_err(|e| format!("create {}: {e}", work.scratch.display()))?;
    let mut still = 0;
    for dir in &dirs {
        let info =
            fs::read_to_string(dir.join("info.txt")).map_err(|e| format!("read info.txt: {e}"))?;
        let field = |key: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::to_string)
                .ok_or(format!("{}: no {key} in info.txt", dir.display()))
        };
        let seed = Seed {
            name: field("seed: ")?,
            root: PathBuf::from(field("root: ")?),
        };
        let text =
            fs::read_to_string(dir.join("minimized.proto")).map_err(|e| format!("read: {e}"))?;
        let (outcome, signature, ..) = compare(protoc, &work, &seed, &text)?;
        still += u32::from(outcome.is_finding());
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        eprintln!("{name}: {outcome} {signature}");
    }
    eprintln!("{still} of {} findings still differ", dirs.len());
    Ok(())
}
