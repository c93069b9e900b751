"""Datasets from a folder of PNG / JPEG images (8-bit, 256 levels)."""

import os

import tensorflow as tf

from keras_pixelrnn.data import binarization
from keras_pixelrnn.data import pipeline
from keras_pixelrnn.data.info import DatasetInfo

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
_CHANNELS = {"grayscale": 1, "rgb": 3}


def list_image_files(path):
    """Returns the sorted image files under `path` (subfolders included)."""
    if not tf.io.gfile.exists(path):
        raise FileNotFoundError(f"Image folder {path!r} does not exist.")
    if not tf.io.gfile.isdir(path):
        raise NotADirectoryError(
            f"{path!r} is not a folder; from_directory expects a folder of "
            "images (use from_numpy for arrays)."
        )
    files = [
        os.path.join(root, name)
        for root, _, names in tf.io.gfile.walk(path)
        for name in names
        if name.lower().endswith(IMAGE_EXTENSIONS)
    ]
    if not files:
        raise FileNotFoundError(
            f"Image folder {path!r} contains no images (looked for "
            f"{', '.join(IMAGE_EXTENSIONS)} files, subfolders included)."
        )
    return sorted(files)


def _decode(path, channels):
    image = tf.io.decode_image(tf.io.read_file(path), channels=channels,
                               dtype=tf.uint8, expand_animations=False)
    image.set_shape([None, None, channels])
    return image


def _resize(image, size, interpolation):
    resized = tf.image.resize(image, size, method=interpolation, antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(resized), 0.0, 255.0), tf.uint8)


def from_directory(
    path,
    image_size=None,
    color_mode="rgb",
    batch_size=16,
    shuffle=False,
    seed=0,
    repeat=False,
    drop_remainder=False,
    binarize=None,
    with_info=False,
    interpolation="area",
):
    """Builds an image-batch dataset from a folder of PNG / JPEG files.

    Files are read in sorted path order, subfolders included; labels are
    ignored. Pixels are 8-bit (256 levels).

    Args:
        path: Folder of images (local or any `tf.io.gfile` path).
        image_size: `(height, width)` to resize every image to, or `None` to
            keep the size of the first image (then all images must share it).
        color_mode: `"grayscale"` (1 channel) or `"rgb"` (3 channels).
        batch_size: Images per batch.
        shuffle: Whether to shuffle each epoch (seeded by `seed`).
        seed: Seed of the shuffle and of the binarization.
        repeat: Whether to repeat forever.
        drop_remainder: Whether to drop the last, smaller batch.
        binarize: `None`, `"fixed"` or `"dynamic"` (grayscale only).
        with_info: Whether to also return a `DatasetInfo`.
        interpolation: `tf.image.resize` method used with `image_size`.

    Returns:
        A `tf.data.Dataset` of uint8 batches `(B, H, W, C)`, or
        `(dataset, info)` when `with_info=True`.

    Raises:
        FileNotFoundError: If the folder does not exist or holds no images.
        ValueError: For an unknown `color_mode` or bad `image_size`.
    """
    if color_mode not in _CHANNELS:
        raise ValueError(
            f"color_mode must be 'grayscale' or 'rgb', got {color_mode!r}."
        )
    channels = _CHANNELS[color_mode]
    files = list_image_files(path)
    if image_size is None:
        height, width = (int(d) for d in _decode(files[0], channels).shape[:2])
    else:
        if len(tuple(image_size)) != 2:
            raise ValueError(
                f"image_size must be (height, width), got {image_size!r}."
            )
        height, width = (int(d) for d in image_size)
    image_shape = (height, width, channels)
    name = os.path.basename(os.path.normpath(path))
    binarization.check_mode(binarize, image_shape, 256, name)

    def load_one(file):
        image = _decode(file, channels)
        if image_size is not None:
            return _resize(image, (height, width), interpolation)
        same_size = tf.debugging.assert_equal(
            tf.shape(image)[:2], tf.constant([height, width]),
            message=(f"images in {path!r} differ in size from {files[0]!r} "
                     f"({height}x{width}); pass image_size=(height, width) to "
                     "resize them"),
        )
        with tf.control_dependencies([same_size]):
            return tf.ensure_shape(tf.identity(image), image_shape)

    images = tf.data.Dataset.from_tensor_slices(files).map(
        load_one, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
    )
    dataset = pipeline.batch_images(
        images, num_levels=256, batch_size=batch_size, shuffle=shuffle,
        seed=seed, repeat=repeat, drop_remainder=drop_remainder,
        binarize=binarize,
    )
    info = DatasetInfo(name, image_shape, 2 if binarize else 256, ("all",),
                       {"all": len(files)})
    return (dataset, info) if with_info else dataset
