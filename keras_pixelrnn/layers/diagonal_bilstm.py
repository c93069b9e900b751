"""DiagonalBiLSTM: both diagonal directions, the right-to-left one shifted down a row."""

import keras
from keras import ops

from keras_pixelrnn.layers.crop import shift_down
from keras_pixelrnn.layers.diagonal_lstm import DiagonalLSTM
from keras_pixelrnn.layers.scan import scan


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class DiagonalBiLSTM(keras.layers.Layer):
    """Diagonal BiLSTM (paper §3.2).

    A left-to-right :class:`DiagonalLSTM` on the input and a second one on the mirrored input
    (right to left), mirrored back. The right-to-left map at ``(i, j)`` has seen pixels to the
    right of ``j`` on row ``i`` -- later pixels -- so it is shifted down by one row before the
    two maps are added: row ``i`` of the output gets row ``i - 1`` of the right-to-left map
    (zeros for the first row). Together the two directions see every earlier pixel, from the
    first layer on: the receptive field has no blind spot.

    Args:
        units: hidden state size ``h`` of each direction.
        color_channels: number of colour groups (1 grey, 3 RGB).
        kernel_initializer: initializer for the kernels.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: ``(batch, height, width, features)``.
        condition: optional term added to the input-to-state maps (conditional models),
            broadcastable to ``(batch, height, width, 8 * units)``: the first ``4 * units``
            features go to the left-to-right direction, the rest to the right-to-left one.
            It must not depend on the image.

    Input shape:
        ``(batch, height, width, features)``.

    Output shape:
        ``(batch, height, width, units)``.

    Example:
    >>> DiagonalBiLSTM(16)(np.zeros((2, 5, 7, 32), "float32")).shape
    (2, 5, 7, 16)

    Reference:
        van den Oord et al., "Pixel Recurrent Neural Networks", ICML 2016, §3.2.
    """

    def __init__(self, units, color_channels=1, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.color_channels = int(color_channels)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        common = dict(units=self.units, color_channels=self.color_channels,
                      kernel_initializer=self.kernel_initializer, dtype=self.dtype_policy)
        self.left_to_right = DiagonalLSTM(name="left_to_right", **common)
        self.right_to_left = DiagonalLSTM(name="right_to_left", **common)

    def build(self, input_shape):
        self.left_to_right.build(input_shape)
        self.right_to_left.build(input_shape)

    def call(self, inputs, condition=None):
        forward = backward = None
        if condition is not None:
            forward, backward = self._split(condition)
            if backward.shape[2] != 1:
                backward = ops.flip(backward, axis=2)
        left_to_right = self.left_to_right(inputs, condition=forward)
        right_to_left = ops.flip(self.right_to_left(ops.flip(inputs, axis=2),
                                                    condition=backward), axis=2)
        return left_to_right + shift_down(right_to_left)

    def _split(self, condition):
        return condition[..., : 4 * self.units], condition[..., 4 * self.units:]

    def left_to_right_pixel(self, x, h_up, h_left, c_left, condition=None):
        """Left-to-right ``(h, c)`` at one position from its input ``x`` ``(batch, features)``
        and the neighbours' states (zeros outside the image); see ``DiagonalLSTM.cell``.
        ``condition``: ``(batch, 8 * units)``, the ``condition`` of ``call`` there."""
        layer = self.left_to_right
        gates = layer.input_to_state.call_window(x[:, None, None, :])
        if condition is not None:
            gates = gates + self._split(condition)[0]
        return layer.cell(gates, h_up, h_left, c_left)

    def right_to_left_row(self, x_row, h_up_row, condition_row=None):
        """Right-to-left hidden states of one whole row, for incremental computation.

        Args:
            x_row: ``(batch, width, features)`` the layer inputs along the row.
            h_up_row: ``(batch, width, units)`` the right-to-left hidden states of the row
                above (zeros for the first row).
            condition_row: ``(batch, width, 8 * units)``: the ``condition`` of ``call``
                along the row.

        Returns:
            ``(batch, width, units)``: what ``call`` adds to the row below.
        """
        layer = self.right_to_left
        gates = layer.input_to_state.call_window(x_row[:, :, None, None, :])
        if condition_row is not None:
            gates = gates + self._split(condition_row)[1]

        def step(state, column):
            h_right, c_right = state
            input_gates, h_up = column
            return layer.cell(input_gates, h_up, h_right, c_right)

        columns = (ops.flip(ops.transpose(gates, (1, 0, 2)), axis=0),
                   ops.flip(ops.transpose(h_up_row, (1, 0, 2)), axis=0))
        zeros = ops.zeros_like(h_up_row[:, 0])
        hs, _ = scan(step, (zeros, zeros), columns)
        return ops.transpose(ops.flip(hs, axis=0), (1, 0, 2))

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

