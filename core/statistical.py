"""The field's standard forecasters (AutoETS, AutoTheta, AutoARIMA) as yardsticks, on the page's own test points.

Each method is fitted once, on the data before the test part (training and
validation parts: a statistical model picks its form by an information
criterion on the data it is fitted on and needs no held-out part, so it gets
all the data the network may learn from, which makes it the stronger
yardstick). It then forecasts ``horizon`` steps from every origin the page
scores its network from, reading only the data up to that origin
(statsforecast's ``forward``: the fitted form and parameters applied to a longer
series, no refitting). The test part is never fitted on, and no forecast reads
past its origin.

Costs are bounded before fitting, not stopped half-way: each method has a
longest season it fits directly and a most-recent stretch it is fitted on.
Past those, a stated substitute is used: the season taken out (classical
decomposition on the fitting data) and the method fitted without one, then the
season added back. ETS itself allows seasons up to 24 and quietly drops longer
ones; AutoARIMA's seasonal search grows quickly with the season (season 52 ran
over 15 minutes on 2 cores).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np

os.environ.setdefault("NIXTLA_NUMBA_CACHE", "1")  # compile once per installation, not once per process

METHODS = ("AutoETS", "AutoTheta", "AutoARIMA")


@dataclass(frozen=True)
class MethodLimits:
    """How much one method is asked to do: the longest season it fits as is, and how much history it reads."""

    max_season: int  # longer seasons are taken out before fitting and added back after
    max_points: int  # the method is fitted on at most this many of the latest points before the test part


LIMITS = {
    "AutoETS": MethodLimits(max_season=24, max_points=2000),  # statsforecast's ETS drops seasons over 24
    "AutoTheta": MethodLimits(max_season=400, max_points=2000),  # deseasonalises by itself; cheap
    "AutoARIMA": MethodLimits(max_season=12, max_points=500),  # the seasonal search is what takes minutes
}
ARIMA_EXACT_WORK = 4000  # fitted points × season up to which AutoARIMA's search uses exact likelihoods


@dataclass(frozen=True)
class MethodForecast:
    """One method's forecasts from every origin, what they cost and how the method was fitted."""

    name: str
    forecasts: np.ndarray  # (origins, horizon)
    seconds: float  # wall-clock, fitting and forecasting
    cpu_seconds: float  # this process's CPU time over the same stretch
    fitted_points: int  # how many points before ``fit_end`` it was fitted on
    substitute: str | None  # plain words on what was done instead of a direct fit, None when fitted as is


@dataclass(frozen=True)
class StatisticalForecasts:
    """The yardsticks' forecasts from the same origins as the page's model."""

    methods: tuple[MethodForecast, ...]
    origins: np.ndarray
    horizon: int
    season: int
    fit_end: int  # every method was fitted on points before this index

    def as_dict(self) -> dict[str, np.ndarray]:
        """Forecasts by method name, as ``core.forecasting.baseline_forecasts`` gives its baselines."""
        return {method.name: method.forecasts for method in self.methods}

    def notes(self) -> list[str]:
        """A sentence per substitute used, for the page to show beside the table."""
        return [f"{method.name}: {method.substitute}" for method in self.methods if method.substitute]


def warm_up() -> float:
    """Fit each method once on a tiny series, so numba's compilation is paid here and not in a user's click.

    Returns the seconds it took (about 25 s the first time on an installation,
    about 2 s in each later process, which reads numba's on-disk cache).
    """
    started = time.perf_counter()
    steps = np.arange(48, dtype=float)
    tiny = 10 + 0.1 * steps + np.sin(2 * np.pi * steps / 4)
    for name in METHODS:
        _fit_and_forward(name, tiny, np.array([40, 41]), horizon=2, season=4, fit_end=40)
    return time.perf_counter() - started


def statistical_forecasts(values: np.ndarray, origins: np.ndarray, horizon: int, season: int, fit_end: int,
                          methods: tuple[str, ...] = METHODS) -> StatisticalForecasts:
    """Each method fitted on ``values[:fit_end]`` (its latest points), then forecast from every origin.

    ``origins`` are indices of the last observed point before each forecast, as
    in ``core.forecasting.Split``; each must be at or after ``fit_end - 1``
    (no forecast may start inside the data a method was fitted on and be
    called a test). Forecasts are (origins, horizon).
    """
    values = np.asarray(values, dtype=float)
    if len(origins) and (origins.min() < fit_end - 1 or origins.max() > len(values) - 1):
        raise ValueError(f"Origins must lie from {fit_end - 1} (the last fitted point) to {len(values) - 1}; "
                         f"got {origins.min()} to {origins.max()}.")
    unknown = [name for name in methods if name not in LIMITS]
    if unknown:
        raise ValueError(f"Unknown method {unknown[0]!r}; choose from {', '.join(METHODS)}.")
    fitted = tuple(method_forecasts(name, values, origins, horizon, season, fit_end) for name in methods)
    return StatisticalForecasts(fitted, origins, horizon, season, fit_end)


def method_forecasts(name: str, values: np.ndarray, origins: np.ndarray, horizon: int, season: int,
                     fit_end: int) -> MethodForecast:
    """One method fitted on ``values[:fit_end]`` and forecast from each origin, inside the fitted data or not.

    Origins inside the fitted data give in-sample forecasts: right for a model
    that learns to correct them (the hybrid), wrong for scoring, which is why
    :func:`statistical_forecasts` refuses them.
    """
    started, cpu = time.perf_counter(), time.process_time()
    forecasts, fitted_points, substitute = _fit_and_forward(name, values, origins, horizon, season, fit_end)
    return MethodForecast(name, forecasts, time.perf_counter() - started, time.process_time() - cpu,
                          fitted_points, substitute)


def _fit_and_forward(name: str, values: np.ndarray, origins: np.ndarray, horizon: int, season: int,
                     fit_end: int) -> tuple[np.ndarray, int, str | None]:
    """Fit one method within its limits, then forecast from each origin: (forecasts, points fitted, substitute)."""
    limits = LIMITS[name]
    start = max(0, fit_end - limits.max_points)
    notes = []
    if start > 0:
        notes.append(f"fitted on the latest {limits.max_points} points before the test part (of {fit_end})")
    deseasonalise = season > limits.max_season and fit_end - start >= 2 * season
    if season > limits.max_season:
        notes.append(f"the season of {season} points is longer than it fits directly ({limits.max_season}): "
                     "fitted without it after taking the season out (classical decomposition of the fitting "
                     "data), the season added back to its forecasts" if deseasonalise else
                     f"the season of {season} points is longer than it fits directly ({limits.max_season}) and "
                     "the data holds under two seasons to measure it: fitted without a season")
    own_season = season if season <= limits.max_season else 1
    pattern = seasonal_pattern(values[start:fit_end], season) if deseasonalise else np.zeros(max(season, 1))
    adjusted = values - pattern[(np.arange(len(values)) - start) % len(pattern)]
    model = _model(name, own_season)
    if name == "AutoARIMA" and (fit_end - start) * own_season > ARIMA_EXACT_WORK:
        # R's forecast::auto.arima approximates the likelihood during its search for long series (Hyndman &
        # Khandakar 2008) and refits the chosen model exactly: 8x faster on 500 monthly points (15 s -> 2 s).
        # Only where the exact search would take long: on 500 daily points it chose a worse model (MAE 5.2 vs 2.7).
        model.approximation = True
    model.fit(adjusted[start:fit_end])
    forecasts = np.empty((len(origins), horizon))
    for row, origin in enumerate(origins):
        ahead = origin + 1 + np.arange(horizon)
        forecasts[row] = model.forward(y=adjusted[start : origin + 1], h=horizon)["mean"]
        forecasts[row] += pattern[(ahead - start) % len(pattern)]
    return forecasts, fit_end - start, "; ".join(notes) or None


def _model(name: str, season: int) -> object:
    """A statsforecast model of ``name`` for ``season``.

    Imported here, not at the top: statsforecast takes about 2 s to import, which
    the app's start and a page without the yardsticks should not pay.
    """
    from statsforecast import models

    return getattr(models, name)(season_length=season)


def seasonal_pattern(values: np.ndarray, season: int) -> np.ndarray:
    """Classical additive decomposition's seasonal pattern: the mean of the detrended values at each position.

    The trend is a centred moving average over one season (a 2×season average
    when the season is even, so it is centred on a point); the pattern is
    shifted to sum to zero, so taking it out leaves the level unchanged.
    """
    if season < 2:
        return np.zeros(1)
    weights = np.ones(season) / season
    if season % 2 == 0:
        weights = np.convolve(weights, [0.5, 0.5])
    trend = np.convolve(values, weights, mode="valid")
    offset = (len(weights) - 1) // 2
    detrended = values[offset : offset + len(trend)] - trend
    positions = (np.arange(len(detrended)) + offset) % season
    pattern = np.array([detrended[positions == p].mean() for p in range(season)])
    return pattern - pattern.mean()
