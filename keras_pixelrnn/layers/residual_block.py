"""ResidualBlock: one PixelCNN or PixelRNN layer with its residual connection (paper §3.3)."""

import keras
from keras import ops

from keras_pixelrnn.layers.diagonal_bilstm import DiagonalBiLSTM
from keras_pixelrnn.layers.masked_conv2d import MaskedConv2D
from keras_pixelrnn.layers.row_lstm import RowLSTM

KINDS = ("pixel_cnn", "row_lstm", "diagonal_bilstm")


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class ResidualBlock(keras.layers.Layer):
    """A residual block mapping ``2h`` features to ``2h`` features.

    * ``"pixel_cnn"``: ReLU, 1×1 mask-B conv to ``h``, ReLU, ``k×k`` mask-B conv, ReLU,
      1×1 mask-B conv back to ``2h`` (Figure 5, left).
    * ``"row_lstm"`` / ``"diagonal_bilstm"``: the recurrent layer reads the ``2h`` map (its
      input-to-state convolution makes the ``4h`` gates), and its ``h`` outputs are projected
      back to ``2h`` by a 1×1 mask-B convolution (Figure 5, right).

    The block input is added to the projection unless ``residual=False`` (the paper's
    ImageNet 64×64 Row LSTM has no residual connections).

    Args:
        hidden_dim: ``h``; the block's input and output have ``2h`` features.
        kind: ``"pixel_cnn"``, ``"row_lstm"`` or ``"diagonal_bilstm"``.
        color_channels: number of colour groups (1 grey, 3 RGB).
        kernel_size: spatial size of the PixelCNN block's masked convolution.
        residual: whether to add the block input to its output.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: ``(batch, height, width, 2 * hidden_dim)``.

    Input shape:
        ``(batch, height, width, 2 * hidden_dim)``.

    Output shape:
        ``(batch, height, width, 2 * hidden_dim)``.

    Example:
    >>> ResidualBlock(16, "row_lstm")(np.zeros((2, 5, 7, 32), "float32")).shape
    (2, 5, 7, 32)
    """

    def __init__(self, hidden_dim, kind="pixel_cnn", color_channels=1, kernel_size=3,
                 residual=True, **kwargs):
        super().__init__(**kwargs)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
        self.hidden_dim = int(hidden_dim)
        self.kind = kind
        self.color_channels = int(color_channels)
        self.kernel_size = int(kernel_size)
        self.residual = bool(residual)
        h, c = self.hidden_dim, self.color_channels
        conv = dict(mask_type="B", color_channels=c, dtype=self.dtype_policy)
        if kind == "pixel_cnn":
            self.reduce = MaskedConv2D(h, 1, name="reduce", **conv)
            self.core = MaskedConv2D(h, self.kernel_size, name="masked_conv", **conv)
        elif kind == "row_lstm":
            self.core = RowLSTM(h, color_channels=c, dtype=self.dtype_policy, name="row_lstm")
        else:
            self.core = DiagonalBiLSTM(h, color_channels=c, dtype=self.dtype_policy,
                                       name="diagonal_bilstm")
        self.expand = MaskedConv2D(2 * h, 1, name="expand", **conv)

    def build(self, input_shape):
        if self.residual and input_shape[-1] != 2 * self.hidden_dim:
            raise ValueError(f"A residual block with hidden_dim={self.hidden_dim} takes "
                             f"{2 * self.hidden_dim} input features, got {input_shape[-1]}.")
        inner = tuple(input_shape[:-1]) + (self.hidden_dim,)
        if self.kind == "pixel_cnn":
            self.reduce.build(input_shape)
            self.core.build(inner)
        else:
            self.core.build(input_shape)
        self.expand.build(inner)

    def call(self, inputs):
        if self.kind == "pixel_cnn":
            x = self.core(ops.relu(self.reduce(ops.relu(inputs))))
            x = self.expand(ops.relu(x))
        else:
            x = self.expand(self.core(inputs))
        return inputs + x if self.residual else x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (2 * self.hidden_dim,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "hidden_dim": self.hidden_dim,
            "kind": self.kind,
            "color_channels": self.color_channels,
            "kernel_size": self.kernel_size,
            "residual": self.residual,
        })
        return config
