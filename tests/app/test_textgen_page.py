import pytest

from core.text import MAX_UPLOAD_MB
from tests.app.helpers import models, train_with

PAGE = "views/textgen.py"
PREFIX = "Text generation"


def train_quickly(at):
    return train_with(at, PREFIX, epochs=1, units=16)


def upload(at, name: str, data: bytes, mime: str = "text/plain"):
    at.radio(key=f"{PREFIX}.source").set_value("Upload a text file or CSV").run()
    at.file_uploader(key=f"{PREFIX}.upload").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def test_defaults_train_score_against_bigram_and_generate_from_the_seed(open_page):
    at = train_quickly(open_page(PAGE))
    assert "bigram rule" in at.subheader[-1].value
    quote = next(m.value for m in at.markdown if m.value.startswith("> **elegant dress**"))
    assert len(quote.split()) > 3  # the seed, then generated words
    assert any("most likely next tokens" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) >= 4  # curves, candidates, chosen probabilities, embedding
    assert models(at) == 1


def test_unknown_seed_words_are_named_and_an_empty_seed_starts_a_document(open_page):
    at = train_quickly(open_page(PAGE))
    at.text_input(key=f"{PREFIX}.seed_text").set_value("elegant zorblax gown").run()
    assert any("zorblax" in w.value for w in at.warning)
    at.text_input(key=f"{PREFIX}.seed_text").set_value("").run()
    assert not at.exception
    assert any("started a document from nothing" in c.value for c in at.caption)


def test_generation_settings_never_retrain_and_greedy_hides_sampling_knobs(open_page):
    at = train_quickly(open_page(PAGE))
    at.selectbox(key=f"{PREFIX}.strategy").set_value("greedy").run()
    assert not at.exception and models(at) == 1
    assert f"{PREFIX}.temperature" not in [s.key for s in at.slider]
    at.slider(key=f"{PREFIX}.num_words").set_value(30).run()
    assert not at.exception and models(at) == 1


def test_a_csv_upload_offers_its_text_columns(open_page):
    rows = "".join(f'{i},"the {c} dress number {i} is soft and light"\n' for i, c in
                   enumerate(["red", "blue", "green", "black"] * 15))
    at = upload(open_page(PAGE), "shop.csv", f"id,description\n{rows}".encode(), "text/csv")
    assert at.selectbox(key=f"{PREFIX}.column").value == "description"
    assert not at.error
    assert any("The first of 60 documents" in c.value for c in at.caption)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n \n\t", "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "looks binary"),
    ("huge.txt", b"word " * (MAX_UPLOAD_MB * 2**20 // 5 + 10), f"limit is {MAX_UPLOAD_MB} MB"),
    ("short.txt", b"just a few words here", "at least 200 are needed"),
    ("numbers.csv", b"a,b\n1,2\n3,4\n", "no column of text"),
])
def test_each_bad_upload_gets_its_message_and_keeps_the_trained_model(open_page, name, data, message):
    at = train_quickly(open_page(PAGE))
    upload(at, name, data, "text/csv" if name.endswith(".csv") else "text/plain")
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert models(at) == 1
