"""Keras layers of the PixelRNN paper, all causal over sub-pixels."""

from keras_pixelrnn.layers.condition_encoder import ConditionEncoder
from keras_pixelrnn.layers.diagonal_bilstm import DiagonalBiLSTM
from keras_pixelrnn.layers.diagonal_lstm import DiagonalLSTM
from keras_pixelrnn.layers.masked_conv2d import MaskedConv2D
from keras_pixelrnn.layers.output_head import OutputHead
from keras_pixelrnn.layers.residual_block import ResidualBlock
from keras_pixelrnn.layers.row_lstm import RowLSTM

__all__ = ["ConditionEncoder", "DiagonalBiLSTM", "DiagonalLSTM", "MaskedConv2D", "OutputHead", "ResidualBlock",
           "RowLSTM"]
