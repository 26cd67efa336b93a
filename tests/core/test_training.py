import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from core import training
from core.training import (
    TrainingSettings,
    predict,
    split_validation,
    take,
    train,
    validation_batch_size,
)

ROOT = Path(__file__).resolve().parents[2]


def tiny_regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    return x, y


def build_dense() -> keras.Model:
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Dense(4, activation="tanh")(inputs)))


def weights_of(model):
    return [np.asarray(w) for w in model.get_weights()]


def test_same_seed_gives_identical_weights():
    x, y = tiny_regression()
    settings = TrainingSettings(epochs=2, batch_size=16, seed=7)
    first = train(build_dense, x, y, settings, loss="mse")
    second = train(build_dense, x, y, settings, loss="mse")
    for a, b in zip(weights_of(first.model), weights_of(second.model), strict=True):
        np.testing.assert_array_equal(a, b)
    assert first.history == second.history


def test_different_seed_gives_different_weights():
    x, y = tiny_regression()
    first = train(build_dense, x, y, TrainingSettings(epochs=1, seed=1), loss="mse")
    second = train(build_dense, x, y, TrainingSettings(epochs=1, seed=2), loss="mse")
    assert not np.array_equal(weights_of(first.model)[0], weights_of(second.model)[0])


def test_epoch_callback_reports_every_epoch_in_order_with_validation_logs():
    x, y = tiny_regression()
    calls = []
    result = train(build_dense, x, y, TrainingSettings(epochs=3, batch_size=16), loss="mse",
                   metrics=["mae"], on_epoch_end=lambda epoch, logs: calls.append((epoch, logs)))
    assert [epoch for epoch, _ in calls] == [1, 2, 3]
    assert all(isinstance(v, float) for _, logs in calls for v in logs.values())
    assert {"loss", "mae", "val_loss", "val_mae"} <= set(calls[-1][1])
    assert result.history["loss"] == [logs["loss"] for _, logs in calls]
    assert result.epochs_run == 3 and result.seconds > 0


def test_chronological_split_validates_on_the_last_rows():
    x = np.arange(10)
    (x_train, _), (x_val, _) = split_validation(x, x, 0.3, "chronological", seed=0)
    assert x_train.tolist() == list(range(7)) and x_val.tolist() == [7, 8, 9]


def test_random_split_is_seeded_and_covers_every_row_once():
    x = np.arange(20)
    (a_train, _), (a_val, _) = split_validation(x, x, 0.25, "random", seed=3)
    _, (b_val, _) = split_validation(x, x, 0.25, "random", seed=3)
    assert a_val.tolist() == b_val.tolist() and len(a_val) == 5
    assert sorted(a_train.tolist() + a_val.tolist()) == list(range(20))
    assert a_val.tolist() != [15, 16, 17, 18, 19]


def test_split_keeps_multi_input_rows_together():
    enc, dec = np.arange(10), np.arange(10) * 10
    _, (x_val, _) = split_validation([enc, dec], enc, 0.2, "random", seed=0)
    np.testing.assert_array_equal(x_val[1], x_val[0] * 10)
    assert take({"a": enc}, np.array([2]))["a"].tolist() == [2]


def test_split_that_leaves_nothing_to_train_on_says_so():
    with pytest.raises(ValueError, match="validation share"):
        split_validation(np.arange(2), np.arange(2), 0.1, "random", seed=0)


def test_explicit_validation_data_is_used_as_given():
    x, y = tiny_regression(64)
    x_val, y_val = tiny_regression(8, seed=1)
    result = train(build_dense, x, y, TrainingSettings(epochs=1), loss="mse", validation=(x_val, y_val))
    expected = result.model.evaluate(x_val, y_val, verbose=0)
    assert result.history["val_loss"][-1] == pytest.approx(expected, rel=1e-4)


def test_early_stopping_ends_when_validation_loss_stops_improving():
    x, y = tiny_regression(128)
    # Validation asks for the opposite mapping: the better the fit, the worse validation gets.
    result = train(build_dense, x, y, TrainingSettings(epochs=30, learning_rate=0.01), loss="mse",
                   validation=(x, -y), early_stopping_patience=2)
    assert result.epochs_run < 30


def test_training_on_jax_does_not_import_tensorflow():
    # A fresh interpreter: another test may have imported TensorFlow into this one.
    script = (
        "import sys; from core.training import TrainingSettings, train; from tests.core.test_training import "
        "build_dense, tiny_regression; x, y = tiny_regression(); "
        "train(build_dense, x, y, TrainingSettings(epochs=1), loss='mse'); "
        "print('tensorflow' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KERAS_BACKEND": "jax"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_threads_predicting_with_one_model_at_once_leave_it_working():
    """Streamlit starts a rerun before the run it replaces stops: both may predict with one cached model."""
    import threading

    from core.training import predict

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    x = np.ones((1, 4), "float32")
    expected = predict(model, x)
    errors = []

    def predict_many() -> None:
        try:
            for _ in range(200):
                np.testing.assert_allclose(predict(model, x), expected, rtol=1e-6)
        except Exception as err:  # any failure in a thread must reach the test
            errors.append(err)

    threads = [threading.Thread(target=predict_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    np.testing.assert_allclose(predict(model, x), expected, rtol=1e-6)


def test_predict_in_padded_batches_gives_each_row_its_own_output():
    model = build_dense()
    x = np.random.default_rng(0).normal(size=(1030, 3)).astype("float32")  # two whole batches of 512 and 6 rows
    batched = predict(model, x, batch_size=512)
    assert batched.shape == (1030, 1)
    np.testing.assert_allclose(batched, np.asarray(model.predict_on_batch(x)), rtol=1e-5, atol=1e-6)


def test_validation_fits_in_one_batch_unless_it_is_too_big(monkeypatch):
    x_val = np.zeros((400, 8), dtype="float32")  # 12.8 KB
    assert validation_batch_size(x_val, 64) == 400
    assert validation_batch_size([x_val, x_val], 64) == 400
    monkeypatch.setattr(training, "VALIDATION_BATCH_BYTES", 10_000)
    assert validation_batch_size(x_val, 64) == 64
    assert validation_batch_size({"a": x_val[:100], "b": x_val[:100]}, 64) == 100  # 6.4 KB in all


def test_xla_compiles_at_level_one_unless_the_environment_says_otherwise():
    script = "import os, core; print(os.environ['XLA_FLAGS'])"

    def flags(env: dict) -> str:
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env={k: v for k, v in {**os.environ, **env}.items() if v is not None}, check=True)
        return done.stdout.strip()

    assert flags({"XLA_FLAGS": None}) == "--xla_backend_optimization_level=1"
    assert flags({"XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false"}) == (
        "--xla_cpu_multi_thread_eigen=false --xla_backend_optimization_level=1")
    assert flags({"XLA_FLAGS": "--xla_backend_optimization_level=3"}) == "--xla_backend_optimization_level=3"


def test_training_stops_at_the_time_limit_and_keeps_the_model_so_far():
    x, y = tiny_regression(256)
    result = train(build_dense, x, y, TrainingSettings(epochs=10_000, batch_size=8), loss="mse", time_limit_s=0.5)
    assert result.stopped_at_time_limit and 1 <= result.epochs_run < 10_000
    assert result.seconds < 5
    assert not train(build_dense, x, y, TrainingSettings(epochs=2), loss="mse").stopped_at_time_limit


def test_a_distribution_strategy_is_used_on_tensorflow_and_refused_with_a_reason_elsewhere():
    x, y = tiny_regression()
    if keras.backend.backend() == "tensorflow":  # this suite also runs on TensorFlow (scripts/test.sh)
        import tensorflow as tf

        strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
        result = train(build_dense, x, y, TrainingSettings(epochs=1), loss="mse", strategy=strategy)
        assert result.model.distribute_strategy is strategy
        return
    with pytest.raises(ValueError, match="KERAS_BACKEND=tensorflow"):
        train(build_dense, x, y, TrainingSettings(epochs=1), loss="mse", strategy=object())


STRATEGY_SCRIPT = """
import json, numpy as np, tensorflow as tf
from core.training import TrainingSettings, train
from tests.core.test_training import build_dense, tiny_regression
x, y = tiny_regression()
losses = {}
for name, strategy in (("in scope", None), ("mirrored", tf.distribute.MirroredStrategy(["/cpu:0"]))):
    result = train(build_dense, x, y, TrainingSettings(epochs=3, batch_size=16), loss="mse", strategy=strategy)
    losses[name] = result.history["loss"]
    assert result.model.distribute_strategy is (strategy or tf.distribute.get_strategy())
print(json.dumps(losses))
"""


def test_trains_under_the_default_and_a_one_device_mirrored_strategy_on_tensorflow():
    """The scaling-out path: MirroredStrategy over the CPU, in a fresh TensorFlow-backed interpreter."""
    import json

    done = subprocess.run([sys.executable, "-c", STRATEGY_SCRIPT], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, env={**os.environ, "KERAS_BACKEND": "tensorflow"})
    assert done.returncode == 0, done.stderr[-2000:]
    losses = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(losses["mirrored"]) == 3 and losses["mirrored"][-1] < losses["mirrored"][0]
    np.testing.assert_allclose(losses["mirrored"], losses["in scope"], rtol=1e-4)
