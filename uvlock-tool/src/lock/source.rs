//! Where a locked package comes from ([`Source`], uv's `source = { ... }`) and what a recorded requirement asks
//! for ([`RequirementSource`], the tail of a `requires-dist` entry). Both are read from and written to their
//! inline tables here and nowhere else; a new kind is one variant plus its arm in each function below.

use super::{Inline, Val};

/// A package's source, in uv's order (`PackageId` sorts by name, version, then this).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// `{ registry = "<index url or path>" }`
    Registry(String),
    /// `{ git = "<url>?<reference>#<commit>" }`
    Git(String),
    /// `{ url = "...", subdirectory = "..." }`
    Direct {
        url: String,
        subdirectory: Option<String>,
    },
    /// `{ path = "<archive>" }`
    Path(String),
    /// `{ directory = "<dir>" }`
    Directory(String),
    /// `{ editable = "<dir>" }`
    Editable(String),
    /// `{ virtual = "<dir>" }`
    Virtual(String),
}

fn text(v: &Val) -> Option<&str> {
    match v {
        Val::Str(s) => Some(s),
        _ => None,
    }
}

/// The value of the only key of a one-key table.
fn single<'a>(t: &'a Inline, key: &str) -> Option<&'a str> {
    match t.as_slice() {
        [(k, v)] if k == key => text(v),
        _ => None,
    }
}

impl Source {
    /// Reads `source = { ... }`; `None` for a table that is no source uv writes.
    pub fn parse(t: &Inline) -> Option<Source> {
        let (key, _) = t.first()?;
        let owned = |s: &str| s.to_string();
        Some(match key.as_str() {
            "registry" => Source::Registry(owned(single(t, "registry")?)),
            "git" => Source::Git(owned(single(t, "git")?)),
            "path" => Source::Path(owned(single(t, "path")?)),
            "directory" => Source::Directory(owned(single(t, "directory")?)),
            "editable" => Source::Editable(owned(single(t, "editable")?)),
            "virtual" => Source::Virtual(owned(single(t, "virtual")?)),
            "url" => match t.as_slice() {
                [(_, url)] => Source::Direct {
                    url: owned(text(url)?),
                    subdirectory: None,
                },
                [(_, url), (k, sub)] if k == "subdirectory" => Source::Direct {
                    url: owned(text(url)?),
                    subdirectory: Some(owned(text(sub)?)),
                },
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The inline table uv writes.
    pub fn to_inline(&self) -> Inline {
        let kv = |k: &str, v: &str| (k.to_string(), Val::Str(v.to_string()));
        match self {
            Source::Registry(v) => vec![kv("registry", v)],
            Source::Git(v) => vec![kv("git", v)],
            Source::Direct { url, subdirectory } => {
                let mut t = vec![kv("url", url)];
                t.extend(subdirectory.iter().map(|s| kv("subdirectory", s)));
                t
            }
            Source::Path(v) => vec![kv("path", v)],
            Source::Directory(v) => vec![kv("directory", v)],
            Source::Editable(v) => vec![kv("editable", v)],
            Source::Virtual(v) => vec![kv("virtual", v)],
        }
    }

    /// The key uv writes first (`registry`, `git`, `url`, `path`, `directory`, `editable`, `virtual`).
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Registry(_) => "registry",
            Source::Git(_) => "git",
            Source::Direct { .. } => "url",
            Source::Path(_) => "path",
            Source::Directory(_) => "directory",
            Source::Editable(_) => "editable",
            Source::Virtual(_) => "virtual",
        }
    }

    /// The local path of a path, directory, editable or virtual source.
    pub fn local_path(&self) -> Option<&str> {
        match self {
            Source::Path(p) | Source::Directory(p) | Source::Editable(p) | Source::Virtual(p) => {
                Some(p)
            }
            Source::Registry(_) | Source::Git(_) | Source::Direct { .. } => None,
        }
    }

    /// The project itself: a local source at `.`.
    pub fn is_project_root(&self) -> bool {
        matches!(
            self,
            Source::Directory(p) | Source::Editable(p) | Source::Virtual(p) if p == "."
        )
    }
}

/// What a `requires-dist` / `requires-dev` entry asks for (uv's `RequirementSourceWire`, flattened into the entry
/// after `name`, `extras`, `groups` and `marker`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequirementSource {
    /// `specifier = "..."`, `index = "<url>"`, `conflict = { ... }`, each optional.
    Registry {
        specifier: Option<String>,
        index: Option<String>,
        conflict: Option<Inline>,
    },
    /// `git = "<url>?<reference>"`
    Git(String),
    /// `url = "..."`, `subdirectory = "..."`
    Direct {
        url: String,
        subdirectory: Option<String>,
    },
    Path(String),
    Directory(String),
    Editable(String),
    Virtual(String),
}

impl RequirementSource {
    /// Reads the source keys of an entry (every key but `name`, `extras`, `groups`, `marker`); `None` for a
    /// combination uv does not write.
    pub fn parse(keys: &[(String, Val)]) -> Option<RequirementSource> {
        let get = |k: &str| keys.iter().find(|(x, _)| x == k).map(|(_, v)| v);
        let one = |k: &str| -> Option<String> {
            match keys {
                [(x, v)] if x == k => text(v).map(str::to_string),
                _ => None,
            }
        };
        let Some((first, _)) = keys.first() else {
            return Some(RequirementSource::Registry {
                specifier: None,
                index: None,
                conflict: None,
            });
        };
        Some(match first.as_str() {
            "git" => RequirementSource::Git(one("git")?),
            "path" => RequirementSource::Path(one("path")?),
            "directory" => RequirementSource::Directory(one("directory")?),
            "editable" => RequirementSource::Editable(one("editable")?),
            "virtual" => RequirementSource::Virtual(one("virtual")?),
            "url" => {
                if keys.iter().any(|(k, _)| k != "url" && k != "subdirectory") {
                    return None;
                }
                RequirementSource::Direct {
                    url: text(get("url")?)?.to_string(),
                    subdirectory: get("subdirectory").and_then(text).map(str::to_string),
                }
            }
            _ => {
                let order = ["specifier", "index", "conflict"];
                let mut last = 0;
                for (k, _) in keys {
                    let pos = order.iter().position(|o| o == k)?;
                    if pos < last {
                        return None;
                    }
                    last = pos + 1;
                }
                let string = |k: &str| -> Option<Option<String>> {
                    match get(k) {
                        None => Some(None),
                        Some(v) => Some(Some(text(v)?.to_string())),
                    }
                };
                RequirementSource::Registry {
                    specifier: string("specifier")?,
                    index: string("index")?,
                    conflict: match get("conflict") {
                        Some(Val::Table(t)) => Some(t.clone()),
                        Some(_) => return None,
                        None => None,
                    },
                }
            }
        })
    }

    /// The keys uv writes for this source, in its order.
    pub fn to_keys(&self) -> Vec<(String, Val)> {
        let kv = |k: &str, v: &str| (k.to_string(), Val::Str(v.to_string()));
        match self {
            RequirementSource::Registry {
                specifier,
                index,
                conflict,
            } => {
                let mut t: Vec<(String, Val)> = Vec::new();
                t.extend(specifier.iter().map(|s| kv("specifier", s)));
                t.extend(index.iter().map(|s| kv("index", s)));
                t.extend(
                    conflict
                        .iter()
                        .map(|c| ("conflict".to_string(), Val::Table(c.clone()))),
                );
                t
            }
            RequirementSource::Git(v) => vec![kv("git", v)],
            RequirementSource::Direct { url, subdirectory } => {
                let mut t = vec![kv("url", url)];
                t.extend(subdirectory.iter().map(|s| kv("subdirectory", s)));
                t
            }
            RequirementSource::Path(v) => vec![kv("path", v)],
            RequirementSource::Directory(v) => vec![kv("directory", v)],
            RequirementSource::Editable(v) => vec![kv("editable", v)],
            RequirementSource::Virtual(v) => vec![kv("virtual", v)],
        }
    }

    /// The source a local path dependency is recorded with.
    pub fn local(path: &str, editable: bool) -> RequirementSource {
        if editable {
            RequirementSource::Editable(path.to_string())
        } else {
            RequirementSource::Directory(path.to_string())
        }
    }
}
