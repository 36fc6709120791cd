#!/usr/bin/env bash
# Click-day load: pre-fill N applications, submit them all in one burst, then a second run
# killed with SIGKILL in the middle of its burst, restarted, and checked. See README.md.
#
#   bench/pathways/run.sh [N] [ENGINE...]        (N default 700000; ENGINE sqlite, postgres)
#
# Environment: CONNS (64) connections of the generator; KILL_N (N) applications of the
# killed run; KILL_AFTER (KILL_N/2) acknowledgements before the kill; VERIFY (1) re-submits
# every id of the first run after its burst and checks the positions; PORT (8097);
# BIN (target/release/accordo); PG_URL (postgres://postgres@127.0.0.1:5432);
# PHASES ("throughput kill") chooses the runs; BUILD (1) builds what is missing or stale;
# PREFILL (api up to 20000, sql above): how the applications are pre-filled (sql: one
# through the API, cloned in the database; README.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
N="${1:-700000}"
shift || true
ENGINES=("${@}")
[ ${#ENGINES[@]} -eq 0 ] && ENGINES=(sqlite postgres)
CONNS="${CONNS:-64}"
KILL_N="${KILL_N:-$N}"
KILL_AFTER="${KILL_AFTER:-$((KILL_N / 2))}"
VERIFY="${VERIFY:-1}"
PORT="${PORT:-8097}"
DEFAULT_BIN="$root/target/release/accordo"
BIN="${BIN:-$DEFAULT_BIN}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
BUILD="${BUILD:-1}"
PHASES="${PHASES:-throughput kill}"
if [ "$N" -le 20000 ]; then PREFILL="${PREFILL:-api}"; else PREFILL="${PREFILL:-sql}"; fi
export CARGO_TARGET_DIR="$here/target"
LOADGEN="$CARGO_TARGET_DIR/release/pathways-loadgen"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$here/results/$stamp-n$N"
mkdir -p "$out"
summary="$out/summary.txt"

say() { echo "== $*" >&2; }

# ---- build -----------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
  head_time="$(git -C "$root" log -1 --format=%ct)"
  if [ "$BIN" = "$DEFAULT_BIN" ] && { [ ! -x "$BIN" ] || [ "$(stat -c %Y "$BIN")" -lt "$head_time" ]; }; then
    say "building accordo (release, nice)"
    (cd "$root" && nice -n 10 cargo build --release -p accordo)
  fi
  say "building the load generator (release, nice)"
  (cd "$here/loadgen" && nice -n 10 cargo build --release --quiet)
fi
[ -x "$BIN" ] || { echo "no server binary at $BIN" >&2; exit 2; }
[ -x "$LOADGEN" ] || { echo "no load generator at $LOADGEN" >&2; exit 2; }

# ---- the server ------------------------------------------------------------------------
SPID=""
start_server() { # data_dir database_url(or "") log
  local args=(--data-dir "$1")
  [ -n "$2" ] && args+=(--database-url "$2")
  "$BIN" "${args[@]}" serve --demo --addr "127.0.0.1:$PORT" >>"$3" 2>&1 &
  SPID=$!
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null; then return 0; fi
    kill -0 "$SPID" 2>/dev/null || { echo "the server exited; see $3" >&2; tail -20 "$3" >&2; exit 2; }
    sleep 0.2
  done
  echo "the server was not ready within 120 s; see $3" >&2
  exit 2
}
stop_server() {
  [ -n "$SPID" ] || return 0
  if kill -0 "$SPID" 2>/dev/null; then
    kill -TERM "$SPID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SPID" 2>/dev/null || true
  fi
  wait "$SPID" 2>/dev/null || true
  SPID=""
}
DBS=()
DIRS=()
cleanup() {
  stop_server
  [ -n "${TOPPID:-}" ] && kill "$TOPPID" 2>/dev/null || true
  for db in "${DBS[@]}"; do
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  done
  for d in "${DIRS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT

# A fresh database for an engine: sets DATA_DIR and DB_URL.
fresh() { # engine tag
  DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/clickbench-$1-XXXXXX")"
  DIRS+=("$DATA_DIR")
  DB_URL=""
  if [ "$1" = postgres ]; then
    local db="clickbench_${stamp,,}_$2_$$"
    db="${db//[^a-z0-9_]/_}"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" >/dev/null
    DBS+=("$db")
    DB_URL="${PG_URL%/}/$db"
  fi
}

# ---- CPU accounting (from /proc, in clock ticks) -----------------------------------------
HZ="$(getconf CLK_TCK)"
ticks_of() { # pids...: utime+stime summed
  local t=0 p f
  for p in "$@"; do
    f="$(cat "/proc/$p/stat" 2>/dev/null)" || continue
    f="${f##*) }"
    set -- $f
    t=$((t + ${12} + ${13}))
  done
  echo "$t"
}
pg_pids() { pgrep -u postgres 2>/dev/null | tr '\n' ' '; }
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8; exit}' /proc/stat; }
top_snapshots() { # file: a top snapshot every 10 s until killed
  while true; do
    sleep 10
    { date -u +%T; top -b -n 1 -w 160 | head -16; echo; } >>"$1"
  done
}

# Pre-fills COUNT applications into IDS, the generator's output in OUT (a RESULT line).
prefill() { # engine count ids out err
  local engine="$1" count="$2" ids="$3" outf="$4" errf="$5"
  if [ "$PREFILL" = api ]; then
    "$LOADGEN" --addr "127.0.0.1:$PORT" --conns "$CONNS" prefill "$count" --ids "$ids" \
      2> >(tee "$errf" >&2) | tee "$outf"
    return
  fi
  # One through the API (the server's rules, its audit entry), then cloned in the database.
  local t0 t1 seed
  t0="$(date +%s.%N)"
  "$LOADGEN" --addr "127.0.0.1:$PORT" --conns 1 prefill 1 --ids "$ids" 2>"$errf" >/dev/null
  seed="$(head -1 "$ids")"
  if [ "$engine" = postgres ]; then
    psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d "${DB_URL##*/}" -At -c "
      WITH ins AS (
        INSERT INTO pathways_applications (id, code, $CLONE_COLS, created_at)
        SELECT gen_random_uuid()::text, 'BENCH-' || lpad(g::text, 9, '0'), $CLONE_COLS, created_at + g
        FROM pathways_applications, generate_series(1, $((count - 1))) g WHERE id = '$seed'
        RETURNING id)
      SELECT id FROM ins" >>"$ids"
  else
    python3 "$here/clone.py" "$DATA_DIR/accordo.db" "$seed" "$((count - 1))" >>"$ids"
  fi
  t1="$(date +%s.%N)"
  echo "RESULT prefill created=$(wc -l <"$ids") wanted=$count wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') mode=sql" | tee "$outf"
}
CLONE_COLS="owner_agency, window_id, worker_name, worker_birth_date, worker_nationality, worker_mrz, worker_document, contract, monthly_wage_eur, months, province, certificate_code, created_by"

field() { # file phase key
  grep "^RESULT $2 " "$1" | tail -1 | tr ' ' '\n' | sed -n "s/^$3=//p"
}

# ---- one engine ------------------------------------------------------------------------
run_engine() {
  local engine="$1" e="$out/$engine"
  mkdir -p "$e"
  local slog="$e/server.log"

  if [ "$engine" = postgres ]; then
    echo "postgres synchronous_commit=$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW synchronous_commit') fsync=$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW fsync')" | tee -a "$summary" >&2
  fi
  local verify="-" kcheck="-"
  if [[ " $PHASES " == *" throughput "* ]]; then
  say "$engine: throughput run, N=$N"
  fresh "$engine" a
  start_server "$DATA_DIR" "$DB_URL" "$slog"
  say "$engine: pre-filling $N ($PREFILL)"
  prefill "$engine" "$N" "$e/a.ids" "$e/prefill.out" "$e/prefill.err"
  # The burst, with CPU seconds of the server, the generator and PostgreSQL over it.
  local pg0 s0 m0 t0
  pg0="$(ticks_of $(pg_pids))"; s0="$(ticks_of "$SPID")"; m0="$(machine_busy)"; t0="$(date +%s.%N)"
  top_snapshots "$e/top-burst.txt" & TOPPID=$!
  "$LOADGEN" --addr "127.0.0.1:$PORT" --conns "$CONNS" burst --ids "$e/a.ids" --log "$e/a.acks" \
    2> >(tee "$e/burst.err" >&2) | tee "$e/burst.out" &
  local bpid=$! gpid
  sleep 0.5
  gpid="$(pgrep -n -f "pathways-loadgen.*burst --ids $e/a.ids" || true)"
  local g0=0 g1=0
  [ -n "$gpid" ] && g0="$(ticks_of "$gpid")"
  # Sample the generator's ticks until it exits (its /proc entry goes with it).
  while [ -n "$gpid" ] && kill -0 "$gpid" 2>/dev/null; do
    g1="$(ticks_of "$gpid")"; sleep 0.5
  done
  wait "$bpid" || true
  kill "$TOPPID" 2>/dev/null || true; TOPPID=""
  local pg1 s1 m1 t1
  pg1="$(ticks_of $(pg_pids))"; s1="$(ticks_of "$SPID")"; m1="$(machine_busy)"; t1="$(date +%s.%N)"
  awk -v hz="$HZ" -v s=$((s1 - s0)) -v g=$((g1 - g0)) -v p=$((pg1 - pg0)) -v m=$((m1 - m0)) -v t0="$t0" -v t1="$t1" \
    'BEGIN { dt = t1 - t0; printf "CPU over the burst (%.1f s wall, 2 cores = %.1f core-s): server %.1f s, generator %.1f s (from 0.5 s), postgres %.1f s, whole machine busy %.1f s (others %.1f s)\n", dt, 2*dt, s/hz, g/hz, p/hz, m/hz, (m-s-g-p)/hz }' \
    | tee "$e/cpu.txt" >&2
  if [ "$VERIFY" = 1 ]; then
    say "$engine: re-submitting every id (same keys) to check the positions"
    if "$LOADGEN" --addr "127.0.0.1:$PORT" --conns "$CONNS" check --ids "$e/a.ids" --log "$e/a.acks" \
      2> >(tee "$e/verify.err" >&2) | tee "$e/verify.out"; then verify=ok; else verify=FAILED; fi
  fi
  stop_server
  if grep -E 'ERROR|WARN' "$slog" | grep -qv readyz; then
    say "$engine: warnings or errors in the server log (besides /readyz's 503 while starting):"
    grep -E 'ERROR|WARN' "$slog" | grep -v readyz | head -5 >&2
  fi
  fi

  if [[ " $PHASES " == *" kill "* ]]; then
  say "$engine: kill -9 run, N=$KILL_N, kill after $KILL_AFTER acknowledgements"
  fresh "$engine" b
  local klog="$e/server-kill.log"
  start_server "$DATA_DIR" "$DB_URL" "$klog"
  say "$engine: pre-filling $KILL_N ($PREFILL)"
  prefill "$engine" "$KILL_N" "$e/b.ids" "$e/kill-prefill.out" "$e/kill-prefill.err"
  "$LOADGEN" --addr "127.0.0.1:$PORT" --conns "$CONNS" burst --ids "$e/b.ids" --log "$e/b.acks" \
    --kill-pid "$SPID" --kill-after "$KILL_AFTER" \
    2> >(tee "$e/kill-burst.err" >&2) | tee "$e/kill-burst.out" || true
  wait "$SPID" 2>/dev/null || true
  SPID=""
  say "$engine: restarting on the same data, then checking every id"
  start_server "$DATA_DIR" "$DB_URL" "$klog"

  if "$LOADGEN" --addr "127.0.0.1:$PORT" --conns "$CONNS" check --ids "$e/b.ids" --log "$e/b.acks" \
    2> >(tee "$e/kill-check.err" >&2) | tee "$e/kill-check.out"; then kcheck=ok; else kcheck=FAILED; fi
  stop_server
  if grep -E 'ERROR|WARN' "$klog" | grep -qv readyz; then
    say "$engine: warnings or errors in the killed run's server log (besides /readyz's 503 while starting):"
    grep -E 'ERROR|WARN' "$klog" | grep -v readyz | head -5 >&2
  fi
  fi

  local ko="$e/kill-burst.out" kc="$e/kill-check.out"
  printf '%-8s %8s %9s %8s %7s %8s %7s %7s %7s | %7s %7s %7s %8s %7s\n' \
    "$engine" "$N" "$(field "$e/prefill.out" prefill wall_s)" "$(field "$e/burst.out" burst wall_s)" \
    "$(field "$e/burst.out" burst rate)" "$(field "$e/burst.out" burst min5s_rate)" \
    "$(field "$e/burst.out" burst p50_ms)" "$(field "$e/burst.out" burst p99_ms)" "$verify" \
    "$KILL_N" "$(field "$ko" burst acked)" "$(field "$kc" check written_unacked)" \
    "$(field "$kc" check mismatched)/$(field "$kc" check duplicates)/$(field "$kc" check gaps)" "$kcheck" \
    >>"$e/row.txt"
}

for engine in "${ENGINES[@]}"; do
  case "$engine" in sqlite | postgres) run_engine "$engine" ;; *) echo "unknown engine $engine" >&2; exit 2 ;; esac
done

{
  echo
  echo "server $BIN ($(stat -c %y "$BIN" | cut -d. -f1)), workspace HEAD $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, CONNS=$CONNS, PREFILL=$PREFILL, $(date -u +%FT%TZ)"
  printf '%-8s %8s %9s %8s %7s %8s %7s %7s %7s | %7s %7s %7s %8s %7s\n' \
    engine N prefill_s burst_s acks/s min5s/s p50_ms p99_ms verify kill_N acked unacked_w mis/dup/gap kill9
  for engine in "${ENGINES[@]}"; do cat "$out/$engine/row.txt"; done
  for engine in "${ENGINES[@]}"; do [ -f "$out/$engine/cpu.txt" ] && echo "$engine: $(cat "$out/$engine/cpu.txt")"; done
} | tee -a "$summary"
echo "results in $out" >&2
