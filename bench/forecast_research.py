"""Research prototypes for forecasting real series (issue 19): derived sizes, auto choices, a hybrid, seeds.

Run by hand: ``python -m bench.forecast_research [series names…] --seeds 3 --out results.json`` (names: starts
of ``bench.series`` names, or "ice cream" for the built-in sales). Starts from each series' CSV bytes and goes
through the page's own pieces (``core.forecasting`` reading, split, windows, builder, trainer, baselines and
metrics; ``core.dates`` for dates; ``core.statistical`` for the yardsticks; ``core.intervals`` for the band).
What the page does not have yet is written here, in small functions, for the lead to move into core.

Candidates (each the page's GRU, 32 units, Adam 0.003, early stopping on the validation part), trained once
per seed: ``none`` (today's default: learn the values), ``difference``, ``seasonal difference``, ``hybrid``
(a correction learned on top of a statistical base chosen on validation, kept only where it beats the base
there), ``recipe`` (the recommendation: the difference network against the base alone on validation, then
the winner's seeds), and any of them with other settings (``difference@units=16``). Rules (``RULES``,
``COMBINATIONS``) then choose among or average the candidates' seed ensembles after the fact, so every rule is
scored on the same trainings.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import keras
import numpy as np

from bench.series import SERIES, by_name
from core import forecasting as fc
from core import statistical
from core.intervals import calibrate_band, score_band
from core.training import predict, train

# ---------------------------------------------------------------- reading: the prototype of prepare_series


def prepare_from_bytes(data: bytes, date_column: str, value_column: str, name: str) -> fc.PreparedSeries:
    """The page's path from bytes (``core.forecasting``, which reads dates with ``core.dates``)."""
    return fc.prepare_series(fc.read_table(data, name), date_column, value_column)


# ---------------------------------------------------------------- sizes derived from the data: the page's own

Sizes = fc.Sizes
derive_sizes = fc.derive_sizes
smallest_series = fc.smallest_series


# ---------------------------------------------------------------- the network variants


@dataclass(frozen=True)
class Run:
    """One trained network's forecasts from the validation and test origins, and what it cost."""

    validation: np.ndarray  # (origins, horizon)
    test: np.ndarray
    seconds: float
    cpu_seconds: float
    epochs: int
    label: str
    test_refit: np.ndarray | None = None  # hybrid only: test forecasts on the base refitted before the test part


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def page_run(series: fc.PreparedSeries, settings: fc.ForecastSettings) -> Run:
    """What ``fc.fit_forecaster`` does (same pieces, same order), returning raw forecasts from every origin."""
    wall, cpu = _clock()
    values = series.values.to_numpy()
    lag = fc.lag_of(settings.preprocessing, series.season)
    split = fc.chronological_split(len(values), settings, lag)
    changes = fc.to_changes(values, settings.preprocessing, series.season)
    train_part = changes[lag : split.validation_start]
    mean, std = float(train_part.mean()), float(train_part.std()) or 1.0
    scaled = (changes - mean) / std

    def build() -> keras.Model:
        return fc.build_forecaster(settings.window, settings.horizon, settings.cell, settings.units,
                                   settings.layers, settings.dropout)

    result = train(build, *fc.make_windows(scaled, split.train, settings.window, settings.horizon), settings,
                   loss="mse", validation=fc.make_windows(scaled, split.validation, settings.window, settings.horizon),
                   early_stopping_patience=5)

    def levels(origins: np.ndarray) -> np.ndarray:
        predicted = predict(result.model, fc.window_inputs(scaled, origins, settings.window)) * std + mean
        return fc.to_levels(values, origins, predicted, settings.preprocessing, series.season)

    return Run(levels(split.validation), levels(split.test), time.perf_counter() - wall, time.process_time() - cpu,
               result.epochs_run, settings.preprocessing)


def level_run(series: fc.PreparedSeries, settings: fc.ForecastSettings, with_level: bool) -> Run:
    """The difference model started at naive (output layer at zero), reading the changes and, if asked, the level.

    The level (the values scaled on the training part) tells a mean-reverting series where it stands, which
    the changes alone cannot; the targets stay changes, so a trend is still learned as a steady change.
    """
    wall, cpu = _clock()
    values = series.values.to_numpy()
    split = fc.chronological_split(len(values), settings, 1)
    changes = fc.to_changes(values, "difference", series.season)
    c_mean, c_std = float(changes[1 : split.validation_start].mean()), float(changes[1 : split.validation_start].std())
    v_mean, v_std = float(values[: split.validation_start].mean()), float(values[: split.validation_start].std())
    scaled_changes = (changes - c_mean) / (c_std or 1.0)
    scaled_values = (values - v_mean) / (v_std or 1.0)

    def inputs(origins: np.ndarray) -> np.ndarray:
        parts = [fc.window_inputs(scaled_changes, origins, settings.window)]
        if with_level:
            parts.append(fc.window_inputs(scaled_values, origins, settings.window))
        return np.concatenate(parts, axis=-1)  # (n, window, features)

    def targets(origins: np.ndarray) -> np.ndarray:
        return changes[origins[:, None] + np.arange(1, settings.horizon + 1)] / (c_std or 1.0)  # naive = 0

    features = 2 if with_level else 1
    result = train(lambda: build_correction(settings.window, settings.horizon, settings.units, features),
                   inputs(split.train), targets(split.train), settings, loss="mse",
                   validation=(inputs(split.validation), targets(split.validation)), early_stopping_patience=5)

    def levels(origins: np.ndarray) -> np.ndarray:
        predicted = predict(result.model, inputs(origins)) * (c_std or 1.0)
        return fc.to_levels(values, origins, predicted, "difference", series.season)

    return Run(levels(split.validation), levels(split.test), time.perf_counter() - wall, time.process_time() - cpu,
               result.epochs_run, "difference from naive" + (" with level" if with_level else ""))


def build_correction(window: int, horizon: int, num_units: int = 32, features: int = 2) -> keras.Model:
    """The page's forecaster with its output layer at zero: before training it forecasts the base exactly."""
    inputs = keras.Input((window, features), name="window")  # (batch, window, features)
    hidden = fc.recurrent_stack(inputs, "GRU", num_units)  # (batch, units)
    outputs = keras.layers.Dense(horizon, kernel_initializer="zeros", name="correction")(hidden)  # (batch, horizon)
    return keras.Model(inputs, outputs, name="correction_forecaster")


MAX_BASE_ORIGINS = int(os.environ.get("MAX_BASE_ORIGINS", 300))  # the hybrid learns from the latest windows only
INPUT_FEATURES = int(os.environ.get("INPUT_FEATURES", 2))  # 1: relative window only; 2: and the level


STAT_BASES = {"ets": "AutoETS", "theta": "AutoTheta", "arima": "AutoARIMA"}
ARIMA_BASE_MAX_POINTS = 1000  # AutoARIMA from every training origin costs seconds per hundred points


def base_forecasts(kind: str, values: np.ndarray, origins: np.ndarray, horizon: int, season: int,
                   fit_end: int) -> np.ndarray:
    """A base forecast from each origin: naive, seasonal naive, or a statistical method fitted before ``fit_end``."""
    if kind in STAT_BASES:
        name = STAT_BASES[kind]
        return statistical.method_forecasts(name, values, origins, horizon, season, fit_end).forecasts
    if "+" in kind:
        return np.mean([base_forecasts(k, values, origins, horizon, season, fit_end) for k in kind.split("+")], axis=0)
    simple = fc.baseline_forecasts(values, origins, horizon, max(season, 1), 1)
    return simple["naive" if kind == "naive" else "seasonal naive"]


@dataclass(frozen=True)
class Base:
    """A base forecast from every origin the hybrid uses, in the space it was made in (values or their logs)."""

    kind: str
    log: bool
    origins: np.ndarray  # training (latest MAX_BASE_ORIGINS), validation, test origins, in order
    forecasts: np.ndarray  # (origins, horizon), in log space when ``log``
    n_train: int
    n_validation: int

    @property
    def name(self) -> str:
        return f"{self.kind}{' (log)' if self.log else ''}"

    def levels(self, forecasts: np.ndarray) -> np.ndarray:
        return np.exp(forecasts) if self.log else forecasts

    def part(self, array: np.ndarray, part: str) -> np.ndarray:
        bounds = {"train": (0, self.n_train), "validation": (self.n_train, self.n_train + self.n_validation),
                  "test": (self.n_train + self.n_validation, len(self.origins))}[part]
        return array[bounds[0] : bounds[1]]


def candidate_bases(series: fc.PreparedSeries, settings: fc.ForecastSettings, kinds: tuple[str, ...],
                    train_windows: int = MAX_BASE_ORIGINS, logs: tuple[bool, ...] = (False, True)) -> list[Base]:
    """Every base of ``kinds``, on the values and (when all are positive) on their logs; fitted on training only.

    A kind joining others with "+" is the mean of their forecasts (a combination, as in M4's Comb benchmark).
    ``train_windows`` 0 forecasts from the validation and test origins only: enough to choose a base.
    """
    values = series.values.to_numpy()
    split = fc.chronological_split(len(values), settings, 0)
    train_origins = split.train[len(split.train) - train_windows :] if train_windows else split.train[:0]
    every = np.concatenate([train_origins, split.validation, split.test])
    arima_ok = len(values) <= ARIMA_BASE_MAX_POINTS and series.season <= 12
    allowed = [k for k in kinds if (series.season > 1 or k != "seasonal naive") and (arima_ok or "arima" not in k)]
    bases = []
    for log in [log for log in logs if values.min() > 0 or not log]:
        data = np.log(values) if log else values
        singles: dict[str, np.ndarray] = {}
        for kind in allowed:
            parts = kind.split("+")
            for part in parts:
                if part not in singles:
                    singles[part] = base_forecasts(part, data, every, settings.horizon, series.season,
                                                   split.validation_start)
            forecasts = np.mean([singles[part] for part in parts], axis=0)
            bases.append(Base(kind, log, every, forecasts, len(train_origins), len(split.validation)))
    return bases


def residual_run(series: fc.PreparedSeries, settings: fc.ForecastSettings, base: Base) -> Run:
    """The network learns ``truth - base`` (in the base's space) from its window relative to the last value."""
    wall, cpu = _clock()
    values = series.values.to_numpy()
    data = np.log(values) if base.log else values
    every = base.origins
    truth = data[np.minimum(every[:, None] + np.arange(1, settings.horizon + 1), len(data) - 1)]
    windows = fc.window_inputs(data, every, settings.window)  # (n, window, 1)
    relative = windows - data[every][:, None, None]  # the shape of the recent past, whatever its level
    train_values = data[: base.origins[base.n_train - 1] + 1]
    level = (windows - train_values.mean()) / (train_values.std() or 1.0)  # where it is: for mean reversion
    x_scale = float(base.part(relative, "train").std()) or 1.0
    y_scale = float(base.part(truth - base.forecasts, "train").std()) or 1.0
    x = np.concatenate([relative / x_scale, level], axis=-1)[..., : INPUT_FEATURES]  # (n, window, features)
    y = (truth - base.forecasts) / y_scale

    result = train(lambda: build_correction(settings.window, settings.horizon, settings.units, x.shape[-1]),
                   base.part(x, "train"), base.part(y, "train"), settings, loss="mse",
                   validation=(base.part(x, "validation"), base.part(y, "validation")), early_stopping_patience=5)

    def forecast(part: str) -> np.ndarray:
        return base.levels(base.part(base.forecasts, part) + predict(result.model, base.part(x, part)) * y_scale)

    return Run(forecast("validation"), forecast("test"), time.perf_counter() - wall, time.process_time() - cpu,
               result.epochs_run, f"residual on {base.name}")


BASE_KINDS = ("naive", "seasonal naive", "ets", "theta", "arima", "ets+theta", "ets+theta+arima")


def choose_base(series: fc.PreparedSeries, settings: fc.ForecastSettings,
                kinds: tuple[str, ...] = BASE_KINDS, train_windows: int = MAX_BASE_ORIGINS) -> Base:
    """The base forecast with the lowest MAE on the validation part (statistical ones fitted on training only).

    Chosen on the validation origins alone; only the winner is then forecast from the training origins too.
    """
    values = series.values.to_numpy()
    split = fc.chronological_split(len(values), settings, 0)
    truth = values[split.validation[:, None] + np.arange(1, settings.horizon + 1)]
    bases = candidate_bases(series, settings, kinds, train_windows=0)
    best = min(bases, key=lambda b: mae(truth, b.levels(b.part(b.forecasts, "validation"))))
    if not train_windows:
        return best
    return candidate_bases(series, settings, (best.kind,), train_windows, logs=(best.log,))[0]


# ---------------------------------------------------------------- one series, every forecaster


def mae(truth: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.mean(np.abs(truth - forecast)))


CANDIDATES = ("none", "difference", "seasonal difference", "hybrid")
# selection rules over the candidates' runs: name -> candidates it chooses among on validation MAE
RULES = {
    "page": ("none",), "difference": ("difference",), "seasonal difference": ("seasonal difference",),
    "hybrid": ("hybrid",), "hybrid refit": ("hybrid refit",),
    "auto": ("none", "difference", "seasonal difference"),
    "page or hybrid": ("none", "hybrid refit"),
    "auto or hybrid": ("none", "difference", "seasonal difference", "hybrid refit"),
    "difference or hybrid": ("difference", "hybrid"),
}
# combinations: name -> candidates whose seed-ensemble forecasts are averaged
COMBINATIONS = {"mean of difference and hybrid": ("difference", "hybrid"),
                "mean of none, difference and hybrid": ("none", "difference", "hybrid")}


def run_series(series: fc.PreparedSeries, seeds: int, candidates: tuple[str, ...] = CANDIDATES,
               sizes: Sizes | None = None) -> dict:
    """Every forecaster on one series: baselines, the three statistical methods, each rule over the candidates."""
    values = series.values.to_numpy()
    sizes = sizes or derive_sizes(len(values), series.frequency_name, series.season)
    settings = fc.ForecastSettings(window=sizes.window, horizon=sizes.horizon, test_size=sizes.test_size,
                                   preprocessing="none", seeds=1)
    split = fc.chronological_split(len(values), settings, 0)
    steps = np.arange(1, sizes.horizon + 1)
    truth, val_truth = values[split.test[:, None] + steps], values[split.validation[:, None] + steps]
    scale = fc.seasonal_naive_scale(values, series.season, split.validation_start)
    rows: dict[str, dict] = {}
    for name, f in fc.baseline_forecasts(values, split.test, sizes.horizon, series.season, sizes.window).items():
        rows[name] = {"MAE": mae(truth, f)}
    wall, cpu = _clock()
    stats = statistical.statistical_forecasts(values, split.test, sizes.horizon, series.season, split.test_start)
    for method in stats.methods:
        rows[method.name] = {"MAE": mae(truth, method.forecasts), "seconds": method.seconds,
                             "cpu_seconds": method.cpu_seconds, "substitute": method.substitute}
    stats_seconds = (time.perf_counter() - wall, time.process_time() - cpu)
    runs = _candidate_runs(series, settings, seeds, candidates)
    for rule, among in RULES.items():
        if all(c in runs for c in among):
            rows[rule] = _rule_row(runs, among, truth, val_truth)
    for candidate in runs:
        if candidate not in rows:
            rows[candidate] = _rule_row(runs, (candidate,), truth, val_truth)
    for rule, among in COMBINATIONS.items():
        if all(c in runs for c in among):
            mean_runs = [_mean_run([runs[c][s] for c in among]) for s in range(seeds)]
            rows[rule] = _rule_row({rule: mean_runs}, (rule,), truth, val_truth)
            rows[rule] |= {"seconds_per_seed": sum(runs[c][0].seconds for c in among),
                           "cpu_seconds_per_seed": sum(runs[c][0].cpu_seconds for c in among)}
    ensembles = {c: {"validation": np.mean([r.validation for r in rs], axis=0).tolist(),
                     "test": np.mean([r.test for r in rs], axis=0).tolist()} for c, rs in runs.items()}
    for row in rows.values():
        row["MASE"] = row["MAE"] / scale
    return {"sizes": sizes.__dict__, "report": series.report, "rows": rows, "stats_seconds": stats_seconds,
            "scale": scale, "load": os.getloadavg()[0], "ensembles": ensembles,
            "statistical": {m.name: m.forecasts.tolist() for m in stats.methods},
            "truth": truth.tolist(), "validation_truth": val_truth.tolist()}


def _mean_run(runs: list[Run]) -> Run:
    """The mean of several runs' forecasts (a combination), costing what they cost together."""
    return Run(np.mean([r.validation for r in runs], axis=0), np.mean([r.test for r in runs], axis=0),
               sum(r.seconds for r in runs), sum(r.cpu_seconds for r in runs), 0,
               " & ".join(r.label for r in runs))


def _candidate_runs(series: fc.PreparedSeries, settings: fc.ForecastSettings, seeds: int,
                    candidates: tuple[str, ...]) -> dict[str, list[Run]]:
    """Each candidate trained with each seed (a candidate that does not fit the series is left out)."""
    runs: dict[str, list[Run]] = {}
    for candidate in candidates:
        if candidate == "recipe":
            runs[candidate] = recipe_runs(series, settings, seeds)
            continue
        try:
            runs[candidate] = [_one_run(candidate, series, replace(settings, seed=seed)) for seed in range(seeds)]
        except ValueError as err:  # e.g. a seasonal difference leaving too few windows
            print(f"{candidate}: {err}", flush=True)
    if "hybrid" in runs:
        runs["hybrid refit"] = [replace(r, test=r.test_refit) for r in runs["hybrid"]]
    return runs


def _rule_row(runs: dict[str, list[Run]], among: tuple[str, ...], truth: np.ndarray, val_truth: np.ndarray) -> dict:
    """A rule's scores: each seed choosing on its own validation MAE, and the seed ensemble choosing on its own."""
    seeds = len(runs[among[0]])
    chosen = [min(among, key=lambda c, s=s: mae(val_truth, runs[c][s].validation)) for s in range(seeds)]
    single = [mae(truth, runs[c][s].test) for s, c in enumerate(chosen)]
    means = {c: (np.mean([r.validation for r in runs[c]], axis=0), np.mean([r.test for r in runs[c]], axis=0))
             for c in among}
    pick = min(among, key=lambda c: mae(val_truth, means[c][0]))
    band = score_band(truth, means[pick][1], calibrate_band(val_truth - means[pick][0], 0.8))
    distinct = {c.replace(" refit", "") for c in among}  # refit shares its training with the hybrid
    return {"MAE": mae(truth, means[pick][1]), "seed_maes": single, "seed_choices": chosen, "chosen": pick,
            "labels": sorted({r.label for r in runs[pick]}), "val_MAE": mae(val_truth, means[pick][0]),
            "band_held": band.held, "interval_score": band.interval_score,
            "seconds_per_seed": sum(runs[c][0].seconds for c in distinct),
            "cpu_seconds_per_seed": sum(runs[c][0].cpu_seconds for c in distinct),
            "seconds_all_seeds": sum(r.seconds for c in distinct for r in runs[c]),
            "cpu_seconds_all_seeds": sum(r.cpu_seconds for c in distinct for r in runs[c])}


def _one_run(variant: str, series: fc.PreparedSeries, settings: fc.ForecastSettings) -> Run:
    if "@" in variant:  # "difference@units=16,learning_rate=0.001": a candidate with other settings
        variant, overrides = variant.split("@")
        fields = {f.name: f.type for f in dataclasses.fields(settings)}
        changes = dict(item.split("=") for item in overrides.split(","))
        settings = replace(settings, **{k: (float(v) if "." in v else int(v)) for k, v in changes.items()
                                        if k in fields})
    if variant.startswith("residual "):
        kind = variant.removeprefix("residual ")
        return residual_run(series, settings, choose_base(series, settings, (kind,)))
    if variant == "hybrid":
        return hybrid_run(series, settings)
    if variant in ("naive start", "naive start with level"):
        return level_run(series, settings, with_level=variant.endswith("level"))
    if variant in fc.PREPROCESSING:
        return page_run(series, replace(settings, preprocessing=variant))
    raise ValueError(f"unknown variant {variant!r}")


_BASE_CACHE: dict[tuple, Base] = {}


def recipe_runs(series: fc.PreparedSeries, settings: fc.ForecastSettings, seeds: int) -> list[Run]:
    """The recommended "auto": the difference network (seed 0) against the statistical base alone, on validation.

    The base needs no training (its forecasts are computed once per series and sizes), so the choice costs one
    training; the winner then gets its seeds: the difference network's other seeds, or the hybrid's
    corrections on the base. Trainings: ``seeds`` when the network wins, ``seeds + 1`` when the base does.
    """
    wall, cpu = _clock()
    values = series.values.to_numpy()
    split = fc.chronological_split(len(values), settings, 0)
    val_truth = values[split.validation[:, None] + np.arange(1, settings.horizon + 1)]
    first = page_run(series, replace(settings, preprocessing="difference", seed=0))
    key = (id(series), settings.window, settings.horizon, settings.test_size)
    quick = choose_base(series, settings, train_windows=0)  # validation and test origins only
    network_wins = mae(val_truth, first.validation) <= mae(val_truth, quick.levels(quick.part(quick.forecasts,
                                                                                                "validation")))
    if not network_wins and key not in _BASE_CACHE:  # the hybrid needs the base from its training origins too
        _BASE_CACHE[key] = candidate_bases(series, settings, (quick.kind,), logs=(quick.log,))[0]
        _BASE_CACHE[(key, "refit")] = refit_base(series, settings, _BASE_CACHE[key])
    if network_wins:
        runs = [first] + [page_run(series, replace(settings, preprocessing="difference", seed=seed))
                          for seed in range(1, seeds)]
    else:
        runs = [hybrid_run(series, replace(settings, seed=seed)) for seed in range(seeds)]
    overhead = (time.perf_counter() - wall - sum(r.seconds for r in runs),
                time.process_time() - cpu - sum(r.cpu_seconds for r in runs))
    return [replace(runs[0], seconds=runs[0].seconds + overhead[0], cpu_seconds=runs[0].cpu_seconds + overhead[1]),
            *runs[1:]]


def refit_base(series: fc.PreparedSeries, settings: fc.ForecastSettings, base: Base) -> Base:
    """The chosen base fitted again on every point before the test part, as the yardsticks are, for the test."""
    values = series.values.to_numpy()
    split = fc.chronological_split(len(values), settings, 0)
    data = np.log(values) if base.log else values
    test = base_forecasts(base.kind, data, split.test, settings.horizon, series.season, split.test_start)
    n = base.n_train + base.n_validation
    return replace(base, forecasts=np.concatenate([base.forecasts[:n], test]))


def hybrid_run(series: fc.PreparedSeries, settings: fc.ForecastSettings) -> Run:
    """Base chosen on validation; the correction trained on it, kept only if it beats the base on validation.

    ``test_refit`` holds the test forecasts with the base refitted on all data before the test part.
    """
    wall, cpu = _clock()
    key = (id(series), settings.window, settings.horizon, settings.test_size)
    if key not in _BASE_CACHE:  # the base does not depend on the seed
        _BASE_CACHE[key] = choose_base(series, settings)
        _BASE_CACHE[(key, "refit")] = refit_base(series, settings, _BASE_CACHE[key])
    base, refitted = _BASE_CACHE[key], _BASE_CACHE[(key, "refit")]
    run = residual_run(series, settings, base)
    correction = run.test - base.levels(base.part(base.forecasts, "test"))  # in levels: approximate for log bases
    run = replace(run, test_refit=refitted.levels(refitted.part(refitted.forecasts, "test")) + correction)
    values = series.values.to_numpy()
    split = fc.chronological_split(len(values), settings, 0)
    val_truth = values[split.validation[:, None] + np.arange(1, settings.horizon + 1)]
    base_val = base.levels(base.part(base.forecasts, "validation"))
    label = f"{base.name} + correction"
    if mae(val_truth, run.validation) >= mae(val_truth, base_val):
        run = replace(run, validation=base_val, test=base.levels(base.part(base.forecasts, "test")),
                      test_refit=refitted.levels(refitted.part(refitted.forecasts, "test")))
        label = f"{base.name} (correction not kept)"
    return replace(run, seconds=time.perf_counter() - wall, cpu_seconds=time.process_time() - cpu, label=label)


# ---------------------------------------------------------------- command line


def builtin_sales(product: str = "ice cream") -> fc.PreparedSeries:
    from core import datasets

    return fc.prepare_series(datasets.load_builtin_sales(product), "date", "sales")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="series (start of name); 'ice cream' for the built-in sales")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    warm_seconds = statistical.warm_up()
    chosen: list[tuple[str, Callable[[], fc.PreparedSeries]]] = []
    for name in args.names or [s.name for s in SERIES]:
        if name in ("ice cream", "umbrellas", "gift cards"):
            chosen.append((name, lambda n=name: builtin_sales(n)))
        else:
            s = by_name(name)
            chosen.append((s.name, lambda s=s: prepare_from_bytes(s.csv_bytes(), s.date_column, s.value_column,
                                                                  s.name)))
    results = {"warm_up_seconds": warm_seconds}
    for name, load in chosen:
        started = time.perf_counter()
        results[name] = run_series(load(), args.seeds, tuple(args.candidates.split(",")))
        results[name]["total_seconds"] = time.perf_counter() - started
        print(json.dumps({name: _summary(results[name])}), flush=True)
    results["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.out:
        with open(args.out, "w") as file:
            json.dump(results, file, indent=1, default=_plain)


def _summary(result: dict) -> dict:
    return {name: round(row["MAE"], 3) for name, row in result["rows"].items()}


def _plain(value: object) -> object:
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    return str(value) if not isinstance(value, float) or math.isfinite(value) else None


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------- the table for bench/RESULTS.md

STAT_NAMES = ("AutoETS", "AutoTheta", "AutoARIMA")
SIMPLE_NAMES = ("naive", "seasonal naive", "moving average")
SHOWN_RULES = ("page", "difference", "auto", "hybrid", "difference or hybrid", "recipe")


def _series(results: dict) -> dict[str, dict]:
    return {name: r for name, r in results.items() if isinstance(r, dict) and "rows" in r}


def scores_table(results: dict, rules: tuple[str, ...] = SHOWN_RULES) -> str:
    """MAE (MASE) of every forecaster on every series; the rules' figures are seed-ensemble means."""
    columns = [*SIMPLE_NAMES, *STAT_NAMES, *rules]
    lines = ["| series | points | window/horizon/test | " + " | ".join(columns) + " |",
             "|---" * (len(columns) + 3) + "|"]
    for name, result in _series(results).items():
        rows, sizes = result["rows"], result["sizes"]
        cells = [f"{rows[c]['MAE']:.3g} ({rows[c]['MASE']:.2f})" if c in rows else "—" for c in columns]
        lines.append(f"| {name} | {result['report']['points']} | {sizes['window']}/{sizes['horizon']}/"
                     f"{sizes['test_size']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def rule_table(results: dict, rule: str) -> str:
    """One rule in detail: its seeds, what it chose, its band, its cost, and how it compares."""
    lines = [f"| series | {rule} MAE | seeds (MAE) | chosen | 80% band held | interval score | ÷ best statistical | "
             "beats naive and seasonal naive | seconds per seed wall (CPU) | all seeds wall (CPU) | load |",
             "|---" * 11 + "|"]
    for name, result in _series(results).items():
        rows = result["rows"]
        if rule not in rows:
            continue
        row = rows[rule]
        best = min(rows[n]["MAE"] for n in STAT_NAMES)
        simple = min(rows["naive"]["MAE"], rows.get("seasonal naive", rows["naive"])["MAE"])
        labels = "; ".join(row["labels"])
        lines.append(f"| {name} | {row['MAE']:.3g} | {', '.join(f'{m:.3g}' for m in row['seed_maes'])} | "
                     f"{row['chosen']} ({labels}) | {row['band_held']:.0%} | {row['interval_score']:.3g} | "
                     f"{row['MAE'] / best:.2f} | {'yes' if row['MAE'] < simple else '**no**'} | "
                     f"{row['seconds_per_seed']:.1f} ({row['cpu_seconds_per_seed']:.1f}) | "
                     f"{row['seconds_all_seeds']:.1f} ({row['cpu_seconds_all_seeds']:.1f}) | {result['load']:.1f} |")
    return "\n".join(lines)


def summary_table(results: dict) -> str:
    """Per rule, over the real series (not the built-in): wins over the simple rules and the median ratio."""
    real = {n: r for n, r in _series(results).items() if n not in ("ice cream", "umbrellas", "gift cards")}
    lines = ["| rule | beats naive and seasonal naive | median ÷ best statistical | worst ÷ best statistical | "
             "median CPU s per seed |", "|---|---|---|---|---|"]
    for rule in [*RULES, *COMBINATIONS, "recipe"]:
        ratios, wins, cpu = [], 0, []
        for result in real.values():
            rows = result["rows"]
            if rule not in rows:
                continue
            best = min(rows[n]["MAE"] for n in STAT_NAMES)
            simple = min(rows["naive"]["MAE"], rows.get("seasonal naive", rows["naive"])["MAE"])
            ratios.append(rows[rule]["MAE"] / best)
            wins += rows[rule]["MAE"] < simple
            cpu.append(rows[rule]["cpu_seconds_per_seed"])
        if ratios:
            lines.append(f"| {rule} | {wins} of {len(ratios)} | {np.median(ratios):.2f} | {max(ratios):.2f} | "
                         f"{np.median(cpu):.1f} |")
    return "\n".join(lines)


def time_recipe(series: fc.PreparedSeries, seeds: int) -> dict:
    """Wall and CPU seconds of the recommended recipe on one series, cold (first) and warm (second, new bases).

    Recipe (``recipe_runs``): the statistical yardsticks, the difference network against the statistical base,
    and the winner's seeds. The base cache is cleared before each pass, so the warm pass pays for its bases.
    """
    values = series.values.to_numpy()
    sizes = derive_sizes(len(values), series.frequency_name, series.season)
    settings = fc.ForecastSettings(window=sizes.window, horizon=sizes.horizon, test_size=sizes.test_size,
                                   preprocessing="none", seeds=1)
    split = fc.chronological_split(len(values), settings, 0)
    passes = []
    for _ in range(2):
        _BASE_CACHE.clear()
        wall, cpu = _clock()
        statistical.statistical_forecasts(values, split.test, sizes.horizon, series.season, split.test_start)
        stats = (time.perf_counter() - wall, time.process_time() - cpu)
        _candidate_runs(series, settings, seeds, ("recipe",))
        passes.append({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                       "statistical_wall": stats[0], "statistical_cpu": stats[1], "load": os.getloadavg()[0]})
    return {"cold": passes[0], "warm": passes[1]}


REFERENCE_QUIET_S = 0.97  # the page's default on ice cream, warm, quiet 2 cores (bench/RESULTS.md, sales defaults)


def timing_table(timings: dict) -> str:
    """The recipe's seconds per series, and a quiet-machine estimate scaled by the page default's known time.

    Each series' pass is preceded by one warm training of today's page default on ice cream in the same
    process (the reference): recipe CPU ÷ reference CPU × 0.97 s estimates the recipe's quiet wall time.
    """
    lines = ["| series | warm wall (CPU) s | of which yardsticks wall (CPU) s | reference wall (CPU) s | "
             "≈ quiet 2-core s | ≈ quiet, yardsticks cached | load |", "|---|---|---|---|---|---|---|"]
    for name, passes in timings.items():
        warm, ref = passes["warm"], passes["reference"]
        estimate = warm["cpu"] / ref["cpu"] * REFERENCE_QUIET_S
        cached = (warm["cpu"] - warm["statistical_cpu"]) / ref["cpu"] * REFERENCE_QUIET_S
        lines.append(f"| {name} | {warm['wall']:.1f} ({warm['cpu']:.1f}) | {warm['statistical_wall']:.1f} "
                     f"({warm['statistical_cpu']:.1f}) | {ref['wall']:.1f} ({ref['cpu']:.1f}) | {estimate:.1f} | "
                     f"{cached:.1f} | {warm['load']:.1f} |")
    return "\n".join(lines)


def write_results(research: dict, timings: dict, extra: dict | None = None) -> None:
    """The section of bench/RESULTS.md this bench owns."""
    from bench import results
    from bench.series import SERIES

    sources = "; ".join(f"{s.name} ({s.frequency}, {s.source}, dates written as {s.date_style})" for s in SERIES)
    lines = ["## Forecasting real series (issue 19)", "",
             f"{results.measured_on()} Command: `python -m bench.forecast_research --seeds 3 --out FILE`. "
             "The machine was shared with other sessions' trainings (load average in the tables, 7 to 12 on 2 "
             "cores): wall seconds are inflated several times; CPU seconds are this process's own.", "",
             f"Series, each written as a CSV and read back through the page's path from bytes: {sources}; and the "
             "built-in ice cream sales. Sizes derived from frequency and length (`derive_sizes`). Every forecaster "
             "is scored on the same test origins (every origin of the test part, `horizon` steps each); "
             "statistical methods fitted on training + validation parts, networks trained on the training part "
             "with early stopping on the validation part. Cells: MAE (MASE); networks: mean of 3 seeds.", "",
             "Columns: *page* is today's default (learn the values); *difference* and *seasonal difference* the "
             "page's other preprocessings; *auto* picks one of those three on validation MAE; *hybrid* learns a "
             "correction on top of a statistical base chosen on validation (naive, seasonal naive, ETS, Theta, "
             "ARIMA or their mean, on the values or their logs, fitted on the training part; the correction is "
             "dropped when it does not beat its base on validation); *recipe* is the recommendation: the "
             "difference network against the base alone on validation, then the winner's 3 seeds.", "",
             scores_table(research), "",
             "Rules over the real series (not the built-in): how many beat both naive and seasonal naive, and "
             "model MAE ÷ the best of AutoETS / AutoTheta / AutoARIMA on that series.", "",
             summary_table(research), ""]
    for rule in ("recipe", "difference"):
        lines += [f"Rule '{rule}' in detail (seeds: each seed's own choice and MAE; band: split-conformal 80 % "
                  "band calibrated on the validation part's errors, share of test points inside).", "",
                  rule_table(research, rule), ""]
    lines += ["Recipe cost, one process for all series, each measured on its second pass (warm: compiled; bases "
              "and yardsticks computed again). Each series' pass follows a warm training of today's page default "
              "on ice cream (0.97 s on a quiet machine), which scales the CPU seconds into a quiet-machine "
              "estimate. Neither the yardsticks nor the base choice depend on the network's knobs, so a page that "
              "caches them per data and sizes pays only the trainings on a later click (last column but one).",
              "",
              timing_table(timings), ""]
    for title, table in (extra or {}).items():
        lines += [title, "", table, ""]
    results.write(lines, owns="## Forecasting real series")
