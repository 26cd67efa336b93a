"""The Beyond recurrence page: trains five model families with defaults, shows what each did, times them."""

from core import beyond as by
from tests.app.test_toolkit import open_link, warnings
from ui.session import CACHE_STATE_KEY

PAGE = "views/beyond.py"
PREFIX = "Beyond recurrence"
DEFAULT_TRAINING_TIMEOUT_S = 600  # five models with the defaults, on a machine shared with other jobs
QUICK = {"task": "motif", "longest": "20", "units": "8", "tcn_levels": "2", "num_examples": "500", "epochs": "1"}


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_defaults_train_five_models_and_show_their_figures(open_page):
    at = open_page(PAGE)
    assert "receptive field, read from its layers" in captions(at)
    at.button(key=f"{PREFIX}.train").click().run(timeout=DEFAULT_TRAINING_TIMEOUT_S)
    assert not at.exception, at.exception
    result = next(iter(at.session_state[CACHE_STATE_KEY].values())).result
    details, settings = result.details, by.BeyondSettings()
    said = captions(at)
    assert by.accuracy_story(details, settings.longest) in said
    assert by.attention_story(details.attention, settings.task) in said
    shown = [m.value for m in at.markdown]
    assert all(v.sentence in shown for v in by.verdicts(details, settings.longest))
    table = at.dataframe[0].value
    for family in by.FAMILIES:
        keras_count = by.model_of(family, settings).count_params()
        assert table.loc[family, "parameters (by hand)"] == keras_count == table.loc[family, "parameters (Keras)"]
    assert len(at.get("plotly_chart")) >= 4  # receptive field, accuracy by length, curves, attention map


def test_motif_task_trains_and_times_each_family_by_length():
    at = open_link(PAGE, QUICK)
    assert not at.exception, at.exception
    assert not at.warning, warnings(at)
    at.button(key=f"{PREFIX}.train").click().run()
    assert not at.exception, at.exception
    details = next(iter(at.session_state[CACHE_STATE_KEY].values())).result.details
    assert by.receptive_field_story(details, "motif") in [m.value for m in at.markdown]
    at.button(key=f"{PREFIX}.measure").click().run(timeout=DEFAULT_TRAINING_TIMEOUT_S)
    assert not at.exception, at.exception
    assert "the time per epoch grew" in captions(at)
    assert len(at.session_state[CACHE_STATE_KEY]) == 1  # timing trains no model of the visitor's


def test_bad_knob_values_in_a_link_get_a_note_and_the_defaults():
    at = open_link(PAGE, {"longest": "9999", "task": "video", "tcn_levels": "many", "kernel_size": "1"})
    assert not at.exception, at.exception
    said = warnings(at)
    for label in ("Longest sequence", "Task", "TCN levels", "TCN kernel size"):
        assert label in said
    defaults = by.BeyondSettings()
    assert at.session_state[f"{PREFIX}.longest"] == defaults.longest
    assert at.session_state[f"{PREFIX}.task"] == defaults.task
