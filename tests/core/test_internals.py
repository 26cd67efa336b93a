import itertools

import numpy as np
import pytest
import tensorflow as tf

from core import internals as rnn


@pytest.mark.parametrize("activation", rnn.ACTIVATIONS)
def test_hand_written_forward_pass_matches_keras_simple_rnn(activation):
    sequence = rnn.encode_sequence("the cat sat on the mat")
    weights = rnn.init_weights(sequence.xs.shape[1], 5, len(sequence.output_names), 1.5, seed=3)
    ours = np.array([step.h for step in rnn.forward(weights, sequence.xs, activation)])
    theirs = rnn.keras_hidden_states(weights, sequence.xs, activation)
    assert np.max(np.abs(ours - theirs)) < 1e-5


def test_forward_step_parts_add_up_and_outputs_are_distributions():
    weights = rnn.init_weights(1, 3, 3, 1.0, seed=0)
    weights = rnn.RnnWeights(weights.W_xh, weights.W_hh, np.array([0.1, -0.2, 0.3]), weights.W_hy, weights.b_y)
    steps = rnn.forward(weights, rnn.encode_sequence("0.5 1 -2").xs)
    for previous, step in itertools.pairwise(steps):
        np.testing.assert_array_equal(step.h_prev, previous.h)
    for step in steps:
        np.testing.assert_allclose(step.pre_activation, step.input_part + step.recurrent_part + weights.b)
        np.testing.assert_allclose(step.h, np.tanh(step.pre_activation))
        assert step.y.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(steps[0].h_prev, np.zeros(3))


@pytest.mark.parametrize("activation", rnn.ACTIVATIONS)
def test_hand_written_bptt_matches_gradient_tape(activation):
    rng = np.random.default_rng(1)
    W_xh, W_hh, b = rng.normal(size=(6, 2)), rng.normal(size=(6, 6)) * 0.4, rng.normal(size=6) * 0.1
    xs, direction = rng.normal(size=(12, 2)), rng.normal(size=6)
    ours = rnn.hidden_state_gradients(W_xh, W_hh, b, xs, direction, activation)
    f = {"tanh": tf.tanh, "sigmoid": tf.sigmoid, "relu": tf.nn.relu, "linear": tf.identity}[activation]
    W_hh = tf.constant(W_hh)
    with tf.GradientTape() as tape:
        tape.watch(W_hh)  # the tape records only what depends on a watched tensor
        h, states = tf.zeros(6, tf.float64), []
        for x in xs:
            h = f(tf.linalg.matvec(W_xh, x) + tf.linalg.matvec(W_hh, h) + b)
            states.append(h)
        loss = tf.tensordot(direction, states[-1], 1)
    theirs = np.stack([g.numpy() for g in tape.gradient(loss, states)])
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_spectral_radius_is_set_as_asked():
    matrix = rnn.with_spectral_radius(np.random.default_rng(0).normal(size=(20, 20)), 0.8)
    assert np.max(np.abs(np.linalg.eigvals(matrix))) == pytest.approx(0.8)


def test_small_radius_vanishes_and_large_radius_explodes():
    vanishing, _ = rnn.gradient_norm_curve(rnn.GradientSettings(spectral_radius=0.5))
    assert vanishing[0] < 1e-6 * vanishing[-1]
    exploding, _ = rnn.gradient_norm_curve(rnn.GradientSettings(spectral_radius=1.5, activation="linear"))
    assert exploding[0] > 1e6 * exploding[-1]


def test_clipping_caps_every_step_and_truncation_stops_the_gradient():
    settings = rnn.GradientSettings(spectral_radius=1.5, activation="linear", clip_norm=2.0, truncation=10)
    full, chosen = rnn.gradient_norm_curve(settings)
    reached = chosen[~np.isnan(chosen)]
    assert len(reached) == 10 and np.isnan(chosen[: settings.steps - 10]).all()
    assert (reached <= 2.0 + 1e-9).all() and full.max() > 2.0


def test_encode_sequence_reads_numbers_or_words_and_rejects_empty_text():
    numbers = rnn.encode_sequence("0.5, 1 -2")
    assert numbers.xs.shape == (3, 1) and numbers.output_names == rnn.NUMBER_CLASSES
    words = rnn.encode_sequence("the cat the")
    assert words.xs.shape == (3, 2) and words.output_names == ("the", "cat")
    np.testing.assert_array_equal(words.xs[0], words.xs[2])
    for bad in ("", "   ", "1 inf"):
        with pytest.raises(ValueError, match=r"sequence|finite"):
            rnn.encode_sequence(bad)


def test_lstm_gates_reproduce_keras_lstm():
    import keras

    layer = keras.layers.LSTM(5)
    xs = np.random.default_rng(0).normal(size=(7, 3)).astype("float32")
    expected = np.asarray(layer(xs[None]))[0]
    gates = rnn.lstm_gates(*layer.get_weights(), xs)
    np.testing.assert_allclose(gates["h"][-1], expected, atol=1e-5)
    assert all(((g >= 0) & (g <= 1)).all() for name, g in gates.items() if name != "h")


def test_recall_task_pads_before_the_key_and_flags_it():
    x, keys, lengths = rnn.recall_task(200, (5, 20), noise=1.0, seed=0)
    assert x.shape == (200, 20, rnn.MEMORY_KEYS + 1)
    for row, key, length in zip(x, keys, lengths, strict=True):
        start = 20 - length
        assert not row[:start].any()
        assert row[start, key] == 1 and row[start, -1] == 1 and row[start].sum() == 2


@pytest.mark.learned
def test_gates_help_on_long_sequences():
    result = rnn.compare_cells(rnn.MemorySettings())
    accuracy = result.details.accuracy
    assert accuracy["LSTM"][50] > accuracy["SimpleRNN"][50] + 0.15
    assert accuracy["GRU"][50] > accuracy["SimpleRNN"][50] + 0.15
    trace = rnn.gate_example(result.model, 1.0, seed=5)
    gates, key = trace.gates, trace.key
    assert gates["forget"].shape == (50, 16) and 0 <= key < rnn.MEMORY_KEYS
