//! Generation in memory: builds the requests of a [`Plan`] with a [`Driver`] and runs the shared generator
//! in-process on all cores.

use std::collections::BTreeMap;
use std::path::Path;

use proto_compiler::Diagnostic;

use super::compile::external::{self, BufInput};
use super::compile::{CompileError, Compiled, Driver, SourceInfo};
use super::error::StandaloneError;
use super::plan::{groups, JobOutput, Plan};
use super::timing::timing;
use crate::gen::GeneratedFile;
use crate::naming::is_safe_name;
use crate::options::Options;
use crate::request::Request;

/// What a plan generates: every job's files, and the warnings the compiler printed (protoc's, e.g. unused
/// imports).
pub struct Generated {
    pub outputs: Vec<JobOutput>,
    pub warnings: Vec<Diagnostic>,
}

/// Generates every job's files in memory.
pub fn generate_outputs(plan: &Plan, driver: Driver) -> Result<Generated, StandaloneError> {
    plan.check_prefix_roots()?;
    match driver {
        Driver::Embedded => embedded_outputs(plan),
        _ => Ok(Generated {
            outputs: external_outputs(plan, driver)?,
            warnings: Vec::new(),
        }),
    }
}

/// The embedded compiler's outputs: one compilation (parsed on all cores), then each request group decoded
/// and generated, its files on all cores.
fn embedded_outputs(plan: &Plan) -> Result<Generated, StandaloneError> {
    // mypy-protobuf's stubs carry every element's comments; protoc's outputs read a few locations only
    let typed = plan.jobs.iter().any(|job| {
        Options::parse(&job.parameter).is_ok_and(|o| o.outputs.mypy || o.outputs.mypy_grpc)
    });
    let source_info = if typed {
        SourceInfo::Full
    } else {
        SourceInfo::Read
    };
    let compiled = Compiled::new(&plan.includes, &plan.files, source_info)?;
    timing("compile");
    let mut outputs = Vec::new();
    for job in &plan.jobs {
        let groups = groups(&plan.files, job.strategy);
        let out_name = job.out.display().to_string();
        let generated = crate::parallel::map(
            &groups,
            |group| -> Result<Vec<GeneratedFile>, StandaloneError> {
                let mut request = compiled.decoded_request(group)?;
                request.parameter = job.parameter.clone();
                let generated =
                    crate::generate_all(&request).map_err(|message| StandaloneError::Generate {
                        out: out_name.clone(),
                        message,
                    });
                // every file of a large tree, decoded: freed while the outputs are merged
                crate::parallel::drop_in_background(request);
                generated
            },
        );
        outputs.push(JobOutput {
            job: job.clone(),
            files: merge_responses(&job.out, generated.into_iter().collect::<Result<_, _>>()?)?,
        });
        timing("generate");
    }
    Ok(Generated {
        outputs,
        warnings: compiled.warnings,
    })
}

/// Every job's files from the requests protoc or buf sends (per request group).
fn external_outputs(plan: &Plan, driver: Driver) -> Result<Vec<JobOutput>, StandaloneError> {
    let mut outputs = Vec::new();
    for job in &plan.jobs {
        let requests: Vec<Vec<u8>> = match driver {
            Driver::Protoc | Driver::Embedded => groups(&plan.files, job.strategy)
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
        timing("requests");
        outputs.push(JobOutput {
            job: job.clone(),
            files: run_requests(&job.out, &requests)?,
        });
        timing("generate");
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
        let request = Request::decode(bytes).map_err(|e| StandaloneError::Generate {
            out: out_name.clone(),
            message: e.to_string(),
        })?;
        timing("generate: request decoded");
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
