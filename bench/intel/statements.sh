#!/usr/bin/env bash
# The SQL statements behind one intel message and behind one return case (ingest.sh's two
# workloads), counted from sqlx's log of every statement (ACCORDO_LOG=sqlx::query=trace):
# where the time of ingest.sh goes. See README.md.
#
#   bench/intel/statements.sh [BIN]     BIN defaults to target/release/accordo
#
# Output: standard output, also written to results/statements.txt.
# PGURL (default postgres://postgres@127.0.0.1:5432): a scratch database
# accordo_bench_intel_statements is created there and dropped. PORT default 8095.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/target/release/accordo}
pgurl=${PGURL:-postgres://postgres@127.0.0.1:5432}
port=${PORT:-8095}
url="http://127.0.0.1:$port"
db=accordo_bench_intel_statements
log=$(mktemp /tmp/bench-intel-statements.XXXXXX)
server=""
cleanup() {
    if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    psql -q "$pgurl/postgres" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    rm -f "$log"
}
trap cleanup EXIT

psql -q "$pgurl/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
ACCORDO_LOG="info,sqlx::query=trace" "$bin" --database-url "$pgurl/$db" serve --demo --addr "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
for _ in $(seq 240); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/readyz") == 200 ]] && break
    sleep 0.5
done
# The demo's forecasts and imports first.
for _ in $(seq 120); do
    [[ $(grep -c "flows forecasts computed" "$log") -ge 2 ]] && break
    sleep 0.5
done
sleep 2

token() {
    curl -sf -H 'Content-Type: application/json' \
        --data "{\"username\":\"$1\",\"password\":\"accordo-demo\"}" "$url/api/v1/auth/token" | jq -r .token
}
officer=$(token ita.officer)
caseworker=$(token ita.caseworker)

# count TITLE TOKEN PATH BODY: the statements logged from the request to 1.5 s after it (the
# audit sealer's batch and the index follower's read included: they are shown apart).
count() {
    local before status
    sleep 1.5
    before=$(wc -l <"$log")
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" \
        -H 'Content-Type: application/json' --data "$4" "$url$3")
    sleep 1.5
    echo "== $1: answered $status"
    tail -n +$((before + 1)) "$log" | sed 's/\x1b\[[0-9;]*m//g' | grep 'sqlx::query' |
        grep -o 'summary="[^"]*"' | sed 's/^summary="//; s/"$//' | cut -c1-60 | sort | uniq -c | sort -rn
    echo "   $(tail -n +$((before + 1)) "$log" | grep -c 'sqlx::query') statements (BEGIN is not logged)"
}

{
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(git -C "$root" rev-parse --short HEAD), PostgreSQL $(psql -Atq "$pgurl/postgres" -c 'SHOW server_version')"
count "one intel message, 5 entities, one hit on the demo's TR-SG record" "$officer" /api/v1/intel/messages \
    '{"subject":"Transfers, report 1","body":"The broker called 0039 06 1234 5671 and was paid through IBAN IT60 X054 2811 1010 0000 0123 456.","tlp":"AMBER","addressees":["ES-PN"],"reliability":"B","credibility":"2","entities":[{"kind":"phone","value":"+92 301 0000001"},{"kind":"email","value":"broker1@example.org"},{"kind":"imo","value":"IMO 9074729"}]}'
count "one intel message, 4 entities, no hit" "$officer" /api/v1/intel/messages \
    '{"subject":"Transfers, report 2","body":"The broker called 0039 06 1234 5672 and was paid through IBAN IT33 X054 2811 1010 0000 0123 457.","tlp":"AMBER","addressees":["ES-PN"],"reliability":"B","credibility":"2","entities":[{"kind":"phone","value":"+92 301 0000002"},{"kind":"email","value":"broker2@example.org"}]}'
count "one return case (bench/audit/create_case.lua's request)" "$caseworker" /api/v1/returns/cases \
    '{"person":{"surname":"BENCH1","given_names":"LOAD 1","claimed_nationality":"TUN"},"asylum":"none"}'
echo "# the sealer's statements (audit_head, audit_pending's pid, audit_log, audit_details, DELETE, one COMMIT)"
echo "# chain a batch of entries after their commits, off the request path; 'SELECT kind, normalised'"
echo "# is the match index's follower reading the keys of the message it heard announced."
} | tee "$here/results/statements.txt"
