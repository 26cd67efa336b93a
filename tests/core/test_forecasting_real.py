"""The forecasting page on the series people bring: date styles, sizes from the data, auto, yardsticks, ranges."""

import warnings

import numpy as np
import pandas as pd
import pytest

from core import forecasting as fc
from core import statistical


def airline_like(points: int = 144, dates: list[str] | None = None) -> pd.DataFrame:
    """A monthly series with a growing trend and a yearly season, like the airline passengers."""
    steps = np.arange(points)
    values = (100 + 2 * steps) * (1 + 0.2 * np.sin(2 * np.pi * steps / 12))
    cells = dates or list(pd.date_range("1949-01-01", periods=points, freq="MS").strftime("%b %Y"))
    return pd.DataFrame({"month": cells, "passengers": values.round(1)})


@pytest.mark.parametrize(("cells", "frequency", "first"), [
    ([str(year) for year in range(1700, 1760)], "yearly", "1700-01-01"),
    ([1700 + k for k in range(60)], "yearly", "1700-01-01"),
    ([f"{1956 + k // 4} Q{k % 4 + 1}" for k in range(60)], "quarterly", "1956-01-01"),
    ([f"{1956 + k // 4}Q{k % 4 + 1}" for k in range(60)], "quarterly", "1956-01-01"),
    (list(pd.date_range("2020-01-01", periods=60, freq="MS").strftime("%Y-%m")), "monthly", "2020-01-01"),
    (list(pd.date_range("2020-01-01", periods=60, freq="MS").strftime("%b %Y")), "monthly", "2020-01-01"),
    (list(pd.date_range("2020-01-13", periods=60, freq="D").strftime("%d/%m/%Y")), "daily", "2020-01-13"),
    (list(pd.date_range("2020-01-01", periods=60, freq="h").strftime("%Y-%m-%d %H:%M")), "hourly",
     "2020-01-01 00:00"),
])
def test_every_date_style_reads_into_a_series_without_warnings(cells, frequency, first):
    frame = pd.DataFrame({"when": cells, "value": np.arange(60.0) % 7 + np.arange(60.0)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        series = fc.prepare_series(frame, "when", "value")
    assert (series.frequency_name, len(series.values)) == (frequency, 60)
    assert series.report["first date"] == first


def test_integer_years_are_years_not_one_instant_of_nanoseconds():
    frame = pd.DataFrame({"year": range(1700, 1809), "sunspots": (np.sin(np.arange(109) * 2 * np.pi / 11) + 1) * 50})
    series = fc.prepare_series(frame, "year", "sunspots")
    assert len(series.values) == 109 and series.values.index[-1].year == 1808
    assert series.suggestion.period == 11


def test_only_real_date_columns_are_offered_and_the_dates_are_not_a_value():
    frame = pd.DataFrame({"price": [19.99, 5.5, 7.25] * 20, "year": range(1950, 2010), "sales": range(60)})
    dates, values = fc.column_choices(frame)
    assert dates == ["year"] and values[:2] == ["price", "sales"]
    with pytest.raises(ValueError, match="holds the dates"):
        fc.prepare_series(frame, "year", "year")


def test_empty_start_and_end_are_trimmed_with_a_note():
    values = [np.nan] * 3 + list(np.arange(40.0) % 5) + [np.nan] * 2
    frame = pd.DataFrame({"d": pd.date_range("2024-01-01", periods=45, freq="D").astype(str), "v": values})
    series = fc.prepare_series(frame, "d", "v")
    assert len(series.values) == 40
    assert any("3 empty values at the start and 2 at the end" in note for note in fc.notes_on(series))


@pytest.mark.parametrize(("length", "frequency", "season", "expected"), [
    (1095, "daily", 7, (56, 7, 90)),  # three years of days keep the page's old defaults
    (120, "monthly", 12, (24, 12, 18)),
    (144, "monthly", 12, (24, 12, 22)),
    (309, "yearly", 1, (12, 6, 20)),
])
def test_sizes_follow_frequency_and_length(length, frequency, season, expected):
    sizes = fc.derive_sizes(length, frequency, season)
    assert (sizes.window, sizes.horizon, sizes.test_size) == expected
    assert length - 2 * sizes.test_size - sizes.window - sizes.horizon >= fc.MIN_TRAINING_WINDOWS


def test_a_120_point_monthly_file_fits_with_the_defaults_and_the_page_says_why():
    series = fc.prepare_series(airline_like(120), "month", "passengers")
    resolved, why = fc.resolve_settings(series, fc.ForecastSettings())
    fc.check_fits(series, resolved)
    assert (resolved.window, resolved.horizon, resolved.test_size, resolved.season) == (24, 12, 18, 12)
    assert "monthly data, 120 points" in why
    kept, _ = fc.resolve_settings(series, fc.ForecastSettings(horizon=6, season=4))
    assert (kept.horizon, kept.season) == (6, 4)


def test_a_horizon_longer_than_the_derived_test_part_grows_it_and_one_longer_than_a_set_part_is_explained():
    series = fc.prepare_series(airline_like(144), "month", "passengers")
    resolved, why = fc.resolve_settings(series, fc.ForecastSettings(horizon=28))
    assert resolved.test_size == 28 and "grown to 28 to hold the horizon you set" in why
    fc.check_fits(series, resolved)
    with pytest.raises(ValueError, match="A horizon of 28 does not fit in validation and test parts of 22"):
        fc.check_fits(series, fc.resolve_settings(series, fc.ForecastSettings(horizon=28, test_size=22))[0])


def test_too_short_a_series_names_the_smallest_that_works():
    series = fc.prepare_series(airline_like(40), "month", "passengers")
    smallest = fc.smallest_series("monthly", 12)
    with pytest.raises(ValueError, match=f"smallest monthly series that trains has {smallest} points"):
        fc.check_fits(series, fc.ForecastSettings())
    longer = fc.prepare_series(airline_like(smallest), "month", "passengers")
    fc.check_fits(longer, fc.ForecastSettings())


def test_hourly_dates_keep_their_hour_in_the_forecast():
    frame = pd.DataFrame({"t": pd.date_range("2025-07-10", periods=400, freq="h").strftime("%Y-%m-%d %H:%M"),
                          "load": 10 + np.sin(np.arange(400) * 2 * np.pi / 24)})
    series = fc.prepare_series(frame, "t", "load")
    assert series.report["last date"] == "2025-07-26 15:00"
    assert fc.show_date(pd.Timestamp("2025-07-10 05:00"), series.frequency) == "2025-07-10 05:00"


def test_auto_combines_the_networks_with_the_best_statistical_base_on_validation():
    series = fc.prepare_series(airline_like(96), "month", "passengers")
    result = fc.fit_forecaster(series, fc.ForecastSettings(epochs=1, seeds=2)).details
    assert result.choice.startswith("Auto chose a weighted mean of GRU networks")
    assert result.model_label == "weighted mean (auto)"
    assert len(result.weights) == 1 + fc.COMBINED_BASES and "GRU networks" in result.weights
    assert sum(result.weights.values()) == pytest.approx(1)
    assert f"GRU networks ({result.weights['GRU networks']:.0%};" in result.choice
    assert result.metrics[fc.MODEL]["MAE"] < result.metrics["naive"]["MAE"]
    assert len(result.seed_maes) == 2
    assert {"AutoETS", "AutoTheta", "AutoARIMA"} <= set(result.metrics)


def test_a_base_forecasts_validation_from_a_fit_on_training_and_test_from_a_fit_on_training_and_validation():
    values = fc.prepare_series(airline_like(96), "month", "passengers").values.to_numpy()
    settings = fc.resolve_settings(fc.prepare_series(airline_like(96), "month", "passengers"),
                                   fc.ForecastSettings())[0]
    split = fc.chronological_split(len(values), settings, 1)
    ets = next(base for base in fc.candidate_bases(values, split, settings.horizon, settings.season)
               if base.name == "ETS")
    on_training = statistical.method_forecasts("AutoETS", values, split.validation, settings.horizon,
                                               settings.season, split.validation_start).forecasts
    refitted = statistical.method_forecasts("AutoETS", values, split.test, settings.horizon, settings.season,
                                            split.test_start).forecasts
    np.testing.assert_allclose(ets.at(split.validation), on_training)
    np.testing.assert_allclose(ets.at(split.test), refitted)
    assert not np.allclose(refitted, statistical.method_forecasts(
        "AutoETS", values, split.test, settings.horizon, settings.season, split.validation_start).forecasts)


def test_combination_weights_are_one_over_the_validation_miss_squared():
    weights = fc.combination_weights({"networks": 1.0, "ETS": 2.0, "Theta": 0.0})
    assert weights["Theta"] == pytest.approx(1) and sum(weights.values()) == pytest.approx(1)
    weights = fc.combination_weights({"networks": 1.0, "ETS": 2.0})
    assert weights == pytest.approx({"networks": 0.8, "ETS": 0.2})


def test_the_test_part_never_sets_a_weight_and_the_same_seed_gives_the_same_result():
    table = airline_like(96)
    settings = fc.ForecastSettings(epochs=2, seeds=1)
    first = fc.fit_forecaster(fc.prepare_series(table, "month", "passengers"), settings).details
    again = fc.fit_forecaster(fc.prepare_series(table, "month", "passengers"), settings).details
    assert again.weights == first.weights and again.metrics == first.metrics
    changed = table.assign(passengers=np.r_[table["passengers"][:-12], table["passengers"][-12:] * 3])
    other_test = fc.fit_forecaster(fc.prepare_series(changed, "month", "passengers"), settings).details
    assert other_test.weights == pytest.approx(first.weights)
    assert other_test.metrics[fc.MODEL]["MAE"] > first.metrics[fc.MODEL]["MAE"]


def test_the_band_held_share_is_measured_on_the_test_points():
    series = fc.prepare_series(airline_like(96), "month", "passengers")
    result = fc.fit_forecaster(series, fc.ForecastSettings(epochs=1, seeds=1)).details
    tests = result.test_forecasts
    assert result.band.points == len(result.origin_errors[fc.MODEL]) * 12
    assert 0 <= result.band.held <= 1
    assert f"held {result.band.held:.0%}" in result.band.sentence()
    future = result.future
    assert (future["lower"] <= future["value"]).all() and (future["value"] <= future["upper"]).all()
    assert len(tests) >= 12


def hourly(points: int) -> fc.PreparedSeries:
    frame = pd.DataFrame({"t": pd.date_range("2025-01-01 05:00", periods=points, freq="h"),
                          "load": 10 + np.sin(np.arange(points) * 2 * np.pi / 24)})
    return fc.prepare_series(frame, "t", "load")


def test_a_long_series_is_offered_daily_totals_or_its_latest_part_with_costs():
    series = hourly(6000)
    options = fc.lighter_versions(series, fc.ForecastSettings())
    assert len(options) == 3
    (all_points, everything), (daily_name, days), (latest_name, recent) = options.items()
    assert latest_name.startswith(f"the latest {fc.LATEST_POINTS} points")
    assert everything is series and all_points.startswith("all 6000 points (about ")
    assert daily_name.startswith("daily totals: 249 points")  # whole days only: the first and last are partial
    assert days.frequency_name == "daily" and days.values.iloc[0] == pytest.approx(series.values.iloc[19:43].sum())
    assert len(recent.values) == fc.LATEST_POINTS and recent.values.index[-1] == series.values.index[-1]
    seconds = [float(name.split("about ")[1].split(" s")[0]) for name in options]
    assert seconds[1] < seconds[0] and seconds[2] < seconds[0]
    assert fc.lighter_versions(hourly(600), fc.ForecastSettings()) == {}


def test_a_training_past_the_time_limit_is_said_before_it_starts():
    series = hourly(4000)
    assert fc.time_limit_warning(series, fc.ForecastSettings(epochs=2)) is None
    warning = fc.time_limit_warning(series, fc.ForecastSettings(epochs=200, window=365))
    assert warning is not None and "past this server's limit of 120 s" in warning


def test_a_prefetch_and_a_click_share_one_fit_of_the_yardsticks(monkeypatch):
    series = fc.prepare_series(airline_like(96), "month", "passengers")
    calls = []
    real = fc.statistical.statistical_forecasts
    monkeypatch.setattr(fc.statistical, "statistical_forecasts", lambda *a, **k: calls.append(1) or real(*a, **k))
    fc._CACHE.clear()
    thread = fc.prefetch_statistics(series, fc.ForecastSettings(preprocessing="difference"))
    settings = fc.resolve_settings(series, fc.ForecastSettings(preprocessing="difference"))[0]
    split = fc.chronological_split(len(series.values), settings, 1)
    direct = fc.cached_yardsticks(series.values.to_numpy(), split, settings.horizon, settings.season)
    thread.join()
    assert len(calls) == 1 and set(direct.as_dict()) == {"AutoETS", "AutoTheta", "AutoARIMA"}
