//! The pure plan against the uv-made fixtures: each switch must reproduce uv 0.13.9's bytes.

use std::path::{Path, PathBuf};

use uvlock_tool::error::Refusal;
use uvlock_tool::plan::{plan, Inputs, Plan, Target};

const SDK: &str = "../../packages/ameide_sdk_python";

fn fx(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(fx(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

struct Case {
    pyproject: String,
    lock: String,
    sdk: String,
    reference: Option<String>,
}

impl Case {
    fn small(form: &str, sdk_form: &str) -> Case {
        Case {
            pyproject: read(&format!("small/{form}/services/inference/pyproject.toml")),
            lock: read(&format!("small/{form}/services/inference/uv.lock")),
            sdk: read(&format!(
                "small/{sdk_form}/packages/ameide_sdk_python/pyproject.toml"
            )),
            reference: None,
        }
    }
    fn run(&self, target: Target) -> Result<Plan, uvlock_tool::error::Error> {
        plan(&Inputs {
            service: "services/inference",
            pyproject: &self.pyproject,
            lock: &self.lock,
            name: "ameide-sdk-python",
            target,
            local: ("packages/ameide_sdk_python/pyproject.toml", &self.sdk),
            rel_path: SDK,
            reference: self.reference.as_deref().map(|r| ("ref.lock", r)),
        })
    }
}

fn assert_same(what: &str, got: &str, want: &str) {
    if got != want {
        let diff = similar::TextDiff::from_lines(want, got)
            .unified_diff()
            .header("want", "got")
            .to_string();
        panic!("{what} differs from uv's:\n{diff}");
    }
}

/// The planned lock is the one uv wrote in the fixture monorepo `fixture` (e.g. `small/editable`).
fn assert_lock_is(p: &Plan, fixture: &str) {
    let want = read(&format!("{fixture}/services/inference/uv.lock"));
    assert_same("lock", &p.lock, &want);
}

/// The planned pyproject is the one in the fixture monorepo `fixture`.
fn assert_pyproject_is(p: &Plan, fixture: &str) {
    let want = read(&format!("{fixture}/services/inference/pyproject.toml"));
    assert_same("pyproject", &p.pyproject, &want);
}

#[test]
fn registry_to_editable_matches_uv() {
    let p = Case::small("registry", "editable")
        .run(Target::Editable)
        .expect("switch");
    assert_lock_is(&p, "small/editable");
    assert_pyproject_is(&p, "small/editable");
}

#[test]
fn registry_to_directory_matches_uv() {
    let p = Case::small("registry", "directory")
        .run(Target::Directory)
        .expect("switch");
    assert_lock_is(&p, "small/directory");
    assert_pyproject_is(&p, "small/directory");
}

#[test]
fn editable_to_directory_matches_uv() {
    let p = Case::small("editable", "directory")
        .run(Target::Directory)
        .expect("switch");
    assert_lock_is(&p, "small/directory");
}

#[test]
fn explicit_index_registry_to_editable_matches_uv() {
    let p = Case::small("registry-explicit-index", "editable")
        .run(Target::Editable)
        .expect("switch");
    assert_lock_is(&p, "small/editable");
    assert!(p.pyproject.contains(
        "ameide-sdk-python = { path = \"../../packages/ameide_sdk_python\", editable = true }"
    ));
    assert!(
        p.pyproject.contains("explicit = true"),
        "the index definition is kept"
    );
}

#[test]
fn refresh_dynamic_version_matches_uv() {
    let p = Case::small("editable", "editable-dynamic-version")
        .run(Target::Editable)
        .expect("refresh");
    assert_lock_is(&p, "small/editable-dynamic-version");
}

#[test]
fn refresh_local_version_matches_uv() {
    let p = Case::small("editable", "editable-local-version-0.0.0")
        .run(Target::Editable)
        .expect("refresh");
    assert_lock_is(&p, "small/editable-local-version-0.0.0");
}

#[test]
fn second_run_changes_nothing() {
    let c = Case::small("editable", "editable");
    let p = c.run(Target::Editable).expect("noop");
    assert_eq!(p.lock, c.lock);
    assert_eq!(p.pyproject, c.pyproject);
}

#[test]
fn pep508_forms_match_uv() {
    for form in ["extras", "norm", "groups"] {
        let c = Case {
            pyproject: read(&format!("pep508/{form}/registry.pyproject.toml")),
            lock: read(&format!("pep508/{form}/registry.uv.lock")),
            sdk: read("small/editable/packages/ameide_sdk_python/pyproject.toml"),
            reference: None,
        };
        let p = c
            .run(Target::Editable)
            .unwrap_or_else(|e| panic!("{form}: {e}"));
        assert_same(
            form,
            &p.lock,
            &read(&format!("pep508/{form}/editable.uv.lock")),
        );
        assert_same(
            form,
            &p.pyproject,
            &read(&format!("pep508/{form}/editable.pyproject.toml")),
        );
    }
}

#[test]
fn reverse_with_reference_lock_matches_uv() {
    let mut c = Case::small("editable", "editable");
    c.reference = Some(read("small/registry/services/inference/uv.lock"));
    let p = c.run(Target::Registry).expect("reverse");
    assert_lock_is(&p, "small/registry");
    assert_pyproject_is(&p, "small/registry");
}

#[test]
fn reverse_without_reference_is_refused() {
    let err = Case::small("editable", "editable")
        .run(Target::Registry)
        .expect_err("needs --from");
    assert_eq!(err.refusal(), Some(Refusal::NoReference));
    assert!(err.to_string().contains("error[E011 no-reference]: reverting to the registry needs the registry entry for ameide-sdk-python==2.10.1; pass --from"), "{err}");
    assert!(err.to_string().contains("hint: pass --from"), "{err}");
}

#[test]
fn marker_corpus_is_refused_not_guessed() {
    let c = Case {
        pyproject: read("small/registry/services/inference/pyproject.toml"),
        lock: read("small/registry/services/inference/uv.lock"),
        sdk: read("marker-corpus/sdk.pyproject.toml"),
        reference: None,
    };
    let err = c
        .run(Target::Editable)
        .expect_err("corpus has markers outside the subset");
    assert_eq!(err.refusal(), Some(Refusal::Marker), "{err}");
}

fn sdk_with(deps: &str) -> String {
    read("small/editable/packages/ameide_sdk_python/pyproject.toml").replace(
        "    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx>=0.27\",\n",
        deps,
    )
}

fn refusal(sdk: String) -> uvlock_tool::error::Error {
    let mut c = Case::small("registry", "editable");
    c.sdk = sdk;
    c.run(Target::Editable).expect_err("refused")
}

#[test]
fn refusals_name_the_problem() {
    let e = refusal(sdk_with("    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx>=0.27\",\n    \"pyyaml>=6\",\n"));
    assert_eq!(e.refusal(), Some(Refusal::NewPackage));
    assert!(
        e.to_string()
            .contains("requires `pyyaml>=6`, which is not in uv.lock"),
        "{e}"
    );

    let e = refusal(sdk_with(
        "    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<6\",\n    \"httpx>=0.27\",\n",
    ));
    assert_eq!(e.refusal(), Some(Refusal::VersionConflict));
    assert!(
        e.to_string()
            .contains("requires `protobuf>=4.25,<6`, but uv.lock pins protobuf"),
        "{e}"
    );

    let e = refusal(sdk_with(
        "    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx[http2]>=0.27\",\n",
    ));
    assert_eq!(e.refusal(), Some(Refusal::MissingExtra));

    let e = refusal(sdk_with("    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx>=0.27; sys_platform == 'linux' or sys_platform == 'darwin'\",\n"));
    assert_eq!(e.refusal(), Some(Refusal::Marker));

    let sdk = read("small/editable/packages/ameide_sdk_python/pyproject.toml").replace(
        "requires-python = \">=3.11\"",
        "requires-python = \">=3.12\"",
    );
    let e = refusal(sdk);
    assert_eq!(e.refusal(), Some(Refusal::RequiresPython));
    assert!(
        e.to_string()
            .contains("requires Python `>=3.12`, but the lock targets `>=3.11`"),
        "{e}"
    );

    let sdk = read("small/editable/packages/ameide_sdk_python/pyproject.toml").replace(
        "version = \"2.10.1\"",
        "version = \"2.10.1\"\ndynamic = [\"dependencies\"]",
    );
    let e = refusal(sdk);
    assert_eq!(e.refusal(), Some(Refusal::DynamicMetadata));

    let sdk = read("small/editable/packages/ameide_sdk_python/pyproject.toml")
        + "\n[tool.uv.sources]\nhttpx = { path = \"../httpx\" }\n";
    let e = refusal(sdk);
    assert_eq!(e.refusal(), Some(Refusal::NestedSource));
}

#[test]
fn pruning_and_new_edges_to_locked_packages() {
    // Dropping httpx prunes certifi/httpcore/httpx (h11, idna, anyio stay: starlette/uvicorn reach them).
    let mut c = Case::small("registry", "editable");
    c.sdk = sdk_with("    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n");
    let p = c.run(Target::Editable).expect("drop");
    for gone in [
        "name = \"certifi\"",
        "name = \"httpcore\"",
        "name = \"httpx\"",
    ] {
        assert!(!p.lock.contains(gone), "{gone} should be pruned");
    }
    for kept in ["name = \"anyio\"", "name = \"idna\"", "name = \"h11\""] {
        assert!(p.lock.contains(kept), "{kept} should stay");
    }
    // Adding edges to packages already locked (the SDK gains requirements the lock already holds).
    c.sdk = sdk_with("    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx>=0.27\",\n    \"anyio>=4\",\n    \"idna; sys_platform == 'linux'\",\n");
    let p = c.run(Target::Editable).expect("add");
    assert!(p.lock.contains("dependencies = [\n    { name = \"anyio\" },\n    { name = \"grpcio\" },\n    { name = \"httpx\" },\n    { name = \"idna\", marker = \"sys_platform == 'linux'\" },\n    { name = \"protobuf\" },\n]"), "{}", p.lock);
}

#[test]
fn reverse_restores_an_explicit_index_source() {
    let explicit_py = read("small/registry-explicit-index/services/inference/pyproject.toml");
    let c = Case {
        pyproject: explicit_py.replace(
            "ameide-sdk-python = { index = \"ameide\" }",
            "ameide-sdk-python = { path = \"../../packages/ameide_sdk_python\", editable = true }",
        ),
        lock: read("small/editable/services/inference/uv.lock"),
        sdk: read("small/editable/packages/ameide_sdk_python/pyproject.toml"),
        reference: Some(read(
            "small/registry-explicit-index/services/inference/uv.lock",
        )),
    };
    let p = c.run(Target::Registry).expect("reverse");
    assert_lock_is(&p, "small/registry-explicit-index");
    assert_same("pyproject", &p.pyproject, &explicit_py);
}

#[test]
fn reverse_re_adds_pruned_packages_from_the_reference() {
    // Forward with an SDK that dropped httpx prunes certifi/httpcore/httpx; reverse brings them back.
    let mut c = Case::small("registry", "editable");
    c.sdk = sdk_with("    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n");
    let pruned = c.run(Target::Editable).expect("drop");
    let back = Case {
        pyproject: pruned.pyproject,
        lock: pruned.lock,
        sdk: c.sdk.clone(),
        reference: Some(read("small/registry/services/inference/uv.lock")),
    };
    let p = back.run(Target::Registry).expect("reverse");
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("re-added from ref.lock: httpx")),
        "{:?}",
        p.notes
    );
    assert_lock_is(&p, "small/registry");
    assert_pyproject_is(&p, "small/registry");
}
