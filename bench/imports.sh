#!/usr/bin/env bash
# Benchmark: `protoc-gen-ameide-py imports` over a tree of 10,000 Python files versus `grep -rn` for the root over
# the same tree, same machine, same run. Reports wall-clock and CPU medians.
#
# Usage: bench/imports.sh [runs]   (default 11)
#
# The tree (target/bench-imports/tree, built once, deterministic): 10,000 files in 400 packages of 25, each a
# module of the interpreter's standard library (the ones under 24 KB, cycled) below an import header: 30% of
# the files import generated modules (half of those through the prefix, half bare, in the statement forms
# `imports` knows), the others import only the standard library. The checker reads every file and tokenizes
# the ones that mention the root; grep reads every file and prints the matching lines.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-11}"
cargo build -q --release -p protoc-gen-ameide-py
TOOL="$PWD/target/release/protoc-gen-ameide-py" python3 - "$RUNS" <<'PY'
import os, random, resource, shutil, statistics, subprocess, sys, sysconfig, time
runs = int(sys.argv[1])
base = os.path.abspath("target/bench-imports")
tree, clean = os.path.join(base, "tree"), os.path.join(base, "clean")
opt = ["--opt", "prefix=ameide_core_proto:ameide_sdk.proto"]
tool = os.environ["TOOL"]
HEADERS = [
    "from ameide_core_proto.inference.v1 import inference_pb2, inference_pb2_grpc\n",
    "import ameide_core_proto.common.v1.common_pb2 as common_pb2\n",
    "from ameide_core_proto.common.v1 import (\n    common_pb2,  # the request context\n)\n",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ameide_core_proto.validate.v1 import validate_pb2\n",
    "import os; from ameide_core_proto.inference.v1 import \\\n    inference_pb2\n",
]
if not os.path.isfile(os.path.join(base, "complete")):
    shutil.rmtree(base, ignore_errors=True)
    stdlib = sysconfig.get_paths()["stdlib"]
    bodies = []
    for name in sorted(os.listdir(stdlib)):
        path = os.path.join(stdlib, name)
        if name.endswith(".py") and os.path.getsize(path) < 24_000:
            with open(path, "rb") as f:
                bodies.append(f.read())
    rng = random.Random(15)
    for i in range(10_000):
        pkg = os.path.join(tree, f"svc{i // 25:03d}")
        os.makedirs(pkg, exist_ok=True)
        roll = rng.random()
        if roll < 0.15:
            header = rng.choice(HEADERS)
        elif roll < 0.30:
            header = rng.choice(HEADERS).replace("ameide_core_proto", "ameide_sdk.proto.ameide_core_proto")
        else:
            header = "import os\nimport sys\n"
        body = bodies[i % len(bodies)]
        with open(os.path.join(pkg, f"mod{i % 25:02d}.py"), "wb") as f:
            f.write(b'"""Generated for the imports benchmark."""\n' + header.encode() + b"\n" + body)
    shutil.copytree(tree, clean)
    out = subprocess.run([tool, "imports", "--fix", *opt, clean], capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stdout[-2000:] + out.stderr
    open(os.path.join(base, "complete"), "w").write("10000\n")

def timed(cmd, expect):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert out.returncode in expect, (cmd, out.returncode, out.stderr[-2000:])
    return (t1 - t0) * 1000, ((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)) * 1000, out.stdout

cases = {
    "imports (bare imports present)": ([tool, "imports", *opt, tree], (1,)),
    "imports (clean tree)": ([tool, "imports", *opt, clean], (0, 1)),
    "grep -rn ameide_core_proto": (["grep", "-rn", "ameide_core_proto", tree], (0,)),
}
res = {k: [] for k in cases}
last = {}
for _ in range(runs):
    for name, (cmd, expect) in cases.items():
        wall, cpu, stdout = timed(cmd, expect)
        res[name].append((wall, cpu))
        last[name] = stdout
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tree) for f in fs)
summary = last["imports (bare imports present)"].decode().splitlines()[-1]
print(f"tree: 10000 files, {size / 1e6:.1f} MB; {runs} runs each, medians; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
print(f"  {summary}")
print(f"  grep: {len(last['grep -rn ameide_core_proto'].splitlines())} matching lines")
med = lambda k, i: statistics.median(x[i] for x in res[k])
for name in cases:
    print(f"{name:34s}: wall {med(name, 0):7.1f} ms   cpu {med(name, 1):7.1f} ms")
g = "grep -rn ameide_core_proto"
for name in list(cases)[:2]:
    print(f"{name} vs grep: wall {med(g, 0) / med(name, 0):.2f}x, cpu {med(g, 1) / med(name, 1):.2f}x")
PY
