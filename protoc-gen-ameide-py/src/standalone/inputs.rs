//! Which .proto files a run takes: command-line arguments turned into proto names, and every .proto file
//! below a directory.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Turns command-line file arguments into proto names: a path below an include directory becomes relative to
/// it (like protoc); anything else is taken as a proto name.
pub fn proto_name(includes: &[PathBuf], arg: &str) -> String {
    let path = Path::new(arg);
    if let Ok(abs) = std::fs::canonicalize(path) {
        for include in includes {
            if let Ok(dir) = std::fs::canonicalize(include) {
                if let Ok(rel) = abs.strip_prefix(&dir) {
                    return rel.to_string_lossy().replace('\\', "/");
                }
            }
        }
    }
    arg.trim_start_matches("./").to_string()
}

/// Every `.proto` file below the include directories (sorted, first include wins on duplicate names).
pub fn all_protos(includes: &[PathBuf]) -> std::io::Result<Vec<String>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for include in includes {
        let mut names = Vec::new();
        collect(include, include, &mut names)?;
        names.sort();
        for name in names {
            if seen.insert(name.clone()) {
                out.push(name);
            }
        }
    }
    out.sort();
    Ok(out)
}

pub fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        // the entry's type comes with the listing; only a link needs a stat (of what it points to)
        let is_dir = match entry.file_type() {
            Ok(t) if !t.is_symlink() => t.is_dir(),
            _ => std::fs::metadata(&path).is_ok_and(|m| m.is_dir()),
        };
        if is_dir {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(())
}
