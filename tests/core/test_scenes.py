import numpy as np
import pytest

from core import scenes as sc

STYLE = sc.scene_style(num_colours=4, num_kinds=3, vary_size=True, num_shapes=2, held_out_pairs=2, image_size=32,
                       noise=0.1)


def shape_pixels(image: np.ndarray, colour: str) -> np.ndarray:
    """Mask of a noise-free image's pixels painted in ``colour``."""
    return np.all(np.isclose(image, sc.COLOURS[colour], atol=1e-6), axis=-1)


def kind_of(mask: np.ndarray) -> str:
    """Which kind a single shape's pixels are, from where they fill their bounding box.

    A square fills its box's corners; a triangle is narrow at the top and
    wide at the bottom; a circle fills the box a quarter of the way in along
    its diagonals, where a cross (thin bars) leaves some empty.
    """
    rows, columns = np.nonzero(mask)
    box = mask[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    height, width = box.shape
    if box[0, 0] and box[0, -1] and box[-1, 0] and box[-1, -1]:
        return "square"
    third = max(1, height // 3)
    if box[:third].mean() < 0.6 * box[-third:].mean():
        return "triangle"
    inner = box[[height // 4, height // 4, -1 - height // 4, -1 - height // 4],
                [width // 4, -1 - width // 4, width // 4, -1 - width // 4]]
    return "circle" if inner.all() else "cross"


def distinct_colour_scenes(style: sc.SceneStyle, count: int, seed: int) -> sc.SceneSet:
    scenes = sc.make_scenes(style, count, seed)
    keep = [i for i, s in enumerate(scenes.scenes) if len({shape.colour for shape in s.shapes}) == len(s.shapes)]
    return sc.SceneSet(scenes.images[keep], tuple(scenes.scenes[i] for i in keep))


def test_the_same_seed_draws_the_same_scenes_and_another_seed_others():
    a, b = sc.make_scenes(STYLE, 20, 5), sc.make_scenes(STYLE, 20, 5)
    np.testing.assert_array_equal(a.images, b.images)
    assert a.scenes == b.scenes
    assert a.scenes != sc.make_scenes(STYLE, 20, 6).scenes
    assert a.images.shape == (20, 32, 32, 3) and a.images.dtype == np.float32
    assert a.images.min() >= 0.0 and a.images.max() <= 1.0


@pytest.mark.parametrize("image_size", [32, 48])
def test_each_caption_says_what_is_drawn_colour_kind_size_and_relation(image_size):
    style = sc.scene_style(6, 4, True, 2, 0, image_size, noise=0.0)
    scenes = distinct_colour_scenes(style, 120, 3)
    assert len(scenes.scenes) > 60
    for image, scene in zip(scenes.images, scenes.scenes, strict=True):
        masks = [shape_pixels(image, shape.colour) for shape in scene.shapes]
        assert [kind_of(m) for m in masks] == [shape.kind for shape in scene.shapes], scene
        assert (image.max(axis=-1) > 0).sum() == sum(m.sum() for m in masks)  # nothing else is drawn
        centres = [np.argwhere(m).mean(axis=0) for m in masks]  # (row, column)
        across, down = centres[1][1] - centres[0][1], centres[1][0] - centres[0][0]
        if scene.relation == "left of":
            assert across > 0 and abs(down) < across
        else:
            assert down > 0 and abs(across) < down
        areas = {shape.size: m.sum() for shape, m in zip(scene.shapes, masks, strict=True)}
        if len(areas) == 2 and scene.shapes[0].kind == scene.shapes[1].kind:
            assert areas["large"] > 1.5 * areas["small"]


def test_captions_read_back_as_the_scene_they_describe():
    for num_shapes, vary_size in ((2, True), (1, True), (2, False)):
        style = sc.scene_style(4, 3, vary_size, num_shapes, 2, 32, 0.1)
        for scene in sc.make_scenes(style, 50, 1).scenes:
            words = scene.words(style.with_size)
            assert len(words) <= style.max_words
            assert sc.read_caption(words, style) == scene


def test_held_out_pairs_never_appear_in_training_and_every_held_out_scene_holds_one():
    style = sc.scene_style(4, 4, True, 2, 3, 32, 0.1)
    assert style.held_out == (("red", "circle"), ("green", "square"), ("blue", "triangle"))
    trained = sc.make_scenes(style, 2000, 0)
    pairs = {(s.colour, s.kind) for scene in trained.scenes for s in scene.shapes}
    assert not pairs & set(style.held_out)
    assert {c for c, _ in pairs} == set(style.colours) and {k for _, k in pairs} == set(style.kinds)
    for scene in sc.make_scenes(style, 300, 1, held_out=True).scenes:
        assert any((s.colour, s.kind) in style.held_out for s in scene.shapes)


def test_more_held_out_pairs_than_colours_or_kinds_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="Lower the held-out pairs to 2"):
        sc.scene_style(num_colours=4, num_kinds=2, vary_size=True, num_shapes=2, held_out_pairs=3, image_size=32,
                       noise=0.1)


def test_teacher_forcing_feeds_the_true_previous_word_and_ends_each_caption():
    scenes = sc.make_scenes(STYLE, 10, 0)
    (_, previous), targets = sc.teacher_forcing(scenes, STYLE)
    assert previous.shape == targets.shape == (10, STYLE.max_words + 1)
    np.testing.assert_array_equal(previous[:, 0], sc.START)
    np.testing.assert_array_equal(previous[:, 1:], targets[:, :-1])
    for row, scene in zip(targets, scenes.scenes, strict=True):
        assert sc.words_of(row) == scene.words(True)
        assert row[len(scene.words(True))] == sc.END
