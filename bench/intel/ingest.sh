#!/usr/bin/env bash
# Ingestion over HTTP (issue 18 §5): intel messages per second, each with extraction from its
# text, checking and normalising of its entities, hit/no-hit matching, its audit entry and
# its notices, on SQLite and on PostgreSQL (synchronous_commit on), at concurrency 16 and 64;
# beside it, in the same run and on the same server, the platform's simplest audited write
# (bench/audit/create_case.lua: one return case and its audit entry). See README.md.
#
#   bench/intel/ingest.sh [BIN]
#
# BIN defaults to target/release/accordo, built here (cargo build --release -p accordo) when
# it is missing or older than the last commit touching crates/.
#
# Environment:
#   DURATION=s        measured seconds per run (default 12), after WARMUP=s (default 3)
#   ROUNDS=k          runs of each (engine, concurrency, workload), interleaved (default 3)
#   CONCURRENCY="16 64"   connections kept busy by wrk (2 threads; a closed loop)
#   ENGINES="sqlite postgres"
#   WORKLOADS="ingest create_case"   (also: me, GET /api/v1/me, the read ceiling)
#   BEFORE=path       another build of accordo (e.g. an earlier commit's) to compare with in
#                     the same run: adds the workload ingest_before, the same messages sent to a
#                     server of that build, interleaved with the others
#   PGURL             default postgres://postgres@127.0.0.1:5432 (trust auth); scratch
#                     databases accordo_bench_intel and accordo_bench_intel_template are
#                     created there and dropped at the end
#   PORT              default 8097
#   PERF=1            also record a system-wide CPU profile (perf) during the first measured
#                     ingestion run on each engine: results/ingest-perf-ENGINE.txt
# Needs wrk (installed with apt-get when missing and run as root), curl, jq, psql, sqlite3.
# Results: tab-separated lines on standard output, also written to results/ingest.tsv.
# Exits non-zero if any answer was not 201 (ingest) or not 2xx (the others).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

duration=${DURATION:-12}
warmup=${WARMUP:-3}
rounds=${ROUNDS:-3}
concurrency=${CONCURRENCY:-16 64}
engines=${ENGINES:-sqlite postgres}
before_bin=${BEFORE:-}
if [[ -n $before_bin ]]; then
    workloads=${WORKLOADS:-ingest ingest_before create_case}
else
    workloads=${WORKLOADS:-ingest create_case}
fi
pgurl=${PGURL:-postgres://postgres@127.0.0.1:5432}
port=${PORT:-8097}
url="http://127.0.0.1:$port"
mkdir -p "$here/results"
results="$here/results/ingest.tsv"
run_db=accordo_bench_intel
template_db=accordo_bench_intel_template

say() { echo "== $*" >&2; }
emit() { local IFS=$'\t'; echo "$*" | tee -a "$results"; }

if ! command -v wrk >/dev/null; then
    say "installing wrk"
    apt-get install -y wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
fi
for tool in curl jq; do command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 1; }; done
[[ $engines != *postgres* ]] || command -v psql >/dev/null || { echo "psql is missing" >&2; exit 1; }
[[ $engines != *sqlite* ]] || command -v sqlite3 >/dev/null || { echo "sqlite3 is missing" >&2; exit 1; }

# --- The binary -----------------------------------------------------------------------------------
bin=${1:-$root/target/release/accordo}
if [[ -z ${1:-} ]]; then
    last_change=$(git log -1 --format=%ct -- crates Cargo.toml Cargo.lock 2>/dev/null || echo 0)
    if [[ ! -x $bin ]] || (($(stat -c %Y "$bin") < last_change)); then
        say "building target/release/accordo (cargo build --release -p accordo; minutes on 2 cores)"
        cargo build --quiet --release -p accordo >&2
    fi
fi

# --- Servers and databases --------------------------------------------------------------------------
data=$(mktemp -d /tmp/bench-intel.XXXXXX)
server=""
stop_server() {
    if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    server=""
}
cleanup() {
    stop_server
    rm -rf "$data"
    if [[ $engines == *postgres* ]]; then
        for db in $run_db $template_db; do
            psql -q "$pgurl/postgres" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
        done
    fi
}
trap cleanup EXIT

start() { # start DBARGS...: serve --demo, wait until ready
    "${server_bin:-$bin}" "$@" serve --demo --addr "127.0.0.1:$port" >"$data/server.log" 2>&1 &
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

# serve --demo computes the flows pillar's forecasts in the background when it starts (a few
# seconds of both cores): the load starts when they are done and the server is idle.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
wait_idle() {
    local before after
    for _ in $(seq 120); do
        grep -q "flows forecasts computed" "$data/server.log" && break
        sleep 0.25
    done
    before=$(cpu_ticks)
    for _ in $(seq 60); do
        sleep 0.5
        after=$(cpu_ticks)
        ((after - before <= 2)) && return 0
        before=$after
    done
    say "the server did not become idle; measuring anyway"
}

# The demo partnership (and its intel messages, with their hits) is seeded once per engine
# into a template; every run starts from a copy of it.
make_template() { # make_template ENGINE
    case $1 in
    sqlite) start --data-dir "$data/template" ;;
    postgres)
        psql -q "$pgurl/postgres" -c "DROP DATABASE IF EXISTS $template_db" \
            -c "CREATE DATABASE $template_db" >/dev/null
        start --database-url "$pgurl/$template_db"
        ;;
    esac
    stop_server
}

db_args() { # db_args ENGINE: the options of a fresh copy of the template
    case $1 in
    sqlite)
        rm -rf "$data/db"
        cp -r "$data/template" "$data/db"
        echo --data-dir "$data/db"
        ;;
    postgres)
        psql -q "$pgurl/postgres" -c "DROP DATABASE IF EXISTS $run_db" \
            -c "CREATE DATABASE $run_db TEMPLATE $template_db" >/dev/null
        echo --database-url "$pgurl/$run_db"
        ;;
    esac
}

sql() { # sql ENGINE QUERY: one value
    case $1 in
    sqlite) sqlite3 "$(ls "$data"/db/*.db "$data"/db/*.sqlite* 2>/dev/null | grep -v -- '-wal$\|-shm$' | head -1)" "$2" ;;
    postgres) psql -Atq "$pgurl/$run_db" -c "$2" ;;
    esac
}

token() { # token USERNAME
    curl -sf -H 'Content-Type: application/json' \
        --data "{\"username\":\"$1\",\"password\":\"accordo-demo\"}" "$url/api/v1/auth/token" |
        jq -r '.token // empty'
}

# One message by hand before any load: it must be answered 201, with its entities valid and
# the hit on the demo's Turkish record.
smoke() {
    local answer status
    answer=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
        --data '{"subject":"Smoke test","body":"The broker called 0039 06 1234 5678 and was paid through IBAN IT60 X054 2811 1010 0000 0123 456.","tlp":"AMBER","addressees":["ES-PN"],"reliability":"B","credibility":"2","entities":[{"kind":"phone","value":"+92 301 0000001"},{"kind":"email","value":"broker1@example.org"},{"kind":"imo","value":"IMO 9074729"}]}' \
        "$url/api/v1/intel/messages")
    status=$(tail -1 <<<"$answer")
    answer=$(sed '$d' <<<"$answer")
    if [[ $status != 201 ]]; then
        echo "POST /api/v1/intel/messages answered $status: $answer" >&2
        exit 1
    fi
    say "one message by hand: 201; entities $(jq -c '[.entities[] | "\(.kind) \(.normalised // "INVALID") \(.source)"]' <<<"$answer"); hits $(jq -c '[.hits[] | "\(.entity.kind) \(.entity.normalised) with \(.other_agency) \(.other_tlp)"]' <<<"$answer")"
    if jq -e '[.entities[] | select(.valid | not)] | length > 0' <<<"$answer" >/dev/null || [[ $(jq '.entities | length' <<<"$answer") != 5 ]]; then
        echo "expected five valid entities: $answer" >&2
        exit 1
    fi
}

to_ms() { # wrk's 812.00us / 5.12ms / 1.20s -> milliseconds
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }'
}

perf_out=""
measure() { # measure WORKLOAD CONCURRENCY: prints "rps p50_ms p99_ms errors"
    local script out
    case $1 in
    ingest | ingest_before) script=$here/ingest.lua ;;
    create_case) script=$root/bench/audit/create_case.lua ;;
    me) script=$root/bench/audit/read_me.lua ;;
    esac
    ACCORDO_TOKEN=$tok INGEST_BASE=0 wrk -t2 -c"$2" -d"${warmup}s" --timeout 10s -s "$script" "$url" >/dev/null
    if [[ -n $perf_out ]]; then
        # System-wide: the server, PostgreSQL's backends, wrk and the kernel, from the 2nd second.
        (sleep 2 && perf record ${PERF_ARGS:-} -a -F 499 -o "$data/perf.data" -- sleep $((duration - 4)) >/dev/null 2>&1) &
    fi
    out=$(ACCORDO_TOKEN=$tok INGEST_BASE=1 wrk -t2 -c"$2" -d"${duration}s" --timeout 10s --latency -s "$script" "$url")
    wait
    echo "$out" >>"$data/wrk.log"
    local rps p50 p99 non2xx sockets non201
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    sockets=$(awk '/Socket errors:/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' <<<"$out")
    non201=$(awk '/^non-201:/ { print $2 }' <<<"$out")
    # ingest.lua counts every answer but 201; the others, wrk's non-2xx. Plus socket errors.
    local errors=$((${sockets:-0} + ${non201:-${non2xx:-0}}))
    echo "$rps $p50 $p99 $errors"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

sync_commit=n/a
pg_version=n/a
if [[ $engines == *postgres* ]]; then
    sync_commit=$(psql -Atq "$pgurl/postgres" -c "SHOW synchronous_commit")
    pg_version=$(psql -Atq "$pgurl/postgres" -c "SHOW server_version")
fi
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
: >"$results"
{
    echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(git rev-parse --short HEAD) $(nproc) cores ($cpu), load $(cut -d' ' -f1-3 /proc/loadavg) at start;" \
        "PostgreSQL $pg_version synchronous_commit=$sync_commit; wrk -t2, ${warmup}s warm-up + ${duration}s measured, $rounds rounds"
} | tee -a "$results" >&2
# entities, hits, notices: rows written per message during the run (warm-up included);
# chain: accordo audit verify on the database after the run.
emit engine workload concurrency round per_s p50_ms p99_ms errors chain entities_per_msg hits_per_msg notices_per_msg
failed=0

for engine in $engines; do
    say "$engine: seeding the demo partnership into a template"
    make_template "$engine"
    profiled=""
    smoked=""
    for c in $concurrency; do
        for round in $(seq "$rounds"); do
            for workload in $workloads; do
                read -ra args <<<"$(db_args "$engine")"
                if [[ $engine == postgres && $round == 1 && $c == "${concurrency%% *}" && $workload == "${workloads%% *}" ]]; then
                    say "postgres: SHOW synchronous_commit on $run_db: $(sql postgres 'SHOW synchronous_commit')"
                fi
                server_bin=$bin
                [[ $workload != ingest_before ]] || server_bin=$before_bin
                start "${args[@]}"
                case $workload in
                ingest*) tok=$(token ita.officer) ;;
                *) tok=$(token ita.caseworker) ;;
                esac
                [[ -n $tok ]] || { echo "no token" >&2; cat "$data/server.log" >&2; exit 1; }
                wait_idle
                per_msg=(- - -)
                if [[ $workload == ingest* ]]; then
                    if [[ -z $smoked ]]; then smoke; smoked=1; fi
                    m0=$(sql "$engine" "SELECT count(*) FROM intel_messages")
                    e0=$(sql "$engine" "SELECT count(*) FROM intel_entities")
                    h0=$(sql "$engine" "SELECT count(*) FROM intel_hits")
                    n0=$(sql "$engine" "SELECT count(*) FROM notifications")
                fi
                perf_out=""
                if [[ ${PERF:-0} == 1 && $workload == ingest && -z $profiled ]] && command -v perf >/dev/null; then
                    perf_out="$here/results/ingest-perf-$engine.txt"
                    profiled=1
                fi
                say "$engine $workload c=$c round $round"
                read -r rps p50 p99 errors <<<"$(measure "$workload" "$c")"
                if [[ $workload == ingest* ]]; then
                    m1=$(sql "$engine" "SELECT count(*) FROM intel_messages")
                    e1=$(sql "$engine" "SELECT count(*) FROM intel_entities")
                    h1=$(sql "$engine" "SELECT count(*) FROM intel_hits")
                    n1=$(sql "$engine" "SELECT count(*) FROM notifications")
                    per_msg=($(awk -v m=$((m1 - m0)) -v e=$((e1 - e0)) -v h=$((h1 - h0)) -v n=$((n1 - n0)) \
                        'BEGIN { if (m == 0) m = 1; printf "%.2f %.3f %.3f", e / m, h / m, n / m }'))
                fi
                stop_server
                if "$bin" "${args[@]}" audit verify >"$data/verify.log" 2>&1; then chain=ok; else chain=BROKEN; cat "$data/verify.log" >&2; fi
                emit "$engine" "$workload" "$c" "$round" "$rps" "$p50" "$p99" "$errors" "$chain" "${per_msg[@]}"
                if [[ $errors != 0 || $chain != ok ]]; then
                    failed=$((failed + 1))
                    say "FAILED: $errors answers were not 201/2xx (or the chain is broken); the server's log ends:"
                    tail -20 "$data/server.log" >&2
                fi
                if [[ -n $perf_out ]]; then
                    (
                        set +e +o pipefail
                        top() { grep -v '^#' | grep -v '^$' | head -"$1"; }
                        report() { perf report -i "$data/perf.data" --stdio "$@" 2>/dev/null; }
                        echo "# perf record -a -F 499 during ingest on $engine, c=$c, $(date -u +%Y-%m-%dT%H:%MZ); $rps messages/s in that run"
                        echo "# (system-wide: other processes on the machine show here too; the server is the dso accordo)"
                        echo "## CPU by command and binary"
                        report --sort comm,dso | top 20
                        echo "## the server's own code (dso accordo, without the kernel and libc) by part, % of its samples"
                        report --dsos accordo --sort sym --percent-limit 0 | grep '%' | awk '
                            { p = $1; sub(/%/, "", p); $1 = ""; $2 = ""; s = tolower($0)
                              if (s ~ /sqlite3|pcache|^ *wal|btree|getcell|getpage|vdbe|pager/) k = "SQLite (the library, linked in)"
                              else if (s ~ /regex|aho_corasick|phonenumber|nom::|iban|accordo_intel::/) k = "extraction and normalisation (regex, phonenumber, iban)"
                              else if (s ~ /sqlx/) k = "sqlx (drivers, Any rows, pool, statement cache)"
                              else if (s ~ /argon2|blake2/) k = "argon2 (the sign-in before the load)"
                              else if (s ~ /tokio|hyper|axum|tower|futures|mio::|flume|h1::|http::/) k = "tokio, hyper, axum, futures (I/O and tasks)"
                              else if (s ~ /serde|json/) k = "serde, JSON"
                              else if (s ~ /tracing/) k = "tracing"
                              else if (s ~ /forecast|stlrs|nelder/) k = "the flows forecasts (background)"
                              else k = "other (allocation, formatting, hashing, the services)"
                              sum[k] += p; total += p }
                            END { for (k in sum) printf "%6.1f %%  %s\n", 100 * sum[k] / total, k }' | sort -rn
                        echo "## the server's hottest symbols (dso accordo; % of all samples)"
                        report --dsos accordo --sort sym --percent-limit 0.1 | top 40
                        echo "## PostgreSQL's hottest symbols (comm postgres)"
                        report --comms postgres --sort dso,sym | top 30
                    ) >"$perf_out"
                    say "profile written to $perf_out"
                fi
            done
        done
    done
done

say "medians: per second, p99 ms; ingest / create_case"
for engine in $engines; do
    for c in $concurrency; do
        line="# $engine c=$c"
        declare -A med=()
        for workload in $workloads; do
            rps=$(awk -F'\t' -v e="$engine" -v c="$c" -v w="$workload" '$1 == e && $2 == w && $3 == c { print $5 }' "$results" | median)
            p99=$(awk -F'\t' -v e="$engine" -v c="$c" -v w="$workload" '$1 == e && $2 == w && $3 == c { print $7 }' "$results" | median)
            med[$workload]=$rps
            line+=$(printf ' | %s %.0f/s p99 %.1f ms' "$workload" "$rps" "$p99")
        done
        if [[ -n ${med[ingest]:-} && -n ${med[ingest_before]:-} ]]; then
            line+=$(awk -v a="${med[ingest]}" -v b="${med[ingest_before]}" 'BEGIN { printf " | ingest / ingest_before %.2f", a / b }')
        fi
        if [[ -n ${med[ingest]:-} && -n ${med[create_case]:-} ]]; then
            line+=$(awk -v a="${med[ingest]}" -v b="${med[create_case]}" 'BEGIN { printf " | ratio %.2f", a / b }')
        fi
        echo "$line" | tee -a "$results"
        unset med
    done
done
if ((failed)); then
    echo "FAILED: $failed run(s) had answers other than 201/2xx or a broken chain; see above" >&2
    exit 1
fi
