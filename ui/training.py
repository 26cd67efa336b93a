"""Train-or-reuse: the one flow every training page uses.

A page computes its settings and data fingerprint; this looks the model up in
the session cache, then among the server's shared default models, and only if
both miss offers the Train button. A training waits for a free slot on the
server (``core.admission``), shows a progress bar and live curves, can be
stopped, and is cached once it is complete. A widget touched mid-training (the
Stop button is one) makes Streamlit stop this run at the next progress update;
since the model is stored only after ``fit`` returns, nothing half-trained is
kept, and the next run says what happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NoReturn

import streamlit as st

from core.admission import TRAININGS
from core.cache import CachedModel, describe_age, model_key
from core.plots import plot_history
from core.training import TIME_LIMIT_S, EpochFn, TrainResult
from ui.session import model_cache, shared_results

INTERRUPTED_KEY = "training_interrupted_on"
STARTING_KEY = "training_starts_on"  # set by a click on Train, read (once) by the run that click causes


def train_or_reuse(
    page: str,
    settings: Any,
    data_fingerprint: str,
    run: Callable[[EpochFn], TrainResult],
    summary: str,
    models: int = 1,
    public_data: bool = False,
    compare_on: str = "",
) -> TrainResult | None:
    """The cached model for these settings and data, or None while there is none.

    A model trained here is cached and the script rerun, so the page always
    shows results from the cache and every part of the app agrees on them.
    ``models`` > 1 says that ``run`` trains that many models one after another.
    ``public_data`` says the data is built in or generated, not the visitor's
    own: with the default settings, the model is then the server's shared one.
    ``compare_on`` names what this run's scores can be compared with (the same
    task and held-out data, e.g. "Many-to-one" or "built-in sales: ice cream");
    the run comparison shows only runs with the same name side by side.
    """
    _say_if_interrupted(page)
    cache = model_cache()
    key = model_key(page, settings, data_fingerprint)
    entry = cache.get(key)
    if entry is not None:
        _say_where_it_came_from(entry)
        return entry.result
    shared = public_data and settings == type(settings)()
    if shared and (result := shared_results().get(key)) is not None:
        _keep(key, page, summary, result, shared=True, group=compare_on)
    starting = st.session_state.pop(STARTING_KEY, None) == page
    st.button("Train", type="primary", key=f"{page}.train", disabled=starting, on_click=_start, args=(page,),
              help="Train a model with the settings above; the progress and the curves appear below. While it "
                   "trains, this button waits and Stop training stops it.")
    if not starting:
        st.info("Press **Train** to train a model with these settings.")
        return None
    result = _run_with_progress(page, settings.epochs, models, run, key if shared else None)
    if result is not None:
        _keep(key, page, summary, result, shared=shared, group=compare_on)
    return None


def _start(page: str) -> None:
    """The Train button's callback: it runs before the rerun its click causes, so that run can draw the button
    disabled before training starts (a button cannot be disabled once drawn, and replacing it breaks Stop)."""
    st.session_state[STARTING_KEY] = page


def _keep(key: str, page: str, summary: str, result: TrainResult, shared: bool, group: str) -> NoReturn:
    """Cache ``result`` for this visitor and draw the whole app again from the cache, the sidebar included."""
    model_cache().put(key, page, summary, result, shared=shared, group=group)
    st.rerun()


def _say_where_it_came_from(entry: CachedModel) -> None:
    if entry.shared:
        st.caption("Showing the **shared default model**: trained once on this server with the default settings "
                   "and shown to every visitor who keeps them. Change any setting to train your own.")
    else:
        st.caption(f"Showing your model trained {describe_age(time.time() - entry.created)} with "
                   "exactly these settings. Change a setting to train another.")
    result = entry.result
    if result.stopped_at_time_limit:
        st.warning(f"Training stopped at this server's limit of {TIME_LIMIT_S:.0f} seconds a model, after "
                   f"{result.epochs_run} epochs. Fewer epochs, examples or units train within it.")


def _run_with_progress(page: str, epochs: int, models: int, run: Callable[[EpochFn], TrainResult],
                       shared_key: str | None) -> TrainResult | None:
    """Wait for a slot, train with a progress bar and live curves; the result, or None after a shown error.

    With ``shared_key`` the training is the server's shared default: if
    another visitor is training it already, this waits for theirs.
    """
    st.session_state[INTERRUPTED_KEY] = page
    progress = st.progress(0.0, text="Starting: waiting for a free slot on this server…")
    st.button("Stop training", key=f"{page}.stop",
              help="Stop this training now. Nothing half-trained is kept; your settings stay.")
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

    def on_stage(text: str) -> None:
        progress.progress(min(epochs_done / (epochs * models), 1.0), text=text)

    on_epoch_end.stage = on_stage  # core tells what it is doing before each first epoch ends (core.training.tell)

    def on_wait(place: int, running: int) -> None:
        progress.progress(0.0, text=f"Waiting for a free slot: {running} training{'s' * (running != 1)} running "
                                    f"on this server, you are number {place} in line. Yours starts by itself.")

    def train_in_a_slot() -> TrainResult:
        with TRAININGS.slot(on_wait):
            on_stage("Preparing the data…")
            return run(on_epoch_end)

    def on_shared_wait() -> None:
        progress.progress(0.0, text="Another visitor is training this default model right now; it appears "
                                    "here as soon as it is ready.")

    try:
        if shared_key is None:
            result = train_in_a_slot()
        else:
            result = shared_results().get_or_train(shared_key, train_in_a_slot, on_shared_wait)
    except ValueError as err:
        st.error(str(err))
        result = None
    st.session_state.pop(INTERRUPTED_KEY, None)
    progress.empty()
    live_chart.empty()
    return result


def _say_if_interrupted(page: str) -> None:
    if st.session_state.get(INTERRUPTED_KEY) != page:
        return
    st.session_state.pop(INTERRUPTED_KEY)
    if st.session_state.get(f"{page}.stop"):
        st.warning("You stopped the training. Nothing half-trained was kept; your settings and earlier models "
                   "are as they were. Press **Train** to start again.")
    else:
        st.warning("Your last training on this page stopped before it finished, because a setting "
                   "changed or a button was pressed while it ran. Nothing half-trained was kept; "
                   "press **Train** to start again.")
