"""The random draw of one sub-pixel, shared by every sampler so that equal seeds give equal
images.

Inverse-CDF sampling from the softmax, with one uniform number per image from a
counter-based integer hash of ``(seed, sub-pixel index, sample)`` (one number per draw, not
one per level as Gumbel-max would need: with 256 levels the noise dominated a cached step). The hash is plain integer arithmetic, so XLA-
compiled graphs, plain TensorFlow graphs and every device draw exactly the same numbers
(``tf.random.stateless_uniform`` does not: XLA and the CPU kernel give different streams).
"""

import tensorflow as tf

_MASK = 0xFFFFFFFF


def _mix(x):
    """A 32-bit integer hash (Wellons' lowbias32) on int64 tensors holding 32-bit values.
    Products wrap modulo 2**64; their low 32 bits are exact, and only those are kept."""
    x = tf.bitwise.bitwise_and(x, _MASK)
    x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))
    x = tf.bitwise.bitwise_and(x * 0x7FEB352D, _MASK)
    x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 15))
    x = tf.bitwise.bitwise_and(x * 0x846CA68B, _MASK)
    return tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))


def _key(seed):
    """Hashes an int64 ``[2]`` seed to one 32-bit key."""
    key = tf.zeros([], tf.int64)
    for part in (seed[0], tf.bitwise.right_shift(seed[0], 32), seed[1],
                 tf.bitwise.right_shift(seed[1], 32)):
        key = _mix(tf.bitwise.bitwise_xor(key, tf.bitwise.bitwise_and(part, _MASK)))
    return key


def fold_in(seed, data):
    """A new int64 ``[2]`` seed from ``seed`` and an integer ``data`` (e.g. a batch index)."""
    data = tf.cast(data, tf.int64)
    return tf.stack([_mix(tf.bitwise.bitwise_xor(_key(seed), _mix(data))), data])


def uniform(seed, index, shape):
    """float32 noise in (0, 1) of ``shape`` for sub-pixel ``index``."""
    key = _mix(tf.bitwise.bitwise_xor(_key(seed), tf.cast(index, tf.int64)))
    counter = tf.reshape(tf.range(tf.reduce_prod(shape), dtype=tf.int64), shape)
    bits = _mix(_mix(counter * 0x9E3779B9 + key) + key)
    return (tf.cast(tf.bitwise.right_shift(bits, 8), tf.float32) + 0.5) / 2.0**24


def draw(logits, seed, index, temperature):
    """Samples ``(batch,)`` int32 values from ``(batch, num_levels)`` logits.

    Args:
        logits: ``(batch, num_levels)``.
        seed: int64 ``[2]`` seed of the whole sampling run.
        index: the sub-pixel's position in sampling order (raster, then colour).
        temperature: positive scalar; the logits are divided by it.
    """
    cdf = tf.cumsum(tf.nn.softmax(tf.cast(logits, tf.float32) / temperature), axis=-1)
    u = uniform(seed, index, tf.shape(logits)[:1])[:, None] * cdf[:, -1:]
    value = tf.reduce_sum(tf.cast(cdf <= u, tf.int32), axis=-1)
    return tf.minimum(value, tf.shape(logits)[-1] - 1)
