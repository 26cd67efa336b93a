"""Next-word text generation: tokens, n-gram training pairs, an Embedding + recurrent model, sampling.

The steps are written out (rather than hidden in ``TextVectorization``) because
the page shows each one: the vocabulary table, the padded pairs, the split. The
tokenizer is checked against ``TextVectorization`` in the tests. Labels stay
sparse (one index per pair): a one-hot matrix of pairs × vocabulary would be
the largest object in memory and buys nothing.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import keras
import numpy as np
import pandas as pd

from core.corpus import SplitReport, held_out_indices, split_documents
from core.datasets import WORD_GROUPS
from core.next_token import (
    CHUNK_ROWS,
    UNKNOWN_INDEX,
    NextTokenScores,
    ScoreTally,
    known_log_loss,
    log_losses,
    tally,
    target_ranks,
)
from core.ngram import MAX_ORDER, BigramRule, KneserNey, NgramCounts, choose_kneser_ney, windows
from core.recurrent import cell_knob, dropout_knob, layers_knob, recurrent_stack, units_knob
from core.settings import batch_size_knob, epochs_knob, knob, learning_rate_knob
from core.training import EpochFn, TrainingSettings, TrainResult, predict, tell, train
from core.uploads import check_text, decode_upload, parse_csv
from core.verdicts import CONFIDENCE, MIN_RELATIVE_GAIN, Verdict, Winner, compare, standard_error, verdict

LEVELS = ("word", "character")
PADDING, OUT_OF_VOCABULARY = "", "[UNK]"  # indices 0 and 1, as in keras.layers.TextVectorization
STRATEGIES = ("greedy", "temperature", "top-k")
MAX_UPLOAD_MB = 2
MIN_TRAINING_PAIRS = 200
HELD_OUT_SHARE = 0.2  # of the distinct documents: half validation, half test
MIX_WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)  # the network's share, chosen on validation
MIN_COUNT = 2  # a token enters the vocabulary only when training text holds it at least this often
TOP_K = 5
SEED_MAX_CHARS = 200
Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (network windows, n-gram windows) -> (rows, V)
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


def ranked_tokens(documents: list[list[str]], count: int, min_count: int = 1) -> list[tuple[str, int]]:
    """The ``count`` most frequent tokens seen at least ``min_count`` times, with their counts, most frequent
    first, ties alphabetically.

    Ties are broken by the token itself, so the same text always gives the
    same numbering, whatever order Python's counter met the tokens in.
    """
    counted = Counter(token for document in documents for token in document)
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return [(token, n) for token, n in ranked if n >= min_count][:count]


@dataclass(frozen=True)
class Vocabulary:
    """Token ↔ index. 0 is padding, 1 stands for every token outside the vocabulary."""

    tokens: tuple[str, ...]
    counts: tuple[int, ...]  # how often each token occurs in the training text (0 for the two specials)
    eligible: int = 0  # training tokens seen often enough to enter; more than fit when the size cap bites

    @classmethod
    def build(cls, documents: list[list[str]], max_size: int, min_count: int = 1) -> Vocabulary:
        """The ``max_size`` - 2 most frequent tokens seen ``min_count`` times (ties alphabetically), after
        padding and [UNK]."""
        eligible = ranked_tokens(documents, 10**9, min_count)
        ranked = eligible[: max_size - 2]
        return cls((PADDING, OUT_OF_VOCABULARY, *(t for t, _ in ranked)), (0, 0, *(c for _, c in ranked)),
                   len(eligible))

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


@dataclass(frozen=True)
class TextSplit:
    """Distinct training, validation and test documents, and what the honest split did (core.corpus)."""

    train: tuple[str, ...]
    validation: tuple[str, ...]  # early stopping, the n-gram's order and the mixture weight are chosen here
    test: tuple[str, ...]  # every score the page prints is measured here, on documents nothing was chosen on
    report: SplitReport  # its validation count is validation and test together (the held-out documents)


def split_text(documents: list[str], seed: int) -> TextSplit:
    """Deduplicate, then hold out ``HELD_OUT_SHARE`` of the documents (by document), half validation, half test.

    Deduplication comes first (core.corpus), so a repeated line can never be on
    both sides. Test is apart from validation because validation is used to
    choose things (when to stop, the n-gram's order, the mixture weight):
    scores on it would flatter what was chosen on it.
    """
    split = split_documents(documents, seed, HELD_OUT_SHARE)
    held = split.validation
    if len(held) < 2:
        removed = split.report.duplicates_removed
        raise ValueError(f"{'After removing ' + format(removed, ',') + ' repeated lines, t' if removed else 'T'}he "
                         f"text is too short to hold out a document to validate and another to test: at least "
                         f"{MIN_TRAINING_PAIRS} different words are needed. Upload a longer text with different "
                         "lines, or use the built-in descriptions.")
    tested = set(held_out_indices(len(held), 0.5, seed).tolist())
    return TextSplit(split.train, tuple(d for i, d in enumerate(held) if i not in tested),
                     tuple(d for i, d in enumerate(held) if i in tested), split.report)


@dataclass(frozen=True)
class PreparedText:
    """The corpus as the model sees it: vocabulary, padded pairs, and the held-out split."""

    vocabulary: Vocabulary
    split: TextSplit
    train_documents: list[list[int]]
    validation_documents: list[list[int]]
    test_documents: list[list[int]]
    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def prepare_text(documents: list[str], settings: TextSettings) -> PreparedText:
    """Split by document (repeats removed first), tokenize, build the vocabulary on training only, make pairs.

    The vocabulary is the training tokens seen at least ``MIN_COUNT`` times, at
    most ``max_vocabulary``: a word seen once cannot be learned, and a word seen
    only in validation or test is [UNK] to the model, as a new word would be.
    """
    split = split_text(documents, settings.seed)
    tokenized = [[tokenize(d, settings.level) for d in part] for part in (split.train, split.validation, split.test)]
    tokenized = [[document for document in part if document] for part in tokenized]
    total = sum(map(len, tokenized[0]))
    if total < MIN_TRAINING_PAIRS or not tokenized[1] or not tokenized[2]:
        tokens = f"{total} {settings.level}{'' if total == 1 else 's'}"
        removed = split.report.duplicates_removed
        raise ValueError(f"After removing {removed:,} repeated line{'' if removed == 1 else 's'} and holding out "
                         f"documents, the training text has {tokens}; "
                         f"at least {MIN_TRAINING_PAIRS} are needed to learn anything. Upload a longer text with "
                         "different lines, or use the built-in descriptions.")
    vocabulary = Vocabulary.build(tokenized[0], settings.max_vocabulary, MIN_COUNT)
    if vocabulary.size == 2:
        raise ValueError(f"No {settings.level} occurs {MIN_COUNT} times in the training text, so there is nothing "
                         "to learn to predict (every token is new each time, like a list of different numbers). "
                         "Upload a text in which words repeat, such as sentences of prose.")
    encoded = [[vocabulary.encode(doc) for doc in part] for part in tokenized]
    pairs = [make_pairs(part, settings.context_length) for part in encoded]
    return PreparedText(vocabulary, split, *encoded, *pairs[0], *pairs[1], *pairs[2])


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


@dataclass(frozen=True)
class Mixture:
    """The page's model: the network's next-token distribution mixed with a Kneser–Ney n-gram's,
    p = w · p_network + (1 − w) · p_Kneser–Ney.

    On real prose a small network alone does not beat Kneser–Ney (it forgets
    rare exact phrases the counts keep); mixed with it, it does
    (bench/TEXTGEN_RESEARCH.md). The weight ``w`` is chosen on validation.
    """

    network: keras.Model
    kneser_ney: KneserNey
    weight: float  # the network's share
    context_length: int  # the network's window

    def probabilities(self, windows_: np.ndarray, short_windows: np.ndarray) -> np.ndarray:
        """(rows, V): ``windows_`` are the network's contexts, ``short_windows`` the n-gram's (last MAX_ORDER − 1)."""
        network = predict(self.network, windows_, batch_size=1024)
        return self.weight * network + (1 - self.weight) * self.kneser_ney.probabilities(short_windows)

    def next_probabilities(self, context: list[int]) -> np.ndarray:
        """(V,): the distribution of the token after ``context`` (token indices, padded in front as in training)."""
        padded = [0] * max(self.context_length, MAX_ORDER - 1) + context
        window = np.array([padded[-self.context_length:]], np.int32)
        short = np.array([padded[-(MAX_ORDER - 1):]], np.int64)
        return self.probabilities(window, short)[0]


def choose_weight(network: np.ndarray, counts: np.ndarray, targets: np.ndarray) -> dict[float, float]:
    """Validation log loss (sum over known targets) of each mixture weight in ``MIX_WEIGHTS``, for one chunk."""
    real = 1.0 - network[:, 0] - network[:, 1], 1.0 - counts[:, 0] - counts[:, 1]
    rows = np.arange(len(targets))
    return {w: known_log_loss(w * network[rows, targets] + (1 - w) * counts[rows, targets],
                              w * real[0] + (1 - w) * real[1], targets)[0] for w in MIX_WEIGHTS}


def first_guess_hits(probabilities: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per known (non-[UNK]) target: 1.0 when it was the first real-token guess (the accuracy rule of
    core.next_token), for the paired verdict."""
    known = targets != UNKNOWN_INDEX
    return (target_ranks(probabilities[known], targets[known]) == 0).astype(float)


@dataclass(frozen=True)
class HeldOut:
    """One held-out part's pairs in the two shapes the scorers read, and each pair's document."""

    windows: np.ndarray  # (pairs, context_length): the network's contexts
    short_windows: np.ndarray  # (pairs, MAX_ORDER − 1): the n-grams' contexts, the same pairs in the same order
    targets: np.ndarray  # (pairs,)
    documents: np.ndarray  # (pairs,) which document each pair comes from: the verdict resamples documents

    @classmethod
    def of(cls, documents: list[list[int]], windows_: np.ndarray, targets: np.ndarray) -> HeldOut:
        short, _ = windows(documents, MAX_ORDER - 1)
        return cls(windows_, short, targets, pair_documents(documents))

    def chunks(self, rows: int = CHUNK_ROWS):
        """Slices of at most ``rows`` pairs: a whole held-out set × vocabulary of floats can be gigabytes."""
        return (slice(start, start + rows) for start in range(0, len(self.targets), rows))


def mixture_weight(network: keras.Model, kneser_ney: KneserNey, validation: HeldOut) -> float:
    """The weight of ``MIX_WEIGHTS`` with the lowest validation perplexity (known targets)."""
    losses = dict.fromkeys(MIX_WEIGHTS, 0.0)
    for rows in validation.chunks():
        found = choose_weight(predict(network, validation.windows[rows], batch_size=1024),
                              kneser_ney.probabilities(validation.short_windows[rows]), validation.targets[rows])
        losses = {w: losses[w] + found[w] for w in MIX_WEIGHTS}
    return min(MIX_WEIGHTS, key=lambda w: (losses[w], w))


@dataclass(frozen=True)
class PerPair:
    """Each scorer's result on every known test target, in pair order: what a paired comparison resamples."""

    hits: dict[str, np.ndarray]  # 1.0 where the target was the first guess
    log_losses: dict[str, np.ndarray]  # −ln p(target), the perplexity rule's


def held_out_scores(scorers: dict[str, Scorer], test: HeldOut) -> tuple[dict[str, NextTokenScores], PerPair]:
    """Every scorer's scores on the test pairs by the one rule (core.next_token), and its per-pair first-guess
    hits and log losses on known targets."""
    tallies = dict.fromkeys(scorers, ScoreTally())
    hits: dict[str, list[np.ndarray]] = {name: [] for name in scorers}
    losses: dict[str, list[np.ndarray]] = {name: [] for name in scorers}
    for rows in test.chunks():
        for name, scorer in scorers.items():
            p = scorer(test.windows[rows], test.short_windows[rows])
            tallies[name] = tallies[name] + tally(p, test.targets[rows])
            hits[name].append(first_guess_hits(p, test.targets[rows]))
            losses[name].append(log_losses(p, test.targets[rows]))
    def joined(chunks: dict[str, list[np.ndarray]]) -> dict[str, np.ndarray]:
        return {name: np.concatenate(parts) for name, parts in chunks.items()}

    return {name: t.scores() for name, t in tallies.items()}, PerPair(joined(hits), joined(losses))


def pair_documents(documents: list[list[int]]) -> np.ndarray:
    """Which document each pair of :func:`make_pairs` comes from: pairs of one document rise and fall together."""
    return np.repeat(np.arange(len(documents)), [len(document) for document in documents])


BASELINE_NAMES = {"bigram": "the bigram rule"}


def scorer_name(name: str) -> str:
    """A scorer's key as a sentence names it: "kneser_ney_5gram" → "the Kneser–Ney 5-gram"."""
    if name.startswith("kneser_ney_"):
        return f"the Kneser–Ney {name.removeprefix('kneser_ney_').replace('gram', '-gram')}"
    return BASELINE_NAMES.get(name, name)


@dataclass(frozen=True)
class PerplexityComparison:
    """The model's perplexity against the n-gram's on the same test tokens, by the verdicts' rule.

    The paired bootstrap (documents resampled whole) runs on the mean log loss,
    whose exponential is perplexity, so "x % lower" and its interval are
    1 − exp(−difference). Better needs the interval above zero and a
    perplexity at least ``MIN_RELATIVE_GAIN`` lower, as an error must be.
    """

    baseline: str  # "the Kneser–Ney 5-gram"
    model: float
    baseline_perplexity: float
    lower_by: float  # the model's perplexity is this share lower than the baseline's (negative: higher)
    low: float  # the CONFIDENCE interval of lower_by; NaN with too few documents
    high: float
    winner: Winner

    def sentence(self) -> str:
        """The comparison in words, drawn from the numbers: a margin before "better"."""
        scores = f"Perplexity: the model {self.model:.1f}, {self.baseline} {self.baseline_perplexity:.1f}"
        if math.isnan(self.low):
            return f"{scores}; too few test documents to tell the two apart."
        interval = f"{changed(self.lower_by)} ({CONFIDENCE:.0%} sure {between(self.low, self.high)})"
        judged = {"model": "so by this measure the model is better: on average it gives the word that really "
                           "comes next more probability",
                  "baseline": f"so by this measure {self.baseline} is better: on average it gives the word that "
                              "really comes next more probability",
                  "tie": (f"a steady difference but under {MIN_RELATIVE_GAIN:.0%}, too small to call either better"
                          if self.low > 0 or self.high < 0 else "within the noise, so neither is better") +
                         " by this measure"}
        return f"{scores}: {interval}, {judged[self.winner]}."

    def as_json(self) -> dict[str, object]:
        """What the command line prints under "perplexity_verdict"."""
        return {"winner": self.winner, "baseline": self.baseline, "model": self.model,
                "baseline_perplexity": self.baseline_perplexity, "lower_by": self.lower_by,
                "interval": None if math.isnan(self.low) else [self.low, self.high], "confidence": CONFIDENCE,
                "min_lower_by": MIN_RELATIVE_GAIN, "sentence": self.sentence()}


def share(value: float) -> str:
    """A share as a percentage, with a decimal below 10 % so small ones stay apart: 0.14 → "14%", 0.008 → "0.8%"."""
    return f"{abs(value):.1%}" if abs(value) < 0.1 else f"{abs(value):.0%}"


def changed(lower_by: float) -> str:
    """A share by which one perplexity is below another, in words: 0.14 → "14% lower", −0.05 → "5.0% higher"."""
    return f"{share(lower_by)} {'lower' if lower_by >= 0 else 'higher'}"


def between(low: float, high: float) -> str:
    """An interval of :func:`changed` shares in words: "between 9.0% and 19% lower", "between 2.0% higher and 8.0%
    lower"."""
    if low >= 0 or high < 0:
        ends = sorted((abs(low), abs(high)))
        return f"between {share(ends[0])} and {share(ends[1])} {'lower' if low >= 0 else 'higher'}"
    return f"between {changed(low)} and {changed(high)}"


def perplexity_comparison(losses: PerPair, test: HeldOut, ngram: str, seed: int) -> PerplexityComparison:
    """The model against the n-gram ``ngram`` in perplexity, test documents resampled together."""
    groups = test.documents[test.targets != UNKNOWN_INDEX]
    found = compare(losses.log_losses["model"], losses.log_losses[ngram], "log loss", higher_is_better=False,
                    groups=groups, seed=seed)
    found = replace(found, min_gain=-math.log(1 - MIN_RELATIVE_GAIN))  # in log loss: that share off perplexity

    def lower(nats: float) -> float:
        return 1 - math.exp(-nats)

    return PerplexityComparison(scorer_name(ngram), math.exp(found.model), math.exp(found.baseline),
                                lower(found.difference), lower(found.low), lower(found.high), found.winner)


@dataclass(frozen=True)
class TextResult:
    """What the text page shows about one trained model: scores on held-out test documents, and its vocabulary."""

    metrics: dict[str, dict[str, float | int | None]]  # scorer ("model", "network", "kneser_ney_4gram", "bigram")
    vocabulary: Vocabulary
    verdict: Verdict  # the model against the strongest baseline, tokens of one document resampled together
    perplexity: PerplexityComparison  # the model against the n-gram in perplexity, by the same rule
    mixture: Mixture  # what generates: the network mixed with the n-gram
    split: dict[str, int | float]  # the split's counts, as the command line prints them


def split_counts(prepared: PreparedText, unknown_target_share: float) -> dict[str, int | float]:
    """The split in numbers: documents per part, repeats removed, leaks (0), and the share of [UNK] test targets."""
    report = prepared.split.report
    return {"train_documents": len(prepared.split.train), "validation_documents": len(prepared.split.validation),
            "test_documents": len(prepared.split.test), "duplicates_removed": report.duplicates_removed,
            "exact_duplicates": report.exact_duplicates, "near_duplicates": report.near_duplicates,
            "blocks": report.blocks, "leaked_documents": report.leaked_documents,
            "unknown_target_share": unknown_target_share}


def strongest_verdict(metrics: dict[str, NextTokenScores], per_pair: PerPair, test: HeldOut,
                      baselines: list[str], seed: int) -> Verdict:
    """The model against the baseline with the best test accuracy, documents resampled together (core.verdicts)."""
    strongest = max(baselines, key=lambda name: (metrics[name].accuracy, name))
    groups = test.documents[test.targets != UNKNOWN_INDEX]
    comparison = compare(per_pair.hits["model"], per_pair.hits[strongest], "accuracy on known words",
                         higher_is_better=True, groups=groups, seed=seed)
    on_what = (f"{metrics['model'].known_pairs:,} known-word tokens of {len(np.unique(test.documents)):,} "
               "held-out test documents")
    return verdict(comparison, "model", scorer_name(strongest), on_what, percent_metric=True,
                   groups_named="test documents", remedy="A longer text gives more.")


def results_story(details: TextResult) -> str:
    """The score table's caption, from the result: what was scored, the unknown share, what the mix is made of."""
    model, split, mixture = details.metrics["model"], details.split, details.mixture
    kneser_ney = mixture.kneser_ney
    return (f"Scores on {split['test_documents']:,} test documents ({model['pairs']:,} tokens) that nothing was "
            f"trained or chosen on. {model['unknown_target_share']:.1%} of those tokens are outside the vocabulary "
            f"([UNK]): they are never counted as a hit, so every score is over the other {model['known_pairs']:,}. "
            f"The model is {mixture.weight:.0%} network and {1 - mixture.weight:.0%} Kneser–Ney "
            f"{kneser_ney.order}-gram (discount {kneser_ney.discount}): the mix, the order and the discount that did "
            f"best on the {split['validation_documents']:,} validation documents. The Kneser–Ney n-gram counts "
            "which words followed the last few words in training, falling back on shorter contexts; the bigram rule "
            "guesses the token that most often followed the previous one, and has no perplexity because it gives "
            "unseen pairs no chance at all.")


def fit_text_model(prepared: PreparedText, settings: TextSettings,
                   on_epoch_end: EpochFn | None = None) -> TrainResult[TextResult]:
    """Train the network; count the n-grams; mix the two on validation; score all four on test documents.

    The Kneser–Ney order and discount and the mixture weight are chosen on
    validation documents, early stopping reads validation loss too; the test
    documents are touched only to score, so no score flatters a choice.
    """
    def build() -> keras.Model:
        return build_text_model(prepared.vocabulary.size, settings.context_length, settings.embedding_dim,
                                settings.cell, settings.units, settings.layers, settings.dropout)

    result = train(build, prepared.x_train, prepared.y_train, settings, loss="sparse_categorical_crossentropy",
                   metrics=["accuracy"], validation=(prepared.x_validation, prepared.y_validation),
                   on_epoch_end=on_epoch_end)
    tell(on_epoch_end, "Counting n-grams and choosing the mixture on validation documents…")
    counts = NgramCounts.count(prepared.train_documents, prepared.vocabulary.size)
    validation = HeldOut.of(prepared.validation_documents, prepared.x_validation, prepared.y_validation)
    kneser_ney = choose_kneser_ney(counts, validation.short_windows, validation.targets).model
    mixture = Mixture(result.model, kneser_ney, mixture_weight(result.model, kneser_ney, validation),
                      settings.context_length)
    test = HeldOut.of(prepared.test_documents, prepared.x_test, prepared.y_test)
    bigram = BigramRule(counts)
    scorers: dict[str, Scorer] = {"model": mixture.probabilities,
                                  "network": lambda w, _: predict(result.model, w, batch_size=1024),
                                  kneser_ney.name: lambda _, s: kneser_ney.probabilities(s),
                                  "bigram": lambda _, s: bigram.probabilities(s)}
    metrics, per_pair = held_out_scores(scorers, test)
    metrics["bigram"] = replace(metrics["bigram"], perplexity=None)  # a count table gives unseen pairs p = 0
    found = strongest_verdict(metrics, per_pair, test, [kneser_ney.name, "bigram"], settings.seed)
    details = TextResult({name: asdict(m) for name, m in metrics.items()}, prepared.vocabulary, found,
                         perplexity_comparison(per_pair, test, kneser_ney.name, settings.seed), mixture,
                         split_counts(prepared, metrics["model"].unknown_target_share))
    groups = test.documents[test.targets != UNKNOWN_INDEX]
    return replace(result, details=details,
                   scores={"test accuracy": metrics["model"].accuracy,
                           "n-gram accuracy": metrics[kneser_ney.name].accuracy},
                   score_noise={"test accuracy": standard_error(per_pair.hits["model"], groups, settings.seed)})


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


def generate(model: Mixture, vocabulary: Vocabulary, level: str, seed_text: str,
             settings: GenerationSettings) -> Generation:
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
        probabilities = model.next_probabilities(context)
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


EMBEDDING_TOKENS = 300  # the most frequent tokens the embedding plot draws; more pile up


def probe_token(vocabulary: Vocabulary) -> str:
    """The token whose neighbours the page lists first, among those the embedding plot draws: the most frequent
    grouped word (a colour, a material…), else the most frequent word of at least four letters (a content word
    rather than "the").

    Drawn tokens only: a visitor's text may hold a rare "top" or "side", which
    the built-in groups know, but the plot would not show it.
    """
    tokens = [t for t in vocabulary.tokens[2 : 2 + EMBEDDING_TOKENS] if t.strip()]
    grouped = (t for t in tokens if word_group(t) != "other")
    long_words = (t for t in tokens if len(t) >= 4 and t.isalpha())
    return next(grouped, next(long_words, tokens[0] if tokens else vocabulary.tokens[2]))


def seed_suggestion(prepared: PreparedText, level: str, words: int = 2) -> str:
    """The page's default seed, drawn from the corpus: the most common opening of a training document.

    The first ``words`` tokens (word level; the first word's letters at
    character level) of the most documents, ties alphabetically, with no
    [UNK] in it, so the default never warns about unknown words.
    """
    vocabulary = prepared.vocabulary
    decoded = (vocabulary.decode(document) for document in prepared.train_documents)
    if level == "character":
        openings = ["".join(d).split(" ")[0] for d in decoded]
    else:
        openings = [" ".join(d[:words]) for d in decoded]
    counted = Counter(o for o in openings if o and OUT_OF_VOCABULARY not in o)
    return min(counted.items(), key=lambda item: (-item[1], item[0]))[0] if counted else ""


def embedding_projection(model: keras.Model, vocabulary: Vocabulary, dimensions: int = 2,
                         max_tokens: int = EMBEDDING_TOKENS) -> pd.DataFrame:
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


LABELLED_TOKENS = 25  # at most this many frequent tokens keep a label on the embedding plot; the rest hover
# A label's size as a share of the plot's spread: about 7 px a character and 16 px a line, on a plot about 600 px
# wide (the page's column) and 540 px high (core.plots.plot_embedding's height less its margins)
CHARACTER_WIDTH, LINE_HEIGHT = 7 / 600, 16 / 540


def label_mask(points: pd.DataFrame, word: str, neighbours: pd.DataFrame, count: int = LABELLED_TOKENS) -> pd.Series:
    """Which tokens the embedding plot labels: the chosen word always, then its neighbours, then at most ``count``
    of the most frequent tokens, each only where its label would not overlap one already placed.

    Three hundred labels pile up into an unreadable blot in the middle; these
    few say what the space is about, and hovering names every other point. In
    3D, where what overlaps depends on how the visitor turns it, the chosen
    word, its neighbours and the ``count`` most frequent are labelled.
    """
    position = {token: i for i, token in enumerate(points["token"])}
    chosen = [position[token] for token in dict.fromkeys([word, *neighbours["token"]]) if token in position]
    frequent = [i for i in range(len(points)) if i not in chosen]
    kept = {*chosen, *frequent[:count]} if "z" in points else _labels_apart(points, word, chosen, frequent, count)
    return pd.Series([i in kept for i in range(len(points))], index=points.index)


def _labels_apart(points: pd.DataFrame, word: str, chosen: list[int], frequent: list[int], count: int) -> set[int]:
    """The rows of ``chosen``, then ``frequent`` (at most ``count`` of them), whose labels overlap no label kept
    before them; a label sits just above its point, as wide as its token."""
    x, y, tokens = points["x"].to_numpy(), points["y"].to_numpy(), points["token"].tolist()
    width, height = CHARACTER_WIDTH * (np.ptp(x) or 1.0), LINE_HEIGHT * (np.ptp(y) or 1.0)
    boxes: list[tuple[float, float, float, float]] = []  # left, right, bottom, top

    def placed(i: int) -> bool:
        """Put row ``i``'s label on the plot if it overlaps none there (the chosen word's always goes)."""
        half = len(tokens[i]) * width / 2
        box = (x[i] - half, x[i] + half, y[i], y[i] + height)
        if tokens[i] != word and any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3]
                                     for b in boxes):
            return False
        boxes.append(box)
        return True

    near = [i for i in chosen if placed(i)]
    common: list[int] = []
    for i in frequent:
        if len(common) == count:
            break
        if placed(i):
            common.append(i)
    return {*near, *common}


def embedding_story(points: pd.DataFrame, word: str, neighbours: pd.DataFrame) -> str:
    """The embedding plot's caption, from what it shows: how many tokens, what the colours are, which are labelled,
    the word's nearest neighbours (and whether the plot draws the word at all)."""
    grouped = "; colours are the word groups of the built-in descriptions" if points["group"].nunique() > 1 else ""
    drawn, labelled = set(points["token"]), set(points["token"][points["labelled"]])
    named = sum(token in labelled for token in neighbours["token"])
    frequent = len(labelled - {word, *neighbours["token"]})
    which = ", ".join([f"{frequent} of the most frequent tokens", *([f"“{word}”"] if word in drawn else []),
                       *([f"{named} of its nearest neighbours"] if named else [])])
    missing = "" if word in drawn else f" “{word}” is rarer than these, so it is not drawn."
    nearest = ", ".join(f"“{token}”" for token in neighbours["token"].head(3))
    return (f"The {len(points)} most frequent tokens{grouped}. Labelled where labels do not overlap: {which}; hover "
            f"over a point for the others.{missing} Tokens the model uses in the same places end up near each other: "
            f"the nearest to “{word}” are {nearest}.")


SCORER_ROWS = {"model": "model (network + counts)", "network": "network alone", "bigram": "bigram rule"}


def score_table(metrics: dict[str, dict[str, float | int | None]]) -> pd.DataFrame:
    """Every scorer's test scores as the page prints them (a dash where a score does not exist)."""
    def shown(scores: dict[str, float | int | None]) -> dict[str, str]:
        perplexity = scores.get("perplexity")
        return {"accuracy on known words": f"{scores['accuracy']:.1%}",
                "top-5 accuracy": f"{scores['top5_accuracy']:.1%}",
                "perplexity": "—" if perplexity is None else f"{perplexity:.2f}"}

    names = {name: SCORER_ROWS.get(name, scorer_name(name).removeprefix("the ")) for name in metrics}
    return pd.DataFrame({names[name]: shown(scores) for name, scores in metrics.items()}).T
