"""Date columns of every common style, their frequency, the season measured from the data, trimming."""

import warnings

import numpy as np
import pandas as pd
import pytest

from core import dates


def read(cells: list, **options) -> list[str]:
    """The cells read as dates, written back as ISO text for easy comparison."""
    return list(dates.parse_dates(pd.Series(cells), "when", **options).dates.dt.strftime("%Y-%m-%d %H:%M"))


@pytest.mark.parametrize(("cells", "style", "first"), [
    (["2024-03-01", "2024-03-02"], "iso", "2024-03-01 00:00"),
    (["2024/03/01", "2024/03/02"], "iso", "2024-03-01 00:00"),
    (["2024-03", "2024-04"], "year-month", "2024-03-01 00:00"),
    (["2024M03", "2024M04"], "year-month", "2024-03-01 00:00"),
    (["Mar 2024", "Apr 2024"], "month-name", "2024-03-01 00:00"),
    (["March 2024", "April 2024"], "month-name", "2024-03-01 00:00"),
    (["2024Q2", "2024Q3"], "quarter", "2024-04-01 00:00"),
    (["1956 Q1", "1956 Q2"], "quarter", "1956-01-01 00:00"),
    (["Q4 2024", "Q1 2025"], "quarter", "2024-10-01 00:00"),
    (["Jan 1 2000", "Feb 1 2000"], "text", "2000-01-01 00:00"),
    (["1 March 2024", "2 March 2024"], "text", "2024-03-01 00:00"),
    (["20240301", "20240302"], "compact", "2024-03-01 00:00"),
])
def test_each_date_style_is_read_by_its_own_rule(cells, style, first):
    parsed = dates.parse_dates(pd.Series(cells), "when")
    assert parsed.style == style
    assert parsed.dates.dt.strftime("%Y-%m-%d %H:%M").iloc[0] == first


def test_sub_daily_datetimes_keep_their_time():
    assert read(["2024-03-01 06:00", "2024-03-01 07:30:00"]) == ["2024-03-01 06:00", "2024-03-01 07:30"]
    assert read(["2024-03-01T06:00:00Z", "2024-03-01T07:00:00Z"]) == ["2024-03-01 06:00", "2024-03-01 07:00"]


def test_whole_numbers_in_the_year_range_are_years_not_nanoseconds():
    assert read([1700, 1701, 1702]) == ["1700-01-01 00:00", "1701-01-01 00:00", "1702-01-01 00:00"]
    assert read([1700.0, 1701.0]) == ["1700-01-01 00:00", "1701-01-01 00:00"]
    assert read(["1956", "1957"]) == ["1956-01-01 00:00", "1957-01-01 00:00"]


def test_a_year_column_with_gaps_and_repeats_is_read_as_is():
    assert read([1990, 1990, 1993, 1994]) == ["1990-01-01 00:00", "1990-01-01 00:00", "1993-01-01 00:00",
                                              "1994-01-01 00:00"]


def test_day_first_is_detected_when_a_first_field_exceeds_twelve():
    parsed = dates.parse_dates(pd.Series(["31/01/2024", "01/02/2024"]))
    assert (parsed.day_first, parsed.ambiguous) == (True, False)
    assert list(parsed.dates.dt.month) == [1, 2]
    parsed = dates.parse_dates(pd.Series(["01/31/2024", "02/01/2024"]))
    assert (parsed.day_first, parsed.ambiguous) == (False, False)
    assert list(parsed.dates.dt.day) == [31, 1]


def test_ambiguous_day_and_month_are_reported_and_the_answer_is_used():
    parsed = dates.parse_dates(pd.Series(["01/02/2024", "03/04/2024"]))
    assert parsed.ambiguous
    assert read(["01/02/2024", "03/04/2024"], day_first=True) == ["2024-02-01 00:00", "2024-04-03 00:00"]
    assert read(["01/02/2024", "03/04/2024"], day_first=False) == ["2024-01-02 00:00", "2024-03-04 00:00"]


def test_mixed_styles_are_refused_with_an_example_of_each():
    with pytest.raises(ValueError, match=r"mixes date styles: '2024-03-01' .* and 'Mar 2024'"):
        dates.parse_dates(pd.Series(["2024-03-01", "Mar 2024", "2024-03-03"]), "when")
    with pytest.raises(ValueError, match="day-first and month-first"):
        dates.parse_dates(pd.Series(["13/01/2024", "01/13/2024"]))


def test_cells_that_are_not_dates_or_not_real_dates_are_named():
    with pytest.raises(ValueError, match=r"not dates, e\.g\. 'soon'"):
        dates.parse_dates(pd.Series(["2024-03-01", "soon"]))
    with pytest.raises(ValueError, match=r"not real dates, e\.g\. '2024-02-30'"):
        dates.parse_dates(pd.Series(["2024-02-29", "2024-02-30"]))


def test_only_columns_of_dates_are_offered_as_dates():
    assert dates.is_date_column(pd.Series([1700, 1701, 1702]))
    assert dates.is_date_column(pd.Series(["1956 Q1", "1956 Q2"]))
    assert not dates.is_date_column(pd.Series([39.81, 36.35, 43.2]))  # prices
    assert not dates.is_date_column(pd.Series([135450, 135762]))  # too large for years
    assert not dates.is_date_column(pd.Series([1500, 2100, 1200, 1900, 1300, 2000]))  # counts: not in order
    assert not dates.is_date_column(pd.Series(["rain", "sun"]))


def test_column_roles_refuses_a_file_whose_only_numbers_are_the_dates():
    roles = dates.column_roles(pd.DataFrame({"year": [2001, 2002], "sales": [3.5, 4.0], "note": ["a", "b"]}))
    assert roles == dates.ColumnRoles(("year",), ("sales", "note"))
    with pytest.raises(ValueError, match="only numeric column holds dates"):
        dates.column_roles(pd.DataFrame({"year": [2001, 2002], "note": ["a", "b"]}))
    with pytest.raises(ValueError, match="No column holds dates"):
        dates.column_roles(pd.DataFrame({"price": [1.5, 2.5], "units": [3, 4]}))


@pytest.mark.parametrize(("rule", "name", "season"), [
    ("h", "hourly", 24), ("15min", "every 15 minutes", 96), ("D", "daily", 7), ("B", "business-daily", 5),
    ("W-SAT", "weekly", 52), ("MS", "monthly", 12), ("ME", "monthly", 12), ("QS-JAN", "quarterly", 4),
    ("QE-DEC", "quarterly", 4), ("YS-JAN", "yearly", 1),
])
def test_frequency_of_each_kind_resamples_without_warnings(rule, name, season):
    index = pd.date_range("2021-01-01", periods=60, freq=rule)
    frequency = dates.detect_frequency(index.delete([7, 8]))  # a gap does not change it
    assert (frequency.name, frequency.season) == (name, season)
    series = pd.Series(np.arange(58.0), index=index.delete([7, 8]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        regular = series.resample(frequency.rule, **frequency.resample_options()).sum(min_count=1)
        ahead = pd.date_range(index[-1], periods=3, freq=frequency.rule)
    assert list(regular.index) == list(index)
    assert list(ahead[1:]) == list(pd.date_range(index[0], periods=62, freq=rule)[60:])  # the dates that follow


def test_months_of_different_lengths_are_monthly():
    assert dates.detect_frequency(pd.to_datetime(["2024-01-31", "2024-02-29", "2024-03-31"])).name == "monthly"


def test_season_suggestion_finds_an_eleven_point_cycle():
    steps = np.arange(330)
    values = 5 * np.sin(2 * np.pi * steps / 11) + 0.05 * steps + np.random.default_rng(0).normal(0, 1, 330)
    suggestion = dates.suggest_season(values, customary=1)
    assert suggestion.period == 11
    assert "repeats every 11 points" in suggestion.sentence()


def test_season_suggestion_finds_nothing_in_noise():
    assert dates.suggest_season(np.random.default_rng(1).normal(size=300), customary=7).period is None


def test_trimming_cuts_only_the_empty_head_and_tail():
    trimmed = dates.trim_missing(pd.Series([np.nan, np.nan, 1.0, np.nan, 2.0, np.nan]))
    assert (trimmed.leading, trimmed.trailing, len(trimmed.values)) == (2, 1, 3)
    assert "2 empty values at the start and 1 at the end" in trimmed.note()
    assert dates.trim_missing(pd.Series([1.0, 2.0])).note() is None


def test_season_suggestion_ignores_the_slow_decay_of_a_persistent_series():
    noise = np.random.default_rng(2).normal(size=1000)
    values = np.zeros(1000)
    for step in range(1, 1000):  # each day like the last: the autocorrelation decays without returning
        values[step] = 0.9 * values[step - 1] + noise[step]
    assert dates.suggest_season(values, customary=7).period is None
