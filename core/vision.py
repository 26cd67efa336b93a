"""The small convolutional encoder the image pages share: strided convolutions down to a grid of features.

The video page reads each frame with it and the captioning page reads each
scene with it. Each convolution steps two pixels at a time instead of being
followed by max pooling: on CPU, XLA's gradient of max pooling made a video
epoch 7x slower on JAX (bench/RESULTS.md), and the scores were the same. The
encoder stops at the grid, (batch, rows, columns, channels), and does not pool
it away: where a shape is must survive, and an attending decoder looks at the
grid's cells one by one.
"""

from __future__ import annotations

import keras


def conv_grid(inputs: keras.KerasTensor, num_filters: int = 8, num_conv_layers: int = 2) -> keras.KerasTensor:
    """``num_conv_layers`` strided 3×3 convolutions; each halves the rows and columns and doubles the filters.

    (batch, size, size, 3) in, (batch, ceil(size / 2**layers), same, num_filters * 2**(layers - 1)) out.
    """
    hidden = inputs  # (batch, height, width, colours)
    for layer in range(num_conv_layers):
        hidden = keras.layers.Conv2D(num_filters * 2**layer, 3, strides=2, padding="same", activation="relu",
                                     name=f"conv_{layer + 1}")(hidden)
    return hidden  # (batch, rows, columns, channels)


def grid_shape(image_size: int, num_filters: int = 8, num_conv_layers: int = 2) -> tuple[int, int, int]:
    """(rows, columns, channels) of the grid :func:`conv_grid` makes from a square image of ``image_size``."""
    side = image_size
    for _ in range(num_conv_layers):
        side = -(-side // 2)  # "same" padding, stride 2: ceil(side / 2)
    return side, side, num_filters * 2 ** (num_conv_layers - 1)


def build_grid_encoder(image_size: int, num_filters: int = 8, num_conv_layers: int = 2) -> keras.Model:
    """One image in, its grid of features out: (batch, rows, columns, channels), one feature vector per cell.

    Each cell sees a patch of the image (its receptive field grows with every
    layer), so a cell's vector says what is there and the grid says where.
    """
    inputs = keras.Input((image_size, image_size, 3), name="image")
    return keras.Model(inputs, conv_grid(inputs, num_filters, num_conv_layers), name="cnn_grid")
