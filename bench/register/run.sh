#!/usr/bin/env bash
# The register index at scale, side by side with a PostgreSQL B-tree on the same records,
# and the HTTP batch check's documents per second. See bench/register/README.md.
#
#   bench/register/run.sh [N [M]]     N records (default 100000000), M probes (default 20000000)
#
# Environment:
#   N_PG=k|auto   records loaded into PostgreSQL (default auto: N if the disk keeps >= 10 GB
#                 free after the load, else the largest multiple of 10 million that does)
#   M_PG=k        probes for PostgreSQL (default 1000000)
#   PG_SECONDS=s  pgbench duration (default 30)
#   PGHOST, PGPORT, PGUSER   default 127.0.0.1, 5432, postgres (trust auth)
#   SKIP_INDEX=1, SKIP_PG=1, SKIP_HTTP=1   leave a part out
#   NATIVE=1      build with RUSTFLAGS="-C target-cpu=native" (into target/bench-native)
#   CPU=k         the core the index bench is pinned to with taskset (default 1)
#
# Results: tab-separated lines on standard output, also kept in bench/register/out/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

n=${1:-100000000}
m=${2:-20000000}
m_pg=${M_PG:-1000000}
pg_seconds=${PG_SECONDS:-30}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
db=accordo_bench
out_dir="$here/out"
mkdir -p "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$out_dir/results-$stamp.tsv"
: >"$results"

say() { echo "== $*" >&2; }
emit() { # emit FIELDS...: one tab-separated result line, to stdout and the results file
    local IFS=$'\t'
    echo "$*" | tee -a "$results"
}

# --- Build: the bench-lto profile (release + fat LTO + 1 codegen unit) ------------------------
if [[ "${NATIVE:-0}" == 1 ]]; then
    export RUSTFLAGS="-C target-cpu=native"
    export CARGO_TARGET_DIR="$root/target/bench-native"
    flags="RUSTFLAGS=-Ctarget-cpu=native"
else
    unset RUSTFLAGS
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
    flags="portable x86-64 baseline"
fi
say "building register_bench (bench-lto, $flags)"
cargo build --quiet --profile bench-lto -p accordo-documents --example register_bench >&2
bin="$CARGO_TARGET_DIR/bench-lto/examples/register_bench"

pin=()
pinned="not pinned (no taskset)"
if command -v taskset >/dev/null 2>&1; then
    cpu=${CPU:-$(($(nproc) > 1 ? 1 : 0))}
    pin=(taskset -c "$cpu")
    pinned="pinned to core $cpu"
fi

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
emit "# machine" "$cpu_model, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1e6 }' /proc/meminfo) RAM$(grep -qw hypervisor /proc/cpuinfo && echo ', virtual machine' || true)"
emit "# rustc" "$(rustc --version)" "bench-lto, $flags"

# --- 1. The index ----------------------------------------------------------------------------
index_lookup=""
index_fp=""
if [[ "${SKIP_INDEX:-0}" != 1 ]]; then
    say "index: N=$n, M=$m, one thread, $pinned (100 million records: ~3 min, ~6 GB RAM)"
    index_out=$("${pin[@]}" "$bin" index "$n" "$m")
    printf '%s\n' "$index_out" | tee -a "$results"
    index_lookup=$(awk -F'\t' '$1 == "index-lookups-per-s" { print $3 }' <<<"$index_out")
    index_fp=$(awk -F'\t' '$1 == "index-lookups-with-fingerprint-per-s" { print $3 }' <<<"$index_out")
fi

# --- 2. The PostgreSQL peer: a B-tree on the same records ---------------------------------
if [[ "${SKIP_PG:-0}" != 1 ]]; then
    psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
    server_version=$(psql_ -At -d postgres -c 'SELECT version()')
    pgbench_version=$(pgbench --version)
    emit "# postgresql" "$server_version" "$pgbench_version"

    # Size the load to the disk: the CSV, the heap, the B-tree, the sort's temporary files and
    # WAL come to well under 200 bytes a record; keep 10 GB free after that.
    data_dir=$(psql_ -At -d postgres -c 'SHOW data_directory' 2>/dev/null || echo /var/lib/postgresql)
    [[ -d "$data_dir" ]] || data_dir=/
    work=$(mktemp -d "${TMPDIR:-/tmp}/register-bench.XXXXXX")
    chmod 755 "$work"
    trap 'rm -rf "$work"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
    free_pg=$(df -B1 --output=avail "$data_dir" | tail -1)
    free_tmp=$(df -B1 --output=avail "$work" | tail -1)
    free=$((free_pg < free_tmp ? free_pg : free_tmp))
    per_record=200
    keep=$((10 * 1024 * 1024 * 1024))
    fits=$(((free - keep) / per_record))
    n_pg=${N_PG:-auto}
    if [[ "$n_pg" == auto ]]; then
        if ((fits >= n)); then
            n_pg=$n
            why="the full N: the disk has $((free >> 30)) GiB free, enough for it with >= 10 GiB to spare"
        else
            n_pg=$((fits / 10000000 * 10000000))
            why="the disk has $((free >> 30)) GiB free; at ~$per_record bytes a record while loading, this is the most that keeps >= 10 GiB free"
        fi
    else
        why="set by N_PG"
        if ((n_pg > fits)); then
            echo "N_PG=$n_pg would leave less than 10 GiB free (fits: $fits)" >&2
            exit 1
        fi
    fi
    if ((n_pg <= 0)); then
        echo "not enough free disk for the PostgreSQL part (need > 10 GiB free)" >&2
        exit 1
    fi
    emit "pg-scale" "$n_pg" "$why"

    say "postgresql: writing $n_pg keys and $m_pg probes"
    "$bin" csv "$n_pg" "$work/keys.csv"
    probe_line=$("$bin" probes "$n_pg" "$m_pg" "$work/probes.csv")
    expected_hits=$(cut -f3 <<<"$probe_line")

    psql_ -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    psql_ -d "$db" -c "CREATE TABLE reports (doc_key TEXT NOT NULL)" \
        -c "CREATE TABLE probes (id INTEGER PRIMARY KEY, k TEXT NOT NULL, hit BOOLEAN NOT NULL)"

    say "postgresql: COPY of $n_pg records, then CREATE INDEX (B-tree; minutes at 100 million)"
    t0=$(date +%s.%N)
    psql_ -d "$db" -c "\\copy reports FROM '$work/keys.csv' WITH (FORMAT csv, HEADER true)"
    t1=$(date +%s.%N)
    # A bigger sort memory than the default 64 MB only for the build (not a lookup setting).
    psql_ -d "$db" -c "SET maintenance_work_mem = '2GB'" -c "SET max_parallel_maintenance_workers = 0" \
        -c "CREATE INDEX reports_doc_key ON reports USING btree (doc_key)"
    t2=$(date +%s.%N)
    psql_ -d "$db" -c "\\copy probes FROM '$work/probes.csv' WITH (FORMAT csv, HEADER true)" \
        -c "VACUUM (ANALYZE) reports" -c "VACUUM (ANALYZE) probes"
    rm -f "$work/keys.csv"
    emit "pg-copy" "$n_pg" "$(echo "$t1 - $t0" | bc)"
    emit "pg-create-index" "$n_pg" "$(echo "$t2 - $t1" | bc)"

    read -r idx_bytes heap_bytes total_bytes rows < <(psql_ -At -F ' ' -d "$db" -c \
        "SELECT pg_relation_size('reports_doc_key'), pg_relation_size('reports'),
                pg_total_relation_size('reports'), (SELECT count(*) FROM reports)")
    [[ "$rows" == "$n_pg" ]] || { echo "reports holds $rows rows, not $n_pg" >&2; exit 1; }
    emit "pg-btree-bytes-per-record" "$n_pg" "$(echo "scale=2; $idx_bytes / $n_pg" | bc)"
    emit "pg-total-bytes-per-record" "$n_pg" "$(echo "scale=2; $total_bytes / $n_pg" | bc)"
    emit "# pg sizes" "B-tree $idx_bytes bytes, heap $heap_bytes bytes, table+index $total_bytes bytes ($(echo "scale=2; $total_bytes / 1073741824" | bc) GiB)"

    # (a) Inside the server, no client: a nested loop of B-tree probes over the probe table,
    # one backend, no parallel workers. PostgreSQL's best case.
    say "postgresql: in-server nested-loop probes, 5 rounds"
    inserver_sql=(-c "SET max_parallel_workers_per_gather = 0" -c "SET enable_hashjoin = off"
        -c "SET enable_mergejoin = off" -c "SET jit = off")
    plan=$(psql_ -At -d "$db" "${inserver_sql[@]}" -c \
        "EXPLAIN (COSTS OFF) SELECT count(*) FROM probes p JOIN reports r ON r.doc_key = p.k")
    emit "# pg in-server plan" "$(tr '\n' ' ' <<<"$plan" | tr -s ' ')"
    rates=()
    for round in 0 1 2 3 4 5; do # round 0 warms the cache and is not counted
        timing=$(psql_ -At -d "$db" "${inserver_sql[@]}" -c '\timing on' -c \
            "SELECT count(*) FROM probes p JOIN reports r ON r.doc_key = p.k")
        found=$(head -1 <<<"$timing")
        ms=$(awk '/^Time:/ { print $2 }' <<<"$timing")
        [[ "$found" == "$expected_hits" ]] || { echo "in-server: $found hits, expected $expected_hits" >&2; exit 1; }
        ((round == 0)) || rates+=("$(echo "scale=0; $m_pg * 1000 / $ms" | bc)")
    done
    sorted=$(printf '%s\n' "${rates[@]}" | sort -n)
    pg_inserver=$(sed -n 3p <<<"$sorted")
    emit "# pg in-server rounds (lookups/s, sorted)" "$(tr '\n' ' ' <<<"$sorted")"
    emit "pg-inserver-lookups-per-s" "$m_pg" "$pg_inserver"

    # (b) Through a client, one query per lookup: pgbench, one client, one thread, the
    # extended protocol with prepared statements. Each transaction draws a probe (a cached
    # integer-key read, its own statement) then runs the lookup with the key as a text
    # parameter; -r reports each statement's mean latency, and the lookup's is the one that
    # counts (1 / latency = lookups per second).
    cat >"$work/lookup.sql" <<'SQL'
\set i random(1, :nprobes)
SELECT k FROM probes WHERE id = :i \gset
SELECT 1 FROM reports WHERE doc_key = :k;
SQL
    pgb=(pgbench -n -c 1 -j 1 -M prepared -r -D "nprobes=$m_pg" -f "$work/lookup.sql" "$db")
    say "postgresql: pgbench warm-up (10 s), then ${pg_seconds} s"
    "${pgb[@]}" -T 10 >/dev/null 2>&1
    pgb_out=$("${pgb[@]}" -T "$pg_seconds" 2>&1)
    tps=$(awk '/^tps = / { print $3; exit }' <<<"$pgb_out")
    lookup_ms=$(awk '/FROM reports WHERE doc_key/ { print $1 }' <<<"$pgb_out")
    probe_ms=$(awk '/FROM probes WHERE id/ { print $1 }' <<<"$pgb_out")
    pg_client=$(echo "scale=0; 1000 / $lookup_ms" | bc)
    emit "# pgbench" "tps $tps (a probe read + a lookup each); latency ms: lookup $lookup_ms, probe read $probe_ms"
    emit "pg-client-lookups-per-s" "$m_pg" "$pg_client"
    emit "pg-client-probe-reads-per-s" "$m_pg" "$(echo "scale=0; 1000 / $probe_ms" | bc)"

    if [[ -n "$index_lookup" ]]; then
        emit "ratio-index-vs-pg-inserver" "$(echo "scale=1; $index_lookup / $pg_inserver" | bc)" "index lookups/s (fingerprint precomputed) / PostgreSQL in-server B-tree probes/s"
        emit "ratio-index-fp-vs-pg-client" "$(echo "scale=1; $index_fp / $pg_client" | bc)" "index fingerprint+lookup/s / PostgreSQL client lookups/s"
    fi
    psql_ -d postgres -c "DROP DATABASE $db"
fi

# --- 3. The HTTP batch check ------------------------------------------------------------------
if [[ "${SKIP_HTTP:-0}" != 1 ]]; then
    "$here/http_batch.sh" | tee -a "$results"
fi

say "results kept in $results"
