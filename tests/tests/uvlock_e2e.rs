//! uvlock-tool against real uv 0.13.9: every switch must produce the bytes `uv lock` writes from the same
//! inputs, and `uv lock --locked --offline` must accept the result (refusals: `uvlock_refusals.rs`).

use std::fs;

use e2e_tests::uv::{self, assert_same, read, SDK_PYPROJECT};
use e2e_tests::uvlock_case::{
    ok, sdk_variant, stderr, Case, BASE_DEPS, DEV_GROUP, DIRECTORY_SOURCE, EDITABLE_SOURCE,
};

#[test]
fn forward_editable_and_directory_match_uv_and_second_run_is_a_noop() {
    let Some(c) = Case::registry("forward", BASE_DEPS, DEV_GROUP) else {
        return;
    };
    let registry = c.snapshot();
    let want = c.uv_expectation("want-editable", EDITABLE_SOURCE);

    // --check reports drift with a diff and writes nothing.
    let out = c.switch("editable", &["--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("--- a/services/inference/uv.lock\n+++ b/services/inference/uv.lock"),
        "{diff}"
    );
    assert!(
        diff.contains("+source = { editable = \"../../packages/ameide_sdk_python\" }"),
        "{diff}"
    );
    assert!(
        diff.contains("--- a/services/inference/pyproject.toml"),
        "{diff}"
    );
    assert_eq!(c.snapshot(), registry, "--check must not write");
    let out = c.switch("editable", &["--diff"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("+++ b/services/inference/uv.lock"));
    assert_eq!(c.snapshot(), registry, "--diff must not write");

    ok(&c.switch("editable", &[]));
    c.assert_matches_uv(&want, "registry -> editable");

    // A second run changes nothing, and --check passes.
    let before = c.snapshot();
    let out = c.switch("editable", &[]);
    ok(&out);
    assert!(stderr(&out).contains("unchanged"), "{}", stderr(&out));
    assert_eq!(c.snapshot(), before);
    ok(&c.switch("editable", &["--check"]));

    // editable -> directory.
    let want_dir = c.uv_expectation("want-directory", "");
    fs::write(
        want_dir.join("pyproject.toml"),
        read(&want_dir.join("pyproject.toml")).replace(", editable = true }", " }"),
    )
    .expect("edit");
    c.world.lock(&want_dir);
    ok(&c.switch("directory", &[]));
    c.assert_matches_uv(&want_dir, "editable -> directory");
    assert!(read(&c.svc("inference").join("pyproject.toml")).ends_with(DIRECTORY_SOURCE));
}

#[test]
fn reverse_with_reference_lock_matches_uv_and_without_one_is_refused() {
    let Some(c) = Case::registry("reverse", BASE_DEPS, DEV_GROUP) else {
        return;
    };
    let registry = c.snapshot();
    fs::write(c.dir.join("ref.lock"), &registry.1).expect("save reference");
    ok(&c.switch("editable", &[]));
    let editable = c.snapshot();

    let out = c.switch("registry", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error[E011 no-reference]: reverting to the registry needs the registry entry for ameide-sdk-python==2.10.1; pass --from <lock>"),
        "{}",
        stderr(&out)
    );
    assert_eq!(c.snapshot(), editable, "nothing written on refusal");

    ok(&c.switch("registry", &["--from", "ref.lock"]));
    assert_same("reverse: uv.lock", &c.snapshot().1, &registry.1);
    assert_same("reverse: pyproject.toml", &c.snapshot().0, &registry.0);
    uv::run_ok(
        c.world
            .uv(&c.svc("inference"))
            .args(["lock", "--locked", "--offline", "--quiet"]),
    );
}

#[test]
fn reverse_from_a_pruned_lock_re_adds_packages_like_uv() {
    let Some(c) = Case::registry("reverse-pruned", BASE_DEPS, DEV_GROUP) else {
        return;
    };
    let registry = c.snapshot();
    fs::write(c.dir.join("ref.lock"), &registry.1).expect("save reference");
    c.set_sdk(&sdk_variant(
        "    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n",
    ));
    ok(&c.switch("editable", &[]));
    assert!(
        !read(&c.svc("inference").join("uv.lock")).contains("name = \"httpx\""),
        "httpx pruned"
    );
    // uv's answer: the registry pyproject locked offline from the pruned editable lock.
    let want = c.uv_expectation("want", "");
    fs::write(want.join("pyproject.toml"), &registry.0).expect("registry pyproject");
    uv::run_ok(c.world.uv(&want).args(["lock", "--offline", "--quiet"]));
    assert_eq!(
        read(&want.join("uv.lock")),
        registry.1,
        "uv restores the registry lock"
    );
    let out = c.switch("registry", &["--from", "ref.lock"]);
    ok(&out);
    assert!(
        stderr(&out).contains("re-added from ref.lock: httpx"),
        "{}",
        stderr(&out)
    );
    c.assert_matches_uv(&want, "reverse from pruned");
}

#[test]
fn pep508_forms_match_uv() {
    let deps = "    \"fastapi>=0.115\",\n    \"Ameide_SDK.python[grpc] >= 2.10 ; sys_platform == \\\"linux\\\"\",\n";
    let rest = "\n[project.optional-dependencies]\nsdk = [\"ameide-sdk-python==2.10.1; python_version >= '3.12'\"]\n\n[dependency-groups]\ndev = [\"pytest>=8\", \"ameide_sdk_python[grpc]>=2.10\"]\n";
    let Some(c) = Case::registry("pep508", deps, rest) else {
        return;
    };
    // The sources key is matched by normalized name too.
    let want = c.uv_expectation("want", EDITABLE_SOURCE);
    ok(&c.switch("editable", &[]));
    c.assert_matches_uv(&want, "pep508 forms");
}
#[test]
fn sdk_changes_pruning_new_edges_dynamic_version_and_refresh_match_uv() {
    let Some(c) = Case::registry("sdk-changes", BASE_DEPS, DEV_GROUP) else {
        return;
    };
    let registry = c.snapshot();
    let svc = c.svc("inference");
    let variants = [
        ("drop-httpx", sdk_variant("    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n")),
        (
            "add-existing",
            sdk_variant("    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx>=0.27\",\n    \"anyio>=4\",\n    \"idna; sys_platform == 'linux'\",\n    \"h11 ; python_version >= '3.8'\",\n    \"sniffio; python_version < '3.10'\",\n"),
        ),
        (
            "markers",
            // Markers on edges to packages needed everywhere anyway (their wheels stay as they are).
            sdk_variant(
                "    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx>=0.27\",\n    \"anyio; platform_machine == 'x86_64' and sys_platform == 'linux'\",\n    \"idna; platform_system != 'Windows'\",\n    \"h11; implementation_name == 'cpython' and python_version < '3.14'\",\n",
            ),
        ),
        (
            // The SDK's own groups go to requires-dev; extras keep declaration order, names normalized.
            "groups-extras",
            SDK_PYPROJECT.replace(
                "grpc = [\"grpcio-status>=1.60\"]",
                "Zeta_Extra = [\"anyio>=4\"]\ngrpc = [\"grpcio-status>=1.60\"]\nempty = []",
            ) + "\n[dependency-groups]\ntest = [\"pytest>=8\", \"idna\"]\nLint_Tools = []\n",
        ),
        (
            // Marker printing proven against uv: requirements of an extra nobody requests appear only in
            // requires-dist (as `<marker> and extra == 'm'`), so every whitelisted form can be checked here.
            "marker-forms",
            SDK_PYPROJECT.replace(
                "grpc = [\"grpcio-status>=1.60\"]",
                r#"grpc = ["grpcio-status>=1.60"]
m = [
    "m-a ; python_version < '3.13'",
    "m-b ; python_version <= '3.12'",
    "m-c ; python_version > '3.12'",
    "m-d ; python_version >= '3.12'",
    "m-e ; python_version == '3.12'",
    "m-f ; python_version != '3.12'",
    "m-g ; python_full_version >= '3.11.4'",
    "m-h ; python_full_version < '3.13.1'",
    "m-i ; sys_platform == \"darwin\"",
    "m-j ; platform_system == 'Windows'",
    "m-k ; platform_system == 'Linux'",
    "m-l ; platform_system != 'Darwin'",
    "m-m ; os_name == 'nt'",
    "m-n ; platform_machine != 'arm64'",
    "m-o ; implementation_name == 'cpython'",
    "m-p ; platform_python_implementation != 'PyPy'",
    "m-q ; sys_platform == 'linux' and platform_machine == 'x86_64'",
    "m-r ; implementation_name == 'cpython' and python_version < '3.14'",
    "m-s ; platform_system == 'Linux' and python_version >= '3.12' and platform_machine == 'aarch64'",
    "m-t ; os_name != 'nt' and platform_python_implementation == 'CPython'",
    "M_U[Fancy_Extra] >= 1.0 ; python_version > '3.11'",
    "m-v (>=2, <3, !=2.5) ; python_version >= '3.8'",
]"#,
            ),
        ),
        ("dynamic-version", SDK_PYPROJECT.replace("version = \"2.10.1\"", "dynamic = [\"version\"]") + "\n[tool.hatch.version]\npath = \"src/ameide_sdk_python/__init__.py\"\n"),
        (
            // uv builds it (dynamic version): extras in the order hatchling writes them into METADATA.
            "dynamic-version-extras",
            SDK_PYPROJECT
                .replace("version = \"2.10.1\"", "dynamic = [\"version\"]")
                .replace("grpc = [\"grpcio-status>=1.60\"]", "zeta = []\ngrpc = [\"grpcio-status>=1.60\"]\nAlpha = [\"idna\"]")
                + "\n[tool.hatch.version]\npath = \"src/ameide_sdk_python/__init__.py\"\n",
        ),
        (
            // The SDK's own sources apply to its dependency groups (recorded, not resolved); include-group is
            // flattened; legacy dev-dependencies join `dev`.
            "own-sources-groups",
            SDK_PYPROJECT.to_string()
                + r#"
[dependency-groups]
dev = ["strict-no-cover", "pytest>=8", { include-group = "lint" }]
lint = ["ruff>=0.5", "mypy-protobuf"]
docs = ["pydantic-docs", "tool-at-tag"]

[tool.uv]
dev-dependencies = ["coverage>=7"]

[tool.uv.sources]
strict-no-cover = { git = "https://github.com/pydantic/strict-no-cover" }
pydantic-docs = { git = "https://github.com/pydantic/pydantic-docs/", branch = "main" }
tool-at-tag = { git = "https://github.com/example/tools", tag = "v1.2", subdirectory = "py/tool" }
mypy-protobuf = { url = "https://files.pythonhosted.org/packages/x/mypy_protobuf-3.6.0-py3-none-any.whl" }
"#,
        ),
        (
            // One package in several extras and groups, with markers: requires-dist in uv's marker-tree order.
            "same-package-many-places",
            SDK_PYPROJECT.replace(
                "grpc = [\"grpcio-status>=1.60\"]",
                r#"grpc = ["grpcio-status>=1.60", "idna; sys_platform == 'linux'"]
a = ["anyio>=4", "idna; python_version >= '3.12'", "idna[x] ; os_name == 'nt'"]
b = ["anyio>=4", "idna", "idna; platform_machine != 'arm64' and python_version < '3.13'"]"#,
            ) + "\n[dependency-groups]\ntest = [\"idna; sys_platform != 'win32'\", \"idna; python_version < '3.13'\", \"anyio\"]\nother = [\"anyio>=4\"]\n",
        ),
    ];
    for (name, sdk) in &variants {
        // Forward from the registry lock with the changed SDK.
        fs::write(svc.join("pyproject.toml"), &registry.0).expect("reset");
        fs::write(svc.join("uv.lock"), &registry.1).expect("reset");
        c.set_sdk(sdk);
        let want = c.uv_expectation(&format!("want-{name}"), EDITABLE_SOURCE);
        ok(&c.switch("editable", &[]));
        c.assert_matches_uv(&want, name);
    }
    // Refresh: an editable lock made with one SDK, brought up to date after the SDK's dependencies change.
    c.set_sdk(SDK_PYPROJECT);
    fs::write(svc.join("pyproject.toml"), &registry.0).expect("reset");
    fs::write(svc.join("uv.lock"), &registry.1).expect("reset");
    ok(&c.switch("editable", &[]));
    let base_editable = c.snapshot();
    for (name, sdk) in &variants {
        // Each refresh starts from the editable lock of the original SDK.
        fs::write(svc.join("pyproject.toml"), &base_editable.0).expect("reset");
        fs::write(svc.join("uv.lock"), &base_editable.1).expect("reset");
        c.set_sdk(sdk);
        let out = c.switch("editable", &["--check"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: the stale lock must be reported"
        );
        let want = c.uv_expectation(&format!("refresh-{name}"), "");
        ok(&c.switch("editable", &[]));
        c.assert_matches_uv(&want, &format!("refresh {name}"));
    }
}
#[test]
fn several_services_in_one_call_each_reported() {
    let Some(c) = Case::registry("multi", BASE_DEPS, DEV_GROUP) else {
        return;
    };
    let want = c.uv_expectation("want", EDITABLE_SOURCE);
    let reg = c.snapshot();
    for s in ["alpha", "beta"] {
        let d = c.svc(s);
        uv::copy_tree(&c.svc("inference"), &d);
        fs::write(d.join("pyproject.toml"), &reg.0).expect("reset");
        fs::write(d.join("uv.lock"), &reg.1).expect("reset");
    }
    let _ = fs::remove_dir_all(want.join(".venv"));
    // --check over a glob: every stale service is reported; `want` is already up to date.
    let out = c.switch("editable", &["--check", "services/*"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for s in ["services/alpha", "services/beta", "services/inference"] {
        assert!(
            err.contains(&format!(
                "error: {s}: uv.lock/pyproject.toml are out of date"
            )),
            "{err}"
        );
    }
    assert!(err.contains("services/want: up to date"), "{err}");
    let out = c.switch(
        "editable",
        &["services/alpha", "services/beta", "services/inference"],
    );
    ok(&out);
    for s in ["alpha", "beta", "inference"] {
        assert!(
            stderr(&out).contains(&format!("services/{s}: switched to editable")),
            "{}",
            stderr(&out)
        );
        assert_same(
            s,
            &read(&c.svc(s).join("uv.lock")),
            &read(&want.join("uv.lock")),
        );
    }
}
