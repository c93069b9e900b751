"""keras_pixelrnn: PixelCNN, Row LSTM and Diagonal BiLSTM (van den Oord et al., 2016)."""

import os as _os
import sys as _sys

if _sys.argv[:1] == ["-m"]:   # `python -m keras_pixelrnn`: TensorFlow's C++ logs are noise
    _os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras_pixelrnn import (data, export, figures, layers, losses, metrics,  # noqa: E402
                            models, sampling, training)
from keras_pixelrnn.likelihood import bits_per_dim, log_prob  # noqa: E402
from keras_pixelrnn.training import evaluate, train  # noqa: E402

__version__ = "0.1.0"

__all__ = ["bits_per_dim", "data", "evaluate", "export", "figures", "layers", "log_prob",
           "losses", "metrics", "models", "sampling", "train", "training"]
