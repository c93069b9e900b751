"""Training and evaluation: ``train`` (resumable, under any ``tf.distribute`` strategy) and
``evaluate`` (exact NLL of a whole split).

TensorFlow only (tf.distribute, tf.data); the models themselves are backend-agnostic.
"""

from keras_pixelrnn.training.config import TrainConfig
from keras_pixelrnn.training.errors import CheckpointError, ConfigMismatchError, StrategyError
from keras_pixelrnn.training.evaluate import evaluate
from keras_pixelrnn.training.optimizer import RMSprop, make_optimizer
from keras_pixelrnn.training.strategy import STRATEGIES, get_strategy
from keras_pixelrnn.training.trainer import build_model, train
from keras_pixelrnn.training.workdir import load_model

__all__ = ["CheckpointError", "ConfigMismatchError", "RMSprop", "STRATEGIES", "StrategyError",
           "TrainConfig", "build_model", "evaluate", "get_strategy", "load_model",
           "make_optimizer", "train"]
