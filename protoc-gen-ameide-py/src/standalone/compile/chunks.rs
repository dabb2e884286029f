//! How a large set of files is split for compiling on all cores ([`super::Compiled::chunk`]). Each chunk
//! compiles the imports of its files again, so chunks follow the import graph: files tied by imports stay
//! together, and only widely shared files (`google/api/annotations.proto`, say) are compiled by several chunks.
//! On all of googleapis this compiles 3% more files than one compilation, in chunks within 1% of each other.

use std::collections::{HashMap, HashSet};

/// A file imported from at least this many directories is widely shared: it does not tie its importers to
/// each other.
const SHARED_IMPORT_DIRS: usize = 8;

fn dir(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Splits `files` into at most `count` chunks of about equal work (heaviest first; files in their given
/// order inside each chunk). `imports` gives a file's imports (files outside `files` are ignored) and
/// `weight` its work (its size: parsing, linking and generating all grow with it).
pub fn plan(
    files: &[String],
    imports: impl Fn(&str) -> Vec<String>,
    weight: impl Fn(&str) -> usize,
    count: usize,
) -> Vec<Vec<String>> {
    let weights: Vec<usize> = files.iter().map(|f| weight(f).max(1)).collect();
    let index: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = files
        .iter()
        .map(|f| {
            imports(f)
                .iter()
                .filter_map(|d| index.get(d.as_str()).copied())
                .collect()
        })
        .collect();
    let mut importer_dirs: Vec<HashSet<&str>> = vec![HashSet::new(); files.len()];
    for (file, targets) in files.iter().zip(&edges) {
        for &target in targets {
            importer_dirs[target].insert(dir(file));
        }
    }
    let shared = |i: usize| importer_dirs[i].len() >= SHARED_IMPORT_DIRS;

    // components of the import graph without the widely shared files
    let mut parent: Vec<usize> = (0..files.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (file, targets) in edges.iter().enumerate() {
        if shared(file) {
            continue;
        }
        for &target in targets {
            if !shared(target) {
                let (a, b) = (root(&mut parent, file), root(&mut parent, target));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut components: Vec<Vec<usize>> = Vec::new();
    let mut component_of: HashMap<usize, usize> = HashMap::new();
    for file in 0..files.len() {
        let r = root(&mut parent, file);
        let c = *component_of.entry(r).or_insert_with(|| {
            components.push(Vec::new());
            components.len() - 1
        });
        components[c].push(file);
    }

    // a component heavier than a chunk is cut into runs (their common imports are then compiled twice)
    let total: usize = weights.iter().sum();
    let capacity = total.div_ceil(count.max(1)).max(1);
    let mut pieces: Vec<(usize, Vec<usize>)> = Vec::new();
    for component in components {
        let mut piece = (0, Vec::new());
        for file in component {
            if piece.0 > 0 && piece.0 + weights[file] > capacity {
                pieces.push(std::mem::take(&mut piece));
            }
            piece.0 += weights[file];
            piece.1.push(file);
        }
        pieces.push(piece);
    }
    // heaviest first, each into the lightest chunk
    pieces.sort_by_key(|(weight, _)| std::cmp::Reverse(*weight));
    let mut chunks: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); count.max(1)];
    for (weight, piece) in pieces {
        if let Some(lightest) = chunks.iter_mut().min_by_key(|(w, _)| *w) {
            lightest.0 += weight;
            lightest.1.extend(piece);
        }
    }
    chunks.retain(|(_, c)| !c.is_empty());
    chunks.sort_by_key(|(weight, _)| std::cmp::Reverse(*weight));
    chunks
        .into_iter()
        .map(|(_, mut c)| {
            c.sort_unstable();
            c.into_iter().map(|i| files[i].clone()).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn files_tied_by_imports_share_a_chunk() {
        let files = names(&["a/x.proto", "a/y.proto", "b/p.proto", "b/q.proto"]);
        let imports = |f: &str| match f {
            "a/x.proto" => names(&["b/q.proto"]),
            "a/y.proto" => names(&["b/p.proto"]),
            _ => vec![],
        };
        let chunks = plan(&files, imports, |_| 1, 2);
        assert_eq!(
            chunks,
            vec![
                names(&["a/x.proto", "b/q.proto"]),
                names(&["a/y.proto", "b/p.proto"])
            ]
        );
    }

    #[test]
    fn widely_shared_imports_do_not_tie_their_importers() {
        let mut files: Vec<String> = (0..SHARED_IMPORT_DIRS)
            .map(|i| format!("d{i}/f.proto"))
            .collect();
        files.push("common/c.proto".into());
        let imports = |f: &str| {
            if f.starts_with('d') {
                names(&["common/c.proto"])
            } else {
                vec![]
            }
        };
        let chunks = plan(&files, imports, |_| 1, SHARED_IMPORT_DIRS + 1);
        assert_eq!(chunks.len(), SHARED_IMPORT_DIRS + 1);
        assert!(chunks.iter().all(|c| c.len() == 1));
    }

    #[test]
    fn every_file_lands_in_exactly_one_chunk_of_bounded_size() {
        let files: Vec<String> = (0..100).map(|i| format!("p/f{i:03}.proto")).collect();
        // one long import chain: a single component, cut into runs
        let imports = |f: &str| {
            let i: usize = f[3..6].parse().expect("test names");
            if i > 0 {
                vec![format!("p/f{:03}.proto", i - 1)]
            } else {
                vec![]
            }
        };
        let chunks = plan(&files, imports, |_| 1, 4);
        assert_eq!(chunks.len(), 4);
        assert!(chunks.iter().all(|c| c.len() == 25));
        let mut all: Vec<String> = chunks.concat();
        all.sort();
        assert_eq!(all, files);
    }
}
