"""How 'auto' should turn the networks and the statistical bases into one forecast (issue 19): rules compared.

Run by hand: ``python -m bench.forecast_combine [series names…]`` (names as in ``bench.forecast_real``). Each
series goes through the page's own pieces with ``ForecastSettings()``: its sizes, split, the difference
networks of ``core.forecasting.train_networks`` (3 seeds), the candidate bases of ``candidate_bases`` (fitted on
the training part for validation origins, again on training + validation for test origins) and the yardsticks.
Every rule then forms its forecast from those same trainings and fits, using validation errors only, and is
scored on the same test points; two rules need trainings of their own (the networks refitted on training +
validation, the networks trained on the change since the origin). Writes the section "## Forecasting: how
auto combines" of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from bench.forecast_real import BUILT_IN, load
from bench.series import SERIES
from core import forecasting as fc
from core import statistical
from core.training import predict, train

STATISTICAL = ("ETS", "Theta", "ARIMA")


@dataclass(frozen=True)
class Fits:
    """One series' forecasts from every candidate: on the validation part and on the test part."""

    validation: dict[str, np.ndarray]  # candidate -> (validation origins, horizon)
    test: dict[str, np.ndarray]  # candidate -> (test origins, horizon); bases refitted on training + validation
    before_refit: dict[str, np.ndarray]  # bases fitted on the training part only, from the test origins
    validation_truth: np.ndarray
    test_truth: np.ndarray
    yardstick_mae: float  # the best of AutoETS / AutoTheta / AutoARIMA on the test part
    naive_rules_mae: float  # the better of naive and seasonal naive on the test part
    extra_networks: dict[str, np.ndarray]  # networks trained another way -> their test forecasts (seeds' mean)


def mae(forecast: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean(np.abs(forecast - truth)))


def _networks_on_cumulative_change(series: fc.PreparedSeries, settings: fc.ForecastSettings,
                                   split: fc.Split) -> fc.Forecaster:
    """The difference network trained on the change since the origin (the level's error) instead of each
    step's change: is the per-step target why every seed learns nearly the same small correction?"""
    values = series.values.to_numpy()
    changes = fc.to_changes(values, "difference", settings.season)
    mean, std = fc.fit_scaling(changes[1 : split.validation_start])
    scaled = (changes - mean) / std

    def windows(origins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inputs, steps = fc.make_windows(scaled, origins, settings.window, settings.horizon)
        return inputs, np.cumsum(steps, axis=1)  # (n, horizon): the scaled change since the origin

    result = train(lambda: fc.build_forecaster(settings.window, settings.horizon, settings.cell, settings.units),
                   *windows(split.train), settings, loss="mse", validation=windows(split.validation),
                   early_stopping_patience=5)

    def forecast(origins: np.ndarray) -> np.ndarray:
        since_origin = predict(result.model, fc.window_inputs(scaled, origins, settings.window))
        steps = np.diff(since_origin, axis=1, prepend=0) * std + mean
        return fc.to_levels(values, origins, steps, "difference", settings.season)

    return forecast


def _networks_refitted(series: fc.PreparedSeries, settings: fc.ForecastSettings, split: fc.Split,
                       epochs: int) -> fc.Forecaster:
    """The difference network trained again on training + validation for the epochs early stopping kept."""
    values = series.values.to_numpy()
    changes = fc.to_changes(values, "difference", settings.season)
    mean, std = fc.fit_scaling(changes[1 : split.validation_start])
    scaled = (changes - mean) / std
    inputs, targets = fc.make_windows(scaled, np.r_[split.train, split.validation], settings.window,
                                      settings.horizon)
    result = train(lambda: fc.build_forecaster(settings.window, settings.horizon, settings.cell, settings.units),
                   inputs, targets, replace(settings, epochs=epochs), loss="mse",
                   validation=(inputs[-1:], targets[-1:]))

    def forecast(origins: np.ndarray) -> np.ndarray:
        steps = predict(result.model, fc.window_inputs(scaled, origins, settings.window)) * std + mean
        return fc.to_levels(values, origins, steps, "difference", settings.season)

    return forecast


def fits(series: fc.PreparedSeries) -> Fits:
    """Train the page's networks and fit its bases once; every rule reads these."""
    settings = replace(fc.resolve_settings(series, fc.ForecastSettings())[0], preprocessing="difference")
    values = series.values.to_numpy()
    split = fc.chronological_split(len(values), settings, 1)
    steps = np.arange(1, settings.horizon + 1)
    seeds = [replace(settings, seed=settings.seed + k) for k in range(settings.seeds)]
    trained, each_seed = fc.train_networks(series, settings, split)
    bases = fc.candidate_bases(values, split, settings.horizon, settings.season)
    never_refitted = replace(split, test=np.array([len(values)]), test_start=split.validation_start)  # as before
    before = {base.name: base.at(split.test)
              for base in fc.candidate_bases(values, never_refitted, settings.horizon, settings.season)}
    validation = {"networks": each_seed(split.validation).mean(axis=0)}
    validation |= {base.name: base.at(split.validation) for base in bases}
    test = {"networks": each_seed(split.test).mean(axis=0)}
    test |= {base.name: base.at(split.test) for base in bases}
    yardsticks = fc.cached_yardsticks(values, split, settings.horizon, settings.season).as_dict()
    truth = values[split.test[:, None] + steps]
    simple = fc.baseline_forecasts(values, split.test, settings.horizon, settings.season, settings.window)
    best_epoch = int(np.argmin(trained.history["val_loss"])) + 1
    refitted = [_networks_refitted(series, seeded, split, best_epoch)(split.test) for seeded in seeds]
    cumulative = [_networks_on_cumulative_change(series, seeded, split)(split.test) for seeded in seeds]
    extra = {"networks refitted on training + validation": np.mean(refitted, axis=0),
             "networks on the change since the origin": np.mean(cumulative, axis=0)}
    return Fits(validation, test, before, values[split.validation[:, None] + steps], truth,
                min(mae(f, truth) for f in yardsticks.values()),
                min(mae(simple["naive"], truth), mae(simple["seasonal naive"], truth)), extra)


Rule = Callable[[Fits], np.ndarray]  # a series' fits -> the rule's test forecast (test origins, horizon)


def _validation_maes(fit: Fits) -> dict[str, float]:
    return {name: mae(forecast, fit.validation_truth) for name, forecast in fit.validation.items()}


def _ranked(fit: Fits) -> list[str]:
    maes = _validation_maes(fit)
    return sorted(maes, key=maes.get)


def _weighted(fit: Fits, names: list[str], power: int) -> np.ndarray:
    """The named candidates' test forecasts weighted by 1 / validation MAE ** power."""
    maes = _validation_maes(fit)
    weights = np.array([1 / maes[name] ** power for name in names])
    return np.tensordot(weights / weights.sum(), [fit.test[name] for name in names], axes=1)


def _pick(fit: Fits, refitted: bool) -> np.ndarray:
    """The networks or the base best on validation, whichever is better there (the page until now)."""
    best = _ranked(fit)[0]
    return fit.test[best] if refitted or best == "networks" else fit.before_refit[best]


def _bases(fit: Fits) -> list[str]:
    return [name for name in _ranked(fit) if name != "networks"]


def _distinct_bases(fit: Fits) -> list[str]:
    """The bases best on validation first, a method on the logs left out when it is already in on the values
    (or the other way round): two copies of one method add weight, not information."""
    kept: list[str] = []
    for name in _bases(fit):
        if name.split(",")[0] not in {k.split(",")[0] for k in kept}:
            kept.append(name)
    return kept


RULES: dict[str, Rule] = {
    "pick the best on validation (until now)": lambda fit: _pick(fit, refitted=False),
    "pick, the base refitted on training + validation": lambda fit: _pick(fit, refitted=True),
    "networks alone": lambda fit: fit.test["networks"],
    "mean of networks and the best base": lambda fit: (fit.test["networks"] + fit.test[_bases(fit)[0]]) / 2,
    "mean of networks, ETS, Theta, ARIMA": lambda fit: np.mean(
        [fit.test[n] for n in ("networks", *STATISTICAL) if n in fit.test], axis=0),
    "median of networks, ETS, Theta, ARIMA": lambda fit: np.median(
        [fit.test[n] for n in ("networks", *STATISTICAL) if n in fit.test], axis=0),
    "1/MAE weights, every candidate": lambda fit: _weighted(fit, _ranked(fit), 1),
    "1/MAE² weights, every candidate": lambda fit: _weighted(fit, _ranked(fit), 2),
    "1/MAE weights, best 3 on validation": lambda fit: _weighted(fit, _ranked(fit)[:3], 1),
    "1/MAE² weights, networks + ETS, Theta, ARIMA": lambda fit: _weighted(
        fit, ["networks", *(n for n in STATISTICAL if n in fit.test)], 2),
    "1/MAE weights, networks + best 2 bases": lambda fit: _weighted(fit, ["networks", *_bases(fit)[:2]], 1),
    "1/MAE² weights, networks + best 2 bases": lambda fit: _weighted(fit, ["networks", *_bases(fit)[:2]], 2),
    "1/MAE² weights, networks + best 2 bases of different methods": lambda fit: _weighted(
        fit, ["networks", *_distinct_bases(fit)[:2]], 2),
    f"1/MAE² weights, networks + best {fc.COMBINED_BASES} base (the page now)": lambda fit: _weighted(
        fit, ["networks", *_bases(fit)[:fc.COMBINED_BASES]], 2),
}


def scores(fit: Fits) -> dict[str, tuple[float, bool]]:
    """Each rule's (test MAE ÷ the best yardstick's, beats both naive rules), and the other networks alone."""
    forecasts = {name: rule(fit) for name, rule in RULES.items()} | fit.extra_networks
    return {name: (mae(f, fit.test_truth) / fit.yardstick_mae, mae(f, fit.test_truth) < fit.naive_rules_mae)
            for name, f in forecasts.items()}


def table(rows: dict[str, dict[str, tuple[float, bool]]]) -> list[str]:
    """One line per rule: its ratio on each series, the median and worst over the real ones, its wins."""
    names = list(rows)
    lines = ["| rule | " + " | ".join(names) + " | median (real) | worst (real) | beats both naive rules |",
             "|---" * (len(names) + 4) + "|"]
    for rule in next(iter(rows.values())):
        ratios = [rows[name][rule][0] for name in names]
        real = [rows[name][rule][0] for name in names if name != BUILT_IN]
        wins = sum(rows[name][rule][1] for name in names)
        lines.append(f"| {rule} | " + " | ".join(f"{r:.2f}" for r in ratios)
                     + f" | {np.median(real):.2f} | {max(real):.2f} | {wins} of {len(names)} |")
    return lines


def main() -> None:
    from bench import results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="series (start of name); 'ice cream' for the built-in sales")
    names = parser.parse_args().names or [BUILT_IN] + [s.name for s in SERIES]
    statistical.warm_up()
    rows, cpu = {}, time.process_time()
    for name in names:
        rows[name] = scores(fits(load(name)))
        print(name, {rule: round(ratio, 3) for rule, (ratio, _) in rows[name].items()}, flush=True)
    lines = ["## Forecasting: how auto combines (issue 19)", "",
             f"{results.measured_on()} Command: `python -m bench.forecast_combine` ({time.process_time() - cpu:.0f} "
             "s of CPU for all series).", "",
             "Each cell: the test MAE of a rule's forecast ÷ the best of AutoETS / AutoTheta / AutoARIMA on that "
             "series (below 1 beats every yardstick). Every rule reads the same trainings (the page's difference "
             "networks, 3 seeds, their mean) and the same bases (naive, seasonal naive, ETS, Theta, ARIMA and the "
             "mean of ETS and Theta, on the values and their logs), and sets its weights from the validation part "
             "alone. The last two rows are networks trained another way, alone.", "", *table(rows), ""]
    results.write(lines, owns="## Forecasting: how auto combines")


if __name__ == "__main__":
    main()
