"""Writing a sequence one token at a time from a model that predicts the next one: greedy and beam search.

Both work on a *step function*: prefixes in (each row starts with the start
token), the probabilities of every next token out, one row per prefix. Any
left-to-right decoder gives one (the captioner, the number speller of the
Connection types page), so decoding is written once and every page shows the
same steps. Each step keeps its top candidates with their probabilities, so a
page can show decoding as it happens: what the model considered, and what won.

Greedy decoding takes the single most likely token at every step. Beam search
keeps the ``width`` most likely prefixes at every step and returns whole
sequences ranked by their probability (the product of their tokens'
probabilities, not normalised for length). With width 1 it is greedy (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

StepFn = Callable[[np.ndarray], np.ndarray]  # prefixes (rows, t) int -> next-token probabilities (rows, vocab)
PredictAll = Callable[[np.ndarray], np.ndarray]  # padded inputs (rows, length) -> probabilities (rows, length, vocab)


@dataclass(frozen=True)
class Candidate:
    """A token the model considered at one step, and its probability there."""

    token: int
    probability: float


@dataclass(frozen=True)
class GreedyStep:
    """One step of greedy decoding: the top candidates, most likely first; the first is the one taken."""

    position: int  # 1 for the first token after the start token
    candidates: tuple[Candidate, ...]

    @property
    def chosen(self) -> Candidate:
        return self.candidates[0]


@dataclass(frozen=True)
class Hypothesis:
    """A sequence (start token excluded) and its probability: the product of its tokens' probabilities."""

    tokens: tuple[int, ...]
    log_probability: float
    finished: bool  # ended with the end token (else it reached the length limit, or is still growing)

    @property
    def probability(self) -> float:
        return float(np.exp(self.log_probability))


@dataclass(frozen=True)
class BeamStep:
    """One step of beam search: the best extensions of the beams, most likely first, and which were kept."""

    position: int
    candidates: tuple[Hypothesis, ...]
    kept: tuple[bool, ...]  # one per candidate: still on the beam (or finished) after this step


@dataclass(frozen=True)
class Decoded:
    """A decoded sequence (start token excluded, end token included when reached) and its probability."""

    tokens: tuple[int, ...]
    probability: float
    finished: bool  # ended with the end token; False: stopped at the length limit


@dataclass(frozen=True)
class GreedyResult:
    """Greedy decoding of one input: the sequence and every step's top candidates."""

    sequence: Decoded
    steps: tuple[GreedyStep, ...]


@dataclass(frozen=True)
class BeamResult:
    """Beam search on one input: finished sequences, most likely first, and every step's candidates."""

    sequences: tuple[Decoded, ...]
    steps: tuple[BeamStep, ...]
    width: int


def prefix_step(predict_all: PredictAll, length: int, pad: int = 0) -> StepFn:
    """A step function from a decoder trained with teacher forcing, which predicts every position at once.

    Prefixes are padded to ``length`` so every call has one shape (XLA
    compiles one program, not one per step), and the distribution is read at
    each prefix's last token. Exact, because a left-to-right decoder's output
    at position t depends only on its inputs up to t, never on the padding after.
    """

    def step(prefixes: np.ndarray) -> np.ndarray:
        rows, t = prefixes.shape
        if t > length:
            raise ValueError(f"A prefix of {t} tokens is longer than this decoder's {length} positions; "
                             f"decode at most {length} tokens.")
        padded = np.full((rows, length), pad, dtype="int32")  # (rows, length)
        padded[:, :t] = prefixes
        return np.asarray(predict_all(padded))[:, t - 1]  # (rows, vocab)

    return step


def context_rows(context: np.ndarray, rows: int) -> np.ndarray:
    """What each of ``rows`` prefixes continues: the context as given when it has a row per prefix (greedy
    decoding of many inputs), else its first row repeated (the beams of one input)."""
    return context if len(context) == rows else np.repeat(context[:1], rows, axis=0)


def _top(probabilities: np.ndarray, k: int) -> tuple[Candidate, ...]:
    """The ``k`` most likely tokens, most likely first; ties go to the lower token number, as argmax does."""
    order = np.argsort(-probabilities, kind="stable")[:k]
    return tuple(Candidate(int(i), float(probabilities[i])) for i in order)


def greedy_decode(step: StepFn, num_rows: int, start: int, end: int, max_length: int,
                  top_k: int = 5) -> list[GreedyResult]:
    """Decode ``num_rows`` inputs at once (row i of every prefix batch is input i), most likely token each step.

    A row stops at its end token; rows still going after ``max_length``
    tokens stop there. All rows go through ``step`` together until the last
    one ends, so a batch costs one call per position.
    """
    _check_decoding(max_length, top_k)
    prefixes = np.full((num_rows, 1), start, dtype="int32")  # (rows, 1)
    steps: list[list[GreedyStep]] = [[] for _ in range(num_rows)]
    done = np.zeros(num_rows, dtype=bool)
    for position in range(1, max_length + 1):
        probabilities = step(prefixes)  # (rows, vocab)
        chosen = probabilities.argmax(axis=-1)
        for row in np.flatnonzero(~done):
            steps[row].append(GreedyStep(position, _top(probabilities[row], top_k)))
        done |= chosen == end
        prefixes = np.concatenate([prefixes, chosen[:, None].astype("int32")], axis=1)
        if done.all():
            break
    return [GreedyResult(_sequence_of(row_steps, end), tuple(row_steps)) for row_steps in steps]


def _sequence_of(steps: list[GreedyStep], end: int) -> Decoded:
    tokens = tuple(s.chosen.token for s in steps)
    return Decoded(tokens, float(np.prod([s.chosen.probability for s in steps])), tokens[-1] == end)


def beam_search(step: StepFn, start: int, end: int, max_length: int, width: int = 3,
                top_k: int | None = None) -> BeamResult:
    """The ``width`` most likely sequences for one input, found by keeping ``width`` prefixes at every step.

    ``step`` gets one row per live prefix of this one input (at most
    ``width``). Every live prefix is extended by every token and the
    ``width`` most likely extensions stay on the beam; one that ends with
    ``end`` leaves it as a finished sequence, and the next step fills its
    place. The search stops once ``width`` sequences have finished and no
    live prefix can still beat the last of them (probabilities only shrink as
    tokens are added), or at ``max_length`` tokens, where the live prefixes
    count as sequences cut at the limit. Each step keeps its ``top_k``
    (default: twice the width) best extensions, for the page to show.
    """
    _check_decoding(max_length, width)
    shown = top_k or 2 * width
    live = [Hypothesis((), 0.0, False)]
    finished: list[Hypothesis] = []
    steps: list[BeamStep] = []
    for position in range(1, max_length + 1):
        prefixes = np.array([(start, *h.tokens) for h in live], dtype="int32")  # (live, position)
        with np.errstate(divide="ignore"):
            log_probabilities = np.log(step(prefixes))  # (live, vocab)
        extensions = _best_extensions(live, log_probabilities, end, max(width, shown))
        candidates = extensions[:shown]
        steps.append(BeamStep(position, tuple(candidates), tuple(index < width for index in range(len(candidates)))))
        finished += [h for h in extensions[:width] if h.finished]
        live = [h for h in extensions[:width] if not h.finished]
        if _settled(live, finished, width):
            live = []  # none of them can make the list
            break
    ranked = sorted(finished + live, key=lambda h: -h.log_probability)[:width]  # live: cut at the length limit
    return BeamResult(tuple(Decoded(h.tokens, h.probability, h.finished) for h in ranked), tuple(steps), width)


def _settled(live: list[Hypothesis], finished: list[Hypothesis], width: int) -> bool:
    """True when no live prefix can enter the ``width`` best finished sequences: its probability only falls."""
    if not live:
        return True
    if len(finished) < width:
        return False
    last_kept = sorted(h.log_probability for h in finished)[-width]
    return live[0].log_probability <= last_kept


def _best_extensions(live: list[Hypothesis], log_probabilities: np.ndarray, end: int,
                     count: int) -> list[Hypothesis]:
    """The ``count`` most likely one-token extensions of the live prefixes, most likely first.

    Ties are broken by prefix, then token number (a stable sort of the
    flattened table), the order greedy decoding's argmax uses.
    """
    totals = np.array([h.log_probability for h in live])[:, None] + log_probabilities  # (live, vocab)
    order = np.argsort(-totals.ravel(), kind="stable")[:count]
    rows, tokens = np.unravel_index(order, totals.shape)
    return [Hypothesis((*live[r].tokens, int(t)), float(totals[r, t]), int(t) == end)
            for r, t in zip(rows, tokens, strict=True) if np.isfinite(totals[r, t])]


def _check_decoding(max_length: int, width: int) -> None:
    if max_length < 1:
        raise ValueError(f"Decoding needs room for at least one token; got a maximum length of {max_length}.")
    if width < 1:
        raise ValueError(f"A beam (or a list of top candidates) needs at least one entry; got {width}.")
