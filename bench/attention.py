"""The encoder–decoder with and without attention: exact match on unseen numbers by their digits, and time.

    .venv/bin/python -m bench.attention [--seeds 3]

Numbers of up to six digits (``digits=6``, 5,000 examples, 15 epochs, the
page's other defaults), the page's code path (``fit_pattern`` with attention
on, which also trains the same model without it), one fresh process per seed;
cold is that process's first training, warm a second one. Writes its own
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics

from bench.results import measured_on, write
from bench.worker import run_fresh

SETTINGS = "digits=6, attention=True, num_examples=5000, epochs=15"
WORKER = f"""
import json, sys, time
from core import connections as cx
settings = cx.ConnectionSettings(pattern="encoder_decoder", seed=int(sys.argv[1]), {SETTINGS})
seconds, cpu = [], []
for _ in range(2):
    started, started_cpu = time.perf_counter(), time.process_time()
    result = cx.fit_pattern(settings, cx.make_task(settings, settings.seed))
    seconds.append(time.perf_counter() - started)
    cpu.append(time.process_time() - started_cpu)
details = result.details
print(json.dumps({{"cold": seconds[0], "warm": seconds[1], "warm_cpu": cpu[1], "with": details.accuracy_by_length,
                  "without": details.without_attention, "verdict": details.verdict.sentence}}))
"""


def measure(seed: int) -> dict:
    """One seed in a fresh interpreter."""
    return run_fresh(WORKER, seed)


def table(runs: list[dict]) -> list[str]:
    """Markdown: exact match by digits, with and without attention, each seed and the median."""
    digits = sorted(int(d) for d in runs[0]["with"])
    lines = ["| seed | model | " + " | ".join(f"{d} digits" for d in digits) + " | warm s (CPU s) |",
             "|---|---|" + "---|" * len(digits) + "---|"]
    for seed, run in enumerate(runs):
        for name in ("with", "without"):
            cells = " | ".join(f"{run[name][str(d)]:.0%}" for d in digits)
            time = f"{run['warm']:.1f} ({run['warm_cpu']:.1f})" if name == "with" else "(both models)"
            lines.append(f"| {seed} | {name} attention | {cells} | {time} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    runs = [measure(seed) for seed in range(parser.parse_args().seeds)]
    write(["## Attention: the encoder–decoder with and without it", "", measured_on(),
           f"Settings: {SETTINGS}; the page's code path, both models trained per click. Load average at the end: "
           f"{os.getloadavg()[0]:.1f}.", "", *table(runs), "",
           f"Warm click, median over seeds: {statistics.median(r['warm'] for r in runs):.1f} s. Verdict of the "
           f"last seed: {runs[-1]['verdict']}", ""], owns="## Attention")


if __name__ == "__main__":
    main()
