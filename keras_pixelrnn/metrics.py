"""Likelihood metrics: bits per dimension and nats per image."""

import keras
from keras import ops

from keras_pixelrnn.losses import LN2, subpixel_nll


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class BitsPerDim(keras.metrics.Mean):
    """Mean negative log-likelihood per sub-pixel in bits (uniform over 256 levels = 8.0)."""

    def __init__(self, name="bits_per_dim", **kwargs):
        super().__init__(name=name, **kwargs)

    def update_state(self, y_true, y_pred, sample_weight=None):
        nll = ops.mean(subpixel_nll(y_true, y_pred), axis=(1, 2, 3)) / LN2
        return super().update_state(nll, sample_weight=sample_weight)


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class NatsPerImage(keras.metrics.Mean):
    """Mean negative log-likelihood per image in nats (how MNIST results are reported)."""

    def __init__(self, name="nats_per_image", **kwargs):
        super().__init__(name=name, **kwargs)

    def update_state(self, y_true, y_pred, sample_weight=None):
        nll = ops.sum(subpixel_nll(y_true, y_pred), axis=(1, 2, 3))
        return super().update_state(nll, sample_weight=sample_weight)
