"""What inputs known ahead are worth on the built-in sales, and what they cost a click (issue 19).

Run by hand: ``python -m bench.forecast_inputs [products…]`` (``--cost`` instead times the ensembles alone).
Every product of the built-in sales goes through the page's own path (``bench.forecast_real.click``:
resolve_settings, check_fits, fit_and_backtest) with the page's default knobs three ways: without inputs, with
the file's promotion and holiday columns (the page's default for the built-in data), and with them and the
calendar (day of week). Each is clicked twice: the first
click fits the statistical yardsticks and compiles, the second reuses both (what a visitor pays after changing
a network knob). Writes the section "## Forecasting with inputs" of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import time

import keras
import numpy as np

from bench.forecast_real import BUILT_IN_BEFORE, BUILT_IN_TARGET_S, built_in, click
from core import datasets, statistical
from core import forecasting as fc
from core.training import train

WAYS = {"no inputs": ((), False), "promotion, holiday (page default)": (datasets.SALES_INPUTS, False),
        "promotion, holiday, day of week": (datasets.SALES_INPUTS, True)}


def row(product: str, way: str) -> dict:
    """Two clicks of one product one way: the scores of the second, the seconds of both."""
    inputs, calendar = WAYS[way]
    series, knobs = built_in(product, inputs), fc.ForecastSettings(calendar=calendar)
    first = click(series, knobs)
    result, _, wall, cpu = click(series, knobs)
    worth = result.input_worth
    return {"product": product, "way": way, "mae": result.metrics[fc.MODEL]["MAE"], "worth": worth,
            "first": first[2:], "second": (wall, cpu), "load": os.getloadavg()[0],
            "same": first[0].metrics == result.metrics}


def line(r: dict) -> str:
    worth = r["worth"]
    said = "– | –" if worth is None else (f"{worth.model_with:.3g} / {worth.model_without:.3g} ({worth.verdict.winner})"
                                          f" | {worth.networks_with:.3g} / {worth.networks_without:.3g}")
    return (f"| {r['product']} | {r['way']} | {r['mae']:.3g} | {said} | {r['first'][0]:.1f} ({r['first'][1]:.1f}) | "
            f"{r['second'][0]:.1f} ({r['second'][1]:.1f}) | {r['load']:.1f} | {'yes' if r['same'] else '**no**'} |")


def with_inputs_only(window: int, horizon: int, inputs: int, members: int) -> keras.Model:
    """The ensemble's networks that read inputs, without their partners that do not (for ``cost``)."""
    given = {"window": keras.Input((window, 1), name="window"),
             "window_inputs": keras.Input((window, inputs), name="window_inputs"),
             "ahead_inputs": keras.Input((horizon, inputs), name="ahead_inputs")}
    outputs = [keras.layers.Reshape((1, horizon))(fc.build_forecaster(window, horizon, num_inputs=inputs,
                                                                      name=f"seed_{k + 1}")(given))
               for k in range(members)]
    return keras.Model(given, keras.layers.Concatenate(axis=1)(outputs))


def cost(epochs: int = 10) -> None:
    """CPU seconds of the page's ensemble (GRU, 32 units) trained ``epochs`` epochs on 852 windows of random data,
    four ways, each trained twice (the second reusing XLA's compiled programs): what reading inputs and the head
    without them add to a click, apart from how many epochs early stopping lets run."""
    window, horizon, inputs, rows = 56, 7, 2, 852
    rng = np.random.default_rng(0)
    values = rng.normal(size=(rows, window, 1)).astype("float32")
    named = {"window": values, "window_inputs": rng.normal(size=(rows, window, inputs)).astype("float32"),
             "ahead_inputs": rng.normal(size=(rows, horizon, inputs)).astype("float32")}
    ways = {"3 networks, no inputs": (lambda: fc.build_ensemble(window, horizon, members=3), values, 3),
            "3 networks with inputs": (lambda: with_inputs_only(window, horizon, inputs, 3), named, 3),
            "3 with inputs, each with a head without them (the page's)": (
                lambda: fc.build_ensemble(window, horizon, members=3, num_inputs=inputs), named, 6),
            "6 networks, no inputs": (lambda: fc.build_ensemble(window, horizon, members=6), values, 6)}
    settings = fc.ForecastSettings(epochs=epochs)
    for way, (build, x, outputs) in ways.items():
        y = rng.normal(size=(rows, outputs, horizon)).astype("float32")
        for attempt in (1, 2):
            started = time.process_time()
            train(build, x, y, settings, loss="mse", validation=(x, y), early_stopping_patience=epochs)
            print(f"{way}, run {attempt}: {time.process_time() - started:.1f} s CPU, {epochs} epochs, load "
                  f"{os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    from bench import results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("products", nargs="*", default=list(datasets.PRODUCTS))
    parser.add_argument("--cost", action="store_true", help="time the ensembles alone; write nothing")
    args = parser.parse_args()
    if args.cost:
        cost()
        return
    warm = statistical.warm_up()
    rows = []
    header = ["| product | inputs | model test MAE | model MAE with / without inputs (verdict) | networks alone with / "
              "without | first click wall (CPU) s | second click wall (CPU) s | load | same seed, same scores |",
              "|---|---|---|---|---|---|---|---|---|"]
    for product in args.products:
        for way in WAYS:
            rows.append(row(product, way))
            print(line(rows[-1]), flush=True)
    default = next((r for r in rows if r["product"] == "ice cream" and r["way"] == list(WAYS)[1]), None)
    lines = ["## Forecasting with inputs (issue 19)", "",
             f"{results.measured_on()} Command: `python -m bench.forecast_inputs`. statsforecast warm-up: "
             f"{warm:.1f} s. Load average: the machine's 1-minute load after each row's second click (2 cores; "
             "above 2, wall seconds are inflated by other jobs; CPU seconds are this process's own).", "",
             "Each product of the built-in sales through the page's own path with `ForecastSettings()` (auto, 3 "
             "seeds), the inputs as the page's Inputs and Calendar inputs knobs give them. With inputs, each "
             "network has a second head on the same recurrent layers that reads the values alone (one training): "
             "*with / without* is the test MAE of auto's combination built from each head (each weighted by "
             "its own validation score), "
             "the verdict the shared one (`core.verdicts`, whole horizons resampled, a tie called a tie); "
             "*networks alone*: the seeds' mean of each head.", "", *header, *map(line, rows), ""]
    if default:
        wall = default["second"][0]
        lines += [f"- Built-in default (ice cream, promotion and holiday): test MAE {default['mae']:.3g} against "
                  f"{BUILT_IN_BEFORE} before auto combined (target ≤ {BUILT_IN_BEFORE}: "
                  f"{'met' if default['mae'] <= BUILT_IN_BEFORE else 'not met'}); second click {wall:.1f} s wall "
                  f"({default['second'][1]:.1f} s CPU) at load {default['load']:.1f} (target ≤ "
                  f"{BUILT_IN_TARGET_S:.0f} s warm on a quiet machine: "
                  f"{'met' if wall <= BUILT_IN_TARGET_S else 'not met'} here).", ""]
    results.write(lines, owns="## Forecasting with inputs")


if __name__ == "__main__":
    main()
