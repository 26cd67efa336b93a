import numpy as np
import pytest

from core import ngram
from core import text as tx
from core.next_token import next_token_scores

# 0 padding, 1 [UNK], then the words of the six sentences below.
WORDS = ("", "[UNK]", "the", "cat", "dog", "a", "runs")
SENTENCES = ["the cat", "the dog", "a cat", "the cat", "dog runs", "a dog"]
V = len(WORDS)


def encoded(sentences: list[str]) -> list[list[int]]:
    return [[WORDS.index(word) for word in sentence.split()] for sentence in sentences]


def test_bigram_kneser_ney_matches_the_hand_computed_example():
    """Order 2, discount D = 0.75, <s> the padding before each sentence.

    Bigrams: (<s> the)×3 (the cat)×2 (the dog) (<s> a)×2 (a cat) (<s> dog) (dog runs) (a dog): 8 types.
    Continuation counts N(· w), distinct tokens before w: the 1, cat 2 (the, a), dog 3 (the, <s>, a), a 1, runs 1.
    Unigrams p(w) = N(· w) / 8: the 1/8, cat 2/8, dog 3/8, a 1/8, runs 1/8, [UNK] 0.
    After "the": c(the ·) = 3, N(the ·) = 2 followers, so the weight passed down is 0.75 · 2 / 3 = 1/2:
      p(cat | the)  = (2 − 0.75) / 3 + 1/2 · 2/8 = 5/12 + 1/8  = 13/24
      p(dog | the)  = (1 − 0.75) / 3 + 1/2 · 3/8 = 1/12 + 3/16 = 13/48
      p(runs | the) = 0 + 1/2 · 1/8 = 1/16, and the same for "the" and "a": the row sums to 1.
    After "runs" (never a context): p(cat | runs) = p(cat) = 2/8.
    """
    model = ngram.KneserNey(ngram.NgramCounts.count(encoded(SENTENCES), V, max_order=2), order=2, discount=0.75)
    the, runs = [[0, WORDS.index("the")]], [[0, WORDS.index("runs")]]
    row = model.probabilities(np.array(the))[0]
    assert row[WORDS.index("cat")] == pytest.approx(13 / 24)
    assert row[WORDS.index("dog")] == pytest.approx(13 / 48)
    assert row[[WORDS.index("runs"), WORDS.index("the"), WORDS.index("a")]] == pytest.approx([1 / 16] * 3)
    assert row.sum() == pytest.approx(1.0) and row[:2].tolist() == [0.0, 0.0]
    assert model.probabilities(np.array(runs))[0][WORDS.index("cat")] == pytest.approx(2 / 8)


def test_trigram_kneser_ney_uses_continuation_counts_below_the_top_order():
    """Order 3, D = 0.75, two <s> before each sentence. p(cat | <s> the):

    Top order: c(<s> the ·) = 3 (cat ×2, dog ×1), 2 followers: (2 − 0.75) / 3 = 40/96, weight down 0.75 · 2/3 = 1/2.
    Below, counts are continuations: N(· the cat) = 1 (only <s> precedes "the cat"), N(· the ·) = 2,
    N(the ·) = 2 followers: p(cat | the) = (1 − 0.75) / 2 + 0.75 · 2/2 · p(cat) = 1/8 + 3/4 · 2/8 = 5/16.
    So p(cat | <s> the) = 40/96 + 1/2 · 5/16 = 40/96 + 15/96 = 55/96.
    """
    model = ngram.KneserNey(ngram.NgramCounts.count(encoded(SENTENCES), V, max_order=3), order=3, discount=0.75)
    context, target = np.array([[0, WORDS.index("the")]]), np.array([WORDS.index("cat")])
    assert model.probabilities(context)[0][target[0]] == pytest.approx(55 / 96)
    assert model.target_probabilities(context, target)[0] == pytest.approx(55 / 96)


@pytest.mark.parametrize("order", [2, 3, 4])
@pytest.mark.parametrize("discount", [0.1, 0.75])
def test_probabilities_match_nltk_kneser_ney_interpolated(order, discount):
    from nltk.lm import KneserNeyInterpolated

    rng = np.random.default_rng(order)
    train = [rng.integers(1, 9, size=rng.integers(2, 12)).tolist() for _ in range(25)]
    contexts, targets = ngram.windows(train, order - 1)
    ngrams = [[tuple(str(t) for t in [*c, y][order - k:]) for k in range(1, order + 1)]
              for c, y in zip(contexts.tolist(), targets.tolist(), strict=True)]  # what nltk counts
    nltk_model = KneserNeyInterpolated(order, discount=discount)
    nltk_model.fit(ngrams, vocabulary_text=[str(i) for i in range(10)])
    ours = ngram.KneserNey(ngram.NgramCounts.count(train, 10, max_order=4), order, discount)
    test_contexts, _ = ngram.windows([rng.integers(1, 10, size=8).tolist() for _ in range(3)], order - 1)
    rows = ours.probabilities(test_contexts)
    theirs = [[nltk_model.score(str(w), tuple(map(str, c))) for w in range(10)] for c in test_contexts.tolist()]
    assert rows == pytest.approx(np.array(theirs), abs=1e-12)
    assert rows.sum(axis=1) == pytest.approx(np.ones(len(rows)))


def test_order_selection_picks_the_lowest_validation_perplexity():
    rng = np.random.default_rng(0)

    def text(length: int) -> list[int]:  # each token is fixed by the two before it, after a random start
        tokens = rng.integers(2, 8, size=2).tolist()
        for _ in range(length):
            tokens.append(2 + (tokens[-2] * 3 + tokens[-1]) % 6)
        return tokens

    counts = ngram.NgramCounts.count([text(30) for _ in range(40)], 8)
    contexts, targets = ngram.windows([text(30) for _ in range(5)], ngram.MAX_ORDER - 1)
    choice = ngram.choose_kneser_ney(counts, contexts, targets, discounts=(0.75,))
    by_order = {order: next_token_scores(ngram.KneserNey(counts, order).probabilities(contexts), targets).perplexity
                for order in ngram.ORDERS}
    assert choice.model.order == min(by_order, key=by_order.get) >= 3
    assert choice.perplexities[(choice.model.order, 0.75)] == pytest.approx(min(by_order.values()))


def test_unknown_targets_are_never_credited_to_the_ngram():
    train = [*encoded(SENTENCES), [1, 1, 1], [2, 1, 1]]  # [UNK] follows [UNK] most of the time
    counts = ngram.NgramCounts.count(train, V)
    contexts, targets = ngram.windows([[1, 1, 1, 3]], 4)
    scores = ngram.yardstick_scores(ngram.KneserNey(counts, 3), contexts, targets)
    assert (scores.known_pairs, scores.unknown_target_share) == (1, 0.75)
    bigram = ngram.yardstick_scores(ngram.BigramRule(counts), contexts, targets)
    assert bigram.perplexity is None and bigram.known_pairs == 1


def test_bigram_rule_guesses_the_most_frequent_follower_and_falls_back_on_frequency():
    counts = ngram.NgramCounts.count(encoded(SENTENCES), V)
    rule = ngram.BigramRule(counts)
    rows = rule.probabilities(np.array([[0, WORDS.index("the")], [0, WORDS.index("runs")]]))
    assert rows[0][WORDS.index("cat")] == pytest.approx(2 / 3) and rows[0][WORDS.index("dog")] == pytest.approx(1 / 3)
    assert rows[1][WORDS.index("the")] == pytest.approx(3 / 12)  # "runs" is never followed: word frequencies


def test_mixed_scripts_and_emoji_work_and_their_rare_tokens_are_reported_unknown():
    documents = ["Привет мир 🙂 hello", "hello мир 🙂 again", "こんにちは 世界 🙂", "hello again мир 🙃"] * 3
    vocabulary = tx.Vocabulary.build([tx.tokenize(d, "word") for d in documents], max_size=6)
    encoded_docs = [vocabulary.encode(tx.tokenize(d, "word")) for d in documents]
    counts = ngram.NgramCounts.count(encoded_docs[:-2], vocabulary.size)
    contexts, targets = ngram.windows(encoded_docs[-2:], ngram.MAX_ORDER - 1)
    scores = ngram.yardstick_scores(ngram.KneserNey(counts, 3), contexts, targets)
    assert "🙂" in vocabulary.tokens and 0 < scores.unknown_target_share < 1 and scores.perplexity > 1


def test_vocabulary_too_large_for_the_keys_is_refused():
    with pytest.raises(ValueError, match="too large"):
        ngram.NgramCounts.count([[2, 3]], 10**5, max_order=5)
