//! protoc's `GetTransitiveDependencies`: files and everything they import, dependencies first, each once (a
//! post-order walk without recursion: import chains can be thousands deep).

use std::collections::HashSet;
use std::hash::Hash;

/// `roots` and what they import (`dependencies` of a file, in import order), dependencies first.
pub fn dependencies_first<T, I>(roots: I, dependencies: impl Fn(&T) -> Vec<T>) -> Vec<T>
where
    T: Clone + Eq + Hash,
    I: IntoIterator<Item = T>,
{
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    for root in roots {
        if !seen.insert(root.clone()) {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        while let Some((file, next)) = stack.pop() {
            let deps = dependencies(&file);
            let unseen = deps
                .iter()
                .enumerate()
                .skip(next)
                .find(|(_, d)| !seen.contains(*d));
            match unseen {
                Some((i, dep)) => {
                    seen.insert(dep.clone());
                    let dep = dep.clone();
                    stack.push((file, i + 1));
                    stack.push((dep, 0));
                }
                None => order.push(file),
            }
        }
    }
    order
}
