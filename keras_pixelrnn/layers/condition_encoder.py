"""ConditionEncoder: a conditional model's class label and low-resolution image as features."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class ConditionEncoder(keras.layers.Layer):
    """Turns the conditioning inputs into one feature map ``(batch, H or 1, W or 1, features)``.

    Every residual block of a conditional model maps this map by its own unmasked 1×1
    convolution and adds it to its input-to-state map (Conditional PixelCNN; paper §3.6). The
    map does not depend on the image being modelled, so the model stays causal.

    * ``num_classes=K``: a class label ``(batch,)`` int in ``[0, K)``; its embedding, a
      one-hot vector times a learned ``K × features`` matrix, the same at every position.
    * ``condition_shape=(h, w, C)``: a low-resolution image ``(batch, h, w, C)`` of integer
      pixels in ``[0, num_levels)``, rescaled to ``[-1, 1]`` and upsampled to the model's
      ``H × W`` by a small deconvolution network: a 3×3 convolution, a transposed
      convolution with stride ``(H / h, W / w)`` (each low-resolution pixel fills its block),
      and a 3×3 convolution, with ReLUs between. ``H`` and ``W`` must be multiples of ``h``
      and ``w``.

    With both, the two maps are added.

    Args:
        image_shape: ``(H, W, C)`` of the modelled images.
        features: number of output features.
        num_classes: number of classes, or ``None``.
        condition_shape: ``(h, w, C)`` of the low-resolution image, or ``None``.
        num_levels: pixel levels of the low-resolution image.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: dict with ``"class_label"`` and/or ``"condition"``.
    """

    def __init__(self, image_shape, features, num_classes=None, condition_shape=None,
                 num_levels=256, **kwargs):
        super().__init__(**kwargs)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.features = int(features)
        self.num_classes = int(num_classes) if num_classes else None
        self.condition_shape = (tuple(int(d) for d in condition_shape)
                                if condition_shape else None)
        self.num_levels = int(num_levels)
        if self.num_classes is None and self.condition_shape is None:
            raise ValueError("ConditionEncoder needs num_classes and/or condition_shape.")
        if self.num_classes is not None and self.num_classes < 1:
            raise ValueError(f"num_classes must be positive, got {num_classes}.")
        common = dict(dtype=self.dtype_policy)
        if self.num_classes:
            self.embedding = keras.layers.Embedding(self.num_classes, self.features,
                                                    name="class_embedding", **common)
        if self.condition_shape:
            self.factors = upsampling_factors(self.image_shape, self.condition_shape)
            self.low_res_conv = keras.layers.Conv2D(self.features, 3, padding="same",
                                                    activation="relu", name="low_res_conv",
                                                    **common)
            self.upsample = keras.layers.Conv2DTranspose(
                self.features, self.factors, strides=self.factors, activation="relu",
                name="upsample", **common)
            self.high_res_conv = keras.layers.Conv2D(self.features, 3, padding="same",
                                                     name="high_res_conv", **common)

    def build(self, input_shape):
        if self.num_classes:
            self.embedding.build((None,))
        if self.condition_shape:
            h, w, c = self.condition_shape
            self.low_res_conv.build((None, h, w, c))
            self.upsample.build((None, h, w, self.features))
            self.high_res_conv.build((None,) + self.image_shape[:2] + (self.features,))

    def call(self, inputs):
        out = None
        if self.num_classes:
            labels = ops.reshape(ops.cast(inputs["class_label"], "int32"), (-1,))
            out = self.embedding(labels)[:, None, None, :]
        if self.condition_shape:
            x = ops.cast(inputs["condition"], self.compute_dtype)
            x = x * (2.0 / (self.num_levels - 1)) - 1.0
            x = self.high_res_conv(self.upsample(self.low_res_conv(x)))
            out = x if out is None else out + x
        return out

    def compute_output_shape(self, input_shape):
        spatial = self.image_shape[:2] if self.condition_shape else (1, 1)
        return (None,) + spatial + (self.features,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "image_shape": self.image_shape,
            "features": self.features,
            "num_classes": self.num_classes,
            "condition_shape": self.condition_shape,
            "num_levels": self.num_levels,
        })
        return config


def upsampling_factors(image_shape, condition_shape):
    """``(H / h, W / w)``, or a ValueError saying what does not fit."""
    try:
        height, width = (int(d) for d in image_shape[:2])
        low_height, low_width, channels = (int(d) for d in condition_shape)
    except (TypeError, ValueError):
        raise ValueError(f"condition_shape must be (height, width, channels), got "
                         f"{condition_shape!r}.") from None
    if min(low_height, low_width, channels) < 1 or height % low_height or width % low_width:
        raise ValueError(
            f"condition_shape {tuple(condition_shape)} must divide the image size "
            f"{(height, width)}: the low-resolution image is upsampled by whole factors, "
            f"e.g. condition_shape=({height // 2}, {width // 2}, {image_shape[2]}).")
    return height // low_height, width // low_width
