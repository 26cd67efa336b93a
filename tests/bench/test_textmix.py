"""The issue-20 research bench: the document cache reads only the past, the correction network's n-gram never
counts the document it scores, a temperature keeps the first guess, and the RESULTS targets say met or not met
from the figures."""

from types import SimpleNamespace

import numpy as np

from bench.textmix import cache_probabilities, cross_fitted_log_ngram, tempered
from bench.textreal import targets
from core.ngram import MAX_ORDER, KneserNey, NgramCounts, windows


def test_cache_sees_only_earlier_known_tokens_of_the_same_document():
    documents = np.array([0, 0, 0, 0, 1, 1])
    tokens = np.array([5, 1, 6, 5, 7, 7])  # 1 is [UNK]: never counted
    p = cache_probabilities(documents, tokens, 8)
    assert not p[0].any() and not p[4].any()  # a document's first token has no past
    np.testing.assert_allclose(p[1], np.eye(8)[5])
    np.testing.assert_allclose(p[3], (np.eye(8)[5] + np.eye(8)[6]) / 2)  # [UNK] left out
    np.testing.assert_allclose(p[5], np.eye(8)[7])  # the first document's words are forgotten


def test_cross_fitted_ngram_scores_each_document_with_counts_of_the_other_fold_only():
    documents = [[2, 3, 4, 2, 3], [5, 6, 2, 4], [3, 4, 5], [6, 5, 2, 3]]
    prepared = SimpleNamespace(train_documents=documents, vocabulary=SimpleNamespace(size=8))
    log_p = cross_fitted_log_ngram(prepared, 3, 0.75, folds=2)
    short, _ = windows(documents, MAX_ORDER - 1)
    first = len(documents[0])
    held_in_other = KneserNey(NgramCounts.count([documents[1], documents[3]], 8), 3, 0.75)
    expected = np.log(np.clip(held_in_other.probabilities(short[:first]), 1e-9, None))
    np.testing.assert_allclose(log_p[:first], expected, rtol=1e-6)
    everything = KneserNey(NgramCounts.count(documents, 8), 3, 0.75).probabilities(short[:first])
    assert not np.allclose(log_p[:first], np.log(np.clip(everything, 1e-9, None)), rtol=1e-3)


def test_a_temperature_changes_the_confidence_never_the_first_guess():
    p = np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]])
    np.testing.assert_allclose(tempered(p, 1.0), p)
    for temperature in (0.5, 2.0):
        np.testing.assert_array_equal(tempered(p, temperature).argmax(axis=1), p.argmax(axis=1))
    assert tempered(p, 2.0).max() < p.max() < tempered(p, 0.5).max()


def run_document(winner: str, perplexity_winner: str, seconds: float) -> dict:
    return {"verdict": {"winner": winner}, "perplexity_verdict": {"winner": perplexity_winner},
            "seconds": seconds, "cpu_seconds": seconds / 2}


def test_targets_say_met_or_not_met_text_by_text():
    lines = targets([("built-in descriptions (warm)", run_document("model", "model", 16.0)),
                     ("a", run_document("model", "model", 30.0)), ("b", run_document("tie", "tie", 61.0))])
    assert "met on 1 of 2 (not met: b)" in lines[2]  # accuracy verdict
    assert "met on 1 of 2 (not met: b)" in lines[3]  # perplexity
    assert "met on 1 of 2 (not met: b)" in lines[4]  # 60 s
    assert "not met (16.0 s, 8.0 CPU s)" in lines[5]  # built-in over 15 s
