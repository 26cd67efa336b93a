"""Each page's default model: time, memory and score, and how the engine settings that matter on CPU change them.

Every measurement runs in a fresh interpreter, because the Keras backend and
thread settings are fixed once a process has started: ``defaults`` trains each
page's default model (through the page's own code path) once cold and then
``runs`` times warm; ``variant`` does the same with one engine setting changed.
Each process starts with an empty XLA cache (``bench.worker.run_fresh``), so
"cold" is a new server's very first click, and "warm" a later click (or
visitor) with the same settings, which the cache serves.
Epoch times come from the end-of-epoch callbacks the pages use for their live
curves, so they include the validation pass, as a user's wait does.
"""

from __future__ import annotations

import dataclasses
import importlib
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.worker import run_fresh

PAGES = ("Connection types", "RNN internals", "Sales forecasting", "Text generation", "Video classification",
         "Image captioning")
MODULES = dict(zip(PAGES, ("core.connections", "core.internals", "core.forecasting", "core.text", "core.video",
                           "core.captioning"), strict=True))  # what each page imports when it opens, before any click
TARGET_SECONDS = {"Connection types": 3, "RNN internals": 20, "Sales forecasting": 5, "Text generation": 15,
                  "Video classification": 30, "Image captioning": 30}
SINGLE_THREAD_XLA = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
PROCESS_LIMIT_S = 150  # start-up and a first click that has not ended by then is stopped
CLICK_LIMIT_S = 60  # a setting whose click takes longer is not clicked again; one that never ends is stopped


@dataclass(frozen=True)
class Variant:
    """One engine setting changed from the defaults (an empty variant is the defaults themselves)."""

    name: str
    backend: str = "jax"
    engine: dict[str, Any] = field(default_factory=dict)  # fields of bench.engine_variants.Engine
    batch_scale: float = 1.0
    env: dict[str, str] = field(default_factory=dict)
    tf_threads: int = 0  # TensorFlow intra- and inter-op threads; 0 leaves TensorFlow's choice


VARIANTS = (
    Variant("JAX, XLA at level 1, compilation cache (the defaults)"),
    Variant("JAX, no compilation cache", env={"JAX_ENABLE_COMPILATION_CACHE": "false"}),
    Variant("JAX, XLA's default optimisation (level 3)", env={"XLA_FLAGS": "--xla_backend_optimization_level=3"}),
    Variant("JAX, no XLA (op by op)", engine={"jit_compile": False}),
    Variant("JAX, recurrent layers unrolled", engine={"unroll": True}),
    Variant("JAX, batch size ×2", batch_scale=2),
    Variant("JAX, batch size ÷2", batch_scale=0.5),
    Variant("JAX, tf.data pipeline", engine={"pipeline": "tf.data"}),
    Variant("JAX, one-hot labels", engine={"labels": "one-hot"}),
    Variant("JAX, one thread", env={"XLA_FLAGS": SINGLE_THREAD_XLA}),
    Variant("TensorFlow (Keras's auto: no XLA)", backend="tensorflow"),
    Variant("TensorFlow, XLA", backend="tensorflow", engine={"jit_compile": True}),
    Variant("TensorFlow, one thread", backend="tensorflow", tf_threads=1),
)


# ---------------------------------------------------------------- what runs in the fresh interpreter


def _connections(batch_scale: float, on_epoch_end: Callable) -> tuple[str, float]:
    from core import connections as cx

    settings = _scaled(cx.ConnectionSettings(), batch_scale)
    result = cx.fit_pattern(settings, cx.make_task(settings, settings.seed), on_epoch_end)
    return next(iter(result.scores.items()))


def _internals(batch_scale: float, on_epoch_end: Callable) -> tuple[str, float]:
    from core import internals as rnn

    result = rnn.compare_cells(_scaled(rnn.MemorySettings(), batch_scale), on_epoch_end)
    return "LSTM accuracy at length 50", result.details.accuracy["LSTM"][50]


def _forecasting(batch_scale: float, on_epoch_end: Callable) -> tuple[str, float]:
    from core import datasets
    from core import forecasting as fc

    series = fc.prepare_series(datasets.load_builtin_sales("ice cream"), "date", "sales")
    result = fc.fit_forecaster(series, _scaled(fc.ForecastSettings(), batch_scale), on_epoch_end)
    return "test MAE (ice cream)", result.details.metrics[fc.MODEL]["MAE"]


def _textgen(batch_scale: float, on_epoch_end: Callable) -> tuple[str, float]:
    from core import datasets
    from core import text as tx

    settings = _scaled(tx.TextSettings(), batch_scale)
    prepared = tx.prepare_text(datasets.load_builtin_descriptions(), settings)
    result = tx.fit_text_model(prepared, settings, on_epoch_end)
    return "validation accuracy", result.details.metrics["model"]["accuracy"]


def _video(batch_scale: float, on_epoch_end: Callable) -> tuple[str, float]:
    from core import video as vd

    result = vd.fit_video_models(_scaled(vd.VideoSettings(), batch_scale), on_epoch_end)
    return "CNN+RNN test accuracy", result.details.cnn_rnn.accuracy


def _captioning(batch_scale: float, on_epoch_end: Callable) -> tuple[str, float]:
    from core import captioning as cp

    result = cp.fit_captioner(_scaled(cp.CaptionSettings(), batch_scale), on_epoch_end)
    return "exact match on unseen scenes", result.details.unseen.model.exact_match


TRAIN = dict(zip(PAGES, (_connections, _internals, _forecasting, _textgen, _video, _captioning), strict=True))


def _scaled(settings: Any, batch_scale: float) -> Any:
    return dataclasses.replace(settings, batch_size=max(1, round(settings.batch_size * batch_scale)))


def resident_mb(pid: int | str = "self") -> float:
    """A process's resident memory now, in MB (this process by default), from /proc."""
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def worker(page: str, runs: int, batch_scale: float = 1.0, engine: dict | None = None, tf_threads: int = 0) -> dict:
    """Train ``page``'s default model ``runs + 1`` times in this (fresh) process; return times, memory, score.

    A click slower than ``CLICK_LIMIT_S`` is the last: its figure says enough.

    The page's ``core`` module (and with it Keras) is imported first and timed
    apart, as ``import``: a page imports it when it opens, before any click.

    ``first_epoch`` is from the click to the end of the first epoch (data,
    building and tracing included); ``later_epoch`` is the median gap between
    later epoch ends of the same model (a page training several models starts
    each one's count afresh).
    """
    started = time.perf_counter()
    importlib.import_module(MODULES[page])  # the page does this when it opens: not part of a click
    import_s = time.perf_counter() - started
    if tf_threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(tf_threads)
        tf.config.threading.set_inter_op_parallelism_threads(tf_threads)
    from bench.engine_variants import Engine, engine_variant

    with engine_variant(Engine(**(engine or {}))):
        clicks, first_epochs, later_epochs, score_name, score = _clicks(page, runs, batch_scale)
    import keras

    return {"import": import_s, "cold": clicks[0], "warm": clicks[1:],
            "first_epoch": statistics.median(first_epochs[1:] or first_epochs),
            "later_epoch": statistics.median(later_epochs) if later_epochs else None,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "end_mb": resident_mb(),
            "score_name": score_name, "score": score, "backend": keras.backend.backend()}


def _clicks(page: str, runs: int, batch_scale: float) -> tuple[list[float], list[float], list[float], str, float]:
    """Click times, first-epoch times, later epoch gaps, and the last click's score."""
    clicks, first_epochs, later_epochs = [], [], []
    for _ in range(runs + 1):
        ends: list[tuple[int, float]] = []
        started = time.perf_counter()
        score_name, score = TRAIN[page](batch_scale, lambda epoch, logs, ends=ends: ends.append(
            (epoch, time.perf_counter())))
        clicks.append(time.perf_counter() - started)
        first_epochs.append(ends[0][1] - started)
        later_epochs += [t - t_before for (epoch, t), (_, t_before) in zip(ends[1:], ends, strict=False) if epoch > 1]
        if clicks[-1] > CLICK_LIMIT_S:
            break
    return clicks, first_epochs, later_epochs, score_name, score


# ---------------------------------------------------------------- what the bench calls


def _call(page: str, runs: int, variant: Variant, timeout_s: float | None = None, xla_cache: str | None = None
          ) -> dict:
    script = ("import json, sys; from bench.engines import worker; "
              f"print(json.dumps(worker(sys.argv[1], int(sys.argv[2]), {variant.batch_scale!r}, "
              f"{variant.engine!r}, {variant.tf_threads})))")
    return run_fresh(script, page, runs, env={"KERAS_BACKEND": variant.backend, **variant.env}, timeout_s=timeout_s,
                     xla_cache=xla_cache)


def defaults(page: str, runs: int) -> dict:
    """``page``'s default model on the default engine: cold, then ``runs`` warm trainings.

    ``restart`` is the first click of a second fresh process that finds the
    first one's XLA compilation cache on disk: a server restarted on the same
    machine (or a container with the cache in a volume).
    """
    with tempfile.TemporaryDirectory() as xla_cache:
        found = _call(page, runs, VARIANTS[0], xla_cache=xla_cache)
        found["restart"] = _call(page, 0, VARIANTS[0], xla_cache=xla_cache)["cold"]
    return found


def variant(page: str, variant_: Variant, runs: int) -> dict | str:
    """``page``'s default model with one engine setting changed, or why there is no figure (stopped, failed)."""
    try:
        return _call(page, runs, variant_, PROCESS_LIMIT_S)
    except TimeoutError:
        return f"stopped after {PROCESS_LIMIT_S} s"
    except subprocess.CalledProcessError as err:
        return "failed: " + (err.stderr.strip().splitlines() or ["no message"])[-1][:120]
