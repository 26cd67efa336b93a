"""Built-in data sets, generated from a seed so the shipped files can always be made again.

``python -m core make-data`` writes them into ``data/``; a test checks that the
shipped files are exactly what these functions produce.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SALES_FILE = DATA_DIR / "sales.csv"
SALES_START = "2022-01-01"
SALES_DAYS = 3 * 365
# product: (base daily units, yearly trend, weekend lift, summer lift, Christmas lift)
PRODUCTS = {
    "umbrellas": (40.0, 0.10, 0.10, -0.45, 0.10),
    "ice cream": (60.0, 0.15, 0.45, 0.90, -0.20),
    "gift cards": (25.0, 0.25, 0.30, 0.00, 2.50),
}
WEEKDAY_SHAPE = np.array([0.90, 0.85, 0.90, 0.95, 1.05, 1.30, 1.05])  # Monday .. Sunday


def make_sales(seed: int = 7, days: int = SALES_DAYS, start: str = SALES_START) -> pd.DataFrame:
    """Daily unit sales of a few products: trend, weekly and yearly seasons, promotions, holidays, noise.

    Returns a long table with columns ``date``, ``product`` and ``sales``.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    closed = (dates.month == 12) & (dates.day == 25) | (dates.month == 1) & (dates.day == 1)
    frames = []
    for product, profile in PRODUCTS.items():
        expected = _expected_sales(dates, profile, rng)
        sales = rng.poisson(expected).astype(float)
        sales[closed] = 0.0  # the shop is closed
        frames.append(pd.DataFrame({"date": dates, "product": product, "sales": sales}))
    return pd.concat(frames, ignore_index=True)


def _expected_sales(dates: pd.DatetimeIndex, profile: tuple[float, ...], rng: np.random.Generator) -> np.ndarray:
    base, trend, weekend, summer, christmas = profile
    years = np.arange(len(dates)) / 365.0
    day_of_year = dates.dayofyear.to_numpy()
    weekly = 1.0 + weekend * (WEEKDAY_SHAPE[dates.dayofweek.to_numpy()] - 1.0) / 0.3
    yearly = 1.0 + summer * np.sin(2 * np.pi * (day_of_year - 105) / 365.25).clip(min=0)
    run_up = np.exp(-((day_of_year - 355) / 9.0) ** 2)  # the weeks before Christmas
    promotions = _promotion_days(len(dates), rng)
    level = base * (1.0 + trend * years) * weekly * yearly * (1.0 + christmas * run_up)
    return level * (1.0 + 0.6 * promotions)


def _promotion_days(days: int, rng: np.random.Generator) -> np.ndarray:
    """1 on promotion days: a few 3-day promotions a year, at random."""
    flags = np.zeros(days)
    for start in rng.choice(days - 3, size=days // 60, replace=False):
        flags[start : start + 3] = 1.0
    return flags


def make_noise_sales(seed: int = 7, days: int = SALES_DAYS, start: str = SALES_START) -> pd.DataFrame:
    """Uniform random daily sales between 0 and 100: nothing to learn, so nothing should beat the mean."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    return pd.DataFrame({"date": dates, "sales": rng.uniform(0, 100, days).round(1)})


def write_data_files() -> list[Path]:
    """(Re)make the shipped data files."""
    DATA_DIR.mkdir(exist_ok=True)
    make_sales().to_csv(SALES_FILE, index=False, date_format="%Y-%m-%d")
    return [SALES_FILE]


def load_builtin_sales(product: str) -> pd.DataFrame:
    """One product's daily sales from the shipped file, as columns ``date`` and ``sales``."""
    table = pd.read_csv(SALES_FILE, parse_dates=["date"])
    return table.loc[table["product"] == product, ["date", "sales"]].reset_index(drop=True)
