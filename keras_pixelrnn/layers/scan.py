"""A loop over one axis that carries a state: the recurrent layers' only loop.

On the TensorFlow backend ``tf.scan`` (a ``tf.while_loop`` over TensorArrays) is used: it was
the fastest loop measured on CPU, it differentiates, and it runs under ``tf.distribute``.
Other backends use ``keras.ops.scan``.
"""

import keras
from keras import ops


def scan(step, initial_state, sequence):
    """Runs ``state = step(state, x)`` over the leading axis of ``sequence``.

    Args:
        step: ``(state, x) -> state``; ``state`` is a tuple of tensors, ``x`` a tensor or a
            tuple of tensors (one slice of ``sequence``).
        initial_state: tuple of tensors.
        sequence: tensor or tuple of tensors, all with the same leading (time) axis.

    Returns:
        The states after every step, stacked along a new leading axis (a tuple like
        ``initial_state``).
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.scan(step, sequence, initializer=initial_state)

    def body(state, x):
        new_state = step(state, x)
        return new_state, new_state

    _, states = ops.scan(body, initial_state, sequence)
    return states
