"""Public sampling and completion functions."""

import math
import sys

import keras
import numpy as np
import tensorflow as tf

from keras_pixelrnn import conditioning
from keras_pixelrnn.sampling import cached, naive
from keras_pixelrnn.sampling.draw import fold_in
from keras_pixelrnn.validation import check_images

METHODS = {"cached": cached.CachedSampler, "naive": naive.NaiveSampler}


def sample(model, num_samples, seed=None, temperature=1.0, method="cached", batch_size=64,
           progress=False, class_label=None, condition=None):
    """Draws images from a model, sub-pixel by sub-pixel in raster order, colours R, G, B.

    Args:
        model: a model from :mod:`keras_pixelrnn.models`.
        num_samples: number of images, ``> 0``.
        seed: int, or a pair of ints; None draws a random seed. The same seed, number of
            samples and ``batch_size`` give the same images, whatever the ``method``.
        temperature: ``> 0``; logits are divided by it (``< 1`` sharpens, ``> 1`` flattens).
        method: ``"cached"`` (default: each step computes one position per layer, about one
            forward pass of work per image) or ``"naive"`` (the reference: one full forward
            pass per sub-pixel).
        batch_size: images sampled together; batch ``k`` uses the seed
            ``fold_in(seed, k)``.
        progress: show a progress bar (rows of every batch).
        class_label: for a class-conditional model: one int (every sample of that class) or
            ``num_samples`` ints.
        condition: for a model conditioned on a low-resolution image: ``(num_samples, h, w,
            C)`` images (or one ``(h, w, C)`` image for all).

    Returns:
        int32 numpy array ``(num_samples, H, W, C)``.
    """
    num_samples = _positive_int(num_samples, "num_samples")
    if hasattr(model, "sample"):   # models with their own sampler (multi-scale)
        return model.sample(num_samples, seed=seed, temperature=temperature, method=method,
                            batch_size=batch_size, progress=progress, class_label=class_label)
    shape = (num_samples,) + tuple(model.outputs[0].shape[1:4])
    images = np.zeros(shape, "int32")
    conditions = conditioning.check_conditions(model, num_samples, class_label, condition)
    return _run(model, images, np.zeros(shape, bool), seed, temperature, method, batch_size,
                progress, conditions)


def complete(model, images, known_mask, seed=None, temperature=1.0, method="cached",
             batch_size=64, progress=False, class_label=None, condition=None):
    """Fills in the unknown sub-pixels of ``images`` by sampling, in raster order.

    Each unknown sub-pixel is drawn from the model's distribution given every sub-pixel before
    it in raster order (given or already sampled). Given sub-pixels come back unchanged.
    What is *not* conditioned on: given pixels that come after an unknown one (for example,
    with the top half hidden, the bottom half is ignored while the top is sampled), because an
    autoregressive model only conditions on the past; occlusions that leave the image's start
    given and hide what follows (the paper's bottom-half demo) are conditioned on exactly.

    Args:
        model: a model from :mod:`keras_pixelrnn.models`.
        images: ``(B, H, W, C)`` integer pixels in ``[0, num_levels)``; values where
            ``known_mask`` is False are ignored.
        known_mask: booleans ``(B, H, W)`` (whole pixels) or ``(B, H, W, C)`` (sub-pixels),
            True where the value is given.
        seed, temperature, method, batch_size, progress, class_label, condition: as in
            :func:`sample` (one condition per image).

    Returns:
        int32 numpy array ``(B, H, W, C)``.
    """
    if hasattr(model, "complete"):   # models with their own sampler (multi-scale)
        return model.complete(images, known_mask, seed=seed, temperature=temperature,
                              method=method, batch_size=batch_size, progress=progress,
                              class_label=class_label)
    image_shape = tuple(model.outputs[0].shape[1:4])
    num_levels = int(model.outputs[0].shape[-1])
    array = np.asarray(images)
    # Shape first (values where nothing is given may be any placeholder, e.g. -1).
    shape = check_images(np.zeros(array.shape, "int32"), image_shape, num_levels).shape
    known = np.asarray(known_mask)
    if known.dtype != bool:
        raise TypeError(f"known_mask must be booleans (True where the pixel is given), got "
                        f"dtype {known.dtype}.")
    if known.shape not in (shape[:3], shape):
        raise ValueError(f"known_mask must have shape {shape[:3]} (whole pixels) or {shape} "
                         f"(sub-pixels) to match the images, got {known.shape}.")
    known = np.ascontiguousarray(np.broadcast_to(known.reshape(shape[:3] + (-1,)), shape))
    given = check_images(np.where(known, array.reshape(shape), 0), image_shape, num_levels)
    conditions = conditioning.check_conditions(model, shape[0], class_label, condition)
    return _run(model, given, known, seed, temperature, method,
                batch_size, progress, conditions)


def _run(model, images, known, seed, temperature, method, batch_size, progress,
         conditions=None):
    sampler = sampler_of(model, method)
    temperature = float(temperature)
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive number, got {temperature}.")
    batch_size = _positive_int(batch_size, "batch_size")
    seed = _seed(seed)
    height = images.shape[1]
    batches = range(0, len(images), batch_size)
    bar = None
    if progress:   # one line per update where output is not a terminal (logs, notebooks)
        bar = keras.utils.Progbar(len(batches) * height, unit_name="row",
                                  verbose=1 if sys.stdout.isatty() else 2)
    out = []
    for k, start in enumerate(batches):
        args = (tf.constant(images[start:start + batch_size]),
                tf.constant(known[start:start + batch_size]), fold_in(seed, k),
                tf.constant(temperature, tf.float32),
                {name: tf.constant(value[start:start + batch_size])
                 for name, value in (conditions or {}).items()})
        if bar is None:
            result = sampler(*args)
        else:
            for result in sampler.rows(*args):
                bar.add(1)
        out.append(result.numpy())
    return np.concatenate(out)


def sampler_of(model, method="cached"):
    """The sampler of ``model`` for ``method``, kept on the model so that it traces once."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}.")
    samplers = model.__dict__.setdefault("_kp_samplers", {})   # untracked: never saved
    if method not in samplers:
        samplers[method] = METHODS[method](model)
    return samplers[method]


def _seed(seed):
    if seed is None:
        seed = np.random.randint(0, 2**31 - 1)
    values = np.atleast_1d(np.asarray(seed))
    if not np.issubdtype(values.dtype, np.integer) or values.size not in (1, 2):
        raise ValueError(f"seed must be an int or a pair of ints, got {seed!r}.")
    if values.size == 1:
        values = np.array([int(values[0]), 0])
    if values.shape != (2,):
        raise ValueError(f"seed must be an int or a pair of ints, got {seed!r}.")
    return tf.constant(values, tf.int64)


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)
