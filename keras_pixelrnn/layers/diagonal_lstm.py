"""DiagonalLSTM: one direction of the paper's Diagonal BiLSTM (§3.2)."""

import keras
import numpy as np
from keras import ops

from keras_pixelrnn.layers.crop import shift_down
from keras_pixelrnn.layers.lstm_cell import lstm_update
from keras_pixelrnn.layers.masked_conv2d import MaskedConv2D
from keras_pixelrnn.layers.scan import scan
from keras_pixelrnn.layers.skew import skew, unskew


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class DiagonalLSTM(keras.layers.Layer):
    """Left-to-right Diagonal LSTM: one image diagonal per step.

    The input-to-state map is a 1×1 mask-B convolution over the whole input. The map is
    skewed (row ``r`` shifted right by ``r``) so that every diagonal is a column, and the
    recurrence runs over those ``H + W - 1`` columns. The state-to-state part is a 2×1
    convolution down the previous column, so that the state at image position ``(i, j)``
    sees the hidden states at ``(i - 1, j)`` and ``(i, j - 1)``; the cell state carries from
    ``(i, j - 1)``. Positions outside the image hold zero state, so every boundary behaves as
    a zero initial state. The result is unskewed back to ``(H, W)``.

    On its own the layer sees every pixel above-left of (and including) the current one;
    :class:`DiagonalBiLSTM` adds the mirrored direction for the pixels above-right.

    Args:
        units: hidden state size ``h``.
        color_channels: number of colour groups (1 grey, 3 RGB).
        kernel_initializer: initializer for both kernels.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: ``(batch, height, width, features)``.
        condition: optional term added to the input-to-state map, broadcastable to
            ``(batch, height, width, 4 * units)`` (conditional models).

    Input shape:
        ``(batch, height, width, features)``.

    Output shape:
        ``(batch, height, width, units)``.

    Example:
    >>> DiagonalLSTM(16)(np.zeros((2, 5, 7, 32), "float32")).shape
    (2, 5, 7, 16)

    Reference:
        van den Oord et al., "Pixel Recurrent Neural Networks", ICML 2016, §3.2.
    """

    def __init__(self, units, color_channels=1, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.color_channels = int(color_channels)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.input_to_state = MaskedConv2D(
            4 * self.units, 1, mask_type="B", color_channels=self.color_channels,
            out_chunks=4, kernel_initializer=self.kernel_initializer, dtype=self.dtype_policy,
            name="input_to_state")

    def build(self, input_shape):
        self.input_to_state.build(input_shape)
        # Taps (the state above, the state to the left), flattened: (2 * units, 4 * units).
        self.state_kernel = self.add_weight(
            name="state_kernel", shape=(2 * self.units, 4 * self.units),
            initializer=self.kernel_initializer)

    def cell(self, input_gates, h_up, h_left, c_left):
        """The state at one image position from its two neighbours' states.

        Args:
            input_gates: ``(..., 4 * units)`` input-to-state gates at the position.
            h_up: ``(..., units)`` hidden state one row up (zeros above the image).
            h_left: ``(..., units)`` hidden state one column left (zeros left of the image).
            c_left: ``(..., units)`` cell state one column left.

        Returns:
            ``(h, c)`` at the position.
        """
        taps = ops.concatenate([h_up, h_left], axis=-1)
        gates = input_gates + ops.matmul(taps, ops.cast(self.state_kernel, self.compute_dtype))
        return lstm_update(gates, c_left)

    def call(self, inputs, condition=None):
        _, height, width, _ = inputs.shape
        gates = self.input_to_state(inputs)
        if condition is not None:   # a term added to the input-to-state map (conditioning)
            gates = gates + ops.cast(condition, gates.dtype)
        gates = skew(gates)                # (B, H, W + H - 1, 4u)
        columns = ops.transpose(gates, (2, 0, 1, 3))              # (W + H - 1, B, H, 4u)
        # valid[k, r]: skewed position (r, k) is the image position (r, k - r).
        shift = np.arange(width + height - 1)[:, None] - np.arange(height)[None, :]
        valid = ops.cast((shift >= 0) & (shift < width), self.compute_dtype)[..., None]
        hs = self.scan_columns(columns, valid)
        return unskew(ops.transpose(hs, (1, 2, 0, 3)), width)

    def scan_columns(self, columns, valid):
        """The recurrence over the skewed columns.

        Args:
            columns: ``(T, B, H, 4 * units)`` input-to-state gates of the ``T = H + W - 1``
                skewed columns.
            valid: ``(T, H, 1)``: 1 where the skewed position is inside the image, else 0.

        Returns:
            ``(T, B, H, units)`` hidden states, zero outside the image.
        """
        def step(state, column):
            h_left, c_left = state
            input_gates, inside = column
            h_up = shift_down(h_left)           # the state one row up
            h, c = self.cell(input_gates, h_up, h_left, c_left)
            return h * inside, c * inside

        zeros = ops.zeros_like(columns[0, ..., : self.units])
        hs, _ = scan(step, (zeros, zeros), (columns, valid))
        return hs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "color_channels": self.color_channels,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        })
        return config
