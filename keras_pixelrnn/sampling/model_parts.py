"""Finds the pieces of a builder-made model that the cached sampler steps through."""

import keras

from keras_pixelrnn.layers.condition_encoder import ConditionEncoder
from keras_pixelrnn.layers.masked_conv2d import MaskedConv2D
from keras_pixelrnn.layers.output_head import OutputHead
from keras_pixelrnn.layers.residual_block import ResidualBlock


class ModelParts:
    """``scale`` → ``input_conv`` (mask A) → ``blocks`` → ``head``, as the builders make them,
    and the ``condition`` encoder of a conditional model (``None`` otherwise)."""

    def __init__(self, model):
        layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
        conditions = [layer for layer in layers if isinstance(layer, ConditionEncoder)]
        layers = [layer for layer in layers if not isinstance(layer, ConditionEncoder)]
        kinds = [type(layer) for layer in layers]
        expected = ([keras.layers.Rescaling, MaskedConv2D]
                    + [ResidualBlock] * (len(layers) - 3) + [OutputHead])
        if kinds != expected or len(conditions) > 1:
            raise ValueError(
                "Cached sampling needs a model made by keras_pixelrnn.models (Rescaling, "
                f"MaskedConv2D, ResidualBlocks, OutputHead); got layers {[k.__name__ for k in kinds]}. "
                "Use method='naive' for other models.")
        self.scale, self.input_conv, *self.blocks, self.head = layers
        self.condition = conditions[0] if conditions else None
        self.image_shape = tuple(model.outputs[0].shape[1:4])
        self.num_levels = int(model.outputs[0].shape[-1])
