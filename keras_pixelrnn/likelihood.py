"""Exact log-likelihood of images under a model, in nats and bits/dim."""

import math

import keras
import numpy as np

from keras_pixelrnn.losses import subpixel_nll
from keras_pixelrnn import conditioning


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
        images = conditioning.images_input(model)
        nll = SubPixelNLL(dtype=model.outputs[0].dtype)([images, model.outputs[0]])
        cached = keras.Model(model.input, nll)
        model.__dict__["_kp_nll_model"] = cached
    return cached


def log_prob(model, images, batch_size=32, class_label=None, condition=None):
    """Log-likelihood of each image, in nats: the sum of its sub-pixels' log-probabilities.

    Args:
        model: a model from :mod:`keras_pixelrnn.models`.
        images: ``(B, H, W, C)`` integer pixel values in ``[0, model.num_levels)``.
        batch_size: images per forward pass.
        class_label, condition: the conditions of a conditional model (see
            :func:`keras_pixelrnn.conditioning.check_conditions`): ``log p(x | condition)``.

    Returns:
        float64 numpy array ``(B,)``.
    """
    if hasattr(model, "log_prob"):   # models with their own likelihood (multi-scale)
        return model.log_prob(images, batch_size=batch_size, class_label=class_label)
    inputs = conditioning.model_inputs(model, images, class_label, condition)
    nll_model = _nll_model(model)
    count = len(inputs["images"]) if isinstance(inputs, dict) else len(inputs)
    totals = []
    for start in range(0, count, batch_size):
        nll = nll_model.predict_on_batch(_rows(inputs, start, start + batch_size))
        totals.append(np.asarray(nll, dtype="float64").sum(axis=(1, 2, 3)))
    return -np.concatenate(totals)


def bits_per_dim(model, images, batch_size=32, class_label=None, condition=None):
    """Negative log-likelihood of each image in bits per sub-pixel, ``(B,)``."""
    dims = math.prod(model.image_shape)
    return -log_prob(model, images, batch_size, class_label, condition) / (dims * math.log(2.0))


def _rows(inputs, start, end):
    if isinstance(inputs, dict):
        return {name: value[start:end] for name, value in inputs.items()}
    return inputs[start:end]
