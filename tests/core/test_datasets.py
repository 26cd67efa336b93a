import pandas as pd

from core import datasets


def test_shipped_sales_file_is_exactly_what_the_generator_makes():
    shipped = pd.read_csv(datasets.SALES_FILE, parse_dates=["date"])
    pd.testing.assert_frame_equal(shipped, datasets.make_sales(), check_dtype=False)


def test_sales_have_weekly_and_yearly_seasons_and_holidays():
    ice_cream = datasets.make_sales().query("product == 'ice cream'").set_index("date")["sales"]
    by_weekday = ice_cream.groupby(ice_cream.index.day_of_week).mean()
    assert by_weekday.idxmax() == 5  # Saturday
    by_month = ice_cream.groupby(ice_cream.index.month).mean()
    assert by_month[7] > 1.5 * by_month[1]  # summer
    assert (ice_cream[(ice_cream.index.month == 12) & (ice_cream.index.day == 25)] == 0).all()
    assert len(ice_cream) == datasets.SALES_DAYS


def test_noise_preset_is_uniform_and_seeded():
    noise = datasets.make_noise_sales()
    assert noise["sales"].between(0, 100).all()
    pd.testing.assert_frame_equal(noise, datasets.make_noise_sales())


def test_shipped_descriptions_file_is_exactly_what_the_generator_makes():
    shipped = pd.read_csv(datasets.DESCRIPTIONS_FILE)
    pd.testing.assert_frame_equal(shipped, datasets.make_descriptions(), check_dtype=False)


def test_descriptions_are_varied_and_use_every_word_group():
    descriptions = datasets.make_descriptions(count=500)["description"]
    assert descriptions.nunique() > 490
    text = " ".join(descriptions).lower()
    for group, words in datasets.WORD_GROUPS.items():
        assert sum(word in text for word in words) >= len(words) - 1, group
    assert " a oversized" not in text and " a elegant" not in text
