#!/usr/bin/env bash
# Benchmark: `protoc-gen-ameide-py generate` (embedded proto-compiler, no protoc) over ALL googleapis protos
# versus the reference — protoc 35.1's built-in python + pyi generators plus grpcio-tools 1.85.1's gRPC plugin
# (`python -m grpc_tools.protoc --python_out --pyi_out --grpc_python_out`) — on the same files, same machine,
# same run, alternating, each into a fresh output directory. Also `check` on the generated tree (clean), and
# `tar x` of the same tree into a fresh directory (the floor for writing 24k files on this disk), without and
# with a `sync -f` after it (generate makes its files durable with syncfs before and after its renames).
# Reports wall-clock and CPU (user+sys) medians, peak RSS, the ratios, and generate's margin against
# `check + 1.5 x tar`. Every tree stays on disk until the end (about 1 GB a run).
#
# With `typed` as the second argument, the typed stubs instead: mypy-protobuf 5.1.0's `_pb2.pyi` and
# `_pb2_grpc.pyi` in place of protoc's `.pyi` — reference `python -m grpc_tools.protoc --python_out --mypy_out
# --grpc_python_out --mypy_grpc_out` (mypy-protobuf as a plugin of the same protoc) vs `generate --opt
# outputs=py+mypy+grpc+mypy_grpc`, over the googleapis files mypy-protobuf can generate (all but three).
#
# Usage: bench/generate.sh [runs] [typed]   (default 3). The googleapis include roots and mypy-protobuf are staged
# by the e2e tests (`cargo test -p e2e-tests --test standalone_googleapis`, `--test standalone_mypy`); run them
# first if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
TYPED="${2:-}"
ROOT="$PWD/target/e2e-cache/googleapis-root"
MYPY_PROTOBUF=""
if [ "$TYPED" = typed ]; then
  ROOT="$PWD/target/e2e-cache/googleapis-mypy-root"
  MYPY_PROTOBUF="$PWD/target/reference-tools/mypy-protobuf-5.1.0/bin"
  [ -x "$MYPY_PROTOBUF/protoc-gen-mypy" ] || { echo "missing $MYPY_PROTOBUF: run cargo test -p e2e-tests --test standalone_mypy first" >&2; exit 2; }
fi
[ -d "$ROOT" ] || { echo "missing $ROOT: run cargo test -p e2e-tests --test standalone_googleapis (typed: --test standalone_mypy) first" >&2; exit 2; }
PY=""
for p in target/reference-tools/venv/bin/python target/ref/venv/bin/python; do
  [ -x "$p" ] && "$p" -c "import grpc_tools.protoc" 2>/dev/null && PY="$PWD/$p" && break
done
[ -n "$PY" ] || { echo "no venv with grpcio-tools under target/ (run the e2e tests first)" >&2; exit 2; }
cargo build -q --release -p protoc-gen-ameide-py
BIN="$PWD/target/release/protoc-gen-ameide-py"
python3 - "$ROOT" "$RUNS" "$PY" "$BIN" "$MYPY_PROTOBUF" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, tempfile, time
root, runs, py, binary, mypy_protobuf = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def stub_flags(out):
    if not mypy_protobuf:
        return [f"--pyi_out={out}"]
    return [f"--plugin=protoc-gen-mypy={mypy_protobuf}/protoc-gen-mypy", f"--mypy_out=quiet:{out}",
            f"--plugin=protoc-gen-mypy_grpc={mypy_protobuf}/protoc-gen-mypy_grpc", f"--mypy_grpc_out=quiet:{out}"]
opts = ["--opt", "outputs=py+mypy+grpc+mypy_grpc"] if mypy_protobuf else []
files = sorted(os.path.relpath(os.path.join(d, f), root)
               for d, _, fs in os.walk(root, followlinks=True) for f in fs if f.endswith(".proto"))
scratch = tempfile.mkdtemp(prefix="bench-generate-", dir=os.path.join(os.getcwd(), "target"))
argfile = os.path.join(scratch, "files.args")
open(argfile, "w").write("\n".join(files) + "\n")
def timed(cmd, cwd, shell=False):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
    argv = ["/usr/bin/time", "-f", "%M"] + (["sh", "-c", cmd] if shell else cmd)
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{cmd if shell else cmd[0]} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    rss_mb = int(p.stderr.strip().splitlines()[-1]) / 1024
    return t1 - t0, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), rss_mb
def settle():
    # what the previous step left unwritten is flushed before the next is timed: generate's syncfs (and the
    # sync after tar) would otherwise write the reference's 200 MB too
    subprocess.run(["sync", "-f", scratch], check=True)
res = {"reference": [], "generate": [], "check": [], "tar": [], "tar+sync": []}
tarball = os.path.join(scratch, "tree.tar")
for i in range(runs):
    out = os.path.join(scratch, f"ref-{i}"); os.makedirs(out)
    res["reference"].append(timed([py, "-m", "grpc_tools.protoc", "-I.", f"--python_out={out}", *stub_flags(out),
                                   f"--grpc_python_out={out}", f"@{argfile}"], root))
    out = os.path.join(scratch, f"gen-{i}")
    settle()
    res["generate"].append(timed([binary, "generate", "-I", root, "--out", out, *opts], scratch))
    res["check"].append(timed([binary, "check", "-q", "-I", root, "--out", out, *opts], scratch))
    if i == 0:
        subprocess.run(["tar", "cf", tarball, "-C", out, "."], check=True)
    for key, sync in [("tar", ""), ("tar+sync", " && sync -f .")]:
        into = os.path.join(scratch, f"{key}-{i}")
        os.makedirs(into)
        settle()
        res[key].append(timed(f"tar xf {tarball}{sync}", into, shell=True))
# every tree is kept until the end: ext4 makes a file created soon after a mass deletion pay for checking the
# recently freed inodes (recently_deleted), which would tax whichever step follows a removal
count = sum(len(fs) for _, _, fs in os.walk(os.path.join(scratch, "gen-0")))
same = subprocess.run(["diff", "-rq", os.path.join(scratch, "ref-0"), os.path.join(scratch, "gen-0")],
                      stdout=subprocess.DEVNULL).returncode == 0
shutil.rmtree(scratch)
med = {k: tuple(statistics.median(x[j] for x in v) for j in range(3)) for k, v in res.items()}
kind = "typed stubs (mypy-protobuf 5.1.0)" if mypy_protobuf else "protoc's stubs"
print(f"googleapis, {kind}: {len(files)} protos -> {count} files; outputs identical to the reference: {same}; {runs} runs, "
      f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
print(f"{'':<34}{'wall s':>8}{'cpu s':>8}{'peak RSS MB':>13}")
reference = "grpc_tools.protoc + mypy-protobuf" if mypy_protobuf else "reference (grpc_tools.protoc)"
for k, label in [("reference", reference), ("generate", "protoc-gen-ameide-py generate"),
                 ("check", "protoc-gen-ameide-py check (clean)"), ("tar", "tar x of the generated tree"),
                 ("tar+sync", "tar x, then sync -f")]:
    w, c, m = med[k]
    print(f"{label:<34}{w:>8.2f}{c:>8.2f}{m:>13.0f}")
print(f"speed-up generate vs reference: {med['reference'][0] / med['generate'][0]:.1f}x wall, "
      f"{med['reference'][1] / med['generate'][1]:.1f}x cpu; check: {med['reference'][0] / med['check'][0]:.1f}x wall, "
      f"{med['reference'][1] / med['check'][1]:.1f}x cpu")
for key in ["tar", "tar+sync"]:
    bound = med["check"][0] + 1.5 * med[key][0]
    print(f"generate {med['generate'][0]:.2f} s vs check + 1.5 x ({key}) = {bound:.2f} s: "
          f"{'within' if med['generate'][0] <= bound else 'over'} by {abs(bound - med['generate'][0]):.2f} s")
PY
