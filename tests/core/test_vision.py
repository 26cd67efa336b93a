import pytest

from core.vision import build_grid_encoder, grid_shape


@pytest.mark.parametrize(("image_size", "layers"), [(32, 1), (32, 2), (40, 3), (24, 2), (48, 3)])
def test_the_stated_grid_shape_is_the_encoders(image_size, layers):
    encoder = build_grid_encoder(image_size, num_filters=4, num_conv_layers=layers)
    assert encoder.output_shape[1:] == grid_shape(image_size, 4, layers)
