"""Every page's default model, as the page itself would ask for it: what a new replica trains before visitors do.

On a fresh server the first visitor who keeps the defaults pays for the
backend's start, XLA's compiling and the training itself; the next ones get
the shared model at once (core.default_models). A replica behind a load
balancer trains these in the background as it starts (deploy/replica.py), so
the first visitor after a deploy waits no longer than a later one.

Each job is the page's default settings, the data fingerprint the page
computes and the page's own training call. tests/app/test_warmup.py holds the
keys equal to those the pages compute, so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from core.cache import fingerprint, model_key
from core.training import EpochFn, TrainResult


@dataclass(frozen=True)
class DefaultJob:
    """One page's default model: its cache key and how to train it."""

    page: str
    settings: Any
    data_fingerprint: str
    run: Callable[[EpochFn | None], TrainResult]

    @property
    def key(self) -> str:
        return model_key(self.page, self.settings, self.data_fingerprint)


def _connections() -> DefaultJob:
    from core import connections as cx

    settings = cx.ConnectionSettings()
    task = cx.make_task(settings, settings.seed)
    return DefaultJob("Connection types", settings, fingerprint(task.x, task.y),
                      lambda on_epoch_end: cx.fit_pattern(settings, task, on_epoch_end))


def _internals() -> DefaultJob:
    from core import internals as rnn

    settings = rnn.MemorySettings()
    return DefaultJob("RNN internals", settings, fingerprint(*rnn.memory_training_data(settings)),
                      lambda on_epoch_end: rnn.compare_cells(settings, on_epoch_end))


def _forecasting() -> DefaultJob:
    from core import datasets
    from core import forecasting as fc

    settings = fc.ForecastSettings()
    product = list(datasets.PRODUCTS)[1]  # the page's default product
    series = fc.prepare_series(datasets.load_builtin_sales(product), "date", "sales", inputs=datasets.SALES_INPUTS)
    return DefaultJob("Sales forecasting", settings, fc.series_fingerprint(series, "Built-in shop sales"),
                      lambda on_epoch_end: fc.fit_and_backtest(series, settings, on_epoch_end))


def _textgen() -> DefaultJob:
    from core import datasets
    from core import text as tx

    settings = tx.TextSettings()
    documents = datasets.load_builtin_descriptions()
    return DefaultJob("Text generation", settings, fingerprint(*documents),
                      lambda on_epoch_end: tx.fit_text_model(tx.prepare_text(documents, settings), settings,
                                                             on_epoch_end))


def _video() -> DefaultJob:
    from core import video as vd

    settings = vd.VideoSettings()
    return DefaultJob("Video classification", settings, "generated clips",
                      lambda on_epoch_end: vd.fit_video_models(settings, on_epoch_end))


def _captioning() -> DefaultJob:
    from core import captioning as cp

    settings = cp.CaptionSettings()
    return DefaultJob("Image captioning", settings, "generated scenes",
                      lambda on_epoch_end: cp.fit_captioner(settings, on_epoch_end))


def _beyond() -> DefaultJob:
    from core import beyond as by

    settings = by.BeyondSettings()
    return DefaultJob("Beyond recurrence", settings, fingerprint(*by.training_data(settings)),
                      lambda on_epoch_end: by.compare_families(settings, on_epoch_end))


# In the order visitors are likeliest to need them: the home page leads to connection types first.
JOBS = (_connections, _internals, _forecasting, _textgen, _video, _captioning, _beyond)


def default_jobs() -> Iterator[DefaultJob]:
    """Each page's default job, its data made only when the previous one has been trained."""
    for make in JOBS:
        yield make()
