"""Shared by the forecasting benchmarks (issue 17 §3): running `accordo flows forecast-file`,
running statsforecast on the same series, the accuracy measures and Markdown tables.

Not run by itself; see forecast_accuracy.py, forecast_real.py and forecast_speed.py, and
forecast.sh, which makes the Python environment they need.
"""
import csv
import math
import os
import re
import subprocess
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_BIN = os.path.join(ROOT, "target", "release", "accordo")
RESULTS = os.path.join(ROOT, "bench", "flows", "results")
LEVELS = (80, 95)
# statsforecast's models compared, by the name used in the tables.
SF_MODELS = ("AutoETS", "AutoTheta", "SeasonalNaive")


# --- our side: the CLI ------------------------------------------------------------------------

def our_models(bin_path):
    """The models `--model` accepts besides `auto`, read from the binary itself, so that a model
    added to the pipeline is benchmarked without editing these scripts. MODELS="a,b" overrides.

    The list comes from the refusal of an unknown model ("--model must be auto or one of a, b,
    not `x`"), which the CLI builds from the pipeline's list of models; if that message changes,
    from `--help`'s text of --model (which is prose and may run ahead of the code).
    """
    if os.environ.get("MODELS"):
        return [m.strip() for m in os.environ["MODELS"].split(",") if m.strip()]
    probe = subprocess.run(
        [bin_path, "flows", "forecast-file", os.devnull, "--horizon", "1", "--model", "__list__"],
        capture_output=True, text=True)
    m = re.search(r"one of (.*?), not `__list__`", probe.stderr)
    if m:
        return [x.strip() for x in m.group(1).split(",") if x.strip()]
    helptext = subprocess.run([bin_path, "flows", "forecast-file", "--help"],
                              capture_output=True, text=True).stdout
    part = helptext.split("--model", 1)[1].split("\n  -", 1)[0]
    return [x for x in re.findall(r"`([a-z_0-9]+)`", part) if x != "auto"]


def month_label(start_year, start_month, k):
    """The k-th month (0-based) after start_year-start_month, as YYYY-MM."""
    t = start_year * 12 + (start_month - 1) + k
    return f"{t // 12:04d}-{t % 12 + 1:02d}"


def write_long_csv(path, series):
    """series: list of (name, start_year, start_month, values)."""
    with open(path, "w", newline="") as f:
        f.write("series,period,value\n")
        for name, y0, m0, values in series:
            for k, v in enumerate(values):
                f.write(f"{name},{month_label(y0, m0, k)},{float(v)!r}\n")


def run_cli(bin_path, csv_path, horizon, model, out_path, cpu=None):
    """Runs the CLI once; returns (seconds, returncode, stderr). cpu: pin to that core (taskset)."""
    cmd = [bin_path, "flows", "forecast-file", csv_path, "--horizon", str(horizon),
           "--out", out_path, "--model", model]
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu)] + cmd
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t0, p.returncode, p.stderr


def read_cli_output(path):
    """{series: dict(mean, lo80, hi80, lo95, hi95 arrays, model list)} in the file's order."""
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            d = out.setdefault(row["series"], {k: [] for k in
                                               ("mean", "lo80", "hi80", "lo95", "hi95", "model")})
            for k in ("mean", "lo80", "hi80", "lo95", "hi95"):
                d[k].append(float(row[k]))
            d["model"].append(row["model"])
    for d in out.values():
        for k in ("mean", "lo80", "hi80", "lo95", "hi95"):
            d[k] = np.array(d[k])
    return out


def forecast_ours(bin_path, series, horizon, model, workdir, tag):
    """Forecasts `series` (list of (name, y0, m0, values)) with the CLI. A series the CLI refuses
    (e.g. too short for the backtest) refuses the whole file, so it is dropped and the rest run
    again. Returns (forecasts by name, seconds of the last run, {dropped name: reason})."""
    dropped = {}
    todo = list(series)
    while True:
        csv_path = os.path.join(workdir, f"{tag}.csv")
        out_path = os.path.join(workdir, f"{tag}.{model}.out.csv")
        write_long_csv(csv_path, todo)
        secs, rc, err = run_cli(bin_path, csv_path, horizon, model, out_path)
        if rc == 0:
            return read_cli_output(out_path), secs, dropped
        m = re.search(r"series (.+?): (.*)", err)
        if not m or m.group(1) not in {s[0] for s in todo}:
            raise RuntimeError(f"accordo refused {csv_path} --model {model}: {err.strip()}")
        reason = m.group(2).strip()
        need = re.search(r"at least (\d+) needed", reason)
        if need:
            # Too short: every series shorter than that goes at once, not one run each.
            short = {s[0] for s in todo if len(s[3]) < int(need.group(1))} | {m.group(1)}
        else:
            short = {m.group(1)}
        for name in short:
            dropped[name] = reason if name == m.group(1) else f"shorter than {need.group(1)} values"
        todo = [s for s in todo if s[0] not in short]


# --- statsforecast ------------------------------------------------------------------------------

def sf_model(name, m=12):
    from statsforecast.models import AutoETS, AutoTheta, SeasonalNaive
    return {"AutoETS": AutoETS, "AutoTheta": AutoTheta,
            "SeasonalNaive": SeasonalNaive}[name](season_length=m)


def long_frame(series):
    """statsforecast's long frame: unique_id, ds (an integer index, freq=1), y."""
    import pandas as pd
    ids, ds, ys = [], [], []
    for name, _y0, _m0, values in series:
        ids += [name] * len(values)
        ds += list(range(1, len(values) + 1))
        ys += [float(v) for v in values]
    return pd.DataFrame({"unique_id": ids, "ds": np.array(ds, dtype=np.int64), "y": ys})


def forecast_sf(series, horizon, name, m=12, clip=True):
    """One statsforecast model on every series, n_jobs=1, with 80% and 95% intervals. Returns
    (forecasts by name, seconds of fit+forecast). clip: forecasts and bounds below 0 are set to 0,
    as ours are (the data are counts or positive); this can only help statsforecast here."""
    from statsforecast import StatsForecast
    df = long_frame(series)
    sf = StatsForecast(models=[sf_model(name, m)], freq=1, n_jobs=1)
    t0 = time.perf_counter()
    fc = sf.forecast(df=df, h=horizon, level=list(LEVELS))
    secs = time.perf_counter() - t0
    if "unique_id" not in fc.columns:
        fc = fc.reset_index()
    col = [c for c in fc.columns if c not in ("unique_id", "ds") and "-lo-" not in c
           and "-hi-" not in c][0]
    out = {}
    for uid, g in fc.groupby("unique_id", sort=False):
        g = g.sort_values("ds")
        d = {"mean": g[col].to_numpy(float)}
        for lv in LEVELS:
            d[f"lo{lv}"] = g[f"{col}-lo-{lv}"].to_numpy(float)
            d[f"hi{lv}"] = g[f"{col}-hi-{lv}"].to_numpy(float)
        if clip:
            for k in d:
                d[k] = np.maximum(d[k], 0.0)
        out[str(uid)] = d
    return out, secs


# --- measures -----------------------------------------------------------------------------------

def smape(actual, fc):
    """M3's sMAPE in percent, per point: 200 |y - f| / (|y| + |f|); 0 where both are 0."""
    actual = np.asarray(actual, float)
    fc = np.asarray(fc, float)
    den = np.abs(actual) + np.abs(fc)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(den > 0, 200.0 * np.abs(actual - fc) / den, 0.0)
    return v


def mase_scale(train, m=12):
    """Hyndman & Koehler's scale: in-sample MAE of the seasonal naive forecast (lag m); lag 1
    when the series is shorter than m + 1. None when it is 0 (MASE undefined)."""
    train = np.asarray(train, float)
    lag = m if len(train) > m else 1
    s = np.mean(np.abs(train[lag:] - train[:-lag]))
    return s if s > 0 else None


def inside(actual, lo, hi):
    actual = np.asarray(actual, float)
    return (actual >= lo - 1e-9) & (actual <= hi + 1e-9)


def fmt(x, digits=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{digits}f}"


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---" for _ in header) + " |"]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(lines)


def machine_note():
    """One line on where and when this ran, for the results files."""
    import platform
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        import statsforecast
        sfv = statsforecast.__version__
    except Exception:  # noqa: BLE001
        sfv = "?"
    return (f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores ({cpu}), "
            f"Linux {platform.release()}, Python {platform.python_version()}, "
            f"statsforecast {sfv}")


def git_rev(bin_path=None):
    """The work tree's commit when this ran, and when the binary measured was built (the tree
    may have moved on since)."""
    built = ""
    if bin_path and os.path.exists(bin_path):
        built = time.strftime(" (binary built %Y-%m-%d %H:%M)", time.localtime(os.path.getmtime(bin_path)))
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "crates"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" + uncommitted changes in crates/" if dirty else "") + built
    except OSError:
        return "?" + built
