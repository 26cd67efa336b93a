"""Sequence Lab's computing core: data, models, training, metrics and figures.

Nothing here imports Streamlit, so every function is usable from tests, a notebook
or the command line. Keras runs on JAX unless ``KERAS_BACKEND`` says otherwise:
on 2 CPU cores a small LSTM epoch ran about 4x faster on JAX than on TensorFlow
(bench/RESULTS.md). The variable must be set before Keras is first imported,
which is why it is set here, in the package every Keras user imports first.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")
