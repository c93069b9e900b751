"""Model builders: each returns a functional :class:`PixelModel`."""

from keras_pixelrnn.models.diagonal_bilstm import diagonal_bilstm
from keras_pixelrnn.models.multiscale import MultiScaleModel, multiscale
from keras_pixelrnn.models.pixel_cnn import pixel_cnn
from keras_pixelrnn.models.pixel_model import PixelModel
from keras_pixelrnn.models.presets import (BUILDERS, PRESETS, from_preset, get_preset,
                                           list_presets)
from keras_pixelrnn.models.row_lstm import row_lstm

__all__ = ["BUILDERS", "PRESETS", "MultiScaleModel", "PixelModel", "diagonal_bilstm",
           "from_preset", "get_preset", "list_presets", "multiscale", "pixel_cnn", "row_lstm"]
