"""Video classification defaults: time for both models, and what order is worth on unseen clips."""

from __future__ import annotations

from bench.worker import run_fresh

WORKER = """
import json, sys, time
from core import video as vd
runs = int(sys.argv[1])
settings = vd.VideoSettings()
seconds = []
for _ in range(runs + 1):
    started = time.perf_counter()
    result = vd.fit_video_models(settings)
    seconds.append(time.perf_counter() - started)
details = result.details
print(json.dumps({"cold": seconds[0], "warm": seconds[1:],
                  "accuracy": {k: getattr(details, k).accuracy for k in ("cnn_rnn", "frame_only", "shuffled")},
                  "pairs": {k: getattr(details, k).pairs for k in ("cnn_rnn", "frame_only")}}))
"""


def measure(warm_runs: int) -> dict:
    """Both models with default settings, in a fresh interpreter: cold, then warm runs."""
    return run_fresh(WORKER, warm_runs)
