"""keras_pixelrnn: PixelCNN, Row LSTM and Diagonal BiLSTM (van den Oord et al., 2016)."""

from keras_pixelrnn import data, layers, losses, metrics, models, sampling
from keras_pixelrnn.likelihood import bits_per_dim, log_prob

__version__ = "0.1.0"

__all__ = ["bits_per_dim", "data", "layers", "log_prob", "losses", "metrics", "models", "sampling"]
