"""keras_pixelrnn: PixelCNN, Row LSTM and Diagonal BiLSTM (van den Oord et al., 2016).

The model math (``layers``, ``models``, ``losses``, ``metrics``, ``log_prob``) needs only
Keras and runs on any backend. The TensorFlow-only parts (``data``, ``sampling``,
``export``, ``training``, ``figures``) are imported on first use, so that the model math can
be used where TensorFlow is not installed (e.g. a JAX GPU machine).
"""

import importlib as _importlib
import os as _os
import sys as _sys

if _sys.argv[:1] == ["-m"]:   # `python -m keras_pixelrnn`: TensorFlow's C++ logs are noise
    _os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras_pixelrnn import layers, losses, metrics, models  # noqa: E402
from keras_pixelrnn.likelihood import bits_per_dim, log_prob  # noqa: E402

__version__ = "0.1.0"

_LAZY_MODULES = ("data", "export", "figures", "sampling", "training", "zoo")
_LAZY_FUNCTIONS = {"train": "training", "evaluate": "training"}

__all__ = ["bits_per_dim", "data", "evaluate", "export", "figures", "layers", "log_prob",
           "losses", "metrics", "models", "sampling", "train", "training"]


def __getattr__(name):
    if name in _LAZY_MODULES:
        return _importlib.import_module(f"keras_pixelrnn.{name}")
    if name in _LAZY_FUNCTIONS:
        return getattr(_importlib.import_module(f"keras_pixelrnn.{_LAZY_FUNCTIONS[name]}"), name)
    raise AttributeError(f"module 'keras_pixelrnn' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
