"""`load`: a named dataset as a `tf.data.Dataset` of image batches."""

import dataclasses

from keras_pixelrnn.data import binarization
from keras_pixelrnn.data import embedded
from keras_pixelrnn.data import mnist_5k
from keras_pixelrnn.data import numpy_source
from keras_pixelrnn.data import pipeline
from keras_pixelrnn.data import splits
from keras_pixelrnn.data import tfds_source
from keras_pixelrnn.data.info import get_info
from keras_pixelrnn.data.info import is_tfds as _is_tfds

# Small enough to cache in memory before shuffling.
_CACHED = ("mnist", "binarized_mnist", "cifar10")


def labels(name, split, data_dir=None):
    """The class labels of a split, in the order `load(name, split, shuffle=False)` yields
    its images: int32 `(N,)` in `[0, get_info(name).num_classes)`.

    Available for the offline datasets (`"digits"`, `"mnist_5k"`,
    `"binarized_mnist_5k"`); they train class-conditional models.

    Raises:
        ValueError: for a dataset without labels here, or an unknown split.
    """
    info = get_info(name)
    splits.check_split(info, split, allow_slicing=False)
    if name == "digits":
        return embedded.digits_labels(split)
    if name in mnist_5k.NAMES:
        return mnist_5k.labels(split, data_dir=data_dir)
    raise ValueError(
        f"Class labels are available for the offline datasets 'digits', 'mnist_5k' and "
        f"'binarized_mnist_5k', not for {name!r}; train a class-conditional model on one of "
        "them, or pass your own labels to model.fit as {'images': x, 'class_label': y}.")


def load(
    name,
    split="train",
    batch_size=16,
    shuffle=None,
    data_dir=None,
    binarize=None,
    seed=0,
    repeat=False,
    drop_remainder=False,
    with_info=False,
    download=False,
):
    """Loads a named dataset as batches of integer images (no labels).

    `"digits"` is embedded (scikit-learn, offline); `"mnist_5k"` and
    `"binarized_mnist_5k"` read 5,000 MNIST digits from `mnist_train_5k.npz`
    (offline, see `keras_pixelrnn.data.mnist_5k`); the others come from
    tensorflow_datasets and must be prepared in `data_dir` unless
    `download=True` (which needs internet access).

    Args:
        name: One of `DATASETS`: `"digits"`, `"mnist_5k"`,
            `"binarized_mnist_5k"`, `"mnist"`, `"binarized_mnist"`,
            `"cifar10"`, `"downsampled_imagenet/32x32"`,
            `"downsampled_imagenet/64x64"`.
        split: Split name (see `get_info(name).splits`). tfds datasets also
            take tfds slicing, e.g. `"train[:90%]"` or `"train+test"`.
        batch_size: Images per batch.
        shuffle: Whether to shuffle (a new order each epoch, seeded by
            `seed`); `None` shuffles the `"train"` split only.
        data_dir: tfds data directory holding the prepared dataset (default:
            tfds' default, `$TFDS_DATA_DIR` or `~/tensorflow_datasets`); for
            the `*mnist_5k` datasets, the folder of `mnist_train_5k.npz`.
        binarize: For grey data with more than two levels: `None` keeps the
            levels; `"fixed"` draws each pixel ~ Bernoulli(value / max) once
            (a function of `seed` and the image's position in the split, not
            of shuffling: use it for evaluation data); `"dynamic"` redraws
            every epoch (training). The result has `num_levels=2`.
            Thresholding is not offered (its NLLs are not comparable).
        seed: Seed of the shuffle and of the binarization.
        repeat: Whether to repeat forever.
        drop_remainder: Whether to drop the last, smaller batch.
        with_info: Whether to also return the `DatasetInfo` (with
            `num_levels=2` when binarized).
        download: Whether tfds may download and prepare the data (needs
            internet; offline it retries for minutes before failing).

    Returns:
        A `tf.data.Dataset` of uint8 tensors `(B, H, W, C)` with values in
        `[0, num_levels)`, or `(dataset, info)` when `with_info=True`.

    Raises:
        ValueError: For an unknown dataset name, split or `binarize` value.
        DatasetUnavailableError: If a tfds dataset is neither prepared in
            `data_dir` nor downloadable.

    Example:

    >>> ds, info = load("digits", split="test", batch_size=32, with_info=True)
    >>> info.image_shape, info.num_levels
    ((8, 8, 1), 17)
    """
    info = get_info(name)
    is_tfds = _is_tfds(name)
    splits.check_split(info, split, allow_slicing=is_tfds)
    binarization.check_mode(binarize, info.image_shape, info.num_levels, name)
    if shuffle is None:
        shuffle = splits.is_train_split(split)
    options = dict(batch_size=batch_size, shuffle=shuffle, seed=seed,
                   repeat=repeat, drop_remainder=drop_remainder)
    if is_tfds:
        images = tfds_source.tfds_images(
            name, split, image_shape=info.image_shape, data_dir=data_dir,
            download=download, seed=seed,
            # Fixed binarization is keyed on the element order: keep it.
            shuffle_files=bool(shuffle) and binarize != "fixed",
        )
        dataset = pipeline.batch_images(
            images, num_levels=info.num_levels, binarize=binarize,
            cache=name in _CACHED, **options
        )
    elif name == "digits":
        dataset = numpy_source.from_numpy(
            embedded.digits_images(split), num_levels=info.num_levels,
            binarize=binarize, name=name, **options
        )
    else:
        # The fixed binarization of these is the one of their file's protocol.
        binary = name == "binarized_mnist_5k" or binarize == "fixed"
        dataset = numpy_source.from_numpy(
            mnist_5k.images(split, binary=binary, data_dir=data_dir),
            num_levels=2 if binary else info.num_levels,
            binarize="dynamic" if binarize == "dynamic" else None, name=name,
            **options
        )
    if binarize is not None:
        info = dataclasses.replace(info, num_levels=2)
    return (dataset, info) if with_info else dataset
