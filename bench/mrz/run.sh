#!/usr/bin/env bash
# MRZ (TD3) validation throughput on one core: accordo-mrz against the Python `mrz` package,
# side by side on the same generated MRZs. See bench/mrz/README.md.
#
#   bench/mrz/run.sh [N]        N MRZs, default 100000
#
# Environment:
#   NATIVE=1   build with RUSTFLAGS="-C target-cpu=native" (into target/bench-native)
#   CPU=k      the core both runs are pinned to with taskset (default 1; 0 on a 1-core machine)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

n=${1:-100000}
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
example=bench_td3
native=${NATIVE:-0}

# --- Python peer: a venv of its own, with the pinned package -----------------------------
venv="$here/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating $venv" >&2
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
py="$venv/bin/python"
mrz_version=$("$py" -c 'from importlib.metadata import version; print(version("mrz"))')

# --- Rust: the bench-lto profile (release + fat LTO + 1 codegen unit) ----------------------
# A target dir of its own, so that the main build is left alone (and RUSTFLAGS changes do
# not invalidate it).
if [[ "$native" == 1 ]]; then
    export RUSTFLAGS="-C target-cpu=native"
    export CARGO_TARGET_DIR="$root/target/bench-native"
    flags="RUSTFLAGS=\"$RUSTFLAGS\""
else
    unset RUSTFLAGS
    export CARGO_TARGET_DIR="$root/target/bench"
    flags="(no RUSTFLAGS: portable x86-64 baseline)"
fi
cargo build --quiet --profile bench-lto -p accordo-mrz --example "$example" >&2
bin="$CARGO_TARGET_DIR/bench-lto/examples/$example"

# --- Pinning -------------------------------------------------------------------------------
cores=$(nproc)
pin=()
if command -v taskset >/dev/null 2>&1; then
    cpu=${CPU:-$((cores > 1 ? 1 : 0))}
    pin=(taskset -c "$cpu")
    pinned="pinned to core $cpu with taskset"
else
    pinned="NOT pinned (no taskset)"
fi

# --- The same file for both -----------------------------------------------------------------
file=$(mktemp "${TMPDIR:-/tmp}/mrz-td3.XXXXXX")
trap 'rm -f "$file"' EXIT
"$bin" gen "$n" "$file"

echo "== accordo-mrz (Rust, bench-lto, $pinned)" >&2
rust_out=$("${pin[@]}" "$bin" run "$file")
echo "== python-mrz $mrz_version ($pinned; takes a while)" >&2
py_out=$("${pin[@]}" "$py" "$here/peer.py" "$file")

field() { # field NAME COLUMN  from the tab-separated result lines
    printf '%s\n%s\n' "$rust_out" "$py_out" | awk -F'\t' -v k="$1" -v c="$2" '$1 == k { print $c }'
}
v_rate=$(field accordo-mrz-validate 4)
c_rate=$(field accordo-mrz-check 4)
p_rate=$(field python-mrz 4)
p_count=$(field python-mrz 2)
p_valid=$(field python-mrz 3)

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
virt=$(grep -qw hypervisor /proc/cpuinfo 2>/dev/null && echo ", virtual machine" || true)

echo
echo "MRZ TD3 validation, one core, $n generated MRZs (the same file for both)"
printf '%s\n' "$rust_out" "$py_out" | grep '^#' || true
printf '%s\n' "$rust_out" "$py_out" | grep -v '^#'
echo
awk -v v="$v_rate" -v c="$c_rate" -v p="$p_rate" 'BEGIN {
    printf "accordo-mrz validate: %10.0f /s  (%.2f M/s, %.0f ns each; median of 11 rounds)\n", v, v / 1e6, 1e9 / v
    printf "accordo-mrz check:    %10.0f /s  (%.0f k/s, %.2f us each; median of 5 rounds)\n", c, c / 1e3, 1e6 / c
    printf "python-mrz:           %10.0f /s  (%.2f k/s, %.0f us each; median of 5 rounds)\n", p, p / 1e3, 1e6 / p
    printf "ratio validate / python: %8.0fx\n", v / p
    printf "ratio check / python:    %8.1fx\n", c / p
    printf "target >= 5 M/s validate:  %s\n", v >= 5e6 ? "met" : sprintf("NOT met (%.0f%% of it, %.2f M/s short)", 100 * v / 5e6, (5e6 - v) / 1e6)
    printf "target >= 1000x python:    %s\n", v / p >= 1000 ? "met" : sprintf("NOT met (%.0f%% of it; needs %.2f M/s against this python rate)", v / p / 10, 1000 * p / 1e6)
}'
if [[ "$p_valid" == "$p_count" ]]; then
    echo "python-mrz accepts $p_valid of $p_count (accordo-mrz accepts all: asserted)"
else
    echo "WARNING: python-mrz accepts only $p_valid of $p_count; first rejections:"
    "$py" "$here/peer.py" "$file" --why
fi
echo
echo "machine:  $cores cores (nproc), ${cpu_model:-unknown CPU}$virt, $(uname -sr), load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') at the end"
echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "tools:    $(rustc --version), $("$py" --version 2>&1), mrz $mrz_version"
echo "build:    cargo build --profile bench-lto -p accordo-mrz --example $example, CARGO_TARGET_DIR=${CARGO_TARGET_DIR#"$root"/} $flags"
echo "command:  ${NATIVE:+NATIVE=$NATIVE }${CPU:+CPU=$CPU }bench/mrz/run.sh $n"
