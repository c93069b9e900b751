"""Naive sampling, the reference: one full forward pass of the model per sub-pixel, all in
one ``tf.while_loop``."""

import tensorflow as tf

from keras_pixelrnn.conditioning import images_input
from keras_pixelrnn.sampling.draw import draw


class NaiveSampler:
    """Same interface as :class:`~keras_pixelrnn.sampling.cached.CachedSampler`."""

    def __init__(self, model):
        self.model = model
        self.image_shape = tuple(model.outputs[0].shape[1:4])
        self.run = tf.function(self._run, reduce_retracing=True)
        self._row = tf.function(self._rows, reduce_retracing=True)

    def __call__(self, images, known, seed, temperature, conditions=None):
        return self.run(images, known, seed, temperature, conditions or {})

    def rows(self, images, known, seed, temperature, conditions=None):
        """Generator: yields after each finished row; the last value is the images."""
        for i in range(self.image_shape[0]):
            images = self._row(images, known, seed, temperature, conditions or {},
                               tf.constant(i), tf.constant(i + 1))
            yield images

    def _run(self, images, known, seed, temperature, conditions):
        return self._rows(images, known, seed, temperature, conditions, 0,
                          self.image_shape[0])

    def _rows(self, x, known, seed, temperature, conditions, first_row, end_row):
        _, width, channels = self.image_shape
        batch = tf.shape(x)[0]
        for index in tf.range(first_row * width * channels, end_row * width * channels):
            i = index // (width * channels)
            j = index // channels % width
            c = index % channels
            images = tf.cast(x, images_input(self.model).dtype)
            logits = self.model(dict(conditions, images=images) if conditions else images,
                                training=False)
            value = draw(logits[:, i, j, c], seed, index, temperature)
            value = tf.where(known[:, i, j, c], x[:, i, j, c], value)
            where = tf.stack([tf.range(batch), tf.fill([batch], i), tf.fill([batch], j),
                              tf.fill([batch], c)], axis=1)
            x = tf.tensor_scatter_nd_update(x, where, value)
        return x
