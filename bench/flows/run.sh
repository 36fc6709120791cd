#!/usr/bin/env bash
# The flows pillar, measured (issue 16 §3): importing Frontex's whole detections file
# (34,273 figures by route, month and nationality) and the totals query over it, against
# sqlite3's own CSV import and GROUP BY on the same file in the same run; and the render
# times of the statistics pages on the demo. See README.md.
#
#   bench/flows/run.sh [BIN]
#
# BIN defaults to target/release/accordo (built here if missing).
# Environment: ROUNDS=k (default 7), QUERIES=n (default 50), PORT (default 8097).
# Needs sqlite3 (apt-get install sqlite3), curl, awk.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
bin=${1:-target/release/accordo}
rounds=${ROUNDS:-7}
queries=${QUERIES:-50}
port=${PORT:-8097}
url="http://127.0.0.1:$port"
file="$root/crates/accordo-flows-app/data/frontex-detections/by_route_nationality_month.csv"

command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
if [ ! -x "$bin" ]; then
    cargo build --release -q
fi
work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# flows: import of $(($(wc -l < "$file") - 1)) figures and the totals over them, $rounds rounds each, interleaved"
: > "$work/accordo-import" ; : > "$work/sqlite-import"
for r in $(seq 1 "$rounds"); do
    # accordo: a fresh database each round (migrations first, not timed), then the import:
    # every row checked (period, route, code, count), one transaction, the audit entry.
    "$bin" --data-dir "$work/a$r" flows import "$root/crates/accordo-flows-app/data/italy-sea-arrivals/yearly.csv" --source ITA > /dev/null
    t0=$(now)
    "$bin" --data-dir "$work/a$r" flows import "$file" --source FRONTEX > /dev/null
    t1=$(now)
    ms "$t0" "$t1" >> "$work/accordo-import"
    # The peer: sqlite3's CSV import into a table with the same key, nothing checked.
    sqlite3 "$work/s$r.db" "CREATE TABLE f (month TEXT, route TEXT, border_type TEXT, nationality_code TEXT, detections INTEGER, PRIMARY KEY (month, route, border_type, nationality_code));"
    t0=$(now)
    sqlite3 "$work/s$r.db" ".import --csv --skip 1 $file f"
    t1=$(now)
    ms "$t0" "$t1" >> "$work/sqlite-import"
done
a=$(median < "$work/accordo-import"); s=$(median < "$work/sqlite-import")
printf 'import\taccordo flows import (checked, audited)\t%s ms\n' "$a"
printf 'import\tsqlite3 .import (unchecked)\t%s ms\n' "$s"
printf 'import\tratio accordo / sqlite3\t%s\n' "$(awk -v a="$a" -v s="$s" 'BEGIN { printf "%.2f", a / s }')"

# The totals query, over HTTP (the server on the last round's database: the import above,
# with the demo's users added by --demo on a fresh directory instead).
"$bin" --data-dir "$work/demo" serve --demo --addr "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 240); do curl -sf "$url/readyz" > /dev/null && break; sleep 0.5; done
# The demo's Frontex figures by nationality arrive in the background: wait for them.
for _ in $(seq 1 240); do grep -q "demo flows imported" "$work/serve.log" && break; sleep 0.5; done
token=$(curl -sf -X POST "$url/api/v1/auth/token" -H 'content-type: application/json' \
    -d '{"username":"ita.analyst","password":"accordo-demo"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
: > "$work/api"; : > "$work/sql"
for _ in $(seq 1 "$queries"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "authorization: Bearer $token" \
        "$url/api/v1/flows/totals?source=FRONTEX&period=year" | awk '{ printf "%.2f\n", $1 * 1000 }' >> "$work/api"
done
# The peer answers the same question from the same published rows (Frontex's totals by route
# and month), timed inside sqlite3 (.timer: no process start).
routes_file="$root/crates/accordo-flows-app/data/frontex-detections/by_route_month.csv"
sqlite3 "$work/s1.db" "CREATE TABLE r (month TEXT, route TEXT, border_type TEXT, detections INTEGER, PRIMARY KEY (month, route, border_type));"
sqlite3 "$work/s1.db" ".import --csv --skip 1 $routes_file r"
for _ in $(seq 1 "$queries"); do
    sqlite3 "$work/s1.db" ".timer on" "SELECT substr(month, 1, 4), SUM(detections) FROM r GROUP BY 1;" \
        | awk '/^Run Time/ { printf "%.3f\n", $4 * 1000 }' >> "$work/sql"
done
a=$(median < "$work/api"); s=$(median < "$work/sql")
printf 'totals\tGET /api/v1/flows/totals?source=FRONTEX&period=year (HTTP round trip, access check, JSON)\t%s ms\n' "$a"
# sqlite3's timer counts whole milliseconds.
[ "$s" = "0" ] && s="< 1"
printf 'totals\tsqlite3 GROUP BY over the same rows (inside sqlite3)\t%s ms\n' "$s"

# The pages, signed in through the form as a browser would.
jar="$work/jar"
csrf=$(curl -sf -c "$jar" -b "$jar" "$url/sign-in" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -sf -c "$jar" -b "$jar" -o /dev/null -d "csrf=$csrf&username=ita.analyst&password=accordo-demo" "$url/sign-in"
for page in /flows /flows/routes/central-mediterranean; do
    : > "$work/page"
    for _ in $(seq 1 "$queries"); do
        curl -sf -b "$jar" -o /dev/null -w '%{time_total}\n' "$url$page" | awk '{ printf "%.2f\n", $1 * 1000 }' >> "$work/page"
    done
    printf 'page\t%s\t%s ms\n' "$page" "$(median < "$work/page")"
done
echo "# machine: $(nproc) cores, $(uname -sr); median of $rounds imports and of $queries queries and page loads"
