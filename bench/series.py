"""Real series shipped inside PyPI packages, each written as the CSV a visitor would upload.

Nothing is fetched at run time: statsforecast ships the airline passengers,
statsmodels its classic data sets, vega_datasets a few local files (see
``bench/requirements.txt``). Each series keeps a date style of its own
(month names, integer years, quarter labels, day-first dates, ISO dates with
gaps), so a benchmark that starts from these bytes runs the page's whole path:
reading the file, the dates, the frequency, the gaps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class RealSeries:
    """One benchmark series: where it comes from, how its file is written, and its columns."""

    name: str
    frequency: str  # what it is, for the table (the page must detect it from the dates)
    source: str
    date_style: str
    make_table: Callable[[], pd.DataFrame]
    date_column: str
    value_column: str

    def csv_bytes(self) -> bytes:
        """The file a visitor would upload."""
        return self.make_table().to_csv(index=False).encode()


def _airline() -> pd.DataFrame:
    from statsforecast.utils import AirPassengers

    months = pd.date_range("1949-01-01", periods=len(AirPassengers), freq="MS")
    return pd.DataFrame({"month": months.strftime("%b %Y"), "passengers": AirPassengers.astype(int)})


def _us_employment() -> pd.DataFrame:
    from vega_datasets import local_data

    table = local_data.us_employment()
    return pd.DataFrame({"month": pd.to_datetime(table["month"]).dt.strftime("%Y-%m-%d"),
                         "nonfarm": table["nonfarm"]})


def _sunspots() -> pd.DataFrame:
    import statsmodels.datasets as sm

    table = sm.sunspots.load_pandas().data
    return pd.DataFrame({"year": table["YEAR"].astype(int), "sunspots": table["SUNACTIVITY"]})


def _co2() -> pd.DataFrame:
    import statsmodels.datasets as sm

    weekly = sm.co2.load_pandas().data["co2"].dropna()  # 59 weeks without a reading: rows missing, dates skip
    return pd.DataFrame({"week": weekly.index.strftime("%Y-%m-%d"), "co2_ppm": weekly.to_numpy()})


def _gdp() -> pd.DataFrame:
    import statsmodels.datasets as sm

    table = sm.macrodata.load_pandas().data
    quarters = table["year"].astype(int).astype(str) + " Q" + table["quarter"].astype(int).astype(str)
    return pd.DataFrame({"quarter": quarters, "real_gdp": table["realgdp"]})


def _elnino() -> pd.DataFrame:
    import statsmodels.datasets as sm

    wide = sm.elnino.load_pandas().data
    long = wide.melt(id_vars="YEAR", var_name="month", value_name="sea_temp")
    long["date"] = pd.to_datetime(long["YEAR"].astype(int).astype(str) + "-" + long["month"], format="%Y-%b")
    long = long.sort_values("date")
    return pd.DataFrame({"month": long["date"].dt.strftime("%Y-%m"), "sea_temp": long["sea_temp"].to_numpy()})


def _seattle() -> pd.DataFrame:
    from vega_datasets import local_data

    table = local_data.seattle_weather()
    return pd.DataFrame({"date": pd.to_datetime(table["date"]).dt.strftime("%d/%m/%Y"),
                         "temp_max": table["temp_max"], "precipitation": table["precipitation"]})


def _sf_temps() -> pd.DataFrame:
    from vega_datasets import local_data

    table = local_data.sf_temps()
    return pd.DataFrame({"time": pd.to_datetime(table["date"]).dt.strftime("%Y-%m-%d %H:%M"),
                         "temp": table["temp"]})


SERIES = (
    RealSeries("airline passengers", "monthly", "statsforecast.utils.AirPassengers", "Jan 1949",
               _airline, "month", "passengers"),
    RealSeries("US nonfarm employment", "monthly (120 points)", "vega_datasets us-employment", "2006-01-01",
               _us_employment, "month", "nonfarm"),
    RealSeries("El Niño sea temperature", "monthly", "statsmodels.datasets.elnino", "1950-01",
               _elnino, "month", "sea_temp"),
    RealSeries("sunspots", "yearly", "statsmodels.datasets.sunspots", "1700 (whole number)",
               _sunspots, "year", "sunspots"),
    RealSeries("US real GDP", "quarterly", "statsmodels.datasets.macrodata", "1959 Q1",
               _gdp, "quarter", "real_gdp"),
    RealSeries("Mauna Loa CO2", "weekly, 59 weeks missing", "statsmodels.datasets.co2", "1958-03-29 (gaps)",
               _co2, "week", "co2_ppm"),
    RealSeries("Seattle daily high", "daily", "vega_datasets seattle-weather", "31/12/2015 (day first)",
               _seattle, "date", "temp_max"),
)
HOURLY = RealSeries("San Francisco hourly temperature", "hourly", "vega_datasets sf-temps", "2010-01-01 00:00",
                    _sf_temps, "time", "temp")


def by_name(name: str) -> RealSeries:
    """One series by (a unique start of) its name."""
    matches = [s for s in (*SERIES, HOURLY) if s.name.lower().startswith(name.lower())]
    if len(matches) != 1:
        raise ValueError(f"No single series starts with {name!r}; choose from: "
                         + ", ".join(s.name for s in (*SERIES, HOURLY)))
    return matches[0]
