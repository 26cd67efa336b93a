"""Research prototypes: which recurrent next-word model beats Kneser–Ney on documents it never saw, and how fast.

Not used by the app. Every variant is scored by ``core.next_token`` on the
same validation pairs as the bigram rule and the Kneser–Ney n-gram built on the
same vocabulary, after the honest split of ``core.corpus``.

Two ways to train the same Embedding → recurrent → softmax model:

- *window* (today's page): one target per window of ``context_length`` tokens
  (``core.text.make_pairs``), the recurrent layer returning its last state.
- *sequence*: every position of a chunk of ``context_length`` tokens is a target
  (``return_sequences=True``, targets shifted by one, padding ignored by the
  loss), so one pass over a chunk teaches as many pairs as it has tokens.

Either way, a validation pair is scored from the window of the
``context_length`` tokens before its target (padded with 0 at the start of a
document), exactly as the page generates.

Usage: ``.venv/bin/python -m bench.textmodels TEXT VARIANT [VARIANT ...]`` — one JSON line per variant;
``TEXT`` is ``builtin`` or a name from ``bench.texts``; each VARIANT a JSON object of :class:`Recipe` fields, or
``recommended:CPU_SECONDS`` for :func:`corpus_recipe` with that budget.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass
from functools import cache

import keras
import numpy as np

from bench.texts import FOLDER, write_texts
from core import corpus, datasets
from core import text as tx
from core.next_token import NextTokenScores, next_token_scores
from core.ngram import BigramRule, NgramCounts, choose_kneser_ney, windows, yardstick_scores
from core.recurrent import CELLS
from core.training import predict, set_seed


@dataclass(frozen=True)
class Recipe:
    """One model-and-training variant; every field can be set from the command line."""

    mode: str = "sequence"  # "window" (one target per window) or "sequence" (a target at every position)
    level: str = "word"
    min_count: int = 2  # vocabulary: training tokens seen at least this often ...
    max_vocabulary: int = 5000  # ... at most this many (with padding and [UNK])
    context_length: int = 32
    embedding_dim: int = 64
    cell: str = "GRU"
    units: int = 128
    layers: int = 1
    dropout: float = 0.0  # on the recurrent layer's inputs (the embeddings)
    output_dropout: float = 0.0  # on the recurrent layer's outputs, before the softmax
    tied: bool = False  # output layer reuses the embedding matrix (a projection to embedding_dim first)
    learn_unknown: bool = False  # [UNK] targets in the loss (never scored); False: ignored like padding
    start_token: bool = True  # documents begin with a [START] input (index V) and padding is masked out
    batch_size: int = 32  # chunks (sequence) or windows (window) per step
    learning_rate: float = 0.003
    schedule: str = "constant"  # or "cosine": decays to 10 % over the epochs set
    ema: float = 0.0  # > 0: the weights kept are an exponential moving average with this momentum (Adam's use_ema)
    epochs: int = 30
    patience: int = 2  # early stopping on validation loss, best weights restored; 0: off
    time_budget_s: float = 60.0  # stop after the epoch that passes it
    cpu_budget_s: float = 0.0  # if > 0: stop after the epoch that passes this many CPU seconds instead (a loaded host)
    seed: int = 42


@dataclass(frozen=True)
class Prepared:
    """A text after the honest split, encoded with one vocabulary."""

    tokens: tuple[str, ...]
    train: list[list[int]]
    validation: list[list[int]]
    report: corpus.SplitReport


def read_lines(name: str) -> list[str]:
    if name == "builtin":
        return datasets.load_builtin_descriptions()
    path = FOLDER / f"{name}.txt"
    if not path.exists():
        write_texts()
    return path.read_text(encoding="utf-8").splitlines()


@cache
def prepare(name: str, level: str, min_count: int, max_vocabulary: int, seed: int = 42) -> Prepared:
    """Split, tokenize, and encode with the tokens seen ``min_count`` times in training (most frequent first)."""
    split = corpus.split_documents(read_lines(name), seed=seed)
    train = [tx.tokenize(d, level) for d in split.train]
    validation = [tx.tokenize(d, level) for d in split.validation]
    counted = Counter(t for doc in train for t in doc)
    ranked = [t for t, n in sorted(counted.items(), key=lambda item: (-item[1], item[0])) if n >= min_count]
    tokens = (tx.PADDING, tx.OUT_OF_VOCABULARY, *ranked[: max_vocabulary - 2])
    index = {t: i for i, t in enumerate(tokens)}
    encode = lambda docs: [[index.get(t, 1) for t in doc] for doc in docs if doc]  # noqa: E731
    return Prepared(tokens, encode(train), encode(validation), split.report)


@cache
def yardsticks(name: str, level: str, min_count: int, max_vocabulary: int, seed: int) -> dict:
    """Bigram and the chosen Kneser–Ney on this split's and vocabulary's validation pairs, with their seconds."""
    prepared = prepare(name, level, min_count, max_vocabulary, seed)
    started, cpu = time.perf_counter(), time.process_time()
    counts = NgramCounts.count(prepared.train, len(prepared.tokens))
    contexts, targets = windows(prepared.validation, 4)
    choice = choose_kneser_ney(counts, contexts, targets)
    kneser_ney = yardstick_scores(choice.model, contexts, targets)
    bigram = yardstick_scores(BigramRule(counts), contexts, targets)
    return {"kneser_ney": dataclasses.asdict(kneser_ney), "kn_order": choice.model.order,
            "kn_discount": choice.model.discount, "bigram": dataclasses.asdict(bigram),
            "seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}


def sequence_chunks(documents: list[list[int]], length: int, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Chunks of ``length`` (input, target) positions: input = previous token (0 before the first), target = token.

    A document shorter than a chunk is padded in front (targets 0: ignored by
    the loss), like the page's windows; a longer one is cut into chunks, the
    last one ending at the document's end, with targets already taught in the
    chunk before set to 0, so every token is a target exactly once.
    """
    xs, ys = [], []
    for doc in documents:
        inputs, targets = np.asarray([start, *doc[:-1]], np.int32), np.asarray(doc, np.int32)
        if len(doc) <= length:
            pad = np.zeros(length - len(doc), np.int32)
            xs.append(np.r_[pad, inputs])
            ys.append(np.r_[pad, targets])
            continue
        offsets = list(range(0, len(doc) - length + 1, length))
        for offset in offsets:
            xs.append(inputs[offset : offset + length])
            ys.append(targets[offset : offset + length])
        if offsets[-1] + length < len(doc):
            xs.append(inputs[-length:])
            last = targets[-length:].copy()
            last[: offsets[-1] + 2 * length - len(doc)] = 0  # already a target in the chunk before
            ys.append(last)
    return np.stack(xs), np.stack(ys)  # (chunks, length), (chunks, length)


class TiedSoftmax(keras.layers.Layer):
    """Output probabilities from the embedding matrix itself: softmax(h · Eᵀ + b)."""

    def __init__(self, embedding: keras.layers.Embedding, classes: int, **kwargs):
        super().__init__(**kwargs)
        self.embedding, self.classes = embedding, classes  # rows past ``classes`` ([START]) are inputs only

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(self.classes,), initializer="zeros", name="bias")

    def call(self, hidden):
        weights = self.embedding.embeddings[: self.classes]  # (classes, embedding_dim)
        logits = keras.ops.matmul(hidden, keras.ops.transpose(weights)) + self.bias
        return keras.ops.softmax(logits, axis=-1)


def build_models(vocabulary_size: int, recipe: Recipe) -> tuple[keras.Model, keras.Model]:
    """(model trained, model that predicts the next token from a window): the same layers, two heads."""
    inputs = keras.Input((None,), dtype="int32", name="context")  # (batch, steps)
    embedding = keras.layers.Embedding(vocabulary_size + recipe.start_token, recipe.embedding_dim,
                                       mask_zero=recipe.start_token, name="embedding")  # [START] is index V
    hidden = embedding(inputs)  # (batch, steps, embedding_dim)
    for layer in range(recipe.layers):
        hidden = CELLS[recipe.cell](recipe.units, return_sequences=True, dropout=recipe.dropout,
                                    name=f"recurrent_{layer + 1}")(hidden)  # (batch, steps, units)
    dropout = keras.layers.Dropout(recipe.output_dropout)
    if recipe.tied:
        projection = keras.layers.Dense(recipe.embedding_dim, name="projection")
        output = TiedSoftmax(embedding, vocabulary_size, name="next_token")

        def head(h):
            return output(projection(dropout(h)))
    else:
        dense = keras.layers.Dense(vocabulary_size, activation="softmax", name="next_token")

        def head(h):
            return dense(dropout(h))
    last = hidden[:, -1, :]  # (batch, units)
    trained = keras.Model(inputs, head(hidden) if recipe.mode == "sequence" else head(last))
    return trained, keras.Model(inputs, head(last))


class TimeBudget(keras.callbacks.Callback):
    """Stop after the epoch that passes the budget (as core.training.TimeLimit), in wall or CPU seconds.

    On a host shared with other jobs, wall seconds buy an unknown share of the
    cores; CPU seconds of this process are what a quiet machine would spend.
    """

    def __init__(self, seconds: float, cpu_seconds: float = 0.0):
        super().__init__()
        self.clock = time.process_time if cpu_seconds > 0 else time.perf_counter
        self.deadline, self.reached = self.clock() + (cpu_seconds or seconds), False

    def on_epoch_end(self, epoch, logs=None):
        if self.clock() > self.deadline:
            self.reached = self.model.stop_training = True


def start_windows(documents: list[list[int]], length: int, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`core.ngram.windows`, with ``start`` right before each document's first token (after the padding).

    Padding (0) then only ever means "nothing here": with the embedding's
    mask it is skipped, so a window's state does not depend on how much
    padding it has, and a window is read the same way a training chunk is.
    """
    padded = [np.r_[np.zeros(length - 1, np.int64), start, np.asarray(doc, np.int64)] for doc in documents if doc]
    rows = [np.lib.stride_tricks.sliding_window_view(sequence, length + 1) for sequence in padded]
    pairs = np.concatenate(rows)
    return pairs[:, :-1], pairs[:, -1]


def model_windows(documents: list[list[int]], recipe: Recipe, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The validation windows the model reads: with the [START] token when the recipe uses it."""
    if recipe.start_token:
        return start_windows(documents, recipe.context_length, size)
    return windows(documents, recipe.context_length)


def training_data(prepared: Prepared, recipe: Recipe) -> tuple[tuple, tuple]:
    """(x, y) for training and validation; targets 0 are ignored by the loss ([UNK] too unless learn_unknown)."""
    size = len(prepared.tokens)
    found = []
    for documents in (prepared.train, prepared.validation):
        if recipe.mode == "sequence":
            x, y = sequence_chunks(documents, recipe.context_length, size if recipe.start_token else 0)
        else:
            x, y = model_windows(documents, recipe, size)
        found.append((x.astype(np.int32), y if recipe.learn_unknown else np.where(y == 1, 0, y).astype(np.int32)))
    return found[0], found[1]


def mixed_with_kneser_ney(prepared: Prepared, probabilities: np.ndarray, contexts: np.ndarray,
                          targets: np.ndarray) -> dict[str, dict]:
    """Scores of λ·model + (1 − λ)·Kneser–Ney (the chosen order) for a few λ: what an n-gram adds to the network."""
    counts = NgramCounts.count(prepared.train, len(prepared.tokens))
    short_contexts, _ = windows(prepared.validation, 4)
    kneser_ney = choose_kneser_ney(counts, short_contexts, targets).model.probabilities(short_contexts)
    return {str(weight): dataclasses.asdict(next_token_scores(weight * probabilities + (1 - weight) * kneser_ney,
                                                              targets))
            for weight in (0.3, 0.5, 0.7)}


def run(name: str, recipe: Recipe) -> dict:
    """Train ``recipe`` on text ``name``; score it and its yardsticks on the same validation pairs."""
    prepared = prepare(name, recipe.level, recipe.min_count, recipe.max_vocabulary, recipe.seed)
    baselines = yardsticks(name, recipe.level, recipe.min_count, recipe.max_vocabulary, recipe.seed)
    size = len(prepared.tokens)
    started, cpu = time.perf_counter(), time.process_time()
    (x, y), validation = training_data(prepared, recipe)
    set_seed(recipe.seed)
    trained, next_model = build_models(size, recipe)
    steps = recipe.epochs * -(-len(x) // recipe.batch_size)
    rate = (keras.optimizers.schedules.CosineDecay(recipe.learning_rate, steps, alpha=0.1)
            if recipe.schedule == "cosine" else recipe.learning_rate)
    optimizer = (keras.optimizers.Adam(learning_rate=rate, use_ema=True, ema_momentum=recipe.ema) if recipe.ema
                 else keras.optimizers.Adam(learning_rate=rate))
    trained.compile(optimizer=optimizer,
                    loss=keras.losses.SparseCategoricalCrossentropy(ignore_class=0))
    budget = TimeBudget(recipe.time_budget_s, recipe.cpu_budget_s)
    callbacks = [budget]
    if recipe.patience:
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=recipe.patience,
                                                       restore_best_weights=True))
    history = trained.fit(x, y, batch_size=recipe.batch_size, epochs=recipe.epochs, validation_data=validation,
                          validation_batch_size=1024, callbacks=callbacks, verbose=0).history
    fit_seconds, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
    contexts, targets = model_windows(prepared.validation, recipe, size)
    probabilities = predict(next_model, contexts.astype(np.int32), 1024)  # (pairs, V): small texts only
    scores: NextTokenScores = next_token_scores(probabilities, targets)
    mixes = mixed_with_kneser_ney(prepared, probabilities, contexts, targets)
    return {"text": name, "recipe": dataclasses.asdict(recipe), "tokens": sum(map(len, prepared.train)),
            "validation_pairs": len(targets), "vocabulary": size, "split": dataclasses.asdict(prepared.report),
            "model": dataclasses.asdict(scores), **{k: v for k, v in baselines.items()}, "mixes": mixes,
            "epochs_run": len(history["loss"]), "val_loss": [round(v, 4) for v in history["val_loss"]],
            "time_budget_reached": budget.reached, "fit_seconds": fit_seconds, "fit_cpu_seconds": fit_cpu,
            "score_seconds": time.perf_counter() - started - fit_seconds, "load": os.getloadavg()[0],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "parameters": trained.count_params()}




def table(rows: list[dict], fields: tuple[str, ...] = ()) -> str:
    """Markdown rows for found runs: the recipe fields in ``fields``, then the model against its yardsticks."""
    head = ["text", *fields, "tokens", "vocab", "unknown", "KN order", "model acc", "KN acc", "bigram acc",
            "model top-5", "KN top-5", "bigram top-5", "model ppl", "KN ppl", "epochs", "fit s", "fit CPU s", "load"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        m, k, b = r["model"], r["kneser_ney"], r["bigram"]
        cells = [r["text"], *(str(r["recipe"][f]) for f in fields), f"{r['tokens']:,}", f"{r['vocabulary']:,}",
                 f"{m['unknown_target_share']:.3f}", f"{r['kn_order']} (D {r['kn_discount']})",
                 f"**{m['accuracy']:.3f}**" if m["accuracy"] > k["accuracy"] else f"{m['accuracy']:.3f}",
                 f"{k['accuracy']:.3f}", f"{b['accuracy']:.3f}", f"{m['top5_accuracy']:.3f}",
                 f"{k['top5_accuracy']:.3f}", f"{b['top5_accuracy']:.3f}",
                 f"**{m['perplexity']:.1f}**" if m["perplexity"] < k["perplexity"] else f"{m['perplexity']:.1f}",
                 f"{k['perplexity']:.1f}", str(r["epochs_run"]), f"{r['fit_seconds']:.1f}",
                 f"{r['fit_cpu_seconds']:.1f}", f"{r['load']:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def corpus_recipe(training_tokens: int, vocabulary_size: int, long_document_tokens: int) -> Recipe:
    """The recommended defaults, derived from the corpus (vocabulary: training tokens seen at least twice).

    - Tokens per vocabulary entry says how much evidence each word has. The
      built-in descriptions have about 360 (templated text, 131 words): little
      regularisation, few epochs. Real prose has about 20: without dropout 0.5
      on the embeddings and on the recurrent outputs the model memorises
      within a few epochs (bench/RESULTS.md).
    - Width follows the vocabulary: 64 for a few hundred words, 128 above.
      256 was no better on prose and twice as slow.
    - Chunks cover the long documents (90th percentile of document length),
      24 or 32 tokens: longer chunks are mostly padding on short documents.
    """
    rich = training_tokens / vocabulary_size >= 100
    width = 64 if vocabulary_size < 500 else 128
    regularised = 0.1 if rich else 0.5
    return Recipe(context_length=24 if long_document_tokens <= 24 else 32, units=width, embedding_dim=width,
                  tied=True, dropout=regularised, output_dropout=regularised, batch_size=32 if rich else 16,
                  learning_rate=0.01 if rich else 0.005, schedule="cosine", epochs=8 if rich else 20,
                  patience=0 if rich else 3)


def recommended(name: str, cpu_budget_s: float) -> Recipe:
    """:func:`corpus_recipe` for text ``name``, with a CPU-seconds budget (see :class:`TimeBudget`)."""
    prepared = prepare(name, "word", 2, 5000)
    long_documents = int(np.percentile([len(doc) for doc in prepared.train], 90))
    recipe = corpus_recipe(sum(map(len, prepared.train)), len(prepared.tokens), long_documents)
    return dataclasses.replace(recipe, cpu_budget_s=cpu_budget_s)


if __name__ == "__main__":
    text_name = sys.argv[1]
    for variant in sys.argv[2:]:
        if variant.startswith("recommended:"):  # recommended:CPU_SECONDS
            recipe = recommended(text_name, float(variant.split(":")[1]))
        else:
            recipe = Recipe(**json.loads(variant))
        print(json.dumps(run(text_name, recipe)), flush=True)
