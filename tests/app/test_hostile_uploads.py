"""The hostile-upload catalogue on the pages: each file's message shows, and the model trained before is kept.

The files are tests/hostile_files.py's, sent to the uploader of the page whose
core reader they were made for (the bad-input catalogue's way, in its session
order: one quick training, then every file).
"""

from __future__ import annotations

from core import forecasting, text
from tests import hostile_files as hf
from tests.app.helpers import train_with
from tests.app.test_bad_input import Case, check


def cases_for(*readers) -> list[Case]:
    """The catalogue's files read by any of ``readers``, as bad-input cases (their messages are errors)."""
    return [Case(case.name, case.make(), case.message) for case in hf.HOSTILE_FILES if case.read in readers]


def test_hostile_gifs_on_the_video_page(open_page):
    at = train_with(open_page("views/video.py"), "Video classification", num_classes=2, clips_per_class=20,
                    epochs=1)
    for case in cases_for(hf.read_clip):
        at.file_uploader(key="Video classification.upload").set_value((case.name, case.data, "image/gif")).run()
        check(at, case, trained=1)


def test_hostile_csvs_on_the_forecasting_page(open_page):
    at = train_with(open_page("views/forecasting.py"), "Sales forecasting", epochs=2)
    at.radio(key="Sales forecasting.source").set_value("Upload a CSV").run()
    for case in cases_for(forecasting.read_table):
        at.file_uploader(key="Sales forecasting.upload").set_value((case.name, case.data, "text/csv")).run()
        check(at, case, trained=1)


def test_hostile_texts_on_the_text_page(open_page):
    at = train_with(open_page("views/textgen.py"), "Text generation", epochs=1, units=16)
    at.radio(key="Text generation.source").set_value("Upload a text file or CSV").run()
    for case in cases_for(text.read_documents, text.read_text_table):
        mime = "text/csv" if case.name.endswith(".csv") else "text/plain"
        at.file_uploader(key="Text generation.upload").set_value((case.name, case.data, mime)).run()
        check(at, case, trained=1)


def test_hostile_settings_files(open_page):
    at = train_with(open_page("views/connections.py"), "Connection types", epochs=2)
    for case in cases_for(hf.read_settings):
        at.file_uploader(key="Connection types.settings_load").set_value(
            (case.name, case.data, "application/json")).run()
        check(at, Case(case.name, case.data, case.message, kind="warning"), trained=1)
