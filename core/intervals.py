"""Likely ranges that say how often they hold: split-conformal bands, their coverage and interval score.

A band is calibrated on the validation part's errors (truth minus forecast,
from every validation origin), one width per horizon step, because forecasts
further ahead miss by more. Split conformal prediction takes the
⌈(n+1)·p⌉-th smallest absolute error of n as the half-width of a band meant to
hold a share p of new points; it holds that share whenever the test errors
behave like the validation ones, whatever the model. The test part then says
whether they did: the share of test points inside the band (its coverage),
and the interval score of Gneiting & Raftery (2007), which adds to the band's
width a penalty of 2/α per unit a point falls outside it (α = 1 − p), so a
band is rewarded for being narrow only while it holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ConformalBand:
    """Half-widths of a likely range around a point forecast, one per horizon step."""

    coverage: float  # the share of new points the band is meant to hold, e.g. 0.8
    half_width: np.ndarray  # (horizon,) the band is forecast ± half_width[step]
    calibration_points: int  # validation errors per step it was calibrated on
    capped: bool  # too few errors for this coverage: the largest error was used, and the band may hold less

    def lower(self, forecast: np.ndarray) -> np.ndarray:
        """The band's lower edge for forecasts (..., horizon)."""
        return forecast - self.half_width

    def upper(self, forecast: np.ndarray) -> np.ndarray:
        """The band's upper edge for forecasts (..., horizon)."""
        return forecast + self.half_width


@dataclass(frozen=True)
class BandScore:
    """How a band did on held-out points."""

    coverage: float  # the nominal share, e.g. 0.8
    held: float  # the share of points inside the band
    interval_score: float  # mean width plus 2/α per unit outside (lower is better), in the series' units
    mean_width: float
    points: int

    def sentence(self) -> str:
        """Plain words for the page."""
        return (f"The {self.coverage:.0%} band held {self.held:.0%} of the {self.points} test points "
                f"(interval score {self.interval_score:.3g}, mean width {self.mean_width:.3g}).")


def calibrate_band(residuals: np.ndarray, coverage: float = 0.8) -> ConformalBand:
    """Split-conformal half-widths from validation errors (origins, horizon), one per horizon step."""
    if not 0 < coverage < 1:
        raise ValueError(f"The band's coverage must be between 0 and 1 (like 0.8); got {coverage}.")
    errors = np.abs(np.asarray(residuals, dtype=float))
    if errors.ndim != 2 or errors.shape[0] == 0:
        raise ValueError("Calibrating a band needs validation errors shaped (origins, horizon), at least one origin.")
    n = errors.shape[0]
    rank = math.ceil((n + 1) * coverage)  # the finite-sample correction of split conformal prediction
    capped = rank > n
    half_width = np.sort(errors, axis=0)[min(rank, n) - 1]
    return ConformalBand(coverage, half_width, n, capped)


def interval_score(truth: np.ndarray, lower: np.ndarray, upper: np.ndarray, coverage: float) -> float:
    """Mean interval score (Gneiting & Raftery 2007; Winkler 1972) of central bands meant to hold ``coverage``."""
    alpha = 1 - coverage
    below = np.clip(lower - truth, 0, None)
    above = np.clip(truth - upper, 0, None)
    return float(np.mean(upper - lower + 2 / alpha * (below + above)))


def score_band(truth: np.ndarray, forecast: np.ndarray, band: ConformalBand) -> BandScore:
    """Coverage and interval score of ``band`` around forecasts (origins, horizon) of the test part."""
    lower, upper = band.lower(forecast), band.upper(forecast)
    inside = (truth >= lower) & (truth <= upper)
    return BandScore(band.coverage, float(inside.mean()), interval_score(truth, lower, upper, band.coverage),
                     float(np.mean(upper - lower)), int(truth.size))
