"""One replica: Streamlit's own command line, with every page's default model trained in the background.

    .venv/bin/python -m deploy.replica run app.py --server.port 8501

takes exactly the arguments of ``streamlit``. Before handing over to it, a
thread starts training each page's default model (core.warmup) into the
server's shared store, one at a time through the server's admission queue,
so it never trains alongside more visitors than the queue allows. The first
visitor after a deploy then finds the default trained (or being trained:
they wait for that one instead of starting another) and the XLA programs
compiled.
"""

from __future__ import annotations

import sys
import threading
import time


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

    threading.Thread(target=warm_defaults, name="warm-defaults", daemon=True).start()
    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
