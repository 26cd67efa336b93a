"""Streamlit's after-run cleanup must not reach into a training running in another session's thread."""

import threading
from pathlib import Path

import keras
from keras.src.backend.common.stateless_scope import in_stateless_scope
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from ui import keras_state
from ui.keras_state import keep_keras_state_between_runs

ROOT = Path(__file__).resolve().parents[2]
STREAMLITS_CLEANUP = script_runner._clean_problem_modules  # read at collection, before any app run


def scope_survives(cleanup) -> bool:
    """Whether a thread inside a Keras ``StatelessScope`` (as a training step is while JAX traces it)
    is still inside it after ``cleanup`` ran on another thread."""
    entered, cleaned, seen = threading.Event(), threading.Event(), {}

    def training_step() -> None:
        with keras.StatelessScope():
            entered.set()
            cleaned.wait(10)
            seen["in_scope"] = in_stateless_scope()

    worker = threading.Thread(target=training_step)
    worker.start()
    assert entered.wait(10)
    cleanup()
    cleaned.set()
    worker.join(10)
    return seen["in_scope"]


def test_streamlits_own_cleanup_empties_other_threads_keras_state():
    # Why the guard exists: when this fails, Streamlit stopped clearing Keras and the guard can go.
    assert STREAMLITS_CLEANUP is not keras_state._after_each_run
    assert not scope_survives(STREAMLITS_CLEANUP)


def test_streamlits_after_run_cleanup_leaves_other_threads_keras_state_alone():
    keep_keras_state_between_runs()
    keep_keras_state_between_runs()  # app.py calls it on every run
    assert scope_survives(script_runner._clean_problem_modules)


def test_the_app_installs_the_guard_on_its_first_run(monkeypatch):
    monkeypatch.setattr(script_runner, "_clean_problem_modules", STREAMLITS_CLEANUP)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=10).run()
    assert not at.exception
    assert script_runner._clean_problem_modules is keras_state._after_each_run
