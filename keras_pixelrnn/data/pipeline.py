"""The tf.data steps shared by every source: binarize, cache, shuffle, batch."""

import tensorflow as tf

from keras_pixelrnn.data import binarization

# Shuffle buffers: the whole dataset when it is held in memory and at most
# this large, else a window of `_STREAM_BUFFER` images.
_MAX_FULL_BUFFER = 100_000
_STREAM_BUFFER = 10_000


def _seed_pair(seed: int, counter):
    return tf.stack([tf.constant(seed, tf.int64), tf.cast(counter, tf.int64)])


def batch_images(
    images: tf.data.Dataset,
    *,
    num_levels: int,
    batch_size: int = 16,
    shuffle: bool = False,
    seed: int = 0,
    repeat: bool = False,
    drop_remainder: bool = False,
    binarize=None,
    cache: bool = False,
    in_memory: bool = False,
) -> tf.data.Dataset:
    """Turns a dataset of single images into the batches a model trains on.

    Order of steps: fixed binarization (per element, before caching) → cache →
    shuffle (reshuffled each epoch) → repeat → batch → dynamic binarization
    (redrawn each epoch) → prefetch.

    Args:
        images: Dataset of uint8 images `(H, W, C)` with values in
            `[0, num_levels)`, in a fixed order.
        num_levels: Number of levels of the source pixels.
        batch_size: Images per batch.
        shuffle: Whether to shuffle (seeded by `seed`, new order each epoch).
        seed: Seed of the shuffle and of the binarization.
        repeat: Whether to repeat forever.
        drop_remainder: Whether to drop the last, smaller batch.
        binarize: `None`, `"fixed"` (each image's draw depends only on `seed`
            and its position in `images`, not on shuffling or batching) or
            `"dynamic"` (a new draw every epoch, reproducible for a `seed`).
        cache: Whether to cache the (fixed-binarized) images in memory.
        in_memory: Whether `images` is already held in memory (e.g. built
            from an array); like `cache`, it allows a full shuffle buffer.

    Returns:
        A `tf.data.Dataset` of uint8 batches `(B, H, W, C)`.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")
    if binarize not in binarization.MODES:
        raise ValueError(
            f"binarize must be None, 'fixed' or 'dynamic', got {binarize!r}."
        )
    if binarize == "fixed":
        images = images.enumerate().map(
            lambda i, x: binarization.bernoulli(x, num_levels, _seed_pair(seed, i)),
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=True,
        )
    if cache:
        images = images.cache()
    if shuffle:
        count = int(images.cardinality())
        if (cache or in_memory) and 0 < count <= _MAX_FULL_BUFFER:
            buffer_size = count
        else:
            buffer_size = min(count, _STREAM_BUFFER) if count > 0 else _STREAM_BUFFER
        images = images.shuffle(buffer_size, seed=seed,
                                reshuffle_each_iteration=True)
    if repeat:
        images = images.repeat()
    batches = images.batch(batch_size, drop_remainder=drop_remainder)
    if binarize == "dynamic":
        draws = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        batches = tf.data.Dataset.zip((batches, draws)).map(
            lambda x, r: binarization.bernoulli(x, num_levels, _seed_pair(seed, r)),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    return batches.prefetch(tf.data.AUTOTUNE)
