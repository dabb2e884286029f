#!/bin/bash
# Resource bounds of the compiler (issue 17 item 7) against protoc 35.1: for each generated input, CPU seconds
# (user+sys), peak RSS, exit code, and whether stderr and the descriptor set are protoc's.
#   bench/compiler-bounds/run.sh [WORKDIR]       (default target/compiler-bounds)
# Needs the reference venv (cargo test -p e2e-tests provisions it) and builds proto-compiler's `pcc` example.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-$ROOT/target/compiler-bounds}
PY=$ROOT/target/reference-tools/venv/bin/python
PCC=$ROOT/target/release/examples/pcc
cargo build -q --release -p proto-compiler --example pcc --manifest-path "$ROOT/Cargo.toml" || exit 1
mkdir -p "$WORK"
python3 "$ROOT/bench/compiler-bounds/gen.py" "$WORK" chain=5000 cycle=1000 package=100000 fields=70000 \
  ident=10000000 messages=100000 messages=200000 groups=3000 nested=10000 aggregate=100000 undefined=100000 \
  wide_imports=5000 bom longline=1000000
printf "%-16s | %-28s | %-28s | %s\n" case protoc ours same
for c in bom chain5000 cycle1000 package100000 fields70000 ident10000000 messages100000 messages200000 \
         groups3000 nested10000 aggregate100000 undefined100000 wide5000 longline1000000; do
  f=a.proto; case $c in chain*|cycle*) f=f0.proto;; esac
  cd "$WORK/$c" || continue
  p=$(/usr/bin/time -f "%U %S %M" -o "$WORK/time" timeout 600 "$PY" -m grpc_tools.protoc -I. \
      --descriptor_set_out="$WORK/$c.ref.pb" --include_imports --include_source_info --retain_options $f \
      2>"$WORK/$c.ref.err"; rc=$?; tail -1 "$WORK/time" | awk -v rc=$rc '{printf "%.2f s %d MB exit %d", $1+$2, $3/1024, rc}')
  o=$(/usr/bin/time -f "%U %S %M" -o "$WORK/time" timeout 600 "$PCC" -I. -o "$WORK/$c.our.pb" $f \
      2>"$WORK/$c.our.raw"; rc=$?; tail -1 "$WORK/time" | awk -v rc=$rc '{printf "%.2f s %d MB exit %d", $1+$2, $3/1024, rc}')
  grep -v "^compiled in" "$WORK/$c.our.raw" >"$WORK/$c.our.err"
  same=$(cmp -s "$WORK/$c.ref.err" "$WORK/$c.our.err" && echo stderr || echo STDERR-DIFFERS)
  if [ -f "$WORK/$c.ref.pb" ] && [ -f "$WORK/$c.our.pb" ]; then
    cmp -s "$WORK/$c.ref.pb" "$WORK/$c.our.pb" && same="$same+descriptors" || same="$same+DESCRIPTORS-DIFFER"
  fi
  rm -f "$WORK/$c.ref.pb" "$WORK/$c.our.pb"
  printf "%-16s | %-28s | %-28s | %s\n" "$c" "$p" "$o" "$same"
done
