import numpy as np
import pytest

from core import next_token as nt

# Vocabulary: 0 padding, 1 [UNK], 2..5 real tokens.
PROBABILITIES = np.array([
    [0.0, 0.70, 0.10, 0.10, 0.05, 0.05],  # target [UNK], predicted well: left out of every score
    [0.0, 0.60, 0.30, 0.05, 0.03, 0.02],  # target 2: [UNK] is more likely, but the first real guess is 2
    [0.0, 0.10, 0.50, 0.05, 0.05, 0.30],  # target 5: second guess
    [0.0, 0.05, 0.25, 0.25, 0.25, 0.20],  # target 4: tied with 2 and 3, which come first (lower index)
])
TARGETS = np.array([1, 2, 5, 4])


def test_unknown_targets_are_never_credited_and_reported_apart():
    scores = nt.next_token_scores(PROBABILITIES, TARGETS)
    assert (scores.pairs, scores.known_pairs, scores.unknown_target_share) == (4, 3, 0.25)
    assert scores.accuracy == pytest.approx(1 / 3)  # only row 2
    assert scores.top5_accuracy == 1.0
    real_mass = np.array([0.40, 0.90, 0.95])  # each row less padding and [UNK]
    assert scores.perplexity == pytest.approx(np.exp(-np.mean(np.log(np.array([0.30, 0.30, 0.25]) / real_mass))))


def test_unknown_is_never_a_guess_even_when_most_likely():
    ranks = nt.target_ranks(PROBABILITIES[1:], TARGETS[1:])
    assert ranks.tolist() == [0, 1, 2]


def test_ties_are_broken_by_index_so_a_flat_row_does_not_hit_every_target():
    flat = np.full((4, 10), 0.1)
    ranks = nt.target_ranks(flat, np.array([2, 6, 7, 9]))
    assert ranks.tolist() == [0, 4, 5, 7]


def test_all_unknown_targets_give_no_scores_rather_than_a_division_by_zero():
    scores = nt.next_token_scores(PROBABILITIES[:1], TARGETS[:1])
    assert (scores.known_pairs, scores.accuracy, scores.perplexity, scores.unknown_target_share) == (0, 0.0, None, 1.0)


def test_chunked_scores_equal_the_scores_of_all_rows_at_once():
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(30), size=500)
    targets = rng.integers(1, 30, size=500)
    whole = nt.next_token_scores(probabilities, targets)
    chunked = nt.chunked_scores(lambda rows: probabilities[rows[:, 0]], np.arange(500)[:, None], targets,
                                chunk_rows=64)
    assert chunked.accuracy == whole.accuracy and chunked.top5_accuracy == whole.top5_accuracy
    assert chunked.perplexity == pytest.approx(whole.perplexity)
    assert chunked.unknown_target_share == whole.unknown_target_share > 0


def test_probabilities_with_nan_are_refused_rather_than_ranked_first():
    broken = PROBABILITIES.copy()
    broken[2] = np.nan
    with pytest.raises(ValueError, match="diverged"):
        nt.next_token_scores(broken, TARGETS)
