"""The statistical yardsticks: right on a known series, blind to the test part, bounded in cost."""

import numpy as np
import pytest

from core import statistical


@pytest.fixture(scope="module", autouse=True)
def warm():
    """Compile statsforecast's numba code once for the module (seconds with its on-disk cache)."""
    statistical.warm_up()


def seasonal_series(length: int = 144, season: int = 12, seed: int = 0) -> np.ndarray:
    steps = np.arange(length)
    noise = np.random.default_rng(seed).normal(0, 1, length)
    return 50 + 0.3 * steps + 10 * np.sin(2 * np.pi * steps / season) + noise


def test_each_method_beats_naive_on_a_seasonal_series():
    values = seasonal_series(length=96, season=4)
    fit_end, horizon = 80, 4
    origins = np.arange(fit_end - 1, len(values) - horizon)
    result = statistical.statistical_forecasts(values, origins, horizon, season=4, fit_end=fit_end)
    truth = values[origins[:, None] + np.arange(1, horizon + 1)]
    naive_mae = np.abs(values[origins][:, None] - truth).mean()
    assert [m.name for m in result.methods] == list(statistical.METHODS)
    for method in result.methods:
        assert method.forecasts.shape == (len(origins), horizon)
        assert np.abs(method.forecasts - truth).mean() < 0.5 * naive_mae, method.name
        assert method.substitute is None and method.seconds >= 0
    assert result.notes() == []


def test_forecasts_never_see_the_test_part():
    values = seasonal_series(length=72, season=4)
    fit_end, horizon = 60, 4
    origins = np.arange(fit_end - 1, len(values) - horizon)
    before = statistical.statistical_forecasts(values, origins, horizon, 4, fit_end)
    changed = values.copy()
    changed[-1] += 1000.0  # the last point is only ever a target: no forecast may move
    changed[fit_end + 3] -= 1000.0  # a test point: forecasts from the origins before it may not move
    after = statistical.statistical_forecasts(changed, origins, horizon, 4, fit_end)
    for old, new in zip(before.methods, after.methods, strict=True):
        np.testing.assert_array_equal(old.forecasts[:4], new.forecasts[:4])  # origins 59..62 precede it
        assert not np.array_equal(old.forecasts[4:], new.forecasts[4:])  # later ones read it


def test_a_season_too_long_for_a_method_is_taken_out_and_said():
    values = seasonal_series(length=260, season=30, seed=1)
    fit_end, horizon = 230, 5
    origins = np.arange(fit_end - 1, len(values) - horizon)
    result = statistical.statistical_forecasts(values, origins, horizon, season=30, fit_end=fit_end,
                                               methods=("AutoETS", "AutoARIMA"))
    truth = values[origins[:, None] + np.arange(1, horizon + 1)]
    for method in result.methods:
        assert "longer than it fits directly" in method.substitute
        assert np.abs(method.forecasts - truth).mean() < 2.0, method.name  # the season came back: noise is 1
    assert len(result.notes()) == 2


def test_long_histories_are_cut_to_the_method_limit():
    values = seasonal_series(length=700, season=4)
    origins = np.arange(649, 695)
    method = statistical.statistical_forecasts(values, origins, 5, 4, 650, methods=("AutoARIMA",)).methods[0]
    assert method.fitted_points == statistical.LIMITS["AutoARIMA"].max_points
    assert "latest 500 points" in method.substitute


def test_seasonal_pattern_recovers_a_known_season():
    pattern = np.array([3.0, -1.0, -2.0, 0.0])
    values = np.tile(pattern, 20) + 0.5 * np.arange(80)
    np.testing.assert_allclose(statistical.seasonal_pattern(values, 4), pattern, atol=1e-9)


def test_origins_inside_the_fitted_data_are_refused():
    with pytest.raises(ValueError, match="Origins must lie"):
        statistical.statistical_forecasts(seasonal_series(), np.array([50]), 3, 12, fit_end=120)
    with pytest.raises(ValueError, match="Unknown method"):
        statistical.statistical_forecasts(seasonal_series(), np.array([130]), 3, 12, 120, methods=("Prophet",))
