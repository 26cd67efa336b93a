
import numpy as np
import pandas as pd
import pytest

from core import datasets
from core import forecasting as fc


def daily(values, start="2024-01-01") -> fc.PreparedSeries:
    frame = pd.DataFrame({"date": pd.date_range(start, periods=len(values), freq="D"), "v": values})
    return fc.prepare_series(frame, "date", "v")


def test_windows_match_keras_timeseries_dataset_from_array():
    import keras
    import tensorflow as tf  # noqa: F401  (the Keras helper builds a tf.data pipeline)

    series = np.arange(30, dtype="float32")
    window, horizon = 5, 3
    origins = np.arange(window - 1, len(series) - horizon)
    inputs, targets = fc.make_windows(series, origins, window, horizon)
    dataset = keras.utils.timeseries_dataset_from_array(series[:-horizon], None, window, batch_size=100)
    np.testing.assert_array_equal(inputs[..., 0], next(iter(dataset)).numpy())
    np.testing.assert_array_equal(targets[0], [5, 6, 7])


def test_split_parts_never_share_a_forecast_point():
    settings = fc.ForecastSettings(window=10, horizon=5, test_size=20)
    split = fc.chronological_split(200, settings, lag=0)
    assert (split.train + settings.horizon < split.validation_start).all()
    assert (split.validation + 1 >= split.validation_start).all()
    assert (split.validation + settings.horizon < split.test_start).all()
    assert (split.test + 1 >= split.test_start).all() and (split.test + settings.horizon < 200).all()
    assert split.test_start == 180 and split.validation_start == 160


def test_test_part_never_reaches_fitting_or_scaling():
    rng = np.random.default_rng(0)
    values = 50 + 10 * np.sin(np.arange(400) * 2 * np.pi / 7) + rng.normal(0, 1, 400)
    settings = fc.ForecastSettings(window=14, horizon=3, test_size=30, epochs=2, seeds=1)  # one network shows it
    wild = values.copy()
    wild[-30:] *= 1000  # only the test part changes
    first = fc.fit_forecaster(daily(values), settings)
    second = fc.fit_forecaster(daily(wild), settings)
    for a, b in zip(first.model.get_weights(), second.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert first.history == second.history


def test_changes_round_trip_to_levels():
    values = np.array([5.0, 7, 6, 9, 12, 11, 14, 13, 17, 20])
    origins = np.array([4, 5])
    for preprocessing, season in (("none", 3), ("difference", 3), ("seasonal difference", 3)):
        changes = fc.to_changes(values, preprocessing, season)
        future = changes[origins[:, None] + np.arange(1, 5)]
        levels = fc.to_levels(values, origins, future, preprocessing, season)
        np.testing.assert_allclose(levels, values[origins[:, None] + np.arange(1, 5)])


def test_baselines_forecast_from_the_past_only():
    values = np.arange(20, dtype=float)
    forecasts = fc.baseline_forecasts(values, np.array([9]), horizon=4, season=3, window=4)
    assert forecasts["naive"].tolist() == [[9, 9, 9, 9]]
    assert forecasts["seasonal naive"].tolist() == [[7, 8, 9, 7]]
    assert forecasts["moving average"].tolist() == [[7.5, 7.5, 7.5, 7.5]]


def test_metrics_against_hand_computed_values():
    truth, forecast = np.array([[10.0, 0.0]]), np.array([[12.0, 0.0]])
    metrics = fc.forecast_metrics(truth, forecast, mase_scale=4.0)
    assert metrics["MAE"] == pytest.approx(1.0)
    assert metrics["RMSE"] == pytest.approx(np.sqrt(2.0))
    assert metrics["sMAPE"] == pytest.approx(100 * (2 * 2 / 22) / 2)  # 0/0 counts as no error
    assert metrics["MASE"] == pytest.approx(0.25)
    assert fc.seasonal_naive_scale(np.array([1.0, 2, 4, 7]), season=1, end=4) == pytest.approx(2.0)


def test_prepare_series_sorts_sums_duplicates_and_fills_gaps():
    frame = pd.DataFrame({"day": ["2024-01-03", "2024-01-01", "2024-01-01", "2024-01-05", "2024-01-06"],
                          "units": [3, 1, 1, 5, 6]})
    series = fc.prepare_series(frame, "day", "units")
    assert series.values.tolist() == [2, 2.5, 3, 4, 5, 6]
    assert series.report["duplicate dates summed"] == 1
    assert series.report["gaps and missing values filled (linear)"] == 2
    assert (series.frequency_name, series.season) == ("daily", 7)


@pytest.mark.parametrize(("freq", "name", "season"), [("W-MON", "weekly", 52), ("MS", "monthly", 12),
                                                      ("h", "hourly", 24)])
def test_frequency_is_inferred_and_sets_the_season(freq, name, season):
    frame = pd.DataFrame({"d": pd.date_range("2020-01-06", periods=40, freq=freq), "v": np.arange(40.0)})
    series = fc.prepare_series(frame, "d", "v")
    assert (series.frequency_name, series.season, len(series.values)) == (name, season, 40)


@pytest.mark.parametrize(("frame", "message"), [
    (pd.DataFrame({"d": ["2024-01-01", "2024-01-02"], "v": ["3", "n/a"]}), "1 non-numeric cells, e.g. 'n/a' in row 2"),
    (pd.DataFrame({"d": ["soon", "later", "never"], "v": [1, 2, 3]}), "not dates"),
    (pd.DataFrame({"d": ["2024-01-01"], "v": [4]}), "fewer than two numbers"),
    (pd.DataFrame({"d": pd.date_range("2024-01-01", periods=9), "v": [5.0] * 9}), "same value"),
    (pd.DataFrame({"d": pd.date_range("2024-01-01", periods=3), "v": [np.nan] * 3}), "fewer than two numbers"),
    (pd.DataFrame({"d": pd.date_range("2024-01-01", periods=3), "v": [1, 2e300, 3]}), "too large"),
])
def test_unusable_series_get_a_message_that_says_what_to_do(frame, message):
    with pytest.raises(ValueError, match=message):
        fc.prepare_series(frame, "d", "v")


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="no column 'sales'"):
        fc.prepare_series(pd.DataFrame({"d": [1], "v": [2]}), "d", "sales")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"), (b"   \n ", "empty"), (b"\x00\x01\x02binary", "binary"),
    (b"x" * (fc.MAX_UPLOAD_MB * 2**20 + 1), "limit is 5 MB"), (b"sales\n1\n2\n3\n", "1 column"),
])
def test_read_table_rejects_bad_files(data, message):
    with pytest.raises(ValueError, match=message):
        fc.read_table(data)


def test_read_table_reads_other_separators_and_encodings():
    table = fc.read_table("date;ventes\n2024-01-01;3\n2024-01-02;4\n".encode("latin-1"))
    assert list(table.columns) == ["date", "ventes"]
    assert fc.column_choices(table) == (["date"], ["ventes"])


def test_window_longer_than_the_series_is_refused_before_training():
    series = daily(np.arange(100.0) % 7)
    with pytest.raises(ValueError, match="has 100 points"):
        fc.check_fits(series, fc.ForecastSettings(window=120, test_size=14))


def test_future_forecast_follows_the_data_with_a_band():
    rng = np.random.default_rng(1)
    values = 100 + 20 * np.sin(np.arange(500) * 2 * np.pi / 7) + rng.normal(0, 2, 500)
    settings = fc.ForecastSettings(epochs=3, horizon=7, test_size=30, preprocessing="none", seeds=2)
    result = fc.fit_forecaster(daily(values), settings)
    future = result.details.future
    assert len(future) == settings.horizon
    assert future["date"].iloc[0] == pd.Timestamp("2024-01-01") + pd.Timedelta(days=500)
    assert (future["lower"] <= future["value"]).all() and (future["value"] <= future["upper"]).all()
    assert {result.details.label(name) for name in result.details.metrics} == {
        "GRU model", "naive", "seasonal naive", "moving average", "AutoETS", "AutoTheta", "AutoARIMA"}


def test_verdict_says_better_or_worse_honestly():
    rng = np.random.default_rng(3)
    baseline = np.abs(rng.normal(10, 3, 84))
    settings = fc.ForecastSettings(horizon=7, test_size=90)
    better = fc.judge({fc.MODEL: baseline * 0.8, "seasonal naive": baseline, "naive": baseline * 1.2}, "GRU model",
                      settings, "days")
    assert better.winner == "model" and better.baseline == "seasonal naive"
    assert "beats seasonal naive" in better.sentence and "20%" in better.sentence
    assert "the last 90 days" in better.sentence
    worse = fc.judge({fc.MODEL: baseline * 1.1, "seasonal naive": baseline}, "GRU model", settings, "days")
    assert worse.winner == "baseline" and "10%" in worse.sentence


def test_a_test_part_shorter_than_six_horizons_gets_no_winner_and_says_what_gives_more():
    baseline = np.abs(np.random.default_rng(3).normal(20, 5, 11))  # a 22-month test part: 11 origins, one horizon
    settings = fc.ForecastSettings(horizon=12, test_size=22, season=12)
    said = fc.judge({fc.MODEL: baseline * 1.3, "AutoARIMA": baseline}, "GRU model", settings, "months")
    assert said.winner == "tie" and said.comparison.groups == 1
    assert "too few independent stretches of 12 months, one forecast horizon each: 1, where" in said.sentence
    assert said.sentence.endswith("A longer test part or a shorter horizon gives more.")


@pytest.mark.learned
def test_pure_noise_is_a_tie_with_the_default_model():
    series = fc.prepare_series(datasets.make_noise_sales(), "date", "sales")
    verdict = fc.fit_forecaster(series, fc.ForecastSettings()).details.verdict
    assert verdict.winner == "tie" and "tie" in verdict.sentence


def test_forecaster_builder_stacks_layers_and_outputs_the_horizon():
    model = fc.build_forecaster(window=12, horizon=5, cell="LSTM", num_units=8, num_layers=3, dropout_rate=0.1)
    assert model(np.zeros((2, 12, 1), "float32")).shape == (2, 5)
    assert sum("recurrent" in layer.name for layer in model.layers) == 3


def test_the_seeds_train_as_one_model_each_with_weights_of_its_own():
    model = fc.build_ensemble(window=12, horizon=5, num_units=8, members=3)
    assert model(np.zeros((2, 12, 1), "float32")).shape == (2, 3, 5)  # (batch, seeds, horizon)
    first, second = (model.get_layer(name) for name in ("seed_1", "seed_2"))
    assert [w.shape for w in first.get_weights()] == [w.shape for w in second.get_weights()]
    assert not np.allclose(first.get_weights()[0], second.get_weights()[0])




def test_backtest_folds_tile_the_end_and_each_trains_only_on_its_past():
    rng = np.random.default_rng(2)
    values = 80 + 15 * np.sin(np.arange(400) * 2 * np.pi / 7) + rng.normal(0, 2, 400)
    # one network learning differences: the folds' tiling and their past-only training are the point, not auto's choice
    settings = fc.ForecastSettings(window=14, horizon=5, test_size=30, epochs=2, backtest_folds=3,
                                   preprocessing="difference", seeds=1)
    result = fc.fit_and_backtest(daily(values), settings)
    points = result.details.backtest.points
    series_dates = daily(values).values.index
    assert points["date"].tolist() == list(series_dates[-15:])  # 3 folds x 5 steps, ending at the last point
    assert points.groupby("fold").size().tolist() == [5, 5, 5]
    scores = result.details.backtest.scores
    assert list(scores.index) == [1, 2, 3, "mean"]
    assert scores.loc["mean", "naive"] == pytest.approx(scores.loc[[1, 2, 3], "naive"].mean())
    # a fold's forecast must not change when the data after it changes
    wild = values.copy()
    wild[-5:] *= 100
    again = fc.fit_and_backtest(daily(wild), settings).details.backtest.points
    np.testing.assert_allclose(again.query("fold == 1")[fc.MODEL], points.query("fold == 1")[fc.MODEL])


def test_backtest_that_cannot_fit_is_refused_before_training():
    series = daily(np.arange(200.0) % 7 + np.arange(200.0))
    fc.check_fits(series, fc.ForecastSettings(window=14, test_size=30))
    with pytest.raises(ValueError, match="need at least"):
        fc.check_fits(series, fc.ForecastSettings(window=14, test_size=30, horizon=30, backtest_folds=6))
