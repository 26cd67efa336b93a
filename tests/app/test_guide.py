"""The guided first visit in the app: the home page's path, and the sidebar's Try-this box setting knobs."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.catalogue import PAGES
from core.guide import TRY_THIS

ROOT = Path(__file__).resolve().parents[2]


def test_home_proposes_a_path_through_every_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=10).run()
    assert not at.exception
    assert "Your first visit" in [h.value for h in at.header]
    links = [link.proto.label for link in at.get("page_link")]
    assert [link for link in links if link[0].isdigit()] == [f"{i}. {p.title}" for i, p in enumerate(PAGES, 1)]


def test_try_this_sets_the_experiments_knobs_and_keeps_trained_models(open_page):
    at = open_page("views/internals.py")
    experiment = TRY_THIS["views/internals.py"][0]
    assert any(e.label == "Try this" for e in at.sidebar.expander)
    at.sidebar.button(key="RNN internals.try.0").click().run()
    assert not at.exception, at.exception
    assert at.slider(key="RNN internals.bptt.spectral_radius").value == experiment.values["spectral_radius"]
    assert at.selectbox(key="RNN internals.bptt.activation").value == "linear"
    assert any("it **explodes**" in m.value for m in at.markdown)  # what the box said to expect
