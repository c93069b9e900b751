"""Builds each model family, trains it briefly on the embedded `digits` data (8x8, 17 grey
levels) and reports test bits/dim beside the uniform baseline."""

import math
import time

import keras
import numpy as np

import keras_pixelrnn as kp


def main(epochs=3):
    keras.utils.set_random_seed(0)
    train, info = kp.data.load("digits", split="train", batch_size=16, with_info=True)
    test = np.concatenate(list(kp.data.load("digits", split="test", batch_size=512)))
    print(f"digits: {info.image_shape}, {info.num_levels} levels; uniform = "
          f"{math.log2(info.num_levels):.3f} bits/dim")
    for family in ("pixel_cnn", "row_lstm", "diagonal_bilstm"):
        model = kp.models.from_preset(f"digits_{family}")
        model.compile(optimizer=keras.optimizers.RMSprop(1e-3))
        start = time.perf_counter()
        model.fit(train, epochs=epochs, verbose=0)
        seconds = time.perf_counter() - start
        print(f"{family:16s} {model.count_params():7d} params  {epochs} epochs in "
              f"{seconds:5.1f} s  test {kp.bits_per_dim(model, test).mean():.3f} bits/dim")


if __name__ == "__main__":
    main()
