"""README.md's speed numbers are the ones in benchmarks/results.json (the last full run)."""

import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAMILIES = ("pixel_cnn", "row_lstm", "diagonal_bilstm")
CONFIGS = {"MNIST preset 28×28×1": ("mnist 28x28x1", "mnist preset 28x28x1"),
           "small CIFAR config 32×32×3": ("cifar 32x32x3 (small)", "cifar 32x32x3 (small)")}


def _load():
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    with open(os.path.join(ROOT, "benchmarks", "results.json")) as f:
        return readme, json.load(f)


def _row(readme, label):
    match = re.search(r"^\| " + re.escape(label) + r"[^|]* \| (.*) \|$", readme, re.M)
    assert match, f"README.md has no table row starting with {label!r}"
    return [cell.strip() for cell in match.group(1).split(" | ")]


def test_readme_sampling_table_equals_benchmark_results():
    readme, results = _load()
    speed = results["sampling"]["speed"]
    for label, (config, _) in CONFIGS.items():
        rows = {r["family"]: r for r in speed if r["config"] == config}
        ratio, passes = _row(readme, label)
        assert ratio == " / ".join(f"{rows[f]['speedup']:.0f}×" for f in FAMILIES)
        assert passes == " / ".join(f"{rows[f]['cached_in_forward_passes']:.1f}"
                                    for f in FAMILIES)
    tfp = [r["ratio"] for r in results["sampling"]["tfp"]]
    assert f"{min(tfp):.0f}×–{max(tfp):.0f}× slower" in readme


def test_readme_training_table_equals_benchmark_results():
    readme, results = _load()
    training = results["training"]["rows"]
    crop = {(r["config"], r["model"]): r for r in results["crop"]}
    for label, (_, config) in CONFIGS.items():
        rows = {r["model"]: r for r in training if r["config"] == config}
        cells = _row(readme, label + " training")
        assert cells[:3] == [f"{rows[f]['images_per_s']:.0f} ({rows[f]['fraction_of_peak']:.1%})"
                             for f in FAMILIES]
        assert cells[3] == " / ".join(f"{crop[config, f]['speedup']:.2f}×"
                                      for f in ("row_lstm", "diagonal_bilstm"))
    assert f"{results['training']['peak_gflops_per_s']:.0f} GFLOP/s" in readme
    share = crop["mnist preset 28x28x1", "diagonal_bilstm"]["strided_grad_share_before"]
    assert f"whose gradient took {share:.0%} of the Diagonal BiLSTM's op time" in readme
    tfp = [r for r in training if r["model"] == "tfp PixelCNN"]
    assert (f"trains at {tfp[0]['images_per_s']:.0f} and {tfp[1]['images_per_s']:.0f} images/s"
            in readme)
    ours = {(r["config"], r["model"]): r["images_per_s"] for r in training}
    mnist, cifar = (reference["config"] for reference in tfp)
    assert "At the\nMNIST preset our PixelCNN is faster; at the small CIFAR config tfp's is" in readme
    assert ours[mnist, "pixel_cnn"] > tfp[0]["images_per_s"]
    assert ours[cifar, "pixel_cnn"] < tfp[1]["images_per_s"]
    assert "The recurrent models, whose scans are\nsequential, are slower than tfp's" in readme
    for reference in tfp:
        assert all(ours[reference["config"], f] < reference["images_per_s"]
                   for f in ("row_lstm", "diagonal_bilstm"))


def test_readme_logits_share_of_the_cifar_pixel_cnn_equals_the_flop_count():
    import keras_pixelrnn as kp
    from benchmarks.flops import conv_flops, forward_flops
    from benchmarks.training import CONFIGS
    from keras_pixelrnn.layers.output_head import OutputHead

    model = kp.models.pixel_cnn(**CONFIGS["cifar 32x32x3 (small)"])
    head, = [layer for layer in model.layers if isinstance(layer, OutputHead)]
    height, width, _ = model.image_shape
    share = conv_flops(head.logits, height, width, head.output_dim) / forward_flops(model)
    readme, _ = _load()
    assert f"because {share:.0%} of our\nPixelCNN's FLOPs there are its 256-way softmax logits" \
        in readme


def test_readme_growth_sentence_equals_benchmark_results():
    readme, results = _load()
    growth = {(r["size"], r["family"]): r for r in results["sampling"]["growth"]}

    def ratios(key):
        values = [growth[64, f][key] / growth[16, f][key] for f in FAMILIES]
        return f"{min(values):.0f}–{max(values):.0f}×"

    assert f"16× the pixels: {ratios('cached_s')} the time" in readme
    assert "the Row LSTM is the least linear" in readme
    cached = {f: growth[64, f]["cached_s"] / growth[16, f]["cached_s"] for f in FAMILIES}
    assert max(cached, key=cached.get) == "row_lstm"
    assert f"naive time roughly quadratically ({ratios('naive_s')})" in readme
