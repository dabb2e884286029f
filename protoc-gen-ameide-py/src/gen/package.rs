//! Package files: the `package_files=` parameter adds an empty `__init__.py` to generated package directories
//! and an empty `py.typed` (PEP 561) at each import-prefix root.
//!
//! * `package_files=all`: every directory holding a generated module and all its ancestors below the output
//!   root (so the prefix directories too), plus `py.typed` in every prefix root that holds generated code.
//!   Use it with protoc, with buf `strategy: all` and with this tool's `generate` (any strategy).
//! * `package_files=leaf`: only the directories that directly hold generated modules, and `py.typed` only if a
//!   prefix root directly holds one. Every directory's files are in exactly one request under buf
//!   `strategy: directory`, so this never writes a file twice there; the ancestor directories are then namespace
//!   packages (or hand-written).

use std::collections::BTreeSet;

use crate::gen::GeneratedFile;
use crate::naming::ModuleMap;
use crate::options::PackageFiles;

fn parent(path: &str) -> Option<&str> {
    path.rsplit_once('/').map(|(dir, _)| dir)
}

/// The package files for a set of generated modules (sorted, not including names already in `files`).
pub fn package_files(
    files: &[GeneratedFile],
    mode: PackageFiles,
    modules: &ModuleMap,
) -> Vec<GeneratedFile> {
    let mut dirs = BTreeSet::new();
    for file in files {
        let mut dir = parent(&file.name);
        while let Some(d) = dir {
            dirs.insert(d.to_string());
            if mode == PackageFiles::Leaf {
                break;
            }
            dir = parent(d);
        }
    }
    let leaf_dirs: BTreeSet<&str> = files.iter().filter_map(|f| parent(&f.name)).collect();
    let mut names = BTreeSet::new();
    for dir in &dirs {
        names.insert(format!("{dir}/__init__.py"));
    }
    for mapping in modules.mappings() {
        let root = mapping.python_prefix.replace('.', "/");
        let holds = match mode {
            PackageFiles::All => dirs.contains(&root),
            PackageFiles::Leaf => leaf_dirs.contains(root.as_str()),
        };
        if holds {
            names.insert(format!("{root}/py.typed"));
        }
    }
    let existing: BTreeSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
    names
        .into_iter()
        .filter(|n| !existing.contains(n.as_str()))
        .map(|name| GeneratedFile {
            name,
            content: String::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::PrefixMapping;

    fn file(name: &str) -> GeneratedFile {
        GeneratedFile {
            name: name.into(),
            content: "x".into(),
        }
    }

    #[test]
    fn all_and_leaf() {
        let modules = ModuleMap::new(vec![PrefixMapping::new("core", "sdk.proto")]);
        let files = [file("sdk/proto/a/v1/x_pb2.py"), file("sdk/proto/b_pb2.py")];
        let names = |mode| {
            package_files(&files, mode, &modules)
                .into_iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(PackageFiles::All),
            [
                "sdk/__init__.py",
                "sdk/proto/__init__.py",
                "sdk/proto/a/__init__.py",
                "sdk/proto/a/v1/__init__.py",
                "sdk/proto/py.typed"
            ]
        );
        assert_eq!(
            names(PackageFiles::Leaf),
            [
                "sdk/proto/__init__.py",
                "sdk/proto/a/v1/__init__.py",
                "sdk/proto/py.typed"
            ]
        );
    }
}
