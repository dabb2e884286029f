//! The subset of buf's v2 configuration `generate`/`check` read: `buf.yaml` (modules with `path` and
//! `excludes`) and `buf.gen.yaml` (the `plugins` entries that run this plugin, with `out`, `opt`, `strategy`).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

mod keys;

/// A configuration problem, naming the file and the key.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {message}")]
    Read { file: String, message: String },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// One string or a list of strings (buf accepts both for `local` and `opt`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn items(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct RawBufYaml {
    version: Option<String>,
    #[serde(default)]
    modules: Vec<RawModule>,
}

#[derive(Debug, Deserialize)]
struct RawModule {
    path: Option<String>,
    #[serde(default)]
    excludes: Vec<String>,
    #[serde(default)]
    includes: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawGen {
    version: Option<String>,
    #[serde(default)]
    clean: bool,
    #[serde(default)]
    plugins: Vec<RawPlugin>,
    #[serde(default)]
    managed: Option<serde_yaml::Value>,
    #[serde(default)]
    inputs: Option<Vec<serde_yaml::Mapping>>,
}

#[derive(Debug, Deserialize)]
struct RawPlugin {
    local: Option<OneOrMany>,
    out: Option<String>,
    opt: Option<OneOrMany>,
    strategy: Option<String>,
    #[serde(default)]
    include_imports: bool,
    #[serde(default)]
    include_wkt: bool,
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    exclude_types: Vec<String>,
}

/// How buf splits the files of an input into plugin requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// One request per directory of proto files (buf's default).
    Directory,
    /// One request with every file.
    All,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Directory => "directory",
            Strategy::All => "all",
        }
    }
}

/// A module of the workspace: its root (an include directory) and its included and excluded directories.
#[derive(Debug, Clone)]
pub struct Module {
    /// The module root, relative to the workspace directory.
    pub path: String,
    /// Workspace-relative directories: when any is given, only files below them belong to the module.
    pub includes: Vec<String>,
    /// Workspace-relative directories whose files do not belong to the module.
    pub excludes: Vec<String>,
}

/// One plugin entry of `buf.gen.yaml` that runs this plugin.
#[derive(Debug, Clone)]
pub struct PluginRun {
    /// Output directory, relative to the workspace directory.
    pub out: String,
    /// The joined parameter (`opt` items joined with `,`, as buf does).
    pub parameter: String,
    pub strategy: Strategy,
}

/// The workspace: its directory, modules and this plugin's entries.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub dir: PathBuf,
    pub modules: Vec<Module>,
    pub runs: Vec<PluginRun>,
}

/// Whether a `local:` value runs this plugin: the name itself, or a path ending in it.
pub fn is_this_plugin(local: &str) -> bool {
    let name = local.rsplit(['/', '\\']).next().unwrap_or(local);
    name == "protoc-gen-ameide-py" || name == "protoc-gen-ameide-py.exe"
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        file: path.display().to_string(),
        message: e.to_string(),
    })
}

fn invalid(path: &Path, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        file: path.display().to_string(),
        message: message.into(),
    }
}

fn check_relative(path: &Path, key: &str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        return Err(invalid(
            path,
            format!("{key} is empty: give a directory relative to the workspace"),
        ));
    }
    let p = Path::new(value);
    if p.is_absolute()
        || p.components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(invalid(
            path,
            format!("{key} `{value}` must be a relative path inside the workspace (no `..`)"),
        ));
    }
    Ok(())
}

impl Workspace {
    /// Reads `buf.gen.yaml` at `template` and the `buf.yaml` beside it.
    pub fn load(template: &Path) -> Result<Workspace, ConfigError> {
        let dir = template
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let runs = plugin_runs(template)?;
        let modules = modules(&dir.join("buf.yaml"))?;
        Ok(Workspace { dir, modules, runs })
    }

    /// The include directories (module roots, absolute or relative to the current directory).
    pub fn includes(&self) -> Vec<PathBuf> {
        self.modules
            .iter()
            .map(|m| self.dir.join(&m.path))
            .collect()
    }

    /// Every .proto file of the modules (proto names), sorted, excludes applied.
    pub fn files(&self) -> Result<Vec<String>, ConfigError> {
        let mut out = Vec::new();
        for module in &self.modules {
            let root = self.dir.join(&module.path);
            let mut names = Vec::new();
            super::inputs::collect(&root, &root, &mut names).map_err(|e| ConfigError::Read {
                file: root.display().to_string(),
                message: e.to_string(),
            })?;
            for name in names {
                let workspace_path = if module.path == "." {
                    name.clone()
                } else {
                    format!("{}/{name}", module.path)
                };
                let below = |dir: &String| {
                    workspace_path
                        .strip_prefix(dir.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                };
                let included = module.includes.is_empty() || module.includes.iter().any(below);
                if included && !module.excludes.iter().any(below) {
                    out.push(name);
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// The entries of `buf.gen.yaml` that run this plugin, refusing what generate/check cannot do as buf does.
fn plugin_runs(template: &Path) -> Result<Vec<PluginRun>, ConfigError> {
    let gen: RawGen = parse_checked(template, keys::check_buf_gen_yaml)?;
    if gen.version.as_deref() != Some("v2") {
        return Err(invalid(template, "only `version: v2` is supported"));
    }
    if gen.clean {
        return Err(invalid(
            template,
            "`clean: true` is not supported by generate/check (buf deletes each `out` before generating); remove it, or use `buf generate`",
        ));
    }
    let managed = gen
        .managed
        .as_ref()
        .and_then(|m| m.get("enabled"))
        .and_then(serde_yaml::Value::as_bool);
    if managed == Some(true) {
        return Err(invalid(
            template,
            "`managed: enabled: true` is not supported (it rewrites file options)",
        ));
    }
    if gen.inputs.as_ref().is_some_and(|i| !i.is_empty()) {
        return Err(invalid(
            template,
            "`inputs` is not supported: the workspace of the buf.yaml beside it is the input",
        ));
    }
    let mut runs = Vec::new();
    for (i, plugin) in gen.plugins.iter().enumerate() {
        let program = plugin
            .local
            .as_ref()
            .and_then(|local| local.items().into_iter().next());
        if program.is_some_and(|p| is_this_plugin(&p)) {
            runs.push(plugin_run(template, i, plugin)?);
        }
    }
    if runs.is_empty() {
        return Err(invalid(
            template,
            "no plugin entry with `local: protoc-gen-ameide-py` (or a path ending in it)",
        ));
    }
    Ok(runs)
}

/// One `plugins[i]` entry that runs this plugin.
fn plugin_run(template: &Path, i: usize, plugin: &RawPlugin) -> Result<PluginRun, ConfigError> {
    let out = plugin
        .out
        .clone()
        .ok_or_else(|| invalid(template, format!("plugins[{i}]: `out` is required")))?;
    check_relative(template, &format!("plugins[{i}].out"), &out)?;
    unsupported_plugin_keys(template, i, plugin)?;
    let strategy = match plugin.strategy.as_deref() {
        None | Some("directory") => Strategy::Directory,
        Some("all") => Strategy::All,
        Some(other) => {
            return Err(invalid(
                template,
                format!("plugins[{i}].strategy `{other}`: expected `directory` or `all`"),
            ))
        }
    };
    Ok(PluginRun {
        out,
        parameter: plugin
            .opt
            .as_ref()
            .map(|o| o.items().join(","))
            .unwrap_or_default(),
        strategy,
    })
}

/// The modules of the v2 `buf.yaml` beside `buf.gen.yaml` (the workspace root alone when it lists none).
fn modules(buf_yaml: &Path) -> Result<Vec<Module>, ConfigError> {
    if !buf_yaml.is_file() {
        return Err(invalid(
            buf_yaml,
            "not found (a v2 buf.yaml must sit beside buf.gen.yaml)",
        ));
    }
    let raw: RawBufYaml = parse_checked(buf_yaml, keys::check_buf_yaml)?;
    if raw.version.as_deref() != Some("v2") {
        return Err(invalid(buf_yaml, "only `version: v2` is supported"));
    }
    let mut modules = Vec::new();
    for (i, m) in raw.modules.iter().enumerate() {
        let path = m.path.clone().unwrap_or_else(|| ".".into());
        check_relative(buf_yaml, &format!("modules[{i}].path"), &path)?;
        let path = normalize(&path);
        let includes = module_dirs(buf_yaml, i, "includes", &path, &m.includes)?;
        let excludes = module_dirs(buf_yaml, i, "excludes", &path, &m.excludes)?;
        modules.push(Module {
            path,
            includes,
            excludes,
        });
    }
    if modules.is_empty() {
        modules.push(Module {
            path: ".".into(),
            includes: Vec::new(),
            excludes: Vec::new(),
        });
    }
    Ok(modules)
}

/// Reads and parses a YAML configuration file after checking its keys against buf's.
fn parse_checked<T: serde::de::DeserializeOwned>(
    path: &Path,
    check_keys: fn(&Path, &str, &serde_yaml::Value) -> Result<(), ConfigError>,
) -> Result<T, ConfigError> {
    let text = read(path)?;
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| invalid(path, e.to_string()))?;
    check_keys(path, &text, &doc)?;
    serde_yaml::from_value(doc).map_err(|e| invalid(path, e.to_string()))
}

/// Plugin keys buf defines that change which files or types it generates, which generate/check do not
/// reproduce: refused rather than ignored, so the output never silently differs from `buf generate`'s.
fn unsupported_plugin_keys(
    template: &Path,
    i: usize,
    plugin: &RawPlugin,
) -> Result<(), ConfigError> {
    let set = [
        ("include_imports: true", plugin.include_imports),
        ("include_wkt: true", plugin.include_wkt),
        ("types", !plugin.types.is_empty()),
        ("exclude_types", !plugin.exclude_types.is_empty()),
    ];
    match set.iter().find(|(_, on)| *on) {
        Some((key, _)) => Err(invalid(
            template,
            format!("plugins[{i}]: `{key}` is not supported by generate/check (it changes which files or types buf generates); remove it, or use `buf generate`"),
        )),
        None => Ok(()),
    }
}

/// The `includes` / `excludes` of module `i` (workspace-relative directories, which buf requires to lie
/// inside the module's directory), normalized.
fn module_dirs(
    buf_yaml: &Path,
    i: usize,
    key: &str,
    module: &str,
    dirs: &[String],
) -> Result<Vec<String>, ConfigError> {
    dirs.iter()
        .map(|dir| {
            check_relative(buf_yaml, &format!("modules[{i}].{key}"), dir)?;
            let dir = normalize(dir);
            let inside = module == "."
                || dir
                    .strip_prefix(module)
                    .is_some_and(|rest| rest.starts_with('/'));
            if !inside {
                let kind = key.trim_end_matches('s');
                return Err(invalid(
                    buf_yaml,
                    format!("modules[{i}].{key}: {kind} path \"{dir}\" does not reside within module directory \"{module}\""),
                ));
            }
            Ok(dir)
        })
        .collect()
}

fn normalize(path: &str) -> String {
    let trimmed = path.trim_end_matches('/').trim_start_matches("./");
    if trimmed.is_empty() {
        ".".into()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(
        buf_yaml: &str,
        buf_gen_yaml: &str,
    ) -> (tempfile::TempDir, Result<Workspace, String>) {
        let tmp = tempfile::tempdir().expect("tempdir");
        for dir in ["proto/a", "proto/b/c"] {
            std::fs::create_dir_all(tmp.path().join(dir)).expect("mkdir");
            std::fs::write(tmp.path().join(dir).join("x.proto"), "").expect("proto");
        }
        std::fs::write(tmp.path().join("buf.yaml"), buf_yaml).expect("buf.yaml");
        std::fs::write(tmp.path().join("buf.gen.yaml"), buf_gen_yaml).expect("buf.gen.yaml");
        let ws = Workspace::load(&tmp.path().join("buf.gen.yaml")).map_err(|e| e.to_string());
        (tmp, ws)
    }

    const GEN: &str = "version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: gen\n";

    #[test]
    fn module_includes_and_excludes_select_files_as_buf_does() {
        let files = |buf_yaml: &str| {
            let (_tmp, ws) = workspace(buf_yaml, GEN);
            ws.and_then(|ws| ws.files().map_err(|e| e.to_string()))
        };
        assert_eq!(
            files("version: v2\nmodules:\n  - path: proto\n"),
            Ok(vec!["a/x.proto".to_string(), "b/c/x.proto".to_string()])
        );
        assert_eq!(
            files("version: v2\nmodules:\n  - path: proto\n    includes: [proto/b]\n"),
            Ok(vec!["b/c/x.proto".to_string()])
        );
        assert_eq!(
            files("version: v2\nmodules:\n  - path: proto\n    excludes: [proto/b/c]\n"),
            Ok(vec!["a/x.proto".to_string()])
        );
        assert_eq!(
            files("version: v2\nmodules:\n  - path: proto\n    includes: [proto/b]\n    excludes: [proto/b/c]\n"),
            Ok(vec![])
        );
        let err = files("version: v2\nmodules:\n  - path: proto\n    includes: [a]\n")
            .expect_err("outside");
        assert!(err.ends_with("modules[0].includes: include path \"a\" does not reside within module directory \"proto\""), "{err}");
    }

    #[test]
    fn keys_that_change_what_buf_generates_are_refused() {
        let yaml = "version: v2\nmodules:\n  - path: proto\n";
        for (gen, key) in [
            (
                format!("{GEN}    include_imports: true\n"),
                "`include_imports: true`",
            ),
            (format!("{GEN}    types: [a.B]\n"), "`types`"),
            (
                format!("{GEN}    exclude_types: [a.B]\n"),
                "`exclude_types`",
            ),
            (
                format!("version: v2\nclean: true\n{}", &GEN[12..]),
                "`clean: true`",
            ),
        ] {
            let (_tmp, ws) = workspace(yaml, &gen);
            let err = ws.expect_err(key);
            assert!(err.contains(key) && err.contains("not supported"), "{err}");
        }
        let (_tmp, ws) = workspace(yaml, &format!("{GEN}    include_imports: false\n"));
        assert!(ws.is_ok());
    }

    #[test]
    fn plugin_names() {
        assert!(is_this_plugin("protoc-gen-ameide-py"));
        assert!(is_this_plugin("./target/release/protoc-gen-ameide-py"));
        assert!(!is_this_plugin("protoc-gen-ameide-pyx"));
    }
}
