"""tf.data pipelines of integer images for PixelRNN / PixelCNN models.

Every dataset yields only image batches: uint8 tensors `(B, H, W, C)` with
values in `[0, num_levels)`.

- `load(name, ...)`: named datasets (`DATASETS`): the embedded offline
  `"digits"` and the tfds datasets mnist, binarized_mnist, cifar10 and
  downsampled_imagenet.
- `from_numpy(images, ...)`, `from_directory(path, ...)`: your own images.
- `get_info(name)`, `check_compatible(info, image_shape, num_levels)`: static
  shapes / levels, and a clear error when data and model do not fit.
- `binarize(images, seed)`: fixed stochastic binarization of 8-bit arrays.

This package does not import the models (nor, until a tfds dataset is loaded,
tensorflow_datasets).
"""

from keras_pixelrnn.data.binarization import binarize
from keras_pixelrnn.data.directory import from_directory
from keras_pixelrnn.data.errors import DatasetUnavailableError
from keras_pixelrnn.data.info import DATASETS
from keras_pixelrnn.data.info import DatasetInfo
from keras_pixelrnn.data.info import check_compatible
from keras_pixelrnn.data.info import get_info
from keras_pixelrnn.data.loader import labels
from keras_pixelrnn.data.loader import load
from keras_pixelrnn.data.numpy_source import from_numpy

__all__ = [
    "DATASETS",
    "DatasetInfo",
    "DatasetUnavailableError",
    "binarize",
    "check_compatible",
    "from_directory",
    "from_numpy",
    "get_info",
    "labels",
    "load",
]
