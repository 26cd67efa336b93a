"""Each connection pattern's default model: training time (cold and warm) and held-out score.

Cold is the first training in a fresh Python process, compile and backend start
included: what the first visitor after a server start waits. Warm is the same
training again in that process.
"""

from __future__ import annotations

from bench.worker import run_fresh

WORKER = """
import json, sys, time
from core import connections as cx
pattern, runs = sys.argv[1], int(sys.argv[2])
settings = cx.ConnectionSettings(pattern=pattern)
seconds, fit_seconds = [], []
for _ in range(runs + 1):
    started = time.perf_counter()
    task = cx.make_task(settings, settings.seed)
    result = cx.fit_pattern(settings, task)
    seconds.append(time.perf_counter() - started)
    fit_seconds.append(result.seconds)
print(json.dumps({"cold": seconds[0], "warm": seconds[1:], "warm_fit": fit_seconds[1:], "scores": result.scores}))
"""


def measure(pattern: str, warm_runs: int) -> dict:
    """Run one pattern in a fresh interpreter: data, training and held-out scoring, as the page does."""
    return run_fresh(WORKER, pattern, warm_runs)
