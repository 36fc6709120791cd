"""Speed of `accordo flows forecast-file` against statsforecast's AutoETS, one core each (issue 17
§3): 10,000 synthetic monthly series of 120 points (seeded; level, trend, multiplicative
seasonality of period 12 and noise, clipped at 0), forecast 12 months ahead with 80% and 95%
intervals.

  (a) ours, one model forced, no backtest: `--model NAME` for every model the CLI accepts;
  (b) ours, the whole selection pipeline: `--model auto` (rolling-origin backtest of every
      candidate, then the chosen model's fit);
  (c) statsforecast 2.1.1 AutoETS(season_length=12), StatsForecast(..., n_jobs=1).forecast.
Targets: (a) at least 10x faster than (c); (b) at least 3x faster than (c).

Ours is timed as the whole CLI process under `taskset -c 0` (reading and checking the CSV,
forecasting, writing the answer). statsforecast is timed in this process pinned to core 0
(sched_setaffinity; BLAS/OpenMP threads 1), the `forecast` call only: the data frame is built
before the clock starts, and a warm-up forecast on a few series is run first so that one-off
costs (imports, first calls, and numba compilation in versions that use it; 2.1.1's ETS is
C++ and has none) are not counted.

Each is run RUNS times (default 3) and the median is reported. A method whose first run on the
first 1,000 series projects to more than --budget seconds (default 600) for the 10,000 is timed
on those 1,000 series only and scaled by 10 (the series are independent, so the time is linear
in their number); the table says which.

    bench/flows/forecast.sh speed [--bin PATH] [--series 10000] [--runs 3] [--budget 600]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forecast_common as fc  # noqa: E402

POINTS = 120
M = 12


def synthetic(n, seed=17):
    """n monthly series of POINTS values: level * (1 + slope t) * (1 + amp sin(2 pi t / 12 +
    phase)) + noise, clipped at 0, rounded to 0.1."""
    rng = np.random.default_rng(seed)
    t = np.arange(POINTS)
    out = []
    for i in range(n):
        level = rng.uniform(50, 5000)
        slope = rng.uniform(-0.004, 0.012)
        amp = rng.uniform(0.05, 0.5)
        phase = rng.uniform(0, 2 * np.pi)
        noise = rng.uniform(0.02, 0.2)
        base = level * np.maximum(1 + slope * t, 0.1)
        y = base * (1 + amp * np.sin(2 * np.pi * t / M + phase)) + rng.normal(0, noise * level, POINTS)
        out.append((f"s{i:05d}", 2010, 1, np.round(np.maximum(y, 0.0), 1)))
    return out


def time_ours(bin_path, csv_path, h, model, out_path):
    secs, rc, err = fc.run_cli(bin_path, csv_path, h, model, out_path, cpu=0)
    if rc != 0:
        raise SystemExit(f"accordo --model {model} failed: {err}")
    return secs


def time_sf(df, h):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS
    sf = StatsForecast(models=[AutoETS(season_length=M)], freq=1, n_jobs=1)
    t0 = time.perf_counter()
    sf.forecast(df=df, h=h, level=list(fc.LEVELS))
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=fc.DEFAULT_BIN)
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--horizon", type=int, default=12)
    ap.add_argument("--budget", type=float, default=600.0,
                    help="seconds one full run may take before the method is timed on 1,000 series and scaled")
    ap.add_argument("--out", default=os.path.join(fc.RESULTS, "speed.md"))
    args = ap.parse_args()
    os.sched_setaffinity(0, {0})
    models = fc.our_models(args.bin)
    series = synthetic(args.series)
    sub_n = min(1000, args.series)
    sub = series[:sub_n]
    h = args.horizon
    print(f"our models: auto + {', '.join(models)}; {args.series} series of {POINTS} points, "
          f"h={h}, {args.runs} runs", flush=True)

    with tempfile.TemporaryDirectory() as work:
        full_csv = os.path.join(work, "full.csv")
        sub_csv = os.path.join(work, "sub.csv")
        fc.write_long_csv(full_csv, series)
        fc.write_long_csv(sub_csv, sub)
        out = os.path.join(work, "out.csv")
        df_full = fc.long_frame(series)
        df_sub = fc.long_frame(sub)

        # Warm-up: the binary and the files into the page cache; statsforecast's first calls.
        time_ours(args.bin, sub_csv, h, models[0], out)
        time_sf(fc.long_frame(series[:20]), h)

        methods = [("ours", m) for m in models] + [("ours", "auto"), ("statsforecast", "AutoETS")]
        plan = {}
        for kind, m in methods:
            t = time_ours(args.bin, sub_csv, h, m, out) if kind == "ours" else time_sf(df_sub, h)
            proj = t * args.series / sub_n
            scaled = proj > args.budget and args.series > sub_n
            plan[(kind, m)] = (scaled, [t] if scaled else [])
            print(f"  estimate {kind} {m}: {t:.2f} s on {sub_n} series -> {proj:.0f} s for "
                  f"{args.series}{' (over budget: timed on ' + str(sub_n) + ' and scaled)' if scaled else ''}",
                  flush=True)

        # Interleaved rounds, so that the other load on the machine falls on every method alike.
        for r in range(args.runs):
            for kind, m in methods:
                scaled, times = plan[(kind, m)]
                if scaled and r == 0:
                    continue  # the estimate is the first run on the subset
                path, df = (sub_csv, df_sub) if scaled else (full_csv, df_full)
                t = time_ours(args.bin, path, h, m, out) if kind == "ours" else time_sf(df, h)
                times.append(t)
                print(f"  run {r + 1}: {kind} {m}: {t:.2f} s ({sub_n if scaled else args.series} series)",
                      flush=True)

    med = {}
    for key, (scaled, times) in plan.items():
        factor = args.series / sub_n if scaled else 1.0
        med[key] = (statistics.median(times) * factor, scaled, times)
    ref = med[("statsforecast", "AutoETS")][0]
    rows = []
    for kind, m in methods:
        t, scaled, times = med[(kind, m)]
        label = {"ours": f"ours `--model {m}`" + (" (b: selection pipeline)" if m == "auto" else " (a)"),
                 "statsforecast": "statsforecast AutoETS, n_jobs=1 (c)"}[kind]
        basis = (f"{sub_n:,} series ×{args.series // sub_n}" if scaled else f"{args.series:,} series")
        rows.append([label, f"{t:,.2f}", f"{args.series / t:,.0f}", basis,
                     ", ".join(f"{x:.2f}" for x in times),
                     "1.0×" if kind == "statsforecast" else f"{ref / t:,.1f}×"])
    checks = []
    for m in models:
        checks.append(f"(a) `--model {m}` ≥ 10× faster than AutoETS: "
                      f"**{'yes' if ref / med[('ours', m)][0] >= 10 else 'NO'}** "
                      f"({ref / med[('ours', m)][0]:.1f}×)")
    ra = ref / med[("ours", "auto")][0]
    checks.append(f"(b) `--model auto` ≥ 3× faster than AutoETS: **{'yes' if ra >= 3 else 'NO'}** ({ra:.1f}×)")
    text = "\n".join([
        "## Speed, one core (forecast_speed.py)", "",
        f"Run: {fc.machine_note()}; accordo at {fc.git_rev(args.bin)}.", "",
        f"{args.series:,} synthetic monthly series of {POINTS} points (seed 17), horizon {h}, "
        "80% and 95% intervals. Ours: the whole CLI process under `taskset -c 0`. statsforecast: "
        "`StatsForecast.forecast` only, in a process pinned to core 0, after a warm-up "
        "(statsforecast 2.1.1's AutoETS is C++, with no numba compilation to exclude). "
        f"Median of {args.runs} interleaved runs; the machine has 2 cores and other work ran on "
        "it, so the runs are noisy (all of them are listed). A method whose first run on the "
        f"first {sub_n:,} series projected to more than {args.budget:.0f} s for all "
        f"{args.series:,} was timed on those {sub_n:,} only and its time multiplied by "
        f"{args.series // sub_n} (\"timed on\"); the series are independent, so the time is "
        "linear in their number.", "",
        fc.md_table(["what", "median time (s) for all series", "series/s", "timed on",
                     "runs (s)", "speed-up vs AutoETS"], rows), "",
        "; ".join(checks) + ".", ""])
    print(text)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
