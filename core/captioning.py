"""Image captioning: a CNN encodes a generated scene, a recurrent decoder writes what it shows, word by word.

The scenes and their captions come from :mod:`core.scenes`. Here: the model
(the video page's strided CNN, then a GRU or LSTM decoder, optionally with
attention over the CNN's grid), decoding with it (greedy and beam search, from
:mod:`core.decoding`), and scores on unseen scenes and on scenes holding the
held-out colour–shape pairs, beside two baselines on the very same scenes: the
most frequent training caption, and the caption of the nearest training scene
(nearest in a cheap feature space: the image averaged over 4×4 blocks of
pixels, which also averages the noise out).
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.decoding import BeamResult, GreedyResult, StepFn, beam_search, context_rows, greedy_decode, prefix_step
from core.recurrent import CELLS
from core.scenes import (
    COLOURS,
    END,
    KINDS,
    PAD,
    START,
    VOCABULARY,
    Scene,
    SceneSet,
    SceneStyle,
    Shape,
    draw_scene,
    make_scenes,
    read_caption,
    scene_style,
    teacher_forcing,
    words_of,
)
from core.settings import knob
from core.training import EpochFn, TrainingSettings, TrainResult, predict, train
from core.verdicts import Verdict, compare, standard_error, verdict
from core.vision import conv_grid, grid_shape

FEEDS = {"initial_state": "as the decoder's starting state", "first_input": "as the decoder's first input"}
TEST_SCENES = 500  # unseen scenes of allowed pairs, scored
HELD_OUT_SCENES = 300  # scenes each holding a held-out colour–shape pair, scored apart
NEAREST_BLOCK = 4  # the nearest-scene baseline compares images averaged over blocks of this many pixels a side
MAX_UPLOAD_MB = 5
MAX_SCENES_MB = 160  # all scenes of one training, as float32
EXAMPLES = 6  # generated captions kept for the command line
ATTENTION_SCENES = 200  # unseen scenes on which the page measures where attention falls
COMPOSES, FALLS_BACK = 0.8, 0.5  # shares of held-out pairs named right that the page calls composing, falling back
WORD_VECTOR = 16  # numbers standing for each word the decoder reads
SPOTLIGHT = [[0.0, "rgba(0, 0, 0, 0.8)"], [1.0, "rgba(0, 0, 0, 0)"]]  # cells weighed little are darkened


@dataclass(frozen=True)
class CaptionSettings(TrainingSettings):
    """Every knob of the captioning page: the generated scenes, the held-out pairs, the model."""

    image_size: int = knob(32, "Image size (pixels)", "Width and height of every scene. Bigger images show "
                           "more detail and train slower.", choices=(32, 40, 48))
    num_shapes: int = knob(2, "Shapes per scene", "One shape, or two with a relation between them "
                           "(“left of”, “above”) that the caption must say.", choices=(1, 2))
    num_colours: int = knob(4, "Colours", "How many colours the shapes can have, in this order: red, green, "
                            "blue, yellow, white, purple.", low=2, high=len(COLOURS))
    num_kinds: int = knob(3, "Kinds of shape", "How many kinds of shape, in this order: circle, square, "
                          "triangle, cross.", low=2, high=len(KINDS))
    vary_size: bool = knob(True, "Sizes vary", "On: each shape is small or large, and the caption says which. "
                           "Off: every shape is large and the caption leaves size out.")
    held_out_pairs: int = knob(2, "Held-out colour–shape pairs", "How many colour–shape pairs never appear in "
                               "training (red circle, green square, blue triangle, …). Scenes holding them are "
                               "scored apart: can the model say a pair it never saw?", low=0, high=3)
    noise: float = knob(0.1, "Noise", "How much random speckle covers each scene. More noise hides small "
                        "shapes and their colours.", low=0.0, high=0.5, step=0.05)
    num_scenes: int = knob(5000, "Training scenes", "How many captioned scenes to learn from (a fifth of them "
                           "check the training as it goes). More teach better and train slower.",
                           low=200, high=8000)
    filters: int = knob(12, "Convolution filters", "How many small patterns the first convolution looks for; "
                        "each later layer looks for twice as many.", low=2, high=32)
    conv_layers: int = knob(2, "Convolution layers", "Each steps two pixels at a time and halves the grid of "
                            "features the decoder reads (32 px: 16×16, 8×8, 4×4 cells).", low=1, high=3)
    feed: str = knob("initial_state", "How the image reaches the decoder", "As its starting state: the "
                     "decoder begins already knowing the picture. As its first input: it reads the picture "
                     "like a word before the start token.", choices=tuple(FEEDS), choice_labels=FEEDS)
    attention: bool = knob(True, "Attention", "On: at every word the decoder also looks over the CNN's grid "
                           "of cells and weighs where to look (the page draws it).")
    cell: str = knob("GRU", "Recurrent cell", "The decoder's layer, writing one word per step.",
                     choices=("LSTM", "GRU"))
    units: int = knob(64, "Hidden units", "Size of the decoder's memory of the picture and the words so far.",
                      low=8, high=256)
    # 8 by default: 12 epochs took 39–43 s of CPU a warm click; 8 took 28 s and still wrote 96.6 % of unseen
    # captions exactly (attributes ≥ 99.1 %) against 98.2 % with 12
    epochs: int = knob(8, "Epochs", "Passes over the training scenes.", low=1, high=80)
    batch_size: int = knob(32, "Batch size", "Scenes per weight update.", choices=(16, 32, 64, 128))
    learning_rate: float = knob(0.003, "Learning rate", "How big each weight update is. Too high and the loss "
                                "jumps around; too low and learning crawls.",
                                choices=(0.0003, 0.001, 0.003, 0.01, 0.03))

    @property
    def style(self) -> SceneStyle:
        """What the scenes of these settings look like (ValueError when the held-out pairs cannot be drawn)."""
        return scene_style(self.num_colours, self.num_kinds, self.vary_size, self.num_shapes, self.held_out_pairs,
                           self.image_size, self.noise)


@dataclass(frozen=True)
class DecodingSettings:
    """How the page writes captions with a trained model; changing these never retrains."""

    beam_width: int = knob(3, "Beam width", "How many half-written captions beam search keeps at every word. "
                           "1 is greedy decoding: always the single most likely next word.", low=1, high=6)
    top_k: int = knob(4, "Candidates shown per word", "How many of the most likely next words each decoding "
                      "step lists, with their probabilities.", low=2, high=8)


# ---------------------------------------------------------------- the scenes of a training


def training_scenes(settings: CaptionSettings) -> SceneSet:
    """The scenes the model learns from: never a held-out pair."""
    return make_scenes(settings.style, settings.num_scenes, settings.seed)


def unseen_scenes(settings: CaptionSettings) -> SceneSet:
    """Unseen scenes of the pairs trained on (another seed), the same every time for the same settings."""
    return make_scenes(settings.style, TEST_SCENES, [settings.seed, 1])


def held_out_scenes(settings: CaptionSettings) -> SceneSet | None:
    """Scenes each holding a held-out colour–shape pair; None when no pair is held out."""
    if not settings.held_out_pairs:
        return None
    return make_scenes(settings.style, HELD_OUT_SCENES, [settings.seed, 2], held_out=True)


# ---------------------------------------------------------------- the model


@keras.saving.register_keras_serializable(package="sequence_lab")  # so a saved model loads in safe mode
class GridPositions(keras.layers.Layer):
    """Adds a learned vector to every cell of the grid, so attention can tell cells apart by where they are.

    A convolution's feature says *what* a patch shows, the same anywhere in
    the image; to look at "the shape on the left" the decoder needs to know
    which cell is on the left (as a Transformer's position embeddings do).
    """

    def build(self, input_shape: tuple) -> None:
        self.positions = self.add_weight(shape=tuple(input_shape[1:]), initializer="zeros", name="positions")

    def call(self, cells: Any) -> Any:
        return cells + self.positions  # (batch, cells, features)


def build_scene_encoder(image_size: int, num_filters: int = 8, num_conv_layers: int = 2) -> keras.Model:
    """Step 1, f = CNN(image): the strided CNN of the video page, then one unstrided convolution over its grid.

    The last convolution lets each cell see its neighbours, so a cell's
    vector can describe the whole shape it sits on, not a corner of it
    (without it, shape and size were named right far less often).
    Out: (batch, rows, columns, channels), one feature vector per cell.
    """
    image = keras.Input((image_size, image_size, 3), name="image")
    grid = conv_grid(image, num_filters, num_conv_layers)  # (batch, rows, columns, channels)
    cells = keras.layers.Conv2D(num_filters * 2**num_conv_layers, 3, padding="same", activation="relu",
                                name="cell_features")(grid)  # (batch, rows, columns, 2 * channels)
    return keras.Model(image, cells, name="encoder")


def build_caption_decoder(grid: tuple[int, int, int], max_words: int, cell: str = "GRU", num_units: int = 64,
                          feed: str = "initial_state", attention: bool = False) -> keras.Model:
    """Step 2, the RNN writes: [grid of features, previous words] in, next-word probabilities at every position out.

    A Dense layer sums the whole grid up into one vector (layer-normalised:
    raw sums of many cells saturated the tanh of the starting state, and the
    decoder then never saw the image), which reaches the decoder as its
    starting state or as its first input (``feed``). With ``attention`` the
    decoder also looks over the grid at every word (:func:`attend`).
    """
    cells_in = keras.Input(grid, name="grid")  # (batch, rows, columns, channels)
    previous = keras.Input((max_words + 1,), dtype="int32", name="previous_words")  # (batch, T)
    summary = keras.layers.Dense(num_units, activation="relu", name="image_summary")(keras.layers.Flatten()(cells_in))
    summary = keras.layers.LayerNormalization(name="summary_norm")(summary)  # (batch, units)
    words = keras.layers.Embedding(len(VOCABULARY), WORD_VECTOR, name="word_embedding")(previous)  # (batch, T, E)
    decoder = CELLS[cell](num_units, return_sequences=True, name="recurrent")
    if feed == "initial_state":
        states = [keras.layers.Dense(num_units, activation="tanh", name=f"start_state_{i + 1}")(summary)
                  for i in range(2 if cell == "LSTM" else 1)]  # an LSTM starts from h and c
        decoded = decoder(words, initial_state=states)  # (batch, T, units)
    else:
        first = keras.layers.Reshape((1, WORD_VECTOR))(
            keras.layers.Dense(WORD_VECTOR, name="image_as_word")(summary))  # (batch, 1, E)
        decoded = decoder(keras.layers.Concatenate(axis=1)([first, words]))[:, 1:]  # (batch, T, units)
    if attention:
        decoded = attend(decoded, cells_in, num_units)  # (batch, T, 2 * units)
    outputs = keras.layers.Dense(len(VOCABULARY), activation="softmax", name="next_word")(decoded)
    return keras.Model([cells_in, previous], outputs, name="decoder")


def attend(decoded: keras.KerasTensor, grid: keras.KerasTensor, num_units: int) -> keras.KerasTensor:
    """At every word, weigh the grid's cells by how well each matches the decoder's state; read their mix beside it.

    Scores are additive, ``v · tanh(state + key)``, as in Show, Attend and
    Tell (dot-product scores trained to the same accuracy less often, and
    looked at the named shape far less). Keys say what a cell shows and where
    it is; values only what it shows, so to read a colour the decoder must
    look at the shape. The softmax of the scores (layer ``attention``) sums to
    one over the cells. Unlike Show, Attend and Tell, the weights come from
    the state after the word and are not fed back into the cell (Luong's
    order), so a whole caption is scored in one parallel step.
    """
    _, rows, columns, channels = grid.shape
    cells = keras.layers.Reshape((rows * columns, channels))(grid)  # (batch, cells, channels)
    values = keras.layers.Dense(num_units, name="cell_values")(cells)  # what each cell shows: (batch, cells, units)
    keys = GridPositions(name="grid_positions")(keras.layers.Dense(num_units, name="cell_keys")(cells))  # and where
    context, _ = keras.layers.AdditiveAttention(name="attention")([decoded, values, keys],
                                                                  return_attention_scores=True)
    return keras.layers.Concatenate()([decoded, context])  # (batch, T, 2 * units)


def build_captioner(image_size: int, max_words: int, num_filters: int = 8, num_conv_layers: int = 2,
                    cell: str = "GRU", num_units: int = 64, feed: str = "initial_state",
                    attention: bool = False) -> keras.Model:
    """[image, previous words] in, the probability of every next word at every position out.

    The encoder and the decoder are models of their own inside it, so a
    caption can be written by running the CNN once and the decoder word by word.
    """
    image = keras.Input((image_size, image_size, 3), name="image")  # (batch, size, size, 3)
    previous = keras.Input((max_words + 1,), dtype="int32", name="previous_words")  # (batch, T)
    encoder = build_scene_encoder(image_size, num_filters, num_conv_layers)
    decoder = build_caption_decoder(tuple(encoder.output.shape[1:]), max_words, cell, num_units, feed, attention)
    return keras.Model([image, previous], decoder([encoder(image), previous]), name="captioner")


def grid_of(settings: CaptionSettings) -> tuple[int, int, int]:
    """(rows, columns, channels) of the grid the decoder reads: the encoder's output for these settings."""
    rows, columns, _ = grid_shape(settings.image_size, settings.filters, settings.conv_layers)
    return rows, columns, settings.filters * 2**settings.conv_layers


def build_for(settings: CaptionSettings) -> keras.Model:
    """The page's captioner for these settings."""
    return build_captioner(settings.image_size, settings.style.max_words, settings.filters, settings.conv_layers,
                           settings.cell, settings.units, settings.feed, settings.attention)


def attention_reader(model: keras.Model) -> keras.Model | None:
    """A model sharing the decoder's layers that gives its attention weights: [grid, previous] in,
    (batch, T, cells) out; None when the captioner has no attention."""
    decoder = model.get_layer("decoder")
    if "attention" not in [layer.name for layer in decoder.layers]:
        return None
    return keras.Model(decoder.inputs, decoder.get_layer("attention").output[1], name="attention_reader")


# ---------------------------------------------------------------- decoding with a trained captioner


def decoder_length(model: keras.Model) -> int:
    """Positions the captioner's decoder reads: the longest caption it can write, <end> included."""
    return int(model.inputs[1].shape[1])


def encode_images(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """Step 1 alone: each image's grid of features, (images, rows, columns, channels)."""
    return predict(model.get_layer("encoder"), images)


def caption_step(model: keras.Model, grids: np.ndarray) -> StepFn:
    """The step function of :mod:`core.decoding` for these images' grids.

    Row i of a batch of prefixes continues image i; when only one grid is
    given, every row continues it (the beams of one scene). The CNN has run
    once already: each step runs the decoder alone.
    """
    decoder = model.get_layer("decoder")

    def predict_all(padded: np.ndarray) -> np.ndarray:
        rows = len(padded)
        return predict(decoder, [context_rows(grids, rows), padded], batch_size=rows)  # (rows, T, vocabulary)

    return prefix_step(predict_all, decoder_length(model), PAD)


def caption_greedy(model: keras.Model, images: np.ndarray, top_k: int = 5) -> list[GreedyResult]:
    """The most likely word at every step, for every image at once; each step's ``top_k`` candidates kept."""
    step = caption_step(model, encode_images(model, images))
    return greedy_decode(step, len(images), START, END, decoder_length(model), top_k)


def caption_beam(model: keras.Model, image: np.ndarray, width: int = 3, top_k: int | None = None) -> BeamResult:
    """Beam search for one image (size, size, 3): its ``width`` most likely captions, ``top_k`` extensions a step."""
    step = caption_step(model, encode_images(model, image[None]))
    return beam_search(step, START, END, decoder_length(model), width, top_k)


def attention_maps(model: keras.Model, reader: keras.Model, image: np.ndarray, tokens: tuple[int, ...]) -> np.ndarray:
    """Where the decoder looked while choosing each of ``tokens``: (words, rows, columns), each map sums to one.

    The decoder reads <start> and the tokens before; its weights at position t
    are the ones it used to choose token t (pass the <end> token too, and it
    gets its map as well).
    """
    grid = encode_images(model, image[None])  # (1, rows, columns, channels)
    length = decoder_length(model)
    previous = np.full((1, length), PAD, dtype="int32")
    shown = [START, *tokens][:length]
    previous[0, : len(shown)] = shown
    weights = predict(reader, [grid, previous])[0, : len(tokens)]  # (words, cells)
    return weights.reshape(len(tokens), *grid.shape[1:3])


# ---------------------------------------------------------------- scores


@dataclass(frozen=True)
class CaptionScores:
    """How one captioner did on one set of scenes: what it wrote, each scene's facts, and their averages.

    The per-scene arrays are kept so a paired comparison can be made on the
    very scenes both captioners saw (who was right where the other was wrong).
    """

    captions: tuple[str, ...]
    exact: np.ndarray  # (scenes,) the whole caption right
    colour: np.ndarray  # (scenes, shapes) each shape's colour said right, in its place
    shape: np.ndarray  # (scenes, shapes) each shape's kind
    size: np.ndarray | None  # (scenes, shapes); None when sizes do not vary
    relation: np.ndarray | None  # (scenes,); None with one shape
    bleu4: float

    @property
    def exact_match(self) -> float:
        return float(self.exact.mean())

    def accuracy(self) -> dict[str, float]:
        """Share right of each attribute the captions say (colour, shape, then size and relation when said)."""
        arrays = {"colour": self.colour, "shape": self.shape, "size": self.size, "relation": self.relation}
        return {name: float(values.mean()) for name, values in arrays.items() if values is not None}


@dataclass(frozen=True)
class SetScores:
    """One set of test scenes: the true captions, and the model and both baselines scored on them."""

    name: str
    truth: tuple[str, ...]
    model: CaptionScores
    most_frequent: CaptionScores
    nearest: CaptionScores

    def captioners(self) -> dict[str, CaptionScores]:
        """Each captioner by the name the page shows."""
        return {"model": self.model, "most frequent caption": self.most_frequent,
                "nearest training scene": self.nearest}


@dataclass(frozen=True)
class AttentionOnShapes:
    """Where the decoder looked while writing each shape's colour and kind on unseen scenes (true previous words).

    ``on_named_shape`` is the mean share of the attention weight on the cells
    the named shape covers; ``area_share`` the mean share of cells it covers,
    which is what a look spread evenly over the grid would put there.
    """

    on_named_shape: float
    area_share: float
    words: int  # colour and kind words measured


@dataclass(frozen=True)
class CaptionResult:
    """What the captioning page shows about a trained captioner, computed once after training."""

    unseen: SetScores
    held_out: SetScores | None  # None when no pair is held out
    most_frequent_caption: str
    attention_reader: keras.Model | None  # None without attention
    attention_on_shapes: AttentionOnShapes | None  # None without attention
    scoring_seconds: float  # decoding and scoring the test scenes, after training
    verdict: Verdict  # the model against the stronger baseline, scene by scene, on unseen scenes


def attention_on_shapes(model: keras.Model, reader: keras.Model, unseen: SceneSet,
                        settings: CaptionSettings) -> AttentionOnShapes:
    """How much of its attention the decoder puts on a shape while it names that shape's colour and kind.

    Read on the first ``ATTENTION_SCENES`` unseen scenes whose two shapes
    differ in colour (so each shape's pixels are known by colour), from the
    same scenes drawn without noise (the noise is drawn after the shapes, so
    they lie in the very same places).
    """
    style = settings.style
    clean = make_scenes(dataclasses.replace(style, noise=0.0), TEST_SCENES, [settings.seed, 1])
    chosen = [i for i, scene in enumerate(unseen.scenes) if len({s.colour for s in scene.shapes}) == len(scene.shapes)]
    chosen = chosen[:ATTENTION_SCENES]
    _, previous = teacher_forcing(SceneSet(unseen.images[chosen], tuple(unseen.scenes[i] for i in chosen)), style)[0]
    weights = predict(reader, [encode_images(model, unseen.images[chosen]), previous])  # (scenes, T, cells)
    side = grid_of(settings)[0]  # square grid: rows = columns
    block = style.image_size // side
    on_shape, area = [], []
    for row, index in enumerate(chosen):
        for position, shape in _shape_word_positions(unseen.scenes[index], style):
            pixels = np.all(np.isclose(clean.images[index], COLOURS[shape.colour], atol=1e-6), axis=-1)
            cells = pixels.reshape(side, block, side, block).any(axis=(1, 3)).ravel()  # (cells,)
            on_shape.append(weights[row, position][cells].sum())
            area.append(cells.mean())
    return AttentionOnShapes(float(np.mean(on_shape)), float(np.mean(area)), len(on_shape))


def _shape_word_positions(scene: Scene, style: SceneStyle) -> list[tuple[int, Shape]]:
    """(position of the word, its shape) for each shape's colour and kind words in the scene's caption."""
    per_shape = 4 if style.with_size else 3
    starts = [0] if scene.relation is None else [0, per_shape + len(scene.relation.split())]
    return [(start + per_shape - offset, shape) for start, shape in zip(starts, scene.shapes, strict=True)
            for offset in (2, 1)]


def score_captions(written: list[list[str]], truth: tuple[Scene, ...], style: SceneStyle) -> CaptionScores:
    """Exact match, each attribute in its place, and corpus BLEU-4 of ``written`` against the true captions."""
    from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu

    said = [read_caption(w, style) for w in written]
    expected = [s.words(style.with_size) for s in truth]

    def right(attribute: str) -> np.ndarray:
        return np.array([[getattr(a, attribute) == getattr(b, attribute) for a, b in zip(s.shapes, t.shapes,
                                                                                       strict=True)]
                         for s, t in zip(said, truth, strict=True)])

    bleu = corpus_bleu([[e] for e in expected], written, smoothing_function=SmoothingFunction().method1)
    return CaptionScores(
        captions=tuple(" ".join(w) for w in written),
        exact=np.array([w == e for w, e in zip(written, expected, strict=True)]),
        colour=right("colour"), shape=right("kind"),
        size=right("size") if style.with_size else None,
        relation=np.array([s.relation == t.relation for s, t in zip(said, truth, strict=True)])
        if style.num_shapes == 2 else None,
        bleu4=float(bleu))


def block_features(images: np.ndarray, block: int = NEAREST_BLOCK) -> np.ndarray:
    """Each image averaged over ``block``×``block`` pixel blocks, flattened: (images, features).

    Cheap, and averaging also removes most of the speckle a raw pixel
    comparison would match on.
    """
    n, size = len(images), images.shape[1]
    cells = size // block
    pooled = images[:, : cells * block, : cells * block].reshape(n, cells, block, cells, block, 3).mean(axis=(2, 4))
    return pooled.reshape(n, -1)  # (images, cells * cells * 3)


def nearest_scene(train_images: np.ndarray, test_images: np.ndarray) -> np.ndarray:
    """For each test image, the index of the training image nearest to it (Euclidean, in block features)."""
    a, b = block_features(train_images), block_features(test_images)
    distances = (b**2).sum(axis=1)[:, None] - 2 * b @ a.T + (a**2).sum(axis=1)[None]  # (test, train)
    return distances.argmin(axis=1)


def most_frequent_words(scenes: SceneSet, style: SceneStyle) -> list[str]:
    """The caption written most often in training (the first one seen among ties)."""
    counts = Counter(tuple(s.words(style.with_size)) for s in scenes.scenes)
    return list(counts.most_common(1)[0][0])


def score_set(name: str, model_words: list[list[str]], scenes: SceneSet, train: SceneSet,
              style: SceneStyle) -> SetScores:
    """The model's captions and both baselines', scored on the same scenes."""
    common = most_frequent_words(train, style)
    nearest = [train.scenes[i].words(style.with_size) for i in nearest_scene(train.images, scenes.images)]
    return SetScores(name, tuple(" ".join(s.words(style.with_size)) for s in scenes.scenes),
                     score_captions(model_words, scenes.scenes, style),
                     score_captions([common] * len(scenes.scenes), scenes.scenes, style),
                     score_captions(nearest, scenes.scenes, style))


# ---------------------------------------------------------------- training


def check_memory(settings: CaptionSettings) -> None:
    """ValueError, saying what to lower, when the scenes of these settings would hold more than a server allows.

    Every knob is bounded on its own, but 8,000 scenes of 48 pixels make
    220 MB of images: more than a shared server can give one visitor.
    """
    scene_mb = settings.image_size**2 * 3 * 4 / 2**20
    scenes_mb = scene_mb * (settings.num_scenes + TEST_SCENES + HELD_OUT_SCENES)
    if scenes_mb > MAX_SCENES_MB:
        raise ValueError(f"These settings make {scenes_mb:,.0f} MB of scenes; this server allows {MAX_SCENES_MB} MB. "
                         "Lower the training scenes or the image size.")


def fit_captioner(settings: CaptionSettings, on_epoch_end: EpochFn | None = None) -> TrainResult:
    """Make the scenes, train the captioner with teacher forcing, caption the test scenes greedily and score.

    Everything the page shows about the trained model is computed here once,
    so a rerun of the page only reads it from the cached result. The time
    reported covers all of it, as the visitor waits for all of it.
    """
    started = time.perf_counter()
    style = settings.style
    check_memory(settings)
    scenes = training_scenes(settings)
    x, y = teacher_forcing(scenes, style)
    result = train(lambda: build_for(settings), x, y, settings, loss="sparse_categorical_crossentropy",
                   metrics=["accuracy"], on_epoch_end=on_epoch_end)
    scoring = time.perf_counter()
    unseen, held = unseen_scenes(settings), held_out_scenes(settings)
    images = unseen.images if held is None else np.concatenate([unseen.images, held.images])
    decoded = caption_greedy(result.model, images, top_k=1)  # all scenes in one batch: one compiled program
    written = [words_of(g.sequence.tokens) for g in decoded]
    unseen_scores = score_set("unseen scenes", written[:TEST_SCENES], unseen, scenes, style)
    held_scores = None if held is None else score_set("held-out pairs", written[TEST_SCENES:], held, scenes, style)
    reader = attention_reader(result.model)
    looked = None if reader is None else attention_on_shapes(result.model, reader, unseen, settings)
    details = CaptionResult(unseen_scores, held_scores, " ".join(most_frequent_words(scenes, style)), reader, looked,
                            time.perf_counter() - scoring, judge(unseen_scores, settings.seed))
    return dataclasses.replace(result, details=details, scores=headline_scores(details),
                               score_noise={"exact match, unseen": standard_error(unseen_scores.model.exact,
                                                                                  seed=settings.seed)},
                               seconds=time.perf_counter() - started)


def scenes_name(settings: CaptionSettings) -> str:
    """The scenes a run is scored on, in words: runs on the same kind of scenes can be compared, others cannot."""
    style = settings.style
    return (f"{settings.num_shapes} shape{'s' * (settings.num_shapes > 1)}, {settings.num_colours} colours, "
            f"{settings.num_kinds} kinds, {len(style.held_out)} held-out pairs, {settings.image_size} px, "
            f"noise {settings.noise:g}")


def judge(scores: SetScores, seed: int) -> Verdict:
    """The model's exact matches against the stronger baseline's, scene by scene: the shared verdict rule."""
    name, best = stronger_baseline(scores)
    comparison = compare(scores.model.exact, best.exact, "exact match", higher_is_better=True, seed=seed)
    return verdict(comparison, "model", name, f"{len(scores.truth)} {scores.name}", percent_metric=True)


def headline_scores(details: CaptionResult) -> dict[str, float]:
    """The scores the run comparison lists, the main one first."""
    scores = {"exact match, unseen": details.unseen.model.exact_match,
              "BLEU-4, unseen": details.unseen.model.bleu4,
              "attributes right, unseen": mean_attribute_accuracy(details.unseen.model)}
    if details.held_out is not None:
        scores |= {"exact match, held-out pairs": details.held_out.model.exact_match}
    return scores


def mean_attribute_accuracy(scores: CaptionScores) -> float:
    """The mean of the per-attribute accuracies (each attribute counts once, however many slots it has)."""
    return float(np.mean(list(scores.accuracy().values())))


# ---------------------------------------------------------------- what the numbers say


@dataclass(frozen=True)
class PairedCounts:
    """Two captioners on the same scenes: where only one was right is what a paired comparison weighs."""

    first_only: int
    second_only: int
    both: int
    neither: int


def paired_counts(first: np.ndarray, second: np.ndarray) -> PairedCounts:
    """Counts of scenes each of two captioners got right (``first``, ``second``: one bool per scene)."""
    return PairedCounts(int((first & ~second).sum()), int((~first & second).sum()), int((first & second).sum()),
                        int((~first & ~second).sum()))


def score_sentence(scores: SetScores) -> str:
    """The headline of one set of scenes: the model's exact matches beside the stronger baseline's."""
    name, best = stronger_baseline(scores)
    return (f"On {len(scores.truth)} {scores.name}, the model wrote {scores.model.exact_match:.0%} of the captions "
            f"exactly right; {name}, the stronger baseline, {best.exact_match:.0%}.")


def paired_sentence(scores: SetScores) -> str:
    """Scene by scene: where only the model was right, and where only the stronger baseline was."""
    name, best = stronger_baseline(scores)
    counts = paired_counts(scores.model.exact, best.exact)
    return (f"Scene by scene, the model's caption was exactly right where {name} was wrong {counts.first_only} "
            f"times, and the other way round {counts.second_only} times ({counts.both} both right, "
            f"{counts.neither} neither).")


def beam_versus_greedy(beam: BeamResult, greedy: GreedyResult) -> str:
    """Whether keeping several beginnings found a likelier caption than taking the best word each time."""
    best, taken = beam.sequences[0], greedy.sequence
    numbers = f"Beam search's best has probability {best.probability:.3g}, greedy's {taken.probability:.3g}"
    if best.tokens == taken.tokens:
        return f"{numbers}: the same caption."
    if best.probability > taken.probability:
        return f"{numbers}: keeping {beam.width} beginnings found a likelier whole caption."
    return f"{numbers}: here greedy's is the likelier; a beam of {beam.width} dropped its beginning on the way."


def stronger_baseline(scores: SetScores) -> tuple[str, CaptionScores]:
    """The baseline with more exact matches on these scenes, and its name in a sentence."""
    baselines = {"the nearest training scene's caption": scores.nearest,
                 "the most frequent caption": scores.most_frequent}
    return max(baselines.items(), key=lambda item: item[1].exact_match)


def attention_sentence(looked: AttentionOnShapes) -> str:
    """Where attention fell while the model named a shape, against an even look over the grid."""
    return (f"Measured over {looked.words} colour and kind words of unseen scenes: while naming a shape, the decoder "
            f"put {looked.on_named_shape:.0%} of its attention on that shape's cells on average; they cover "
            f"{looked.area_share:.0%} of the grid, which is what an even look would give them.")


def held_out_sentence(details: CaptionResult, style: SceneStyle) -> str:
    """What the held-out score means, whatever it is: did the model say the pairs it never saw together?"""
    if details.held_out is None:
        return "No colour–shape pair was held out, so every pair the test scenes show was seen in training."
    pairs = ", ".join(f"{c} {k}" for c, k in style.held_out)
    said = held_out_pair_share(details.held_out, style)
    unseen, held = details.unseen.model.exact_match, details.held_out.model.exact_match
    if said >= COMPOSES:
        meaning = "so it composes a colour and a shape it learned apart"
    elif said < FALLS_BACK:
        meaning = "so it mostly falls back on pairs it was trained on: it learned colour and shape together, not apart"
    else:
        meaning = "so it composes them only part of the time"
    return (f"Every scene of the second set holds a pair no training scene had ({pairs}). The model named that "
            f"pair right in {said:.0%} of them, {meaning}. Whole captions: {held:.0%} exactly right there, "
            f"against {unseen:.0%} on unseen scenes of trained pairs.")


def held_out_pair_share(scores: SetScores, style: SceneStyle) -> float:
    """Share of the held-out pairs in the scenes that the model named right (colour and kind, in their place)."""
    hits = []
    for written, truth in zip(scores.model.captions, scores.truth, strict=True):
        said, shown = read_caption(written.split(), style), read_caption(truth.split(), style)
        for slot, shape in enumerate(shown.shapes):
            if (shape.colour, shape.kind) in style.held_out:
                hits.append((said.shapes[slot].colour, said.shapes[slot].kind) == (shape.colour, shape.kind))
    return float(np.mean(hits))


# ---------------------------------------------------------------- try it: a scene of your own, or a picture


def scene_of(picked: list[Shape], relation: str | None, settings: CaptionSettings, count: int) -> np.ndarray:
    """A fresh image of the picked shapes (and relation), drawn with these settings' size and noise.

    ``count`` numbers the visitor's fresh scenes: each press draws another
    placement, and the same count draws the same one again.
    """
    scene = Scene(tuple(picked), relation if len(picked) == 2 else None)
    return draw_scene(scene, settings.image_size, settings.noise, np.random.default_rng([settings.seed, 99, count]))


def enlarged(image: np.ndarray, scale: int = 6) -> np.ndarray:
    """An image shown ``scale`` times bigger with sharp pixels (a browser's smoothing would blur small shapes)."""
    return image.repeat(scale, axis=0).repeat(scale, axis=1)


def sharpest_look(weights: np.ndarray, words: list[str]) -> tuple[str, float]:
    """The word at which the decoder looked most narrowly, and the weight its brightest cell got there."""
    peaks = weights.reshape(len(words), -1).max(axis=1)
    index = int(peaks.argmax())
    return words[index], float(peaks[index])


# ---------------------------------------------------------------- tables


def score_table(scores: SetScores) -> pd.DataFrame:
    """One row per captioner: BLEU-4, exact match, then each attribute's accuracy, on one set of scenes."""
    rows = {name: {"BLEU-4": c.bleu4, "exact match": c.exact_match, **c.accuracy()}
            for name, c in scores.captioners().items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def greedy_table(result: GreedyResult) -> pd.DataFrame:
    """Each greedy step: the word taken, its probability, and the runners-up with theirs."""
    return pd.DataFrame([{"step": step.position, "word": VOCABULARY[step.chosen.token],
                          "probability": step.chosen.probability,
                          "other candidates": " · ".join(f"{VOCABULARY[c.token]} {c.probability:.2f}"
                                                         for c in step.candidates[1:])}
                         for step in result.steps])


def beam_table(result: BeamResult) -> pd.DataFrame:
    """Each beam step's best extensions: the caption so far, its probability, and whether it stayed on the beam."""
    return pd.DataFrame([{"step": step.position, "caption so far": _shown(h.tokens), "probability": h.probability,
                          "kept": kept}
                         for step in result.steps for h, kept in zip(step.candidates, step.kept, strict=True)])


def beam_captions(result: BeamResult) -> pd.DataFrame:
    """The captions beam search found, most likely first."""
    return pd.DataFrame([{"caption": " ".join(words_of(d.tokens)) if d.finished else _shown(d.tokens),
                          "probability": d.probability, "ended": "<end>" if d.finished else "length limit"}
                         for d in result.sequences])


def _shown(tokens: tuple[int, ...]) -> str:
    return " ".join(VOCABULARY[t] for t in tokens)


# ---------------------------------------------------------------- figures


def plot_attention(image: np.ndarray, weights: np.ndarray, words: list[str], columns: int = 6) -> go.Figure:
    """For each word, the image lit where the decoder looked: cells it weighed little are darkened.

    ``weights`` is (words, rows, columns) as :func:`attention_maps` gives
    them; each heatmap lies over the pixels its grid cell covers, with one
    scale for all words so panels compare, and the most weighed cell is
    outlined (it may be empty background: the model chooses where to look).
    """
    count, _, grid_columns = weights.shape  # (words, rows, columns)
    cell = image.shape[0] / grid_columns
    panel_rows = -(-count // columns)
    fig = make_subplots(rows=panel_rows, cols=min(columns, count), horizontal_spacing=0.02, vertical_spacing=0.08,
                        subplot_titles=[f"{i + 1}. {w}" for i, w in enumerate(words)])
    pixels = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    for index in range(count):
        row, col = index // columns + 1, index % columns + 1
        fig.add_trace(go.Image(z=pixels, hoverinfo="skip"), row=row, col=col)
        fig.add_trace(go.Heatmap(z=weights[index], x0=cell / 2 - 0.5, dx=cell, y0=cell / 2 - 0.5, dy=cell,
                                 zmin=0.0, zmax=float(weights.max()), colorscale=SPOTLIGHT, showscale=index == 0,
                                 colorbar={"title": "weight"}, hovertemplate="weight %{z:.2f}<extra></extra>"),
                      row=row, col=col)
        top_row, top_column = np.unravel_index(weights[index].argmax(), weights[index].shape)
        fig.add_shape(type="rect", x0=top_column * cell - 0.5, x1=(top_column + 1) * cell - 0.5,
                      y0=top_row * cell - 0.5, y1=(top_row + 1) * cell - 0.5, line={"color": "white", "width": 1},
                      row=row, col=col)
        fig.update_xaxes(visible=False, row=row, col=col)
        fig.update_yaxes(visible=False, row=row, col=col)
    fig.update_layout(height=190 * panel_rows + 40, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


# ---------------------------------------------------------------- the command line's document


def cli_document(settings: CaptionSettings, beam_width: int = 3) -> dict[str, Any]:
    """Train with ``settings`` as the page does; the settings, scores and a few generated captions, as JSON-ready data.

    ``python -m core caption … --json`` prints this.
    """
    result = fit_captioner(settings)
    details: CaptionResult = result.details
    sets = [s for s in (details.unseen, details.held_out) if s is not None]
    unseen = unseen_scenes(settings)
    examples = []
    for index in range(EXAMPLES):
        beam = caption_beam(result.model, unseen.images[index], beam_width)
        examples.append({"truth": details.unseen.truth[index], "greedy": details.unseen.model.captions[index],
                         "beam": [{"caption": " ".join(words_of(d.tokens)),
                                   "probability": float(f"{d.probability:.4g}")} for d in beam.sequences]})
    return {"settings": dataclasses.asdict(settings), "seconds": round(result.seconds, 2),
            "verdict": details.verdict.as_json(),
            "metrics": {name: _score_document(c) for name, c in details.unseen.captioners().items()},
            "scores": {s.name: {name: _score_document(c) for name, c in s.captioners().items()} for s in sets},
            "paired_exact_match": {s.name: dataclasses.asdict(paired_counts(s.model.exact, s.nearest.exact))
                                   for s in sets},
            "held_out_pairs": [" ".join(pair) for pair in settings.style.held_out],
            "held_out_sentence": held_out_sentence(details, settings.style), "examples": examples}


def _score_document(scores: CaptionScores) -> dict[str, float]:
    return {"bleu4": round(scores.bleu4, 4), "exact_match": round(scores.exact_match, 4),
            **{name: round(value, 4) for name, value in scores.accuracy().items()}}
