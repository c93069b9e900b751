"""Static descriptions of the datasets that `load` knows by name.

Nothing here imports TensorFlow or tensorflow_datasets: shapes, levels and split
sizes are known in advance, so `get_info` works offline and costs nothing.
"""

import dataclasses
from typing import Dict, Optional, Tuple


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """What a model needs to know about an image dataset.

    Attributes:
        name: Dataset name, e.g. `"mnist"`, or a description of the source for
            `from_numpy` / `from_directory` data.
        image_shape: `(height, width, channels)` of every image.
        num_levels: Number of discrete pixel values; pixels lie in
            `[0, num_levels)`. 256 for 8-bit data, 2 for binarized data.
        splits: Names of the splits, e.g. `("train", "test")`.
        num_examples: Dict from split name to number of images, or `None` when
            unknown.
        num_classes: Number of classes of the images' labels (`kp.data.labels`), or
            `None` when the dataset has no labels here.
    """

    name: str
    image_shape: Tuple[int, int, int]
    num_levels: int
    splits: Tuple[str, ...] = ()
    num_examples: Optional[Dict[str, int]] = dataclasses.field(
        default=None, hash=False
    )
    num_classes: Optional[int] = None

    @property
    def num_dims(self) -> int:
        """Sub-pixels per image, `H * W * C` (the divisor of bits/dim)."""
        height, width, channels = self.image_shape
        return height * width * channels


_INFOS = (
    DatasetInfo("digits", (8, 8, 1), 17, ("train", "test"),
                {"train": 1500, "test": 297}, num_classes=10),
    DatasetInfo("mnist_5k", (28, 28, 1), 256, ("train", "validation"),
                {"train": 4500, "validation": 500}, num_classes=10),
    DatasetInfo("binarized_mnist_5k", (28, 28, 1), 2, ("train", "validation"),
                {"train": 4500, "validation": 500}, num_classes=10),
    DatasetInfo("mnist", (28, 28, 1), 256, ("train", "test"),
                {"train": 60000, "test": 10000}),
    DatasetInfo("binarized_mnist", (28, 28, 1), 2,
                ("train", "validation", "test"),
                {"train": 50000, "validation": 10000, "test": 10000}),
    DatasetInfo("cifar10", (32, 32, 3), 256, ("train", "test"),
                {"train": 50000, "test": 10000}),
    DatasetInfo("downsampled_imagenet/32x32", (32, 32, 3), 256,
                ("train", "validation"),
                {"train": 1281149, "validation": 49999}),
    DatasetInfo("downsampled_imagenet/64x64", (64, 64, 3), 256,
                ("train", "validation"),
                {"train": 1281149, "validation": 49999}),
)

_REGISTRY = {info.name: info for info in _INFOS}

#: Names accepted by `load` and `get_info`.
DATASETS = tuple(info.name for info in _INFOS)

# Datasets read from arrays (offline), not from tensorflow_datasets.
_OFFLINE = ("digits", "mnist_5k", "binarized_mnist_5k")


def is_tfds(name: str) -> bool:
    """Whether a named dataset comes from tensorflow_datasets (and takes its split slicing)."""
    return name not in _OFFLINE


def get_info(name: str) -> DatasetInfo:
    """Returns the static `DatasetInfo` of a named dataset (no download).

    Args:
        name: One of `DATASETS`.

    Returns:
        The dataset's `DatasetInfo`.

    Raises:
        ValueError: If `name` is not a known dataset.

    Example:

    >>> get_info("mnist").image_shape
    (28, 28, 1)
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown dataset {name!r}. Valid names are: "
            f"{', '.join(repr(n) for n in DATASETS)}. For your own images use "
            "keras_pixelrnn.data.from_numpy(array) or "
            "keras_pixelrnn.data.from_directory(folder)."
        ) from None


def check_compatible(info: DatasetInfo, image_shape, num_levels: int) -> None:
    """Checks that a dataset fits a model's image shape and number of levels.

    Args:
        info: The dataset's `DatasetInfo` (from `get_info` or `with_info=True`).
        image_shape: The model's `(height, width, channels)`; a `None` entry
            matches any size.
        num_levels: The model's number of pixel levels.

    Raises:
        ValueError: If the shapes or the numbers of levels differ.
    """
    expected = tuple(image_shape)
    shape_ok = len(expected) == len(info.image_shape) and all(
        e is None or int(e) == int(a) for e, a in zip(expected, info.image_shape)
    )
    if shape_ok and int(num_levels) == int(info.num_levels):
        return
    raise ValueError(
        f"Dataset {info.name!r} has images of shape {tuple(info.image_shape)} "
        f"with {info.num_levels} levels but the model expects "
        f"{expected} with {num_levels} levels; build the model with "
        f"image_shape={tuple(info.image_shape)}, num_levels={info.num_levels} "
        "or pick another dataset."
    )
