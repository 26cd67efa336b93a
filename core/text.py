"""Next-word text generation: tokens, n-gram training pairs, an Embedding + recurrent model, sampling.

The steps are written out (rather than hidden in ``TextVectorization``) because
the page shows each one: the vocabulary table, the padded pairs, the split. The
tokenizer is checked against ``TextVectorization`` in the tests. Labels stay
sparse (one index per pair): a one-hot matrix of pairs × vocabulary would be
the largest object in memory and buys nothing.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass, replace

import keras
import numpy as np
import pandas as pd

from core.datasets import WORD_GROUPS
from core.recurrent import cell_knob, dropout_knob, layers_knob, recurrent_stack, units_knob
from core.settings import batch_size_knob, epochs_knob, knob, learning_rate_knob
from core.training import EpochFn, TrainingSettings, TrainResult, predict, train
from core.uploads import check_text, decode_upload, parse_csv
from core.verdicts import Verdict, compare, standard_error, verdict

LEVELS = ("word", "character")
PADDING, OUT_OF_VOCABULARY = "", "[UNK]"  # indices 0 and 1, as in keras.layers.TextVectorization
STRATEGIES = ("greedy", "temperature", "top-k")
MAX_UPLOAD_MB = 2
MIN_TRAINING_PAIRS = 200
MIN_DOCUMENTS = 10  # fewer lines than this: the text is cut into pieces so some can be held out
PIECE_TOKENS = 40
VALIDATION_SHARE = 0.1
TOP_K = 5
SEED_MAX_CHARS = 200
_PUNCTUATION = re.compile(f"[{re.escape(string.punctuation)}]")


@dataclass(frozen=True)
class TextSettings(TrainingSettings):
    """Every knob of the text generation page that changes the trained model."""

    level: str = knob("word", "Tokens", "What the model predicts: the next word, or the next character. "
                      "Characters need no vocabulary limit and can spell new words, but need a longer "
                      "context, and make about five times as many pairs: training takes several times longer.",
                      choices=LEVELS)
    max_vocabulary: int = knob(1000, "Vocabulary size (at most)", "How many of the most frequent tokens "
                               "get their own number; rarer ones all become [UNK]. A bigger vocabulary "
                               "knows more words but makes the output layer bigger and slower.",
                               low=50, high=5000, step=50)
    context_length: int = knob(6, "Context (tokens)", "How many previous tokens the model reads to guess "
                               "the next one; shorter contexts are padded with zeros in front. Longer "
                               "contexts see further back but train slower.", low=2, high=40)
    embedding_dim: int = knob(32, "Embedding size", "How many numbers describe each word. More numbers "
                              "can hold finer meanings but need more data to learn.", low=4, high=128)
    cell: str = cell_knob()
    layers: int = layers_knob()
    units: int = units_knob(64, low=8, high=256)
    dropout: float = dropout_knob()
    epochs: int = epochs_knob(5, high=60, of="the training pairs")
    batch_size: int = batch_size_knob(256, choices=(32, 64, 128, 256, 512), of="pairs")
    learning_rate: float = learning_rate_knob(0.01)


@dataclass(frozen=True)
class GenerationSettings:
    """How text is generated from a trained model; changing these never retrains."""

    num_words: int = knob(15, "Tokens to generate", "How many words (or characters) to add after the "
                          "seed text.", low=1, high=100)
    strategy: str = knob("temperature", "How to pick", "Greedy: always the most likely next token (safe, "
                         "often loops). Temperature: draw at random, reshaped by the temperature. "
                         "Top-k: draw only among the k most likely tokens.", choices=STRATEGIES)
    temperature: float = knob(0.8, "Temperature", "Below 1 makes likely tokens even more likely (safer, "
                              "duller); above 1 flattens the odds (more surprising, more mistakes). "
                              "Near 0 it is the same as greedy.", low=0.05, high=2.0, step=0.05)
    top_k: int = knob(5, "k (top-k)", "How many of the most likely tokens top-k sampling draws from.",
                      low=2, high=50)
    sampling_seed: int = knob(7, "Sampling seed", "Fixes the random draws: the same seed gives the same text.",
                     low=0, high=9999)


def generation_knob_names(strategy: str) -> list[str]:
    """The generation knobs that matter for ``strategy`` (greedy ignores temperature and k)."""
    sampled = {"temperature": ["temperature", "sampling_seed"], "top-k": ["top_k", "temperature", "sampling_seed"]}
    return ["num_words", *sampled.get(strategy, [])]


# ---------------------------------------------------------------- reading text


def read_documents(data: bytes, name: str) -> list[str]:
    """The non-empty lines of an uploaded text file: one document each."""
    text = decode_upload(data, name, MAX_UPLOAD_MB, "a .txt file of plain text, one document per line")
    check_text(text, name)
    return split_lines(text, name)


def read_text_table(data: bytes, name: str) -> tuple[pd.DataFrame, list[str]]:
    """An uploaded CSV and its text columns, longest texts first; ValueError if it has none."""
    text = decode_upload(data, name, MAX_UPLOAD_MB, "a CSV with a column of text")
    check_text(text, name)
    table = parse_csv(text, name)
    words = {c: table[c].dropna().astype(str).str.split().str.len().mean()
             for c in table.columns if table[c].dtype == object or pd.api.types.is_string_dtype(table[c])}
    columns = [c for c, mean_words in sorted(words.items(), key=lambda item: -item[1]) if mean_words > 0]
    if not columns:
        raise ValueError(f"{name} has no column of text; its columns ({', '.join(map(str, table.columns))}) "
                         "hold only numbers or nothing.")
    return table, columns


def column_documents(table: pd.DataFrame, column: str, name: str) -> list[str]:
    """The non-empty cells of one text column."""
    return split_lines("\n".join(table[column].dropna().astype(str)), f"column '{column}' of {name}")


def documents_from_file(data: bytes, name: str, is_csv: bool, column: str | None = None) -> list[str]:
    """Documents from a text file, or from a CSV's ``column`` (its longest-text column when None)."""
    if not is_csv:
        if column is not None:
            raise ValueError(f"{name} is not a CSV file, so it has no column '{column}'; leave the column out.")
        return read_documents(data, name)
    table, columns = read_text_table(data, name)
    if column is not None and column not in columns:
        raise ValueError(f"{name} has no text column '{column}'; its text columns are: {', '.join(columns)}.")
    return column_documents(table, column or columns[0], name)


def split_lines(text: str, name: str) -> list[str]:
    """Non-empty, stripped lines; ValueError when nothing is left."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{name} holds no text, only blank lines.")
    return lines


# ---------------------------------------------------------------- tokens and vocabulary


def tokenize(text: str, level: str) -> list[str]:
    """Lower-cased tokens. Words: punctuation stripped, split on spaces (TextVectorization's default)."""
    lowered = text.lower()
    if level == "character":
        return list(" ".join(lowered.split()))
    return _PUNCTUATION.sub("", lowered).split()


def shown(token: str) -> str:
    """A token as tables and charts print it: a space becomes ␣, so it is visible."""
    return "␣" if token == " " else token


def join_tokens(tokens: list[str], level: str) -> str:
    """Tokens back into text: words with spaces between, characters as they are."""
    return ("" if level == "character" else " ").join(tokens)


def ranked_tokens(documents: list[list[str]], count: int) -> list[tuple[str, int]]:
    """The ``count`` most frequent tokens with their counts, most frequent first, ties alphabetically.

    Ties are broken by the token itself, so the same text always gives the
    same numbering, whatever order Python's counter met the tokens in.
    """
    counted = Counter(token for document in documents for token in document)
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:count]


@dataclass(frozen=True)
class Vocabulary:
    """Token ↔ index. 0 is padding, 1 stands for every token outside the vocabulary."""

    tokens: tuple[str, ...]
    counts: tuple[int, ...]  # how often each token occurs in the training text (0 for the two specials)

    @classmethod
    def build(cls, documents: list[list[str]], max_size: int) -> Vocabulary:
        """The ``max_size`` - 2 most frequent tokens (ties alphabetically), after padding and [UNK]."""
        ranked = ranked_tokens(documents, max_size - 2)
        return cls((PADDING, OUT_OF_VOCABULARY, *(t for t, _ in ranked)), (0, 0, *(c for _, c in ranked)))

    @property
    def size(self) -> int:
        return len(self.tokens)

    def index(self) -> dict[str, int]:
        return {token: i for i, token in enumerate(self.tokens)}

    def encode(self, tokens: list[str]) -> list[int]:
        index = self.index()
        return [index.get(token, 1) for token in tokens]

    def decode(self, indices: list[int]) -> list[str]:
        return [self.tokens[i] for i in indices]

    def table(self) -> pd.DataFrame:
        """The word → index table the page shows."""
        return pd.DataFrame({"token": [shown(t) for t in self.tokens], "index": range(self.size),
                             "count": self.counts})


# ---------------------------------------------------------------- training pairs


def make_pairs(documents: list[list[int]], context_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (previous tokens → next token) pair of every document, contexts pre-padded with 0.

    The first pair of a document has an all-padding context, so the model also
    learns how documents start and an empty seed means "start one".
    Returns x of shape (pairs, context_length) and y of shape (pairs,).
    """
    rows = [np.lib.stride_tricks.sliding_window_view(np.concatenate([np.zeros(context_length, np.int32),
                                                                     np.asarray(doc, np.int32)]),
                                                     context_length + 1)
            for doc in documents if doc]
    windows = np.concatenate(rows) if rows else np.zeros((0, context_length + 1), np.int32)
    return windows[:, :-1], windows[:, -1]  # (pairs, context_length), (pairs,)


def pieces(documents: list[list[str]], length: int = PIECE_TOKENS) -> list[list[str]]:
    """Documents cut into pieces of at most ``length`` tokens (for free text with few line breaks)."""
    return [doc[i : i + length] for doc in documents for i in range(0, len(doc), length)]


def tokenized_documents(documents: list[str], level: str) -> list[list[str]]:
    """Each document as tokens, empty ones dropped; free text with few lines is cut into pieces first,
    so that some pieces can be held out."""
    tokenized = [tokenize(document, level) for document in documents]
    if len(tokenized) < MIN_DOCUMENTS:
        tokenized = pieces(tokenized)
    return [document for document in tokenized if document]


def hold_out(documents: list[list[str]], share: float, seed: int) -> tuple[list[list[str]], list[list[str]]]:
    """(training, validation) documents: ``share`` of them, at least one, drawn with ``seed``.

    The split is by document, not by pair: pairs from one description share
    most of their words, so a random pair split would score the model on text
    it has nearly seen.
    """
    order = np.random.default_rng(seed).permutation(len(documents))
    held_out = max(1, round(len(documents) * share))
    return [documents[i] for i in order[held_out:]], [documents[i] for i in order[:held_out]]


@dataclass(frozen=True)
class PreparedText:
    """The corpus as the model sees it: vocabulary, padded pairs, and the held-out split."""

    vocabulary: Vocabulary
    train_documents: list[list[int]]
    validation_documents: list[list[int]]
    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray


def prepare_text(documents: list[str], settings: TextSettings) -> PreparedText:
    """Tokenize, hold out ``VALIDATION_SHARE`` of the documents, build the vocabulary on the rest, make pairs.

    The vocabulary is built from training documents only: a word seen only in
    validation is [UNK] to the model, as a new word would be.
    """
    tokenized = tokenized_documents(documents, settings.level)
    total = sum(map(len, tokenized))
    if total < MIN_TRAINING_PAIRS or len(tokenized) < 2:
        tokens = f"{total} {settings.level}{'' if total == 1 else 's'}"
        raise ValueError(f"The text has {tokens}; at least {MIN_TRAINING_PAIRS} are needed to learn anything. "
                         "Upload a longer text, or use the built-in descriptions.")
    train_docs, validation_docs = hold_out(tokenized, VALIDATION_SHARE, settings.seed)
    vocabulary = Vocabulary.build(train_docs, settings.max_vocabulary)
    train_ids = [vocabulary.encode(doc) for doc in train_docs]
    validation_ids = [vocabulary.encode(doc) for doc in validation_docs]
    x_train, y_train = make_pairs(train_ids, settings.context_length)
    x_validation, y_validation = make_pairs(validation_ids, settings.context_length)
    return PreparedText(vocabulary, train_ids, validation_ids, x_train, y_train, x_validation, y_validation)


def pairs_table(prepared: PreparedText, rows: int = 12) -> pd.DataFrame:
    """The first training pairs as the page shows them: context tokens, next token, padded indices."""
    level = "character" if all(len(t) <= 1 for t in prepared.vocabulary.tokens[2:]) else "word"
    x, y = prepared.x_train[:rows], prepared.y_train[:rows]
    return pd.DataFrame({
        "context": [join_tokens(prepared.vocabulary.decode([i for i in row if i]), level) or "(start)"
                    for row in x],
        "next token": [shown(t) for t in prepared.vocabulary.decode(y.tolist())],
        "padded input indices": [str(row.tolist()) for row in x],
        "target index": y,
    })


# ---------------------------------------------------------------- model, training, scores


def build_text_model(vocabulary_size: int, context_length: int, embedding_dim: int = 32, cell: str = "GRU",
                     num_units: int = 64, num_layers: int = 1, dropout_rate: float = 0.0) -> keras.Model:
    """Token indices in, a probability for every vocabulary entry out: Embedding → recurrent layers → softmax."""
    inputs = keras.Input((context_length,), dtype="int32", name="context")  # (batch, context_length)
    embedded = keras.layers.Embedding(vocabulary_size, embedding_dim, name="embedding")(inputs)
    hidden = recurrent_stack(embedded, cell, num_units, num_layers, dropout_rate)  # (batch, units)
    outputs = keras.layers.Dense(vocabulary_size, activation="softmax", name="next_token")(hidden)
    return keras.Model(inputs, outputs)


def top_guesses(probabilities: np.ndarray) -> np.ndarray:
    """The ``TOP_K`` most likely tokens of each row, most likely first: (pairs, TOP_K)."""
    return np.argsort(-probabilities, axis=1)[:, :TOP_K]


def next_token_scores(top: np.ndarray, targets: np.ndarray, probabilities: np.ndarray | None = None
                      ) -> dict[str, float | None]:
    """Accuracy and top-5 accuracy of ranked guesses, and perplexity when there are probabilities to score."""
    scores: dict[str, float | None] = {"accuracy": float(np.mean(top[:, 0] == targets)),
                                       "top5_accuracy": float(np.mean((top == targets[:, None]).any(axis=1))),
                                       "perplexity": None}
    if probabilities is not None:
        chosen = np.clip(probabilities[np.arange(len(targets)), targets], 1e-12, None)
        scores["perplexity"] = float(np.exp(-np.mean(np.log(chosen))))
    return scores


def bigram_guesses(prepared: PreparedText) -> np.ndarray:
    """The baseline: the tokens that most often followed the previous one in the training pairs: (pairs, TOP_K).

    An unseen previous token falls back to the overall most frequent tokens.
    It has no perplexity: a count table gives unseen pairs probability 0.
    """
    followers: dict[int, Counter] = {}
    for previous, following in zip(prepared.x_train[:, -1].tolist(), prepared.y_train.tolist(), strict=True):
        followers.setdefault(previous, Counter())[following] += 1
    overall = [t for t, _ in Counter(prepared.y_train.tolist()).most_common(TOP_K)]
    ranked = {previous: [t for t, _ in counts.most_common(TOP_K)] for previous, counts in followers.items()}
    rows = [ranked.get(previous, overall) for previous in prepared.x_validation[:, -1].tolist()]
    return np.array([row + [-1] * (TOP_K - len(row)) for row in rows])  # -1: no guess


def pair_documents(documents: list[list[int]]) -> np.ndarray:
    """Which document each pair of :func:`make_pairs` comes from: pairs of one document rise and fall together."""
    return np.repeat(np.arange(len(documents)), [len(document) for document in documents])


@dataclass(frozen=True)
class TextResult:
    """What the text page shows about one trained model: scores on held-out documents, and its vocabulary."""

    metrics: dict[str, dict[str, float | None]]  # scorer ("model", "bigram") -> accuracy, top5_accuracy, perplexity
    vocabulary: Vocabulary
    verdict: Verdict  # the model against the bigram rule, tokens of one document resampled together


def fit_text_model(prepared: PreparedText, settings: TextSettings,
                   on_epoch_end: EpochFn | None = None) -> TrainResult[TextResult]:
    """Train the next-token model on the training pairs; score it and the bigram baseline on validation pairs."""
    def build() -> keras.Model:
        return build_text_model(prepared.vocabulary.size, settings.context_length, settings.embedding_dim,
                                settings.cell, settings.units, settings.layers, settings.dropout)

    result = train(build, prepared.x_train, prepared.y_train, settings, loss="sparse_categorical_crossentropy",
                   metrics=["accuracy"], validation=(prepared.x_validation, prepared.y_validation),
                   on_epoch_end=on_epoch_end)
    probabilities = predict(result.model, prepared.x_validation, batch_size=1024)
    targets = prepared.y_validation
    guesses = {"model": top_guesses(probabilities), "bigram": bigram_guesses(prepared)}
    metrics = {"model": next_token_scores(guesses["model"], targets, probabilities),
               "bigram": next_token_scores(guesses["bigram"], targets)}
    documents = pair_documents(prepared.validation_documents)
    model_hits = guesses["model"][:, 0] == targets
    comparison = compare(model_hits, guesses["bigram"][:, 0] == targets, "accuracy", higher_is_better=True,
                         groups=documents, seed=settings.seed)
    found = verdict(comparison, "model", "the bigram rule", f"{len(targets):,} tokens of "
                    f"{len(prepared.validation_documents):,} held-out documents", percent_metric=True)
    return replace(result, details=TextResult(metrics, prepared.vocabulary, found),
                   scores={"validation accuracy": metrics["model"]["accuracy"],
                           "bigram accuracy": metrics["bigram"]["accuracy"]},
                   score_noise={"validation accuracy": standard_error(model_hits, documents, settings.seed)})


# ---------------------------------------------------------------- generation


def sample_next(probabilities: np.ndarray, strategy: str, temperature: float, top_k: int,
                rng: np.random.Generator) -> int:
    """The index of the next token, picked from the model's probabilities as ``strategy`` says.

    Padding and [UNK] are never picked: they are not text. Temperature
    reshapes the odds as p^(1/T), renormalised, which tends to greedy as T → 0.
    """
    p = np.asarray(probabilities, dtype=np.float64).copy()
    p[:2] = 0.0
    if strategy == "greedy":
        return int(np.argmax(p))
    if strategy == "top-k":
        p[np.argsort(-p)[top_k:]] = 0.0
    logits = np.log(np.clip(p, 1e-300, None)) / temperature
    weights = np.where(p > 0, np.exp(logits - logits[p > 0].max()), 0.0)
    return int(rng.choice(len(p), p=weights / weights.sum()))


@dataclass(frozen=True)
class Generation:
    """One generated continuation and what the page explains about it."""

    seed_tokens: list[str]
    unknown: list[str]  # seed tokens outside the vocabulary, read as [UNK]
    tokens: list[str]  # the generated tokens only
    probabilities: list[float]  # the model's probability of each generated token when it was picked
    candidates: list[tuple[str, float]]  # the most likely tokens right after the seed
    text: str  # seed and continuation together


def generate(model: keras.Model, vocabulary: Vocabulary, level: str, seed_text: str,
             settings: GenerationSettings, context_length: int) -> Generation:
    """Continue ``seed_text`` one token at a time, each picked from the model's next-token distribution.

    A seed over ``SEED_MAX_CHARS`` is refused in words rather than cut: the
    visitor would not see which part was read.
    """
    if len(seed_text) > SEED_MAX_CHARS:
        raise ValueError(f"The seed text has {len(seed_text):,} characters; at most {SEED_MAX_CHARS} are read. "
                         "Shorten it: the model reads only its last few words anyway.")
    seed_tokens = tokenize(seed_text, level)
    index = vocabulary.index()
    context = vocabulary.encode(seed_tokens)
    rng = np.random.default_rng(settings.sampling_seed)
    tokens, chosen_probabilities, candidates = [], [], []
    for step in range(settings.num_words):
        window = ([0] * context_length + context)[-context_length:]
        probabilities = predict(model, np.array([window], np.int32))[0]
        if step == 0:
            top = np.argsort(-probabilities[2:])[:max(settings.top_k, 10)] + 2
            candidates = [(shown(vocabulary.tokens[i]), float(probabilities[i])) for i in top]
        picked = sample_next(probabilities, settings.strategy, settings.temperature, settings.top_k, rng)
        context.append(picked)
        tokens.append(vocabulary.tokens[picked])
        chosen_probabilities.append(float(probabilities[picked]))
    return Generation(seed_tokens, sorted({t for t in seed_tokens if t not in index}), tokens,
                      chosen_probabilities, candidates, join_tokens(seed_tokens + tokens, level))


# ---------------------------------------------------------------- memorisation


@dataclass(frozen=True)
class Memorisation:
    """How much of a generated text is copied from the training text."""

    longest_run: int  # tokens in the longest stretch found word for word in one training document
    copied: str  # that stretch
    seen_4gram_share: float | None  # share of the generated 4-grams that occur in training; None if < 4 tokens
    loop: str | None  # a stretch repeated three times in a row, if the output loops


def _as_text(indices: list[int]) -> str:
    """Token indices as one character each, so substring search finds runs of tokens."""
    return "".join(chr(i) for i in indices)


def training_text(documents: list[list[int]]) -> str:
    """All training documents in one string; chr(0) (padding, never a token) keeps runs inside one document."""
    return "\x00".join(_as_text(doc) for doc in documents)


def memorisation_check(generated: list[int], corpus: str, vocabulary: Vocabulary, level: str) -> Memorisation:
    """Longest copied run (binary search on its length), share of 4-grams seen, and any loop."""
    text = _as_text(generated)
    low, high, copied = 0, len(text), ""
    while low < high:  # a run of length n copied implies one of every shorter length
        middle = (low + high + 1) // 2
        found = next((text[i : i + middle] for i in range(len(text) - middle + 1) if text[i : i + middle] in corpus),
                     None)
        if found is None:
            high = middle - 1
        else:
            low, copied = middle, found
    grams = [text[i : i + 4] for i in range(len(text) - 3)]
    share = float(np.mean([gram in corpus for gram in grams])) if grams else None
    loop = find_loop(generated)
    return Memorisation(low, join_tokens(vocabulary.decode([ord(c) for c in copied]), level), share,
                        join_tokens(vocabulary.decode(loop), level) if loop else None)


def find_loop(tokens: list[int]) -> list[int] | None:
    """The shortest stretch that appears three times in a row, if any (the output is going round in circles)."""
    for period in range(1, len(tokens) // 3 + 1):
        for start in range(len(tokens) - 3 * period + 1):
            unit = tokens[start : start + period]
            if tokens[start + period : start + 2 * period] == unit == tokens[start + 2 * period : start + 3 * period]:
                return unit
    return None


# ---------------------------------------------------------------- the embedding space


def word_group(token: str) -> str:
    """The built-in corpus group a word belongs to ('colour', 'material', …), else 'other'."""
    for group, entries in WORD_GROUPS.items():
        if any(token in entry.split() and token not in ("a", "an") for entry in entries):
            return group
    return "other"


def probe_token(vocabulary: Vocabulary) -> str:
    """The token whose neighbours the page lists first: the most frequent grouped word (a colour, a material…)."""
    tokens = [t for t in vocabulary.tokens[2:] if t.strip()]
    return next((t for t in tokens if word_group(t) != "other"), tokens[0] if tokens else vocabulary.tokens[2])


def embedding_projection(model: keras.Model, vocabulary: Vocabulary, dimensions: int = 2,
                         max_tokens: int = 300) -> pd.DataFrame:
    """The ``max_tokens`` most frequent tokens' embeddings projected on their first principal components."""
    weights = np.asarray(model.get_layer("embedding").get_weights()[0])[2 : 2 + max_tokens]  # (tokens, dim)
    centred = weights - weights.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    projected = centred @ components[:dimensions].T  # (tokens, dimensions)
    tokens = list(vocabulary.tokens[2 : 2 + len(weights)])
    frame = pd.DataFrame(projected, columns=["x", "y", "z"][:dimensions])
    return frame.assign(token=[shown(t) for t in tokens], group=[word_group(t) for t in tokens],
                        count=vocabulary.counts[2 : 2 + len(weights)])


def nearest_tokens(model: keras.Model, vocabulary: Vocabulary, token: str, count: int = 8) -> pd.DataFrame:
    """The tokens whose embeddings point most nearly the same way as ``token``'s (cosine similarity)."""
    weights = np.asarray(model.get_layer("embedding").get_weights()[0])[2:]  # padding and [UNK] left out
    unit = weights / np.clip(np.linalg.norm(weights, axis=1, keepdims=True), 1e-12, None)
    position = vocabulary.index()[token] - 2
    similarity = unit @ unit[position]
    order = [i for i in np.argsort(-similarity) if i != position][:count]
    return pd.DataFrame({"token": [shown(vocabulary.tokens[i + 2]) for i in order],
                         "cosine similarity": similarity[order].round(3)})


def embedding_story(points: pd.DataFrame, word: str, neighbours: pd.DataFrame) -> str:
    """The embedding plot's caption, from what it shows: how many tokens, what the colours are, the word's
    nearest neighbours."""
    grouped = "; colours are the word groups of the built-in descriptions" if points["group"].nunique() > 1 else ""
    nearest = ", ".join(f"“{token}”" for token in neighbours["token"].head(3))
    return (f"The {len(points)} most frequent tokens{grouped}. Tokens the model uses in the same places end up "
            f"near each other: the nearest to “{word}” are {nearest}.")


def score_table(metrics: dict[str, dict[str, float]]) -> pd.DataFrame:
    """The model's and the baseline's scores as the page prints them (a dash where a score does not exist)."""
    def shown(scores: dict[str, float]) -> dict[str, str]:
        perplexity = scores.get("perplexity")
        return {"accuracy": f"{scores['accuracy']:.1%}", "top-5 accuracy": f"{scores['top5_accuracy']:.1%}",
                "perplexity": "—" if perplexity is None else f"{perplexity:.2f}"}

    return pd.DataFrame({name: shown(scores) for name, scores in metrics.items()}).T
