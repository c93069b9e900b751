"""Checks on user images, with errors that say what was wrong and what to do.

``check_integer_pixels`` and ``check_pixel_range`` are the one check of pixel arrays (dtype,
integer values, range); the model-facing ``check_images`` adds the model's image shape, and
``kp.data.from_numpy`` uses them for datasets. Only numpy is imported here.
"""

import numpy as np


def check_integer_pixels(array, name="images"):
    """Checks that ``array`` holds integer pixel values (in any numeric dtype).

    Args:
        array: numpy array of any shape (bool, integer or integer-valued float).
        name: how to call the argument in error messages.

    Returns:
        The array, with booleans turned into integers.

    Raises:
        TypeError: for a non-numeric dtype.
        ValueError: for an empty array or non-integer values.
    """
    if array.dtype == bool:
        array = array.astype("uint8")
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must hold integer pixel values, got dtype {array.dtype}.")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}).")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} contains NaN or infinite values.")
        if np.any(array != np.round(array)):
            low, high = float(array.min()), float(array.max())
            if low >= 0 and high <= 1:
                raise ValueError(
                    f"{name} are floats in [0, 1] (min {low:g}, max {high:g}) but pixel values "
                    "must be integer levels: for 8-bit data convert with "
                    "(x * 255).round().astype('uint8'); to binarize, use "
                    "keras_pixelrnn.data.binarize.")
            raise ValueError(
                f"{name} must hold integer pixel values, but the {array.dtype} array has "
                f"fractional values (min {low:g}, max {high:g}); quantize it first, e.g. "
                "np.round(x).astype('uint8').")
    return array


def check_pixel_range(array, num_levels, name="images"):
    """Checks that the integer pixel values of ``array`` lie in ``[0, num_levels)``; returns
    the array."""
    low, high = array.min(), array.max()
    if low < 0 or high >= num_levels:
        hint = ""
        if low >= 0:
            hint = (f" If the values are the levels 0..{int(high)}, that is "
                    f"num_levels={int(high) + 1}" + (" (8-bit images: num_levels=256)"
                                                     if high < 256 else "")
                    + "; otherwise rescale, quantize or binarize the images.")
        raise ValueError(f"{name} must hold pixel values in [0, {num_levels}) "
                         f"(num_levels={num_levels}), got min {low:g} and max {high:g}.{hint}")
    return array


def check_images(images, image_shape, num_levels, name="images"):
    """Validates a batch of integer images against a model's image shape and levels.

    Args:
        images: array-like ``(B, H, W, C)`` (or ``(B, H, W)`` for one-channel images) of
            integer pixel values, in an integer or float dtype.
        image_shape: the model's ``(H, W, C)``.
        num_levels: the model's number of pixel values; values must be in ``[0, num_levels)``.
        name: how to call the argument in error messages.

    Returns:
        The images as an ``int32`` numpy array of shape ``(B, H, W, C)``.

    Raises:
        TypeError: for a non-numeric dtype.
        ValueError: for a wrong rank, image size, channel count, non-integer values, or values
            outside ``[0, num_levels)``.
    """
    height, width, channels = image_shape
    array = check_integer_pixels(np.asarray(images), name)
    if array.ndim == 3 and channels == 1:
        array = array[..., None]
    if array.ndim != 4:
        hint = (" For a single image add a batch axis: images[None]."
                if array.ndim == 3 else "")
        raise ValueError(f"{name} must be a batch of shape (batch, {height}, {width}, "
                         f"{channels}), got shape {array.shape}.{hint}")
    if array.shape[-1] != channels:
        raise ValueError(f"{name} have {array.shape[-1]} colour channels but the model was "
                         f"built for {channels} (image_shape={tuple(image_shape)}).")
    if array.shape[1:3] != (height, width):
        raise ValueError(f"{name} are {array.shape[1]}x{array.shape[2]} pixels but the model "
                         f"was built for {height}x{width} (image_shape={tuple(image_shape)}); "
                         "resize the images or build the model for this size.")
    return check_pixel_range(array, num_levels, name).astype("int32")
