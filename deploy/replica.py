"""One replica: Streamlit's own command line, started once every page's default model is trained.

    .venv/bin/python -m deploy.replica run app.py --server.port 8501

takes exactly the arguments of ``streamlit``. First a thread trains each
page's default model (core.warmup) into the server's shared store, one at a
time through the server's admission queue; the server starts listening once
it is done, or after ``WARM_LIMIT_S`` (the rest then trains in the
background). Until then the replica fails HAProxy's health check, so HAProxy
sends visitors to the replicas already warm: the first visitor to reach this
one finds the defaults trained and the XLA programs compiled, and waits no
longer than a later one. A visitor who starts warming while it trains in the
background waits for that training instead of starting another.

Measured (bench/RESULTS.md): warming in the background while the first
visitor's page loads made that visitor wait as long as without warming, as
both compete for the same cores; hence the wait before listening.
"""

from __future__ import annotations

import sys
import threading
import time

WARM_LIMIT_S = 180.0  # a replica whose warm-up takes longer serves anyway (the rest warms in the background)


def warm_defaults() -> None:
    """Train each page's default model into the shared store; a failure is logged and the next one tried."""
    from core.admission import TRAININGS
    from core.warmup import default_jobs
    from ui.session import shared_results

    for job in default_jobs():
        started = time.perf_counter()

        def train_in_a_slot(job=job):
            with TRAININGS.slot():
                return job.run(None)

        try:
            shared_results().get_or_train(job.key, train_in_a_slot)
        except Exception as err:  # a replica without a warm default still serves: visitors train it
            print(f"Warm-up: {job.page} failed ({type(err).__name__}: {err}); visitors will train it", flush=True)
            continue
        print(f"Warm-up: {job.page} default model ready after {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    from streamlit.web import cli

    warming = threading.Thread(target=warm_defaults, name="warm-defaults", daemon=True)
    warming.start()
    warming.join(timeout=WARM_LIMIT_S)
    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
