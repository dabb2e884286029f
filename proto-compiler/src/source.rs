//! Where files come from: protoc's `DiskSourceTree` (importer.cc) over the include directories, the bundled
//! well-known types after them, and protoc's command-line mapping of input paths to proto names
//! (command_line_interface.cc, `MakeProtoProtoPathRelative`) in [`resolve_inputs`].

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// protoc's `CanonicalizePath`: `.` components and repeated or trailing-but-one slashes removed.
pub fn canonicalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if path.starts_with('/') {
        parts.push("");
    }
    parts.extend(path.split('/').filter(|p| !p.is_empty() && *p != "."));
    if path.ends_with('/') {
        parts.push("");
    }
    parts.join("/")
}

fn contains_parent_reference(path: &str) -> bool {
    path == ".." || path.starts_with("../") || path.ends_with("/..") || path.contains("/../")
}

/// protoc's `ApplyMapping`: `filename` below `old_prefix`, moved below `new_prefix`.
fn apply_mapping(filename: &str, old_prefix: &str, new_prefix: &str) -> Option<String> {
    let join = |rest: &str| {
        if new_prefix.is_empty() {
            rest.to_string()
        } else {
            format!("{new_prefix}/{rest}")
        }
    };
    if old_prefix.is_empty() {
        if contains_parent_reference(filename) || filename.starts_with('/') {
            return None;
        }
        return Some(join(filename));
    }
    let rest = filename.strip_prefix(old_prefix)?;
    if rest.is_empty() {
        return Some(new_prefix.to_string());
    }
    let after = if let Some(r) = rest.strip_prefix('/') {
        r
    } else if old_prefix.ends_with('/') {
        rest
    } else {
        return None;
    };
    if contains_parent_reference(after) {
        return None;
    }
    Some(join(after))
}

/// The text of a file found for a proto name.
pub enum Found {
    /// Read from disk (into the caller's buffer): the path protoc prints for it.
    Disk { disk_path: String },
    /// One of the bundled well-known types.
    Bundled(&'static str),
}

/// A file protoc would read for an import whose name is not UTF-8: this compiler's file names are UTF-8, so it
/// refuses the import instead of compiling the file under other bytes.
pub struct NotUtf8File {
    pub disk_path: Vec<u8>,
}

impl NotUtf8File {
    /// The error message for the import.
    pub fn refusal(&self) -> Vec<u8> {
        [
            b"File name is not UTF-8: protoc would read it from \"",
            &self.disk_path[..],
            b"\"; this compiler only compiles files whose names are UTF-8.",
        ]
        .concat()
    }
}

/// The include directories (canonicalized as protoc does) and the bundled well-known types.
#[derive(Debug, Clone)]
pub struct SourceTree {
    disk_paths: Vec<String>,
}

/// Why a file could not be opened: protoc's `GetLastErrorMessage`.
pub type OpenError = String;

const NOT_CANONICAL: &str =
    "Backslashes, consecutive slashes, \".\", or \"..\" are not allowed in the virtual path";

impl SourceTree {
    pub fn new(include_paths: &[PathBuf]) -> SourceTree {
        SourceTree {
            disk_paths: include_paths
                .iter()
                .map(|p| canonicalize_path(&p.to_string_lossy()))
                .collect(),
        }
    }

    /// protoc's `OpenVirtualFile`: the file for a proto name, from the first include directory having it;
    /// a file on disk is read into `buffer` (reused across files: large trees read thousands).
    pub fn open(&self, virtual_file: &str, buffer: &mut Vec<u8>) -> Result<Found, OpenError> {
        if virtual_file != canonicalize_path(virtual_file)
            || contains_parent_reference(virtual_file)
        {
            return Err(NOT_CANONICAL.into());
        }
        for disk_path in &self.disk_paths {
            let Some(candidate) = apply_mapping(virtual_file, "", disk_path) else {
                continue;
            };
            // C's `open` reads the name up to a NUL; the name itself keeps it (and is refused when built)
            let path = candidate.split('\0').next().unwrap_or_default();
            match read_file(Path::new(path), buffer) {
                Ok(true) => {
                    return Ok(Found::Disk {
                        disk_path: candidate,
                    })
                }
                Ok(false) => {}
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                    return Err(format!("Read access is denied for file: {candidate}"));
                }
                Err(_) => {}
            }
        }
        let up_to_nul = virtual_file.split('\0').next().unwrap_or_default();
        if let Some(text) = crate::wkt::source(up_to_nul) {
            return Ok(Found::Bundled(text));
        }
        Err("File not found.".into())
    }

    /// protoc's `OpenVirtualFile` for a name that is not UTF-8: never a bundled file, and on disk only where
    /// file names are bytes. `Ok` with protoc's reason it opens nothing; `Err` with the file protoc would read.
    pub fn open_non_utf8(&self, virtual_file: &[u8]) -> Result<OpenError, NotUtf8File> {
        // invalid UTF-8 becomes U+FFFD, never a `/` or `.`: the lossy text has the name's path structure
        let structure = String::from_utf8_lossy(virtual_file);
        if structure != canonicalize_path(&structure) || contains_parent_reference(&structure) {
            return Ok(NOT_CANONICAL.into());
        }
        for disk_path in &self.disk_paths {
            if apply_mapping(&structure, "", disk_path).is_none() {
                continue;
            }
            let mut candidate = disk_path.clone().into_bytes();
            if !candidate.is_empty() {
                candidate.push(b'/');
            }
            // C's `open` reads the name up to a NUL
            candidate.extend(virtual_file.iter().take_while(|&&b| b != 0));
            if opens_as_file(&candidate) {
                return Err(NotUtf8File {
                    disk_path: candidate,
                });
            }
        }
        Ok("File not found.".into())
    }

    /// protoc's `VirtualFileToDiskFile`: the disk path a proto name is read from (the name printed in
    /// diagnostics), if it is on disk.
    pub fn disk_file(&self, virtual_file: &str) -> Option<String> {
        self.find_disk_file(virtual_file).map(|(path, _)| path)
    }

    /// The size of the file a proto name maps to (on disk, else bundled), if there is one.
    pub fn input_size(&self, virtual_file: &str) -> Option<u64> {
        match self.find_disk_file(virtual_file) {
            Some((_, size)) => Some(size),
            None => crate::wkt::source(virtual_file).map(|text| text.len() as u64),
        }
    }

    /// [`SourceTree::disk_file`] with the file's size.
    fn find_disk_file(&self, virtual_file: &str) -> Option<(String, u64)> {
        if virtual_file != canonicalize_path(virtual_file)
            || contains_parent_reference(virtual_file)
        {
            return None;
        }
        self.disk_paths.iter().find_map(|disk_path| {
            let candidate = apply_mapping(virtual_file, "", disk_path)?;
            let path = Path::new(&candidate);
            let size = std::fs::metadata(path).ok().filter(|m| m.is_file())?.len();
            std::fs::File::open(path)
                .is_ok()
                .then_some((candidate, size))
        })
    }

    /// protoc's `DiskFileToVirtualFile` on a path that exists.
    fn disk_to_virtual(&self, disk_file: &str) -> Result<String, Diagnostic> {
        let canonical = canonicalize_path(disk_file);
        let Some((index, virtual_file)) = self
            .disk_paths
            .iter()
            .enumerate()
            .find_map(|(i, d)| apply_mapping(&canonical, d, "").map(|v| (i, v)))
        else {
            return Err(Diagnostic::line(format!("{disk_file}: File does not reside within any path specified using --proto_path (or -I).  You must specify a --proto_path which encompasses this file.  Note that the proto_path must be an exact prefix of the .proto file names -- protoc is too dumb to figure out when two paths (e.g. absolute and relative) are equivalent (it's harder than you think).")));
        };
        for earlier in &self.disk_paths[..index] {
            if let Some(shadowing) = apply_mapping(&virtual_file, "", earlier) {
                if Path::new(&shadowing).exists() {
                    return Err(Diagnostic::line(format!("{disk_file}: Input is shadowed in the --proto_path by \"{shadowing}\".  Either use the latter file as your input or reorder the --proto_path so that the former file's location comes first.")));
                }
            }
        }
        if Path::new(disk_file).is_dir() {
            return Err(Diagnostic::line(format!(
                "Could not map to virtual file: {disk_file}: Input file is a directory."
            )));
        }
        if let Err(e) = std::fs::File::open(disk_file) {
            return Err(Diagnostic::line(format!(
                "Could not map to virtual file: {disk_file}: {}",
                strerror(&e)
            )));
        }
        Ok(virtual_file)
    }
}

/// Whether protoc's `OpenDiskFile` opens the file at `path` (bytes): it exists and is not a directory (one it
/// may not read, protoc reports; this compiler refuses it either way).
#[cfg(unix)]
fn opens_as_file(path: &[u8]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let path = Path::new(std::ffi::OsStr::from_bytes(path));
    match std::fs::metadata(path) {
        Ok(metadata) => !metadata.is_dir(),
        Err(e) => e.kind() == std::io::ErrorKind::PermissionDenied,
    }
}

/// Elsewhere a file name is Unicode: no file has a name that is not UTF-8.
#[cfg(not(unix))]
fn opens_as_file(_path: &[u8]) -> bool {
    false
}

/// Reads a regular file into `buffer`; `Ok(false)` for a directory.
fn read_file(path: &Path, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Ok(false);
    }
    buffer.clear();
    file.read_to_end(buffer)?;
    Ok(true)
}

/// The C library's text for an I/O error (what protoc prints via `strerror`).
fn strerror(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// protoc's `MakeInputsBeProtoPathRelative`: each command-line input as a proto name. An input that exists on
/// disk is mapped through the include directory containing it; anything else must be a proto name found in
/// one. The first input that cannot be mapped ends it with protoc's line for it.
pub fn resolve_inputs(
    include_paths: &[PathBuf],
    inputs: &[String],
) -> Result<Vec<String>, Diagnostic> {
    let tree = SourceTree::new(include_paths);
    inputs
        .iter()
        .map(|input| {
            if !Path::new(input).exists() {
                if tree.disk_file(input).is_some() || crate::wkt::source(input).is_some() {
                    return Ok(input.clone());
                }
                return Err(Diagnostic::line(format!(
                    "Could not make proto path relative: {input}: No such file or directory"
                )));
            }
            match tree.disk_to_virtual(input) {
                Ok(virtual_file) => Ok(virtual_file),
                Err(no_mapping) if no_mapping.to_string().contains("File does not reside") => {
                    if tree.disk_file(input).is_some() {
                        Ok(input.clone())
                    } else {
                        Err(no_mapping)
                    }
                }
                Err(other) => Err(other),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_paths() {
        assert_eq!(canonicalize_path("./a//b/./c"), "a/b/c");
        assert_eq!(canonicalize_path("/x/"), "/x/");
        assert_eq!(canonicalize_path("."), "");
    }

    #[test]
    fn mappings() {
        assert_eq!(
            apply_mapping("foo/bar", "", "baz").as_deref(),
            Some("baz/foo/bar")
        );
        assert_eq!(apply_mapping("foo/bar", "", "").as_deref(), Some("foo/bar"));
        assert_eq!(apply_mapping("baz/bar", "baz", "").as_deref(), Some("bar"));
        assert_eq!(apply_mapping("foobar", "foo", "baz"), None);
        assert_eq!(apply_mapping("../x", "", "a"), None);
    }
}
