"""Captioned scenes, drawn from a seed: one or two coloured shapes and the sentence that says what is there.

Each shape has a colour, a kind and a size; with two, the second is placed so
that a relation holds ("left of", "above"), on a dark speckled background. The
caption says exactly what was drawn ("a small red circle left of a large blue
square"), so every word a captioner writes can be checked against the truth.
Some colour–shape pairs (the held-out pairs) never occur in training scenes;
scenes holding one are drawn apart, to see whether a model composes a colour
and a kind it never saw together. Everything here is plain NumPy with plain
arguments, so "Show the code" copies it as it is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

COLOURS = {"red": (0.95, 0.15, 0.1), "green": (0.1, 0.8, 0.2), "blue": (0.2, 0.4, 1.0),
           "yellow": (0.95, 0.9, 0.1), "white": (0.95, 0.95, 0.95), "purple": (0.65, 0.25, 0.9)}
KINDS = ("circle", "square", "triangle", "cross")
SIZES = {"small": 0.13, "large": 0.2}  # radius as a share of the image side (two large ones fit side by side)
RELATIONS = ("left of", "above")
VOCABULARY = ("<pad>", "<start>", "<end>", "a", *SIZES, *COLOURS, *KINDS, "left", "of", "above")
PAD, START, END = 0, 1, 2


@dataclass(frozen=True)
class Shape:
    """One shape of a scene, by name."""

    colour: str
    kind: str
    size: str


@dataclass(frozen=True)
class Scene:
    """What a scene shows: its shapes in the order the caption names them, and how the first sits to the second."""

    shapes: tuple[Shape, ...]
    relation: str | None  # one of RELATIONS with two shapes; None with one

    def words(self, with_size: bool) -> list[str]:
        """The caption: "a small red circle left of a large blue square"."""
        phrases = [["a", *([s.size] if with_size else []), s.colour, s.kind] for s in self.shapes]
        if self.relation is None:
            return phrases[0]
        return [*phrases[0], *self.relation.split(), *phrases[1]]


@dataclass(frozen=True)
class SceneStyle:
    """What every scene of one training looks like: the choices a shape is drawn from, and the picture's size."""

    colours: tuple[str, ...]
    kinds: tuple[str, ...]
    sizes: tuple[str, ...]  # ("small", "large"), or ("large",) when sizes do not vary (and go unsaid)
    num_shapes: int
    held_out: tuple[tuple[str, str], ...]  # (colour, kind) pairs never in training
    image_size: int
    noise: float

    @property
    def with_size(self) -> bool:
        return len(self.sizes) > 1

    @property
    def max_words(self) -> int:
        """Words in the longest caption ("left of" is two words, "above" one), <end> excluded."""
        per_shape = 4 if self.with_size else 3
        return per_shape * self.num_shapes + (2 if self.num_shapes == 2 else 0)


def scene_style(num_colours: int, num_kinds: int, vary_size: bool, num_shapes: int, held_out_pairs: int,
                image_size: int, noise: float) -> SceneStyle:
    """The first ``num_colours`` colours and ``num_kinds`` kinds, and the held-out pairs on their diagonal.

    Held out are red circle, green square, blue triangle, … in that order:
    every colour and every kind still occurs in training, with other
    partners, so what is new in a held-out scene is the pair alone.
    """
    most = min(num_colours, num_kinds)
    if held_out_pairs > most:
        raise ValueError(f"{held_out_pairs} held-out colour–shape pairs need at least {held_out_pairs} colours and "
                         f"{held_out_pairs} kinds of shape; these settings have {num_colours} and {num_kinds}. "
                         f"Lower the held-out pairs to {most} or add colours or kinds.")
    colours, kinds = tuple(COLOURS)[:num_colours], KINDS[:num_kinds]
    return SceneStyle(colours, kinds, tuple(SIZES) if vary_size else ("large",), num_shapes,
                      tuple((colours[k], kinds[k]) for k in range(held_out_pairs)), image_size, noise)


@dataclass(frozen=True)
class SceneSet:
    """Scenes drawn from one seed: the images and what each shows."""

    images: np.ndarray  # (scenes, size, size, 3), values in [0, 1]
    scenes: tuple[Scene, ...]


# ---------------------------------------------------------------- drawing


def shape_mask(kind: str, size: int, row: float, column: float, radius: float) -> np.ndarray:
    """Pixels (size, size) covered by a shape of ``kind`` centred at (row, column), reaching ``radius`` out."""
    grid_r, grid_c = _pixel_centres(size)
    dr, dc = grid_r - row, grid_c - column
    if kind == "circle":
        return dr**2 + dc**2 <= radius**2
    if kind == "square":
        return (np.abs(dr) <= 0.85 * radius) & (np.abs(dc) <= 0.85 * radius)  # about a circle's area
    if kind == "triangle":  # pointing up: apex at the top, base at the bottom
        return (dr >= -radius) & (dr <= 0.8 * radius) & (np.abs(dc) <= 1.1 * (dr + radius) / 1.8)
    arm = radius / 3  # a cross: two bars
    return ((np.abs(dr) <= arm) & (np.abs(dc) <= radius)) | ((np.abs(dc) <= arm) & (np.abs(dr) <= radius))


@functools.cache
def _pixel_centres(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every pixel's centre, (size, size) each; made once per image size."""
    rows, columns = np.mgrid[0:size, 0:size] + 0.5
    return rows, columns


def place_shapes(radii: list[float], relation: str | None, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Centres (row, column) for the shapes, each wholly inside the image: one anywhere; two the relation's way.

    For "left of" the second shape's centre lies right of the first by more
    than their radii together (they never touch), and they are further apart
    across than up or down, so nobody would call the pair "above" instead;
    "above" is the same turned a quarter.
    """
    low, high = [r + 1 for r in radii], [size - r - 1 for r in radii]  # where each centre may go
    if relation is None:
        return [rng.uniform(low[0], high[0], size=2)]
    gap = rng.uniform(radii[0] + radii[1] + 1, high[1] - low[0])  # along the relation's direction
    along = rng.uniform(low[0], high[1] - gap)
    first_across = rng.uniform(low[0], high[0])
    second_across = np.clip(first_across + rng.uniform(-0.7, 0.7) * gap, low[1], high[1])
    first, second = np.array([first_across, along]), np.array([second_across, along + gap])  # (row, column)
    return [first, second] if relation == "left of" else [first[::-1], second[::-1]]


def paint_scene(scene: Scene, size: int, rng: np.random.Generator) -> np.ndarray:
    """The shapes of ``scene`` on a black image (size, size, 3), placed at random so its relation holds."""
    radii = [SIZES[s.size] * size * rng.uniform(0.9, 1.1) for s in scene.shapes]
    image = np.zeros((size, size, 3), dtype=np.float32)
    for shape, radius, (row, column) in zip(scene.shapes, radii, place_shapes(radii, scene.relation, size, rng),
                                            strict=True):
        image[shape_mask(shape.kind, size, row, column, radius)] = COLOURS[shape.colour]
    return image


def add_noise(images: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Speckle over the images, kept within [0, 1]."""
    speckled = images + noise * rng.standard_normal(images.shape, dtype=np.float32)
    return np.clip(speckled, 0.0, 1.0)


def draw_scene(scene: Scene, size: int, noise: float, rng: np.random.Generator) -> np.ndarray:
    """The image of one scene: (size, size, 3) in [0, 1]."""
    return add_noise(paint_scene(scene, size, rng), noise, rng)


# ---------------------------------------------------------------- many scenes


def trained_pairs(style: SceneStyle) -> list[tuple[str, str]]:
    """Every colour–shape pair training scenes may hold (the held-out ones left out)."""
    return [(c, k) for c in style.colours for k in style.kinds if (c, k) not in style.held_out]


def random_scene(style: SceneStyle, pairs: list[tuple[str, str]], rng: np.random.Generator,
                 held_out: bool = False) -> Scene:
    """Shapes drawn from ``pairs`` (with ``held_out``, one of them a held-out pair instead), sizes, a relation."""
    picked = [pairs[rng.integers(len(pairs))] for _ in range(style.num_shapes)]
    if held_out:
        picked[rng.integers(style.num_shapes)] = style.held_out[rng.integers(len(style.held_out))]
    shapes = tuple(Shape(c, k, style.sizes[rng.integers(len(style.sizes))]) for c, k in picked)
    relation = RELATIONS[rng.integers(len(RELATIONS))] if style.num_shapes == 2 else None
    return Scene(shapes, relation)


def make_scenes(style: SceneStyle, count: int, seed: int | list[int], held_out: bool = False) -> SceneSet:
    """``count`` scenes drawn from ``seed``: the same seed always gives the same scenes and images.

    With ``held_out`` every scene holds a held-out pair; without, none does.
    """
    rng = np.random.default_rng(seed)
    pairs = trained_pairs(style)
    scenes = tuple(random_scene(style, pairs, rng, held_out) for _ in range(count))
    images = np.stack([paint_scene(s, style.image_size, rng) for s in scenes])  # (count, size, size, 3)
    return SceneSet(add_noise(images, style.noise, rng), scenes)


# ---------------------------------------------------------------- captions as word ids, and back


def encode(words: list[str], length: int) -> np.ndarray:
    """Word ids of ``words`` then <end>, padded with <pad> to ``length``."""
    ids = [VOCABULARY.index(w) for w in words] + [END]
    return np.array(ids + [PAD] * (length - len(ids)), dtype="int32")


def teacher_forcing(scenes: SceneSet, style: SceneStyle) -> tuple[list[np.ndarray], np.ndarray]:
    """Inputs and targets for training: [images, <start> + caption], and the caption + <end>, shifted by one.

    At every position the decoder reads the true previous word (teacher
    forcing), not its own guess, so one pass trains every position at once.
    """
    length = style.max_words + 1
    targets = np.stack([encode(s.words(style.with_size), length) for s in scenes.scenes])  # (scenes, length)
    previous = np.concatenate([np.full((len(targets), 1), START, dtype="int32"), targets[:, :-1]], axis=1)
    return [scenes.images, previous], targets


def words_of(tokens: tuple[int, ...] | np.ndarray) -> list[str]:
    """The words of a decoded token sequence, stopping at <end> (or <pad>)."""
    words = []
    for token in tokens:
        if token in (END, PAD):
            break
        words.append(VOCABULARY[token])
    return words


def read_caption(words: list[str], style: SceneStyle) -> Scene:
    """What a caption says, read by the captions' grammar; a word out of place reads as None (wrong).

    "a [size] colour kind", then with two shapes the relation and a second phrase.
    """
    per_shape = 4 if style.with_size else 3
    phrases, relation = [words[:per_shape]], None
    if style.num_shapes == 2:
        rest = words[per_shape:]
        second = rest.index("a") if "a" in rest else len(rest)
        relation = " ".join(rest[:second])
        phrases.append(rest[second : second + per_shape])
    shapes = []
    for phrase in phrases:
        slots = [*phrase, *[None] * per_shape][:per_shape]
        shapes.append(Shape(slots[-2], slots[-1], slots[1] if style.with_size else "large"))
    return Scene(tuple(shapes), relation)
