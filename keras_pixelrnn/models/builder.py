"""The one assembly routine shared by the three model families."""

import keras

from keras_pixelrnn.layers.condition_encoder import ConditionEncoder
from keras_pixelrnn.layers.masked_conv2d import MaskedConv2D
from keras_pixelrnn.layers.output_head import OutputHead
from keras_pixelrnn.layers.residual_block import ResidualBlock
from keras_pixelrnn.models.pixel_model import PixelModel


def check_image_shape(image_shape):
    """Returns ``(H, W, C)`` as ints, or raises a ValueError saying what is wrong."""
    try:
        height, width, channels = (int(d) for d in image_shape)
    except (TypeError, ValueError):
        raise ValueError(f"image_shape must be (height, width, channels), got {image_shape!r}.")
    if min(height, width, channels) < 1:
        raise ValueError(f"image_shape must be positive, got {image_shape!r}.")
    if channels not in (1, 3):
        raise ValueError(f"image_shape must have 1 (grey) or 3 (RGB) channels, got {channels}.")
    return height, width, channels


def build_pixel_model(kind, image_shape, num_layers, hidden_dim, num_levels=256,
                      output_dim=None, kernel_size=3, first_kernel_size=7, residual=True,
                      skip_connections=True, name=None, num_classes=None,
                      condition_shape=None, condition_dim=None):
    """Builds the paper's architecture (Table 1) with ``kind`` residual blocks.

    ``Rescaling`` of the integer pixels to [-1, 1], a ``first_kernel_size`` mask-A
    convolution to ``2h`` features, ``num_layers`` residual blocks of ``kind``, and the
    output head (optionally fed by skip connections from every block).

    Conditional models (``num_classes`` and/or ``condition_shape``) take a dict of inputs:
    ``"images"``, ``"class_label"`` ``(B,)`` int in ``[0, num_classes)``, ``"condition"``
    ``(B, h, w, C')`` low-resolution integer image in ``[0, num_levels)``. A
    :class:`~keras_pixelrnn.layers.ConditionEncoder` turns them into ``condition_dim``
    features (default ``2h``) that every residual block adds, through its own unmasked 1×1
    convolution, to its input-to-state map (paper §3.6).
    """
    height, width, channels = check_image_shape(image_shape)
    if int(num_levels) < 2:
        raise ValueError(f"num_levels must be at least 2, got {num_levels}.")
    if int(num_layers) < 1 or int(hidden_dim) < 1:
        raise ValueError(f"num_layers and hidden_dim must be positive, got {num_layers} and "
                         f"{hidden_dim}.")
    num_levels, hidden_dim = int(num_levels), int(hidden_dim)
    images = keras.Input((height, width, channels), name="images")
    inputs, condition = images, None
    if num_classes or condition_shape:
        inputs = {"images": images}
        if num_classes:
            inputs["class_label"] = keras.Input((), dtype="int32", name="class_label")
        if condition_shape:
            inputs["condition"] = keras.Input(tuple(condition_shape), name="condition")
        condition_dim = int(condition_dim or 2 * hidden_dim)
        encoder = ConditionEncoder((height, width, channels), condition_dim,
                                   num_classes=num_classes, condition_shape=condition_shape,
                                   num_levels=num_levels, name="condition_encoder")
        condition = encoder({k: v for k, v in inputs.items() if k != "images"})
    x = keras.layers.Rescaling(2.0 / (num_levels - 1), offset=-1.0, name="scale")(images)
    x = MaskedConv2D(2 * hidden_dim, first_kernel_size, mask_type="A",
                     color_channels=channels, name="input_conv")(x)
    features = []
    for k in range(int(num_layers)):
        block = ResidualBlock(hidden_dim, kind, color_channels=channels,
                              kernel_size=kernel_size, residual=residual,
                              condition_dim=condition_dim if condition is not None else None,
                              name=f"block_{k}")
        x = block(x) if condition is None else block(x, condition=condition)
        features.append(x)
    head = OutputHead(num_levels, color_channels=channels,
                      output_dim=output_dim or 2 * hidden_dim,
                      num_skips=len(features) if skip_connections else 0, name="head")
    logits = head(features if skip_connections else x)
    return PixelModel(inputs=inputs, outputs=logits, name=name or kind)
