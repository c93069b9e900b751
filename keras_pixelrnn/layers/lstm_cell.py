"""The LSTM gate arithmetic shared by the Row LSTM and the Diagonal LSTM (paper Eq. 3)."""

from keras import ops


def lstm_update(gates, c_prev):
    """One LSTM update from pre-activation gates.

    Args:
        gates: ``(..., 4 * units)`` pre-activations ordered ``[o, f, i, g]``
            (input-to-state plus state-to-state).
        c_prev: ``(..., units)`` previous cell state.

    Returns:
        ``(h, c)``, each ``(..., units)``.
    """
    o, f, i, g = ops.split(gates, 4, axis=-1)
    c = ops.sigmoid(f) * c_prev + ops.sigmoid(i) * ops.tanh(g)
    h = ops.sigmoid(o) * ops.tanh(c)
    return h, c
