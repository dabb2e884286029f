//! The keys buf 1.75.0 defines in v2 `buf.gen.yaml` and `buf.yaml`, per level. buf rejects any other key (its
//! YAML decoding is strict), so these tools do too, with a did-you-mean: a misspelt key (`opts:` for `opt:`)
//! must not silently drop what it was meant to set. Keys buf defines but generation does not read stay
//! allowed. The lists were read off buf 1.75.0 itself (each key accepted, every other name refused).
//! Levels below keys these tools never read (`lint`, `breaking`, buf.yaml `plugins`/`policies`) are left to
//! buf.

use std::path::Path;

use serde_yaml::Value;

use super::{invalid, ConfigError};

const GEN_TOP: &[&str] = &["version", "clean", "managed", "plugins", "inputs"];
const GEN_PLUGIN: &[&str] = &[
    "remote",
    "revision",
    "local",
    "protoc_builtin",
    "protoc_path",
    "out",
    "opt",
    "include_imports",
    "include_wkt",
    "strategy",
    "types",
    "exclude_types",
];
const GEN_MANAGED: &[&str] = &["enabled", "disable", "override"];
const GEN_MANAGED_DISABLE: &[&str] = &["path", "file_option", "field_option", "module", "field"];
const GEN_MANAGED_OVERRIDE: &[&str] = &[
    "path",
    "file_option",
    "field_option",
    "module",
    "field",
    "value",
];
const GEN_INPUT: &[&str] = &[
    "types",
    "exclude_types",
    "module",
    "directory",
    "proto_file",
    "tarball",
    "zip_archive",
    "binary_image",
    "json_image",
    "text_image",
    "yaml_image",
    "git_repo",
    "paths",
    "exclude_paths",
    "compression",
    "strip_components",
    "subdir",
    "branch",
    "commit",
    "tag",
    "ref",
    "depth",
    "recurse_submodules",
    "include_package_files",
];
const YAML_TOP: &[&str] = &[
    "version", "name", "modules", "deps", "lint", "breaking", "plugins", "policies",
];
const YAML_MODULE: &[&str] = &["path", "name", "excludes", "includes", "lint", "breaking"];

/// Checks every key of a v2 `buf.gen.yaml`.
pub fn check_buf_gen_yaml(file: &Path, text: &str, doc: &Value) -> Result<(), ConfigError> {
    check_level(file, text, doc, "", GEN_TOP)?;
    for (i, plugin) in items(doc, "plugins") {
        check_level(file, text, plugin, &format!("plugins[{i}]"), GEN_PLUGIN)?;
    }
    if let Some(managed) = doc.get("managed") {
        check_level(file, text, managed, "managed", GEN_MANAGED)?;
        for (i, rule) in items(managed, "disable") {
            let level = format!("managed.disable[{i}]");
            check_level(file, text, rule, &level, GEN_MANAGED_DISABLE)?;
        }
        for (i, rule) in items(managed, "override") {
            let level = format!("managed.override[{i}]");
            check_level(file, text, rule, &level, GEN_MANAGED_OVERRIDE)?;
        }
    }
    for (i, input) in items(doc, "inputs") {
        check_level(file, text, input, &format!("inputs[{i}]"), GEN_INPUT)?;
    }
    Ok(())
}

/// Checks the keys of a v2 `buf.yaml` that these tools read or that sit beside them.
pub fn check_buf_yaml(file: &Path, text: &str, doc: &Value) -> Result<(), ConfigError> {
    check_level(file, text, doc, "", YAML_TOP)?;
    for (i, module) in items(doc, "modules") {
        check_level(file, text, module, &format!("modules[{i}]"), YAML_MODULE)?;
    }
    Ok(())
}

/// The entries of the list `key` of a mapping (none if it is absent or not a list).
fn items<'a>(doc: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    doc.get(key)
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .enumerate()
}

fn check_level(
    file: &Path,
    text: &str,
    value: &Value,
    level: &str,
    allowed: &[&str],
) -> Result<(), ConfigError> {
    let Some(mapping) = value.as_mapping() else {
        return Ok(());
    };
    for key in mapping.keys() {
        let name = match key {
            Value::String(name) => name.as_str(),
            _ => return Err(invalid(file, format!("{level}: keys must be strings"))),
        };
        if allowed.contains(&name) {
            continue;
        }
        let place = match level {
            "" => String::new(),
            level => format!(" in {level}"),
        };
        let line = key_line(text, name).map_or_else(String::new, |l| format!("line {l}: "));
        let hint = did_you_mean(name, allowed)
            .map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
        return Err(invalid(
            file,
            format!(
                "{line}unknown key `{name}`{place}{hint}; buf accepts: {}",
                allowed.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The 1-based line of the first `key:` in the YAML text (a block mapping key, possibly after `- `).
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches("- ").trim_start();
            let unquoted = line.trim_start_matches(['"', '\'']);
            unquoted
                .strip_prefix(key)
                .map(|rest| rest.trim_start_matches(['"', '\'']))
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// The allowed key closest to `name`, if it is close enough to be a misspelling of it.
fn did_you_mean<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 4))
        .min()
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen(text: &str) -> Result<(), String> {
        let doc: Value = serde_yaml::from_str(text).expect("yaml");
        check_buf_gen_yaml(Path::new("buf.gen.yaml"), text, &doc).map_err(|e| e.to_string())
    }

    #[test]
    fn a_misspelt_key_is_an_error_with_its_line_and_a_suggestion() {
        let err = gen("version: v2\nplugins:\n  - local: protoc-gen-ameide-py\n    out: gen\n    opts: [prefix=a:b]\n")
            .expect_err("opts");
        assert!(
            err.starts_with("buf.gen.yaml: line 5: unknown key `opts` in plugins[0] (did you mean `opt`?); buf accepts: remote, "),
            "{err}"
        );
        let err = gen("version: v2\nplugin:\n  - local: x\n").expect_err("plugin");
        assert!(
            err.contains("unknown key `plugin` (did you mean `plugins`?)"),
            "{err}"
        );
        let err = gen("version: v2\nmanaged:\n  enable: true\n").expect_err("enable");
        assert!(
            err.contains("in managed (did you mean `enabled`?)"),
            "{err}"
        );
        let err = gen("version: v2\nwhatever: 1\n").expect_err("far");
        assert!(err.contains("unknown key `whatever`; buf accepts"), "{err}");
    }

    #[test]
    fn every_key_buf_defines_is_accepted() {
        assert_eq!(
            gen("version: v2\nclean: true\nmanaged:\n  enabled: false\n  disable:\n    - file_option: go_package\n  override:\n    - file_option: java_package\n      value: x\ninputs:\n  - directory: proto\nplugins:\n  - local: x\n    out: gen\n    opt: a\n    include_imports: false\n    include_wkt: false\n    strategy: all\n    types: [a.B]\n    exclude_types: [a.C]\n  - remote: buf.build/x/y\n    revision: 1\n    out: gen\n  - protoc_builtin: python\n    protoc_path: protoc\n    out: gen\n"),
            Ok(())
        );
        let text = "version: v2\nname: buf.build/a/b\ndeps: []\nlint: {}\nbreaking: {}\nplugins: []\npolicies: []\nmodules:\n  - path: proto\n    name: buf.build/a/c\n    excludes: [proto/x]\n    includes: [proto/y]\n    lint: {}\n    breaking: {}\n";
        let doc: Value = serde_yaml::from_str(text).expect("yaml");
        assert!(check_buf_yaml(Path::new("buf.yaml"), text, &doc).is_ok());
        let text = "version: v2\nmodules:\n  - path: proto\n    exclude: [proto/x]\n";
        let doc: Value = serde_yaml::from_str(text).expect("yaml");
        let err = check_buf_yaml(Path::new("buf.yaml"), text, &doc)
            .expect_err("exclude")
            .to_string();
        assert!(
            err.starts_with(
                "buf.yaml: line 4: unknown key `exclude` in modules[0] (did you mean `excludes`?)"
            ),
            "{err}"
        );
    }
}
