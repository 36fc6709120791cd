"""Reference forecasts for accordo-forecast's tests, from statsforecast on the same series.

Writes crates/accordo-forecast/tests/reference/series.csv (the inputs: Italy's monthly sea
arrivals, Frontex's Central Mediterranean detections by month, and the AirPassengers series
statsforecast ships) and statsforecast.csv (each model's forecast 12 months ahead with its 80%
and 95% intervals). Run from the repository root with statsforecast 2.1.1:

    python3 -m venv /tmp/sf && /tmp/sf/bin/pip install statsforecast==2.1.1
    /tmp/sf/bin/python bench/forecast/reference.py
"""
import csv
import os
from collections import defaultdict

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import AutoTheta, SeasonalNaive
from statsforecast.utils import AirPassengers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "crates", "accordo-flows-app", "data")
OUT = os.path.join(ROOT, "crates", "accordo-forecast", "tests", "reference")
H = 12

series = {}
with open(os.path.join(DATA, "italy-sea-arrivals", "monthly.csv")) as f:
    series["italy"] = [float(r["arrivals"]) for r in csv.DictReader(f)]
central = defaultdict(float)
with open(os.path.join(DATA, "frontex-detections", "by_route_month.csv")) as f:
    for r in csv.DictReader(f):
        if r["route"] == "Central Mediterranean":
            central[r["month"]] += float(r["detections"])
months = sorted(central)
# Frontex leaves out months without a detection: zeros within the file's span.
span = pd.period_range(months[0], months[-1], freq="M").strftime("%Y-%m")
series["central_mediterranean"] = [central.get(m, 0.0) for m in span]
series["air_passengers"] = [float(v) for v in AirPassengers]

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "series.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["series", "t", "value"])
    for name, values in series.items():
        for t, v in enumerate(values):
            w.writerow([name, t, repr(v)])

models = {
    "seasonal_naive": SeasonalNaive(season_length=12),
    "auto_theta": AutoTheta(season_length=12),
    "stm": AutoTheta(season_length=12, model="STM"),
    "otm": AutoTheta(season_length=12, model="OTM"),
    "dstm": AutoTheta(season_length=12, model="DSTM"),
    "dotm": AutoTheta(season_length=12, model="DOTM"),
}
with open(os.path.join(OUT, "statsforecast.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["series", "model", "step", "mean", "lo80", "hi80", "lo95", "hi95"])
    for name, values in series.items():
        y = np.asarray(values, dtype=np.float64)
        for label, model in models.items():
            out = model.forecast(y=y, h=H, level=[80, 95])
            for j in range(H):
                w.writerow([name, label, j + 1] + [repr(float(out[k][j])) for k in ("mean", "lo-80", "hi-80", "lo-95", "hi-95")])
print("wrote", OUT)
