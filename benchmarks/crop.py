"""Training steps with the package's crops (``Slice`` ops) against strided slices.

Behind the optimisation record's entry on ``StridedSliceGrad`` (benchmarks/OPTIMISATIONS.md).
``python -m benchmarks.run --suites=crop`` (or ``python -m benchmarks.crop``) builds each recurrent family twice, once with
:func:`keras_pixelrnn.layers.crop.crop` as the package has it and once with ``crop`` swapped
for the strided slice ``x[..., start:start + size, ...]`` it replaced, and times their training
steps alternately in one process (median, batch 16). Both variants must give the same
losses: they differ only in how they crop.
"""

import contextlib
import importlib

import numpy as np

CROP_USERS = ("keras_pixelrnn.layers.crop", "keras_pixelrnn.layers.skew",
              "keras_pixelrnn.layers.row_lstm")
FAMILIES = ("row_lstm", "diagonal_bilstm")


def strided_crop(x, axis, start, size):
    """What ``crop`` replaced: a ``StridedSlice`` (same values)."""
    index = [slice(None)] * len(x.shape)
    index[axis] = slice(start, start + size)
    return x[tuple(index)]


@contextlib.contextmanager
def strided_slices():
    """Within the context, layers traced anew crop with strided slices."""
    modules = [importlib.import_module(name) for name in CROP_USERS]
    originals = [module.crop for module in modules]
    for module in modules:
        module.crop = strided_crop
    try:
        yield
    finally:
        for module, original in zip(modules, originals):
            module.crop = original


def step_times(family, config, batch=16, repeats=9):
    """Median training-step seconds ``{"slice": ..., "strided": ...}`` and the losses of the
    first steps of both (which must agree: the two differ only in how they crop)."""
    import keras

    import keras_pixelrnn as kp
    from benchmarks.diagonal_scan import _median_side_by_side

    x = np.random.default_rng(0).integers(0, config["num_levels"],
                                          (batch,) + config["image_shape"])
    functions, losses = {}, {}
    for variant in ("slice", "strided"):
        keras.utils.set_random_seed(0)
        model = kp.models.BUILDERS[family](**config)
        model.compile(optimizer="rmsprop")
        context = strided_slices() if variant == "strided" else contextlib.nullcontext()
        with context:                                        # trace and warm up
            losses[variant] = [float(np.ravel(model.train_on_batch(x))[0]) for _ in range(2)]
        functions[variant] = lambda model=model: model.train_on_batch(x)
    return _median_side_by_side(functions, repeats), losses


def run(batch=16, repeats=9, quick=False):
    """Rows of the before/after table in RESULTS.md."""
    from benchmarks.training import CONFIGS

    configs = CONFIGS
    if quick:
        configs = {"tiny 8x8x1": dict(image_shape=(8, 8, 1), num_levels=4, num_layers=2,
                                      hidden_dim=8)}
        repeats = 3
    rows = []
    for name, config in configs.items():
        for family in FAMILIES:
            times, losses = step_times(family, config, batch, repeats)
            rows.append({"config": name, "model": family, "strided_s": times["strided"],
                         "slice_s": times["slice"],
                         "speedup": times["strided"] / times["slice"],
                         "same_losses": losses["strided"] == losses["slice"]})
            print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    run()
