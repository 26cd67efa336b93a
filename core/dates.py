"""Dates as people write them: reading a date column of any common style, its frequency, its season.

A file's date column is text (or whole numbers, for years), and its style decides
how it is read: ``2024-03-01``, ``2024-03``, ``Mar 2024``, ``1956 Q1``, ``1700``,
``31/12/2024``. Each cell is matched against the styles below, every cell must
share one style (a column mixing two is refused with an example of each), and
the column is parsed with that style's own rule, never with a guess per cell.
Whole numbers are read as years when they look like years; pandas would read
them as nanoseconds since 1970 and put every row on one instant.

The frequency is measured on the calendar (months between dates, not days), so
monthly data is monthly whatever the month lengths, and every frequency comes
with the pandas rule that resamples and extends it without pandas' 'origin'
warning. The season is the frequency's customary one, beside one measured from
the data (the lag where the autocorrelation peaks), so yearly sunspots can be
told "the data repeats every 11 points".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

YEAR_RANGE = (1000, 2200)  # whole numbers in this range, in file order, are read as years
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
SAMPLE_ROWS = 200  # rows looked at to decide whether a column holds dates
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"

# style -> (pattern of one cell, plain words for messages)
STYLES: dict[str, tuple[re.Pattern[str], str]] = {
    "year": (re.compile(r"^\d{4}(?:\.0+)?$"), "a year, like 1956"),
    "quarter": (re.compile(r"^(?:\d{4}[ ._-]?q[1-4]|q[1-4][ ._-]?\d{4})$", re.I), "a quarter, like 1956 Q1"),
    "year-month": (re.compile(r"^\d{4}[-/.]\d{1,2}$|^\d{4}m\d{2}$", re.I), "a year and month, like 2024-03"),
    "month-name": (re.compile(rf"^{_MONTH_NAME}[ ,.-]*\d{{4}}$|^\d{{4}}[ ,.-]*{_MONTH_NAME}$", re.I),
                   "a month's name and a year, like Mar 2024"),
    "iso": (re.compile(rf"^\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}{_TIME}$"), "a date like 2024-03-01 (year first)"),
    "compact": (re.compile(r"^\d{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$"), "a date like 20240301"),
    "numeric": (re.compile(rf"^\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}}){_TIME}$"),
                "a date like 03/01/2024 (day and month first)"),
    "text": (re.compile(rf"^(?:[a-z]+,? )?(?:{_MONTH_NAME} \d{{1,2}},? \d{{4}}|\d{{1,2}} {_MONTH_NAME},? \d{{4}})"
                        rf"{_TIME}$", re.I), "a date in words, like Jan 1 2000 or 1 March 2024"),
}


@dataclass(frozen=True)
class ParsedDates:
    """A date column read into timestamps, and how it was read."""

    dates: pd.Series  # datetime64, same index as the column; NaT where the cell was empty
    style: str  # a key of STYLES
    day_first: bool | None  # for the "numeric" style: True 31/12, False 12/31; None for other styles
    ambiguous: bool  # numeric dates where day and month could be swapped: the page should ask


@dataclass(frozen=True)
class Frequency:
    """How often a series has a point, with the pandas rule that resamples and extends it."""

    name: str  # "daily", "monthly", "every 15 minutes", ...
    rule: str  # a pandas offset alias: "D", "B", "W-SUN", "MS", "QS-JAN", "YS-JAN", "h", "15min"
    season: int  # the customary season in points: 7 for daily, 12 for monthly, 1 when there is none
    unit: str  # what one point is, for sentences: "days", "months", "points"

    @property
    def fixed_span(self) -> bool:
        """True for rules of a fixed length (hours, days): only those take pandas' resample ``origin``."""
        return isinstance(pd.tseries.frequencies.to_offset(self.rule), pd.offsets.Tick)

    def resample_options(self) -> dict[str, str]:
        """Keyword arguments for ``Series.resample(rule, **options)``: bins start at the first date when they can.

        Calendar rules (months, quarters, weeks) are anchored by the rule itself and
        refuse ``origin`` with a RuntimeWarning; fixed spans need it to keep, say,
        hourly data at half past the hour where it was.
        """
        return {"origin": "start"} if self.fixed_span else {}


@dataclass(frozen=True)
class SeasonSuggestion:
    """The season measured from the data, beside the frequency's customary one."""

    period: int | None  # lag (in points) of the strongest repeat, None when nothing repeats
    strength: float  # autocorrelation of the detrended series at that lag (0..1)
    customary: int  # the frequency's usual season

    def sentence(self) -> str:
        """Plain words for the page: what repeats, and how that compares with the usual season."""
        if self.period is None:
            return f"No repeating pattern stands out in the data; the usual season is {self.customary}."
        same = " (the usual season)" if self.period == self.customary else f"; the usual season is {self.customary}"
        return f"The data repeats every {self.period} points (autocorrelation {self.strength:.2f}){same}."


@dataclass(frozen=True)
class Trimmed:
    """A series without its leading and trailing missing values, and how many were cut."""

    values: pd.Series
    leading: int
    trailing: int

    def note(self) -> str | None:
        """A sentence for the page when anything was cut, else None."""
        if not (self.leading or self.trailing):
            return None
        return (f"{self.leading} empty values at the start and {self.trailing} at the end were left out; "
                "the series runs from its first to its last number.")


# ---------------------------------------------------------------- styles of one column


def style_of(cell: str) -> str | None:
    """The style of one cell (a key of STYLES), or None when it matches none."""
    text = cell.strip()
    return next((style for style, (pattern, _) in STYLES.items() if pattern.match(text)), None)


def _cells(column: pd.Series) -> pd.Series:
    """The non-empty cells as stripped text; whole floats (1700.0) written as whole numbers."""
    present = column.dropna()
    if pd.api.types.is_float_dtype(present) and np.all(np.mod(present, 1) == 0):
        present = present.astype("int64")
    return present.astype(str).str.strip()


def _whole_numbers_as_years(column: pd.Series) -> bool:
    """Numbers that are whole, within YEAR_RANGE and (mostly) in order: years, not counts.

    Order tells years from counts that happen to lie between 1000 and 2200: a
    column of years rises (or falls) row after row, allowing repeats and the
    restarts of a long table with one block per product; counts jump about.
    """
    numbers = column.dropna()
    if not pd.api.types.is_numeric_dtype(numbers) or len(numbers) == 0 or pd.api.types.is_bool_dtype(numbers):
        return False
    if np.any(np.mod(numbers, 1) != 0) or numbers.min() < YEAR_RANGE[0] or numbers.max() > YEAR_RANGE[1]:
        return False
    steps = np.diff(numbers.to_numpy(dtype=float))
    return len(steps) == 0 or max(np.mean(steps >= 0), np.mean(steps <= 0)) >= 0.9


def column_styles(column: pd.Series) -> pd.Series:
    """The style of each non-empty cell (None where none fits), indexed like the column."""
    if pd.api.types.is_numeric_dtype(column) and not _whole_numbers_as_years(column):
        return pd.Series(None, index=column.dropna().index, dtype=object)
    return _cells(column).map(style_of)


def is_date_column(column: pd.Series) -> bool:
    """Whether a column holds dates: most of its first cells have a date style (years count, prices do not).

    A column mixing two styles still counts, so the page offers it and reading it
    then says which styles clash.
    """
    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    styles = column_styles(column.head(SAMPLE_ROWS))
    return len(styles) > 0 and styles.notna().mean() >= 0.8


# ---------------------------------------------------------------- parsing


def parse_dates(column: pd.Series, name: str = "date", day_first: bool | None = None) -> ParsedDates:
    """Read a date column of one style into timestamps, or raise ValueError saying what is wrong.

    ``day_first`` answers the question the page asks when numeric dates could be
    read both ways (01/02/2024); None decides from the data where it can.
    """
    if pd.api.types.is_datetime64_any_dtype(column):
        return ParsedDates(pd.to_datetime(column), "iso", None, False)
    styles = column_styles(column)
    _check_styles(column, styles, name)
    style = styles.iloc[0]
    cells = _cells(column)
    found_day_first, ambiguous = _day_first(cells) if style == "numeric" else (None, False)
    if style == "numeric" and day_first is not None:
        found_day_first, ambiguous = (day_first, False) if ambiguous else (found_day_first, False)
    parsed = _PARSERS[style](cells, bool(found_day_first))
    if parsed.isna().any():
        bad = cells[parsed.isna()].iloc[0]
        raise ValueError(f"The date column '{name}' has {int(parsed.isna().sum())} cells that are not real dates, "
                         f"e.g. {bad!r}; fix them or remove those rows.")
    return ParsedDates(parsed.reindex(column.index), style, found_day_first, ambiguous)


def _check_styles(column: pd.Series, styles: pd.Series, name: str) -> None:
    """Raise unless every non-empty cell has one and the same date style."""
    if len(styles) == 0:
        raise ValueError(f"The date column '{name}' is empty; choose the column that holds dates.")
    cells = _cells(column)
    unknown = styles.isna()
    if unknown.any():
        raise ValueError(f"The date column '{name}' has {int(unknown.sum())} cells that are not dates, e.g. "
                         f"{cells[unknown].iloc[0]!r}; choose the column that holds dates (like 2024-03-01, "
                         "2024-03, Mar 2024, 2024 Q1 or 2024).")
    kinds = styles.unique()
    if len(kinds) > 1:
        first, second = (cells[styles == kind].iloc[0] for kind in kinds[:2])
        raise ValueError(f"The date column '{name}' mixes date styles: {first!r} ({STYLES[kinds[0]][1]}) and "
                         f"{second!r} ({STYLES[kinds[1]][1]}); write every date in one style and upload again.")


def _day_first(cells: pd.Series) -> tuple[bool, bool]:
    """(day first?, ambiguous?) for numeric dates: a first field over 12 means day first, a second one month first."""
    fields = cells.str.extract(r"^(\d{1,2})[-/.](\d{1,2})").astype(int)
    first_over, second_over = bool((fields[0] > 12).any()), bool((fields[1] > 12).any())
    if first_over and second_over:
        examples = cells[fields[0] > 12].iloc[0], cells[fields[1] > 12].iloc[0]
        raise ValueError(f"The dates mix day-first and month-first order: {examples[0]!r} and {examples[1]!r}; "
                         "write every date in one order (2024-12-31 is safest) and upload again.")
    if first_over or second_over:
        return first_over, False
    return False, True


def _parse_years(cells: pd.Series, day_first: bool) -> pd.Series:
    return pd.to_datetime(cells.str.replace(r"\.0+$", "", regex=True), format="%Y", errors="coerce")


def _parse_quarters(cells: pd.Series, day_first: bool) -> pd.Series:
    years = cells.str.extract(r"(\d{4})")[0].astype(int)
    quarters = cells.str.upper().str.extract(r"Q([1-4])")[0].astype(int)
    return pd.to_datetime(pd.DataFrame({"year": years, "month": 3 * quarters - 2, "day": 1}), errors="coerce")


def _parse_year_months(cells: pd.Series, day_first: bool) -> pd.Series:
    fields = cells.str.extract(r"^(\d{4})\D+(\d{1,2})$")
    return pd.to_datetime(pd.DataFrame({"year": fields[0].astype(int), "month": fields[1].astype(int), "day": 1}),
                          errors="coerce")


def _parse_month_names(cells: pd.Series, day_first: bool) -> pd.Series:
    months = cells.str.upper().str.extract(r"([A-Z]{3})")[0].map({m: i + 1 for i, m in enumerate(MONTHS)})
    years = cells.str.extract(r"(\d{4})")[0].astype(int)
    return pd.to_datetime(pd.DataFrame({"year": years, "month": months, "day": 1}), errors="coerce")


def _parse_iso(cells: pd.Series, day_first: bool) -> pd.Series:
    parsed = pd.to_datetime(cells.str.replace(r"[/.]", "-", regex=True), format="ISO8601", errors="coerce")
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def _parse_compact(cells: pd.Series, day_first: bool) -> pd.Series:
    return pd.to_datetime(cells, format="%Y%m%d", errors="coerce")


def _parse_numeric(cells: pd.Series, day_first: bool) -> pd.Series:
    return pd.to_datetime(cells, dayfirst=day_first, format="mixed", errors="coerce")


def _parse_text(cells: pd.Series, day_first: bool) -> pd.Series:
    return pd.to_datetime(cells, format="mixed", errors="coerce")


_PARSERS = {"year": _parse_years, "quarter": _parse_quarters, "year-month": _parse_year_months,
            "month-name": _parse_month_names, "iso": _parse_iso, "compact": _parse_compact,
            "numeric": _parse_numeric, "text": _parse_text}


# ---------------------------------------------------------------- which columns are which


@dataclass(frozen=True)
class ColumnRoles:
    """The columns a page offers as dates, and those it offers as values (numeric ones first)."""

    dates: tuple[str, ...]
    values: tuple[str, ...]


def column_roles(table: pd.DataFrame) -> ColumnRoles:
    """Date columns and value columns of a table, or ValueError when one of the two kinds is missing."""
    dates = tuple(str(c) for c in table.columns if is_date_column(table[c]))
    if not dates:
        raise ValueError(f"No column holds dates; found: {', '.join(map(str, table.columns))}. Add a column of "
                         "dates (like 2024-03-01, 2024-03, Mar 2024, 2024 Q1 or 2024).")
    numeric = tuple(str(c) for c in table.columns if str(c) not in dates and mostly_numbers(table[c]))
    if not numeric and any(pd.api.types.is_numeric_dtype(table[c]) for c in dates):
        raise ValueError(f"The only numeric column holds dates ({', '.join(dates)}); a column of numbers to forecast "
                         "is needed beside it.")
    if not numeric:
        raise ValueError(f"No column beside the dates holds numbers to forecast; found: "
                         f"{', '.join(map(str, table.columns))}. Add a column of numbers (like 12 or 3.5).")
    others = tuple(str(c) for c in table.columns if str(c) not in dates + numeric)
    return ColumnRoles(dates, numeric + others)


def mostly_numbers(column: pd.Series) -> bool:
    """A numeric column, or text whose cells are mostly numbers (a few typos the value check will name)."""
    if pd.api.types.is_numeric_dtype(column):
        return True
    present = column.dropna()
    return len(present) > 0 and pd.to_numeric(present, errors="coerce").notna().mean() >= 0.5


# ---------------------------------------------------------------- frequency and season


def _calendar_frequency(dates: pd.DatetimeIndex, months: float) -> Frequency:
    """Monthly, quarterly or yearly, with a rule anchored on the data's own month of the year."""
    first = dates[0]
    ends = bool(np.all(dates.is_month_end)) and not np.all(dates.is_month_start)
    if months == 12:
        anchor = MONTHS[first.month - 1]
        return Frequency("yearly", f"YE-{anchor}" if ends else f"YS-{anchor}", 1, "years")
    if months == 3:
        anchor = MONTHS[(first.month - 1) % 3 + (9 if ends else 0)]
        return Frequency("quarterly", f"QE-{anchor}" if ends else f"QS-{anchor}", 4, "quarters")
    return Frequency("monthly", "ME" if ends else "MS", 12, "months")


def _sub_daily_frequency(step: pd.Timedelta) -> Frequency:
    """A frequency of whole minutes or hours, with a day as its season when a day holds whole steps."""
    minutes = max(1, round(step.total_seconds() / 60))
    per_day = 24 * 60 / minutes
    season = int(per_day) if per_day == int(per_day) and per_day > 1 else 1
    if minutes % 60 == 0:
        hours = minutes // 60
        return Frequency("hourly" if hours == 1 else f"every {hours} hours", "h" if hours == 1 else f"{hours}h",
                         season, "hours" if hours == 1 else "points")
    return Frequency(f"every {minutes} minutes", f"{minutes}min", season, "points")


def detect_frequency(dates: pd.Series | pd.DatetimeIndex) -> Frequency:
    """The frequency of a date column, measured on the calendar from the typical step between distinct dates.

    Months are counted as months (so 28 to 31 days apart is one month), days as
    days; daily data without a single weekend date is business-daily. Gaps and
    repeats do not change the answer: the typical (median) step decides.
    """
    index = pd.DatetimeIndex(pd.Series(dates).dropna().drop_duplicates().sort_values())
    if len(index) < 2:
        raise ValueError("The dates hold fewer than two different days; a series needs many more.")
    step = pd.Series(index).diff().dropna().median()
    month_steps = np.diff(index.year * 12 + index.month)
    months = float(np.median(month_steps))
    if step >= pd.Timedelta(days=27) and months in (1, 3, 12):
        return _calendar_frequency(index, months)
    if step >= pd.Timedelta(days=27):
        raise ValueError(f"The dates are about {step.days} days apart, which is not monthly, quarterly or yearly; "
                         "use dates one month, quarter or year apart.")
    if step < pd.Timedelta(hours=18):
        return _sub_daily_frequency(step)
    if step >= pd.Timedelta(days=5):
        return Frequency("weekly", f"W-{WEEKDAYS[index[0].day_of_week]}", 52, "weeks")
    if len(index) >= 10 and not np.any(index.day_of_week >= 5):
        return Frequency("business-daily", "B", 5, "business days")
    return Frequency("daily", "D", 7, "days")


def suggest_season(values: np.ndarray, customary: int, max_period: int | None = None) -> SeasonSuggestion:
    """The lag at which the detrended series best matches itself: its strongest autocorrelation peak.

    A straight-line trend is removed first (a trend correlates with itself at
    every lag and would hide the season). Only peaks (a lag whose
    autocorrelation beats both neighbours) count, from lag 2 up to half the
    series; a peak below 0.2, or less than 0.1 above the lowest point before it
    (a bump on a slow decay, not a return), is noise. Of two peaks nearly as strong, the shorter
    one wins when the longer is its multiple (12 rather than 24).
    """
    y = np.asarray(values, dtype=float)
    y = y[np.isfinite(y)]
    top = min(max_period or len(y) // 2, len(y) // 2)
    if top < 3:
        return SeasonSuggestion(None, 0.0, customary)
    acf = autocorrelation(detrend(y), top + 1)
    peaks = [lag for lag in range(2, top) if acf[lag] > acf[lag - 1] and acf[lag] >= acf[lag + 1]
             and acf[lag] > 0.2 and acf[lag] - acf[1:lag].min() >= 0.1]
    if not peaks:
        return SeasonSuggestion(None, 0.0, customary)
    best = max(peaks, key=lambda lag: acf[lag])
    shorter = [lag for lag in peaks if lag < best and acf[lag] >= 0.85 * acf[best] and _divides(lag, best)]
    period = min(shorter) if shorter else best
    return SeasonSuggestion(period, float(acf[period]), customary)


def _divides(short: int, long: int) -> bool:
    """Whether ``long`` is (within one point) a whole multiple of ``short``."""
    ratio = long / short
    return abs(long - round(ratio) * short) <= 1 and round(ratio) >= 2


def detrend(values: np.ndarray) -> np.ndarray:
    """The values less their least-squares straight line."""
    steps = np.arange(len(values))
    slope, intercept = np.polyfit(steps, values, 1)
    return values - (slope * steps + intercept)


def autocorrelation(values: np.ndarray, lags: int) -> np.ndarray:
    """Sample autocorrelation at lags 0..lags-1 (the usual biased estimator, as in statsmodels' acf)."""
    centred = values - values.mean()
    denominator = float(centred @ centred) or 1.0
    return np.array([centred[lag:] @ centred[: len(centred) - lag] / denominator for lag in range(lags)])


def trim_missing(values: pd.Series) -> Trimmed:
    """Cut leading and trailing missing values (the file's blank head and tail), keeping interior gaps."""
    present = np.flatnonzero(values.notna().to_numpy())
    if len(present) == 0:
        return Trimmed(values.iloc[:0], len(values), 0)
    first, last = int(present[0]), int(present[-1])
    return Trimmed(values.iloc[first : last + 1], first, len(values) - 1 - last)
