//! Writing a job's files below its output directory without ever leaving a half-written file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::error::{io_error, StandaloneError};
use super::plan::JobOutput;

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

/// Writes `path`, in a directory that exists, via a temporary file beside it and a rename; a file replaced
/// keeps its permissions (an executable script stays executable).
pub(crate) fn write_atomic(path: &Path, content: &[u8]) -> Result<(), StandaloneError> {
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
    if let Ok(old) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, old.permissions());
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standalone::bufconfig::Strategy;
    use crate::standalone::plan::Job;

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
}
