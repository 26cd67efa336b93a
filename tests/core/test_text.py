import numpy as np
import pandas as pd
import pytest

from core import text as tx

DOCS = ["The red dress is made from silk.", "A blue shirt, made from cotton!", "The red shirt is soft."]


def small_settings(**changes) -> tx.TextSettings:
    small = {"context_length": 3, "epochs": 1, "units": 8, "embedding_dim": 4, "batch_size": 32}
    return tx.TextSettings(**(small | changes))


def test_word_tokens_round_trip_through_the_vocabulary():
    tokens = tx.tokenize(DOCS[0], "word")
    assert tokens == ["the", "red", "dress", "is", "made", "from", "silk"]
    vocabulary = tx.Vocabulary.build([tx.tokenize(d, "word") for d in DOCS], max_size=100)
    assert vocabulary.decode(vocabulary.encode(tokens)) == tokens
    assert tx.join_tokens(tokens, "word") == "the red dress is made from silk"


def test_character_tokens_keep_spaces_and_join_back():
    tokens = tx.tokenize("Red  silk!", "character")
    assert tokens == list("red silk!")
    assert tx.join_tokens(tokens, "character") == "red silk!"


def test_vocabulary_is_capped_with_rare_tokens_as_unknown():
    vocabulary = tx.Vocabulary.build([["a", "a", "a", "b", "b", "c"]], max_size=4)
    assert vocabulary.tokens == ("", "[UNK]", "a", "b")
    assert vocabulary.encode(["c", "a"]) == [1, 2]


def test_tokens_and_indices_match_keras_text_vectorization():
    import keras
    import tensorflow as tf  # noqa: F401  (TextVectorization runs on tf.data whatever the backend)

    text = "Silk silk SILK, cotton cotton; wool. Linen silk cotton silk."  # counts differ: no ties to order
    ours = tx.Vocabulary.build([tx.tokenize(text, "word")], max_size=50)
    layer = keras.layers.TextVectorization()
    layer.adapt([text])
    assert tuple(layer.get_vocabulary()[:4]) == ours.tokens[:4]
    sentence = "cotton silk velvet"
    assert np.asarray(layer([sentence])).tolist()[0] == ours.encode(tx.tokenize(sentence, "word"))


def test_pairs_are_every_prefix_pre_padded_to_the_context():
    x, y = tx.make_pairs([[5, 6, 7], [8, 9]], context_length=2)
    assert x.tolist() == [[0, 0], [0, 5], [5, 6], [0, 0], [0, 8]]
    assert y.tolist() == [5, 6, 7, 8, 9]


def test_long_contexts_keep_only_the_last_tokens():
    x, y = tx.make_pairs([[1, 2, 3, 4, 5]], context_length=2)
    assert x[-1].tolist() == [3, 4] and y[-1] == 5


COLOURS, ITEMS = ("red", "blue", "green", "black", "white"), ("dress", "shirt", "coat", "scarf", "skirt", "hat")
DISTINCT = [f"the {c} {i} is {a} and {m}" for c in COLOURS for i in ITEMS for a in ("soft", "light")
            for m in ("warm", "cool")]  # 120 distinct lines


def test_repeated_lines_are_removed_before_the_split_so_no_held_out_line_is_trained_on():
    repeated = DISTINCT + [line.upper() + "!" for line in DISTINCT[:40]] + DISTINCT[:30]
    prepared = tx.prepare_text(repeated, small_settings())
    split = prepared.split
    assert split.report.duplicates_removed == 70 and split.report.leaked_documents == 0
    assert len(split.train) + len(split.validation) + len(split.test) == 120
    assert (len(split.validation), len(split.test)) == (12, 12)
    held = {*split.validation, *split.test}
    assert not held & set(split.train) and not set(split.validation) & set(split.test)
    assert all(count > 0 for count in prepared.vocabulary.counts[2:])
    assert len(prepared.x_train) == sum(len(d) for d in prepared.train_documents)
    assert len(prepared.x_test) == sum(len(d) for d in prepared.test_documents)


def test_vocabulary_keeps_training_tokens_seen_twice_and_counts_those_left_out_by_the_cap():
    documents = [["a", "a", "a", "b", "b", "c", "d", "d"]]
    vocabulary = tx.Vocabulary.build(documents, max_size=4, min_count=2)
    assert vocabulary.tokens == ("", "[UNK]", "a", "b") and vocabulary.eligible == 3
    assert "c" not in tx.Vocabulary.build(documents, max_size=50, min_count=2).tokens


def test_free_text_on_few_lines_is_cut_into_blocks_so_some_can_be_held_out():
    prepared = tx.prepare_text([" ".join(f"word{i % 30}" for i in range(400))], small_settings())
    split = prepared.split
    assert split.report.blocks == len(split.train) + len(split.validation) + len(split.test) == 20


@pytest.mark.parametrize("documents", [["tiny text"], ["word " * 50] * 3, DISTINCT[:1] * 300])
def test_too_little_text_is_refused_with_a_message(documents):
    with pytest.raises(ValueError, match="at least"):
        tx.prepare_text(documents, small_settings())


def test_first_guess_hits_skip_unknown_targets_and_never_guess_unknown():
    probabilities = np.array([[0.0, 0.6, 0.3, 0.1], [0.0, 0.6, 0.1, 0.3], [0.0, 0.9, 0.05, 0.05]])
    hits = tx.first_guess_hits(probabilities, np.array([2, 2, 1]))  # [UNK] most likely everywhere: never a guess
    assert hits.tolist() == [1.0, 0.0]  # the third pair's target is [UNK]: not scored at all


def test_the_mixture_weight_is_the_one_with_the_lowest_validation_loss():
    network = np.array([[0.0, 0.0, 0.9, 0.1], [0.0, 0.0, 0.9, 0.1]])
    counts = np.array([[0.0, 0.0, 0.1, 0.9], [0.0, 0.0, 0.5, 0.5]])
    losses = tx.choose_weight(network, counts, np.array([2, 3]))
    by_hand = {w: -np.log(w * 0.9 + (1 - w) * 0.1) - np.log(w * 0.1 + (1 - w) * 0.5) for w in tx.MIX_WEIGHTS}
    assert losses == pytest.approx(by_hand)


def test_sampling_with_a_fixed_seed_repeats_itself():
    p = np.array([0.0, 0.0, 0.4, 0.3, 0.2, 0.1])
    draws = [[tx.sample_next(p, "temperature", 1.0, 3, np.random.default_rng(5)) for _ in range(1)] for _ in range(3)]
    assert draws[0] == draws[1] == draws[2]
    many = [tx.sample_next(p, "temperature", 1.0, 3, rng) for rng in [np.random.default_rng(1)] for _ in range(2000)]
    assert abs(np.mean(np.array(many) == 2) - 0.4) < 0.04


def test_temperature_near_zero_becomes_greedy_and_high_temperature_flattens():
    p = np.array([0.0, 0.0, 0.4, 0.35, 0.25])
    rng = np.random.default_rng(0)
    greedy_share = [np.mean([tx.sample_next(p, "temperature", t, 3, rng) == 2 for _ in range(500)])
                    for t in (1.0, 0.3, 0.01)]
    assert greedy_share[0] < greedy_share[1] < greedy_share[2] == 1.0
    assert tx.sample_next(p, "greedy", 1.0, 3, rng) == 2
    hot = [tx.sample_next(p, "temperature", 2.0, 3, rng) for _ in range(3000)]
    assert np.mean(np.array(hot) == 4) > 0.27


def test_top_k_draws_only_among_the_k_most_likely_and_never_padding_or_unknown():
    p = np.array([0.3, 0.3, 0.2, 0.1, 0.06, 0.04])
    rng = np.random.default_rng(0)
    assert {tx.sample_next(p, "top-k", 1.0, 2, rng) for _ in range(500)} == {2, 3}


def test_memorisation_finds_the_longest_copied_run_and_seen_4grams():
    vocabulary = tx.Vocabulary(("", "[UNK]", "a", "b", "c", "d", "e"), (0, 0, 1, 1, 1, 1, 1))
    corpus = tx.training_text([[2, 3, 4, 5], [6, 2]])
    found = tx.memorisation_check([6, 2, 3, 4, 5, 6], corpus, vocabulary, "word")
    assert found.longest_run == 4 and found.copied == "a b c d"  # runs never cross documents
    assert found.seen_4gram_share == pytest.approx(1 / 3)
    assert found.loop is None


def test_loops_are_found_when_a_stretch_repeats_three_times():
    assert tx.find_loop([9, 2, 3, 2, 3, 2, 3]) == [2, 3]
    assert tx.find_loop([2, 3, 2, 3, 4]) is None


@pytest.fixture(scope="module")
def trained():
    settings = small_settings(epochs=3)
    prepared = tx.prepare_text(DISTINCT, settings)
    return prepared, settings, tx.fit_text_model(prepared, settings)


def test_model_is_embedding_recurrent_layers_and_softmax_over_the_vocabulary():
    model = tx.build_text_model(50, 6, embedding_dim=8, cell="LSTM", num_units=16, num_layers=2)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Embedding", "LSTM", "LSTM", "Dense"]
    assert model.output_shape == (None, 50)
    assert model.count_params() == 50 * 8 + 4 * 16 * (8 + 16 + 1) + 4 * 16 * (16 + 16 + 1) + 16 * 50 + 50


def test_training_scores_model_network_and_both_yardsticks_on_test_documents(trained):
    prepared, _, result = trained
    metrics = result.details.metrics
    kneser_ney = result.details.mixture.kneser_ney.name
    assert set(metrics) == {"model", "network", kneser_ney, "bigram"}
    assert {m["pairs"] for m in metrics.values()} == {len(prepared.y_test)}
    assert metrics["bigram"]["perplexity"] is None and metrics["model"]["perplexity"] < prepared.vocabulary.size
    assert result.details.mixture.weight in tx.MIX_WEIGHTS
    assert result.details.verdict.baseline in (tx.scorer_name(kneser_ney), "the bigram rule")
    assert result.details.split["leaked_documents"] == 0 and result.details.split["test_documents"] == 12
    assert len(result.history["val_loss"]) == 3


def test_the_default_seed_is_the_commonest_opening_of_the_corpus(trained):
    prepared, _, _ = trained
    assert tx.seed_suggestion(prepared, "word") in {f"the {c}" for c in COLOURS}
    characters = tx.prepare_text(DISTINCT, small_settings(level="character"))
    assert tx.seed_suggestion(characters, "character") == "the"


def test_generation_is_reproducible_and_names_unknown_seed_words(trained):
    _, _, result = trained
    options = tx.GenerationSettings(num_words=6, sampling_seed=3)
    first, second = (tx.generate(result.details.mixture, result.details.vocabulary, "word", "The RED zebra", options)
                     for _ in range(2))
    assert first == second
    assert first.unknown == ["zebra"] and first.seed_tokens == ["the", "red", "zebra"]
    assert len(first.tokens) == 6 and all(0 < p <= 1 for p in first.probabilities)
    assert first.text.startswith("the red zebra ")
    assert [p for _, p in first.candidates] == sorted((p for _, p in first.candidates), reverse=True)


def test_an_empty_seed_starts_a_document(trained):
    _, _, result = trained
    found = tx.generate(result.details.mixture, result.details.vocabulary, "word", "  ",
                        tx.GenerationSettings(num_words=3, strategy="greedy"))
    assert found.seed_tokens == [] and len(found.tokens) == 3 and "[UNK]" not in found.tokens


def test_embedding_projection_and_neighbours(trained):
    _, _, result = trained
    vocabulary = result.details.vocabulary
    points = tx.embedding_projection(result.model, vocabulary, dimensions=3)
    assert list(points.columns[:3]) == ["x", "y", "z"] and len(points) == vocabulary.size - 2
    assert points.set_index("token").loc["red", "group"] == "colour"
    assert points.set_index("token").loc["coat", "group"] != "other"
    neighbours = tx.nearest_tokens(result.model, vocabulary, "red", count=4)
    assert "red" not in neighbours["token"].tolist() and len(neighbours) == 4
    assert neighbours["cosine similarity"].is_monotonic_decreasing


def test_score_table_shows_a_dash_where_the_baseline_has_no_perplexity():
    table = tx.score_table({"model": {"accuracy": 0.5, "top5_accuracy": 0.75, "perplexity": 3.21},
                            "kneser_ney_4gram": {"accuracy": 0.4, "top5_accuracy": 0.7, "perplexity": 4.5},
                            "bigram": {"accuracy": 0.25, "top5_accuracy": 0.5, "perplexity": None}})
    assert table.loc["model (network + counts)"].tolist() == ["50.0%", "75.0%", "3.21"]
    assert table.loc["bigram rule", "perplexity"] == "—" and "Kneser–Ney 4-gram" in table.index


def test_labels_go_to_the_chosen_word_its_neighbours_and_the_most_frequent_where_they_do_not_overlap():
    tokens = [f"t{i}" for i in range(40)]
    grid = np.arange(40.0)
    spread = pd.DataFrame({"token": tokens, "x": grid % 8 * 10, "y": grid // 8 * 10})  # apart: a grid of 8 × 5
    labelled = tx.label_mask(spread, "t35", pd.DataFrame({"token": ["t36", "t2"]}), count=5)
    assert spread["token"][labelled].tolist() == ["t0", "t1", "t2", "t3", "t4", "t5", "t35", "t36"]
    piled = spread.assign(x=np.where(grid < 20, 0.0, spread["x"]), y=np.where(grid < 20, 0.0, spread["y"]))
    labelled = tx.label_mask(piled, "t7", pd.DataFrame({"token": ["t3", "t30"]}), count=5)  # t0–t19 on one spot
    assert piled["token"][labelled].tolist() == ["t7", "t20", "t21", "t22", "t23", "t24", "t30"]
    in_3d = spread.assign(z=0.0)  # overlaps depend on the view: the chosen, its neighbours and the most frequent
    labelled = tx.label_mask(in_3d, "t35", pd.DataFrame({"token": ["t36", "t2"]}), count=5)
    assert in_3d["token"][labelled].tolist() == ["t0", "t1", "t2", "t3", "t4", "t5", "t35", "t36"]


def test_the_first_probe_word_is_a_grouped_word_when_there_is_one():
    vocabulary = tx.Vocabulary(("", "[UNK]", "the", "silk", "red"), (0, 0, 9, 5, 4))
    assert tx.probe_token(vocabulary) == "silk"


def test_the_first_probe_word_is_one_the_embedding_plot_draws():
    words = [f"word{i}" for i in range(tx.EMBEDDING_TOKENS)]  # a visitor's text: "top" is rare in it
    vocabulary = tx.Vocabulary(("", "[UNK]", *words, "top"), (0, 0, *range(1000, 1000 - len(words), -1), 2))
    assert tx.probe_token(vocabulary) == "word0"
    assert tx.probe_token(tx.Vocabulary(("", "[UNK]", "xy", "the", "module"), (0, 0, 3, 2, 1))) == "module"


def test_mixed_scripts_and_emoji_train_and_their_rare_tokens_are_reported_unknown():
    lines = [f"der Hund 🐕 läuft {COLOURS[i % 5]}, 犬が走る {ITEMS[i % 6]}, the dog runs word{i}" for i in range(90)]
    settings = small_settings(epochs=1)
    prepared = tx.prepare_text(lines, settings)
    assert "läuft" in prepared.vocabulary.tokens and "🐕" in prepared.vocabulary.tokens
    result = tx.fit_text_model(prepared, settings)
    model = result.details.metrics["model"]
    assert model["unknown_target_share"] > 0  # word{i} occurs once: [UNK], never credited
    assert model["known_pairs"] == round(model["pairs"] * (1 - model["unknown_target_share"]))
    found = tx.generate(result.details.mixture, prepared.vocabulary, "word", "der Hund",
                        tx.GenerationSettings(num_words=3))
    assert len(found.tokens) == 3 and found.unknown == []


def per_token(model: list[float], baseline: list[float], documents: int) -> tuple[tx.PerPair, tx.HeldOut]:
    """Log losses of two scorers on ``documents`` documents of the same tokens, and the held-out part they are on."""
    tokens = len(model) * documents
    losses = {"model": np.log(np.tile(model, documents)), "kneser_ney_3gram": np.log(np.tile(baseline, documents))}
    held = tx.HeldOut(None, None, np.full(tokens, 5), np.repeat(np.arange(documents), len(model)))
    return tx.PerPair({}, losses), held


def test_perplexity_is_compared_with_the_ngram_by_the_verdicts_rule():
    better, held = per_token([40.0, 60.0], [90.0, 110.0], documents=10)  # perplexity 49 against 99.5
    found = tx.perplexity_comparison(better, held, "kneser_ney_3gram", seed=0)
    assert found.model == pytest.approx(np.sqrt(40 * 60))
    assert found.baseline_perplexity == pytest.approx(np.sqrt(90 * 110))
    assert found.winner == "model" and found.lower_by == pytest.approx(1 - np.sqrt(40 * 60 / (90 * 110)))
    assert "51% lower" in found.sentence() and "the Kneser–Ney 3-gram 99.5" in found.sentence()
    same, held = per_token([50.0, 70.0], [50.0, 70.0], documents=10)
    assert tx.perplexity_comparison(same, held, "kneser_ney_3gram", seed=0).winner == "tie"
    slight, held = per_token([99.0, 101.0], [101.0, 103.0], documents=10)  # 2 % lower, every time: under the 3 %
    small = tx.perplexity_comparison(slight, held, "kneser_ney_3gram", seed=0)
    assert small.winner == "tie" and "a steady difference but under 3%" in small.sentence()
    few, held = per_token([40.0, 60.0], [90.0, 110.0], documents=3)
    short = tx.perplexity_comparison(few, held, "kneser_ney_3gram", seed=0)
    assert short.winner == "tie" and "too few test documents" in short.sentence()
    assert short.as_json()["interval"] is None


@pytest.mark.parametrize(("low", "high", "said"), [
    (0.12, 0.19, "between 12% and 19% lower"), (-0.08, -0.02, "between 2.0% and 8.0% higher"),
    (-0.02, 0.15, "between 2.0% higher and 15% lower"), (0.004, 0.011, "between 0.4% and 1.1% lower"),
])
def test_a_perplexity_interval_is_said_in_words(low, high, said):
    assert tx.between(low, high) == said


def test_the_embedding_caption_counts_its_labels_and_says_when_the_word_is_not_drawn():
    points = pd.DataFrame({"token": ["the", "of", "value", "object"], "group": "other",
                           "labelled": [True, False, True, True]})
    neighbours = pd.DataFrame({"token": ["object", "type", "class"]})
    said = tx.embedding_story(points, "value", neighbours)
    assert "Labelled where labels do not overlap: 1 of the most frequent tokens, “value”, 1 of its nearest" in said
    assert "not drawn" not in said and "the nearest to “value” are “object”, “type”, “class”" in said
    rare = tx.embedding_story(points, "garbage", neighbours)
    assert "“garbage” is rarer than these, so it is not drawn." in rare and ", “garbage”," not in rare
