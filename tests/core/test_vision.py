import keras
import numpy as np
import pytest

from core import video
from core.training import set_seed
from core.vision import build_grid_encoder, conv_grid, grid_shape


@pytest.mark.parametrize(("image_size", "layers"), [(32, 1), (32, 2), (40, 3), (24, 2), (48, 3)])
def test_the_stated_grid_shape_is_the_encoders(image_size, layers):
    encoder = build_grid_encoder(image_size, num_filters=4, num_conv_layers=layers)
    assert encoder.output_shape[1:] == grid_shape(image_size, 4, layers)


def frame_cnn_from_the_shared_grid(frame_size: int, num_filters: int, num_conv_layers: int) -> keras.Model:
    """video.build_frame_cnn written over conv_grid: the change proposed for core/video.py."""
    inputs = keras.Input((frame_size, frame_size, 3))
    hidden = conv_grid(inputs, num_filters, num_conv_layers)
    features = keras.layers.Dense(video.FEATURES, activation="relu")(keras.layers.Flatten()(hidden))
    return keras.Model(inputs, features, name="frame_cnn")


def test_the_video_frame_cnn_built_over_the_shared_grid_is_the_same_network_with_the_same_weights():
    set_seed(3)
    today = video.build_frame_cnn(24, 8, 2)
    set_seed(3)
    shared = frame_cnn_from_the_shared_grid(24, 8, 2)
    assert [type(layer) for layer in today.layers] == [type(layer) for layer in shared.layers]
    for a, b in zip(today.get_weights(), shared.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    frames = np.random.default_rng(0).random((2, 24, 24, 3)).astype("float32")
    np.testing.assert_allclose(today.predict_on_batch(frames), shared.predict_on_batch(frames), rtol=1e-6)
