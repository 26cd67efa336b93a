"""Charts for every eye: the palette's colours, their contrast, and how they look without red–green vision."""

import itertools
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core import beyond, captioning, diagrams, plots
from core.palette import (
    DARK_BACKGROUND,
    DEFICIENCIES,
    DIVERGING,
    LIGHT_BACKGROUND,
    NEUTRAL,
    OKABE_ITO,
    SEQUENTIAL,
    SERIES,
    blend,
    colour_difference,
    contrast_ratio,
    simulate,
    to_rgb,
)

ROOT = Path(__file__).resolve().parents[2]
THEME = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())["theme"]
# Streamlit's own theme colours where config.toml leaves them unset (from `streamlit config show`).
STREAMLIT_LIGHT = {"textColor": "#2f2d2b", "backgroundColor": "#ffffff", "secondaryBackgroundColor": "#f8f8f7"}
STREAMLIT_DARK = {"textColor": "#edebe8", "backgroundColor": "#171614", "secondaryBackgroundColor": "#2d2b27"}
FADED_OPACITY = 0.6  # Streamlit's captions: the text colour at 60 % (its theme's fadedText60)
PLAINLY_DIFFERENT = 15.0  # CIE76 ΔE: two lines this far apart are told apart at a glance
WIDELY_DIFFERENT = 50.0  # what the compared pair (training/validation, truth/model) keeps under any simulation


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # WCAG's lightest AA grey


def test_streamlits_default_caption_colour_is_reproduced_and_fails_aa():
    """The blend model reproduces what axe measured on the unthemed app (#828180 on white, 3.88:1)."""
    caption = blend(STREAMLIT_LIGHT["textColor"], "#ffffff", FADED_OPACITY)
    assert np.allclose(caption * 255, to_rgb("#828180") * 255, atol=1.5)
    assert contrast_ratio(caption, "#ffffff") < 4.5


@pytest.mark.parametrize("defaults, section", [(STREAMLIT_LIGHT, "light"), (STREAMLIT_DARK, "dark")])
def test_theme_text_and_captions_meet_wcag_aa(defaults, section):
    theme = defaults | THEME.get(section, {})
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        assert contrast_ratio(theme["textColor"], background) >= 4.5
        assert contrast_ratio(blend(theme["textColor"], background, FADED_OPACITY), background) >= 4.5
        primary = theme.get("primaryColor", THEME["primaryColor"])  # links and slider values are drawn in it
        assert contrast_ratio(primary, background) >= 4.5


def test_white_text_on_the_light_themes_primary_colour_meets_aa():
    assert contrast_ratio("#ffffff", THEME["primaryColor"]) >= 4.5  # the Train button


@pytest.mark.parametrize("colour", [*SERIES, NEUTRAL])
def test_chart_lines_stand_out_from_light_and_dark_backgrounds(colour):
    assert contrast_ratio(colour, LIGHT_BACKGROUND) >= 3.0  # WCAG 1.4.11, graphical objects
    assert contrast_ratio(colour, DARK_BACKGROUND) >= 3.0


def test_simulation_keeps_greys_and_merges_red_with_green():
    grey = to_rgb("#808080")
    for deficiency in DEFICIENCIES:
        assert np.allclose(simulate(grey, deficiency), grey, atol=0.01)
    plotly_green, plotly_red = "#2ca02c", "#d62728"  # the pair the charts used before this palette
    normal = colour_difference(plotly_green, plotly_red)
    assert normal > WIDELY_DIFFERENT
    assert colour_difference(simulate(plotly_green, "deuteranopia"), simulate(plotly_red, "deuteranopia")) \
        < PLAINLY_DIFFERENT
    assert colour_difference(simulate(plotly_green, "protanopia"), simulate(plotly_red, "protanopia")) < normal / 2


@pytest.mark.parametrize("deficiency", [*DEFICIENCIES, None])
def test_every_pair_of_series_colours_stays_apart(deficiency):
    def seen(colour):
        return to_rgb(colour) if deficiency is None else simulate(colour, deficiency)

    for first, second in itertools.combinations(SERIES, 2):
        assert colour_difference(seen(first), seen(second)) >= PLAINLY_DIFFERENT, (first, second)
    assert colour_difference(seen(SERIES[0]), seen(SERIES[1])) >= WIDELY_DIFFERENT


# ------------------------------------------------------------------ every figure builder uses the palette

HISTORY = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
DATES = pd.date_range("2024-01-01", periods=40, freq="D")
SERIES_VALUES = pd.Series(np.arange(40.0), index=DATES)
TESTS = pd.DataFrame({"date": DATES[-6:], "actual": np.arange(6.0), "model": np.arange(6.0) + 1,
                      "naive": np.arange(6.0) - 1})
FUTURE = pd.DataFrame({"date": pd.date_range(DATES[-1], periods=4, freq="D")[1:], "value": [1.0, 2, 3],
                       "lower": [0.0, 1, 2], "upper": [2.0, 3, 4]})
POINTS = TESTS.assign(fold=[1, 1, 1, 2, 2, 2])
EMBEDDING = pd.DataFrame({"x": [0.0, 1, 2, 3, 4], "y": [0.0, 1, 0, 1, 0], "token": list("abcde"),
                          "group": ["g1", "g2", "g3", "g4", "g5"]})
BUILDERS = {
    "plot_history": lambda: plots.plot_history(HISTORY, 3),
    "plot_runs_overlay": lambda: plots.plot_runs_overlay({f"run {i}": HISTORY for i in range(5)}),
    "plot_prediction_vs_truth": lambda: plots.plot_prediction_vs_truth([1.0, 2.0], [1.5, 2.5]),
    "plot_score_by_length": lambda: plots.plot_score_by_length({c: {5: 0.9, 10: 0.5} for c in "abcde"}, 5),
    "plot_heatmap": lambda: plots.plot_heatmap([[0.1, -0.2]], ["1", "2"], ["unit 1"], highlight_column=1),
    "plot_bars": lambda: plots.plot_bars(["a", "b"], [0.3, 0.7]),
    "plot_gradient_norms": lambda: plots.plot_gradient_norms([1.0, 0.1], [1.0, 0.5], "clipped"),
    "plot_window": lambda: plots.plot_window(SERIES_VALUES, 7, 3),
    "plot_forecasts": lambda: plots.plot_forecasts(SERIES_VALUES, TESTS, FUTURE, "model", "naive", DATES[-6]),
    "plot_residuals": lambda: plots.plot_residuals(TESTS, "model"),
    "plot_backtest": lambda: plots.plot_backtest(SERIES_VALUES, POINTS, "model", "naive"),
    "plot_embedding": lambda: plots.plot_embedding(EMBEDDING, "a"),
    "plot_probabilities_over_time": lambda: plots.plot_probabilities_over_time([[0.2] * 5] * 3, list("abcde")),
    "plot_unrolled": lambda: diagrams.plot_unrolled("encoder_decoder", 3, 2),
    "plot_receptive_field": lambda: beyond.plot_receptive_field(3, 3, 20),
    "plot_epoch_seconds": lambda: beyond.plot_epoch_seconds({f: {15: 0.1, 30: 0.2} for f in "abcde"}),
    "plot_attention": lambda: captioning.plot_attention(np.zeros((8, 8, 3)), np.full((2, 2, 2), 0.25), ["a", "b"]),
}
PALETTE_SCALES = [tuple(map(tuple, go.Heatmap(colorscale=name).colorscale)) for name in (SEQUENTIAL, DIVERGING)]
ALLOWED = {c.upper() for c in (*OKABE_ITO.values(), NEUTRAL)}
COLOUR_KEYS = ("color", "fillcolor", "arrowcolor", "bgcolor")


def test_every_figure_builder_in_core_is_checked():
    found = {name for path in (ROOT / "core").glob("*.py")
             for name in re.findall(r"^def (plot_\w+)\(", path.read_text(), flags=re.MULTILINE)}
    assert found == set(BUILDERS)


def _colours(node: object) -> list[str]:
    """Every colour string set anywhere in a figure's JSON (traces, shapes, annotations), scales excepted."""
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in COLOUR_KEYS and isinstance(v, str)]
        found += [c for k, v in node.items() if k in COLOUR_KEYS and isinstance(v, list) for c in v]
        return found + [c for k, v in node.items() if k != "colorscale" for c in _colours(v)]
    if isinstance(node, list):
        return [c for item in node for c in _colours(item)]
    return []


def _as_hex(colour: str) -> str:
    if colour.startswith("rgba("):
        red, green, blue = (int(float(v)) for v in colour[5:-1].split(",")[:3])
        return f"#{red:02X}{green:02X}{blue:02X}"
    return {"black": "#000000", "white": "#FFFFFF"}.get(colour, colour).upper()


def _scale(scale: list) -> tuple:
    return tuple(map(tuple, scale))


def _is_grey(colour: str) -> bool:
    red, green, blue = to_rgb(_as_hex(colour))
    return red == green == blue


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_figure_builder_draws_only_palette_colours(name):
    figure: go.Figure = BUILDERS[name]()
    spec = figure.to_plotly_json()
    for colour in _colours(spec["data"]) + _colours(spec["layout"].get("shapes", [])) \
            + _colours(spec["layout"].get("annotations", [])):
        assert _as_hex(colour) in ALLOWED or _is_grey(colour), f"{name} draws {colour}"
    for trace in spec["data"]:
        scale = trace.get("colorscale")
        if scale is not None:
            assert _scale(scale) in PALETTE_SCALES or all(_is_grey(c) for _, c in scale), name


@pytest.mark.parametrize("name", ["plot_history", "plot_prediction_vs_truth", "plot_gradient_norms",
                                  "plot_score_by_length", "plot_probabilities_over_time"])
def test_compared_series_differ_by_dash_or_marker_as_well_as_colour(name):
    first, second = [t for t in BUILDERS[name]().data if t.showlegend is not False][:2]
    assert first.line.color != second.line.color
    assert (first.line.dash, first.marker.symbol) != (second.line.dash, second.marker.symbol)
