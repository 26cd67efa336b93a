"""Video classification: three models read the same clips, each seeing time its own way.

A CNN+RNN reads each frame with a CNN and the frames in order with a recurrent
layer; a 3D CNN convolves over (time, height, width), so its first filters see a
few neighbouring frames at once; the frame-only baseline reads every frame with the
same CNN and averages them, so it sees no order at all.

The clips are generated so that only motion tells the classes apart: a shape
moving left covers, over the clip, exactly the positions a shape moving right
covers (their start points are drawn so), and a growing shape takes the sizes a
shrinking one does. A model that averages its frames cannot tell such a pair
apart; one that reads them in order can. That is the lesson of the page.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, replace
from typing import Any

import keras
import numpy as np

from core.recurrent import CELLS, cell_knob, units_knob
from core.settings import batch_size_knob, epochs_knob, knob, learning_rate_knob
from core.training import EpochFn, TrainingSettings, TrainResult, predict, tell, train
from core.uploads import read_gif
from core.verdicts import Verdict, compare, standard_error, verdict
from core.vision import conv_grid

CLASSES = ("left", "right", "up", "down", "growing", "shrinking")
PAIRS = (("left", "right"), ("up", "down"), ("growing", "shrinking"))  # each differs only in direction
TEST_CLIPS_PER_CLASS = 40
MAX_CLIPS_MB = 256  # all clips of one training, as float32: what the largest settings may hold at once
MAX_ACTIVATION_MB = 96  # the first convolution's output for one batch (its gradient doubles it)
MAX_UPLOAD_MB = 5
FEATURES = 32  # numbers the CNN hands the recurrent layer for each frame
WHEN_FAILING = ("the CNN may not find the shape (more filters, less noise) or the recurrent layer may need more "
                "epochs or units; with very few clips per class there is too little to learn from")


@dataclass(frozen=True)
class VideoSettings(TrainingSettings):
    """Every knob of the video page: the generated clips and the three models."""

    num_classes: int = knob(6, "Classes", "How many kinds of motion to tell apart, in this order: left, "
                            "right, up, down, growing, shrinking.", low=2, high=6)
    frames: int = knob(12, "Frames per clip", "How long each clip is. Longer clips show more motion but "
                       "cost more to train.", low=4, high=20)
    frame_size: int = knob(24, "Frame size (pixels)", "Width and height of every frame. Bigger frames show "
                           "more detail and train slower.", choices=(16, 24, 32, 48))
    noise: float = knob(0.1, "Noise", "How much random speckle covers each frame. More noise makes the "
                        "shape harder to find.", low=0.0, high=0.5, step=0.05)
    clips_per_class: int = knob(100, "Training clips per class", "How many clips of each class to learn "
                                "from. More clips teach better and train slower.", low=20, high=400)
    filters: int = knob(8, "Convolution filters", "How many small patterns each convolution layer looks "
                        "for in a frame. More filters see more but train slower.", low=2, high=32)
    conv_layers: int = knob(2, "Convolution layers", "Convolution layers per frame; each steps two pixels at "
                            "a time, halves the frame and sees larger patterns.", low=1, high=3)
    temporal_kernel: int = knob(3, "3D CNN: frames per filter", "How many neighbouring frames each filter of the "
                                "3D CNN's first layer spans. Wider filters see longer stretches of motion but "
                                "train slower.",
                                low=2, high=5)
    cell: str = cell_knob(choices=("LSTM", "GRU"), note=" Here it reads the frames' features in order.")
    units: int = units_knob(32, low=4, high=128, of="the recurrent layer's memory of the frames so far")
    epochs: int = epochs_knob(8, high=60, of="the training clips (each model)")
    batch_size: int = batch_size_knob(32, choices=(8, 16, 32, 64, 128), of="clips")
    learning_rate: float = learning_rate_knob(0.003)

    @property
    def classes(self) -> tuple[str, ...]:
        return CLASSES[: self.num_classes]


# ---------------------------------------------------------------- clips


def make_clip(label: str, frames: int, size: int, noise: float, rng: np.random.Generator) -> np.ndarray:
    """One clip of a square or disc doing ``label``: (frames, size, size, 3), values in [0, 1]."""
    radius = rng.uniform(0.12, 0.18) * size
    travel = 0.45 * size  # how far a moving shape goes in one clip
    low, high = radius + 1, size - radius - 1
    centre = rng.uniform(low, high, size=2)  # (row, column) of a shape that does not move that way
    t = np.linspace(0.0, 1.0, frames)
    rows, columns, radii = np.full(frames, centre[0]), np.full(frames, centre[1]), np.full(frames, radius)
    if label in ("left", "right", "up", "down"):
        start = rng.uniform(low, high - travel)  # the covered stretch [start, start + travel] is the same
        path = start + travel * (t if label in ("right", "down") else 1 - t)  # for both directions
        if label in ("left", "right"):
            columns = path
        else:
            rows = path
    else:
        small, large = 0.08 * size, 0.3 * size
        radii = small + (large - small) * (t if label == "growing" else 1 - t)
        centre = rng.uniform(large + 1, size - large - 1, size=2)
        rows, columns = np.full(frames, centre[0]), np.full(frames, centre[1])
    return _draw(rows, columns, radii, size, noise, rng)


def _draw(rows: np.ndarray, columns: np.ndarray, radii: np.ndarray, size: int, noise: float,
          rng: np.random.Generator) -> np.ndarray:
    """Frames of one shape (a disc or a square, one random colour) on a dark, speckled background."""
    colour = rng.uniform(0.4, 1.0, size=3)
    disc = rng.random() < 0.5
    grid_r, grid_c = np.mgrid[0:size, 0:size]  # (size, size) each
    dr, dc = grid_r[None] - rows[:, None, None], grid_c[None] - columns[:, None, None]  # (frames, size, size)
    reach = radii[:, None, None]
    inside = dr**2 + dc**2 <= reach**2 if disc else (np.abs(dr) <= reach) & (np.abs(dc) <= reach)
    clip = inside[..., None] * colour  # (frames, size, size, 3)
    clip = clip + noise * rng.standard_normal(clip.shape)
    return np.clip(clip, 0.0, 1.0).astype(np.float32)


def make_clips(classes: tuple[str, ...], per_class: int, frames: int, size: int, noise: float,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` clips of each class, shuffled: x (clips, frames, size, size, 3), y (clips,) class indices."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(classes)), per_class)
    rng.shuffle(labels)
    clips = np.stack([make_clip(classes[i], frames, size, noise, rng) for i in labels])
    return clips, labels


def training_clips(settings: VideoSettings) -> tuple[np.ndarray, np.ndarray]:
    return make_clips(settings.classes, settings.clips_per_class, settings.frames, settings.frame_size,
                      settings.noise, settings.seed)


def check_memory(settings: VideoSettings) -> None:
    """ValueError, saying what to lower, when these settings would hold more than this server allows.

    Every knob is bounded on its own, but together the largest ones would make
    1.3 GB of clips and batches of 190 MB per layer: more than a shared server
    can give one visitor. Both sizes are exact products of the settings.
    """
    clip_mb = settings.frames * settings.frame_size**2 * 3 * 4 / 2**20
    clips_mb = clip_mb * settings.num_classes * (settings.clips_per_class + TEST_CLIPS_PER_CLASS)
    if clips_mb > MAX_CLIPS_MB:
        raise ValueError(f"These settings make {clips_mb:,.0f} MB of clips; this server allows {MAX_CLIPS_MB} MB. "
                         "Lower the training clips per class, the frames per clip or the frame size.")
    conv_frame_mb = (settings.frame_size // 2) ** 2 * settings.filters * 4 / 2**20  # one frame, first convolution
    activation_mb = settings.batch_size * settings.frames * conv_frame_mb
    if activation_mb > MAX_ACTIVATION_MB:
        raise ValueError(f"One batch of these clips fills {activation_mb:,.0f} MB in the first convolution "
                         f"alone; this server allows {MAX_ACTIVATION_MB} MB. Lower the batch size, the filters, the "
                         "frames per clip or the frame size.")


def test_clips(settings: VideoSettings) -> tuple[np.ndarray, np.ndarray]:
    """Clips never trained on (another seed), the same every time for the same settings."""
    return make_clips(settings.classes, TEST_CLIPS_PER_CLASS, settings.frames, settings.frame_size,
                      settings.noise, settings.seed + 1)


def shuffled_frames(clips: np.ndarray, seed: int) -> np.ndarray:
    """The same clips with their frames in a random order (one order per clip)."""
    rng = np.random.default_rng(seed)
    return np.stack([clip[rng.permutation(len(clip))] for clip in clips])


# ---------------------------------------------------------------- models


def build_frame_cnn(frame_size: int, num_filters: int = 8, num_conv_layers: int = 2, channels: int = 3) -> keras.Model:
    """One frame in, ``FEATURES`` numbers out: the shared strided CNN (core.vision), flattened, not pooled.

    Flattened because where the shape is must survive to the recurrent layer.
    ``channels`` is 3 (colours) for one frame; the 3D CNN hands it a frame
    with its neighbours' colours stacked on, ``3 × temporal_kernel``.
    """
    inputs = keras.Input((frame_size, frame_size, channels))
    grid = conv_grid(inputs, num_filters, num_conv_layers)  # (batch, rows, columns, channels)
    features = keras.layers.Dense(FEATURES, activation="relu")(keras.layers.Flatten()(grid))
    return keras.Model(inputs, features, name="frame_cnn")


def build_cnn_rnn(frames: int, frame_size: int, num_classes: int, num_filters: int = 8, num_conv_layers: int = 2,
                  cell: str = "GRU", num_units: int = 32) -> keras.Model:
    """Clip in, class probabilities out: the CNN on every frame, a recurrent layer over them in order.

    The classifier is applied after every frame (layer ``per_frame``) and the
    last frame's answer is the model's; the page reads ``per_frame`` to show
    when the model makes up its mind.
    """
    inputs = keras.Input((frames, frame_size, frame_size, 3))  # (batch, frames, height, width, colours)
    features = keras.layers.TimeDistributed(build_frame_cnn(frame_size, num_filters, num_conv_layers),
                                            name="cnn_per_frame")(inputs)  # (batch, frames, FEATURES)
    states = CELLS[cell](num_units, return_sequences=True, name="recurrent")(features)  # (batch, frames, units)
    per_frame = keras.layers.TimeDistributed(keras.layers.Dense(num_classes, activation="softmax"),
                                             name="per_frame")(states)  # (batch, frames, classes)
    return keras.Model(inputs, per_frame[:, -1], name="cnn_rnn")


def build_frame_only(frames: int, frame_size: int, num_classes: int, num_filters: int = 8,
                     num_conv_layers: int = 2) -> keras.Model:
    """The baseline: the same CNN on every frame, features averaged over time (order lost), softmax."""
    inputs = keras.Input((frames, frame_size, frame_size, 3))
    features = keras.layers.TimeDistributed(build_frame_cnn(frame_size, num_filters, num_conv_layers),
                                            name="cnn_per_frame")(inputs)
    averaged = keras.layers.GlobalAveragePooling1D(name="average_over_time")(features)  # (batch, FEATURES)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(averaged)
    return keras.Model(inputs, outputs, name="frame_only")


@keras.saving.register_keras_serializable(package="sequence_lab")  # so a saved model loads in safe mode
class NeighbourFrames(keras.layers.Layer):
    """Each frame with its ``temporal_kernel`` - 1 neighbours in time, their colours stacked as channels.

    A 2D convolution over this is a 3D convolution over (time, height, width)
    with a kernel ``temporal_kernel`` frames deep: the same weights, the same
    outputs as ``keras.layers.Conv3D`` with ``padding="same"`` (a test checks
    it). We compute it so because on CPU, XLA's gradient of ``Conv3D`` made the
    3D CNN's training step about 9× slower (210 against 23 ms of CPU;
    bench/RESULTS.md, video section).
    """

    def __init__(self, temporal_kernel: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.temporal_kernel = temporal_kernel

    def call(self, clips: Any) -> Any:
        frames, before = clips.shape[1], (self.temporal_kernel - 1) // 2  # "same" padding, as Conv3D pads
        padded = keras.ops.pad(clips, [(0, 0), (before, self.temporal_kernel - 1 - before), (0, 0), (0, 0), (0, 0)])
        return keras.ops.concatenate([padded[:, shift : shift + frames] for shift in range(self.temporal_kernel)],
                                     axis=-1)  # (batch, frames, height, width, colours × temporal_kernel)

    def get_config(self) -> dict[str, Any]:
        return super().get_config() | {"temporal_kernel": self.temporal_kernel}


def build_cnn3d(frames: int, frame_size: int, num_classes: int, num_filters: int = 8, num_conv_layers: int = 2,
                temporal_kernel: int = 3) -> keras.Model:
    """Clip in, class probabilities out: a 3D convolution over (time, height, width) first, then as frame-only.

    The frame-only baseline with one change: its first convolution spans
    ``temporal_kernel`` neighbouring frames as well as 3×3 pixels, so it can
    see which way a shape moved between them (time fused early, in the first
    layer; later layers work frame by frame, which kept a training step
    cheap). The features are then averaged over time, so order farther apart
    than the filters reach (:func:`temporal_field`) is lost.
    """
    inputs = keras.Input((frames, frame_size, frame_size, 3))  # (batch, frames, height, width, colours)
    neighbours = NeighbourFrames(temporal_kernel, name="neighbour_frames")(inputs)  # (..., colours × kernel)
    features = keras.layers.TimeDistributed(build_frame_cnn(frame_size, num_filters, num_conv_layers,
                                                            3 * temporal_kernel),
                                            name="cnn3d_per_frame")(neighbours)  # (batch, frames, FEATURES)
    averaged = keras.layers.GlobalAveragePooling1D(name="average_over_time")(features)  # (batch, FEATURES)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(averaged)
    return keras.Model(inputs, outputs, name="cnn3d")


def temporal_field(model: keras.Model) -> int:
    """How many consecutive frames one of the 3D CNN's features sees, read from its layers.

    Each layer spanning k frames (stride 1 in time) widens the field by k - 1.
    """
    return 1 + sum(layer.temporal_kernel - 1 for layer in model.layers if isinstance(layer, NeighbourFrames))


def per_frame_reader(model: keras.Model) -> keras.Model:
    """A model sharing the CNN+RNN's layers that answers after every frame: clips in, (frames, classes) out."""
    return keras.Model(model.inputs, model.get_layer("per_frame").output)


# ---------------------------------------------------------------- training and scores


def confusion(truth: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts: row = true class, column = predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(matrix, (truth, predicted), 1)
    return matrix


def pair_accuracy(truth: np.ndarray, predicted: np.ndarray, classes: tuple[str, ...]) -> dict[str, float]:
    """For each direction pair present: accuracy on its clips when the answer must be one of the two.

    Chance is 50 %. A frame-only model scores about that; one that reads order, near 100 %.
    """
    scores = {}
    for first, second in PAIRS:
        if second not in classes:
            continue
        a, b = classes.index(first), classes.index(second)
        mask = np.isin(truth, (a, b)) & np.isin(predicted, (a, b))
        scores[f"{first} / {second}"] = float(np.mean(truth[mask] == predicted[mask])) if mask.any() else 0.0
    return scores


@dataclass(frozen=True)
class ClipScores:
    """One model's answers on the unseen clips, counted every way the page shows them."""

    accuracy: float
    confusion: np.ndarray  # (classes, classes): row = true class, column = answer
    per_class: dict[str, float]
    pairs: dict[str, float]  # accuracy within each direction pair (chance 50 %)
    correct: np.ndarray  # (clips,) whether each unseen clip was named right, for paired comparisons


@dataclass(frozen=True)
class VideoResult:
    """The three models' scores on the same unseen clips, and what the page needs to show them at work."""

    cnn_rnn: ClipScores
    frame_only: ClipScores
    cnn3d: ClipScores
    shuffled: ClipScores  # the CNN+RNN again, on the same clips with their frames shuffled
    cnn3d_shuffled: ClipScores  # the 3D CNN on the same shuffled clips
    frame_only_model: keras.Model
    frame_only_history: dict[str, list[float]]
    cnn3d_model: keras.Model
    cnn3d_history: dict[str, list[float]]
    per_frame_reader: keras.Model  # the CNN+RNN's answer after every frame
    example_clips: dict[str, np.ndarray]  # one unseen clip of each class, (frames, size, size, 3)
    verdict: Verdict  # the CNN+RNN against the frame-only model, clip by clip
    cnn3d_verdict: Verdict  # the 3D CNN against the frame-only model
    rnn_against_3d: Verdict  # the CNN+RNN against the 3D CNN
    order_matters: Verdict  # the CNN+RNN against itself on the same clips with their frames shuffled
    cnn3d_order_matters: Verdict  # the 3D CNN against itself on shuffled frames
    temporal_field: int  # frames one output of the 3D CNN's convolutions sees, read from its layers
    parameters: dict[str, int]  # model name -> Keras's count of its weights
    seconds: dict[str, float]  # model name -> its training time


def clip_scores(model: keras.Model, clips: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]) -> ClipScores:
    """Accuracy, confusion, per-class and per-pair accuracy of ``model`` on labelled clips."""
    predicted = predict(model, clips, batch_size=128).argmax(axis=-1)
    matrix = confusion(labels, predicted, len(classes))
    return ClipScores(float(np.mean(predicted == labels)), matrix,
                      dict(zip(classes, (matrix.diagonal() / matrix.sum(axis=1)).tolist(), strict=True)),
                      pair_accuracy(labels, predicted, classes), predicted == labels)


def fit_video_models(settings: VideoSettings, on_epoch_end: EpochFn | None = None) -> TrainResult[VideoResult]:
    """Train the CNN+RNN, the frame-only baseline and the 3D CNN on the same clips; score all on unseen clips.

    Also scores the CNN+RNN and the 3D CNN on the unseen clips with their
    frames shuffled: a model that uses order loses accuracy there.
    """
    check_memory(settings)
    tell(on_epoch_end, f"Making {settings.num_classes * settings.clips_per_class:,} training clips…")
    x, y = training_clips(settings)
    n, s = settings.num_classes, settings
    fitted = [train(build, x, y, settings, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                    on_epoch_end=on_epoch_end)
              for build in (lambda: build_cnn_rnn(s.frames, s.frame_size, n, s.filters, s.conv_layers, s.cell, s.units),
                            lambda: build_frame_only(s.frames, s.frame_size, n, s.filters, s.conv_layers),
                            lambda: build_cnn3d(s.frames, s.frame_size, n, s.filters, s.conv_layers,
                                                s.temporal_kernel))]
    tell(on_epoch_end, "Scoring the three models on unseen clips…")
    result, baseline, cnn3d = fitted
    details = score_models(settings, result, baseline, cnn3d)
    ours, cubes = details.cnn_rnn, details.cnn3d
    return replace(result, details=details, seconds=sum(f.seconds for f in fitted),
                   scores={"CNN+RNN test accuracy": ours.accuracy, "frame-only test accuracy":
                           details.frame_only.accuracy, "3D CNN test accuracy": cubes.accuracy},
                   score_noise={"CNN+RNN test accuracy": standard_error(ours.correct, seed=settings.seed),
                                "3D CNN test accuracy": standard_error(cubes.correct, seed=settings.seed)})


def score_models(settings: VideoSettings, ours_fitted: TrainResult, baseline: TrainResult,
                 cnn3d: TrainResult) -> VideoResult:
    """Every model on the same unseen clips, as they are and with their frames shuffled, and the verdicts."""
    cnn_rnn = ours_fitted.model
    test_x, test_y = test_clips(settings)
    classes = settings.classes
    shuffled_x = shuffled_frames(test_x, settings.seed)
    ours, theirs, cubes = (clip_scores(m, test_x, test_y, classes) for m in (cnn_rnn, baseline.model, cnn3d.model))
    shuffled, cubes_shuffled = (clip_scores(m, shuffled_x, test_y, classes) for m in (cnn_rnn, cnn3d.model))
    on_what = f"{len(test_y)} unseen clips"
    fitted_by_name = {"CNN+RNN": ours_fitted, "frame-only": baseline, "3D CNN": cnn3d}

    def said(first: ClipScores, second: ClipScores, first_name: str, second_name: str) -> Verdict:
        return verdict(compare(first.correct, second.correct, "accuracy", True, seed=settings.seed), first_name,
                       second_name, on_what, percent_metric=True)

    return VideoResult(
        ours, theirs, cubes, shuffled, cubes_shuffled, baseline.model, baseline.history, cnn3d.model,
        cnn3d.history, per_frame_reader(cnn_rnn),
        {name: test_x[np.flatnonzero(test_y == index)[0]] for index, name in enumerate(classes)},
        said(ours, theirs, "CNN+RNN", "the frame-only model"), said(cubes, theirs, "3D CNN", "the frame-only model"),
        said(ours, cubes, "CNN+RNN", "the 3D CNN"), said(ours, shuffled, "CNN+RNN", "itself on shuffled frames"),
        said(cubes, cubes_shuffled, "3D CNN", "itself on shuffled frames"), temporal_field(cnn3d.model),
        {name: fitted.model.count_params() for name, fitted in fitted_by_name.items()},
        {name: fitted.seconds for name, fitted in fitted_by_name.items()})


def cli_document(settings: VideoSettings) -> dict[str, Any]:
    """Train with ``settings`` as the page does; each model's scores, the verdicts and what each model sees.

    ``python -m core video … --json`` prints this.
    """
    result = fit_video_models(settings)
    d: VideoResult = result.details
    scored = {"CNN+RNN": (d.cnn_rnn, d.shuffled), "3D CNN": (d.cnn3d, d.cnn3d_shuffled),
              "frame-only": (d.frame_only, None)}
    return {"settings": asdict(settings), "seconds": round(result.seconds, 2), "verdict": d.verdict.as_json(),
            "verdicts": {"3D CNN against frame-only": d.cnn3d_verdict.as_json(),
                         "CNN+RNN against 3D CNN": d.rnn_against_3d.as_json(),
                         "CNN+RNN on shuffled frames": d.order_matters.as_json(),
                         "3D CNN on shuffled frames": d.cnn3d_order_matters.as_json()},
            "metrics": {name: {"accuracy": scores.accuracy,
                               "shuffled_frames_accuracy": None if shuffled is None else shuffled.accuracy,
                               **{f"pair {pair}": value for pair, value in scores.pairs.items()},
                               "parameters": d.parameters[name]} for name, (scores, shuffled) in scored.items()},
            "temporal_field": d.temporal_field, "sees": what_each_sees(settings, d.temporal_field)}


def sample_clips(settings: VideoSettings) -> np.ndarray:
    """One generated clip of each class, as the page shows before training: (classes, frames, size, size, 3)."""
    return np.stack([make_clip(label, settings.frames, settings.frame_size, settings.noise,
                               np.random.default_rng(settings.seed + i)) for i, label in enumerate(settings.classes)])


def new_clip(settings: VideoSettings, label: str, count: int) -> np.ndarray:
    """The ``count``-th fresh clip of ``label`` a visitor asked for: new each time, the same for the same count."""
    return make_clip(label, settings.frames, settings.frame_size, settings.noise,
                     np.random.default_rng([settings.seed, 99, count]))


# ---------------------------------------------------------------- GIF in and out


def clip_to_gif(clip: np.ndarray, scale: int = 4, frame_ms: int = 120) -> bytes:
    """An animated GIF of a clip, enlarged ``scale`` times (pixels kept sharp), looping forever."""
    from PIL import Image

    pixels = (np.clip(clip, 0, 1) * 255).astype(np.uint8).repeat(scale, axis=1).repeat(scale, axis=2)
    images = [Image.fromarray(frame) for frame in pixels]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=frame_ms, loop=0)
    return buffer.getvalue()


def describe_clip(clip: np.ndarray, motion: str | None = None) -> str:
    """Alternative text for a clip's GIF, read by screen readers in place of the animation.

    It says what the clip shows and how long it is, e.g. "a shape moving left, 12 frames of 32 × 32 pixels";
    ``motion`` is one of CLASSES, or None for a clip whose motion is not known (an upload).
    """
    frames, size = clip.shape[0], clip.shape[1]  # (frames, size, size, 3)
    what = {"growing": "a shape growing", "shrinking": "a shape shrinking", None: "an animation"}.get(
        motion, f"a shape moving {motion}")
    return f"{what}, {frames} frames of {size} × {size} pixels"


def gif_to_clip(data: bytes, name: str, frames: int, size: int) -> np.ndarray:
    """An uploaded GIF as a clip the models read: ``frames`` frames spread over it, resized to size × size.

    Checked by what it decodes to (frames, pixels) before any pixel is decoded: see :func:`core.uploads.read_gif`.
    """
    return read_gif(data, name, MAX_UPLOAD_MB, frames, size)


def order_story(model_name: str, shuffled: ClipScores, order_matters: Verdict) -> str:
    """What shuffling the frames did to one model, said only as far as the numbers show it."""
    if order_matters.winner == "model":
        return (f"On the same clips with their frames shuffled the {model_name} scores {shuffled.accuracy:.0%}: "
                "the order of the frames is what it learned.")
    return (f"On the same clips with their frames shuffled the {model_name} still scores {shuffled.accuracy:.0%}, "
            "no worse within the noise: it does not rely on the order.")


def what_each_sees(settings: VideoSettings, field: int) -> dict[str, str]:
    """Per model, in plain words, what its layers let it see of time and what they hide from it.

    Said from the architecture (``field`` is read from the 3D CNN's layers),
    not from a result: it holds before and after training.
    """
    return {
        "frame-only": "Every frame, one at a time, then the average: what appears in the clip and where, but not "
                      "in which order, so it cannot tell left from right or growing from shrinking.",
        "CNN+RNN": f"Every frame in order: its {settings.cell} state carries what it saw from the first frame to the "
                   f"last, so it can follow the whole motion. It sees each frame only through the CNN's "
                   f"{FEATURES} numbers.",
        "3D CNN": f"{field} neighbouring frames at a time (its first convolution spans {settings.temporal_kernel} "
                  "frames as well as 3×3 pixels): enough to see which way the shape moved between them. Its features "
                  f"are then averaged over time, so order farther apart than {field} frames is lost.",
    }


def mistakes_story(scores: ClipScores, classes: tuple[str, ...], model_name: str) -> str:
    """Where a model's mistakes on the unseen clips fall: within a direction pair (order needed) or elsewhere."""
    wrong = scores.confusion.sum() - np.trace(scores.confusion)
    if wrong == 0:
        return f"The {model_name} named every unseen clip right."
    in_pairs = sum(scores.confusion[classes.index(a), classes.index(b)] + scores.confusion[classes.index(b),
                                                                                          classes.index(a)]
                   for a, b in PAIRS if b in classes)
    return (f"{in_pairs} of the {model_name}'s {wrong} mistakes ({in_pairs / wrong:.0%}) swap the two directions "
            "of one pair, which only the order of the frames tells apart.")

