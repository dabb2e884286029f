//! Queries on the lock's dependency graph: roots, edge targets, reachability (uv's pruning), who depends on whom.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use super::{Dep, Lock, Source, Val};

impl Lock {
    /// Packages with that (normalized) name.
    pub fn packages_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = (usize, &'a super::Package)> + 'a {
        self.packages
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.name == name)
    }

    /// The index of the package an edge points at (packages are sorted by name: binary search, then scan).
    pub fn resolve(&self, dep: &Dep) -> Option<usize> {
        let start = self
            .packages
            .partition_point(|p| p.name.as_str() < dep.name.as_str());
        let hit = self.packages[start..]
            .iter()
            .take_while(|p| p.name == dep.name)
            .position(|p| p.matches(dep))
            .map(|i| start + i);
        hit.or_else(|| self.packages.iter().position(|p| p.matches(dep)))
    }

    /// Root packages: `[manifest].members` when present, else the project at `.`.
    pub fn roots(&self) -> Vec<usize> {
        let members: Vec<&str> = self
            .sections
            .iter()
            .filter(|s| s.path == ["manifest"])
            .flat_map(|s| s.entries.iter())
            .filter(|(k, _)| k == "members")
            .flat_map(|(_, v)| match v {
                Val::Array(items) => items.as_slice(),
                _ => &[],
            })
            .filter_map(|v| match v {
                Val::Str(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        self.packages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                if members.is_empty() {
                    p.source.is_project_root()
                } else {
                    members.contains(&p.name.as_str()) && !matches!(p.source, Source::Registry(_))
                }
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Names the `[manifest]` constrains, overrides, excludes or requires (`build-constraints` only concern builds).
    pub fn manifest_names(&self) -> BTreeSet<String> {
        let names = |v: &Val| -> Vec<String> {
            let Val::Array(items) = v else {
                return Vec::new();
            };
            items
                .iter()
                .filter_map(|i| match i {
                    Val::Str(s) => Some(crate::pep508::normalize_name(s)),
                    Val::Table(t) => {
                        t.iter()
                            .find(|(k, _)| k == "name")
                            .and_then(|(_, n)| match n {
                                Val::Str(s) => Some(s.clone()),
                                _ => None,
                            })
                    }
                    _ => None,
                })
                .collect()
        };
        self.sections
            .iter()
            .filter(|s| s.path == ["manifest"])
            .flat_map(|s| s.entries.iter())
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "constraints" | "overrides" | "excludes" | "requirements"
                )
            })
            .flat_map(|(_, v)| names(v))
            .collect()
    }

    /// Fills the omitted version/source of every edge from the unique package of that name.
    pub(crate) fn fill_edges(&mut self) -> Result<(), String> {
        let mut unique: HashMap<String, (Option<String>, Source, usize)> = HashMap::new();
        for p in &self.packages {
            let e =
                unique
                    .entry(p.name.clone())
                    .or_insert((p.version.clone(), p.source.clone(), 0));
            e.2 += 1;
        }
        for p in &mut self.packages {
            for d in p.all_edges_mut() {
                let Some((version, source, count)) = unique.get(&d.name) else {
                    return Err(format!(
                        "an edge points at `{}`, which has no [[package]] entry",
                        d.name
                    ));
                };
                if d.source.is_none() {
                    if *count > 1 {
                        return Err(format!(
                            "an edge to `{}` omits its version although it is locked more than once",
                            d.name
                        ));
                    }
                    d.version = version.clone();
                    d.source = Some(source.clone());
                }
            }
        }
        Ok(())
    }

    /// Every extra requested on an edge to `name`.
    pub fn requested_extras(&self, name: &str) -> BTreeSet<String> {
        self.packages
            .iter()
            .flat_map(|p| p.all_edges())
            .filter(|d| d.name == name)
            .flat_map(|d| d.extra.iter().cloned())
            .collect()
    }

    /// Packages other than the roots with an edge to `name` (their requirement on it is not recorded).
    pub fn non_root_dependents(&self, name: &str) -> Vec<String> {
        let roots = self.roots();
        self.packages
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                !roots.contains(i)
                    && p.dependencies
                        .iter()
                        .chain(p.optional_dependencies.iter().flat_map(|(_, d)| d))
                        .any(|d| d.name == name)
            })
            .map(|(_, p)| p.name.clone())
            .collect()
    }

    /// Points every edge to `name` at a new identity.
    pub fn retarget_edges(&mut self, name: &str, version: &Option<String>, source: &Source) {
        for d in self.packages.iter_mut().flat_map(|p| p.all_edges_mut()) {
            if d.name == name {
                d.version = version.clone();
                d.source = Some(source.clone());
            }
        }
    }

    /// Reachability from the roots (all their extras and groups), following `dependencies` plus the
    /// optional-dependencies of each requested extra; `keep` filters the edges followed. Returns the reached
    /// packages and, per package, the extras requested on the edges that reached it.
    fn reach(&self, keep: impl Fn(&Dep) -> bool) -> (Vec<bool>, Vec<BTreeSet<String>>) {
        let roots = self.roots();
        let n = self.packages.len();
        let mut reached = vec![false; n];
        let mut extras: Vec<BTreeSet<String>> = vec![BTreeSet::new(); n];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for &r in &roots {
            reached[r] = true;
            queue.push_back(r);
        }
        while let Some(i) = queue.pop_front() {
            let p = &self.packages[i];
            let is_root = roots.contains(&i);
            let optional = p
                .optional_dependencies
                .iter()
                .filter(|(e, _)| is_root || extras[i].contains(e))
                .flat_map(|(_, d)| d);
            let groups = p
                .dev_dependencies
                .iter()
                .filter(|_| is_root)
                .flat_map(|(_, d)| d);
            let next: Vec<(usize, Vec<String>)> = p
                .dependencies
                .iter()
                .chain(optional)
                .chain(groups)
                .filter(|d| keep(d))
                .filter_map(|d| Some((self.resolve(d)?, d.extra.clone())))
                .collect();
            for (j, requested) in next {
                let mut changed = !reached[j];
                reached[j] = true;
                for e in requested {
                    changed |= extras[j].insert(e);
                }
                if changed {
                    queue.push_back(j);
                }
            }
        }
        (reached, extras)
    }

    /// Drops packages no root reaches and extra tables nobody requests, as uv does. Reachability ignores markers.
    pub fn prune(&mut self) -> Vec<String> {
        let roots = self.roots();
        let (reached, extras) = self.reach(|_| true);
        let mut removed = Vec::new();
        let mut kept = Vec::with_capacity(self.packages.len());
        for (i, mut p) in std::mem::take(&mut self.packages).into_iter().enumerate() {
            if !reached[i] {
                removed.push(p.name);
                continue;
            }
            if !roots.contains(&i) {
                p.optional_dependencies
                    .retain(|(e, _)| extras[i].contains(e));
            }
            kept.push(p);
        }
        self.packages = kept;
        removed
    }

    /// Names of the packages reachable from the roots through marker-free edges only ("needed everywhere").
    pub fn unconditional(&self) -> BTreeSet<String> {
        let (reached, _) = self.reach(|d| d.marker.is_none());
        reached
            .iter()
            .zip(&self.packages)
            .filter(|(r, _)| **r)
            .map(|(_, p)| p.name.clone())
            .collect()
    }

    /// Incoming edges per package name: (from, table, marker, requested extras).
    pub fn incoming(&self) -> BTreeMap<String, BTreeSet<Incoming>> {
        let mut map: BTreeMap<String, BTreeSet<Incoming>> = BTreeMap::new();
        for p in &self.packages {
            let tagged = p
                .dependencies
                .iter()
                .map(|d| (String::new(), d))
                .chain(
                    p.optional_dependencies
                        .iter()
                        .flat_map(|(e, ds)| ds.iter().map(move |d| (format!("extra:{e}"), d))),
                )
                .chain(
                    p.dev_dependencies
                        .iter()
                        .flat_map(|(g, ds)| ds.iter().map(move |d| (format!("group:{g}"), d))),
                );
            for (table, d) in tagged {
                map.entry(d.name.clone()).or_default().insert((
                    p.name.clone(),
                    table,
                    d.marker.clone(),
                    d.extra.clone(),
                ));
            }
        }
        map
    }
}

/// An incoming edge: (from, extra/group table, marker, requested extras).
pub type Incoming = (String, String, Option<String>, Vec<String>);
