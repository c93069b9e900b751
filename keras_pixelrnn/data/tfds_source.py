"""Images of a tensorflow_datasets dataset, with errors that say what to do.

tensorflow_datasets is imported lazily, the first time a dataset is loaded.
"""

import tensorflow as tf

from keras_pixelrnn.data.errors import DatasetUnavailableError

_IMAGENET_HELP = """\
  * download=True cannot fetch {name}: its public download link is broken
    upstream. Prepare it manually: put the original archives train_{res}.tar
    and valid_{res}.tar (the files listed in tfds' checksums.tsv for this
    dataset) in a folder MANUAL and run
        tfds build {name} --manual_dir=MANUAL --data_dir=DATA_DIR
    (in Python: tfds.builder("{name}", data_dir=DATA_DIR)
    .download_and_prepare(download_config=tfds.download.DownloadConfig(
    manual_dir=MANUAL))), or copy an already prepared tfds folder
    ({name}/2.0.0/) into DATA_DIR; then pass data_dir=DATA_DIR;"""


def _unavailable_message(name, split, data_dir, download, err):
    import tensorflow_datasets as tfds

    where = (
        f"data_dir={data_dir!r}" if data_dir is not None
        else f"the default tfds data_dir ({tfds.core.constants.DATA_DIR}; "
        "set TFDS_DATA_DIR or pass data_dir= to change it)"
    )
    reason = str(err).strip().splitlines()[0] if str(err).strip() else ""
    lines = [
        f"Could not load dataset {name!r} (split {split!r}) with "
        f"tensorflow_datasets from {where}"
        + (" and could not download it." if download else
           " (download=False, so nothing was downloaded)."),
        f"  cause: {type(err).__name__}: {reason}",
        "To fix this:",
        f"  * pass data_dir= pointing at a directory in which tfds has prepared "
        f"{name!r} (e.g. made on a machine with internet access by "
        f"`tfds build {name} --data_dir=DIR` and copied over);",
    ]
    if name.startswith("downsampled_imagenet"):
        res = name.split("/")[-1]
        lines.append(_IMAGENET_HELP.format(name=name, res=res))
    else:
        lines.append(
            "  * or, with internet access, pass download=True to let tfds "
            "download and prepare it into data_dir (offline, tfds retries for "
            "minutes before failing);"
        )
    if isinstance(err, ImportError):
        lines.append(
            f"  * tensorflow_datasets is missing a module it needs "
            f"({reason}); pip install it;"
        )
    lines.append(
        "  * or work offline with the embedded dataset \"digits\" "
        "(load(\"digits\"): scikit-learn's 8x8 digits, 17 levels, no download), "
        "or your own images via from_numpy(...) / from_directory(...)."
    )
    return "\n".join(lines)


def _checksum_error():
    try:
        from tensorflow_datasets.core.download.download_manager import (
            NonMatchingChecksumError,
        )
    except ImportError:  # Moved in another tfds version.
        return AssertionError
    return NonMatchingChecksumError


def tfds_images(name, split, *, image_shape, data_dir=None, download=False,
                shuffle_files=False, seed=0) -> tf.data.Dataset:
    """Loads a tfds image dataset and returns a dataset of its images only.

    Args:
        name: tfds name, e.g. `"cifar10"` or `"downsampled_imagenet/32x32"`.
        split: tfds split expression, e.g. `"train"` or `"train[:90%]"`.
        image_shape: Expected `(H, W, C)`; checked on every image and set as
            the static shape.
        data_dir: tfds data directory (default: tfds' default).
        download: Whether tfds may download and prepare the data.
        shuffle_files: Whether tfds shuffles its file shards.
        seed: Seed of the file shuffling.

    Returns:
        A `tf.data.Dataset` of uint8 images `(H, W, C)`.

    Raises:
        DatasetUnavailableError: If the data is neither prepared nor
            downloadable.
    """
    import tensorflow_datasets as tfds

    unavailable = (
        AssertionError,  # download=False and no prepared data in data_dir.
        OSError,  # Network errors (requests, urllib), unreadable files.
        ImportError,  # tfds' optional download dependencies.
        tf.errors.OpError,  # e.g. NotFoundError from tf.io.gfile.
        tfds.core.DatasetNotFoundError,
        tfds.download.DownloadError,
        _checksum_error(),
    )
    try:
        dataset = tfds.load(
            name,
            split=split,
            data_dir=data_dir,
            download=download,
            shuffle_files=shuffle_files,
            read_config=tfds.ReadConfig(shuffle_seed=seed),
            decoders=tfds.decode.PartialDecoding({"image": True}),
        )
    except unavailable as err:
        raise DatasetUnavailableError(
            _unavailable_message(name, split, data_dir, download, err)
        ) from err
    return dataset.map(
        lambda example: tf.ensure_shape(example["image"], image_shape),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )
