"""Video classification: a CNN reads each frame, a recurrent layer reads the frames in order.

The clips are generated so that only motion tells the classes apart: a shape
moving left covers, over the clip, exactly the positions a shape moving right
covers (their start points are drawn so), and a growing shape takes the sizes a
shrinking one does. A model that averages its frames cannot tell such a pair
apart; one that reads them in order can. That is the lesson of the page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import keras
import numpy as np

from core.recurrent import CELLS, cell_knob, units_knob
from core.settings import batch_size_knob, epochs_knob, knob, learning_rate_knob
from core.training import EpochFn, TrainingSettings, TrainResult, predict, tell, train
from core.uploads import read_gif
from core.verdicts import Verdict, compare, standard_error, verdict

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
    """Every knob of the video page: the generated clips and both models."""

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


def build_frame_cnn(frame_size: int, num_filters: int = 8, num_conv_layers: int = 2) -> keras.Model:
    """One frame in, ``FEATURES`` numbers out. Flattened, not pooled: where the shape is must survive.

    Each convolution steps two pixels at a time instead of being followed by
    max pooling: on CPU, XLA's gradient of max pooling made a video epoch 7x
    slower on JAX (bench/RESULTS.md), and the scores were the same.
    """
    inputs = keras.Input((frame_size, frame_size, 3))
    hidden = inputs
    for layer in range(num_conv_layers):
        hidden = keras.layers.Conv2D(num_filters * 2**layer, 3, strides=2, padding="same", activation="relu")(hidden)
    features = keras.layers.Dense(FEATURES, activation="relu")(keras.layers.Flatten()(hidden))
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
    """Both models' scores on the same unseen clips, and what the page needs to show them at work."""

    cnn_rnn: ClipScores
    frame_only: ClipScores
    shuffled: ClipScores  # the CNN+RNN again, on the same clips with their frames shuffled
    frame_only_model: keras.Model
    frame_only_history: dict[str, list[float]]
    per_frame_reader: keras.Model  # the CNN+RNN's answer after every frame
    example_clips: dict[str, np.ndarray]  # one unseen clip of each class, (frames, size, size, 3)
    verdict: Verdict  # the CNN+RNN against the frame-only model, clip by clip
    order_matters: Verdict  # the CNN+RNN against itself on the same clips with their frames shuffled


def clip_scores(model: keras.Model, clips: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]) -> ClipScores:
    """Accuracy, confusion, per-class and per-pair accuracy of ``model`` on labelled clips."""
    predicted = predict(model, clips, batch_size=128).argmax(axis=-1)
    matrix = confusion(labels, predicted, len(classes))
    return ClipScores(float(np.mean(predicted == labels)), matrix,
                      dict(zip(classes, (matrix.diagonal() / matrix.sum(axis=1)).tolist(), strict=True)),
                      pair_accuracy(labels, predicted, classes), predicted == labels)


def fit_video_models(settings: VideoSettings, on_epoch_end: EpochFn | None = None) -> TrainResult[VideoResult]:
    """Train the CNN+RNN, then the frame-only baseline, on the same clips; score both on unseen clips.

    Also scores the CNN+RNN on the unseen clips with their frames shuffled: if
    it uses order, that costs it accuracy.
    """
    check_memory(settings)
    tell(on_epoch_end, f"Making {settings.num_classes * settings.clips_per_class:,} training clips…")
    x, y = training_clips(settings)
    n = settings.num_classes
    result = train(lambda: build_cnn_rnn(settings.frames, settings.frame_size, n, settings.filters,
                                         settings.conv_layers, settings.cell, settings.units),
                   x, y, settings, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                   on_epoch_end=on_epoch_end)
    baseline = train(lambda: build_frame_only(settings.frames, settings.frame_size, n, settings.filters,
                                              settings.conv_layers),
                     x, y, settings, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                     on_epoch_end=on_epoch_end)
    tell(on_epoch_end, "Scoring both models on unseen clips…")
    test_x, test_y = test_clips(settings)
    classes = settings.classes
    ours, theirs = clip_scores(result.model, test_x, test_y, classes), clip_scores(baseline.model, test_x, test_y,
                                                                                    classes)
    shuffled = clip_scores(result.model, shuffled_frames(test_x, settings.seed), test_y, classes)
    on_what = f"{len(test_y)} unseen clips"
    details = VideoResult(
        ours, theirs, shuffled, baseline.model, baseline.history, per_frame_reader(result.model),
        {name: test_x[np.flatnonzero(test_y == index)[0]] for index, name in enumerate(classes)},
        verdict(compare(ours.correct, theirs.correct, "accuracy", True, seed=settings.seed), "CNN+RNN",
                "the frame-only model", on_what, percent_metric=True),
        verdict(compare(ours.correct, shuffled.correct, "accuracy", True, seed=settings.seed), "CNN+RNN",
                "itself on shuffled frames", on_what, percent_metric=True))
    return replace(result, details=details, seconds=result.seconds + baseline.seconds,
                   scores={"CNN+RNN test accuracy": ours.accuracy, "frame-only test accuracy": theirs.accuracy},
                   score_noise={"CNN+RNN test accuracy": standard_error(ours.correct, seed=settings.seed)})


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


def order_story(details: VideoResult) -> str:
    """What shuffling the frames did to the CNN+RNN, said only as far as the numbers show it."""
    shuffled = details.shuffled.accuracy
    if details.order_matters.winner == "model":
        return (f"On the same clips with their frames shuffled it scores {shuffled:.0%}: the order of the frames "
                "is what it learned.")
    return (f"On the same clips with their frames shuffled it still scores {shuffled:.0%}, no worse within the "
            "noise: it does not rely on the order.")


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

