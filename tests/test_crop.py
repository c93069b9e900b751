"""crop: the recurrent layers' crops are Slice ops, so no StridedSliceGrad in training."""

import keras
import numpy as np
import pytest

import keras_pixelrnn as kp
from keras_pixelrnn.layers.crop import crop


@pytest.mark.parametrize("axis, start, size", [(1, 0, 3), (-2, 1, 2), (3, 2, 1), (0, 1, 0)])
def test_crop_equals_numpy_slicing(axis, start, size):
    x = np.random.default_rng(0).normal(size=(2, 4, 5, 3)).astype("float32")
    index = [slice(None)] * 4
    index[axis] = slice(start, start + size)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(crop(x, axis, start, size)),
                                  x[tuple(index)])


def _training_op_types(family):
    """Op types in the graph (while-loop bodies included) of one gradient step."""
    import tensorflow as tf

    model = kp.models.BUILDERS[family](image_shape=(4, 5, 3), num_levels=4, num_layers=2,
                                       hidden_dim=4)
    x = tf.constant(np.random.default_rng(0).integers(0, 4, (2, 4, 5, 3)), tf.int32)

    @tf.function
    def gradients():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(model(x)))
        return tape.gradient(loss, model.trainable_weights)

    graph = gradients.get_concrete_function().graph.as_graph_def()
    nodes = list(graph.node) + [n for f in graph.library.function for n in f.node_def]
    return {node.op for node in nodes}


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow graphs")
@pytest.mark.parametrize("family", ["row_lstm", "diagonal_bilstm"])
def test_training_graph_has_no_strided_slice_gradient(family):
    """StridedSliceGrad, a slow CPU kernel, is gone from the training graph (the benchmark's
    crop suite measures what it cost); the benchmark's 'before' variant brings it back."""
    from benchmarks.crop import strided_slices

    op_types = _training_op_types(family)
    assert "While" in op_types or "StatelessWhile" in op_types     # the loop body is seen
    assert "StridedSliceGrad" not in op_types
    with strided_slices():
        assert "StridedSliceGrad" in _training_op_types(family)
