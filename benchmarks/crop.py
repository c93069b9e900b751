"""Training steps with the package's crops (``Slice`` ops) against strided slices.

Behind the optimisation record's entry on ``StridedSliceGrad`` (benchmarks/OPTIMISATIONS.md).
``python -m benchmarks.run --suites=crop`` (or ``python -m benchmarks.crop``) builds each
recurrent family twice, once with :func:`keras_pixelrnn.layers.crop.crop` as the package has
it and once with ``crop`` swapped for the strided slice ``x[..., start:start + size, ...]`` it
replaced, and times their training steps alternately in one process (median, batch 16). Both
variants must give the same losses: they differ only in how they crop. A TensorFlow profile
of three steps of each gives the share of the op time spent in ``StridedSliceGrad``.
"""

import collections
import contextlib
import glob
import importlib
import os
import tempfile

from benchmarks.common import median_times_side_by_side, training_steps_in_contexts

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


def op_time_shares(fn, steps=3):
    """``{op type: fraction}`` of the op threads' busy time over ``steps`` calls of ``fn``,
    from a TensorFlow profile. The busy time is the sum of the executor's ``Process`` events
    on TensorFlow's op threads; each op's kernel runs inside one of them."""
    import tensorflow as tf
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        for _ in range(steps):
            fn()
        tf.profiler.experimental.stop()
        space = xplane_pb2.XSpace()
        path = glob.glob(os.path.join(logdir, "plugins", "profile", "*", "*.xplane.pb"))[0]
        with open(path, "rb") as f:
            space.ParseFromString(f.read())
    busy, kernels = 0, collections.Counter()
    for plane in space.planes:
        names = {key: meta.name for key, meta in plane.event_metadata.items()}
        for line in plane.lines:
            if not line.name.startswith("tf_Compute"):
                continue
            for event in line.events:
                name = names.get(event.metadata_id, "")
                if name == "ExecutorState::Process":
                    busy += event.duration_ps
                elif ":" in name:                           # "op name:op type"
                    kernels[name.rsplit(":", 1)[1]] += event.duration_ps
    return {op: ps / busy for op, ps in kernels.items()}


def step_times(family, config, batch=16, repeats=9):
    """Median training-step seconds ``{"slice": ..., "strided": ...}``, the losses of the
    first steps of both (which must agree: the two differ only in how they crop), and the
    share of each one's op time spent in ``StridedSliceGrad``."""
    functions, losses = training_steps_in_contexts(
        family, config, {"slice": contextlib.nullcontext, "strided": strided_slices}, batch)
    shares = {variant: op_time_shares(fn).get("StridedSliceGrad", 0.0)
              for variant, fn in functions.items()}
    return median_times_side_by_side(functions, repeats), losses, shares


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
            times, losses, shares = step_times(family, config, batch, repeats)
            rows.append({"config": name, "model": family,
                         "strided_grad_share_before": shares["strided"],
                         "strided_grad_share_after": shares["slice"],
                         "strided_s": times["strided"], "slice_s": times["slice"],
                         "speedup": times["strided"] / times["slice"],
                         "same_losses": losses["strided"] == losses["slice"]})
            print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    run()
