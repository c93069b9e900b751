"""Cropping a tensor along one axis with a ``Slice`` op rather than a strided slice.

On the TensorFlow backend ``x[:, a:b]`` is a ``StridedSlice``, whose gradient
(``StridedSliceGrad``) is a slow generic CPU kernel: it took 28% of a Diagonal BiLSTM
training step at the MNIST preset (benchmarks/OPTIMISATIONS.md). ``ops.slice`` is a
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
