#!/usr/bin/env bash
# Hit/no-hit at scale (issue 18 §5): the intel pillar's match index against a HashMap from
# key text to postings, on the same N synthetic entities in the same run. See README.md.
#
#   bench/intel/match.sh [N [M]]    N entities (default 10000000), M probes (default 2000000)
#
# CPU=k pins the run to core k (default 1). Results: tab-separated lines on standard output,
# also written to bench/intel/results/match.tsv.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
n=${1:-10000000}
m=${2:-2000000}
mkdir -p "$here/results"
cargo build --quiet --profile bench-lto -p accordo-intel --example match_bench >&2
bin="${CARGO_TARGET_DIR:-$root/target}/bench-lto/examples/match_bench"
{
    echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(git rev-parse --short HEAD) $(rustc --version), bench-lto; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    taskset -c "${CPU:-1}" "$bin" "$n" "$m"
} | tee "$here/results/match.tsv"
