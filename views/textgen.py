"""Text generation: a next-word model trained live, sampled with temperature, its word space drawn."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core import datasets, scripts
from core import text as tx
from core.cache import fingerprint
from core.diagnosis import run_of
from core.plots import plot_bars, plot_embedding, plot_history
from core.uploads import RECEIVE_MB, TYPED_MAX_CHARS, limits_help
from ui.guide import stop_before_results
from ui.messages import or_stop
from ui.toolkit import review_run, share_panel
from ui.training import train_or_reuse
from ui.verdict import show_verdict
from ui.widgets import input_choice, input_settings, register_knobs

PAGE = "Text generation"
SOURCES = ("Built-in product descriptions", "Upload a text file or CSV")

st.title(PAGE)
intro = st.empty()  # written once the text is read: it names the text and a seed drawn from it

# ------------------------------------------------------------------ the text
st.header("1 · The text")
source = input_choice("Text", SOURCES, key=f"{PAGE}.source", radio=True,
                      help="Built-in: 3,000 generated product descriptions of clothes. Upload: your own .txt "
                           "(one document per line) or a .csv with a column of text.")


@st.cache_data(show_spinner=False)
def builtin_documents() -> list[str]:
    """The shipped descriptions, read once per server (they are the same for every visitor)."""
    return datasets.load_builtin_descriptions()


@dataclass(frozen=True)
class ChosenText:
    """The documents to learn from, and the file "Show the code" reads them from."""

    documents: list[str]
    data_file: str
    data_name: str  # how the page names the text, e.g. "the built-in descriptions"
    column: str | None  # the CSV column holding the text; None for plain text
    data: Callable[[], bytes] | None = None  # the file's bytes, when the app has them to offer


def input_text(source: str) -> ChosenText:
    """The documents of ``source``; stops the page with a message when an upload is unusable."""
    if source == SOURCES[0]:
        return ChosenText(builtin_documents(), datasets.DESCRIPTIONS_FILE.name, "the built-in descriptions",
                          "description", datasets.DESCRIPTIONS_FILE.read_bytes)
    upload = st.file_uploader(f"Text file (.txt or .csv, at most {tx.MAX_UPLOAD_MB} MB)", type=["txt", "csv"],
                              max_upload_size=RECEIVE_MB, key=f"{PAGE}.upload",
                              help="Plain text with one document (a description, a sentence, a paragraph) per "
                                   "line, or a CSV with a column of text to pick. "
                                   + limits_help(tx.MAX_UPLOAD_MB, "text", "csv"))
    if upload is None:
        st.info("Choose a file to upload, or use the built-in descriptions.")
        st.stop()
    name = f"'{upload.name}'"
    if not upload.name.lower().endswith(".csv"):
        return ChosenText(or_stop(lambda: tx.read_documents(upload.getvalue(), name)), upload.name, name, None)
    table, columns = or_stop(lambda: tx.read_text_table(upload.getvalue(), name))
    column = st.selectbox("Text column", columns, key=f"{PAGE}.column",
                          help="The column holding the text; columns with the longest texts come first.")
    return ChosenText(or_stop(lambda: tx.column_documents(table, column, name)), upload.name,
                      f"{name}, column '{column}'", column)


chosen_text = input_text(source)
documents = chosen_text.documents
st.dataframe(pd.DataFrame({"document": documents[:5]}), hide_index=True)
st.caption(f"The first of {len(documents):,} documents ({sum(len(d.split()) for d in documents):,} words). "
           "The model learns only from text like this.")

# ------------------------------------------------------------------ preparing
st.header("2 · From text to training pairs")
left, middle, right = st.columns(3)
with left:
    knobs = input_settings(tx.TextSettings, ["level", "max_vocabulary"], PAGE)
with middle:
    knobs |= input_settings(tx.TextSettings, ["context_length"], PAGE)
with right:
    knobs |= input_settings(tx.TextSettings, ["seed"], PAGE)


@st.cache_data(show_spinner=False, max_entries=8)
def prepared_text(documents: list[str], level: str, max_vocabulary: int, context_length: int,
                  seed: int) -> tx.PreparedText:
    """Tokens, vocabulary and pairs; kept so moving a generation slider does not redo them."""
    return tx.prepare_text(documents, tx.TextSettings(level=level, max_vocabulary=max_vocabulary,
                                                      context_length=context_length, seed=seed))


prepared = or_stop(lambda: prepared_text(documents, **knobs))
vocabulary = prepared.vocabulary
unit = "words" if knobs["level"] == "word" else "characters"
suggested_seed = tx.seed_suggestion(prepared, knobs["level"])
starts = (f"it starts from *{suggested_seed}* (the commonest opening of the text)" if suggested_seed
          else "it starts a document from nothing")
intro.markdown(f"Teach a small model to guess the next {knobs['level']} of {chosen_text.data_name}, then let it "
               f"write: {starts} and carries on. Below, every step in between is laid out.")

st.subheader("The vocabulary")
found = st.text_input("Find a token", key=f"{PAGE}.find", max_chars=50,
                      help="Type part of a word to see its number and how often it occurs.")
table = vocabulary.table()
st.dataframe(table[table["token"].str.contains(found.strip().lower(), regex=False)] if found.strip() else table,
             hide_index=True, height=240)
cap = (f" (the cap of {knobs['max_vocabulary']:,} keeps the most frequent of {vocabulary.eligible:,})"
       if vocabulary.eligible > vocabulary.size - 2 else "")
st.caption(f"Each of the {vocabulary.size:,} tokens gets a number, most frequent first: the training tokens seen at "
           f"least {tx.MIN_COUNT} times{cap}. 0 is padding; 1, [UNK], stands for every other token.")

st.subheader("The training pairs")
st.dataframe(tx.pairs_table(prepared), hide_index=True)
st.caption(f"Each position of each document makes one pair: the previous {knobs['context_length']} tokens "
           "(zeros in front when there are fewer) and the token to guess.")
st.markdown(f"**Split:** {len(prepared.x_train):,} training pairs from {len(prepared.train_documents):,} "
            f"documents; {len(prepared.x_validation):,} validation pairs from {len(prepared.validation_documents):,} "
            f"documents (to watch for overfitting and to choose the mix) and {len(prepared.x_test):,} test pairs from "
            f"{len(prepared.test_documents):,} documents (every score below), none of them trained on. "
            f"{prepared.split.report.sentence()}")

# ------------------------------------------------------------------ model
st.header("3 · Train the model")
with st.expander("Model and training settings", expanded=True):
    left, middle, right = st.columns(3)
    with left:
        knobs |= input_settings(tx.TextSettings, ["embedding_dim", "cell", "layers"], PAGE)
    with middle:
        knobs |= input_settings(tx.TextSettings, ["units", "dropout"], PAGE)
    with right:
        knobs |= input_settings(tx.TextSettings, ["epochs", "batch_size", "learning_rate"], PAGE)
settings = tx.TextSettings(**knobs)
st.caption(f"Embedding({vocabulary.size}, {settings.embedding_dim}) → {settings.layers} × {settings.cell}"
           f"({settings.units}) → softmax over {vocabulary.size} tokens. Labels stay token numbers "
           "(sparse), never a one-hot table. After training, this network is mixed with a Kneser–Ney n-gram "
           "counted on the same training text, in the proportion that does best on the validation documents.")

register_knobs(tx.GenerationSettings, PAGE)  # drawn once a model exists; a link may already set them
share_panel(PAGE)

compare_on = f"{chosen_text.data_name}, {settings.level}s"
result = train_or_reuse(
    PAGE, settings, fingerprint(*documents),
    run=lambda on_epoch_end: tx.fit_text_model(prepared, settings, on_epoch_end),
    summary=f"{settings.level}s · {settings.layers}×{settings.cell} {settings.units}",
    public_data=source == SOURCES[0], compare_on=compare_on,
)
if result is None:
    stop_before_results(PAGE)

details = result.details
metrics = details.metrics
show_verdict(details.verdict)
st.markdown(details.perplexity.sentence())
st.dataframe(tx.score_table(metrics), column_config={
    "accuracy on known words": st.column_config.Column(
        help="Share of test tokens (words in the vocabulary) whose next token was the first guess."),
    "top-5 accuracy": st.column_config.Column(help="Share where the right token was among the five most likely."),
    "perplexity": st.column_config.Column(help="How many tokens the scorer is, in effect, choosing between. "
                                               "Lower is better."),
})
st.caption(tx.results_story(details))
st.plotly_chart(plot_history(result.history, settings.epochs))
st.caption(f"Loss and accuracy per epoch of the network ({result.seconds:.1f} s in all). Validation flat or rising "
           "while training keeps improving means the network is learning the training text by heart.")

# ------------------------------------------------------------------ generate
st.header("4 · Let it write")
model_vocabulary = details.vocabulary
seed_key, seed_for = f"{PAGE}.seed_text", (fingerprint(*documents), settings.level)
if st.session_state.get(f"{PAGE}.seed_for") != seed_for:  # another text: its own seed, not the last text's
    st.session_state[seed_key], st.session_state[f"{PAGE}.seed_for"] = suggested_seed, seed_for
left, right = st.columns([2, 1])
seed_text = left.text_input(f"Seed text (at most {tx.SEED_MAX_CHARS} characters)",
                            max_chars=TYPED_MAX_CHARS, key=seed_key,
                            help="The words the model continues. Leave it empty to let it start a document.")
with right:
    strategy = input_settings(tx.GenerationSettings, ["strategy"], PAGE)
chosen = tx.generation_knob_names(strategy["strategy"])
columns = st.columns(len(chosen))
generation_knobs = strategy
for column, name in zip(columns, chosen, strict=True):
    with column:
        generation_knobs |= input_settings(tx.GenerationSettings, [name], PAGE)
generation = or_stop(lambda: tx.generate(details.mixture, model_vocabulary, settings.level, seed_text,
                                         tx.GenerationSettings(**generation_knobs)))



def as_plain_markdown(text: str) -> str:
    """Text with Markdown's special characters escaped: a typed seed is shown, never interpreted."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<])", r"\\\1", text)


continuation = as_plain_markdown(tx.join_tokens(generation.tokens, settings.level))
seed_shown = as_plain_markdown(tx.join_tokens(generation.seed_tokens, settings.level))
st.markdown(f"> **{seed_shown}** {continuation}" if seed_shown else f"> {continuation}")
if not generation.seed_tokens:
    st.caption("No seed text: the model started a document from nothing.")
if generation.unknown:
    st.warning(f"Not in the vocabulary, read as [UNK]: {', '.join(generation.unknown)}. The model has never "
               "seen these, so it continues from the other tokens only.")

left, right = st.columns(2)
with left:
    names, probabilities = zip(*generation.candidates[: max(generation_knobs.get("top_k", 5), 5)], strict=True)
    st.plotly_chart(plot_bars(list(names), list(probabilities)))
    st.caption("The most likely next tokens right after the seed, with the model's probability for each (network "
               "and n-gram mixed).")
with right:
    labels = [f"{i}·{token}" for i, token in enumerate(generation.tokens, start=1)]
    st.plotly_chart(plot_bars(labels, generation.probabilities))
    st.caption("How likely the model found each token it wrote, at the moment it was picked. Low bars are "
               "where sampling took a chance.")

corpus = tx.training_text(prepared.train_documents)
copied = tx.memorisation_check(model_vocabulary.encode(generation.tokens), corpus, model_vocabulary, settings.level)
left, right = st.columns(2)
left.metric("Longest run copied from training text", f"{copied.longest_run} {unit}",
            help="The longest stretch of the generated text found word for word in one training document.")
right.metric("Generated 4-grams seen in training",
             "—" if copied.seen_4gram_share is None else f"{copied.seen_4gram_share:.0%}",
             help="Share of every four tokens in a row that also occur in the training text. Near 100% means "
                  "the model stitches together remembered pieces.")
if copied.longest_run:
    st.caption(f"Longest copied run: “{copied.copied}”.")
if copied.loop:
    st.warning(f"The output loops: “{copied.loop}” repeats. Raise the temperature or use top-k sampling.")

# ------------------------------------------------------------------ embedding space
st.header("5 · Where the words sit")
left, right = st.columns([1, 2])
dimensions = left.radio("View", (2, 3), format_func=lambda d: f"{d}D", horizontal=True, key=f"{PAGE}.dimensions",
                        help="Each word's embedding squeezed to 2 or 3 numbers (principal components) to draw it.")
probes = model_vocabulary.tokens[2:]
word = right.selectbox("Nearest neighbours of", probes, index=probes.index(tx.probe_token(model_vocabulary)),
                       key=f"{PAGE}.word", format_func=tx.shown,
                       help="Tokens whose learned vectors point the same way (cosine similarity): the model "
                            "treats them as interchangeable.")
points = tx.embedding_projection(result.model, model_vocabulary, dimensions)
neighbours = tx.nearest_tokens(result.model, model_vocabulary, word)
points["labelled"] = tx.label_mask(points, tx.shown(word), neighbours)
left, right = st.columns([3, 1])
left.plotly_chart(plot_embedding(points, tx.shown(word)))
left.caption(tx.embedding_story(points, tx.shown(word), neighbours))
right.dataframe(neighbours, hide_index=True)
right.caption(f"The tokens nearest to “{tx.shown(word)}”.")


review_run(PAGE, run_of(result, verdict=details.verdict),
           scripts.text_script(settings, chosen_text.data_file, chosen_text.column, chosen_text.data,
                               suggested_seed), compare_on)
