"""PixelModel: the functional keras.Model every builder returns."""

import keras
import numpy as np

from keras_pixelrnn import conditioning
from keras_pixelrnn.losses import PixelNLL
from keras_pixelrnn.metrics import BitsPerDim, NatsPerImage
from keras_pixelrnn.validation import check_images


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class PixelModel(keras.Model):
    """A functional model from integer images to per-sub-pixel logits.

    Input ``images`` ``(B, H, W, C)`` with values in ``[0, num_levels)``; output ``logits``
    ``(B, H, W, C, num_levels)``. It trains on the images alone: ``fit(x)`` with no targets
    uses the inputs as targets, and ``compile`` with no loss uses :class:`PixelNLL` (mean
    nats per sub-pixel) and reports ``bits_per_dim`` and ``nats_per_image``. Numpy inputs
    to ``fit``/``evaluate``/``predict`` are checked for shape and pixel range first.

    Conditional models take a dict ``{"images", "class_label", "condition"}`` (see
    :func:`~keras_pixelrnn.models.builder.build_pixel_model`); their targets are the images.
    """

    @property
    def image_shape(self):
        """``(H, W, C)`` of the images the model was built for."""
        return tuple(self.outputs[0].shape[1:4])

    @property
    def num_levels(self):
        """Number of pixel values of every sub-pixel."""
        return int(self.outputs[0].shape[-1])

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, **kwargs):
        loss = PixelNLL() if loss is None else loss
        metrics = [BitsPerDim(), NatsPerImage()] if metrics is None else metrics
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def compile_from_config(self, config):
        # Keras skips this for models that override ``compile``; ours only adds defaults.
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return super().compute_loss(x=x, y=_targets(x, y), y_pred=y_pred,
                                    sample_weight=sample_weight, training=training)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        return super().compute_metrics(x, _targets(x, y), y_pred, sample_weight)

    def _checked(self, x):
        if isinstance(x, dict) and all(isinstance(v, (np.ndarray, list, int, np.integer))
                                       for v in x.values()):
            unknown = sorted(set(x) - {"images", *conditioning.NAMES})
            if unknown or "images" not in x:
                raise ValueError(f"x must be a dict with 'images' and the conditions "
                                 f"{sorted(conditioning.condition_spec(self))}, got keys "
                                 f"{sorted(x)}.")
            return conditioning.model_inputs(self, x["images"], x.get("class_label"),
                                             x.get("condition"))
        if isinstance(x, (np.ndarray, list)):
            if conditioning.condition_spec(self):
                conditioning.check_conditions(self, len(x))   # says what is missing
            return check_images(x, self.image_shape, self.num_levels, name="x")
        return x

    def fit(self, x=None, y=None, *args, **kwargs):
        return super().fit(self._checked(x), y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        return super().evaluate(self._checked(x), y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        return super().predict(self._checked(x), *args, **kwargs)


def _targets(x, y):
    """The images a loss or metric compares the logits with: ``y`` if given, else the
    (possibly conditional) model's image input."""
    if y is not None:
        return y
    return x["images"] if isinstance(x, dict) else x
