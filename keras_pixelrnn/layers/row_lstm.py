"""RowLSTM: the paper's Row LSTM layer (§3.1), one whole row per step."""

import keras
from keras import ops

from keras_pixelrnn.layers.crop import crop
from keras_pixelrnn.layers.lstm_cell import lstm_update
from keras_pixelrnn.layers.masked_conv2d import MaskedConv2D
from keras_pixelrnn.layers.scan import scan


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class RowLSTM(keras.layers.Layer):
    """Row LSTM: an LSTM that runs down the image one row at a time.

    The input-to-state map is a ``(1, 3)`` mask-B convolution computed once for the whole
    input (``4 * units`` features, gates ``[o, f, i, g]``). The recurrence then runs over rows
    only: row ``i``'s gates add a ``(1, 3)`` unmasked convolution over row ``i - 1``'s hidden
    state (paper Eq. 3)::

        [o, f, i, g] = K_ss * h_{i-1} + K_is * x_i
        c_i = sigmoid(f) c_{i-1} + sigmoid(i) tanh(g),   h_i = sigmoid(o) tanh(c_i)

    The state starts from zeros above the first row. Units are split into ``color_channels``
    groups; each gate's unit ``k`` lies in the same group as state unit ``k``, so the colour
    order survives the gates and the cell state. The receptive field is a triangle above the
    pixel (it widens by one pixel per row upwards) plus the pixels to its left that the input
    convolutions reach.

    Args:
        units: hidden state size ``h``.
        color_channels: number of colour groups (1 grey, 3 RGB).
        kernel_initializer: initializer for both kernels.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: ``(batch, height, width, features)``.
        condition: optional term added to the input-to-state map (conditional models):
            broadcastable to ``(batch, height, width, 4 * units)``, e.g. ``(batch, 1, 1,
            4 * units)`` for a class embedding. It must not depend on the image.

    Input shape:
        ``(batch, height, width, features)``.

    Output shape:
        ``(batch, height, width, units)``.

    Example:
    >>> RowLSTM(16)(np.zeros((2, 5, 7, 32), "float32")).shape
    (2, 5, 7, 16)

    Reference:
        van den Oord et al., "Pixel Recurrent Neural Networks", ICML 2016, §3.1.
    """

    def __init__(self, units, color_channels=1, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.color_channels = int(color_channels)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.input_to_state = MaskedConv2D(
            4 * self.units, (1, 3), mask_type="B", color_channels=self.color_channels,
            out_chunks=4, kernel_initializer=self.kernel_initializer, dtype=self.dtype_policy,
            name="input_to_state")

    def build(self, input_shape):
        self.input_to_state.build(input_shape)
        # Taps (left, centre, right) of the previous row's h, flattened: (3 * units, 4 * units).
        self.state_kernel = self.add_weight(
            name="state_kernel", shape=(3 * self.units, 4 * self.units),
            initializer=self.kernel_initializer)

    def state_to_state(self, h_prev):
        """Gate contribution of the previous row's hidden state.

        Args:
            h_prev: ``(..., width, units)``.

        Returns:
            ``(..., width, 4 * units)``.
        """
        padded = ops.pad(h_prev, [(0, 0)] * (len(h_prev.shape) - 2) + [(1, 1), (0, 0)])
        width = h_prev.shape[-2]
        taps = ops.concatenate([crop(padded, -2, k, width) for k in range(3)], axis=-1)
        return ops.matmul(taps, ops.cast(self.state_kernel, self.compute_dtype))

    def step(self, state, input_gates):
        """One row of the recurrence: ``(h, c)`` of row ``i - 1`` → of row ``i``."""
        h_prev, c_prev = state
        return lstm_update(input_gates + self.state_to_state(h_prev), c_prev)

    def pixel_step(self, window, state_gates, c_up, condition=None):
        """The state at one position, for incremental (cached) computation.

        Args:
            window: ``(batch, 1, 3, features)`` layer inputs at ``(i, j - 1 .. j + 1)`` (the
                right tap is masked out, so its content does not matter).
            state_gates: ``(batch, 4 * units)``: ``state_to_state(h of row i - 1)[:, j]``.
            c_up: ``(batch, units)`` cell state at ``(i - 1, j)``.
            condition: ``(batch, 4 * units)`` the ``condition`` of ``call`` at ``(i, j)``.

        Returns:
            ``(h, c)`` at ``(i, j)``, exactly as ``call`` computes them.
        """
        gates = self.input_to_state.call_window(window) + state_gates
        return lstm_update(gates if condition is None else gates + condition, c_up)

    def call(self, inputs, condition=None):
        gates = self.input_to_state(inputs)                        # (B, H, W, 4u)
        if condition is not None:
            gates = gates + ops.cast(condition, gates.dtype)
        rows = ops.transpose(gates, (1, 0, 2, 3))                  # (H, B, W, 4u)
        zeros = ops.zeros_like(rows[0, ..., : self.units])
        hs, _ = scan(self.step, (zeros, zeros), rows)
        return ops.transpose(hs, (1, 0, 2, 3))

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
