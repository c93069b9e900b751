"""Training throughput of each family, its FLOP rate against the machine's matmul peak, and
``tfp.distributions.PixelCNN`` at a comparable parameter count, measured side by side."""

import keras
import numpy as np
import tensorflow as tf

import keras_pixelrnn as kp
from benchmarks import flops
from benchmarks.common import median_time

FAMILIES = ("pixel_cnn", "row_lstm", "diagonal_bilstm")
CONFIGS = {
    "mnist preset 28x28x1": dict(image_shape=(28, 28, 1), num_levels=2, num_layers=7,
                                 hidden_dim=16, output_dim=32),
    "cifar 32x32x3 (small)": dict(image_shape=(32, 32, 3), num_levels=256, num_layers=4,
                                  hidden_dim=24, output_dim=96),
}
TFP_FILTERS = {"mnist preset 28x28x1": 10, "cifar 32x32x3 (small)": 16}


def step_time(model, batch, steps):
    x = np.random.default_rng(0).integers(0, model.num_levels, (batch,) + model.image_shape)
    model.compile(optimizer="rmsprop")
    return median_time(lambda: model.train_on_batch(x), repeats=steps, warmup=2)


def tfp_step_time(image_shape, num_filters, batch, steps):
    import tensorflow_probability as tfp

    dist = tfp.distributions.PixelCNN(image_shape=image_shape, num_resnet=1,
                                      num_hierarchies=2, num_filters=num_filters,
                                      num_logistic_mix=5, dropout_p=0.0)
    x = tf.constant(np.random.default_rng(0).integers(0, 256, (batch,) + image_shape),
                    tf.float32)
    dist.log_prob(x[:1])
    variables = dist.network.trainable_variables
    optimizer = tf.keras.optimizers.RMSprop() if hasattr(tf, "keras") else None

    @tf.function
    def train_step():
        with tf.GradientTape() as tape:
            loss = -tf.reduce_mean(dist.log_prob(x))
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return loss

    params = int(sum(np.prod(v.shape) for v in variables))
    return median_time(lambda: train_step().numpy(), repeats=steps, warmup=2), params


def run(batch=16, steps=10, quick=False, with_tfp=True):
    configs = CONFIGS
    if quick:
        configs = {"tiny 8x8x1": dict(image_shape=(8, 8, 1), num_levels=4, num_layers=2,
                                      hidden_dim=8)}
        steps, with_tfp = 3, False
    peak = flops.matmul_peak()
    rows = []
    for name, config in configs.items():
        for family in FAMILIES:
            keras.utils.set_random_seed(0)
            model = kp.models.BUILDERS[family](**config)
            seconds = step_time(model, batch, steps)
            rate = flops.training_flops(model) * batch / seconds
            rows.append({"config": name, "model": family, "params": model.count_params(),
                         "step_s": seconds, "images_per_s": batch / seconds,
                         "gflops_per_s": rate / 1e9, "fraction_of_peak": rate / peak})
            print(rows[-1], flush=True)
        if with_tfp:
            try:
                seconds, params = tfp_step_time(config["image_shape"], TFP_FILTERS[name],
                                                batch, steps)
            except ImportError as err:
                print(f"tfp skipped: {err}")
                continue
            rows.append({"config": name, "model": "tfp PixelCNN", "params": params,
                         "step_s": seconds, "images_per_s": batch / seconds})
            print(rows[-1], flush=True)
    return {"peak_gflops_per_s": peak / 1e9, "rows": rows}
