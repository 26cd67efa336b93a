"""Ways of running the arithmetic that the engine bench times, kept out of ``core.training``'s hot path.

``core.training.train`` runs every page the way that measured fastest on 2 CPU
cores (XLA as Keras decides, NumPy arrays straight to ``fit``, sparse labels).
The bench also times the alternatives through the pages' own code paths; this
module switches them on for one process by wrapping ``keras.Model.compile``
and ``fit``, so ``train()`` stays one screen long and the pages never see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import keras
import numpy as np

from core.training import num_rows


@dataclass(frozen=True)
class Engine:
    """How training runs the arithmetic; never what a model learns. The defaults are what ``train()`` does."""

    jit_compile: bool | Literal["auto"] = "auto"  # XLA; "auto": wherever every layer supports it
    unroll: bool = False  # recurrent layers as straight-line code, one copy per time step
    pipeline: Literal["arrays", "tf.data"] = "arrays"  # NumPy arrays straight to fit, or a tf.data pipeline
    labels: Literal["sparse", "one-hot"] = "sparse"  # class labels as indices, or as one-hot rows


def recurrent_layers(layer: keras.layers.Layer) -> Iterator[keras.layers.RNN]:
    """Every recurrent layer in ``layer``, looking inside models and wrappers."""
    if isinstance(layer, keras.layers.RNN):
        yield layer
    for inner in [*getattr(layer, "layers", ()), getattr(layer, "layer", None)]:
        if inner is not None:
            yield from recurrent_layers(inner)


@contextmanager
def engine_variant(engine: Engine) -> Iterator[None]:
    """Every model compiled and fitted inside runs with ``engine``."""
    compile_, fit = keras.Model.compile, keras.Model.fit

    def compile_with(model: keras.Model, *args: Any, loss: Any = None, **kwargs: Any) -> None:
        for layer in recurrent_layers(model) if engine.unroll else ():
            layer.unroll = True
        if engine.labels == "one-hot" and loss == "sparse_categorical_crossentropy":
            loss = "categorical_crossentropy"
        compile_(model, *args, loss=loss, jit_compile=engine.jit_compile, **kwargs)

    def fit_with(model: keras.Model, x: Any, y: Any, *, validation_data: tuple, batch_size: int,
                 **kwargs: Any) -> Any:
        if engine.labels == "one-hot" and model.loss == "categorical_crossentropy":
            classes = model.output_shape[-1]
            y = keras.utils.to_categorical(y, classes)
            validation_data = (validation_data[0], keras.utils.to_categorical(validation_data[1], classes))
        if engine.pipeline == "tf.data":
            data, validation = _tf_datasets(x, y, validation_data, batch_size, seed=0)
            kwargs.pop("validation_batch_size", None)
            return fit(model, data, validation_data=validation, shuffle=False, **kwargs)
        return fit(model, x, y, validation_data=validation_data, batch_size=batch_size, **kwargs)

    keras.Model.compile, keras.Model.fit = compile_with, fit_with
    try:
        yield
    finally:
        keras.Model.compile, keras.Model.fit = compile_, fit


def _tf_datasets(x: Any, y: Any, validation: tuple, batch_size: int, seed: int) -> tuple:
    """Training and validation data as batched tf.data pipelines (training shuffled each epoch, as fit does)."""
    import tensorflow as tf

    def tensors(data: Any) -> Any:
        return tuple(data) if isinstance(data, list) else data  # a list would be stacked into one tensor

    train_set = tf.data.Dataset.from_tensor_slices((tensors(x), y)).shuffle(num_rows(x), seed=seed)
    x_val, y_val = validation
    return (train_set.batch(batch_size).prefetch(tf.data.AUTOTUNE),
            tf.data.Dataset.from_tensor_slices((tensors(x_val), np.asarray(y_val))).batch(batch_size))
