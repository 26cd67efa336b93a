"""Beyond recurrence: the tasks, the five models, the receptive field, the attention and what the page says."""

import dataclasses

import numpy as np
import pytest

from core import beyond as by
from core.training import predict, set_seed

TINY = by.BeyondSettings(longest=20, units=8, tcn_levels=2, num_examples=500, epochs=1)


def test_motif_task_answer_is_the_number_of_motifs_in_the_sequence():
    x, counts, lengths = by.motif_task(300, (12, 24), seed=3)
    assert set(np.unique(counts)) == set(range(by.MOST_MOTIFS + 1))
    for row in range(len(x)):
        padding = x.shape[1] - lengths[row]
        assert not x[row, :padding].any()  # zeros before the sequence
        symbols = x[row, padding:].argmax(axis=-1)
        assert by.motif_steps(symbols).sum() == len(by.MOTIF) * counts[row]


def test_same_seed_gives_the_same_sequences():
    for task in by.TASKS:
        first, second = by.make_task(task, 50, (10, 20), 0.5, 7), by.make_task(task, 50, (10, 20), 0.5, 7)
        for a, b in zip(first, second, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("levels", "kernel"), [(1, 2), (3, 3), (4, 2)])
def test_stated_receptive_field_is_what_reaches_the_last_output(levels, kernel):
    """Change one input step: the last output moves only if that step lies within the stated field."""
    set_seed(0)
    model = by.build_tcn(by.SYMBOLS, 4, levels, kernel)
    field = by.receptive_field(model)
    steps = field + 6
    x = np.random.default_rng(0).normal(size=(8, steps, by.SYMBOLS)).astype("float32")  # ReLUs differ per row
    base = predict(model, x)

    def moves(back: int) -> bool:
        changed = x.copy()
        changed[:, steps - 1 - back] += 5.0
        return not np.allclose(predict(model, changed), base)

    assert moves(field - 1)  # the furthest step inside the field
    assert not moves(field)  # the nearest step outside it
    drawn = by.plot_receptive_field(levels, kernel, steps).data[-1]  # the input level's dots
    assert len(drawn.x) == field and min(drawn.x) == -(field - 1)


@pytest.mark.parametrize("settings", [by.BeyondSettings(), TINY, by.BeyondSettings(task="motif", units=24,
                                                                                    tcn_levels=6, kernel_size=5)])
def test_each_parameter_count_equals_keras(settings):
    for family in by.FAMILIES:
        assert by.parameter_count(family, settings) == by.model_of(family, settings).count_params(), family


def test_attention_weights_sum_to_one_over_the_steps():
    set_seed(0)
    model = by.model_of("Transformer", TINY)
    x, _, _ = by.make_task("recall", 3, (20,), 0.5, 0)
    weights = predict(by.attention_reader(model), x)  # (batch, heads, steps, steps)
    assert weights.shape == (3, by.HEADS, 20, 20)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-5)


def test_comparison_scores_every_family_at_every_length_and_says_who_won():
    result = by.compare_families(TINY)
    details = result.details
    lengths = by.task_lengths(TINY.longest)
    assert set(details.accuracy) == set(by.FAMILIES)
    assert all(set(scores) == set(lengths) for scores in details.accuracy.values())
    assert details.receptive_field == by.receptive_field(by.model_of("TCN", TINY))
    np.testing.assert_allclose(details.attention.weights.sum(axis=1), 1.0, rtol=1e-5)
    assert details.attention.marked.sum() == 1  # the recall task's one key step
    sentences = [v.sentence for v in by.verdicts(details, TINY.longest)]
    assert len(sentences) == 2 and all(by.best_recurrent(details, TINY.longest) in s for s in sentences)
    for family in by.FAMILIES:
        assert f"{family} {details.accuracy[family][TINY.longest]:.0%}" in by.accuracy_story(details, TINY.longest)


def fake_result(tcn_scores: dict[int, float], field: int) -> by.BeyondResult:
    """A result whose TCN scored ``tcn_scores`` by length with receptive field ``field`` (other fields empty)."""
    empty = by.AttentionExample(np.ones((1, 1)), np.ones(1, bool), 0, 0)
    return by.BeyondResult({"TCN": tcn_scores}, {}, np.array([]), {}, {}, {}, field, empty)


def test_receptive_field_story_splits_lengths_at_the_field():
    story = by.receptive_field_story(fake_result({10: 0.9, 40: 0.3}, 31), "recall")
    inside, beyond = story.split("Beyond it")
    assert "90% at length 10" in inside and "30% at length 40" in beyond
    assert "Beyond it" not in by.receptive_field_story(fake_result({10: 0.9}, 31), "recall")


def test_attention_story_says_whether_the_key_drew_the_attention():
    marked = np.zeros(10, bool)
    marked[0] = True
    focused = np.full((2, 10), 0.02)
    focused[:, 0] = 0.82
    assert "it looks at the answer" in by.attention_story(by.AttentionExample(focused, marked, 1, 1), "recall")
    even = np.full((2, 10), 0.1)
    assert "does not single out" in by.attention_story(by.AttentionExample(even, marked, 1, 2), "recall")


def test_timing_story_names_the_slowest_family_at_the_longest_length():
    times = {"LSTM": {10: 1.0, 40: 4.0}, "Transformer": {10: 1.0, 40: 1.5}}
    story = by.timing_story(times)
    assert "LSTM ×4.0" in story and "Slowest at length 40: LSTM" in story


def test_epoch_seconds_times_every_family_at_every_length():
    settings = dataclasses.replace(TINY, num_examples=500)
    times = by.epoch_seconds(settings, (8, 16))
    assert set(times) == set(by.FAMILIES)
    assert all(set(t) == {8, 16} and min(t.values()) > 0 for t in times.values())
