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
from typing import Any, Literal

import keras
import numpy as np

from core.settings import knob

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

    epochs: int = knob(10, "Epochs", "How many passes over the training data. More passes fit the "
                       "training data better, but take longer and can start memorising it.",
                       low=1, high=200)
    batch_size: int = knob(32, "Batch size", "How many examples the model looks at before each "
                           "weight update. Bigger batches train faster per epoch but take "
                           "fewer, smoother steps.", choices=(8, 16, 32, 64, 128, 256, 512))
    learning_rate: float = knob(3e-3, "Learning rate", "How big each weight update is. Too high "
                                "and the loss jumps around or explodes; too low and learning "
                                "crawls.", choices=(0.0003, 0.001, 0.003, 0.01, 0.03))
    seed: int = knob(42, "Random seed", "Fixes every random choice (starting weights, shuffling, "
                     "generated data). The same seed and settings give the same result.",
                     low=0, high=9999)


@dataclass
class TrainResult:
    """Everything a page shows or caches about one finished training run."""

    model: keras.Model
    history: dict[str, list[float]]
    settings: Any
    data_fingerprint: str
    seconds: float
    scores: dict[str, float] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)  # page-specific results worth keeping
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


@dataclass(frozen=True)
class Engine:
    """How :func:`train` runs the arithmetic in this process; never what a model learns.

    The defaults are what measured fastest on 2 CPU cores for every page's
    default model (``bench/engines.py``, figures in ``bench/RESULTS.md``); the
    other values are there so that bench can time them through the pages' own
    code, and so a machine where they win can switch with :func:`use_engine`.
    """

    jit_compile: bool | Literal["auto"] = "auto"  # XLA; "auto": wherever every layer supports it
    unroll: bool = False  # recurrent layers as straight-line code, one copy per time step
    pipeline: Literal["arrays", "tf.data"] = "arrays"  # NumPy arrays straight to fit, or a tf.data pipeline
    labels: Literal["sparse", "one-hot"] = "sparse"  # class labels as indices, or as one-hot rows


_engine = Engine()


def use_engine(engine: Engine) -> None:
    """Run every later training in this process with ``engine``."""
    global _engine
    _engine = engine


def recurrent_layers(layer: keras.layers.Layer) -> Iterator[keras.layers.RNN]:
    """Every recurrent layer in ``layer``, looking inside models and wrappers."""
    if isinstance(layer, keras.layers.RNN):
        yield layer
    for inner in [*getattr(layer, "layers", ()), getattr(layer, "layer", None)]:
        if inner is not None:
            yield from recurrent_layers(inner)


def _one_hot(loss: Any, y: Arrays, validation: tuple[Arrays, Arrays], classes: int) -> tuple[Any, Arrays, tuple]:
    """Sparse labels turned into one-hot rows, with the loss that reads them (other losses pass through)."""
    if loss != "sparse_categorical_crossentropy":
        return loss, y, validation
    x_val, y_val = validation
    return ("categorical_crossentropy", keras.utils.to_categorical(y, classes),
            (x_val, keras.utils.to_categorical(y_val, classes)))


def _tf_datasets(x: Arrays, y: Arrays, validation: tuple[Arrays, Arrays], batch_size: int, seed: int) -> tuple:
    """Training and validation data as batched tf.data pipelines (training shuffled each epoch, as fit does)."""
    import tensorflow as tf

    def tensors(data: Arrays) -> Arrays:
        return tuple(data) if isinstance(data, list) else data  # a list would be stacked into one tensor

    train_set = tf.data.Dataset.from_tensor_slices((tensors(x), y)).shuffle(num_rows(x), seed=seed)
    x_val, y_val = validation
    return (train_set.batch(batch_size).prefetch(tf.data.AUTOTUNE),
            tf.data.Dataset.from_tensor_slices((tensors(x_val), y_val)).batch(batch_size))


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
    data_fingerprint: str = "",
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
    training_examples, engine = num_rows(x), _engine
    with _distribution_scope(strategy):
        model = build_model()
        if engine.unroll:
            for layer in recurrent_layers(model):
                layer.unroll = True
        if engine.labels == "one-hot":
            loss, y, validation = _one_hot(loss, y, validation, model.output_shape[-1])
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=settings.learning_rate),
            loss=loss,
            metrics=list(metrics),
            jit_compile=engine.jit_compile,
        )
    time_limit = TimeLimit(time_limit_s) if time_limit_s is not None else None
    callbacks: list[keras.callbacks.Callback] = [time_limit] if time_limit else []
    if on_epoch_end is not None:
        callbacks.append(EpochCallback(on_epoch_end))
    if early_stopping_patience > 0:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=early_stopping_patience, restore_best_weights=True))
    if engine.pipeline == "tf.data":
        data, validation = _tf_datasets(x, y, validation, settings.batch_size, settings.seed)
        fit_args = {"x": data, "shuffle": False}  # the pipeline shuffles itself
    else:
        fit_args = {"x": x, "y": y, "batch_size": settings.batch_size,
                    "validation_batch_size": validation_batch_size(validation[0], settings.batch_size)}
    fitted = model.fit(**fit_args, validation_data=validation, epochs=settings.epochs, callbacks=callbacks, verbose=0)
    history = {k: [float(v) for v in values] for k, values in fitted.history.items()}
    return TrainResult(model, history, settings, data_fingerprint, time.perf_counter() - started,
                       training_examples=training_examples,
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
