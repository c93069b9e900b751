"""Cropping a tensor along one axis with a ``Slice`` op rather than a strided slice.

On the TensorFlow backend ``x[:, a:b]`` is a ``StridedSlice``, whose gradient
(``StridedSliceGrad``) is a slow generic CPU kernel: it was the largest item in the
profile of a Diagonal BiLSTM training step (benchmarks/OPTIMISATIONS.md, and the ``crop``
suite of the benchmarks, which measures its share). ``ops.slice`` is a
``Slice``, whose gradient is a ``Pad``. Every crop on the recurrent layers' training path
goes through :func:`crop`.
"""

from keras import ops


def crop(x, axis, start, size):
    """``x`` restricted to ``[start, start + size)`` along ``axis`` (static ints)."""
    rank = len(x.shape)
    axis = axis % rank
    begin = [0] * rank
    shape = [-1] * rank
    begin[axis] = start
    shape[axis] = size
    return ops.slice(x, begin, shape)


def shift_down(x, axis=1):
    """Moves ``x`` one step along ``axis`` (row ``r`` gets row ``r - 1``), zeros first."""
    axis = axis % len(x.shape)
    paddings = [(0, 0)] * len(x.shape)
    paddings[axis] = (1, 0)
    return ops.pad(crop(x, axis, 0, x.shape[axis] - 1), paddings)
