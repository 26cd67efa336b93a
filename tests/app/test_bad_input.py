"""The bad-input catalogue: every upload and typed field of the app, fed what strangers feed a public demo.

Each field's cases run in one session after one quick training, in order: each
must show its message (never a traceback), and the model trained before must
still be there after every one of them.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
from streamlit.testing.v1 import AppTest

from core import forecasting, settings_io, text, video
from tests.app.helpers import models, train_with

BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR binary"


@dataclass(frozen=True)
class Case:
    """One bad input: a file (name, bytes) or a typed text, and the words its message must contain."""

    name: str
    data: bytes | str
    message: str
    kind: str = "error"  # where the message shows: error, warning or caption


def daily_csv(values: list, header: str = "date,sales") -> bytes:
    dates = np.datetime64("2024-01-01") + np.arange(len(values))
    return (header + "\n" + "".join(f"{d},{v}\n" for d, v in zip(dates, values, strict=True))).encode()


LONG = [10 + (d % 7) + d % 3 for d in range(200)]
FORECAST_CASES = [
    Case("empty.csv", b"", "empty"),
    Case("blank.csv", b"   \n\n", "empty"),
    Case("image.csv", BINARY, "looks binary"),
    Case("huge.csv", b"date,sales\n" + b"2024-01-01,1\n" * (forecasting.MAX_UPLOAD_MB * 2**20 // 13 + 10),
         f"limit is {forecasting.MAX_UPLOAD_MB} MB"),
    Case("twenty-mb.csv", b"date,sales\n" + b"2024-01-01,1\n" * (20 * 2**20 // 13), "is 20.0 MB; the limit is 5 MB"),
    Case("header-only.csv", b"date,sales\n", "has a header (date, sales) but no rows"),
    Case("words.csv", b"date,sales\n2024-01-01,3\n2024-01-02,lots\n", "non-numeric cells, e.g. 'lots' in row 2"),
    Case("no-numbers.csv", b"date,shop\n2024-01-01,A\n2024-01-02,B\n", "No column beside the dates holds numbers"),
    Case("nodates.csv", b"shop,sales\nA,1\nB,2\n", "No column"),
    Case("bad-dates.csv", b"date,sales\nsoon,1\nlater,2\nnever,3\n", "No column"),
    Case("one.csv", b"date,sales\n2024-01-01,3\n", "fewer than two numbers"),
    Case("all-missing.csv", daily_csv([""] * 30), "fewer than two numbers"),
    Case("flat.csv", daily_csv([5] * 30), "same value"),
    Case("enormous.csv", daily_csv([1e300] * 30), "too large"),
    Case("short.csv", daily_csv(LONG[:28]), "need at least"),
    Case("latin.csv", "date;ventes\n2024-01-01;3\n2024-01-02;\xe9\n".encode("latin-1"), "non-numeric"),
    Case("negative.csv", daily_csv([v - 14 for v in LONG]), "below zero", kind="warning"),
    Case("utf16.csv", daily_csv(LONG).decode().encode("utf-16"), "were filled by straight lines", kind="caption"),
    Case("years-with-gaps.csv", b"year,count\n" + b"".join(f"{y},{y % 7 + 3}\n".encode()
                                                           for y in [*range(1900, 1950), 1949, *range(1955, 2000)]),
         "1 rows repeat a date already seen", kind="warning"),
    Case("mixed-dates.csv", b"date,sales\n2024-01-01,3\nMar 2024,4\n2024-01-03,5\n", "mixes date styles"),
    Case("flat-inside.csv", daily_csv(["", ""] + [5] * 40 + [""]), "once its empty start and end are left out"),
    Case("only-years.csv", b"year,label\n" + b"".join(f"{y},x{y}\n".encode() for y in range(1950, 2000)),
         "only numeric column holds dates"),
    Case("few-months.csv", b"month,sales\n" + b"".join(f"2020-{m:02d},{m * 3 % 7}\n".encode() for m in range(1, 13))
         + b"".join(f"2021-{m:02d},{m * 3 % 7}\n".encode() for m in range(1, 13)),
         f"smallest monthly series that trains has {forecasting.smallest_series('monthly', 12)} points"),
]

WORDS = " ".join(f"word{i % 40}" for i in range(400))
TEXT_CASES = [
    Case("empty.txt", b"", "empty"),
    Case("blank.txt", b"  \n \n\t", "empty"),
    Case("image.txt", BINARY, "looks binary"),
    Case("huge.txt", b"word " * (text.MAX_UPLOAD_MB * 2**20 // 5 + 10), f"limit is {text.MAX_UPLOAD_MB} MB"),
    Case("short.txt", b"just a few words here", "too short to hold out"),
    Case("one-line-repeated.txt", b"the same line again\n" * 500, "After removing 499 repeated lines"),
    Case("all-duplicates.txt", "".join(f"the {c} {i} is {a}\n" for c in ("red", "blue", "green", "black")
                                       for i in ("dress", "coat", "hat") for a in ("soft", "warm")).encode() * 2,
         "After removing 24 repeated lines"),
    Case("renumbered.txt", "".join(f"Changed in version 3.{i}.\n" for i in range(300)).encode(),
         "After removing 299 repeated lines"),
    Case("numbers-only.txt", "".join(f"{i} {i + 1000} {i + 2000}\n" for i in range(300)).encode(),
         "No word occurs 2 times"),
    Case("one-enormous-line.txt", ("word " * 20_000).encode(), "Put each document on a line of its own"),
    Case("emoji-and-scripts.txt", "".join(f"der Hund 🐕 {i % 7} läuft, 犬が走る, the dog runs {i % 5}\n"
                                          f"le chat 🐈 dort {i % 3}, a cat sleeps\n" for i in range(40)).encode(),
         "The first of", kind="caption"),
    Case("numbers.csv", b"a,b\n1,2\n3,4\n", "no column of text"),
    Case("utf16.txt", WORDS.encode("utf-16"), "tokens", kind="caption"),
]

SEED_CASES = [
    Case("unknown words", "elegant zorblax gown", "zorblax", kind="warning"),
    Case("only unknown words", "qwxz vbnm", "qwxz", kind="warning"),
    Case("empty", "", "started a document from nothing", kind="caption"),
    Case("whitespace", "   \t ", "started a document from nothing", kind="caption"),
    Case("markdown and symbols", "# **bold** <script>", "script", kind="warning"),
    Case("longest allowed", "dress " * 33, "most likely next tokens", kind="caption"),
    Case("too long", "dress " * 60, "has 360 characters; at most 200 are read"),
]


def gif_of(frames: int) -> bytes:
    return video.clip_to_gif(video.make_clip("right", frames, 16, 0.0, np.random.default_rng(0)), scale=1)


def still_gif() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="GIF")
    return buffer.getvalue()


GIF_CASES = [
    Case("empty.gif", b"", "not an image"),
    Case("fake.gif", b"GIF89a not really", "not an image"),
    Case("binary.gif", BINARY, "not an image"),
    Case("still.gif", still_gif(), "single frame"),
    Case("huge.gif", b"GIF89a" + b"\x00" * (video.MAX_UPLOAD_MB * 2**20 + 10), f"limit is {video.MAX_UPLOAD_MB} MB"),
]

SETTINGS_CASES = [
    Case("empty.json", b"", "empty", kind="warning"),
    Case("binary.json", BINARY, "looks binary", kind="warning"),
    Case("text.json", b"units = 12", "not valid JSON", kind="warning"),
    Case("list.json", b"[1, 2, 3]", "no \"settings\" section", kind="warning"),
    Case("other.json", settings_io.settings_file("Sales forecasting", {"window": 28}).encode(), "Sales forecasting",
         kind="warning"),
    Case("letters.json", json.dumps({"page": "Connection types", "settings": {"units": "many"}}).encode(),
         "must be a number", kind="warning"),
    Case("huge.json", b" " * (settings_io.MAX_SETTINGS_FILE_KB * 1024 + 10), "limit is", kind="warning"),
]


def messages(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def check(at: AppTest, case: Case, trained: int) -> None:
    assert not at.exception, (case.name, at.exception)
    assert any(case.message in m for m in messages(at, case.kind)), (case.name, messages(at, case.kind))
    assert models(at) == trained, f"{case.name}: the trained model was lost"


def test_forecasting_uploads(open_page):
    at = train_with(open_page("views/forecasting.py"), "Sales forecasting", epochs=2, seeds=1)
    at.radio(key="Sales forecasting.source").set_value("Upload a CSV").run()
    for case in FORECAST_CASES:
        at.file_uploader(key="Sales forecasting.upload").set_value((case.name, case.data, "text/csv")).run()
        check(at, case, trained=1)


def test_text_uploads(open_page):
    at = train_with(open_page("views/textgen.py"), "Text generation", epochs=1, units=16)
    at.radio(key="Text generation.source").set_value("Upload a text file or CSV").run()
    for case in TEXT_CASES:
        mime = "text/csv" if case.name.endswith(".csv") else "text/plain"
        at.file_uploader(key="Text generation.upload").set_value((case.name, case.data, mime)).run()
        check(at, case, trained=1)


def test_seed_texts(open_page):
    at = train_with(open_page("views/textgen.py"), "Text generation", epochs=1, units=16)
    for case in SEED_CASES:
        at.text_input(key="Text generation.seed_text").set_value(case.data).run()
        check(at, case, trained=1)


def test_gif_uploads(open_page):
    at = train_with(open_page("views/video.py"), "Video classification", num_classes=2, clips_per_class=20,
                    epochs=1)
    for case in GIF_CASES:
        at.file_uploader(key="Video classification.upload").set_value((case.name, case.data, "image/gif")).run()
        check(at, case, trained=1)


def test_settings_files(open_page):
    at = train_with(open_page("views/connections.py"), "Connection types", epochs=2)
    for case in SETTINGS_CASES:
        at.file_uploader(key="Connection types.settings_load").set_value(
            (case.name, case.data, "application/json")).run()
        check(at, case, trained=1)


PAGES = {"views/connections.py": "Connection types", "views/internals.py": "RNN internals",
         "views/forecasting.py": "Sales forecasting", "views/textgen.py": "Text generation",
         "views/video.py": "Video classification", "views/captioning.py": "Image captioning",
         "views/beyond.py": "Beyond recurrence"}


def test_every_slider_at_its_extremes_draws_the_page_without_training(open_page):
    """Highest and lowest values at once, as a visitor dragging every knob to its end would set them."""
    for path in PAGES:
        at = open_page(path)
        for end in ("max", "min"):
            for slider in list(at.slider):
                value = getattr(slider, end)
                slider.set_value((value, value) if isinstance(slider.value, tuple) else value)
            at.run()  # every slider at that end together, then one rerun
            assert not at.exception, (path, end, at.exception)
        assert not at.error, (path, messages(at, "error"))
