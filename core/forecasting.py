"""Sales forecasting: a sliding-window recurrent model, judged against simple baselines on the last part.

The order of operations is what keeps the evaluation honest: the series is
split by time into train, validation and test parts; scaling is fitted on the
training part alone; the test part is touched only to score the final model
and the baselines, forecast from the same origins.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from core.recurrent import cell_knob, dropout_knob, layers_knob, recurrent_stack, units_knob
from core.settings import batch_size_knob, epochs_knob, knob, learning_rate_knob
from core.training import EpochFn, TrainingSettings, TrainResult, predict, train
from core.uploads import decode_upload, parse_csv
from core.verdicts import Verdict, compare, standard_error, verdict

MAX_UPLOAD_MB = 5
PREPROCESSING = ("none", "difference", "seasonal difference")
MIN_TRAINING_WINDOWS = 20
BAND_QUANTILES = (0.1, 0.9)
# median spacing in days -> (pandas rule, season length, name)
FREQUENCIES = ((1 / 24, "h", 24, "hourly"), (1, "D", 7, "daily"), (7, "7D", 52, "weekly"),
               (30.4, "MS", 12, "monthly"), (91.3, "QS", 4, "quarterly"), (365.25, "YS", 1, "yearly"))


@dataclass(frozen=True)
class ForecastSettings(TrainingSettings):
    """Every knob of the forecasting page."""

    window: int = knob(56, "Window (look-back)", "How many past points the model reads to make one "
                       "forecast. Longer windows see more history but leave fewer examples to learn from.",
                       low=2, high=365)
    horizon: int = knob(7, "Horizon", "How many points ahead one forecast covers; one model predicts "
                        "all of them at once. Further ahead is harder.", low=1, high=60)
    preprocessing: str = knob("none", "Learn", "What the model learns to predict. 'none': the values "
                              "themselves; 'difference': the change since the previous point; 'seasonal "
                              "difference': the change since one season ago (last week, for daily data), "
                              "which removes the weekly pattern for it. On the built-in sales 'none' "
                              "scored best: a change between two noisy days is noisier than either day.",
                              choices=PREPROCESSING)
    cell: str = cell_knob()
    units: int = units_knob(32, low=4, high=128)
    layers: int = layers_knob()
    dropout: float = dropout_knob()
    test_size: int = knob(90, "Test part (points)", "How many of the last points are kept aside to "
                          "score the model and the baselines. The validation part before it has the "
                          "same length.", low=14, high=365)
    backtest_folds: int = knob(0, "Backtest folds", "0 turns it off. Otherwise, a rolling-origin backtest: "
                               "the model is trained again this many times, each time on the data before a "
                               "later point, and scored on the horizon after it. Slower, but shows whether "
                               "one test period was luck.", low=0, high=6)
    epochs: int = epochs_knob(40, note=" Training stops earlier when the validation loss has not improved for 5 "
                              "epochs, and keeps the best weights.")
    batch_size: int = batch_size_knob(32, choices=(16, 32, 64, 128, 256), of="windows")
    learning_rate: float = learning_rate_knob(0.003)


@dataclass(frozen=True)
class PreparedSeries:
    """A regular series ready to model, and what was done to the file to get it."""

    values: pd.Series  # DatetimeIndex at a regular frequency, no gaps
    frequency: str  # a pandas rule: "D", "7D", "MS", ...
    frequency_name: str
    season: int
    report: dict[str, object]


# ---------------------------------------------------------------- reading a file


def read_table(data: bytes, name: str = "the file") -> pd.DataFrame:
    """Parse uploaded bytes as CSV, or raise ValueError saying what is wrong with them.

    Takes bytes, never a path or URL: pandas would open those.
    """
    text = decode_upload(data, name, MAX_UPLOAD_MB, "a CSV with a date column and a numeric column "
                         "(save spreadsheets 'as CSV')")
    table = parse_csv(text, name)
    if table.shape[1] < 2:
        raise ValueError(f"{name} has {table.shape[1]} column; a date column and a value column are needed.")
    return table


def column_choices(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(date-like columns, value columns with numeric ones first): what the pickers offer."""
    def parses_as_dates(column: str) -> bool:
        sample = table[column].dropna().astype(str).head(50)
        return len(sample) > 0 and pd.to_datetime(sample, errors="coerce", format="mixed").notna().mean() > 0.8

    dates = [c for c in table.columns if parses_as_dates(c)]
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c]) and c not in dates]
    others = [c for c in table.columns if c not in numeric and c not in dates]
    return dates, numeric + others


def prepare_series(table: pd.DataFrame, date_column: str, value_column: str) -> PreparedSeries:
    """A regular series from two columns: dates parsed and sorted, duplicates summed, gaps interpolated."""
    for column in (date_column, value_column):
        if column not in table.columns:
            raise ValueError(f"There is no column '{column}'; the file has: {', '.join(map(str, table.columns))}.")
    dates = _parse_dates(table[date_column], date_column)
    values = _parse_numbers(table[value_column], value_column)
    frame = pd.DataFrame({"date": dates, "value": values}).sort_values("date")
    if frame["value"].notna().sum() < 2:
        raise ValueError(f"'{value_column}' has fewer than two numbers; a series needs many more.")
    days = frame["date"].drop_duplicates().diff().dt.total_seconds().median() / 86400
    _, rule, season, name = min(FREQUENCIES, key=lambda f: abs(np.log(f[0] / days)))
    duplicates = int(frame["date"].duplicated().sum())
    regular = on_regular_grid(frame["date"], frame["value"], rule)
    missing = int(regular.isna().sum())
    regular = regular.interpolate(limit_direction="both")
    if regular.nunique() == 1:
        raise ValueError(f"'{value_column}' has the same value ({regular.iloc[0]:g}) everywhere; "
                         "there is nothing to forecast.")
    report = {"rows read": len(table), "first date": regular.index[0].date(), "last date": regular.index[-1].date(),
              "points": len(regular), "frequency": name, "duplicate dates summed": duplicates,
              "gaps and missing values filled (linear)": missing, "negative values": int((regular < 0).sum())}
    return PreparedSeries(regular.astype(float), rule, name, season, report)


def on_regular_grid(dates: pd.Series, values: pd.Series, rule: str) -> pd.Series:
    """Values on a regular grid of ``rule`` from the first date: values sharing a slot summed, empty slots NaN.

    Summing is right for sales-like counts (two rows for one day are two
    parts of that day); empty slots stay missing for the caller to fill.
    """
    series = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(dates)).sort_index()
    return series.resample(rule, origin="start").sum(min_count=1)


def notes_on(series: PreparedSeries) -> list[str]:
    """What is odd but not wrong about a series, for the page to say before anything trains."""
    notes = []
    negative = series.report["negative values"]
    if negative:
        notes.append(f"{negative} values are below zero. That is normal for temperatures or changes, but not for "
                     "counts like sales: if this column counts things, check the file.")
    filled = series.report["gaps and missing values filled (linear)"]
    if filled > 0.2 * len(series.values):
        notes.append(f"{filled} of {len(series.values)} points were missing and filled by straight lines; the "
                     "model learns those lines too.")
    return notes


def _parse_dates(column: pd.Series, name: str) -> pd.Series:
    parsed = pd.to_datetime(column, errors="coerce", format="mixed")
    bad = parsed.isna() & column.notna()
    if column.isna().all() or bad.mean() > 0.2:
        example = column[bad].iloc[0] if bad.any() else "(empty)"
        raise ValueError(f"The date column '{name}' has {int(bad.sum())} cells that are not dates, e.g. "
                         f"{example!r}; choose the column that holds dates (like 2024-03-01).")
    return parsed


def _parse_numbers(column: pd.Series, name: str) -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce")
    bad = numbers.isna() & column.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"The value column '{name}' has {int(bad.sum())} non-numeric cells, e.g. "
                         f"{column.iloc[row]!r} in row {row + 1}; choose a numeric column or clean the file.")
    if not np.isfinite(numbers.dropna()).all() or numbers.abs().max() > 1e15:
        raise ValueError(f"The value column '{name}' holds numbers too large to model (over 1e15 or infinite).")
    return numbers


# ---------------------------------------------------------------- windows and the split


def lag_of(preprocessing: str, season: int) -> int:
    """How many first points a preprocessing consumes (a change needs a point to change from)."""
    return {"none": 0, "difference": 1, "seasonal difference": season}[preprocessing]


def to_changes(values: np.ndarray, preprocessing: str, season: int) -> np.ndarray:
    """What the model learns: values, or their changes (NaN where there is nothing to change from)."""
    lag = lag_of(preprocessing, season)
    changes = np.full(len(values), np.nan)
    changes[lag:] = values[lag:] - (values[:-lag] if lag else 0.0)
    return changes


def to_levels(values: np.ndarray, origins: np.ndarray, changes: np.ndarray, preprocessing: str,
              season: int) -> np.ndarray:
    """Forecast changes (origins, horizon) turned back into values, using only data up to each origin."""
    lag = lag_of(preprocessing, season)
    if lag == 0:
        return changes
    horizon = changes.shape[1]
    levels = np.empty_like(changes)
    for k in range(horizon):  # step k forecasts time origin + k + 1
        back = k - lag  # the step of this forecast that is `lag` points earlier, if not yet observed
        base = levels[:, back] if back >= 0 else values[origins + k + 1 - lag]
        levels[:, k] = base + changes[:, k]
    return levels


def window_inputs(series: np.ndarray, origins: np.ndarray, window: int) -> np.ndarray:
    """The ``window`` values ending at each origin: (n, window, 1)."""
    return series[origins[:, None] + np.arange(-window + 1, 1)][..., None]


def make_windows(series: np.ndarray, origins: np.ndarray, window: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (n, window, 1) ending at each origin, and the next ``horizon`` values (n, horizon).

    Same windows as ``keras.utils.timeseries_dataset_from_array`` (a test checks it), built with
    NumPy because that helper needs TensorFlow's tf.data.
    """
    return window_inputs(series, origins, window), series[origins[:, None] + np.arange(1, horizon + 1)]


@dataclass(frozen=True)
class Split:
    """Forecast origins of each part: the last observed index before each forecast."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    validation_start: int  # first index of the validation part
    test_start: int  # first index of the test part


def split_origins(length: int, window: int, horizon: int, lag: int, validation_size: int, test_size: int) -> Split:
    """Forecast origins of the training, validation and test parts, in time order.

    An origin is the last point a forecast sees; it belongs to the part that
    holds its whole horizon, so no forecast straddles two parts. The first
    origin is the first with a full window of (differenced) values.
    """
    test_start = length - test_size
    validation_start = test_start - validation_size
    origins = np.arange(lag + window - 1, length - horizon)  # the last point each forecast sees
    last_target = origins + horizon
    return Split(origins[last_target < validation_start],
                 origins[(origins + 1 >= validation_start) & (last_target < test_start)],
                 origins[origins + 1 >= test_start], validation_start, test_start)


def chronological_split(length: int, settings: ForecastSettings, lag: int, test_size: int | None = None) -> Split:
    """The page's split of a series of ``length`` points; ValueError when the settings leave a part empty.

    The validation part is ``settings.test_size`` long; the test part too, unless
    ``test_size`` says otherwise (a backtest fold tests one horizon).
    """
    test_size = settings.test_size if test_size is None else test_size
    split = split_origins(length, settings.window, settings.horizon, lag, settings.test_size, test_size)
    if len(split.train) < MIN_TRAINING_WINDOWS or len(split.test) == 0 or len(split.validation) == 0:
        needed = lag + settings.window - 1 + settings.horizon + MIN_TRAINING_WINDOWS + settings.test_size + test_size
        raise ValueError(
            f"The series has {length} points, but a window of {settings.window}, a horizon of "
            f"{settings.horizon}, validation and test parts of {settings.test_size} each"
            + (f" and a season of {lag} for the differences" if lag > 1 else "")
            + f" need at least {needed}. Use a shorter window, horizon or test part, or a longer series.")
    return split


def fit_scaling(train_part: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of the training part alone (1 for a flat part).

    The model's inputs are scaled by these, so nothing of the validation or
    test parts leaks into training.
    """
    return float(np.mean(train_part)), float(np.std(train_part)) or 1.0


# ---------------------------------------------------------------- model, baselines, metrics


def build_forecaster(window: int, horizon: int, cell: str = "GRU", num_units: int = 32, num_layers: int = 1,
                     dropout_rate: float = 0.0) -> keras.Model:
    """Window of past values in, the next ``horizon`` values out (one model for all steps)."""
    inputs = keras.Input((window, 1), name="window")  # (batch, window, 1)
    hidden = recurrent_stack(inputs, cell, num_units, num_layers, dropout_rate)  # (batch, units)
    outputs = keras.layers.Dense(horizon, name="next_values")(hidden)  # (batch, horizon)
    return keras.Model(inputs, outputs, name="forecaster")


def baseline_forecasts(values: np.ndarray, origins: np.ndarray, horizon: int, season: int,
                       window: int) -> dict[str, np.ndarray]:
    """Naive, seasonal naive and moving-average forecasts (origins, horizon), from data up to each origin."""
    steps = np.arange(1, horizon + 1)
    seasons_back = season * np.ceil(steps / season).astype(int)  # the same point in the last seen season
    recent = values[origins[:, None] + np.arange(-window + 1, 1)]
    return {
        "naive": np.repeat(values[origins][:, None], horizon, axis=1),
        "seasonal naive": values[origins[:, None] + steps - seasons_back],
        "moving average": np.repeat(recent.mean(axis=1, keepdims=True), horizon, axis=1),
    }


def forecast_metrics(truth: np.ndarray, forecast: np.ndarray, mase_scale: float) -> dict[str, float]:
    """MAE, RMSE, sMAPE (%) and MASE over every forecast point."""
    error = forecast - truth
    denominator = np.abs(truth) + np.abs(forecast)
    ratio = np.divide(2 * np.abs(error), denominator, out=np.zeros_like(denominator), where=denominator > 0)
    mae = float(np.mean(np.abs(error)))
    return {"MAE": mae, "RMSE": float(np.sqrt(np.mean(error**2))), "sMAPE": float(100 * ratio.mean()),
            "MASE": mae / mase_scale if mase_scale > 0 else float("nan")}


def seasonal_naive_scale(values: np.ndarray, season: int, end: int) -> float:
    """In-sample MAE of one-step seasonal naive on the training part: the yardstick of MASE."""
    history = values[:end]
    return float(np.mean(np.abs(history[season:] - history[:-season])))


# ---------------------------------------------------------------- the whole procedure

MODEL = "model"  # the role of the trained network among the forecasters; the rest are baselines


@dataclass(frozen=True)
class Backtest:
    """A rolling-origin backtest: every fold's forecasts, and each forecaster's MAE per fold."""

    points: pd.DataFrame  # one row per forecast point: date, actual, fold, and one column per forecaster
    scores: pd.DataFrame  # rows: folds then "mean"; columns: forecasters


@dataclass(frozen=True)
class ForecastResult:
    """What the forecasting page shows about one trained model, every forecaster keyed by role."""

    model_label: str  # how the page names the model ("GRU model")
    metrics: dict[str, dict[str, float]]  # forecaster -> MAE, RMSE, sMAPE, MASE on the test part
    mase_scale: float  # the MAE of one-step seasonal naive on the training part: MASE's yardstick
    test_forecasts: pd.DataFrame  # date, actual, then one column per forecaster, each test point once
    future: pd.DataFrame  # date, value, lower, upper: the forecast past the end of the data
    test_start: pd.Timestamp  # the first date of the test part
    origin_errors: dict[str, np.ndarray]  # forecaster -> (test origins,) mean absolute error of each forecast
    verdict: Verdict  # the model against the best baseline, with the noise of the test part
    backtest: Backtest | None = None

    @property
    def best_baseline(self) -> str:
        """The simple forecaster with the lowest MAE: the one the model has to beat."""
        return min((name for name in self.metrics if name != MODEL), key=lambda name: self.metrics[name]["MAE"])

    def label(self, forecaster: str) -> str:
        """A forecaster's name as the page prints it."""
        return self.model_label if forecaster == MODEL else forecaster

    def labelled(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A table whose columns or index are forecasters, with the model under its printed name."""
        return frame.rename(columns={MODEL: self.model_label}, index={MODEL: self.model_label})


def fit_forecaster(series: PreparedSeries, settings: ForecastSettings,
                   on_epoch_end: EpochFn | None = None, test_size: int | None = None
                   ) -> TrainResult[ForecastResult]:
    """Split, scale on the training part, train with early stopping, then score model and baselines."""
    values = series.values.to_numpy()
    lag = lag_of(settings.preprocessing, series.season)
    split = chronological_split(len(values), settings, lag, test_size)
    changes = to_changes(values, settings.preprocessing, series.season)
    mean, std = fit_scaling(changes[lag : split.validation_start])
    scaled = (changes - mean) / std

    def windows(origins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return make_windows(scaled, origins, settings.window, settings.horizon)

    def build() -> keras.Model:
        return build_forecaster(settings.window, settings.horizon, settings.cell, settings.units,
                                settings.layers, settings.dropout)

    x_train, y_train = windows(split.train)
    result = train(build, x_train, y_train, settings, loss="mse", metrics=["mae"], validation=windows(split.validation),
                   early_stopping_patience=5, on_epoch_end=on_epoch_end)

    def forecast_levels(origins: np.ndarray) -> np.ndarray:
        inputs = window_inputs(scaled, origins, settings.window)
        predicted = predict(result.model, inputs) * std + mean
        return to_levels(values, origins, predicted, settings.preprocessing, series.season)

    details = _evaluate(series, settings, split, forecast_levels)
    blocks = horizon_blocks(len(split.test), settings.horizon)
    return replace(result, details=details,
                   scores={"model MAE": details.metrics[MODEL]["MAE"],
                           "seasonal naive MAE": details.metrics["seasonal naive"]["MAE"]},
                   score_noise={"model MAE": standard_error(details.origin_errors[MODEL], blocks, settings.seed)})


def _evaluate(series: PreparedSeries, settings: ForecastSettings, split: Split, forecast_levels) -> ForecastResult:
    values = series.values.to_numpy()
    truth = values[split.test[:, None] + np.arange(1, settings.horizon + 1)]
    forecasts = {MODEL: forecast_levels(split.test)}
    forecasts |= baseline_forecasts(values, split.test, settings.horizon, series.season, settings.window)
    scale = seasonal_naive_scale(values, series.season, split.validation_start)
    metrics = {name: forecast_metrics(truth, f, scale) for name, f in forecasts.items()}
    validation_truth = values[split.validation[:, None] + np.arange(1, settings.horizon + 1)]
    residuals = validation_truth - forecast_levels(split.validation)  # (origins, horizon)
    label = f"{settings.cell} model"
    errors = {name: np.abs(forecast - truth).mean(axis=1) for name, forecast in forecasts.items()}  # (origins,)
    return ForecastResult(label, metrics, scale, _tiled(series, split.test, forecasts, settings.horizon),
                          _future(series, settings, forecast_levels, residuals),
                          series.values.index[split.test_start], errors,
                          judge(errors, label, settings, series.frequency_name))


def horizon_blocks(origins: int, horizon: int) -> np.ndarray:
    """Which block of ``horizon`` consecutive origins each test origin is in.

    Neighbouring origins forecast overlapping points, so their errors are not
    independent: comparisons resample whole blocks.
    """
    return np.arange(origins) // horizon


def judge(errors: dict[str, np.ndarray], model_label: str, settings: ForecastSettings,
          frequency_name: str) -> Verdict:
    """The model against the baseline with the lowest test MAE, each test origin's forecast one unit."""
    best = min((name for name in errors if name != MODEL), key=lambda name: errors[name].mean())
    comparison = compare(errors[MODEL], errors[best], "MAE", higher_is_better=False,
                         groups=horizon_blocks(len(errors[MODEL]), settings.horizon), seed=settings.seed)
    return verdict(comparison, model_label, best, f"the last {settings.test_size} {unit_of(frequency_name)}")


def unit_of(frequency_name: str) -> str:
    """What one point of a series of this frequency is called ('days' for daily data)."""
    return {"hourly": "hours", "daily": "days", "weekly": "weeks", "monthly": "months", "quarterly": "quarters",
            "yearly": "years"}.get(frequency_name, "points")


def _tiled(series: PreparedSeries, origins: np.ndarray, forecasts: dict[str, np.ndarray], horizon: int) -> pd.DataFrame:
    """Forecasts from every ``horizon``-th test origin, so each test point is forecast once, as it would be."""
    chosen = np.arange(0, len(origins), horizon)
    index = (origins[chosen][:, None] + np.arange(1, horizon + 1)).ravel()
    frame = pd.DataFrame({"date": series.values.index[index], "actual": series.values.to_numpy()[index]})
    for name, forecast in forecasts.items():
        frame[name] = forecast[chosen].ravel()
    return frame


def _future(series: PreparedSeries, settings: ForecastSettings, forecast_levels, residuals: np.ndarray) -> pd.DataFrame:
    """The forecast past the end of the data, with a band from validation errors at each step."""
    last = len(series.values) - 1
    forecast = forecast_levels(np.array([last]))[0]
    low, high = np.quantile(residuals, BAND_QUANTILES, axis=0)
    dates = pd.date_range(series.values.index[-1], periods=settings.horizon + 1, freq=series.frequency)[1:]
    return pd.DataFrame({"date": dates, "value": forecast, "lower": forecast + low, "upper": forecast + high})


def training_story(result: TrainResult) -> str:
    """What the training curves of a forecaster show: how long it ran and which weights it kept."""
    run, planned = result.epochs_run, result.settings.epochs
    if run < planned:
        return (f"Training stopped early, after {run} of {planned} epochs ({result.seconds:.1f} s), when the "
                "validation loss had not improved for 5 epochs; the model keeps the weights of its best epoch.")
    return (f"Training ran all {planned} epochs ({result.seconds:.1f} s); the model keeps the weights of the epoch "
            "with the lowest validation loss.")


def fit_and_backtest(series: PreparedSeries, settings: ForecastSettings,
                     on_epoch_end: EpochFn | None = None) -> TrainResult[ForecastResult]:
    """The page's Train button: the forecaster, then the backtest folds when they are asked for."""
    result = fit_forecaster(series, settings, on_epoch_end)
    if not settings.backtest_folds:
        return result
    points = backtest(series, settings, on_epoch_end)
    folds = Backtest(points, backtest_scores(points, result.details.mase_scale))
    return replace(result, details=replace(result.details, backtest=folds))


def backtest(series: PreparedSeries, settings: ForecastSettings, on_epoch_end: EpochFn | None = None) -> pd.DataFrame:
    """Rolling origin: retrain on the data before each of the last folds, forecast the horizon after it.

    Fold origins are ``horizon`` apart, the last one ``horizon`` before the end, so
    the folds' forecasts tile the end of the series. One row per forecast point.
    """
    rows = []
    for fold in range(settings.backtest_folds, 0, -1):
        end = len(series.values) - (fold - 1) * settings.horizon  # the fold's data stops after its horizon
        past = replace(series, values=series.values.iloc[:end], report={})
        tested = fit_forecaster(past, settings, on_epoch_end, test_size=settings.horizon).details.test_forecasts
        rows.append(tested.assign(fold=settings.backtest_folds - fold + 1))
    return pd.concat(rows, ignore_index=True)


def backtest_scores(points: pd.DataFrame, mase_scale: float) -> pd.DataFrame:
    """MAE of the model and each baseline in every fold, and their mean over folds."""
    forecasters = [c for c in points.columns if c not in ("date", "actual", "fold")]
    table = points.groupby("fold").apply(
        lambda fold: pd.Series({name: forecast_metrics(fold["actual"].to_numpy(), fold[name].to_numpy(),
                                                      mase_scale)["MAE"] for name in forecasters}),
        include_groups=False)
    table.loc["mean"] = table.mean()
    return table


def model_file_bytes(model: keras.Model) -> bytes:
    """The trained model as the bytes of a ``.keras`` file, for download."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "forecaster.keras"
        model.save(path)
        return path.read_bytes()


def check_fits(series: PreparedSeries, settings: ForecastSettings) -> None:
    """Raise the page's ValueError before training when the settings cannot fit the series."""
    lag = lag_of(settings.preprocessing, series.season)
    chronological_split(len(series.values), settings, lag)
    if settings.backtest_folds:  # the earliest fold has the least data
        shortest = len(series.values) - (settings.backtest_folds - 1) * settings.horizon
        chronological_split(shortest, settings, lag, test_size=settings.horizon)


def template_csv() -> str:
    """A small example of the file format the page expects."""
    dates = pd.date_range("2024-01-01", periods=5, freq="D").strftime("%Y-%m-%d")
    return pd.DataFrame({"date": dates, "sales": [12, 15, 11, 18, 20]}).to_csv(index=False)
