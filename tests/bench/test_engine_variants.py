"""The bench's engine variants change how training runs, never what it learns."""

import keras
import numpy as np

from bench.engine_variants import Engine, engine_variant, recurrent_layers
from core.training import TrainingSettings, train


def tiny_sequences(n=96, seed=0):
    """Label = the sign pattern of a short sequence's sum (3 classes), for a small GRU."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5, 2)).astype("float32")
    total = x.sum(axis=(1, 2))
    return x, np.digitize(total, [-1.0, 1.0]).astype("int32")


def build_gru() -> keras.Model:
    inputs = keras.Input((5, 2))
    wrapped = keras.layers.TimeDistributed(keras.layers.Dense(4))(inputs)
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.GRU(6)(wrapped))
    return keras.Model(inputs, outputs)


def fit_sequences(engine: Engine | None = None) -> dict[str, list[float]]:
    x, y = tiny_sequences()
    settings = TrainingSettings(epochs=3, batch_size=16, seed=3)
    with engine_variant(engine or Engine()):
        return train(build_gru, x, y, settings, loss="sparse_categorical_crossentropy",
                     metrics=["accuracy"]).history


def test_recurrent_layers_are_found_inside_nested_models():
    inner = keras.Sequential([keras.Input((4, 2)), keras.layers.LSTM(3, return_sequences=True)])
    outer = keras.Sequential([keras.Input((4, 2)), inner, keras.layers.SimpleRNN(2), keras.layers.Dense(1)])
    assert [type(layer).__name__ for layer in recurrent_layers(outer)] == ["LSTM", "SimpleRNN"]


def test_engine_settings_change_speed_not_what_is_learned():
    default = fit_sequences()
    other = fit_sequences(Engine(unroll=True, labels="one-hot"))
    assert set(other) == set(default)
    for name in ("loss", "val_loss", "accuracy"):
        np.testing.assert_allclose(other[name], default[name], rtol=1e-4, atol=1e-5)


def test_tf_data_pipeline_trains_and_validates_every_epoch():
    history = fit_sequences(Engine(pipeline="tf.data"))
    assert len(history["loss"]) == 3 and np.isfinite(history["val_loss"]).all()
    assert history["loss"][-1] < history["loss"][0]


def test_the_variants_are_undone_after_the_block():
    compile_ = keras.Model.compile
    with engine_variant(Engine(unroll=True)):
        assert keras.Model.compile is not compile_
    assert keras.Model.compile is compile_
