"""Accuracy of `accordo flows forecast-file` against statsforecast on the project's real monthly
series (issue 17 §3): Italy's monthly sea arrivals and Frontex's detections by route (summed
over border types; a month missing within a route's span, first to last month it has, is 0).

Rolling origins over the last 36 months of each series: for each origin the series is cut
there (the 36 origins leave out the last 36, 35, ..., 1 months), forecast 1 to 6 months ahead
and compared with what followed (so horizon h is scored at 37 - h origins). One CSV holds every
(series, origin) cut and the CLI runs once per model with --horizon 6; statsforecast's AutoETS,
AutoTheta and SeasonalNaive (season_length=12, n_jobs=1) forecast the same cuts.

MASE: absolute error divided by the in-sample MAE of the seasonal naive forecast (m = 12) of
the cut series. sMAPE: M3's, 0 where forecast and actual are both 0.

    bench/flows/forecast.sh real [--bin PATH] [--origins 36] [--horizon 6]
"""
import argparse
import csv
import os
import sys
import tempfile
from collections import Counter, defaultdict

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forecast_common as fc  # noqa: E402

DATA = os.path.join(fc.ROOT, "crates", "accordo-flows-app", "data")


def ym(s):
    y, m = s.split("-")
    return int(y), int(m)


def index(y, m):
    return y * 12 + m - 1


def load_series():
    """[(name, start year, start month, values)]: Italy, then Frontex's routes."""
    out = []
    with open(os.path.join(DATA, "italy-sea-arrivals", "monthly.csv"), newline="") as f:
        rows = sorted((ym(r["month"]), float(r["arrivals"])) for r in csv.DictReader(f))
    first = index(*rows[0][0])
    assert [index(*k) for k, _ in rows] == list(range(first, first + len(rows))), "Italy: a gap"
    out.append(("italy-sea-arrivals", rows[0][0][0], rows[0][0][1], [v for _, v in rows]))

    by_route = defaultdict(lambda: defaultdict(float))
    with open(os.path.join(DATA, "frontex-detections", "by_route_month.csv"), newline="") as f:
        for r in csv.DictReader(f):
            by_route[r["route"]][index(*ym(r["month"]))] += float(r["detections"])
    for route in sorted(by_route):
        months = by_route[route]
        lo, hi = min(months), max(months)
        values = [months.get(t, 0.0) for t in range(lo, hi + 1)]
        slug = "frontex-" + route.lower().replace(" ", "-")
        out.append((slug, lo // 12, lo % 12 + 1, values))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=fc.DEFAULT_BIN)
    ap.add_argument("--origins", type=int, default=36)
    ap.add_argument("--horizon", type=int, default=6)
    ap.add_argument("--out", default=os.path.join(fc.RESULTS, "real.md"))
    args = ap.parse_args()
    H, K = args.horizon, args.origins
    models = fc.our_models(args.bin)
    series = load_series()

    cuts = []  # (cut name, y0, m0, values), and what followed
    truth = {}
    base = {}
    for name, y0, m0, values in series:
        n = len(values)
        for k in range(K, 0, -1):  # cut leaves out the last k months
            o = n - k
            cut = f"{name}@{fc.month_label(y0, m0, o - 1)}"
            cuts.append((cut, y0, m0, values[:o]))
            truth[cut] = np.asarray(values[o:o + H], float)
            base[cut] = name

    results = {}
    with tempfile.TemporaryDirectory() as work:
        for model in ["auto"] + models:
            res, secs, dropped = fc.forecast_ours(args.bin, cuts, H, model, work, "real")
            if dropped:
                raise SystemExit(f"the CLI refused cuts with --model {model}: {dropped}")
            results[f"ours: {model}"] = res
            print(f"ours {model}: {len(res)} cuts in {secs:.2f} s", flush=True)
    for name in fc.SF_MODELS:
        res, secs = fc.forecast_sf(cuts, H, name)
        results[f"statsforecast {name}"] = res
        print(f"statsforecast {name}: {len(res)} cuts in {secs:.1f} s", flush=True)

    scale = {c[0]: fc.mase_scale(c[3]) for c in cuts}
    labels = list(results)
    # errors[label][h] = list of (mase, smape); per series too.
    by_h = {lab: defaultdict(list) for lab in labels}
    by_series = {lab: defaultdict(list) for lab in labels}
    cover = {lab: {80: [], 95: []} for lab in labels}
    for lab in labels:
        for cut, _y0, _m0, _v in cuts:
            f = results[lab][cut]
            y = truth[cut]
            for j in range(len(y)):
                m = abs(y[j] - f["mean"][j]) / scale[cut] if scale[cut] else np.nan
                s = fc.smape(y[j:j + 1], f["mean"][j:j + 1])[0]
                by_h[lab][j + 1].append((m, s))
                by_series[lab][base[cut]].append((m, s))
                for lv in fc.LEVELS:
                    cover[lab][lv].append(bool(fc.inside(y[j], f[f"lo{lv}"][j], f[f"hi{lv}"][j])))

    def mean(pairs, i):
        return float(np.nanmean([p[i] for p in pairs]))

    parts = ["## Real series: Italy and Frontex (forecast_real.py)", "",
             f"Run: {fc.machine_note()}; accordo at {fc.git_rev(args.bin)}; our models: auto, "
             f"{', '.join(models)}.", "",
             f"{len(series)} series ({', '.join(s[0] for s in series)}), {K} rolling origins "
             f"each over the last {K} months, horizons 1–{H}: {len(cuts)} cuts, "
             f"horizon h scored at {K}+1−h origins per series. Means are over every (series, "
             "origin, horizon) scored; statsforecast's forecasts and bounds are clipped at 0.", ""]
    for i, what in ((0, "MASE"), (1, "sMAPE %")):
        header = ["method"] + [f"h={h}" for h in range(1, H + 1)] + ["mean"]
        rows = []
        for lab in labels:
            allp = [p for h in range(1, H + 1) for p in by_h[lab][h]]
            rows.append([lab] + [fc.fmt(mean(by_h[lab][h], i), 3 if i == 0 else 1)
                                 for h in range(1, H + 1)] + [fc.fmt(mean(allp, i), 3 if i == 0 else 1)])
        parts += [f"### {what} by horizon", "", fc.md_table(header, rows), ""]
    parts += ["### Interval coverage (all horizons)", "",
              fc.md_table(["method", "80%", "95%"],
                          [[lab, f"{100 * np.mean(cover[lab][80]):.1f}%",
                            f"{100 * np.mean(cover[lab][95]):.1f}%"] for lab in labels]), ""]
    names = [s[0] for s in series]
    zeros = {s[0]: np.mean(np.asarray(s[3][-K:]) == 0) for s in series}
    for i, what in ((0, "MASE"), (1, "sMAPE %")):
        parts += [f"### Mean {what} by series (all horizons)", "",
                  fc.md_table(["series", f"zero months of the last {K}"] + labels,
                              [[nm, f"{100 * zeros[nm]:.0f}%"] +
                               [fc.fmt(mean(by_series[lab][nm], i), 2 if i == 0 else 1)
                                for lab in labels] for nm in names]), ""]
    parts += ["sMAPE is 200 for every month with no crossings that a forecast above 0 missed, "
              "so on the routes with many zero months it rewards the seasonal naive forecast's "
              "copying of last year's zeros; MASE is the measure to read there.", ""]
    chosen = Counter(results["ours: auto"][c[0]]["model"][0] for c in cuts)
    by_series_choice = defaultdict(Counter)
    for c in cuts:
        by_series_choice[base[c[0]]][results["ours: auto"][c[0]]["model"][0]] += 1
    parts += ["Chosen by auto over all cuts: " + ", ".join(
        f"{m} {100 * chosen.get(m, 0) / len(cuts):.0f}%" for m in models) + ". By series: " +
        "; ".join(f"{nm} " + ", ".join(f"{m} {c}" for m, c in by_series_choice[nm].most_common())
                  for nm in names) + ".", ""]
    text = "\n".join(parts)
    print(text)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
