//! Generation in memory: builds the requests of a [`Plan`] with a [`Driver`] and runs the shared generator
//! in-process on all cores.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use super::compile::external::{self, BufInput};
use super::compile::{self, CompileError, Compiled, Driver, ParseCache};
use super::error::StandaloneError;
use super::plan::{groups, JobOutput, Plan};
use super::timing::timing;
use crate::gen::GeneratedFile;
use crate::naming::is_safe_name;
use crate::options::Options;
use crate::request::Request;

/// Generates every job's files in memory.
pub fn generate_outputs(plan: &Plan, driver: Driver) -> Result<Vec<JobOutput>, StandaloneError> {
    plan.check_prefix_roots()?;
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
