
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


