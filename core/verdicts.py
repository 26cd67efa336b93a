"""When a model may be called better than its baseline: a paired comparison with a margin from the data.

A teaching tool must never call a tie a win. Every page compares its model
with a baseline on the same held-out units (test points, tokens, clips), so the
two scores are paired: what matters is the difference on each unit, and how
much that difference would move had other units been drawn. This module
estimates that with a paired bootstrap: the units (or groups of units that
belong together, like the tokens of one document or the days of one forecast
horizon) are resampled with replacement many times, and the difference of the
two scores is recomputed each time. "Better" is said only when the whole 95 %
interval of the difference lies on one side of zero; otherwise the two tie, and
the sentence says how wide the noise is. A difference that is reliable but
smaller than ``MIN_RELATIVE_GAIN`` of the baseline's error (or
``MIN_ACCURACY_GAIN`` of accuracy) is a tie too: the model learned nothing worth
having (a model on pure noise beats a moving average by 2 %, reliably, only
because the moving average wobbles). And with fewer than ``MIN_GROUPS``
independent groups there is no interval at all and no winner: a bootstrap of
one or two groups has (almost) nothing to resample, and its interval shrinks to
a point, which would call a single lucky stretch a sure win. One rule, used by
every page and by the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

RESAMPLES = 2000
CONFIDENCE = 0.95
MAX_DRAWS = 4_000_000  # resamples × groups drawn at once; more groups are resampled in chunks
MIN_RELATIVE_GAIN = 0.03  # an error this much lower than the baseline's is a difference worth the name
MIN_ACCURACY_GAIN = 0.01  # and for accuracies, one percentage point
# The fewest independent groups a verdict rests on: with five, even a model ahead on all five would be, by chance
# alone, 2 × 0.5⁵ = 1 in 16 (a two-sided sign test), short of 95 %; with six it is 1 in 32.
MIN_GROUPS = 6

Winner = Literal["model", "baseline", "tie"]


@dataclass(frozen=True)
class Comparison:
    """The model against one baseline on the same units, with the noise of the difference.

    ``difference`` is how much better the model is, in the metric's own units
    (positive: the model is better, whichever way the metric points).
    """

    metric: str
    model: float
    baseline: float
    difference: float
    low: float  # the CONFIDENCE interval of ``difference``
    high: float
    groups: int  # how many independent groups the interval rests on
    min_gain: float  # the smallest difference that counts, in the metric's units

    @property
    def enough_groups(self) -> bool:
        """Whether there are enough independent groups (``MIN_GROUPS``) for an interval and a winner."""
        return self.groups >= MIN_GROUPS

    @property
    def winner(self) -> Winner:
        if not self.enough_groups:
            return "tie"
        if self.low > 0 and self.difference >= self.min_gain:
            return "model"
        return "baseline" if self.high < 0 and -self.difference >= self.min_gain else "tie"

    @property
    def identical(self) -> bool:
        """Whether the two scored the same on every held-out unit: every resample's difference is exactly 0."""
        return self.low == self.high == 0

    @property
    def reliable(self) -> bool:
        """Whether the interval excludes zero (a difference that is there, however small)."""
        return self.enough_groups and (self.low > 0 or self.high < 0)

    def relative(self, value: float) -> float:
        """``value`` (a difference) as a share of the baseline's score."""
        return value / abs(self.baseline) if self.baseline else float("nan")


def group_means(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-group sums and counts of ``values``, groups numbered in order of first appearance."""
    _, index = np.unique(groups, return_inverse=True)
    return np.bincount(index, weights=values), np.bincount(index).astype(float)


def compare(model_values: np.ndarray, baseline_values: np.ndarray, metric: str, higher_is_better: bool,
            groups: np.ndarray | None = None, seed: int = 0) -> Comparison:
    """Compare two per-unit scores (their means are the metric) with a paired bootstrap over ``groups``.

    ``model_values`` and ``baseline_values`` hold one number per unit, e.g. each
    test point's absolute error (the metric is their mean, MAE) or whether each
    token was guessed right (the metric is accuracy). ``groups`` says which units
    belong together and are resampled as one (default: every unit alone).
    Accuracies (higher is better) count one percentage point as a difference;
    errors count ``MIN_RELATIVE_GAIN`` of the baseline's. With fewer than
    ``MIN_GROUPS`` groups the interval is NaN on both ends: there is none.
    """
    model_values, baseline_values = np.asarray(model_values, float), np.asarray(baseline_values, float)
    if model_values.shape != baseline_values.shape or model_values.size == 0:
        raise ValueError("A comparison needs the same, non-empty set of units for the model and the baseline.")
    sign = 1.0 if higher_is_better else -1.0
    gains = sign * (model_values - baseline_values)  # per unit: how much better the model did
    sums, counts = group_means(gains, np.arange(len(gains)) if groups is None else np.asarray(groups))
    low = high = float("nan")
    if len(sums) >= MIN_GROUPS:
        tail = (1 - CONFIDENCE) / 2
        low, high = np.quantile(bootstrap_means(sums, counts, seed), [tail, 1 - tail])
    baseline = float(baseline_values.mean())
    min_gain = MIN_ACCURACY_GAIN if higher_is_better else MIN_RELATIVE_GAIN * abs(baseline)
    return Comparison(metric, float(model_values.mean()), baseline, float(gains.mean()), float(low), float(high),
                      len(sums), min_gain)


def bootstrap_means(sums: np.ndarray, counts: np.ndarray, seed: int, resamples: int = RESAMPLES) -> np.ndarray:
    """The mean of the units, recomputed over ``resamples`` draws of the groups with replacement."""
    rng = np.random.default_rng(seed)
    size = len(sums)
    per_chunk = max(1, MAX_DRAWS // size)
    means = []
    for start in range(0, resamples, per_chunk):
        drawn = rng.integers(0, size, size=(min(per_chunk, resamples - start), size))  # (resamples, groups)
        means.append(sums[drawn].sum(axis=1) / counts[drawn].sum(axis=1))
    return np.concatenate(means)


def standard_error(values: np.ndarray, groups: np.ndarray | None = None, seed: int = 0) -> float:
    """How much the mean of ``values`` would move with other units drawn (bootstrap standard deviation).

    Infinite with fewer than ``MIN_GROUPS`` groups: the noise is unknown, so no
    score is ever set apart from another by it (compare runs marks no best).
    """
    values = np.asarray(values, float)
    sums, counts = group_means(values, np.arange(len(values)) if groups is None else np.asarray(groups))
    return float(np.std(bootstrap_means(sums, counts, seed))) if len(sums) >= MIN_GROUPS else float("inf")


@dataclass(frozen=True)
class Verdict:
    """Who won on the held-out data, against which baseline, said in one sentence a newcomer can check."""

    winner: Winner
    baseline: str
    headline: str  # who won, on what scores and data: the page's heading
    detail: str  # by how much and how sure, or why neither won: said under it
    comparison: Comparison

    @property
    def sentence(self) -> str:
        """The headline and its detail together, as the command line and the pages' running text say it."""
        return f"{self.headline} {self.detail}"

    def as_json(self) -> dict[str, object]:
        """What the command line prints under "verdict"."""
        c = self.comparison
        return {"winner": self.winner, "baseline": self.baseline, "sentence": self.sentence, "metric": c.metric,
                "model": c.model, "baseline_score": c.baseline, "difference": c.difference,
                "interval": [c.low, c.high] if c.enough_groups else None, "confidence": CONFIDENCE,
                "groups": c.groups, "min_groups": MIN_GROUPS}


def verdict(comparison: Comparison, model_name: str, baseline_name: str, on_what: str,
            percent_metric: bool = False, groups_named: str = "held-out units", remedy: str = "") -> Verdict:
    """The sentence for ``comparison``: better or worse only past the noise, otherwise a tie, and how sure.

    ``on_what`` names the held-out data ("the last 90 days", "1,204 held-out
    tokens"); ``percent_metric`` prints the metric as a percentage (accuracy).
    ``groups_named`` says what one independent group is, in the plural ("test
    documents"), and ``remedy`` how to get more of them; both are said only when
    there are too few groups for a verdict.
    """
    c = comparison

    def shown(value: float) -> str:
        return f"{value:.1%}" if percent_metric else f"{value:.3g}"

    def gap(value: float) -> str:
        return f"{abs(value) * 100:.1f} percentage points" if percent_metric else f"{abs(c.relative(value)):.0%}"

    scores = f"{c.metric} {shown(c.model)} against {shown(c.baseline)}, on {on_what}."
    sure = f"{CONFIDENCE:.0%} sure"
    headline = f"The {model_name} and {baseline_name} tie: {scores}"  # unless a branch below says otherwise
    if not c.enough_groups:
        headline = f"The {model_name} and {baseline_name} cannot be told apart here: {scores}"
        detail = (f"That difference of {gap(c.difference)} comes from too few independent {groups_named}: {c.groups}, "
                  f"where it takes at least {MIN_GROUPS} before either can be called better (with fewer, even a model "
                  f"ahead on every one could be lucky).{' ' + remedy if remedy else ''}")
    elif c.winner == "model":
        headline = f"The {model_name} beats {baseline_name}: {scores}"
        detail = f"It is better by {gap(c.difference)} ({sure} the gain is between {gap(c.low)} and {gap(c.high)})."
    elif c.winner == "baseline":
        headline = f"{baseline_name[:1].upper()}{baseline_name[1:]} beats the {model_name}: {scores}"
        detail = (f"The model is worse by {gap(c.difference)} ({sure} it is between {gap(c.high)} and {gap(c.low)} "
                  "worse).")
    elif c.identical:
        detail = "They scored the same on every held-out unit, so there is no difference to weigh."
    elif c.reliable:
        detail = (f"The difference of {gap(c.difference)} is steady but smaller than {gap(c.min_gain)}, too small to "
                  "call either better.")
    else:
        detail = (f"The difference of {gap(c.difference)} is within the noise of this data: the true gap could be "
                  f"anywhere from {_direction(c.low, gap)} to {_direction(c.high, gap)}, so neither is better.")
    return Verdict(c.winner, baseline_name, headline, detail, c)


def _direction(value: float, gap) -> str:
    """'5% better' or '3% worse': a signed difference in words."""
    return f"{gap(value)} {'better' if value >= 0 else 'worse'} for the model"
