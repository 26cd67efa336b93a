"""Inputs known ahead: on the values' grid, read at the right steps only, scaled on training, and their worth."""

import numpy as np
import pandas as pd
import pytest

from core import datasets
from core import forecasting as fc

QUICK = fc.ForecastSettings(window=14, horizon=3, test_size=40, preprocessing="none", units=8, seeds=1,
                            epochs=30, learning_rate=0.01)


def driven(column: np.ndarray, effect: float, days: int = 360, seed: int = 0) -> pd.DataFrame:
    """Daily values with a weekly wave, noise, and ``effect`` times ``column`` on top."""
    rng = np.random.default_rng(seed)
    wave = 50 + 10 * np.sin(np.arange(days) * 2 * np.pi / 7)
    return pd.DataFrame({"date": pd.date_range("2024-01-01", periods=days, freq="D"),
                         "sales": wave + effect * column + rng.normal(0, 2, days), "extra": column})


def test_step_k_reads_the_inputs_at_origin_plus_k_and_nothing_later():
    points, window, horizon = 40, 5, 3
    inputs = np.arange(points + horizon, dtype=float)[:, None] * [1.0, -1.0]  # (points + horizon, 2): the index
    scaled = np.zeros(points)
    origins = np.array([4, 10, 36])
    x = fc.network_inputs(scaled, inputs, origins, window, horizon)
    assert x["window_inputs"].shape == (3, window, 2) and x["ahead_inputs"].shape == (3, horizon, 2)
    np.testing.assert_array_equal(x["window_inputs"][:, :, 0], origins[:, None] + np.arange(-window + 1, 1))
    np.testing.assert_array_equal(x["ahead_inputs"][:, :, 0], origins[:, None] + np.arange(1, horizon + 1))
    later = inputs.copy()
    for row, origin in enumerate(origins):  # anything after origin + horizon changes nothing that origin reads
        later[origin + horizon + 1:] = 1e9
        again = fc.network_inputs(scaled, later, origins[row:row + 1], window, horizon)
        for name in ("window", "window_inputs", "ahead_inputs"):
            np.testing.assert_array_equal(again[name][0], x[name][row])
        later = inputs.copy()


def test_without_inputs_the_network_reads_the_window_alone():
    scaled = np.arange(20.0)
    x = fc.network_inputs(scaled, np.zeros((23, 0)), np.array([9]), 4, 3)
    np.testing.assert_array_equal(x, fc.window_inputs(scaled, np.array([9]), 4))


def test_test_part_inputs_never_reach_training_or_scaling():
    rng = np.random.default_rng(1)
    table = driven(rng.integers(0, 2, 240).astype(float), 20, days=240)
    settings = fc.ForecastSettings(window=14, horizon=3, test_size=30, epochs=2, units=4, seeds=1, calendar=True,
                                   preprocessing="none")
    wild = table.copy()
    wild.loc[wild.index[-30:], ["sales", "extra"]] *= 1000  # only the test part changes, values and inputs
    trained = []
    for frame in (table, wild):
        series = fc.prepare_series(frame, "date", "sales", inputs=["extra"])
        split = fc.chronological_split(len(series.values), settings, lag=0)
        known = fc.inputs_through(series, settings.calendar, settings.horizon)[0].to_numpy(float)
        trained.append(fc.train_networks(series, settings, split, known)[0])
    for a, b in zip(trained[0].model.get_weights(), trained[1].model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert trained[0].history == trained[1].history
    assert len(trained[0].model.outputs[0].shape) == 3 and trained[0].model.outputs[0].shape[1] == 2  # and without


def test_input_scaling_is_fitted_on_the_rows_it_is_given_and_leaves_flat_columns_alone():
    rows = np.array([[0.0, 5.0], [2.0, 5.0]])
    centre, spread = fc.fit_input_scaling(rows)
    np.testing.assert_allclose(centre, [1.0, 5.0])
    np.testing.assert_allclose(spread, [1.0, 1.0])


@pytest.mark.parametrize(("freq", "name", "columns", "first"), [
    ("D", "day of week", 7, 0), ("MS", "month of year", 12, 0), ("W-SUN", "month of year", 12, 0),
    ("QS", "quarter", 4, 0), ("h", "hour of day", 24, 0)])
def test_calendar_features_follow_the_frequency(freq, name, columns, first):
    index = pd.date_range("2024-01-01", periods=30, freq=freq)  # a Monday, in January, in the first quarter
    series = fc.prepare_series(pd.DataFrame({"d": index, "v": np.arange(30.0) % 5}), "d", "v")
    features = fc.calendar_features(index, series.frequency_name)
    assert features.shape == (30, columns) and (features.sum(axis=1) == 1).all()
    assert features.iloc[0].to_numpy().argmax() == first and features.columns[0] == f"{name} 1"
    assert fc.input_names(series, calendar=True) == (name,)
    assert fc.input_names(series, calendar=False) == ()


def test_yearly_data_has_no_calendar_feature():
    index = pd.date_range("1900-01-01", periods=30, freq="YS")
    assert fc.calendar_features(index, "yearly").shape == (30, 0)


def test_inputs_sit_on_the_values_grid_averaged_and_gaps_filled():
    table = pd.DataFrame({"date": ["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-04", "2024-01-05"],
                          "sales": [1, 2, 3, 4, 5], "price": [1.0, 2.0, 4.0, None, 9.0]})
    series = fc.prepare_series(table, "date", "sales", inputs=["price"])
    assert series.values.tolist() == [1, 5, 4.5, 4, 5]  # sales of one day summed, the gap filled
    assert series.inputs["price"].tolist() == [1, 3, 5, 7, 9]  # the price of one day averaged, gaps filled alike


def test_inputs_ahead_come_from_the_file_past_the_last_value_else_the_most_frequent_value():
    days = pd.date_range("2024-01-01", periods=12, freq="D")
    flags = [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1]
    table = pd.DataFrame({"date": days, "sales": [5.0] * 9 + [6.0] + [None, None], "promo": flags})
    series = fc.prepare_series(table, "date", "sales", inputs=["promo"])
    known, note = fc.inputs_through(series, calendar=False, horizon=2)
    assert known["promo"].tolist()[-2:] == [1, 1] and "file's 2 rows past the last value" in note
    known, note = fc.inputs_through(series, calendar=False, horizon=4)
    assert known["promo"].tolist()[-4:] == [1, 1, 0, 0] and "inputs for 2 of the 4 points" in note
    plain = fc.prepare_series(table.iloc[:10], "date", "sales", inputs=["promo"])
    known, note = fc.inputs_through(plain, calendar=True, horizon=3)
    assert known["promo"].tolist()[-3:] == [0, 0, 0] and "most frequent value (promo 0)" in note
    assert known.shape == (13, 8)  # the column and the seven days of the week


@pytest.mark.parametrize(("column", "message"), [
    ([3.0] * 60, r"same value \(3\) on every date"),
    (["yes", "no"] * 30, "input column 'extra' has 60 non-numeric cells"),
    ([1.0] + [None] * 59, "empty on 59 of the series' 60 dates"),
])
def test_an_unusable_input_is_refused_with_a_message(column, message):
    table = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=60), "sales": np.arange(60.0) % 7,
                          "extra": column})
    with pytest.raises(ValueError, match=message):
        fc.prepare_series(table, "date", "sales", inputs=["extra"])


def test_the_value_or_date_column_cannot_be_an_input():
    table = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=30), "sales": np.arange(30.0) % 7,
                          "price": np.arange(30.0)})
    assert fc.input_choices(table, "date", "sales") == ["price"]
    for column in ("sales", "date", "nowhere"):
        with pytest.raises(ValueError, match="cannot be an input: choose among the file's other columns of numbers "
                                             r"\(price\)"):
            fc.prepare_series(table, "date", "sales", inputs=[column])


def test_the_built_in_sales_carry_promotions_and_holidays():
    table = datasets.load_builtin_sales("ice cream")
    assert list(table.columns) == ["date", "sales", "promotion", "holiday"]
    assert set(table["promotion"]) == {0, 1} and (table.loc[table["holiday"] == 1, "sales"] == 0).all()
    promoted = table.groupby("promotion")["sales"].mean()
    assert promoted[1] > 1.3 * promoted[0]


@pytest.mark.learned
def test_an_input_that_drives_the_series_beats_the_same_model_without_it():
    rng = np.random.default_rng(2)
    series = fc.prepare_series(driven(rng.integers(0, 2, 360).astype(float), 30), "date", "sales", inputs=["extra"])
    worth = fc.fit_forecaster(series, QUICK).details.input_worth
    assert worth.verdict.winner == "model" and worth.model_with < worth.model_without
    assert worth.verdict.sentence.startswith("The GRU model with extra as inputs beats the same without them")
    assert worth.heading() == "What extra is worth"
    assert worth.table("GRU model").loc["GRU model"].tolist() == [worth.model_with, worth.model_without]


@pytest.mark.learned
def test_a_column_of_noise_ties_with_the_same_model_without_it_and_the_same_seed_repeats():
    rng = np.random.default_rng(3)
    series = fc.prepare_series(driven(rng.normal(0, 1, 360), 0), "date", "sales", inputs=["extra"])
    first = fc.fit_forecaster(series, QUICK).details.input_worth
    assert first.verdict.winner == "tie" and " tie: " in first.verdict.sentence
    assert fc.fit_forecaster(series, QUICK).details.input_worth == first


def test_coarser_totals_keep_their_inputs_averaged_over_the_same_weeks():
    days = pd.date_range("2020-01-06", periods=28, freq="D")  # four whole weeks, Monday to Sunday
    table = pd.DataFrame({"date": days, "sales": np.arange(28.0) % 9, "promo": (np.arange(28) % 9 < 2) * 1.0})
    weekly, name = fc.coarser(fc.prepare_series(table, "date", "sales", inputs=["promo"]))
    assert name == "weekly totals" and weekly.input_columns == ("promo",)
    np.testing.assert_allclose(weekly.inputs["promo"], [2 / 7, 2 / 7, 2 / 7, 1 / 7])  # promotion days per week
