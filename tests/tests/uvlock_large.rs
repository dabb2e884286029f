//! A large service lock (100+ packages from PyPI, resolved by real uv at test time): uvlock-tool's switch must
//! equal `uv lock`'s bytes, and its wall time is measured next to `uv lock --offline` on the same inputs.
//! The timings go to stderr and to `target/uvlock-bench.txt` (see bench/uvlock.sh and BENCHMARKS.md).

use std::fs;
use std::time::{Duration, Instant};

use e2e_tests::provision;
use e2e_tests::uv::{
    self, assert_same, read, run_ok, run_tool, service_pyproject, World, SDK_PYPROJECT,
};

const DEPS: &str = r#"    "ameide-sdk-python==2.10.1",
    "fastapi[standard]>=0.115",
    "uvicorn[standard]>=0.30",
    "sqlalchemy[asyncio]>=2",
    "asyncpg>=0.29",
    "psycopg[binary]>=3.2",
    "grpcio-tools>=1.60",
    "opentelemetry-sdk>=1.26",
    "opentelemetry-exporter-otlp>=1.26",
    "opentelemetry-instrumentation-fastapi>=0.47b0",
    "boto3>=1.34",
    "google-cloud-storage>=2.16",
    "redis>=5",
    "celery>=5.4",
    "pandas>=2.2",
    "pydantic-settings>=2.3",
    "structlog>=24",
    "tenacity>=8",
"#;

const GROUPS: &str = "\n[dependency-groups]\ndev = [\"pytest>=8\", \"pytest-asyncio>=0.23\", \"mypy>=1.10\", \"ruff>=0.5\"]\n";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
fn large_lock_switch_matches_uv_and_is_timed() {
    let Some(world) = World::get() else { return };
    let dir = world.case("large");
    uv::write_sdk(&dir.join("packages/ameide_sdk_python"), SDK_PYPROJECT);
    let svc = dir.join("services/inference");
    uv::write_service(&svc, &service_pyproject(&world.index_url, DEPS, GROUPS));
    world.lock(&svc);
    let registry_py = read(&svc.join("pyproject.toml"));
    let registry_lock = read(&svc.join("uv.lock"));
    let packages = registry_lock.matches("\n[[package]]\n").count();
    assert!(
        packages >= 100,
        "the large lock has only {packages} packages"
    );

    // uv's answer: the editable pyproject locked from the registry lock.
    let want = dir.join("services/want");
    uv::copy_tree(&svc, &want);
    let editable_py = registry_py.clone()
        + "\n[tool.uv.sources]\nameide-sdk-python = { path = \"../../packages/ameide_sdk_python\", editable = true }\n";
    fs::write(want.join("pyproject.toml"), &editable_py).expect("write");
    world.lock(&want);
    let want_lock = read(&want.join("uv.lock"));

    let args = [
        "switch",
        "--to",
        "editable",
        "--package",
        "ameide-sdk-python",
        "--path",
        "packages/ameide_sdk_python",
        "services/inference",
    ];
    let out = run_tool(&dir, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same("large: uv.lock", &read(&svc.join("uv.lock")), &want_lock);
    let ours = read(&svc.join("uv.lock"));
    assert_same(
        "large: pyproject.toml",
        &read(&svc.join("pyproject.toml")),
        &editable_py,
    );
    run_ok(
        world
            .uv(&svc)
            .args(["lock", "--locked", "--offline", "--quiet"]),
    );

    // Steady state: a lock uv has re-locked once (its fork markers sorted the way uv re-sorts them) must also give
    // byte-identical results in both directions.
    let reg2 = dir.join("services/reg2");
    uv::copy_tree(&want, &reg2);
    fs::write(reg2.join("pyproject.toml"), &registry_py).expect("write");
    run_ok(world.uv(&reg2).args(["lock", "--offline", "--quiet"]));
    let reg2_lock = read(&reg2.join("uv.lock"));
    fs::write(dir.join("registry.lock"), &registry_lock).expect("save reference");
    let back = dir.join("services/back");
    uv::copy_tree(&want, &back);
    let out = run_tool(
        &dir,
        &[
            "switch",
            "--to",
            "registry",
            "--package",
            "ameide-sdk-python",
            "--path",
            "packages/ameide_sdk_python",
            "--from",
            "registry.lock",
            "services/back",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same(
        "large, reverse (steady state): uv.lock",
        &read(&back.join("uv.lock")),
        &reg2_lock,
    );
    assert_same(
        "large, reverse (steady state): pyproject.toml",
        &read(&back.join("pyproject.toml")),
        &registry_py,
    );
    let fwd = dir.join("services/fwd");
    uv::copy_tree(&reg2, &fwd);
    let out = run_tool(
        &dir,
        &[
            "switch",
            "--to",
            "editable",
            "--package",
            "ameide-sdk-python",
            "--path",
            "packages/ameide_sdk_python",
            "services/fwd",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same(
        "large, forward (steady state): uv.lock",
        &read(&fwd.join("uv.lock")),
        &want_lock,
    );

    // Timing, same inputs for both: registry lock + switch, versus registry lock + editable pyproject + uv lock --offline.
    let runs = 7;
    let mut tool_times = Vec::new();
    let mut uv_times = Vec::new();
    for _ in 0..runs {
        fs::write(svc.join("pyproject.toml"), &registry_py).expect("reset");
        fs::write(svc.join("uv.lock"), &registry_lock).expect("reset");
        let t = Instant::now();
        let out = run_tool(&dir, &args);
        tool_times.push(t.elapsed());
        assert!(out.status.success());
        assert_eq!(read(&svc.join("uv.lock")), ours);

        fs::write(svc.join("pyproject.toml"), &editable_py).expect("reset");
        fs::write(svc.join("uv.lock"), &registry_lock).expect("reset");
        let mut cmd = world.uv(&svc);
        cmd.args(["lock", "--offline", "--quiet"]);
        let t = Instant::now();
        run_ok(&mut cmd);
        uv_times.push(t.elapsed());
        assert_eq!(read(&svc.join("uv.lock")), want_lock);
    }
    let (tool, uvt) = (median(tool_times), median(uv_times));
    let report = format!(
        "large lock: {packages} packages, {} bytes\nuvlock-tool switch (release binary, incl. process start): median {:.1} ms over {runs} runs\nuv 0.13.9 lock --offline (warm cache), same inputs: median {:.1} ms over {runs} runs\nratio: {:.1}x\n",
        registry_lock.len(),
        tool.as_secs_f64() * 1000.0,
        uvt.as_secs_f64() * 1000.0,
        uvt.as_secs_f64() / tool.as_secs_f64()
    );
    eprint!("{report}");
    let _ = fs::write(provision::target_dir().join("uvlock-bench.txt"), &report);
}
