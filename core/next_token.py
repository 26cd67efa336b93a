"""How next-token predictions are scored: one rule for the model and for every baseline.

A scorer (the recurrent model, the bigram rule, a Kneser–Ney n-gram) gives, for
each validation pair, a probability for every vocabulary entry. All of them
are scored here, on the same pairs, so their numbers can be compared:

- **[UNK] targets are never credited.** A capped vocabulary maps rare words to
  [UNK]; guessing "[UNK]" after "the" is easy and says nothing. Pairs whose
  target is [UNK] are left out of accuracy, top-5 and perplexity, and their
  share is reported apart (``unknown_target_share``).
- **Guesses are real tokens.** Ranking leaves out padding and [UNK] (the page
  never writes either), so "first guess" means the most likely real token.
  Ties are broken by index (the more frequent token first), as a stable sort.
- **Perplexity** is exp(mean −ln p(target)) over the same known targets, with
  each distribution restricted to the real tokens (renormalised without
  padding and [UNK]), as the guesses are. Without that, scorers would differ
  by how much they bet on [UNK], which is never scored: a count model puts on
  it what the counts say, a network as much as it was trained to (nothing, if
  [UNK] targets were left out of its loss). Probabilities are floored at
  1e-12, so one underflowed softmax entry cannot make it infinite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

TOP_K = 5
PADDING_INDEX, UNKNOWN_INDEX = 0, 1  # as in core.text's Vocabulary and keras.layers.TextVectorization
PROBABILITY_FLOOR = 1e-12
CHUNK_ROWS = 2048  # pairs scored at once: 2,048 × a 5,000-token vocabulary is 80 MB of float64


@dataclass(frozen=True)
class NextTokenScores:
    """A scorer's results on validation pairs; every score is over pairs with a known (non-[UNK]) target."""

    accuracy: float  # share of known targets that were the first guess
    top5_accuracy: float  # share of known targets among the five first guesses
    perplexity: float | None  # exp(mean −ln p(target)) over known targets; None for a rule without probabilities
    unknown_target_share: float  # share of all pairs whose target is [UNK] (never credited)
    pairs: int  # all validation pairs
    known_pairs: int  # pairs the scores are over


@dataclass(frozen=True)
class ScoreTally:
    """Sums over a batch of pairs; add tallies of batches, then read the scores."""

    pairs: int = 0
    known_pairs: int = 0
    hits: int = 0
    top_k_hits: int = 0
    log_loss: float = 0.0  # Σ −ln p(target) over known targets

    def __add__(self, other: ScoreTally) -> ScoreTally:
        return ScoreTally(self.pairs + other.pairs, self.known_pairs + other.known_pairs, self.hits + other.hits,
                          self.top_k_hits + other.top_k_hits, self.log_loss + other.log_loss)

    def scores(self) -> NextTokenScores:
        """The scores of the pairs tallied (0 and no perplexity when no target is known)."""
        known = self.known_pairs
        return NextTokenScores(self.hits / known if known else 0.0, self.top_k_hits / known if known else 0.0,
                               float(np.exp(self.log_loss / known)) if known else None,
                               (self.pairs - known) / self.pairs if self.pairs else 0.0, self.pairs, known)


def target_ranks(probabilities: np.ndarray, targets: np.ndarray, unknown_index: int = UNKNOWN_INDEX) -> np.ndarray:
    """Each target's place among the real tokens' probabilities (0: first guess), ties broken by index."""
    rows = np.arange(len(targets))
    chosen = probabilities[rows, targets][:, None]  # (pairs, 1)
    ranked = probabilities.copy()
    ranked[:, [PADDING_INDEX, unknown_index]] = -np.inf  # never a guess
    index = np.arange(probabilities.shape[1])[None, :]
    ahead = (ranked > chosen) | ((ranked == chosen) & (index < targets[:, None]))  # (pairs, vocabulary)
    return ahead.sum(axis=1)


def pair_log_losses(chosen: np.ndarray, real_mass: np.ndarray, targets: np.ndarray,
                    unknown_index: int = UNKNOWN_INDEX) -> np.ndarray:
    """−ln p(target | a real token) for each pair whose target is known (the perplexity rule), in pair order.

    ``chosen`` is each pair's probability of its target, ``real_mass`` the
    probability the scorer gave to real tokens (all but padding and [UNK]).
    """
    known = targets != unknown_index
    chosen, real_mass = np.asarray(chosen, np.float64)[known], np.asarray(real_mass, np.float64)[known]
    renormalised = np.divide(chosen, real_mass, out=np.zeros_like(chosen), where=real_mass > 0)  # all on [UNK]: 0
    return -np.log(np.clip(renormalised, PROBABILITY_FLOOR, None))


def known_log_loss(chosen: np.ndarray, real_mass: np.ndarray, targets: np.ndarray,
                   unknown_index: int = UNKNOWN_INDEX) -> tuple[float, int]:
    """Σ −ln p(target | a real token) over pairs whose target is known, and how many there are."""
    losses = pair_log_losses(chosen, real_mass, targets, unknown_index)
    return float(losses.sum()), len(losses)


def log_losses(probabilities: np.ndarray, targets: np.ndarray, unknown_index: int = UNKNOWN_INDEX) -> np.ndarray:
    """:func:`pair_log_losses` of one batch of distributions: per known target, for a paired comparison."""
    real_mass = 1.0 - probabilities[:, PADDING_INDEX] - probabilities[:, unknown_index]
    return pair_log_losses(probabilities[np.arange(len(targets)), targets], real_mass, targets, unknown_index)


def tally(probabilities: np.ndarray, targets: np.ndarray, unknown_index: int = UNKNOWN_INDEX) -> ScoreTally:
    """Hits, top-5 hits and log loss over the known targets of one batch of pairs.

    ``probabilities`` is (pairs, vocabulary), one distribution per pair;
    ``targets`` the true next token of each pair.
    """
    probabilities, targets = np.asarray(probabilities), np.asarray(targets)
    if not np.isfinite(probabilities).all():  # NaN compares false with everything: it would rank first
        raise ValueError("The model's predicted probabilities contain NaN or infinity, so it cannot be scored: "
                         "its training diverged. Lower the learning rate (or the dropout) and train again.")
    known = targets != unknown_index
    ranks = target_ranks(probabilities[known], targets[known], unknown_index)
    real_mass = 1.0 - probabilities[:, PADDING_INDEX] - probabilities[:, unknown_index]
    log_loss, known_pairs = known_log_loss(probabilities[np.arange(len(targets)), targets], real_mass, targets,
                                           unknown_index)
    return ScoreTally(len(targets), known_pairs, int((ranks == 0).sum()), int((ranks < TOP_K).sum()), log_loss)


def next_token_scores(probabilities: np.ndarray, targets: np.ndarray,
                      unknown_index: int = UNKNOWN_INDEX) -> NextTokenScores:
    """Accuracy, top-5 accuracy and perplexity on known targets, and the share of [UNK] targets."""
    return tally(probabilities, targets, unknown_index).scores()


def chunked_scores(probabilities_of: Callable[[np.ndarray], np.ndarray], contexts: np.ndarray, targets: np.ndarray,
                   unknown_index: int = UNKNOWN_INDEX, chunk_rows: int = CHUNK_ROWS) -> NextTokenScores:
    """:func:`next_token_scores` for a scorer asked ``chunk_rows`` contexts at a time.

    A model's probabilities for every validation pair at once would be
    pairs × vocabulary floats (a gigabyte for 50,000 pairs and 5,000 tokens);
    in chunks, memory stays flat and the scores are the same.
    """
    total = ScoreTally()
    for start in range(0, len(targets), chunk_rows):
        rows = slice(start, start + chunk_rows)
        total = total + tally(probabilities_of(contexts[rows]), targets[rows], unknown_index)
    return total.scores()
