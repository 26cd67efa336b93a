"""Sales forecasting defaults on each built-in product and on pure noise: time and gain over baselines."""

from __future__ import annotations

from bench.worker import run_fresh

WORKER = """
import json, sys, time
from core import datasets, forecasting as fc
source, runs = sys.argv[1], int(sys.argv[2])
table = datasets.make_noise_sales() if source == "noise" else datasets.load_builtin_sales(source)
series = fc.prepare_series(table, "date", "sales")
settings = fc.ForecastSettings()
seconds, fit_seconds = [], []
for _ in range(runs + 1):
    started = time.perf_counter()
    result = fc.fit_forecaster(series, settings)
    seconds.append(time.perf_counter() - started)
    fit_seconds.append(result.seconds)
mae = {name: m["MAE"] for name, m in result.details.metrics.items()}
print(json.dumps({"cold": seconds[0], "warm": seconds[1:], "warm_fit": fit_seconds[1:], "mae": mae,
                  "epochs": result.epochs_run}))
"""


def measure(source: str, warm_runs: int) -> dict:
    """One product (or "noise") with default settings, in a fresh interpreter."""
    return run_fresh(WORKER, source, warm_runs)
