"""The jobs a new replica warms up (core.warmup) are the models the pages ask for with their defaults."""

import pytest

import ui.training
from core.cache import model_key
from core.warmup import default_jobs
from tests.app.conftest import ROOT

PAGES = {"Connection types": "views/connections.py", "RNN internals": "views/internals.py",
         "Sales forecasting": "views/forecasting.py", "Text generation": "views/textgen.py",
         "Video classification": "views/video.py", "Image captioning": "views/captioning.py",
         "Beyond recurrence": "views/beyond.py"}


@pytest.fixture
def asked_for(monkeypatch) -> dict[str, tuple[str, bool]]:
    """Each page's model key and whether it counts as a shared default, as the page asks ui.training for it."""
    asked: dict[str, tuple[str, bool]] = {}

    def record(page, settings, data_fingerprint, run, summary, models=1, public_data=False, compare_on=""):
        asked[page] = (model_key(page, settings, data_fingerprint), public_data and settings == type(settings)())

    monkeypatch.setattr(ui.training, "train_or_reuse", record)  # each page imports it at every run
    return asked


def test_every_page_is_warmed_with_the_key_it_asks_for_by_default(open_page, asked_for):
    jobs = {job.page: job.key for job in default_jobs()}
    trains = {f"views/{path.name}" for path in (ROOT / "views").glob("*.py") if "train_or_reuse(" in path.read_text()}
    assert set(jobs) == set(PAGES) and set(PAGES.values()) == trains  # a new training page is warmed too
    for page, path in PAGES.items():
        open_page(path)
        assert asked_for[page] == (jobs[page], True), page
