"""Run every benchmark and write bench/RESULTS.md. Usage: .venv/bin/python -m bench.run [--runs N]

Run by hand on an otherwise idle machine; figures are medians of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import datetime
import statistics

from bench import connections, engines, forecasting, internals, rerun, results, startup, textgen, video
from core.connections import PATTERN_TITLES, PATTERNS
from core.datasets import PRODUCTS


def section_startup(runs: int) -> list[str]:
    times = startup.measure(runs)
    ours, hello = statistics.median(times["Sequence Lab home"]), statistics.median(times["streamlit hello"])
    return ["## Start-up: server launch to home page painted in Chromium", "",
            "| app | median s | all runs s |", "|---|---|---|",
            *[f"| {name} | {statistics.median(v):.2f} | {', '.join(f'{t:.2f}' for t in v)} |"
              for name, v in times.items()],
            "", f"Ratio to `streamlit hello`: {ours / hello:.2f}.", ""]


def section_defaults(runs: int) -> list[str]:
    lines = ["## Every page's default model: time, memory, score", "",
             "Page open: importing the page's `core` module (and Keras with it), which a page does when it opens, "
             "before any click. One Train click with the page's defaults, through the page's own code: cold is the "
             "first in a fresh process with an empty XLA cache (backend start and compiling included: a new "
             "server's first click); restart the first click of a second fresh process that finds the first one's "
             f"XLA cache on disk (a restarted server); warm the median of the {runs} clicks after the cold one "
             "(what every later click or visitor waits). First "
             "epoch: from the click to the end of the first epoch (data, building, tracing); later epoch: median "
             "time of each later epoch, validation included. Memory: resident size of the whole process (Python, "
             "Keras, the data), peak and after the last click.", "",
             "| page | target s | page open s | cold s | restart s | warm s | first epoch s | later epoch s | peak MB "
             "| end MB | score | target met (warm / cold) |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for page in engines.PAGES:
        found = engines.defaults(page, runs)
        warm, cold, target = statistics.median(found["warm"]), found["cold"], engines.TARGET_SECONDS[page]
        lines.append(f"| {page} | {target} | {found['import']:.2f} | {cold:.2f} | {found['restart']:.2f} | "
                     f"{warm:.2f} | {found['first_epoch']:.2f} | "
                     f"{_seconds(found['later_epoch'])} | {found['peak_mb']:.0f} | {found['end_mb']:.0f} | "
                     f"{found['score_name']} {found['score']:.3f} | {_met(warm, target)} / {_met(cold, target)} |")
    return [*lines, ""]


def section_engines(runs: int) -> list[str]:
    lines = ["## Engine settings, one at a time", "",
             f"Each page's default model with one setting changed from the defaults (first row), each in a fresh "
             f"process with an empty XLA cache: warm is the median of up to {runs} clicks after the cold one (a "
             f"click over {engines.CLICK_LIMIT_S} s is not repeated: warm shows —), and a process with no result "
             f"after {engines.PROCESS_LIMIT_S} s was stopped. TensorFlow's thread counts are set before it runs "
             "anything; JAX's through `XLA_FLAGS` at start. Peak MB: the whole process's resident size.", ""]
    for page in engines.PAGES:
        lines += [f"### {page}", "", "| engine | cold s | warm s | later epoch s | peak MB | score |",
                  "|---|---|---|---|---|---|"]
        for variant in engines.VARIANTS:
            found = engines.variant(page, variant, runs)
            if isinstance(found, str):
                lines.append(f"| {variant.name} | {found} | — | — | — | — |")
                continue
            warm = _seconds(statistics.median(found["warm"]) if found["warm"] else None)
            lines.append(f"| {variant.name} | {found['cold']:.2f} | {warm} | "
                         f"{_seconds(found['later_epoch'])} | {found['peak_mb']:.0f} | "
                         f"{found['score_name']} {found['score']:.3f} |")
        lines.append("")
    return lines


def _met(seconds: float, target: float) -> str:
    return "yes" if seconds <= target else "no"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def section_rerun(runs: int) -> list[str]:
    times = rerun.measure(runs)
    return ["## Cached rerun (connection types page, default model in the session cache)", "",
            f"Median server time of a rerun over {runs} runs: **{statistics.median(times) * 1000:.0f} ms** "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}).", ""]


def section_connections(runs: int) -> list[str]:
    lines = ["## Connection types: default model of each pattern", "",
             "What a Train click costs: generate the data, train, score on held-out examples. Cold: the first "
             "training in a fresh process (JAX start and compile included; a server pays it once). Warm: "
             "median of the later runs in that process, and of that, the `fit` alone.", "",
             "| pattern | cold s | warm s | warm fit s | held-out score |", "|---|---|---|---|---|"]
    for pattern in PATTERNS:
        found = connections.measure(pattern, runs)
        score = ", ".join(f"{k} {v:.3f}" for k, v in found["scores"].items())
        lines.append(f"| {PATTERN_TITLES[pattern]} | {found['cold']:.2f} | "
                     f"{statistics.median(found['warm']):.2f} | {statistics.median(found['warm_fit']):.2f} | {score} |")
    return [*lines, ""]


def section_internals(runs: int) -> list[str]:
    response = internals.slider_response(runs)
    found = internals.comparison(max(2, runs // 2))
    accuracy = found["accuracy"]
    lengths = list(next(iter(accuracy.values())))
    return ["## RNN internals", "",
            f"Rerun after moving the spectral-radius slider (forward pass, Keras check and gradient plot "
            f"redrawn): median **{statistics.median(response) * 1000:.0f} ms** of server time.", "",
            f"Gate comparison, defaults (3 cells trained one after another, then scored): cold "
            f"{found['cold']:.1f} s, warm median {statistics.median(found['warm']):.1f} s.", "",
            "| cell | " + " | ".join(f"accuracy at length {n}" for n in lengths) + " |",
            "|---|" + "---|" * len(lengths),
            *[f"| {cell} | " + " | ".join(f"{v:.2f}" for v in scores.values()) + " |"
              for cell, scores in accuracy.items()], ""]


def section_forecasting(runs: int) -> list[str]:
    lines = ["## Sales forecasting, default settings", "",
             "Train click to results: split, scale, fit with early stopping, score model and baselines on the "
             "last 90 days, forecast ahead. MAE on the test part; gain = how much lower the model's MAE is "
             "than seasonal naive's.", "",
             "| data | cold s | warm s | warm fit s | epochs | model MAE | seasonal naive | naive | moving average "
             "| gain over seasonal naive |", "|---|---|---|---|---|---|---|---|---|---|"]
    for source in [*PRODUCTS, "noise"]:
        found = forecasting.measure(source, runs)
        mae = found["mae"]
        model = next(v for k, v in mae.items() if k.endswith("model"))
        gain = (mae["seasonal naive"] - model) / mae["seasonal naive"]
        lines.append(f"| {source} | {found['cold']:.2f} | {statistics.median(found['warm']):.2f} | "
                     f"{statistics.median(found['warm_fit']):.2f} | {found['epochs']} | {model:.2f} | "
                     f"{mae['seasonal naive']:.2f} | {mae['naive']:.2f} | {mae['moving average']:.2f} | {gain:+.0%} |")
    return [*lines, ""]


def section_textgen(runs: int) -> list[str]:
    ours, classic = textgen.measure_defaults(runs), textgen.measure_classic()
    target = classic["metrics"]["accuracy"]
    reached = next((seconds for seconds, accuracy in ours["curve"] if accuracy >= target), None)
    model, bigram = ours["metrics"]["model"], ours["metrics"]["bigram"]
    return ["## Text generation, built-in descriptions", "",
            f"{ours['pairs']:,} training pairs, {ours['validation_pairs']:,} validation pairs from held-out "
            f"descriptions, vocabulary {ours['vocabulary']}. Train click to scores (prepare, fit, score): cold "
            f"{ours['cold']:.2f} s, warm median {statistics.median(ours['warm']):.2f} s "
            f"(fit {statistics.median(ours['warm_fit']):.2f} s).", "",
            "| model | validation accuracy | top-5 accuracy | perplexity | seconds |", "|---|---|---|---|---|",
            f"| page defaults | {model['accuracy']:.3f} | {model['top5_accuracy']:.3f} | {model['perplexity']:.2f} | "
            f"{statistics.median(ours['warm']):.2f} |",
            f"| bigram rule | {bigram['accuracy']:.3f} | {bigram['top5_accuracy']:.3f} | — | — |",
            f"| classic recipe (context {classic['context']}, 2×SimpleRNN(100), one-hot, 50 epochs) | "
            f"{target:.3f} | {classic['metrics']['top5_accuracy']:.3f} | {classic['metrics']['perplexity']:.2f} | "
            f"{classic['seconds']:.1f} |", "",
            "The defaults first reach the classic recipe's final validation accuracy after "
            + (f"**{reached:.1f} s** ({reached / classic['seconds']:.1%} of its time)." if reached is not None
               else "— never, in this run."), ""]


def section_video(runs: int) -> list[str]:
    return video.section(video.measure_all(max(2, runs // 2)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median reported)")
    parser.add_argument("--engine-runs", type=int, default=1,
                        help="warm runs per engine setting (median reported; each also has a cold run)")
    args = parser.parse_args()
    today = datetime.date.today().isoformat()
    lines = ["# Benchmark results", "", f"Machine: {results.machine()}.  ", f"Date: {today}. Command: "
             f"`.venv/bin/python -m bench.run --runs {args.runs} --engine-runs {args.engine_runs}`.", ""]
    lines += section_startup(args.runs) + section_rerun(args.runs) + section_defaults(args.runs)
    lines += section_engines(args.engine_runs) + section_connections(args.runs)
    lines += section_internals(args.runs) + section_forecasting(args.runs) + section_textgen(args.runs)
    lines += section_video(args.runs)
    results.write(lines, owns="")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
