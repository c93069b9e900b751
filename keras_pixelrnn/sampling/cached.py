"""Cached sampling: each step computes only the one position the new sub-pixel changes.

A layer's activation at a position depends only on earlier sub-pixels, so once computed it
never changes. The sampler keeps, per layer, the rows it still needs (``ResidualBlock``'s
incremental interface) and, for each pixel, runs every layer at that one position once per
colour; at the end of a row each block rolls its rows (the Row LSTM computes the next row's
state-to-state gates, the Diagonal BiLSTM runs its right-to-left direction over the finished
row). A row is one ``tf.while_loop`` over columns; the whole image is a loop over rows, in one
graph, compiled with XLA by default (on CPU this removes the per-op launch cost that would
otherwise dominate the small per-step work).
"""

import tensorflow as tf

from keras_pixelrnn.sampling.draw import draw
from keras_pixelrnn.sampling.model_parts import ModelParts


class CachedSampler:
    """Cached sampler of one model.

    ``sampler(images, known, seed, temperature)`` returns the images with every sub-pixel
    where ``known`` is False sampled in raster order, colours in order: ``images`` int32
    ``(N, H, W, C)``, ``known`` bool of the same shape, ``seed`` int64 ``[2]``,
    ``temperature`` float32 scalar, and for a conditional model ``conditions``, the dict of
    its condition inputs (``class_label``, ``condition``). ``sampler.rows(...)`` does the
    same one row per call and yields after each row, for progress bars.
    """

    def __init__(self, model, jit_compile=True):
        self.parts = ModelParts(model)
        self.run = tf.function(self._run, jit_compile=jit_compile, reduce_retracing=True)
        self._init = tf.function(self._initial_state, reduce_retracing=True)
        self._row = tf.function(self._row_step, jit_compile=jit_compile,
                                reduce_retracing=True)

    def __call__(self, images, known, seed, temperature, conditions=None):
        return self.run(images, known, seed, temperature, conditions or {})

    def rows(self, images, known, seed, temperature, conditions=None):
        """Generator: yields after each finished row; the last value is the images."""
        state = self._init(images, conditions or {})
        for i in range(self.parts.image_shape[0]):
            state = self._row(state, known, seed, temperature, tf.constant(i))
            yield state["images"]

    def _run(self, images, known, seed, temperature, conditions):
        state = self._initial_state(images, conditions)
        for i in tf.range(self.parts.image_shape[0]):
            state = self._row_step(state, known, seed, temperature, i)
        return state["images"]

    def _initial_state(self, images, conditions):
        parts = self.parts
        _, width, channels = parts.image_shape
        kh, kw = parts.input_conv.kernel_size
        batch = tf.shape(images)[0]
        state = {
            "images": images,
            "rows_above": tf.zeros((batch, kh // 2, width + 2 * (kw // 2), channels),
                                   parts.input_conv.compute_dtype),
            "caches": [block.initial_cache(batch, width) for block in parts.blocks],
        }
        if parts.condition is not None:
            # (N, H or 1, W or 1, D): computed once; each block projects one row at a time.
            state["condition"] = parts.condition(conditions)
        return state

    def _scaled_row(self, row):
        """(N, W, C) int → scaled, zero-padded to (N, W + 2 pw, C), as the full model sees it."""
        pw = self.parts.input_conv.kernel_size[1] // 2
        scaled = self.parts.scale(tf.cast(row, self.parts.scale.compute_dtype))
        return tf.cast(tf.pad(scaled, [[0, 0], [pw, pw], [0, 0]]),
                       self.parts.input_conv.compute_dtype)

    def _column(self, rows_above, row, caches, j, c):
        """Logits (N, L) of colour c at (i, j) and the blocks' pending values."""
        parts = self.parts
        columns = j + tf.range(parts.input_conv.kernel_size[1])
        above = tf.gather(rows_above, columns, axis=2)                       # (N, ph, kw, C)
        current = tf.gather(self._scaled_row(row), columns, axis=1)[:, None]  # (N, 1, kw, C)
        x = parts.input_conv.call_window(tf.concat([above, current, tf.zeros_like(above)], 1))
        features, pendings = [], []
        for block, cache in zip(parts.blocks, caches):
            x, pending = block.pixel_step(cache, x, j)
            features.append(x)
            pendings.append(pending)
        logits = parts.head.pixel_step(features if parts.head.num_skips else x, c)
        return logits, pendings

    def _pixel(self, rows_above, row, caches, known_row, seed, temperature, i, j):
        """Samples the unknown sub-pixels of pixel (i, j), colour by colour, and commits the
        position's final values to the caches."""
        _, width, channels = self.parts.image_shape
        for c in range(channels):
            logits, pendings = self._column(rows_above, row, caches, j, c)
            value = draw(logits, seed, (i * width + j) * channels + c, temperature)
            # Indexing with gather: a slice at a tensor position would make XLA compile the
            # row function again for every row index.
            given = tf.gather(row, j, axis=1)[:, c]
            value = tf.where(tf.gather(known_row, j, axis=1)[:, c], given, value)
            here = tf.logical_and(tf.range(width)[:, None] == j,
                                  tf.range(channels)[None, :] == c)
            row = tf.where(here[None], value[:, None, None], row)
        caches = [block.commit(cache, pending, j)
                  for block, cache, pending in zip(self.parts.blocks, caches, pendings)]
        return row, caches

    def _row_step(self, state, known, seed, temperature, i):
        blocks = self.parts.blocks
        height, width, _ = self.parts.image_shape
        row, caches = tf.gather(state["images"], i, axis=1), state["caches"]
        known_row = tf.gather(known, i, axis=1)
        if "condition" in state:
            condition = state["condition"]
            condition_row = tf.gather(condition, i if condition.shape[1] != 1 else 0, axis=1)
            caches = [block.start_row(cache, condition_row)
                      for block, cache in zip(blocks, caches)]
        for j in tf.range(width):
            row, caches = self._pixel(state["rows_above"], row, caches, known_row, seed,
                                      temperature, i, j)
        caches = [block.end_row(cache) for block, cache in zip(blocks, caches)]
        rows_above = tf.concat([state["rows_above"][:, 1:], self._scaled_row(row)[:, None]], 1)
        images = tf.where((tf.range(height) == i)[None, :, None, None], row[:, None],
                          state["images"])
        return dict(state, images=images, rows_above=rows_above, caches=caches)
