"""Sales forecasting: a sliding-window recurrent model, judged against simple baselines on the last part.

The order of operations is what keeps the evaluation honest: the series is
split by time into train, validation and test parts; scaling is fitted on the
training part alone; the test part is touched only to score the final model
and the baselines, forecast from the same origins.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from core import dates, statistical
from core.cache import fingerprint
from core.intervals import BandScore, ConformalBand, calibrate_band, score_band
from core.recurrent import cell_knob, dropout_knob, layers_knob, recurrent_stack, units_knob
from core.settings import as_dict, batch_size_knob, epochs_knob, knob, learning_rate_knob
from core.training import TIME_LIMIT_S, EpochFn, TrainingSettings, TrainResult, predict, tell, train
from core.uploads import decode_upload, parse_csv
from core.verdicts import Verdict, compare, standard_error, verdict

MAX_UPLOAD_MB = 5
PREPROCESSING = ("none", "difference", "seasonal difference")
MIN_TRAINING_WINDOWS = 20
# median spacing in days -> (pandas rule, season length, name)


@dataclass(frozen=True)
class ForecastSettings(TrainingSettings):
    """Every knob of the forecasting page."""

    window: int = knob(0, "Window (look-back)", "How many past points the model reads to make one forecast. "
                       "0: chosen from the data (56 days for daily data, 24 months for monthly, shorter for "
                       "short series). Longer windows see more history but leave fewer examples to learn from.",
                       low=0, high=365)
    horizon: int = knob(0, "Horizon", "How many points ahead one forecast covers; one model predicts all of "
                        "them at once. 0: chosen from the frequency (a week of days, a year of months). Further "
                        "ahead is harder.", low=0, high=60)
    preprocessing: str = knob("auto", "Learn", "What the model learns to predict. 'auto': networks learn the "
                              "change since the previous point, and the forecast is their mean combined with the "
                              "statistical forecast (naive, seasonal naive, ETS, Theta, ARIMA, on the values or "
                              "their logs) that did best on the validation part, each weighted by how close it "
                              "came there; the page says the weights. 'none': the values themselves (loses on "
                              "anything that trends); 'difference': the change since the previous point; "
                              "'seasonal difference': the change since one season ago.",
                              choices=("auto", *PREPROCESSING))
    season: int = knob(0, "Season (points)", "After how many points the pattern repeats (7 for days of a week, "
                       "12 for months of a year). 0: the frequency's usual season. The page also measures one "
                       "from the data and suggests it.", low=0, high=400)
    calendar: bool = knob(False, "Calendar inputs", "Give the networks the calendar as inputs: the day of the week "
                          "for daily data, the month of the year for weekly and monthly data, the quarter for "
                          "quarterly data, the hour for hourly data (nothing for yearly data). The page then also "
                          "scores the networks' forecasts without their inputs, to show what the inputs are worth.")
    seeds: int = knob(3, "Seeds", "How many networks to train side by side, each from other random starting "
                      "weights; the networks' forecast is their mean (auto combines it with a statistical one) "
                      "and the page shows how much they disagree. More is steadier and slower.", low=1, high=5)
    cell: str = cell_knob()
    units: int = units_knob(32, low=4, high=128)
    layers: int = layers_knob()
    dropout: float = dropout_knob()
    test_size: int = knob(0, "Test part (points)", "How many of the last points are kept aside to "
                          "score the model and the baselines. The validation part before it has the "
                          "same length. 0: 15 % of the series, at most 90 days, 24 months, 16 quarters…",
                          low=0, high=365)
    backtest_folds: int = knob(0, "Backtest folds", "0 turns it off. Otherwise, a rolling-origin backtest: "
                               "the model is trained again this many times, each time on the data before a "
                               "later point, and scored on the horizon after it. Slower, but shows whether "
                               "one test period was luck.", low=0, high=6)
    epochs: int = epochs_knob(40, note=" Training stops earlier when the validation loss has not improved for 5 "
                              "epochs, and keeps the best weights.")
    batch_size: int = batch_size_knob(64, choices=(16, 32, 64, 128, 256), of="windows")
    learning_rate: float = learning_rate_knob(0.01)


@dataclass(frozen=True)
class PreparedSeries:
    """A regular series ready to model, and what was done to the file to get it."""

    values: pd.Series  # DatetimeIndex at a regular frequency, no gaps
    frequency: str  # a pandas rule: "D", "7D", "MS", ...
    frequency_name: str
    season: int  # the frequency's customary season
    report: dict[str, object]
    unit: str = "points"  # what one point is called: "days", "months"
    suggestion: dates.SeasonSuggestion | None = None  # the season measured from the data
    notes: tuple[str, ...] = ()  # what reading the file changed that the page should say
    ambiguous_dates: bool = False  # dates like 01/02/2024 that read both ways: the page asks which
    date_style: str = "iso"  # how the file wrote its dates: a key of core.dates.STYLES
    # the chosen input columns on the values' grid, gaps filled as the values' are, then any rows of the file past
    # the last value (the inputs known ahead, NaN where the file has none); None when no column was chosen
    inputs: pd.DataFrame | None = None

    @property
    def input_columns(self) -> tuple[str, ...]:
        """The file's columns chosen as inputs."""
        return () if self.inputs is None else tuple(self.inputs.columns)


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
    """(date columns, value columns with numeric ones first): what the pickers offer, read by ``core.dates``.

    Only columns whose cells have a date style are dates (years included, prices
    not); ValueError when there is no date column or no column beside it to forecast.
    """
    roles = dates.column_roles(table)
    return list(roles.dates), list(roles.values)


def input_choices(table: pd.DataFrame, date_column: str, value_column: str) -> list[str]:
    """The columns a visitor may choose as inputs: the file's other columns that hold mostly numbers."""
    return [str(c) for c in table.columns
            if str(c) not in (date_column, value_column) and dates.mostly_numbers(table[c])]


def prepare_series(table: pd.DataFrame, date_column: str, value_column: str, day_first: bool | None = None,
                   inputs: Sequence[str] = ()) -> PreparedSeries:
    """A regular series from two columns: dates read by their style, duplicates summed, ends trimmed, gaps filled.

    ``inputs`` names other columns the networks may read beside the values
    (:func:`input_frame` puts them on the same grid); ValueError for one that cannot be used.
    """
    for column in (date_column, value_column):
        if column not in table.columns:
            raise ValueError(f"There is no column '{column}'; the file has: {', '.join(map(str, table.columns))}.")
    if date_column == value_column:
        raise ValueError(f"'{date_column}' holds the dates; choose another column of numbers to forecast.")
    parsed = dates.parse_dates(table[date_column], date_column, day_first)
    values = _parse_numbers(table[value_column], value_column)
    frame = pd.DataFrame({"date": parsed.dates, "value": values}).dropna(subset=["date"]).sort_values("date")
    if frame["value"].notna().sum() < 2:
        raise ValueError(f"'{value_column}' has fewer than two numbers; a series needs many more.")
    frequency = dates.detect_frequency(frame["date"])
    duplicates = int(frame["date"].duplicated().sum())
    trimmed = dates.trim_missing(on_regular_grid(frame["date"], frame["value"], frequency.rule))
    regular = trimmed.values
    missing = int(regular.isna().sum())
    regular = regular.interpolate(limit_direction="both")
    if regular.nunique() == 1:
        raise ValueError(f"'{value_column}' has the same value ({regular.iloc[0]:g}) everywhere"
                         + (" once its empty start and end are left out" if trimmed.note() else "")
                         + "; there is nothing to forecast.")
    suggestion = dates.suggest_season(regular.to_numpy(), frequency.season)
    report = {"rows read": len(table), "first date": show_date(regular.index[0], frequency.rule),
              "last date": show_date(regular.index[-1], frequency.rule), "points": len(regular),
              "frequency": frequency.name, "date style": dates.STYLES[parsed.style][1],
              "duplicate dates summed": duplicates, "gaps and missing values filled (linear)": missing,
              "negative values": int((regular < 0).sum())}
    notes = tuple(note for note in (trimmed.note(), _day_first_note(parsed)) if note)
    chosen = input_frame(table, parsed.dates, inputs, (date_column, value_column), regular.index, frequency.rule)
    return PreparedSeries(regular.astype(float), frequency.rule, frequency.name, frequency.season, report,
                          frequency.unit, suggestion, notes, parsed.ambiguous, parsed.style, chosen)


def input_frame(table: pd.DataFrame, parsed_dates: pd.Series, columns: Sequence[str], taken: tuple[str, str],
                index: pd.DatetimeIndex, rule: str) -> pd.DataFrame | None:
    """The input ``columns`` on the values' grid ``index``, gaps filled as the values' are, then the file's rows
    past the last value (the inputs known ahead); None when no column is chosen.

    Rows sharing a slot are averaged, not summed: two rows of one day do not
    make a promotion twice as strong or a price twice as high. ValueError for a
    column that is the date or value column, not numbers, mostly missing, or
    the same everywhere: each would teach the network nothing, or something false.
    """
    if not columns:
        return None
    dated = parsed_dates.notna()
    on_grid = {}
    for column in columns:
        if column not in table.columns or column in taken:
            raise ValueError(f"'{column}' cannot be an input: choose among the file's other columns of numbers "
                             f"({', '.join(input_choices(table, *taken)) or 'there are none'}).")
        numbers = _parse_numbers(table[column], column, role="input")
        on_grid[column] = on_regular_grid(parsed_dates[dated], numbers[dated], rule, how="mean")
    frame = pd.DataFrame(on_grid).loc[index[0]:]
    span = frame.reindex(index)
    for column in columns:
        _check_input(span[column], column)
    ahead = frame.loc[frame.index > index[-1]]
    ahead = ahead.loc[: ahead.dropna(how="all").index.max()] if ahead.notna().any().any() else ahead.iloc[:0]
    return pd.concat([span.interpolate(limit_direction="both"), ahead])


def _check_input(column: pd.Series, name: str) -> None:
    """ValueError, in words, for an input mostly missing or the same on every date of the series."""
    missing = int(column.isna().sum())
    if missing > len(column) / 2:
        raise ValueError(f"The input column '{name}' is empty on {missing} of the series' {len(column)} dates; an "
                         "input needs a value on most dates. Fill it in the file or leave it out.")
    if column.nunique() <= 1:
        raise ValueError(f"The input column '{name}' has the same value ({column.dropna().iloc[0]:g}) on every "
                         "date of the series, so it cannot tell the model anything; leave it out.")


def _day_first_note(parsed: dates.ParsedDates) -> str | None:
    if not parsed.ambiguous:
        return None
    return ("Every date could be read day first or month first (like 01/02/2024); they were read month first. "
            "If they are day first, choose so under 'Dates like 01/02/2024 are'.")


def date_format(rule: str) -> str:
    """How the page, downloads and JSON write dates of this frequency: with the hour when finer than a day."""
    return "%Y-%m-%d %H:%M" if _sub_daily(rule) else "%Y-%m-%d"


def show_date(moment: pd.Timestamp, rule: str) -> str:
    """A date as the page, downloads and JSON print it."""
    return moment.strftime(date_format(rule))


def _sub_daily(rule: str) -> bool:
    offset = pd.tseries.frequencies.to_offset(rule)
    return isinstance(offset, pd.offsets.Tick) and offset < pd.Timedelta(days=1)


def on_regular_grid(dates: pd.Series, values: pd.Series, rule: str, how: str = "sum") -> pd.Series:
    """Values on a regular grid of ``rule``: values sharing a slot summed (or averaged: ``how="mean"``), empty
    slots NaN.

    Summing is right for sales-like counts (two rows for one day are two
    parts of that day); averaging for inputs like prices and promotion flags.
    Empty slots stay missing for the caller to fill.
    Calendar rules (months, quarters) anchor themselves and refuse pandas'
    ``origin`` with a warning; fixed spans (hours, days) start at the first date.
    """
    series = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(dates)).sort_index()
    fixed = isinstance(pd.tseries.frequencies.to_offset(rule), pd.offsets.Tick)
    slots = series.resample(rule, **({"origin": "start"} if fixed else {}))
    return slots.sum(min_count=1) if how == "sum" else slots.mean()


def notes_on(series: PreparedSeries) -> list[str]:
    """What is odd but not wrong about a series, for the page to say before anything trains."""
    notes = list(series.notes)
    repeated = series.report["duplicate dates summed"]
    if repeated:
        notes.append(f"{repeated} rows repeat a date already seen; the values of each date were added up. That is "
                     "right for counts like sales; for levels like temperatures, keep one row per date.")
    negative = series.report["negative values"]
    if negative:
        notes.append(f"{negative} values are below zero. That is normal for temperatures or changes, but not for "
                     "counts like sales: if this column counts things, check the file.")
    filled = series.report["gaps and missing values filled (linear)"]
    if filled > 0.2 * len(series.values):
        notes.append(f"{filled} of {len(series.values)} points were missing and filled by straight lines; the "
                     "model learns those lines too.")
    return notes


def _parse_numbers(column: pd.Series, name: str, role: str = "value") -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce")
    bad = numbers.isna() & column.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"The {role} column '{name}' has {int(bad.sum())} non-numeric cells, e.g. "
                         f"{column.iloc[row]!r} in row {row + 1}; choose a numeric column or clean the file.")
    if not np.isfinite(numbers.dropna()).all() or numbers.abs().max() > 1e15:
        raise ValueError(f"The {role} column '{name}' holds numbers too large to model (over 1e15 or infinite).")
    return numbers


# ---------------------------------------------------------------- sizes that follow the data

# frequency name -> customary horizon, window and longest test part (validation is as long)
HORIZONS = {"hourly": 24, "daily": 7, "business-daily": 5, "weekly": 13, "monthly": 12, "quarterly": 8, "yearly": 6}
WINDOWS = {"hourly": 168, "daily": 56, "business-daily": 40, "weekly": 52, "monthly": 24, "quarterly": 12,
           "yearly": 12}
TEST_CAPS = {"hourly": 168, "daily": 90, "business-daily": 65, "weekly": 52, "monthly": 24, "quarterly": 16,
             "yearly": 20}
TEST_SHARE = 0.15


@dataclass(frozen=True)
class Sizes:
    """Window, horizon and test part chosen from the frequency, season and length, and why."""

    window: int
    horizon: int
    test_size: int
    reason: str


def _training_windows(length: int, window: int, horizon: int, test: int) -> int:
    """Training windows left by these sizes (the difference network's, which consumes one point)."""
    return length - 2 * test - window - horizon


def derive_sizes(length: int, frequency: str, season: int) -> Sizes:
    """Sizes that follow the data: the frequency's customary horizon and window, shrunk to fit the length.

    Test (and validation) parts: 15 % of the series each, at most the frequency's
    cap (90 days, 24 months…), at least one horizon. The window then shrinks
    (not below a season up to 12 points, nor a horizon) until MIN_TRAINING_WINDOWS
    training windows remain; then the horizon and test part shrink too. So a
    three-year daily file keeps 56/7/90 and a 120-point monthly file gets 24/12/18.
    """
    horizon, window = HORIZONS.get(frequency, 7), WINDOWS.get(frequency, 56)
    test = max(horizon, min(TEST_CAPS.get(frequency, 90), round(TEST_SHARE * length)))
    floor = max(min(season, 12), horizon, 4)  # a window of at least a season (up to 12) and a horizon
    while _training_windows(length, window, horizon, test) < MIN_TRAINING_WINDOWS and window > floor:
        window -= 1
    while _training_windows(length, window, horizon, test) < MIN_TRAINING_WINDOWS and horizon > 1:
        horizon -= 1
        test = max(horizon, min(test, round(TEST_SHARE * length)))
    reason = (f"{frequency} data, {length} points: a horizon of {horizon}, a window of {window}, validation and "
              f"test parts of {test} each")
    return Sizes(window, horizon, test, reason)


def smallest_series(frequency: str, season: int) -> int:
    """The fewest points with which the derived sizes leave enough training windows (for the message)."""
    length = 8
    while True:
        sizes = derive_sizes(length, frequency, season)
        if _training_windows(length, sizes.window, sizes.horizon, sizes.test_size) >= MIN_TRAINING_WINDOWS:
            return length
        length += 1


def resolve_settings(series: PreparedSeries, settings: ForecastSettings) -> tuple[ForecastSettings, str]:
    """The settings with every 0 ("chosen from the data") replaced by its derived value, and a sentence why.

    Knobs the visitor set are kept as set; only the zeros are filled, from the
    sizes derived for this series. A set horizon changes nothing else, except a
    derived test part shorter than it, which grows to one horizon: each part must
    hold a whole forecast.
    """
    season = settings.season or series.season
    sizes = derive_sizes(len(series.values), series.frequency_name, season)
    chosen = {name: getattr(settings, name) or getattr(sizes, name) for name in ("window", "horizon", "test_size")}
    grown = not settings.test_size and chosen["test_size"] < chosen["horizon"]
    if grown:
        chosen["test_size"] = chosen["horizon"]
    resolved = replace(settings, season=season, **chosen)
    derived = [name.replace("_size", " part") for name in ("window", "horizon", "test_size")
               if not getattr(settings, name)]
    if not derived:
        return resolved, ""
    return resolved, (f"Chosen from the data ({', '.join(derived)}): {sizes.reason}"
                      + (f", grown to {chosen['horizon']} to hold the horizon you set" if grown else "")
                      + f". The season is {season} "
                      f"points{'' if settings.season else ' (the usual one for ' + series.frequency_name + ' data)'}.")


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
    if settings.horizon > min(settings.test_size, test_size):
        raise ValueError(
            f"A horizon of {settings.horizon} does not fit in validation and test parts of "
            f"{min(settings.test_size, test_size)}: each part must hold at least one whole forecast. Use a shorter "
            f"horizon or a test part of at least {settings.horizon}.")
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


# ---------------------------------------------------------------- inputs known ahead

# frequency name -> the calendar feature its networks may read, and how many values it takes
CALENDAR_FEATURES = {"hourly": ("hour of day", 24), "daily": ("day of week", 7), "business-daily": ("day of week", 7),
            "weekly": ("month of year", 12), "monthly": ("month of year", 12), "quarterly": ("quarter", 4)}


def calendar_features(index: pd.DatetimeIndex, frequency_name: str) -> pd.DataFrame:
    """One 0/1 column per hour, weekday, month or quarter of the dates (none for yearly data).

    One-hot rather than a sine and cosine: the weekday shape of shop sales
    (a Saturday peak, a quiet Monday) is no sinusoid, and a small network reads
    a separate weight per day directly.
    """
    if frequency_name not in CALENDAR_FEATURES:
        return pd.DataFrame(index=index)
    name, count = CALENDAR_FEATURES[frequency_name]
    position = {"hour of day": index.hour, "day of week": index.day_of_week, "month of year": index.month - 1,
                "quarter": index.quarter - 1}[name]
    return pd.DataFrame(np.eye(count)[position], index=index, columns=[f"{name} {k + 1}" for k in range(count)])


def input_names(series: PreparedSeries, calendar: bool) -> tuple[str, ...]:
    """The inputs the networks read, as the page names them: the file's columns, then the calendar feature."""
    feature = CALENDAR_FEATURES.get(series.frequency_name, ("",))[0] if calendar else ""
    return series.input_columns + ((feature,) if feature else ())


def inputs_through(series: PreparedSeries, calendar: bool, horizon: int) -> tuple[pd.DataFrame, str]:
    """Every input at every point of the data and the ``horizon`` points after it, and where the latter came from.

    Inputs are known ahead (planned promotions, holidays, the shop's prices):
    past the last value, a file column takes the file's own rows where it has
    them, else its most frequent value; calendar features follow from the dates.
    """
    index = pd.date_range(series.values.index[0], periods=len(series.values) + horizon, freq=series.frequency)
    columns = pd.DataFrame(index=index) if series.inputs is None else series.inputs.reindex(index)
    ahead = columns.iloc[len(series.values):]
    usual = {name: float(columns[name].iloc[: len(series.values)].mode().iloc[0]) for name in columns}
    note = _inputs_ahead_note(int(ahead.notna().all(axis=1).sum()), horizon, usual) if usual else ""
    known = columns.fillna(usual)
    return (known.join(calendar_features(index, series.frequency_name)) if calendar else known), note


def _inputs_ahead_note(rows: int, horizon: int, usual: dict[str, float]) -> str:
    """Where the forecast past the end of the data takes its inputs from, in words."""
    assumed = ", ".join(f"{name} {value:g}" for name, value in usual.items())
    if rows == horizon:
        return f"The forecast ahead reads the inputs from the file's {horizon} rows past the last value."
    if rows:
        return (f"The file has inputs for {rows} of the {horizon} points past the last value; for the rest, the "
                f"forecast ahead assumes each input at its most frequent value ({assumed}).")
    return ("The file has no inputs past the last value, so the forecast ahead assumes each input at its most "
            f"frequent value ({assumed}); add rows with the planned inputs (and an empty value) to forecast them.")


def fit_input_scaling(train_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each input's mean and standard deviation over the training part alone (1 where it is flat there).

    Like the values' scaling, so nothing of the validation or test parts leaks in.
    """
    spread = train_rows.std(axis=0)
    return train_rows.mean(axis=0), np.where(spread > 0, spread, 1.0)


def network_inputs(scaled: np.ndarray, inputs: np.ndarray, origins: np.ndarray, window: int,
                   horizon: int) -> np.ndarray | dict[str, np.ndarray]:
    """What the network reads for each origin: the window of values (n, window, 1), and with inputs, each window
    step's inputs and those of the ``horizon`` steps it forecasts.

    Step k of a forecast from an origin reads the inputs at origin + k, known
    ahead, and nothing later. Without inputs, the window alone, as before.
    """
    values = window_inputs(scaled, origins, window)  # (n, window, 1)
    if not inputs.shape[1]:
        return values
    return {"window": values,
            "window_inputs": inputs[origins[:, None] + np.arange(-window + 1, 1)],  # (n, window, inputs)
            "ahead_inputs": inputs[origins[:, None] + np.arange(1, horizon + 1)]}  # (n, horizon, inputs)


# ---------------------------------------------------------------- model, baselines, metrics


def build_forecaster(window: int, horizon: int, cell: str = "GRU", num_units: int = 32, num_layers: int = 1,
                     dropout_rate: float = 0.0, name: str = "forecaster", num_inputs: int = 0,
                     also_without: bool = False) -> keras.Model:
    """Window of past values in, the next ``horizon`` values out (one model for all steps).

    With ``num_inputs`` known-ahead inputs, the recurrent layers still read the
    values alone; the window's inputs and those of the horizon's steps join their
    final state before the head: the forecast of a promotion day knows it is one.
    ``also_without`` adds a second head on the same state that reads no inputs
    (outputs: with, without), so one training also scores the values alone.
    """
    values = keras.Input((window, 1), name="window")  # (batch, window, 1)
    hidden = recurrent_stack(values, cell, num_units, num_layers, dropout_rate)  # (batch, units)
    alone = keras.layers.Dense(horizon, name="next_values")  # (batch, horizon)
    if not num_inputs:
        return keras.Model(values, alone(hidden), name=name)
    past = keras.Input((window, num_inputs), name="window_inputs")  # (batch, window, inputs)
    ahead = keras.Input((horizon, num_inputs), name="ahead_inputs")  # (batch, horizon, inputs)
    joined = keras.layers.Concatenate(name="state_and_inputs")(  # (batch, units + (window + horizon) * inputs)
        [hidden, keras.layers.Flatten(name="inputs_before")(past), keras.layers.Flatten(name="inputs_ahead")(ahead)])
    read = keras.layers.Dense(horizon, name="next_values_with_inputs")(joined)  # (batch, horizon)
    given = {"window": values, "window_inputs": past, "ahead_inputs": ahead}
    return keras.Model(given, [read, alone(hidden)] if also_without else read, name=name)


def build_ensemble(window: int, horizon: int, cell: str = "GRU", num_units: int = 32, num_layers: int = 1,
                   dropout_rate: float = 0.0, members: int = 3, num_inputs: int = 0) -> keras.Model:
    """``members`` forecasters side by side, each with its own weights, reading the same window.

    Trained as one model, the seeds' networks compile once instead of once each
    (on the built-in sales, tracing and compiling were about half of a click's
    CPU seconds). The loss is the mean of the members' squared errors, so each
    member's gradient is its own, scaled by 1/members, which Adam's step undoes.
    With inputs, each network has a second head that reads the values alone
    (outputs ``members`` to ``2 * members - 1``): one training, at little more
    than the cost of one without inputs, also tells what the inputs are worth.
    """
    values = keras.Input((window, 1), name="window")  # (batch, window, 1)
    inputs = values
    if num_inputs:
        inputs = {"window": values, "window_inputs": keras.Input((window, num_inputs), name="window_inputs"),
                  "ahead_inputs": keras.Input((horizon, num_inputs), name="ahead_inputs")}
    heads = [build_forecaster(window, horizon, cell, num_units, num_layers, dropout_rate, f"seed_{k + 1}",
                              num_inputs, also_without=bool(num_inputs))(inputs) for k in range(members)]
    if num_inputs:  # the heads that read inputs first, then those that do not
        heads = [with_ for with_, _ in heads] + [without for _, without in heads]
    outputs = [keras.layers.Reshape((1, horizon), name=f"member_{k + 1}_out")(head)  # (batch, 1, horizon)
               for k, head in enumerate(heads)]
    stacked = outputs[0] if len(outputs) == 1 else keras.layers.Concatenate(axis=1, name="seeds")(outputs)
    return keras.Model(inputs, stacked, name="forecasters")  # (batch, members, horizon)


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

    model_label: str  # how the page names the model ("GRU model", or "weighted mean (auto)")
    metrics: dict[str, dict[str, float]]  # forecaster -> MAE, RMSE, sMAPE, MASE on the test part
    mase_scale: float  # the MAE of one-step seasonal naive on the training part: MASE's yardstick
    test_forecasts: pd.DataFrame  # date, actual, then one column per forecaster, each test point once
    future: pd.DataFrame  # date, value, lower, upper: the forecast past the end of the data
    test_start: pd.Timestamp  # the first date of the test part
    origin_errors: dict[str, np.ndarray]  # forecaster -> (test origins,) mean absolute error of each forecast
    verdict: Verdict  # the model against the strongest other forecaster, with the noise of the test part
    choice: str  # what was learned and why, in plain words (auto's choice on the validation part)
    seed_maes: tuple[float, ...]  # each seed's network alone: test MAE (its spread is the seeds' disagreement)
    band: BandScore  # how the likely range calibrated on the validation part held on the test part
    notes: tuple[str, ...] = ()  # substitutes the statistical yardsticks used
    backtest: Backtest | None = None
    weights: dict[str, float] = field(default_factory=dict)  # auto's combination: forecaster -> weight
    input_worth: InputWorth | None = None  # with and without the inputs, when the networks read any
    inputs_ahead: str = ""  # where the forecast past the end of the data took the inputs from

    @property
    def best_baseline(self) -> str:
        """The other forecaster with the lowest MAE: the one the model has to beat."""
        return min((name for name in self.metrics if name != MODEL), key=lambda name: self.metrics[name]["MAE"])

    def label(self, forecaster: str) -> str:
        """A forecaster's name as the page prints it."""
        return self.model_label if forecaster == MODEL else forecaster

    def labelled(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A table whose columns or index are forecasters, with the model under its printed name."""
        return frame.rename(columns={MODEL: self.model_label}, index={MODEL: self.model_label})

    def seed_spread(self) -> str:
        """The seeds' disagreement in words, for the page and the bench."""
        if len(self.seed_maes) < 2:
            return "one seed"
        return (f"{len(self.seed_maes)} seeds' networks alone scored MAE {min(self.seed_maes):.3g} to "
                f"{max(self.seed_maes):.3g}")


Forecaster = Callable[[np.ndarray], np.ndarray]  # forecast origins (n,) -> forecasts in levels (n, horizon)


Members = Callable[[np.ndarray], np.ndarray]  # forecast origins (n,) -> each seed's forecasts (seeds, n, horizon)


def train_networks(series: PreparedSeries, settings: ForecastSettings, split: Split, inputs: np.ndarray,
                   on_epoch_end: EpochFn | None = None) -> tuple[TrainResult, Members]:
    """Scale on the training part, train ``settings.seeds`` networks as one model with early stopping on their
    mean validation loss; return the training and each member's forecasts in levels.

    ``inputs`` (points of the data and a horizon past it, inputs) holds what the
    networks read beside the values; with any, each network's second head reads
    the values alone (members ``seeds`` to ``2 * seeds - 1``), trained in the same model.
    """
    values = series.values.to_numpy()
    lag = lag_of(settings.preprocessing, settings.season)
    changes = to_changes(values, settings.preprocessing, settings.season)
    mean, std = fit_scaling(changes[lag : split.validation_start])
    scaled = (changes - mean) / std
    centre, spread = fit_input_scaling(inputs[: split.validation_start])
    known = (inputs - centre) / spread  # (points + horizon, inputs)
    members = settings.seeds * (2 if inputs.shape[1] else 1)

    def windows(origins: np.ndarray) -> tuple[np.ndarray | dict[str, np.ndarray], np.ndarray]:
        targets = make_windows(scaled, origins, settings.window, settings.horizon)[1]  # (n, horizon)
        return (network_inputs(scaled, known, origins, settings.window, settings.horizon),
                np.repeat(targets[:, None, :], members, axis=1))  # (n, members, horizon)

    def build() -> keras.Model:
        return build_ensemble(settings.window, settings.horizon, settings.cell, settings.units, settings.layers,
                              settings.dropout, settings.seeds, inputs.shape[1])

    result = train(build, *windows(split.train), settings, loss="mse", validation=windows(split.validation),
                   early_stopping_patience=5, on_epoch_end=on_epoch_end)

    forecasts: dict[bytes, np.ndarray] = {}  # origins -> forecasts: auto, the scores and the with/without ask again

    def each_member(origins: np.ndarray) -> np.ndarray:
        if origins.tobytes() not in forecasts:
            x = network_inputs(scaled, known, origins, settings.window, settings.horizon)
            predicted = predict(result.model, x) * std + mean  # (n, members, horizon)
            forecasts[origins.tobytes()] = np.stack([
                to_levels(values, origins, predicted[:, k], settings.preprocessing, settings.season)
                for k in range(members)])  # (members, n, horizon)
        return forecasts[origins.tobytes()]

    return result, each_member


def learned(settings: ForecastSettings) -> str:
    """What the networks learn: 'auto' trains the difference network and weighs it against a statistical base."""
    return "difference" if settings.preprocessing == AUTO else settings.preprocessing


def fit_forecaster(series: PreparedSeries, settings: ForecastSettings,
                   on_epoch_end: EpochFn | None = None, test_size: int | None = None
                   ) -> TrainResult[ForecastResult]:
    """Split, train the seeds' networks (one model), let 'auto' combine on validation, then score on the test part.

    Sizes left at 0 are chosen from the data first (:func:`resolve_settings`).
    """
    started = time.perf_counter()
    settings = resolve_settings(series, settings)[0]
    values = series.values.to_numpy()
    network_settings = replace(settings, preprocessing=learned(settings))
    split = chronological_split(len(values), settings, lag_of(learned(settings), settings.season), test_size)
    known, inputs_ahead = inputs_through(series, settings.calendar, settings.horizon)
    trained, each_member = train_networks(series, network_settings, split, known.to_numpy(float), on_epoch_end)
    with_inputs, without_inputs = seed_means(each_member, settings.seeds)

    label, chosen, choice, weights = f"{settings.cell} model", with_inputs, _network_choice(settings), {}
    if settings.preprocessing == AUTO:
        tell(on_epoch_end, "Weighing the networks and statistical forecasts on the validation part…")
        label, chosen, choice, weights = auto_choice(series, settings, split, with_inputs)
    tell(on_epoch_end, "Scoring against the statistical yardsticks…")
    truth = values[split.test[:, None] + np.arange(1, settings.horizon + 1)]
    seed_maes = tuple(float(np.mean(np.abs(forecast - truth)))
                      for forecast in each_member(split.test)[: settings.seeds])
    worth = None
    if known.shape[1]:
        plain = auto_choice(series, settings, split, without_inputs)[1] if settings.preprocessing == AUTO else None
        worth = input_worth(values, settings, split, (chosen, plain or without_inputs),
                            (with_inputs, without_inputs), input_names(series, settings.calendar), label, series.unit)
    details = replace(_evaluate(series, settings, split, chosen, label, choice, seed_maes), weights=weights,
                      input_worth=worth, inputs_ahead=inputs_ahead)
    blocks = horizon_blocks(len(split.test), settings.horizon)
    return replace(trained, details=details, seconds=time.perf_counter() - started, settings=settings,
                   scores={"model MAE": details.metrics[MODEL]["MAE"],
                           "seasonal naive MAE": details.metrics["seasonal naive"]["MAE"]},
                   score_noise={"model MAE": standard_error(details.origin_errors[MODEL], blocks, settings.seed)})


def seed_means(each_member: Members, seeds: int) -> tuple[Forecaster, Forecaster]:
    """The mean of the seeds' networks with their inputs, and of those without (members ``seeds`` on; the same
    networks when there are no inputs)."""

    def with_inputs(origins: np.ndarray) -> np.ndarray:
        return each_member(origins)[:seeds].mean(axis=0)

    def without_inputs(origins: np.ndarray) -> np.ndarray:
        return each_member(origins)[seeds:].mean(axis=0)

    return with_inputs, without_inputs


@dataclass(frozen=True)
class InputWorth:
    """What the inputs are worth: the page's model with and without them, on the same test origins.

    Both come from one training (each network's second head reads the values
    alone, trained beside the head that reads the inputs) and, with auto, each is
    combined with the statistical base by its own validation score; the verdict is
    the shared one, so a tie is called a tie.
    """

    inputs: tuple[str, ...]  # as the page names them: file columns, then the calendar feature
    model_with: float  # test MAE of the page's model with the inputs
    model_without: float  # and of the same model built from the heads that read no inputs
    networks_with: float  # test MAE of the seeds' mean network alone, with the inputs
    networks_without: float
    verdict: Verdict  # the model with the inputs against the same without them

    def heading(self) -> str:
        """'What promotion and holiday are worth'."""
        return f"What {said_together(self.inputs)} {'is' if len(self.inputs) == 1 else 'are'} worth"

    def sentence(self) -> str:
        """The with/without figures in words, the networks' own beside the model's."""
        return (f"{self.verdict.sentence} The networks alone: MAE {self.networks_with:.3g} with the inputs, "
                f"{self.networks_without:.3g} without.")

    def table(self, model_label: str) -> pd.DataFrame:
        """Test MAE with and without the inputs, of the page's model and of the networks alone."""
        return pd.DataFrame({"with the inputs": [self.model_with, self.networks_with],
                             "without them": [self.model_without, self.networks_without]},
                            index=[model_label, "the seeds' networks alone"])

    def caption(self) -> str:
        """How the figures were made, in words: what a reader needs to trust the comparison."""
        return (f"Test MAE on the same test points. One training made both: each network has two heads on the "
                f"same recurrent layers, which read the values; one head also reads {said_together(self.inputs)}, "
                "the other nothing more. With auto, each is combined with the statistical base by its own "
                "validation score. The verdict resamples whole horizons of the test part, so a gap within their "
                "noise is called a tie.")


def said_together(names: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def input_worth(values: np.ndarray, settings: ForecastSettings, split: Split, models: tuple[Forecaster, Forecaster],
                networks: tuple[Forecaster, Forecaster], names: tuple[str, ...], label: str, unit: str) -> InputWorth:
    """The test MAEs of ``models`` and ``networks`` (each: with the inputs, without) and the verdict on the models,
    each test origin's forecast one unit, resampled by horizon blocks as the headline is."""
    truth = values[split.test[:, None] + np.arange(1, settings.horizon + 1)]
    errors = [np.abs(forecaster(split.test) - truth).mean(axis=1) for forecaster in (*models, *networks)]
    comparison = compare(errors[0], errors[1], "MAE", higher_is_better=False,
                         groups=horizon_blocks(len(split.test), settings.horizon), seed=settings.seed)
    said = verdict(comparison, f"{label} with {said_together(names)} as inputs", "the same without them",
                   f"the last {settings.test_size} {unit}", **too_few_horizons(settings, unit))
    return InputWorth(names, *(float(e.mean()) for e in errors), said)


def _network_choice(settings: ForecastSettings) -> str:
    what = {"none": "the values themselves", "difference": "the change since the previous point",
            "seasonal difference": f"the change since one season ({settings.season} points) ago"}
    return (f"The networks learn {what[learned(settings)]}; the forecast is the mean of {settings.seeds} "
            f"network{'s' * (settings.seeds > 1)} trained from different random starting weights.")


def _evaluate(series: PreparedSeries, settings: ForecastSettings, split: Split, forecast_levels: Forecaster,
              label: str, choice: str, seed_maes: tuple[float, ...]) -> ForecastResult:
    values = series.values.to_numpy()
    steps = np.arange(1, settings.horizon + 1)
    truth, validation_truth = values[split.test[:, None] + steps], values[split.validation[:, None] + steps]
    forecasts = {MODEL: forecast_levels(split.test)}
    forecasts |= baseline_forecasts(values, split.test, settings.horizon, settings.season, settings.window)
    yardsticks = cached_yardsticks(values, split, settings.horizon, settings.season)
    forecasts |= yardsticks.as_dict()
    scale = seasonal_naive_scale(values, settings.season, split.validation_start)
    metrics = {name: forecast_metrics(truth, f, scale) for name, f in forecasts.items()}
    band = calibrate_band(validation_truth - forecast_levels(split.validation), BAND_COVERAGE)
    errors = {name: np.abs(forecast - truth).mean(axis=1) for name, forecast in forecasts.items()}  # (origins,)
    return ForecastResult(label, metrics, scale, _tiled(series, split.test, forecasts, settings.horizon),
                          _future(series, settings, forecast_levels, band), series.values.index[split.test_start],
                          errors, judge(errors, label, settings, series.unit), choice, seed_maes,
                          score_band(truth, forecasts[MODEL], band), tuple(yardsticks.notes()))


# ---------------------------------------------------------------- statistical bases and yardsticks

AUTO = "auto"
BAND_COVERAGE = 0.8
BASE_KINDS = ("naive", "seasonal naive", "ets", "theta", "arima", "ets+theta")
STAT_BASES = {"ets": "AutoETS", "theta": "AutoTheta", "arima": "AutoARIMA"}
BASE_NAMES = {"naive": "naive", "seasonal naive": "seasonal naive", "ets": "ETS", "theta": "Theta",
              "arima": "ARIMA", "ets+theta": "mean of ETS and Theta"}
COMBINED_BASES = 1  # statistical bases auto combines with the networks (bench/RESULTS.md: 1 did better than 2)
ARIMA_BASE_MAX_POINTS = 1000  # AutoARIMA from every validation origin costs seconds per hundred points
_CACHE: dict[tuple, object] = {}
_KEY_LOCKS: dict[tuple, threading.Lock] = {}
_CACHE_GUARD = threading.Lock()
CACHE_ENTRIES = 32


def _cached(key: tuple, compute: Callable[[], object]) -> object:
    """Statistical fits depend on the data and sizes only, not on the network's knobs: a later click reuses them.

    One lock per key, so a prefetch still running and the Train click that needs
    its result share one computation instead of doing it twice.
    """
    with _CACHE_GUARD:
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with lock:
        if key not in _CACHE:
            if len(_CACHE) >= CACHE_ENTRIES:
                _KEY_LOCKS.pop(oldest := next(iter(_CACHE)), None)
                _CACHE.pop(oldest)
            _CACHE[key] = compute()
        return _CACHE[key]


def prefetch_statistics(series: PreparedSeries, settings: ForecastSettings) -> threading.Thread:
    """Start fitting the yardsticks (and auto's bases) in the background, while the visitor reads the page.

    The built-in series' first Train click then pays only its trainings.
    """
    settings = resolve_settings(series, settings)[0]
    values = series.values.to_numpy()
    split = chronological_split(len(values), settings, lag_of(learned(settings), settings.season))

    def fit() -> None:
        cached_yardsticks(values, split, settings.horizon, settings.season)
        if settings.preprocessing == AUTO:
            ranked_bases(values, split, settings.horizon, settings.season)

    thread = threading.Thread(target=fit, name="forecast-prefetch", daemon=True)
    thread.start()
    return thread


def cached_yardsticks(values: np.ndarray, split: Split, horizon: int,
                      season: int) -> statistical.StatisticalForecasts:
    """AutoETS, AutoTheta, AutoARIMA fitted before the test part, forecast from every test origin (cached)."""
    key = ("yardsticks", fingerprint(values), tuple(split.test), horizon, season)
    return _cached(key, lambda: statistical.statistical_forecasts(values, split.test, horizon, season,
                                                                  split.test_start))


@dataclass(frozen=True)
class Base:
    """A statistical forecast from every origin of the validation part on, fitted before each origin's part.

    Validation origins read a fit on the training part (so choosing on them is
    honest); test origins and the future read a fit on training + validation,
    as the yardsticks do: the most recent data is where a forecast learns most.
    """

    name: str  # "mean of ETS and Theta, on the logs"
    first_origin: int
    forecasts: np.ndarray  # (origins from first_origin to the last point, horizon), in the series' units

    def at(self, origins: np.ndarray) -> np.ndarray:
        """Forecasts from ``origins`` (each at or after ``first_origin``)."""
        return self.forecasts[origins - self.first_origin]


def _single_base(kind: str, data: np.ndarray, origins: np.ndarray, horizon: int, season: int,
                 fit_end: int) -> np.ndarray:
    if kind in STAT_BASES:
        return statistical.method_forecasts(STAT_BASES[kind], data, origins, horizon, season, fit_end).forecasts
    return baseline_forecasts(data, origins, horizon, max(season, 1), 1)[kind]


def _refitted_base(kind: str, data: np.ndarray, split: Split, horizon: int, season: int) -> np.ndarray:
    """One base's forecasts from the first validation origin to the end: fitted on the training part for the
    validation origins, fitted again on training + validation for the test origins and the future."""
    refit_from = int(split.test[0])
    before, after = np.arange(split.validation[0], refit_from), np.arange(refit_from, len(data))
    return np.concatenate([_single_base(kind, data, before, horizon, season, split.validation_start),
                           _single_base(kind, data, after, horizon, season, split.test_start)])


def candidate_bases(values: np.ndarray, split: Split, horizon: int, season: int) -> list[Base]:
    """Every base of BASE_KINDS on the values and (all positive) their logs, refitted before the test part.

    Logs turn a trend that grows by a share (airline passengers) into a straight
    one. AutoARIMA is left out on long series or long seasons, where its search
    from every origin would cost tens of seconds.
    """
    arima_ok = len(values) <= ARIMA_BASE_MAX_POINTS and season <= statistical.LIMITS["AutoARIMA"].max_season
    kinds = [k for k in BASE_KINDS if (season > 1 or k != "seasonal naive") and (arima_ok or "arima" not in k)]
    bases = []
    for log in (False, True) if values.min() > 0 else (False,):
        data = np.log(values) if log else values
        singles: dict[str, np.ndarray] = {}
        for kind in kinds:
            for part in kind.split("+"):
                if part not in singles:
                    singles[part] = _refitted_base(part, data, split, horizon, season)
            forecasts = np.mean([singles[part] for part in kind.split("+")], axis=0)
            bases.append(Base(BASE_NAMES[kind] + (", on the logs" if log else ""), int(split.validation[0]),
                              np.exp(forecasts) if log else forecasts))
    return bases


def ranked_bases(values: np.ndarray, split: Split, horizon: int, season: int) -> list[Base]:
    """Every candidate base, the lowest MAE on the validation part first (cached per data and sizes)."""
    truth = values[split.validation[:, None] + np.arange(1, horizon + 1)]

    def ranked() -> list[Base]:
        bases = candidate_bases(values, split, horizon, season)
        return sorted(bases, key=lambda base: float(np.mean(np.abs(base.at(split.validation) - truth))))

    return _cached(("bases", fingerprint(values), tuple(split.validation), horizon, season), ranked)


def combination_weights(validation_maes: dict[str, float]) -> dict[str, float]:
    """Each forecaster's weight in auto's combination: 1 / (its MAE on the validation part)², summing to 1.

    Squared, so a forecaster twice as far off gets a quarter of the weight; a
    validation part of a few horizons is too short to trust a ranking of
    close scores (bench/RESULTS.md, "how auto combines": picking the best there
    lost to a yardstick by 40 % or more on 3 of 7 real series), and combining
    hedges that bet. Only validation errors enter: the test part never sets a weight.
    """
    floor = 1e-9 * max(max(validation_maes.values()), 1e-12)  # a perfect validation score still leaves the others
    inverse = {name: 1 / max(mae, floor) ** 2 for name, mae in validation_maes.items()}
    total = sum(inverse.values())
    return {name: value / total for name, value in inverse.items()}


def combined(members: dict[str, Forecaster], weights: dict[str, float]) -> Forecaster:
    """The forecaster whose forecast is the members' weighted mean."""

    def forecast(origins: np.ndarray) -> np.ndarray:
        return sum(weights[name] * member(origins) for name, member in members.items())

    return forecast


def auto_choice(series: PreparedSeries, settings: ForecastSettings, split: Split,
                networks: Forecaster) -> tuple[str, Forecaster, str, dict[str, float]]:
    """The networks' mean and the COMBINED_BASES statistical base(s) best on validation, weighted by validation MAE.

    Picking the one forecaster best on validation lost to a yardstick on the
    test part wherever validation and test disagreed (US employment, GDP,
    airline: bench/RESULTS.md); a weighted mean of a few good forecasters is
    the M4 competition's robust lesson. The networks always take part, by their
    own validation score; one base did better than two on every real series
    (on 3 of 7 the two best were one method twice, on the values and the logs).
    Returns (label, forecaster, the choice in words, weights).
    """
    values = series.values.to_numpy()
    truth = values[split.validation[:, None] + np.arange(1, settings.horizon + 1)]
    networks_name = f"{settings.cell} networks"
    bases = ranked_bases(values, split, settings.horizon, settings.season)[:COMBINED_BASES]
    members = {networks_name: networks} | {base.name: base.at for base in bases}
    maes = {name: float(np.mean(np.abs(member(split.validation) - truth))) for name, member in members.items()}
    weights = combination_weights(maes)
    parts = [f"{name} ({weights[name]:.0%}; validation MAE {maes[name]:.3g})" for name in members]
    statistical_part = ("the statistical forecast" if len(bases) == 1 else f"the {len(bases)} statistical forecasts")
    choice = (f"Auto chose a weighted mean of {', '.join(parts[:-1])} and {parts[-1]}, each weighted by one over its "
              f"miss on the validation part squared; {statistical_part} best there (of naive, seasonal naive, ETS, "
              "Theta and ARIMA on the values or their logs) fitted again on training + validation before "
              "forecasting the test part.")
    return "weighted mean (auto)", combined(members, weights), choice, weights


def horizon_blocks(origins: int, horizon: int) -> np.ndarray:
    """Which block of ``horizon`` consecutive origins each test origin is in.

    Neighbouring origins forecast overlapping points, so their errors are not
    independent: comparisons resample whole blocks.
    """
    return np.arange(origins) // horizon


def judge(errors: dict[str, np.ndarray], model_label: str, settings: ForecastSettings, unit: str) -> Verdict:
    """The model against the other forecaster with the lowest test MAE, each test origin's forecast one unit."""
    best = min((name for name in errors if name != MODEL), key=lambda name: errors[name].mean())
    comparison = compare(errors[MODEL], errors[best], "MAE", higher_is_better=False,
                         groups=horizon_blocks(len(errors[MODEL]), settings.horizon), seed=settings.seed)
    return verdict(comparison, model_label, best, f"the last {settings.test_size} {unit}",
                   **too_few_horizons(settings, unit))


def too_few_horizons(settings: ForecastSettings, unit: str) -> dict[str, str]:
    """What the verdict says when the test part holds too few whole horizons to judge (core.verdicts)."""
    return {"groups_named": f"stretches of {settings.horizon} {unit}, one forecast horizon each",
            "remedy": "A longer test part or a shorter horizon gives more."}


def _tiled(series: PreparedSeries, origins: np.ndarray, forecasts: dict[str, np.ndarray], horizon: int) -> pd.DataFrame:
    """Forecasts from every ``horizon``-th test origin, so each test point is forecast once, as it would be."""
    chosen = np.arange(0, len(origins), horizon)
    index = (origins[chosen][:, None] + np.arange(1, horizon + 1)).ravel()
    frame = pd.DataFrame({"date": series.values.index[index], "actual": series.values.to_numpy()[index]})
    for name, forecast in forecasts.items():
        frame[name] = forecast[chosen].ravel()
    return frame


def _future(series: PreparedSeries, settings: ForecastSettings, forecast_levels: Forecaster,
            band: ConformalBand) -> pd.DataFrame:
    """The forecast past the end of the data, with the likely range calibrated on the validation part."""
    last = len(series.values) - 1
    forecast = forecast_levels(np.array([last]))[0]
    dates = pd.date_range(series.values.index[-1], periods=settings.horizon + 1, freq=series.frequency)[1:]
    return pd.DataFrame({"date": dates, "value": forecast, "lower": band.lower(forecast),
                         "upper": band.upper(forecast)})


def training_story(result: TrainResult) -> str:
    """What the training curves of a forecaster show: how long it ran and which weights it kept."""
    run, planned = result.epochs_run, result.settings.epochs
    if run < planned:
        return (f"Training stopped early, after {run} of {planned} epochs ({result.seconds:.1f} s), when the "
                "validation loss had not improved for 5 epochs; the model keeps the weights of its best epoch.")
    return (f"Training ran all {planned} epochs ({result.seconds:.1f} s); the model keeps the weights of the epoch "
            "with the lowest validation loss.")


def series_fingerprint(series: PreparedSeries, source: str) -> str:
    """The data part of a trained model's cache key: the values, the chosen inputs, and where they came from."""
    return fingerprint(series.values, series.inputs, source)


def fit_and_backtest(series: PreparedSeries, settings: ForecastSettings,
                     on_epoch_end: EpochFn | None = None) -> TrainResult[ForecastResult]:
    """The page's Train button: the forecaster, then the backtest folds when they are asked for."""
    settings = resolve_settings(series, settings)[0]
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
    settings = resolve_settings(series, settings)[0]
    lag = lag_of(learned(settings), settings.season)
    try:
        chronological_split(len(series.values), settings, lag)
    except ValueError as err:
        smallest = smallest_series(series.frequency_name, settings.season)
        raise ValueError(f"{err} With every size left at 0 (chosen from the data), the smallest "
                         f"{series.frequency_name} series that trains has {smallest} points.") from None
    if settings.backtest_folds:  # the earliest fold has the least data
        shortest = len(series.values) - (settings.backtest_folds - 1) * settings.horizon
        chronological_split(shortest, settings, lag, test_size=settings.horizon)


# ---------------------------------------------------------------- work bounded by the server

# One epoch over one training window of one step (GRU, 32 units, one layer), in seconds: measured on ice cream
# (852 windows of 56, 30 epochs, 9.5 s) with the machine's 2 cores shared (load 48), so estimates err long.
SECONDS_PER_WINDOW_STEP = 6.6e-6
LONG_SERIES = 5000  # points past which the page offers a coarser frequency or the latest part
LATEST_POINTS = 2000
COARSER = {"D": ("W-SUN", "weekly totals"), "B": ("W-FRI", "weekly totals")}  # sub-daily data: daily totals


def estimated_seconds(series: PreparedSeries, settings: ForecastSettings) -> float:
    """Seconds the Train button would take at most (every epoch, every seed), from the measured rate."""
    settings = resolve_settings(series, settings)[0]
    windows = max(_training_windows(len(series.values), settings.window, settings.horizon, settings.test_size), 0)
    per_network = SECONDS_PER_WINDOW_STEP * windows * settings.window * settings.epochs * settings.layers
    # with inputs, early stopping runs more epochs (a click measured 1.4-1.8 times as long): counted as twice
    networks = settings.seeds * (2 if input_names(series, settings.calendar) else 1)
    return per_network * networks * (1 + settings.backtest_folds)


def coarser(series: PreparedSeries) -> tuple[PreparedSeries, str] | None:
    """The series summed to the next coarser frequency (hours to days, days to weeks), and its name; or None.

    Only whole bins are kept: a first or last day holding some of its hours
    would look like a drop in the total. Inputs are averaged over the same bins.
    """
    if _sub_daily(series.frequency):
        rule, name = "D", "daily totals"
    elif series.frequency in COARSER:
        rule, name = COARSER[series.frequency]
    else:
        return None
    totals = series.values.resample(rule).agg(["sum", "count"])
    whole = totals[totals["count"] == totals["count"].max()]
    table = pd.DataFrame({"date": whole.index, "value": whole["sum"].to_numpy()})
    if series.inputs is not None:  # inputs averaged over the same bins: a week's share of promotion days
        means = series.inputs.loc[: series.values.index[-1]].resample(rule).mean().reindex(whole.index)
        table = table.join(means.reset_index(drop=True))
    return prepare_series(table, "date", "value", inputs=series.input_columns), name


def latest(series: PreparedSeries, points: int = LATEST_POINTS) -> PreparedSeries:
    """The most recent ``points`` of the series: the part that says most about what comes next."""
    values = series.values.iloc[-points:]
    report = series.report | {"points": len(values), "first date": show_date(values.index[0], series.frequency)}
    return replace(series, values=values, report=report)


def lighter_versions(series: PreparedSeries, settings: ForecastSettings) -> dict[str, PreparedSeries]:
    """What a long series can be trained as instead, each named with its estimated cost; empty when not long.

    A series is long when it has over LONG_SERIES points or one network would
    pass the server's time limit; the visitor then picks before pressing Train.
    """
    per_network = estimated_seconds(series, replace(settings, seeds=1, backtest_folds=0))
    if len(series.values) <= LONG_SERIES and per_network <= TIME_LIMIT_S:
        return {}
    options = {f"all {len(series.values)} points (about {estimated_seconds(series, settings):.0f} s)": series}
    summed = coarser(series)
    if summed is not None:
        shorter, name = summed
        options[f"{name}: {len(shorter.values)} points (about {estimated_seconds(shorter, settings):.0f} s)"] = shorter
    recent = latest(series)
    options[f"the latest {len(recent.values)} points (about {estimated_seconds(recent, settings):.0f} s)"] = recent
    return options


def time_limit_warning(series: PreparedSeries, settings: ForecastSettings) -> str | None:
    """A sentence before training when one network would run past the server's time limit, else None."""
    per_network = estimated_seconds(series, replace(settings, seeds=1, backtest_folds=0))
    if per_network <= TIME_LIMIT_S:
        return None
    return (f"One network would take up to about {per_network:.0f} s, past this server's limit of "
            f"{TIME_LIMIT_S:.0f} s per training: it would stop at the limit with the model it has by then. Use "
            "fewer epochs, a shorter window, or a coarser or shorter series.")


def cli_document(series: PreparedSeries, settings: ForecastSettings) -> dict:
    """The command line's JSON: every setting used (derived ones and the inputs included), each forecaster's
    metrics, the range's coverage, the seeds' spread, the choice and the verdict, what the inputs are worth (None
    without inputs) and where the forecast ahead took them from; dates with their hour when finer than a day."""
    settings, chosen_why = resolve_settings(series, settings)
    check_fits(series, settings)
    details = fit_and_backtest(series, settings).details
    future = details.future.assign(date=lambda f: f["date"].map(lambda d: show_date(d, series.frequency)))
    band = details.band
    worth = details.input_worth
    return {"settings": as_dict(settings) | {"inputs": list(series.input_columns)}, "derived": chosen_why,
            "frequency": series.frequency, "frequency_name": series.frequency_name, "season": settings.season,
            "suggested_season": series.suggestion.period if series.suggestion else None,
            "choice": details.choice, "model": details.model_label, "weights": details.weights,
            "metrics": {name.replace(" ", "_"): scores for name, scores in details.metrics.items()},
            "seed_maes": list(details.seed_maes),
            "interval": {"coverage": band.coverage, "held": band.held, "interval_score": band.interval_score,
                         "mean_width": band.mean_width, "points": band.points},
            "substitutes": list(details.notes), "verdict": details.verdict.as_json(),
            "input_worth": None if worth is None else {
                "inputs": list(worth.inputs), "model_mae_with": worth.model_with,
                "model_mae_without": worth.model_without, "networks_mae_with": worth.networks_with,
                "networks_mae_without": worth.networks_without, "verdict": worth.verdict.as_json()},
            "inputs_ahead": details.inputs_ahead,
            "forecast": future.to_dict(orient="records")}


def template_csv() -> str:
    """A small example of the file format the page expects."""
    dates = pd.date_range("2024-01-01", periods=5, freq="D").strftime("%Y-%m-%d")
    return pd.DataFrame({"date": dates, "sales": [12, 15, 11, 18, 20]}).to_csv(index=False)
