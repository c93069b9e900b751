"""The paper's optimizer: RMSProp, with gradient clipping and a learning-rate schedule.

Keras 3 clips gradients (``clipnorm`` / ``global_clipnorm``) on each replica *before* they are
summed across replicas, so under a distribution strategy it clips partial gradients and the
result depends on the number of devices. :class:`RMSprop` here clips the summed gradient
instead (the gradient of the whole global batch), so training is the same on one device or
many.
"""

import keras
from keras import ops

from keras_pixelrnn.training.config import TrainConfig


def _replica_context():
    if keras.backend.backend() != "tensorflow":
        return None
    import tensorflow as tf

    return tf.distribute.get_replica_context()


@keras.saving.register_keras_serializable(package="keras_pixelrnn")
class RMSprop(keras.optimizers.RMSprop):
    """``keras.optimizers.RMSprop`` that clips the cross-replica gradient to a global norm.

    Args:
        aggregate_clipnorm: if set, each step's gradient, summed over all replicas, is
            rescaled to have a global norm of at most this value (as ``global_clipnorm`` does
            on a single device).
        **kwargs: arguments of ``keras.optimizers.RMSprop``.
    """

    def __init__(self, aggregate_clipnorm=None, **kwargs):
        super().__init__(**kwargs)
        self.aggregate_clipnorm = aggregate_clipnorm

    def apply(self, grads, trainable_variables=None):
        if self.aggregate_clipnorm:
            grads = list(grads)
            present = [g for g in grads if g is not None]
            context = _replica_context()
            total = present
            if context is not None and context.num_replicas_in_sync > 1:
                import tensorflow as tf

                # Each replica holds its share of the batch gradient; their sum is the
                # gradient the optimizer applies (Keras sums them again below).
                total = context.all_reduce(tf.distribute.ReduceOp.SUM, present)
            norm = ops.sqrt(sum(ops.sum(ops.square(ops.cast(g, "float32"))) for g in total))
            scale = ops.minimum(1.0, self.aggregate_clipnorm / ops.maximum(norm, 1e-12))
            grads = [None if g is None else g * ops.cast(scale, g.dtype) for g in grads]
        return super().apply(grads, trainable_variables)

    def get_config(self):
        return {**super().get_config(), "aggregate_clipnorm": self.aggregate_clipnorm}


def learning_rate_schedule(config: TrainConfig, steps_per_epoch):
    """The learning rate of a (resolved) config: a float or a Keras schedule over steps."""
    if config.schedule == "constant":
        return config.learning_rate
    steps_per_epoch = max(1, int(steps_per_epoch))
    if config.schedule == "exponential":
        return keras.optimizers.schedules.ExponentialDecay(
            config.learning_rate, decay_steps=steps_per_epoch,
            decay_rate=config.lr_decay_per_epoch)
    if config.schedule == "cosine":
        return keras.optimizers.schedules.CosineDecay(
            config.learning_rate, decay_steps=config.epochs * steps_per_epoch,
            alpha=config.final_lr_fraction)
    raise ValueError(f"Unknown schedule {config.schedule!r}.")


def make_optimizer(config: TrainConfig, steps_per_epoch):
    """RMSProp (the paper's choice) with the config's schedule and gradient clipping."""
    return RMSprop(learning_rate=learning_rate_schedule(config, steps_per_epoch),
                   rho=config.rho, aggregate_clipnorm=config.clipnorm)
