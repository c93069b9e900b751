"""Timing helpers and machine description shared by the benchmark suites."""

import datetime
import os
import platform
import time

import numpy as np


def median_time(fn, repeats=3, warmup=1):
    """Median wall time of ``fn()`` over ``repeats`` runs after ``warmup`` runs (seconds)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def median_times_side_by_side(functions, repeats):
    """``{name: median seconds}`` of ``functions`` (a dict of callables), called in turn
    ``repeats`` times, so that every variant sees the same machine load."""
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, fn in functions.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t)) for name, t in times.items()}


def training_steps_in_contexts(family, config, contexts, batch=16):
    """One model of ``family`` per entry of ``contexts`` (``{name: context manager
    factory}``), each built with the same seed and traced inside its own context, so that
    the variants differ only in what the context swaps in. Returns ``({name: training step},
    {name: losses of the two warm-up steps})``; time the steps with
    :func:`median_times_side_by_side`."""
    import keras

    import keras_pixelrnn as kp

    x = np.random.default_rng(0).integers(0, config["num_levels"],
                                          (batch,) + tuple(config["image_shape"]))
    functions, losses = {}, {}
    for name, context in contexts.items():
        keras.utils.set_random_seed(0)
        model = kp.models.BUILDERS[family](**config)
        model.compile(optimizer="rmsprop")
        with context():                                      # trace and warm up
            losses[name] = [float(np.ravel(model.train_on_batch(x))[0]) for _ in range(2)]
        functions[name] = lambda model=model: model.train_on_batch(x)
    return functions, losses


def machine():
    import keras
    import tensorflow as tf

    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_cores": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
    }


def markdown_table(rows, columns):
    """``rows``: list of dicts; ``columns``: list of (key, header, format)."""
    lines = ["| " + " | ".join(h for _, h, _ in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = []
        for key, _, fmt in columns:
            value = row.get(key)
            cells.append("—" if value is None else (fmt.format(value) if fmt else str(value)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
