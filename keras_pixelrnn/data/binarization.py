"""Stochastic binarization of grey images: each pixel ~ Bernoulli(value / max).

This is how the standard binarized MNIST was made (drawn once, "fixed"). Training
data may instead be redrawn every epoch ("dynamic"), a fair regulariser as long
as the evaluation data stays fixed. Thresholding is deliberately not offered: it
gives much lower negative log-likelihoods that are not comparable with the
literature.
"""

import numpy as np
import tensorflow as tf

#: Accepted values of the `binarize=` argument.
MODES = (None, "fixed", "dynamic")


def binarize(images, seed=0, num_levels: int = 256) -> np.ndarray:
    """Binarizes images once, each pixel ~ Bernoulli(value / (num_levels - 1)).

    For 8-bit data this is exactly
    `(rng.random(x.shape) < x / 255.0).astype("uint8")` with
    `rng = np.random.default_rng(seed)`. Pass a `np.random.Generator` as `seed`
    to continue an existing random stream (e.g. to reproduce a snippet that
    permuted the data with the same generator first).

    Args:
        images: Integer array with values in `[0, num_levels)`, any shape.
        seed: An int seed or a `np.random.Generator`.
        num_levels: Number of grey levels of `images` (256 for 8-bit data).

    Returns:
        A uint8 array of the same shape with values in {0, 1}.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(images)
    return (rng.random(x.shape) < x / float(num_levels - 1)).astype("uint8")


def check_mode(binarize_arg, image_shape, num_levels: int, name: str) -> None:
    """Raises `ValueError` if `binarize_arg` is invalid or does not fit the data."""
    if binarize_arg not in MODES:
        hint = ""
        if binarize_arg in ("threshold", True):
            hint = (
                " Thresholding is not offered: it gives NLLs that are not "
                "comparable with published binarized-MNIST results; use "
                "'fixed' (evaluation) or 'dynamic' (training)."
            )
        raise ValueError(
            f"binarize must be None, 'fixed' or 'dynamic', got "
            f"{binarize_arg!r}.{hint}"
        )
    if binarize_arg is None:
        return
    if image_shape[-1] != 1 or num_levels <= 2:
        raise ValueError(
            f"binarize={binarize_arg!r} needs grey images with more than two "
            f"levels, but {name!r} has {image_shape[-1]} channel(s) and "
            f"{num_levels} levels"
            + (" (it is already binary)." if num_levels <= 2 else ".")
        )


def bernoulli(images, num_levels: int, seed):
    """Stateless TF binarization: the same `seed` gives the same result.

    Args:
        images: uint8 tensor with values in `[0, num_levels)`.
        num_levels: Number of grey levels of `images`.
        seed: int64 tensor of shape `[2]` (a stateless-random seed).

    Returns:
        A uint8 tensor of the same shape with values in {0, 1}.
    """
    probs = tf.cast(images, tf.float32) / float(num_levels - 1)
    noise = tf.random.stateless_uniform(tf.shape(images), seed=seed)
    return tf.cast(noise < probs, tf.uint8)
