"""Greedy decoding and beam search over a step function: checked on small Markov chains whose answers are known."""

import itertools

import numpy as np
import pytest

from core import decoding as dc

START, END = 0, 1


def markov_step(transitions: np.ndarray):
    """A step function whose next-token probabilities depend on the last token only: rows of ``transitions``."""

    def step(prefixes: np.ndarray) -> np.ndarray:
        return transitions[prefixes[:, -1]]

    return step


def random_chain(seed: int, vocabulary: int = 6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    transitions = rng.dirichlet(np.full(vocabulary, 0.5), size=vocabulary)  # (from, to), rows sum to one
    transitions[:, START] = 0.0  # nothing goes back to the start token
    return transitions / transitions.sum(axis=1, keepdims=True)


def chain_probability(transitions: np.ndarray, tokens: tuple[int, ...]) -> float:
    path = (START, *tokens)
    return float(np.prod([transitions[a, b] for a, b in itertools.pairwise(path)]))


@pytest.mark.parametrize("seed", range(8))
def test_beam_width_one_is_greedy(seed):
    step = markov_step(random_chain(seed))
    greedy = dc.greedy_decode(step, 1, START, END, max_length=7)[0]
    beam = dc.beam_search(step, START, END, max_length=7, width=1)
    assert beam.sequences[0].tokens == greedy.sequence.tokens
    assert beam.sequences[0].probability == pytest.approx(greedy.sequence.probability)
    assert beam.sequences[0].finished == greedy.sequence.finished


@pytest.mark.parametrize("seed", range(8))
def test_beam_search_ranks_its_sequences_by_their_true_probability(seed):
    transitions = random_chain(seed)
    beam = dc.beam_search(markov_step(transitions), START, END, max_length=6, width=4)
    probabilities = [s.probability for s in beam.sequences]
    assert probabilities == sorted(probabilities, reverse=True)
    for sequence in beam.sequences:
        assert sequence.probability == pytest.approx(chain_probability(transitions, sequence.tokens))


@pytest.mark.parametrize("seed", range(6))
def test_a_wide_beam_finds_the_most_likely_finished_sequence(seed):
    transitions = random_chain(seed, vocabulary=4)
    max_length = 4
    finished = [tokens for n in range(1, max_length + 1) for tokens in itertools.product(range(1, 4), repeat=n)
                if tokens[-1] == END and END not in tokens[:-1]]
    best = max(finished, key=lambda tokens: chain_probability(transitions, tokens))
    beam = dc.beam_search(markov_step(transitions), START, END, max_length=max_length, width=64)
    top = next(s for s in beam.sequences if s.finished)
    assert chain_probability(transitions, top.tokens) == pytest.approx(chain_probability(transitions, best))


def test_beam_search_beats_greedy_where_the_likeliest_first_word_leads_nowhere():
    # From start: "a" (2) 0.6, "b" (3) 0.4. After "a" every token is equally likely; after "b", <end> is sure.
    transitions = np.zeros((4, 4))
    transitions[START] = [0.0, 0.0, 0.6, 0.4]
    transitions[2] = [0.0, 1 / 3, 1 / 3, 1 / 3]
    transitions[3] = [0.0, 1.0, 0.0, 0.0]
    step = markov_step(transitions)
    greedy = dc.greedy_decode(step, 1, START, END, max_length=5)[0]
    beam = dc.beam_search(step, START, END, max_length=5, width=2)
    assert greedy.sequence.tokens[0] == 2
    assert beam.sequences[0].tokens == (3, END)
    assert beam.sequences[0].probability == pytest.approx(0.4)
    assert beam.sequences[0].probability > greedy.sequence.probability


def test_each_greedy_step_keeps_its_top_candidates_most_likely_first():
    transitions = random_chain(3)
    result = dc.greedy_decode(markov_step(transitions), 1, START, END, max_length=5, top_k=3)[0]
    previous = START
    for step in result.steps:
        shown = [c.probability for c in step.candidates]
        assert shown == sorted(shown, reverse=True) and len(shown) == 3
        assert step.chosen.token == int(transitions[previous].argmax())
        assert step.chosen.probability == pytest.approx(transitions[previous].max())
        previous = step.chosen.token
    assert result.sequence.probability == pytest.approx(np.prod([s.chosen.probability for s in result.steps]))


def test_greedy_decodes_rows_independently_and_stops_each_at_its_end():
    transitions = np.zeros((5, 5))
    transitions[START] = [0, 0, 0.1, 0.2, 0.7]  # start -> 4
    transitions[4] = [0, 0.9, 0.1, 0, 0]  # 4 -> end
    transitions[2] = [0, 0, 1.0, 0, 0]  # 2 -> 2 forever
    transitions[3] = [0, 0.5, 0.5, 0, 0]
    transitions[1] = [0, 1.0, 0, 0, 0]

    def step(prefixes):  # row 0 follows the chain; row 1 is forced into the 2 -> 2 loop
        rows = transitions[prefixes[:, -1]].copy()
        if prefixes.shape[1] == 1:
            rows[1] = [0, 0, 1.0, 0, 0]
        return rows

    first, second = dc.greedy_decode(step, 2, START, END, max_length=4)
    assert first.sequence.tokens == (4, END) and first.sequence.finished
    assert second.sequence.tokens == (2, 2, 2, 2) and not second.sequence.finished


def test_beam_steps_mark_which_candidates_stay_on_the_beam():
    beam = dc.beam_search(markov_step(random_chain(5)), START, END, max_length=5, width=2, top_k=4)
    for step in beam.steps:
        assert step.kept[:2] == (True, True)[: len(step.kept)]
        assert not any(step.kept[2:])
        totals = [c.log_probability for c in step.candidates]
        assert totals == sorted(totals, reverse=True)


def test_prefix_step_reads_the_position_after_each_prefix_from_one_padded_shape():
    shapes = []

    def predict_all(padded):  # "probability" of token k at position t: one-hot on the token at t (a causal echo)
        shapes.append(padded.shape)
        return np.eye(4)[padded]  # (rows, length, vocab)

    step = dc.prefix_step(predict_all, length=5, pad=0)
    out = step(np.array([[1, 2, 3], [1, 3, 2]]))
    assert out.argmax(axis=-1).tolist() == [3, 2]
    step(np.array([[1]]))
    assert {s[1] for s in shapes} == {5}
    with pytest.raises(ValueError, match="longer than this decoder's 5 positions"):
        step(np.ones((1, 6), dtype=int))


def test_decoding_needs_room_for_a_token_and_a_beam():
    step = markov_step(random_chain(0))
    with pytest.raises(ValueError, match="at least one token"):
        dc.greedy_decode(step, 1, START, END, max_length=0)
    with pytest.raises(ValueError, match="at least one entry"):
        dc.beam_search(step, START, END, max_length=3, width=0)


def test_context_rows_gives_each_prefix_its_input_or_repeats_the_one_input_of_a_beam():
    many = np.arange(6).reshape(3, 2)
    np.testing.assert_array_equal(dc.context_rows(many, 3), many)
    np.testing.assert_array_equal(dc.context_rows(many[:1], 4), np.repeat(many[:1], 4, axis=0))
