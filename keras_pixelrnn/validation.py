"""Checks on user images, with errors that say what was wrong and what to do."""

import numpy as np


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
    array = np.asarray(images)
    if array.dtype == bool:
        array = array.astype("int32")
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must hold integer pixel values, got dtype {array.dtype}.")
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
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}).")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            hint = (" They look like intensities in [0, 1]: pass integer levels, e.g. "
                    "(x * 255).astype('uint8')." if array.min() >= 0 and array.max() <= 1 else "")
            raise ValueError(f"{name} must hold integer pixel values in [0, {num_levels}), "
                             f"got non-integer floats.{hint}")
    low, high = array.min(), array.max()
    if low < 0 or high >= num_levels:
        hint = ""
        if high < 256 and num_levels < 256 and low >= 0:
            hint = (" These look like 8-bit images: build the model with num_levels=256, or "
                    "quantize/binarize the images to the model's levels.")
        raise ValueError(f"{name} must hold pixel values in [0, {num_levels}) for this model "
                         f"(num_levels={num_levels}), got values from {low} to {high}.{hint}")
    return array.astype("int32")
