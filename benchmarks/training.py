"""Training-step time of each family at one fixed configuration, measured side by side."""

import keras
import numpy as np

import keras_pixelrnn as kp
from benchmarks.common import median_time

FAMILIES = ("pixel_cnn", "row_lstm", "diagonal_bilstm")


def run(image_shape=(28, 28, 1), batch=16, num_layers=7, hidden_dim=16, num_levels=2,
        steps=10, quick=False):
    if quick:
        image_shape, num_layers, hidden_dim, steps = (8, 8, 1), 2, 8, 3
    x = np.random.default_rng(0).integers(0, num_levels, (batch,) + image_shape)
    rows = []
    for family in FAMILIES:
        keras.utils.set_random_seed(0)
        model = kp.models.BUILDERS[family](image_shape, num_layers=num_layers,
                                          hidden_dim=hidden_dim, num_levels=num_levels)
        model.compile(optimizer="rmsprop")
        seconds = median_time(lambda: model.train_on_batch(x), repeats=steps, warmup=2)
        row = {"family": family, "config": f"{image_shape}, batch {batch}, {num_layers} "
                                            f"layers, h={hidden_dim}",
               "params": model.count_params(), "step_s": seconds,
               "images_per_s": batch / seconds}
        rows.append(row)
        print(row, flush=True)
    fastest = min(r["step_s"] for r in rows)
    for row in rows:
        row["relative"] = row["step_s"] / fastest
    return rows
