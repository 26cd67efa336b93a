import gc
import re
import weakref

import pytest

from core.connections import PATTERNS
from ui.session import CACHE_STATE_KEY

PAGE = "views/connections.py"
TRAIN = "Connection types.train"


def select_pattern(at, pattern: str):
    at.selectbox(key="Connection types.pattern").set_value(pattern).run()
    return at


def train(at):
    at.number_input(key="Connection types.num_examples").set_value(400).run()
    at.slider(key="Connection types.epochs").set_value(2).run()
    at.button(key=TRAIN).click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("pattern", PATTERNS)
def test_each_pattern_draws_shapes_trains_and_scores_on_held_out_examples(open_page, pattern):
    at = train(select_pattern(open_page(PAGE), pattern))
    assert len(at.get("plotly_chart")) >= 2  # the unrolled diagram and the training curves
    assert at.metric[0].label.startswith("Held-out")
    assert len(at.session_state[CACHE_STATE_KEY]) == 1


def test_a_rerun_reuses_the_trained_model_instead_of_retraining(open_page):
    at = train(open_page(PAGE))
    trained = next(iter(at.session_state[CACHE_STATE_KEY].values())).result
    at.run()
    assert next(iter(at.session_state[CACHE_STATE_KEY].values())).result is trained
    assert not [b for b in at.button if b.key == TRAIN]  # no Train button: the model is there


def test_changing_the_cell_offers_training_again_and_keeps_the_first_model(open_page):
    at = train(open_page(PAGE))
    at.selectbox(key="Connection types.cell").set_value("LSTM").run()
    assert [b for b in at.button if b.key == TRAIN]
    at.button(key=TRAIN).click().run()
    assert len(at.session_state[CACHE_STATE_KEY]) == 2
    assert at.dataframe  # the side-by-side table of runs appears once there are two


def test_the_sidebar_counts_the_models_and_their_size(open_page):
    at = train(open_page(PAGE))
    label = next(e.label for e in at.sidebar.expander if e.label.startswith("Trained models"))
    size = r"(< 0\.1|0\.[1-9]|[1-9]\.\d)"  # a small model, never "0 MB"
    assert re.fullmatch(rf"Trained models \(1 of 8, {size} of 256 MB\)", label), label


def test_a_visitors_model_is_freed_once_their_session_is_gone(open_page):
    # Nothing process-wide (Keras, JAX's compiled steps, our caches) keeps a visitor's model alive.
    at = train(open_page(PAGE))
    model = weakref.ref(next(iter(at.session_state[CACHE_STATE_KEY].values())).result.model)
    gc.collect()
    assert model() is not None  # held by the session
    del at
    gc.collect()
    assert model() is None


def test_bad_typed_input_gets_a_message_and_keeps_the_model(open_page):
    at = train(select_pattern(open_page(PAGE), "encoder_decoder"))
    at.text_input[0].set_value("forty-two").run()
    assert "whole number from 0 to 999" in at.error[0].value
    assert len(at.session_state[CACHE_STATE_KEY]) == 1
    at.text_input[0].set_value("42").run()
    assert not at.error
    assert "Model:" in at.markdown[-1].value or any("Model:" in m.value for m in at.markdown)


def test_unknown_review_words_are_named(open_page):
    at = train(open_page(PAGE))
    at.text_input[0].set_value("great zorblax movie").run()
    assert any("zorblax" in c.value for c in at.caption)


def test_a_training_cut_short_by_a_click_is_reported_once_and_nothing_is_kept(open_page):
    from ui.training import INTERRUPTED_KEY

    at = open_page(PAGE)
    at.session_state[INTERRUPTED_KEY] = "Connection types"  # what a rerun during fit() leaves behind
    at.run()
    assert "stopped before it finished" in at.warning[0].value
    assert CACHE_STATE_KEY not in at.session_state or not at.session_state[CACHE_STATE_KEY]
    at.run()
    assert not at.warning  # said once


def test_attention_trains_the_model_with_and_without_it_and_draws_where_each_word_looked(open_page):
    at = select_pattern(open_page(PAGE), "encoder_decoder")
    at.toggle(key="Connection types.attention").set_value(True).run()
    at = train(at)
    assert len(at.session_state[CACHE_STATE_KEY]) == 1  # one cached result: the model and its comparison
    captions = " ".join(c.value for c in at.caption)
    assert "share of its attention on that digit" in captions  # the heatmap of the typed number, from its weights
    assert "with attention" in captions and "without" in captions  # exact match by digits, both models
    at.text_input(key="Connection types.number").set_value("1" * 40).run()
    assert "at most 3 digits" in at.error[0].value and "40 characters" not in at.error[0].value
    assert len(at.session_state[CACHE_STATE_KEY]) == 1
