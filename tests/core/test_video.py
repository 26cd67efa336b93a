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


def test_frame_cnn_is_the_shared_strided_cnn():
    from core import vision

    def convolutions(model):
        return [(layer.filters, layer.kernel_size, layer.strides) for layer in model.layers
                if layer.__class__.__name__ == "Conv2D"]

    assert convolutions(vd.build_frame_cnn(24, 8, 3)) == convolutions(vision.build_grid_encoder(24, 8, 3))


@pytest.mark.parametrize("kernel", [2, 3, 4])
def test_the_first_convolution_is_keras_conv3d_over_time_height_and_width(kernel):
    """Same weights, same outputs as keras.layers.Conv3D (padding "same"): only computed as a 2D convolution."""
    import keras

    model = vd.build_cnn3d(7, 16, 3, num_filters=4, num_conv_layers=2, temporal_kernel=kernel)
    conv = model.get_layer("cnn3d_per_frame").layer.get_layer("conv_1")
    weights, bias = conv.get_weights()  # (3, 3, kernel × colours, filters), colours of one frame after another
    conv3d = keras.layers.Conv3D(4, (kernel, 3, 3), strides=(1, 2, 2), padding="same", activation="relu")
    clip = np.random.default_rng(0).random((2, 7, 16, 16, 3)).astype(np.float32)
    conv3d.build(clip.shape)
    conv3d.set_weights([weights.reshape(3, 3, kernel, 3, 4).transpose(2, 0, 1, 3, 4), bias])
    neighbours = np.asarray(model.get_layer("neighbour_frames")(clip))  # (2, 7, 16, 16, 3 × kernel)
    ours = np.asarray(conv(neighbours.reshape(14, 16, 16, 3 * kernel))).reshape(2, 7, 8, 8, 4)
    np.testing.assert_allclose(ours, np.asarray(conv3d(clip)), atol=1e-5)
    assert conv.count_params() == conv3d.count_params()


@pytest.mark.parametrize(("kernel", "layers"), [(2, 1), (3, 2), (5, 2)])
def test_the_stated_temporal_field_is_how_many_features_one_frame_reaches(kernel, layers):
    """Change one frame in the middle of a clip: the per-frame features that move are the field."""
    import keras

    model = vd.build_cnn3d(16, 16, 3, num_filters=4, num_conv_layers=layers, temporal_kernel=kernel)
    features = keras.Model(model.inputs, model.get_layer("cnn3d_per_frame").output)  # (batch, frames, FEATURES)
    clip = np.random.default_rng(0).random((1, 16, 16, 16, 3)).astype(np.float32)
    changed = clip.copy()
    changed[0, 8] = 1.0 - changed[0, 8]
    moved = np.abs(features.predict_on_batch(changed) - features.predict_on_batch(clip)).max(axis=(0, 2))
    assert int((moved > 0).sum()) == vd.temporal_field(model)


def test_cnn3d_reads_neighbouring_frames_and_says_how_far_it_sees():
    model = vd.build_cnn3d(6, 16, 4, num_filters=4, num_conv_layers=2, temporal_kernel=3)
    assert model.output_shape == (None, 4)
    clip = vd.make_clip("right", 6, 16, 0.0, np.random.default_rng(0))[None]
    assert not np.allclose(model.predict_on_batch(clip), model.predict_on_batch(clip[:, ::-1]), rtol=1e-5)
    field = vd.temporal_field(model)
    sees = vd.what_each_sees(vd.VideoSettings(conv_layers=2, temporal_kernel=3), field)
    assert set(sees) == {"frame-only", "CNN+RNN", "3D CNN"}
    assert sees["3D CNN"].startswith(f"{field} neighbouring frames")


def test_the_three_models_train_on_the_same_clips_and_are_scored_the_same_way():
    settings = vd.VideoSettings(num_classes=2, frames=4, frame_size=16, clips_per_class=20, epochs=1)
    result = vd.fit_video_models(settings)
    details = result.details
    test_count = 2 * vd.TEST_CLIPS_PER_CLASS
    for scores in (details.cnn_rnn, details.frame_only, details.cnn3d, details.shuffled, details.cnn3d_shuffled):
        assert scores.confusion.sum() == len(scores.correct) == test_count
        assert scores.accuracy == pytest.approx(scores.correct.mean())
    assert result.scores["3D CNN test accuracy"] == details.cnn3d.accuracy
    built = {"CNN+RNN": vd.build_cnn_rnn(4, 16, 2, settings.filters, settings.conv_layers, settings.cell,
                                         settings.units),
             "frame-only": vd.build_frame_only(4, 16, 2, settings.filters, settings.conv_layers),
             "3D CNN": vd.build_cnn3d(4, 16, 2, settings.filters, settings.conv_layers, settings.temporal_kernel)}
    assert details.parameters == {name: model.count_params() for name, model in built.items()}
    assert details.temporal_field == vd.temporal_field(built["3D CNN"])
    again = vd.fit_video_models(settings).details
    np.testing.assert_array_equal(again.cnn3d.correct, details.cnn3d.correct)
    np.testing.assert_array_equal(again.cnn3d_model.get_weights()[0], details.cnn3d_model.get_weights()[0])


def test_clip_alternative_text_says_the_motion_and_the_length():
    clip = np.zeros((12, 16, 16, 3))  # (frames, size, size, channels)
    assert vd.describe_clip(clip, "left") == "a shape moving left, 12 frames of 16 × 16 pixels"
    assert vd.describe_clip(clip, "growing").startswith("a shape growing")
    assert vd.describe_clip(clip).startswith("an animation, 12 frames")
