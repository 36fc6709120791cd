#!/usr/bin/env bash
# Near-duplicate clustering of a synthetic stream of posts (issue 20 §4): accordo_online's
# Clusters (MinHash LSH by gaoya on the text, PDQ indexes on the images) over POSTS posts, and
# on the first PEER_POSTS of them, in the same run, the peer: every post compared with every
# earlier one (exact Jaccard of word pairs, PDQ distance). One core. See README.md.
#
#   bench/online/cluster.sh [POSTS [PEER_POSTS]]   (defaults 1000000, 10000)
#
# CPU=k pins the run to core k (default 1). Results: tab-separated lines on standard output,
# also written to bench/online/results/cluster.tsv.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
mkdir -p "$here/results"
cargo build --quiet --profile bench-lto -p accordo-online --example cluster_bench >&2
bin="${CARGO_TARGET_DIR:-$root/target}/bench-lto/examples/cluster_bench"
{
    echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(git rev-parse --short HEAD) $(rustc --version), bench-lto; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    taskset -c "${CPU:-1}" "$bin" "${1:-1000000}" "${2:-10000}"
} | tee "$here/results/cluster.tsv"
