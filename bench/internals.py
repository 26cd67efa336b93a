"""RNN internals: how fast the plots answer a slider, and the gate comparison's training."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.worker import run_fresh

ROOT = Path(__file__).resolve().parents[1]
RADII = (0.6, 1.0, 1.4, 1.8)

WORKER = """
import json, sys, time
from core import internals as rnn
runs = int(sys.argv[1])
seconds = []
for _ in range(runs + 1):
    started = time.perf_counter()
    result = rnn.compare_cells(rnn.MemorySettings())
    seconds.append(time.perf_counter() - started)
print(json.dumps({"cold": seconds[0], "warm": seconds[1:], "accuracy": result.details.accuracy}))
"""


def slider_response(runs: int) -> list[float]:
    """Server time of the page's rerun after the spectral-radius slider moves."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/internals.py").run()
    times = []
    for index in range(runs):
        at.slider(key="RNN internals.bptt.spectral_radius").set_value(RADII[index % len(RADII)])
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
    assert not at.exception
    return times


def comparison(runs: int) -> dict:
    """The default three-cell comparison in a fresh interpreter: cold, then ``runs`` warm."""
    return run_fresh(WORKER, runs)
