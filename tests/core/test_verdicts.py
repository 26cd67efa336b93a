"""The one verdict rule: better only past the noise of the comparison and a difference worth the name."""

import numpy as np
import pytest

from core import verdicts as vs


def errors(mean: float, n: int = 300, seed: int = 0, spread: float = 5.0) -> np.ndarray:
    return np.abs(np.random.default_rng(seed).normal(mean, spread, n))


def test_a_clear_gain_is_called_a_win_with_its_interval():
    truth_noise = np.random.default_rng(1).normal(0, 1, 300)
    model, baseline = np.abs(truth_noise) * 5, np.abs(truth_noise) * 5 + 3  # 3 lower on every unit
    c = vs.compare(model, baseline, "MAE", higher_is_better=False)
    assert c.winner == "model" and c.difference == pytest.approx(3.0)
    assert c.low == pytest.approx(3.0) and c.high == pytest.approx(3.0)  # the same gain everywhere: no noise
    found = vs.verdict(c, "GRU model", "seasonal naive", "the last 90 days")
    assert found.sentence.startswith("The GRU model beats seasonal naive: MAE")
    assert "95% sure" in found.sentence and found.as_json()["winner"] == "model"


def test_the_same_forecaster_twice_ties():
    e = errors(10)
    c = vs.compare(e, e.copy(), "MAE", higher_is_better=False)
    assert c.winner == "tie" and c.difference == 0
    assert "tie" in vs.verdict(c, "model", "naive", "90 days").sentence
    assert vs.verdict(c, "model", "naive", "90 days").detail.startswith("They scored the same on every held-out unit")


def test_noise_alone_is_a_tie_even_when_one_mean_is_lower():
    model, baseline = errors(10, n=40, seed=1), errors(10, n=40, seed=2)
    c = vs.compare(model, baseline, "MAE", higher_is_better=False)
    assert c.model != c.baseline and c.winner == "tie" and c.low < 0 < c.high
    assert "within the noise" in vs.verdict(c, "model", "naive", "40 days").sentence


def test_a_steady_but_tiny_gain_is_a_tie_too():
    base = errors(10, n=2000)
    c = vs.compare(base * 0.99, base, "MAE", higher_is_better=False)  # 1 % better on every unit
    assert c.reliable and c.winner == "tie"
    assert "too small to call either better" in vs.verdict(c, "model", "naive", "2000 days").sentence


def test_a_clear_loss_names_the_baseline_as_winner():
    right = np.random.default_rng(3).random(500)
    c = vs.compare(right < 0.4, right < 0.7, "accuracy", higher_is_better=True)
    assert c.winner == "baseline" and c.difference == pytest.approx(-0.3, abs=0.05)
    sentence = vs.verdict(c, "model", "the bigram rule", "500 tokens", percent_metric=True).sentence
    assert sentence.startswith("The bigram rule beats the model") and "percentage points" in sentence


def test_groups_are_resampled_whole_so_correlated_units_widen_the_interval():
    rng = np.random.default_rng(4)
    per_document = rng.normal(0, 1, 20)  # each document shifts all its tokens alike
    gains = np.repeat(per_document, 50) + rng.normal(0, 0.1, 1000)
    alone = vs.compare(gains, np.zeros(1000), "score", higher_is_better=True)
    grouped = vs.compare(gains, np.zeros(1000), "score", higher_is_better=True, groups=np.repeat(np.arange(20), 50))
    assert grouped.groups == 20 and alone.groups == 1000
    assert grouped.high - grouped.low > 3 * (alone.high - alone.low)


def test_same_seed_same_interval():
    model, baseline = errors(10, seed=5), errors(11, seed=6)
    first = vs.compare(model, baseline, "MAE", False, seed=7)
    assert first == vs.compare(model, baseline, "MAE", False, seed=7)


def test_mismatched_units_are_refused():
    with pytest.raises(ValueError, match="same, non-empty set of units"):
        vs.compare(np.ones(3), np.ones(4), "MAE", False)


def test_standard_error_shrinks_with_more_units():
    assert vs.standard_error(errors(10, n=1000)) < vs.standard_error(errors(10, n=50))


def test_too_few_groups_give_no_interval_and_no_winner_even_when_every_unit_favours_the_model():
    baseline = errors(10, n=22)
    c = vs.compare(baseline * 0.5, baseline, "MAE", False, groups=np.arange(22) // 12)  # two horizons of 12
    assert c.groups == 2 and not c.enough_groups and c.winner == "tie" and not c.reliable
    said = vs.verdict(c, "model", "AutoARIMA", "the last 22 months", groups_named="forecast horizons",
                      remedy="A longer test part gives more.")
    assert "cannot be told apart" in said.sentence
    assert "too few independent forecast horizons: 2, where" in said.sentence
    assert said.sentence.endswith("A longer test part gives more.") and "sure" not in said.sentence
    assert said.as_json()["interval"] is None and said.as_json()["min_groups"] == vs.MIN_GROUPS


def test_the_fewest_groups_that_can_carry_a_verdict_do():
    baseline = errors(10, n=vs.MIN_GROUPS * 10)
    c = vs.compare(baseline * 0.5, baseline, "MAE", False, groups=np.arange(vs.MIN_GROUPS * 10) // 10)
    assert c.groups == vs.MIN_GROUPS and c.winner == "model" and c.low > 0


def test_the_noise_of_too_few_groups_is_unknown_not_zero():
    assert vs.standard_error(errors(10, n=24), groups=np.arange(24) // 12) == float("inf")
