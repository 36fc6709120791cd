#!/usr/bin/env bash
# Failed API sign-in timing: a name that exists (wrong password) against a name that does not.
# Both should cost one argon2id verification, so the times should match. See README.md.
#
#   bench/sign-in-timing/run.sh [BINARY]     BINARY defaults to target/release/accordo
#
# Environment: N (requests of each kind, default 200), WARMUP (requests, default 20),
# PORT (default 8099). Needs only bash, curl and awk; builds nothing.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:-$root/target/release/accordo}
n=${N:-200}
warmup=${WARMUP:-20}
url="http://127.0.0.1:${PORT:-8099}"
known=ita.officer     # a demo user
unknown=no.such.user
password=wrong-password-123

[[ -x "$bin" ]] || { echo "no binary at $bin (cargo build --release first)" >&2; exit 1; }
data=$(mktemp -d /tmp/bench-signin-data.XXXXXX)
server=""
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$data"
}
trap cleanup EXIT

# The server trusts 127.0.0.1 as a proxy, so each request can name its own client address in
# X-Forwarded-For: no (username, address) pair and no address comes near the throttle.
"$bin" --data-dir "$data/db" serve --demo --addr "${url#http://}" --trusted-proxy 127.0.0.1 \
    >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 120); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/readyz") == 200 ]] && break
    kill -0 "$server" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
    sleep 0.5
done
[[ $(curl -s -o /dev/null -w '%{http_code}' "$url/readyz") == 200 ]] ||
    { echo "server not ready after 60 s" >&2; cat "$data/server.log" >&2; exit 1; }

seq_no=0
attempt() { # attempt USERNAME FILE: one failed sign-in from a fresh address; appends seconds to FILE
    seq_no=$((seq_no + 1))
    local out
    out=$(curl -s -o "$data/body" -w '%{http_code} %{time_total}' \
        -H 'Content-Type: application/json' \
        -H "X-Forwarded-For: 198.18.$((seq_no / 256)).$((seq_no % 256))" \
        --data "{\"username\":\"$1\",\"password\":\"$password\"}" "$url/api/v1/auth/token")
    if [[ ${out%% *} != 401 ]] || ! grep -q '"invalid_credentials"' "$data/body"; then
        [[ ${out%% *} == 429 ]] && echo "!!! THROTTLED (429) at request $seq_no: the run is invalid" >&2
        echo "!!! unexpected answer to request $seq_no ($1): HTTP ${out%% *}: $(cat "$data/body")" >&2
        exit 1
    fi
    echo "${out#* }" >>"$2"
}

for ((i = 0; i < warmup / 2; i++)); do
    attempt "$known" /dev/null
    attempt "$unknown" /dev/null
done
: >"$data/known"
: >"$data/unknown"
for ((i = 0; i < n; i++)); do # interleaved, so drift on the machine hits both kinds alike
    attempt "$known" "$data/known"
    attempt "$unknown" "$data/unknown"
done

stats() { # stats FILE: min median p90 max, in milliseconds
    sort -g "$1" | awk '{ t[NR] = $1 * 1000 } END {
        m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
        p = int(0.9 * NR); if (p < 0.9 * NR) p++
        printf "%.1f %.1f %.1f %.1f\n", t[1], m, t[p], t[NR] }'
}
read -r k_min k_med k_p90 k_max < <(stats "$data/known")
read -r u_min u_med u_p90 u_max < <(stats "$data/unknown")

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), N=$n each, warm-up $warmup"
printf '%-30s %8s %8s %8s %8s\n' "failed sign-in (ms)" min median p90 max
printf '%-30s %8s %8s %8s %8s\n' "known name ($known)" "$k_min" "$k_med" "$k_p90" "$k_max"
printf '%-30s %8s %8s %8s %8s\n' "unknown name ($unknown)" "$u_min" "$u_med" "$u_p90" "$u_max"
awk -v u="$u_med" -v k="$k_med" 'BEGIN { printf "ratio of medians (unknown / known): %.3f\n", u / k }'
