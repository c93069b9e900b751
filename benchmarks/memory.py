"""Peak memory of a training step and of cached sampling, each in a fresh process.

The number is the process's peak resident set size during the measured work (warm-up
included, so graph tracing counts too) minus its resident size just before: what the work
adds on top of TensorFlow and the built model. The peak is reset before the work by writing
5 to ``/proc/self/clear_refs`` (Linux), so a larger peak while building does not hide it.
"""

import json
import subprocess
import sys

CHILD = r"""
import json, sys
import numpy as np, keras
import keras_pixelrnn as kp
preset, overrides, task, batch = json.loads(sys.argv[1])
model = kp.models.from_preset(preset, **overrides)
model.compile(optimizer="rmsprop")
x = np.random.default_rng(0).integers(0, model.num_levels, (batch,) + model.image_shape)
def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))
before = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
if task == "train_step":
    for _ in range(3):
        model.train_on_batch(x)
else:
    kp.sampling.sample(model, batch, seed=0)
after = status("VmHWM:")
print(json.dumps({"before_mib": before / 1024, "peak_mib": after / 1024}))
"""

FAMILIES = ("pixel_cnn", "row_lstm", "diagonal_bilstm")


def measure(preset, task, overrides=None, batch=16):
    args = json.dumps([preset, overrides or {}, task, batch])
    out = subprocess.run([sys.executable, "-c", CHILD, args], capture_output=True, text=True,
                         timeout=3600)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    values = json.loads(out.stdout.strip().splitlines()[-1])
    return values["peak_mib"] - values["before_mib"]


def run(quick=False, tasks=("train_step", "sample")):
    """Rows for the binarized-MNIST and CIFAR-10 presets of each family (``quick``: tiny)."""
    rows = []
    if quick:
        tasks = ("train_step",)
    for dataset in ("digits",) if quick else ("binarized_mnist", "cifar10"):
        for family in FAMILIES[:1] if quick else FAMILIES:
            row = {"preset": f"{dataset}_{family}", "batch": 16}
            for task in tasks:
                row[task + "_mib"] = measure(row["preset"], task)
            rows.append(row)
            print(row, flush=True)
    return rows
