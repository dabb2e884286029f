//! Writing a job's files below its output directory: never a half-written file, never through a planted link,
//! one run at a time.
//!
//! * The output directory (the user's own path, links in it followed) is locked (`flock`) for the whole
//!   write; a second run waits for the first instead of mixing trees with it.
//! * Leftovers of killed runs (temporary names, see [`safe_fs`]) below it are removed first.
//! * Below it nothing is reached through a symbolic link: directories are opened without following links,
//!   files are created exclusively under unpredictable names and renamed into place.
//! * A directory that does not exist yet is built complete under a temporary name beside its place and renamed
//!   there (one rename for a whole fresh tree); a file in an existing directory gets a temporary file and a
//!   rename, and only if its content changed.
//! * Durability: the data of everything written is flushed (one `syncfs`) before the first rename, and the
//!   renames are flushed before returning, so after a power loss every file holds its old content or its new
//!   one, and a fresh directory is there whole or not at all.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;

use safe_fs::Dir;

use super::error::{io_error, StandaloneError};
use super::plan::JobOutput;
use super::timing::timing;

/// A file to write: its name (relative to the directory it goes into) and content.
type File<'a> = (&'a str, &'a [u8]);

/// Where each file of a job goes: into a directory that exists (in place), or into a new tree.
#[derive(Default)]
struct Placement<'a> {
    /// The topmost missing directory (parent handle, its name) → the files below it (relative to it).
    new_trees: BTreeMap<(String, String), Vec<File<'a>>>,
    /// Files in existing directories: (directory, file name, content).
    in_place: Vec<(Arc<Dir>, &'a str, &'a [u8])>,
}

/// A temporary entry waiting for its rename.
struct Pending {
    dir: Arc<Dir>,
    temp: Vec<u8>,
    name: String,
    /// A whole new directory (renamed only where nothing has the name), or a file (replacing the old one).
    is_tree: bool,
}

impl Pending {
    fn remove(&self) {
        let temp = OsStr::from_bytes(&self.temp);
        let _ = if self.is_tree {
            self.dir.remove_tree(temp)
        } else {
            self.dir.remove_file(temp)
        };
    }
}

/// Writes the files below `out`; returns the number of files written (unchanged files are not rewritten).
pub fn write_outputs(output: &JobOutput) -> Result<usize, StandaloneError> {
    let out_path = &output.job.out;
    let created = !out_path.is_dir();
    let out = Arc::new(Dir::create_all(out_path).map_err(|e| io_error(out_path, e))?);
    let mut pending: Vec<Pending> = Vec::new();
    let result = write_locked(&out, &output.files, &mut pending);
    if result.is_err() {
        // no temporary entry is left behind (the next run would remove it anyway)
        pending.iter().for_each(Pending::remove);
        if created {
            // only if still empty: another run may have written into it meanwhile
            let _ = std::fs::remove_dir(out_path);
        }
    }
    result
}

/// [`write_outputs`] into the open output directory `out`, under its lock; every temporary entry made goes
/// into `pending` until it is renamed.
fn write_locked(
    out: &Arc<Dir>,
    files: &BTreeMap<String, String>,
    pending: &mut Vec<Pending>,
) -> Result<usize, StandaloneError> {
    let out_path = out.path();
    let io = |e| io_error(out_path, e);
    let _lock = out
        .lock(|| {
            eprintln!(
                "waiting for another run writing into {} to finish",
                out_path.display()
            )
        })
        .map_err(io)?;
    out.remove_leftovers().map_err(io)?;
    let mut dirs: HashMap<String, Option<Arc<Dir>>> = HashMap::new();
    dirs.insert(String::new(), Some(out.clone()));
    let placement = place(files, &mut dirs).map_err(io)?;
    timing("write: locked, cleaned, placed");
    let written = write_temporaries(out_path, &placement, &dirs, pending)?;
    timing("write: temporaries written");
    if pending.is_empty() {
        return Ok(written);
    }
    out.sync_filesystem().map_err(io)?;
    timing("write: data synced");
    rename_all(out_path, pending)?;
    pending.clear();
    out.sync_filesystem().map_err(io)?;
    timing("write: renamed and synced");
    Ok(written)
}

/// Opens (without following links) the directories of every file, finding where each file goes.
fn place<'a>(
    files: &'a BTreeMap<String, String>,
    dirs: &mut HashMap<String, Option<Arc<Dir>>>,
) -> std::io::Result<Placement<'a>> {
    let mut placement = Placement::default();
    'files: for (name, content) in files {
        let content = content.as_bytes();
        // each directory of the name (`a`, `a/b` for `a/b/c.py`): the first missing one roots a new tree
        let mut parent = String::new();
        for (end, _) in name.match_indices('/') {
            let dir = &name[..end];
            if open_dir(dirs, &parent, dir)?.is_none() {
                let base = dir.rsplit_once('/').map_or(dir, |(_, b)| b).to_string();
                placement
                    .new_trees
                    .entry((parent, base))
                    .or_default()
                    .push((&name[end + 1..], content));
                continue 'files;
            }
            parent = dir.to_string();
        }
        let dir = open_dir(dirs, "", &parent)?.ok_or_else(|| std::io::Error::other("vanished"))?;
        let leaf = name.rsplit_once('/').map_or(name.as_str(), |(_, l)| l);
        placement.in_place.push((dir, leaf, content));
    }
    Ok(placement)
}

/// The handle of the directory `dir` (relative to the output directory), opened from its `parent`'s handle
/// and cached; `None` if it does not exist.
fn open_dir(
    dirs: &mut HashMap<String, Option<Arc<Dir>>>,
    parent: &str,
    dir: &str,
) -> std::io::Result<Option<Arc<Dir>>> {
    if let Some(known) = dirs.get(dir) {
        return Ok(known.clone());
    }
    let parent_dir = dirs.get(parent).cloned().flatten();
    let opened = match parent_dir {
        Some(parent_dir) => {
            let base = dir.rsplit_once('/').map_or(dir, |(_, b)| b);
            parent_dir.open_child(OsStr::new(base))?.map(Arc::new)
        }
        None => None,
    };
    dirs.insert(dir.to_string(), opened.clone());
    Ok(opened)
}

/// Writes every changed file under a temporary name (new trees as whole temporary directories), recording
/// each temporary entry in `pending`; returns how many files were written.
fn write_temporaries(
    out_path: &Path,
    placement: &Placement<'_>,
    dirs: &HashMap<String, Option<Arc<Dir>>>,
    pending: &mut Vec<Pending>,
) -> Result<usize, StandaloneError> {
    let mut written = 0;
    for ((parent, base), files) in &placement.new_trees {
        let parent_dir =
            dirs.get(parent).cloned().flatten().ok_or_else(|| {
                io_error(&out_path.join(parent), std::io::ErrorKind::NotFound.into())
            })?;
        let root = out_path.join(parent).join(base);
        let (staging, temp) = parent_dir
            .create_temp_dir(OsStr::new(base))
            .map_err(|e| io_error(&root, e))?;
        pending.push(Pending {
            dir: parent_dir,
            temp,
            name: base.clone(),
            is_tree: true,
        });
        write_tree(&root, Arc::new(staging), files)?;
        written += files.len();
    }
    let results = crate::parallel::map(&placement.in_place, |(dir, leaf, content)| {
        let path = dir.path().join(leaf);
        match dir.read_file(OsStr::new(leaf)) {
            Ok(Some(old)) if old == *content => return Ok(None),
            Ok(_) => {}
            Err(e) => return Err(io_error(&path, e)),
        }
        let mode = dir
            .file_mode(OsStr::new(leaf))
            .map_err(|e| io_error(&path, e))?;
        let temp = dir
            .create_temp_file_with(OsStr::new(leaf), content, mode)
            .map_err(|e| io_error(&path, e))?;
        Ok(Some(Pending {
            dir: dir.clone(),
            temp,
            name: leaf.to_string(),
            is_tree: false,
        }))
    });
    let mut first_error = None;
    for result in results {
        match result {
            Ok(Some(entry)) => {
                pending.push(entry);
                written += 1;
            }
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    first_error.map_or(Ok(written), Err)
}

/// Fills the new, empty directory `staging` (the future `root`) with `files` (named relative to it).
fn write_tree(root: &Path, staging: Arc<Dir>, files: &[File<'_>]) -> Result<(), StandaloneError> {
    let mut subdirs: HashMap<&str, Arc<Dir>> = HashMap::new();
    let mut targets: Vec<(Arc<Dir>, &str, &[u8])> = Vec::with_capacity(files.len());
    for (name, content) in files {
        let (dir, leaf) = match name.rsplit_once('/') {
            Some((dir, leaf)) => (subdir(root, &staging, &mut subdirs, dir)?, leaf),
            None => (staging.clone(), *name),
        };
        targets.push((dir, leaf, content));
    }
    crate::parallel::map(&targets, |(dir, leaf, content)| {
        dir.create_file(OsStr::new(leaf), content)
            .map_err(|e| io_error(&dir.path().join(leaf), e))
    })
    .into_iter()
    .collect()
}

/// The subdirectory `dir` (relative, `a/b`) of a new tree, created with its parents on first use.
fn subdir<'a>(
    root: &Path,
    staging: &Arc<Dir>,
    subdirs: &mut HashMap<&'a str, Arc<Dir>>,
    dir: &'a str,
) -> Result<Arc<Dir>, StandaloneError> {
    if let Some(known) = subdirs.get(dir) {
        return Ok(known.clone());
    }
    let (parent, base) = match dir.rsplit_once('/') {
        Some((parent, base)) => (subdir(root, staging, subdirs, parent)?, base),
        None => (staging.clone(), dir),
    };
    let created = Arc::new(
        parent
            .create_child(OsStr::new(base))
            .map_err(|e| io_error(&root.join(dir), e))?,
    );
    subdirs.insert(dir, created.clone());
    Ok(created)
}

/// Renames every temporary entry to its final name: new trees only where nothing has appeared meanwhile.
fn rename_all(out_path: &Path, pending: &[Pending]) -> Result<(), StandaloneError> {
    for Pending {
        dir,
        temp,
        name,
        is_tree,
    } in pending
    {
        let temp = OsStr::from_bytes(temp);
        let target = dir.path().join(name);
        let renamed = if *is_tree {
            dir.rename_new(temp, dir, OsStr::new(name))
        } else {
            dir.rename(temp, dir, OsStr::new(name))
        };
        renamed.map_err(|e| {
            let message = if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!(
                    "appeared while this run was writing (another program writing into {} without its lock?)",
                    out_path.display()
                )
            } else {
                e.to_string()
            };
            StandaloneError::Io {
                path: target.display().to_string(),
                message,
            }
        })?;
    }
    Ok(())
}

/// Replaces the file at `path` (in a directory that exists) with `content`, all or nothing and durably,
/// keeping its permissions (see [`Dir::replace_file`]).
pub(crate) fn replace_file(path: &Path, content: &[u8]) -> Result<(), StandaloneError> {
    let parent = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io_error(path, std::io::ErrorKind::InvalidInput.into()))?;
    Dir::open(parent)
        .and_then(|dir| dir.replace_file(name, content))
        .map_err(|e| io_error(path, e))
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
