"""Built-in data sets, generated from a seed so the shipped files can always be made again.

``python -m core make-data`` writes them into ``data/``; a test checks that the
shipped files are exactly what these functions produce.
"""

from __future__ import annotations

import re
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

    Returns a long table with columns ``date``, ``product``, ``sales``, ``promotion`` (1 on a product's
    promotion days) and ``holiday`` (1 on the days the shop is closed): the causes of much of the sales'
    variance, written down as a shop would have them, so the forecasting page can use them as inputs.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    closed = (dates.month == 12) & (dates.day == 25) | (dates.month == 1) & (dates.day == 1)
    frames = []
    for product, profile in PRODUCTS.items():
        expected, promotions = _expected_sales(dates, profile, rng)
        sales = rng.poisson(expected).astype(float)
        sales[closed] = 0.0  # the shop is closed
        frames.append(pd.DataFrame({"date": dates, "product": product, "sales": sales,
                                    "promotion": promotions.astype(int), "holiday": closed.astype(int)}))
    return pd.concat(frames, ignore_index=True)


def _expected_sales(dates: pd.DatetimeIndex, profile: tuple[float, ...],
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Expected units of each day, and the promotion flags drawn for them (1 on a promotion day)."""
    base, trend, weekend, summer, christmas = profile
    years = np.arange(len(dates)) / 365.0
    day_of_year = dates.day_of_year.to_numpy()
    weekly = 1.0 + weekend * (WEEKDAY_SHAPE[dates.day_of_week.to_numpy()] - 1.0) / 0.3
    yearly = 1.0 + summer * np.sin(2 * np.pi * (day_of_year - 105) / 365.25).clip(min=0)
    run_up = np.exp(-((day_of_year - 355) / 9.0) ** 2)  # the weeks before Christmas
    promotions = _promotion_days(len(dates), rng)
    level = base * (1.0 + trend * years) * weekly * yearly * (1.0 + christmas * run_up)
    return level * (1.0 + 0.6 * promotions), promotions


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
    make_descriptions().to_csv(DESCRIPTIONS_FILE, index=False)
    return [SALES_FILE, DESCRIPTIONS_FILE]


SALES_INPUTS = ("promotion", "holiday")  # the built-in file's columns beside the sales: known ahead by the shop


def load_builtin_sales(product: str) -> pd.DataFrame:
    """One product's daily sales from the shipped file: columns ``date``, ``sales``, ``promotion``, ``holiday``."""
    table = pd.read_csv(SALES_FILE, parse_dates=["date"])
    return table.loc[table["product"] == product, ["date", "sales", *SALES_INPUTS]].reset_index(drop=True)


# ---------------------------------------------------------------- product descriptions

DESCRIPTIONS_FILE = DATA_DIR / "fashion_descriptions.csv"
DESCRIPTIONS_COUNT = 3000
# Word groups of the built-in corpus: the embedding plot colours words by them,
# so a user can see whether colours end up near colours and materials near materials.
WORD_GROUPS: dict[str, tuple[str, ...]] = {
    "colour": ("black", "white", "navy", "red", "olive", "beige", "grey", "pink", "emerald", "burgundy",
               "mustard", "cream", "camel", "sky blue", "charcoal"),
    "material": ("cotton", "linen", "silk", "wool", "cashmere", "denim", "leather", "satin", "velvet",
                 "jersey", "chiffon", "tweed", "suede", "corduroy"),
    "item": ("dress", "shirt", "blouse", "skirt", "jacket", "coat", "sweater", "cardigan", "blazer", "jumpsuit",
             "trousers", "jeans", "shorts", "scarf", "hoodie", "top"),
    "fit": ("slim", "relaxed", "oversized", "tailored", "cropped", "loose", "fitted", "wide leg", "straight",
            "flowing"),
    "occasion": ("office", "weekend", "evening", "wedding", "travel", "holiday", "date night", "brunch",
                 "party", "everyday wear"),
    "feature": ("pockets", "buttons", "a belt", "a zip", "a hood", "pleats", "ruffles", "a collar", "lace trim",
                "embroidery", "a drawstring", "side slits"),
}
_ADJECTIVES = ("elegant", "classic", "modern", "soft", "lightweight", "cosy", "timeless", "chic", "casual",
               "breathable", "comfortable", "versatile")
_OPENINGS = (
    "this {adj} {colour} {item} is made from {material}",
    "a {fit} {item} in {colour} {material}",
    "our {adj} {material} {item} comes in {colour}",
    "the {colour} {item} has a {fit} fit",
    "discover the {adj} {fit} {item} in soft {material}",
    "meet our new {colour} {material} {item}",
)
_MIDDLES = (
    "with {feature} and {feature2}",
    "finished with {feature}",
    "it features {feature} and a {fit} cut",
    "designed with {feature} for a {adj} look",
    "cut from {adj} {material} with {feature}",
)
_ENDINGS = (
    "perfect for {occasion}",
    "ideal for {occasion} and {occasion2}",
    "wear it to the {occasion} or for {occasion2}",
    "a {adj} choice for {occasion}",
    "pair it with a {colour2} {item2} for {occasion}",
    "machine washable and easy to care for",
)


def make_descriptions(seed: int = 11, count: int = DESCRIPTIONS_COUNT) -> pd.DataFrame:
    """Product descriptions of clothes from sentence templates and word groups, one per row.

    Templates give the text regular structure for a next-word model to learn
    ("made from" is followed by a material); random fillers keep it from being
    memorisable. Returns a table with one column, ``description``.
    """
    rng = np.random.default_rng(seed)

    def pick(group: str) -> str:
        return str(rng.choice(WORD_GROUPS[group]))

    def fill(template: str) -> str:
        return template.format(
            adj=str(rng.choice(_ADJECTIVES)), colour=pick("colour"), colour2=pick("colour"), item=pick("item"),
            item2=pick("item"), material=pick("material"), fit=pick("fit"), feature=pick("feature"),
            feature2=pick("feature"), occasion=pick("occasion"), occasion2=pick("occasion"))

    rows = []
    for _ in range(count):
        parts = [fill(str(rng.choice(_OPENINGS)))]
        parts += [fill(str(rng.choice(_MIDDLES)))] if rng.random() < 0.7 else []
        parts += [fill(str(rng.choice(_ENDINGS)))]
        text = ". ".join(part[0].upper() + part[1:] for part in parts) + "."
        rows.append(re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", text))  # "a oversized" -> "an oversized"
    return pd.DataFrame({"description": rows})


def load_builtin_descriptions() -> list[str]:
    """The shipped product descriptions, one string each."""
    return pd.read_csv(DESCRIPTIONS_FILE)["description"].tolist()
