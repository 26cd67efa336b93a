"""One replica: Streamlit's own command line, started once every page's default model is trained.

    .venv/bin/python -m deploy.replica run app.py --server.port 8501

takes exactly the arguments of ``streamlit``. First a thread readies each
page's default model (core.warmup) for the server's shared results
(core.default_models), one at a time through the server's admission queue:
with ``SEQUENCE_LAB_DEFAULTS_DIR`` set, loaded from the directory the replicas
share if another replica saved it there (core.default_store), else trained
(and saved there). The server starts listening once it is done, or after
``WARM_LIMIT_S`` (the rest then readies in the background). Until then the
replica fails HAProxy's health check, so HAProxy sends visitors to the
replicas already warm: the first visitor to reach this one finds the defaults
ready and waits no longer than a later one. A visitor who asks for a default
while it trains in the background waits for that training instead of
starting another.

Measured (bench/RESULTS.md): warming in the background while the first
visitor's page loads made that visitor wait as long as without warming, as
both compete for the same cores; hence the wait before listening.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.default_store import DefaultStore
    from core.training import TrainResult
    from core.warmup import DefaultJob

WARM_LIMIT_S = 180.0  # a replica whose warm-up takes longer serves anyway (the rest warms in the background)


def warm_defaults() -> None:
    """Load or train each page's default model into the shared results; a failure is logged, the next one tried.

    With ``SEQUENCE_LAB_DEFAULTS_DIR`` set (core.default_store), a default
    another replica saved there is loaded instead of trained, and one trained
    here is saved for the others.
    """
    from core.default_store import store_from_environment
    from core.warmup import default_jobs
    from ui.session import shared_results

    store = store_from_environment()
    for job in default_jobs():
        started, how = time.perf_counter(), []
        try:
            shared_results().get_or_train(job.key, lambda job=job, how=how: ready_default(job, store, how))
        except Exception as err:  # a replica without a warm default still serves: visitors train it
            print(f"Warm-up: {job.page} failed ({type(err).__name__}: {err}); visitors will train it", flush=True)
            continue
        print(f"Warm-up: {job.page} default model ready after {time.perf_counter() - started:.1f} s"
              f"{''.join(how)}", flush=True)


def ready_default(job: DefaultJob, store: DefaultStore | None, how: list[str]) -> TrainResult:
    """``job``'s result loaded from ``store``, else trained in an admission slot (and saved there); ``how``
    gets a note of which, for the log."""
    from core.admission import TRAININGS

    loaded = store.load(job) if store is not None else None
    if loaded is not None:
        how.append(" (loaded from disk)")
        return loaded
    if store is not None:
        how.append(" (trained and saved to disk)")
        return store.train_and_save(job, TRAININGS.slot)
    with TRAININGS.slot():
        return job.run(None)


def main() -> None:
    from streamlit.web import cli

    warming = threading.Thread(target=warm_defaults, name="warm-defaults", daemon=True)
    warming.start()
    warming.join(timeout=WARM_LIMIT_S)
    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
