"""Sampling speed: cached vs naive vs tfp's PixelCNN, in seconds and in forward passes.

* cached: ``kp.sampling.sample(..., method="cached")``, the whole batch.
* naive: one full forward pass per sub-pixel. A full naive run takes minutes to hours here,
  so it is timed over its first ``naive_rows`` rows (after a warm-up row) and scaled by
  ``H / naive_rows``: every naive step is the same full forward pass, so its time per row is
  constant. The ``validation`` section checks that scaling against full naive runs.
* forward: one batched forward pass of the same model (``model.predict_on_batch``-like
  compiled call); cached time / forward time is "cached time in forward passes".
"""

import time

import keras
import numpy as np
import tensorflow as tf

import keras_pixelrnn as kp
from benchmarks.common import median_time

FAMILIES = ("pixel_cnn", "row_lstm", "diagonal_bilstm")
CONFIGS = {
    # The binarized-MNIST preset of the paper (7 layers, h = 16).
    "mnist 28x28x1": dict(image_shape=(28, 28, 1), num_levels=2, num_layers=7, hidden_dim=16,
                          output_dim=32),
    # A small CIFAR-10 configuration (the paper's is 12-15 layers, h = 128).
    "cifar 32x32x3 (small)": dict(image_shape=(32, 32, 3), num_levels=256, num_layers=4,
                                  hidden_dim=24, output_dim=96),
}


def forward_time(model, batch):
    x = tf.zeros((batch,) + model.image_shape)
    call = tf.function(lambda v: model(v, training=False))
    return median_time(lambda: call(x).numpy(), repeats=5)


def cached_time(model, batch):
    return median_time(lambda: kp.sampling.sample(model, batch, seed=0), repeats=3)


def naive_time(model, batch, naive_rows):
    """Seconds for a full naive run, from the time of ``naive_rows`` rows."""
    sampler = kp.sampling.sampler_of(model, "naive")
    height = model.image_shape[0]
    images = tf.zeros((batch,) + model.image_shape, tf.int32)
    known = tf.zeros((batch,) + model.image_shape, tf.bool)
    seed = tf.constant([0, 0], tf.int64)
    temperature = tf.constant(1.0)
    rows = sampler.rows(images, known, seed, temperature)
    next(rows)                                             # warm-up: traces the row function
    start = time.perf_counter()
    for _ in range(naive_rows):
        next(rows)
    return (time.perf_counter() - start) / naive_rows * height


def full_naive_time(model, batch):
    return median_time(lambda: kp.sampling.sample(model, batch, seed=0, method="naive"),
                       repeats=1)


def tfp_pixel_cnn(image_shape, num_filters):
    """``tfp.distributions.PixelCNN`` (gated, two-stream) and its parameter count."""
    import tensorflow_probability as tfp

    dist = tfp.distributions.PixelCNN(image_shape=image_shape, num_resnet=1,
                                      num_hierarchies=2, num_filters=num_filters,
                                      num_logistic_mix=5, dropout_p=0.0)
    dist.log_prob(tf.zeros((1,) + image_shape))            # builds the network
    params = int(sum(np.prod(v.shape) for v in dist.network.trainable_variables))
    return dist, params


def tfp_sample_time(dist, batch):
    sample = tf.function(lambda: dist.sample(batch, seed=1))
    return median_time(lambda: sample().numpy(), repeats=1)


def run(batch=16, naive_rows=1, sizes=(16, 32, 64), quick=False):
    """Returns a dict of result tables."""
    results = {"speed": [], "growth": [], "validation": [], "tfp": []}
    configs = CONFIGS
    if quick:
        configs = {"tiny 8x8x1": dict(image_shape=(8, 8, 1), num_levels=4, num_layers=2,
                                      hidden_dim=8)}
        sizes = (8,)
    for config_name, config in configs.items():
        for family in FAMILIES:
            keras.utils.set_random_seed(0)
            model = kp.models.BUILDERS[family](**config)
            row = {"config": config_name, "family": family, "params": model.count_params(),
                   "batch": batch}
            row["forward_s"] = forward_time(model, batch)
            row["cached_s"] = cached_time(model, batch)
            row["naive_s"] = naive_time(model, batch, naive_rows)
            row["speedup"] = row["naive_s"] / row["cached_s"]
            row["cached_in_forward_passes"] = row["cached_s"] / row["forward_s"]
            row["naive_in_forward_passes"] = row["naive_s"] / row["forward_s"]
            results["speed"].append(row)
            print(row, flush=True)
    for size in sizes:
        for family in FAMILIES:
            keras.utils.set_random_seed(0)
            model = kp.models.BUILDERS[family]((size, size, 1), num_layers=3, hidden_dim=16,
                                              num_levels=2)
            row = {"size": size, "family": family, "batch": batch,
                   "cached_s": cached_time(model, batch),
                   "naive_s": naive_time(model, batch, naive_rows),
                   "forward_s": forward_time(model, batch)}
            results["growth"].append(row)
            print(row, flush=True)
    for family in FAMILIES[:1] if quick else FAMILIES:       # checks the naive scaling
        keras.utils.set_random_seed(0)
        model = kp.models.BUILDERS[family]((8, 8, 1), num_layers=3, hidden_dim=16,
                                          num_levels=2)
        row = {"family": family, "size": 8, "batch": batch,
               "naive_full_s": full_naive_time(model, batch),
               "naive_scaled_s": naive_time(model, batch, 2)}
        results["validation"].append(row)
        print(row, flush=True)
    if not quick:
        try:
            results["tfp"] = tfp_rows(batch, results["speed"])
        except ImportError as err:
            print(f"tfp comparison skipped: {err}")
    return results


def tfp_rows(batch, speed_rows):
    rows = []
    ours = {(r["config"], r["family"]): r for r in speed_rows}
    for config_name, num_filters in (("mnist 28x28x1", 10),):
        config = CONFIGS[config_name]
        dist, params = tfp_pixel_cnn(config["image_shape"], num_filters)
        seconds = tfp_sample_time(dist, batch)
        for family in FAMILIES:
            mine = ours[(config_name, family)]
            rows.append({"config": config_name, "family": family, "params": mine["params"],
                         "tfp_params": params, "cached_s": mine["cached_s"], "tfp_s": seconds,
                         "ratio": seconds / mine["cached_s"]})
        print(rows[-1], flush=True)
    return rows
