#!/usr/bin/env bash
# Benchmark: uvlock-tool switch (registry -> editable) on the large service lock versus `uv lock --offline` on the
# same inputs (registry uv.lock + editable pyproject), same machine, same run. Reports wall-clock and CPU medians.
#
# Usage: bench/uvlock.sh [runs]   (default 15). The large case is prepared by the e2e test
# `cargo test -p e2e-tests --test uvlock_large` (real uv 0.13.9, PyPI + a local index); run it first if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-15}"
CASE="target/e2e-scratch/uvlock-world-$(ls target/e2e-scratch 2>/dev/null | sed -n 's/^uvlock-world-\(uvlock_large.*\)$/\1/p' | head -1)/cases/large"
if [ ! -f "$CASE/registry.lock" ]; then
  cargo test -q -p e2e-tests --test uvlock_large >/dev/null
  CASE="target/e2e-scratch/uvlock-world-$(ls target/e2e-scratch | sed -n 's/^uvlock-world-\(uvlock_large.*\)$/\1/p' | head -1)/cases/large"
fi
cargo build -q --release -p uvlock-tool
TOOL="$PWD/target/release/uvlock-tool" UV="$PWD/target/reference-tools/venv/bin/uv" \
UV_CACHE_DIR="$PWD/target/reference-tools/uv-cache" XDG_CONFIG_HOME="$PWD/target/reference-tools/uv-empty-config" \
UV_PYTHON="$PWD/target/reference-tools/venv/bin/python" UV_PYTHON_DOWNLOADS=never \
python3 - "$CASE" "$RUNS" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time
case, runs = sys.argv[1], int(sys.argv[2])
svc = os.path.join(case, "services", "bench")
shutil.rmtree(svc, ignore_errors=True)
shutil.copytree(os.path.join(case, "services", "reg2"), svc, ignore=shutil.ignore_patterns(".venv"))
reg_py = open(os.path.join(case, "services", "reg2", "pyproject.toml")).read()
reg_lock = open(os.path.join(case, "services", "reg2", "uv.lock")).read()
want = open(os.path.join(case, "services", "want", "uv.lock")).read()
ed_py = reg_py + '\n[tool.uv.sources]\nameide-sdk-python = { path = "../../packages/ameide_sdk_python", editable = true }\n'
def reset(py):
    open(os.path.join(svc, "pyproject.toml"), "w").write(py)
    open(os.path.join(svc, "uv.lock"), "w").write(reg_lock)
def timed(cmd, cwd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (t1 - t0) * 1000, ((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)) * 1000
tool = [os.environ["TOOL"], "switch", "--to", "editable", "--package", "ameide-sdk-python", "--path", "packages/ameide_sdk_python", "services/bench"]
uv = [os.environ["UV"], "lock", "--offline", "--quiet"]
res = {"tool": [], "uv": []}
for _ in range(runs):
    reset(reg_py); res["tool"].append(timed(tool, case))
    assert open(os.path.join(svc, "uv.lock")).read() == want, "uvlock-tool output differs from uv's"
    reset(ed_py); res["uv"].append(timed(uv, svc))
    assert open(os.path.join(svc, "uv.lock")).read() == want, "uv output differs"
n = reg_lock.count("\n[[package]]\n")
med = lambda k, i: statistics.median(x[i] for x in res[k])
print(f"large lock: {n} packages, {len(reg_lock)} bytes; {runs} runs each, medians; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
print(f"uvlock-tool switch --to editable : wall {med('tool',0):7.1f} ms   cpu {med('tool',1):7.1f} ms")
print(f"uv 0.13.9 lock --offline (warm)  : wall {med('uv',0):7.1f} ms   cpu {med('uv',1):7.1f} ms")
print(f"ratio                            : wall {med('uv',0)/med('tool',0):7.1f} x    cpu {med('uv',1)/med('tool',1):7.1f} x")
PY
