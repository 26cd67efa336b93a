import keras
import numpy as np
import pytest

from core import connections as cx
from core.training import TrainingSettings


@pytest.mark.parametrize("cell", list(cx.CELLS))
@pytest.mark.parametrize(("batch", "length"), [(1, 2), (4, 8), (16, 30)])
def test_recurrent_builders_give_the_shapes_of_their_pattern(cell, batch, length):
    one_to_many = cx.build_one_to_many(cell, 8, length)
    assert one_to_many(np.zeros((batch, 2), "float32")).shape == (batch, length, 1)
    many_to_one = cx.build_many_to_one(cell, 8)
    assert many_to_one(np.zeros((batch, length), "int32")).shape == (batch, 1)
    many_to_many = cx.build_many_to_many(cell, 8)
    assert many_to_many(np.zeros((batch, length, 1), "float32")).shape == (batch, length, 1)
    encoder_decoder = cx.build_encoder_decoder(cell, 8)
    words = encoder_decoder([np.zeros((batch, cx.MAX_DIGITS), "int32"), np.zeros((batch, cx.MAX_WORDS), "int32")])
    assert words.shape == (batch, cx.MAX_WORDS, len(cx.WORD_VOCAB))


def test_one_to_one_has_no_recurrent_layer():
    model = cx.build_one_to_one(8)
    assert model(np.zeros((3, 2), "float32")).shape == (3, 1)
    assert not any(isinstance(layer, keras.layers.RNN) for layer in model.layers)


def test_many_to_one_weights_do_not_depend_on_the_sequence_length():
    assert cx.build_many_to_one("GRU", 8, 5).count_params() == cx.build_many_to_one("GRU", 8, 50).count_params()


def test_every_pattern_task_matches_its_model():
    for pattern in cx.PATTERNS:
        settings = cx.ConnectionSettings(pattern=pattern, num_examples=20, sequence_length=6)
        task = cx.make_task(settings, seed=0)
        predicted = cx.build_model(settings)(task.x)
        sparse = task.loss == "sparse_categorical_crossentropy"  # one id per step -> one probability per word
        assert predicted.shape == ((*task.y.shape, len(cx.WORD_VOCAB)) if sparse else task.y.shape)


def test_tasks_are_seeded():
    settings = cx.ConnectionSettings(num_examples=50)
    np.testing.assert_array_equal(cx.make_task(settings, 1).x, cx.make_task(settings, 1).x)
    assert not np.array_equal(cx.make_task(settings, 1).x, cx.make_task(settings, 2).x)


def test_circle_labels_are_inside_the_unit_circle():
    task = cx.circle_points(200, seed=0)
    np.testing.assert_array_equal(task.y[:, 0] == 1, np.hypot(task.x[:, 0], task.x[:, 1]) < 1)


def test_wave_continues_the_phase():
    task = cx.sine_continuations(5, 4, seed=0)
    phase = np.arctan2(task.x[:, 0], task.x[:, 1])
    np.testing.assert_allclose(task.y[:, 0, 0], np.sin(phase + cx.WAVE_STEP), atol=1e-5)


def test_review_label_is_more_good_than_bad_words_and_never_a_tie():
    task = cx.reviews(300, 8, seed=0)
    good = np.isin(task.x, [cx.REVIEW_VOCAB.index(w) for w in cx.GOOD_WORDS]).sum(axis=1)
    bad = np.isin(task.x, [cx.REVIEW_VOCAB.index(w) for w in cx.BAD_WORDS]).sum(axis=1)
    assert (good != bad).all()
    np.testing.assert_array_equal(task.y[:, 0], (good > bad).astype("float32"))


def test_new_maximum_flags():
    assert cx.new_maximum_flags(np.array([3, 1, 4, 1, 5, 5, 9])).tolist() == [1, 0, 1, 0, 1, 0, 1]


@pytest.mark.parametrize(("value", "words"), [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (20, "twenty"), (42, "forty two"),
    (100, "one hundred"), (105, "one hundred five"), (342, "three hundred forty two"),
    (999, "nine hundred ninety nine"),
])
def test_spell_number(value, words):
    assert cx.spell_number(value) == words


def test_number_words_uses_teacher_forcing_and_different_lengths():
    task = cx.number_words(np.array([7, 342]))
    encoder_in, decoder_in = task.x
    assert encoder_in.tolist() == [[0, 0, 8], [4, 5, 3]]
    start = cx.WORD_VOCAB.index("<start>")
    np.testing.assert_array_equal(decoder_in[:, 0], [start, start])
    np.testing.assert_array_equal(decoder_in[:, 1:], task.y[:, :-1])  # shifted right by one
    assert [cx.WORD_VOCAB[i] for i in task.y[0]][:2] == ["seven", "<end>"]


def test_held_out_numbers_never_appear_in_training():
    train_numbers, test_numbers = cx.number_split(seed=42)
    assert not set(train_numbers) & set(test_numbers)
    settings = cx.ConnectionSettings(pattern="encoder_decoder", num_examples=3000)
    trained_on = {int("".join(str(d - 1) for d in row if d)) for row in cx.make_task(settings, 42).x[0]}
    assert not trained_on & set(test_numbers.tolist())


def test_greedy_decode_feeds_back_its_own_choices():
    model = cx.build_encoder_decoder("GRU", 4)
    steps = cx.greedy_decode(model, [42, 7])
    assert len(steps) == 2 and all(1 <= len(s) <= cx.MAX_WORDS for s in steps)
    assert all(0 <= step.probability <= 1 for s in steps for step in s)
    # The first step must equal a plain forward pass with <start> alone.
    first = np.asarray(model([np.stack([cx.encode_digits("42")]),
                              np.array([[cx.WORD_VOCAB.index("<start>"), 0, 0, 0, 0]])]))[0, 0]
    assert steps[0][0].word == cx.WORD_VOCAB[int(first.argmax())]


@pytest.mark.learned
def test_trained_encoder_decoder_spells_unseen_numbers():
    settings = cx.ConnectionSettings(pattern="encoder_decoder")
    result = cx.fit_pattern(settings, cx.make_task(settings, settings.seed))
    assert result.scores["exact match"] > 0.9


def test_typed_input_parsers_explain_what_to_type():
    assert cx.parse_digits("3 1 4").tolist() == [3, 1, 4]
    assert cx.parse_digits("314").tolist() == [3, 1, 4]
    with pytest.raises(ValueError, match="single digits"):
        cx.parse_digits("3 12 x")
    with pytest.raises(ValueError, match="single digits"):
        cx.parse_digits("   ")
    assert cx.parse_number(" 42 ") == 42
    for bad in ("", "1000", "-3", "4.5", "forty"):
        with pytest.raises(ValueError, match="0 to 999"):
            cx.parse_number(bad)
    ids, unknown = cx.review_ids("Great zorblax")
    assert ids.shape == (1, 2) and unknown == ["zorblax"]


def test_layer_table_fills_batch_and_time_axes():
    model = cx.build_many_to_one("LSTM", 8)
    table = cx.layer_table(model, batch_size=64, sequence_length=12)
    assert table[1]["output shape"] == "(64, 12, 8)"
    assert sum(row["parameters"] for row in table) == model.count_params()


def test_settings_inherit_the_shared_training_knobs():
    assert issubclass(cx.ConnectionSettings, TrainingSettings)
    assert cx.ConnectionSettings().epochs == 12  # the page's own default overrides the shared one


def test_padding_does_not_change_a_many_to_one_prediction():
    model = cx.build_many_to_one("GRU", 8)
    review = cx.reviews(4, 6, seed=0).x
    padded = np.concatenate([np.zeros((4, 10), "int32"), review], axis=1)
    np.testing.assert_allclose(model.predict(review, verbose=0), model.predict(padded, verbose=0), atol=1e-5)


def test_accuracy_by_length_scores_every_length():
    model = cx.build_many_to_one("GRU", 4)
    scores = cx.accuracy_by_length(model, (3, 9), seed=0, n=50)
    assert list(scores) == [3, 9] and all(0 <= v <= 1 for v in scores.values())


def test_numbers_up_to_six_digits_are_spelled_and_split_per_length():
    assert cx.spell_number(777_777) == "seven hundred seventy seven thousand seven hundred seventy seven"
    assert cx.spell_number(100_005) == "one hundred thousand five" and cx.spell_number(2_000) == "two thousand"
    assert [cx.words_for(d) for d in (3, 6)] == [cx.MAX_WORDS, 10]
    train_numbers, test_numbers = cx.number_split(seed=1, digits=6)
    assert not set(train_numbers.tolist()) & set(test_numbers.tolist())
    assert sorted(set(cx.digit_count(test_numbers).tolist())) == [2, 3, 4, 5, 6]  # every length scored
    drawn = cx.digit_count(cx.training_numbers(train_numbers, 3000, seed=0))
    assert (np.bincount(drawn)[1:] > 0).all() and np.bincount(drawn)[6] > np.bincount(drawn)[2]


def test_attention_weights_sum_to_one_over_the_digits_and_the_drawn_map_is_them():
    model = cx.build_encoder_decoder("GRU", 8, digits=6, attention=True)
    steps = cx.greedy_decode(model, [4072])[0]
    weights = cx.attention_weights(model, 4072, steps)
    assert weights.shape == (len(steps), 4)  # one row per word written, one column per digit of 4072
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)  # padding digits get nothing
    reader = keras.Model(model.inputs, model.get_layer("attention").output[1])
    previous = np.zeros((1, 10), "int32")
    previous[0, : len(steps)] = [cx.START, *(cx.WORD_VOCAB.index(s.word) for s in steps[:-1])]
    raw = np.asarray(reader([cx.encode_digits("4072", 6)[None], previous]))[0]
    np.testing.assert_allclose(weights, raw[: len(steps), 2:], atol=1e-6)
    assert cx.attention_weights(cx.build_encoder_decoder("GRU", 8), 42, steps) is None


def test_beam_of_width_one_spells_as_greedy_decoding_does():
    model = cx.build_encoder_decoder("LSTM", 8, attention=True)
    for number in (7, 42, 905):
        greedy = cx.decoded_text(cx.greedy_decode(model, [number])[0])
        assert cx.spelled(cx.beam_decode(model, number, width=1).sequences[0].tokens) == greedy
