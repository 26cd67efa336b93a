"""Conformal bands: calibrated on validation errors, they hold their share of new points; the score is right."""

import numpy as np
import pytest

from core import intervals


def test_a_band_calibrated_on_normal_errors_holds_its_share_of_new_ones():
    rng = np.random.default_rng(0)
    scale = np.array([1.0, 2.0, 4.0])  # errors grow with the horizon step
    band = intervals.calibrate_band(rng.normal(0, 1, (400, 3)) * scale, coverage=0.8)
    np.testing.assert_allclose(band.half_width, 1.2816 * scale, rtol=0.12)  # the normal's 90th percentile
    forecast = rng.normal(0, 5, (20000, 3))
    truth = forecast + rng.normal(0, 1, (20000, 3)) * scale
    score = intervals.score_band(truth, forecast, band)
    assert score.held == pytest.approx(0.8, abs=0.03)
    assert "The 80% band held" in score.sentence()


def test_a_band_from_too_narrow_errors_is_seen_to_hold_less():
    rng = np.random.default_rng(1)
    band = intervals.calibrate_band(rng.normal(0, 1, (300, 2)), coverage=0.9)
    forecast = np.zeros((5000, 2))
    score = intervals.score_band(rng.normal(0, 3, (5000, 2)), forecast, band)  # test errors 3x larger
    assert score.held < 0.6


def test_few_errors_give_the_largest_error_and_say_so():
    band = intervals.calibrate_band(np.array([[1.0], [-3.0], [2.0]]), coverage=0.8)  # needs rank 4 of 3
    assert band.capped
    assert band.half_width.tolist() == [3.0]
    assert not intervals.calibrate_band(np.arange(20.0)[:, None], 0.8).capped


def test_interval_score_is_width_plus_the_penalty_outside():
    truth = np.array([0.0, 5.0, -3.0])
    lower, upper = np.full(3, -1.0), np.full(3, 1.0)
    # widths 2 each; 5 is 4 above (penalty 2/0.2*4 = 40); -3 is 2 below (penalty 20)
    assert intervals.interval_score(truth, lower, upper, 0.8) == pytest.approx((6 + 40 + 20) / 3)


def test_bad_coverage_and_shapes_are_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        intervals.calibrate_band(np.ones((5, 2)), coverage=80)
    with pytest.raises(ValueError, match="origins, horizon"):
        intervals.calibrate_band(np.ones(5))
