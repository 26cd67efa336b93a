"""Train-or-reuse: the one flow every training page uses.

A page computes its settings and data fingerprint; this looks the model up in
the session cache, and only if it is missing offers the Train button, shows a
progress bar and live curves while training, and caches the model once it is
complete. A widget touched mid-training makes Streamlit stop this run at the
next progress update; since the model is stored only after ``fit`` returns,
nothing half-trained is kept, and the next run says what happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.cache import describe_age, model_key
from core.plots import plot_history
from core.training import EpochFn, TrainResult
from ui.session import model_cache

INTERRUPTED_KEY = "training_interrupted_on"


def train_or_reuse(
    page: str,
    settings: Any,
    data_fingerprint: str,
    run: Callable[[EpochFn], TrainResult],
    summary: str,
    models: int = 1,
) -> TrainResult | None:
    """The cached model for these settings and data, or None while there is none.

    A model trained here is cached and the script rerun, so the page always
    shows results from the cache and every part of the app agrees on them.
    ``models`` > 1 says that ``run`` trains that many models one after another.
    """
    _say_if_interrupted(page)
    cache = model_cache()
    key = model_key(page, settings, data_fingerprint)
    entry = cache.get(key)
    if entry is not None:
        st.caption(f"Showing your model trained {describe_age(time.time() - entry.created)} with "
                   "exactly these settings. Change a setting to train another.")
        return entry.result
    if not st.button("Train", type="primary", key=f"{page}.train",
                     help="Train a model with the settings above. It takes a few seconds."):
        st.info("Press **Train** to train a model with these settings.")
        return None
    result = _run_with_progress(page, settings.epochs, models, run)
    if result is not None:
        cache.put(key, page, summary, result)
        st.rerun()  # draw the whole app again from the cache: the sidebar list included
    return None


def _run_with_progress(page: str, epochs: int, models: int,
                       run: Callable[[EpochFn], TrainResult]) -> TrainResult | None:
    st.session_state[INTERRUPTED_KEY] = page
    progress = st.progress(0.0, text="Building the model (the first epoch also compiles it)…")
    live_chart = st.empty()
    history: dict[str, list[float]] = {}
    epochs_done = 0

    def on_epoch_end(epoch: int, logs: dict[str, float]) -> None:
        nonlocal epochs_done
        epochs_done += 1
        if epoch == 1:
            history.clear()  # a new model starts: show its own curves
        for name, value in logs.items():
            history.setdefault(name, []).append(value)
        which = f" · model {(epochs_done - 1) // epochs + 1} of {models}" if models > 1 else ""
        progress.progress(min(epochs_done / (epochs * models), 1.0),
                          text=f"Epoch {epoch} of {epochs}{which} · loss {logs.get('loss', float('nan')):.4f}")
        live_chart.plotly_chart(plot_history(history, epochs))

    try:
        result = run(on_epoch_end)
    except ValueError as err:
        st.error(str(err))
        result = None
    st.session_state.pop(INTERRUPTED_KEY, None)
    progress.empty()
    live_chart.empty()
    return result


def _say_if_interrupted(page: str) -> None:
    if st.session_state.get(INTERRUPTED_KEY) == page:
        st.session_state.pop(INTERRUPTED_KEY)
        st.warning("Your last training on this page stopped before it finished, because a setting "
                   "changed or a button was pressed while it ran. Nothing half-trained was kept; "
                   "press **Train** to start again.")

