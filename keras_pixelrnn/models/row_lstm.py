"""Row LSTM builder (paper §3.1)."""

from keras_pixelrnn.models.builder import build_pixel_model


def row_lstm(image_shape, num_layers=7, hidden_dim=16, num_levels=256, output_dim=None,
             residual=True, skip_connections=True, name=None,
             num_classes=None, condition_shape=None, condition_dim=None):
    """Row LSTM PixelRNN: a 7×7 mask-A convolution, ``num_layers`` residual Row LSTM blocks,
    and the output head. Its receptive field is a triangle above each pixel.

    Args:
        image_shape: ``(H, W, C)``, ``C`` = 1 or 3.
        num_layers: number of Row LSTM layers (residual blocks).
        hidden_dim: ``h``: LSTM units; blocks carry ``2h`` features.
        num_levels: values per sub-pixel (256 for 8-bit, 2 for binarized images).
        output_dim: features of the hidden output layer (default ``2h``).
        residual: add residual connections.
        skip_connections: feed every block to the output head.
        name: model name.
        num_classes, condition_shape, condition_dim: a class-conditional and/or
            low-resolution-image-conditional model (see
            :func:`~keras_pixelrnn.models.builder.build_pixel_model`).

    Returns:
        A :class:`~keras_pixelrnn.models.PixelModel`.

    Example:
    >>> model = row_lstm((32, 32, 3), num_layers=12, hidden_dim=128, output_dim=1024)
    """
    return build_pixel_model("row_lstm", image_shape, num_layers, hidden_dim, num_levels,
                             output_dim=output_dim, residual=residual,
                             skip_connections=skip_connections, name=name,
                             num_classes=num_classes, condition_shape=condition_shape,
                             condition_dim=condition_dim)
