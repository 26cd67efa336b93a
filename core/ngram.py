"""Count-based yardsticks for next-token prediction: the bigram rule and an interpolated Kneser–Ney n-gram.

A recurrent model is only worth its training time if it beats counting. The
bigram rule (the most frequent follower of the previous token) is the classic
first yardstick; a Kneser–Ney n-gram is the strong one: it reads up to four
previous tokens, and falls back on shorter contexts in proportion to how
often each context was followed by something new.

Interpolated Kneser–Ney (Chen & Goodman 1998), as ``nltk.lm.KneserNeyInterpolated``
computes it, with ``D`` the discount and ``h'`` the context ``h`` less its
oldest token:

    top order:     p(w | h)  = max(c(h w) − D, 0) / c(h ·)   + D · N(h ·) / c(h ·)   · p(w | h')
    lower orders:  p(w | h') = max(N(· h' w) − D, 0) / N(· h' ·) + D · N(h' ·) / N(· h' ·) · p(w | h'')
    unigrams:      p(w)      = N(· w) / N(· ·)

where c counts occurrences, N(h ·) counts distinct tokens seen after h, and
N(· h' w) counts distinct tokens seen before h' w (how many contexts a word
continues, not how often it occurs). A context never seen passes all its
weight to the shorter one. nltk does this word by word in Python (minutes for
a validation set); here the same numbers come from sorted NumPy tables, for a
whole batch of contexts and the whole vocabulary at once, checked against
nltk's own ``score`` in the tests.

Token sequences are the page's: indices of a vocabulary whose 0 is padding and
1 is [UNK]. Each document is preceded by padding, so its first tokens are
predicted from "the start", as the recurrent model predicts them; padding is
never a target, so no probability goes to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.next_token import UNKNOWN_INDEX, NextTokenScores, chunked_scores, known_log_loss

ORDERS = (2, 3, 4, 5)
DISCOUNTS = (0.5, 0.75, 0.9)  # chosen on validation with the order; nltk's default 0.1 was never best (bench)
MAX_ORDER = max(ORDERS)


def windows(documents: Sequence[Sequence[int]], context_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (previous ``context_length`` tokens → next token) pair of every document, pre-padded with 0.

    The same pairs as ``core.text.make_pairs``; repeated here so the yardstick
    does not depend on the page module. Returns (pairs, context_length) and (pairs,).
    """
    rows = [np.lib.stride_tricks.sliding_window_view(
        np.concatenate([np.zeros(context_length, np.int64), np.asarray(doc, np.int64)]), context_length + 1)
        for doc in documents if len(doc)]
    pairs = np.concatenate(rows) if rows else np.zeros((0, context_length + 1), np.int64)
    return pairs[:, :-1], pairs[:, -1]


def context_keys(contexts: np.ndarray, vocabulary_size: int) -> np.ndarray:
    """Each row of token indices as one integer (base ``vocabulary_size``, oldest token the highest digit)."""
    keys = np.zeros(len(contexts), np.int64)
    for column in np.asarray(contexts, np.int64).T:
        keys = keys * vocabulary_size + column
    return keys


@dataclass(frozen=True)
class Level:
    """The k-grams of one length k ≥ 2 seen in training, sorted by key (context key · V + token).

    Sorting by key puts all k-grams of one context side by side, so a
    context's followers are one slice, found by binary search.
    """

    keys: np.ndarray  # (k-grams,) int64
    counts: np.ndarray  # (k-grams,) occurrences c(h w)
    continuations: np.ndarray  # (k-grams,) distinct tokens seen before h w, N(· h w); zeros at the longest length
    context_keys: np.ndarray  # (contexts,) sorted distinct contexts h
    starts: np.ndarray  # (contexts,) where each context's k-grams start in ``keys``
    followers: np.ndarray  # (contexts,) N(h ·), distinct tokens seen after h
    count_totals: np.ndarray  # (contexts,) c(h ·)
    continuation_totals: np.ndarray  # (contexts,) N(· h ·)


@dataclass(frozen=True)
class NgramCounts:
    """Every k-gram count from 1 to ``max_order`` of a training text, the tables every yardstick reads."""

    vocabulary_size: int
    max_order: int
    levels: dict[int, Level]  # by length k, 2 ≤ k ≤ max_order
    unigram_continuation: np.ndarray  # (V,) N(· w) / N(· ·)
    unigram_frequency: np.ndarray  # (V,) c(w) / c(·)

    @classmethod
    def count(cls, documents: Sequence[Sequence[int]], vocabulary_size: int, max_order: int = MAX_ORDER) -> NgramCounts:
        """Count the k-grams ending at each token of each document (documents pre-padded with max_order − 1 zeros)."""
        if vocabulary_size ** max_order >= 2**63:
            raise ValueError(f"A vocabulary of {vocabulary_size:,} tokens is too large for {max_order}-grams as "
                             "64-bit keys; use a smaller vocabulary or a lower order.")
        contexts, targets = windows(documents, max_order - 1)
        if not len(targets):
            raise ValueError("There are no training tokens to count n-grams in; give at least one document.")
        unique_keys = {k: np.unique(context_keys(np.column_stack([contexts[:, max_order - k:], targets]),
                                                 vocabulary_size), return_counts=True)
                       for k in range(2, max_order + 1)}
        levels = {k: _level(*unique_keys[k], unique_keys.get(k + 1, (None,))[0], vocabulary_size, k)
                  for k in range(2, max_order + 1)}
        bigram_types = unique_keys[2][0]
        continuation = np.bincount(bigram_types % vocabulary_size, minlength=vocabulary_size)
        frequency = np.bincount(targets, minlength=vocabulary_size)
        return cls(vocabulary_size, max_order, levels, continuation / continuation.sum(), frequency / frequency.sum())


def _level(keys: np.ndarray, counts: np.ndarray, longer_keys: np.ndarray | None, vocabulary_size: int,
           length: int) -> Level:
    """One length's table: counts, continuation counts from the next length's distinct k-grams, per-context sums."""
    continuations = np.zeros_like(counts)
    if longer_keys is not None:
        suffixes, distinct_before = np.unique(longer_keys % vocabulary_size**length, return_counts=True)
        continuations[np.searchsorted(keys, suffixes)] = distinct_before  # every suffix is a seen k-gram
    contexts = keys // vocabulary_size
    context_keys_, starts, followers = np.unique(contexts, return_index=True, return_counts=True)
    return Level(keys, counts, continuations, context_keys_, starts, followers,
                 np.add.reduceat(counts, starts), np.add.reduceat(continuations, starts))


def follower_entries(level: Level, found: np.ndarray, position: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row whose context was seen, one entry per token seen after it: (row, index into ``level.keys``).

    A context's k-grams are one slice of the sorted keys; the slices of all rows
    are laid end to end without a Python loop (the row's start, repeated, plus
    a running index that restarts at each row).
    """
    rows = np.flatnonzero(found)
    sizes = level.followers[position[rows]]  # (rows seen,) followers of each
    row_of_entry = np.repeat(rows, sizes)  # (entries,)
    first_of_row = np.repeat(level.starts[position[rows]] - (np.cumsum(sizes) - sizes), sizes)
    return row_of_entry, first_of_row + np.arange(sizes.sum())


@dataclass(frozen=True)
class _Weights:
    """For a batch of contexts at one level: which contexts were seen, where their followers are, their weight."""

    found: np.ndarray  # (rows,) bool
    position: np.ndarray  # (rows,) index into the level's context arrays (valid where found)
    discount_mass: np.ndarray  # (rows,) the share passed down to the shorter context (1 where not found)


@dataclass(frozen=True, eq=False)  # a dataclass, so a replica can save the default text model (core.default_store)
class KneserNey:
    """Interpolated Kneser–Ney of one order and discount over shared :class:`NgramCounts`."""

    counts: NgramCounts
    order: int
    discount: float = 0.75

    def __post_init__(self):
        if not 2 <= self.order <= self.counts.max_order:
            raise ValueError(f"The order must be between 2 and {self.counts.max_order} (the longest n-grams "
                             f"counted); got {self.order}.")
        if not 0 < self.discount < 1:
            raise ValueError(f"The Kneser–Ney discount must be between 0 and 1; got {self.discount}.")

    @property
    def name(self) -> str:
        return f"kneser_ney_{self.order}gram"

    def _numerators_and_totals(self, level: Level, length: int) -> tuple[np.ndarray, np.ndarray]:
        """Raw counts at the model's own order, continuation counts below it (the Kneser–Ney idea)."""
        if length == self.order:
            return level.counts, level.count_totals
        return level.continuations, level.continuation_totals

    def _weights(self, contexts: np.ndarray) -> dict[int, tuple[_Weights, np.ndarray]]:
        """Per level (longest first): where each context is, and the weight its own estimate gets."""
        weight = np.ones(len(contexts))
        found_by_length = {}
        for length in range(self.order, 1, -1):
            level = self.counts.levels[length]
            keys = context_keys(contexts[:, contexts.shape[1] - (length - 1):], self.counts.vocabulary_size)
            position = np.clip(np.searchsorted(level.context_keys, keys), 0, len(level.context_keys) - 1)
            found = level.context_keys[position] == keys
            _, totals = self._numerators_and_totals(level, length)
            mass = np.where(found, self.discount * level.followers[position] / np.maximum(totals[position], 1), 1.0)
            found_by_length[length] = (_Weights(found, position, mass), weight)
            weight = weight * mass
        found_by_length[1] = (_Weights(np.ones(len(contexts), bool), np.zeros(len(contexts), int),
                                       np.zeros(len(contexts))), weight)
        return found_by_length

    def probabilities(self, contexts: np.ndarray) -> np.ndarray:
        """p(· | context) over the whole vocabulary for each row of ``contexts`` (rows of ≥ order − 1 tokens)."""
        contexts = np.asarray(contexts, np.int64)
        weights = self._weights(contexts)
        p = weights[1][1][:, None] * self.counts.unigram_continuation[None, :]  # (rows, V)
        for length in range(self.order, 1, -1):
            at, weight = weights[length]
            level = self.counts.levels[length]
            numerators, totals = self._numerators_and_totals(level, length)
            row_of_entry, entry = follower_entries(level, at.found, at.position)
            share = np.maximum(numerators[entry] - self.discount, 0) / totals[at.position[row_of_entry]]
            p[row_of_entry, level.keys[entry] % self.counts.vocabulary_size] += weight[row_of_entry] * share
        return p

    def target_probabilities(self, contexts: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """p(target | context) for each row: the same numbers as :meth:`probabilities`, without the full rows."""
        contexts, targets = np.asarray(contexts, np.int64), np.asarray(targets, np.int64)
        weights = self._weights(contexts)
        p = weights[1][1] * self.counts.unigram_continuation[targets]
        size = self.counts.vocabulary_size
        for length in range(self.order, 1, -1):
            at, weight = weights[length]
            level = self.counts.levels[length]
            numerators, totals = self._numerators_and_totals(level, length)
            keys = level.context_keys[at.position] * size + targets
            entry = np.clip(np.searchsorted(level.keys, keys), 0, len(level.keys) - 1)
            seen = at.found & (level.keys[entry] == keys)
            p += np.where(seen, weight * np.maximum(numerators[entry] - self.discount, 0)
                          / np.maximum(totals[at.position], 1), 0.0)
        return p


class BigramRule:
    """The classic yardstick: p(w | previous) = c(previous w) / c(previous ·); an unseen previous token falls
    back on how often each token occurs. Its first guess is the most frequent follower."""

    name = "bigram"

    def __init__(self, counts: NgramCounts):
        self.counts = counts

    def probabilities(self, contexts: np.ndarray) -> np.ndarray:
        level, size = self.counts.levels[2], self.counts.vocabulary_size
        previous = np.asarray(contexts, np.int64)[:, -1]
        position = np.clip(np.searchsorted(level.context_keys, previous), 0, len(level.context_keys) - 1)
        found = level.context_keys[position] == previous
        p = np.where(found[:, None], 0.0, self.counts.unigram_frequency[None, :])  # (rows, V)
        row_of_entry, entry = follower_entries(level, found, position)
        p[row_of_entry, level.keys[entry] % size] = level.counts[entry] / level.count_totals[position[row_of_entry]]
        return p


def known_perplexity(model: KneserNey, contexts: np.ndarray, targets: np.ndarray,
                     unknown_index: int = UNKNOWN_INDEX) -> float:
    """Perplexity over known targets, by the same rule as :mod:`core.next_token` (for choosing the order)."""
    targets = np.asarray(targets)
    real_mass = 1.0 - model.target_probabilities(contexts, np.full_like(targets, unknown_index))  # padding gets 0
    log_loss, known = known_log_loss(model.target_probabilities(contexts, targets), real_mass, targets, unknown_index)
    return float(np.exp(log_loss / known)) if known else float("inf")


@dataclass(frozen=True)
class NgramChoice:
    """The chosen Kneser–Ney model and the validation perplexity of every (order, discount) tried."""

    model: KneserNey
    perplexities: dict[tuple[int, float], float]


def choose_kneser_ney(counts: NgramCounts, contexts: np.ndarray, targets: np.ndarray,
                      orders: Sequence[int] = ORDERS, discounts: Sequence[float] = DISCOUNTS,
                      unknown_index: int = UNKNOWN_INDEX) -> NgramChoice:
    """The order and discount with the lowest perplexity on the validation pairs (known targets).

    Choosing on the pairs it is then scored on flatters the yardstick a little,
    which only makes "the model beats it" harder to claim.
    """
    tried = {(order, discount): known_perplexity(KneserNey(counts, order, discount), contexts, targets, unknown_index)
             for order in orders if order <= counts.max_order for discount in discounts}
    order, discount = min(tried, key=lambda key: (tried[key], key))
    return NgramChoice(KneserNey(counts, order, discount), tried)


def yardstick_scores(scorer: KneserNey | BigramRule, contexts: np.ndarray, targets: np.ndarray,
                     unknown_index: int = UNKNOWN_INDEX) -> NextTokenScores:
    """A count-based scorer's scores on validation pairs, by the one rule (the bigram rule has no perplexity)."""
    scores = chunked_scores(scorer.probabilities, np.asarray(contexts, np.int64), np.asarray(targets), unknown_index)
    if isinstance(scorer, BigramRule):
        return replace(scores, perplexity=None)  # a count table gives unseen pairs probability 0
    return scores
