#!/usr/bin/env bash
# Fuzz command (not part of `cargo test`): builds the libFuzzer targets with cargo-fuzz on the stable
# toolchain and runs each for SECONDS (default 60), one after the other, at the lowest CPU priority.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     e.g. fuzz/run.sh 600 plugin_request
#
# Installs cargo-fuzz if missing (`cargo install cargo-fuzz`; libFuzzer itself is built from the
# libfuzzer-sys crate with the system C++ compiler). No nightly toolchain is needed: RUSTC_BOOTSTRAP=1 lets
# cargo-fuzz pass its coverage flags to stable rustc, and `-s none` skips AddressSanitizer (the code is safe
# Rust: `unsafe_code = "forbid"`), keeping debug assertions and overflow checks on.
#
# Before fuzzing, every committed regression input (fuzz/regressions/TARGET/*) is replayed. New inputs go to
# fuzz/corpus/TARGET (not committed); a crash, a timeout (>10 s for one input) or an out-of-memory (>2 GiB)
# leaves its input in fuzz/artifacts/TARGET and makes this script exit non-zero.
set -euo pipefail

SECONDS_PER_TARGET="${1:-60}"
shift || true
ALL_TARGETS=(plugin_request compile_proto uvlock_switch python_imports)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

cd "$(dirname "$0")"
export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi
if ! command -v c++ >/dev/null 2>&1; then
    echo "fuzz: installing a C++ compiler (libFuzzer is built from source)" >&2
    apt-get update -q && apt-get install -y -q g++
fi

export RUSTC_BOOTSTRAP=1
# One thread per input: the fuzzer parallelises nothing, and thread start-up would dominate small inputs.
export AMEIDE_PY_THREADS=1
FUZZ_FLAGS=(-s none --debug-assertions)

echo "fuzz: building ${TARGETS[*]}" >&2
nice -n 10 cargo fuzz build "${FUZZ_FLAGS[@]}"

status=0
for target in "${TARGETS[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    case "$target" in
        plugin_request) max_len=131072 ;;
        compile_proto) max_len=16384 ;;
        uvlock_switch) max_len=65536 ;;
        python_imports) max_len=16384 ;;
        *) echo "fuzz: unknown target $target" >&2; exit 2 ;;
    esac
    libfuzzer_flags=(-timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1
        -artifact_prefix="artifacts/$target/")
    if compgen -G "regressions/$target/*" >/dev/null; then
        echo "fuzz: $target: replaying regressions/$target" >&2
        if ! nice -n 19 cargo fuzz run "${FUZZ_FLAGS[@]}" "$target" regressions/"$target"/* -- \
            "${libfuzzer_flags[@]}" -runs=1 >"artifacts/$target/regressions.log" 2>&1; then
            echo "fuzz: $target: a regression input fails again, see artifacts/$target/regressions.log" >&2
            status=1
        fi
    fi
    echo "fuzz: $target: fuzzing for ${SECONDS_PER_TARGET}s" >&2
    if nice -n 19 cargo fuzz run "${FUZZ_FLAGS[@]}" "$target" "corpus/$target" "seeds/$target" -- \
        "${libfuzzer_flags[@]}" -max_total_time="$SECONDS_PER_TARGET" >"artifacts/$target/fuzz.log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "artifacts/$target/fuzz.log" >&2 || true
        echo "fuzz: $target: no crash, hang or out-of-memory in ${SECONDS_PER_TARGET}s" >&2
    else
        echo "fuzz: $target: FAILED, see artifacts/$target/fuzz.log and the input in artifacts/$target/" >&2
        tail -n 40 "artifacts/$target/fuzz.log" >&2
        status=1
    fi
done
exit "$status"
