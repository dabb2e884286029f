//! The standalone driver behind `generate` and `check`: which files go to which output directory with which
//! parameter (from `buf.gen.yaml` or the command line), building the requests with a [`Driver`], running the
//! shared generator in-process and writing the results atomically.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use crate::bufconfig::{ConfigError, Strategy, Workspace};
use crate::compile::external::{self, BufInput};
use crate::compile::{self, CompileError, Compiled, Driver, ParseCache};
use crate::gen::GeneratedFile;
use crate::options::Options;
use crate::request::Request;

/// A standalone-mode failure, one line naming the file, directory or parameter (compile errors: one line per
/// .proto error).
#[derive(Debug, Error)]
pub enum StandaloneError {
    #[error(transparent)]
    Compile(#[from] CompileError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{out}: {message}")]
    Generate { out: String, message: String },
    #[error("{out}: generated file name `{name}` is absolute or contains `..`; refusing to write outside the output directory")]
    UnsafeName { out: String, name: String },
    #[error("{out}: `{name}` would be written twice (package files under `strategy: directory` need package_files=leaf)")]
    Duplicate { out: String, name: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("no .proto files found under {0}")]
    NoFiles(String),
}

fn io_error(path: &Path, e: std::io::Error) -> StandaloneError {
    StandaloneError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// One output directory with its parameter, like one plugin entry of `buf.gen.yaml`.
#[derive(Debug, Clone)]
pub struct Job {
    pub out: PathBuf,
    pub parameter: String,
    pub strategy: Strategy,
}

/// Everything to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub includes: Vec<PathBuf>,
    /// Proto names to generate (relative to the include directories), sorted.
    pub files: Vec<String>,
    pub jobs: Vec<Job>,
    /// The buf workspace the plan came from (for `--compiler buf`).
    pub workspace: Option<PathBuf>,
}

impl Plan {
    /// The plan of a `buf.gen.yaml` (with its `buf.yaml`).
    pub fn from_template(template: &Path) -> Result<Plan, StandaloneError> {
        let ws = Workspace::load(template)?;
        let files = ws.files()?;
        if files.is_empty() {
            return Err(StandaloneError::NoFiles(ws.dir.display().to_string()));
        }
        Ok(Plan {
            includes: ws.includes(),
            files,
            jobs: ws
                .runs
                .iter()
                .map(|r| Job {
                    out: if ws.dir == Path::new(".") {
                        PathBuf::from(&r.out)
                    } else {
                        ws.dir.join(&r.out)
                    },
                    parameter: r.parameter.clone(),
                    strategy: r.strategy,
                })
                .collect(),
            workspace: Some(ws.dir.clone()),
        })
    }

    /// The plan of `-I ... --out ... [--opt ...] [files]` (one request with all files, like protoc).
    pub fn explicit(
        includes: Vec<PathBuf>,
        out: PathBuf,
        parameter: String,
        files: &[String],
    ) -> Result<Plan, StandaloneError> {
        let mut names: Vec<String> = if files.is_empty() {
            crate::compile::all_protos(&includes).map_err(|e| StandaloneError::Io {
                path: includes
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                message: e.to_string(),
            })?
        } else {
            files
                .iter()
                .map(|f| crate::compile::proto_name(&includes, f))
                .collect()
        };
        if names.is_empty() {
            return Err(StandaloneError::NoFiles(
                includes
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        if files.is_empty() {
            names.sort();
        }
        Ok(Plan {
            includes,
            files: names,
            jobs: vec![Job {
                out,
                parameter,
                strategy: Strategy::All,
            }],
            workspace: None,
        })
    }
}

/// The generated files of one job: name (relative to `out`) → content.
#[derive(Debug, Clone)]
pub struct JobOutput {
    pub job: Job,
    pub files: BTreeMap<String, String>,
}

/// Groups files as buf's strategy does (directory: by parent directory, in sorted order).
fn groups(files: &[String], strategy: Strategy) -> Vec<Vec<String>> {
    match strategy {
        Strategy::All => vec![files.to_vec()],
        Strategy::Directory => {
            let mut by_dir: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for f in files {
                let dir = f.rsplit_once('/').map_or("", |(d, _)| d);
                by_dir.entry(dir).or_default().push(f.clone());
            }
            by_dir.into_values().collect()
        }
    }
}

/// Whether a generated name stays inside the output directory.
pub fn is_safe_name(name: &str) -> bool {
    let path = Path::new(name);
    !name.is_empty()
        && !path.is_absolute()
        && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Generates every job's files in memory.
pub fn generate_outputs(plan: &Plan, driver: Driver) -> Result<Vec<JobOutput>, StandaloneError> {
    if driver == Driver::Embedded {
        if let Some(outputs) = chunked_outputs(plan) {
            return Ok(outputs);
        }
    }
    single_compilation_outputs(plan, driver)
}

/// Fewer files than this are compiled in one piece.
const MIN_CHUNKED: usize = 96;

/// What one chunk produced: the declarations to compare across chunks, and for each job the outputs of each
/// of the chunk's files.
struct ChunkOutput {
    declarations: Vec<compile::Declarations>,
    stubs: Vec<Vec<Vec<GeneratedFile>>>,
}

/// The embedded compiler's outputs, compiled and generated in chunks on all cores, each chunk with a compiler
/// of its own (protox links one file at a time into one pool, so a single compilation runs on one core).
/// A file's outputs depend only on it and its imports, so they do not depend on the chunking; package files
/// and buf's per-request grouping are applied afterwards over all files, exactly as for one compilation.
/// `None` when a chunk cannot decide alone — an error in some file, a clash between chunks, a bad parameter —
/// and one compilation of everything must report it as protoc would.
fn chunked_outputs(plan: &Plan) -> Option<Vec<JobOutput>> {
    let started = std::time::Instant::now();
    let threads = crate::parallel::thread_count();
    if plan.files.len() < MIN_CHUNKED || threads < 2 {
        return None;
    }
    let options: Vec<Options> = plan
        .jobs
        .iter()
        .map(|job| Options::parse(&job.parameter).ok())
        .collect::<Option<_>>()?;
    let cache = Arc::new(ParseCache::parse(&plan.includes, &plan.files));
    timing("parse (all cores)", started);
    // a few chunks per core: the last chunks to finish are small beside the whole
    let chunks = compile::chunks::plan(
        &plan.files,
        |f| cache.imports(f),
        |f| cache.size(f),
        threads * 4,
    );
    let results = crate::parallel::map(&chunks, |chunk| -> Option<ChunkOutput> {
        let compiled = Compiled::chunk(&plan.includes, chunk, &cache).ok()?;
        let request = compiled.decoded_request(chunk).ok()?;
        let stubs = options
            .iter()
            .map(|options| crate::gen::generate_per_file(&request, options).ok())
            .collect::<Option<_>>()?;
        timing(&format!("chunk of {} files", chunk.len()), started);
        Some(ChunkOutput {
            declarations: compiled.declarations(chunk),
            stubs,
        })
    });
    // freeing thousands of parsed files takes a while: beside the rest, not before it
    std::thread::spawn(move || drop(cache));
    timing("compile + generate (chunks, all cores)", started);
    let results: Vec<ChunkOutput> = results.into_iter().collect::<Option<_>>()?;
    let declarations: Vec<compile::Declarations> = results
        .iter()
        .flat_map(|r| r.declarations.iter().cloned())
        .collect();
    if let Some(clash) = compile::find_clash(&declarations) {
        timing(&format!("clash between chunks ({clash})"), started);
        return None;
    }
    // the outputs of each file, per job
    let mut by_file: Vec<HashMap<&str, Vec<GeneratedFile>>> =
        plan.jobs.iter().map(|_| HashMap::new()).collect();
    for (chunk, result) in chunks.iter().zip(results) {
        for (job, stubs) in result.stubs.into_iter().enumerate() {
            by_file[job].extend(chunk.iter().map(String::as_str).zip(stubs));
        }
    }
    let mut outputs = Vec::new();
    for ((job, options), mut by_file) in plan.jobs.iter().zip(&options).zip(by_file) {
        let responses = groups(&plan.files, job.strategy)
            .iter()
            .map(|group| {
                let stubs = group
                    .iter()
                    .flat_map(|f| by_file.remove(f.as_str()).unwrap_or_default())
                    .collect();
                crate::complete_response(stubs, options)
            })
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        outputs.push(JobOutput {
            job: job.clone(),
            files: merge_responses(&job.out, responses).ok()?,
        });
    }
    timing("generate", started);
    Some(outputs)
}

/// Every job's files from one compilation of all files (per request group), by the given driver.
fn single_compilation_outputs(
    plan: &Plan,
    driver: Driver,
) -> Result<Vec<JobOutput>, StandaloneError> {
    let started = std::time::Instant::now();
    let compiled = match driver {
        Driver::Embedded => Some(Compiled::new(&plan.includes, &plan.files)?),
        _ => None,
    };
    timing("compile", started);
    let mut outputs = Vec::new();
    for job in &plan.jobs {
        let requests: Vec<Vec<u8>> = match driver {
            Driver::Embedded => {
                let compiled = compiled.as_ref().ok_or_else(|| StandaloneError::Generate {
                    out: job.out.display().to_string(),
                    message: "internal: no compilation".into(),
                })?;
                groups(&plan.files, job.strategy)
                    .iter()
                    .map(|g| compiled.request(g, &job.parameter))
                    .collect::<Result<_, _>>()?
            }
            Driver::Protoc => groups(&plan.files, job.strategy)
                .iter()
                .map(|g| external::protoc_request(&plan.includes, g, &job.parameter))
                .collect::<Result<_, _>>()?,
            Driver::Buf => {
                let input = match &plan.workspace {
                    Some(dir) => BufInput::Workspace(dir),
                    None => match plan.includes.as_slice() {
                        [root] => BufInput::Module {
                            root,
                            files: &plan.files,
                        },
                        _ => {
                            return Err(CompileError::Tool {
                                tool: "buf".into(),
                                message: "--compiler buf takes exactly one -I directory (the module root) or a buf.yaml workspace".into(),
                            }
                            .into())
                        }
                    },
                };
                external::buf_requests(input, &job.parameter, job.strategy.as_str())?
            }
        };
        timing("requests", started);
        outputs.push(JobOutput {
            job: job.clone(),
            files: run_requests(&job.out, &requests)?,
        });
        timing("generate", started);
    }
    Ok(outputs)
}

/// With `AMEIDE_PY_TIMINGS` set, prints the time since `started` for a phase to stderr.
pub fn timing(phase: &str, started: std::time::Instant) {
    if std::env::var_os("AMEIDE_PY_TIMINGS").is_some() {
        // resident memory so far (Linux), beside the time: memory is what the kernel zeroes
        let rss_mb = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map_or(String::new(), |pages| {
                format!(", {} MB resident", (pages * 4096) >> 20)
            });
        eprintln!("timing: {phase} done at {:.2?}{rss_mb}", started.elapsed());
    }
}

/// Runs the generator on each request (in parallel) and merges the files.
fn run_requests(
    out: &Path,
    requests: &[Vec<u8>],
) -> Result<BTreeMap<String, String>, StandaloneError> {
    let out_name = out.display().to_string();
    let generate = |bytes: &Vec<u8>| -> Result<Vec<crate::GeneratedFile>, StandaloneError> {
        let started = std::time::Instant::now();
        let request = Request::decode(bytes).map_err(|e| StandaloneError::Generate {
            out: out_name.clone(),
            message: e.to_string(),
        })?;
        timing("generate: request decoded", started);
        crate::generate_all(&request).map_err(|message| StandaloneError::Generate {
            out: out_name.clone(),
            message,
        })
    };
    let results: Vec<Result<Vec<crate::GeneratedFile>, StandaloneError>> =
        crate::parallel::map(requests, generate);
    merge_responses(out, results.into_iter().collect::<Result<_, _>>()?)
}

/// The files of all responses of one job, refusing a name outside the output directory or written twice.
fn merge_responses(
    out: &Path,
    responses: Vec<Vec<GeneratedFile>>,
) -> Result<BTreeMap<String, String>, StandaloneError> {
    let out_name = out.display().to_string();
    let mut files = BTreeMap::new();
    for response in responses {
        for file in response {
            if !is_safe_name(&file.name) {
                return Err(StandaloneError::UnsafeName {
                    out: out_name.clone(),
                    name: file.name,
                });
            }
            if files.insert(file.name.clone(), file.content).is_some() {
                return Err(StandaloneError::Duplicate {
                    out: out_name.clone(),
                    name: file.name,
                });
            }
        }
    }
    Ok(files)
}

/// Writes the files below `out`, never leaving a half-written file: a directory that does not exist yet is
/// built complete under a temporary name beside it and renamed into place (one rename for a whole fresh tree,
/// instead of a temporary file and a rename per file); a file in an existing directory is written through a
/// temporary file and a rename, and only if its content changed. Returns the number of files written.
pub fn write_outputs(output: &JobOutput) -> Result<usize, StandaloneError> {
    let out = &output.job.out;
    let mut exists: HashMap<PathBuf, bool> = HashMap::new();
    let mut is_dir = |dir: &Path| {
        *exists
            .entry(dir.to_path_buf())
            .or_insert_with(|| dir.is_dir())
    };
    // each file under the topmost missing directory of its path, or under no new directory
    let mut new_trees: BTreeMap<PathBuf, Vec<(&str, &String)>> = BTreeMap::new();
    let mut in_place: Vec<(PathBuf, &String)> = Vec::new();
    for (name, content) in &output.files {
        // `out`, then each directory of the name (`a`, `a/b` for `a/b/c.py`): the first that is missing
        let missing = if is_dir(out) {
            name.match_indices('/').find_map(|(end, _)| {
                let dir = out.join(&name[..end]);
                (!is_dir(&dir)).then(|| (dir, &name[end + 1..]))
            })
        } else {
            Some((out.clone(), name.as_str()))
        };
        match missing {
            Some((root, rest)) => new_trees.entry(root).or_default().push((rest, content)),
            None => in_place.push((out.join(name), content)),
        }
    }
    let mut written = 0;
    for (root, files) in &new_trees {
        write_new_tree(root, files)?;
        written += files.len();
    }
    let results = crate::parallel::map(&in_place, |(path, content)| {
        if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
            return Ok(false);
        }
        write_atomic(path, content.as_bytes()).map(|()| true)
    });
    for r in results {
        written += usize::from(r?);
    }
    Ok(written)
}

/// Creates the directory `root` (which does not exist) holding `files` (named relative to it): everything is
/// written under a temporary name beside `root`, which is then renamed to `root`; on failure the temporary
/// tree is removed.
fn write_new_tree(root: &Path, files: &[(&str, &String)]) -> Result<(), StandaloneError> {
    let parent = root.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    let base = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0u32;
    let staging = loop {
        let candidate = parent.join(format!(".{base}.{}.{attempt}.tmp", std::process::id()));
        match std::fs::create_dir(&candidate) {
            Ok(()) => break candidate,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1
            }
            Err(e) => return Err(io_error(&candidate, e)),
        }
    };
    let fill = || -> Result<(), StandaloneError> {
        let mut dirs: Vec<PathBuf> = files
            .iter()
            .filter_map(|(name, _)| staging.join(name).parent().map(Path::to_path_buf))
            .collect();
        dirs.dedup();
        for dir in &dirs {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        }
        crate::parallel::map(files, |(name, content)| {
            std::fs::write(staging.join(name), content.as_bytes())
                .map_err(|e| io_error(&root.join(name), e))
        })
        .into_iter()
        .collect::<Result<(), _>>()?;
        std::fs::rename(&staging, root).map_err(|e| io_error(root, e))
    };
    fill().inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })
}

/// Writes `path`, in a directory that exists, via a temporary file beside it and a rename.
fn write_atomic(path: &Path, content: &[u8]) -> Result<(), StandaloneError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    // A failed write (full disk) must not leave a partial temporary file behind.
    std::fs::write(&tmp, content).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, e)
    })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names() {
        assert!(is_safe_name("a/b_pb2.py"));
        assert!(!is_safe_name("../a.py"));
        assert!(!is_safe_name("/etc/x"));
        assert!(!is_safe_name("a/../../b"));
        assert!(!is_safe_name(""));
    }

    #[test]
    fn writes_into_existing_and_new_directories_leave_no_temporary_files() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("out");
        std::fs::create_dir_all(out.join("old")).expect("mkdir");
        std::fs::write(out.join("old/same.py"), "same").expect("write");
        let files: BTreeMap<String, String> = [
            ("old/same.py", "same"),
            ("old/changed.py", "new"),
            ("new/deep/a.py", "a"),
            ("new/b.py", "b"),
            ("top.py", "t"),
        ]
        .into_iter()
        .map(|(n, c)| (n.to_string(), c.to_string()))
        .collect();
        let output = JobOutput {
            job: Job {
                out: out.clone(),
                parameter: String::new(),
                strategy: Strategy::All,
            },
            files: files.clone(),
        };
        assert_eq!(write_outputs(&output).expect("written"), 4);
        for (name, content) in &files {
            assert_eq!(
                &std::fs::read_to_string(out.join(name)).expect("read"),
                content
            );
        }
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["new", "old", "top.py"]);
        // a fresh output directory is built beside it and renamed: nothing else is left next to it
        let fresh = JobOutput {
            job: Job {
                out: tmp.path().join("fresh/out"),
                ..output.job.clone()
            },
            files,
        };
        assert_eq!(write_outputs(&fresh).expect("written"), 5);
        let beside: Vec<_> = std::fs::read_dir(tmp.path().join("fresh"))
            .expect("list")
            .collect();
        assert_eq!(beside.len(), 1);
    }

    #[test]
    fn directory_groups() {
        let files = ["a/x.proto", "a/y.proto", "b/z.proto", "top.proto"].map(String::from);
        assert_eq!(
            groups(&files, Strategy::Directory),
            vec![
                vec!["top.proto".to_string()],
                vec!["a/x.proto".to_string(), "a/y.proto".to_string()],
                vec!["b/z.proto".to_string()],
            ]
        );
    }
}
