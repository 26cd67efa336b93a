
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


def test_defaults_train_score_against_the_strongest_yardstick_and_generate_from_a_corpus_seed(open_page):
    at = train_quickly(open_page(PAGE))
    assert "Kneser–Ney" in at.subheader[-1].value or "bigram rule" in at.subheader[-1].value
    seed = at.text_input(key=f"{PREFIX}.seed_text").value
    assert seed and f"*{seed}*" in at.markdown[0].value  # the intro names the seed drawn from the text
    quote = next(m.value for m in at.markdown if m.value.startswith(f"> **{seed}**"))
    assert len(quote.split()) > 3  # the seed, then generated words
    scores = next(d.value for d in at.dataframe if "accuracy on known words" in d.value.columns)
    assert {"model (network + counts)", "network alone", "bigram rule"} <= set(scores.index)
    assert any(row.startswith("Kneser–Ney") for row in scores.index)
    assert any("outside the vocabulary ([UNK])" in c.value for c in at.caption)
    assert any("no validation document occurs in training" in m.value for m in at.markdown)
    perplexity = next(m.value for m in at.markdown if m.value.startswith("Perplexity: the model "))
    assert "by this measure" in perplexity  # judged by the verdicts' rule, whichever way it goes
    assert not at.warning  # the corpus-drawn seed has no unknown word
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
    lines = [f"the {c} {i} is {a}" for c in ("red", "blue", "green", "black") for i in ("dress", "shirt", "coat",
             "scarf", "skirt") for a in ("soft", "light", "warm")]
    rows = "".join(f'{n},"{line}"\n' for n, line in enumerate(lines))
    at = upload(open_page(PAGE), "shop.csv", f"id,description\n{rows}".encode(), "text/csv")
    assert at.selectbox(key=f"{PREFIX}.column").value == "description"
    assert not at.error
    assert any("The first of 60 documents" in c.value for c in at.caption)


def test_lines_differing_only_in_numbers_are_repeats_and_too_little_is_left(open_page):
    rows = "".join(f'{i},"the dress number {i} is soft and light"\n' for i in range(60))
    at = upload(open_page(PAGE), "shop.csv", f"id,description\n{rows}".encode(), "text/csv")
    assert "at least" in at.error[0].value and not at.exception
