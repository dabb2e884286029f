//! uvlock-tool's refusals against real uv 0.13.9: where only uv's resolver could know the result (a new
//! package, a changed edge uv may resolve differently, a constraint on the SDK's requirements), the switch exits
//! 2 naming the reason and leaves the files untouched.

use std::fs;

use e2e_tests::uv::{read, SDK_PYPROJECT};
use e2e_tests::uvlock_case::{
    ok, sdk_variant, stderr, Case, BASE_DEPS, DEV_GROUP, EDITABLE_SOURCE,
};

/// Runs a refusal and checks code, message, exit 2 and untouched files.
fn assert_refused(c: &Case, sdk: &str, code: &str, message: &str) {
    c.set_sdk(sdk);
    let before = c.snapshot();
    let out = c.switch("editable", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{code}: {err}");
    assert!(err.contains(&format!("error[{code}]")), "{code}: {err}");
    assert!(
        err.contains(message),
        "{code}: expected `{message}` in:\n{err}"
    );
    assert!(err.contains("hint: run `uv lock`"), "{err}");
    assert_eq!(c.snapshot(), before, "{code}: files must be untouched");
    let leftovers: Vec<_> = fs::read_dir(c.svc("inference"))
        .expect("ls")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".uvlock-tool"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left behind");
}

#[test]
fn refusals_exit_2_and_write_nothing() {
    let Some(c) = Case::registry("refusals", BASE_DEPS, DEV_GROUP) else {
        return;
    };
    let base = "    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx>=0.27\",\n";
    assert_refused(
        &c,
        &sdk_variant(&format!("{base}    \"pyyaml>=6\",\n")),
        "E001 new-package",
        "requires `pyyaml>=6`, which is not in uv.lock",
    );
    assert_refused(
        &c,
        &sdk_variant(&format!("{base}    \"anyio>=999\",\n")),
        "E002 version-conflict",
        "requires `anyio>=999`, but uv.lock pins anyio",
    );
    assert_refused(
        &c,
        &sdk_variant(
            "    \"grpcio>=1.60\",\n    \"protobuf>=4.25,<7\",\n    \"httpx[http2]>=0.27\",\n",
        ),
        "E004 missing-extra",
        "uv.lock has no `http2` extra for httpx",
    );
    assert_refused(
        &c,
        &SDK_PYPROJECT.replace(
            "version = \"2.10.1\"",
            "version = \"2.10.1\"\ndynamic = [\"dependencies\"]",
        ),
        "E005 dynamic-metadata",
        "declares `dependencies` as dynamic",
    );
    assert_refused(
        &c,
        &SDK_PYPROJECT.replace(
            "requires-python = \">=3.11\"",
            "requires-python = \">=3.12\"",
        ),
        "E006 requires-python",
        "requires Python `>=3.12`, but the lock targets `>=3.11`",
    );
    assert_refused(
        &c,
        &sdk_variant(&format!(
            "{base}    \"idna; sys_platform == 'linux' or sys_platform == 'darwin'\",\n"
        )),
        "E009 marker",
        "cannot canonicalize marker `sys_platform == 'linux' or sys_platform == 'darwin'`",
    );
    // grpcio is needed only through the SDK: a marker on that edge makes uv re-filter grpcio's wheels.
    assert_refused(
        &c,
        &sdk_variant("    \"grpcio>=1.60; platform_system != 'Windows'\",\n    \"protobuf>=4.25,<7\",\n    \"httpx>=0.27\",\n"),
        "E009 marker",
        "the environments in which `grpcio` is needed change",
    );
    assert_refused(
        &c,
        &(SDK_PYPROJECT.to_string() + "\n[tool.uv.sources]\nhttpx = { path = \"../httpx\" }\n"),
        "E010 nested-source",
        "maps `httpx` to another source",
    );

    // A newer lock revision and an unknown schema version are refused.
    c.set_sdk(SDK_PYPROJECT);
    let svc = c.svc("inference");
    let lock = read(&svc.join("uv.lock"));
    for (edited, msg) in [
        (
            lock.replace("revision = 5", "revision = 6"),
            "has revision 6; this uvlock-tool writes revision 5 (uv 0.13.9)",
        ),
        (
            lock.replace("version = 1\n", "version = 2\n"),
            "uses lock schema version 2",
        ),
    ] {
        fs::write(svc.join("uv.lock"), &edited).expect("edit lock");
        let out = c.switch("editable", &[]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("error[E012 lock-format]") && stderr(&out).contains(msg),
            "{}",
            stderr(&out)
        );
        assert_eq!(read(&svc.join("uv.lock")), edited);
    }
    fs::write(svc.join("uv.lock"), &lock).expect("restore");

    // An absolute path in the service's source is refused.
    let py = read(&svc.join("pyproject.toml"));
    let abs = format!(
        "{py}\n[tool.uv.sources]\nameide-sdk-python = {{ path = \"{}\", editable = true }}\n",
        c.dir.join("packages/ameide_sdk_python").display()
    );
    fs::write(svc.join("pyproject.toml"), &abs).expect("abs");
    let out = c.switch("editable", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error[E014 absolute-path]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&svc.join("pyproject.toml")), abs);
    fs::write(svc.join("pyproject.toml"), &py).expect("restore");

    // Broken TOML: file:line:col, exit 3.
    fs::write(
        svc.join("pyproject.toml"),
        py.replace("name = \"inference\"", "name = \"inference"),
    )
    .expect("break");
    let out = c.switch("editable", &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("error[E102 toml]: services/inference/pyproject.toml:2:"),
        "{}",
        stderr(&out)
    );
    fs::write(svc.join("pyproject.toml"), &py).expect("restore");
}
#[test]
fn constraints_in_the_manifest_are_kept_and_constraints_on_the_sdk_refused() {
    let rest = "\n[tool.uv]\nconstraint-dependencies = [\"starlette<2\", \"anyio>=4\"]\nbuild-constraint-dependencies = [\"hatchling>=1\"]\n";
    let Some(c) = Case::registry("manifest", BASE_DEPS, &(DEV_GROUP.to_string() + rest)) else {
        return;
    };
    assert!(read(&c.svc("inference").join("uv.lock")).contains("\n[manifest]\nconstraints = ["));
    let registry = c.snapshot();
    fs::write(c.dir.join("ref.lock"), &registry.1).expect("save reference");
    let want = c.uv_expectation("want", EDITABLE_SOURCE);
    ok(&c.switch("editable", &[]));
    c.assert_matches_uv(&want, "manifest constraints");
    ok(&c.switch("registry", &["--from", "ref.lock"]));
    assert_eq!(c.snapshot(), registry, "reverse restores the registry pair");
    // A constraint on one of the SDK's requirements: uv may resolve it differently, so it is refused.
    let svc = c.svc("inference");
    let py = read(&svc.join("pyproject.toml")).replace("\"anyio>=4\"", "\"httpx>=0.27\"");
    fs::write(svc.join("pyproject.toml"), &py).expect("edit");
    c.world.lock(&svc);
    let before = c.snapshot();
    let out = c.switch("editable", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("constrains, overrides or excludes `httpx`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(c.snapshot(), before);
}
