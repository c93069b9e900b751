"""Runs the benchmark suites and writes benchmarks/RESULTS.md and benchmarks/results.json.

    python -m benchmarks.run                  # everything (about 20-30 minutes on 2 cores)
    python -m benchmarks.run --suites=training
    python -m benchmarks.run --quick          # smoke run on tiny models (CI)
"""

import argparse
import json
import os
import sys

from benchmarks import common

HERE = os.path.dirname(os.path.abspath(__file__))


def render(results):
    out = ["# Benchmark results\n",
           "Times are medians of repeated runs measured side by side in one process; compare "
           "ratios, not absolute times (the machine is shared).\n", "| suite | command | "
           "machine | date |", "|---|---|---|---|"]
    for suite, run in sorted(results["runs"].items()):
        m = run["machine"]
        out.append(f"| {suite} | `{run['command']}` | {m['cpu_cores']} CPU cores "
                   f"({m['processor']}), GPUs: {', '.join(m['gpus']) or 'none'}, TensorFlow "
                   f"{m['tensorflow']}, Keras {m['keras']} ({m['keras_backend']}) | {m['date']} |")
    out.append("")
    if "training" in results:
        t = results["training"]
        out += ["## Training throughput (batch 16)\n",
                f"Machine matmul peak (2048² float32 matmul): {t['peak_gflops_per_s']:.1f} "
                "GFLOP/s. Model FLOPs are counted analytically (dense kernels, training = 3 × "
                "forward; see `flops.py`).\n",
                common.markdown_table(t["rows"], [
                    ("config", "config", None), ("model", "model", None),
                    ("params", "params", "{:,}"), ("step_s", "step (s)", "{:.3f}"),
                    ("images_per_s", "images/s", "{:.0f}"),
                    ("gflops_per_s", "GFLOP/s", "{:.2f}"),
                    ("fraction_of_peak", "of peak", "{:.1%}")]), ""]
    if "crop" in results:
        out += ["## Before/after: crops as `Slice` instead of strided slices (batch 16)\n",
                "`StridedSliceGrad` is TensorFlow's gradient of `x[:, a:b]`, a slow generic CPU "
                "kernel. The recurrent layers now crop with `ops.slice`, whose gradient is a "
                "`Pad` (`keras_pixelrnn/layers/crop.py`). Both variants are built and timed "
                "alternately in this run; `strided` swaps the old strided slices back in "
                "(`crop.py`). Share = `StridedSliceGrad`'s kernel time over the op threads' busy "
                "time in three profiled training steps (`tf.profiler`). Same losses: the first two training "
                "losses of both are equal.\n",
                common.markdown_table(results["crop"], [
                    ("config", "config", None), ("model", "model", None),
                    ("strided_grad_share_before", "StridedSliceGrad share before",
                     "{:.0%}"),
                    ("strided_grad_share_after", "share after", "{:.0%}"),
                    ("strided_s", "before: strided slices (s)", "{:.3f}"),
                    ("slice_s", "after: Slice (s)", "{:.3f}"),
                    ("speedup", "speed-up", "{:.2f}×"),
                    ("same_losses", "same losses", None)]), ""]
    if "memory" in results:
        out += ["## Peak memory (batch 16)\n",
                "Peak resident set size during the work (three training steps, or sampling "
                "16 images with the cached sampler, warm-up and tracing included) minus the "
                "resident size just before it, after building the model; a fresh process per "
                "cell (see `memory.py`).\n",
                common.markdown_table(results["memory"], [
                    ("preset", "preset", None), ("train_step_mib", "training step (MiB)", "{:.0f}"),
                    ("sample_mib", "cached sampling (MiB)", "{:.0f}")]), ""]
    if "sampling" in results:
        s = results["sampling"]
        out += ["## Sampling (batch of 16 images)\n",
                "`naive` is scaled from its first row(s) (every naive step is one full forward "
                "pass); `cached` is measured whole. Forward passes = time / one batched "
                "forward pass of the same model.\n",
                common.markdown_table(s["speed"], [
                    ("config", "config", None), ("family", "family", None),
                    ("params", "params", "{:,}"), ("forward_s", "forward (s)", "{:.3f}"),
                    ("cached_s", "cached (s)", "{:.2f}"), ("naive_s", "naive (s)", "{:.1f}"),
                    ("speedup", "naive / cached", "{:.0f}×"),
                    ("cached_in_forward_passes", "cached in forward passes", "{:.1f}"),
                    ("naive_in_forward_passes", "naive in forward passes", "{:.0f}")]), "",
                "### Growth with image size (3 layers, h=16, binary, grey)\n",
                common.markdown_table(s["growth"], [
                    ("size", "size", None), ("family", "family", None),
                    ("forward_s", "forward (s)", "{:.3f}"), ("cached_s", "cached (s)", "{:.2f}"),
                    ("naive_s", "naive (s)", "{:.1f}")]), "",
                "### Check of the naive scaling (8×8: full run vs scaled from 2 rows)\n",
                common.markdown_table(s["validation"], [
                    ("family", "family", None), ("naive_full_s", "full (s)", "{:.2f}"),
                    ("naive_scaled_s", "scaled (s)", "{:.2f}")]), ""]
        if s.get("tfp"):
            out += ["### Against `tfp.distributions.PixelCNN(...).sample`\n",
                    "tfp's gated PixelCNN (num_resnet=1, num_hierarchies=2, num_filters=10, "
                    "5 logistics) re-runs its network per pixel.\n",
                    common.markdown_table(s["tfp"], [
                        ("config", "config", None), ("family", "ours", None),
                        ("params", "our params", "{:,}"), ("tfp_params", "tfp params", "{:,}"),
                        ("cached_s", "ours cached (s)", "{:.2f}"), ("tfp_s", "tfp (s)", "{:.1f}"),
                        ("ratio", "tfp / ours", "{:.0f}×")]), ""]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suites", default="training,crop,sampling,memory")
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--out", default=HERE)
    args = parser.parse_args(argv)
    name = "RESULTS_quick" if args.quick else "RESULTS"
    json_path = os.path.join(args.out, name.lower() + ".json")
    results = {"runs": {}}
    if os.path.exists(json_path):      # a run of some suites keeps the others' results
        with open(json_path) as f:
            results = json.load(f)
        results.setdefault("runs", {})
    command = "python -m benchmarks.run " + " ".join(sys.argv[1:] if argv is None else argv)
    machine = common.machine()
    suites = args.suites.split(",")
    for suite in suites:
        results["runs"][suite] = {"command": command.strip(), "machine": machine}
    if "training" in suites:
        from benchmarks import training
        results["training"] = training.run(quick=args.quick)
    if "crop" in suites:
        from benchmarks import crop
        results["crop"] = crop.run(quick=args.quick)
    if "memory" in suites:
        from benchmarks import memory
        results["memory"] = memory.run(quick=args.quick)
    if "sampling" in suites:
        from benchmarks import sampling
        results["sampling"] = sampling.run(quick=args.quick)
    with open(os.path.join(args.out, name + ".md"), "w") as f:
        f.write(render(results))
    with open(json_path, "w") as f:
        json.dump(results, f, indent=1)
    print(f"wrote {os.path.join(args.out, name + '.md')}")


if __name__ == "__main__":
    main()
