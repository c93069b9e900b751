"""MaskedConv2D: a 2D convolution that cannot see later sub-pixels."""

import keras
from keras import ops

from keras_pixelrnn.layers import masks


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class MaskedConv2D(keras.layers.Layer):
    """2D convolution with the PixelRNN causal mask over space and colours.

    The kernel is multiplied by a fixed 0/1 mask in every call, so the output at pixel
    ``(i, j)`` in colour group ``g`` depends only on pixels before ``(i, j)`` in raster order
    and, at ``(i, j)`` itself, on colour groups before ``g`` (mask ``"A"``, used for the first
    layer on the image) or up to and including ``g`` (mask ``"B"``, every later layer). Features
    are split into ``color_channels`` contiguous groups (R, G, B); see
    ``keras_pixelrnn.layers.masks``.

    Args:
        filters: number of output features.
        kernel_size: int or ``(kh, kw)``, odd sizes (``(1, k)`` kernels work too).
        mask_type: ``"A"`` or ``"B"``.
        color_channels: number of colour groups in both the input and output features.
        out_chunks: the output features are this many equal chunks (e.g. 4 LSTM gates), each
            split into colour groups on its own.
        use_bias: whether to add a bias.
        kernel_initializer: initializer for the kernel.
        bias_initializer: initializer for the bias.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: ``(batch, height, width, in_features)`` float tensor.

    Input shape:
        ``(batch, height, width, in_features)``.

    Output shape:
        ``(batch, height, width, filters)`` ("same" padding, stride 1).

    Example:
    >>> layer = MaskedConv2D(32, 7, mask_type="A", color_channels=3)
    >>> layer(np.zeros((2, 8, 8, 3), "float32")).shape
    (2, 8, 8, 32)

    Reference:
        van den Oord et al., "Pixel Recurrent Neural Networks", ICML 2016, §3.4.
    """

    def __init__(self, filters, kernel_size, mask_type="B", color_channels=1, out_chunks=1,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(kernel_size, int):
            kernel_size = (kernel_size, kernel_size)
        self.filters = int(filters)
        self.kernel_size = tuple(int(k) for k in kernel_size)
        self.mask_type = mask_type
        self.color_channels = int(color_channels)
        self.out_chunks = int(out_chunks)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        # Validate eagerly so that a bad argument fails at construction, not at build.
        masks.causal_mask(self.kernel_size, 1, self.out_chunks, mask_type, 1, self.out_chunks)
        if self.filters % self.out_chunks:
            raise ValueError(f"filters={filters} must be divisible by out_chunks={out_chunks}.")

    def build(self, input_shape):
        in_features = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (in_features, self.filters),
            initializer=self.kernel_initializer)
        self.bias = (self.add_weight(name="bias", shape=(self.filters,),
                                     initializer=self.bias_initializer)
                     if self.use_bias else None)
        self.mask = masks.causal_mask(self.kernel_size, in_features, self.filters,
                                      self.mask_type, self.color_channels, self.out_chunks)

    def masked_kernel(self):
        """The kernel times the causal mask, in the compute dtype."""
        kernel = ops.cast(self.kernel, self.compute_dtype)
        return kernel * ops.cast(self.mask, self.compute_dtype)

    def call(self, inputs):
        outputs = ops.conv(inputs, self.masked_kernel(), strides=1, padding="same")
        return self._add_bias(outputs)

    def call_window(self, window, features=None):
        """Output at one position from the input window around it.

        This is the incremental form of ``call`` used by cached sampling: the same weights,
        mask and bias, applied to a single ``(kh, kw)`` window instead of the whole map.

        Args:
            window: ``(..., kh, kw, in_features)`` the inputs under the kernel, centred on the
                output position (zero where the window leaves the image).
            features: optional ``(start, stop)``: compute only these output features.

        Returns:
            ``(..., filters)``, or ``(..., stop - start)``.
        """
        kernel = self.masked_kernel()
        if features is not None:
            kernel = kernel[..., features[0]:features[1]]
        outputs = ops.tensordot(window, kernel, axes=3)
        return self._add_bias(outputs, features)

    def _add_bias(self, outputs, features=None):
        if self.use_bias:
            bias = ops.cast(self.bias, self.compute_dtype)
            outputs = outputs + (bias if features is None else bias[features[0]:features[1]])
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "mask_type": self.mask_type,
            "color_channels": self.color_channels,
            "out_chunks": self.out_chunks,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        })
        return config
