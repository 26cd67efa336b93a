import numpy as np
import pytest

from core import video as vd


def centre_and_area(clip: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row and column of the shape's centre, and its area in pixels, in every frame of a noise-free clip."""
    mask = clip.max(axis=-1) > 0.2  # (frames, size, size)
    rows, columns = np.mgrid[0 : clip.shape[1], 0 : clip.shape[2]]
    area = mask.sum(axis=(1, 2))
    return (mask * rows).sum(axis=(1, 2)) / area, (mask * columns).sum(axis=(1, 2)) / area, area


def test_clips_have_the_settings_shape_and_range():
    x, y = vd.make_clips(vd.CLASSES, 3, frames=10, size=24, noise=0.2, seed=0)
    assert x.shape == (18, 10, 24, 24, 3) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert np.bincount(y).tolist() == [3] * 6


@pytest.mark.parametrize("label", vd.CLASSES)
def test_each_class_moves_as_its_name_says(label):
    rng = np.random.default_rng(1)
    for _ in range(5):
        rows, columns, area = centre_and_area(vd.make_clip(label, 12, 32, 0.0, rng))
        moves = {"left": np.diff(columns) < 0, "right": np.diff(columns) > 0, "up": np.diff(rows) < 0,
                 "down": np.diff(rows) > 0, "growing": np.diff(area) >= 0, "shrinking": np.diff(area) <= 0}[label]
        assert moves.mean() > 0.8, label
        if label in ("growing", "shrinking"):
            assert abs(area[-1] - area[0]) > 50


def test_opposite_directions_cover_the_same_places_so_frames_alone_cannot_tell_them_apart():
    rng = np.random.default_rng(2)
    left = np.concatenate([centre_and_area(vd.make_clip("left", 12, 32, 0.0, rng))[1] for _ in range(300)])
    right = np.concatenate([centre_and_area(vd.make_clip("right", 12, 32, 0.0, rng))[1] for _ in range(300)])
    assert abs(left.mean() - right.mean()) < 0.5
    assert abs(np.percentile(left, 10) - np.percentile(right, 10)) < 1.0


def test_shuffling_keeps_each_clips_frames_and_changes_their_order():
    x, _ = vd.make_clips(("left",), 2, frames=8, size=16, noise=0.0, seed=0)
    shuffled = vd.shuffled_frames(x, seed=0)
    assert not np.array_equal(shuffled, x)
    np.testing.assert_array_equal(np.sort(shuffled.reshape(2, 8, -1).sum(-1), axis=1),
                                  np.sort(x.reshape(2, 8, -1).sum(-1), axis=1))


def test_cnn_rnn_reads_frames_in_order_and_frame_only_does_not():
    import keras

    ours = vd.build_cnn_rnn(6, 16, 4, num_filters=4, num_conv_layers=1, cell="LSTM", num_units=8)
    theirs = vd.build_frame_only(6, 16, 4, num_filters=4, num_conv_layers=1)
    assert ours.output_shape == theirs.output_shape == (None, 4)
    assert isinstance(ours.get_layer("cnn_per_frame"), keras.layers.TimeDistributed)
    assert isinstance(ours.get_layer("recurrent"), keras.layers.LSTM)
    clip = vd.make_clip("right", 6, 16, 0.0, np.random.default_rng(0))[None]
    backwards = clip[:, ::-1]
    np.testing.assert_allclose(theirs.predict_on_batch(clip), theirs.predict_on_batch(backwards), rtol=1e-5)
    assert not np.allclose(ours.predict_on_batch(clip), ours.predict_on_batch(backwards), rtol=1e-5)
    reader = vd.per_frame_reader(ours)
    per_frame = reader.predict_on_batch(clip)
    assert per_frame.shape == (1, 6, 4)
    np.testing.assert_allclose(per_frame[:, -1], ours.predict_on_batch(clip), rtol=1e-5)


def test_confusion_and_pair_accuracy():
    truth, predicted = np.array([0, 0, 1, 1, 2]), np.array([0, 1, 1, 1, 0])
    assert vd.confusion(truth, predicted, 3).tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    assert vd.pair_accuracy(truth, predicted, ("left", "right", "up")) == {"left / right": 0.75}


def test_gif_round_trip_keeps_the_motion():
    clip = vd.make_clip("right", 8, 16, 0.0, np.random.default_rng(0))
    back = vd.gif_to_clip(vd.clip_to_gif(clip, scale=2), "clip.gif", frames=8, size=16)
    assert back.shape == clip.shape
    assert np.all(np.diff(centre_and_area(back)[1]) > 0)


@pytest.mark.parametrize(("data", "message"), [(b"", "not an image"), (b"\x89PNG\r\n\x1a\nxx", "not an image"),
                                               (b"x" * (vd.MAX_UPLOAD_MB * 2**20 + 1), "limit is 5 MB")])
def test_bad_gifs_are_refused_with_a_message(data, message):
    with pytest.raises(ValueError, match=message):
        vd.gif_to_clip(data, "bad.gif", 8, 16)


def test_a_png_is_refused_as_not_a_gif():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    with pytest.raises(ValueError, match="PNG image, not a GIF"):
        vd.gif_to_clip(buffer.getvalue(), "pic.gif", 8, 16)


def test_settings_too_big_for_the_server_are_refused_before_anything_is_made():
    vd.check_memory(vd.VideoSettings())  # the defaults fit
    with pytest.raises(ValueError, match="MB of clips"):
        vd.check_memory(vd.VideoSettings(frames=20, frame_size=48, clips_per_class=400))
    with pytest.raises(ValueError, match="first convolution"):
        vd.check_memory(vd.VideoSettings(frames=20, frame_size=48, clips_per_class=20, filters=32, batch_size=128))


def test_clip_alternative_text_says_the_motion_and_the_length():
    clip = np.zeros((12, 16, 16, 3))  # (frames, size, size, channels)
    assert vd.describe_clip(clip, "left") == "a shape moving left, 12 frames of 16 × 16 pixels"
    assert vd.describe_clip(clip, "growing").startswith("a shape growing")
    assert vd.describe_clip(clip).startswith("an animation, 12 frames")
