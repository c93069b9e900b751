"""The training benchmark on an accelerator, with the model math on the JAX backend.

The GPU machine of this workplace has JAX but no TensorFlow, so this suite uses only what
runs on any Keras backend: the layers and builders (training steps and forward passes, jit-
compiled by Keras). Sampling is TensorFlow-only and is not measured here. Run it with

    KERAS_BACKEND=jax python -m benchmarks.gpu --out=DIR        # under 5 minutes on one GPU

It writes DIR/RESULTS_gpu.md and DIR/results_gpu.json (copy them into benchmarks/).
"""

import argparse
import datetime
import json
import os
import platform
import time

import keras
import numpy as np

import keras_pixelrnn as kp
from benchmarks import flops
from benchmarks.common import markdown_table, median_time

CONFIGS = {  # preset name -> overrides
    "binarized_mnist": {},
    "cifar10": {},
}
FAMILIES = ("pixel_cnn", "row_lstm", "diagonal_bilstm")


def matmul_peak(size=8192, dtype="float32", repeats=10):
    """Measured matmul rate (FLOP/s) of the default device, on the current backend."""
    a = keras.random.normal((size, size), dtype=dtype)
    b = keras.random.normal((size, size), dtype=dtype)
    matmul = keras.ops.matmul

    def run():
        np.asarray(keras.ops.sum(matmul(a, b)))

    return 2 * size ** 3 / median_time(run, repeats=repeats, warmup=2)


def machine():
    devices = []
    if keras.backend.backend() == "jax":
        import jax

        devices = [str(d) for d in jax.devices()]
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu_cores": os.cpu_count(), "python": platform.python_version(),
            "keras": keras.__version__, "backend": keras.backend.backend(), "devices": devices}


def run(batch=16, steps=10, quick=False):
    peak = matmul_peak(size=1024 if quick else 8192)
    rows = []
    for dataset, overrides in CONFIGS.items():
        for family in FAMILIES:
            preset = f"{dataset}_{family}"
            if quick:
                preset, overrides = f"digits_{family}", {}
            keras.utils.set_random_seed(0)
            model = kp.models.from_preset(preset, **overrides)
            model.compile(optimizer="rmsprop")
            x = np.random.default_rng(0).integers(0, model.num_levels,
                                                  (batch,) + model.image_shape)
            start = time.perf_counter()
            model.train_on_batch(x)
            compile_s = time.perf_counter() - start
            step_s = median_time(lambda: model.train_on_batch(x), repeats=steps, warmup=1)
            forward_s = median_time(lambda: np.asarray(model.predict_on_batch(x)),
                                    repeats=steps, warmup=1)
            rate = flops.training_flops(model) * batch / step_s
            rows.append({"preset": preset, "params": model.count_params(), "batch": batch,
                         "compile_s": compile_s, "step_s": step_s, "forward_s": forward_s,
                         "images_per_s": batch / step_s, "gflops_per_s": rate / 1e9,
                         "fraction_of_peak": rate / peak})
            print(rows[-1], flush=True)
        if quick:
            break
    return {"peak_gflops_per_s": peak / 1e9, "rows": rows}


def render(results, command):
    m = results["machine"]
    return "\n".join([
        "# GPU benchmark (model math on the JAX backend)\n",
        f"Command: `{command}`  ", f"Devices: {', '.join(m['devices']) or 'none'}; Keras "
        f"{m['keras']} ({m['backend']}); {m['date']}\n",
        f"Measured float32 matmul peak: {results['training']['peak_gflops_per_s']:.0f} "
        "GFLOP/s. FLOPs are counted as in `flops.py` (training = 3 × forward).\n",
        markdown_table(results["training"]["rows"], [
            ("preset", "preset", None), ("params", "params", "{:,}"),
            ("compile_s", "first step (s)", "{:.1f}"), ("step_s", "step (s)", "{:.4f}"),
            ("forward_s", "forward (s)", "{:.4f}"), ("images_per_s", "images/s", "{:.0f}"),
            ("gflops_per_s", "GFLOP/s", "{:.1f}"), ("fraction_of_peak", "of peak", "{:.2%}")]),
        ""])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    results = {"machine": machine(), "training": run(quick=args.quick)}
    command = "KERAS_BACKEND=jax python -m benchmarks.gpu" + (" --quick" if args.quick else "")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "RESULTS_gpu.md"), "w") as f:
        f.write(render(results, command))
    with open(os.path.join(args.out, "results_gpu.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(f"wrote {os.path.join(args.out, 'RESULTS_gpu.md')}")


if __name__ == "__main__":
    main()
