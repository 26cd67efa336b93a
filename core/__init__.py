"""Sequence Lab's computing core: data, models, training, metrics and figures.

Nothing here imports Streamlit, so every function is usable from tests, a notebook
or the command line. Keras runs on JAX unless ``KERAS_BACKEND`` says otherwise:
on 2 CPU cores every page's default model trained fastest on JAX
(bench/RESULTS.md). The variable must be set before Keras is first imported,
which is why it is set here, in the package every Keras user imports first.

JAX also keeps what XLA compiles in a cache on disk. Compiling a model's
training step is most of a small model's Train click, and a model with the same
shapes and settings compiles to the same program, so a later click, another
visitor or a restarted server loads it instead (a warm click with the
connections page's defaults: 1.57 s without the cache, 0.48 s with it). Entries are kept up
to the size limit, least recently used first out.

XLA compiles at optimisation level 1 instead of its default 3: our programs are
small and run for seconds, so compiling is a large part of a first click. A
new server's first click fell from 3.32 s to 2.83 s on the connections page
and from 13.28 s to 9.90 s on the video page, with later epochs no slower
(bench/RESULTS.md, both levels side by side).

All of these are only defaults: the environment can set them otherwise.
"""

import os
from pathlib import Path

XLA_CACHE_DIR = Path.home() / ".cache" / "sequence-lab" / "xla"
XLA_CACHE_MAX_BYTES = 512 * 2**20
XLA_OPTIMISATION_FLAG = "--xla_backend_optimization_level"

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(XLA_CACHE_DIR))
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")  # small models' programs are the ones we reuse
os.environ.setdefault("JAX_COMPILATION_CACHE_MAX_SIZE", str(XLA_CACHE_MAX_BYTES))
if XLA_OPTIMISATION_FLAG not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {XLA_OPTIMISATION_FLAG}=1".strip()
