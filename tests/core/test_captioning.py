import io
import json
import struct
import zlib

import numpy as np
import pytest

from core import captioning as cp
from core import scenes as sc
from core.settings import validate
from core.uploads import read_image
from tests.core.test_scenes import kind_of, shape_pixels

TINY = cp.CaptionSettings(num_scenes=200, epochs=1, units=16, filters=4)
STYLE = TINY.style


def test_too_many_large_scenes_are_refused_before_drawing_them():
    with pytest.raises(ValueError, match="Lower the training scenes or the image size"):
        cp.check_memory(cp.CaptionSettings(image_size=48, num_scenes=8000))
    cp.check_memory(cp.CaptionSettings())


def test_knob_defaults_are_within_their_bounds_and_every_pair_the_settings_allow_is_drawable():
    validate(cp.CaptionSettings())
    with pytest.raises(ValueError, match="Lower the held-out pairs"):
        cp.CaptionSettings(num_colours=2, held_out_pairs=3).style  # noqa: B018 (the property raises)


def test_the_scene_sets_of_a_training_are_seeded_apart_and_held_out_ones_only_hold_held_out_pairs():
    settings = cp.CaptionSettings(num_scenes=300)
    train, test, held = cp.training_scenes(settings), cp.unseen_scenes(settings), cp.held_out_scenes(settings)
    assert len(train.scenes) == 300 and len(test.scenes) == cp.TEST_SCENES and len(held.scenes) == cp.HELD_OUT_SCENES
    assert not np.array_equal(train.images[:10], test.images[:10])
    for scenes, expected in ((train, False), (test, False), (held, True)):
        assert {any((s.colour, s.kind) in STYLE.held_out for s in scene.shapes) for scene in scenes.scenes} == \
            {expected}
    assert cp.held_out_scenes(cp.CaptionSettings(held_out_pairs=0)) is None


# ---------------------------------------------------------------- scores and baselines


def test_bleu_of_identical_captions_is_one_and_every_attribute_is_right():
    scenes = sc.make_scenes(STYLE, 30, 2)
    perfect = cp.score_captions([s.words(True) for s in scenes.scenes], scenes.scenes, STYLE)
    assert perfect.bleu4 == pytest.approx(1.0)
    assert perfect.exact_match == 1.0
    assert perfect.accuracy() == {"colour": 1.0, "shape": 1.0, "size": 1.0, "relation": 1.0}


def test_a_wrong_word_costs_its_attribute_in_its_place_only():
    scenes = sc.make_scenes(STYLE, 1, 2)
    words = scenes.scenes[0].words(True)
    other = next(c for c in STYLE.colours if c != words[2])
    scored = cp.score_captions([[*words[:2], other, *words[3:]]], scenes.scenes, STYLE)
    assert not scored.exact[0] and scored.bleu4 < 1.0
    assert scored.colour.tolist() == [[False, True]] and scored.shape.all() and scored.relation.all()


def test_a_caption_out_of_grammar_reads_as_wrong_not_as_a_crash():
    scenes = sc.make_scenes(STYLE, 1, 2)
    scored = cp.score_captions([["a", "a"]], scenes.scenes, STYLE)
    assert scored.accuracy() == {"colour": 0.0, "shape": 0.0, "size": 0.0, "relation": 0.0}


def test_the_nearest_scene_of_a_training_image_is_itself():
    scenes = sc.make_scenes(STYLE, 40, 4)
    assert cp.nearest_scene(scenes.images, scenes.images[[3, 17, 29]]).tolist() == [3, 17, 29]


def test_the_most_frequent_caption_is_the_commonest_in_training():
    style = cp.CaptionSettings(num_shapes=1, num_colours=2, num_kinds=2, vary_size=False, held_out_pairs=0).style
    scenes = sc.make_scenes(style, 300, 0)
    captions = [" ".join(s.words(False)) for s in scenes.scenes]
    common = " ".join(cp.most_frequent_words(scenes, style))
    assert captions.count(common) == max(captions.count(c) for c in set(captions))


def test_paired_counts_split_the_scenes_by_who_was_right():
    counts = cp.paired_counts(np.array([True, True, False, False, True]), np.array([True, False, True, False, False]))
    assert counts == cp.PairedCounts(first_only=2, second_only=1, both=1, neither=1)


# ---------------------------------------------------------------- the model, decoding and attention


@pytest.fixture(scope="module")
def trained():
    return cp.fit_captioner(TINY)


@pytest.mark.parametrize("feed", list(cp.FEEDS))
@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
@pytest.mark.parametrize("attention", [False, True])
def test_the_captioner_predicts_every_next_word_for_each_feed_cell_and_attention(feed, cell, attention):
    settings = cp.CaptionSettings(feed=feed, cell=cell, attention=attention, units=8, filters=2)
    model = cp.build_for(settings)
    assert model.output_shape == (None, settings.style.max_words + 1, len(sc.VOCABULARY))
    assert (cp.attention_reader(model) is not None) == attention
    (images, previous), _ = sc.teacher_forcing(sc.make_scenes(settings.style, 3, 0), settings.style)
    probabilities = model.predict_on_batch([images, previous])
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, rtol=1e-4)


def test_training_scores_the_model_and_both_baselines_on_the_same_scenes(trained):
    details = trained.details
    assert isinstance(details, cp.CaptionResult)
    for scores, count in ((details.unseen, cp.TEST_SCENES), (details.held_out, cp.HELD_OUT_SCENES)):
        assert len(scores.truth) == count
        for captioner in scores.captioners().values():
            assert captioner.exact.shape == (count,) and captioner.colour.shape == (count, 2)
            assert 0.0 <= captioner.bleu4 <= 1.0
    assert set(details.unseen.most_frequent.captions) == {details.most_frequent_caption}
    assert next(iter(trained.scores)) == "exact match, unseen"
    looked = details.attention_on_shapes
    assert 0.0 <= looked.on_named_shape <= 1.0 and 0.0 < looked.area_share < 1.0 and looked.words > 0
    assert trained.seconds >= trained.details.scoring_seconds


def test_beam_width_one_equals_greedy_on_the_captioner(trained):
    images = cp.unseen_scenes(TINY).images[:4]
    for image, greedy in zip(images, cp.caption_greedy(trained.model, images), strict=True):
        beam = cp.caption_beam(trained.model, image, width=1)
        assert beam.sequences[0].tokens == greedy.sequence.tokens
        assert beam.sequences[0].probability == pytest.approx(greedy.sequence.probability, rel=1e-4)


def test_beam_search_returns_captions_most_likely_first(trained):
    beam = cp.caption_beam(trained.model, cp.unseen_scenes(TINY).images[0], width=4)
    probabilities = [s.probability for s in beam.sequences]
    assert len(probabilities) == 4 and probabilities == sorted(probabilities, reverse=True)


def test_attention_weights_sum_to_one_per_word_and_the_drawn_map_is_those_weights(trained):
    image = cp.unseen_scenes(TINY).images[0]
    tokens = cp.caption_greedy(trained.model, image[None])[0].sequence.tokens
    weights = cp.attention_maps(trained.model, trained.details.attention_reader, image, tokens)
    assert weights.shape == (len(tokens), 8, 8)
    np.testing.assert_allclose(weights.sum(axis=(1, 2)), 1.0, rtol=1e-5)
    words = [sc.VOCABULARY[t] for t in tokens]
    figure = cp.plot_attention(image, weights, words)
    heatmaps = [trace for trace in figure.data if trace.type == "heatmap"]
    assert len(heatmaps) == len(tokens)
    for heatmap, drawn in zip(heatmaps, weights, strict=True):
        np.testing.assert_array_equal(np.asarray(heatmap.z), drawn)
    assert [a.text for a in figure.layout.annotations] == [f"{i + 1}. {w}" for i, w in enumerate(words)]


def test_the_attention_drawn_at_a_word_is_what_the_full_model_used_there(trained):
    """The reader shares the decoder's layers: its weights at position t are the ones behind word t."""
    import keras

    decoder = trained.model.get_layer("decoder")
    image = cp.unseen_scenes(TINY).images[:1]
    grid = cp.encode_images(trained.model, image)
    (_, previous), _ = sc.teacher_forcing(sc.make_scenes(STYLE, 1, 0), STYLE)
    both = keras.Model(decoder.inputs, [decoder.output, decoder.get_layer("attention").output[1]])
    _, weights = both.predict_on_batch([grid, previous])
    np.testing.assert_allclose(trained.details.attention_reader.predict_on_batch([grid, previous]), weights,
                               rtol=1e-5)


def test_a_captioner_without_attention_has_no_map_to_draw():
    result = cp.fit_captioner(cp.CaptionSettings(num_scenes=200, epochs=1, units=8, filters=2, attention=False,
                                                 held_out_pairs=0))
    assert result.details.attention_reader is None and result.details.held_out is None
    assert result.details.attention_on_shapes is None


def test_same_settings_train_the_same_captioner():
    settings = cp.CaptionSettings(num_scenes=200, epochs=1, units=8, filters=2, held_out_pairs=0)
    first, second = cp.fit_captioner(settings), cp.fit_captioner(settings)
    for a, b in zip(first.model.get_weights(), second.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert first.details.unseen.model.captions == second.details.unseen.model.captions


# ---------------------------------------------------------------- try it


def test_a_fresh_scene_shows_the_picked_shapes_and_another_press_moves_them():
    picked = [sc.Shape("red", "triangle", "large"), sc.Shape("blue", "circle", "small")]
    settings = cp.CaptionSettings(noise=0.0)
    image = cp.scene_of(picked, "above", settings, count=1)
    red, blue = shape_pixels(image, "red"), shape_pixels(image, "blue")
    assert kind_of(red) == "triangle" and kind_of(blue) == "circle" and red.sum() > blue.sum()
    assert np.argwhere(red).mean(axis=0)[0] < np.argwhere(blue).mean(axis=0)[0]  # red above blue
    np.testing.assert_array_equal(image, cp.scene_of(picked, "above", settings, count=1))
    assert not np.array_equal(image, cp.scene_of(picked, "above", settings, count=2))


def png_bytes(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def huge_header_png(width: int, height: int) -> bytes:
    """A few dozen bytes claiming a picture of width × height: a header and nothing to decode."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("width", "height"), [(60_000, 60_000), (2_001, 10), (5_000, 4_000)])
def test_an_image_over_the_limit_is_refused_from_its_header(width, height):
    with pytest.raises(ValueError, match=r"the limit is 2,000 × 2,000\. Resize it"):
        read_image(huge_header_png(width, height), "'big.png'", cp.MAX_UPLOAD_MB, 32)


def test_an_unreadable_or_other_kind_of_file_gets_a_message():
    with pytest.raises(ValueError, match=r"'notes\.png' is not an image that can be read"):
        read_image(b"this is not a picture at all", "'notes.png'", cp.MAX_UPLOAD_MB, 32)
    with pytest.raises(ValueError, match=r"'cut\.png' could not be decoded"):
        read_image(png_bytes(50, 50)[:60], "'cut.png'", cp.MAX_UPLOAD_MB, 32)
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="GIF")
    with pytest.raises(ValueError, match="is a GIF image, not a PNG or JPEG"):
        read_image(buffer.getvalue(), "'a.gif'", cp.MAX_UPLOAD_MB, 32)


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_picture_is_cropped_to_its_centre_square_and_resized_for_the_model(image_format):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (0, 0, 255)).save(buffer, format=image_format)
    image = read_image(buffer.getvalue(), "'photo'", cp.MAX_UPLOAD_MB, 40)
    assert image.shape == (40, 40, 3) and image.dtype == np.float32
    assert image[..., 2].mean() > 0.9 and image[..., 0].mean() < 0.1


# ---------------------------------------------------------------- sentences and the command line


def test_the_held_out_sentence_names_the_pairs_and_what_the_score_means(trained):
    sentence = cp.held_out_sentence(trained.details, STYLE)
    assert "red circle, green square" in sentence
    share = cp.held_out_pair_share(trained.details.held_out, STYLE)
    assert f"{share:.0%} of them" in sentence
    assert ("falls back" in sentence) == (share < cp.FALLS_BACK)


def test_the_command_line_document_holds_settings_scores_and_captions():
    document = cp.cli_document(cp.CaptionSettings(num_scenes=200, epochs=1, units=8, filters=2), beam_width=2)
    json.dumps(document)
    assert document["settings"]["num_scenes"] == 200
    assert set(document["scores"]) == {"unseen scenes", "held-out pairs"}
    assert set(document["scores"]["unseen scenes"]) == {"model", "most frequent caption", "nearest training scene"}
    assert len(document["examples"]) == cp.EXAMPLES and len(document["examples"][0]["beam"]) <= 2


def test_the_shown_script_trains_the_page_model_and_captions_unseen_scenes(tmp_path, monkeypatch):
    from core import scripts
    from tests.core.test_scripts import architecture, run_script

    settings = cp.CaptionSettings(num_scenes=200, epochs=1, units=8, filters=2, cell="LSTM")
    variables = run_script(scripts.caption_script(settings), tmp_path, monkeypatch)
    assert architecture(variables["model"]) == architecture(cp.build_for(settings))
    assert len(variables["written"]) == cp.TEST_SCENES


def test_scenes_drawn_without_noise_lie_where_the_noisy_ones_do():
    """What the attention measure relies on: the noise is drawn after the shapes are placed."""
    import dataclasses

    noisy = sc.make_scenes(STYLE, 20, 4)
    clean = sc.make_scenes(dataclasses.replace(STYLE, noise=0.0), 20, 4)
    assert noisy.scenes == clean.scenes
    painted = clean.images.max(axis=-1) > 0
    assert np.abs(noisy.images - clean.images)[painted].mean() < 2 * STYLE.noise


def test_sentences_say_what_the_numbers_are(trained):
    details = trained.details
    headline, paired = cp.score_sentence(details.unseen), cp.paired_sentence(details.unseen)
    assert f"{details.unseen.model.exact_match:.0%} of the captions exactly right" in headline
    name, best = cp.stronger_baseline(details.unseen)
    assert name in headline
    assert best.exact_match == max(details.unseen.nearest.exact_match, details.unseen.most_frequent.exact_match)
    counts = cp.paired_counts(details.unseen.model.exact, best.exact)
    assert f"wrong {counts.first_only} times, and the other way round {counts.second_only} times" in paired
    looked = details.attention_on_shapes
    assert f"{looked.on_named_shape:.0%} of its attention" in cp.attention_sentence(looked)


def test_beam_against_greedy_is_said_as_the_numbers_are():
    from core.decoding import BeamResult, Decoded, GreedyResult

    greedy = GreedyResult(Decoded((5, 2), 0.4, True), ())
    same = BeamResult((Decoded((5, 2), 0.4, True),), (), 3)
    better = BeamResult((Decoded((6, 2), 0.5, True),), (), 3)
    worse = BeamResult((Decoded((6, 2), 0.3, True),), (), 2)
    assert cp.beam_versus_greedy(same, greedy).endswith("the same caption.")
    assert "keeping 3 beginnings found a likelier whole caption" in cp.beam_versus_greedy(better, greedy)
    assert "here greedy's is the likelier" in cp.beam_versus_greedy(worse, greedy)
