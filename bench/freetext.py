"""Free text with few line breaks: hold out random 40-token pieces (today) or a few long contiguous blocks?

A real text is joined into a handful of long lines, as a visitor's novel or
essay arrives. Each way of holding text out is scored by the Kneser–Ney
yardstick on what it holds out, beside the text's own paragraph split (the
reference: documents held out whole). A way that leaks context scores higher
than the reference, and more of its validation 8-grams occur in training.

Usage: ``.venv/bin/python -m bench.freetext [TEXT] [SEEDS]``.
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from functools import partial

import numpy as np

from bench.textmodels import read_lines
from core import corpus
from core import text as tx
from core.ngram import NgramCounts, choose_kneser_ney, windows, yardstick_scores

PIECE_TOKENS = 40  # today's core.text.PIECE_TOKENS
LINES = 5  # the text joined into this many lines
BLOCK_COUNTS = (20, 50, 100, None)  # None: core.corpus.block_count


def pieces_split(lines: list[str], seed: int) -> tuple[list[list[str]], list[list[str]]]:
    """Today's rule: every line cut into 40-token pieces, 10 % of the pieces held out at random."""
    tokenized = [tx.tokenize(line, "word") for line in lines]
    pieces = [doc[i : i + PIECE_TOKENS] for doc in tokenized for i in range(0, len(doc), PIECE_TOKENS)]
    held = set(corpus.held_out_indices(len(pieces), corpus.VALIDATION_SHARE, seed).tolist())
    return [p for i, p in enumerate(pieces) if i not in held], [p for i, p in enumerate(pieces) if i in held]


def document_split(lines: list[str], seed: int) -> tuple[list[list[str]], list[list[str]]]:
    split = corpus.split_documents(lines, seed=seed)
    return [tx.tokenize(d, "word") for d in split.train], [tx.tokenize(d, "word") for d in split.validation]


def block_split(lines: list[str], count: int | None, seed: int) -> tuple[list[list[str]], list[list[str]]]:
    split = corpus.split_documents(lines, seed=seed, blocks=count)
    return [tx.tokenize(d, "word") for d in split.train], [tx.tokenize(d, "word") for d in split.validation]


def seen_share(train: list[list[str]], validation: list[list[str]], n: int = 8) -> float:
    """Share of the validation n-grams that occur somewhere in training (text copied or carried over)."""
    seen = {tuple(doc[i : i + n]) for doc in train for i in range(len(doc) - n + 1)}
    grams = [tuple(doc[i : i + n]) for doc in validation for i in range(len(doc) - n + 1)]
    return sum(g in seen for g in grams) / max(len(grams), 1)


def kneser_ney_scores(train: list[list[str]], validation: list[list[str]]) -> tuple[float, float]:
    counted = Counter(t for doc in train for t in doc)
    tokens = ["", "[UNK]", *sorted((t for t, n in counted.items() if n >= 2), key=lambda t: (-counted[t], t))]
    index = {t: i for i, t in enumerate(tokens)}
    encode = lambda docs: [[index.get(t, 1) for t in doc] for doc in docs]  # noqa: E731
    counts = NgramCounts.count(encode(train), len(tokens))
    contexts, targets = windows(encode(validation), 4)
    scores = yardstick_scores(choose_kneser_ney(counts, contexts, targets).model, contexts, targets)
    return scores.accuracy, scores.perplexity


def measure(name: str, seeds: int) -> dict[str, list[tuple[float, float, float]]]:
    lines = corpus.deduplicate(read_lines(name)).documents
    joined = [" ".join(part) for part in np.array_split(np.array(lines, dtype=object), LINES)]
    ways = {"paragraphs held out whole (reference)": lambda seed: document_split(list(lines), seed),
            f"{LINES} lines, 40-token pieces at random (today)": lambda seed: pieces_split(joined, seed),
            **{f"{LINES} lines, {count or 'core.corpus.block_count'} contiguous blocks":
               partial(block_split, joined, count) for count in BLOCK_COUNTS}}
    found = {}
    for way, split in ways.items():
        found[way] = []
        for seed in range(seeds):
            train, validation = split(seed)
            found[way].append((*kneser_ney_scores(train, validation), seen_share(train, validation)))
    return found


if __name__ == "__main__":
    text = sys.argv[1] if len(sys.argv) > 1 else "python_reference"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"| way of holding out ({text}, {runs} seeds) | KN accuracy | KN perplexity | validation 8-grams seen |")
    print("|---|---|---|---|")
    for way, rows in measure(text, runs).items():
        cells = [f"{statistics.mean(v):.3f} ± {statistics.stdev(v):.3f}" for v in zip(*rows, strict=True)]
        print(f"| {way} | " + " | ".join(cells) + " |")
