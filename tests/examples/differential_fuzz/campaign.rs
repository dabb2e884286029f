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
    /// `<campaign>/work/<name>` for mutants, `<campaign>/work/scratch` for protoc's output; absolute, as
    /// protoc runs in the scratch directory.
    fn in_campaign(campaign: &Path, name: &str) -> Result<Workspace, String> {
        let campaign =
            std::path::absolute(campaign).map_err(|e| format!("{}: {e}", campaign.display()))?;
        Ok(Workspace {
            mutant_dir: campaign.join("work").join(name),
            scratch: campaign.join("work/scratch"),
        })
    }

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

/// Both verdicts on one text of a seed, and how they compare.
struct Comparison {
    outcome: Outcome,
    signature: String,
    /// The difference, for people (`-` protoc, `+` ours).
    account: String,
    theirs: Verdict,
    ours: Option<Verdict>,
}

fn compare(
    protoc: &Protoc,
    work: &Workspace,
    seed: &Seed,
    text: &str,
) -> Result<Comparison, String> {
    work.write(seed, text)?;
    let includes = work.includes(seed);
    let files = [seed.name.clone()];
    let theirs = match protoc.run(&includes, &files, &work.scratch) {
        Ok(v) => v,
        Err(crash) => {
            return Ok(Comparison {
                outcome: Outcome::ProtocCrash,
                signature: "protoc-crash".into(),
                account: crash.clone(),
                theirs: Verdict {
                    accepted: false,
                    stderr: crash,
                    files: Vec::new(),
                },
                ours: None,
            });
        }
    };
    let mine = ours(protoc, &includes, &files, HANG_TIMEOUT);
    let (outcome, signature, account) = classify(&theirs, &mine);
    Ok(Comparison {
        outcome,
        signature,
        account,
        theirs,
        ours: mine.ok(),
    })
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
    let work = Workspace::in_campaign(&settings.out, "mutant")?;
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
        let found = compare(protoc, &work, seed, &mutant)?;
        let (outcome, signature) = (found.outcome, found.signature.clone());
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
            compare(protoc, &work, seed, candidate).is_ok_and(|c| c.signature == signature)
        });
        let finding = Finding {
            seed,
            applied: &format!("{applied:?}"),
            mutant: &mutant,
            found: &found,
            minimized: &minimized,
            shrunk: &compare(protoc, &work, seed, &minimized)?,
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
    mutant: &'a str,
    found: &'a Comparison,
    minimized: &'a str,
    /// The comparison on the minimized text.
    shrunk: &'a Comparison,
}

impl Finding<'_> {
    fn write(&self, dir: &Path) -> Result<(), String> {
        let file_name = Path::new(&self.seed.name)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("mutant.proto");
        let info = format!(
            "seed: {}\nroot: {}\nmutations: {}\nsignature: {}\n",
            self.seed.name,
            self.seed.root.display(),
            self.applied,
            self.found.signature,
        );
        let our_stderr = self.found.ours.as_ref().map_or("", |v| v.stderr.as_str());
        let mut files: Vec<(&str, Vec<u8>)> = vec![
            ("info.txt", info.into_bytes()),
            (file_name, self.mutant.into()),
            ("minimized.proto", self.minimized.into()),
            (
                "protoc.stderr",
                self.found.theirs.stderr.clone().into_bytes(),
            ),
            ("ours.stderr", our_stderr.into()),
            ("difference.txt", self.found.account.clone().into_bytes()),
            (
                "minimized.difference.txt",
                self.shrunk.account.clone().into_bytes(),
            ),
        ];
        // the descriptor sets of the minimized text, to decode and diff
        if self.shrunk.outcome == Outcome::DescriptorsDiffer {
            files.push(("minimized.protoc.pb", descriptor_set(&self.shrunk.theirs)));
            if let Some(ours) = &self.shrunk.ours {
                files.push(("minimized.ours.pb", descriptor_set(ours)));
            }
        }
        fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        for (name, bytes) in files {
            fs::write(dir.join(name), bytes).map_err(|e| format!("write {name}: {e}"))?;
        }
        Ok(())
    }
}

/// A `FileDescriptorSet` holding a verdict's files.
fn descriptor_set(verdict: &Verdict) -> Vec<u8> {
    let mut out = Vec::new();
    for (_, file) in &verdict.files {
        out.push(0x0a);
        let mut len = file.len();
        while len >= 0x80 {
            out.push((len as u8 & 0x7f) | 0x80);
            len >>= 7;
        }
        out.push(len as u8);
        out.extend_from_slice(file);
    }
    out
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

/// Compares each finding's `minimized.proto` again and prints its outcome now; where descriptors still
/// differ, writes both sets (`replay.protoc.pb`, `replay.ours.pb`) into the finding's directory.
pub fn replay(protoc: &Protoc, campaign: &Path) -> Result<(), String> {
    let findings = campaign.join("findings");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&findings)
        .map_err(|e| format!("read {}: {e}", findings.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let work = Workspace::in_campaign(campaign, "replay")?;
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
        let now = compare(protoc, &work, &seed, &text)?;
        still += u32::from(now.outcome.is_finding());
        if now.outcome == Outcome::DescriptorsDiffer {
            let sets = [
                ("replay.protoc.pb", Some(&now.theirs)),
                ("replay.ours.pb", now.ours.as_ref()),
            ];
            for (name, verdict) in sets {
                if let Some(verdict) = verdict {
                    fs::write(dir.join(name), descriptor_set(verdict))
                        .map_err(|e| format!("write {name}: {e}"))?;
                }
            }
        }
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        eprintln!("{name}: {} {}", now.outcome, now.signature);
    }
    eprintln!("{still} of {} findings still differ", dirs.len());
    Ok(())
}

/// Compiles the given files (all `.proto` below the first include directory if none) with both compilers in
/// one run each, and prints how they compare.
pub fn check(
    protoc: &Protoc,
    includes: &[PathBuf],
    files: &[String],
    scratch: &Path,
) -> Result<bool, String> {
    let files = if files.is_empty() {
        let root = includes.first().ok_or("no include directory")?;
        crate::seeds::collect_all(root)
    } else {
        files.to_vec()
    };
    let includes: Vec<PathBuf> = includes
        .iter()
        .map(std::path::absolute)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("include directory: {e}"))?;
    fs::create_dir_all(scratch).map_err(|e| format!("create {}: {e}", scratch.display()))?;
    let started = Instant::now();
    let theirs = protoc.run(&includes, &files, scratch)?;
    let protoc_time = started.elapsed();
    let started = Instant::now();
    let mine = ours(protoc, &includes, &files, HANG_TIMEOUT * 30);
    let our_time = started.elapsed();
    let (outcome, signature, account) = classify(&theirs, &mine);
    eprintln!(
        "{} files, {} built by protoc ({protoc_time:.1?}), ours {our_time:.1?}: {outcome} {signature}",
        files.len(),
        theirs.files.len()
    );
    eprint!("{account}");
    Ok(!outcome.is_finding())
}
