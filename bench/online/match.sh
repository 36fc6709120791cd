#!/usr/bin/env bash
# PDQ matching at scale (issue 20 §4): accordo_online's HashIndex against a plain multi-index
# hash (16 chunks of 16 bits) and against comparing every hash, on the same N synthetic hashes
# in the same run, one core. See README.md.
#
#   bench/online/match.sh [N [QUERIES [ROUNDS]]]   (defaults 10000000, 4000, 5)
#
# CPU=k pins the run to core k (default 1). Needs about 3 GB of memory at 10 million hashes.
# Results: tab-separated lines on standard output, also written to bench/online/results/match.tsv.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
mkdir -p "$here/results"
cargo build --quiet --profile bench-lto -p accordo-online --example match_bench >&2
bin="${CARGO_TARGET_DIR:-$root/target}/bench-lto/examples/match_bench"
{
    echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(git rev-parse --short HEAD) $(rustc --version), bench-lto; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "# as a node runs: HashIndex maps its arrays in huge pages itself, the peers on the allocator's 4 KiB pages (transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null))"
    taskset -c "${CPU:-1}" "$bin" "${1:-10000000}" "${2:-4000}" "${3:-5}"
    # The same, the allocator asked for transparent huge pages too (glibc 2.35 and later),
    # which gives them to the peers: their random reads then miss the TLB far less.
    echo "# all in transparent huge pages: GLIBC_TUNABLES=glibc.malloc.hugetlb=1"
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1 taskset -c "${CPU:-1}" "$bin" "${1:-10000000}" "${2:-4000}" "${3:-5}"
} | tee "$here/results/match.tsv"
