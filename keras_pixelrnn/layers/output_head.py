"""OutputHead: skip connections, two ReLU + 1×1 mask-B layers, and per-sub-pixel logits."""

import keras
from keras import ops

from keras_pixelrnn.layers.masked_conv2d import MaskedConv2D


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class OutputHead(keras.layers.Layer):
    """Maps the last feature map to ``num_levels`` logits for every sub-pixel.

    With ``num_skips > 0`` the head takes a list of that many feature maps (one per layer:
    the paper's learnable skip connections), projects each with its own 1×1 mask-B
    convolution and sums them; otherwise it takes the last layer's map. Then ReLU, 1×1
    mask-B convolution to ``output_dim`` features, ReLU, 1×1 mask-B convolution to
    ``color_channels * num_levels`` features, reshaped so that colour ``c``'s logits come from
    the ``c``-th colour group. Logits of 16-bit compute dtypes are cast to float32.

    Args:
        num_levels: number of pixel values (256 for 8-bit, 2 for binary images).
        color_channels: number of colour channels of the image.
        output_dim: features of the hidden output layer.
        num_skips: number of skip-connected input maps (0 for none).
        **kwargs: base layer arguments.

    Call arguments:
        inputs: a ``(batch, height, width, features)`` map, or a list of ``num_skips`` maps.

    Output shape:
        ``(batch, height, width, color_channels, num_levels)``.
    """

    def __init__(self, num_levels, color_channels=1, output_dim=32, num_skips=0, **kwargs):
        super().__init__(**kwargs)
        self.num_levels = int(num_levels)
        self.color_channels = int(color_channels)
        self.output_dim = int(output_dim)
        self.num_skips = int(num_skips)
        conv = dict(kernel_size=1, mask_type="B", color_channels=self.color_channels,
                    dtype=self.dtype_policy)
        self.skips = [MaskedConv2D(self.output_dim, name=f"skip_{k}", **conv)
                      for k in range(self.num_skips)]
        self.hidden = MaskedConv2D(self.output_dim, name="hidden", **conv)
        self.logits = MaskedConv2D(self.color_channels * self.num_levels, name="logits", **conv)

    def build(self, input_shape):
        if self.num_skips:
            for skip, shape in zip(self.skips, input_shape):
                skip.build(shape)
            shape = tuple(input_shape[0][:-1]) + (self.output_dim,)
        else:
            shape = input_shape
        self.hidden.build(shape)
        self.logits.build(tuple(shape[:-1]) + (self.output_dim,))

    def call(self, inputs):
        if self.num_skips:
            x = self.skips[0](inputs[0])
            for skip, features in zip(self.skips[1:], inputs[1:]):
                x = x + skip(features)
        else:
            x = inputs
        x = self.logits(ops.relu(self.hidden(ops.relu(x))))
        x = ops.reshape(x, (-1,) + tuple(x.shape[1:-1]) + (self.color_channels, self.num_levels))
        if self.compute_dtype in ("float16", "bfloat16"):
            x = ops.cast(x, "float32")
        return x

    def pixel_step(self, features, channel):
        """Logits ``(batch, num_levels)`` of colour ``channel`` at one position, from the
        block output(s) there: ``(batch, F)`` or a list of ``num_skips`` of them. Only that
        colour's slice of the last layer is computed."""
        if self.num_skips:
            x = self.skips[0].call_window(features[0][:, None, None])
            for skip, f in zip(self.skips[1:], features[1:]):
                x = x + skip.call_window(f[:, None, None])
        else:
            x = features
        x = ops.relu(self.hidden.call_window(ops.relu(x)[:, None, None]))
        levels = (channel * self.num_levels, (channel + 1) * self.num_levels)
        x = self.logits.call_window(x[:, None, None], features=levels)
        if self.compute_dtype in ("float16", "bfloat16"):
            x = ops.cast(x, "float32")
        return x

    def compute_output_shape(self, input_shape):
        shape = input_shape[0] if self.num_skips else input_shape
        return tuple(shape[:-1]) + (self.color_channels, self.num_levels)

    def compute_output_spec(self, inputs):
        shape = self.compute_output_shape(
            [i.shape for i in inputs] if self.num_skips else inputs.shape)
        dtype = "float32" if self.compute_dtype in ("float16", "bfloat16") else self.compute_dtype
        return keras.KerasTensor(shape, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_levels": self.num_levels,
            "color_channels": self.color_channels,
            "output_dim": self.output_dim,
            "num_skips": self.num_skips,
        })
        return config
