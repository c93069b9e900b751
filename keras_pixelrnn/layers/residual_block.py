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
        condition_dim: features of the conditioning map of a conditional model (``None``:
            unconditional). The map goes through an unmasked 1×1 convolution (a ``Dense``
            over features) and is added to the layer's input-to-state map: the LSTM gates,
            or the PixelCNN block's masked convolution (Conditional PixelCNN, paper §3.6).
        **kwargs: base layer arguments.

    Call arguments:
        inputs: ``(batch, height, width, 2 * hidden_dim)``.
        condition: ``(batch, height or 1, width or 1, condition_dim)`` conditioning features
            (required exactly when ``condition_dim`` is set); they must not depend on the
            image.

    Input shape:
        ``(batch, height, width, 2 * hidden_dim)``.

    Output shape:
        ``(batch, height, width, 2 * hidden_dim)``.

    Example:
    >>> ResidualBlock(16, "row_lstm")(np.zeros((2, 5, 7, 32), "float32")).shape
    (2, 5, 7, 32)
    """

    def __init__(self, hidden_dim, kind="pixel_cnn", color_channels=1, kernel_size=3,
                 residual=True, condition_dim=None, **kwargs):
        super().__init__(**kwargs)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
        self.hidden_dim = int(hidden_dim)
        self.kind = kind
        self.color_channels = int(color_channels)
        self.kernel_size = int(kernel_size)
        self.residual = bool(residual)
        self.condition_dim = int(condition_dim) if condition_dim else None
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
        # Features of the input-to-state map the condition is added to.
        self.condition_features = {"pixel_cnn": h, "row_lstm": 4 * h,
                                   "diagonal_bilstm": 8 * h}[kind]
        if self.condition_dim:
            self.condition_proj = keras.layers.Dense(self.condition_features,
                                                     dtype=self.dtype_policy,
                                                     name="condition_proj")

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
        if self.condition_dim:
            self.condition_proj.build((None, self.condition_dim))

    def _projected(self, condition):
        """The condition's term of the input-to-state map (``None`` if unconditional)."""
        if (condition is None) != (self.condition_dim is None):
            raise ValueError(
                f"Block {self.name!r} was built with condition_dim={self.condition_dim}, but "
                + ("no condition was passed." if condition is None else
                   "a condition was passed; build it with condition_dim=FEATURES."))
        return None if condition is None else self.condition_proj(condition)

    def call(self, inputs, condition=None):
        bias = self._projected(condition)
        if self.kind == "pixel_cnn":
            x = self.core(ops.relu(self.reduce(ops.relu(inputs))))
            x = self.expand(ops.relu(x if bias is None else x + bias))
        else:
            x = self.expand(self.core(inputs, condition=bias))
        return inputs + x if self.residual else x

    # Incremental computation, for cached sampling. Positions are visited in raster order. A
    # cache holds the rows the block still needs; `pixel_step` computes the block output at
    # (i, j) without touching the cache (a pixel is computed once per colour), `commit`
    # stores the position's final values, and `end_row` rolls the rows; a conditional block
    # also gets the row's conditioning features from `start_row`. The math is the
    # layers' own (`call_window`, `pixel_step`, `left_to_right_pixel`, `right_to_left_row`),
    # so the outputs equal `call`'s.

    def initial_cache(self, batch_size, width):
        """Zero cache for a batch of ``batch_size`` images ``width`` pixels wide (zeros are
        the state above the first row and the padding of the convolutions)."""
        h = self.hidden_dim

        def zeros(*shape):
            return ops.zeros((batch_size,) + shape, self.compute_dtype)

        if self.kind == "pixel_cnn":
            p = self.kernel_size // 2
            cache = {"rows_above": zeros(p, width + 2 * p, h), "row": zeros(width + 2 * p, h)}
        elif self.kind == "row_lstm":
            cache = {"x_row": zeros(width + 1, 2 * h), "h_above": zeros(width, h),
                     "c_above": zeros(width, h), "gates_above": zeros(width, 4 * h),
                     "h_row": zeros(width, h), "c_row": zeros(width, h)}
        else:
            cache = {"x_row": zeros(width, 2 * h), "h_above": zeros(width, h),
                     "h_row": zeros(width + 1, h), "c_row": zeros(width + 1, h),
                     "right_to_left_above": zeros(width, h)}
        if self.condition_dim:
            cache["condition"] = zeros(width, self.condition_features)
        return cache

    def start_row(self, cache, condition_row):
        """Stores the conditioning term of the next row (conditional blocks only).

        Args:
            condition_row: ``(batch, width or 1, condition_dim)``: row ``i`` of ``call``'s
                ``condition`` (or its only row when it is ``(batch, 1, ..)``).
        """
        cache = dict(cache)
        bias = self._projected(condition_row)
        cache["condition"] = ops.broadcast_to(bias, ops.shape(cache["condition"]))
        return cache

    def pixel_step(self, cache, x, j):
        """Block output at ``(i, j)`` from the block input ``x`` ``(batch, 2h)`` there.

        Returns:
            ``(output, pending)``: the ``(batch, 2h)`` output and the values ``commit`` stores.
        """
        bias = ops.take(cache["condition"], j, axis=1) if self.condition_dim else None
        if self.kind == "pixel_cnn":
            p = self.kernel_size // 2
            v = ops.relu(self.reduce.call_window(ops.relu(x)[:, None, None, :]))
            columns = j + ops.arange(2 * p + 1)
            above = ops.take(cache["rows_above"], columns, axis=2)
            left = ops.take(cache["row"], j + ops.arange(p), axis=1)
            row = ops.concatenate([left, v[:, None], ops.zeros_like(left)], axis=1)
            window = ops.concatenate([above, row[:, None], ops.zeros_like(above)], axis=1)
            core = self.core.call_window(window)
            core = core if bias is None else core + bias
            y = self.expand.call_window(ops.relu(core)[:, None, None])
            pending = {"row": v}
        elif self.kind == "row_lstm":
            left = ops.take(cache["x_row"], j, axis=1)
            window = ops.stack([left, x, ops.zeros_like(x)], axis=1)[:, None]
            h, c = self.core.pixel_step(window, ops.take(cache["gates_above"], j, axis=1),
                                        ops.take(cache["c_above"], j, axis=1), condition=bias)
            y = self.expand.call_window(h[:, None, None])
            pending = {"x": x, "h": h, "c": c}
        else:
            h, c = self.core.left_to_right_pixel(
                x, ops.take(cache["h_above"], j, axis=1), ops.take(cache["h_row"], j, axis=1),
                ops.take(cache["c_row"], j, axis=1), condition=bias)
            out = h + ops.take(cache["right_to_left_above"], j, axis=1)
            y = self.expand.call_window(out[:, None, None])
            pending = {"x": x, "h": h, "c": c}
        return (x + y if self.residual else y), pending

    def commit(self, cache, pending, j):
        """Stores the final values of position ``(i, j)`` (after its last colour)."""
        cache = dict(cache)
        if self.kind == "pixel_cnn":
            cache["row"] = _put(cache["row"], j + self.kernel_size // 2, pending["row"])
        elif self.kind == "row_lstm":
            cache["x_row"] = _put(cache["x_row"], j + 1, pending["x"])
            cache["h_row"] = _put(cache["h_row"], j, pending["h"])
            cache["c_row"] = _put(cache["c_row"], j, pending["c"])
        else:
            cache["x_row"] = _put(cache["x_row"], j, pending["x"])
            cache["h_row"] = _put(cache["h_row"], j + 1, pending["h"])
            cache["c_row"] = _put(cache["c_row"], j + 1, pending["c"])
        return cache

    def end_row(self, cache):
        """Rolls the cache once every position of the current row is committed."""
        cache = dict(cache)
        if self.kind == "pixel_cnn":
            cache["rows_above"] = ops.concatenate(
                [cache["rows_above"][:, 1:], cache["row"][:, None]], axis=1)
        elif self.kind == "row_lstm":
            cache["h_above"], cache["c_above"] = cache["h_row"], cache["c_row"]
            cache["gates_above"] = self.core.state_to_state(cache["h_row"])
        else:
            cache["h_above"] = cache["h_row"][:, 1:]
            cache["right_to_left_above"] = self.core.right_to_left_row(
                cache["x_row"], cache["right_to_left_above"], cache.get("condition"))
        return cache

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
            "condition_dim": self.condition_dim,
        })
        return config


def _put(rows, j, value):
    """``rows`` ``(batch, width, F)`` with column ``j`` replaced by ``value`` ``(batch, F)``."""
    here = ops.arange(rows.shape[1]) == j
    return ops.where(here[None, :, None], value[:, None, :], rows)
