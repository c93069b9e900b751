"""The training input stream: shuffled passes over the training split, keyed by pass index.

For training splits that fit in memory (up to ``IN_MEMORY_LIMIT`` images: digits, MNIST,
binarized MNIST, CIFAR-10) the order of pass ``p`` is a permutation drawn statelessly from
``(seed, p)``, and dynamic binarization draws from ``(seed, p, batch)``. So the batches of an
epoch depend only on the run's seed and the epoch, not on how many iterators TensorFlow or a
distribution strategy creates, nor on interruptions: a resumed run, or the same run under
another strategy, sees exactly the batches of an uninterrupted single-device run.

Larger splits (downsampled ImageNet) stream from tfds with a windowed shuffle: a resumed run
then continues with other (equally random) batches.
"""

import numpy as np
import tensorflow as tf

from keras_pixelrnn import data as kd
from keras_pixelrnn.data import binarization
from keras_pixelrnn.training.config import EVAL_SEED

IN_MEMORY_LIMIT = 100_000


def _pass_seed(seed, index, salt):
    return tf.stack([tf.cast(seed, tf.int64) * 1_000_003 + tf.cast(salt, tf.int64),
                     tf.cast(index, tf.int64)])


def load_train_images(config, data_dir=None):
    """The whole training split as a uint8 array ``(N, H, W, C)`` (binarized when
    ``config.binarize == "fixed"``)."""
    fixed = "fixed" if config.binarize == "fixed" else None
    batches = kd.load(config.dataset, split="train", batch_size=4096, shuffle=False,
                      seed=config.seed, binarize=fixed, data_dir=data_dir)
    return np.concatenate([np.asarray(b) for b in batches])


def training_stream(config, data_dir=None, start_epoch=0):
    """An endless dataset of training batches that starts at epoch ``start_epoch``.

    Pass ``p`` over the training split is batched (its last batch may be smaller); epoch
    ``k`` is the batches ``[k * S, (k + 1) * S)`` of the concatenated passes, where ``S`` is
    ``config.train_steps_per_epoch()`` (one pass, unless ``steps_per_epoch`` is set).

    Args:
        config: a resolved ``TrainConfig``.
        data_dir: tfds data directory.
        start_epoch: the first epoch to produce (when resuming).

    Returns:
        A ``tf.data.Dataset`` of uint8 batches ``(B, H, W, C)``; iterate it with
        ``steps_per_epoch=S``.
    """
    info = kd.get_info(config.dataset)
    count = (info.num_examples or {}).get("train")
    steps = config.train_steps_per_epoch()
    if config.num_classes and (not count or count > IN_MEMORY_LIMIT):
        raise ValueError(f"Class-conditional training needs an in-memory dataset with labels; "
                         f"{config.dataset!r} is not one.")
    if not count or count > IN_MEMORY_LIMIT:
        stream = kd.load(config.dataset, split="train", batch_size=config.batch_size,
                         shuffle=True, seed=config.seed + start_epoch,
                         binarize=config.binarize, data_dir=data_dir, repeat=True)
        return stream
    images = load_train_images(config, data_dir)
    count, batch = len(images), config.batch_size
    pass_batches = -(-count // batch)
    first_pass, skip = divmod(start_epoch * steps, pass_batches)
    table = tf.constant(images)
    label_table = (tf.constant(kd.labels(config.dataset, "train", data_dir))
                   if config.num_classes else None)
    levels = info.num_levels
    dynamic = config.binarize == "dynamic"

    def one_pass(index):
        keys = tf.random.stateless_uniform([count], seed=_pass_seed(config.seed, index, 1))
        order = tf.data.Dataset.from_tensor_slices(tf.argsort(keys)).batch(batch)

        def gather(step, indices):
            x = tf.gather(table, indices)
            if dynamic:
                seed = _pass_seed(config.seed, index * pass_batches + step, 2)
                x = binarization.bernoulli(x, levels, seed)
            if label_table is not None:
                return {"images": x, "class_label": tf.gather(label_table, indices)}
            return x

        return order.enumerate().map(gather)

    stream = tf.data.Dataset.counter(first_pass).flat_map(one_pass).skip(skip)
    return stream.prefetch(tf.data.AUTOTUNE)


def validation_dataset(config, data_dir=None):
    """Batches of the config's validation split (binarized ``"fixed"`` with the evaluation
    seed when training data is binarized), or ``None`` without validation."""
    if not config.validation_split:
        return None
    batch_size = max(config.batch_size, 64)
    images = kd.load(config.dataset, split=config.validation_split, batch_size=batch_size,
                     shuffle=False, seed=EVAL_SEED, binarize=config.eval_binarize,
                     data_dir=data_dir)
    if not config.num_classes:
        return images
    labels = tf.data.Dataset.from_tensor_slices(
        kd.labels(config.dataset, config.validation_split, data_dir)).batch(batch_size)
    return tf.data.Dataset.zip(images, labels).map(
        lambda x, y: {"images": x, "class_label": y})
