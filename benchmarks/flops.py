"""Analytic FLOP counts of the models (multiply-adds × 2, dense kernels as computed) and the
machine's measured matmul rate."""

import time

import numpy as np

from keras_pixelrnn.layers import (DiagonalBiLSTM, MaskedConv2D, OutputHead, ResidualBlock,
                                   RowLSTM)


def conv_flops(conv, height, width, in_features):
    kh, kw = conv.kernel_size
    return 2 * kh * kw * in_features * conv.filters * height * width


def forward_flops(model):
    """FLOPs of one forward pass for one image (convolutions and recurrent matmuls; the
    elementwise gate arithmetic is left out)."""
    height, width, channels = model.image_shape
    total = 0
    features = channels
    for layer in model.layers:
        if isinstance(layer, MaskedConv2D):
            total += conv_flops(layer, height, width, features)
            features = layer.filters
        elif isinstance(layer, ResidualBlock):
            h = layer.hidden_dim
            if layer.kind == "pixel_cnn":
                total += (conv_flops(layer.reduce, height, width, 2 * h)
                          + conv_flops(layer.core, height, width, h))
            elif isinstance(layer.core, RowLSTM):
                total += (conv_flops(layer.core.input_to_state, height, width, 2 * h)
                          + 2 * 3 * h * 4 * h * height * width)
            elif isinstance(layer.core, DiagonalBiLSTM):
                for direction in (layer.core.left_to_right, layer.core.right_to_left):
                    total += (conv_flops(direction.input_to_state, height, width, 2 * h)
                              + 2 * 2 * h * 4 * h * height * (width + height - 1))
            total += conv_flops(layer.expand, height, width, h)
        elif isinstance(layer, OutputHead):
            for skip in layer.skips:
                total += conv_flops(skip, height, width, features)
            total += conv_flops(layer.hidden, height, width,
                                layer.output_dim if layer.num_skips else features)
            total += conv_flops(layer.logits, height, width, layer.output_dim)
    return total


def training_flops(model):
    """Forward plus backward (about twice the forward) per image."""
    return 3 * forward_flops(model)


def matmul_peak(size=2048, repeats=10):
    """Measured float32 matmul rate of this machine (FLOP/s), median of ``repeats``."""
    import tensorflow as tf

    a = tf.random.normal((size, size))
    b = tf.random.normal((size, size))
    matmul = tf.function(lambda: tf.reduce_sum(tf.matmul(a, b)))
    matmul()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        matmul().numpy()
        times.append(time.perf_counter() - start)
    return 2 * size ** 3 / float(np.median(times))
