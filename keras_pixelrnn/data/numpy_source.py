"""Datasets from in-memory arrays, with checks that say what is wrong."""

import dataclasses

import numpy as np
import tensorflow as tf

from keras_pixelrnn import validation
from keras_pixelrnn.data import binarization
from keras_pixelrnn.data import pipeline
from keras_pixelrnn.data.info import DatasetInfo


def _as_image_array(images, num_levels):
    """Validates `images` and returns `(uint8 array (N, H, W, C), num_levels)`."""
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., np.newaxis]
    elif x.ndim != 4:
        raise ValueError(
            f"images must have shape (N, H, W) or (N, H, W, C), got shape "
            f"{x.shape}. For a single image add a batch axis: images[None]."
        )
    if x.dtype == bool:
        num_levels = 2 if num_levels is None else num_levels
    x = validation.check_integer_pixels(x)
    if num_levels is None:
        if x.dtype != np.uint8:
            hint = ""
            if x.size and x.dtype.kind in "iu" and x.min() >= 0:
                hint = (f", or num_levels={int(x.max()) + 1} if the values are the levels "
                        f"0..{int(x.max())}")
            raise ValueError(
                f"num_levels is needed for {x.dtype} images: pass num_levels=256 for 8-bit "
                f"data{hint}."
            )
        num_levels = 256
    if isinstance(num_levels, bool) or not isinstance(num_levels, (int, np.integer)) \
            or not 2 <= num_levels <= 256:
        raise ValueError(
            f"num_levels must be an int in [2, 256], got {num_levels!r}."
        )
    x = validation.check_pixel_range(x, num_levels)
    return x.astype(np.uint8), int(num_levels)


def from_numpy(
    images,
    num_levels=None,
    batch_size=16,
    shuffle=False,
    seed=0,
    repeat=False,
    drop_remainder=False,
    binarize=None,
    with_info=False,
    name="numpy",
):
    """Builds an image-batch dataset from an array of integer images.

    Args:
        images: Array of shape `(N, H, W)` (grey; a channel axis is added) or
            `(N, H, W, C)` with integer pixel values (any integer dtype, bool,
            or floats holding integers).
        num_levels: Number of pixel levels; values must lie in
            `[0, num_levels)`. Inferred as 256 for uint8 (2 for bool); required
            for other dtypes.
        batch_size: Images per batch.
        shuffle: Whether to shuffle each epoch (seeded by `seed`).
        seed: Seed of the shuffle and of the binarization.
        repeat: Whether to repeat forever.
        drop_remainder: Whether to drop the last, smaller batch.
        binarize: `None`, `"fixed"` (drawn once: identical to
            `binarize(images, seed, num_levels)`) or `"dynamic"` (redrawn every
            epoch). Only for grey images; the result has 2 levels.
        with_info: Whether to also return a `DatasetInfo`.
        name: Name reported in the `DatasetInfo`.

    Returns:
        A `tf.data.Dataset` of uint8 batches `(B, H, W, C)`, or
        `(dataset, info)` when `with_info=True`.

    Raises:
        ValueError: If the array has the wrong rank, is empty, holds
            non-integer values or values outside `[0, num_levels)`.

    Example:

    >>> ds = from_numpy(np.zeros((10, 28, 28), "uint8"), batch_size=4)
    >>> next(iter(ds)).shape
    TensorShape([4, 28, 28, 1])
    """
    x, num_levels = _as_image_array(images, num_levels)
    binarization.check_mode(binarize, x.shape[1:], num_levels, name)
    info = DatasetInfo(name, tuple(int(d) for d in x.shape[1:]), num_levels,
                       ("all",), {"all": int(x.shape[0])})
    if binarize == "fixed":
        x = binarization.binarize(x, seed, num_levels)
    dataset = pipeline.batch_images(
        tf.data.Dataset.from_tensor_slices(x),
        num_levels=num_levels,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        repeat=repeat,
        drop_remainder=drop_remainder,
        binarize="dynamic" if binarize == "dynamic" else None,
        in_memory=True,
    )
    if binarize is not None:
        info = dataclasses.replace(info, num_levels=2)
    return (dataset, info) if with_info else dataset
