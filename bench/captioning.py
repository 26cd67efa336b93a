"""Image captioning defaults: cold and warm Train clicks through the page's code path, with their scores.

Cold is the first click in a fresh Python process with an empty XLA cache
(backend start and compiling included); warm the clicks after it in that
process. Each click is ``fit_captioner`` with the page's settings, as the
page's Train button runs it: scenes made, the model trained, the unseen and
held-out scenes captioned and scored against both baselines. Wall and CPU
seconds and the load average are recorded per click, since on a shared
machine wall time alone says little. Run: ``.venv/bin/python -m bench.captioning [--runs N] [--no-attention]``.
"""

from __future__ import annotations

import argparse
import json
import statistics

from bench.results import measured_on, write
from bench.worker import run_fresh

WORKER = """
import json, os, sys, time
from core import captioning as cp
runs, overrides = int(sys.argv[1]), json.loads(sys.argv[2])
settings = cp.CaptionSettings(**overrides)
clicks = []
for _ in range(runs + 1):
    started, cpu = time.perf_counter(), time.process_time()
    result = cp.fit_captioner(settings)
    clicks.append({"wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
                   "load_1min": os.getloadavg()[0], "scoring_s": result.details.scoring_seconds})
details = result.details
sets = [s for s in (details.unseen, details.held_out) if s is not None]
looked = details.attention_on_shapes
print(json.dumps({"settings": overrides, "cold": clicks[0], "warm": clicks[1:], "epochs": result.epochs_run,
                  "scores": {s.name: {name: {"bleu4": c.bleu4, "exact_match": c.exact_match, **c.accuracy()}
                                      for name, c in s.captioners().items()} for s in sets},
                  "held_out_pair_share": None if details.held_out is None else
                      cp.held_out_pair_share(details.held_out, settings.style),
                  "attention_on_named_shape": None if looked is None else looked.on_named_shape,
                  "attention_area_share": None if looked is None else looked.area_share}))
"""


def measure(warm_runs: int, **overrides: object) -> dict:
    """The default captioner (with ``overrides``) in a fresh interpreter: one cold click, then ``warm_runs``."""
    return run_fresh(WORKER, warm_runs, json.dumps(overrides))


def report(found: dict, runs: int) -> list[str]:
    """The section: cold and warm clicks, then every captioner's scores on each set of scenes."""
    warm = found["warm"]
    lines = ["## Image captioning: the page's default", "",
             f"{measured_on()} Command: `.venv/bin/python -m bench.captioning --runs {runs}`; one fresh process, "
             f"one cold click then {runs} warm ones, {found['epochs']} epochs each. Wall seconds include waiting for "
             "the CPU when other jobs share the 2 cores (load average per click); CPU seconds are this process's own. "
             "Target (issue 21): at most 30 s warm.", "",
             "| click | wall s | CPU s | of which scoring s | load |", "|---|---|---|---|---|"]
    for name, click in [("cold", found["cold"]), *((f"warm {i}", c) for i, c in enumerate(warm, 1))]:
        lines.append(f"| {name} | {click['wall_s']:.1f} | {click['cpu_s']:.1f} | {click['scoring_s']:.1f} "
                     f"| {click['load_1min']:.1f} |")
    lines += ["", f"Warm median: {statistics.median(c['wall_s'] for c in warm):.1f} s wall, "
              f"{statistics.median(c['cpu_s'] for c in warm):.1f} s CPU.", "",
              "| scenes | captioner | BLEU-4 | exact match | " + " | ".join(_attributes(found)) + " |",
              "|---|---|---|---|" + "---|" * len(_attributes(found))]
    for scenes, captioners in found["scores"].items():
        for captioner, score in captioners.items():
            lines.append(f"| {scenes} | {captioner} | {score['bleu4']:.3f} | {score['exact_match']:.1%} | "
                         + " | ".join(f"{score[a]:.1%}" for a in _attributes(found)) + " |")
    if found["held_out_pair_share"] is not None:
        lines += ["", f"Held-out scenes whose held-out combination was named exactly: "
                  f"{found['held_out_pair_share']:.1%}."]
    if found["attention_on_named_shape"] is not None:
        lines += [f"Attention while naming a shape: {found['attention_on_named_shape']:.1%} of its weight on that "
                  f"shape, which covers {found['attention_area_share']:.1%} of the image."]
    return [*lines, ""]


def _attributes(found: dict) -> list[str]:
    """The per-attribute accuracy columns, in the order the scores give them."""
    first = next(iter(next(iter(found["scores"].values())).values()))
    return [key for key in first if key not in ("bleu4", "exact_match")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm clicks after the cold one")
    parser.add_argument("--no-attention", action="store_true", help="the default with attention off")
    parser.add_argument("--seed", type=int, help="another seed than the default's")
    args = parser.parse_args()
    overrides = {"attention": False} if args.no_attention else {}
    if args.seed is not None:
        overrides["seed"] = args.seed
    found = measure(args.runs, **overrides)
    print(json.dumps(found, indent=1))
    if not overrides:
        write(report(found, args.runs), "## Image captioning")


if __name__ == "__main__":
    main()
