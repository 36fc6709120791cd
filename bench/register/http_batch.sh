#!/usr/bin/env bash
# The HTTP batch check's documents per second: `accordo serve --demo` (bench-lto build, SQLite
# in a temporary data dir), one client connection sending batches of 10,000 TD3 MRZs to
# POST /api/v1/documents/check/batch for HTTP_SECONDS (default 20) with no register hits,
# then as long again with 1% of the documents reported. Called by run.sh; runs on its own.
#
# Environment: HTTP_SECONDS, NATIVE=1 (as run.sh), PORT (default: a free one).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
seconds=${HTTP_SECONDS:-20}

if [[ "${NATIVE:-0}" == 1 ]]; then
    export RUSTFLAGS="-C target-cpu=native"
    export CARGO_TARGET_DIR="$root/target/bench-native"
else
    unset RUSTFLAGS
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/register-http.XXXXXX")
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "== http: building accordo (bench-lto; several minutes the first time)" >&2
cargo build --quiet --profile bench-lto -p accordo >&2
accordo="$CARGO_TARGET_DIR/bench-lto/accordo"

# 10,000 valid TD3 MRZs: the MRZ benchmark's generator when it is there, else our own.
mrz_file="$work/td3.txt"
if [[ -f crates/accordo-mrz/examples/bench_td3.rs ]] &&
    cargo build --quiet --profile bench-lto -p accordo-mrz --example bench_td3 >&2 2>/dev/null; then
    "$CARGO_TARGET_DIR/bench-lto/examples/bench_td3" gen 10000 "$mrz_file"
    generator="accordo-mrz example bench_td3"
else
    python3 - "$mrz_file" <<'PY'
import random, sys
# Synthetic TD3 MRZs with ICAO 9303 7-3-1 check digits (fallback generator).
def cd(s):
    v = lambda c: int(c) if c.isdigit() else (0 if c == "<" else ord(c) - 55)
    return str(sum(v(c) * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10)
rng = random.Random(7)
al = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
states = ["ITA", "FRA", "ESP", "GRC", "TUN", "MAR", "EGY", "PAK", "NGA", "TUR"]
out = []
for _ in range(10000):
    st = rng.choice(states)
    l1 = ("P<" + st + "DEMO<<TEST" + "<" * 44)[:44]
    num = rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "".join(rng.choice(al) for _ in range(8))
    dob = f"{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    exp = f"{rng.randint(27, 35):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    pers = "<" * 14
    body = num + cd(num) + st + dob + cd(dob) + rng.choice("MF") + exp + cd(exp) + pers + cd(pers)
    comp = body[0:10] + body[13:20] + body[21:43]
    out.append(l1 + "\n" + body + cd(comp))
open(sys.argv[1], "w").write("\n\n".join(out) + "\n")
PY
    generator="bench/register/http_batch.sh fallback (Python, 7-3-1 check digits)"
fi

port=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
base="http://127.0.0.1:$port"
echo "== http: accordo serve --demo on $base (data in $work/data)" >&2
"$accordo" --data-dir "$work/data" serve --demo --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        tail -20 "$work/server.log" >&2
        exit 1
    fi
    sleep 0.5
done
curl -fsS -o /dev/null "$base/readyz" || { tail -20 "$work/server.log" >&2; exit 1; }

echo "# http batch: $("$accordo" --version 2>/dev/null || echo accordo), SQLite, --demo; MRZs from $generator; ${seconds} s a phase, client and server unpinned on $(nproc) cores"
echo "== http: batches of 10,000 for ${seconds} s, twice" >&2
python3 "$here/http_batch.py" "$base" "$mrz_file" "$seconds"
