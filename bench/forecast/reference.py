"""Reference forecasts for accordo-forecast's tests, from statsforecast on the same series.

Writes crates/accordo-forecast/tests/reference/series.csv (the inputs: Italy's monthly sea
arrivals, Frontex's Central Mediterranean detections by month, and the AirPassengers series
statsforecast ships) and statsforecast.csv (each model's forecast 12 months ahead with its 80%
and 95% intervals), and from statsforecast's AutoETS and MSTL ets.csv (forecasts, same
layout) and ets_fits.csv (the fitted ETS models), described below. Run from the repository root
with statsforecast 2.1.1:

    python3 -m venv /tmp/sf && /tmp/sf/bin/pip install statsforecast==2.1.1
    /tmp/sf/bin/python bench/forecast/reference.py
"""
# ets.csv: series,model,step,mean,lo80,hi80,lo95,hi95, as statsforecast.csv, for
#   ets_<SPEC>  AutoETS(season_length=12, model=SPEC[, damped=True for the "Ad" specs, False for
#               the other trended ones, so that e.g. ets_AAN is the undamped AAN and not the
#               better of AAN and AAdN by AICc, which damped=None would pick]),
#   ets_auto    AutoETS(season_length=12), model "ZZZ", damped=None: statsforecast's own search,
#   mstl        MSTL(season_length=12, trend_forecaster=AutoETS(model="ZZN")); its intervals are
#               the trend forecaster's on the seasonally adjusted series plus the seasonal naive
#               forecast of the STL seasonal component (fields left empty if none were returned).
#   Specs statsforecast refuses for a series (multiplicative error on a series with zeros, a
#   forbidden combination) have no rows; the script prints them.
#
# ets_fits.csv, one row per (series, model label) above; for mstl the fit is that of its trend
# forecaster on trend+remainder of the decomposition. Columns (a ';'-joined list for vectors;
# an empty field where a value does not apply, e.g. beta in a model without trend):
#   components   model_["components"]: error, trend, season letters (N/A/M) then D (damped) or N
#   method       model_["method"], e.g. ETS(M,Ad,N)
#   m            model_["m"]: the season length used (1 for a non-seasonal model)
#   alpha, beta, gamma, phi   model_["par"][0:4], the fitted smoothing parameters and damping
#   init_states  model_["par"][4:], the fitted initial state x0 = [l0, b0 (if trend),
#                s_0, s_-1, ..., s_-m+1 (if seasonal)]: s_0 is the most recent seasonal state,
#                the last (s_-m+1, used for the first observation) is not optimised but set so that
#                the m seasonal states sum to 0 (additive) or m (multiplicative)
#   final_states model_["states"][-1], the state after the last observation (same layout), from
#                which the forecasts are made
#   sigma2       sum(e^2) / (n - n_params - 1), e the one-step errors (relative errors e_t =
#                (y_t - f_t)/f_t for multiplicative error)
#   loglik       -0.5 * (n*log(sum e^2) + [M error] 2*sum(log|f_t|)), constants dropped
#   aic, aicc, bic   from -2*loglik and n_params
#   mse          model_["mse"]: mean squared one-step error on the data scale (amse horizon 1)
#   amse         model_["amse"]: mean over horizons 1..nmse of the in-sample k-step MSE
#   n_params     free smoothing parameters + len of the optimised state (l0, b0, m-1 seasonal
#                states) + 1 (sigma)
#   nm_fn, nm_nit    Nelder-Mead objective at the returned point and iterations (model_["fit"])
#   opt_x0       the start point given to Nelder-Mead: free smoothing parameters (order alpha,
#                beta, gamma, phi) then initstate()'s l0, b0, m-1 seasonal states
#   opt_lower, opt_upper  the bounds given to Nelder-Mead for the free smoothing parameters (the
#                states are unbounded); captured by wrapping statsforecast.ets.optimize_ets_target_fn
#                (results unchanged); for ets_auto and mstl, those of the selected model's fit.
#                statsforecast's initparam lowers the upper bounds in place to beta <= the start
#                alpha and gamma <= 1 - the start alpha, cumulatively over ets_f's model search
#   opt_crit, nmse, bounds, ic   the (default) options ets_f ran with: "lik", 3, "both", "aicc"
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


# --- ETS and MSTL reference: ets.csv and ets_fits.csv (columns described at the top) ---
import statsforecast.ets as sf_ets  # noqa: E402
from statsforecast.models import MSTL, AutoETS  # noqa: E402

_opt_calls = []
_optimize = sf_ets.optimize_ets_target_fn


def _recording_optimize(**kw):
    res = _optimize(**kw)
    comp = f"{kw['errortype']}{kw['trendtype']}{kw['seasontype']}{'D' if kw['damped'] else 'N'}"
    _opt_calls.append((comp, np.array(kw["x0"]), np.array(kw["lowerb"]), np.array(kw["upperb"]), len(kw["par"])))
    return res


sf_ets.optimize_ets_target_fn = _recording_optimize

ETS_SPECS = ["ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA", "MNN", "MAN", "MAdN", "MNA", "MNM", "MAM", "MAdM"]


def ets_model(spec):
    damped = "Ad" in spec
    model = spec.replace("Ad", "A")
    return AutoETS(season_length=12, model=model, damped=damped if model[1] != "N" else None)


ets_models = {f"ets_{s}": (lambda s=s: ets_model(s)) for s in ETS_SPECS}
ets_models["ets_auto"] = lambda: AutoETS(season_length=12)
ets_models["mstl"] = lambda: MSTL(season_length=12, trend_forecaster=AutoETS(model="ZZN"))


def num(x):
    return "" if x is None or np.isnan(x) else repr(float(x))


def nums(xs):
    return ";".join(num(x) for x in xs)


FIT_COLS = ["series", "model", "components", "method", "m", "alpha", "beta", "gamma", "phi",
            "init_states", "final_states", "sigma2", "loglik", "aic", "aicc", "bic", "mse", "amse",
            "n_params", "nm_fn", "nm_nit", "opt_x0", "opt_lower", "opt_upper",
            "opt_crit", "nmse", "bounds", "ic"]
skipped = []
with open(os.path.join(OUT, "ets.csv"), "w", newline="") as f, \
        open(os.path.join(OUT, "ets_fits.csv"), "w", newline="") as g:
    w = csv.writer(f)
    w.writerow(["series", "model", "step", "mean", "lo80", "hi80", "lo95", "hi95"])
    wf = csv.writer(g)
    wf.writerow(FIT_COLS)
    for name, values in series.items():
        y = np.asarray(values, dtype=np.float64)
        for label, make in ets_models.items():
            try:
                out = make().forecast(y=y, h=H, level=[80, 95])
            except Exception as exc:  # statsforecast refuses the spec for this series
                skipped.append((name, label, f"{type(exc).__name__}: {exc}"))
                continue
            for j in range(H):
                w.writerow([name, label, j + 1] + [
                    repr(float(out[k][j])) if k in out else "" for k in ("mean", "lo-80", "hi-80", "lo-95", "hi-95")])
            _opt_calls.clear()
            fitted = make().fit(y=y)
            mod = (fitted.trend_forecaster if label == "mstl" else fitted).model_
            assert np.array_equal(fitted.predict(h=H)["mean"], out["mean"]), (name, label)
            comp = mod["components"]
            x0, lo, up, npar = [c for c in _opt_calls if c[0] == comp][-1][1:]
            wf.writerow([name, label, comp, mod["method"], mod["m"], *(num(v) for v in mod["par"][:4]),
                         nums(mod["par"][4:]), nums(mod["states"][-1]), num(mod["sigma2"]),
                         num(mod["loglik"]), num(mod["aic"]), num(mod["aicc"]), num(mod["bic"]),
                         num(mod["mse"]), num(mod["amse"]), mod["n_params"], num(mod["fit"].fn),
                         mod["fit"].nit, nums(x0), nums(lo[:npar]), nums(up[:npar]),
                         "lik", 3, "both", "aicc"])
for name, label, why in skipped:
    print("skipped", name, label, "-", why)
print("wrote", OUT)
