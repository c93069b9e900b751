"""The embedded offline dataset "digits": scikit-learn's 8x8 handwritten digits.

1,797 real digits with 17 grey levels (0..16), shipped inside scikit-learn, so
it needs no download: small enough to train a model in a minute on a CPU. The
split is fixed: the images are permuted with `np.random.default_rng(0)`; the
first 1,500 are "train", the remaining 297 "test".
"""

import functools

import numpy as np

NUM_TRAIN = 1500


@functools.lru_cache(maxsize=1)
def _all_digits():
    from sklearn.datasets import load_digits  # Imported lazily: slow import.

    digits = load_digits()
    images = digits.images.astype(np.uint8)[..., np.newaxis]
    order = np.random.default_rng(0).permutation(len(images))
    return images[order], digits.target.astype(np.int32)[order]


def _split(array, split):
    if split == "train":
        return array[:NUM_TRAIN].copy()
    if split == "test":
        return array[NUM_TRAIN:].copy()
    raise ValueError(
        f"Unknown split {split!r} for dataset 'digits'; valid splits are "
        "'train', 'test'."
    )


def digits_images(split: str) -> np.ndarray:
    """Returns the uint8 images `(N, 8, 8, 1)` (values 0..16) of a split.

    Args:
        split: `"train"` (1,500 images) or `"test"` (297 images).
    """
    return _split(_all_digits()[0], split)


def digits_labels(split: str) -> np.ndarray:
    """The digit classes `(N,)` int32 (0..9) of a split, in the order of `digits_images`."""
    return _split(_all_digits()[1], split)
