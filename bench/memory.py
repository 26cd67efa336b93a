"""Does a server's memory keep growing as it trains? 50 trainings of each page's default model in one process.

    .venv/bin/python -m bench.memory --trainings 50

Every page's default model is trained ``trainings`` times, page after page, in
one fresh process (as one server would over a day), through the pages' own
code, each in a new thread (Streamlit runs every script run in a thread of its
own, and Keras keeps its state per thread), and each result is let go once
trained, then collected (Streamlit runs ``gc.collect(2)`` after every script
run, its ``runner.postScriptGC``; without it, a Keras model's reference cycles
wait for Python's rare full collections, and the process grew by some 80 MB
over 40 connection-types trainings): what grows is what the process itself
keeps (session caches are bounded and measured apart, in bench.load).
Resident memory is read after the 1st, 10th, 25th and last training of each
page: if it rises from the 10th to the last, something leaks.
"""

from __future__ import annotations

import argparse
import gc
import statistics
from concurrent.futures import ThreadPoolExecutor

from bench import results
from bench.engines import PAGES, TRAIN, resident_mb
from bench.worker import run_fresh

CHECKPOINTS = (1, 10, 25)


def worker(trainings: int) -> dict:
    """In this (fresh) process: each page's default ``trainings`` times; resident MB at the checkpoints."""
    found: dict[str, dict[int, float]] = {}
    for page in PAGES:
        found[page] = {}
        for done in range(1, trainings + 1):
            with ThreadPoolExecutor(max_workers=1) as new_thread:  # raises what the training raised
                new_thread.submit(TRAIN[page], 1.0, lambda epoch, logs: None).result()
            gc.collect(2)
            if done in (*CHECKPOINTS, trainings):
                found[page][done] = resident_mb()
    return found


def report(trainings: int, found: dict[str, dict[str, float]]) -> list[str]:
    columns = [str(n) for n in (*CHECKPOINTS, trainings)]
    lines = [f"## Memory over {trainings} trainings of each page's default, one process", "",
             f"{results.measured_on()} "
             f"Command: `.venv/bin/python -m bench.memory --trainings {trainings}`. Pages in this order, in one "
             f"fresh process, each training in a new thread and followed by `gc.collect(2)`, as Streamlit runs each "
             "script run, each result let go once trained. "
             "Resident MB of the process after the n-th training of that page.", "",
             f"| page | {' | '.join(f'after {c}' for c in columns)} | growth 10 → {trainings} |",
             "|---|" + "---|" * (len(columns) + 1)]
    growth = []
    for page, at in found.items():
        growth.append(at[str(trainings)] - at["10"])
        lines.append(f"| {page} | {' | '.join(f'{at[c]:.0f}' for c in columns)} | {growth[-1]:+.0f} MB |")
    return [*lines, "", f"Median growth per page from its 10th to its {trainings}th training: "
            f"{statistics.median(growth):+.0f} MB.", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trainings", type=int, default=50, help="trainings of each page's default model")
    trainings = parser.parse_args().trainings
    script = ("import json, sys; from bench.memory import worker; "
              "print(json.dumps(worker(int(sys.argv[1]))))")
    found = run_fresh(script, trainings)
    lines = report(trainings, found)
    results.write(lines, owns="## Memory over")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
