"""One training entry point for every page: seeded, timed, reporting each epoch.

Pages build a model with a ``core`` builder and hand the builder (not the model)
to :func:`train`, so the seed is set *before* the weights are drawn: the same
settings then give the same weights, which is what lets a user trust a comparison.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import keras
import numpy as np

from core.settings import batch_size_knob, epochs_knob, learning_rate_knob, seed_knob

Split = Literal["random", "chronological"]
EpochFn = Callable[[int, dict[str, float]], None]
Arrays = Any  # an array, or a list/tuple/dict of arrays for multi-input models


_INFERENCE_LOCK = threading.Lock()
TIME_LIMIT_S = 120.0  # one training's budget on a shared server: stopped after the epoch that passes it
VALIDATION_BATCH_BYTES = 64 * 2**20  # validation inputs up to this size are scored in one batch


def predict(model: keras.Model, x: Arrays, batch_size: int = 512) -> np.ndarray:
    """The model's outputs for ``x`` as NumPy, safe when several script runs share the model.

    Keras on JAX donates the weights' buffers to every predict step and puts
    new ones back afterwards. Streamlit starts a rerun in a new thread before
    the run it replaces has stopped, so two threads can predict with one
    cached model at once; the loser is left holding deleted buffers, and the
    model is broken for good. Models built over another's layers share its
    buffers too, so one lock serves them all; a prediction takes milliseconds.
    Small inputs go through ``predict_on_batch``, which skips building a data
    pipeline (most of the cost of one row). Larger ones are padded to whole
    batches (the last row repeated), so the last batch has the shape of the
    others and XLA compiles one predict step, not two.
    """
    rows = num_rows(x)
    with _INFERENCE_LOCK:
        if rows <= batch_size:
            outputs = model.predict_on_batch(x)
        else:
            whole_batches = -(-rows // batch_size) * batch_size
            padding = np.full(whole_batches - rows, rows - 1)
            outputs = model.predict(take(x, np.r_[np.arange(rows), padding]), batch_size=batch_size,
                                    verbose=0)[:rows]
    return np.asarray(outputs)


def tell(on_epoch_end: EpochFn | None, stage: str) -> None:
    """Say what training is doing before an epoch ends ("Making 600 clips…"), to a page that listens.

    A page's progress function may carry a ``stage(text)`` method and shows the
    text at once; plain ``(epoch, logs)`` functions (the bench's, a test's) do
    not hear it. So the progress bar says what happens from the first second,
    while data is made and the first epoch compiles.
    """
    stage_fn = getattr(on_epoch_end, "stage", None)
    if stage_fn is not None:
        stage_fn(stage)


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and Keras, as ``keras.utils.set_random_seed`` does.

    That function also imports TensorFlow (when installed) just to seed it,
    which costs about 2 s and several hundred MB on the first training of a
    process running another backend. Here TensorFlow is seeded only when it is
    the backend; Keras's own seed state is set through the same attributes
    ``set_random_seed`` writes (a test holds weights identical under a seed).
    """
    if keras.backend.backend() == "tensorflow":
        keras.utils.set_random_seed(seed)
        return
    from keras.src.backend.common import global_state
    from keras.src.random import seed_generator
    from keras.src.utils import rng_utils

    global_state.set_global_attribute(rng_utils.GLOBAL_RANDOM_SEED, seed)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    random.seed(seed)
    np.random.seed(seed)


@dataclass(frozen=True)
class TrainingSettings:
    """The knobs every training page shares; page settings inherit them (and stay flat)."""

    epochs: int = epochs_knob(10)
    batch_size: int = batch_size_knob(32)
    learning_rate: float = learning_rate_knob(3e-3)
    seed: int = seed_knob()


Details = TypeVar("Details")


@dataclass(frozen=True)
class TrainResult(Generic[Details]):
    """A finished training run: the model, its curves and time, and what its page shows about it.

    ``details`` is the task's own frozen dataclass (``ForecastResult``,
    ``VideoResult``, …), so a page reads ``result.details.future`` rather than
    a string key, and a renamed field fails at once. ``scores`` are the few
    numbers the sidebar and the run comparison list, keyed by role ("model
    MAE", not "GRU model MAE"), so runs with different cells share columns.
    """

    model: keras.Model
    history: dict[str, list[float]]
    settings: Any
    seconds: float
    scores: dict[str, float] = field(default_factory=dict)
    score_noise: dict[str, float] = field(default_factory=dict)  # a score's standard error, where it is known
    details: Details | None = None
    training_examples: int = 0  # rows the model learned from (validation excluded)
    stopped_at_time_limit: bool = False  # fit ended at ``TIME_LIMIT_S``, before its last epoch

    @property
    def epochs_run(self) -> int:
        """Epochs actually trained (early stopping can end before the setting)."""
        return len(self.history.get("loss", []))


class EpochCallback(keras.callbacks.Callback):
    """Calls a plain function after every epoch, so ``core`` stays free of any UI.

    Logs are converted to Python floats: the page may keep them after the model
    is gone, and a backend tensor would hold device memory alive.
    """

    def __init__(self, on_epoch_end: EpochFn):
        super().__init__()
        self._on_epoch_end = on_epoch_end

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._on_epoch_end(epoch + 1, {k: float(v) for k, v in (logs or {}).items()})


class TimeLimit(keras.callbacks.Callback):
    """Stops ``fit`` after the epoch that passes ``seconds``: the model so far is kept, and says so.

    Checked at epoch ends only: a check after every batch makes Keras wait for
    each batch's numbers before starting the next, which slows every training.
    """

    def __init__(self, seconds: float):
        super().__init__()
        self.reached = False
        self._deadline = time.perf_counter() + seconds

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if time.perf_counter() > self._deadline:
            self.reached = self.model.stop_training = True


def take(data: Arrays, index: np.ndarray) -> Arrays:
    """Rows ``index`` of an array, or of every array in a list, tuple or dict of them."""
    if isinstance(data, dict):
        return {k: take(v, index) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(take(v, index) for v in data)
    return data[index]


def num_rows(data: Arrays) -> int:
    """Number of examples in an array or in the first array of a structure."""
    if isinstance(data, dict):
        return num_rows(next(iter(data.values())))
    if isinstance(data, (list, tuple)):
        return num_rows(data[0])
    return len(data)


def validation_batch_size(x_val: Arrays, batch_size: int) -> int:
    """All validation rows in one batch when their inputs fit in ``VALIDATION_BATCH_BYTES``, else ``batch_size``.

    Validation in training-sized batches ends on a smaller batch, whose new
    shape XLA compiles again: 0.2 s of a 3 s click on the connection page.
    Scores are the same either way (a mean over the same rows).
    """
    rows = num_rows(x_val)
    row_bytes = sum(np.asarray(array[:1]).nbytes for array in _leaves(x_val))
    return rows if rows * row_bytes <= VALIDATION_BATCH_BYTES else batch_size


def _leaves(data: Arrays) -> Iterator[np.ndarray]:
    """Every array in an array, or in a list, tuple or dict of them."""
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, (list, tuple)):
        for item in data:
            yield from _leaves(item)
    else:
        yield data


def split_validation(
    x: Arrays, y: Arrays, fraction: float, split: Split, seed: int
) -> tuple[tuple[Arrays, Arrays], tuple[Arrays, Arrays]]:
    """Hold out ``fraction`` of the rows for validation.

    ``chronological`` keeps the last rows (time series must never validate on
    the past); ``random`` draws them with ``seed``.
    """
    n = num_rows(x)
    n_val = round(n * fraction)
    if not 0 < n_val < n:
        raise ValueError(
            f"A validation share of {fraction:.0%} of {n} examples leaves "
            f"{n - n_val} to train on and {n_val} to validate; use more data or another share."
        )
    order = np.arange(n) if split == "chronological" else np.random.default_rng(seed).permutation(n)
    train_idx, val_idx = order[: n - n_val], order[n - n_val :]
    return (take(x, train_idx), take(y, train_idx)), (take(x, val_idx), take(y, val_idx))


def train(
    build_model: Callable[[], keras.Model],
    x: Arrays,
    y: Arrays,
    settings: TrainingSettings,
    *,
    loss: str | keras.losses.Loss,
    metrics: Sequence[Any] = (),
    validation: tuple[Arrays, Arrays] | None = None,
    validation_fraction: float = 0.2,
    split: Split = "random",
    early_stopping_patience: int = 0,
    on_epoch_end: EpochFn | None = None,
    time_limit_s: float | None = TIME_LIMIT_S,
    strategy: Any | None = None,
) -> TrainResult:
    """Seed, build, compile and fit a model; return it with its history and wall time.

    ``validation`` is used as given when the caller has its own split (a
    forecaster's chronological one); otherwise ``validation_fraction`` of the
    rows is held out as ``split`` says. ``early_stopping_patience`` > 0 stops
    when validation loss has not improved for that many epochs and restores
    the best weights. Training stops after ``time_limit_s`` seconds (None: no
    limit), so no setting can hold a shared server's cores for long.

    On TensorFlow the model is built and compiled in ``strategy``'s scope (a
    ``tf.distribute`` strategy; by default the one in scope), so the same code
    trains on several GPUs under ``MirroredStrategy``.
    """
    started = time.perf_counter()
    set_seed(settings.seed)
    if validation is None:
        (x, y), validation = split_validation(x, y, validation_fraction, split, settings.seed)
    training_examples = num_rows(x)
    tell(on_epoch_end, f"Building the model ({training_examples:,} training examples)…")
    with _distribution_scope(strategy):
        model = build_model()
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=settings.learning_rate), loss=loss,
                      metrics=list(metrics))
    tell(on_epoch_end, f"Epoch 1 of {settings.epochs}: compiling the model for this machine, then training…")
    time_limit = TimeLimit(time_limit_s) if time_limit_s is not None else None
    callbacks: list[keras.callbacks.Callback] = [time_limit] if time_limit else []
    if on_epoch_end is not None:
        callbacks.append(EpochCallback(on_epoch_end))
    if early_stopping_patience > 0:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=early_stopping_patience, restore_best_weights=True))
    fitted = model.fit(x, y, batch_size=settings.batch_size, epochs=settings.epochs, validation_data=validation,
                       validation_batch_size=validation_batch_size(validation[0], settings.batch_size),
                       callbacks=callbacks, verbose=0)
    history = {k: [float(v) for v in values] for k, values in fitted.history.items()}
    return TrainResult(model, history, settings, time.perf_counter() - started, training_examples=training_examples,
                       stopped_at_time_limit=bool(time_limit and time_limit.reached))


def _distribution_scope(strategy: Any | None) -> contextlib.AbstractContextManager:
    """``strategy``'s scope on TensorFlow (default: the strategy in scope); nothing to enter on other backends."""
    if keras.backend.backend() != "tensorflow":
        if strategy is not None:
            raise ValueError("A tf.distribute strategy needs KERAS_BACKEND=tensorflow; on "
                             f"{keras.backend.backend()} use keras.distribution instead.")
        return contextlib.nullcontext()
    import tensorflow as tf

    return (strategy or tf.distribute.get_strategy()).scope()
