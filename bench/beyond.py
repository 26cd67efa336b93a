"""Beyond recurrence: each model family's score and training time with the page's defaults, and the time one
training epoch takes as sequences grow.

    .venv/bin/python -m bench.beyond

One fresh process: the default comparison (recall task) is trained twice,
cold (the process's first training, compiling) and warm (a second click), then
once on the motif task; then ``epoch_seconds`` times each family at lengths
from a quarter to four times the default longest sequence, in CPU seconds. Writes its own
section of bench/RESULTS.md, with the load average so a reader can judge the
figures.
"""

from __future__ import annotations

import os

from bench.results import measured_on, write
from bench.worker import run_fresh

TIMED_LENGTHS = (15, 30, 60, 120, 240)
WORKER = f"""
import dataclasses, json, time
from core import beyond as by
record = {{"settings": dataclasses.asdict(by.BeyondSettings()), "validation_share": by.VALIDATION_SHARE}}
for name, settings in (("cold", by.BeyondSettings()), ("warm", by.BeyondSettings()),
                       ("motif", by.BeyondSettings(task="motif"))):
    started_cpu = time.process_time()
    result = by.compare_families(settings)
    details = result.details
    record[name] = {{"seconds": result.seconds, "cpu": time.process_time() - started_cpu,
                     "per_model": details.seconds, "accuracy": details.accuracy,
                     "parameters": details.parameters, "field": details.receptive_field,
                     "verdicts": [v.sentence for v in by.verdicts(details, settings.longest)]}}
record["epoch_seconds"] = by.epoch_seconds(by.BeyondSettings(), {TIMED_LENGTHS!r}, clock=time.process_time)
print(json.dumps(record))
"""


def scores_table(run: dict) -> list[str]:
    """Markdown: each family's accuracy by length, parameters and training seconds."""
    lengths = list(next(iter(run["accuracy"].values())))
    lines = ["| model | " + " | ".join(f"length {n}" for n in lengths) + " | parameters | training s |",
             "|---|" + "---|" * len(lengths) + "---|---|"]
    for family, scores in run["accuracy"].items():
        cells = " | ".join(f"{score:.0%}" for score in scores.values())
        lines.append(f"| {family} | {cells} | {run['parameters'][family]:,} | {run['per_model'][family]:.1f} |")
    return lines


def timing_table(times: dict[str, dict[str, float]]) -> list[str]:
    """Markdown: seconds per epoch by family and length."""
    lines = ["| model | " + " | ".join(f"length {n}" for n in TIMED_LENGTHS) + " |",
             "|---|" + "---|" * len(TIMED_LENGTHS)]
    for family, by_length in times.items():
        lines.append(f"| {family} | " + " | ".join(f"{seconds:.2f}" for seconds in by_length.values()) + " |")
    return lines


def main() -> None:
    load_before = os.getloadavg()[0]
    record = run_fresh(WORKER)
    cold, warm, motif, settings = record["cold"], record["warm"], record["motif"], record["settings"]
    lengths = "/".join(map(str, next(iter(warm["accuracy"].values()))))
    trained_on = round(settings["num_examples"] * (1 - record["validation_share"]))
    write(["## Beyond recurrence: five model families side by side", "", measured_on(),
           f"Measured with other jobs on the machine (load average {load_before:.1f} before, "
           f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores): every time here is pessimistic.", "",
           f"Default comparison (recall task, lengths {lengths}, noise {settings['noise']:g}, "
           f"{settings['num_examples']:,} sequences, {settings['epochs']} epochs, width {settings['units']}; TCN "
           f"receptive field {warm['field']} steps): cold click {cold['seconds']:.1f} s, warm click "
           f"{warm['seconds']:.1f} s ({warm['cpu']:.1f} s of CPU).", "", *scores_table(warm), "",
           *[f"- {sentence}" for sentence in warm["verdicts"]], "",
           f"Motif task, same settings (first training of its input shape in the process): {motif['seconds']:.1f} s "
           f"({motif['cpu']:.1f} s of CPU).", "", *scores_table(motif), "",
           *[f"- {sentence}" for sentence in motif["verdicts"]], "",
           f"CPU seconds (all threads) per training epoch ({trained_on:,} sequences, batches of "
           f"{settings['batch_size']}; median of timed batches after one to compile), by sequence length. CPU time, "
           "not wall time: other jobs on the machine inflate it far less, and on a quiet 2-core machine an epoch "
           "takes at most about this long:", "", *timing_table(record["epoch_seconds"]), ""],
          owns="## Beyond recurrence")


if __name__ == "__main__":
    main()
