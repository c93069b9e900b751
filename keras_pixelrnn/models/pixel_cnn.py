"""PixelCNN builder (paper §3.5)."""

from keras_pixelrnn.models.builder import build_pixel_model


def pixel_cnn(image_shape, num_layers=7, hidden_dim=16, num_levels=256, output_dim=None,
              kernel_size=3, residual=True, skip_connections=True, name=None,
              num_classes=None, condition_shape=None, condition_dim=None):
    """PixelCNN: a 7×7 mask-A convolution, ``num_layers`` residual blocks of ``k×k`` mask-B
    convolutions, and the output head.

    Its receptive field has a blind spot: pixels above and to the right of the current one
    that lie outside the cone the stacked ``k×k`` masks grow are never seen, however deep
    the network (Gated PixelCNN later fixed this with two stacks).

    Args:
        image_shape: ``(H, W, C)``, ``C`` = 1 or 3.
        num_layers: number of residual blocks (after the first mask-A convolution).
        hidden_dim: ``h``; blocks carry ``2h`` features.
        num_levels: values per sub-pixel (256 for 8-bit, 2 for binarized images).
        output_dim: features of the hidden output layer (default ``2h``).
        kernel_size: size of the blocks' masked convolutions.
        residual: add residual connections.
        skip_connections: feed every block to the output head.
        name: model name.
        num_classes, condition_shape, condition_dim: a class-conditional and/or
            low-resolution-image-conditional model (see
            :func:`~keras_pixelrnn.models.builder.build_pixel_model`).

    Returns:
        A :class:`~keras_pixelrnn.models.PixelModel`: ``images (B, H, W, C)`` →
        ``logits (B, H, W, C, num_levels)``.

    Example:
    >>> model = pixel_cnn((28, 28, 1), num_layers=7, hidden_dim=16, num_levels=2)
    >>> model.compile(optimizer="rmsprop")
    """
    return build_pixel_model("pixel_cnn", image_shape, num_layers, hidden_dim, num_levels,
                             output_dim=output_dim, kernel_size=kernel_size, residual=residual,
                             skip_connections=skip_connections, name=name,
                             num_classes=num_classes, condition_shape=condition_shape,
                             condition_dim=condition_dim)
