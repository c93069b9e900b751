"""Skewing a feature map so that each image diagonal becomes one column (paper §3.2)."""

from keras import ops

from keras_pixelrnn.layers.crop import crop


def skew(x):
    """Shifts row ``r`` right by ``r``: ``(B, H, W, F)`` → ``(B, H, W + H - 1, F)``.

    Image position ``(i, j)`` lands at ``(i, i + j)``; the new positions are zeros.
    """
    _, height, width, features = x.shape
    padded = ops.pad(x, ((0, 0), (0, 0), (0, height), (0, 0)))          # (B, H, W + H, F)
    flat = ops.reshape(padded, (-1, height * (width + height), features))
    flat = crop(flat, 1, 0, height * (width + height - 1))
    return ops.reshape(flat, (-1, height, width + height - 1, features))


def unskew(x, width):
    """Inverse of :func:`skew`: ``(B, H, W + H - 1, F)`` → ``(B, H, W, F)``."""
    _, height, skewed_width, features = x.shape
    flat = ops.reshape(x, (-1, height * skewed_width, features))
    flat = ops.pad(flat, ((0, 0), (0, height), (0, 0)))
    return crop(ops.reshape(flat, (-1, height, width + height, features)), 2, 0, width)
