"""Stop Streamlit from wiping Keras's state under another visitor's training.

After every script run, of any session, Streamlit calls
``keras.backend.clear_session()`` (``_clean_problem_modules`` in its script
runner). That function replaces Keras's per-thread state object for the whole
process, so it also empties the state of *other* threads: a training that is
tracing its step at that moment loses the ``StatelessScope`` it is inside, reads
weights that JAX has taken out of the model, and fails with ``TypeError:
'NoneType' object is not callable``; its random-seed state is reset too, so a
training could differ from its seed. One visitor never sees this (their runs do
not overlap); several visitors on one server did, in the load bench.

Nothing is lost by skipping the call: Keras's state is per thread, and Streamlit
runs each script run in a new thread, so every run starts with a clean state
anyway. The only other thing Streamlit's function does is close matplotlib
figures, which this app never makes.
"""

from __future__ import annotations

from streamlit.runtime.scriptrunner import script_runner


def _after_each_run() -> None:
    """Keep Keras's state: every script run already has its own (see the module docstring)."""


def keep_keras_state_between_runs() -> None:
    """Replace Streamlit's after-run cleanup with one that leaves Keras alone; safe to call on every run.

    Reading the attribute first makes a Streamlit release that renames it fail
    here, loudly, rather than bring the failure back silently.
    """
    if script_runner._clean_problem_modules is not _after_each_run:
        script_runner._clean_problem_modules = _after_each_run
