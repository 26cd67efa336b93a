"""Video classification defaults: time for the three models, and what order is worth on unseen clips."""

from __future__ import annotations

import argparse
import os
import statistics

from bench import results
from bench.worker import run_fresh

HEADING = "## Video classification, default settings"
MODELS = (("cnn_rnn", "CNN+RNN"), ("cnn3d", "3D CNN"), ("frame_only", "frame-only baseline"))

WORKER = """
import json, sys, time
from core import video as vd
runs = int(sys.argv[1])
settings = vd.VideoSettings()
seconds, cpu, fits = [], [], []
for _ in range(runs + 1):
    started, started_cpu = time.perf_counter(), time.process_time()
    result = vd.fit_video_models(settings)
    seconds.append(time.perf_counter() - started)
    cpu.append(time.process_time() - started_cpu)
    fits.append(result.details.seconds)
details = result.details
models = ("cnn_rnn", "frame_only", "cnn3d", "shuffled", "cnn3d_shuffled")
print(json.dumps({"cold": seconds[0], "warm": seconds[1:], "warm_cpu": cpu[1:], "warm_fits": fits[1:],
                  "temporal_field": details.temporal_field, "parameters": details.parameters,
                  "accuracy": {k: getattr(details, k).accuracy for k in models},
                  "pairs": {k: getattr(details, k).pairs for k in ("cnn_rnn", "cnn3d", "frame_only")}}))
"""


STEPS = """
import json, time
import keras, numpy as np
from core import video as vd
s = vd.VideoSettings()


def with_keras_conv3d():
    # build_cnn3d with its first convolution as keras.layers.Conv3D instead of NeighbourFrames + Conv2D
    inputs = keras.Input((s.frames, s.frame_size, s.frame_size, 3))
    hidden = keras.layers.Conv3D(s.filters, (s.temporal_kernel, 3, 3), strides=(1, 2, 2), padding="same",
                                 activation="relu")(inputs)
    for layer in range(1, s.conv_layers):
        hidden = keras.layers.TimeDistributed(keras.layers.Conv2D(s.filters * 2**layer, 3, strides=2,
                                                                  padding="same", activation="relu"))(hidden)
    features = keras.layers.Dense(vd.FEATURES, activation="relu")(keras.layers.Reshape((s.frames, -1))(hidden))
    averaged = keras.layers.GlobalAveragePooling1D()(features)
    return keras.Model(inputs, keras.layers.Dense(s.num_classes, activation="softmax")(averaged))


x, y = vd.make_clips(s.classes, 32, s.frames, s.frame_size, s.noise, 0)
builders = {"3D CNN as the page builds it": lambda: vd.build_cnn3d(s.frames, s.frame_size, s.num_classes, s.filters,
                                                                   s.conv_layers, s.temporal_kernel),
            "3D CNN with keras Conv3D": with_keras_conv3d,
            "frame-only": lambda: vd.build_frame_only(s.frames, s.frame_size, s.num_classes, s.filters, s.conv_layers)}
step_ms = {}
for name, build in builders.items():
    model = build()
    model.compile(keras.optimizers.Adam(s.learning_rate), "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=s.batch_size, epochs=1, verbose=0)  # compile
    started = time.process_time()
    model.fit(x, y, batch_size=s.batch_size, epochs=3, verbose=0)
    step_ms[name] = (time.process_time() - started) / (3 * len(x) // s.batch_size) * 1000
print(json.dumps(step_ms))
"""


def measure_steps() -> dict[str, float]:
    """CPU ms per training step (default batch) of the 3D CNN as built, with keras Conv3D, and frame-only."""
    return run_fresh(STEPS)


def measure(warm_runs: int) -> dict:
    """The three models with default settings, in a fresh interpreter: cold, then warm runs.

    Besides wall seconds, the process's CPU seconds and each model's fit: on a
    machine shared with other jobs, wall time grows with the load; CPU time
    much less.
    """
    before = os.getloadavg()[0]
    return run_fresh(WORKER, warm_runs) | {"load": (before, os.getloadavg()[0])}


def measure_all(warm_runs: int) -> dict:
    """:func:`measure` and :func:`measure_steps` together: what :func:`section` writes."""
    from core.video import VideoSettings

    return measure(warm_runs) | {"step_ms": measure_steps(), "batch_size": VideoSettings().batch_size}


def section(found: dict) -> list[str]:
    """The RESULTS.md section for one :func:`measure`: times (and the machine's load), then each model's scores."""
    pairs = found["pairs"]
    fits = {name: statistics.median(fit[name] for fit in found["warm_fits"]) for name in found["warm_fits"][0]}
    pair_names = list(pairs["cnn_rnn"])
    return [HEADING, "",
            f"Train click to results: generate clips, train the CNN+RNN, the frame-only baseline and the 3D CNN one "
            f"after the other, score all on {6 * 40} unseen clips (6 classes, chance 0.17): cold "
            f"{found['cold']:.1f} s, warm median {statistics.median(found['warm']):.1f} s of wall time "
            f"({statistics.median(found['warm_cpu']):.1f} s of CPU time); each model's fit (warm median): "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in fits.items()) + ". "
            f"The 3D CNN's convolutions see {found['temporal_field']} neighbouring frames at a time. Load average "
            f"(1 min) {found['load'][0]:.1f} before and {found['load'][1]:.1f} after: "
            + ("measured with other jobs on the machine, so wall times are pessimistic." if found["load"][0] > 1.0
               else "an otherwise idle machine."), "",
            "| model | weights | test accuracy | test frames shuffled | "
            + " | ".join(f"{pair} (chance 0.5)" for pair in pair_names) + " |",
            "|---|---|---|---|" + "---|" * len(pair_names),
            *[_row(found, key, name) for key, name in MODELS], "",
            "Why the 3D convolution is computed as a 2D one over stacked neighbouring frames: CPU time per "
            f"training step (batch of {found['batch_size']}, default clips), "
            + ", ".join(f"{name} {ms:.0f} ms" for name, ms in found["step_ms"].items())
            + " (the same weights and outputs; a test checks it).", ""]


def _row(found: dict, key: str, name: str) -> str:
    """One model's line of the table: weights, accuracy (as is, frames shuffled) and each pair's accuracy."""
    shuffled = {"cnn_rnn": "shuffled", "cnn3d": "cnn3d_shuffled"}.get(key)
    weights = found["parameters"][{"cnn_rnn": "CNN+RNN", "cnn3d": "3D CNN", "frame_only": "frame-only"}[key]]
    return (f"| {name} | {weights:,} | {found['accuracy'][key]:.3f} | "
            + (f"{found['accuracy'][shuffled]:.3f}" if shuffled else "—") + " | "
            + " | ".join(f"{v:.2f}" for v in found["pairs"][key].values()) + " |")


def main() -> None:
    """Measure the defaults and rewrite this page's section of bench/RESULTS.md (the same section bench.run writes)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2, help="warm runs after the cold one (median reported)")
    lines = section(measure_all(parser.parse_args().runs))
    lines.insert(2, results.measured_on() + " Command: `.venv/bin/python -m bench.video`.")
    lines.insert(3, "")
    results.write(lines, owns=HEADING)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
