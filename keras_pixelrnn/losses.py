"""Negative log-likelihood of images under per-sub-pixel softmax outputs."""

import math

import keras
from keras import ops

LN2 = math.log(2.0)


def subpixel_nll(images, logits):
    """Nats of every sub-pixel: ``-log p(x[b, i, j, c] | earlier sub-pixels)``.

    Args:
        images: ``(B, H, W, C)`` integer pixel values (any numeric dtype).
        logits: ``(B, H, W, C, num_levels)``.

    Returns:
        ``(B, H, W, C)`` float tensor (the dtype of ``logits``).
    """
    return ops.sparse_categorical_crossentropy(ops.cast(images, "int32"), logits,
                                               from_logits=True)


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class PixelNLL(keras.losses.Loss):
    """Mean negative log-likelihood per sub-pixel, in nats (the default training loss).

    ``y_true`` are the images, ``y_pred`` the model's logits. Averaging over sub-pixels keeps
    the loss scale (and so the learning rate) independent of the image size; multiply by
    ``H * W * C`` for nats per image, divide by ``ln 2`` for bits/dim.
    """

    def __init__(self, name="pixel_nll", **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        return subpixel_nll(y_true, y_pred)
