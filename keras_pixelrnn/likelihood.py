"""Exact log-likelihood of images under a model, in nats and bits/dim."""

import math

import keras
import numpy as np

from keras_pixelrnn.losses import subpixel_nll
from keras_pixelrnn.validation import check_images


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class SubPixelNLL(keras.layers.Layer):
    """``[images, logits]`` → per-sub-pixel NLL in nats (kept in float32 or wider)."""

    def call(self, inputs):
        images, logits = inputs
        return subpixel_nll(images, logits)

    def compute_output_spec(self, inputs):
        return keras.KerasTensor(inputs[0].shape, dtype=inputs[1].dtype)


def _nll_model(model):
    """A cached model ``images → (B, H, W, C)`` NLL, compiled once by ``predict_on_batch``."""
    cached = model.__dict__.get("_kp_nll_model")   # not a tracked attribute: not saved
    if cached is None:
        nll = SubPixelNLL(dtype=model.outputs[0].dtype)([model.inputs[0], model.outputs[0]])
        cached = keras.Model(model.inputs[0], nll)
        model.__dict__["_kp_nll_model"] = cached
    return cached


def log_prob(model, images, batch_size=32):
    """Log-likelihood of each image, in nats: the sum of its sub-pixels' log-probabilities.

    Args:
        model: a model from :mod:`keras_pixelrnn.models`.
        images: ``(B, H, W, C)`` integer pixel values in ``[0, model.num_levels)``.
        batch_size: images per forward pass.

    Returns:
        float64 numpy array ``(B,)``.
    """
    images = check_images(images, model.image_shape, model.num_levels)
    nll_model = _nll_model(model)
    totals = []
    for start in range(0, len(images), batch_size):
        nll = nll_model.predict_on_batch(images[start:start + batch_size])
        totals.append(np.asarray(nll, dtype="float64").sum(axis=(1, 2, 3)))
    return -np.concatenate(totals)


def bits_per_dim(model, images, batch_size=32):
    """Negative log-likelihood of each image in bits per sub-pixel, ``(B,)``."""
    dims = math.prod(model.image_shape)
    return -log_prob(model, images, batch_size) / (dims * math.log(2.0))
