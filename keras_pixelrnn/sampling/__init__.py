"""Sampling and image completion: exact, with cached incremental computation.

TensorFlow backend only (the loops are ``tf.while_loop`` graphs, also used by the SavedModel
export); the per-position layer math they call is the layers' own.
"""

from keras_pixelrnn.sampling.api import METHODS, complete, sample, sampler_of

__all__ = ["METHODS", "complete", "sample", "sampler_of"]
