#!/usr/bin/env bash
# Audited writes per second (POST /api/v1/returns/cases: one return case and its audit entry
# each), this code against a baseline commit in the same run, on SQLite and PostgreSQL, at
# concurrency 16 and 64; and the read ceiling (GET /api/v1/me) beside them. See README.md.
#
#   bench/audit/run.sh [NEW_BIN [BASELINE_BIN]]
#
# NEW_BIN defaults to target/release/accordo (built here if missing); BASELINE_BIN to the
# binary of commit $BASELINE, built here once into target/bench-audit/.
#
# Environment:
#   BASELINE=commit   default 8c20684 (the last commit whose writes all took the audit_head lock)
#   DURATION=s        measured seconds per run (default 10), after WARMUP=s (default 2)
#   ROUNDS=k          runs of each (engine, concurrency, binary), interleaved (default 3)
#   CONCURRENCY="16 64"   connections kept busy by wrk (closed loop: the load is bounded)
#   ENGINES="sqlite postgres"
#   PGURL             default postgres://postgres@127.0.0.1:5432 (trust auth); a scratch
#                     database accordo_bench_audit is created and dropped there
#   PORT              default 8098
# Needs wrk (installed with apt-get when missing and run as root), curl, psql, awk.
# Results: tab-separated lines on standard output, also kept in bench/audit/out/.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

baseline=${BASELINE:-8c20684}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
rounds=${ROUNDS:-3}
concurrency=${CONCURRENCY:-16 64}
engines=${ENGINES:-sqlite postgres}
pgurl=${PGURL:-postgres://postgres@127.0.0.1:5432}
port=${PORT:-8098}
url="http://127.0.0.1:$port"
out_dir="$here/out"
mkdir -p "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$out_dir/results-$stamp.tsv"
: >"$results"

say() { echo "== $*" >&2; }
emit() { local IFS=$'\t'; echo "$*" | tee -a "$results"; }

if ! command -v wrk >/dev/null; then
    say "installing wrk"
    apt-get install -y wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
fi

# --- The two binaries ---------------------------------------------------------------------------
new_bin=${1:-$root/target/release/accordo}
if [[ ! -x $new_bin ]]; then
    say "building this checkout (release)"
    cargo build --quiet --release --bin accordo >&2
fi
base_bin=${2:-}
if [[ -z $base_bin ]]; then
    src="$root/target/bench-audit/src-$baseline"
    base_bin="$root/target/bench-audit/target/release/accordo-$baseline"
    if [[ ! -x $base_bin ]]; then
        say "building the baseline $baseline (release, once)"
        [[ -d $src ]] || git worktree add --detach "$src" "$baseline" >&2
        (cd "$src" && CARGO_TARGET_DIR="$root/target/bench-audit/target" cargo build --quiet --release --bin accordo >&2)
        cp "$root/target/bench-audit/target/release/accordo" "$base_bin"
    fi
fi

# --- One run --------------------------------------------------------------------------------------
data=$(mktemp -d /tmp/bench-audit.XXXXXX)
server=""
stop_server() {
    if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    server=""
}
cleanup() {
    stop_server
    rm -rf "$data"
    if [[ $engines == *postgres* ]]; then
        for db in accordo_bench_audit accordo_bench_template_baseline accordo_bench_template_new; do
            psql -q "$pgurl/test" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
        done
    fi
}
trap cleanup EXIT

# Each binary seeds its demo partnership once per engine, into a template; every run starts
# from a copy of it (a directory copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL).
db_args() { # db_args ENGINE WHICH: the database options of a fresh copy of WHICH's template
    case $1 in
    sqlite)
        rm -rf "$data/db"
        cp -r "$data/template-$2" "$data/db"
        echo --data-dir "$data/db"
        ;;
    postgres)
        psql -q "$pgurl/test" -c "DROP DATABASE IF EXISTS accordo_bench_audit" \
            -c "CREATE DATABASE accordo_bench_audit TEMPLATE accordo_bench_template_$2" >/dev/null
        echo --database-url "$pgurl/accordo_bench_audit"
        ;;
    esac
}

make_template() { # make_template ENGINE WHICH BIN: serve --demo once on an empty database
    local args
    case $1 in
    sqlite) args=(--data-dir "$data/template-$2") ;;
    postgres)
        psql -q "$pgurl/test" -c "DROP DATABASE IF EXISTS accordo_bench_template_$2" \
            -c "CREATE DATABASE accordo_bench_template_$2" >/dev/null
        args=(--database-url "$pgurl/accordo_bench_template_$2")
        ;;
    esac
    start "$3" "${args[@]}"
    stop_server
}

start() { # start BIN DBARGS...: serve --demo, wait until ready
    local bin=$1
    shift
    "$bin" "$@" serve --demo --addr "127.0.0.1:$port" >"$data/server.log" 2>&1 &
    server=$!
    for _ in $(seq 240); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/readyz") == 200 ]] && return 0
        kill -0 "$server" 2>/dev/null || break
        sleep 0.5
    done
    echo "server not ready" >&2
    cat "$data/server.log" >&2
    exit 1
}

token() {
    curl -sf -H 'Content-Type: application/json' \
        --data '{"username":"ita.caseworker","password":"accordo-demo"}' "$url/api/v1/auth/token" |
        sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

to_ms() { # wrk's 812.00us / 5.12ms / 1.20s -> milliseconds
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }'
}

measure() { # measure SCRIPT CONCURRENCY: prints "rps p50_ms p99_ms errors"
    local out
    ACCORDO_TOKEN=$tok wrk -t2 -c"$2" -d"${warmup}s" --timeout 10s -s "$here/$1" "$url" >/dev/null
    out=$(ACCORDO_TOKEN=$tok wrk -t2 -c"$2" -d"${duration}s" --timeout 10s --latency -s "$here/$1" "$url")
    echo "$out" >>"$data/wrk.log"
    local rps p50 p99 non2xx timeouts
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    timeouts=$(awk '/Socket errors:/ { print $NF }' <<<"$out")
    echo "$rps $p50 $p99 $((${non2xx:-0} + ${timeouts:-0}))"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

sync_commit=$( [[ $engines == *postgres* ]] && psql -Atq "$pgurl/test" -c "SHOW synchronous_commit" || echo n/a)
say "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), PostgreSQL synchronous_commit=$sync_commit, ${duration}s runs, $rounds rounds"
emit engine workload concurrency binary round writes_per_s p50_ms p99_ms errors chain

for engine in $engines; do
    say "$engine: seeding the demo partnership once per binary"
    make_template "$engine" baseline "$base_bin"
    make_template "$engine" new "$new_bin"
    for c in $concurrency; do
        for round in $(seq "$rounds"); do
            for which in baseline new; do
                bin=$([[ $which == baseline ]] && echo "$base_bin" || echo "$new_bin")
                read -ra args <<<"$(db_args "$engine" "$which")"
                start "$bin" "${args[@]}"
                tok=$(token)
                [[ -n $tok ]] || { echo "no token" >&2; cat "$data/server.log" >&2; exit 1; }
                read -r rps p50 p99 errors <<<"$(measure create_case.lua "$c")"
                stop_server
                # The chain after the load: every entry linked, the head where it should be.
                if "$bin" "${args[@]}" audit verify >"$data/verify.log" 2>&1; then chain=ok; else chain=BROKEN; cat "$data/verify.log" >&2; fi
                emit "$engine" create_case "$c" "$which" "$round" "$rps" "$p50" "$p99" "$errors" "$chain"
            done
        done
    done
    # The read ceiling on the same engine, this code.
    read -ra args <<<"$(db_args "$engine" new)"
    start "$new_bin" "${args[@]}"
    tok=$(token)
    read -r rps p50 p99 errors <<<"$(measure read_me.lua 16)"
    stop_server
    emit "$engine" get_me 16 new 1 "$rps" "$p50" "$p99" "$errors" -
done

say "medians (writes/s, p99 ms) and new/baseline ratios"
for engine in $engines; do
    say "$engine: seeding the demo partnership once per binary"
    make_template "$engine" baseline "$base_bin"
    make_template "$engine" new "$new_bin"
    for c in $concurrency; do
        row=()
        for which in baseline new; do
            rps=$(awk -F'\t' -v e="$engine" -v c="$c" -v w="$which" '$1 == e && $2 == "create_case" && $3 == c && $4 == w { print $6 }' "$results" | median)
            p99=$(awk -F'\t' -v e="$engine" -v c="$c" -v w="$which" '$1 == e && $2 == "create_case" && $3 == c && $4 == w { print $8 }' "$results" | median)
            row+=("$rps" "$p99")
        done
        ratio=$(awk -v a="${row[0]}" -v b="${row[2]}" 'BEGIN { printf "%.2f", b / a }')
        printf '# %-8s c=%-3s baseline %7.0f/s p99 %6.1f ms | new %7.0f/s p99 %6.1f ms | ratio %s\n' \
            "$engine" "$c" "${row[0]}" "${row[1]}" "${row[2]}" "${row[3]}" "$ratio" | tee -a "$results"
    done
done
