"""The tinkerer's toolkit on every training page: link, settings file, diagnosis, code and run comparison."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.settings_io import settings_file
from tests.app.conftest import ROOT, TRAINING_TIMEOUT_S
from ui.session import CACHE_STATE_KEY

# page file, its widget prefix, a link that makes training take a second or two, and its seed widget
PAGES = {
    "connections": ("views/connections.py", "Connection types", {"epochs": "2", "num_examples": "200"}, "seed"),
    "internals": ("views/internals.py", "RNN internals", {"gates.epochs": "1", "gates.num_examples": "500"},
                  "gates.seed"),
    "textgen": ("views/textgen.py", "Text generation", {"epochs": "1", "max_vocabulary": "200"}, "seed"),
    "forecasting": ("views/forecasting.py", "Sales forecasting", {"epochs": "2"}, "seed"),
    "captioning": ("views/captioning.py", "Image captioning",
                   {"epochs": "1", "num_scenes": "200", "units": "16", "filters": "4"}, "seed"),
    "video": ("views/video.py", "Video classification",
              {"epochs": "1", "num_classes": "2", "clips_per_class": "20", "frames": "4", "frame_size": "16"}, "seed"),
    "beyond": ("views/beyond.py", "Beyond recurrence",
               {"epochs": "1", "longest": "20", "units": "8", "tcn_levels": "2", "num_examples": "500"}, "seed"),
}


def open_link(page: str, params: dict[str, str]) -> AppTest:
    """Open ``page`` the way a shared link does: a fresh session whose URL carries ``params``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TRAINING_TIMEOUT_S).run()
    at.switch_page(page)
    at.query_params.update(params)
    return at.run()


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("name", PAGES)
def test_a_link_opens_the_page_with_its_settings_and_the_page_reviews_each_run(name):
    page, prefix, quick, seed = PAGES[name]
    at = open_link(page, quick)
    assert not at.exception, at.exception
    for key, value in quick.items():
        assert str(at.session_state[f"{prefix}.{key}"]) == value
    assert not at.warning, warnings(at)

    at.button(key=f"{prefix}.train").click().run()
    assert not at.exception, at.exception
    assert "What happened, and what next" in [h.value for h in at.header]
    assert at.success or at.info or at.warning  # the diagnosis says something, whichever rules fire
    code = next(e for e in at.expander if e.label.startswith("Show the code"))
    assert "keras.Input" in code.code[0].value and "model.fit" in code.code[0].value.replace("baseline.fit", "")

    at.session_state[f"{prefix}.{seed}"] = at.session_state[f"{prefix}.{seed}"] + 1
    at.run()
    assert at.query_params[seed] == "43"  # the changed setting went into the link
    at.button(key=f"{prefix}.train").click().run()
    assert not at.exception, at.exception
    assert len(at.session_state[CACHE_STATE_KEY]) == 2
    assert "Your runs on this page" in [h.value for h in at.subheader]
    assert at.multiselect(key=f"{prefix}.overlay").value == at.multiselect(key=f"{prefix}.overlay").options[:2]


def test_values_out_of_range_unknown_names_and_bad_types_are_ignored_with_a_note():
    page, prefix, _, _ = PAGES["connections"]
    at = open_link(page, {"units": "9999", "cell": "Transformer", "epochs": "ten", "colour": "red"})
    assert not at.exception, at.exception
    said = warnings(at)
    for word in ("Hidden units", "Recurrent cell", "Epochs", "colour"):
        assert word in said
    assert at.session_state[f"{prefix}.units"] == 32 and at.session_state[f"{prefix}.cell"] == "GRU"
    assert dict(at.query_params) == {}  # the bad values left the link


def test_a_link_picks_the_built_in_data_too():
    page, prefix, _, _ = PAGES["forecasting"]
    at = open_link(page, {"product": "umbrellas", "window": "28"})
    assert at.session_state[f"{prefix}.product"] == "umbrellas"
    assert at.session_state[f"{prefix}.window"] == 28
    assert not at.warning, warnings(at)


def test_settings_go_out_and_back_through_a_file():
    page, prefix, _, _ = PAGES["video"]
    at = open_link(page, {"units": "48", "cell": "LSTM"})
    saved = json.loads(settings_file(prefix, at.session_state["shared_values"][prefix]))
    assert saved["settings"]["units"] == 48 and saved["settings"]["cell"] == "LSTM"

    fresh = open_link(page, {})
    saved["settings"]["epochs"] = 1000  # out of range: skipped with a note
    data = json.dumps(saved).encode()
    fresh.file_uploader(key=f"{prefix}.settings_load").set_value(("settings.json", data, "application/json")).run()
    assert not fresh.exception, fresh.exception
    assert fresh.session_state[f"{prefix}.units"] == 48 and fresh.session_state[f"{prefix}.cell"] == "LSTM"
    assert fresh.session_state[f"{prefix}.epochs"] == 8
    assert "Epochs" in warnings(fresh)


def test_a_settings_file_of_another_page_is_refused_by_name():
    page, prefix, _, _ = PAGES["video"]
    at = open_link(page, {})
    data = settings_file("Sales forecasting", {"window": 28}).encode()
    at.file_uploader(key=f"{prefix}.settings_load").set_value(("other.json", data, "application/json")).run()
    assert not at.exception, at.exception
    assert "Sales forecasting" in warnings(at)
