"""The guided first visit: every experiment sets real knobs within their bounds, and promises what happens."""

import dataclasses
import importlib

import numpy as np
import pytest

from core import connections as cx
from core import internals as rnn
from core import text as tx
from core.catalogue import PAGES
from core.datasets import load_builtin_descriptions
from core.guide import TRY_THIS, WHY, Experiment, next_page
from core.settings import knobs_of
from core.settings_io import parse_value

EXPERIMENTS = [(path, e) for path, experiments in TRY_THIS.items() for e in experiments]


def settings_type(experiment: Experiment) -> type:
    module, name = experiment.settings.split(":")
    return getattr(importlib.import_module(module), name)


def test_every_page_has_a_reason_on_the_path_and_two_or_three_experiments():
    for page in PAGES:
        assert WHY[page.path]
        assert 2 <= len(TRY_THIS[page.path]) <= 3, page.path
    assert set(TRY_THIS) <= {p.path for p in PAGES}


@pytest.mark.parametrize("path, experiment", EXPERIMENTS, ids=[e.title for _, e in EXPERIMENTS])
def test_experiment_sets_real_knobs_within_their_bounds(path, experiment):
    kind = settings_type(experiment)
    knobs, defaults = knobs_of(kind), kind()
    for name, value in experiment.values.items():
        assert name in knobs, f"{experiment.title}: {name} is no knob of {kind.__name__}"
        assert parse_value(knobs[name], getattr(defaults, name), value, name) == value
        assert value != getattr(defaults, name), f"{experiment.title}: {name} is already {value}"
    kind(**experiment.values)  # the settings accept them together


def test_widget_keys_follow_the_pages_naming():
    experiment = TRY_THIS["views/internals.py"][0]
    assert set(experiment.widget_values("RNN internals")) == {
        "RNN internals.bptt.spectral_radius", "RNN internals.bptt.activation"}
    assert set(TRY_THIS["views/video.py"][0].widget_values("Video classification")) == {"Video classification.frames"}


def test_the_path_runs_through_every_page_in_order_and_ends():
    paths = [p.path for p in PAGES]
    assert [next_page(a).path for a in paths[:-1]] == paths[1:]
    assert next_page(paths[-1]) is None


def _gradient_curves(experiment: Experiment) -> tuple[np.ndarray, np.ndarray]:
    return rnn.gradient_norm_curve(rnn.GradientSettings(**experiment.values))


def test_internals_experiments_explode_vanish_and_clip_as_promised():
    explode, vanish, clip = TRY_THIS["views/internals.py"]
    assert rnn.gradient_fate(_gradient_curves(explode)[0]).fate == "explodes"
    assert rnn.gradient_fate(_gradient_curves(vanish)[0]).fate == "vanishes"
    full, clipped = _gradient_curves(clip)
    assert rnn.gradient_fate(full).fate == "explodes"
    assert clipped.max() <= clip.values["clip_norm"] + 1e-6


def test_connections_many_to_many_answers_at_every_step():
    experiment = TRY_THIS["views/connections.py"][0]
    default = cx.ConnectionSettings()
    chosen = dataclasses.replace(default, **experiment.values)
    one_answer = cx.make_task(default, seed=0, n=8).y
    per_step = cx.make_task(chosen, seed=0, n=8).y
    assert per_step.shape[1] == chosen.sequence_length  # (examples, steps, ...)
    assert one_answer.ndim < per_step.ndim or one_answer.shape[1] != chosen.sequence_length


def test_text_experiments_shrink_the_vocabulary_and_flatten_the_odds():
    characters, heat = TRY_THIS["views/textgen.py"]
    documents = load_builtin_descriptions()[:300]

    def vocabulary(level: str) -> set[str]:
        return {token for d in documents for token in tx.tokenize(d, level)}
    assert len(vocabulary(characters.values["level"])) < 100 < len(vocabulary(tx.TextSettings().level))

    probabilities = np.array([0.0, 0.0, 0.6, 0.25, 0.1, 0.05])  # padding and [UNK] first, never picked

    def top_share(temperature: float) -> float:
        rng = np.random.default_rng(0)
        picks = [tx.sample_next(probabilities, "temperature", temperature, 5, rng) for _ in range(2000)]
        return picks.count(2) / len(picks)
    assert top_share(heat.values["temperature"]) < top_share(tx.GenerationSettings().temperature) - 0.1


def test_the_tcn_experiment_states_the_receptive_field_its_layers_have():
    from core import beyond as by

    further = TRY_THIS["views/beyond.py"][0]
    settings = dataclasses.replace(by.BeyondSettings(), **further.values)
    field = by.receptive_field(by.model_of("TCN", settings))
    assert f"{field} steps" in further.expect and field >= settings.longest


def test_fewer_frames_gives_the_video_models_four_steps_to_read():
    from core import video as vd

    fewer = TRY_THIS["views/video.py"][0]
    settings = dataclasses.replace(vd.VideoSettings(), **fewer.values)
    clips, _ = vd.training_clips(dataclasses.replace(settings, clips_per_class=2))
    model = vd.build_cnn_rnn(settings.frames, settings.frame_size, settings.num_classes, settings.filters,
                             settings.conv_layers, settings.cell, settings.units)
    assert clips.shape[1] == model.input_shape[1] == 4  # (clips, frames, size, size, colours)
    field = vd.temporal_field(vd.build_cnn3d(settings.frames, settings.frame_size, settings.num_classes,
                                             settings.filters, settings.conv_layers, settings.temporal_kernel))
    assert f"{field}-frame view" in fewer.expect


def test_switching_attention_off_leaves_no_attention_to_draw():
    from core import captioning as cp

    off = TRY_THIS["views/captioning.py"][0]
    assert "attention pictures disappear" in off.expect
    assert cp.attention_reader(cp.build_for(cp.CaptionSettings())) is not None
    assert cp.attention_reader(cp.build_for(cp.CaptionSettings(**off.values))) is None


def test_the_short_window_no_longer_spans_the_season_of_the_built_in_sales():
    from core import datasets
    from core import forecasting as fc

    short = TRY_THIS["views/forecasting.py"][0]
    product = next(iter(datasets.PRODUCTS))
    series = fc.prepare_series(datasets.load_builtin_sales(product), "date", "sales")
    assert short.values["window"] < series.season and f"{series.season} days of daily sales" in short.expect
    assert short.values["window"] < 12 and "12 months of monthly data" in short.expect
