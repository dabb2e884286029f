//! What a standalone run generates: which files go to which output directory with which parameter, from
//! `buf.gen.yaml` or the command line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::bufconfig::{Strategy, Workspace};
use super::error::StandaloneError;
use super::inputs;
use crate::options::Options;

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
            inputs::all_protos(&includes).map_err(|e| StandaloneError::Io {
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
                .map(|f| inputs::proto_name(&includes, f))
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
        } else {
            let mut seen = std::collections::HashSet::new();
            if let Some(twice) = names.iter().find(|name| !seen.insert(name.as_str())) {
                return Err(StandaloneError::NamedTwice(twice.clone()));
            }
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

impl Plan {
    /// `generate` and `check` see every file to generate (a plugin request may hold one directory only), so
    /// a `prefix=` root that covers none of them is a mistake that would silently leave stubs unprefixed.
    /// Parameters that do not parse are left to the generator, which reports them.
    pub fn check_prefix_roots(&self) -> Result<(), StandaloneError> {
        for job in &self.jobs {
            let Ok(options) = Options::parse(&job.parameter) else {
                continue;
            };
            if let Some(unused) = options.modules.unused(&self.files).first() {
                let components = unused.root.split('/').count();
                let present: BTreeSet<String> = self
                    .files
                    .iter()
                    .filter_map(|f| {
                        let dirs: Vec<&str> = f.split('/').collect();
                        (dirs.len() > components).then(|| dirs[..components].join("/"))
                    })
                    .collect();
                let mut listed: Vec<&str> = present.iter().map(String::as_str).take(12).collect();
                if present.len() > listed.len() {
                    listed.push("...");
                }
                return Err(StandaloneError::UnusedPrefixRoot {
                    out: job.out.display().to_string(),
                    root: unused.root.clone(),
                    files: match self.files.len() {
                        1 => "1 file".to_string(),
                        n => format!("{n} files"),
                    },
                    depth: if components == 1 {
                        "top-level"
                    } else {
                        "leading"
                    },
                    present: if listed.is_empty() {
                        "none".to_string()
                    } else {
                        listed.join(", ")
                    },
                });
            }
        }
        Ok(())
    }
}

/// The generated files of one job: name (relative to `out`) → content.
#[derive(Debug, Clone)]
pub struct JobOutput {
    pub job: Job,
    pub files: BTreeMap<String, String>,
}

/// Groups files as buf's strategy does (directory: by parent directory, in sorted order).
pub(crate) fn groups(files: &[String], strategy: Strategy) -> Vec<Vec<String>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(files: &[&str], parameter: &str) -> Plan {
        Plan {
            includes: vec![],
            files: files.iter().map(|f| f.to_string()).collect(),
            jobs: vec![Job {
                out: PathBuf::from("gen"),
                parameter: parameter.to_string(),
                strategy: Strategy::All,
            }],
            workspace: None,
        }
    }

    #[test]
    fn a_prefix_root_matching_no_file_is_an_error_naming_the_roots_there_are() {
        let files = ["acme_proto/v1/a.proto", "google/api/x.proto", "top.proto"];
        assert!(plan(&files, "prefix=acme_proto:sdk")
            .check_prefix_roots()
            .is_ok());
        assert!(plan(&files, "prefix=acme_proto/v1:sdk")
            .check_prefix_roots()
            .is_ok());
        let err = plan(&files, "prefix=acme_proto:sdk,prefix=acme:acme_sdk.proto")
            .check_prefix_roots()
            .expect_err("unused root");
        assert_eq!(
            err.to_string(),
            "gen: prefix root `acme` matches no .proto file to generate (3 files; their top-level directories: acme_proto, google); a typo in the root, or a root of another tree?"
        );
        let err = plan(&files, "prefix=google/apis:g")
            .check_prefix_roots()
            .expect_err("unused root");
        assert!(
            err.to_string()
                .contains("their leading directories: acme_proto/v1, google/api)"),
            "{err}"
        );
        // a bad parameter is the generator's to report
        assert!(plan(&files, "prefix=").check_prefix_roots().is_ok());
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
